/* Unit tests of base/tz.c: TZif loading, UTC offsets against the C
** library's localtime_r() (the test may set TZ; the library never does),
** wall-clock to UTC at DST changes, and refusal of bad names. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "base/tz_int.h"
#include "tap.h"

static int64_t
civil(int64_t y, int mo, int d, int h, int mi, int s)
{
  return Tl_civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Offsets of tz against glibc for instants from 1900 to 2100 and a few far
** ones (the footer rules); returns the number of mismatches. */
static int
compare_with_libc(const char *name, Tl_tz *tz)
{
  int64_t t;
  int bad = 0;
  setenv("TZ", name, 1);
  tzset();
  for(t = civil(1900, 1, 1, 0, 0, 0); t < civil(2100, 1, 1, 0, 0, 0) &&
      bad < 5; t += 6 * 3600 + 1234) {
    struct tm tm;
    time_t tt = (time_t)t;
    localtime_r(&tt, &tm);
    if(tm.tm_gmtoff != Tl_tz_offset(tz, t)) {
      printf("#   %s at %lld: libc %ld, tz %d\n", name, (long long)t,
             (long)tm.tm_gmtoff, (int)Tl_tz_offset(tz, t));
      bad++;
    }
  }
  return bad;
}

int
main(void)
{
  static const char *const zones[] = {
    "Europe/Berlin", "America/New_York", "Australia/Sydney",
    "Europe/Dublin", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Apia",
    "Africa/Casablanca", "America/Nuuk", "Pacific/Chatham", "Asia/Tehran",
    "Europe/London", "America/Santiago", "Antarctica/Troll", "UTC"};
  char err[200];
  Tl_tz *tz;
  size_t i;
  int32_t off;
  int fl;
  int64_t u;

  if(!(tz = Tl_tz_load(NULL, "Europe/Berlin", err, sizeof(err)))) {
    printf("1..0 # SKIP no time zone database in %s (%s)\n",
           TL_ZONEINFO_DIR, err);
    return 0;
  }
  is_str(Tl_tz_name(tz), "Europe/Berlin", "name kept");
  is_int(Tl_tz_offset(tz, civil(2021, 7, 1, 12, 0, 0)), 7200, "CEST");
  is_int(Tl_tz_offset(tz, civil(2021, 1, 1, 12, 0, 0)), 3600, "CET");
  /* after the last transition in the file: the footer rule */
  is_int(Tl_tz_offset(tz, civil(2300, 7, 1, 0, 0, 0)), 7200,
         "footer rule: CEST in 2300");
  is_int(Tl_tz_offset(tz, civil(2300, 12, 1, 0, 0, 0)), 3600,
         "footer rule: CET in 2300");
  /* 2021-03-28 01:00Z the clocks go 02:00 -> 03:00 */
  is_int(Tl_tz_offset(tz, civil(2021, 3, 28, 0, 59, 59)), 3600,
         "one second before the change");
  is_int(Tl_tz_offset(tz, civil(2021, 3, 28, 1, 0, 0)), 7200,
         "at the change");

  u = Tl_tz_local_to_utc(tz, civil(2021, 6, 1, 14, 0, 0), &off, &fl);
  is_int(u, civil(2021, 6, 1, 12, 0, 0), "summer wall time to UTC");
  is_int(fl, 0, "no flag for an ordinary time");
  u = Tl_tz_local_to_utc(tz, civil(2021, 3, 28, 2, 30, 0), &off, &fl);
  is_int(u, civil(2021, 3, 28, 1, 30, 0),
         "gap: 02:30 read with the offset before the change");
  is_int(fl, TL_TZ_GAP, "gap flagged");
  is_int(off, 3600, "gap: offset before the change");
  u = Tl_tz_local_to_utc(tz, civil(2021, 10, 31, 2, 30, 0), &off, &fl);
  is_int(u, civil(2021, 10, 31, 0, 30, 0),
         "overlap: the earlier instant (summer time)");
  is_int(fl, TL_TZ_OVERLAP, "overlap flagged");
  u = Tl_tz_local_to_utc(tz, civil(2021, 10, 31, 3, 0, 0), &off, &fl);
  is_int(u, civil(2021, 10, 31, 2, 0, 0), "03:00 after fall-back is CET");
  is_int(fl, 0, "just after the overlap: no flag");
  u = Tl_tz_local_to_utc(tz, civil(2021, 10, 31, 1, 59, 59), &off, &fl);
  is_int(u, civil(2021, 10, 30, 23, 59, 59), "just before the overlap");
  is_int(fl, 0, "just before the overlap: no flag");
  /* FAT's range */
  u = Tl_tz_local_to_utc(tz, civil(1980, 1, 1, 0, 0, 0), &off, &fl);
  is_int(u, civil(1979, 12, 31, 23, 0, 0), "1980-01-01 in Berlin");
  u = Tl_tz_local_to_utc(tz, civil(2107, 12, 31, 23, 59, 58), &off, &fl);
  is_int(u, civil(2107, 12, 31, 22, 59, 58), "2107 (footer) in Berlin");
  Tl_tz_free(tz);

  /* southern hemisphere, and New York */
  tz = Tl_tz_load(NULL, "Australia/Sydney", err, sizeof(err));
  ok(tz != NULL, "Australia/Sydney loads");
  if(tz) {
    is_int(Tl_tz_offset(tz, civil(2250, 1, 1, 0, 0, 0)), 39600,
           "Sydney footer: AEDT in January");
    is_int(Tl_tz_offset(tz, civil(2250, 7, 1, 0, 0, 0)), 36000,
           "Sydney footer: AEST in July");
    /* 2022-04-03 03:00 AEDT -> 02:00 AEST: 02:30 twice */
    u = Tl_tz_local_to_utc(tz, civil(2022, 4, 3, 2, 30, 0), &off, &fl);
    is_int(u, civil(2022, 4, 2, 15, 30, 0), "Sydney overlap: earlier");
    is_int(fl, TL_TZ_OVERLAP, "Sydney overlap flagged");
    Tl_tz_free(tz);
  }
  tz = Tl_tz_load(NULL, "America/New_York", err, sizeof(err));
  ok(tz != NULL, "America/New_York loads");
  if(tz) {
    u = Tl_tz_local_to_utc(tz, civil(2004, 4, 4, 2, 30, 0), &off, &fl);
    is_int(u, civil(2004, 4, 4, 7, 30, 0), "New York gap 2004");
    is_int(fl, TL_TZ_GAP, "New York gap flagged");
    Tl_tz_free(tz);
  }

  for(i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
    tz = Tl_tz_load(NULL, zones[i], err, sizeof(err));
    if(!tz) {
      ok(0, "%s loads (%s)", zones[i], err);
      continue;
    }
    is_int(compare_with_libc(zones[i], tz), 0,
           "%s: offsets 1900-2100 equal localtime_r", zones[i]);
    Tl_tz_free(tz);
  }

  /* refusals, with the cause */
  static const char *const bad[] = {
    "Europe/Berln", "", "/etc/passwd", "../zoneinfo/UTC", "Europe",
    "Europe/", "Europe//Berlin", "zone1970.tab", "Europe/Berlin ",
    "Europe/./Berlin"};
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    err[0] = 0;
    tz = Tl_tz_load(NULL, bad[i], err, sizeof(err));
    ok(tz == NULL, "'%s' refused", bad[i]);
    is_str(err, "unknown time zone", "'%s': unknown time zone", bad[i]);
    Tl_tz_free(tz);
  }
  /* a malformed file */
  {
    char dir[] = "/tmp/tl_tz_XXXXXX", path[64];
    FILE *f;
    if(mkdtemp(dir)) {
      snprintf(path, sizeof(path), "%s/Bad", dir);
      if((f = fopen(path, "wb"))) {
        fwrite("TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
               "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 1, 44, f);
        fclose(f);
      }
      tz = Tl_tz_load(dir, "Bad", err, sizeof(err));
      ok(tz == NULL, "truncated TZif refused");
      is_str(err, "malformed time zone file (truncated)", "cause named");
      Tl_tz_free(tz);
      remove(path);
      remove(dir);
    }
  }
  tz = Tl_tz_load("/nonexistent", "UTC", err, sizeof(err));
  ok(tz && Tl_tz_offset(tz, 0) == 0 &&
     Tl_tz_local_to_utc(tz, 1234, NULL, NULL) == 1234,
     "UTC is built in");
  Tl_tz_free(tz);
  return done_testing();
}
