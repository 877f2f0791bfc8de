/* Hand-written number and date formatting (base/fmt.c) against printf,
** which it replaces in the timeline writers: every value must come out
** byte for byte as the printf format it stands for. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/fmt_int.h"
#include "tap.h"

static uint64_t lcg = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void)
{
  lcg = lcg * 6364136223846793005u + 1442695040888963407u;
  return lcg ^ (lcg >> 29);
}

/* 1 when Tl_fmt_u64/i64 agree with %llu/%lld for v */
static int
same_int(uint64_t v)
{
  char a[32], b[32];
  size_t n;
  n = Tl_fmt_u64(a, v);
  a[n] = '\0';
  snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
  if(strcmp(a, b) || n != strlen(b))
    return 0;
  n = Tl_fmt_i64(a, (int64_t)v);
  a[n] = '\0';
  snprintf(b, sizeof(b), "%lld", (long long)(int64_t)v);
  return !strcmp(a, b) && n == strlen(b);
}

static const char *
iso(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
    int us)
{
  static char b[64];
  struct Tl_fmt_civil c = {y, mo, d, h, mi, s};
  size_t n = us ? Tl_fmt_us_sec(b, &c) : Tl_fmt_iso_sec(b, &c);
  b[n] = '\0';
  return b;
}

int
main(void)
{
  static const uint64_t edge[] = {
    0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65535, 4294967295u,
    4294967296u, UINT64_C(9999999999999999999), UINT64_C(10000000000000000000),
    UINT64_MAX, (uint64_t)INT64_MAX, (uint64_t)INT64_MIN,
    (uint64_t)(int64_t)-1, (uint64_t)(int64_t)-10,
    UINT64_C(132854688004185892), UINT64_C(1640995200418589200)};
  char b[64];
  int i, bad = 0, w;

  for(i = 0; i < (int)(sizeof(edge) / sizeof(edge[0])); i++)
    bad += !same_int(edge[i]);
  is_int(bad, 0, "edge values: %%llu and %%lld, byte for byte");
  for(i = 0, bad = 0; i < 200000; i++) {
    uint64_t v = rnd() >> (rnd() % 64);
    bad += !same_int(v);
  }
  is_int(bad, 0, "200,000 random values of every magnitude");

  b[Tl_fmt_i64(b, INT64_MIN)] = '\0';
  is_str(b, "-9223372036854775808", "INT64_MIN");
  b[Tl_fmt_u64(b, UINT64_MAX)] = '\0';
  is_str(b, "18446744073709551615", "UINT64_MAX");

  for(w = 1, bad = 0; w <= 19; w++) {
    uint64_t lim = 1;
    int k;
    for(k = 0; k < w; k++)
      lim *= 10;
    for(i = 0; i < 2000; i++) {
      char want[32];
      uint64_t v = i < 3 ? (uint64_t)i * (lim - 1) / 2 : rnd() % lim;
      memset(b, 'x', sizeof(b));
      Tl_fmt_pad(b, v, w);
      snprintf(want, sizeof(want), "%0*llu", w, (unsigned long long)v);
      bad += memcmp(b, want, (size_t)w) != 0 || b[w] != 'x';
    }
  }
  is_int(bad, 0, "zero-padded widths 1..19 as %%0*llu, nothing past them");
  memset(b, 'x', sizeof(b));
  Tl_fmt_pad(b, 4185892, 7);
  is_int(memcmp(b, "4185892x", 8), 0, "a FILETIME fraction in 7 digits");
  Tl_fmt_pad(b, 5, 9);
  is_int(memcmp(b, "000000005x", 10), 0, "5 ns in 9 digits");

  is_str(iso(2022, 1, 1, 0, 0, 0, 0), "2022-01-01T00:00:00", "ISO date");
  is_str(iso(2262, 4, 11, 23, 47, 16, 0), "2262-04-11T23:47:16",
         "ISO: the last instant of int64 ns");
  is_str(iso(1677, 9, 21, 0, 12, 43, 0), "1677-09-21T00:12:43",
         "ISO: the first");
  is_str(iso(7, 12, 31, 9, 5, 59, 0), "0007-12-31T09:05:59",
         "ISO: a year below 1000, four digits");
  is_str(iso(-5, 1, 2, 3, 4, 5, 0), "-005-01-02T03:04:05",
         "ISO: a negative year as %%04lld writes it");
  is_str(iso(12345, 6, 7, 8, 9, 10, 0), "12345-06-07T08:09:10",
         "ISO: a five-digit year");
  is_str(iso(2023, 6, 12, 10, 20, 30, 1), "06/12/2023,10:20:30",
         "l2t date and time");
  is_str(iso(999, 1, 9, 0, 0, 1, 1), "01/09/0999,00:00:01",
         "l2t: a three-digit year padded");

  ok(Tl_fmt_printable("/Users/a b/~x.txt", 17), "printable ASCII");
  ok(Tl_fmt_printable("", 0), "the empty string");
  ok(!Tl_fmt_printable("a\tb", 3), "a tab is not");
  ok(!Tl_fmt_printable("a\x7f", 2), "DEL is not");
  ok(!Tl_fmt_printable("\x1f", 1), "0x1f is not");
  ok(!Tl_fmt_printable("caf\xc3\xa9", 5), "UTF-8 is not (it may hold a "
     "bidi control)");
  ok(Tl_fmt_printable(" ~", 2), "0x20 and 0x7e are");
  ok(Tl_fmt_printable("a\nb", 1), "only len bytes are looked at");
  return done_testing();
}
