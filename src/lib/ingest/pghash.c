/*
** The content hashes of copy detection on a PostgreSQL case, after an item
** copy committed (docs/POSTGRESQL.md, "Ingest": content hashes).
**
** A SQLite ingest's match stage hashes every copy candidate of the case
** (match.c, Tl_copy_candidates_sql: an object with a creation time and the
** size of an occurrence whose content is known, anywhere in the case); a
** worker or `ingest URI` matches its item in a staging case that holds
** that item alone, so there it hashes the item's own. After the item's
** copy commits, this asks the case for the candidates still without a
** hash (the new item's occurrences may give other items' objects a size to
** compare, and other items' occurrences the new item's objects) and hashes
** them the way `targets URI match` does: in a private staging SQLite case
** holding those objects, their file systems and the items' image files,
** with filehash.c's Tl_hash_objects, which opens each item's image by the
** path recorded for it and refuses a file that is no longer the one
** ingested. The hashes are added to the case in a short transaction under
** the item copies' shared lock (a register import, which adds hashes too,
** waits for it or it for the import; two passes that hash the same object
** keep the first's: content hashes are never changed).
**
** An image that cannot be opened from this machine does not fail the item:
** its candidates are counted and left for `targets URI match`.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

#include "analysis/match_int.h"
#include "store/pg_int.h"
#include "store/store_int.h"

/* The staging case's path in dir (NULL: $TMPDIR or /tmp); tl-worker-PID-:
** removed by the next worker or `ingest URI` of the host when this process
** dies before it does. */
static void
hash_stage_path(const char *dir, char *path, size_t n)
{
  static unsigned seq;
  const char *tmp = getenv("TMPDIR");
  if(!dir || !*dir)
    dir = tmp && *tmp ? tmp : "/tmp";
  snprintf(path, n, "%s/tl-worker-%ld-hash-%u.db", dir, (long)getpid(),
           __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
}

int64_t
Tl_pg_count_candidates(struct pg_conn *pg)
{
  char sql[1400];
  PGresult *r;
  int64_t v = -1;
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s) x",
           Tl_copy_candidates_sql);
  r = PQexec((PGconn *)pg, sql);
  if(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
    v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  return v;
}

/* The candidates in the staging case, hashed; those of a file system
** whose image cannot be opened are left (Tl_hash_objects: the first cause
** in why), as is the rest after any other failure (its message in why). */
static int
hash_staged(tl_case *c, char *why, size_t wn, char *err, size_t n)
{
  sqlite3_stmt *s;
  int64_t *ids = NULL;
  size_t k = 0, cap = 0;
  int st, rc = 0;
  if(sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT object_id FROM object", -1, &s,
                        NULL) != SQLITE_OK) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(c->db));
    return -1;
  }
  while((st = sqlite3_step(s)) == SQLITE_ROW) {
    if(k == cap) {
      int64_t *ni = realloc(ids, sizeof(*ni) * (cap = cap * 2 + 256));
      if(!ni) {
        snprintf(err, n, "out of memory");
        rc = -1;
        break;
      }
      ids = ni;
    }
    ids[k++] = sqlite3_column_int64(s, 0);
  }
  if(!rc && st != SQLITE_DONE) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(c->db));
    rc = -1;
  }
  sqlite3_finalize(s);
  if(!rc) {
    uint64_t nh = 0;
    Tl_hash_left left = {0, "", NULL, 0};
    if(Tl_hash_objects(c, ids, k, &nh, &left))
      snprintf(why, wn, "%s", tl_case_errmsg(c));
    else if(left.n)
      snprintf(why, wn, "%s", left.why);
    Tl_hash_left_free(&left);
  }
  free(ids);
  if(sqlite3_exec(c->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) !=
     SQLITE_OK && !rc) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(c->db));
    rc = -1;
  }
  return rc;
}

