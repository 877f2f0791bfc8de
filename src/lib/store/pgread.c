/*
** A tl_case handle on a PostgreSQL case, for the readers (issue 13;
** store/pgread_int.h, docs/POSTGRESQL.md "What runs where").
**
** The handle keeps one connection in one REPEATABLE READ READ ONLY
** transaction: every read of the handle sees one snapshot, as a SQLite
** read transaction does. The small tables (a row per evidence item, file
** system, run, warning, artifact file, fact, target, map line) are loaded
** once into c->db, an in-memory SQLite database with the case schema, so
** the code that formats them is the SQLite case's, byte for byte; nothing
** is written to a file. The tables that grow with the files and events
** are never loaded whole: their readers query the server.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store/pg_int.h"
#include "store/pgread_int.h"
#include "store/store_int.h"

#ifndef HAVE_LIBPQ

tl_rc
Tl_pgread_open(tl_case *c, const char *uri, unsigned flags)
{
  char red[700];
  (void)flags;
  Tl_pg_redact(uri, red, sizeof(red));
  return Tl_set_error(c, TL_UNSUPPORTED, "%s: a PostgreSQL case, and this "
                      "touchline was built without PostgreSQL support "
                      "(libpq)", red);
}

void
Tl_pgread_close(tl_case *c)
{
  (void)c;
}

tl_rc
Tl_pgread_range(tl_case *c, int64_t ev, int64_t *lo, int64_t *hi,
                int *have)
{
  (void)ev;
  *lo = *hi = 0;
  *have = 0;
  return Tl_set_error(c, TL_UNSUPPORTED, "no PostgreSQL support");
}

tl_rc
Tl_pgread_observe(tl_case *c)
{
  return Tl_set_error(c, TL_UNSUPPORTED, "no PostgreSQL support");
}

tl_rc
Tl_pgread_load_analysis(tl_case *c, int64_t from, int64_t to)
{
  (void)from;
  (void)to;
  return Tl_set_error(c, TL_UNSUPPORTED, "no PostgreSQL support");
}

#else

/* The tables loaded into c->db: those whose rows do not grow with the
** files of an image (target_match: with the register's matches). */
static const char *const small_tables[] = {
  "case_meta", "run", "evidence", "evidence_file", "evidence_meta",
  "volume", "filesystem", "warning", "target", "target_match",
  "division_map", "plugin", "artifact_file", "evidence_fact",
  "cloud_sitemap",
};

