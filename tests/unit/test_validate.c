/* Unit tests of input validation: the time parser, the glob engine, the
** CSV reader, the escaping of names in text outputs. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv_int.h"
#include "base/names_int.h"
#include "base/pathglob_int.h"
#include "base/timeconv_int.h"
#include "base/timeparse_int.h"
#include <touchline/touchline.h>

#include "tap.h"

static void
test_time(void)
{
  static const struct { const char *in; int64_t want; } good[] = {
    {"2023-06-05", INT64_C(1685923200000000000)},
    {"2023-06-05T08:00:00Z", INT64_C(1685952000000000000)},
    {"2023-06-05T10:00:00+02:00", INT64_C(1685952000000000000)},
    {"2023-06-05T10:00+0200", INT64_C(1685952000000000000)},
    {"2023-06-05T10:00+02", INT64_C(1685952000000000000)},
    {"2023-06-05 08:00:00.000000001Z", INT64_C(1685952000000000001)},
    {"2023-06-05T08:00:00,5", INT64_C(1685952000500000000)},
    {"2023-06-05T08:00:00.1234567890000", INT64_C(1685952000123456789)},
    {"2024-02-29", INT64_C(1709164800000000000)},
    {"2023-06-04T24:00", INT64_C(1685923200000000000)},
    {"1969-12-31T23:59:59.5Z", INT64_C(-500000000)},
    {"2262-04-11T23:47:16.854775807Z", INT64_MAX},
    {"1677-09-21T00:12:43.145224192Z", INT64_MIN},
  };
  static const char *const bad[] = {
    "2023-02-29", "2023-02-30", "2023-02-31", "2100-02-29", "2023-04-31",
    "2023-13-01", "2023-00-10", "2023-06-00", "2023-06-05T24:59",
    "2023-06-05T24:00:01", "2023-06-05T23:60", "2023-06-05T23:59:60",
    "2023-06-05T10:00+99:99", "2023-06-05T10:00+24:00",
    "2023-06-05T10:00+02:60", "2023-06-05T10:00+2", "9999-01-01",
    "2262-04-11T23:47:16.854775808Z", "1677-09-21T00:12:43.145224191Z",
    "0000-01-01", "2023-06-05T08:00:00.0000000001", "2023-06-05Z",
    "2023-6-5", "2023-06-05T08", "2023-06-05T08:00:00.", "", "abc",
    "2023-06-05T08:00:00Zjunk",
  };
  size_t i;
  int64_t ns;
  const char *why = NULL;
  for(i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    const char *w = Tl_parse_time(good[i].in, NULL, &ns);
    ok(!w, "time %s accepted (%s)", good[i].in, w ? w : "");
    is_int(w ? -1 : ns, good[i].want, "time %s value", good[i].in);
  }
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ns = 42;
    ok(Tl_parse_time(bad[i], NULL, &ns) != NULL, "time '%s' refused",
       bad[i]);
    is_int(ns, 42, "refused time '%s' leaves the output alone", bad[i]);
  }
  ok(strstr(Tl_parse_time("9999-01-01", NULL, &ns), "out of range") != NULL,
     "a year beyond int64 ns says 'out of range'");
  ok(strstr(Tl_parse_time("2023-02-30", NULL, &ns), "no such day") != NULL,
     "2023-02-30 says 'no such day'");
  /* every day of 1970..2100 agrees with timegm */
  {
    int64_t d, bad_days = 0;
    for(d = 0; d < 48000; d++) {
      time_t t = (time_t)(d * 86400);
      struct tm tm;
      gmtime_r(&t, &tm);
      if(Tl_civil_to_days(tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday) != d)
        bad_days++;
    }
    is_int(bad_days, 0, "civil_to_days agrees with gmtime on 48000 days");
  }
  /* a time without an offset is read in the zone the caller names */
  {
    char err[100];
    Tl_tz *tz = Tl_tz_load(NULL, "Europe/Berlin", err, sizeof(err));
    ok(tz != NULL, "Europe/Berlin loads");
    if(tz) {
      ok(!Tl_parse_time("2023-06-05T10:00:00.25", tz, &ns) &&
         ns == INT64_C(1685952000250000000),
         "2023-06-05T10:00:00.25 in Berlin is 08:00:00.25Z (summer)");
      ok(!Tl_parse_time("2023-01-05T10:00", tz, &ns) &&
         ns == INT64_C(1672909200000000000),
         "2023-01-05T10:00 in Berlin is 09:00Z (winter)");
      ok(!Tl_parse_time("2023-06-05T10:00Z", tz, &ns) &&
         ns == INT64_C(1685959200000000000),
         "an explicit zone wins over the named one");
      ok(!Tl_parse_time("2023-06-05", tz, &ns) &&
         ns == INT64_C(1685916000000000000),
         "a date alone is midnight in the named zone");
      Tl_tz_free(tz);
    }
    ok(tl_parse_time_zone("2023-06-05", "Europe/Berln", &ns, &why) ==
       TL_USAGE && strstr(why, "Europe/Berln") &&
       strstr(why, "unknown time zone"), "an unknown zone is refused: %s",
       why);
    ok(tl_parse_time_zone("2023-06-05T12:00", "America/New_York", &ns,
                          &why) == TL_OK &&
       ns == INT64_C(1685980800000000000),
       "tl_parse_time_zone reads New York summer time (-04:00)");
  }
}

