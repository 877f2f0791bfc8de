/*
** Timestomping indicators on every file whose $SI or $FN times fall in a
** window, on every evidence item, target or not (docs/EXPOSURE.md,
** "Anomalies on every file"). An intruder's tools (rar.exe, a DLL) are no
** targets, but their $STANDARD_INFORMATION times set back while
** $FILE_NAME keeps the truth show where the intruder worked.
**
** Rules, one row per file and rule in TEMP table x_file_anomaly
** (anomalies_int.h):
**   si-created-before-fn-created  $SI created earlier than $FN created;
**   si-zero-subseconds            every $SI time a whole second while a
**                                 $FN time has a fraction;
**   si-before-fs-created          $SI created earlier than the file
**                                 system (the $SI created time of $MFT or
**                                 $Volume);
**   time-after-acquisition        a $SI or $FN time later than the
**                                 acquisition (E01 acquiry_date, read as
**                                 UTC, plus 14 hours for its unknown
**                                 zone; else the ingest).
** Executables and libraries (.exe .dll .sys .ps1 .bat ...) are marked and
** listed first. Only reads the case.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/anomalies_int.h"
#include "store/store_int.h"
#include "store/pgread_int.h"

/* extensions of programs, libraries, drivers and scripts */
static const char *const exe_ext[] = {
  "exe", "dll", "sys", "ps1", "psm1", "bat", "cmd", "vbs", "vbe", "js",
  "jse", "wsf", "hta", "scr", "com", "cpl", "ocx", "msi", "msp", "drv",
  "efi", "jar", "lnk", "so", "sh", "py"
};

const char Tl_file_anomaly_rules[] =
  "si-created-before-fn-created, si-zero-subseconds, si-before-fs-created, "
  "time-after-acquisition";

/* 14 hours in ns: the widest UTC offset of the zone an E01 date was
** written in (libewf gives a local time without its zone) */
#define ACQ_SLACK "50400000000000"

static const char ddl[] =
  TL_X_FILE_ANOMALY_DDL
  "DROP TABLE IF EXISTS temp.x_fa_t;"
  "DROP TABLE IF EXISTS temp.x_fa_fs;"
  "DROP TABLE IF EXISTS temp.x_fa_obj;"
  "DROP TABLE IF EXISTS temp.x_fa_acq;"
  "CREATE TEMP TABLE x_fa_acq(evidence_id INTEGER PRIMARY KEY,"
  " acquired_ns INTEGER, acquired_from TEXT);";

/* libewf's "Thu Jun 22 09:41:00 2023" as if UTC; 0 when it reads */
static int
acquiry_date(const char *v, int64_t *ns)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char mon[4], iso[40];
  const char *m;
  int d, hh, mm, ss, y, used = 0;
  const char *why;
  if(sscanf(v, "%*3s %3s %d %d:%d:%d %d%n", mon, &d, &hh, &mm, &ss, &y,
            &used) != 6 || v[used] || strlen(mon) != 3 ||
     !(m = strstr(months, mon)) || (m - months) % 3)
    return -1;
  snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
           (int)(m - months) / 3 + 1, d, hh, mm, ss);
  return tl_parse_time_zone(iso, "UTC", ns, &why) ? -1 : 0;
}

