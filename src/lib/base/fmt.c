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

/* v < 10^8 as exactly 8 digits, in 32-bit arithmetic. */
static void
pad8(char *dst, uint32_t v)
{
  uint32_t hi = v / 10000, lo = v % 10000;
  memcpy(dst, digits2 + 2 * (hi / 100), 2);
  memcpy(dst + 2, digits2 + 2 * (hi % 100), 2);
  memcpy(dst + 4, digits2 + 2 * (lo / 100), 2);
  memcpy(dst + 6, digits2 + 2 * (lo % 100), 2);
}

/* v < 10^8 without leading zeros. */
static size_t
fmt_u32(char *dst, uint32_t v)
{
  char b[8];
  size_t n;
  if(v < 10) {
    dst[0] = (char)('0' + v);
    return 1;
  }
  if(v < 100) {
    memcpy(dst, digits2 + 2 * v, 2);
    return 2;
  }
  pad8(b, v);
  n = v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 :
      v < 10000000 ? 7 : 8;
  memcpy(dst, b + 8 - n, n);
  return n;
}

/* In chunks of 8 digits: 32-bit divisions, and at most two 64-bit ones
** (times in ns have 19 digits). */
size_t
Tl_fmt_u64(char *dst, uint64_t v)
{
  size_t n;
  if(v < 100000000)
    return fmt_u32(dst, (uint32_t)v);
  if(v < UINT64_C(10000000000000000)) {
    n = fmt_u32(dst, (uint32_t)(v / 100000000));
    pad8(dst + n, (uint32_t)(v % 100000000));
    return n + 8;
  }
  n = fmt_u32(dst, (uint32_t)(v / UINT64_C(10000000000000000)));
  v %= UINT64_C(10000000000000000);
  pad8(dst + n, (uint32_t)(v / 100000000));
  pad8(dst + n + 8, (uint32_t)(v % 100000000));
  return n + 16;
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
  if(width <= 8 && v < 100000000) {
    /* the fractions of a second: 6 or 7 digits */
    char b[8];
    pad8(b, (uint32_t)v);
    memcpy(dst, b + 8 - width, (size_t)width);
    return;
  }
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
