/*
** The work queue of a PostgreSQL case (docs/POSTGRESQL.md, "The work
** queue"): `queue add` records manifest items in the table tl_queue of the
** case; `worker` claims one item at a time (FOR UPDATE SKIP LOCKED),
** ingests it into a private staging SQLite case with the ordinary ingest,
** and copies that item into the PostgreSQL case in one transaction, as
** batch.c's writer does between SQLite cases: every id moved above the
** case's (itemcopy.c's table list says which columns are ids and what they
** name), the rows streamed with COPY, the run ended and the queue row set
** done in the same transaction. A worker's process beats its claims'
** heartbeat; a claim whose heartbeat is older than the timeout is taken
** by the next worker that asks, and the worker that lost it cannot commit
** (its claim token no longer matches).
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <pthread.h>
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
#include "store/pg_int.h"

static _Thread_local char q_err[1400];
/* TOUCHLINE_WORKER_TIMING (bench/pg.sh): when the item copy got its lock */
static _Thread_local int64_t q_locked_ns;

#ifndef HAVE_LIBPQ
static tl_rc
no_pq(const char **errmsg)
{
  snprintf(q_err, sizeof(q_err), "this touchline was built without "
           "PostgreSQL support (libpq)");
  if(errmsg)
    *errmsg = q_err;
  return TL_UNSUPPORTED;
}

tl_rc
tl_queue_add(const char *uri, const tl_manifest *m, uint32_t *n_added,
             const char **errmsg)
{
  (void)uri;
  (void)m;
  (void)n_added;
  return no_pq(errmsg);
}

tl_rc
tl_queue_status(const char *uri, const struct tl_sink *out,
                const char **errmsg)
{
  (void)uri;
  (void)out;
  return no_pq(errmsg);
}

tl_rc
tl_worker_run(const char *uri, const struct tl_worker_opts *opts,
              struct tl_worker_result *result, const char **errmsg)
{
  (void)uri;
  (void)opts;
  (void)result;
  return no_pq(errmsg);
}
#else

static const char queue_ddl[] =
  "CREATE TABLE IF NOT EXISTS tl_queue(\n"
  "  item_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
  "  label text NOT NULL UNIQUE,\n"
  "  division text,\n"
  "  image text NOT NULL,\n"
  "  state text NOT NULL DEFAULT 'waiting',\n"
  "  claim text,\n"
  "  host text,\n"
  "  pid bigint,\n"
  "  added timestamptz NOT NULL DEFAULT now(),\n"
  "  claimed timestamptz,\n"
  "  heartbeat timestamptz,\n"
  "  ended timestamptz,\n"
  "  attempts integer NOT NULL DEFAULT 0,\n"
  "  message text,\n"
  "  run_id bigint,\n"
  "  evidence_id bigint,\n"
  "  n_objects bigint,\n"
  "  n_events bigint\n"
  ")";

static const char *
msg1(PGconn *pg)
{
  static _Thread_local char m[600];
  char *p;
  snprintf(m, sizeof(m), "%s", PQerrorMessage(pg));
  for(p = m; *p; p++)
    if(*p == '\n')
      *p = ' ';
  while(p > m && p[-1] == ' ')
    *--p = 0;
  return m;
}

