/*
** Evidence containers through libtsk, and EWF metadata through libewf.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libewf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/ewfimg_int.h"
#include "image/image_int.h"

const char *
Tl_tsk_errstr(char *buf, size_t len)
{
  const char *e = tsk_error_get();
  size_t i;
  snprintf(buf, len, "%s", e && *e ? e : "unknown error");
  /* TSK messages can carry newlines; a one-line error needs none. */
  for(i = 0; buf[i]; i++)
    if(buf[i] == '\n' || buf[i] == '\r')
      buf[i] = ' ';
  tsk_error_reset();
  return buf;
}

tl_rc
Tl_image_preflight(tl_case *c, const char *path)
{
  struct stat sb;
  int fd;
  if(stat(path, &sb) != 0)
    return Tl_set_error(c, TL_IO, "%s: %s", path, strerror(errno));
  if(S_ISDIR(sb.st_mode))
    return Tl_set_error(c, TL_FAILED,
                        "%s: is a directory, not an evidence image", path);
  if(!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
    return Tl_set_error(c, TL_FAILED, "%s: not a regular file or device",
                        path);
  if(S_ISREG(sb.st_mode) && sb.st_size == 0)
    return Tl_set_error(c, TL_FAILED, "%s: empty file (0 bytes)", path);
  fd = open(path, O_RDONLY);
  if(fd < 0)
    return Tl_set_error(c, TL_IO, "%s: cannot read: %s", path,
                        strerror(errno));
  close(fd);
  return TL_OK;
}

static int
file_exists(const char *p)
{
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Given the first segment of a split raw set (x.000/x.001, x_001, x.aa),
** list it and the segments that follow. Returns the count (>= 1), or -1 on
** allocation failure. */
static int
find_split_segments(const char *first, char ***out)
{
  size_t len = strlen(first), i, start;
  char **list = NULL;
  int n = 0, cap = 0, digits = 1;
  char *cur;

  *out = NULL;
  /* The suffix: digits after '.' or '_', or two letters after '.'. */
  start = len;
  while(start > 0 && first[start - 1] >= '0' && first[start - 1] <= '9')
    start--;
  if(start == len || start == 0 ||
     (first[start - 1] != '.' && first[start - 1] != '_')) {
    digits = 0;
    if(len >= 3 && first[len - 3] == '.' && first[len - 2] >= 'a' &&
       first[len - 2] <= 'z' && first[len - 1] >= 'a' && first[len - 1] <= 'z')
      start = len - 2;
    else
      start = len;
  }
  if(!(cur = strdup(first)))
    return -1;
  for(;;) {
    if(n == cap) {
      char **nl = realloc(list, sizeof(char *) * (size_t)(cap = cap * 2 + 4));
      if(!nl)
        goto oom;
      list = nl;
    }
    if(!(list[n++] = strdup(cur)))
      goto oom;
    if(start == len)
      break;  /* no recognised suffix: a single file */
    /* Increment the suffix in place, digit or letter wise. */
    i = len;
    while(i > start) {
      char *ch = &cur[i - 1];
      if(digits ? *ch < '9' : *ch < 'z') {
        (*ch)++;
        break;
      }
      *ch = digits ? '0' : 'a';
      i--;
    }
    if(i == start || !file_exists(cur))
      break;
  }
  free(cur);
  *out = list;
  return n;
oom:
  free(cur);
  while(n > 0)
    free(list[--n]);
  free(list);
  return -1;
}

static void
ewf_read_metadata(Tl_image *im)
{
  static const char *const keys[] = {
    "case_number", "evidence_number", "examiner_name", "description",
    "notes", "acquiry_date", "system_date", "acquiry_operating_system",
    "acquiry_software", "acquiry_software_version", "model",
    "serial_number", "device_label", NULL
  };
  libewf_handle_t *h = NULL;
  libewf_error_t *err = NULL;
  uint8_t buf[1024];
  int i;

  if(libewf_handle_initialize(&h, &err) != 1)
    goto done;
  if(libewf_handle_open(h, im->segments, im->n_segments,
                        LIBEWF_OPEN_READ, &err) != 1)
    goto done;
  if(libewf_handle_segment_files_corrupted(h, &err) == 1)
    im->ewf_corrupted = 1;
  if(err)
    libewf_error_free(&err);
  for(i = 0; keys[i] && im->n_meta < TL_MAX_META; i++) {
    if(libewf_handle_get_utf8_header_value(h, (const uint8_t *)keys[i],
                                           strlen(keys[i]), buf, sizeof(buf),
                                           &err) == 1 && buf[0]) {
      im->meta[im->n_meta].key = keys[i];
      im->meta[im->n_meta].value = strdup((char *)buf);
      if(im->meta[im->n_meta].value)
        im->n_meta++;
    }
    if(err) {
      libewf_error_free(&err);
    }
  }
  if(libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"MD5", 3, buf,
                                       sizeof(buf), &err) == 1)
    snprintf(im->stored_md5, sizeof(im->stored_md5), "%.32s", (char *)buf);
  if(err)
    libewf_error_free(&err);
  if(libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"SHA1", 4, buf,
                                       sizeof(buf), &err) == 1)
    snprintf(im->stored_sha1, sizeof(im->stored_sha1), "%.40s",
             (char *)buf);
done:
  if(err)
    libewf_error_free(&err);
  if(h) {
    libewf_handle_close(h, NULL);
    libewf_handle_free(&h, NULL);
  }
}

