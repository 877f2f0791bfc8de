/*
** `touchline info`: what a case holds, as text or JSON.
*/
#include "config.h"

#include <string.h>

#include "analysis/observe_int.h"
#include "store/case_int.h"
#include "store/pgread_int.h"
#include "base/abi_int.h"
#include "base/timeconv_int.h"

static void
json_str(FILE *o, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  if(!s) {
    fputs("null", o);
    return;
  }
  fputc('"', o);
  for(; *p; p++) {
    if(*p == '"' || *p == '\\')
      fprintf(o, "\\%c", *p);
    else if(*p < 0x20)
      fprintf(o, "\\u%04x", *p);
    else
      fputc(*p, o);
  }
  fputc('"', o);
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
  return (const char *)sqlite3_column_text(s, i);
}

/* Print one query's rows as a JSON array of objects, or as text lines
** "  name: value" (text mode prints a row per block, indented). */
static tl_rc
dump(tl_case *c, FILE *o, int json, const char *sql, int64_t id,
     const char *indent)
{
  sqlite3_stmt *s;
  int first = 1, n, i, r;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  if(id)
    sqlite3_bind_int64(s, 1, id);
  n = sqlite3_column_count(s);
  if(json)
    fputc('[', o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(json) {
      fputs(first ? "{" : ",{", o);
      for(i = 0; i < n; i++) {
        if(i)
          fputc(',', o);
        json_str(o, sqlite3_column_name(s, i));
        fputc(':', o);
        if(sqlite3_column_type(s, i) == SQLITE_INTEGER)
          fprintf(o, "%lld", (long long)sqlite3_column_int64(s, i));
        else
          json_str(o, col_text(s, i));
      }
      fputc('}', o);
    }
    else {
      for(i = 0; i < n; i++) {
        const char *v = col_text(s, i);
        if(!v)
          continue;
        fprintf(o, "%s%s%s: %s\n", indent, i == 0 ? "- " : "  ",
                sqlite3_column_name(s, i), v);
      }
    }
    first = 0;
  }
  if(json)
    fputc(']', o);
  sqlite3_finalize(s);
  if(r != SQLITE_DONE)
    return Tl_set_sqlite_error(c, "query");
  return TL_OK;
}

/* 1 when sql (bound to id) returns a row. */
static int
has_rows(tl_case *c, const char *sql, int64_t id)
{
  sqlite3_stmt *s;
  int r;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return 1;
  sqlite3_bind_int64(s, 1, id);
  r = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return r;
}

static tl_rc
range(tl_case *c, int64_t ev, char *lo, char *hi, size_t len)
{
  sqlite3_stmt *s;
  snprintf(lo, len, "-");
  snprintf(hi, len, "-");
  if(c->pg) {               /* on the server (store/pgread.c) */
    int64_t a, b;
    int have;
    tl_rc rc = Tl_pgread_range(c, ev, &a, &b, &have);
    if(!rc && have) {
      Tl_format_ns(a, lo, len);
      Tl_format_ns(b, hi, len);
    }
    return rc;
  }
  if(sqlite3_prepare_v2(c->db, "SELECT min(t_ns), max(t_ns) FROM event "
                        "WHERE (?1 = 0 OR evidence_id = ?1) AND t_ns > 0",
                        -1, &s, NULL) != SQLITE_OK)
    return TL_OK;
  sqlite3_bind_int64(s, 1, ev);
  if(sqlite3_step(s) == SQLITE_ROW &&
     sqlite3_column_type(s, 0) == SQLITE_INTEGER) {
    Tl_format_ns(sqlite3_column_int64(s, 0), lo, len);
    Tl_format_ns(sqlite3_column_int64(s, 1), hi, len);
  }
  sqlite3_finalize(s);
  return TL_OK;
}

#define EVIDENCE_SQL \
  "SELECT label, division, container_type, media_size, sector_size, md5, " \
  "sha1, sha256, stored_md5, stored_sha1, verification, read_errors, " \
  "n_objects, n_events, n_corrupt, fat_tz, " \
  "(SELECT count(*) FROM warning w WHERE w.evidence_id=e.evidence_id) " \
  "AS n_warnings, evidence_id FROM evidence e ORDER BY evidence_id"

