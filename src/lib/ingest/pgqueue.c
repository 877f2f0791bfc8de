/*
** The work queue of a PostgreSQL case (docs/POSTGRESQL.md, "The work
** queue"): `queue add` records manifest items in the table tl_queue of the
** case; `worker` claims one item at a time (FOR UPDATE SKIP LOCKED),
** ingests it into a private staging SQLite case with the ordinary ingest,
** reserves the item's ids in the case (a short transaction of their own),
** and copies that item into the PostgreSQL case in one transaction of its
** own, beside other workers' copies, as batch.c's writer does between
** SQLite cases: every id moved into its reserved range (itemcopy.c's table
** list says which columns are ids and what they name), the rows streamed
** with COPY, the run ended and the queue row set done in the same
** transaction. A worker's process beats its claims'
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

#include "analysis/match_int.h"
#include "base/abi_int.h"
#include "ingest/ingest_int.h"
#include "store/pg_int.h"
#include "store/store_int.h"

#ifdef HAVE_LIBPQ
static _Thread_local char q_err[1400];
/* TOUCHLINE_WORKER_TIMING (bench/pg.sh): when the item copy got its lock
** (lockwait_s: from the end of the staging ingest through the reservation
** of its ids to the item-copy lock) */
static _Thread_local int64_t q_locked_ns;
/* The items an item copy's UNC resolution saw (md5 of their evidence ids,
** taken in the copy transaction before it), for the pass after the
** commit (after_copy) */
static _Thread_local char q_items_seen[40];
#endif

#ifndef HAVE_LIBPQ
tl_rc
tl_queue_add(const char *uri, const tl_manifest *m, uint32_t *n_added,
             const char **errmsg)
{
  (void)uri;
  (void)m;
  (void)n_added;
  return Tl_pg_not_built(errmsg);
}

tl_rc
tl_queue_status(const char *uri, const struct tl_sink *out,
                const char **errmsg)
{
  (void)uri;
  (void)out;
  return Tl_pg_not_built(errmsg);
}

tl_rc
tl_worker_run(const char *uri, const struct tl_worker_opts *opts,
              struct tl_worker_result *result, const char **errmsg)
{
  (void)uri;
  (void)opts;
  (void)result;
  return Tl_pg_not_built(errmsg);
}

tl_rc
tl_pg_ingest(const char *uri, const char *image,
             const struct tl_ingest_opts *opts, const char *stage_dir,
             struct tl_ingest_result *result, const char **errmsg)
{
  (void)uri;
  (void)image;
  (void)opts;
  (void)stage_dir;
  (void)result;
  return Tl_pg_not_built(errmsg);
}

tl_rc
tl_pg_register_edit(const char *uri, int write,
                    int (*fn)(const char *path, void *ctx), void *ctx,
                    int *fn_status, const char **errmsg)
{
  (void)uri;
  (void)write;
  (void)fn;
  (void)ctx;
  (void)fn_status;
  return Tl_pg_not_built(errmsg);
}
#else

const char Tl_pg_queue_ddl[] =
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

/* The steps of a worker that need more than INSERT and the UPDATE of a run
** row's end, as functions owned by the owner of the case (SECURITY
** DEFINER), so that an examiner role can run workers and `ingest URI`
** (docs/POSTGRESQL.md, "Roles"): the item-copy lock (ROW EXCLUSIVE on
** case_meta: copies run side by side) and the register's (SHARE ROW
** EXCLUSIVE: a register import waits for the copies in flight, and they
** for it), the turn for a run id, the queue's claims and states,
** the reservation of an item's ids (tl_reserve_ids, made by
** reserve_fn_sql() from itemcopy.c's table list). Made with the queue, by
** the owner. tl_lock_copy() was the one-copy-at-a-time lock of earlier
** workers, which gave ids by max() under it: it now refuses, so that such
** a worker cannot give ids that a reservation holds; tl_next_object_id()
** and tl_event_partition() went with it (the reservation does both). */
static const char queue_fns[] =
  "CREATE OR REPLACE FUNCTION tl_lock_copy() RETURNS void LANGUAGE plpgsql "
  "SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN RAISE "
  "EXCEPTION 'this case reserves the ids of each item before its copy: "
  "a touchline that copies one item at a time must not write it; "
  "upgrade this touchline'; END $f$;\n"
  "DROP FUNCTION IF EXISTS tl_next_object_id(bigint);\n"
  "DROP FUNCTION IF EXISTS tl_event_partition(bigint);\n"
  "CREATE OR REPLACE FUNCTION tl_lock_register() RETURNS void LANGUAGE "
  "plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN LOCK "
  "TABLE case_meta IN SHARE ROW EXCLUSIVE MODE; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_lock_item() RETURNS void LANGUAGE plpgsql "
  "SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN LOCK TABLE "
  "case_meta IN ROW EXCLUSIVE MODE; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_lock_run() RETURNS void LANGUAGE plpgsql "
  "SECURITY DEFINER SET search_path FROM CURRENT AS $f$ BEGIN PERFORM "
  "pg_advisory_xact_lock(1953260387); END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_claim_item(p_claim text, p_host text, "
  "p_pid bigint, p_stale integer) RETURNS TABLE(item_id bigint, attempts "
  "integer, label text, division text, image text) LANGUAGE sql SECURITY "
  "DEFINER SET search_path FROM CURRENT AS $f$ UPDATE tl_queue q SET state "
  "= 'running', claim = p_claim, host = p_host, pid = p_pid, claimed = "
  "now(), heartbeat = now(), ended = NULL, attempts = q.attempts + 1, "
  "message = NULL WHERE q.item_id = (SELECT i.item_id FROM tl_queue i WHERE "
  "i.state = 'waiting' OR (i.state = 'running' AND i.heartbeat < now() - "
  "p_stale * interval '1 second') ORDER BY i.item_id LIMIT 1 FOR UPDATE "
  "SKIP LOCKED) RETURNING q.item_id, q.attempts, q.label, q.division, "
  "q.image $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_claim_check(p_item bigint, p_claim text, "
  "p_attempts integer) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER "
  "SET search_path FROM CURRENT AS $f$ BEGIN PERFORM 1 FROM tl_queue WHERE "
  "item_id = p_item AND claim = p_claim AND attempts = p_attempts AND state "
  "= 'running' FOR UPDATE; RETURN FOUND; END $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_queue_done(p_item bigint, p_ev bigint, "
  "p_nobj bigint, p_nev bigint, p_run bigint) RETURNS void LANGUAGE sql "
  "SECURITY DEFINER SET search_path FROM CURRENT AS $f$ UPDATE tl_queue SET "
  "state = 'done', ended = now(), evidence_id = p_ev, n_objects = p_nobj, "
  "n_events = p_nev, run_id = p_run, message = NULL WHERE item_id = p_item "
  "$f$;\n"
  "CREATE OR REPLACE FUNCTION tl_queue_fail(p_item bigint, p_claim text, "
  "p_attempts integer, p_msg text) RETURNS void LANGUAGE sql SECURITY "
  "DEFINER SET search_path FROM CURRENT AS $f$ UPDATE tl_queue SET state = "
  "'failed', ended = now(), message = p_msg WHERE item_id = p_item AND "
  "claim = p_claim AND attempts = p_attempts $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_queue_requeue(p_item bigint, p_claim text)"
  " RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT"
  " AS $f$ UPDATE tl_queue SET state = 'waiting', claim = NULL WHERE "
  "item_id = p_item AND claim = p_claim $f$;\n"
  "CREATE OR REPLACE FUNCTION tl_heartbeat(p_host text, p_pid bigint) "
  "RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT "
  "AS $f$ UPDATE tl_queue SET heartbeat = now() WHERE item_id IN (SELECT "
  "item_id FROM tl_queue WHERE state = 'running' AND host = p_host AND pid "
  "= p_pid FOR UPDATE SKIP LOCKED) $f$;\n";

