/*
** Numbers and dates by hand (base/fmt_int.h). snprintf with its format
** parsing was a third of the timeline export's CPU time.
*/
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/fmt_int.h"

static const char digits2[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233"
  "34353637383940414243444546474849505152535455565758596061626364656667"
  "68697071727374757677787980818283848586878889909192939495969798"
  "99";

size_t
Tl_fmt_u64(char *dst, uint64_t v)
{
  char b[TL_FMT_INT_MAX];
  size_t i = sizeof(b), n;
  while(v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    i -= 2;
    memcpy(b + i, digits2 + 2 * r, 2);
  }
  if(v >= 10) {
    i -= 2;
    memcpy(b + i, digits2 + 2 * v, 2);
  }
  else
    b[--i] = (char)('0' + v);
  n = sizeof(b) - i;
  memcpy(dst, b + i, n);
  return n;
}

size_t
Tl_fmt_i64(char *dst, int64_t v)
{
  if(v < 0) {
    *dst = '-';
    return 1 + Tl_fmt_u64(dst + 1, (uint64_t)0 - (uint64_t)v);
  }
  return Tl_fmt_u64(dst, (uint64_t)v);
}

void
Tl_fmt_pad(char *dst, uint64_t v, int width)
{
  int i = width;
  while(i >= 2) {
    i -= 2;
    memcpy(dst + i, digits2 + 2 * (v % 100), 2);
    v /= 100;
  }
  if(i)
    dst[0] = (char)('0' + v % 10);
}

int
Tl_fmt_printable(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i;
  unsigned bad = 0;
  /* no early exit: the loop vectorises; names are short */
  for(i = 0; i < len; i++)
    bad |= (unsigned)(p[i] - 0x20u) >= 0x5fu;
  return !bad;
}

/* two digits of v < 100 */
static void
two(char *dst, unsigned v)
{
  memcpy(dst, digits2 + 2 * v, 2);
}

static size_t
year4(char *dst, int64_t y)
{
  if(y >= 0 && y <= 9999) {
    Tl_fmt_pad(dst, (uint64_t)y, 4);
    return 4;
  }
  return (size_t)snprintf(dst, 24, "%04lld", (long long)y);
}

size_t
Tl_fmt_iso_sec(char *dst, const struct Tl_fmt_civil *c)
{
  size_t n = year4(dst, c->y);
  dst[n] = '-';
  two(dst + n + 1, c->mo % 100);
  dst[n + 3] = '-';
  two(dst + n + 4, c->d % 100);
  dst[n + 6] = 'T';
  two(dst + n + 7, c->h % 100);
  dst[n + 9] = ':';
  two(dst + n + 10, c->mi % 100);
  dst[n + 12] = ':';
  two(dst + n + 13, c->s % 100);
  return n + 15;
}

size_t
Tl_fmt_us_sec(char *dst, const struct Tl_fmt_civil *c)
{
  size_t n;
  two(dst, c->mo % 100);
  dst[2] = '/';
  two(dst + 3, c->d % 100);
  dst[5] = '/';
  n = 6 + year4(dst + 6, c->y);
  dst[n] = ',';
  two(dst + n + 1, c->h % 100);
  dst[n + 3] = ':';
  two(dst + n + 4, c->mi % 100);
  dst[n + 6] = ':';
  two(dst + n + 7, c->s % 100);
  return n + 9;
}