tl_rc
Tl_image_open(tl_case *c, int n_paths, const char *const *paths,
              Tl_image *im)
{
  libewf_error_t *err = NULL;
  char tskerr[512];
  int i;
  tl_rc rc;

  memset(im, 0, sizeof(*im));
  for(i = 0; i < n_paths; i++)
    if((rc = Tl_image_preflight(c, paths[i])))
      return rc;

  if(libewf_check_file_signature(paths[0], &err) == 1) {
    char **globbed = NULL;
    int n = 0;
    im->is_ewf = 1;
    if(n_paths == 1) {
      if(libewf_glob(paths[0], strlen(paths[0]), LIBEWF_FORMAT_UNKNOWN,
                     &globbed, &n, &err) != 1) {
        char e[256] = "";
        if(err)
          libewf_error_sprint(err, e, sizeof(e));
        libewf_error_free(&err);
        return Tl_set_error(c, TL_FAILED, "%s: cannot find EWF segments: %s",
                            paths[0], e);
      }
      im->segments = calloc((size_t)n + 1, sizeof(char *));
      for(i = 0; im->segments && i < n; i++)
        im->segments[i] = strdup(globbed[i]);
      libewf_glob_free(globbed, n, NULL);
      im->n_segments = n;
    }
  }
  if(err)
    libewf_error_free(&err);

  if(!im->segments) {
    if(n_paths == 1 && !im->is_ewf) {
      char **list;
      int n = find_split_segments(paths[0], &list);
      if(n < 0)
        return Tl_set_error(c, TL_NOMEM, "out of memory");
      im->segments = calloc((size_t)n + 1, sizeof(char *));
      if(im->segments)
        memcpy(im->segments, list, sizeof(char *) * (size_t)n);
      free(list);
      im->n_segments = n;
    }
    else {
      im->segments = calloc((size_t)n_paths + 1, sizeof(char *));
      for(i = 0; im->segments && i < n_paths; i++)
        im->segments[i] = strdup(paths[i]);
      im->n_segments = n_paths;
    }
  }
  if(!im->segments)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  for(i = 0; i < im->n_segments; i++) {
    rc = im->segments[i] ? Tl_image_preflight(c, im->segments[i]) :
         Tl_set_error(c, TL_NOMEM, "out of memory");
    if(rc) {
      Tl_image_close(im);
      return rc;
    }
  }

  tsk_error_reset();
  /* EWF goes through our own image layer (ewfimg.c): libtsk's cache is
  ** too small for a walk that inflates the same chunks again and again. */
  if(im->is_ewf)
    im->img = Tl_ewf_img_open(im->segments, im->n_segments,
                              TL_EWF_CACHE_BYTES, tskerr, sizeof(tskerr));
  else
    im->img = tsk_img_open_utf8(im->n_segments,
                                (const char *const *)im->segments,
                                im->n_segments > 1 ? TSK_IMG_TYPE_RAW :
                                TSK_IMG_TYPE_DETECT, 0);
  if(!im->img) {
    Tl_set_error(c, TL_FAILED, "%s: cannot open as an evidence image: %s",
                 paths[0], im->is_ewf ? tskerr :
                 Tl_tsk_errstr(tskerr, sizeof(tskerr)));
    Tl_image_close(im);
    return TL_FAILED;
  }
  /* our EWF layer is TSK_IMG_TYPE_EXTERNAL to libtsk; it is still EWF */
  im->itype = im->is_ewf ? TSK_IMG_TYPE_EWF_EWF : im->img->itype;
  im->media_size = (uint64_t)im->img->size;
  im->sector_size = im->img->sector_size;
  snprintf(im->container, sizeof(im->container), "%s%s",
           tsk_img_type_toname(im->itype),
           im->n_segments > 1 && !im->is_ewf ? " (split)" : "");
  if(im->media_size == 0) {
    Tl_set_error(c, TL_FAILED, "%s: image holds no data (media size 0)",
                 paths[0]);
    Tl_image_close(im);
    return TL_FAILED;
  }
  if(im->is_ewf)
    ewf_read_metadata(im);
  return TL_OK;
}

void
Tl_image_close(Tl_image *im)
{
  int i;
  if(im->img)
    tsk_img_close(im->img);
  if(im->segments) {
    for(i = 0; i < im->n_segments; i++)
      free(im->segments[i]);
    free(im->segments);
  }
  for(i = 0; i < im->n_meta; i++)
    free(im->meta[i].value);
  memset(im, 0, sizeof(*im));
}