/* tl_reserve_ids(tables, spans): the ids of one item, reserved in a short
** transaction of their own (the caller's one statement, committed at
** once). Under an advisory lock (reservations take turns; they do not
** wait for copies, nor copies for them), for each table the first id is
** the larger of the case's mark (case_meta 'next_<table>_id';
** 'next_object_id' is the schema's object-id high-water mark) and
** max(key) + 1, and the mark moves past the span. Returns the first id of
** each range. The reserved evidence id gets its event partition here
** (CREATE TABLE, then ATTACH PARTITION, which waits for no copy: CREATE
** TABLE ... PARTITION OF would lock `event` ACCESS EXCLUSIVE and so wait
** for every copy in flight). Only the tables of itemcopy.c's list whose
** keys the case gives are accepted. Before the partition is made, the
** caller's session takes the advisory lock (1953260388, evidence id mod
** 2^31), held past this transaction until the copy has ended
** (unlock_reserved) or the session ends: while it is held, `case tidy`
** leaves the partition alone (pgtidy.c). Returns a malloc'd string. */
static char *
reserve_fn_sql(void)
{
  size_t i, cap = 8192, len = 0;
  const char *t, *pk;
  int kind;
  char *s = malloc(cap);
  if(!s)
    return NULL;
  len += (size_t)snprintf(s + len, cap - len,
    "CREATE OR REPLACE FUNCTION tl_reserve_ids(p_tables text[], p_span "
    "bigint[]) RETURNS bigint[] LANGUAGE plpgsql SECURITY DEFINER SET "
    "search_path FROM CURRENT AS $f$ DECLARE i integer; pk text; b bigint; "
    "m bigint; k text; r bigint[] := '{}'; BEGIN PERFORM "
    "pg_advisory_xact_lock(1953260386); FOR i IN 1 .. coalesce("
    "array_length(p_tables, 1), 0) LOOP pk := CASE p_tables[i]");
  for(i = 0; Tl_item_table(i, &t, &kind, &pk) && len + 200 < cap; i++)
    if(kind == 2 && pk)
      len += (size_t)snprintf(s + len, cap - len, " WHEN '%s' THEN '%s'", t,
                              pk);
  snprintf(s + len, cap - len,
    " END; IF pk IS NULL OR p_span[i] IS NULL OR p_span[i] < 1 THEN RAISE "
    "EXCEPTION 'tl_reserve_ids: no ids of table %% to reserve', "
    "p_tables[i]; END IF; EXECUTE format('SELECT coalesce(max(%%I), 0) + 1 "
    "FROM %%I', pk, p_tables[i]) INTO b; k := 'next_' || p_tables[i] || "
    "'_id'; SELECT value::bigint INTO m FROM case_meta WHERE key = k; b := "
    "greatest(b, coalesce(m, 1)); INSERT INTO case_meta VALUES(k, (b + "
    "p_span[i])::text) ON CONFLICT (key) DO UPDATE SET value = "
    "excluded.value; r := r || b; IF p_tables[i] = 'evidence' THEN PERFORM "
    "pg_advisory_lock(1953260388, (b %% 2147483648)::integer); EXECUTE "
    "format('CREATE TABLE %%I (LIKE event)', 'event_e' || b); EXECUTE "
    "format('ALTER TABLE event ATTACH PARTITION %%I FOR VALUES IN (%%s)', "
    "'event_e' || b, b); END IF; END LOOP; RETURN r; END $f$;\n");
  return s;
}

/* The queue and its functions, made when absent (by the owner: another
** role is told to ask the owner), in the case made when absent. */
static tl_rc
prepare_case(PGconn *pg, const char *name, char *err, size_t n);

tl_rc
Tl_pg_queue_prepare(struct pg_conn *pg, const char *name, char *err, size_t n)
{
  return prepare_case((PGconn *)pg, name, err, n);
}

static tl_rc
prepare_case(PGconn *pg, const char *name, char *err, size_t n)
{
  PGresult *r;
  int have;
  char *ddl, *rfn;
  size_t len;
  tl_rc rc;
  int core;
  /* core: the queue and its functions; have: also the tidy function made
  ** with the reservation that takes its lock (pgtidy.c) */
  r = Tl_pg_run(pg, name, err, n, "SELECT to_regclass('tl_queue') IS NOT NULL "
          "AND to_regproc('tl_reserve_ids') IS NOT NULL AND "
          "to_regproc('tl_lock_register') IS NOT NULL, "
          "to_regproc('tl_tidy_partitions') IS NOT NULL", 0, NULL);
  if(!r)
    return TL_IO;
  core = !strcmp(PQgetvalue(r, 0, 0), "t");
  have = core && !strcmp(PQgetvalue(r, 0, 1), "t");
  PQclear(r);
  if(have)
    return Tl_pg_case_prepare(pg, name, NULL, err, n);
  rfn = reserve_fn_sql();
  len = sizeof(Tl_pg_queue_ddl) + sizeof(queue_fns) +
        (rfn ? strlen(rfn) : 0) + strlen(Tl_pg_tidy_fn) + 8;
  if(!rfn || !(ddl = malloc(len))) {
    free(rfn);
    snprintf(err, n, "out of memory");
    return TL_NOMEM;
  }
  snprintf(ddl, len, "%s;\n%s%s%s", Tl_pg_queue_ddl, queue_fns, rfn,
           Tl_pg_tidy_fn);
  free(rfn);
  rc = Tl_pg_case_prepare(pg, name, ddl, err, n);
  free(ddl);
  /* a case of the version before the tidy function, and a role that may
  ** not make it: works as that version did (nothing is tidied) */
  if(rc == TL_IO && core && (strstr(err, "permission denied") ||
                             strstr(err, "must be owner")))
    return Tl_pg_case_prepare(pg, name, NULL, err, n);
  if(rc == TL_IO && (strstr(err, "permission denied") ||
                     strstr(err, "must be owner"))) {
    char e2[600];
    snprintf(e2, sizeof(e2), "%.560s", err);
    snprintf(err, n, "%s (the case's work queue and its functions are "
             "made once by the owner of the case: `touchline queue URI add`"
             " as that role)", e2);
  }
  return rc;
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
     (rc = prepare_case(pg, name, q_err, sizeof(q_err)))) {
    if(pg)
      PQfinish(pg);
    return rc;
  }
  rc = TL_OK;
  cnt = tl_manifest_count(m);
  if(Tl_pg_run0(pg, name, q_err, sizeof(q_err), "BEGIN", 0, NULL))
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
    r = Tl_pg_run(pg, name, q_err, sizeof(q_err), "INSERT INTO tl_queue(label, "
            "division, image) VALUES($1, $2, $3) ON CONFLICT (label) DO "
            "NOTHING", 3, pv);
    if(!r)
      rc = TL_IO;
    else
      added += (uint32_t)atoi(PQcmdTuples(r));
    PQclear(r);
  }
  if(!rc && Tl_pg_run0(pg, name, q_err, sizeof(q_err), "COMMIT", 0, NULL))
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
  r = Tl_pg_run(pg, name, q_err, sizeof(q_err), "SELECT "
          "to_regclass('tl_queue') IS NOT NULL", 0, NULL);
  if(!r || strcmp(PQgetvalue(r, 0, 0), "t")) {
    if(r)
      snprintf(q_err, sizeof(q_err), "%s: no work queue (touchline queue "
               "URI add --manifest FILE makes it)", name);
    PQclear(r);
    PQfinish(pg);
    return r ? TL_FAILED : TL_IO;
  }
  PQclear(r);
  r = Tl_pg_run(pg, name, q_err, sizeof(q_err),
          "SELECT label, coalesce(division, '-'), state, "
          "coalesce(host || ':' || pid, '-'), attempts, "
          "coalesce(n_objects::text, '-'), coalesce(n_events::text, '-'), "
          "coalesce(to_char(extract(epoch FROM ended - claimed), "
          "'FM999990.0'), '-'), "
          "CASE WHEN state = 'running' THEN 'heartbeat ' || "
          "to_char(extract(epoch FROM now() - heartbeat), 'FM999990') || "
          "' s ago' ELSE coalesce(message, (SELECT r.message FROM run r "
          "WHERE r.run_id = tl_queue.run_id AND tl_queue.state = 'done'), "
          "'') END, image FROM tl_queue ORDER BY item_id", 0, NULL);
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
  r = rc ? NULL : Tl_pg_run(pg, name, q_err, sizeof(q_err),
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
  /* copy candidates a worker could not hash (another item's image not
  ** reachable from it: its run says so), counted again now: what
  ** `targets URI match` would still hash */
  if(!rc) {
    char *sql;
    size_t len = strlen(Tl_copy_candidates_sql) + 300;
    if(!(sql = malloc(len)))
      rc = TL_NOMEM;
    else {
      snprintf(sql, len, "SELECT CASE WHEN EXISTS (SELECT 1 FROM run WHERE "
               "message LIKE '%%targets URI match%%') THEN (SELECT count(*) "
               "FROM (%s) x) ELSE 0 END", Tl_copy_candidates_sql);
      r = Tl_pg_run(pg, name, q_err, sizeof(q_err), sql, 0, NULL);
      free(sql);
      if(!r)
        rc = TL_IO;
      else if(strcmp(PQgetvalue(r, 0, 0), "0")) {
        k = snprintf(line, sizeof(line), "%s copy candidates of the case "
                     "have no content hash (an item's image could not be "
                     "opened where it was copied): run `touchline targets "
                     "URI match` where every item's image can be opened\n",
                     PQgetvalue(r, 0, 0));
        if(Tl_sink_write(out, line, (size_t)k))
          rc = TL_IO;
      }
      PQclear(r);
    }
  }
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

static int copy_fault(void);

/* The ids of one staged item in the case: reserved before its copy. */
typedef struct {
  int64_t off[32];          /* by Tl_item_table index: added to its ids */
  int64_t src_ev, ev;       /* the evidence id staged, and in the case */
  char tables[600];         /* the reserved tables, a PostgreSQL array */
  char ends[800];           /* past the end of each range, an array */
} ireserve;

static int
item_table_index(const char *name)
{
  const char *t, *pk;
  int kind;
  size_t i;
  for(i = 0; i < 32 && Tl_item_table(i, &t, &kind, &pk); i++)
    if(!strcmp(t, name))
      return (int)i;
  return -1;
}

static int
staged_int(sqlite3 *db, const char *sql, int64_t *v, int *have, char *err,
           size_t n)
{
  sqlite3_stmt *s;
  int r;
  *v = 0;
  if(have)
    *have = 0;
  if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
    return -1;
  }
  if((r = sqlite3_step(s)) == SQLITE_ROW &&
     sqlite3_column_type(s, 0) != SQLITE_NULL) {
    *v = sqlite3_column_int64(s, 0);
    if(have)
      *have = 1;
  }
  sqlite3_finalize(s);
  if(r != SQLITE_ROW && r != SQLITE_DONE) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

/* Reserve the item's ids in the case (tl_reserve_ids: one short
** transaction, committed at once) from the staging case's ranges: for each
** table of itemcopy.c's list with its own key, the span of the staged ids
** (objects: up to the staging case's high-water mark). Ids reserved and
** then not used (a failed or killed copy) stay unused: they are never
** given again. 0, or -1 with err set. */
static int
reserve_ids(PGconn *pg, wshared *w, const char *path, ireserve *rv,
            char *err, size_t n)
{
  sqlite3 *db = NULL;
  const char *t, *pk;
  int kind, idx[32], nt = 0, rc = -1, k;
  int64_t lo[32], src_next = 0, nev = 0, v;
  size_t i, tl = 0, el = 0;
  char spans[800], sql[300];
  const char *pv[2];
  PGresult *r = NULL;
  char *p;

  memset(rv, 0, sizeof(*rv));
  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, n, "%.600s: %s", path, db ? sqlite3_errmsg(db) :
             "no memory");
    sqlite3_close(db);
    return -1;
  }
  if(staged_int(db, "SELECT count(*) FROM evidence", &nev, NULL, err, n) ||
     staged_int(db, "SELECT evidence_id FROM evidence", &rv->src_ev, NULL,
                err, n) ||
     staged_int(db, "SELECT max(coalesce((SELECT CAST(value AS INTEGER) "
                "FROM case_meta WHERE key = 'next_object_id'), 1), (SELECT "
                "coalesce(max(object_id), 0) + 1 FROM object))", &src_next,
                NULL, err, n))
    goto out;
  if(nev != 1) {
    snprintf(err, n, "the staging case holds %lld items, not one",
             (long long)nev);
    goto out;
  }
  snprintf(rv->tables, sizeof(rv->tables), "{");
  snprintf(spans, sizeof(spans), "{");
  tl = el = 1;
  for(i = 0; i < 32 && Tl_item_table(i, &t, &kind, &pk); i++) {
    int64_t hi;
    int have;
    if(kind != 2 || !pk)
      continue;
    snprintf(sql, sizeof(sql), "SELECT min(\"%s\") FROM \"%s\"", pk, t);
    if(staged_int(db, sql, &lo[i], &have, err, n))
      goto out;
    if(!have)
      continue;
    snprintf(sql, sizeof(sql), "SELECT max(\"%s\") FROM \"%s\"", pk, t);
    if(staged_int(db, sql, &hi, NULL, err, n))
      goto out;
    if(!strcmp(t, "object") && src_next - 1 > hi)
      hi = src_next - 1;
    tl += (size_t)snprintf(rv->tables + tl, sizeof(rv->tables) - tl, "%s%s",
                           nt ? "," : "", t);
    el += (size_t)snprintf(spans + el, sizeof(spans) - el, "%s%lld",
                           nt ? "," : "", (long long)(hi - lo[i] + 1));
    idx[nt++] = (int)i;
  }
  snprintf(rv->tables + tl, sizeof(rv->tables) - tl, "}");
  snprintf(spans + el, sizeof(spans) - el, "}");
  pv[0] = rv->tables;
  pv[1] = spans;
  if(!(r = Tl_pg_run(pg, w->name, err, n, "SELECT tl_reserve_ids($1::text[], "
               "$2::bigint[])", 2, pv)))
    goto out;
  /* {b1,b2,...}: the first id of each range */
  p = PQgetvalue(r, 0, 0);
  if(*p == '{')
    p++;
  snprintf(rv->ends, sizeof(rv->ends), "{");
  el = 1;
  for(k = 0; k < nt; k++) {
    char *e;
    int64_t span;
    v = strtoll(p, &e, 10);
    if(e == p) {
      snprintf(err, n, "tl_reserve_ids: an unexpected answer: %.200s",
               PQgetvalue(r, 0, 0));
      goto out;
    }
    p = *e == ',' ? e + 1 : e;
    rv->off[idx[k]] = v - lo[idx[k]];
    Tl_item_table((size_t)idx[k], &t, &kind, &pk);
    snprintf(sql, sizeof(sql), "SELECT max(\"%s\") FROM \"%s\"", pk, t);
    if(staged_int(db, sql, &span, NULL, err, n))
      goto out;
    if(!strcmp(t, "object") && src_next - 1 > span)
      span = src_next - 1;
    el += (size_t)snprintf(rv->ends + el, sizeof(rv->ends) - el, "%s%lld",
                           k ? "," : "", (long long)(span + rv->off[idx[k]]
                                                     + 1));
  }
  snprintf(rv->ends + el, sizeof(rv->ends) - el, "}");
  k = item_table_index("evidence");
  rv->ev = rv->src_ev + (k >= 0 ? rv->off[k] : 0);
  rc = 0;
