/*
** RFC 4180 CSV reading.
*/
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv_int.h"
#include "base/names_int.h"

/* getc with a few bytes of push-back of our own */
static int
rd(Tl_csv *r)
{
  if(r->n_back)
    return r->back[--r->n_back];
  return getc(r->f);
}

static void
unrd(Tl_csv *r, int ch)
{
  if(ch != EOF)
    r->back[r->n_back++] = ch;
}

static int
put(Tl_csv *r, size_t *len, int ch)
{
  if(*len + 1 >= r->cap) {
    size_t nc = r->cap ? r->cap * 2 : 1024;
    char *nb = realloc(r->buf, nc);
    if(!nb)
      return 0;
    r->buf = nb;
    r->cap = nc;
  }
  r->buf[(*len)++] = (char)ch;
  return 1;
}

int
Tl_csv_next(Tl_csv *r)
{
  size_t len = 0, starts[TL_CSV_MAX_FIELDS];
  int ch, quoted = 0, in_quotes = 0, any = 0, i;

  r->n = 0;
  r->error = NULL;
  if(r->fatal)
    return 0;   /* the error was reported once; nothing more is read */
  if(!r->next_line) {
    /* the first two bytes tell UTF-16 (with or without a byte order
    ** mark: ASCII text in UTF-16 has a NUL in every other byte) */
    int b0 = rd(r), b1 = b0 == EOF ? EOF : rd(r);
    if(b1 != EOF)
      r->back[r->n_back++] = b1;
    if(b0 != EOF)
      r->back[r->n_back++] = b0;
    if(b1 != EOF && ((b0 == 0xff && b1 == 0xfe) ||
                     (b0 == 0xfe && b1 == 0xff) || (b0 && !b1) ||
                     (!b0 && b1))) {
      r->error = "file is UTF-16: save it as UTF-8";
      r->fatal = 1;
      r->line = r->next_line = 1;
      return -1;
    }
    r->next_line = 1;
  }
  r->line = r->next_line;
  starts[0] = 0;
  for(;;) {
    ch = rd(r);
    if(ch == EOF) {
      if(in_quotes) {
        r->error = "a quoted field is not closed";
        return -1;
      }
      if(!any)
        return 0;
      break;
    }
    any = 1;
    if(r->line == 1 && !r->bom && len == 0 && r->n == 0 &&
       ch == 0xef) {
      /* UTF-8 byte order mark */
      int b = rd(r), c = rd(r);
      if(b == 0xbb && c == 0xbf) {
        r->bom = 1;
        any = 0;
        continue;
      }
      r->error = "bad byte order mark";
      ch = c;
      while(ch != '\n' && ch != EOF)
        ch = rd(r);
      r->next_line++;
      return -1;
    }
    if(in_quotes) {
      if(ch == '"') {
        int nx = rd(r);
        if(nx == '"') {
          if(!put(r, &len, '"'))
            goto oom;
          continue;
        }
        in_quotes = 0;
        unrd(r, nx);
        continue;
      }
      if(ch == '\n')
        r->next_line++;
      if(!put(r, &len, ch))
        goto oom;
      continue;
    }
    if(ch == '"' && len == starts[r->n] && !quoted) {
      in_quotes = quoted = 1;
      continue;
    }
    if(ch == ',' || ch == '\n') {
      if(!put(r, &len, '\0'))
        goto oom;
      if(r->n + 1 >= TL_CSV_MAX_FIELDS) {
        r->error = "too many columns";
        while(ch != '\n' && ch != EOF)
          ch = rd(r);
        r->next_line++;
        return -1;
      }
      r->n++;
      starts[r->n] = len;
      quoted = 0;
      if(ch == '\n') {
        r->next_line++;
        break;
      }
      continue;
    }
    if(ch == '\r') {
      int nx = rd(r);
      if(nx == '\n') {
        unrd(r, nx);
        continue;
      }
      unrd(r, nx);
    }
    if(quoted) {
      r->error = "text after a closing quote";
      while(ch != '\n' && ch != EOF)
        ch = rd(r);
      r->next_line++;
      return -1;
    }
    if(!put(r, &len, ch))
      goto oom;
  }
  if(ch == EOF) {
    if(!put(r, &len, '\0'))
      goto oom;
    r->n++;
  }
  for(i = 0; i < r->n; i++) {
    size_t fl = (i + 1 < r->n ? starts[i + 1] - 1 : len - 1) - starts[i];
    r->field[i] = r->buf + starts[i];
    /* a NUL inside a value would cut it short: refuse, never truncate */
    if(memchr(r->field[i], '\0', fl)) {
      r->error = "a NUL byte inside a value (a binary or UTF-16 file?)";
      return -1;
    }
    if(!Tl_utf8_valid(r->field[i], fl)) {
      r->error = "bytes that are not UTF-8 (Latin-1 or another code page? "
                 "save the file as UTF-8)";
      return -1;
    }
  }
  return 1;
oom:
  r->error = "out of memory";
  r->fatal = 1;
  return -1;
}

void
Tl_csv_free(Tl_csv *r)
{
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}

void
Tl_import_report(const struct tl_import_opts *o, const char *file, long line,
                 const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(o && o->on_error)
    o->on_error(file, line, msg, o->ctx);
}
