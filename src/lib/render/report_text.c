/*
** Exposure report as a short terminal summary. Everything else (all
** occurrences, their rows, anomalies) is in the csv/json/html reports.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/observe_int.h"
#include "render/report_int.h"
#include "base/names_int.h"
#include "base/timeconv_int.h"

#define TOP_FILES 20
#define TOP_FILES_S "20"

/* Print s in a column of width code points: controls and bidi controls
** are escaped (file names come from evidence and may carry terminal
** escapes; docs/OUTPUT-ESCAPING.md), a value too long is cut with "~".
** width 0 prints it whole. align: 0 left, 1 right, 2 no padding. */
static void
cell(FILE *o, const char *s, int width, int align)
{
  char *vis;
  const unsigned char *p = (const unsigned char *)Tl_visible(s ? s : "",
                                                             &vis);
  int n = 0, keep, pad;
  const unsigned char *q;
  for(q = p; *q; q++)
    if((*q & 0xc0) != 0x80)
      n++;
  keep = (width && n > width) ? width - 1 : n;
  pad = width > n ? width - n : 0;
  if(align == 1)
    fprintf(o, "%*s", pad, "");
  for(q = p, n = 0; *q; q++) {
    if((*q & 0xc0) != 0x80 && n++ == keep)
      break;
    fputc(*q, o);
  }
  if(keep < n)
    fputc('~', o);
  if(align == 0)
    fprintf(o, "%*s", pad, "");
  free(vis);
}

static void
num(FILE *o, int64_t v, int width)
{
  fprintf(o, "%*lld", width, (long long)v);
}

static tl_rc
header(tl_case *c, FILE *o)
{
  char *case_path = Tl_report_param_str(c, "case_path");
  char *version = Tl_report_param_str(c, "tool_version");
  int64_t from, to, gen;
  char a[48], b[48];
  int has_from = Tl_report_param_i64(c, "from_ns", &from);
  int has_to = Tl_report_param_i64(c, "to_ns", &to);

  fputs("touchline exposure report\n", o);
  fprintf(o, "  Case:       ");
  cell(o, case_path ? case_path : c->path, 0, 0);
  fputc('\n', o);
  fprintf(o, "  Window:     %s .. %s (UTC, end excluded)\n",
          has_from ? Tl_report_time_short(from, a, sizeof(a)) : "(open)",
          has_to ? Tl_report_time_short(to, b, sizeof(b)) : "(open)");
  if(Tl_report_param_i64(c, "generated_ns", &gen))
    fprintf(o, "  Generated:  %s UTC%s%s\n",
            Tl_report_time_short(gen, a, sizeof(a)),
            version ? " by " : "", version ? version : "");
  free(case_path);
  free(version);
  return TL_OK;
}

static tl_rc
summary(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r, first = 1;
  fprintf(o, "\n  Targets %lld   found %lld   exposed %lld"
          "   (files %lld, exposed files %lld)\n",
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_target"),
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_target "
                                        "WHERE found"),
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_target "
                                        "WHERE exposed"),
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_occ"),
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_occ "
                                        "WHERE verdict <> 'none'"));
  if(!(s = Tl_report_prep(c, "SELECT verdict, count(*) FROM x_occ "
                             "GROUP BY verdict ORDER BY "
                             TL_VRANK("verdict"))))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fprintf(o, "%s%s %lld", first ? "  Files by verdict: " : ", ",
            Tl_report_col(s, 0), (long long)sqlite3_column_int64(s, 1));
    first = 0;
  }
  if(!first)
    fputc('\n', o);
  return Tl_report_done(c, s, r);
}

