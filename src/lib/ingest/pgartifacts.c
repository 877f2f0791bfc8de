/*
** `touchline artifacts URI add` and `touchline upgrade URI` on a
** PostgreSQL case (docs/POSTGRESQL.md, "Artifacts" and "Upgrade").
**
** artifacts: the SQLite command itself (plugin/artifacts.c) runs on a
** private staging SQLite case that holds what it reads of the case: the
** evidence items and their facts, the file systems, the objects of each
** item a reference is resolved against (pulled when first needed), and the
** artifact events with UNC paths that a new item or fact may resolve. The
** run row is the case's (its id given there, committed on its own, as on
** SQLite); the rest happens in one transaction of the case, under the lock
** item copies take, so that nothing is copied in meanwhile: the staging
** case is refreshed under it, the files are parsed, and the new rows (ids
** above the case's: the same ids a SQLite case would give) are copied with
** COPY; the rows the command changes in place on SQLite (the item's event
** and corrupt counts, UNC paths resolved again, the run's end) are changed
** in the case the same way. A failure keeps nothing but the run row,
** failed. Which columns are ids and what they name: itemcopy.c's table
** list (Tl_item_table, Tl_item_idcol).
**
** upgrade: PostgreSQL cases are made at the current schema version (4);
** no migration applies to them yet. `upgrade URI` checks the version and
** makes the case's artifact functions when they are absent.
*/
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "base/abi_int.h"
#include "ingest/ingest_int.h"
#include "plugin/artifacts_int.h"
#include "store/pg_int.h"
#include "store/store_int.h"

#ifndef HAVE_LIBPQ
tl_rc
tl_pg_artifacts_add(const char *uri, int n_files, const char *const *files,
                    const struct tl_artifacts_opts *opts,
                    struct tl_artifacts_result *res, const char **errmsg)
{
  (void)uri;
  (void)n_files;
  (void)files;
  (void)opts;
  (void)res;
  return Tl_pg_not_built(errmsg);
}

tl_rc
tl_pg_upgrade(const char *uri, int *from_version, const char **errmsg)
{
  (void)uri;
  if(from_version)
    *from_version = 0;
  return Tl_pg_not_built(errmsg);
}
#else

static _Thread_local char a_err[1600];

/* The steps of `artifacts add` that INSERT does not allow an examiner,
** each a function of the owner doing that one thing (docs/POSTGRESQL.md,
** "Roles"); callable by a role that may insert artifact events. The
** lock is the register's (pgqueue.c's tl_lock_register when the case has
** it: SHARE ROW EXCLUSIVE on case_meta, so no item copy is in flight and
** no id reservation (its UPDATE of case_meta) is made while it is held). */
static const char art_fns[] =
  "CREATE OR REPLACE FUNCTION tl_artifacts_may() RETURNS void LANGUAGE "
  "plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN IF "
  "NOT has_table_privilege(session_user, 'artifact_event', 'INSERT') THEN "
  "RAISE EXCEPTION 'permission denied for table artifact_event'; END IF; "
  "END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_artifacts_lock() RETURNS void LANGUAGE "
  "plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN "
  "PERFORM tl_artifacts_may(); IF to_regproc('tl_lock_register') IS NOT "
  "NULL THEN PERFORM tl_lock_register(); ELSE LOCK TABLE case_meta IN "
  "SHARE ROW EXCLUSIVE MODE; END IF; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_artifacts_run_lock() RETURNS void "
  "LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$ "
  "BEGIN PERFORM tl_artifacts_may(); IF to_regproc('tl_lock_run') IS NOT "
  "NULL THEN PERFORM tl_lock_run(); ELSE LOCK TABLE run IN SHARE ROW "
  "EXCLUSIVE MODE; END IF; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_artifacts_counts(p_ev bigint, p_events "
  "bigint, p_corrupt bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
  "SET search_path FROM CURRENT AS $f$ BEGIN PERFORM tl_artifacts_may(); "
  "UPDATE evidence SET n_events = n_events + p_events, n_corrupt = "
  "n_corrupt + p_corrupt WHERE evidence_id = p_ev; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_artifacts_resolve(p_event bigint, "
  "p_object bigint, p_how text) RETURNS void LANGUAGE plpgsql SECURITY "
  "DEFINER SET search_path FROM CURRENT AS $f$ BEGIN PERFORM "
  "tl_artifacts_may(); UPDATE artifact_event SET object_id = p_object, "
  "resolved_by = p_how WHERE event_id = p_event AND ref_kind = 'path' AND "
  "substr(path, 1, 2) IN ('\\\\', '//'); END $f$;\n";

/* The case's UNC-path artifact events that a new item or fact may resolve
** (what Tl_resolve_unc_pending reads). */
static const char unc_where[] =
  "(object_id IS NULL OR resolved_by = 'share') AND ref_kind = 'path' AND "
  "substr(path, 1, 2) IN ('\\\\', '//')";

