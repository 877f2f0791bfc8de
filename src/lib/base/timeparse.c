/*
** Parsing ISO 8601 times typed by users. One parser for every command, so
** that a time means the same thing everywhere (docs/EXPOSURE.md, "Times").
*/
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <touchline/touchline.h>

#include "base/timeparse_int.h"
#include "base/tz_int.h"

#define NS INT64_C(1000000000)

static int
days_in_month(int64_t y, int m)
{
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if(m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return 29;
  return dm[m - 1];
}

int
Tl_zone_is_utc(const char *z)
{
  return !z || !*z || !strcasecmp(z, "UTC") || !strcmp(z, "Z") ||
         !strcmp(z, "Etc/UTC") || !strcmp(z, "UTC0") ||
         !strcmp(z, "Etc/UCT") || !strcmp(z, "Etc/Zulu") ||
         !strcmp(z, "Etc/GMT") || !strcmp(z, "GMT");
}

/* n decimal digits exactly */
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

const char *
Tl_parse_time(const char *s, const Tl_tz *zone, int64_t *ns)
{
  static const char *const form = "not an ISO 8601 time (2023-06-05, "
    "2023-06-05T08:00:00Z, 2023-06-05T08:00:00.5+02:00)";
  int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, has_off = 0;
  int64_t frac = 0, off = 0;
  __int128 t;
  const char *p = s;

  if(!s || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
     *p++ != '-' || !digits(&p, 2, &d))
    return form;
  if(mo < 1 || mo > 12)
    return "no such month (01 to 12)";
  if(d < 1 || d > days_in_month(y, mo))
    return "no such day in that month";
  if(*p == 'T' || *p == 't' || *p == ' ') {
    p++;
    if(!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
      return form;
    if(*p == ':') {
      p++;
      if(!digits(&p, 2, &sec))
        return form;
      if(*p == '.' || *p == ',') {
        int k = 0;
        p++;
        if(*p < '0' || *p > '9')
          return form;
        for(; *p >= '0' && *p <= '9'; p++, k++) {
          if(k < 9)
            frac = frac * 10 + (*p - '0');
          else if(*p != '0')
            return "more than 9 fractional digits: the finest time is "
                   "1 ns";
        }
        for(; k < 9; k++)
          frac *= 10;
      }
    }
    if(h > 24 || mi > 59)
      return "no such time of day (00:00 to 23:59, or 24:00)";
    if(h == 24 && (mi || sec || frac))
      return "no such time of day: 24:00 is the only time in hour 24";
    if(sec > 59)
      return sec == 60 ? "leap second :60 cannot be represented (times are "
                         "POSIX seconds)" : "no such second (00 to 59)";
    if(*p == 'Z' || *p == 'z') {
      p++;
      has_off = 1;
    }
    else if(*p == '+' || *p == '-') {
      int neg = *p++ == '-';
      if(!digits(&p, 2, &oh))
        return "bad zone offset (Z, +hh, +hh:mm or +hhmm)";
      if(*p == ':') {
        p++;
        if(!digits(&p, 2, &om))
          return "bad zone offset (Z, +hh, +hh:mm or +hhmm)";
      }
      else if(*p >= '0' && *p <= '9' && !digits(&p, 2, &om))
        return "bad zone offset (Z, +hh, +hh:mm or +hhmm)";
      if(oh > 23 || om > 59)
        return "no such zone offset (hours 00 to 23, minutes 00 to 59)";
      off = (oh * INT64_C(3600) + om * INT64_C(60)) * (neg ? -1 : 1);
      has_off = 1;
    }
  }
  if(*p)
    return form;
  t = (__int128)Tl_civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 +
      sec;
  if(has_off)
    t -= off;
  else if(zone)
    t = Tl_tz_local_to_utc(zone, (int64_t)t, NULL, NULL);
  t = t * NS + frac;
  if(t > (__int128)INT64_MAX || t < (__int128)INT64_MIN)
    return "out of range: times are 1677-09-21T00:12:43.145224192Z to "
           "2262-04-11T23:47:16.854775807Z";
  *ns = (int64_t)t;
  return NULL;
}

tl_rc
tl_parse_time(const char *s, int64_t *ns)
{
  return Tl_parse_time(s, NULL, ns) ? TL_USAGE : TL_OK;
}

tl_rc
tl_parse_time_zone(const char *s, const char *zone, int64_t *ns,
                   const char **why)
{
  static _Thread_local char msg[200];
  Tl_tz *tz = NULL;
  const char *w;
  if(!Tl_zone_is_utc(zone)) {
    char err[120];
    if(!(tz = Tl_tz_load(NULL, zone, err, sizeof(err)))) {
      snprintf(msg, sizeof(msg), "%.60s: %s", zone, err);
      if(why)
        *why = msg;
      return TL_USAGE;
    }
  }
  w = Tl_parse_time(s, tz, ns);
  Tl_tz_free(tz);
  if(why)
    *why = w;
  return w ? TL_USAGE : TL_OK;
}