/* Run sql with up to 8 text parameters (NULL: SQL NULL); the result when
** it succeeded (the caller clears it), else NULL with err set. */
static PGresult *
run(PGconn *pg, const char *name, char *err, size_t n, const char *sql,
    int np, const char *const *pv)
{
  PGresult *r = PQexecParams(pg, sql, np, NULL, pv, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(r);
  if(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return r;
  snprintf(err, n, "%s: %s", name, msg1(pg));
  PQclear(r);
  return NULL;
}

static int
run0(PGconn *pg, const char *name, char *err, size_t n, const char *sql,
     int np, const char *const *pv)
{
  PGresult *r = run(pg, name, err, n, sql, np, pv);
  PQclear(r);
  return r ? 0 : -1;
}

static int64_t
now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

tl_rc
tl_queue_add(const char *uri, const tl_manifest *m, uint32_t *n_added,
             const char **errmsg)
{
  PGconn *pg = NULL;
  char name[700];
  size_t i, cnt;
  tl_rc rc;
  uint32_t added = 0;

  q_err[0] = 0;
  if(errmsg)
    *errmsg = q_err;
  if(n_added)
    *n_added = 0;
  if(!uri || !m) {
    snprintf(q_err, sizeof(q_err), "queue add: a case URI and a manifest "
             "are needed");
    return TL_USAGE;
  }
  Tl_pg_redact(uri, name, sizeof(name));
  if((rc = Tl_pg_connect(uri, &pg, q_err, sizeof(q_err))) ||
     (rc = Tl_pg_case_prepare(pg, name, queue_ddl, q_err, sizeof(q_err)))) {
    if(pg)
      PQfinish(pg);
    return rc;
  }
  rc = TL_OK;
  cnt = tl_manifest_count(m);
  if(run0(pg, name, q_err, sizeof(q_err), "BEGIN", 0, NULL))
    rc = TL_IO;
  for(i = 0; !rc && i < cnt; i++) {
    struct tl_manifest_entry e;
    const char *pv[3];
    char cwd[4096], abs[8300];
    PGresult *r;
    memset(&e, 0, sizeof(e));
    e.struct_size = sizeof(e);
    if(tl_manifest_get(m, i, &e))
      continue;
    /* a relative image as seen from here: workers elsewhere need the
    ** whole path */
    if(e.image[0] != '/' && getcwd(cwd, sizeof(cwd) - 1)) {
      snprintf(abs, sizeof(abs), "%s/%s", cwd, e.image);
      pv[2] = abs;
    } else
      pv[2] = e.image;
    pv[0] = e.label;
    pv[1] = e.division && *e.division ? e.division : NULL;
    r = run(pg, name, q_err, sizeof(q_err), "INSERT INTO tl_queue(label, "
            "division, image) VALUES($1, $2, $3) ON CONFLICT (label) DO "
            "NOTHING", 3, pv);
    if(!r)
      rc = TL_IO;
    else
      added += (uint32_t)atoi(PQcmdTuples(r));
    PQclear(r);
  }
  if(!rc && run0(pg, name, q_err, sizeof(q_err), "COMMIT", 0, NULL))
    rc = TL_IO;
  if(rc)
    PQclear(PQexec(pg, "ROLLBACK"));
  PQfinish(pg);
  if(n_added && !rc)
    *n_added = added;
  return rc;
}

tl_rc
tl_queue_status(const char *uri, const struct tl_sink *out,
                const char **errmsg)
{
  PGconn *pg = NULL;
  PGresult *r;
  char name[700], line[2400];
  int i, k;
  tl_rc rc;

  q_err[0] = 0;
  if(errmsg)
    *errmsg = q_err;
  if(!uri || !Tl_sink_ok(out)) {
    snprintf(q_err, sizeof(q_err), "queue status: a case URI and a sink "
             "are needed");
    return TL_USAGE;
  }
  Tl_pg_redact(uri, name, sizeof(name));
  if((rc = Tl_pg_connect(uri, &pg, q_err, sizeof(q_err)))) {
    if(pg)
      PQfinish(pg);
    return rc;
  }
  r = run(pg, name, q_err, sizeof(q_err), "SELECT to_regclass('tl_queue') "
          "IS NOT NULL", 0, NULL);
  if(!r || strcmp(PQgetvalue(r, 0, 0), "t")) {
    if(r)
      snprintf(q_err, sizeof(q_err), "%s: no work queue (touchline queue "
               "URI add --manifest FILE makes it)", name);
    PQclear(r);
    PQfinish(pg);
    return r ? TL_FAILED : TL_IO;
  }
  PQclear(r);
  r = run(pg, name, q_err, sizeof(q_err),
          "SELECT label, coalesce(division, '-'), state, "
          "coalesce(host || ':' || pid, '-'), attempts, "
          "coalesce(n_objects::text, '-'), coalesce(n_events::text, '-'), "
          "coalesce(to_char(extract(epoch FROM ended - claimed), "
          "'FM999990.0'), '-'), "
          "CASE WHEN state = 'running' THEN 'heartbeat ' || "
          "to_char(extract(epoch FROM now() - heartbeat), 'FM999990') || "
          "' s ago' ELSE coalesce(message, '') END, image "
          "FROM tl_queue ORDER BY item_id", 0, NULL);
  if(!r) {
    PQfinish(pg);
    return TL_IO;
  }
  k = snprintf(line, sizeof(line), "label\tdivision\tstate\tworker\t"
               "attempts\tobjects\tevents\ttime s\tnote\timage\n");
  if(Tl_sink_write(out, line, (size_t)k))
    rc = TL_IO;
  for(i = 0; !rc && i < PQntuples(r); i++) {
    k = snprintf(line, sizeof(line), "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t"
                 "%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                 PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
                 PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
                 PQgetvalue(r, i, 6), PQgetvalue(r, i, 7),
                 PQgetvalue(r, i, 8), PQgetvalue(r, i, 9));
    if(k > 0 && Tl_sink_write(out, line, (size_t)k < sizeof(line) ?
                              (size_t)k : sizeof(line) - 1))
      rc = TL_IO;
  }
  PQclear(r);
  /* the totals and the throughput over the time items were worked on */
  r = rc ? NULL : run(pg, name, q_err, sizeof(q_err),
          "SELECT count(*), count(*) FILTER (WHERE state = 'waiting'), "
          "count(*) FILTER (WHERE state = 'running'), "
          "count(*) FILTER (WHERE state = 'done'), "
          "count(*) FILTER (WHERE state = 'failed'), "
          "coalesce(sum(n_objects + n_events) FILTER (WHERE state = "
          "'done'), 0), coalesce(extract(epoch FROM max(ended) - "
          "min(claimed)), 0) FROM tl_queue", 0, NULL);
  if(r) {
    double rows = strtod(PQgetvalue(r, 0, 5), NULL);
    double secs = strtod(PQgetvalue(r, 0, 6), NULL);
    k = snprintf(line, sizeof(line), "%s items: %s waiting, %s running, %s "
                 "done, %s failed; %.0f objects+events in %.1f s (%.0f "
                 "rows/s)\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                 PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
                 PQgetvalue(r, 0, 4), rows, secs,
                 secs > 0 ? rows / secs : 0.0);
    if(Tl_sink_write(out, line, (size_t)k))
      rc = TL_IO;
    PQclear(r);
  } else if(!rc)
    rc = TL_IO;
  if(rc == TL_IO && !q_err[0])
    snprintf(q_err, sizeof(q_err), "queue status: writing failed");
  PQfinish(pg);
  return rc;
}

/* ---- the worker ---- */

typedef struct wshared {
  const char *uri;
  char name[700];
  struct tl_worker_opts o;
  struct tl_ingest_opts ing;
  char host[256];
  pthread_mutex_t mu;
  struct tl_worker_result res;
  int threads_left;
  tl_rc fatal;
  char fatal_msg[1400];
} wshared;

typedef struct {
  wshared *w;
  int no;
} wthread;

static void
tell(wshared *w, const char *label, const char *status, const char *msg)
{
  pthread_mutex_lock(&w->mu);
  if(!strcmp(status, "done"))
    w->res.n_done++;
  else if(!strcmp(status, "failed"))
    w->res.n_failed++;
  if(w->o.on_item)
    w->o.on_item(label, status, msg, w->o.ctx);
  pthread_mutex_unlock(&w->mu);
}

static int
cancelled(const wshared *w)
{
  return w->o.cancel && *w->o.cancel;
}

/* The copy of the staged item (the SQLite file at path) into the case, in
** one transaction that also ends the run and the queue row; 0, or -1 with
** err set. lost: the claim was taken by another worker. */
static int
copy_item(PGconn *pg, wshared *w, const char *path, const char *item_id,
          const char *claim, const char *attempts, const char *label,
          int64_t run_id, int *lost, int64_t *ev_out, int64_t *nobj,
          int64_t *nev, char *err, size_t n)
{
  sqlite3 *db = NULL;
  int64_t off[32], src_next = 0, pg_next = 0, src_ev = 0, ev_off = 0;
  size_t i, j;
  int rc = -1;
  char num[4][40];
  const char *pv[6];
  PGresult *r;

  *lost = 0;
  memset(off, 0, sizeof(off));
  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, n, "%.600s: %s", path, db ? sqlite3_errmsg(db) :
             "no memory");
    sqlite3_close(db);
    return -1;
  }
  if(run0(pg, w->name, err, n, "BEGIN", 0, NULL))
    goto out;
  /* one item copy at a time in the case: ids are given under this lock */
  if(run0(pg, w->name, err, n, "LOCK TABLE case_meta IN SHARE ROW "
          "EXCLUSIVE MODE", 0, NULL))
    goto out;
  q_locked_ns = now_ns();
  pv[0] = item_id;
  pv[1] = claim;
  pv[2] = attempts;
  if(!(r = run(pg, w->name, err, n, "SELECT 1 FROM tl_queue WHERE item_id "
               "= $1 AND claim = $2 AND attempts = $3 AND state = 'running' "
               "FOR UPDATE", 3, pv)))
    goto out;
  if(PQntuples(r) != 1) {
    PQclear(r);
    *lost = 1;
    snprintf(err, n, "the claim was taken by another worker (heartbeat "
             "timeout); its result is not kept");
    goto out;
  }
  PQclear(r);
  pv[0] = label;
  if(!(r = run(pg, w->name, err, n, "SELECT 1 FROM evidence WHERE label = "
               "$1", 1, pv)))
    goto out;
  if(PQntuples(r)) {
    PQclear(r);
    snprintf(err, n, "an item labelled '%s' is already in the case", label);
    goto out;
  }
  PQclear(r);

  /* how far each table's ids move: above the case's */
  for(i = 0;; i++) {
    const char *t, *pk;
    int kind;
    char sql[300];
    sqlite3_stmt *s;
    int64_t lo = 0, hi = 0;
    int have_lo = 0;
    if(!Tl_item_table(i, &t, &kind, &pk))
      break;
    if(i >= 32 || kind != 2 || !pk)
      continue;
    snprintf(sql, sizeof(sql), "SELECT min(\"%s\") FROM \"%s\"", pk, t);
    if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
      snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
      goto out;
    }
    if(sqlite3_step(s) == SQLITE_ROW &&
       sqlite3_column_type(s, 0) != SQLITE_NULL) {
      lo = sqlite3_column_int64(s, 0);
      have_lo = 1;
    }
    sqlite3_finalize(s);
    if(!have_lo)
      continue;
    if(!strcmp(t, "object"))
      snprintf(sql, sizeof(sql), "SELECT greatest((SELECT value::bigint - 1"
               " FROM case_meta WHERE key = 'next_object_id'), (SELECT "
               "max(object_id) FROM object), 0)");
    else
      snprintf(sql, sizeof(sql), "SELECT coalesce(max(\"%s\"), 0) FROM "
               "\"%s\"", pk, t);
    if(!(r = run(pg, w->name, err, n, sql, 0, NULL)))
      goto out;
    hi = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    off[i] = hi + 1 - lo;
    if(!strcmp(t, "object"))
      pg_next = hi + 1;
  }
  {
    sqlite3_stmt *s;
    if(sqlite3_prepare_v2(db, "SELECT (SELECT evidence_id FROM evidence), "
                          "max(coalesce((SELECT CAST(value AS INTEGER) FROM "
                          "case_meta WHERE key = 'next_object_id'), 1), "
                          "(SELECT coalesce(max(object_id), 0) + 1 FROM "
                          "object)), (SELECT count(*) FROM evidence)", -1,
                          &s, NULL) != SQLITE_OK) {
      snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
      goto out;
    }
    if(sqlite3_step(s) == SQLITE_ROW) {
      src_ev = sqlite3_column_int64(s, 0);
      src_next = sqlite3_column_int64(s, 1);
      if(sqlite3_column_int64(s, 2) != 1) {
        snprintf(err, n, "the staging case holds %lld items, not one",
                 (long long)sqlite3_column_int64(s, 2));
        sqlite3_finalize(s);
        goto out;
      }
    }
    sqlite3_finalize(s);
  }

  /* every item table, its id columns moved */
  {
    const char *tn, *pkn;
    int kd;
    size_t m;
    for(m = 0; m < 32 && Tl_item_table(m, &tn, &kd, &pkn); m++)
      if(!strcmp(tn, "evidence"))
        ev_off = off[m];
  }
  for(i = 0;; i++) {
    const char *t, *pk;
    int kind;
    char sql[300];
    sqlite3_stmt *s;
    char *sel;
    size_t cap = 4096, len = 0;
    uint64_t rows = 0;
    int64_t want = 0;
    if(!Tl_item_table(i, &t, &kind, &pk))
      break;
    if(kind != 2)
      continue;
    if(!strcmp(t, "event") && Tl_pg_event_partition(pg, w->name,
                                                     src_ev + ev_off, err, n))
      goto out;
    if(!(sel = malloc(cap)))
      goto oom;
    len = (size_t)snprintf(sel, cap, "SELECT ");
    snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", t);
    if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
      free(sel);
      snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
      goto out;
    }
    j = 0;
    while(sqlite3_step(s) == SQLITE_ROW) {
      const char *col = (const char *)sqlite3_column_text(s, 1);
      const char *ref = NULL, *c2, *r2;
      size_t k, cl = strlen(col);
      int known = 0;
      int64_t o = 0;
      char piece[400];
      if(pk && !strcmp(pk, col)) {
        ref = t;
        known = 1;
      }
      for(k = 0; !known && Tl_item_idcol(i, k, &c2, &r2); k++)
        if(!strcmp(c2, col)) {
          ref = r2;
          known = 1;
        }
      if(!known && cl > 3 && !strcmp(col + cl - 3, "_id")) {
        sqlite3_finalize(s);
        free(sel);
        snprintf(err, n, "column %s.%s looks like an id, and the copier's "
                 "table list (src/lib/ingest/itemcopy.c) does not say how "
                 "to move it", t, col);
        goto out;
      }
      if(ref && strcmp(ref, "run")) {
        size_t m;
        const char *tn, *pkn;
        int kd;
        for(m = 0; Tl_item_table(m, &tn, &kd, &pkn); m++)
          if(!strcmp(tn, ref) && m < 32)
            o = off[m];
      }
      if(ref && !strcmp(ref, "run"))
        snprintf(piece, sizeof(piece), "%sCASE WHEN \"%s\" IS NULL THEN NULL"
                 " ELSE %lld END", j ? ", " : "", col, (long long)run_id);
      else if(o)
        snprintf(piece, sizeof(piece), "%sCASE WHEN \"%s\" > 0 THEN \"%s\" "
                 "+ %lld ELSE \"%s\" END", j ? ", " : "", col, col,
                 (long long)o, col);
      else
        snprintf(piece, sizeof(piece), "%s\"%s\"", j ? ", " : "", col);
      if(len + strlen(piece) + 300 > cap) {
        char *np = realloc(sel, cap *= 2);
        if(!np) {
          sqlite3_finalize(s);
          free(sel);
          goto oom;
        }
        sel = np;
      }
      len += (size_t)snprintf(sel + len, cap - len, "%s", piece);
      j++;
    }
    sqlite3_finalize(s);
    snprintf(sel + len, cap - len, " FROM \"%s\"%s%s%s", t,
             pk ? " ORDER BY \"" : "", pk ? pk : "", pk ? "\"" : "");
    if(Tl_pg_copy_select(pg, w->name, db, t, sel, &rows, err, n)) {
      free(sel);
      goto out;
    }
    free(sel);
    /* every row of the staging case arrived */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t);
    if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
       sqlite3_step(s) == SQLITE_ROW)
      want = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if((int64_t)rows != want) {
      snprintf(err, n, "table %s: %llu rows copied of %lld", t,
               (unsigned long long)rows, (long long)want);
      goto out;
    }
    if(!strcmp(t, "object"))
      *nobj = want;
    else if(!strcmp(t, "event"))
      *nev = want;
  }
  /* the evidence id and the object high-water mark */
  {
    const char *tn, *pkn;
    int kd;
    size_t m;
    int64_t obj_off = 0, next;
    for(m = 0; m < 32 && Tl_item_table(m, &tn, &kd, &pkn); m++) {
      if(!strcmp(tn, "object"))
        obj_off = off[m];
    }
    *ev_out = src_ev + ev_off;
    next = src_next + obj_off;
    if(next < pg_next)
      next = pg_next;
    snprintf(num[0], sizeof(num[0]), "%lld", (long long)next);
    pv[0] = num[0];
    if(run0(pg, w->name, err, n, "INSERT INTO case_meta VALUES("
            "'next_object_id', $1) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value WHERE case_meta.value::bigint < "
            "excluded.value::bigint", 1, pv))
      goto out;
  }
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)now_ns());
  snprintf(num[1], sizeof(num[1]), "%lld", (long long)*ev_out);
  snprintf(num[2], sizeof(num[2]), "%lld", (long long)run_id);
  pv[0] = num[0];
  pv[1] = num[1];
  pv[2] = num[2];
  if(run0(pg, w->name, err, n, "UPDATE run SET status = 'complete', "
          "ended_ns = $1, evidence_id = $2, message = NULL WHERE run_id = $3",
          3, pv))
    goto out;
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)*nobj);
  snprintf(num[3], sizeof(num[3]), "%lld", (long long)*nev);
  pv[0] = item_id;
  pv[1] = num[1];
  pv[2] = num[0];
  pv[3] = num[3];
  pv[4] = num[2];
  if(run0(pg, w->name, err, n, "UPDATE tl_queue SET state = 'done', ended "
          "= now(), evidence_id = $2, n_objects = $3, n_events = $4, run_id "
          "= $5, message = NULL WHERE item_id = $1", 5, pv) ||
     run0(pg, w->name, err, n, "COMMIT", 0, NULL))
    goto out;
  rc = 0;
  goto done;
