/*
** What item copies that did not finish leave in a PostgreSQL case, removed
** (docs/POSTGRESQL.md, "Ids" and "Tidy"): `touchline case tidy URI`, and
** the same step that workers and `ingest URI` take by themselves.
**
** An item's ids are reserved before its copy (pgqueue.c, tl_reserve_ids),
** which also makes the item's event partition event_eN, N its evidence id;
** the COPY then runs in the item's own transaction. A copy that fails or
** is killed leaves that partition behind, empty, its item not in the case.
** tl_reserve_ids takes a session advisory lock keyed on N (1953260388, N
** mod 2^31) in the transaction that makes the partition, so the lock is
** held before the partition can be seen by anyone; the copy's process
** releases it once its copy transaction has ended (committed or rolled
** back), and the server releases it when the process dies (its session
** ends). A partition is dropped only when, holding that lock itself (so
** no copy of it is in flight), the cleaner sees no evidence row N (read
** after taking the lock: a copy that committed just before is seen) and
** no row in the partition. Dropping a partition locks `event` (ACCESS
** EXCLUSIVE) for a moment: it waits at most the caller's bound for the
** copies and readers in flight (lock_timeout) and is otherwise left for
** the next time, counted as busy.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "base/abi_int.h"
#include "store/pg_int.h"
#include "store/store_int.h"

static _Thread_local char t_err[1400];

#ifdef HAVE_LIBPQ
/* tl_tidy_partitions(wait_ms): the partitions of `event` named event_eN
** whose item N is not in the case, each taken in turn: in flight when its
** creator's lock is held (left alone); else, under that lock, dropped when
** it is still without its item and empty (busy: the drop waited wait_ms
** for the copies and readers of `event` and gave up, and the others are
** not tried then, so one call waits at most wait_ms; full: it holds rows,
** left for a person to look at). Owned by the owner of the case (SECURITY
** DEFINER): examiners' workers call it. Made only with the reservation
** that takes the lock (pgqueue.c, prepare_case), and does nothing beside
** a reservation that does not (a case's functions replaced by an older
** touchline). */
const char Tl_pg_tidy_fn[] =
  "CREATE OR REPLACE FUNCTION tl_tidy_partitions(p_wait_ms integer) "
  "RETURNS TABLE(dropped integer, in_flight integer, busy integer, full_ "
  "integer, names text) LANGUAGE plpgsql SECURITY DEFINER SET search_path "
  "FROM CURRENT AS $f$ DECLARE t text; ev bigint; k integer; e boolean; "
  "BEGIN dropped := 0; in_flight := 0; busy := 0; full_ := 0; names := ''; "
  "IF NOT coalesce((SELECT prosrc LIKE '%1953260388%' FROM pg_proc WHERE "
  "oid = to_regproc('tl_reserve_ids')), true) THEN RETURN NEXT; RETURN; "
  "END IF; PERFORM set_config('lock_timeout', greatest(p_wait_ms, 1) || 'ms', "
  "true); FOR t IN SELECT c.relname::text FROM pg_inherits i JOIN pg_class "
  "c ON c.oid = i.inhrelid WHERE i.inhparent = 'event'::regclass AND "
  "c.relname ~ '^event_e[0-9]+$' AND NOT EXISTS (SELECT 1 FROM evidence v "
  "WHERE v.evidence_id = substr(c.relname, 8)::bigint) ORDER BY "
  "substr(c.relname, 8)::bigint LOOP ev := substr(t, 8)::bigint; k := (ev "
  "% 2147483648)::integer; IF NOT pg_try_advisory_lock(1953260388, k) THEN "
  "in_flight := in_flight + 1; CONTINUE; END IF; IF busy > 0 THEN busy := "
  "busy + 1; PERFORM pg_advisory_unlock(1953260388, k); CONTINUE; END IF; "
  "BEGIN IF NOT EXISTS "
  "(SELECT 1 FROM evidence WHERE evidence_id = ev) THEN EXECUTE "
  "format('SELECT EXISTS (SELECT 1 FROM %I)', t) INTO e; IF e THEN full_ "
  ":= full_ + 1; ELSE EXECUTE format('DROP TABLE %I', t); dropped := "
  "dropped + 1; names := names || CASE WHEN names = '' THEN '' ELSE ' ' "
  "END || t; END IF; END IF; EXCEPTION WHEN lock_not_available THEN busy "
  ":= busy + 1; END; PERFORM pg_advisory_unlock(1953260388, k); END LOOP; "
  "RETURN NEXT; END $f$;\n";