#define N_T 32

typedef struct {
  PGconn *pg;
  char name[700];           /* the URI, redacted */
  tl_case *c;               /* the staging case */
  int wait_s;
  int64_t run_id;           /* the case's run row; 0: none yet */
  int in_tx;                /* the case's write transaction is open */
  int64_t base[N_T];        /* per item table: the largest key pulled */
  int64_t *items;           /* items whose objects are in the stage */
  int n_items, cap_items;
  char err[1400];
} pgart;

/* sql with up to 8 text parameters; the result, or NULL with x->err. */
static PGresult *
q(pgart *x, const char *sql, int np, const char *const *pv)
{
  return Tl_pg_run(x->pg, x->name, x->err, sizeof(x->err), sql, np, pv);
}

static int
q0(pgart *x, const char *sql, int np, const char *const *pv)
{
  return Tl_pg_run0(x->pg, x->name, x->err, sizeof(x->err), sql, np, pv);
}

/* One integer of the staging case (0 when NULL). */
static int
sq_int(sqlite3 *db, const char *sql, int64_t *v)
{
  sqlite3_stmt *s;
  int r;
  *v = 0;
  if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    return -1;
  r = sqlite3_step(s);
  if(r == SQLITE_ROW)
    *v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -1;
}

static tl_rc
stage_error(pgart *x, const char *what)
{
  snprintf(x->err, sizeof(x->err), "the staging case: %s: %s", what,
           sqlite3_errmsg(x->c->db));
  return Tl_set_error(x->c, TL_IO, "%s", x->err);
}

/* The case's own error as the staged command's. */
static tl_rc
case_error(pgart *x, tl_rc rc)
{
  return Tl_set_error(x->c, rc, "%s", x->err);
}

/* ---- the hooks of the staged run (Tl_art_stage) ---- */

static tl_rc
hk_run_id(void *ctx, const char *command_line, const char *host,
          int64_t started_ns, int64_t pid, const char *label, int64_t *id)
{
  pgart *x = ctx;
  char num[2][40];
  const char *pv[6];
  PGresult *r = NULL;
  snprintf(num[0], sizeof(num[0]), "%" PRId64, started_ns);
  snprintf(num[1], sizeof(num[1]), "%" PRId64, pid);
  pv[0] = "touchline " TL_VERSION;
  pv[1] = command_line;
  pv[2] = host;
  pv[3] = num[1];
  pv[4] = label;
  pv[5] = num[0];
  if(q0(x, "BEGIN", 0, NULL) ||
     q0(x, "SELECT tl_artifacts_run_lock()", 0, NULL) ||
     !(r = q(x, "INSERT INTO run(run_id, tool_version, command_line, host, "
             "pid, label, started_ns, status) SELECT coalesce(max(run_id), "
             "0) + 1, $1, $2, $3, $4::bigint, $5, $6::bigint, 'running' FROM "
             "run RETURNING run_id", 6, pv))) {
    PQclear(PQexec(x->pg, "ROLLBACK"));
    return case_error(x, TL_IO);
  }
  *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  if(q0(x, "COMMIT", 0, NULL))
    return case_error(x, TL_IO);
  x->run_id = *id;
  return TL_OK;
}

static tl_rc
pull(pgart *x, const char *table, const char *where)
{
  uint64_t rows;
  if(Tl_pg_pull((struct pg_conn *)x->pg, x->name, x->c->db, table, where,
                &rows, x->err, sizeof(x->err)))
    return case_error(x, TL_IO);
  return TL_OK;
}

/* What the resolution reads of the case, (again) in the staging case:
** the items, their facts, the file systems, and the UNC-path artifact
** events a new item or fact may resolve (their resolution remembered in
** tl_ae0, for push_unc); objects are pulled per item when first needed
** (hk_need_item). */
static tl_rc
pull_view(pgart *x)
{
  tl_rc rc;
  if(sqlite3_exec(x->c->db, "DELETE FROM evidence; DELETE FROM "
                  "evidence_fact; DELETE FROM filesystem; DELETE FROM "
                  "object; DELETE FROM artifact_event", NULL, NULL, NULL))
    return stage_error(x, "refresh");
  x->n_items = 0;
  if((rc = pull(x, "evidence", NULL)) ||
     (rc = pull(x, "evidence_fact", NULL)) ||
     (rc = pull(x, "filesystem", NULL)) ||
     (rc = pull(x, "artifact_event", unc_where)))
    return rc;
  if(sqlite3_exec(x->c->db, "CREATE TEMP TABLE tl_ae0 AS SELECT event_id, "
                  "object_id, resolved_by FROM artifact_event", NULL, NULL,
                  NULL))
    return stage_error(x, "remember the case's rows");
  return TL_OK;
}