static void
test_visible(void)
{
  static const struct { const char *in, *want; } v[] = {
    {"plain.txt", "plain.txt"},
    {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
    {"a\033[31mb", "a\\x1b[31mb"},
    {"tab\there\nlf\rcr", "tab\\x09here\\x0alf\\x0dcr"},
    {"del\177", "del\\x7f"},
    {"c1\xc2\x85\xc2\x9b", "c1\\u0085\\u009b"},
    {"\xe2\x80\xae" "fdp.exe", "\\u202efdp.exe"},
    {"\xe2\x80\x8e\xe2\x80\x8f\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9",
     "\\u200e\\u200f\\u202a\\u2066\\u2069"},
    {"\xd8\x9c\xe2\x80\xa8\xe2\x80\xa9", "\\u061c\\u2028\\u2029"},
    {"latin1\xe9", "latin1\\xe9"},
    {"\xc2\xa0nbsp\xe2\x80\x8bzwsp", "\xc2\xa0nbsp\xe2\x80\x8bzwsp"},
  };
  size_t i;
  for(i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
    char *f;
    const char *got = Tl_visible(v[i].in, &f);
    is_str(got, v[i].want, "visible form %zu", i);
    ok((f == NULL) == !strcmp(v[i].in, v[i].want),
       "visible form %zu: copied only when changed", i);
    free(f);
  }
  {
    char *f;
    ok(Tl_visible(NULL, &f) == NULL && !f, "visible form of NULL is NULL");
  }
}

static void
test_glob(void)
{
  static const struct {
    const char *pat, *text;
    int fold, any_depth, want;
  } g[] = {
    {"/a/*.pdf", "/a/x.pdf", 0, 0, 1},
    {"/a/*.pdf", "/a/b/x.pdf", 0, 0, 0},
    {"/a/**/*.pdf", "/a/x.pdf", 0, 0, 1},
    {"/a/**/*.pdf", "/a/b/c/x.pdf", 0, 0, 1},
    {"/a/**/*.pdf", "/ab/x.pdf", 0, 0, 0},
    {"/a/**/b", "/a/xb", 0, 0, 0},
    {"/a/**", "/a", 0, 0, 1},
    {"/a/**", "/ab", 0, 0, 0},
    {"/a/**", "/a/b/c", 0, 0, 1},
    {"/**", "/anything/at/all", 0, 0, 1},
    {"**", "/x", 0, 0, 1},
    {"/a**b", "/a/x/b", 0, 0, 1},      /* inside a component: '/' too */
    {"/?", "/\xc3\xa9", 0, 0, 1},      /* '?' is one character, not byte */
    {"/??", "/\xc3\xa9", 0, 0, 0},
    {"/a/?", "/a//", 0, 0, 0},
    {"\\a\\*.pdf", "/a/x.pdf", 0, 0, 1}, /* back slashes separate */
    {"\\a\\**\\x", "/a/b/c/x", 0, 0, 1},
    {"/A/*.PDF", "/a/x.pdf", 0, 0, 0},
    {"/A/*.PDF", "/a/x.pdf", 1, 0, 1},
    {"/\xc3\x89t\xc3\xa9/x", "/\xc3\xa9T\xc3\x89/X", 1, 0, 1}, /* E-acute */
    {"/\xc5\x81\xc3\xb3" "d\xc5\xba", "/\xc5\x82\xc3\x93" "D\xc5\xb9", 1, 0, 1},
    {"/\xce\xa3*", "/\xcf\x83\xce\xbf\xcf\x82", 1, 0, 1}, /* Greek */
    {"/\xd0\x94\xd0\xbe*", "/\xd0\xb4\xd0\x9e\xd0\xba", 1, 0, 1}, /* Cyrillic */
    {"/\xc3\x89", "/\xc3\xa9", 0, 0, 0},
    {"x.pdf", "/a/b/x.pdf", 0, 1, 1},   /* relative: any depth */
    {"b/x.pdf", "/a/b/x.pdf", 0, 1, 1},
    {"b/x.pdf", "/a/ab/x.pdf", 0, 1, 0},
    {"x.pdf", "/a/b/x.pdf", 0, 0, 0},
    {"/x\xff*", "/x\xff\xfe", 0, 0, 1}, /* bytes that are not UTF-8 */
    {"/x\xc3*", "/x\xc3\xa9", 0, 0, 0},
  };
  size_t i;
  for(i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
    Tl_glob gl;
    int r = -1;
    if(!Tl_glob_compile(&gl, g[i].pat, g[i].any_depth)) {
      r = Tl_glob_exec(&gl, g[i].text, strlen(g[i].text), g[i].fold);
      Tl_glob_free(&gl);
    }
    is_int(r, g[i].want, "glob '%s' ~ '%s' (fold %d, any depth %d)",
           g[i].pat, g[i].text, g[i].fold, g[i].any_depth);
  }
  /* many stars: a backtracking matcher takes exponential time here */
  {
    char pat[128], *text = malloc(4097);
    struct timespec t0, t1;
    double ms;
    int k, r;
    size_t o = 0;
    pat[o++] = '/';
    for(k = 0; k < 40; k++) {
      pat[o++] = '*';
      pat[o++] = 'a';
    }
    pat[o++] = '*';
    pat[o++] = 'b';
    pat[o] = '\0';
    text[0] = '/';
    memset(text + 1, 'a', 4095);
    text[4096] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = Tl_glob_match(pat, text, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
         (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    is_int(r, 0, "40 stars against a 4 KiB path: no match");
    ok(ms < 200, "... found in %.2f ms (linear in the path)", ms);
    text[4095] = 'b';
    is_int(Tl_glob_match(pat, text, 0), 1, "... and a match when it ends "
           "in b");
    free(text);
  }
  {
    static const char *const blind[] = {"ntfs", "fat12", "fat16", "fat32",
      "exfat", "hfs", "apfs", "iso9660", "NTFS", "fat"};
    static const char *const exact[] = {"ext2", "ext3", "ext4", "ufs2",
      "xfs", "btrfs", "yaffs2", "raw", "", NULL};
    for(i = 0; i < sizeof(blind) / sizeof(blind[0]); i++)
      ok(Tl_fs_case_blind(blind[i]), "%s is case-blind", blind[i]);
    for(i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
      ok(!Tl_fs_case_blind(exact[i]), "%s is case-sensitive",
         exact[i] ? exact[i] : "NULL");
  }
  ok(Tl_path_under("/Shares/Research/x", "/Shares/Research", 0),
     "path under a prefix");
  ok(Tl_path_under("/Shares/Research", "/Shares/Research", 0),
     "the prefix itself");
  ok(!Tl_path_under("/Shares/ResearchX/x", "/Shares/Research", 0),
     "whole components only");
  ok(!Tl_path_under("/shares/research/x", "/Shares/Research", 0),
     "case counts when not folding");
  ok(Tl_path_under("/shares/r\xc3\xa9search/x", "/Shares/R\xc3\x89search", 1),
     "case-blind beyond ASCII when folding");
  ok(Tl_path_under("/x", "/", 0), "everything is under /");
  {
    char buf[64];
    is_str(Tl_fold("/\xc3\x89T\xc3\x89/\xc5\xbf\xe1\xba\x9e", buf,
                   sizeof(buf)), "/\xc3\xa9t\xc3\xa9/s\xc3\x9f",
           "Tl_fold folds Latin letters beyond ASCII");
  }
}

/* Read all records of data (n bytes) and describe them: fields joined by
** '|', records by ';', a bad record as "!LINE:error". */
static void
csv_read(const char *data, size_t n, char *out, size_t cap)
{
  Tl_csv r;
  int got, k;
  size_t o = 0;
  memset(&r, 0, sizeof(r));
  out[0] = '\0';
  if(!(r.f = fmemopen((void *)data, n, "rb")))
    return;
  while((got = Tl_csv_next(&r)) != 0) {
    if(got < 0)
      o += (size_t)snprintf(out + o, cap - o, "!%ld:%s;", r.line, r.error);
    else {
      for(k = 0; k < r.n; k++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? "|" : "",
                              r.field[k]);
      o += (size_t)snprintf(out + o, cap - o, ";");
    }
    if(o >= cap || r.fatal)
      break;
  }
  fclose(r.f);
  Tl_csv_free(&r);
}

static void
test_csv(void)
{
  static const struct { const char *in; size_t n; const char *want; } c[] = {
#define C(s, w) {s, sizeof(s) - 1, w}
    C("a,b\r\n1,2\n", "a|b;1|2;"),
    C("\xef\xbb\xbfpath\n/x\n", "path;/x;"),
    C("\xef\xbb\xbf", ""),
    C("path\n\"a,\"\"q\"\"\nb\",x\n", "path;a,\"q\"\nb|x;"),
    C("path,note\n/a.pdf\0/evil/other.pdf,x\n/b,y\n",
      "path|note;!2:a NUL byte inside a value (a binary or UTF-16 file?);"
      "/b|y;"),
    C("path\0garbage\n/a\n",
      "!1:a NUL byte inside a value (a binary or UTF-16 file?);/a;"),
    C("p\n/caf\xe9\n/ok\n", "p;!2:bytes that are not UTF-8 (Latin-1 or "
      "another code page? save the file as UTF-8);/ok;"),
    C("\xff\xfep\0a\0t\0h\0\n\0", "!1:file is UTF-16: save it as UTF-8;"),
    C("\xfe\xff\0p\0a\0t\0h\0\n", "!1:file is UTF-16: save it as UTF-8;"),
    C("p\0a\0t\0h\0\n\0", "!1:file is UTF-16: save it as UTF-8;"),
    C("a,b,\n", "a|b|;"),
    C("x", "x;"),
    C("\"open\n", "!1:a quoted field is not closed;"),
#undef C
  };
  size_t i;
  char got[512];
  for(i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    csv_read(c[i].in, c[i].n, got, sizeof(got));
    is_str(got, c[i].want, "csv %zu", i);
  }
  {
    Tl_csv r;
    static const char bom[] = "\xef\xbb\xbf";
    memset(&r, 0, sizeof(r));
    r.f = fmemopen((void *)bom, 3, "rb");
    ok(r.f && Tl_csv_next(&r) == 0 && r.bom == 1,
       "a BOM-only file: no record, and the BOM is reported");
    if(r.f)
      fclose(r.f);
    Tl_csv_free(&r);
  }
}

int
main(void)
{
  test_time();
  test_visible();
  test_glob();
  test_csv();
  return done_testing();
}
