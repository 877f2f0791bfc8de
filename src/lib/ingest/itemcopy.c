/*
** Copying one evidence item from another touchline database into the case.
**
** The parallel ingest (batch.c) walks each item into a private staging
** case and copies it from there into the real one with one INSERT ...
** SELECT per table, inside the item's transaction. The copy is driven by
** the table list below: for each table of the schema, whether it holds
** rows of an item (copied, every id column remapped), is the case's own
** (the register, the division map, case_meta: not copied) or is the run
** table (ids given by the caller). A table or an id column the list does
** not know makes the copy fail, naming it, so that a schema change cannot
** silently leave rows behind: whoever adds a table adds a line here
** (docs/internals/SCHEMA.md lists the tables).
**
** Ids: every integer key of a copied table is moved above the largest the
** case has (object ids above its high-water mark, case_meta
** 'next_object_id', which is then moved past the copied ones), and every
** column naming a row of another copied table is moved by that table's
** amount. The order of the rows (and so the storage order queries use as a
** last tie-break) is the source's.
*/
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_int.h"

typedef enum { T_SKIP, T_RUN, T_ITEM } tkind;

/* A column naming a row of table `ref` ("run": the caller's run); ref
** NULL: a column whose name ends in _id that names no row (kept). */
typedef struct {
  const char *col, *ref;
} idcol;

typedef struct {
  const char *name;
  tkind kind;
  const char *pk;           /* its own integer key, moved; NULL: none */
  idcol ids[6];
} tspec;

/* Every table of the schema (version 4). Order: a table after those its
** ids name. */
static const tspec tables[] = {
  /* the case's own: facts, the register and its matches (made again by
  ** matching in the case), the division map, the cloud site map */
  {"case_meta", T_SKIP, NULL, {{NULL, NULL}}},
  {"target", T_SKIP, NULL, {{NULL, NULL}}},
  {"target_match", T_SKIP, NULL, {{NULL, NULL}}},
  {"division_map", T_SKIP, NULL, {{NULL, NULL}}},
  {"cloud_sitemap", T_SKIP, NULL, {{NULL, NULL}}},
  /* the run: its row is the caller's */
  {"run", T_RUN, NULL, {{NULL, NULL}}},
  /* the item */
  {"evidence", T_ITEM, "evidence_id", {{"run_id", "run"}}},
  {"evidence_file", T_ITEM, NULL, {{"evidence_id", "evidence"}}},
  {"evidence_meta", T_ITEM, NULL, {{"evidence_id", "evidence"}}},
  {"volume", T_ITEM, "volume_id", {{"evidence_id", "evidence"}}},
  {"filesystem", T_ITEM, "fs_id", {{"evidence_id", "evidence"},
                                   {"volume_id", "volume"}}},
  {"object", T_ITEM, "object_id", {{"evidence_id", "evidence"},
                                   {"fs_id", "filesystem"},
                                   {"attr_id", NULL}}},
  {"ntfs_filename", T_ITEM, NULL, {{"object_id", "object"},
                                   {"attr_id", NULL}}},
  {"event", T_ITEM, "event_id", {{"object_id", "object"},
                                 {"evidence_id", "evidence"},
                                 {"attr_id", NULL}}},
  {"warning", T_ITEM, "warning_id", {{"evidence_id", "evidence"},
                                     {"fs_id", "filesystem"},
                                     {"volume_id", "volume"}}},
  {"object_hash", T_ITEM, NULL, {{"object_id", "object"}}},
  {"plugin", T_ITEM, "plugin_id", {{"run_id", "run"}}},
  {"artifact_file", T_ITEM, "artifact_file_id",
   {{"evidence_id", "evidence"}, {"run_id", "run"},
    {"plugin_id", "plugin"}, {"object_id", "object"}}},
  {"artifact_event", T_ITEM, "event_id",
   {{"evidence_id", "evidence"}, {"artifact_file_id", "artifact_file"},
    {"object_id", "object"}, {"artifact_object_id", "object"}}},
  {"artifact_attr", T_ITEM, NULL, {{"event_id", "artifact_event"}}},
  {"evidence_fact", T_ITEM, "fact_id",
   {{"evidence_id", "evidence"}, {"artifact_file_id", "artifact_file"}}},
};
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

static const tspec *
find_table(const char *name)
{
  size_t i;
  for(i = 0; i < N_TABLES; i++)
    if(!strcmp(tables[i].name, name))
      return &tables[i];
  return NULL;
}