/* Under the case's lock, in its write transaction: the staging case's
** view of the case made again (another process may have added items or
** facts since it was first pulled), and what it holds now remembered. */
static tl_rc
hk_begin(void *ctx)
{
  pgart *x = ctx;
  char sql[200];
  const char *t, *pk;
  int kind;
  size_t i;
  tl_rc rc;
  if(q0(x, "BEGIN", 0, NULL))
    return case_error(x, TL_IO);
  x->in_tx = 1;
  if(x->wait_s >= 0) {
    snprintf(sql, sizeof(sql), "SET LOCAL lock_timeout = '%dms'",
             x->wait_s > 0 ? x->wait_s * 1000 : 1);
    if(q0(x, sql, 0, NULL))
      return case_error(x, TL_IO);
  }
  if(q0(x, "SELECT tl_artifacts_lock()", 0, NULL)) {
    if(strstr(x->err, "lock timeout")) {
      char e[800];
      snprintf(e, sizeof(e), "%.700s", x->name);
      snprintf(x->err, sizeof(x->err), "%s: another process is copying "
               "into the case; waited %d s for it (--wait)", e, x->wait_s);
      return case_error(x, TL_FAILED);
    }
    return case_error(x, TL_IO);
  }
  if((rc = pull_view(x)))
    return rc;
  if(sqlite3_exec(x->c->db, "CREATE TEMP TABLE tl_ev0 AS SELECT "
                  "evidence_id, n_events, n_corrupt FROM evidence", NULL,
                  NULL, NULL))
    return stage_error(x, "remember the case's rows");
  for(i = 0; i < N_T && Tl_item_table(i, &t, &kind, &pk); i++) {
    x->base[i] = 0;
    if(kind != 2 || !pk)
      continue;
    snprintf(sql, sizeof(sql), "SELECT coalesce(max(\"%s\"), 0) FROM "
             "\"%s\"", pk, t);
    if(sq_int(x->c->db, sql, &x->base[i]))
      return stage_error(x, "read");
  }
  return TL_OK;
}

static tl_rc
hk_need_item(void *ctx, int64_t ev)
{
  pgart *x = ctx;
  char where[80];
  int i;
  tl_rc rc;
  for(i = 0; i < x->n_items; i++)
    if(x->items[i] == ev)
      return TL_OK;
  if(x->n_items == x->cap_items) {
    int nc = x->cap_items ? x->cap_items * 2 : 8;
    int64_t *n = realloc(x->items, sizeof(*n) * (size_t)nc);
    if(!n)
      return Tl_set_error(x->c, TL_NOMEM, "out of memory");
    x->items = n;
    x->cap_items = nc;
  }
  snprintf(where, sizeof(where), "evidence_id = %" PRId64, ev);
  if((rc = pull(x, "object", where)))
    return rc;
  x->items[x->n_items++] = ev;
  return TL_OK;
}

/* ---- the copy into the case ---- */

static int
table_index(const char *name)
{
  const char *t, *pk;
  int kind;
  size_t i;
  for(i = 0; i < N_T && Tl_item_table(i, &t, &kind, &pk); i++)
    if(!strcmp(t, name))
      return (int)i;
  return -1;
}

/* Tables the staging case holds rows of the case in (pulled): only its
** rows with keys above those are new. Objects, file systems and volumes
** are never made by `artifacts add`: columns naming them keep their
** values. */
static int
pulled_table(const char *t)
{
  return !strcmp(t, "evidence") || !strcmp(t, "evidence_fact") ||
         !strcmp(t, "artifact_event");
}

static int
existing_only(const char *t)
{
  return !strcmp(t, "object") || !strcmp(t, "filesystem") ||
         !strcmp(t, "volume");
}

