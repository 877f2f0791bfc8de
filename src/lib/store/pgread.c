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

tl_rc
Tl_pgread_file_times(tl_case *c, int64_t from, int64_t to,
                     const char *times, const char *any_rule)
{
  (void)from;
  (void)to;
  (void)times;
  (void)any_rule;
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
  /* jit off: the readers' statements are short, and a plan with a high
  ** cost estimate (a join on a set function's guessed 1,000 rows) spent
  ** seconds compiling on a busy machine */
  if((rc = Tl_pg_command(c->pg, red, "BEGIN ISOLATION LEVEL REPEATABLE READ"
                         " READ ONLY; SET LOCAL standard_conforming_strings"
                         " = on; SET LOCAL jit = off", err, sizeof(err))) ||
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

/* ---- file anomalies: each file's times, reduced on the server ---- */

/* A row of the server into one statement: column j bound by its type
** letter (i integer, t text), NULL kept. */
struct ins {
  sqlite3_stmt *s[2];
  const char *types;
  int split;                /* columns [0, split) to s[0], the rest to s[1]
                            ** (with column 0, the object id, first) */
  int bad;
};

static void
bind_fld(sqlite3_stmt *s, int k, const Tl_pgfld *f, char type)
{
  if(f->null)
    sqlite3_bind_null(s, k);
  else if(type == 'i')
    sqlite3_bind_int64(s, k, fld_int(f));
  else
    sqlite3_bind_text64(s, k, f->p, f->len, SQLITE_STATIC, SQLITE_UTF8);
}

static int
on_ins(void *ctx, const Tl_pgfld *f, int n)
{
  struct ins *p = ctx;
  int j, k;
  for(j = 0; j < n && j < p->split; j++)
    bind_fld(p->s[0], j + 1, &f[j], p->types[j]);
  if(p->s[1]) {
    bind_fld(p->s[1], 1, &f[0], 'i');
    for(j = p->split, k = 2; j < n; j++, k++)
      bind_fld(p->s[1], k, &f[j], p->types[j]);
  }
  for(j = 0; j < 2 && p->s[j]; j++) {
    if(sqlite3_step(p->s[j]) != SQLITE_DONE)
      p->bad = 1;
    sqlite3_reset(p->s[j]);
  }
  return p->bad;
}

tl_rc
Tl_pgread_file_times(tl_case *c, int64_t from, int64_t to,
                     const char *times, const char *any_rule)
{
  sqlite3_str *b;
  sqlite3_stmt *acq = NULL;
  struct ins p;
  char *sql;
  int n = 0, st;
  tl_rc rc;
  memset(&p, 0, sizeof(p));
  if((rc = Tl_exec(c, "DROP TABLE IF EXISTS temp.x_fa_t;"
                   "DROP TABLE IF EXISTS temp.x_fa_fs;"
                   "DROP TABLE IF EXISTS temp.x_fa_obj;"
                   "CREATE TEMP TABLE x_fa_t(object_id, si_b, si_m, si_c, "
                   "si_a, fn_b, fn_m, fn_c, fn_a, n_si, si_frac, fn_frac, "
                   "t_max);"
                   "CREATE TEMP TABLE x_fa_fs(fs_id, created_ns);"
                   "CREATE TEMP TABLE x_fa_obj(object_id INTEGER PRIMARY "
                   "KEY, evidence_id INTEGER, fs_id INTEGER, path TEXT, "
                   "name TEXT, deleted INTEGER, stream TEXT, meta_type "
                   "TEXT, name_type TEXT);")))
    return rc;
  /* when each NTFS file system was created (every file system: a few
  ** rows) */
  if(sqlite3_prepare_v2(c->db, "INSERT INTO x_fa_fs VALUES(?,?)", -1,
                        &p.s[0], NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "anomalies");
  p.types = "ii";
  p.split = 2;
  rc = Tl_pgread_scan(c, "SELECT o.fs_id, min(ev.t_ns) FROM object o JOIN "
                      "event ev ON ev.object_id = o.object_id WHERE "
                      "lower(o.name) IN ('$mft', '$volume') AND o.path IN "
                      "('/$MFT', '/$Volume') AND o.inode IN (0, 3) AND "
                      "ev.source = '$SI' AND substr(ev.macb, 4, 1) = 'b' "
                      "GROUP BY o.fs_id", "ii", on_ins, &p);
  sqlite3_finalize(p.s[0]);
  p.s[0] = NULL;
  if(p.bad)
    return Tl_set_sqlite_error(c, "anomalies");
  if(rc)
    return rc;
  /* the acquisition of each item (x_fa_acq, computed from the small
  ** tables by anomalies.c) as a VALUES list */
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "WITH acq(evidence_id, acquired_ns, "
                        "acquired_from) AS (VALUES ");
  if(sqlite3_prepare_v2(c->db, "SELECT evidence_id, acquired_ns, "
                        "acquired_from FROM x_fa_acq ORDER BY evidence_id",
                        -1, &acq, NULL) != SQLITE_OK) {
    sqlite3_free(sqlite3_str_finish(b));
    return Tl_set_sqlite_error(c, "anomalies");
  }
  while((st = sqlite3_step(acq)) == SQLITE_ROW) {
    char v[32] = "NULL";
    if(sqlite3_column_type(acq, 1) != SQLITE_NULL)
      snprintf(v, sizeof(v), "%lld", (long long)sqlite3_column_int64(acq,
                                                                    1));
    sqlite3_str_appendf(b, "%s(%lld::bigint, %s::bigint, %Q::text)",
                        n++ ? ", " : "",
                        (long long)sqlite3_column_int64(acq, 0), v,
                        (const char *)sqlite3_column_text(acq, 2));
  }
  sqlite3_finalize(acq);
  if(st != SQLITE_DONE) {
    sqlite3_free(sqlite3_str_finish(b));
    return Tl_set_sqlite_error(c, "anomalies");
  }
  if(!n)
    sqlite3_str_appendall(b, "(NULL::bigint, NULL::bigint, NULL::text)");
  /* the files with a $SI or $FN time in the window and their times (every
  ** event of theirs: anomalies.c's x_fa_t), kept when a rule can hold
  ** (anomalies.c's times and rules, passed in), each with the
  ** columns of its object the rules and the report read */
  sqlite3_str_appendf(b, "), k AS (SELECT DISTINCT object_id FROM event "
    "WHERE t_ns >= %lld AND t_ns < %lld AND source IN ('$SI', '$FN')), "
    "t AS (SELECT ev.object_id AS object_id, %s FROM k JOIN "
    "event ev ON ev.object_id = k.object_id GROUP BY ev.object_id), "
    "fs(fs_id, created_ns) AS (SELECT o.fs_id, min(ev.t_ns) FROM object o "
    "JOIN event ev ON ev.object_id = o.object_id WHERE lower(o.name) IN "
    "('$mft', '$volume') AND o.path IN ('/$MFT', '/$Volume') AND o.inode "
    "IN (0, 3) AND ev.source = '$SI' AND substr(ev.macb, 4, 1) = 'b' GROUP "
    "BY o.fs_id) SELECT t.object_id, t.si_b, t.si_m, t.si_c, t.si_a, "
    "t.fn_b, t.fn_m, t.fn_c, t.fn_a, t.n_si, t.si_frac, t.fn_frac, "
    "t.t_max, o.evidence_id, o.fs_id, o.path, o.name, o.deleted, o.stream,"
    " o.meta_type, o.name_type FROM t JOIN object o ON o.object_id = "
    "t.object_id LEFT JOIN fs f ON f.fs_id = o.fs_id LEFT JOIN acq a ON "
    "a.evidence_id = o.evidence_id WHERE o.stream IS NULL AND "
    "coalesce(o.meta_type, o.name_type) <> 'd' AND (%s)", (long long)from,
    (long long)to, times, any_rule);
  {
    int err = sqlite3_str_errcode(b);
    sql = sqlite3_str_finish(b);
    if(err || !sql) {
      sqlite3_free(sql);
      return Tl_set_error(c, TL_NOMEM, "out of memory");
    }
  }
  if(sqlite3_prepare_v2(c->db, "INSERT INTO x_fa_t VALUES(?,?,?,?,?,?,?,?,"
                        "?,?,?,?,?)", -1, &p.s[0], NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "INSERT INTO x_fa_obj VALUES(?,?,?,?,?,?,?,"
                        "?,?)", -1, &p.s[1], NULL) != SQLITE_OK) {
    sqlite3_free(sql);
    sqlite3_finalize(p.s[0]);
    return Tl_set_sqlite_error(c, "anomalies");
  }
  p.types = "iiiiiiiiiiiii" "iittittt";
  p.split = 13;
  p.bad = 0;
  rc = Tl_pgread_scan(c, sql, p.types, on_ins, &p);
  sqlite3_free(sql);
  sqlite3_finalize(p.s[0]);
  sqlite3_finalize(p.s[1]);
  if(p.bad)
    return Tl_set_sqlite_error(c, "anomalies");
  return rc;
}

/* ---- exposure and anomalies: what they read, selected on the server ---- */

/* The objects the exposure analysis can read (analysis/exposure.c,
** coverage.c, cloud.c), as a PostgreSQL set of object_id, whatever the
** window: a superset is harmless (each analysis applies its own
** conditions again), a missing row would change a report. Names compare
** with lower() on the server, which folds at least what SQLite's NOCASE
** folds (ASCII). The files with a time in the window, which anomalies.c
** reads, are not in it: their times come aggregated
** (Tl_pgread_file_times). */
static const char analysis_set[] =
  /* the target paths that artifact events can give a file
  ** (find_artifact_occ: exact patterns) */
  "WITH tp(lp) AS (SELECT lower(pattern) FROM target WHERE pattern IS NOT "
  "NULL AND is_glob = 0), "
  /* the occurrences' objects: the register's matches (x_occ) and the
  ** objects of artifact events at a target path */
  "ao(object_id) AS (SELECT object_id FROM target_match UNION SELECT "
  "object_id FROM artifact_event WHERE object_id IS NOT NULL AND "
  "lower(path) IN (SELECT lp FROM tp)) "
  "SELECT object_id FROM ao "
  /* the artifacts of those events (their file system's type) */
  "UNION SELECT artifact_object_id FROM artifact_event WHERE "
  "artifact_object_id IS NOT NULL AND lower(path) IN (SELECT lp FROM tp) "
  /* copies by name (find_copies: name COLLATE NOCASE); a look-up per
  ** name in the index on lower(name) (LATERAL: a hash join would fold
  ** every name of the case) */
  "UNION SELECT y.object_id FROM (SELECT DISTINCT lower(o.name) AS n FROM "
  "object o WHERE o.object_id IN (SELECT object_id FROM ao)) k CROSS JOIN "
  "LATERAL (SELECT object_id FROM object y WHERE lower(y.name) = k.n "
  "OFFSET 0) y "
  /* copies by content: the hashes of the occurrences and of the
  ** register */
  "UNION SELECT yh.object_id FROM object_hash yh WHERE yh.sha256 IN "
  "(SELECT oh.sha256 FROM object_hash oh WHERE oh.object_id IN (SELECT "
  "object_id FROM ao) UNION SELECT sha256 FROM target) OR yh.md5 IN "
  "(SELECT md5 FROM target) OR yh.sha1 IN (SELECT sha1 FROM target) "
  /* the occurrences' folders (find_deletions) */
  "UNION SELECT p.object_id FROM object o JOIN object p ON p.fs_id = "
  "o.fs_id AND p.inode = o.parent_inode WHERE o.object_id IN (SELECT "
  "object_id FROM ao) "
  /* coverage: files and folders named as a register row's file or one of
  ** its folders; files of a hash-only row's size */
  "UNION SELECT o.object_id FROM (SELECT lower(t.name) AS n FROM target t "
  "WHERE t.name IS NOT NULL UNION SELECT lower(x) FROM target t, "
  "regexp_split_to_table(coalesce(t.pattern, '') || '/' || coalesce(t.path,"
  " ''), '[/\\\\]') x) k CROSS JOIN LATERAL (SELECT object_id FROM "
  "object o WHERE lower(o.name) = k.n OFFSET 0) o "
  "UNION SELECT o.object_id FROM object o WHERE o.size IN (SELECT size FROM "
  "target WHERE path IS NULL AND name IS NULL AND size IS NOT NULL)";

/* The artifact events the exposure analysis can read, of the object set
** x_set above (a CTE of the same statement): those at a target path
** (find_artifact_occ), those of the set's objects (collect_artifacts,
** judge, find_copies' creations), those without an object at the path of
** one of the set's objects (a deleted occurrence's, collect_artifacts),
** and those naming a file by URL or an M365 name alone (cloud.c; ILIKE:
** SQLite's LIKE ignores ASCII case). */
static const char analysis_artifacts[] =
  "SELECT event_id FROM artifact_event WHERE lower(path) IN (SELECT "
  "lower(pattern) FROM target WHERE pattern IS NOT NULL AND is_glob = 0) "
  "OR object_id IN (SELECT object_id FROM x_set) OR (object_id IS NULL AND "
  "lower(path) IN (SELECT lower(o.path) FROM object o WHERE o.object_id IN "
  "(SELECT object_id FROM x_set))) OR (object_id IS NULL AND ((ref_kind = "
  "'path' AND (path ILIKE 'https://%' OR path ILIKE 'http://%')) OR "
  "(parser = 'm365' AND path IS NULL AND name IS NOT NULL AND name <> "
  "'')))";

static int
on_id(void *ctx, const Tl_pgfld *f, int n)
{
  sqlite3_str *b = ctx;
  (void)n;
  if(!f[0].null)
    sqlite3_str_appendf(b, "%s%lld", sqlite3_str_length(b) > 1 ? "," : "",
                        (long long)fld_int(&f[0]));
  return 0;
}

/* The ids select gives, as an array literal "{1,2,...}" (sqlite3_free
** it). */
static tl_rc
set_ids(tl_case *c, const char *select, char **ids)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  tl_rc rc;
  int err;
  sqlite3_str_appendall(b, "{");
  rc = Tl_pgread_scan(c, select, "i", on_id, b);
  sqlite3_str_appendall(b, "}");
  err = sqlite3_str_errcode(b);
  *ids = sqlite3_str_finish(b);
  if(!rc && (err || !*ids))
    rc = Tl_set_error(c, TL_NOMEM, "out of memory");
  if(rc) {
    sqlite3_free(*ids);
    *ids = NULL;
  }
  return rc;
}

tl_rc
Tl_pgread_load_analysis(tl_case *c, int64_t from, int64_t to)
{
  /* whole tables: the register's matches, the artifact events and their
  ** attributes (path matching and cloud links read all of them); the
  ** rest: the rows of the object set */
  static const struct {
    const char *table;
    int where;              /* 0 all, 1 the object set, 2 its artifact
                            ** events, 3 their attributes */
  } parts[] = {
    {"target_match", 0},
    {"artifact_event", 2},
    {"artifact_attr", 3},
    {"object", 1},
    {"event", 1},
    {"object_hash", 1},
    {"ntfs_filename", 1},
  };
  char err[1400], *where = NULL, *ids, *sql;
  size_t i;
  tl_rc rc;
  (void)from;
  (void)to;
  /* the object set, computed once: its ids go into the statements below
  ** as an array (a read-only transaction creates no table) */
  if(!(sql = sqlite3_mprintf("WITH x_set(object_id) AS (%s) SELECT "
                             "object_id FROM x_set ORDER BY object_id",
                             analysis_set)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  rc = set_ids(c, sql, &ids);
  sqlite3_free(sql);
  if(rc)
    return rc;
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
      /* the sets as CTEs of the statement: a read-only transaction
      ** creates no table */
      need = strlen(ids) + strlen(analysis_artifacts) + 200;
      if(!(where = malloc(need))) {
        rc = Tl_set_error(c, TL_NOMEM, "out of memory");
        break;
      }
      if(parts[i].where == 1)
        snprintf(where, need, "object_id = ANY('%s'::bigint[])", ids);
      else if(parts[i].where == 2)
        snprintf(where, need, "event_id IN (WITH x_set(object_id) AS "
                 "(SELECT unnest('%s'::bigint[])) %s)", ids,
                 analysis_artifacts);
      else
        snprintf(where, need, "event_id IN (WITH x_set(object_id) AS "
                 "(SELECT unnest('%s'::bigint[])), x_aev(event_id) AS (%s) "
                 "SELECT event_id FROM x_aev)", ids, analysis_artifacts);
    }
    if((rc = Tl_pg_pull(c->pg, c->path, c->db, parts[i].table, where, &n,
                        err, sizeof(err))))
      rc = Tl_set_error(c, rc, "%s", err);
  }
  free(where);
  sqlite3_free(ids);
  if(rc) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return Tl_exec(c, "COMMIT");
}

#endif /* HAVE_LIBPQ */
