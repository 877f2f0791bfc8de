/*
** Exposure report as one JSON document: params, summary, partners,
** owner and location divisions, evidence items, targets, occurrences
** (each with its evidence rows and copies), anomalies (on targets, and
** on every file in the window), bursts and the touches-over-time
** histogram.
**
** Rows are written generically from the x_* tables: an integer column
** named "*_ns" holding a time gets a sibling without the suffix holding
** the same time as ISO 8601 text ("first_ns" -> "first"), so a reader
** needs no date arithmetic and no precision is lost.
*/
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/observe_int.h"
#include "render/report_int.h"
#include "base/names_int.h"
#include "base/timeconv_int.h"

/* A JSON string: controls and bidi controls first made visible
** (docs/OUTPUT-ESCAPING.md: ESC becomes the text \x1b, written "\\x1b"),
** then quote and backslash escaped; other bytes, UTF-8 included, written
** as they are. */
static void
jstr(FILE *o, const char *s)
{
  char *vis;
  const unsigned char *p;
  if(!s) {
    fputs("null", o);
    return;
  }
  p = (const unsigned char *)(s = Tl_visible(s, &vis));
  fputc('"', o);
  while(*p) {
    const unsigned char *q = p;
    while(*q >= 0x20 && *q != '"' && *q != '\\')
      q++;
    fwrite(p, 1, (size_t)(q - p), o);
    if(!*q)
      break;
    if(*q == '"' || *q == '\\')
      fprintf(o, "\\%c", *q);
    else
      fprintf(o, "\\u%04x", *q);
    p = q + 1;
  }
  fputc('"', o);
  free(vis);
}

static void
jtime(FILE *o, int64_t ns)
{
  char buf[48];
  jstr(o, Tl_format_ns(ns, buf, sizeof(buf)));
}

/* Column i of s as a JSON value. */
static void
jval(FILE *o, sqlite3_stmt *s, int i)
{
  double d;
  switch(sqlite3_column_type(s, i)) {
  case SQLITE_INTEGER:
    fprintf(o, "%lld", (long long)sqlite3_column_int64(s, i));
    break;
  case SQLITE_FLOAT:
    d = sqlite3_column_double(s, i);
    if(isfinite(d))
      fprintf(o, "%.17g", d);
    else
      fputs("null", o);
    break;
  case SQLITE_NULL:
    fputs("null", o);
    break;
  default:
    jstr(o, (const char *)sqlite3_column_text(s, i));
    break;
  }
}

static int
is_time_col(const char *name)
{
  size_t n = strlen(name);
  return n > 3 && !strcmp(name + n - 3, "_ns") &&
         strcmp(name, "bucket_ns") && strcmp(name, "burst_window_ns");
}

/* Write the columns of the current row of s as object members (no
** braces). Columns whose name starts with '_' are for the caller only. */
static void
jmembers(FILE *o, sqlite3_stmt *s)
{
  int i, n = sqlite3_column_count(s), first = 1;
  for(i = 0; i < n; i++) {
    const char *name = sqlite3_column_name(s, i);
    if(name[0] == '_')
      continue;
    if(!first)
      fputc(',', o);
    first = 0;
    jstr(o, name);
    fputc(':', o);
    jval(o, s, i);
    if(is_time_col(name)) {
      char key[64];
      snprintf(key, sizeof(key), "%.*s", (int)strlen(name) - 3, name);
      fputc(',', o);
      jstr(o, key);
      fputc(':', o);
      if(sqlite3_column_type(s, i) == SQLITE_INTEGER)
        jtime(o, sqlite3_column_int64(s, i));
      else
        fputs("null", o);
    }
  }
}

typedef tl_rc (*nest_fn)(tl_case *c, FILE *o, sqlite3_stmt *row,
                        void *ctx);

/* "key": [ {row}, ... ] for every row of s, which is reset afterwards (so
** it can be bound and run again). nest may add members to each row's
** object. Each object on its own line when indent is not NULL. */
static tl_rc
jarray_stmt(tl_case *c, FILE *o, const char *key, sqlite3_stmt *s,
            nest_fn nest, void *ctx, const char *indent)
{
  int r, first = 1;
  tl_rc rc = TL_OK;
  jstr(o, key);
  fputs(":[", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!first)
      fputc(',', o);
    if(indent)
      fprintf(o, "\n%s", indent);
    first = 0;
    fputc('{', o);
    jmembers(o, s);
    if(nest && (rc = nest(c, o, s, ctx))) {
      sqlite3_reset(s);
      return rc;
    }
    fputc('}', o);
  }
  if(indent && !first)
    fprintf(o, "\n%.*s", (int)strlen(indent) - 2, indent);
  fputc(']', o);
  if(r != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "report query");
  sqlite3_reset(s);
  return rc;
}