int
Tl_pg_tidy(struct pg_conn *pgc, const char *name, int wait_ms,
           struct tl_tidy_result *res, char *names, size_t nn, char *err,
           size_t n)
{
  PGconn *pg = (PGconn *)pgc;
  PGresult *r;
  char ms[24];
  const char *pv[1] = {ms};
  int have;
  if(names && nn)
    names[0] = 0;
  r = PQexec(pg, "SELECT to_regproc('tl_tidy_partitions') IS NOT NULL");
  if(PQresultStatus(r) != PGRES_TUPLES_OK) {
    snprintf(err, n, "%s: %s", name, Tl_pg_msg(pgc));
    PQclear(r);
    return -1;
  }
  have = !strcmp(PQgetvalue(r, 0, 0), "t");
  PQclear(r);
  if(!have)
    return 1;
  snprintf(ms, sizeof(ms), "%d", wait_ms > 0 ? wait_ms : 1);
  r = PQexecParams(pg, "SELECT dropped, in_flight, busy, full_, names FROM "
                   "tl_tidy_partitions($1::integer)", 1, NULL, pv, NULL,
                   NULL, 0);
  if(PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    snprintf(err, n, "%s: %s", name, Tl_pg_msg(pgc));
    PQclear(r);
    return -1;
  }
  res->n_dropped += (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
  res->n_in_flight = (uint32_t)strtoul(PQgetvalue(r, 0, 1), NULL, 10);
  res->n_busy = (uint32_t)strtoul(PQgetvalue(r, 0, 2), NULL, 10);
  res->n_full = (uint32_t)strtoul(PQgetvalue(r, 0, 3), NULL, 10);
  if(names && nn && *PQgetvalue(r, 0, 4)) {
    size_t l = strlen(names);
    snprintf(names + l, nn - l, "%s%s", l ? " " : "", PQgetvalue(r, 0, 4));
  }
  PQclear(r);
  return 0;
}
#endif

tl_rc
tl_case_tidy(const char *case_path, int wait_s, struct tl_tidy_result *result,
             char *dropped, size_t n_dropped, const char **errmsg)
{
  struct tl_tidy_result res;
  t_err[0] = 0;
  if(errmsg)
    *errmsg = t_err;
  if(dropped && n_dropped)
    dropped[0] = 0;
  if(!case_path || (result && !Tl_result_ok(result))) {
    snprintf(t_err, sizeof(t_err), "case tidy: a case and a result with "
             "its struct_size are needed");
    return TL_USAGE;
  }
  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  if(!tl_case_is_uri(case_path)) {
    /* a SQLite case: one writer at a time, in one transaction per item;
    ** nothing is left behind by one that fails. Checked to be a case. */
    tl_case *c = NULL;
    const char *e = NULL;
    tl_rc rc = tl_case_open(case_path, TL_OPEN_READONLY, &c, &e);
    if(rc) {
      snprintf(t_err, sizeof(t_err), "%s", e ? e : "cannot open the case");
      return rc;
    }
    tl_case_close(c);
    res.is_sqlite = 1;
    if(result)
      Tl_result_out(result, &res, sizeof(res));
    return TL_OK;
  }
#ifndef HAVE_LIBPQ
  (void)wait_s;
  return Tl_pg_not_built(errmsg);
#else
  {
    struct pg_conn *pg = NULL;
    char name[700];
    int k, tries = wait_s > 0 ? wait_s * 2 : 1, got;
    tl_rc rc;
    Tl_pg_redact(case_path, name, sizeof(name));
    if((rc = Tl_pg_connect(case_path, &pg, t_err, sizeof(t_err))) ||
       (rc = Tl_pg_case_check(pg, name, t_err, sizeof(t_err)))) {
      if(pg)
        PQfinish((PGconn *)pg);
      return rc;
    }
    /* the case's function, made when absent with the queue's (the owner;
    ** another role is told so); a case without a queue has had no
    ** reservation, so nothing of the kind */
    if((got = Tl_pg_tidy(pg, name, 500, &res, dropped, n_dropped, t_err,
                         sizeof(t_err))) == 1) {
      PGresult *r = PQexec((PGconn *)pg, "SELECT to_regclass('tl_queue') IS "
                           "NOT NULL");
      int queue = PQresultStatus(r) == PGRES_TUPLES_OK &&
                  !strcmp(PQgetvalue(r, 0, 0), "t");
      PQclear(r);
      if(!queue) {
        PQfinish((PGconn *)pg);
        if(result)
          Tl_result_out(result, &res, sizeof(res));
        return TL_OK;
      }
      if((rc = Tl_pg_queue_prepare(pg, name, t_err, sizeof(t_err)))) {
        PQfinish((PGconn *)pg);
        return rc;
      }
      if((got = Tl_pg_tidy(pg, name, 500, &res, dropped, n_dropped, t_err,
                           sizeof(t_err))) == 1) {
        snprintf(t_err, sizeof(t_err), "%s: the case's tidy function is "
                 "made once by the owner of the case (`touchline case tidy "
                 "URI`, `worker` or `queue add` as that role)", name);
        PQfinish((PGconn *)pg);
        return TL_FAILED;
      }
    }
    /* busy: tried again every half second, for wait_s seconds */
    for(k = 1; !got && res.n_busy && k < tries; k++)
      got = Tl_pg_tidy(pg, name, 500, &res, dropped, n_dropped, t_err,
                       sizeof(t_err));
    PQfinish((PGconn *)pg);
    if(got) {
      if(!t_err[0])
        snprintf(t_err, sizeof(t_err), "%s: the tidy function is missing",
                 name);
      return TL_IO;
    }
    if(result)
      Tl_result_out(result, &res, sizeof(res));
    return TL_OK;
  }
#endif
}
