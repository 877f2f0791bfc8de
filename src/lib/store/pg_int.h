/*
** PostgreSQL case stores (docs/POSTGRESQL.md): what the rest of the
** library may use of store/pg.c. libpq appears only in pg.c.
*/
#ifndef TL_PG_INT_H
#define TL_PG_INT_H

#include <stddef.h>
#include <touchline/touchline.h>

/* Write uri into out (n bytes) with any password left out: the password
** of the user-info part (user:PASSWORD@host) and a password=... parameter
** are replaced by "***". What every message and record that names a
** PostgreSQL case uses. A path is copied as it is. */
void Tl_pg_redact(const char *uri, char *out, size_t n);

/* In a build without libpq: *errmsg (when not NULL) says so; returns
** TL_UNSUPPORTED. What every PostgreSQL entry point answers there. */
tl_rc Tl_pg_not_built(const char **errmsg);

#ifdef HAVE_LIBPQ
#include <sqlite3.h>
#include <stdint.h>

struct pg_conn;             /* libpq's PGconn */

/* libpq's last message for the connection on one line (newlines made
** spaces, no trailing space), in a buffer of the calling thread. */
const char *Tl_pg_msg(struct pg_conn *pg);

struct pg_result;           /* libpq's PGresult */

/* Run sql with up to np text parameters pv (NULL: SQL NULL); the result
** when it succeeded (the caller clears it), else NULL with err set to
** "name: libpq's message". Tl_pg_run0: the same without a result, 0 or
** -1. */
struct pg_result *Tl_pg_run(struct pg_conn *pg, const char *name, char *err,
                            size_t n, const char *sql, int np,
                            const char *const *pv);
int Tl_pg_run0(struct pg_conn *pg, const char *name, char *err, size_t n,
               const char *sql, int np, const char *const *pv);

/* Connect to a PostgreSQL case (quiet notices, UTF8); err gets one line
** with the URI redacted. */
tl_rc Tl_pg_connect(const char *uri, struct pg_conn **out, char *err,
                    size_t n);

/* In a transaction of its own (under an advisory lock): give the database
** the case schema when it has none (else check it), then run extra (SQL;
** may be NULL). name is the redacted URI for messages. */
tl_rc Tl_pg_case_prepare(struct pg_conn *pg, const char *name,
                         const char *extra, char *err, size_t n);

/* Inside the caller's transaction: COPY the rows of select (a SELECT on
** the SQLite database db giving table's columns in the schema's order)
** into table of the PostgreSQL case; *rows: how many. */
tl_rc Tl_pg_copy_select(struct pg_conn *pg, const char *name, sqlite3 *db,
                        const char *table, const char *select,
                        uint64_t *rows, char *err, size_t n);

/* Outside or inside the caller's transaction: the rows of table of the
** PostgreSQL case (those meeting where, a PostgreSQL condition on its
** columns; NULL: all) into the same table of the SQLite database db, typed
** as the schema types them (as case copy writes them); *rows: how many.
** The writers' local cases and the readers' cache (store/pgread.c). */
tl_rc Tl_pg_pull(struct pg_conn *pg, const char *name, sqlite3 *db,
                 const char *table, const char *where, uint64_t *rows,
                 char *err, size_t n);

/* The work queue's table (ingest/pgqueue.c): CREATE TABLE IF NOT EXISTS. */
extern const char Tl_pg_queue_ddl[];

/* A query on the case giving the fingerprint (md5) of its register and
** division map, and its number of targets (ingest/pgqueue.c). */
extern const char Tl_pg_register_fp_sql[];

/* ---- reading a PostgreSQL case (store/pgread.c, issue 13) ---- */

/* The database holds a case of this schema version (else an error). */
tl_rc Tl_pg_case_check(struct pg_conn *pg, const char *name, char *err,
                       size_t n);

/* One value of a row read with COPY: its bytes (decoded; bytea as its
** bytes), NUL-terminated only by chance: use len. */
typedef struct {
  const char *p;
  size_t len;
  int null;
} Tl_pgfld;
/* Return non-zero to stop (the call then returns TL_STOP). */
typedef int (*Tl_pg_row_fn)(void *ctx, const Tl_pgfld *f, int n);

/* COPY (select) TO STDOUT, each row to fn; types: a letter a column
** (i integer, t text, b bytea, r double), at most 64. */
tl_rc Tl_pg_scan(struct pg_conn *pg, const char *name, const char *select,
                 const char *types, Tl_pg_row_fn fn, void *ctx, char *err,
                 size_t n);

/* Run sql (no rows wanted). */
tl_rc Tl_pg_command(struct pg_conn *pg, const char *name, const char *sql,
                    char *err, size_t n);

/* Close a connection of Tl_pg_connect. */
void Tl_pg_finish(struct pg_conn *pg);

/* In an item copy's transaction (ingest/pgartifacts.c): the case's UNC
** artifact paths resolved again, as a SQLite ingest does. */
int Tl_pg_resolve_unc(struct pg_conn *pg, const char *name, const char *dir,
                      uint64_t *n_done, uint64_t *n_left, char *err,
                      size_t n);

/* After an item copy committed (ingest/pgartifacts.c): the same, in a
** short transaction of its own, so that two items copied at once see each
** other's rows (the later commit's pass sees both); nothing when the
** case's items are still those the copy saw (seen: the value of
** Tl_pg_items_seen_sql in the copy, before its resolution; NULL: run). */
int Tl_pg_resolve_unc_after(struct pg_conn *pg, const char *name,
                            const char *dir, const char *seen,
                            uint64_t *n_done, uint64_t *n_left, char *err,
                            size_t n);
extern const char Tl_pg_items_seen_sql[];

/* After an item copy committed (ingest/pghash.c): the case's copy
** candidates without a content hash (match.c's Tl_copy_candidates_sql),
** hashed from the images recorded for their items, as a SQLite ingest's
** match stage hashes them; the new hashes added to the case. Candidates
** of an image that cannot be opened from this machine are counted in
** *n_left, the first cause in why (wn bytes), and left. *n_hashed: hashes
** added. 0, or -1 with err set (the case unreachable). */
int Tl_pg_hash_candidates(struct pg_conn *pg, const char *name,
                          const char *dir, uint64_t *n_hashed,
                          uint64_t *n_left, char *why, size_t wn, char *err,
                          size_t n);

/* The candidates Tl_pg_hash_candidates would hash now (-1: error). */
int64_t Tl_pg_count_candidates(struct pg_conn *pg);

/* The empty event partitions of item copies that did not finish
** (ingest/pgtidy.c): Tl_pg_tidy_fn makes the owner's function
** tl_tidy_partitions; Tl_pg_tidy calls it once (each drop waits at most
** wait_ms for `event`), adds the partitions dropped to res->n_dropped and
** their names to names (space-separated), sets the other counts. 0; 1 the
** case has no such function (an older case: nothing done); -1 err set. */
extern const char Tl_pg_tidy_fn[];
/* The work queue and its functions (the reservation, the tidy function)
** made when absent, as `queue add` and workers do (ingest/pgqueue.c). */
tl_rc Tl_pg_queue_prepare(struct pg_conn *pg, const char *name, char *err,
                          size_t n);
int Tl_pg_tidy(struct pg_conn *pg, const char *name, int wait_ms,
               struct tl_tidy_result *res, char *names, size_t nn, char *err,
               size_t n);
#endif

#endif