/* The staging case's hashes into the case, each unless the case has one
** (another pass or a register import came first) or its object is gone
** (replaced meanwhile). *n: how many were added. */
static int
push_hashes(PGconn *pg, tl_case *c, const char *name, uint64_t *n_added,
            char *err, size_t n)
{
  sqlite3_stmt *s;
  int st, bad = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT object_id, md5, sha1, sha256, error "
                        "FROM object_hash ORDER BY object_id", -1, &s,
                        NULL) != SQLITE_OK) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(c->db));
    return -1;
  }
  if(Tl_pg_run0(pg, name, err, n, "BEGIN", 0, NULL) ||
     Tl_pg_run0(pg, name, err, n, "SELECT tl_lock_item()", 0, NULL)) {
    sqlite3_finalize(s);
    PQclear(PQexec(pg, "ROLLBACK"));
    return -1;
  }
  while(!bad && (st = sqlite3_step(s)) == SQLITE_ROW) {
    const char *pv[5];
    PGresult *r;
    int k;
    for(k = 0; k < 5; k++)
      pv[k] = (const char *)sqlite3_column_text(s, k);
    r = PQexecParams(pg, "INSERT INTO object_hash SELECT $1::bigint, $2, "
                     "$3, $4, $5 WHERE EXISTS (SELECT 1 FROM object WHERE "
                     "object_id = $1::bigint) ON CONFLICT DO NOTHING", 5,
                     NULL, pv, NULL, NULL, 0);
    if(PQresultStatus(r) != PGRES_COMMAND_OK) {
      snprintf(err, n, "%.650s: %.700s", name,
               Tl_pg_msg((struct pg_conn *)pg));
      bad = 1;
    }
    else
      *n_added += (uint64_t)strtoull(PQcmdTuples(r), NULL, 10);
    PQclear(r);
  }
  if(!bad && st != SQLITE_DONE) {
    snprintf(err, n, "the staging case: %s", sqlite3_errmsg(c->db));
    bad = 1;
  }
  sqlite3_finalize(s);
  if(bad || Tl_pg_run0(pg, name, err, n, "COMMIT", 0, NULL)) {
    PQclear(PQexec(pg, "ROLLBACK"));
    *n_added = 0;
    return -1;
  }
  return 0;
}

int
Tl_pg_hash_candidates(struct pg_conn *pgc, const char *name,
                      const char *dir, uint64_t *n_hashed, uint64_t *n_left,
                      char *why, size_t wn, char *err, size_t n)
{
  static const char *const small[] = {"evidence", "evidence_file",
                                      "filesystem"};
  PGconn *pg = (PGconn *)pgc;
  tl_case *c = NULL;
  const char *oerr = NULL;
  char path[4200], where[1400];
  uint64_t rows, n_obj = 0;
  int64_t v;
  size_t i;
  int rc = -1, in_tx = 0;

  *n_hashed = *n_left = 0;
  why[0] = 0;
  /* one query when nothing is to be hashed */
  if((v = Tl_pg_count_candidates(pgc)) < 0) {
    snprintf(err, n, "%.650s: %.700s", name, Tl_pg_msg(pgc));
    return -1;
  }
  if(!v)
    return 0;
  hash_stage_path(dir, path, sizeof(path));
  Tl_remove_case_files(path);
  if(tl_case_open(path, TL_OPEN_CREATE, &c, &oerr)) {
    snprintf(err, n, "%s", oerr);
    return -1;
  }
  sqlite3_exec(c->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = "
               "OFF", NULL, NULL, NULL);
  /* the candidates and what opening their images reads, in one snapshot
  ** (an item replaced meanwhile is wholly there or wholly not) */
  snprintf(where, sizeof(where), "object_id IN (%s)",
           Tl_copy_candidates_sql);
  if(Tl_pg_run0(pg, name, err, n, "BEGIN ISOLATION LEVEL REPEATABLE READ "
                "READ ONLY", 0, NULL))
    goto out;
  in_tx = 1;
  if(Tl_pg_pull(pgc, name, c->db, "object", where, &n_obj, err, n))
    goto out;
  for(i = 0; i < sizeof(small) / sizeof(small[0]); i++)
    if(Tl_pg_pull(pgc, name, c->db, small[i], NULL, &rows, err, n))
      goto out;
  in_tx = 0;
  if(Tl_pg_run0(pg, name, err, n, "COMMIT", 0, NULL))
    goto out;
  if(hash_staged(c, why, wn, err, n))
    goto out;
  {
    sqlite3_stmt *s;
    int64_t done = 0;
    if(sqlite3_prepare_v2(c->db, "SELECT count(*) FROM object_hash", -1, &s,
                          NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      done = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    *n_left = n_obj > (uint64_t)done ? n_obj - (uint64_t)done : 0;
    if(done && push_hashes(pg, c, name, n_hashed, err, n))
      goto out;
  }
  rc = 0;
out:
  if(in_tx)
    PQclear(PQexec(pg, "ROLLBACK"));
  if(c)
    tl_case_close(c);
  Tl_remove_case_files(path);
  return rc;
}

#else
typedef int tl_pghash_needs_libpq;
#endif /* HAVE_LIBPQ */