out:
  PQclear(r);
  sqlite3_close(db);
  return rc;
}

/* The rows of an item of the case (evidence id as text), deleted for
** --replace, as ingest.c's Tl_ingest_delete_item does in a SQLite case;
** the statements come from itemcopy.c's table list (a table whose rows
** name the item, or name rows of a table that does), children first. */
static int
delete_item(PGconn *pg, wshared *w, const char *ev, char *err, size_t n)
{
  const char *pv[1] = {ev};
  const char *t, *pk, *c, *ref;
  int kind;
  size_t i, j, cnt = 0;
  while(Tl_item_table(cnt, &t, &kind, &pk))
    cnt++;
  /* what names the item's objects from the case's own tables and from
  ** other items (artifact events keep their path text, unresolved) */
  if(Tl_pg_run0(pg, w->name, err, n, "DELETE FROM target_match WHERE object_id "
          "IN (SELECT object_id FROM object WHERE evidence_id = $1::bigint)",
          1, pv) ||
     Tl_pg_run0(pg, w->name, err, n, "UPDATE artifact_event SET object_id = "
          "NULL, resolved_by = NULL WHERE evidence_id <> $1::bigint AND "
          "object_id IN (SELECT object_id FROM object WHERE evidence_id = "
          "$1::bigint)",
          1, pv))
    return -1;
  for(i = cnt; i-- > 0;) {
    char sql[400];
    int done = 0;
    Tl_item_table(i, &t, &kind, &pk);
    if(kind != 2)
      continue;
    if(!strcmp(t, "evidence")) {
      snprintf(sql, sizeof(sql), "DELETE FROM evidence WHERE evidence_id = "
               "$1::bigint");
      done = 1;
    }
    for(j = 0; !done && Tl_item_idcol(i, j, &c, &ref); j++)
      if(ref && !strcmp(ref, "evidence")) {
        snprintf(sql, sizeof(sql), "DELETE FROM \"%s\" WHERE \"%s\" = "
                 "$1::bigint", t, c);
        done = 1;
      }
    /* through a table that names the item: its key */
    for(j = 0; !done && Tl_item_idcol(i, j, &c, &ref); j++) {
      int ri = ref ? item_table_index(ref) : -1;
      const char *rt, *rpk, *c2, *r2;
      int rk;
      size_t m;
      if(ri < 0 || !Tl_item_table((size_t)ri, &rt, &rk, &rpk) || !rpk)
        continue;
      for(m = 0; !done && Tl_item_idcol((size_t)ri, m, &c2, &r2); m++)
        if(r2 && !strcmp(r2, "evidence")) {
          snprintf(sql, sizeof(sql), "DELETE FROM \"%s\" WHERE \"%s\" IN "
                   "(SELECT \"%s\" FROM \"%s\" WHERE \"%s\" = $1::bigint)",
                   t, c, rpk, rt, c2);
          done = 1;
        }
    }
    /* rows that name no item (plugin: per run) are kept, as in SQLite */
    if(done && Tl_pg_run0(pg, w->name, err, n, sql, 1, pv))
      return -1;
  }
  return 0;
}

