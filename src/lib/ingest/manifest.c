/*
** A manifest: the evidence items of a parallel ingest (docs/MANIFEST.md).
**
** The file is UTF-8 text, one item per line: label, division, image path,
** separated by tabs. Lines whose first non-blank character is # and blank
** lines are skipped; a CR before the line end (a file written on Windows)
** and a UTF-8 byte-order mark at the start are ignored. A relative image
** path is taken relative to the manifest's folder. Every line is checked
** before the manifest is used; each bad one is reported with its number.
*/
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/abi_int.h"
#include "base/names_int.h"
#include "ingest/ingest_int.h"

typedef struct {
  char *label, *division, *image, *real;
  long line;
} entry;

struct tl_manifest {
  entry *e;
  int n, cap;
};

static _Thread_local char add_why[1200];

tl_rc
tl_manifest_new(tl_manifest **out)
{
  if(!out)
    return TL_USAGE;
  *out = calloc(1, sizeof(**out));
  return *out ? TL_OK : TL_NOMEM;
}

void
tl_manifest_free(tl_manifest *m)
{
  int i;
  if(!m)
    return;
  for(i = 0; i < m->n; i++) {
    free(m->e[i].label);
    free(m->e[i].division);
    free(m->e[i].image);
    free(m->e[i].real);
  }
  free(m->e);
  free(m);
}

int
tl_manifest_count(const tl_manifest *m)
{
  return m ? m->n : 0;
}

tl_rc
tl_manifest_get(const tl_manifest *m, int i, struct tl_manifest_entry *e)
{
  struct tl_manifest_entry r;
  if(!m || i < 0 || i >= m->n || !Tl_result_ok(e))
    return TL_USAGE;
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  r.label = m->e[i].label;
  r.division = m->e[i].division;
  r.image = m->e[i].image;
  r.line = m->e[i].line;
  Tl_result_out(e, &r, sizeof(r));
  return TL_OK;
}