oom:
  snprintf(err, n, "out of memory");
out:
  PQclear(PQexec(pg, "ROLLBACK"));
done:
  sqlite3_close(db);
  return rc;
}

/* End the run and the queue row as failed (when the claim is still ours). */
static void
fail_item(PGconn *pg, wshared *w, const char *item_id, const char *claim,
          const char *attempts, int64_t run_id, const char *why)
{
  char num[2][40], e[200];
  const char *pv[4];
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)now_ns());
  snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
  pv[0] = num[0];
  pv[1] = why;
  pv[2] = num[1];
  if(run_id)
    run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = 'failed', "
         "ended_ns = $1, message = $2 WHERE run_id = $3 AND status = "
         "'running'", 3, pv);
  pv[0] = item_id;
  pv[1] = claim;
  pv[2] = attempts;
  pv[3] = why;
  run0(pg, w->name, e, sizeof(e), "UPDATE tl_queue SET state = 'failed', "
       "ended = now(), message = $4 WHERE item_id = $1 AND claim = $2 AND "
       "attempts = $3", 4, pv);
}

static void *
worker_thread(void *arg)
{
  wthread *wt = arg;
  wshared *w = wt->w;
  PGconn *pg = NULL;
  char err[1400], claim[400], pid[32];
  const char *pv[8];

  if(Tl_pg_connect(w->uri, &pg, err, sizeof(err))) {
    pthread_mutex_lock(&w->mu);
    if(!w->fatal) {
      w->fatal = TL_IO;
      snprintf(w->fatal_msg, sizeof(w->fatal_msg), "%s", err);
    }
    pthread_mutex_unlock(&w->mu);
    if(pg)
      PQfinish(pg);
    return NULL;
  }
  snprintf(pid, sizeof(pid), "%ld", (long)getpid());
  snprintf(claim, sizeof(claim), "%s:%s:%d", w->host, pid, wt->no);
  while(!cancelled(w)) {
    PGresult *r;
    char item_id[40], attempts[20], label[300], division[300], image[4096];
    char stale[20], path[4200], cmd[600];
    int have_div, lost = 0;
    int64_t run_id = 0, ev = 0, nobj = 0, nev = 0, t_stage = 0, t_copy = 0;
    tl_case *c = NULL;
    const char *oerr;
    struct tl_ingest_opts io;
    struct tl_ingest_result ir;
    tl_rc rc;

    snprintf(stale, sizeof(stale), "%d", w->o.stale_s);
    pv[0] = claim;
    pv[1] = w->host;
    pv[2] = pid;
    pv[3] = stale;
    r = run(pg, w->name, err, sizeof(err),
            "UPDATE tl_queue SET state = 'running', claim = $1, host = $2, "
            "pid = $3, claimed = now(), heartbeat = now(), ended = NULL, "
            "attempts = attempts + 1, message = NULL WHERE item_id = "
            "(SELECT item_id FROM tl_queue WHERE state = 'waiting' OR "
            "(state = 'running' AND heartbeat < now() - $4::int * "
            "interval '1 second') ORDER BY item_id LIMIT 1 FOR UPDATE SKIP "
            "LOCKED) RETURNING item_id, attempts, label, division, image",
            4, pv);
    if(!r) {
      pthread_mutex_lock(&w->mu);
      if(!w->fatal) {
        w->fatal = TL_IO;
        snprintf(w->fatal_msg, sizeof(w->fatal_msg), "%s", err);
      }
      pthread_mutex_unlock(&w->mu);
      break;
    }
    if(!PQntuples(r)) {
      PQclear(r);
      if(w->o.drain) {
        r = run(pg, w->name, err, sizeof(err), "SELECT count(*) FROM "
                "tl_queue WHERE state IN ('waiting', 'running')", 0, NULL);
        if(!r || !strcmp(PQgetvalue(r, 0, 0), "0")) {
          PQclear(r);
          break;
        }
        PQclear(r);
      }
      sleep(1);
      continue;
    }
    snprintf(item_id, sizeof(item_id), "%s", PQgetvalue(r, 0, 0));
    snprintf(attempts, sizeof(attempts), "%s", PQgetvalue(r, 0, 1));
    snprintf(label, sizeof(label), "%s", PQgetvalue(r, 0, 2));
    have_div = !PQgetisnull(r, 0, 3);
    snprintf(division, sizeof(division), "%s", PQgetvalue(r, 0, 3));
    snprintf(image, sizeof(image), "%s", PQgetvalue(r, 0, 4));
    PQclear(r);
    tell(w, label, "claimed", NULL);

    /* a claim taken again: the run of the worker that stopped ends */
    if(strcmp(attempts, "1")) {
      char num[40], e[200];
      snprintf(num, sizeof(num), "%lld", (long long)now_ns());
      pv[0] = num;
      pv[1] = label;
      run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
           "'interrupted', ended_ns = $1::bigint, message = 'its worker "
           "stopped beating the heartbeat; the item was claimed again' "
           "WHERE label = $2 AND status = 'running' AND evidence_id IS "
           "NULL", 2, pv);
    }
    /* the run row, in a transaction of its own */
    snprintf(cmd, sizeof(cmd), "%s", w->o.command_line ?
             w->o.command_line : "touchline worker");
    {
      char num[2][40];
      snprintf(num[0], sizeof(num[0]), "%lld", (long long)now_ns());
      pv[0] = "touchline " TL_VERSION;
      pv[1] = cmd;
      pv[2] = w->host;
      pv[3] = pid;
      pv[4] = label;
      pv[5] = num[0];
      if(run0(pg, w->name, err, sizeof(err), "BEGIN", 0, NULL) ||
         run0(pg, w->name, err, sizeof(err), "LOCK TABLE run IN SHARE ROW "
              "EXCLUSIVE MODE", 0, NULL) ||
         !(r = run(pg, w->name, err, sizeof(err), "INSERT INTO run(run_id, "
                   "tool_version, command_line, host, pid, label, "
                   "started_ns, status) SELECT coalesce(max(run_id), 0) + 1,"
                   " $1, $2, $3, $4::bigint, $5, $6::bigint, 'running' FROM "
                   "run RETURNING run_id", 6, pv))) {
        PQclear(PQexec(pg, "ROLLBACK"));
        fail_item(pg, w, item_id, claim, attempts, 0, err);
        tell(w, label, "failed", err);
        continue;
      }
      run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
      PQclear(r);
      (void)num[1];
      if(run0(pg, w->name, err, sizeof(err), "COMMIT", 0, NULL)) {
        fail_item(pg, w, item_id, claim, attempts, 0, err);
        tell(w, label, "failed", err);
        continue;
      }
    }

    /* the staging ingest: the ordinary one, into a file of its own */
    snprintf(path, sizeof(path), "%s/tl-worker-%s-%d-%s.db",
             w->o.stage_dir ? w->o.stage_dir : "/tmp", pid, wt->no, item_id);
    unlink(path);
    memcpy(&io, &w->ing, sizeof(io));
    io.label = label;
    io.division = have_div && *division ? division : NULL;
    io.command_line = cmd;
    io.progress = NULL;
    io.cancel = w->o.cancel;
    io.wait_s = 0;
    memset(&ir, 0, sizeof(ir));
    ir.struct_size = sizeof(ir);
    t_stage = now_ns();
    rc = tl_case_open(path, TL_OPEN_CREATE, &c, &oerr);
    if(rc)
      snprintf(err, sizeof(err), "%s", oerr);
    else {
      const char *img = image;
      rc = Tl_ingest_item(c, 1, &img, &io, &ir, TL_INGEST_STAGING);
      if(rc)
        snprintf(err, sizeof(err), "%s", tl_case_errmsg(c));
      tl_case_close(c);
    }
    t_copy = q_locked_ns = now_ns();
    if(!rc && copy_item(pg, w, path, item_id, claim, attempts, label, run_id,
                        &lost, &ev, &nobj, &nev, err, sizeof(err)))
      rc = TL_FAILED;
    {
      char p2[4300];
      unlink(path);
      snprintf(p2, sizeof(p2), "%s-wal", path);
      unlink(p2);
      snprintf(p2, sizeof(p2), "%s-shm", path);
      unlink(p2);
      snprintf(p2, sizeof(p2), "%s-journal", path);
      unlink(p2);
    }
    if(rc == TL_INTERRUPTED) {
      /* back to waiting for another worker; the run says why */
      char num[2][40], e[200];
      snprintf(num[0], sizeof(num[0]), "%lld", (long long)now_ns());
      snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
      pv[0] = num[0];
      pv[1] = num[1];
      run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
           "'interrupted', ended_ns = $1::bigint, message = 'interrupted' "
           "WHERE run_id = $2::bigint", 2, pv);
      pv[0] = item_id;
      pv[1] = claim;
      run0(pg, w->name, e, sizeof(e), "UPDATE tl_queue SET state = "
           "'waiting', claim = NULL WHERE item_id = $1 AND claim = $2", 2,
           pv);
      tell(w, label, "interrupted", NULL);
      break;
    }
    if(rc) {
      if(!lost)
        fail_item(pg, w, item_id, claim, attempts, run_id, err);
      else {
        char num[2][40], e[200];
        snprintf(num[0], sizeof(num[0]), "%lld", (long long)now_ns());
        snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
        pv[0] = num[0];
        pv[1] = err;
        pv[2] = num[1];
        run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = 'failed',"
             " ended_ns = $1::bigint, message = $2 WHERE run_id = "
             "$3::bigint", 3, pv);
      }
      tell(w, label, lost ? "lost" : "failed", err);
      continue;
    }
    {
      char m[200];
      snprintf(m, sizeof(m), "%lld objects, %lld events", (long long)nobj,
               (long long)nev);
      tell(w, label, "done", m);
      /* the phases of the item, for bench/pg.sh */
      if(getenv("TOUCHLINE_WORKER_TIMING")) {
        int64_t t_end = now_ns();
        fprintf(stderr, "touchline worker timing: label=%s job=%d start=%.3f"
                " stage_s=%.3f lockwait_s=%.3f copy_s=%.3f objects=%lld "
                "events=%lld\n", label, wt->no, t_stage / 1e9,
                (t_copy - t_stage) / 1e9, (q_locked_ns - t_copy) / 1e9,
                (t_end - q_locked_ns) / 1e9, (long long)nobj, (long long)nev);
      }
    }
  }
  PQfinish(pg);
  pthread_mutex_lock(&w->mu);
  w->threads_left--;
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