/* The per-item sections: JSON key, text title, query (and the JSON query
** when it differs). */
static const struct {
  const char *key, *title, *sql, *sql_json;
  int only_if_rows;         /* text: no title when there are no rows */
} sections[] = {
  {"files", "image files",
   "SELECT seq, path, origin, size, strftime('%Y-%m-%dT%H:%M:%S', "
   "mtime_ns / 1000000000, 'unixepoch') || printf('.%09dZ', mtime_ns % "
   "1000000000) AS mtime, coalesce(sha256, '(not computed)') AS sha256 "
   "FROM evidence_file WHERE evidence_id=? ORDER BY seq",
   "SELECT seq, path, real_path, origin, size, mtime_ns, sha256 FROM "
   "evidence_file WHERE evidence_id=? ORDER BY seq", 0},
  {"acquisition", "acquisition",
   "SELECT key, value FROM evidence_meta WHERE evidence_id=? ORDER BY key",
   NULL, 0},
  {"volumes", "volumes",
   "SELECT addr, vs_type, start_sector, n_sectors, description, flags "
   "FROM volume WHERE evidence_id=? ORDER BY volume_id", NULL, 0},
  {"filesystems", "file systems",
   "SELECT fs_type, offset_bytes, block_size, block_count, pool_volume, "
   "CASE local_times WHEN 1 THEN 'local, read as ' || time_zone ELSE 'UTC' "
   "END AS times, n_objects, n_corrupt FROM filesystem WHERE "
   "evidence_id=? ORDER BY fs_id",
   "SELECT fs_type, offset_bytes, block_size, block_count, pool_volume, "
   "local_times, time_zone, n_objects, n_corrupt FROM filesystem WHERE "
   "evidence_id=? ORDER BY fs_id", 0},
  {"warnings", "warnings",
   "SELECT kind, message FROM warning WHERE evidence_id=? "
   "ORDER BY warning_id", NULL, 0},
  {"runs", "run",
   "SELECT tool_version, command_line, host, datetime(started_ns / "
   "1000000000, 'unixepoch') || 'Z' AS started, datetime(ended_ns / "
   "1000000000, 'unixepoch') || 'Z' AS ended, status FROM run r JOIN "
   "evidence e ON e.run_id = r.run_id WHERE e.evidence_id=?",
   "SELECT r.run_id, tool_version, command_line, host, started_ns, "
   "ended_ns, status FROM run r JOIN evidence e ON e.run_id = r.run_id "
   "WHERE e.evidence_id=?", 0},
  /* artifact parsers (docs/PLUGIN-ABI.md): per parser, and every file
  ** whose parse failed or skipped records */
  {"artifacts", "artifacts",
   "SELECT parser, count(*) AS files, sum(n_events) AS events, "
   "sum(n_corrupt) AS corrupt_records, sum(n_refused) AS refused_events, "
   "sum(status = 'failed') AS failed_files FROM artifact_file WHERE "
   "evidence_id=? GROUP BY parser ORDER BY parser", NULL, 1},
  {"artifact_problems", "artifact files with problems",
   "SELECT path, parser, status, n_events AS events, n_corrupt AS "
   "corrupt_records, n_refused AS refused_events, message FROM "
   "artifact_file WHERE evidence_id=? AND status <> 'ok' ORDER BY "
   "artifact_file_id", NULL, 1},
  /* could access have been seen (analysis/observe.c, x_observe) */
  {"observability", "observability",
   "SELECT coalesce(last_access, 'unknown (no SYSTEM hive read)') AS "
   "last_access_updating, coalesce(object_access, 'unknown (no Security "
   "log read)') AS object_access_auditing, coalesce(file_share, 'unknown "
   "(no Security log read)') AS file_share_auditing, security_range AS "
   "security_log_range, CASE WHEN usn_records > 0 THEN strftime("
   "'%Y-%m-%dT%H:%M:%SZ', usn_oldest_ns / 1000000000, 'unixepoch') ELSE "
   "'none read' END AS usn_journal_from, usn_records, lnk_files, "
   "jumplist_files, profiles AS per_profile, note FROM x_observe WHERE "
   "evidence_id=?",
   "SELECT last_access AS last_access_updating, object_access AS "
   "object_access_auditing, file_share AS file_share_auditing, "
   "security_range AS security_log_range, usn_oldest_ns, usn_records, "
   "lnk_files, jumplist_files, profiles AS per_profile, note FROM x_observe "
   "WHERE evidence_id=?", 0},
  /* what parsers stated about the item (plugin ABI 1.1 api->fact) */
  {"facts", "facts stated by artifacts",
   "SELECT key, value, parser, artifact_path AS source FROM evidence_fact "
   "WHERE evidence_id=? ORDER BY key, fact_id", NULL, 1},
};
#define N_SECTIONS (int)(sizeof(sections) / sizeof(sections[0]))

