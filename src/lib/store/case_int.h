/*
** Private definitions shared by libtouchline's modules. Never installed.
*/
#ifndef TL_CASE_INT_H
#define TL_CASE_INT_H

#include <sqlite3.h>
#include <stdarg.h>
#include <touchline/touchline.h>

#define TL_CASE_MAGIC 0x746c6361u /* "tlca" */

struct tl_case {
  uint32_t magic;       /* TL_CASE_MAGIC while open, 0 after close */
  sqlite3 *db;
  char *path;
  int readonly;         /* opened with TL_OPEN_READONLY */
  int creating;         /* Tl_store_init may create the schema */
  char *pending;        /* TL_OPEN_BULK: the private file of a new case
                        ** that Tl_case_publish() has still to link */
  int bulk_item;        /* Tl_ingest_item is writing the first item into
                        ** c->pending (other writers publish it first) */
  int bulk_failed;      /* that first item failed (checked before the
                        ** private file is published) */
  int bulk_raced;       /* the publish found a case linked by another
                        ** process first (tl_case_ingest ingests again) */
  int upgraded_from;    /* schema version this open migrated, else 0 */
  tl_rc errcode;
  char errmsg[1024];
  char note[1024];      /* a warning of the last call that succeeded with
                        ** one (tl_case_note) */
  struct pg_conn *pg;   /* a PostgreSQL case (store/pgread.c): db is then
                        ** an in-memory copy of its small tables */
};

/* Record rc and a printf-style message on the handle; returns rc. */
tl_rc Tl_set_error(tl_case *c, tl_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy SQLite's last error on the case database into the handle. */
tl_rc Tl_set_sqlite_error(tl_case *c, const char *what);

/* Run SQL with no result rows; records the error on failure. */
tl_rc Tl_exec(tl_case *c, const char *sql);

/* Take the case's write lock (BEGIN IMMEDIATE), waiting up to wait_s
** seconds (< 0: forever) while another process holds it; on_wait, when not
** NULL, is told who holds it (pid, command and start of its running run
** row) when the wait starts and about every ten seconds. */
tl_rc Tl_begin_write(tl_case *c, int wait_s,
                     void (*on_wait)(const char *msg, void *ctx), void *ctx);

/* 1 when the run of process pid on host may still be alive: another host,
** or a pid that exists here. */
int Tl_pid_alive(const char *host, int64_t pid);
/* Register the case's SQL functions (tl_pid_alive) on a connection. */
void Tl_case_sql_functions(sqlite3 *db);

/* Wall clock now as nanoseconds since 1970 UTC. */
int64_t Tl_now_ns(void);

/* Monotonic seconds, for rates and progress. */
double Tl_mono_s(void);

/* The page cache of a private file that no reader shares and no WAL
** holds (a new case's first item, a staging case): 16 MiB, in KiB. A
** spilled page is one pwrite() and one pread() back from the OS's cache
** there, and the walk's rows are appends to the right-most leaves; the
** 64 MiB of a shared case only cost memory (docs/internals/WRITE-PATH.md,
** "A new case's first item"). */
#define TL_PRIVATE_CACHE_KIB 16384

/* Set the handle's page cache (PRAGMA cache_size: > 0 pages, < 0 KiB)
** and return the one it had, for a later call to put back; 0 when it
** could not be read (then there is nothing to put back). */
int64_t Tl_cache_size_set(tl_case *c, int64_t v);

/* A new case opened TL_OPEN_BULK (c->pending; else nothing to do):
** switched to WAL, closed, synced and linked at c->path; the private file
** removed. With reopen, the handle is then open on the case at c->path,
** ready for writes: this one, or, when another process linked its case
** first (*raced = 1 when raced is not NULL), that one, without what was
** written into this one. Without reopen the handle is left closed. */
tl_rc Tl_case_publish(tl_case *c, int reopen, int *raced);

/* Unlink a SQLite case file that is done with (a staging case) and its
** -wal, -shm and -journal files; missing ones are no error. */
void Tl_remove_case_files(const char *path);

#endif