/* One integer from sql (NULL or no row: *have = 0). */
static tl_rc
query_int(tl_case *c, const char *sql, int64_t *v, int *have)
{
  sqlite3_stmt *s;
  int r;
  *v = 0;
  if(have)
    *have = 0;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "copy: prepare");
  r = sqlite3_step(s);
  if(r == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
    *v = sqlite3_column_int64(s, 0);
    if(have)
      *have = 1;
  }
  sqlite3_finalize(s);
  if(r != SQLITE_ROW && r != SQLITE_DONE)
    return Tl_set_sqlite_error(c, "copy: read");
  return TL_OK;
}

/* Is table t in database db? */
static tl_rc
has_table(tl_case *c, const char *db, const char *t, int *yes)
{
  char sql[300];
  int64_t n;
  tl_rc rc;
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\".sqlite_master "
           "WHERE type = 'table' AND name = '%s'", db, t);
  rc = query_int(c, sql, &n, NULL);
  *yes = n > 0;
  return rc;
}

/* Every table of the source must be in the list. */
static tl_rc
check_tables(tl_case *c, const char *db)
{
  sqlite3_stmt *s;
  char sql[300];
  int r;
  tl_rc rc = TL_OK;
  snprintf(sql, sizeof(sql), "SELECT name FROM \"%s\".sqlite_master WHERE "
           "type = 'table' AND name NOT LIKE 'sqlite_%%' ORDER BY name", db);
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "copy: prepare");
  while(!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    if(!find_table(t))
      rc = Tl_set_error(c, TL_FAILED, "copying an evidence item: table "
                        "'%s' is not in the copier's table list "
                        "(src/lib/ingest/itemcopy.c); a schema change must "
                        "say how its rows are copied", t);
  }
  if(!rc && r != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "copy: read the schema");
  sqlite3_finalize(s);
  return rc;
}

typedef struct {
  const tspec *t;
  int present;
  int64_t off;              /* added to its own key */
} tstate;

static const tstate *
state_of(const tstate *st, const char *name)
{
  size_t i;
  for(i = 0; i < N_TABLES; i++)
    if(!strcmp(st[i].t->name, name))
      return &st[i];
  return NULL;
}

/* Append to a growing string; returns -1 when out of memory. */
typedef struct {
  char *p;
  size_t n, cap;
} sbuf;

static int
sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
sb_add(sbuf *b, const char *fmt, ...)
{
  va_list ap;
  int k;
  for(;;) {
    size_t room = b->cap - b->n;
    va_start(ap, fmt);
    k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if(k < 0)
      return -1;
    if((size_t)k < room) {
      b->n += (size_t)k;
      return 0;
    }
    {
      size_t cap = (b->cap + (size_t)k + 1) * 2;
      char *np = realloc(b->p, cap);
      if(!np)
        return -1;
      b->p = np;
      b->cap = cap;
    }
  }
}

