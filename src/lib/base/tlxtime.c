/*
** ISO 8601 parsing of the timeline's --from/--to (tl_parse_time_tz) and the
** zone check of --tz, moved from src/tool/timeline_fmt.c and
** src/tool/cmd_timeline.c as they were.
*/
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/tlx_int.h"

#define NS INT64_C(1000000000)

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int
digits2(const char **p, int n, int *v)
{
  int i;
  *v = 0;
  for(i = 0; i < n; i++) {
    if(!isdigit((unsigned char)(*p)[i]))
      return -1;
    *v = *v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  return 0;
}

int
Tl_tlx_parse_time(const char *s, int utc, int64_t *ns)
{
  int y, mo, d, h = 0, mi = 0, sec = 0, has_off = 0, oh = 0, om = 0;
  int64_t frac = 0, t;
  long off = 0;
  const char *p = s;
  if(digits2(&p, 4, &y) || *p++ != '-' || digits2(&p, 2, &mo) ||
     *p++ != '-' || digits2(&p, 2, &d))
    return -1;
  if(mo < 1 || mo > 12 || d < 1 || d > 31)
    return -1;
  if(*p == 'T' || *p == 't' || *p == ' ') {
    p++;
    if(digits2(&p, 2, &h) || *p++ != ':' || digits2(&p, 2, &mi))
      return -1;
    if(*p == ':') {
      p++;
      if(digits2(&p, 2, &sec))
        return -1;
      if(*p == '.' || *p == ',') {
        int k = 0;
        p++;
        if(!isdigit((unsigned char)*p))
          return -1;
        for(; isdigit((unsigned char)*p); p++, k++)
          if(k < 9)
            frac = frac * 10 + (*p - '0');
        for(; k < 9; k++)
          frac *= 10;
      }
    }
    if(h > 24 || mi > 59 || sec > 60)
      return -1;
  }
  if(*p == 'Z' || *p == 'z') {
    has_off = 1;
    p++;
  }
  else if(*p == '+' || *p == '-') {
    int neg = *p++ == '-';
    if(digits2(&p, 2, &oh))
      return -1;
    if(*p == ':')
      p++;
    if(*p && digits2(&p, 2, &om))
      return -1;
    off = (oh * 3600L + om * 60L) * (neg ? -1 : 1);
    has_off = 1;
  }
  if(*p)
    return -1;
  t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
      mi * 60 + sec;
  if(has_off)
    t -= off;
  else if(!utc) {
    struct tm tm;
    time_t tt;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    if((tt = mktime(&tm)) == (time_t)-1 && !(y == 1969 && mo == 12))
      return -1;
    t = (int64_t)tt;
  }
  if(t > INT64_MAX / NS - 1 || t < INT64_MIN / NS + 1)
    return -1;
  *ns = t * NS + frac;
  return 0;
}

int
Tl_tlx_zone_ok(const char *z)
{
  const char *dir = getenv("TZDIR");
  char p[PATH_MAX];
  struct stat sb;
  if(!*z || z[0] == '/' || strstr(z, ".."))
    return 0;
  snprintf(p, sizeof(p), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
           z);
  return !stat(p, &sb) && S_ISREG(sb.st_mode);
}
