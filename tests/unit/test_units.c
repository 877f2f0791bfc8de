/* Unit tests of the fiddly conversions: FILETIME, UTF-8, UTF-16. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/grow_int.h"
#include "base/names_int.h"
#include "base/pathglob_int.h"
#include "tap.h"
#include "base/timeconv_int.h"

int
main(void)
{
  char buf[64];
  int cl;
  int64_t ns;

  /* 2004-02-29 20:00:17.2151472 UTC, as istat prints for DFTT 7 entry 29 */
  ns = Tl_filetime_to_ns(UINT64_C(127225584172151472), &cl);
  is_int(ns, INT64_C(1078084817215147200), "FILETIME to ns keeps 100 ns");
  is_int(cl, 0, "in range, not clamped");
  is_str(Tl_format_ns(ns, buf, sizeof(buf)),
         "2004-02-29T20:00:17.215147200Z", "ISO 8601 with 9 digits");
  ns = Tl_filetime_to_ns(TL_FILETIME_UNIX_EPOCH, &cl);
  is_int(ns, 0, "FILETIME of 1970-01-01 is 0");
  ns = Tl_filetime_to_ns(UINT64_C(1), &cl);
  is_int(cl, 1, "1601 is before int64 ns range: clamped");
  is_int(ns, INT64_MIN, "clamped to INT64_MIN");
  ns = Tl_filetime_to_ns(UINT64_MAX, &cl);
  is_int(cl, 1, "year 60056 clamped");
  is_int(ns, INT64_MAX, "clamped to INT64_MAX");
  /* the edges of the int64 ns range: exact up to the last ns, clamped one
  ** past it, never an overflow (the sanitizer build checks) */
  ns = Tl_filetime_to_ns(UINT64_C(0), &cl);
  is_int(cl, 1, "FILETIME 0 (1601) clamped");
  ns = Tl_filetime_to_ns(UINT64_C(26823744000000000), &cl);
  is_int(cl, 0, "1686-01-01 is in range");
  is_int(ns, INT64_C(-8962099200) * 1000000000, "1686-01-01 exact");
  ns = Tl_filetime_to_ns(UINT64_C(22089888000000000), &cl);
  is_int(cl, 1, "1671 clamped");
  is_int(ns, INT64_MIN, "1671 to INT64_MIN");
  /* INT64_MAX ns = 2262-04-11T23:47:16.854775807Z; FILETIME resolution is
  ** 100 ns, so ...8548 ticks is the last one that fits */
  ns = Tl_filetime_to_ns(TL_FILETIME_UNIX_EPOCH +
                         UINT64_C(92233720368547758), &cl);
  is_int(cl, 0, "last FILETIME tick of 2262 fits");
  is_int(ns, INT64_C(9223372036854775800), "exact to the tick");
  ns = Tl_filetime_to_ns(TL_FILETIME_UNIX_EPOCH +
                         UINT64_C(92233720368547759), &cl);
  is_int(cl, 1, "one tick later clamped");
  is_int(ns, INT64_MAX, "to INT64_MAX");
  ns = Tl_filetime_to_ns(UINT64_C(0x7fffffffffffffff), &cl);
  is_int(cl, 1, "FILETIME 2^63-1 clamped");
  ns = Tl_filetime_to_ns(UINT64_C(0x8000000000000000), &cl);
  is_int(cl, 1, "FILETIME 2^63 (negative as int64) clamped high");
  is_int(ns, INT64_MAX, "2^63 is far future, not past");
  ns = Tl_unix_to_ns(INT64_C(9223372036), 854775807, &cl);
  is_int(cl, 0, "INT64_MAX ns exactly: not clamped");
  is_int(ns, INT64_MAX, "INT64_MAX ns exactly");
  ns = Tl_unix_to_ns(INT64_C(9223372036), 854775808, &cl);
  is_int(cl, 1, "one ns past: clamped");
  ns = Tl_unix_to_ns(INT64_C(-9223372037), 145224192, &cl);
  is_int(cl, 0, "INT64_MIN ns exactly: not clamped");
  is_int(ns, INT64_MIN, "INT64_MIN ns exactly");
  ns = Tl_unix_to_ns(INT64_C(-9223372037), 145224191, &cl);
  is_int(cl, 1, "one ns before: clamped");
  is_int(ns, INT64_MIN, "to INT64_MIN");
  ns = Tl_unix_to_ns(INT64_MAX, 999999999, &cl);
  is_int(cl, 1, "INT64_MAX seconds clamped");
  is_int(ns, INT64_MAX, "to INT64_MAX");
  ns = Tl_unix_to_ns(INT64_MIN, 0, &cl);
  is_int(cl, 1, "INT64_MIN seconds clamped");
  is_int(ns, INT64_MIN, "to INT64_MIN");
  ns = Tl_unix_to_ns(-INT64_C(1099511627776) * 1000, 999999999, &cl);
  is_int(cl, 1, "huge negative seconds clamped");
  is_str(Tl_format_ns(INT64_MAX, buf, sizeof(buf)),
         "2262-04-11T23:47:16.854775807Z", "INT64_MAX formats");
  is_str(Tl_format_ns(INT64_MIN, buf, sizeof(buf)),
         "1677-09-21T00:12:43.145224192Z", "INT64_MIN formats");
  ns = Tl_unix_to_ns(-1, 500000000, &cl);
  is_str(Tl_format_ns(ns, buf, sizeof(buf)),
         "1969-12-31T23:59:59.500000000Z", "negative times format");

  ok(Tl_utf8_valid("caf\xc3\xa9", 5), "valid UTF-8");
  ok(!Tl_utf8_valid("caf\xe9", 4), "latin-1 byte is not UTF-8");
  ok(!Tl_utf8_valid("\xc0\xaf", 2), "overlong rejected");
  ok(!Tl_utf8_valid("\xed\xa0\x80", 3), "surrogate rejected");
  Tl_utf8_escape("caf\xe9/x", 6, buf, sizeof(buf));
  is_str(buf, "caf\\xe9/x", "invalid byte escaped as \\xHH");
  is_int(Tl_utf8_escape("\xff\xfe", 2, NULL, 0), 8, "length when cap=0");

  {
    const unsigned char u16[] = {'a', 0, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0xd8,
                                 'b', 0};
    Tl_utf16le_to_utf8(u16, 5, buf, sizeof(buf));
    is_str(buf, "a\xf0\x9f\x98\x80\\ud800b",
           "UTF-16 pair decoded, lone surrogate escaped");
  }
  /* the fast paths: ASCII 8 bytes at a time (UTF-8), ASCII runs (UTF-16) */
  ok(Tl_utf8_valid("abcdefgh\xc3\xa9ijklmnopq", 19),
     "valid after 8 ASCII bytes");
  ok(!Tl_utf8_valid("abcdefghijklmnop\xe9", 17),
     "latin-1 byte after 16 ASCII bytes");
  ok(!Tl_utf8_valid("abcdefghi\xc3", 10), "cut sequence at the end");
  ok(!Tl_utf8_valid("abcdefghijklmno\x80pqrstuvw", 24),
     "lone continuation byte inside an 8-byte word");
  ok(Tl_utf8_valid("abcdefghijklmnopqrstuvwxyz0123456789", 36),
     "36 ASCII bytes");
  ok(!Tl_utf8_valid("abcdefghijklmnopqrstuvwxyz012345678\xff", 36),
     "0xff as the 36th byte");
  {
    const unsigned char u16[] = {'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0,
                                 'f', 0};
    const unsigned char u16b[] = {'a', 0, 'b', 0, 0xe9, 0, 'c', 0};
    const unsigned char u16c[] = {'a', 0, 0, 0, 'b', 0, 0x7f, 0, 0x80, 0};
    char small[4];
    is_int(Tl_utf16le_to_utf8(u16, 6, small, sizeof(small)), 6,
           "ASCII past cap: the whole length");
    is_str(small, "abc", "... cut to cap - 1 bytes");
    is_int(Tl_utf16le_to_utf8(u16b, 4, small, 3), 5,
           "U+00E9 past cap counted as 2 bytes");
    is_str(small, "ab", "... not written");
    Tl_utf16le_to_utf8(u16c, 5, buf, sizeof(buf));
    is_str(buf, "a\\u0000b\x7f\xc2\x80",
           "U+0000 ends an ASCII run escaped, U+007F one byte, U+0080 two");
  }
  {
    /* 4 units at a time: each kind of unit that ends a word, at each
    ** place in it, and cap in the middle of a word */
    static const struct { unsigned short u[10]; size_t n; const char *want;
                          const char *what; } w4[] = {
      {{'a', 'b', 'c', 0x100, 'd', 'e', 'f', 'g'}, 8, "abc\xc4\x80" "defg",
       "U+0100 (high byte set) 4th"},
      {{'a', 'b', 0, 'c', 'd', 'e', 'f', 'g'}, 8, "ab\\u0000cdefg",
       "U+0000 3rd"},
      {{0x80, 'b', 'c', 'd', 'e', 'f', 'g', 'h'}, 8, "\xc2\x80" "bcdefgh",
       "U+0080 1st"},
      {{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0x7f}, 9, "abcdefgh\x7f",
       "9 units, U+007F last"},
      {{'a', 'b', 'c', 'd', 0xd83d, 0xde00, 'e', 'f', 'g', 'h'}, 10,
       "abcd\xf0\x9f\x98\x80" "efgh", "a surrogate pair after a word"},
    };
    size_t k, j;
    unsigned char b16[20];
    char six[7];
    for(k = 0; k < sizeof(w4) / sizeof(w4[0]); k++) {
      for(j = 0; j < w4[k].n; j++) {
        b16[2 * j] = (unsigned char)(w4[k].u[j] & 0xff);
        b16[2 * j + 1] = (unsigned char)(w4[k].u[j] >> 8);
      }
      is_int(Tl_utf16le_to_utf8(b16, w4[k].n, buf, sizeof(buf)),
             strlen(w4[k].want), "%s: length", w4[k].what);
      is_str(buf, w4[k].want, "%s", w4[k].what);
    }
    for(j = 0; j < 9; j++) {
      b16[2 * j] = (unsigned char)('a' + j);
      b16[2 * j + 1] = 0;
    }
    is_int(Tl_utf16le_to_utf8(b16, 9, six, sizeof(six)), 9,
           "9 ASCII units, cap 7: the whole length");
    is_str(six, "abcdef", "... 6 bytes written (a word, then one by one)");
  }
  {
    static const struct { const char *in, *want; } norm[] = {
      {"C:\\Users\\alice\\Doc.docx", "/Users/alice/Doc.docx"},
      {"Shares/Space//x.pdf", "/Shares/Space/x.pdf"},
      {"\\\\fs01\\Shares\\x.pdf", "/Shares/x.pdf"},
      {" /a/b/ ", "/a/b"},
      {"/", "/"},
    };
    size_t i;
    for(i = 0; i < sizeof(norm) / sizeof(norm[0]); i++) {
      Tl_path_normalize(norm[i].in, buf, sizeof(buf));
      is_str(buf, norm[i].want, "normalize '%s'", norm[i].in);
    }
  }
  {
    static const struct { const char *pat, *text; int want; } g[] = {
      {"/a/*.pdf", "/a/x.pdf", 1},
      {"/a/*.pdf", "/a/b/x.pdf", 0},
      {"/a/**/*.pdf", "/a/x.pdf", 1},
      {"/a/**/*.pdf", "/a/b/c/x.pdf", 1},
      {"/a/**/*.pdf", "/b/x.pdf", 0},
      {"/a/**", "/a/b/c", 1},
      {"/a/**", "/a", 1},
      {"/**/x.pdf", "/x.pdf", 1},
      {"/**/x.pdf", "/q/r/x.pdf", 1},
      {"/a/?.txt", "/a/1.txt", 1},
      {"/a/?.txt", "/a/12.txt", 0},
      {"/a/b*c/**/d?", "/a/bxxc/1/2/de", 1},
      {"/a/*", "/a/b/c", 0},
      {"/report [final].pdf", "/report [final].pdf", 1},
    };
    size_t i;
    for(i = 0; i < sizeof(g) / sizeof(g[0]); i++)
      is_int(Tl_glob_match(g[i].pat, g[i].text, 0), g[i].want, "glob '%s' ~ '%s'",
             g[i].pat, g[i].text);
    ok(Tl_glob_check("/a/**/b") == NULL, "'/a/**/b' is a good glob");
    ok(Tl_glob_check("/a**/b") != NULL, "'/a**/b' is a bad glob");
    ok(Tl_glob_check("/a/***") != NULL, "'***' is a bad glob");
  }
  {
    /* Tl_grow: doubling from first, enough for need, refusal unchanged */
    uint64_t *a = NULL, *keep;
    size_t cap = 0;
    ok(Tl_grow(&a, &cap, 1, sizeof(*a), 64) && a && cap == 64,
       "grow: the first allocation holds first (64)");
    a[63] = 7;
    ok(Tl_grow(&a, &cap, 64, sizeof(*a), 64) && cap == 64,
       "grow: need within the capacity leaves it");
    ok(Tl_grow(&a, &cap, 65, sizeof(*a), 64) && cap == 128 && a[63] == 7,
       "grow: one more doubles it, the contents kept");
    ok(Tl_grow(&a, &cap, 1000, sizeof(*a), 64) && cap == 1024,
       "grow: doubled until need fits (1000 -> 1024)");
    keep = a;
    ok(!Tl_grow(&a, &cap, SIZE_MAX / 4, sizeof(*a), 64) && a == keep &&
       cap == 1024, "grow: a size that overflows is refused, array unchanged");
    free(a);
  }
  {
    /* Tl_cmp_u64: ascending over the whole range (a difference would
    ** overflow between 0 and values past INT64_MAX) */
    uint64_t v[] = {UINT64_MAX, 0, UINT64_C(1) << 63, 7, 7};
    uint64_t key = UINT64_C(1) << 63;
    qsort(v, 5, sizeof(v[0]), Tl_cmp_u64);
    ok(v[0] == 0 && v[1] == 7 && v[2] == 7 && v[3] == UINT64_C(1) << 63 &&
       v[4] == UINT64_MAX, "cmp_u64: 0, 7, 7, 2^63, 2^64-1 in order");
    ok(bsearch(&key, v, 5, sizeof(v[0]), Tl_cmp_u64) == &v[3],
       "cmp_u64: bsearch finds 2^63");
  }
  return done_testing();
}