/* The new rows of every item table, their ids moved above the case's. */
static int
copy_new_rows(pgart *x, int64_t *off)
{
  sqlite3 *db = x->c->db;
  const char *t, *pk;
  int kind;
  size_t i;
  char sql[400];
  /* how far the new rows' keys move: above the case's largest */
  for(i = 0; i < N_T && Tl_item_table(i, &t, &kind, &pk); i++) {
    PGresult *r;
    off[i] = 0;
    if(kind != 2 || !pk || existing_only(t))
      continue;
    /* above the case's largest key and below none of the ids reserved
    ** for item copies (case_meta 'next_<table>_id', pgqueue.c's
    ** tl_reserve_ids): a reserved range is not in the table until its
    ** copy commits, and no reservation is made while the lock is held */
    snprintf(sql, sizeof(sql), "SELECT greatest(coalesce(max(\"%s\"), 0), "
             "coalesce((SELECT value::bigint FROM case_meta WHERE key = "
             "'next_%s_id'), 1) - 1) FROM \"%s\"", pk, t, t);
    if(!(r = q(x, sql, 0, NULL)))
      return -1;
    off[i] = strtoll(PQgetvalue(r, 0, 0), NULL, 10) - x->base[i];
    PQclear(r);
    if(off[i] < 0) {
      snprintf(x->err, sizeof(x->err), "%s: table %s: the case's largest "
               "key is below the staging case's", x->name, t);
      return -1;
    }
  }
  for(i = 0; i < N_T && Tl_item_table(i, &t, &kind, &pk); i++) {
    char where[200] = "", *sel;
    size_t cap = 4096, len, k;
    sqlite3_stmt *s;
    int64_t want = 0;
    uint64_t rows = 0;
    int j = 0;
    if(kind != 2 || existing_only(t))
      continue;
    if(pulled_table(t) && pk)
      snprintf(where, sizeof(where), " WHERE \"%s\" > %" PRId64, pk,
               x->base[i]);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"%s", t, where);
    if(sq_int(db, sql, &want)) {
      stage_error(x, "count");
      return -1;
    }
    if(!want)
      continue;
    if(!strcmp(t, "event")) {
      /* artifacts add makes no file-system events (no partition) */
      snprintf(x->err, sizeof(x->err), "the staging case: file-system "
               "events made by `artifacts add`");
      return -1;
    }
    if(!(sel = malloc(cap))) {
      snprintf(x->err, sizeof(x->err), "out of memory");
      return -1;
    }
    len = (size_t)snprintf(sel, cap, "SELECT ");
    snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", t);
    if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
      free(sel);
      stage_error(x, "read the schema");
      return -1;
    }
    while(sqlite3_step(s) == SQLITE_ROW) {
      const char *col = (const char *)sqlite3_column_text(s, 1);
      const char *ref = NULL, *c2, *r2;
      char piece[400];
      int known = 0, ri;
      if(pk && !strcmp(pk, col)) {
        ref = t;
        known = 1;
      }
      for(k = 0; !known && Tl_item_idcol(i, k, &c2, &r2); k++)
        if(!strcmp(c2, col)) {
          ref = r2;
          known = 1;
        }
      /* the run's id is the case's already; objects and file systems
      ** are the case's own */
      if(ref && strcmp(ref, "run") && !existing_only(ref) &&
         (ri = table_index(ref)) >= 0 && off[ri])
        snprintf(piece, sizeof(piece), "%sCASE WHEN \"%s\" > %" PRId64
                 " THEN \"%s\" + %" PRId64 " ELSE \"%s\" END", j ? ", " : "",
                 col, x->base[ri], col, off[ri], col);
      else
        snprintf(piece, sizeof(piece), "%s\"%s\"", j ? ", " : "", col);
      if(len + strlen(piece) + 400 > cap) {
        char *np = realloc(sel, cap *= 2);
        if(!np) {
          sqlite3_finalize(s);
          free(sel);
          snprintf(x->err, sizeof(x->err), "out of memory");
          return -1;
        }
        sel = np;
      }
      len += (size_t)snprintf(sel + len, cap - len, "%s", piece);
      j++;
    }
    sqlite3_finalize(s);
    snprintf(sel + len, cap - len, " FROM \"%s\"%s%s%s%s", t, where,
             pk ? " ORDER BY \"" : "", pk ? pk : "", pk ? "\"" : "");
    if(Tl_pg_copy_select((struct pg_conn *)x->pg, x->name, db, t, sel,
                         &rows, x->err, sizeof(x->err))) {
      free(sel);
      return -1;
    }
    free(sel);
    if((int64_t)rows != want) {
      snprintf(x->err, sizeof(x->err), "%s: table %s: %llu rows copied of "
               "%lld", x->name, t, (unsigned long long)rows,
               (long long)want);
      return -1;
    }
  }
  return 0;
}

/* The UNC paths Tl_resolve_unc_pending resolved again in the staging
** case, changed in the case the same way: through the owner's
** tl_artifacts_resolve (fn), else with UPDATE. *n: how many. */
static int
push_unc(pgart *x, int fn, uint64_t *n)
{
  sqlite3_stmt *s;
  char num[2][40];
  const char *pv[3];
  int st, bad = 0;
  *n = 0;
  if(sqlite3_prepare_v2(x->c->db, "SELECT a.event_id, a.object_id, "
                        "a.resolved_by FROM artifact_event a JOIN "
                        "temp.tl_ae0 z USING (event_id) WHERE a.object_id IS "
                        "NOT z.object_id OR a.resolved_by IS NOT "
                        "z.resolved_by ORDER BY a.event_id", -1, &s,
                        NULL) != SQLITE_OK) {
    stage_error(x, "read");
    return -1;
  }
  while(!bad && (st = sqlite3_step(s)) == SQLITE_ROW) {
    snprintf(num[0], sizeof(num[0]), "%lld",
             (long long)sqlite3_column_int64(s, 0));
    snprintf(num[1], sizeof(num[1]), "%lld",
             (long long)sqlite3_column_int64(s, 1));
    pv[0] = num[0];
    pv[1] = sqlite3_column_type(s, 1) == SQLITE_NULL ? NULL : num[1];
    pv[2] = (const char *)sqlite3_column_text(s, 2);
    bad = q0(x, fn ? "SELECT tl_artifacts_resolve($1::bigint, $2::bigint, "
             "$3)" : "UPDATE artifact_event SET object_id = $2::bigint, "
             "resolved_by = $3 WHERE event_id = $1::bigint", 3, pv);
    (*n)++;
  }
  sqlite3_finalize(s);
  return bad ? -1 : 0;
}