/* A label or division: text without control characters, no blanks at
** either end (a stray space is a typing error more often than a name). */
static const char *
bad_name(const char *s)
{
  size_t n = strlen(s), i;
  if(!n)
    return "is empty";
  if(!Tl_utf8_valid(s, n))
    return "is not valid UTF-8";
  for(i = 0; i < n; i++)
    if((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return "contains a control character";
  if(s[0] == ' ' || s[n - 1] == ' ')
    return "begins or ends with a space";
  return NULL;
}

/* Append an item; on a refusal why holds the cause (without the line). */
static tl_rc
add_entry(tl_manifest *m, const char *label, const char *division,
          const char *image, long line, char *why, size_t wlen)
{
  const char *b;
  char real[PATH_MAX];
  entry *e;
  int i;

  if((b = bad_name(label))) {
    snprintf(why, wlen, "the label %s", b);
    return TL_USAGE;
  }
  if(division && (b = bad_name(division))) {
    snprintf(why, wlen, "the division %s", b);
    return TL_USAGE;
  }
  if(!image[0]) {
    snprintf(why, wlen, "the image path is empty");
    return TL_USAGE;
  }
  if(strlen(image) >= PATH_MAX) {
    snprintf(why, wlen, "the image path is longer than %d bytes", PATH_MAX);
    return TL_USAGE;
  }
  if(!realpath(image, real))
    real[0] = '\0';
  for(i = 0; i < m->n; i++) {
    if(!strcmp(m->e[i].label, label)) {
      if(m->e[i].line)
        snprintf(why, wlen, "the label '%s' is already on line %ld",
                 label, m->e[i].line);
      else
        snprintf(why, wlen, "the label '%s' is already in the list", label);
      return TL_USAGE;
    }
    if(!strcmp(m->e[i].image, image) ||
       (real[0] && m->e[i].real && !strcmp(m->e[i].real, real))) {
      if(m->e[i].line)
        snprintf(why, wlen, "the image %s is already on line %ld (as '%s')",
                 image, m->e[i].line, m->e[i].label);
      else
        snprintf(why, wlen, "the image %s is already in the list (as '%s')",
                 image, m->e[i].label);
      return TL_USAGE;
    }
  }
  if(m->n == m->cap) {
    int cap = m->cap ? m->cap * 2 : 16;
    entry *ne = realloc(m->e, (size_t)cap * sizeof(*ne));
    if(!ne)
      return TL_NOMEM;
    m->e = ne;
    m->cap = cap;
  }
  e = &m->e[m->n];
  memset(e, 0, sizeof(*e));
  e->line = line;
  if(!(e->label = strdup(label)) || !(e->image = strdup(image)) ||
     (division && !(e->division = strdup(division))) ||
     (real[0] && !(e->real = strdup(real)))) {
    free(e->label);
    free(e->image);
    free(e->division);
    return TL_NOMEM;
  }
  m->n++;
  return TL_OK;
}

tl_rc
tl_manifest_add(tl_manifest *m, const char *label, const char *division,
                const char *image, const char **why)
{
  tl_rc rc;
  if(why)
    *why = "";
  if(!m || !label || !image)
    return TL_USAGE;
  add_why[0] = '\0';
  rc = add_entry(m, label, division, image, 0, add_why, sizeof(add_why));
  if(rc && why)
    *why = rc == TL_NOMEM ? "out of memory" : add_why;
  return rc;
}

static void
report(void (*on_error)(const char *, long, const char *, void *),
       void *ctx, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
report(void (*on_error)(const char *, long, const char *, void *),
       void *ctx, const char *file, long line, const char *fmt, ...)
{
  char msg[1400];
  va_list ap;
  if(!on_error)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  on_error(file, line, msg, ctx);
}

/* The manifest's folder with a slash, "" for the working directory. */
static char *
folder_of(const char *path)
{
  const char *sl = strrchr(path, '/');
  size_t n = sl ? (size_t)(sl - path) + 1 : 0;
  char *d = malloc(n + 1);
  if(d) {
    memcpy(d, path, n);
    d[n] = '\0';
  }
  return d;
}

tl_rc
tl_manifest_read(const char *path, tl_manifest **out,
                 void (*on_error)(const char *file, long line,
                                  const char *msg, void *ctx),
                 void *ctx)
{
  FILE *f;
  tl_manifest *m = NULL;
  char *buf = NULL, *dir = NULL, *img = NULL, why[1200];
  size_t cap = 0;
  ssize_t len;
  long line = 0;
  int n_bad = 0;
  tl_rc rc = TL_OK;

  if(!out || !path)
    return TL_USAGE;
  *out = NULL;
  if(!(f = fopen(path, "r"))) {
    report(on_error, ctx, path, 0, "cannot read the manifest: %s",
           strerror(errno));
    return TL_IO;
  }
  if(tl_manifest_new(&m) || !(dir = folder_of(path))) {
    fclose(f);
    free(m);
    return TL_NOMEM;
  }
  while(!rc && (len = getline(&buf, &cap, f)) >= 0) {
    char *s = buf, *fld[4], *p;
    int nf = 0;
    size_t k;
    line++;
    if(len > 0 && s[len - 1] == '\n')
      s[--len] = '\0';
    if(len > 0 && s[len - 1] == '\r')
      s[--len] = '\0';
    if(line == 1 && len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
      s += 3;
      len -= 3;
    }
    if(strlen(s) != (size_t)len) {
      report(on_error, ctx, path, line, "contains a NUL byte (not a text "
             "file?)");
      n_bad++;
      continue;
    }
    for(k = 0; k < (size_t)len && (s[k] == ' ' || s[k] == '\t'); k++)
      ;
    if(k == (size_t)len || s[k] == '#')
      continue;           /* blank, or a comment */
    for(p = s; nf < 4; nf++) {
      fld[nf] = p;
      if(!(p = strchr(p, '\t'))) {
        nf++;
        break;
      }
      *p++ = '\0';
    }
    if(nf != 3) {
      report(on_error, ctx, path, line, "expected 3 tab-separated fields "
             "(label, division, image), found %s%s", nf > 3 ? "more" :
             nf == 2 ? "2" : "1", nf == 1 && strchr(s, ' ') ?
             " (fields are separated by tabs, not spaces)" : "");
      n_bad++;
      continue;
    }
    free(img);
    img = NULL;
    if(fld[2][0] && fld[2][0] != '/') {
      size_t n = strlen(dir) + strlen(fld[2]) + 1;
      if(!(img = malloc(n))) {
        rc = TL_NOMEM;
        break;
      }
      snprintf(img, n, "%s%s", dir, fld[2]);
    }
    rc = add_entry(m, fld[0], fld[1][0] ? fld[1] : NULL, img ? img : fld[2],
                   line, why, sizeof(why));
    if(rc == TL_USAGE) {
      report(on_error, ctx, path, line, "%s", why);
      n_bad++;
      rc = TL_OK;
    }
  }
  if(!rc && ferror(f)) {
    report(on_error, ctx, path, line, "cannot read the manifest: %s",
           strerror(errno));
    rc = TL_IO;
  }
  fclose(f);
  free(buf);
  free(img);
  free(dir);
  if(!rc && n_bad) {
    report(on_error, ctx, path, 0, "%d bad line%s",
           n_bad, n_bad == 1 ? "" : "s");
    rc = TL_USAGE;
  }
  else if(!rc && !m->n) {
    report(on_error, ctx, path, 0, "no evidence items (each line: label, "
           "division, image, separated by tabs)");
    rc = TL_USAGE;
  }
  if(rc) {
    tl_manifest_free(m);
    return rc;
  }
  *out = m;
  return TL_OK;
}
