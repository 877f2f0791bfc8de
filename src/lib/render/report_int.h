/*
** Exposure report renderers (report*.c). They read only the x_* TEMP tables
** an exposure analysis left on the case connection (exposure_int.h) and
** never touch the case tables, so a report can be re-rendered in another
** format without re-running the analysis.
*/
#ifndef TL_REPORT_INT_H
#define TL_REPORT_INT_H

#include <stdio.h>

#include "store/case_int.h"
#include "analysis/anomalies_int.h"
#include "analysis/coverage_int.h"

/* Write the report to out; format is "text", "csv", "json" or "html".
** Returns TL_USAGE for an unknown format, TL_IO when a query or a write
** fails (message on the handle). */
tl_rc Tl_report_write(tl_case *c, FILE *out, const char *format);

/* ---- shared by the renderers ---- */

tl_rc Tl_report_text(tl_case *c, FILE *o);
tl_rc Tl_report_csv(tl_case *c, FILE *o);
tl_rc Tl_report_json(tl_case *c, FILE *o);
tl_rc Tl_report_html(tl_case *c, FILE *o);

/* Timestomping indicators on every file (x_file_anomaly), as used by
** the exposure reports and by `touchline anomalies` (tl_case_anomalies):
** the text list (limit files, 0: all), the CSV table, the JSON array
** ("file_anomalies":[...], no comma before it). */
tl_rc Tl_report_file_anomalies_text(tl_case *c, FILE *o, int limit);
tl_rc Tl_report_file_anomalies_csv(tl_case *c, FILE *o);
tl_rc Tl_report_file_anomalies_json(tl_case *c, FILE *o);

/* SQL expression ranking a verdict column, most serious first (0..5). */
#define TL_VRANK(col) \
  "(CASE " col " WHEN 'copied' THEN 0 WHEN 'deleted' THEN 1" \
  " WHEN 'modified' THEN 2 WHEN 'renamed' THEN 3 WHEN 'accessed' THEN 4" \
  " ELSE 5 END)"

/* Per owner division (the register's division of a target, else the
** location division of each of its files; exposure_int.h): division,
** targets, found, exposed, occurrences, first_ns, last_ns of exposure.
** A target without a register division counts once in each division its
** files sit in, or in the NULL division when it has none. */
#define TL_OWNER_ROLLUP \
  "SELECT d AS division, count(*) AS targets, sum(n > 0) AS found, " \
  "sum(e) AS exposed, sum(n) AS occurrences, min(f) AS first_ns, " \
  "max(l) AS last_ns FROM (SELECT t.target_id, coalesce(t.division, " \
  "o.division) AS d, count(o.occ_id) AS n, coalesce(max(o.verdict <> " \
  "'none'), 0) AS e, min(CASE WHEN o.verdict <> 'none' THEN o.first_ns " \
  "END) AS f, max(CASE WHEN o.verdict <> 'none' THEN o.last_ns END) AS l " \
  "FROM x_target t LEFT JOIN x_occ o USING(target_id) GROUP BY " \
  "t.target_id, 2) GROUP BY coalesce(d, '') ORDER BY sum(e) DESC, 1"

/* Per location division (where the files are): division, evidence
** items, occurrences, exposed occurrences, targets found there, targets
** exposed there, first_ns, last_ns of exposure. */
#define TL_LOCATION_ROLLUP \
  "SELECT division, count(DISTINCT evidence_id) AS evidence_items, " \
  "count(*) AS occurrences, " \
  "sum(verdict <> 'none') AS occurrences_exposed, " \
  "count(DISTINCT target_id) AS targets_found, " \
  "count(DISTINCT CASE WHEN verdict <> 'none' THEN target_id END) " \
  "AS targets_exposed, " \
  "min(CASE WHEN verdict <> 'none' THEN first_ns END) AS first_ns, " \
  "max(CASE WHEN verdict <> 'none' THEN last_ns END) AS last_ns " \
  "FROM x_occ GROUP BY coalesce(division, '') ORDER BY 1"

/* The verdicts, most serious first; index = TL_VRANK value. */
#define TL_N_VERDICTS 6
extern const char *const Tl_verdicts[TL_N_VERDICTS];

/* Prepare sql on c->db; NULL with the error recorded on failure. */
sqlite3_stmt *Tl_report_prep(tl_case *c, const char *sql);

/* Finish a loop over s: finalize it and turn a step error (r not
** SQLITE_DONE) into TL_IO on the handle. */
tl_rc Tl_report_done(tl_case *c, sqlite3_stmt *s, int r);

/* x_param lookups. The integer one returns 1 and sets *v when the key
** exists with a non-NULL value; the text one returns a malloc'd copy or
** NULL. */
int Tl_report_param_i64(tl_case *c, const char *key, int64_t *v);
char *Tl_report_param_str(tl_case *c, const char *key);

/* One integer from a query with no parameters (0 when NULL or no row). */
int64_t Tl_report_count(tl_case *c, const char *sql);

/* Column text or "" (never NULL). */
const char *Tl_report_col(sqlite3_stmt *s, int i);

/* Time for people: "2023-03-14 09:12:45" (UTC, fraction dropped), or ""
** when the column is NULL. The _col form reads column i of s. */
char *Tl_report_time_short(int64_t ns, char *buf, size_t len);
char *Tl_report_time_col(sqlite3_stmt *s, int i, char *buf, size_t len);

/* A duration in words in the largest unit dividing it: "10 minutes",
** "1 day", "250 ms". */
const char *Tl_report_duration(int64_t ns, char *buf, size_t len);

/* Display name of a possibly empty partner/division. */
const char *Tl_report_name(const char *s, const char *none);

/* The analysis window: from x_param, else the span of x_row. Returns 0
** when there is none (no params and no rows). */
int Tl_report_window(tl_case *c, int64_t *from_ns, int64_t *to_ns);

/* Touches over time: x_row rows with t_ns in [from_ns, to_ns), counted per
** bucket and per x_occ division (NULL division counts as ""). */
struct tl_histo {
  int64_t from_ns, to_ns;   /* the window */
  int64_t start_ns;         /* start of the first bucket (aligned) */
  int64_t bucket_ns;
  int n_buckets;
  int n_div;
  char **div;               /* division names, sorted; "" = none */
  int64_t *count;           /* [bucket * n_div + div] */
  int64_t max_total;        /* largest bucket total */
  int64_t total;
};

/* Fill h (zeroed first). n_buckets is 0 when there is no window. */
tl_rc Tl_report_histo(tl_case *c, struct tl_histo *h);
void Tl_report_histo_free(struct tl_histo *h);

/* Bucket size for a window so that it holds 20-60 buckets when possible,
** from a list of round sizes (1-2-5 ns steps, then seconds to years). */
int64_t Tl_report_bucket_ns(int64_t from_ns, int64_t to_ns);

#endif