/* Could access have been seen on each item (analysis/observe.c)? One
** line per item; the "not observable" sentence when the hive says so. */
static tl_rc
observability(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r;
  char t[48];
  if(!(s = Tl_report_prep(c, Tl_observe_select)))
    return c->errcode;
  fputs("\n  Observability (could access be seen?)\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("    ", o);
    cell(o, Tl_report_col(s, 0), 0, 0);
    fprintf(o, ": last-access updating %s; object-access auditing %s; "
            "share auditing %s", Tl_report_col(s, 2), Tl_report_col(s, 3),
            Tl_report_col(s, 4));
    if(sqlite3_column_type(s, 5) != SQLITE_NULL)
      fprintf(o, "; Security log %s", Tl_report_col(s, 5));
    if(sqlite3_column_type(s, 6) != SQLITE_NULL)
      fprintf(o, "; USN journal from %s (%lld records)",
              Tl_report_time_short(sqlite3_column_int64(s, 6), t,
                                   sizeof(t)),
              (long long)sqlite3_column_int64(s, 7));
    else
      fputs("; no USN journal read", o);
    fprintf(o, "; LNK files %lld, jump lists %lld",
            (long long)sqlite3_column_int64(s, 8),
            (long long)sqlite3_column_int64(s, 9));
    if(sqlite3_column_type(s, 10) != SQLITE_NULL) {
      fputs(" (per profile, LNK/jump lists: ", o);
      cell(o, Tl_report_col(s, 10), 0, 0);
      fputc(')', o);
    }
    if(sqlite3_column_type(s, 11) != SQLITE_NULL) {
      fputs("\n      ", o);
      cell(o, Tl_report_col(s, 11), 0, 0);
    }
    fputc('\n', o);
  }
  return Tl_report_done(c, s, r);
}

static tl_rc
partners(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  char a[48], b[48];
  int r;
  if(!(s = Tl_report_prep(c,
       "SELECT coalesce(partner, ''), count(*), sum(found > 0), "
       "sum(exposed > 0), min(CASE WHEN exposed THEN first_ns END), "
       "max(CASE WHEN exposed THEN last_ns END) FROM x_target "
       "GROUP BY 1 ORDER BY sum(exposed > 0) DESC, 1")))
    return c->errcode;
  fputs("\n  Partners\n    ", o);
  cell(o, "PARTNER", 24, 0);
  fputs("  TARGETED  FOUND  EXPOSED  FIRST EXPOSURE       "
        "LAST EXPOSURE\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("    ", o);
    cell(o, Tl_report_name(Tl_report_col(s, 0), "(no partner)"), 24, 0);
    num(o, sqlite3_column_int64(s, 1), 10);
    num(o, sqlite3_column_int64(s, 2), 7);
    num(o, sqlite3_column_int64(s, 3), 9);
    fprintf(o, "  %-19s  %s\n", Tl_report_time_col(s, 4, a, sizeof(a)),
            Tl_report_time_col(s, 5, b, sizeof(b)));
  }
  return Tl_report_done(c, s, r);
}

/* Owner divisions: whose files (the register's division, else where the
** file is), counted like partners. */
static tl_rc
owner_divisions(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  char a[48], b[48];
  int r;
  if(!(s = Tl_report_prep(c, TL_OWNER_ROLLUP)))
    return c->errcode;
  fputs("\n  Owner divisions (whose files: the register's division, else "
        "where the file is)\n    ", o);
  cell(o, "DIVISION", 24, 0);
  fputs("  TARGETED  FOUND  EXPOSED  FIRST EXPOSURE       "
        "LAST EXPOSURE\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("    ", o);
    cell(o, Tl_report_name(Tl_report_col(s, 0), "(no division)"), 24, 0);
    num(o, sqlite3_column_int64(s, 1), 10);
    num(o, sqlite3_column_int64(s, 2), 7);
    num(o, sqlite3_column_int64(s, 3), 9);
    fprintf(o, "  %-19s  %s\n", Tl_report_time_col(s, 5, a, sizeof(a)),
            Tl_report_time_col(s, 6, b, sizeof(b)));
  }
  return Tl_report_done(c, s, r);
}

