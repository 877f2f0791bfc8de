/*
** `-o FILE`: the output goes to a temporary file in FILE's folder and is
** renamed over FILE only when the run succeeds. A failed or refused run
** leaves an existing FILE as it was and no temporary file behind. A FILE
** that exists and is not a regular file (/dev/null, a FIFO) is written in
** place: renaming over it would replace the device.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

FILE *
tl_output_open(struct tl_output *o, const char *path)
{
  const char *slash;
  struct stat sb;
  mode_t mode, mask;
  size_t dl;
  int fd;

  memset(o, 0, sizeof(*o));
  if(!path || !strcmp(path, "-")) {
    o->f = stdout;
    return o->f;
  }
  /* not a regular file (a device such as /dev/null or /dev/full, a FIFO,
  ** /dev/stdout): written in place. A rename would replace the device
  ** node with a regular file. */
  if(!stat(path, &sb) && !S_ISREG(sb.st_mode)) {
    if(S_ISDIR(sb.st_mode)) {
      errno = EISDIR;
      return NULL;
    }
    o->f = fopen(path, "w");
    return o->f;
  }
  o->path = path;
  slash = strrchr(path, '/');
  dl = slash ? (size_t)(slash - path) + 1 : 0;
  if(!(o->tmp = malloc(strlen(path) + 16))) {
    errno = ENOMEM;
    return NULL;
  }
  /* same folder, so that rename() is atomic; hidden, so that a half
  ** written report is not mistaken for one */
  memcpy(o->tmp, path, dl);
  snprintf(o->tmp + dl, strlen(path) + 16 - dl, ".%s.XXXXXX", path + dl);
  if((fd = mkstemp(o->tmp)) < 0) {
    free(o->tmp);
    o->tmp = NULL;
    return NULL;
  }
  /* mkstemp makes the file 0600: give it the mode of the file it replaces,
  ** or what a plain fopen() would have given it */
  if(!stat(path, &sb))
    mode = sb.st_mode & 07777;
  else {
    mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  if(fchmod(fd, mode) || !(o->f = fdopen(fd, "w"))) {
    int e = errno;
    close(fd);
    unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    errno = e;
    return NULL;
  }
  return o->f;
}

int
tl_output_commit(struct tl_output *o)
{
  int rc = 0, e = 0;
  if(!o->f)
    return -1;
  if(!o->tmp) {
    /* stdout is flushed; a device opened in place is also closed */
    rc = ferror(o->f) || fflush(o->f) ? -1 : 0;
    if(rc)
      e = errno ? errno : EIO;
    if(o->f != stdout && fclose(o->f) && !rc) {
      rc = -1;
      e = errno;
    }
    o->f = NULL;
    if(rc)
      errno = e;
    return rc;
  }
  if(ferror(o->f) || fflush(o->f) || fsync(fileno(o->f)))
    rc = -1;
  if(rc)
    e = errno ? errno : EIO;
  if(fclose(o->f) && !rc) {
    rc = -1;
    e = errno;
  }
  o->f = NULL;
  if(!rc && rename(o->tmp, o->path)) {
    rc = -1;
    e = errno;
  }
  if(rc)
    unlink(o->tmp);
  free(o->tmp);
  o->tmp = NULL;
  errno = e;
  return rc;
}

void
tl_output_abort(struct tl_output *o)
{
  if(o->f && o->tmp) {
    fclose(o->f);
    unlink(o->tmp);
  }
  else if(o->f && o->f != stdout)
    fclose(o->f);     /* a device opened in place */
  free(o->tmp);
  memset(o, 0, sizeof(*o));
}

/* A report command's common end: open the case read-only, write the
** report through a sink into -o FILE (or stdout) and say what failed. */
int
tl_run_report(const char *case_path, const char *outpath,
              tl_rc (*write)(tl_case *c, const struct tl_sink *s, void *arg),
              void *arg)
{
  const char *err = NULL;
  struct tl_output out;
  struct tl_sink sink;
  tl_case *c;
  tl_rc rc;

  if(tl_case_open(case_path, TL_OPEN_READONLY, &c, &err)) {
    fprintf(stderr, "touchline: %s\n", err);
    return 1;
  }
  if(!tl_output_open(&out, outpath)) {
    fprintf(stderr, "touchline: %s: %s\n", outpath, strerror(errno));
    tl_case_close(c);
    return 1;
  }
  tl_sink_stdio(&sink, out.f);
  rc = write(c, &sink, arg);
  if(rc) {
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
    tl_output_abort(&out);
  }
  /* the sink wrote into the stream's buffer: a full disk shows up here */
  else if(tl_output_commit(&out)) {
    fprintf(stderr, "touchline: %s: %s\n", outpath ? outpath :
            "standard output", strerror(errno));
    rc = TL_IO;
  }
  tl_case_close(c);
  return rc == TL_USAGE ? 2 : rc ? 1 : 0;
}
