/*
** Reading a PostgreSQL case through a tl_case handle (store/pgread.c,
** docs/POSTGRESQL.md "What runs where"). tl_case_open() of a
** postgresql:// URI (read-only) connects, opens one REPEATABLE READ READ
** ONLY transaction (one snapshot for the handle's life) and loads the
** case's small tables (evidence, file systems, volumes, runs, warnings,
** register and its matches, division map, artifact files, facts, ...:
** rows per item or register line, not per file)
** into c->db, an in-memory SQLite database with the case schema, so the
** code that reads them is shared. The large tables (object, event,
** ntfs_filename, artifact_event, artifact_attr, object_hash) stay on the
** server: the readers that use them ask the
** server (store/query_pg.c for the timeline export; the aggregates of
** info here).
*/
#ifndef TL_PGREAD_INT_H
#define TL_PGREAD_INT_H

#include "store/case_int.h"

/* Open c (allocated, magic set, path the URI) on the PostgreSQL case at
** uri; flags must hold TL_OPEN_READONLY. c->path becomes the URI with any
** password left out. */
tl_rc Tl_pgread_open(tl_case *c, const char *uri, unsigned flags);

/* Close the connection of a PostgreSQL case (nothing for SQLite). */
void Tl_pgread_close(tl_case *c);

/* min and max t_ns > 0 of the events of evidence item ev (0: all);
** *have 0 when there are none. */
tl_rc Tl_pgread_range(tl_case *c, int64_t ev, int64_t *lo, int64_t *hi,
                      int *have);

/* After Tl_observe_compute() on c->db: the columns of x_observe that
** count artifact events (the USN journal's), from the server. */
tl_rc Tl_pgread_observe(tl_case *c);

/* exposure on a PostgreSQL case: load into c->db the rows it reads for
** the window [from, to): the register's matches, every artifact event
** with its attributes, and of the objects it can look at (matches, copies
** by name and hash, folders, files named by the register or of a
** hash-only row's size, the artifacts' objects)
** the object, event, hash and $FILE_NAME rows, selected on the server.
** The file anomalies' times come from Tl_pgread_file_times. */
tl_rc Tl_pgread_load_analysis(tl_case *c, int64_t from, int64_t to);

/* anomalies (analysis/anomalies.c) on a PostgreSQL case: TEMP tables
** x_fa_t (the $SI/$FN times of each file with such a time in [from, to),
** aggregated on the server), x_fa_fs (when each NTFS file system was
** created) and x_fa_obj (the object columns the rules and the report
** read), for the files a rule can hold for only: the rules are checked on
** the server too, with the acquisition times of c->db's x_fa_acq. The SQL
** is anomalies.c's: times, x_fa_t's columns after object_id computed
** from a file's events `ev`; any_rule, the condition that one of its rules
** holds on t (x_fa_t), f (x_fa_fs) and a (x_fa_acq). */
tl_rc Tl_pgread_file_times(tl_case *c, int64_t from, int64_t to,
                           const char *times, const char *any_rule);

#ifdef HAVE_LIBPQ
#include "store/pg_int.h"
/* COPY (select) TO STDOUT on the case's connection, each row to fn
** (store/pg_int.h's Tl_pg_scan); errors on c (TL_STOP: fn stopped). */
tl_rc Tl_pgread_scan(tl_case *c, const char *select, const char *types,
                     Tl_pg_row_fn fn, void *ctx);

/* select's first row, first column, as an integer (*v 0 when none or
** NULL). */
tl_rc Tl_pgread_int(tl_case *c, const char *select, int64_t *v);
#endif
#endif