tl_rc
Tl_pgread_open(tl_case *c, const char *uri, unsigned flags)
{
  char err[1400], red[700];
  size_t i;
  tl_rc rc;
  Tl_pg_redact(uri, red, sizeof(red));
  free(c->path);
  if(!(c->path = strdup(red)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  if(!(flags & TL_OPEN_READONLY))
    return Tl_set_error(c, TL_UNSUPPORTED, "%s: a PostgreSQL case is "
                        "opened read-only here (evidence goes in through "
                        "the work queue or case copy: docs/POSTGRESQL.md)",
                        red);
  if((rc = Tl_pg_connect(uri, &c->pg, err, sizeof(err))))
    return Tl_set_error(c, rc, "%s", err);
  if((rc = Tl_pg_command(c->pg, red, "BEGIN ISOLATION LEVEL REPEATABLE READ"
                         " READ ONLY; SET LOCAL standard_conforming_strings"
                         " = on", err, sizeof(err))) ||
     (rc = Tl_pg_case_check(c->pg, red, err, sizeof(err))))
    return Tl_set_error(c, rc, "%s", err);
  /* the in-memory database: the schema of this version, no file */
  if(sqlite3_open_v2(":memory:", &c->db, SQLITE_OPEN_READWRITE |
                     SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    return Tl_set_error(c, TL_NOMEM, "%s: out of memory", red);
  Tl_case_sql_functions(c->db);
  if((rc = Tl_exec(c, "PRAGMA temp_store = MEMORY")))
    return rc;
  c->readonly = 0;
  c->creating = 1;
  rc = Tl_store_init(c);
  c->creating = 0;
  c->readonly = 1;
  if(rc || (rc = Tl_exec(c, "BEGIN")))
    return rc;
  for(i = 0; i < sizeof(small_tables) / sizeof(small_tables[0]); i++) {
    char del[80];
    uint64_t n;
    snprintf(del, sizeof(del), "DELETE FROM \"%s\"", small_tables[i]);
    if((rc = Tl_exec(c, del)))
      return rc;
    if((rc = Tl_pg_pull(c->pg, red, c->db, small_tables[i], NULL, &n, err,
                        sizeof(err))))
      return Tl_set_error(c, rc, "%s", err);
  }
  return Tl_exec(c, "COMMIT");
}

void
Tl_pgread_close(tl_case *c)
{
  if(c->pg) {
    Tl_pg_finish(c->pg);
    c->pg = NULL;
  }
}

tl_rc
Tl_pgread_scan(tl_case *c, const char *select, const char *types,
               Tl_pg_row_fn fn, void *ctx)
{
  char err[1400];
  tl_rc rc = Tl_pg_scan(c->pg, c->path, select, types, fn, ctx, err,
                        sizeof(err));
  if(rc && rc != TL_STOP)
    return Tl_set_error(c, rc, "%s", err);
  return rc;
}

struct ints {
  int64_t v[4];
  int null[4];
  int rows;
};

static int64_t
fld_int(const Tl_pgfld *f)
{
  return f->null ? 0 : strtoll(f->p, NULL, 10);
}

static int
on_ints(void *ctx, const Tl_pgfld *f, int n)
{
  struct ints *r = ctx;
  int j;
  for(j = 0; j < n && j < 4; j++) {
    r->v[j] = fld_int(&f[j]);
    r->null[j] = f[j].null;
  }
  r->rows++;
  return 1;
}

tl_rc
Tl_pgread_int(tl_case *c, const char *select, int64_t *v)
{
  struct ints r;
  tl_rc rc;
  memset(&r, 0, sizeof(r));
  rc = Tl_pgread_scan(c, select, "i", on_ints, &r);
  *v = r.v[0];
  return rc == TL_STOP ? TL_OK : rc;
}

tl_rc
Tl_pgread_range(tl_case *c, int64_t ev, int64_t *lo, int64_t *hi,
                int *have)
{
  char sql[200];
  struct ints r;
  tl_rc rc;
  memset(&r, 0, sizeof(r));
  snprintf(sql, sizeof(sql), "SELECT min(t_ns), max(t_ns) FROM event "
           "WHERE t_ns > 0%s", ev ? " AND evidence_id = " : "");
  if(ev)
    snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "%lld",
             (long long)ev);
  rc = Tl_pgread_scan(c, sql, "ii", on_ints, &r);
  *lo = r.v[0];
  *hi = r.v[1];
  *have = r.rows && !r.null[0];
  return rc == TL_STOP ? TL_OK : rc;
}

struct obs {
  tl_case *c;
  sqlite3_stmt *up;
  int bad;
};

static int
on_usn(void *ctx, const Tl_pgfld *f, int n)
{
  struct obs *o = ctx;
  (void)n;
  sqlite3_bind_int64(o->up, 1, fld_int(&f[1]));
  sqlite3_bind_int64(o->up, 2, fld_int(&f[2]));
  sqlite3_bind_int64(o->up, 3, fld_int(&f[0]));
  if(sqlite3_step(o->up) != SQLITE_DONE)
    o->bad = 1;
  sqlite3_reset(o->up);
  return o->bad;
}

tl_rc
Tl_pgread_observe(tl_case *c)
{
  struct obs o;
  tl_rc rc;
  memset(&o, 0, sizeof(o));
  o.c = c;
  /* observe.c's usn_oldest_ns and usn_records, per item */
  if(sqlite3_prepare_v2(c->db, "UPDATE x_observe SET usn_oldest_ns = ?1, "
                        "usn_records = ?2 WHERE evidence_id = ?3", -1,
                        &o.up, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "observability");
  rc = Tl_pgread_scan(c, "SELECT evidence_id, min(t_ns), count(*) FROM "
                      "artifact_event WHERE parser = 'usnjrnl' GROUP BY "
                      "evidence_id", "iii", on_usn, &o);
  if(o.bad)
    rc = Tl_set_sqlite_error(c, "observability");
  sqlite3_finalize(o.up);
  return rc;
}


/* ---- exposure and anomalies: what they read, selected on the server ---- */

/* The objects the analyses can read (analysis/exposure.c, coverage.c,
** anomalies.c, cloud.c), as a PostgreSQL set of object_id, for a window
** [%1$lld, %2$lld): a superset is harmless (each analysis applies its own
** conditions again), a missing row would change a report. Names compare
** with lower() on the server, which folds at least what SQLite's NOCASE
** folds (ASCII). */
static const char analysis_set[] =
  /* the register's matches (x_occ) */
  "SELECT object_id FROM target_match "
  /* objects that artifact events name, and the artifacts themselves
  ** (find_artifact_occ, collect_artifacts, cloud.c) */
  "UNION SELECT object_id FROM artifact_event WHERE object_id IS NOT NULL "
  "UNION SELECT artifact_object_id FROM artifact_event WHERE "
  "artifact_object_id IS NOT NULL "
  /* copies by name (find_copies: name COLLATE NOCASE) */
  "UNION SELECT y.object_id FROM object y WHERE lower(y.name) IN (SELECT "
  "lower(o.name) FROM object o JOIN target_match m ON m.object_id = "
  "o.object_id) "
  /* copies by content: the hashes of the matches and of the register */
  "UNION SELECT yh.object_id FROM object_hash yh WHERE yh.sha256 IN "
  "(SELECT oh.sha256 FROM object_hash oh JOIN target_match m ON "
  "m.object_id = oh.object_id UNION SELECT sha256 FROM target) OR yh.md5 "
  "IN (SELECT md5 FROM target) OR yh.sha1 IN (SELECT sha1 FROM target) "
  /* the folders of the matches and of the artifacts' objects
  ** (find_deletions) */
  "UNION SELECT p.object_id FROM object o JOIN object p ON p.fs_id = "
  "o.fs_id AND p.inode = o.parent_inode WHERE o.object_id IN (SELECT "
  "object_id FROM target_match UNION SELECT object_id FROM artifact_event "
  "WHERE object_id IS NOT NULL) "
  /* coverage: files and folders named as a register row's file or one of
  ** its folders; files of a hash-only row's size */
  "UNION SELECT o.object_id FROM object o WHERE lower(o.name) IN (SELECT "
  "lower(t.name) FROM target t UNION SELECT lower(x) FROM target t, "
  "regexp_split_to_table(coalesce(t.pattern, '') || '/' || coalesce(t.path,"
  " ''), '[/\\\\]') x) "
  "UNION SELECT o.object_id FROM object o WHERE o.size IN (SELECT size FROM "
  "target WHERE size IS NOT NULL) "
  /* every file with a time in the window (Tl_file_anomalies, coverage),
  ** and the NTFS metadata files that date a file system */
  "UNION SELECT object_id FROM event WHERE t_ns >= %lld AND t_ns < %lld "
  "UNION SELECT object_id FROM object WHERE path IN ('/$MFT', '/$Volume')";

tl_rc
Tl_pgread_load_analysis(tl_case *c, int64_t from, int64_t to)
{
  /* whole tables: the register's matches, the artifact events and their
  ** attributes (path matching and cloud links read all of them); the
  ** rest: the rows of the object set */
  static const struct {
    const char *table, *where;
  } parts[] = {
    {"target_match", NULL},
    {"artifact_event", NULL},
    {"artifact_attr", NULL},
    {"object", "object_id IN (SELECT object_id FROM x_set)"},
    {"event", "object_id IN (SELECT object_id FROM x_set)"},
    {"object_hash", "object_id IN (SELECT object_id FROM x_set)"},
    {"ntfs_filename", "object_id IN (SELECT object_id FROM x_set)"},
  };
  char set[4096], err[1400], *where = NULL;
  size_t i;
  tl_rc rc;
  snprintf(set, sizeof(set), analysis_set, (long long)from, (long long)to);
  if((rc = Tl_exec(c, "BEGIN")))
    return rc;
  for(i = 0; !rc && i < sizeof(parts) / sizeof(parts[0]); i++) {
    char del[80];
    uint64_t n;
    size_t need;
    snprintf(del, sizeof(del), "DELETE FROM \"%s\"", parts[i].table);
    if((rc = Tl_exec(c, del)))
      break;
    free(where);
    where = NULL;
    if(parts[i].where) {
      /* the set as a CTE of the statement: a read-only transaction
      ** creates no table */
      need = strlen(set) + strlen(parts[i].where) + 64;
      if(!(where = malloc(need))) {
        rc = Tl_set_error(c, TL_NOMEM, "out of memory");
        break;
      }
      snprintf(where, need, "object_id IN (WITH x_set(object_id) AS (%s) "
               "SELECT object_id FROM x_set)", set);
    }
    if((rc = Tl_pg_pull(c->pg, c->path, c->db, parts[i].table, where, &n,
                        err, sizeof(err))))
      rc = Tl_set_error(c, rc, "%s", err);
  }
  free(where);
  if(rc) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return Tl_exec(c, "COMMIT");
}

#endif /* HAVE_LIBPQ */