/* the acquisition time of each item: the E01's acquiry_date when it
** reads as a date ("Thu Jun 22 09:41:00 2023", a local time of unknown
** zone), else the ingest */
static tl_rc
acquisitions(tl_case *c)
{
  sqlite3_stmt *q = NULL, *ins = NULL;
  tl_rc rc = TL_OK;
  int st;
  if(sqlite3_prepare_v2(c->db, "SELECT e.evidence_id, e.ingested_ns, "
                        "(SELECT value FROM evidence_meta m WHERE "
                        "m.evidence_id = e.evidence_id AND m.key = "
                        "'acquiry_date') FROM evidence e", -1, &q, NULL) !=
     SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "INSERT INTO x_fa_acq VALUES(?,?,?)", -1,
                        &ins, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare anomalies");
    goto out;
  }
  while(!rc && (st = sqlite3_step(q)) == SQLITE_ROW) {
    const char *v = (const char *)sqlite3_column_text(q, 2);
    int64_t ns;
    sqlite3_bind_int64(ins, 1, sqlite3_column_int64(q, 0));
    if(v && !acquiry_date(v, &ns)) {
      sqlite3_bind_int64(ins, 2, ns);
      sqlite3_bind_text(ins, 3, "acquiry_date", -1, SQLITE_STATIC);
    }
    else {
      sqlite3_bind_int64(ins, 2, sqlite3_column_int64(q, 1));
      sqlite3_bind_text(ins, 3, "ingest", -1, SQLITE_STATIC);
    }
    if(sqlite3_step(ins) != SQLITE_DONE)
      rc = Tl_set_sqlite_error(c, "insert x_fa_acq");
    sqlite3_reset(ins);
  }
  if(!rc && st != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "query evidence");
out:
  sqlite3_finalize(q);
  sqlite3_finalize(ins);
  return rc;
}

#define T(src, pos, agg) \
  agg "(CASE WHEN ev.source = '" src "' AND substr(ev.macb, " #pos \
  ", 1) <> '.' THEN ev.t_ns END)"

/* The columns of x_fa_t after object_id: a file's $SI/$FN times from its
** events `ev` (SQL that means the same on SQLite and PostgreSQL: the
** server computes them for a PostgreSQL case, store/pgread.c) */
#define FA_TIMES \
  T("$SI", 4, "min") " AS si_b, " T("$SI", 1, "max") " AS si_m, " \
  T("$SI", 3, "max") " AS si_c, " T("$SI", 2, "max") " AS si_a, " \
  T("$FN", 4, "min") " AS fn_b, " T("$FN", 1, "max") " AS fn_m, " \
  T("$FN", 3, "max") " AS fn_c, " T("$FN", 2, "max") " AS fn_a, " \
  "count(CASE WHEN ev.source = '$SI' THEN 1 END) AS n_si, " \
  "count(CASE WHEN ev.source = '$SI' AND ev.t_ns % 1000000000 <> 0 " \
  "THEN 1 END) AS si_frac, count(CASE WHEN ev.source = '$FN' AND " \
  "ev.t_ns % 1000000000 <> 0 THEN 1 END) AS fn_frac, max(CASE WHEN " \
  "ev.source IN ('$SI', '$FN') THEN ev.t_ns END) AS t_max"

/* The rules, on x_fa_t t, the file system's creation f and the item's
** acquisition a; FA_ANY_RULE: one of them holds (the server's filter for
** a PostgreSQL case) */
#define R_SI_FN "t.si_b < t.fn_b"
#define R_ZERO_SUB "t.n_si > 0 AND t.si_frac = 0 AND t.fn_frac > 0"
#define R_SI_FS "t.si_b < f.created_ns"
#define R_ACQ "t.t_max > a.acquired_ns + CASE a.acquired_from WHEN " \
  "'acquiry_date' THEN " ACQ_SLACK " ELSE 0 END"
#define FA_ANY_RULE \
  "(" R_SI_FN ") OR (" R_ZERO_SUB ") OR (" R_SI_FS ") OR (" R_ACQ ")"

