/*
** RFC 4180 CSV reading.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/csv_int.h"

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
  if(!r->next_line)
    r->next_line = 1;
  r->line = r->next_line;
  starts[0] = 0;
  for(;;) {
    ch = getc(r->f);
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
    if(r->line == 1 && len == 0 && r->n == 0 && ch == 0xef) {
      /* UTF-8 byte order mark */
      int b = getc(r->f), c = getc(r->f);
      if(b == 0xbb && c == 0xbf)
        continue;
      r->error = "bad byte order mark";
      return -1;
    }
    if(in_quotes) {
      if(ch == '"') {
        int nx = getc(r->f);
        if(nx == '"') {
          if(!put(r, &len, '"'))
            goto oom;
          continue;
        }
        in_quotes = 0;
        if(nx != EOF)
          ungetc(nx, r->f);
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
          ch = getc(r->f);
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
      int nx = getc(r->f);
      if(nx == '\n') {
        ungetc(nx, r->f);
        continue;
      }
      if(nx != EOF)
        ungetc(nx, r->f);
    }
    if(quoted) {
      r->error = "text after a closing quote";
      while(ch != '\n' && ch != EOF)
        ch = getc(r->f);
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
  for(i = 0; i < r->n; i++)
    r->field[i] = r->buf + starts[i];
  return 1;
oom:
  r->error = "out of memory";
  return -1;
}

void
Tl_csv_free(Tl_csv *r)
{
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}