/* The same for a query run once. */
static tl_rc
jarray(tl_case *c, FILE *o, const char *key, const char *sql, nest_fn nest,
       void *ctx, const char *indent)
{
  sqlite3_stmt *s;
  tl_rc rc;
  if(!(s = Tl_report_prep(c, sql)))
    return c->errcode;
  rc = jarray_stmt(c, o, key, s, nest, ctx, indent);
  sqlite3_finalize(s);
  return rc;
}

static tl_rc
params(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r, first = 1;
  if(!(s = Tl_report_prep(c, "SELECT key, value FROM x_param ORDER BY key")))
    return c->errcode;
  fputs("\"params\":{", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *key = Tl_report_col(s, 0);
    if(!first)
      fputc(',', o);
    first = 0;
    jstr(o, key);
    fputc(':', o);
    jval(o, s, 1);
    if(is_time_col(key) && sqlite3_column_type(s, 1) == SQLITE_INTEGER) {
      char k[64];
      snprintf(k, sizeof(k), "%.*s", (int)strlen(key) - 3, key);
      fputc(',', o);
      jstr(o, k);
      fputc(':', o);
      jtime(o, sqlite3_column_int64(s, 1));
    }
  }
  fputc('}', o);
  return Tl_report_done(c, s, r);
}

static void
jcount(FILE *o, tl_case *c, const char *key, const char *sql, int comma)
{
  if(comma)
    fputc(',', o);
  jstr(o, key);
  fprintf(o, ":%lld", (long long)Tl_report_count(c, sql));
}

static tl_rc
verdict_counts(tl_case *c, FILE *o, const char *key, const char *table)
{
  char sql[200];
  sqlite3_stmt *s;
  int64_t n[TL_N_VERDICTS] = {0};
  int r, i;
  snprintf(sql, sizeof(sql), "SELECT " TL_VRANK("verdict") ", count(*) "
           "FROM %s GROUP BY 1", table);
  if(!(s = Tl_report_prep(c, sql)))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW)
    n[sqlite3_column_int(s, 0)] += sqlite3_column_int64(s, 1);
  fputc(',', o);
  jstr(o, key);
  fputs(":{", o);
  for(i = 0; i < TL_N_VERDICTS; i++)
    fprintf(o, "%s\"%s\":%lld", i ? "," : "", Tl_verdicts[i],
            (long long)n[i]);
  fputc('}', o);
  return Tl_report_done(c, s, r);
}

static tl_rc
summary(tl_case *c, FILE *o)
{
  tl_rc rc;
  fputs("\"summary\":{", o);
  jcount(o, c, "targets", "SELECT count(*) FROM x_target", 0);
  jcount(o, c, "targets_found", "SELECT count(*) FROM x_target WHERE found",
         1);
  jcount(o, c, "targets_exposed",
         "SELECT count(*) FROM x_target WHERE exposed", 1);
  jcount(o, c, "occurrences", "SELECT count(*) FROM x_occ", 1);
  jcount(o, c, "occurrences_exposed",
         "SELECT count(*) FROM x_occ WHERE verdict <> 'none'", 1);
  jcount(o, c, "partners",
         "SELECT count(DISTINCT coalesce(partner, '')) FROM x_target", 1);
  jcount(o, c, "partners_affected",
         "SELECT count(DISTINCT coalesce(partner, '')) FROM x_target "
         "WHERE exposed", 1);
  jcount(o, c, "divisions",
         "SELECT count(DISTINCT coalesce(division, '')) FROM x_occ", 1);
  jcount(o, c, "evidence_items",
         "SELECT count(DISTINCT evidence_id) FROM x_occ", 1);
  jcount(o, c, "rows", "SELECT count(*) FROM x_row", 1);
  jcount(o, c, "copies", "SELECT count(*) FROM x_copy", 1);
  jcount(o, c, "bursts", "SELECT count(*) FROM x_burst", 1);
  jcount(o, c, "anomalies", "SELECT count(*) FROM x_anomaly", 1);
  jcount(o, c, "file_anomalies", "SELECT count(*) FROM x_file_anomaly", 1);
  jcount(o, c, "file_anomaly_files",
         "SELECT count(DISTINCT object_id) FROM x_file_anomaly", 1);
  if((rc = verdict_counts(c, o, "target_verdicts", "x_target")) ||
     (rc = verdict_counts(c, o, "occurrence_verdicts", "x_occ")))
    return rc;
  /* coverage: every target not found, counted by reason */
  jcount(o, c, "targets_not_found",
         "SELECT count(*) FROM x_target WHERE NOT found", 1);
  {
    sqlite3_stmt *s;
    int r, first = 1;
    if(!(s = Tl_report_prep(c, TL_COVER_COUNTS)))
      return c->errcode;
    fputs(",\"not_found_reasons\":{", o);
    while((r = sqlite3_step(s)) == SQLITE_ROW) {
      if(!first)
        fputc(',', o);
      first = 0;
      jstr(o, Tl_report_col(s, 0));
      fprintf(o, ":%lld", (long long)sqlite3_column_int64(s, 1));
    }
    fputc('}', o);
    if((rc = Tl_report_done(c, s, r)))
      return rc;
  }
  fputc('}', o);
  return TL_OK;
}