/* The rows the command changed in place: as on SQLite, the same way. */
static int
copy_changes(pgart *x)
{
  sqlite3 *db = x->c->db;
  sqlite3_stmt *s;
  char num[3][40];
  const char *pv[5];
  uint64_t n_unc;
  int st, bad = 0;
  /* UNC paths resolved again (Tl_resolve_unc_pending) */
  if(push_unc(x, 1, &n_unc))
    return -1;
  /* the item's event and corrupt-record counts */
  if(sqlite3_prepare_v2(db, "SELECT e.evidence_id, e.n_events - z.n_events,"
                        " e.n_corrupt - z.n_corrupt FROM evidence e JOIN "
                        "temp.tl_ev0 z USING (evidence_id) WHERE e.n_events "
                        "<> z.n_events OR e.n_corrupt <> z.n_corrupt", -1, &s,
                        NULL) != SQLITE_OK) {
    stage_error(x, "read");
    return -1;
  }
  while(!bad && (st = sqlite3_step(s)) == SQLITE_ROW) {
    int k;
    for(k = 0; k < 3; k++) {
      snprintf(num[k], sizeof(num[k]), "%lld",
               (long long)sqlite3_column_int64(s, k));
      pv[k] = num[k];
    }
    bad = q0(x, "SELECT tl_artifacts_counts($1::bigint, $2::bigint, "
             "$3::bigint)", 3, pv);
  }
  sqlite3_finalize(s);
  if(bad)
    return -1;
  /* the run's end, as the staging case's row has it */
  if(sqlite3_prepare_v2(db, "SELECT status, ended_ns, evidence_id, plugins, "
                        "message FROM run WHERE run_id = ?", -1, &s,
                        NULL) != SQLITE_OK) {
    stage_error(x, "read");
    return -1;
  }
  sqlite3_bind_int64(s, 1, x->run_id);
  if(sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    snprintf(x->err, sizeof(x->err), "the staging case: no run row");
    return -1;
  }
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)x->run_id);
  pv[0] = (const char *)sqlite3_column_text(s, 0);
  pv[1] = (const char *)sqlite3_column_text(s, 1);
  pv[2] = (const char *)sqlite3_column_text(s, 2);
  pv[3] = (const char *)sqlite3_column_text(s, 3);
  pv[4] = (const char *)sqlite3_column_text(s, 4);
  {
    const char *p6[6] = {pv[0], pv[1], pv[2], pv[3], pv[4], num[0]};
    bad = q0(x, "UPDATE run SET status = $1, ended_ns = $2::bigint, "
             "evidence_id = $3::bigint, plugins = $4, message = $5 WHERE "
             "run_id = $6::bigint", 6, p6);
  }
  sqlite3_finalize(s);
  return bad ? -1 : 0;
}

/* The case holds a case we may add to, and the functions for it. */
static tl_rc
check_case(pgart *x, int create)
{
  PGresult *r;
  int ok;
  tl_rc rc;
  if(create)
    rc = Tl_pg_case_prepare((struct pg_conn *)x->pg, x->name, NULL, x->err,
                            sizeof(x->err));
  else
    rc = Tl_pg_case_check((struct pg_conn *)x->pg, x->name, x->err,
                          sizeof(x->err));
  if(rc)
    return rc;
  if(!(r = q(x, "SELECT has_table_privilege('artifact_event', 'INSERT') "
             "AND has_table_privilege('run', 'INSERT'), current_user, "
             "to_regproc('tl_artifacts_resolve') IS NOT NULL", 0, NULL)))
    return TL_IO;
  if(strcmp(PQgetvalue(r, 0, 0), "t")) {
    snprintf(x->err, sizeof(x->err), "%s: the role %s may only read this "
             "case; adding artifacts needs an examiner (INSERT; "
             "docs/POSTGRESQL.md, \"Roles\")", x->name, PQgetvalue(r, 0, 1));
    PQclear(r);
    return TL_FAILED;
  }
  ok = !strcmp(PQgetvalue(r, 0, 2), "t");
  PQclear(r);
  if(ok)
    return TL_OK;
  if((rc = Tl_pg_case_prepare((struct pg_conn *)x->pg, x->name, art_fns,
                              x->err, sizeof(x->err)))) {
    if(strstr(x->err, "permission denied") || strstr(x->err, "must be "
                                                     "owner")) {
      char e[800];
      snprintf(e, sizeof(e), "%.780s", x->err);
      snprintf(x->err, sizeof(x->err), "%s (the case's artifact functions "
               "are made once by the owner of the case: `touchline upgrade "
               "URI` as that role)", e);
    }
  }
  return rc;
}

