/*
** Time zones from TZif files (RFC 8536), with no process-global state.
**
** A Tl_tz holds the 64-bit transitions of the file and the POSIX TZ string
** of its footer, which rules every instant after the last transition (and
** every instant when the file has no transitions). Leap-second records
** ("right/" zones) are skipped: times are POSIX seconds throughout.
*/
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz_int.h"

#define TZ_MAX_FILE (1 << 20)

/* One rule of a POSIX TZ string: when DST starts or ends. */
struct tz_rule {
  char kind;        /* 'J' Jn (1-365, no Feb 29), 'D' n (0-365), 'M' Mm.w.d */
  int day, week, mon;
  int32_t secs;     /* local time of day of the change; may be <0 or >24h */
};

struct Tl_tz {
  char *name;
  int64_t *trans;   /* transition instants, ascending */
  uint8_t *idx;     /* type in effect from trans[i] on */
  int32_t *type_off;
  uint32_t n_trans, n_types;
  /* the footer */
  int has_footer, has_dst;
  int32_t std_off, dst_off;
  struct tz_rule start, end;
};

static void
seterr(char *err, size_t len, const char *msg)
{
  if(err && len)
    snprintf(err, len, "%s", msg);
}

int64_t
Tl_civil_to_days(int64_t y, int m, int d)
{
  /* H. Hinnant's days_from_civil */
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void
Tl_days_to_civil(int64_t z, int64_t *y, int *m, int *d)
{
  int64_t era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ strings ------------------------------------------------ */

static const char *
tz_name_part(const char *p)
{
  const char *s = p;
  if(*p == '<') {
    for(p++; *p && *p != '>'; p++)
      ;
    if(*p != '>' || p - s < 4)
      return NULL;
    return p + 1;
  }
  while((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
    p++;
  return p - s >= 3 ? p : NULL;
}

static const char *
tz_num(const char *p, int *v, int max)
{
  int n = 0, any = 0;
  while(*p >= '0' && *p <= '9') {
    n = n * 10 + (*p++ - '0');
    any = 1;
    if(n > max)
      return NULL;
  }
  *v = n;
  return any ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hh up to 167 (RFC 8536 extension for rule times) */
static const char *
tz_hms(const char *p, int32_t *secs)
{
  int sign = 1, h, m = 0, s = 0;
  if(*p == '+' || *p == '-')
    sign = *p++ == '-' ? -1 : 1;
  if(!(p = tz_num(p, &h, 167)))
    return NULL;
  if(*p == ':') {
    if(!(p = tz_num(p + 1, &m, 59)))
      return NULL;
    if(*p == ':' && !(p = tz_num(p + 1, &s, 59)))
      return NULL;
  }
  *secs = sign * (h * 3600 + m * 60 + s);
  return p;
}

static const char *
tz_rule(const char *p, struct tz_rule *r)
{
  r->secs = 7200;
  if(*p == 'J') {
    r->kind = 'J';
    if(!(p = tz_num(p + 1, &r->day, 365)) || r->day < 1)
      return NULL;
  }
  else if(*p == 'M') {
    r->kind = 'M';
    if(!(p = tz_num(p + 1, &r->mon, 12)) || r->mon < 1 || *p != '.' ||
       !(p = tz_num(p + 1, &r->week, 5)) || r->week < 1 || *p != '.' ||
       !(p = tz_num(p + 1, &r->day, 6)))
      return NULL;
  }
  else {
    r->kind = 'D';
    if(!(p = tz_num(p, &r->day, 365)))
      return NULL;
  }
  if(*p == '/' && !(p = tz_hms(p + 1, &r->secs)))
    return NULL;
  return p;
}

/* Parse a footer such as "CET-1CEST,M3.5.0,M10.5.0/3". Returns 1 if valid;
** an empty string (no footer rule) returns 0. */
static int
parse_posix(Tl_tz *tz, const char *s)
{
  const char *p = s;
  int32_t off;
  if(!(p = tz_name_part(p)) || !(p = tz_hms(p, &off)))
    return 0;
  tz->std_off = -off;
  tz->has_dst = 0;
  if(!*p) {
    tz->has_footer = 1;
    return 1;
  }
  if(!(p = tz_name_part(p)))
    return 0;
  tz->dst_off = tz->std_off + 3600;
  if(*p && *p != ',') {
    if(!(p = tz_hms(p, &off)))
      return 0;
    tz->dst_off = -off;
  }
  if(*p != ',')
    return 0;  /* no rules: POSIX leaves them implementation-defined */
  if(!(p = tz_rule(p + 1, &tz->start)) || *p != ',' ||
     !(p = tz_rule(p + 1, &tz->end)) || *p)
    return 0;
  tz->has_dst = 1;
  tz->has_footer = 1;
  return 1;
}

/* The local (wall-clock) seconds of rule r in year y, before its offset. */
static int64_t
rule_local(const struct tz_rule *r, int64_t y)
{
  int64_t days;
  if(r->kind == 'J') {
    days = Tl_civil_to_days(y, 1, 1) + r->day - 1;
    if(is_leap(y) && r->day >= 60)
      days++;
  }
  else if(r->kind == 'D')
    days = Tl_civil_to_days(y, 1, 1) + r->day;
  else {
    /* week-th weekday `day` of month mon; week 5 means the last */
    int64_t first = Tl_civil_to_days(y, r->mon, 1);
    int wd1 = (int)(((first + 4) % 7 + 7) % 7);  /* 1970-01-01: Thursday */
    int dim = r->mon == 12 ? 31 :
              (int)(Tl_civil_to_days(y, r->mon + 1, 1) - first);
    int dom = 1 + ((r->day - wd1) % 7 + 7) % 7 + (r->week - 1) * 7;
    while(dom > dim)
      dom -= 7;
    days = first + dom - 1;
  }
  return days * 86400 + r->secs;
}

static int32_t
footer_offset(const Tl_tz *tz, int64_t t)
{
  int64_t y, start, end;
  int m, d;
  if(!tz->has_dst)
    return tz->std_off;
  Tl_days_to_civil((t + tz->std_off) / 86400 -
                   ((t + tz->std_off) % 86400 < 0), &y, &m, &d);
  /* the start is given in standard time, the end in daylight time */
  start = rule_local(&tz->start, y) - tz->std_off;
  end = rule_local(&tz->end, y) - tz->dst_off;
  if(start <= end)
    return t >= start && t < end ? tz->dst_off : tz->std_off;
  /* southern hemisphere: DST spans the new year */
  return t >= end && t < start ? tz->std_off : tz->dst_off;
}

int32_t
Tl_tz_offset(const Tl_tz *tz, int64_t t)
{
  uint32_t lo, hi;
  if(!tz->n_trans || t >= tz->trans[tz->n_trans - 1]) {
    if(tz->has_footer)
      return footer_offset(tz, t);
    if(!tz->n_trans)
      return tz->n_types ? tz->type_off[0] : 0;
  }
  if(t < tz->trans[0])
    return tz->type_off[0];
  /* the last transition at or before t */
  lo = 0;
  hi = tz->n_trans;
  while(hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if(tz->trans[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return tz->type_off[tz->idx[lo]];
}

int64_t
Tl_tz_local_to_utc(const Tl_tz *tz, int64_t local, int32_t *offset,
                   int *flags)
{
  /* The offsets two days either side bound every candidate: changes of
  ** offset are weeks apart and offsets are within +-26 h. */
  int32_t before = Tl_tz_offset(tz, local - 2 * 86400 - 93600);
  int32_t after = Tl_tz_offset(tz, local + 2 * 86400 + 93600);
  int ok_b = Tl_tz_offset(tz, local - before) == before;
  int ok_a = Tl_tz_offset(tz, local - after) == after;
  int32_t use = before;
  int fl = 0;
  if(before != after) {
    if(ok_b && ok_a)
      fl = TL_TZ_OVERLAP;
    else if(!ok_b && ok_a)
      use = after;
    else if(!ok_b && !ok_a)
      fl = TL_TZ_GAP;
  }
  else if(!ok_b) {
    /* an offset change and its reversal inside the window: take the
    ** offset that holds at the candidate instant */
    use = Tl_tz_offset(tz, local - before);
    if(Tl_tz_offset(tz, local - use) != use) {
      use = before;
      fl = TL_TZ_GAP;
    }
  }
  if(offset)
    *offset = use;
  if(flags)
    *flags = fl;
  return local - use;
}

/* ---- TZif files ------------------------------------------------------ */

static uint32_t
be32(const uint8_t *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

static int64_t
be64(const uint8_t *p)
{
  return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

/* Parse the TZif file in buf; NULL on success, else the cause. */
static const char *
parse_tzif(Tl_tz *tz, const uint8_t *buf, size_t n)
{
  uint32_t cnt[6], i;
  size_t v1, off, need;
  const uint8_t *h, *d, *f, *fe;
  char footer[256];

  if(n < 44 || memcmp(buf, "TZif", 4))
    return "not a TZif file";
  if(buf[4] < '2')
    return "TZif version 1 file (version 2 or later needed)";
  for(i = 0; i < 6; i++)
    cnt[i] = be32(buf + 20 + 4 * i);
  /* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
  v1 = (size_t)cnt[3] * 5 + (size_t)cnt[4] * 6 + cnt[5] + (size_t)cnt[2] * 8
       + cnt[1] + cnt[0];
  off = 44 + v1;
  if(off + 44 > n)
    return "malformed time zone file (truncated)";
  h = buf + off;
  if(memcmp(h, "TZif", 4))
    return "malformed time zone file (no 64-bit header)";
  for(i = 0; i < 6; i++)
    cnt[i] = be32(h + 20 + 4 * i);
  if(cnt[4] == 0 || cnt[4] > 256 || cnt[3] > 100000 || cnt[5] > 65536 ||
     cnt[2] > 100000 || (cnt[0] && cnt[0] != cnt[4]) ||
     (cnt[1] && cnt[1] != cnt[4]))
    return "malformed time zone file (bad counts)";
  need = (size_t)cnt[3] * 9 + (size_t)cnt[4] * 6 + cnt[5] +
         (size_t)cnt[2] * 12 + cnt[1] + cnt[0];
  d = h + 44;
  if((size_t)(d - buf) + need > n)
    return "malformed time zone file (truncated 64-bit data)";
  tz->n_trans = cnt[3];
  tz->n_types = cnt[4];
  tz->trans = malloc(sizeof(int64_t) * (cnt[3] ? cnt[3] : 1));
  tz->idx = malloc(cnt[3] ? cnt[3] : 1);
  tz->type_off = malloc(sizeof(int32_t) * cnt[4]);
  if(!tz->trans || !tz->idx || !tz->type_off)
    return "out of memory";
  for(i = 0; i < cnt[3]; i++) {
    tz->trans[i] = be64(d + 8 * (size_t)i);
    if(i && tz->trans[i] <= tz->trans[i - 1])
      return "malformed time zone file (transitions out of order)";
  }
  d += (size_t)cnt[3] * 8;
  for(i = 0; i < cnt[3]; i++) {
    tz->idx[i] = d[i];
    if(d[i] >= cnt[4])
      return "malformed time zone file (bad type index)";
  }
  d += cnt[3];
  for(i = 0; i < cnt[4]; i++) {
    int32_t o = (int32_t)be32(d + 6 * (size_t)i);
    if(o <= -89999 || o >= 93600)
      return "malformed time zone file (bad UTC offset)";
    tz->type_off[i] = o;
  }
  d += need - (size_t)cnt[3] * 9;
  /* the footer: "\n" POSIX-TZ "\n" */
  f = d;
  if(f >= buf + n || *f != '\n')
    return "malformed time zone file (no footer)";
  fe = memchr(f + 1, '\n', (size_t)(buf + n - f - 1));
  if(!fe || (size_t)(fe - f - 1) >= sizeof(footer))
    return "malformed time zone file (bad footer)";
  memcpy(footer, f + 1, (size_t)(fe - f - 1));
  footer[fe - f - 1] = 0;
  if(footer[0] && !parse_posix(tz, footer))
    return "malformed time zone file (unsupported TZ rule in footer)";
  return NULL;
}

/* An IANA name: components of [A-Za-z0-9._+-], none empty, "." or "..". */
static int
valid_name(const char *s)
{
  const char *c = s;
  size_t len = strlen(s);
  if(!len || len > 255 || *s == '/')
    return 0;
  for(; *c; c++)
    if(!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
         (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '+' ||
         *c == '.' || *c == '/'))
      return 0;
  for(c = s; *c; ) {
    const char *e = strchr(c, '/');
    size_t l = e ? (size_t)(e - c) : strlen(c);
    if(l == 0 || (c[0] == '.' && (l == 1 || (l == 2 && c[1] == '.'))))
      return 0;
    c += l + (e != NULL);
    if(e && !*c)
      return 0;
  }
  return 1;
}

Tl_tz *
Tl_tz_load(const char *dir, const char *name, char *err, size_t errlen)
{
  Tl_tz *tz = NULL;
  char path[4096];
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  FILE *fp = NULL;
  const char *why = NULL;

  if(!name || !valid_name(name)) {
    seterr(err, errlen, "unknown time zone");
    return NULL;
  }
  if(!(tz = calloc(1, sizeof(*tz))) || !(tz->name = strdup(name))) {
    why = "out of memory";
    goto fail;
  }
  if(!strcmp(name, "UTC")) {
    tz->has_footer = 1;
    return tz;
  }
  snprintf(path, sizeof(path), "%s/%s", dir ? dir : TL_ZONEINFO_DIR, name);
  if(!(fp = fopen(path, "rb"))) {
    why = errno == ENOENT || errno == ENOTDIR ? "unknown time zone" :
          "cannot read the time zone file";
    goto fail;
  }
  for(;;) {
    size_t got;
    if(n == cap) {
      uint8_t *nb;
      if(cap >= TZ_MAX_FILE) {
        why = "malformed time zone file (too large)";
        goto fail;
      }
      cap = cap ? cap * 2 : 8192;
      if(!(nb = realloc(buf, cap))) {
        why = "out of memory";
        goto fail;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, fp);
    n += got;
    if(!got) {
      if(ferror(fp)) {
        /* a directory such as "Europe" opens but cannot be read */
        why = errno == EISDIR ? "unknown time zone" :
              "cannot read the time zone file";
        goto fail;
      }
      break;
    }
  }
  if(n < 4 || memcmp(buf, "TZif", 4)) {
    why = "unknown time zone";  /* e.g. zone1970.tab, iso3166.tab */
    goto fail;
  }
  if((why = parse_tzif(tz, buf, n)))
    goto fail;
  fclose(fp);
  free(buf);
  return tz;

fail:
  seterr(err, errlen, why);
  if(fp)
    fclose(fp);
  free(buf);
  Tl_tz_free(tz);
  return NULL;
}

void
Tl_tz_free(Tl_tz *tz)
{
  if(!tz)
    return;
  free(tz->name);
  free(tz->trans);
  free(tz->idx);
  free(tz->type_off);
  free(tz);
}

const char *
Tl_tz_name(const Tl_tz *tz)
{
  return tz->name;
}