/* The distinct divisions of an evidence item (column _id). */
static tl_rc
evidence_divisions(tl_case *c, FILE *o, sqlite3_stmt *row, void *ctx)
{
  sqlite3_stmt *s;
  int r, first = 1;
  (void)ctx;
  if(!(s = Tl_report_prep(c, "SELECT DISTINCT division FROM x_occ "
                             "WHERE evidence_id IS ?1 ORDER BY 1")))
    return c->errcode;
  sqlite3_bind_value(s, 1, sqlite3_column_value(row, 0));
  fputs(",\"divisions\":[", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!first)
      fputc(',', o);
    first = 0;
    jval(o, s, 0);
  }
  fputc(']', o);
  return Tl_report_done(c, s, r);
}

/* Statements run once per occurrence, prepared once. */
struct occ_stmts {
  sqlite3_stmt *rows, *copies;
};

static tl_rc
occ_nest(tl_case *c, FILE *o, sqlite3_stmt *row, void *ctx)
{
  struct occ_stmts *st = ctx;
  int64_t id = sqlite3_column_int64(row, 0);
  tl_rc rc;
  fputc(',', o);
  sqlite3_bind_int64(st->rows, 1, id);
  if((rc = jarray_stmt(c, o, "rows", st->rows, NULL, NULL, NULL)))
    return rc;
  fputc(',', o);
  sqlite3_bind_int64(st->copies, 1, id);
  return jarray_stmt(c, o, "copies", st->copies, NULL, NULL, NULL);
}

static tl_rc
occurrences(tl_case *c, FILE *o)
{
  struct occ_stmts st;
  tl_rc rc;
  st.rows = Tl_report_prep(c,
    "SELECT t_ns, kind, source, macb, object_id, evidence, path, note "
    "FROM x_row WHERE occ_id = ?1 ORDER BY t_ns, rowid");
  st.copies = Tl_report_prep(c,
    "SELECT object_id, evidence, division, path, created_ns, modified_ns, "
    "how, signature FROM x_copy WHERE occ_id = ?1 ORDER BY rowid");
  if(!st.rows || !st.copies)
    rc = c->errcode;
  else
    rc = jarray(c, o, "occurrences",
                "SELECT occ_id AS _id, x.*, x.division AS "
                "location_division, coalesce(t.division, x.division) AS "
                "owner_division FROM x_occ x LEFT JOIN x_target t USING("
                "target_id) ORDER BY occ_id",
                occ_nest, &st, "    ");
  sqlite3_finalize(st.rows);
  sqlite3_finalize(st.copies);
  return rc;
}