/* The path of a private staging case in dir (NULL: $TMPDIR or /tmp).
** (tl-worker-PID-: removed by the next ingest URI or worker of the host
** when this process dies) */
static void
stage_path(const char *dir, const char *what, char *path, size_t n)
{
  static unsigned seq;
  snprintf(path, n, "%s/tl-worker-%ld-%s-%u.db", dir && *dir ? dir : "/tmp",
           (long)getpid(), what, __atomic_fetch_add(&seq, 1,
                                                     __ATOMIC_RELAXED));
}

/* A private staging case at path: thrown away at the end (close_stage) */
static tl_rc
open_stage(pgart *x, const char *path)
{
  const char *oerr = NULL;
  tl_rc rc;
  unlink(path);
  if((rc = tl_case_open(path, TL_OPEN_CREATE, &x->c, &oerr))) {
    snprintf(x->err, sizeof(x->err), "%s", oerr);
    return rc;
  }
  sqlite3_exec(x->c->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous "
               "= OFF", NULL, NULL, NULL);
  return TL_OK;
}

static void
close_stage(pgart *x, const char *path)
{
  if(!x->c)
    return;
  tl_case_close(x->c);
  x->c = NULL;
  Tl_remove_case_files(path);
}

/* An item copy's step (pgqueue.c), in its transaction after the item's
** rows are in the case: what a SQLite ingest does in the item's
** transaction (Tl_resolve_unc_pending), the case's UNC-path artifact
** events the new item may resolve (a workstation's link to \\FS01\...
** ingested before FS01) resolved again, in a private staging case in dir
** that holds what the resolution reads (pull_view, hk_need_item), and
** changed in the case through the owner's tl_artifacts_resolve, else with
** UPDATE when the role may; else left for the next `artifacts URI add`
** and counted in *n_left. Nothing is pulled when no such event is in the
** case. *n_done: how many were changed. 0, or -1 with err set. */
int
Tl_pg_resolve_unc(struct pg_conn *pg, const char *name, const char *dir,
                  uint64_t *n_done, uint64_t *n_left, char *err, size_t n)
{
  pgart *x;
  PGresult *r;
  Tl_art_stage hk;
  char path[4200] = "", sql[500];
  uint64_t n_unc = 0;
  int rc = -1, fn, upd;
  *n_done = *n_left = 0;
  if(!(x = calloc(1, sizeof(*x)))) {
    snprintf(err, n, "out of memory");
    return -1;
  }
  x->pg = (PGconn *)pg;
  snprintf(x->name, sizeof(x->name), "%s", name);
  snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM artifact_event "
           "WHERE %s), coalesce((SELECT has_function_privilege(p, "
           "'EXECUTE') FROM to_regprocedure('tl_artifacts_resolve(bigint, "
           "bigint, text)') p WHERE p IS NOT NULL), false), "
           "has_table_privilege('artifact_event', 'UPDATE')", unc_where);
  if(!(r = q(x, sql, 0, NULL)))
    goto out;
  fn = !strcmp(PQgetvalue(r, 0, 1), "t");
  upd = !strcmp(PQgetvalue(r, 0, 2), "t");
  if(strcmp(PQgetvalue(r, 0, 0), "t")) {
    PQclear(r);
    rc = 0;
    goto out;
  }
  PQclear(r);
  stage_path(dir, "unc", path, sizeof(path));
  if(open_stage(x, path) || pull_view(x))
    goto out;
  memset(&hk, 0, sizeof(hk));
  hk.need_item = hk_need_item;
  hk.ctx = x;
  if(Tl_resolve_unc_pending_staged(x->c, &hk, &n_unc)) {
    if(!x->err[0])
      snprintf(x->err, sizeof(x->err), "the staging case: %s",
               tl_case_errmsg(x->c));
    goto out;
  }
  if(!n_unc)
    rc = 0;
  else if(!fn && !upd) {
    *n_left = n_unc;
    rc = 0;
  } else if(!push_unc(x, fn, n_done))
    rc = 0;
out:
  if(rc)
    snprintf(err, n, "resolving UNC paths again: %s", x->err);
  close_stage(x, path);
  free(x->items);
  free(x);
  return rc;
}

