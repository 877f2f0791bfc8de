/*
** Time conversions. One representation everywhere: int64 ns since 1970 UTC.
*/
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <touchline/touchline.h>

#include "base/timeconv_int.h"

int64_t
Tl_filetime_to_ns(uint64_t ft, int *clamped)
{
  /* ft fits in int64 ticks only below 2^63; ns = (ft - epoch) * 100 must
  ** fit too. Work in signed 128-bit to keep the test simple and exact. */
  __int128 ns;
  /* the usual case, (ft - epoch) * 100 within int64, without 128 bits:
  ** |ft - epoch| <= INT64_MAX / 100 */
  if(ft >= (uint64_t)(TL_FILETIME_UNIX_EPOCH - INT64_MAX / 100) &&
     ft <= (uint64_t)(TL_FILETIME_UNIX_EPOCH + INT64_MAX / 100)) {
    *clamped = 0;
    return ((int64_t)ft - TL_FILETIME_UNIX_EPOCH) * 100;
  }
  ns = ((__int128)ft - TL_FILETIME_UNIX_EPOCH) * 100;
  *clamped = 0;
  if(ns > (__int128)INT64_MAX) {
    *clamped = 1;
    return INT64_MAX;
  }
  if(ns < (__int128)INT64_MIN) {
    *clamped = 1;
    return INT64_MIN;
  }
  return (int64_t)ns;
}

int64_t
Tl_unix_to_ns(int64_t sec, uint32_t nsec, int *clamped)
{
  __int128 ns = (__int128)sec * 1000000000 + nsec;
  *clamped = 0;
  if(ns > (__int128)INT64_MAX) {
    *clamped = 1;
    return INT64_MAX;
  }
  if(ns < (__int128)INT64_MIN) {
    *clamped = 1;
    return INT64_MIN;
  }
  return (int64_t)ns;
}

char *
Tl_format_ns(int64_t ns, char *buf, unsigned long len)
{
  int64_t sec = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  struct tm tm;
  time_t t;
  if(frac < 0) {
    frac += 1000000000;
    sec -= 1;
  }
  t = (time_t)sec;
  if(!gmtime_r(&t, &tm)) {
    snprintf(buf, len, "invalid");
    return buf;
  }
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, (long long)frac);
  return buf;
}
