/*
** Exposure report: format dispatch and the helpers the renderers share
** (x_param lookups, time formatting, the touches-over-time histogram).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "render/report_int.h"
#include "base/timeconv_int.h"

const char *const Tl_verdicts[TL_N_VERDICTS] = {
  "copied", "deleted", "modified", "renamed", "accessed", "none"
};

tl_rc
Tl_report_write(tl_case *c, FILE *out, const char *format)
{
  tl_rc rc;
  if(!c || !c->db || !out)
    return Tl_set_error(c, TL_USAGE, "report: no case or no output");
  if(!format || !strcmp(format, "text"))
    rc = Tl_report_text(c, out);
  else if(!strcmp(format, "csv"))
    rc = Tl_report_csv(c, out);
  else if(!strcmp(format, "json"))
    rc = Tl_report_json(c, out);
  else if(!strcmp(format, "html"))
    rc = Tl_report_html(c, out);
  else
    return Tl_set_error(c, TL_USAGE, "report: unknown format '%s' "
                        "(text, csv, json or html)", format);
  if(!rc && (fflush(out) || ferror(out)))
    rc = Tl_set_error(c, TL_IO, "report: write failed");
  return rc;
}

sqlite3_stmt *
Tl_report_prep(tl_case *c, const char *sql)
{
  sqlite3_stmt *s = NULL;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    Tl_set_sqlite_error(c, "report query");
    sqlite3_finalize(s);
    return NULL;
  }
  return s;
}

tl_rc
Tl_report_done(tl_case *c, sqlite3_stmt *s, int r)
{
  tl_rc rc = TL_OK;
  if(r != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "report query");
  sqlite3_finalize(s);
  return rc;
}

int
Tl_report_param_i64(tl_case *c, const char *key, int64_t *v)
{
  sqlite3_stmt *s;
  int found = 0;
  /* A missing x_param table (no analysis ran) is the same as no key. */
  if(sqlite3_prepare_v2(c->db, "SELECT value FROM x_param WHERE key = ?1",
                        -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  if(sqlite3_step(s) == SQLITE_ROW &&
     sqlite3_column_type(s, 0) != SQLITE_NULL) {
    *v = sqlite3_column_int64(s, 0);
    found = 1;
  }
  sqlite3_finalize(s);
  return found;
}

char *
Tl_report_param_str(tl_case *c, const char *key)
{
  sqlite3_stmt *s;
  char *v = NULL;
  if(sqlite3_prepare_v2(c->db, "SELECT value FROM x_param WHERE key = ?1",
                        -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return NULL;
  }
  sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
  if(sqlite3_step(s) == SQLITE_ROW &&
     sqlite3_column_type(s, 0) != SQLITE_NULL)
    v = strdup((const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return v;
}

int64_t
Tl_report_count(tl_case *c, const char *sql)
{
  sqlite3_stmt *s;
  int64_t n = 0;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return 0;
  }
  if(sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

const char *
Tl_report_col(sqlite3_stmt *s, int i)
{
  const char *t = (const char *)sqlite3_column_text(s, i);
  return t ? t : "";
}

char *
Tl_report_time_short(int64_t ns, char *buf, size_t len)
{
  char full[48];
  Tl_format_ns(ns, full, sizeof(full));
  /* "YYYY-MM-DDTHH:MM:SS.fffffffffZ" -> "YYYY-MM-DD HH:MM:SS" */
  if(strlen(full) >= 19 && full[10] == 'T') {
    full[10] = ' ';
    full[19] = '\0';
  }
  snprintf(buf, len, "%s", full);
  return buf;
}

char *
Tl_report_time_col(sqlite3_stmt *s, int i, char *buf, size_t len)
{
  if(sqlite3_column_type(s, i) == SQLITE_NULL) {
    if(len)
      buf[0] = '\0';
    return buf;
  }
  return Tl_report_time_short(sqlite3_column_int64(s, i), buf, len);
}

const char *
Tl_report_name(const char *s, const char *none)
{
  return (s && *s) ? s : none;
}

int
Tl_report_window(tl_case *c, int64_t *from_ns, int64_t *to_ns)
{
  int hf = Tl_report_param_i64(c, "from_ns", from_ns);
  int ht = Tl_report_param_i64(c, "to_ns", to_ns);
  sqlite3_stmt *s;
  int ok = 0;
  if(hf && ht)
    return 1;
  /* An open-ended window: fall back to the span of the evidence rows. */
  if(sqlite3_prepare_v2(c->db, "SELECT min(t_ns), max(t_ns) FROM x_row",
                        -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return 0;
  }
  if(sqlite3_step(s) == SQLITE_ROW &&
     sqlite3_column_type(s, 0) != SQLITE_NULL) {
    if(!hf)
      *from_ns = sqlite3_column_int64(s, 0);
    if(!ht) {
      *to_ns = sqlite3_column_int64(s, 1);
      if(*to_ns < INT64_MAX)
        (*to_ns)++;
    }
    ok = 1;
  }
  sqlite3_finalize(s);
  return ok;
}

const char *
Tl_report_duration(int64_t ns, char *buf, size_t len)
{
  static const struct { int64_t ns; const char *one, *many; } u[] = {
    {INT64_C(86400000000000), "day", "days"},
    {INT64_C(3600000000000), "hour", "hours"},
    {INT64_C(60000000000), "minute", "minutes"},
    {INT64_C(1000000000), "second", "seconds"},
    {INT64_C(1000000), "ms", "ms"},
    {INT64_C(1000), "\xc2\xb5s", "\xc2\xb5s"},
    {1, "ns", "ns"}
  };
  size_t i;
  for(i = 0; i < sizeof(u) / sizeof(u[0]); i++)
    if(ns % u[i].ns == 0) {
      int64_t k = ns / u[i].ns;
      if(k == 1 && u[i].ns >= INT64_C(1000000000))
        snprintf(buf, len, "1 %s", u[i].one);
      else
        snprintf(buf, len, "%lld %s", (long long)k, u[i].many);
      return buf;
    }
  snprintf(buf, len, "%lld ns", (long long)ns);
  return buf;
}

/* Round bucket sizes; consecutive ones differ by at most 3x, so the first
** size giving at most 60 buckets gives at least 20 unless the window is
** tiny. */
#define SEC INT64_C(1000000000)
#define DAY (86400 * SEC)
static const int64_t bucket_sizes[] = {
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000,
  50000, 100000, 200000, 500000, 1000000, 2000000, 5000000, 10000000,
  20000000, 50000000, 100000000, 200000000, 500000000,
  SEC, 2 * SEC, 5 * SEC, 10 * SEC, 15 * SEC, 30 * SEC, 60 * SEC,
  120 * SEC, 300 * SEC, 600 * SEC, 900 * SEC, 1800 * SEC, 3600 * SEC,
  7200 * SEC, 10800 * SEC, 21600 * SEC, 43200 * SEC, DAY, 2 * DAY,
  3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 91 * DAY, 182 * DAY,
  365 * DAY, 730 * DAY, 1825 * DAY, 3650 * DAY, 7300 * DAY, 18250 * DAY,
  36500 * DAY, 73000 * DAY
};

static int64_t
align_down(int64_t t, int64_t size)
{
  int64_t q;
  if(t < INT64_MIN + size)
    return t;
  q = t / size;
  if(t % size < 0)
    q--;
  return q * size;
}

static uint64_t
n_buckets_for(int64_t from_ns, int64_t to_ns, int64_t size)
{
  int64_t start = align_down(from_ns, size);
  uint64_t span = (uint64_t)to_ns - (uint64_t)start;
  return span / (uint64_t)size + (span % (uint64_t)size ? 1 : 0);
}

int64_t
Tl_report_bucket_ns(int64_t from_ns, int64_t to_ns)
{
  size_t i, n = sizeof(bucket_sizes) / sizeof(bucket_sizes[0]);
  if(to_ns <= from_ns)
    return 1;
  for(i = 0; i < n; i++)
    if(n_buckets_for(from_ns, to_ns, bucket_sizes[i]) <= 60)
      return bucket_sizes[i];
  /* Centuries and beyond: whatever keeps it at 60. */
  return (int64_t)(((uint64_t)to_ns - (uint64_t)from_ns) / 60 + 1);
}

void
Tl_report_histo_free(struct tl_histo *h)
{
  int i;
  for(i = 0; i < h->n_div; i++)
    free(h->div[i]);
  free(h->div);
  free(h->count);
  memset(h, 0, sizeof(*h));
}

tl_rc
Tl_report_histo(tl_case *c, struct tl_histo *h)
{
  sqlite3_stmt *s;
  int r, i, cap = 0;
  tl_rc rc;

  memset(h, 0, sizeof(*h));
  if(!Tl_report_window(c, &h->from_ns, &h->to_ns) || h->to_ns <= h->from_ns)
    return TL_OK;
  h->bucket_ns = Tl_report_bucket_ns(h->from_ns, h->to_ns);
  h->start_ns = align_down(h->from_ns, h->bucket_ns);
  h->n_buckets = (int)n_buckets_for(h->from_ns, h->to_ns, h->bucket_ns);

  /* Every division that has an occurrence, so colours stay the same
  ** whichever divisions happen to have touches in the window. */
  if(!(s = Tl_report_prep(c, "SELECT DISTINCT coalesce(division, '') "
                             "FROM x_occ ORDER BY 1")))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(h->n_div == cap) {
      char **nd;
      cap = cap ? cap * 2 : 8;
      if(!(nd = realloc(h->div, cap * sizeof(*nd)))) {
        sqlite3_finalize(s);
        Tl_report_histo_free(h);
        return Tl_set_error(c, TL_NOMEM, "report: out of memory");
      }
      h->div = nd;
    }
    if(!(h->div[h->n_div] = strdup(Tl_report_col(s, 0)))) {
      sqlite3_finalize(s);
      Tl_report_histo_free(h);
      return Tl_set_error(c, TL_NOMEM, "report: out of memory");
    }
    h->n_div++;
  }
  if((rc = Tl_report_done(c, s, r))) {
    Tl_report_histo_free(h);
    return rc;
  }
  if(!h->n_div)
    return TL_OK;   /* nothing found: buckets without counts */
  if(!(h->count = calloc((size_t)h->n_buckets * h->n_div,
                         sizeof(*h->count)))) {
    Tl_report_histo_free(h);
    return Tl_set_error(c, TL_NOMEM, "report: out of memory");
  }

  if(!(s = Tl_report_prep(c,
       "SELECT (r.t_ns - ?1) / ?2, coalesce(o.division, ''), count(*) "
       "FROM x_row r JOIN x_occ o ON o.occ_id = r.occ_id "
       "WHERE r.t_ns >= ?3 AND r.t_ns < ?4 GROUP BY 1, 2"))) {
    Tl_report_histo_free(h);
    return c->errcode;
  }
  sqlite3_bind_int64(s, 1, h->start_ns);
  sqlite3_bind_int64(s, 2, h->bucket_ns);
  sqlite3_bind_int64(s, 3, h->from_ns);
  sqlite3_bind_int64(s, 4, h->to_ns);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t b = sqlite3_column_int64(s, 0);
    const char *d = Tl_report_col(s, 1);
    if(b < 0 || b >= h->n_buckets)
      continue;
    for(i = 0; i < h->n_div; i++)
      if(!strcmp(h->div[i], d))
        break;
    if(i < h->n_div)
      h->count[b * h->n_div + i] += sqlite3_column_int64(s, 2);
  }
  if((rc = Tl_report_done(c, s, r))) {
    Tl_report_histo_free(h);
    return rc;
  }
  for(r = 0; r < h->n_buckets; r++) {
    int64_t t = 0;
    for(i = 0; i < h->n_div; i++)
      t += h->count[r * h->n_div + i];
    if(t > h->max_total)
      h->max_total = t;
    h->total += t;
  }
  return TL_OK;
}