/* The items of the case, as one value (md5 of their evidence ids): an
** item copy takes it before its UNC resolution and gives it to
** Tl_pg_resolve_unc_after. */
const char Tl_pg_items_seen_sql[] =
  "SELECT md5(coalesce(string_agg(evidence_id::text, ',' ORDER BY "
  "evidence_id), '')) FROM evidence";

/* After an item copy committed (pgqueue.c), a short transaction of its
** own: the case's pending UNC paths resolved again, as Tl_pg_resolve_unc
** does in the copy. Two copies in flight at once do not see each other's
** rows, so a workstation's link to \\FS01\... copied beside FS01 stays
** unresolved by both copy transactions; the later of the two commits is
** followed by this pass, which runs after both commits and so sees both
** items (READ COMMITTED: each statement sees what committed before it).
** The passes take turns (an advisory lock, taken before anything is read,
** so each reads what the pass before it wrote) under the item copies'
** shared lock (artifacts URI add, which resolves them too, waits for it
** and it for artifacts add). Whatever a pass or a copy wrote from a view
** that missed an item committed meanwhile is written again by the pass
** that follows that item's commit, which comes after it: the last pass
** reads every item.
** A pass is needed only when the case's items are no longer those the
** copy's resolution saw (seen: Tl_pg_items_seen_sql, taken in the copy
** before it; it includes the copied item): an item committed or deleted
** meanwhile. Otherwise that resolution saw the case as it is (nothing
** else changes what it reads while a copy holds its lock: artifacts add
** waits for the copies) and nothing is done; an item that commits later
** sees this one as new in its own pass. One query when no pass is
** needed. Same results and errors as Tl_pg_resolve_unc. */
int
Tl_pg_resolve_unc_after(struct pg_conn *pg, const char *name,
                        const char *dir, const char *seen, uint64_t *n_done,
                        uint64_t *n_left, char *err, size_t n)
{
  PGconn *c = (PGconn *)pg;
  PGresult *r;
  char sql[600];
  const char *step[3] = {"BEGIN", "SELECT tl_lock_item()", "SELECT "
                         "pg_advisory_xact_lock(hashtextextended("
                         "'touchline unc', 0))"};
  int i, pending;
  *n_done = *n_left = 0;
  snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM artifact_event "
           "WHERE %s), (%s)", unc_where, Tl_pg_items_seen_sql);
  if(!(r = Tl_pg_run(pg, name, err, n, sql, 0, NULL)))
    return -1;
  pending = !strcmp(PQgetvalue(r, 0, 0), "t") &&
            (!seen || strcmp(PQgetvalue(r, 0, 1), seen));
  PQclear(r);
  if(!pending)
    return 0;
  for(i = 0; i < 3; i++)
    if(Tl_pg_run0(pg, name, err, n, step[i], 0, NULL)) {
      if(i)
        PQclear(PQexec(c, "ROLLBACK"));
      return -1;
    }
  if(Tl_pg_resolve_unc(pg, name, dir, n_done, n_left, err, n)) {
    PQclear(PQexec(c, "ROLLBACK"));
    return -1;
  }
  return Tl_pg_run0(pg, name, err, n, "COMMIT", 0, NULL);
}

tl_rc
tl_pg_artifacts_add(const char *uri, int n_files, const char *const *files,
                    const struct tl_artifacts_opts *opts,
                    struct tl_artifacts_result *res, const char **errmsg)
{
  struct tl_artifacts_opts o;
  struct tl_artifacts_result r;
  Tl_art_stage hk;
  pgart *x;
  const char *tmp = getenv("TMPDIR");
  char path[4200];
  int64_t off[N_T];
  tl_rc rc;