tl_rc
tl_worker_run(const char *uri, const struct tl_worker_opts *opts,
              struct tl_worker_result *result, const char **errmsg)
{
  wshared *w;
  wthread *th;
  pthread_t *tid;
  PGconn *hb = NULL;
  uint32_t i, n, started = 0;
  tl_rc rc;

  q_err[0] = 0;
  if(errmsg)
    *errmsg = q_err;
  if(!uri || !opts) {
    snprintf(q_err, sizeof(q_err), "worker: a case URI is needed");
    return TL_USAGE;
  }
  if(!(w = calloc(1, sizeof(*w)))) {
    snprintf(q_err, sizeof(q_err), "out of memory");
    return TL_NOMEM;
  }
  if((rc = Tl_opts_in(&w->o, sizeof(w->o), opts, sizeof(uint32_t)))) {
    snprintf(q_err, sizeof(q_err), "worker: bad options");
    free(w);
    return rc;
  }
  memset(&w->ing, 0, sizeof(w->ing));
  w->ing.struct_size = sizeof(w->ing);
  w->ing.fat_tz = "UTC";
  if(w->o.ingest && (rc = Tl_opts_in(&w->ing, sizeof(w->ing), w->o.ingest,
                                     sizeof(uint32_t)))) {
    snprintf(q_err, sizeof(q_err), "worker: bad ingest options");
    free(w);
    return rc;
  }
  if(w->o.stale_s <= 0)
    w->o.stale_s = 60;
  w->uri = uri;
  Tl_pg_redact(uri, w->name, sizeof(w->name));
  if(gethostname(w->host, sizeof(w->host) - 1))
    snprintf(w->host, sizeof(w->host), "unknown");
  pthread_mutex_init(&w->mu, NULL);
  w->res.struct_size = sizeof(w->res);
  n = w->o.jobs ? w->o.jobs : 1;