/* Location divisions: where the files are (share map, else the item's
** division), and the exposures seen there. */
static tl_rc
location_divisions(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  char a[48], b[48];
  int r;
  if(!(s = Tl_report_prep(c, TL_LOCATION_ROLLUP)))
    return c->errcode;
  fputs("\n  Location divisions (where the files are: share map, else the "
        "evidence item's)\n    ", o);
  cell(o, "DIVISION", 20, 0);
  fputs("  EVIDENCE  FILES  EXPOSED  TARGETS  EXPOSED  "
        "FIRST EXPOSURE       LAST EXPOSURE\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("    ", o);
    cell(o, Tl_report_name(Tl_report_col(s, 0), "(no division)"), 20, 0);
    num(o, sqlite3_column_int64(s, 1), 10);
    num(o, sqlite3_column_int64(s, 2), 7);
    num(o, sqlite3_column_int64(s, 3), 9);
    num(o, sqlite3_column_int64(s, 4), 9);
    num(o, sqlite3_column_int64(s, 5), 9);
    fprintf(o, "  %-19s  %s\n", Tl_report_time_col(s, 6, a, sizeof(a)),
            Tl_report_time_col(s, 7, b, sizeof(b)));
  }
  return Tl_report_done(c, s, r);
}

/* Coverage: every target not found, counted by reason, and the first of
** them with the reason in words (all are in the csv/json/html reports
** and `targets stats`). */
static tl_rc
coverage(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r, n = 0;
  int64_t total = Tl_report_count(c, "SELECT count(*) FROM x_cover");
  fprintf(o, "\n  Coverage: %lld of %lld targets not found",
          (long long)total,
          (long long)Tl_report_count(c, "SELECT count(*) FROM x_target"));
  if(!(s = Tl_report_prep(c, TL_COVER_COUNTS)))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW)
    if(sqlite3_column_int64(s, 1)) {
      fprintf(o, "%s%s %lld", n++ ? ", " : " (", Tl_report_col(s, 0),
              (long long)sqlite3_column_int64(s, 1));
    }
  fputs(n ? ")\n" : "\n", o);
  if(Tl_report_done(c, s, r))
    return c->errcode;
  if(!(s = Tl_report_prep(c,
       "SELECT t.line, t.label, x.reason, x.detail FROM x_cover x JOIN "
       "x_target t USING(target_id) ORDER BY " TL_COVER_RANK("x.reason")
       ", t.line LIMIT " TOP_FILES_S)))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fprintf(o, "    line %-6lld ", (long long)sqlite3_column_int64(s, 0));
    cell(o, Tl_report_col(s, 1), 0, 0);
    fputs("\n              ", o);
    cell(o, Tl_report_col(s, 2), 0, 0);
    fputs(": ", o);
    cell(o, Tl_report_col(s, 3), 100, 2);
    fputc('\n', o);
  }
  if(total > TOP_FILES)
    fprintf(o, "    ... and %lld more\n", (long long)(total - TOP_FILES));
  return Tl_report_done(c, s, r);
}

/* Divisions, both ways (owner and location), then the coverage. */
static tl_rc
divisions(tl_case *c, FILE *o)
{
  tl_rc rc;
  if((rc = owner_divisions(c, o)) || (rc = location_divisions(c, o)))
    return rc;
  return coverage(c, o);
}

static tl_rc
bursts(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  char a[48], b[48];
  int r, n = 0;
  int64_t cnt, win;
  if(!(s = Tl_report_prep(c,
       "SELECT start_ns, end_ns, evidence, division, n_targets, n_events "
       "FROM x_burst ORDER BY start_ns, burst_id")))
    return c->errcode;
  fputs("\n  Bursts", o);
  if(Tl_report_param_i64(c, "burst_count", &cnt) &&
     Tl_report_param_i64(c, "burst_window_ns", &win))
    fprintf(o, " (at least %lld targets touched within %s)",
            (long long)cnt, Tl_report_duration(win, a, sizeof(a)));
  fputc('\n', o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++) {
      fputs("    START                END                  ", o);
      cell(o, "EVIDENCE", 18, 0);
      fputs("  TARGETS  EVENTS  DIVISIONS\n", o);
    }
    fprintf(o, "    %-19s  %-19s  ", Tl_report_time_col(s, 0, a, sizeof(a)),
            Tl_report_time_col(s, 1, b, sizeof(b)));
    cell(o, Tl_report_col(s, 2), 18, 0);
    num(o, sqlite3_column_int64(s, 4), 9);
    num(o, sqlite3_column_int64(s, 5), 8);
    fputs("  ", o);
    /* last: may list several divisions, "Finance (12), Legal (3)" */
    cell(o, Tl_report_name(Tl_report_col(s, 3), "-"), 0, 2);
    fputc('\n', o);
  }
  if(!n && r == SQLITE_DONE)
    fputs("    none\n", o);
  return Tl_report_done(c, s, r);
}

