/*
** The case database as a store: schema, migrations and the prepared
** statements the ingest writes through.
*/
#ifndef TL_STORE_INT_H
#define TL_STORE_INT_H

#include "store/case_int.h"

extern const char Tl_schema_v1[];
extern const char Tl_schema_v2_delta[];
extern const char Tl_schema_v3_delta[];
extern const char Tl_schema_v4_delta[];
extern const char Tl_index_create[];
/* The pending-UNC partial index: the artifact events with a UNC path that
** a new item or fact may resolve (Tl_resolve_unc_pending's query and the
** PostgreSQL item copy's check and pull: the same predicate word for
** word, so that both planners match it). The same statement on both
** backends; a new SQLite case has it (create_schema), an older one gets it
** from its first writer that resolves UNC paths; PostgreSQL: pg.c. Not in
** the schema model (a partial index) and no schema version of its own. */
#define TL_UNC_PENDING_INDEX \
  "CREATE INDEX IF NOT EXISTS artifact_event_unc ON artifact_event(event_id) " \
  "WHERE (object_id IS NULL OR resolved_by = 'share') AND ref_kind = 'path' " \
  "AND substr(path, 1, 2) IN ('\\\\', '//')"
extern const char Tl_index_drop[];

/* Create the schema in a new database or check (and migrate) an old one. */
tl_rc Tl_store_init(tl_case *c);

/* Prepared insert statements, valid while the case is open. */
typedef struct Tl_store {
  tl_case *c;
  sqlite3_stmt *ins_object;
  sqlite3_stmt *ins_event;
  sqlite3_stmt *ins_fn;
  sqlite3_stmt *ins_volume;
  sqlite3_stmt *ins_fs;
  sqlite3_stmt *ins_warning;
  sqlite3_stmt *ins_meta;
} Tl_store;

tl_rc Tl_store_prepare(tl_case *c, Tl_store *st);
void Tl_store_finalize(Tl_store *st);

/* Step a bound insert statement and reset it; records errors on the case. */
tl_rc Tl_store_step(Tl_store *st, sqlite3_stmt *s, const char *what);

/* Prepare sql (one statement), bind one value per letter of fmt (t text,
** i int64, n null), step it once; records errors on the case. */
tl_rc Tl_exec_bound(tl_case *c, const char *sql, const char *fmt, ...);

/* Record a warning row for the evidence being ingested. */
tl_rc Tl_store_warning(Tl_store *st, int64_t evidence_id, int64_t fs_id,
                       int64_t volume_id, const char *kind, const char *msg);

/* Bind helpers: NULL when the pointer is NULL / value negative. Text is
** not copied (a copy could fail and store NULL without a word): it must
** stay as it is until the statement has been stepped. */
void Tl_bind_text(sqlite3_stmt *s, int i, const char *v);

/* A malloc'd copy of text column i of s, NULL when NULL or empty; *oom is
** set to 1 when the copy fails. */
char *Tl_col_dup(sqlite3_stmt *s, int i, int *oom);
void Tl_bind_opt_int(sqlite3_stmt *s, int i, int have, int64_t v);

#endif