/* The column list and the SELECT expressions of table t; checks that every
** id column (a name ending in _id, or a declared reference) is known and
** that the case has every column of the source. */
static tl_rc
build_insert(tl_case *c, const char *db, const tstate *st, const tstate *me,
             int64_t run_id, sbuf *sql)
{
  const tspec *t = me->t;
  sqlite3_stmt *s = NULL, *d = NULL;
  sbuf cols = {NULL, 0, 0}, sel = {NULL, 0, 0};
  char q[300];
  int r, first = 1, oom = 0;
  tl_rc rc = TL_OK;

  /* declared references must be id columns the list knows */
  snprintf(q, sizeof(q), "PRAGMA \"%s\".foreign_key_list(\"%s\")", db,
           t->name);
  if(sqlite3_prepare_v2(c->db, q, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "copy: prepare");
  while(!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *from = (const char *)sqlite3_column_text(s, 3);
    int k, known = t->pk && !strcmp(t->pk, from);
    for(k = 0; !known && k < 6 && t->ids[k].col; k++)
      known = t->ids[k].ref && !strcmp(t->ids[k].col, from);
    if(!known)
      rc = Tl_set_error(c, TL_FAILED, "copying an evidence item: column "
                        "%s.%s names a row of table %s, and the copier's "
                        "table list (src/lib/ingest/itemcopy.c) does not "
                        "say how to move it", t->name, from,
                        (const char *)sqlite3_column_text(s, 2));
  }
  sqlite3_finalize(s);
  if(rc)
    return rc;

  snprintf(q, sizeof(q), "SELECT name FROM pragma_table_info(?1, ?2)");
  if(sqlite3_prepare_v2(c->db, q, -1, &d, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "copy: prepare");
  snprintf(q, sizeof(q), "PRAGMA \"%s\".table_info(\"%s\")", db, t->name);
  if(sqlite3_prepare_v2(c->db, q, -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(d);
    return Tl_set_sqlite_error(c, "copy: prepare");
  }
  while(!rc && !oom && (r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *col = (const char *)sqlite3_column_text(s, 1);
    const char *ref = NULL;
    size_t len = strlen(col);
    int k, in_dest, known = 0;
    if(t->pk && !strcmp(t->pk, col)) {
      ref = t->name;
      known = 1;
    }
    for(k = 0; !known && k < 6 && t->ids[k].col; k++)
      if(!strcmp(t->ids[k].col, col)) {
        ref = t->ids[k].ref;
        known = 1;
      }
    if(!known && len > 3 && !strcmp(col + len - 3, "_id")) {
      rc = Tl_set_error(c, TL_FAILED, "copying an evidence item: column "
                        "%s.%s looks like an id, and the copier's table "
                        "list (src/lib/ingest/itemcopy.c) does not say how "
                        "to move it", t->name, col);
      break;
    }
    /* the case must have it too */
    sqlite3_bind_text(d, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(d, 2, "main", -1, SQLITE_STATIC);
    in_dest = 0;
    while((r = sqlite3_step(d)) == SQLITE_ROW)
      if(!strcmp((const char *)sqlite3_column_text(d, 0), col))
        in_dest = 1;
    sqlite3_reset(d);
    if(r != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "copy: read the schema");
      break;
    }
    if(!in_dest) {
      rc = Tl_set_error(c, TL_FAILED, "copying an evidence item: the case "
                        "has no column %s.%s (another schema version?)",
                        t->name, col);
      break;
    }
    oom |= sb_add(&cols, "%s\"%s\"", first ? "" : ", ", col);
    if(!ref)
      oom |= sb_add(&sel, "%s\"%s\"", first ? "" : ", ", col);
    else if(!strcmp(ref, "run"))
      oom |= sb_add(&sel, "%sCASE WHEN \"%s\" IS NULL THEN NULL ELSE %"
                    PRId64 " END", first ? "" : ", ", col, run_id);
    else {
      const tstate *o = state_of(st, ref);
      if(!o || !o->t->pk || o->t->kind != T_ITEM) {
        rc = Tl_set_error(c, TL_FAILED, "copying an evidence item: column "
                          "%s.%s names table %s, which is not copied",
                          t->name, col, ref);
        break;
      }
      if(o->off)
        oom |= sb_add(&sel, "%sCASE WHEN \"%s\" > 0 THEN \"%s\" + %" PRId64
                      " ELSE \"%s\" END", first ? "" : ", ", col, col,
                      o->off, col);
      else
        oom |= sb_add(&sel, "%s\"%s\"", first ? "" : ", ", col);
    }
    first = 0;
  }
  if(!rc && !oom && r != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "copy: read the schema");
  sqlite3_finalize(s);
  sqlite3_finalize(d);
  if(!rc && !oom)
    oom |= sb_add(sql, "INSERT INTO main.\"%s\"(%s) SELECT %s FROM "
                  "\"%s\".\"%s\"", t->name, cols.p ? cols.p : "",
                  sel.p ? sel.p : "", db, t->name);
  free(cols.p);
  free(sel.p);
  if(!rc && oom)
    rc = Tl_set_error(c, TL_NOMEM, "out of memory");
  return rc;
}

tl_rc
Tl_item_copy(tl_case *c, const char *db, int64_t run_id, Tl_item_copied *out)
{
  tstate st[N_TABLES];
  sbuf ins[N_TABLES];
  char sql[400];
  int64_t n_ev, src_ev = 0, next = 0, src_next = 0, v;
  size_t i;
  int have;
  tl_rc rc;

  memset(out, 0, sizeof(*out));
  memset(ins, 0, sizeof(ins));
  if((rc = check_tables(c, db)))
    return rc;
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\".evidence", db);
  if((rc = query_int(c, sql, &n_ev, NULL)))
    return rc;
  if(n_ev != 1)
    return Tl_set_error(c, TL_FAILED, "copying an evidence item: the source"
                        " holds %" PRId64 " items; the copier takes one",
                        n_ev);
  snprintf(sql, sizeof(sql), "SELECT evidence_id FROM \"%s\".evidence", db);
  if((rc = query_int(c, sql, &src_ev, NULL)))
    return rc;

  /* the object-id high-water marks of the case and of the source */
  if((rc = query_int(c, "SELECT max(coalesce((SELECT CAST(value AS INTEGER)"
                     " FROM main.case_meta WHERE key = 'next_object_id'), "
                     "1), (SELECT coalesce(max(object_id), 0) + 1 FROM "
                     "main.object))", &next, NULL)))
    return rc;
  snprintf(sql, sizeof(sql), "SELECT max(coalesce((SELECT CAST(value AS "
           "INTEGER) FROM \"%s\".case_meta WHERE key = 'next_object_id'), "
           "1), (SELECT coalesce(max(object_id), 0) + 1 FROM \"%s\".object))",
           db, db);
  if((rc = query_int(c, sql, &src_next, NULL)))
    return rc;

  /* how far each table's own ids move */
  for(i = 0; i < N_TABLES; i++) {
    const tspec *t = &tables[i];
    int64_t lo = 0, hi = 0;
    int have_lo;
    st[i].t = t;
    st[i].off = 0;
    if((rc = has_table(c, db, t->name, &st[i].present)))
      return rc;
    if(t->kind != T_ITEM || !t->pk || !st[i].present)
      continue;
    snprintf(sql, sizeof(sql), "SELECT min(\"%s\") FROM \"%s\".\"%s\"",
             t->pk, db, t->name);
    if((rc = query_int(c, sql, &lo, &have_lo)))
      return rc;
    if(!have_lo)
      continue;
    if(!strcmp(t->name, "object"))
      hi = next - 1;
    else {
      snprintf(sql, sizeof(sql), "SELECT max(\"%s\") FROM main.\"%s\"",
               t->pk, t->name);
      if((rc = query_int(c, sql, &hi, &have)))
        return rc;
    }
    st[i].off = hi + 1 - lo;
  }

  /* every statement is built (and so every table and column checked)
  ** before the first row is written */
  for(i = 0; !rc && i < N_TABLES; i++)
    if(st[i].t->kind == T_ITEM && st[i].present)
      rc = build_insert(c, db, st, &st[i], run_id, &ins[i]);
  for(i = 0; !rc && i < N_TABLES; i++) {
    if(!ins[i].p)
      continue;
    if((rc = Tl_exec(c, ins[i].p)))
      break;
    if(!strcmp(st[i].t->name, "object"))
      out->n_objects = sqlite3_changes64(c->db);
    else if(!strcmp(st[i].t->name, "event"))
      out->n_events = sqlite3_changes64(c->db);
  }
  for(i = 0; i < N_TABLES; i++)
    free(ins[i].p);
  if(rc)
    return rc;
  out->evidence_id = src_ev + state_of(st, "evidence")->off;

  /* object ids stay unique for the life of the case */
  v = src_next + state_of(st, "object")->off;
  if(v < next)
    v = next;
  return Tl_exec_bound(c, "INSERT OR REPLACE INTO main.case_meta VALUES("
                       "'next_object_id', ?)", "i", v);
}

/* The table list for the other copier of staged items, into a PostgreSQL
** case (ingest/pgqueue.c): table i, its kind (0 the case's own, 1 the
** run, 2 rows of an item) and its own key; 0 past the end. */
int
Tl_item_table(size_t i, const char **name, int *kind, const char **pk)
{
  if(i >= N_TABLES)
    return 0;
  *name = tables[i].name;
  *kind = tables[i].kind == T_SKIP ? 0 : tables[i].kind == T_RUN ? 1 : 2;
  *pk = tables[i].pk;
  return 1;
}

/* Id column j of table i and the table it names (NULL: none, "run": the
** run); 0 past the end. */
int
Tl_item_idcol(size_t i, size_t j, const char **col, const char **ref)
{
  if(i >= N_TABLES || j >= 6 || !tables[i].ids[j].col)
    return 0;
  *col = tables[i].ids[j].col;
  *ref = tables[i].ids[j].ref;
  return 1;
}