/* Test hook (configure --enable-test-hooks only): TOUCHLINE_PG_PAUSE=FILE
** makes the item's copy transaction, every table copied and before its
** COMMIT, create FILE and wait while it exists (at most 600 s): a test
** shows other copies go on meanwhile (tests/pg_concurrent.sh). */
static void
copy_pause(void)
{
#ifdef TL_TEST_HOOKS
  const char *f = getenv("TOUCHLINE_PG_PAUSE");
  FILE *fp;
  int i;
  if(!f || !*f || !(fp = fopen(f, "w")))
    return;
  fclose(fp);
  for(i = 0; i < 6000 && access(f, F_OK) == 0; i++) {
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
  }
#endif
}

/* The items of the case with the staged item's label or media (pv: label,
** MD5, SHA-256; NULL hashes: no media match), as a SQLite ingest checks:
** evidence_id and label, the label's own first. The result, or NULL with
** err set. */
static PGresult *
same_items(PGconn *pg, wshared *w, const char *const *pv, char *err,
           size_t n)
{
  return Tl_pg_run(pg, w->name, err, n, "SELECT evidence_id, label FROM "
             "evidence WHERE label = $1 OR ($2::text IS NOT NULL AND md5 = $2 "
             "AND sha256 IS NOT DISTINCT FROM $3) ORDER BY label = $1 DESC, "
             "evidence_id", 3, pv);
}

/* err: why the staged item (label lab, MD5 md5) is refused, from the first
** row of same_items() */
static void
say_same_item(PGresult *r, const char *lab, const char *md5, char *err,
              size_t n)
{
  if(!strcmp(PQgetvalue(r, 0, 1), lab))
    snprintf(err, n, "an item labelled '%s' is already in the case "
             "(evidence %s)", lab, PQgetvalue(r, 0, 0));
  else
    snprintf(err, n, "the same media (MD5 %s) is already in the case as "
             "evidence %s, labelled '%s'", md5, PQgetvalue(r, 0, 0),
             PQgetvalue(r, 0, 1));
}

/* The staged item's label and media hashes (lab 600, md5 and sha 80
** bytes; "" when absent). 0, or -1 with err set. */
static int
staged_identity(sqlite3 *db, char *lab, char *md5, char *sha, char *err,
                size_t n)
{
  sqlite3_stmt *s;
  if(sqlite3_prepare_v2(db, "SELECT label, md5, sha256 FROM evidence", -1,
                        &s, NULL) != SQLITE_OK) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(db));
    return -1;
  }
  if(sqlite3_step(s) == SQLITE_ROW) {
    snprintf(lab, 600, "%s", sqlite3_column_text(s, 0) ?
             (const char *)sqlite3_column_text(s, 0) : "");
    snprintf(md5, 80, "%s", sqlite3_column_text(s, 1) ?
             (const char *)sqlite3_column_text(s, 1) : "");
    snprintf(sha, 80, "%s", sqlite3_column_text(s, 2) ?
             (const char *)sqlite3_column_text(s, 2) : "");
  }
  sqlite3_finalize(s);
  return 0;
}

/* The copy of the staged item (the SQLite file at path) into the case, in
** one transaction that also ends the run and the queue row, with the ids
** reserved before (rv). The transaction holds the item-copy lock
** (ROW EXCLUSIVE on case_meta), which other copies share: only a register
** import (SHARE ROW EXCLUSIVE) and `case copy` (ACCESS EXCLUSIVE) wait for
** it, and it for them. Labels and media stay unique through advisory locks
** on each (two items of one label take turns from here to COMMIT).
** replace: an item of the same label or media is deleted in the same
** transaction (its evidence ids in replaced, n_rep of them, at most 8).
** 0, or -1 with err set, -2 the item is in the case already. lost: the
** claim was taken by another worker; stale: the register changed since it
** was matched. */
static int
copy_item(PGconn *pg, wshared *w, const char *path, const char *item_id,
          const char *claim, const char *attempts, int64_t run_id,
          const ireserve *rv, int replace, const char *fp, int *lost,
          int *stale, int64_t *nobj, int64_t *nev, int64_t *nmatch,
          int64_t *replaced, int *n_rep, char *err, size_t n)
{
  sqlite3 *db = NULL;
  size_t i, j;
  int rc = -1;
  char num[4][40];
  const char *pv[6];
  PGresult *r;

  *lost = 0;
  *stale = 0;
  *n_rep = 0;
  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, n, "%.600s: %s", path, db ? sqlite3_errmsg(db) :
             "no memory");
    sqlite3_close(db);
    return -1;
  }
  if(Tl_pg_run0(pg, w->name, err, n, "BEGIN", 0, NULL))
    goto out;
  if(Tl_pg_run0(pg, w->name, err, n, "SELECT tl_lock_item()", 0, NULL))
    goto out;
  q_locked_ns = Tl_now_ns();
  pv[0] = item_id;
  pv[1] = claim;
  pv[2] = attempts;
  if(item_id && !(r = Tl_pg_run(pg, w->name, err, n, "SELECT tl_claim_check("
                          "$1::bigint, $2, $3::integer)", 3, pv)))
    goto out;
  if(item_id && strcmp(PQgetvalue(r, 0, 0), "t")) {
    PQclear(r);
    *lost = 1;
    snprintf(err, n, "the claim was taken by another worker (heartbeat "
             "timeout); its result is not kept");
    goto out;
  }
  if(item_id)
    PQclear(r);
  /* the register matched against is still the case's: a register import
  ** holds SHARE ROW EXCLUSIVE on case_meta until it commits, so it is
  ** either seen here or waits for this copy */
  if(fp) {
    if(!(r = Tl_pg_run(pg, w->name, err, n, Tl_pg_register_fp_sql, 0, NULL)))
      goto out;
    if(strcmp(PQgetvalue(r, 0, 0), fp)) {
      PQclear(r);
      *stale = 1;
      snprintf(err, n, "the register or the division map changed while "
               "the item was matched");
      goto out;
    }
    PQclear(r);
  }
  /* the reservation still holds: the marks are past it and its evidence
  ** id is free (a `case copy --replace` of the case in between resets
  ** them) */
  {
    char evs[40];
    snprintf(evs, sizeof(evs), "%lld", (long long)rv->ev);
    pv[0] = rv->tables;
    pv[1] = rv->ends;
    pv[2] = evs;
    if(!(r = Tl_pg_run(pg, w->name, err, n, "SELECT "
                 "coalesce(bool_and(coalesce((SELECT value::bigint FROM "
                 "case_meta WHERE key = 'next_' || x.t || '_id'), 0) >= x.e), "
                 "true) AND NOT EXISTS (SELECT 1 FROM evidence WHERE "
                 "evidence_id = $3::bigint) FROM unnest($1::text[], "
                 "$2::bigint[]) AS x(t, e)", 3, pv)))
      goto out;
    if(strcmp(PQgetvalue(r, 0, 0), "t")) {
      PQclear(r);
      snprintf(err, n, "the ids reserved for the item are no longer its "
               "own (the case was replaced while it was copied?); nothing "
               "was kept");
      goto out;
    }
    PQclear(r);
  }
  {
    char lab[600] = "", md5[80] = "", sha[80] = "";
    int k;
    if(staged_identity(db, lab, md5, sha, err, n))
      goto out;
    pv[0] = lab;
    pv[1] = md5[0] ? md5 : NULL;
    pv[2] = sha[0] ? sha : NULL;
    /* one item of a label, one of a media: copies of the same take turns
    ** from here to their COMMIT (label first, then media: no cycle) */
    if(Tl_pg_run0(pg, w->name, err, n, "SELECT pg_advisory_xact_lock("
            "hashtextextended('touchline label ' || $1, 0))", 1, pv) ||
       (md5[0] && Tl_pg_run0(pg, w->name, err, n, "SELECT "
                       "pg_advisory_xact_lock(hashtextextended('touchline "
                       "media ' || $1, 0))", 1,
                       pv + 1)))
      goto out;
    if(!(r = same_items(pg, w, pv, err, n)))
      goto out;
    if(PQntuples(r) && !replace) {
      say_same_item(r, lab, md5, err, n);
      PQclear(r);
      rc = -2;
      goto out;
    }
    /* --replace: the item it replaces goes in this transaction */
    for(k = 0; k < PQntuples(r) && k < 8; k++) {
      char e2[40];
      snprintf(e2, sizeof(e2), "%s", PQgetvalue(r, k, 0));
      if(delete_item(pg, w, e2, err, n)) {
        PQclear(r);
        goto out;
      }
      replaced[(*n_rep)++] = strtoll(e2, NULL, 10);
    }
    PQclear(r);
  }

  /* every item table, its id columns moved into the reserved ranges */
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
        int m = item_table_index(ref);
        if(m >= 0)
          o = rv->off[m];
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
  /* the item's matches, made in the staging case against the register
  ** checked above */
  if(fp) {
    int m = item_table_index("object");
    int64_t obj_off = m >= 0 ? rv->off[m] : 0;
    uint64_t rows = 0;
    char sel[300];
    sqlite3_stmt *s;
    int64_t want = -1;
    snprintf(sel, sizeof(sel), "SELECT target_id, CASE WHEN object_id > 0 "
             "THEN object_id + %lld ELSE object_id END, how FROM "
             "target_match ORDER BY target_id, object_id",
             (long long)obj_off);
    if(Tl_pg_copy_select(pg, w->name, db, "target_match", sel, &rows, err,
                         n))
      goto out;
    if(sqlite3_prepare_v2(db, "SELECT count(*) FROM target_match", -1, &s,
                          NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      want = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if((int64_t)rows != want) {
      snprintf(err, n, "table target_match: %llu rows copied of %lld",
               (unsigned long long)rows, (long long)want);
      goto out;
    }
    *nmatch = want;
  }
  {
    /* as a SQLite ingest in the item's transaction: the case's UNC paths
    ** the new item may resolve (a workstation's link to \\FS01\... of
    ** an item copied before FS01), resolved again; a role that may not
    ** change them leaves them to `artifacts URI add`, said in the run */
    uint64_t n_unc, n_left;
    char left[200] = "";
    if(!(r = Tl_pg_run(pg, w->name, err, n, Tl_pg_items_seen_sql, 0, NULL)))
      goto out;
    snprintf(q_items_seen, sizeof(q_items_seen), "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if(Tl_pg_resolve_unc((struct pg_conn *)pg, w->name, w->o.stage_dir,
                         &n_unc, &n_left, err, n))
      goto out;
    if(n_left)
      snprintf(left, sizeof(left), "%llu UNC paths of other items not "
               "resolved again: this role may not change artifact events "
               "(`artifacts URI add` does it)", (unsigned long long)n_left);
    snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
    snprintf(num[1], sizeof(num[1]), "%lld", (long long)rv->ev);
    snprintf(num[2], sizeof(num[2]), "%lld", (long long)run_id);
    pv[0] = num[0];
    pv[1] = num[1];
    pv[2] = num[2];
    pv[3] = n_left ? left : NULL;
    if(Tl_pg_run0(pg, w->name, err, n, "UPDATE run SET status = 'complete', "
            "ended_ns = $1, evidence_id = $2, message = $4 WHERE run_id = "
            "$3", 4, pv))
      goto out;
  }
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)*nobj);
  snprintf(num[3], sizeof(num[3]), "%lld", (long long)*nev);
  pv[0] = item_id;
  pv[1] = num[1];
  pv[2] = num[0];
  pv[3] = num[3];
  pv[4] = num[2];
  if(item_id && Tl_pg_run0(pg, w->name, err, n, "SELECT tl_queue_done("
                     "$1::bigint, $2::bigint, $3::bigint, $4::bigint, "
                     "$5::bigint)", 5, pv))
    goto out;
  copy_pause();
  if(copy_fault() || Tl_pg_run0(pg, w->name, err, n, "COMMIT", 0, NULL))
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