/* Runs that did not complete: failed, interrupted, and still running
** (a 'running' run whose process is gone on this host was killed: shown
** as interrupted; the next writer marks it so). */
#define RUNS_FROM \
  " FROM run WHERE status <> 'complete'"
#define RUNS_STATUS \
  "CASE WHEN status = 'running' AND NOT tl_pid_alive(host, pid) THEN " \
  "'interrupted' ELSE status END"
static const char runs_sql[] =
  "SELECT run_id AS run, " RUNS_STATUS " AS status, label, pid, host, "
  "command_line, strftime('%Y-%m-%dT%H:%M:%SZ', started_ns / 1000000000, "
  "'unixepoch') AS started, strftime('%Y-%m-%dT%H:%M:%SZ', ended_ns / "
  "1000000000, 'unixepoch') AS ended, CASE WHEN status = 'running' AND NOT "
  "tl_pid_alive(host, pid) THEN 'process ' || pid || ' is gone (killed or "
  "crashed); nothing of its item was kept' ELSE message END AS message"
  RUNS_FROM " ORDER BY run_id";
static const char runs_sql_json[] =
  "SELECT run_id, " RUNS_STATUS " AS status, label, pid, host, "
  "command_line, started_ns, ended_ns, CASE WHEN status = 'running' AND NOT "
  "tl_pid_alive(host, pid) THEN 'process ' || pid || ' is gone (killed or "
  "crashed); nothing of its item was kept' ELSE message END AS message"
  RUNS_FROM " ORDER BY run_id";