  a_err[0] = 0;
  if(errmsg)
    *errmsg = a_err;
  if(!uri || !opts) {
    snprintf(a_err, sizeof(a_err), "artifacts: a case URI and options are "
             "needed");
    return TL_USAGE;
  }
  if((rc = Tl_opts_in(&o, sizeof(o), opts,
                      offsetof(struct tl_artifacts_opts, plugins)))) {
    snprintf(a_err, sizeof(a_err), "artifacts: bad options struct");
    return rc;
  }
  if(res && !Tl_result_ok(res)) {
    snprintf(a_err, sizeof(a_err), "artifacts: bad result struct");
    return TL_USAGE;
  }
  if(!(x = calloc(1, sizeof(*x)))) {
    snprintf(a_err, sizeof(a_err), "out of memory");
    return TL_NOMEM;
  }
  x->wait_s = o.wait_s;
  Tl_pg_redact(uri, x->name, sizeof(x->name));
  stage_path(tmp, "artifacts", path, sizeof(path));
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  if((rc = Tl_pg_connect(uri, (struct pg_conn **)&x->pg, x->err,
                         sizeof(x->err))) ||
     (rc = check_case(x, o.label != NULL)) ||
     (rc = open_stage(x, path)))
    goto fail;
  /* the items, for the label checked before the run row (again under the
  ** lock) */
  if((rc = pull(x, "evidence", NULL)))
    goto fail;
  memset(&hk, 0, sizeof(hk));
  hk.run_id = hk_run_id;
  hk.begin = hk_begin;
  hk.need_item = hk_need_item;
  hk.ctx = x;
  rc = Tl_artifacts_add_staged(x->c, n_files, files, opts, &r, &hk);
  if(rc != TL_OK && rc != TL_WARN) {
    snprintf(x->err, sizeof(x->err), "%s", tl_case_errmsg(x->c));
    goto fail;
  }
  if(copy_new_rows(x, off) || copy_changes(x) ||
     q0(x, "COMMIT", 0, NULL)) {
    rc = TL_IO;
    goto fail;
  }
  x->in_tx = 0;
  if(res) {
    int ei = table_index("evidence");
    if(ei >= 0 && r.evidence_id > x->base[ei])
      r.evidence_id += off[ei];
    Tl_result_out(res, &r, sizeof(r));
  }
  goto out;
fail:
  snprintf(a_err, sizeof(a_err), "%s", x->err);
  if(x->pg && x->in_tx)
    PQclear(PQexec(x->pg, "ROLLBACK"));
  if(x->pg && x->run_id) {
    char num[2][40];
    const char *pv[3];
    snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
    snprintf(num[1], sizeof(num[1]), "%lld", (long long)x->run_id);
    pv[0] = num[0];
    pv[1] = a_err;
    pv[2] = num[1];
    q0(x, "UPDATE run SET status = 'failed', ended_ns = $1::bigint, "
       "message = $2 WHERE run_id = $3::bigint AND status = 'running'", 3,
       pv);
  }
out:
  close_stage(x, path);
  if(x->pg)
    PQfinish(x->pg);
  free(x->items);
  free(x);
  return rc;
}

/* ---- upgrade ---- */

tl_rc
tl_pg_upgrade(const char *uri, int *from_version, const char **errmsg)
{
  pgart x;
  PGresult *r = NULL;
  long v;
  tl_rc rc;
  memset(&x, 0, sizeof(x));
  a_err[0] = 0;
  if(errmsg)
    *errmsg = a_err;
  if(from_version)
    *from_version = 0;
  Tl_pg_redact(uri, x.name, sizeof(x.name));
  if((rc = Tl_pg_connect(uri, (struct pg_conn **)&x.pg, x.err,
                         sizeof(x.err))))
    goto out;
  if(!(r = q(&x, "SELECT (SELECT value FROM case_meta WHERE key = "
             "'schema_version'), to_regproc('tl_artifacts_resolve') IS NOT "
             "NULL AND to_regclass('artifact_event_unc') IS NOT NULL", 0,
             NULL))) {
    /* no case_meta: not a case (Tl_pg_case_check says so) */
    if((rc = Tl_pg_case_check((struct pg_conn *)x.pg, x.name, x.err,
                              sizeof(x.err))) == TL_OK)
      rc = TL_IO;
    goto out;
  }
  v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
  if(v > TL_SCHEMA_VERSION) {
    snprintf(x.err, sizeof(x.err), "%s: case schema version %ld is newer "
             "than this touchline (%d); upgrade touchline", x.name, v,
             TL_SCHEMA_VERSION);
    rc = TL_ABI;
    goto out;
  }
  if(v < TL_SCHEMA_VERSION) {
    /* PostgreSQL cases are made at version 4: there is no older one */
    snprintf(x.err, sizeof(x.err), "%s: case schema version %s: no "
             "migration of a PostgreSQL case applies (they are made at "
             "version 4; a damaged case?)", x.name, PQgetvalue(r, 0, 0));
    rc = TL_FAILED;
    goto out;
  }
  if((rc = Tl_pg_case_check((struct pg_conn *)x.pg, x.name, x.err,
                            sizeof(x.err))))
    goto out;
  /* the case's functions of this version, when absent (the owner) */
  if(strcmp(PQgetvalue(r, 0, 1), "t") &&
     (rc = Tl_pg_case_prepare((struct pg_conn *)x.pg, x.name, art_fns,
                              x.err, sizeof(x.err)))) {
    if(strstr(x.err, "permission denied") || strstr(x.err, "must be owner"))
    {
      char e[800];
      snprintf(e, sizeof(e), "%.780s", x.err);
      snprintf(x.err, sizeof(x.err), "%s (the case's functions of this "
               "version are made by the owner of the case: `touchline "
               "upgrade URI` as that role)", e);
    }
    goto out;
  }
out:
  PQclear(r);
  if(rc)
    snprintf(a_err, sizeof(a_err), "%s", x.err);
  if(x.pg)
    PQfinish(x.pg);
  return rc;
}
#endif /* HAVE_LIBPQ */