  /* staging cases of workers of this host that died (SIGKILL, power) */
  {
    DIR *d = opendir(w->o.stage_dir ? w->o.stage_dir : "/tmp");
    struct dirent *de;
    while(d && (de = readdir(d))) {
      long p = 0;
      char f[4400];
      if(sscanf(de->d_name, "tl-worker-%ld-", &p) != 1 || p <= 0 ||
         p == (long)getpid() || kill((pid_t)p, 0) == 0 || errno != ESRCH)
        continue;
      snprintf(f, sizeof(f), "%s/%s", w->o.stage_dir ? w->o.stage_dir :
               "/tmp", de->d_name);
      unlink(f);
    }
    if(d)
      closedir(d);
  }
  /* the case (schema, queue) before any thread starts */
  if((rc = Tl_pg_connect(uri, &hb, q_err, sizeof(q_err))) ||
     (rc = Tl_pg_case_prepare(hb, w->name, queue_ddl, q_err,
                              sizeof(q_err)))) {
    if(hb)
      PQfinish(hb);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return rc;
  }
  th = calloc(n, sizeof(*th));
  tid = calloc(n, sizeof(*tid));
  if(!th || !tid) {
    free(th);
    free(tid);
    PQfinish(hb);
    pthread_mutex_destroy(&w->mu);
    free(w);
    snprintf(q_err, sizeof(q_err), "out of memory");
    return TL_NOMEM;
  }
  for(i = 0; i < n; i++) {
    th[i].w = w;
    th[i].no = (int)i;
    pthread_mutex_lock(&w->mu);
    w->threads_left++;
    pthread_mutex_unlock(&w->mu);
    if(pthread_create(&tid[i], NULL, worker_thread, &th[i])) {
      pthread_mutex_lock(&w->mu);
      w->threads_left--;
      pthread_mutex_unlock(&w->mu);
      break;
    }
    started++;
  }
  /* this thread beats the heartbeat of every claim of this process */
  {
    char pid[32], e[600];
    const char *pv[2];
    int left, tick = 0, every = w->o.stale_s >= 3 ? w->o.stale_s / 3 : 1;
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    pv[0] = w->host;
    pv[1] = pid;
    for(;;) {
      struct timespec ts = {0, 200000000};
      pthread_mutex_lock(&w->mu);
      left = w->threads_left;
      pthread_mutex_unlock(&w->mu);
      if(!left)
        break;
      nanosleep(&ts, NULL);
      if(++tick >= every * 5) {
        tick = 0;
        run0(hb, w->name, e, sizeof(e), "UPDATE tl_queue SET heartbeat = "
             "now() WHERE state = 'running' AND host = $1 AND pid = "
             "$2::bigint", 2, pv);
      }
    }
  }
  for(i = 0; i < started; i++)
    pthread_join(tid[i], NULL);
  PQfinish(hb);
  rc = w->fatal ? w->fatal : cancelled(w) ? TL_INTERRUPTED :
       w->res.n_failed ? TL_FAILED : TL_OK;
  if(w->fatal)
    snprintf(q_err, sizeof(q_err), "%s", w->fatal_msg);
  if(result && Tl_result_ok(result))
    Tl_result_out(result, &w->res, sizeof(w->res));
  pthread_mutex_destroy(&w->mu);
  free(th);
  free(tid);
  free(w);
  return rc;
}

#endif /* HAVE_LIBPQ */