/* The $SI and $FN times of a file, kept while its rules are listed. */
struct ftimes {
  int64_t t[10];     /* si b m c a, fn b m c a, fs created, acquired */
  int has[10];
};

static void
ftimes_print(FILE *o, const struct ftimes *f)
{
  static const char *const lbl[8] = {"created", "modified", "changed",
                                     "accessed", "created", "modified",
                                     "changed", "accessed"};
  char buf[48];
  int k;
  for(k = 0; k < 8; k++) {
    if(k % 4 == 0)
      fputs(k ? "\n        $FN " : "        $SI ", o);
    fprintf(o, " %s %s", lbl[k], f->has[k] ?
            Tl_format_ns(f->t[k], buf, sizeof(buf)) : "-");
  }
  if(f->has[8])
    fprintf(o, "\n        file system created %s",
            Tl_format_ns(f->t[8], buf, sizeof(buf)));
  fputc('\n', o);
}

/* Timestomping indicators on every file with a time in the window
** (x_file_anomaly), executables first: per file its rules, then its $SI
** and $FN times side by side. limit 0: all files. */
tl_rc
Tl_report_file_anomalies_text(tl_case *c, FILE *o, int limit)
{
  sqlite3_stmt *s;
  struct ftimes f;
  int r, k, files = 0;
  int64_t last = -1;
  int64_t n_files = Tl_report_count(c, "SELECT count(DISTINCT object_id) "
                                       "FROM x_file_anomaly");
  fprintf(o, "\n  Timestomping indicators on every file in the window: "
          "%lld file(s), %lld of them programs, libraries or scripts "
          "(listed first)\n", (long long)n_files,
          (long long)Tl_report_count(c, "SELECT count(DISTINCT object_id) "
                                        "FROM x_file_anomaly WHERE "
                                        "executable"));
  /* files per rule: a rule on nearly every file of a volume is its
  ** history (a migration), not an intruder */
  if(!(s = Tl_report_prep(c, "SELECT rule, count(DISTINCT object_id) FROM "
                             "x_file_anomaly GROUP BY rule ORDER BY rule")))
    return c->errcode;
  k = 0;
  while((r = sqlite3_step(s)) == SQLITE_ROW)
    fprintf(o, "%s%s %lld", k++ ? ", " : "    files per rule: ",
            Tl_report_col(s, 0), (long long)sqlite3_column_int64(s, 1));
  if(k)
    fputc('\n', o);
  if(Tl_report_done(c, s, r))
    return c->errcode;
  if(!(s = Tl_report_prep(c, "SELECT object_id, evidence, path, rule, "
                             "executable, deleted, si_created_ns, "
                             "si_modified_ns, si_changed_ns, "
                             "si_accessed_ns, fn_created_ns, "
                             "fn_modified_ns, fn_changed_ns, "
                             "fn_accessed_ns, fs_created_ns, acquired_ns, "
                             "detail FROM x_file_anomaly"
                             TL_FILE_ANOMALY_ORDER)))
    return c->errcode;
  memset(&f, 0, sizeof(f));
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(s, 0);
    if(id != last) {
      if(last >= 0)
        ftimes_print(o, &f);
      last = id;
      if(limit && files == limit)
        break;
      files++;
      fputs("    ", o);
      cell(o, Tl_report_col(s, 1), 0, 0);
      fputs("  ", o);
      cell(o, Tl_report_col(s, 2), 0, 0);
      fprintf(o, "%s%s\n", sqlite3_column_int(s, 4) ? "  [program]" : "",
              sqlite3_column_int(s, 5) ? "  [deleted]" : "");
      for(k = 0; k < 10; k++) {
        f.has[k] = sqlite3_column_type(s, 6 + k) != SQLITE_NULL;
        f.t[k] = sqlite3_column_int64(s, 6 + k);
      }
    }
    fputs("      ", o);
    cell(o, Tl_report_col(s, 3), 0, 0);
    fputs(": ", o);
    cell(o, Tl_report_col(s, 16), 0, 0);
    fputc('\n', o);
  }
  if(r == SQLITE_DONE && last >= 0)
    ftimes_print(o, &f);
  else if(r == SQLITE_ROW) {
    fprintf(o, "    ... and %lld more file(s) (touchline anomalies lists "
            "them all)\n", (long long)(n_files - files));
    r = SQLITE_DONE;
  }
  return Tl_report_done(c, s, r);
}