tl_rc
Tl_file_anomalies(tl_case *c, int64_t from, int64_t to)
{
  char exe[1200];
  char *sql = NULL;
  const char *objects = "object";
  size_t i, n = 0;
  tl_rc rc;

  if((rc = Tl_exec(c, ddl)) || (rc = acquisitions(c)))
    return rc;
  /* a PostgreSQL case: x_fa_t and x_fa_fs come reduced from the server,
  ** with the columns of their objects in x_fa_obj (store/pgread.c) */
  if(c->pg) {
    if((rc = Tl_pgread_file_times(c, from, to, FA_TIMES, FA_ANY_RULE)))
      return rc;
    objects = "temp.x_fa_obj";
  }
  /* the times of every file with a $SI or $FN time in the window */
  else if((rc = Tl_exec_bound(c,
       "CREATE TEMP TABLE x_fa_t AS SELECT ev.object_id AS object_id, "
       FA_TIMES " FROM (SELECT "
       "DISTINCT object_id FROM event WHERE t_ns >= ?1 AND t_ns < ?2 AND "
       "source IN ('$SI', '$FN')) k CROSS JOIN event ev ON ev.object_id = "
       "k.object_id GROUP BY ev.object_id", "ii", from, to)))
    return rc;
  /* when each NTFS file system was created: its $MFT or $Volume */
  if(!c->pg && (rc = Tl_exec(c,
       "CREATE TEMP TABLE x_fa_fs AS SELECT o.fs_id AS fs_id, min(ev.t_ns) "
       "AS created_ns FROM object o CROSS JOIN event ev ON ev.object_id = "
       "o.object_id WHERE (o.name = '$MFT' COLLATE NOCASE OR o.name = "
       "'$Volume' COLLATE NOCASE) AND o.path IN ('/$MFT', '/$Volume') AND "
       "o.inode IN (0, 3) AND ev.source = '$SI' AND substr(ev.macb, 4, 1) "
       "= 'b' GROUP BY o.fs_id")))
    return rc;
  exe[0] = '\0';
  for(i = 0; i < sizeof(exe_ext) / sizeof(exe_ext[0]); i++)
    n += (size_t)snprintf(exe + n, sizeof(exe) - n, "%slower(o.name) GLOB "
                          "'*.%s'", i ? " OR " : "", exe_ext[i]);
  {
    static const char *const rules[4][2] = {
      {"si-created-before-fn-created", R_SI_FN},
      {"si-zero-subseconds", R_ZERO_SUB},
      {"si-before-fs-created", R_SI_FS},
      {"time-after-acquisition", R_ACQ}
    };
    static const char *const detail[4] = {
      "'$SI created is earlier than $FILE_NAME created: user-mode tools "
      "set $SI times, not $FN times'",
      "'every $SI time is a whole second while $FILE_NAME times have "
      "fractions: a tool set the $SI times'",
      "'$SI created is earlier than the file system itself ($MFT/$Volume "
      "created)'",
      "'a time later than the acquisition (' || CASE a.acquired_from WHEN "
      "'ingest' THEN 'no acquisition date: the ingest' ELSE 'the image''s "
      "acquiry_date, 14 hours allowed for its zone' END || ')'"
    };
    for(i = 0; i < 4 && !rc; i++) {
      if(!(sql = sqlite3_mprintf(
           "INSERT INTO x_file_anomaly(object_id, evidence, path, rule, "
           "executable, deleted, si_created_ns, si_modified_ns, "
           "si_changed_ns, si_accessed_ns, fn_created_ns, fn_modified_ns, "
           "fn_changed_ns, fn_accessed_ns, fs_created_ns, acquired_ns, "
           "acquired_from, detail) SELECT o.object_id, e.label, o.path, "
           "'%s', (%s), o.deleted, t.si_b, t.si_m, t.si_c, t.si_a, t.fn_b, "
           "t.fn_m, t.fn_c, t.fn_a, f.created_ns, a.acquired_ns, "
           "a.acquired_from, %s FROM x_fa_t t CROSS JOIN %s o ON "
           "o.object_id = t.object_id JOIN evidence e ON e.evidence_id = "
           "o.evidence_id LEFT JOIN x_fa_fs f ON f.fs_id = o.fs_id LEFT "
           "JOIN x_fa_acq a ON a.evidence_id = o.evidence_id WHERE "
           "o.stream IS NULL AND coalesce(o.meta_type, o.name_type) <> 'd'"
           " AND %s", rules[i][0], exe, detail[i], objects,
           rules[i][1])))
        return Tl_set_error(c, TL_NOMEM, "out of memory");
      rc = Tl_exec(c, sql);
      sqlite3_free(sql);
    }
  }
  if(!rc)
    rc = Tl_exec(c, "CREATE INDEX temp.x_file_anomaly_object ON "
                 "x_file_anomaly(object_id);"
                 "UPDATE x_file_anomaly SET n_rules = (SELECT count(*) FROM "
                 "x_file_anomaly b WHERE b.object_id = "
                 "x_file_anomaly.object_id)");
  return rc;
}
