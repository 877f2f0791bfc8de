/* The CSV reader (base/csv.c) on in-memory files, and the string map
** (base/strmap.c) with many keys. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/csv_int.h"
#include "base/strmap_int.h"
#include "tap.h"

/* Read all of text; records as "line:f1|f2|...;" and errors as
** "line:!error;" into out. */
static const char *
read_all(const char *text, size_t len, char *out, size_t cap)
{
  Tl_csv r;
  size_t n = 0;
  int rc, i, guard = 0;
  memset(&r, 0, sizeof(r));
  out[0] = '\0';
  if(!(r.f = fmemopen((void *)text, len, "r")))
    return "fmemopen failed";
  while((rc = Tl_csv_next(&r)) != 0 && n < cap && guard++ < 1000) {
    if(rc < 0)
      n += (size_t)snprintf(out + n, cap - n, "%ld:!%s;", r.line,
                            r.error ? r.error : "?");
    else {
      n += (size_t)snprintf(out + n, cap - n, "%ld:", r.line);
      for(i = 0; i < r.n && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "",
                              r.field[i]);
      if(n < cap)
        n += (size_t)snprintf(out + n, cap - n, ";");
    }
    if(rc < 0 && !strcmp(r.error ? r.error : "", "a quoted field is not "
                         "closed"))
      break;
  }
  Tl_csv_free(&r);
  fclose(r.f);
  return out;
}

#define CSV(lit, want, ...) do { \
    char out_[4096]; \
    is_str(read_all(lit, sizeof(lit) - 1, out_, sizeof(out_)), want, \
           __VA_ARGS__); } while(0)

static void
csv(void)
{
  CSV("a,b,c\nd,e,f\n", "1:a|b|c;2:d|e|f;", "plain records, line numbers");
  CSV("a,b", "1:a|b;", "last record without a newline");
  CSV("", "", "empty file: no record");
  CSV(",,\n", "1:||;", "empty fields");
  CSV("\"x, y\",\"say \"\"hi\"\"\",z\n", "1:x, y|say \"hi\"|z;",
      "quoted comma, doubled quotes");
  CSV("\"\",\"\"\"\"\n", "1:|\";", "empty quoted field; a lone quote");
  CSV("a,b\r\nc,d\r\n", "1:a|b;2:c|d;", "CRLF line ends are not data");
  CSV("a\rb,c\n", "1:a\rb|c;", "a CR not before LF is data");
  CSV("\xef\xbb\xbfpath,name\nx,y\n", "1:path|name;2:x|y;",
      "UTF-8 BOM skipped");
  CSV("path,\xef\xbb\xbfname\n", "1:path|\xef\xbb\xbfname;",
      "a BOM later in the line is data");
  CSV("\"l1\nl2\",x\nnext,y\n", "1:l1\nl2|x;3:next|y;",
      "quoted newline: the next record starts on line 3");
  CSV("\"ab\"c,d\ne,f\n", "1:!text after a closing quote;2:e|f;",
      "text after a closing quote: error, then the next line");
  CSV("a,b\n\"open,c\nd\n", "1:a|b;2:!a quoted field is not closed;",
      "unclosed quote at end of file");
  {
    char out[256];
    read_all("\xef\xbbX,x\nq,r\n", 10, out, sizeof(out));
    ok(!strcmp(out, "1:!bad byte order mark;2:q|r;"),
       "a broken BOM is an error, and the next line is read (%s)", out);
    read_all("\xef\x00\x00,x\n", 7, out, sizeof(out));
    ok(!strcmp(out, "1:!file is UTF-16: save it as UTF-8;"),
       "NUL in the second byte reads as UTF-16, reported once (%s)", out);
  }
  {
    /* 64 fields is the limit: TL_CSV_MAX_FIELDS - 1 commas */
    char buf[512], out[4096];
    size_t n = 0;
    int i;
    for(i = 0; i < TL_CSV_MAX_FIELDS; i++)
      n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? "," : "",
                            i);
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nok\n");
    read_all(buf, n, out, sizeof(out));
    is_str(out, "1:!too many columns;2:ok;",
           "%d fields: too many columns, then the next line",
           TL_CSV_MAX_FIELDS);
    n = 0;
    for(i = 0; i < TL_CSV_MAX_FIELDS - 1; i++)
      n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? "," : "",
                            i);
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\n");
    read_all(buf, n, out, sizeof(out));
    ok(!strncmp(out, "1:0|1|2|", 8) && strstr(out, "|62;"),
       "%d fields are read", TL_CSV_MAX_FIELDS - 1);
  }
  {
    /* a field longer than the first buffer (1024) */
    char *big = malloc(5003), *out = malloc(6000);
    memset(big, 'q', 5000);
    memcpy(big + 5000, ",z\n", 3);
    read_all(big, 5003, out, 6000);
    ok(strlen(out) == 2 + 5000 + 3 && !strcmp(out + 5002, "|z;"),
       "a 5000-byte field grows the buffer");
    free(big);
    free(out);
  }
}

static void
strmap(void)
{
  Tl_strmap m;
  const Tl_strmap_ent *e;
  char k[32];
  int i, bad = 0, chained = 0;
  size_t b;

  memset(&m, 0, sizeof(m));
  ok(Tl_strmap_get(&m, "x") == NULL, "empty map: no entry");
  for(i = 0; i < 20000; i++) {
    snprintf(k, sizeof(k), "/p/%d", i);
    if(Tl_strmap_add(&m, k, i))
      bad++;
  }
  for(i = 0; i < 300; i++)
    if(Tl_strmap_add(&m, "dup", i) || Tl_strmap_add(&m, "", -i))
      bad++;
  is_int(bad, 0, "20,000 keys and 600 values under two keys added");
  is_int(m.n, 20002, "20,002 distinct keys");
  ok(m.nb >= m.n && (m.nb & (m.nb - 1)) == 0,
     "grown to %zu buckets (a power of two, load <= 1)", m.nb);
  for(b = 0; b < m.nb; b++)
    for(e = m.b[b]; e; e = e->next)
      if(e->next)
        chained++;
  ok(chained > 100, "collisions chain (%d entries share a bucket)",
     chained);
  for(i = 0; i < 20000; i++) {
    snprintf(k, sizeof(k), "/p/%d", i);
    e = Tl_strmap_get(&m, k);
    if(!e || e->n != 1 || e->vals[0] != i || strcmp(e->key, k))
      bad++;
  }
  is_int(bad, 0, "every key finds its own value");
  e = Tl_strmap_get(&m, "dup");
  ok(e && e->n == 300 && e->vals[0] == 0 && e->vals[299] == 299,
     "300 values under one key, in order");
  e = Tl_strmap_get(&m, "");
  ok(e && e->n == 300 && e->vals[299] == -299, "the empty key");
  ok(!Tl_strmap_get(&m, "/p/20000") && !Tl_strmap_get(&m, "/P/1") &&
     !Tl_strmap_get(&m, "/p/1 "), "absent keys: exact bytes only");
  Tl_strmap_free(&m);
  ok(Tl_strmap_get(&m, "/p/1") == NULL, "freed map is empty");
}

int
main(void)
{
  csv();
  strmap();
  return done_testing();
}