static tl_rc
runs_not_complete(tl_case *c, FILE *o, int json)
{
  sqlite3_stmt *s;
  int n = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT count(*)" RUNS_FROM, -1, &s, NULL)
     != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  if(sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  if(json) {
    fputs(",\"runs_not_complete\":", o);
    return dump(c, o, 1, runs_sql_json, 0, "");
  }
  fprintf(o, "runs that did not complete: %d\n", n);
  return dump(c, o, 0, runs_sql, 0, "  ");
}

static tl_rc
info_file(tl_case *c, FILE *o, int json)
{
  sqlite3_stmt *s;
  char lo[48], hi[48];
  tl_rc rc = TL_OK;
  int first = 1;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if((rc = Tl_observe_compute(c)))
    return rc;
  /* a PostgreSQL case: the counts of artifact events on the server */
  if(c->pg && (rc = Tl_pgread_observe(c)))
    return rc;
  if((rc = range(c, 0, lo, hi, sizeof(lo))))
    return rc;
  if(json)
    fprintf(o, "{\"case\":");
  else
    fprintf(o, "case: %s\n", c->path);
  if(json) {
    json_str(o, c->path);
    fprintf(o, ",\"schema_version\":%d,\"first_event\":", TL_SCHEMA_VERSION);
    json_str(o, lo[0] == '-' ? NULL : lo);
    fputs(",\"last_event\":", o);
    json_str(o, hi[0] == '-' ? NULL : hi);
    fputs(",\"evidence\":[", o);
  }
  else
    fprintf(o, "schema version: %d\ntime range: %s .. %s\n\n",
            TL_SCHEMA_VERSION, lo, hi);

  if(sqlite3_prepare_v2(c->db, EVIDENCE_SQL, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  while(sqlite3_step(s) == SQLITE_ROW && !rc) {
    int64_t ev = sqlite3_column_int64(s, 17);
    int i, n = sqlite3_column_count(s) - 1;
    if((rc = range(c, ev, lo, hi, sizeof(lo))))
      break;
    if(json) {
      fputs(first ? "{" : ",{", o);
      for(i = 0; i < n; i++) {
        json_str(o, sqlite3_column_name(s, i));
        fputc(':', o);
        if(sqlite3_column_type(s, i) == SQLITE_INTEGER)
          fprintf(o, "%lld", (long long)sqlite3_column_int64(s, i));
        else
          json_str(o, col_text(s, i));
        fputc(',', o);
      }
      fputs("\"first_event\":", o);
      json_str(o, lo[0] == '-' ? NULL : lo);
      fputs(",\"last_event\":", o);
      json_str(o, hi[0] == '-' ? NULL : hi);
      for(i = 0; !rc && i < N_SECTIONS; i++) {
        fprintf(o, ",\"%s\":", sections[i].key);
        rc = dump(c, o, 1, sections[i].sql_json ? sections[i].sql_json :
                  sections[i].sql, ev, "");
      }
      fputc('}', o);
    }
    else {
      fprintf(o, "evidence %s", col_text(s, 0));
      if(col_text(s, 1))
        fprintf(o, "  [division: %s]", col_text(s, 1));
      fprintf(o, "\n  container: %s, %lld bytes, %lld-byte sectors\n",
              col_text(s, 2), (long long)sqlite3_column_int64(s, 3),
              (long long)sqlite3_column_int64(s, 4));
      fprintf(o, "  md5: %s\n  sha256: %s\n",
              col_text(s, 5) ? col_text(s, 5) : "(not computed)",
              col_text(s, 7) ? col_text(s, 7) : "(not computed)");
      if(col_text(s, 8))
        fprintf(o, "  stored md5: %s\n", col_text(s, 8));
      if(col_text(s, 9))
        fprintf(o, "  stored sha1: %s\n", col_text(s, 9));
      fprintf(o, "  verification: %s\n", col_text(s, 10));
      fprintf(o, "  objects: %lld  events: %lld  corrupt records skipped: "
              "%lld  warnings: %lld\n  time range: %s .. %s\n",
              (long long)sqlite3_column_int64(s, 12),
              (long long)sqlite3_column_int64(s, 13),
              (long long)sqlite3_column_int64(s, 14),
              (long long)sqlite3_column_int64(s, 16), lo, hi);
      for(i = 0; !rc && i < N_SECTIONS; i++) {
        if(sections[i].only_if_rows && !has_rows(c, sections[i].sql, ev))
          continue;
        fprintf(o, "  %s:\n", sections[i].title);
        rc = dump(c, o, 0, sections[i].sql, ev, "    ");
      }
      fputc('\n', o);
    }
    first = 0;
  }
  sqlite3_finalize(s);
  if(json)
    fputc(']', o);
  if(!rc)
    rc = runs_not_complete(c, o, json);
  if(json)
    fputs("}\n", o);
  return rc;
}

/* The public entry: the text goes to the caller's sink through a stdio
** stream (Tl_sink_fopen, glibc fopencookie). */
tl_rc
tl_case_info(tl_case *c, const struct tl_sink *out, int json)
{
  FILE *f;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if(!Tl_sink_ok(out))
    return Tl_set_error(c, TL_USAGE, "info: no output sink");
  if(!(f = Tl_sink_fopen(out)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  rc = info_file(c, f, json);
  if((fclose(f) || rc == TL_IO) && (rc == TL_OK || rc == TL_IO))
    rc = Tl_set_error(c, TL_IO, "info: the output refused a write");
  return rc;
}