/* After a --replace committed: the replaced item's event partition, empty
** now, detached and dropped. DETACH ... CONCURRENTLY waits for the
** transactions that may still read it (a reader's snapshot from before the
** replace sees the old item whole) without locking `event` against the
** copies and readers; a plain DROP would. Best effort: an empty partition
** left behind holds no rows. */
static void
drop_partition(PGconn *pg, wshared *w, int64_t ev)
{
  char sql[200], e[600], name[40];
  PGresult *r;
  snprintf(name, sizeof(name), "event_e%lld", (long long)ev);
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_inherits WHERE "
           "inhrelid = to_regclass('%s') AND inhparent = 'event'::regclass",
           name);
  if(!(r = Tl_pg_run(pg, w->name, e, sizeof(e), sql, 0, NULL)))
    return;
  if(!strcmp(PQgetvalue(r, 0, 0), "1")) {
    snprintf(sql, sizeof(sql), "ALTER TABLE event DETACH PARTITION \"%s\" "
             "CONCURRENTLY", name);
    if(!Tl_pg_run0(pg, w->name, e, sizeof(e), sql, 0, NULL)) {
      snprintf(sql, sizeof(sql), "DROP TABLE \"%s\"", name);
      Tl_pg_run0(pg, w->name, e, sizeof(e), sql, 0, NULL);
    }
  }
  PQclear(r);
}

/* End the run and the queue row as failed (when the claim is still ours). */
static void
fail_item(PGconn *pg, wshared *w, const char *item_id, const char *claim,
          const char *attempts, int64_t run_id, const char *why)
{
  char num[2][40], e[200];
  const char *pv[4];
  snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
  snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
  pv[0] = num[0];
  pv[1] = why;
  pv[2] = num[1];
  if(run_id)
    Tl_pg_run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = 'failed', "
         "ended_ns = $1, message = $2 WHERE run_id = $3 AND status = "
         "'running'", 3, pv);
  if(!item_id)
    return;
  pv[0] = item_id;
  pv[1] = claim;
  pv[2] = attempts;
  pv[3] = why;
  Tl_pg_run0(pg, w->name, e, sizeof(e), "SELECT tl_queue_fail($1::bigint, $2, "
       "$3::integer, $4)", 4, pv);
}

/* The fingerprint of the register and the division map (what the matcher
** reads of the case's own tables) and the number of targets. */
const char Tl_pg_register_fp_sql[] =
  "SELECT md5(coalesce((SELECT string_agg(t::text, E'\n' ORDER BY "
  "target_id) FROM target t), '') || E'\f' || coalesce((SELECT "
  "string_agg(d::text, E'\n' ORDER BY evidence COLLATE \"C\", path_prefix "
  "COLLATE \"C\") FROM division_map d), '')), (SELECT count(*) FROM target)";

/* The empty event partitions of copies that did not finish (pgtidy.c),
** dropped when it is cheap: each call waits at most 200 ms for `event`
** (copies and readers in flight); else they are left for the next one or
** for `case tidy`. Quiet: nothing depends on it. */
static void
tidy_auto(PGconn *pg, wshared *w)
{
  struct tl_tidy_result t;
  char e[600];
  memset(&t, 0, sizeof(t));
  Tl_pg_tidy((struct pg_conn *)pg, w->name, 200, &t, NULL, 0, e, sizeof(e));
}

/* The reservation's lock on its evidence id (tl_reserve_ids), released
** once the item's copy transaction has ended: from now on `case tidy` may
** take its partition when the item is not in the case. */
static void
unlock_reserved(PGconn *pg, wshared *w, int64_t ev)
{
  char sql[120], e[300];
  snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(1953260388, "
           "(%lld %% 2147483648)::integer)", (long long)ev);
  Tl_pg_run0(pg, w->name, e, sizeof(e), sql, 0, NULL);
}

/* Test hook (configure --enable-test-hooks only): TOUCHLINE_PG_FAULT=KILL
** kills the process inside an item's copy transaction, before its
** COMMIT. Returns 0. */
static int
copy_fault(void)
{
#ifdef TL_TEST_HOOKS
  const char *f = getenv("TOUCHLINE_PG_FAULT");
  if(f && !strcmp(f, "KILL"))
    kill(getpid(), SIGKILL);
#endif
  return 0;
}

/* One item from the queue (item_id set) or given directly (`ingest URI`). */
typedef struct {
  const char *item_id, *claim, *attempts;
  const char *label, *division, *image;
  int no;
  int64_t run_id, ev, nobj, nev, nmatch;
  int64_t t_stage, t_copy;      /* TOUCHLINE_WORKER_TIMING */
  int lost, exists;
  struct tl_ingest_result ir;
  char warn[1200];              /* after_copy(): one line, "" none */
} pitem;

/* The run row, in a transaction of its own (as a SQLite ingest). */
static int
start_run(PGconn *pg, wshared *w, pitem *it, const char *cmd, char *err,
          size_t n)
{
  char num[40], pid[32];
  const char *pv[6];
  PGresult *r = NULL;
  snprintf(num, sizeof(num), "%lld", (long long)Tl_now_ns());
  snprintf(pid, sizeof(pid), "%ld", (long)getpid());
  pv[0] = "touchline " TL_VERSION;
  pv[1] = cmd;
  pv[2] = w->host;
  pv[3] = pid;
  pv[4] = it->label;
  pv[5] = num;
  /* run ids in turn (an advisory lock: a LOCK TABLE run would wait for
  ** every copy in flight, which updates its run row) */
  if(Tl_pg_run0(pg, w->name, err, n, "BEGIN", 0, NULL) ||
     Tl_pg_run0(pg, w->name, err, n, "SELECT tl_lock_run()", 0, NULL) ||
     !(r = Tl_pg_run(pg, w->name, err, n, "INSERT INTO run(run_id, "
               "tool_version, command_line, host, pid, label, started_ns, "
               "status) SELECT coalesce(max(run_id), 0) + 1, $1, $2, $3, "
               "$4::bigint, $5, $6::bigint, 'running' FROM run RETURNING "
               "run_id", 6, pv))) {
    PQclear(PQexec(pg, "ROLLBACK"));
    return -1;
  }
  it->run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  if(Tl_pg_run0(pg, w->name, err, n, "COMMIT", 0, NULL)) {
    it->run_id = 0;
    return -1;
  }
  return 0;
}