static tl_rc
histogram(tl_case *c, FILE *o)
{
  struct tl_histo h;
  int b, d;
  tl_rc rc;
  if((rc = Tl_report_histo(c, &h)))
    return rc;
  fputs("\"histogram\":", o);
  if(!h.n_buckets) {
    fputs("null", o);
    return TL_OK;
  }
  fprintf(o, "{\"from_ns\":%lld,\"to_ns\":%lld,\"start_ns\":%lld,"
          "\"bucket_ns\":%lld,\"n_buckets\":%d,\"total\":%lld,"
          "\"divisions\":[", (long long)h.from_ns, (long long)h.to_ns,
          (long long)h.start_ns, (long long)h.bucket_ns, h.n_buckets,
          (long long)h.total);
  for(d = 0; d < h.n_div; d++) {
    if(d)
      fputc(',', o);
    jstr(o, h.div[d]);
  }
  fputs("],\"buckets\":[", o);
  for(b = 0; b < h.n_buckets; b++) {
    int64_t t = h.start_ns + (int64_t)b * h.bucket_ns, total = 0;
    fprintf(o, "%s\n    {\"start_ns\":%lld,\"start\":", b ? "," : "",
            (long long)t);
    jtime(o, t);
    fputs(",\"counts\":[", o);
    for(d = 0; d < h.n_div; d++) {
      int64_t n = h.count ? h.count[b * h.n_div + d] : 0;
      fprintf(o, "%s%lld", d ? "," : "", (long long)n);
      total += n;
    }
    fprintf(o, "],\"total\":%lld}", (long long)total);
  }
  fputs("\n  ]}", o);
  Tl_report_histo_free(&h);
  return TL_OK;
}

tl_rc
Tl_report_json(tl_case *c, FILE *o)
{
  tl_rc rc;
  int64_t from, to;
  fputs("{\n  \"report\":\"touchline-exposure\",\"report_version\":2,\n  ",
        o);
  if((rc = params(c, o)))
    return rc;
  fputs(",\n  \"window\":", o);
  if(Tl_report_window(c, &from, &to)) {
    fprintf(o, "{\"from_ns\":%lld,\"from\":", (long long)from);
    jtime(o, from);
    fprintf(o, ",\"to_ns\":%lld,\"to\":", (long long)to);
    jtime(o, to);
    fputc('}', o);
  }
  else
    fputs("null", o);
  fputs(",\n  ", o);
  if((rc = summary(c, o)))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "partners",
       "SELECT partner, count(*) AS targets, sum(found > 0) AS found, "
       "sum(exposed > 0) AS exposed, sum(n_occ) AS occurrences, "
       "min(CASE WHEN exposed THEN first_ns END) AS first_ns, "
       "max(CASE WHEN exposed THEN last_ns END) AS last_ns "
       "FROM x_target GROUP BY coalesce(partner, '') ORDER BY 1",
       NULL, NULL, "    ")))
    return rc;
  fputs(",\n  ", o);
  /* owner: whose files (the register's division, else where the file
  ** is); location: where the files are (share map, else the item's) */
  if((rc = jarray(c, o, "owner_divisions", TL_OWNER_ROLLUP, NULL, NULL,
                  "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "location_divisions", TL_LOCATION_ROLLUP, NULL,
                  NULL, "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "evidence",
       "SELECT evidence_id AS _id, evidence_id, evidence, "
       "count(*) AS occurrences, "
       "sum(verdict <> 'none') AS occurrences_exposed, "
       "count(DISTINCT target_id) AS targets_found, "
       "min(CASE WHEN verdict <> 'none' THEN first_ns END) AS first_ns, "
       "max(CASE WHEN verdict <> 'none' THEN last_ns END) AS last_ns "
       "FROM x_occ GROUP BY evidence_id ORDER BY evidence_id",
       evidence_divisions, NULL, "    ")))
    return rc;
  fputs(",\n  ", o);
  /* could access have been seen on each item (analysis/observe.c) */
  if((rc = jarray(c, o, "observability", Tl_observe_select, NULL, NULL,
                  "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "targets",
       "SELECT t.*, x.reason AS not_found_reason, x.detail AS "
       "not_found_detail, x.folder_evidence, x.folder_path, "
       "x.folder_modified_ns FROM x_target t LEFT JOIN x_cover x USING("
       "target_id) ORDER BY target_id", NULL, NULL, "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = occurrences(c, o)))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "anomalies",
       "SELECT * FROM x_anomaly ORDER BY rowid", NULL, NULL, "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = Tl_report_file_anomalies_json(c, o)))
    return rc;
  fputs(",\n  ", o);
  if((rc = jarray(c, o, "bursts",
       "SELECT * FROM x_burst ORDER BY start_ns, burst_id", NULL, NULL,
       "    ")))
    return rc;
  fputs(",\n  ", o);
  if((rc = histogram(c, o)))
    return rc;
  fputs("\n}\n", o);
  return TL_OK;
}

tl_rc
Tl_report_file_anomalies_json(tl_case *c, FILE *o)
{
  return jarray(c, o, "file_anomalies", "SELECT * FROM x_file_anomaly"
                TL_FILE_ANOMALY_ORDER, NULL, NULL, "    ");
}
