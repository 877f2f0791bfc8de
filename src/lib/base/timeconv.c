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
  __int128 ns = ((__int128)ft - TL_FILETIME_UNIX_EPOCH) * 100;
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

static int
digits(const char **p, int n, int *out)
{
  int v = 0, i;
  for(i = 0; i < n; i++) {
    if((*p)[i] < '0' || (*p)[i] > '9')
      return 0;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return 1;
}

tl_rc
tl_parse_time(const char *s, int64_t *ns)
{
  struct tm tm;
  int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
  int64_t frac = 0, scale = 100000000, off = 0;
  time_t t;
  const char *p = s;

  memset(&tm, 0, sizeof(tm));
  if(!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
     *p++ != '-' || !digits(&p, 2, &d))
    return TL_USAGE;
  if(*p == 'T' || *p == 't' || *p == ' ') {
    p++;
    if(!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
      return TL_USAGE;
    if(*p == ':') {
      p++;
      if(!digits(&p, 2, &sec))
        return TL_USAGE;
      if(*p == '.' || *p == ',') {
        p++;
        if(*p < '0' || *p > '9')
          return TL_USAGE;
        for(; *p >= '0' && *p <= '9'; p++) {
          frac += (*p - '0') * scale;
          scale /= 10;
        }
      }
    }
    if(*p == 'Z' || *p == 'z')
      p++;
    else if(*p == '+' || *p == '-') {
      sign = *p++ == '-' ? -1 : 1;
      if(!digits(&p, 2, &oh))
        return TL_USAGE;
      if(*p == ':')
        p++;
      if(!digits(&p, 2, &om))
        return TL_USAGE;
      off = sign * ((int64_t)oh * 3600 + om * 60);
    }
  }
  if(*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
     sec > 60)
    return TL_USAGE;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  t = timegm(&tm);
  *ns = ((int64_t)t - off) * TL_NS_PER_SEC + frac;
  return TL_OK;
}