static tl_rc
anomalies(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r, first = 1;
  int64_t n = Tl_report_count(c, "SELECT count(*) FROM x_anomaly");
  fprintf(o, "\n  Anomalies: %lld", (long long)n);
  if(!(s = Tl_report_prep(c, "SELECT kind, count(*) FROM x_anomaly "
                             "GROUP BY kind ORDER BY 2 DESC, 1")))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs(first ? " (" : ", ", o);
    cell(o, Tl_report_col(s, 0), 0, 0);
    fprintf(o, " %lld", (long long)sqlite3_column_int64(s, 1));
    first = 0;
  }
  fputs(first ? "\n" : ")\n", o);
  if(Tl_report_done(c, s, r))
    return c->errcode;
  return Tl_report_file_anomalies_text(c, o, TOP_FILES);
}

/* The reason that gave the verdict: reasons are "; "-separated and each
** starts with its kind ("copied: ...", "deleted in the window: ..."). */
static void
why(FILE *o, const char *reasons, const char *verdict)
{
  const char *p = reasons, *end;
  char buf[512];
  size_t vl = strlen(verdict);
  while(p) {
    if(!strncmp(p, verdict, vl))
      break;
    if((p = strstr(p, "; ")))
      p += 2;
  }
  if(!p)
    p = reasons;
  end = strstr(p, "; ");
  snprintf(buf, sizeof(buf), "%.*s", end ? (int)(end - p) : (int)strlen(p),
           p);
  cell(o, buf, 100, 2);
}

static tl_rc
top_files(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  char a[48];
  int r, n = 0;
  int64_t total = Tl_report_count(c, "SELECT count(*) FROM x_occ "
                                     "WHERE verdict <> 'none'");
  if(!(s = Tl_report_prep(c,
       "SELECT o.verdict, o.first_ns, o.evidence, o.path, o.reasons, "
       "t.partner FROM x_occ o LEFT JOIN x_target t USING(target_id) "
       "WHERE o.verdict <> 'none' ORDER BY " TL_VRANK("o.verdict")
       ", o.n_evidence DESC, o.first_ns, o.occ_id LIMIT "
       TOP_FILES_S)))
    return c->errcode;
  fprintf(o, "\n  Top exposed files (%lld of %lld)\n",
          (long long)(total < TOP_FILES ? total : TOP_FILES),
          (long long)total);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++) {
      fputs("    VERDICT   FIRST TOUCH          ", o);
      cell(o, "EVIDENCE", 16, 0);
      fputs("  PATH\n", o);
    }
    fputs("    ", o);
    cell(o, Tl_report_col(s, 0), 8, 0);
    fprintf(o, "  %-19s  ", Tl_report_time_col(s, 1, a, sizeof(a)));
    cell(o, Tl_report_col(s, 2), 16, 0);
    fputs("  ", o);
    cell(o, Tl_report_col(s, 3), 0, 0);
    fputs("\n              ", o);
    cell(o, Tl_report_name(Tl_report_col(s, 5), "(no partner)"), 0, 0);
    if(*Tl_report_col(s, 4)) {
      fputs(": ", o);
      why(o, Tl_report_col(s, 4), Tl_report_col(s, 0));
    }
    fputc('\n', o);
  }
  return Tl_report_done(c, s, r);
}

tl_rc
Tl_report_text(tl_case *c, FILE *o)
{
  tl_rc rc;
  if((rc = header(c, o)) || (rc = summary(c, o)) ||
     (rc = observability(c, o)) || (rc = partners(c, o)) ||
     (rc = divisions(c, o)) || (rc = bursts(c, o)) ||
     (rc = anomalies(c, o)) || (rc = top_files(c, o)))
    return rc;
  return TL_OK;
}