/* The register and the division map of the case into the staging case c
** (in one snapshot, with their fingerprint fp), and the item matched
** against them there: the ingest's own match stage, as in a SQLite case
** (the content hashes it computes are the item's). */
static tl_rc
pull_and_match(PGconn *pg, wshared *w, tl_case *c, char *fp, size_t fpn,
               char *err, size_t n)
{
  PGresult *r;
  uint64_t rows, nm = 0, nh = 0;
  int64_t nt;
  tl_rc rc;
  if((rc = Tl_exec(c, "BEGIN; DELETE FROM target_match; DELETE FROM "
                   "target; DELETE FROM division_map"))) {
    snprintf(err, n, "the staging case: %s", tl_case_errmsg(c));
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  if(Tl_pg_run0(pg, w->name, err, n, "BEGIN ISOLATION LEVEL REPEATABLE READ "
          "READ ONLY", 0, NULL) ||
     !(r = Tl_pg_run(pg, w->name, err, n, Tl_pg_register_fp_sql, 0, NULL))) {
    PQclear(PQexec(pg, "ROLLBACK"));
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return TL_IO;
  }
  snprintf(fp, fpn, "%s", PQgetvalue(r, 0, 0));
  nt = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
  PQclear(r);
  if(Tl_pg_pull(pg, w->name, c->db, "target", NULL, &rows, err, n) ||
     Tl_pg_pull(pg, w->name, c->db, "division_map", NULL, &rows, err, n) ||
     Tl_pg_run0(pg, w->name, err, n, "COMMIT", 0, NULL)) {
    PQclear(PQexec(pg, "ROLLBACK"));
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return TL_IO;
  }
  /* the staging case has no indexes yet (built where it is copied) */
  if((nt && ((rc = Tl_exec(c, Tl_index_create)) ||
             (rc = Tl_match_run(c, 0, &nm, &nh, NULL)))) ||
     (rc = Tl_exec(c, "COMMIT"))) {
    snprintf(err, n, "matching the register: %s", tl_case_errmsg(c));
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return TL_OK;
}

/* Staging cases of workers of this host that died (SIGKILL, power). */
static void
remove_dead_stages(const char *dir)
{
  DIR *d = opendir(dir ? dir : "/tmp");
  struct dirent *de;
  while(d && (de = readdir(d))) {
    long p = 0;
    char f[4400];
    if(sscanf(de->d_name, "tl-worker-%ld-", &p) != 1 || p <= 0 ||
       p == (long)getpid() || kill((pid_t)p, 0) == 0 || errno != ESRCH)
      continue;
    snprintf(f, sizeof(f), "%s/%s", dir ? dir : "/tmp", de->d_name);
    unlink(f);
  }
  if(d)
    closedir(d);
}

/* Is an item of the staged item's label or media in the case? (No lock:
** the copy checks again under its advisory locks.) 0 no, -2 yes (err
** says which), -1 an error. */
static int
precheck(PGconn *pg, wshared *w, sqlite3 *db, char *err, size_t n)
{
  char lab[600] = "", md5[80] = "", sha[80] = "";
  const char *pv[3];
  PGresult *r;
  int rc = 0;
  if(staged_identity(db, lab, md5, sha, err, n))
    return -1;
  pv[0] = lab;
  pv[1] = md5[0] ? md5 : NULL;
  pv[2] = sha[0] ? sha : NULL;
  if(!(r = same_items(pg, w, pv, err, n)))
    return -1;
  if(PQntuples(r)) {
    say_same_item(r, lab, md5, err, n);
    rc = -2;
  }
  PQclear(r);
  return rc;
}

/* After the item's copy committed, each in a short transaction of its
** own (the copies do not wait for these, nor these for copies):
** - the case's pending UNC paths resolved again (Tl_pg_resolve_unc_after:
**   an item copied at the same moment as this one was not seen by this
**   copy's resolution, nor this one by its; the later commit's pass sees
**   both); only when items came or went since this copy's resolution;
** - the case's copy candidates without a content hash hashed (pghash.c),
**   as a SQLite ingest's match stage hashes every candidate of the case;
**   this copy's staging case held its item alone.
** The item stays copied whatever happens here: a failure, or candidates
** whose image cannot be opened from this machine, is said in it->warn
** and added to the run's message. */
static void
after_copy(PGconn *pg, wshared *w, pitem *it)
{
  uint64_t n_unc = 0, n_left = 0, n_hashed = 0, n_nohash = 0;
  char e1[1400] = "", e2[1400] = "", why[900] = "", num[40];
  const char *pv[2];

  size_t k = 0;

  it->warn[0] = 0;
  if(Tl_pg_resolve_unc_after((struct pg_conn *)pg, w->name,
                             w->o.stage_dir, q_items_seen, &n_unc, &n_left,
                             e1, sizeof(e1)))
    k = (size_t)snprintf(it->warn, sizeof(it->warn), "the item is copied; "
                         "%.400s; ", e1);
  if(k >= sizeof(it->warn))
    k = sizeof(it->warn) - 1;
  if(Tl_pg_hash_candidates((struct pg_conn *)pg, w->name, w->o.stage_dir,
                           &n_hashed, &n_nohash, why, sizeof(why), e2,
                           sizeof(e2)))
    snprintf(it->warn + k, sizeof(it->warn) - k, "the item is copied; "
             "hashing copy candidates: %.400s (`touchline targets URI "
             "match` hashes them)", e2);
  else if(n_nohash)
    snprintf(it->warn + k, sizeof(it->warn) - k, "%llu copy candidates of "
             "the case not hashed (%.600s): `touchline targets URI match` "
             "hashes them where every item's image can be opened",
             (unsigned long long)n_nohash, why);
  else if(k >= 2)
    it->warn[k - 2] = 0;        /* the UNC pass's alone: no "; " */
  if(!it->warn[0])
    return;
  /* the run's message says it too (after any it has) */
  snprintf(num, sizeof(num), "%lld", (long long)it->run_id);
  pv[0] = num;
  pv[1] = it->warn;
  Tl_pg_run0(pg, w->name, e1, sizeof(e1), "UPDATE run SET message = CASE WHEN "
       "message IS NULL OR message = '' THEN $2 ELSE message || '; ' || $2 "
       "END WHERE run_id = $1::bigint", 2, pv);
}

/* One item: its run row, the ordinary ingest into a staging case of its
** own, the register matched there, and the copy into the case. A register
** changed in between is pulled and matched again (up to 5 times). */
static tl_rc
do_item(PGconn *pg, wshared *w, pitem *it, char *err, size_t n)
{
  char path[4200], cmd[600], fp[80];
  tl_case *c = NULL;
  const char *oerr, *img = it->image;
  struct tl_ingest_opts io;
  tl_rc rc;
  int tries, cr, reserved = 0;
  ireserve rv;

  snprintf(cmd, sizeof(cmd), "%s", w->o.command_line ?
           w->o.command_line : "touchline worker");
  if(start_run(pg, w, it, cmd, err, n))
    return TL_IO;
  snprintf(path, sizeof(path), "%s/tl-worker-%ld-%d-%s.db",
           w->o.stage_dir ? w->o.stage_dir : "/tmp", (long)getpid(), it->no,
           it->item_id ? it->item_id : "direct");
  Tl_remove_case_files(path);
  memcpy(&io, &w->ing, sizeof(io));
  io.label = it->label;
  io.division = it->division;
  io.command_line = cmd;
  if(it->item_id)
    io.progress = NULL;
  io.cancel = w->o.cancel;
  io.wait_s = 0;
  memset(&it->ir, 0, sizeof(it->ir));
  it->ir.struct_size = sizeof(it->ir);
  it->t_stage = Tl_now_ns();
  if((rc = tl_case_open(path, TL_OPEN_CREATE, &c, &oerr))) {
    snprintf(err, n, "%s", oerr);
    goto out;
  }
  /* private and thrown away after the copy: no durability needed */
  sqlite3_exec(c->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = "
               "OFF", NULL, NULL, NULL);
  if((rc = Tl_ingest_item(c, 1, &img, &io, &it->ir, TL_INGEST_STAGING))) {
    snprintf(err, n, "%s", tl_case_errmsg(c));
    goto out;
  }
  /* an item in the case already is refused before any id is reserved
  ** (checked again in the copy, where it counts) */
  if(!w->ing.replace && (cr = precheck(pg, w, c->db, err, n))) {
    rc = cr == -2 ? TL_EXISTS : TL_IO;
    it->exists = cr == -2;
    goto out;
  }
  for(tries = 0;; tries++) {
    int stale = 0, n_rep = 0, k;
    int64_t replaced[8];
    if((rc = pull_and_match(pg, w, c, fp, sizeof(fp), err, n)))
      goto out;
    /* the ids, once: a copy tried again (the register changed) uses the
    ** same */
    if(!tries) {
      it->t_copy = Tl_now_ns();
      if(reserve_ids(pg, w, path, &rv, err, n)) {
        rc = TL_FAILED;
        goto out;
      }
      reserved = 1;
    }
    q_locked_ns = Tl_now_ns();
    cr = copy_item(pg, w, path, it->item_id, it->claim, it->attempts,
                   it->run_id, &rv, w->ing.replace, fp, &it->lost, &stale,
                   &it->nobj, &it->nev, &it->nmatch, replaced, &n_rep, err,
                   n);
    if(!cr) {
      rc = TL_OK;
      it->ev = rv.ev;
      for(k = 0; k < n_rep; k++)
        drop_partition(pg, w, replaced[k]);
      break;
    }
    rc = cr == -2 ? TL_EXISTS : TL_FAILED;
    it->exists = cr == -2;
    if(!stale || tries >= 4 || cancelled(w))
      goto out;
  }
  after_copy(pg, w, it);
out:
  if(reserved) {
    unlock_reserved(pg, w, rv.ev);
    if(rc != TL_OK)         /* its partition, empty: dropped when cheap */
      tidy_auto(pg, w);
  }
  if(c)
    tl_case_close(c);
  Tl_remove_case_files(path);
  return rc;
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
    char stale[20];
    int have_div, lost = 0;
    int64_t run_id = 0;
    pitem it;
    tl_rc rc;

    snprintf(stale, sizeof(stale), "%d", w->o.stale_s);
    pv[0] = claim;
    pv[1] = w->host;
    pv[2] = pid;
    pv[3] = stale;
    r = Tl_pg_run(pg, w->name, err, sizeof(err),
            "SELECT item_id, attempts, label, division, image FROM "
            "tl_claim_item($1, $2, $3::bigint, $4::integer)", 4, pv);
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
        r = Tl_pg_run(pg, w->name, err, sizeof(err), "SELECT count(*) FROM "
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
      snprintf(num, sizeof(num), "%lld", (long long)Tl_now_ns());
      pv[0] = num;
      pv[1] = label;
      Tl_pg_run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
           "'interrupted', ended_ns = $1::bigint, message = 'its worker "
           "stopped beating the heartbeat; the item was claimed again' "
           "WHERE label = $2 AND status = 'running' AND evidence_id IS "
           "NULL", 2, pv);
      /* and the partition its copy may have left, when cheap */
      tidy_auto(pg, w);
    }
    memset(&it, 0, sizeof(it));
    it.item_id = item_id;
    it.claim = claim;
    it.attempts = attempts;
    it.label = label;
    it.division = have_div && *division ? division : NULL;
    it.image = image;
    it.no = wt->no;
    rc = do_item(pg, w, &it, err, sizeof(err));
    run_id = it.run_id;
    lost = it.lost;
    if(rc == TL_INTERRUPTED) {
      /* back to waiting for another worker; the run says why */
      char num[2][40], e[200];
      snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
      snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
      pv[0] = num[0];
      pv[1] = num[1];
      Tl_pg_run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
           "'interrupted', ended_ns = $1::bigint, message = 'interrupted' "
           "WHERE run_id = $2::bigint", 2, pv);
      pv[0] = item_id;
      pv[1] = claim;
      Tl_pg_run0(pg, w->name, e, sizeof(e), "SELECT "
           "tl_queue_requeue($1::bigint, $2)", 2, pv);
      tell(w, label, "interrupted", NULL);
      break;
    }
    if(rc) {
      if(!lost)
        fail_item(pg, w, item_id, claim, attempts, run_id, err);
      else {
        char num[2][40], e[200];
        snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
        snprintf(num[1], sizeof(num[1]), "%lld", (long long)run_id);
        pv[0] = num[0];
        pv[1] = err;
        pv[2] = num[1];
        Tl_pg_run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
             "'failed', ended_ns = $1::bigint, message = $2 WHERE run_id = "
             "$3::bigint", 3, pv);
      }
      tell(w, label, lost ? "lost" : "failed", err);
      continue;
    }
    {
      char m[200];
      snprintf(m, sizeof(m), "%lld objects, %lld events, %lld target "
               "occurrences", (long long)it.nobj, (long long)it.nev,
               (long long)it.nmatch);
      if(it.warn[0])
        tell(w, label, "warning", it.warn);
      tell(w, label, "done", m);
      /* the phases of the item, for bench/pg.sh */
      if(getenv("TOUCHLINE_WORKER_TIMING")) {
        int64_t t_end = Tl_now_ns();
        fprintf(stderr, "touchline worker timing: label=%s job=%d start=%.3f"
                " stage_s=%.3f lockwait_s=%.3f copy_s=%.3f objects=%lld "
                "events=%lld\n", label, wt->no, it.t_stage / 1e9,
                (it.t_copy - it.t_stage) / 1e9, (q_locked_ns - it.t_copy) / 1e9,
                (t_end - q_locked_ns) / 1e9, (long long)it.nobj,
                (long long)it.nev);
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

  remove_dead_stages(w->o.stage_dir);
  /* the case (schema, queue) before any thread starts */
  if((rc = Tl_pg_connect(uri, &hb, q_err, sizeof(q_err))) ||
     (rc = prepare_case(hb, w->name, q_err, sizeof(q_err)))) {
    if(hb)
      PQfinish(hb);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return rc;
  }
  tidy_auto(hb, w);
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
        Tl_pg_run0(hb, w->name, e, sizeof(e), "SELECT tl_heartbeat($1, "
             "$2::bigint)", 2, pv);
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

/* ---- `ingest URI IMAGE`: one item, directly ---- */

tl_rc
tl_pg_ingest(const char *uri, const char *image,
             const struct tl_ingest_opts *opts, const char *stage_dir,
             struct tl_ingest_result *result, const char **errmsg)
{
  wshared *w;
  PGconn *pg = NULL;
  pitem it;
  char lab[300], stage[4100];
  const char *tmp = getenv("TMPDIR");
  tl_rc rc;

  q_err[0] = 0;
  if(errmsg)
    *errmsg = q_err;
  if(!uri || !image || !opts) {
    snprintf(q_err, sizeof(q_err), "ingest: a case URI, an image and "
             "options are needed");
    return TL_USAGE;
  }
  if(result && !Tl_result_ok(result)) {
    snprintf(q_err, sizeof(q_err), "ingest: result struct_size not set");
    return TL_USAGE;
  }
  if(!(w = calloc(1, sizeof(*w)))) {
    snprintf(q_err, sizeof(q_err), "out of memory");
    return TL_NOMEM;
  }
  if((rc = Tl_opts_in(&w->ing, sizeof(w->ing), opts, sizeof(uint32_t)))) {
    snprintf(q_err, sizeof(q_err), "ingest: options struct_size not "
             "understood");
    free(w);
    return rc;
  }
  snprintf(stage, sizeof(stage), "%s", stage_dir ? stage_dir :
           tmp && *tmp ? tmp : "/tmp");
  w->o.struct_size = sizeof(w->o);
  w->o.stage_dir = stage;
  w->o.command_line = w->ing.command_line;
  w->o.cancel = w->ing.cancel;
  w->uri = uri;
  Tl_pg_redact(uri, w->name, sizeof(w->name));
  if(gethostname(w->host, sizeof(w->host) - 1))
    snprintf(w->host, sizeof(w->host), "unknown");
  pthread_mutex_init(&w->mu, NULL);
  /* the label the ingest gives an item without one: the image's file
  ** name without its extension (ingest.c checks it again) */
  if(w->ing.label)
    snprintf(lab, sizeof(lab), "%s", w->ing.label);
  else {
    const char *b = strrchr(image, '/'), *dot;
    b = b ? b + 1 : image;
    dot = strrchr(b, '.');
    snprintf(lab, sizeof(lab), "%.*s", (int)(dot && dot > b ?
             (size_t)(dot - b) : strlen(b)), b);
  }
  remove_dead_stages(stage);
  if((rc = Tl_pg_connect(uri, &pg, q_err, sizeof(q_err))) ||
     (rc = prepare_case(pg, w->name, q_err, sizeof(q_err))))
    goto out;
  tidy_auto(pg, w);
  memset(&it, 0, sizeof(it));
  it.label = lab;
  it.division = w->ing.division;
  it.image = image;
  if((rc = do_item(pg, w, &it, q_err, sizeof(q_err)))) {
    char why[1400];
    snprintf(why, sizeof(why), "%s", q_err);
    if(rc == TL_INTERRUPTED) {
      char num[2][40], e[200];
      const char *pv[2];
      snprintf(num[0], sizeof(num[0]), "%lld", (long long)Tl_now_ns());
      snprintf(num[1], sizeof(num[1]), "%lld", (long long)it.run_id);
      pv[0] = num[0];
      pv[1] = num[1];
      if(it.run_id)
        Tl_pg_run0(pg, w->name, e, sizeof(e), "UPDATE run SET status = "
             "'interrupted', ended_ns = $1::bigint, message = 'interrupted'"
             " WHERE run_id = $2::bigint", 2, pv);
    } else
      fail_item(pg, w, NULL, NULL, NULL, it.run_id, why);
    /* one line naming the input and the cause */
    if(strncmp(why, image, strlen(image)))
      snprintf(q_err, sizeof(q_err), "%.600s: %.780s", image, why);
    else
      snprintf(q_err, sizeof(q_err), "%s", why);
    goto out;
  }
  /* stored; a warning of the passes after the copy is the message */
  snprintf(q_err, sizeof(q_err), "%s", it.warn);
  if(result) {
    struct tl_ingest_result res = it.ir;
    res.struct_size = sizeof(res);
    res.evidence_id = it.ev;
    res.n_objects = (uint64_t)it.nobj;
    res.n_events = (uint64_t)it.nev;
    Tl_result_out(result, &res, sizeof(res));
  }
out:
  if(pg)
    PQfinish(pg);
  pthread_mutex_destroy(&w->mu);
  free(w);
  return rc;
}

/* ---- the register commands on a PostgreSQL case ---- */

/* What the matcher, the coverage warnings and the register reports read:
** every table but the artifacts, and of the events only creations
** (content copies) and modifications other than $FILE_NAME's (coverage). */
static const struct {
  const char *table, *where;
} pulled[] = {
  {"case_meta", NULL},
  {"target", NULL},
  {"target_match", NULL},
  {"division_map", NULL},
  {"cloud_sitemap", NULL},
  {"run", NULL},
  {"evidence", NULL},
  {"evidence_file", NULL},
  {"evidence_meta", NULL},
  {"evidence_fact", NULL},
  {"volume", NULL},
  {"filesystem", NULL},
  {"object", NULL},
  {"ntfs_filename", NULL},
  {"object_hash", NULL},
  {"event", "substr(macb, 4, 1) = 'b' OR (substr(macb, 1, 1) = 'm' AND "
            "source <> '$FN')"},
};

/* Written back: replaced whole (the matches too), then the new hashes. */
static const char *const written[] = {
  "target", "target_match", "division_map", "cloud_sitemap"
};

static tl_rc
sq_count(sqlite3 *db, const char *sql, int64_t *v)
{
  sqlite3_stmt *s;
  int st;
  *v = -1;
  if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    return TL_IO;
  if((st = sqlite3_step(s)) == SQLITE_ROW)
    *v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return st == SQLITE_ROW ? TL_OK : TL_IO;
}

tl_rc
tl_pg_register_edit(const char *uri, int write,
                    int (*fn)(const char *path, void *ctx), void *ctx,
                    int *fn_status, const char **errmsg)
{
  PGconn *pg = NULL;
  sqlite3 *db = NULL;
  tl_case *c = NULL;
  char name[700], dir[4100], path[4200];
  const char *tmp = getenv("TMPDIR"), *oerr;
  size_t i;
  uint64_t rows;
  int in_tx = 0, have_dir = 0;
  tl_rc rc;

  q_err[0] = 0;
  if(errmsg)
    *errmsg = q_err;
  if(fn_status)
    *fn_status = 0;
  if(!uri || !fn) {
    snprintf(q_err, sizeof(q_err), "a case URI and a command are needed");
    return TL_USAGE;
  }
  Tl_pg_redact(uri, name, sizeof(name));
  snprintf(dir, sizeof(dir), "%s/touchline-pgreg-XXXXXX", tmp && *tmp &&
           strlen(tmp) < 4000 ? tmp : "/tmp");
  if(!mkdtemp(dir)) {
    snprintf(q_err, sizeof(q_err), "%.800s: a temporary folder: %s", dir,
             strerror(errno));
    return TL_IO;
  }
  have_dir = 1;
  snprintf(path, sizeof(path), "%s/case.db", dir);
  /* a reader (list, stats) needs no queue: a reviewer role may ask */
  if((rc = Tl_pg_connect(uri, &pg, q_err, sizeof(q_err))) ||
     (rc = write ? prepare_case(pg, name, q_err, sizeof(q_err)) :
      Tl_pg_case_prepare(pg, name, NULL, q_err, sizeof(q_err))))
    goto out;
  /* the local case: the schema of this version, then the case's rows */
  if((rc = tl_case_open(path, TL_OPEN_CREATE, &c, &oerr))) {
    snprintf(q_err, sizeof(q_err), "%s", oerr);
    goto out;
  }
  tl_case_close(c);
  c = NULL;
  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    snprintf(q_err, sizeof(q_err), "%.800s: %s", path, db ? sqlite3_errmsg(db) :
             "out of memory");
    rc = TL_IO;
    goto out;
  }
  rc = TL_IO;
  /* a writer holds SHARE ROW EXCLUSIVE on case_meta from the pull to the
  ** write back: item copies (ROW EXCLUSIVE) and reservations wait for it
  ** and it for the copies in flight, so the items matched are the items
  ** in the case, and an item copied after it sees the new register's
  ** fingerprint and is matched again */
  if(Tl_pg_run0(pg, name, q_err, sizeof(q_err), write ? "BEGIN" : "BEGIN "
          "ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL))
    goto out;
  in_tx = 1;
  if(write && Tl_pg_run0(pg, name, q_err, sizeof(q_err), "SELECT "
                   "tl_lock_register()", 0, NULL))
    goto out;
  if(sqlite3_exec(db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = "
                  "OFF; BEGIN; DELETE FROM case_meta", NULL, NULL, NULL) !=
     SQLITE_OK) {
    snprintf(q_err, sizeof(q_err), "%.800s: %s", path, sqlite3_errmsg(db));
    goto out;
  }
  for(i = 0; i < sizeof(pulled) / sizeof(pulled[0]); i++)
    if(Tl_pg_pull(pg, name, db, pulled[i].table, pulled[i].where, &rows,
                  q_err, sizeof(q_err)))
      goto out;
  /* which content hashes the case has: the others fn computes are added */
  if(sqlite3_exec(db, "CREATE TABLE x_pulled_hash(object_id INTEGER "
                  "PRIMARY KEY); INSERT INTO x_pulled_hash SELECT object_id "
                  "FROM object_hash; COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(q_err, sizeof(q_err), "%.800s: %s", path, sqlite3_errmsg(db));
    goto out;
  }
  sqlite3_close(db);
  db = NULL;

  {
    int st = fn(path, ctx);
    if(fn_status)
      *fn_status = st;
    if(st || !write) {
      rc = TL_OK;
      goto out;
    }
  }

  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(q_err, sizeof(q_err), "%.800s: %s", path, db ? sqlite3_errmsg(db) :
             "out of memory");
    goto out;
  }
  for(i = 0; i < sizeof(written) / sizeof(written[0]); i++) {
    char sql[200];
    int64_t want;
    snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", written[i]);
    if(Tl_pg_run0(pg, name, q_err, sizeof(q_err), sql, 0, NULL))
      goto out;
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", written[i]);
    if(Tl_pg_copy_select(pg, name, db, written[i], sql, &rows, q_err,
                         sizeof(q_err)))
      goto out;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", written[i]);
    if(sq_count(db, sql, &want) || (int64_t)rows != want) {
      snprintf(q_err, sizeof(q_err), "%s: table %s: %llu rows written of "
               "%lld; nothing was kept", name, written[i],
               (unsigned long long)rows, (long long)want);
      goto out;
    }
  }
  if(Tl_pg_copy_select(pg, name, db, "object_hash", "SELECT * FROM "
                       "object_hash WHERE object_id NOT IN (SELECT object_id "
                       "FROM x_pulled_hash) ORDER BY object_id", &rows,
                       q_err, sizeof(q_err)) ||
     copy_fault() ||
     Tl_pg_run0(pg, name, q_err, sizeof(q_err), "COMMIT", 0, NULL))
    goto out;
  in_tx = 0;
  rc = TL_OK;
out:
  if(in_tx)
    PQclear(PQexec(pg, "ROLLBACK"));
  if(db)
    sqlite3_close(db);
  if(pg)
    PQfinish(pg);
  if(have_dir) {
    Tl_remove_case_files(path);
    rmdir(dir);
  }
  return rc;
}

#endif /* HAVE_LIBPQ */
