/*
** Reading the case through a filter: the public tl_query_events() and
** tl_query_objects(), and the two row streams the timeline export writes
** (store/query_int.h). Moved from the tool's cmd_timeline.c, which had its
** own SQL and schema check; now only this file knows how events and
** objects are stored.
**
** Events come in t_ns order from the event_time index, body rows in object
** order, so memory does not grow with the case.
*/
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/abi_int.h"
#include "base/fmt_int.h"
#include "store/query_int.h"
#include "store/pgread_int.h"

/* A PostgreSQL case (store/pgread.c): the readers of the large tables ask
** the server instead (store/query_pg.c). */
#ifdef HAVE_LIBPQ
#define PG_HOOK(call) do { if(c->pg) return call; } while(0)
#else
#define PG_HOOK(call) do { } while(0)
#endif

/* ---- filter ------------------------------------------------------------ */

/* 1 when the case has table name (an older, unmigrated case opened
** TL_OPEN_READONLY may lack one). */
static int
has_table(tl_case *c, const char *name)
{
  sqlite3_stmt *s;
  int r = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE type ="
                        " 'table' AND name = ?", -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  r = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return r;
}

tl_rc
Tl_qfilter_init(tl_case *c, const struct tl_filter *filter,
                struct Tl_qfilter *q)
{
  tl_rc rc;
  memset(q, 0, sizeof(*q));
  q->f.struct_size = sizeof(q->f);
  /* the division of an object is the one exposure and matching give it
  ** (Tl_divmap_lookup): a mapped path prefix, else the item's; a case
  ** from before schema 2 has no map */
  q->has_map = has_table(c, "division_map");
  if(q->has_map && (rc = Tl_divmap_load(c, &q->dm))) {
    Tl_qfilter_free(q);
    return rc;
  }
  if(!filter)
    return TL_OK;
  if((rc = Tl_opts_in(&q->f, sizeof(q->f), filter, sizeof(uint32_t)))) {
    rc = Tl_set_error(c, rc, "query: filter struct_size %u not "
                      "understood (this library: %zu)",
                      (unsigned)filter->struct_size, sizeof(q->f));
    goto fail;
  }
  if((q->f.n_evidence && !q->f.evidence) ||
     (q->f.n_division && !q->f.division) ||
     (q->f.n_source && !q->f.source) ||
     q->f.alloc < TL_ALLOC_ANY || q->f.alloc > TL_ALLOC_ALLOCATED) {
    rc = Tl_set_error(c, TL_USAGE, "query: bad filter");
    goto fail;
  }
  if(q->f.path_glob) {
    /* base/pathglob.c, the engine of targets: linear time whatever the
    ** stars; a relative pattern matches at any depth */
    if(Tl_glob_compile(&q->glob, q->f.path_glob, 1)) {
      rc = Tl_set_error(c, TL_NOMEM, "out of memory");
      goto fail;
    }
    q->has_glob = 1;
  }
  return TL_OK;

fail:
  Tl_qfilter_free(q);
  return rc;
}

void
Tl_qfilter_free(struct Tl_qfilter *q)
{
  if(q->has_glob)
    Tl_glob_free(&q->glob);
  q->has_glob = 0;
  Tl_divmap_free(&q->dm);
  if(q->db2) {
    sqlite3_exec(q->db2, "COMMIT", NULL, NULL, NULL);
    sqlite3_close_v2(q->db2);
    q->db2 = NULL;
  }
}

#ifdef TL_TEST_HOOKS
/* Sleep the milliseconds the environment variable env gives, saying so:
** a test commits in that gap (tests/timeline_pair.sh). */
static void
test_pause(const char *env, const char *where)
{
  const char *v = getenv(env);
  if(v && atol(v) > 0) {
    struct timespec ts;
    ts.tv_sec = atol(v) / 1000;
    ts.tv_nsec = (atol(v) % 1000) * 1000000L;
    fprintf(stderr, "touchline: test hook: pause %s\n", where);
    nanosleep(&ts, NULL);
  }
}
#endif

/* PRAGMA data_version on db: -1 on error. It changes between two reads of
** one connection whenever another connection committed in between. */
static int64_t
data_version(sqlite3 *db)
{
  sqlite3_stmt *st;
  int64_t v = -1;
  if(sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) !=
     SQLITE_OK)
    return -1;
  if(sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Start db's read transaction (BEGIN already run, or begin it: start):
** 1 when it holds one after. */
static int
read_tx(sqlite3 *db, int start)
{
  if(start && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return 0;
  if(sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL,
                  NULL) != SQLITE_OK)
    return 0;
  return sqlite3_txn_state(db, "main") == SQLITE_TXN_READ;
}

void
Tl_export_pair(tl_case *c, struct Tl_qfilter *q)
{
  const char *path;
  sqlite3 *b = NULL;
  int64_t v0, v1;
  if(c->pg || !c->db || q->db2 || sqlite3_get_autocommit(c->db) ||
     sqlite3_txn_state(c->db, "main") != SQLITE_TXN_NONE)
    return;
  path = sqlite3_db_filename(c->db, "main");
  if(!path || !*path)
    return;
  /* read-only, as the case's is or not: this one never writes */
  if(sqlite3_open_v2(path, &b, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                     NULL) != SQLITE_OK)
    goto none;
  sqlite3_busy_timeout(b, 5000);
  sqlite3_extended_result_codes(b, 0);
  /* b's data version before c's snapshot is taken, and after b's own is:
  ** the same when nothing was committed in between, so both connections
  ** read the same state of the case */
  if((v0 = data_version(b)) < 0 || !read_tx(c->db, 0))
    goto none;
#ifdef TL_TEST_HOOKS
  /* a test commits in this gap (tests/timeline_pair.sh) */
  test_pause("TOUCHLINE_EXPORT_PAIR_PAUSE", "between the snapshots");
#endif
  if(!read_tx(b, 1) || (v1 = data_version(b)) < 0 || v1 != v0)
    goto none;
  q->db2 = b;
#ifdef TL_TEST_HOOKS
  /* ... or here, after the two snapshots are taken */
  test_pause("TOUCHLINE_EXPORT_PAIR_HOLD", "after the snapshots");
#endif
  return;
none:
  if(b)
    sqlite3_close_v2(b);
}

int
Tl_qfilter_has_event_cond(const struct Tl_qfilter *q)
{
  return q->f.has_from || q->f.has_to || q->f.n_source;
}

/* ---- SQL ------------------------------------------------------------- */

/* PRAGMA user_version: a handle opened TL_OPEN_READONLY may hold an older,
** unmigrated case. */
static int
schema_version(tl_case *c)
{
  sqlite3_stmt *s;
  int v = TL_SCHEMA_VERSION;
  if(sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &s, NULL) !=
     SQLITE_OK)
    return v;
  if(sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* " AND col IN (?,?,...)" */
static void
sql_in(sqlite3_str *b, const char *col, size_t n)
{
  size_t i;
  if(!n)
    return;
  sqlite3_str_appendf(b, " AND %s IN (", col);
  for(i = 0; i < n; i++)
    sqlite3_str_appendall(b, i ? ",?" : "?");
  sqlite3_str_appendall(b, ")");
}

/* Conditions on events (time, source) and on objects (the rest); binds in
** the order they are written. */
static void
sql_event_cond(sqlite3_str *b, const struct Tl_qfilter *q)
{
  if(q->f.has_from)
    sqlite3_str_appendall(b, " AND e.t_ns >= ?");
  if(q->f.has_to)
    sqlite3_str_appendall(b, " AND e.t_ns < ?");
  sql_in(b, "e.source", q->f.n_source);
}

/* --division in SQL keeps the evidence items that can hold an object of
** the division: their own division, or one the map gives a path of theirs.
** Tl_qfilter_obj_ok() then keeps the objects whose division (Tl_divmap_lookup) is
** on the list. */
void
Tl_sql_evidence_cond(sqlite3_str *b, const struct Tl_qfilter *q)
{
  size_t i;
  if(q->f.n_division && q->has_map) {
    sqlite3_str_appendall(b, " AND (ev.division IN (");
    for(i = 0; i < q->f.n_division; i++)
      sqlite3_str_appendall(b, i ? ",?" : "?");
    sqlite3_str_appendall(b, ") OR ev.label IN (SELECT evidence FROM"
                          " division_map WHERE division IN (");
    for(i = 0; i < q->f.n_division; i++)
      sqlite3_str_appendall(b, i ? ",?" : "?");
    sqlite3_str_appendall(b, ")))");
  }
  else
    sql_in(b, "ev.division", q->f.n_division);
  sql_in(b, "ev.label", q->f.n_evidence);
}

static void
sql_object_cond(sqlite3_str *b, const struct Tl_qfilter *q)
{
  Tl_sql_evidence_cond(b, q);
  if(q->f.alloc == TL_ALLOC_DELETED)
    sqlite3_str_appendall(b, " AND o.deleted <> 0");
  else if(q->f.alloc == TL_ALLOC_ALLOCATED)
    sqlite3_str_appendall(b, " AND o.deleted = 0");
}

static int
bind_list(sqlite3_stmt *s, int i, const char *const *v, size_t n)
{
  size_t k;
  for(k = 0; k < n; k++)
    sqlite3_bind_text(s, i++, v[k] ? v[k] : "", -1, SQLITE_STATIC);
  return i;
}

static int
bind_event_cond(sqlite3_stmt *s, int i, const struct Tl_qfilter *q)
{
  if(q->f.has_from)
    sqlite3_bind_int64(s, i++, q->f.from_ns);
  if(q->f.has_to)
    sqlite3_bind_int64(s, i++, q->f.to_ns);
  return bind_list(s, i, q->f.source, q->f.n_source);
}

int
Tl_bind_object_cond(sqlite3_stmt *s, int i, const struct Tl_qfilter *q)
{
  i = bind_list(s, i, q->f.division, q->f.n_division);
  if(q->f.n_division && q->has_map)
    i = bind_list(s, i, q->f.division, q->f.n_division);
  return bind_list(s, i, q->f.evidence, q->f.n_evidence);
}

/* Object columns 0..20, shared by every query. */
#define OBJ_COLS \
  "ev.label, ifnull(ev.division, ''), " \
  "CASE WHEN v.volume_id IS NULL THEN ifnull(fs.pool_volume, '') " \
  "ELSE v.addr || ': ' || ifnull(v.description, '') || " \
  "ifnull(' / ' || fs.pool_volume, '') END, " \
  "fs.fs_type, o.path, o.name, o.stream, o.inode, o.attr_type, " \
  "o.attr_id, ifnull(o.size, 0), o.deleted, o.alloc, o.name_type, " \
  "o.meta_type, ifnull(o.mode, 0), ifnull(o.uid, 0), ifnull(o.gid, 0), " \
  "ev.label || ifnull('/vol' || v.addr, '') || " \
  "ifnull('/' || fs.pool_volume, ''), o.link_target, o.object_id"
#define OBJ_NCOLS 21

#define OBJ_JOINS \
  " JOIN evidence ev ON ev.evidence_id = o.evidence_id" \
  " JOIN filesystem fs ON fs.fs_id = o.fs_id" \
  " LEFT JOIN volume v ON v.volume_id = fs.volume_id"

static const char *
col_text(sqlite3_stmt *s, int i)
{
  const unsigned char *t = sqlite3_column_text(s, i);
  return t ? (const char *)t : "";
}

/* Fill o from columns base..base+20; *prefix gets the body-file prefix.
** Returns the length of the path without its stream (a stream follows its
** file in a glob; a $FILE_NAME belongs to the name, not to a stream). */
static size_t
read_obj(sqlite3_stmt *s, int base, struct tl_object *o, const char **prefix)
{
  size_t plain;
  const char *nt, *mt;
  memset(o, 0, sizeof(*o));
  o->struct_size = sizeof(*o);
  o->evidence = col_text(s, base + 0);
  o->division = col_text(s, base + 1);
  o->volume = col_text(s, base + 2);
  o->fs_type = col_text(s, base + 3);
  o->path = col_text(s, base + 4);
  o->path_len = (size_t)sqlite3_column_bytes(s, base + 4);
  o->name = col_text(s, base + 5);
  o->stream = (const char *)sqlite3_column_text(s, base + 6);
  o->inode = sqlite3_column_int64(s, base + 7);
  o->has_attr = sqlite3_column_type(s, base + 8) != SQLITE_NULL;
  o->attr_type = sqlite3_column_int(s, base + 8);
  o->attr_id = sqlite3_column_int(s, base + 9);
  o->size = sqlite3_column_int64(s, base + 10);
  o->deleted = sqlite3_column_int(s, base + 11) != 0;
  o->alloc = col_text(s, base + 12);
  nt = col_text(s, base + 13);
  mt = col_text(s, base + 14);
  o->name_type = nt[0] ? nt[0] : '-';
  o->meta_type = mt[0];
  o->mode = sqlite3_column_int64(s, base + 15);
  o->uid = sqlite3_column_int64(s, base + 16);
  o->gid = sqlite3_column_int64(s, base + 17);
  if(prefix)
    *prefix = col_text(s, base + 18);
  o->link_target = (const char *)sqlite3_column_text(s, base + 19);
  o->object_id = sqlite3_column_int64(s, base + 20);
  plain = o->path_len;
  if(o->stream && *o->stream) {
    size_t sl = strlen(o->stream);
    if(sl + 1 <= plain && o->path[plain - sl - 1] == ':' &&
       !memcmp(o->path + plain - sl, o->stream, sl))
      plain -= sl + 1;
  }
  return plain;
}

/* Event columns base..base+6: t_ns, source, macb, attr_id, raw, clamped,
** event_id. Returns 0 when the row has no event (LEFT JOIN). */
static int
read_event(sqlite3_stmt *s, int base, struct tl_event *e)
{
  memset(e, 0, sizeof(*e));
  e->struct_size = sizeof(*e);
  if(sqlite3_column_type(s, base) == SQLITE_NULL)
    return 0;
  e->t_ns = sqlite3_column_int64(s, base);
  e->source = col_text(s, base + 1);
  e->macb = col_text(s, base + 2);
  e->fn_attr_id = !strcmp(e->source, "$FN") ?
                  sqlite3_column_int(s, base + 3) : -1;
  e->has_raw = sqlite3_column_type(s, base + 4) != SQLITE_NULL;
  e->raw = sqlite3_column_int64(s, base + 4);
  /* NTFS times are FILETIMEs (100 ns); FAT keeps a raw value too, in its
  ** own encoding (docs/internals/SCHEMA.md) */
  e->filetime = !strcmp(e->source, "$SI") || !strcmp(e->source, "$FN");
  e->clamped = sqlite3_column_int(s, base + 5) != 0;
  e->event_id = sqlite3_column_int64(s, base + 6);
  return 1;
}

#define EV_COLS "e.t_ns, e.source, e.macb, e.attr_id, e.raw, " \
                "ifnull(e.clamped, 0), e.event_id"

/* Set the object's division from the map and check it and the path
** against the filter: 1 keep, 0 leave out. */
int
Tl_qfilter_obj_ok(struct Tl_qfilter *q, struct tl_object *o, size_t plain)
{
  if(q->dm.n) {
    const char *d = Tl_divmap_lookup(&q->dm, o->evidence, o->path,
                                     o->fs_type, o->division);
    o->division = d ? d : "";
  }
  if(q->f.n_division) {
    size_t i;
    for(i = 0; i < q->f.n_division; i++)
      if(q->f.division[i] && !strcmp(q->f.division[i], o->division))
        break;
    if(i == q->f.n_division)
      return 0;
  }
  if(!q->has_glob)
    return 1;
  return Tl_glob_exec(&q->glob, o->path, plain,
                      Tl_fs_case_blind(o->fs_type));
}

/* Finish building sql and prepare it; NULL with the error on c. */
sqlite3_stmt *
Tl_query_prepare(tl_case *c, sqlite3_str *b)
{
  sqlite3_stmt *s = NULL;
  char *sql;
  int err = sqlite3_str_errcode(b);
  sql = sqlite3_str_finish(b);
  if(err || !sql) {
    sqlite3_free(sql);
    Tl_set_error(c, TL_NOMEM, "out of memory");
    return NULL;
  }
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    Tl_set_sqlite_error(c, "query");
    s = NULL;
  }
  sqlite3_free(sql);
  return s;
}

static tl_rc
step_end(tl_case *c, sqlite3_stmt *s, int rc, int stopped)
{
  tl_rc r = TL_OK;
  if(stopped)
    r = TL_STOP;
  else if(rc != SQLITE_DONE)
    r = Tl_set_sqlite_error(c, "query");
  sqlite3_finalize(s);
  return r;
}

/* Artifact events (docs/PLUGIN-ABI.md) in the column layout of events
** and objects, then kind, actor, what, attributes, artifact_path. An event
** that names no object shows the path as written. */
#define ART_NCOLS 5
static sqlite3_stmt *
prepare_artifacts(tl_case *c, struct Tl_qfilter *q)
{
  sqlite3_str *b;
  sqlite3_stmt *s;
  int i;
  PG_HOOK(Tl_pg_prepare_artifacts(c, q));
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "SELECT e.t_ns, e.source, '....', NULL, e.raw,"
    " e.clamped, e.event_id, ev.label, ifnull(ev.division, ''), CASE WHEN"
    " v.volume_id IS NULL THEN ifnull(fs.pool_volume, '') ELSE v.addr ||"
    " ': ' || ifnull(v.description, '') || ifnull(' / ' || fs.pool_volume,"
    " '') END, ifnull(fs.fs_type, ''), coalesce(o.path, e.path, e.name,"
    " ''), coalesce(o.name, e.name, ''), o.stream, ifnull(o.inode, 0),"
    " o.attr_type, o.attr_id, ifnull(o.size, 0), ifnull(o.deleted, 0),"
    " ifnull(o.alloc, ''), ifnull(o.name_type, ''), ifnull(o.meta_type,"
    " ''), ifnull(o.mode, 0), ifnull(o.uid, 0), ifnull(o.gid, 0),"
    " ev.label, o.link_target, ifnull(o.object_id, 0), e.kind, e.actor,"
    " e.what, (SELECT json_group_object(key, value) FROM (SELECT key, value"
    " FROM artifact_attr WHERE event_id = e.event_id ORDER BY ord)),"
    " e.artifact_path FROM (SELECT event_id, evidence_id, object_id, t_ns,"
    " parser AS source, raw, clamped, kind, actor, what, path, name,"
    " artifact_path FROM artifact_event) e JOIN evidence ev ON"
    " ev.evidence_id = e.evidence_id LEFT JOIN object o ON o.object_id ="
    " e.object_id LEFT JOIN filesystem fs ON fs.fs_id = o.fs_id LEFT JOIN"
    " volume v ON v.volume_id = fs.volume_id WHERE 1");
  sql_event_cond(b, q);
  sql_object_cond(b, q);
  sqlite3_str_appendall(b, " ORDER BY e.t_ns, ev.label, e.event_id");
  if(!(s = Tl_query_prepare(c, b)))
    return NULL;
  i = bind_event_cond(s, 1, q);
  Tl_bind_object_cond(s, i, q);
  return s;
}

static void
read_artifact(sqlite3_stmt *s, struct tl_event *e)
{
  int b = 7 + OBJ_NCOLS;
  e->kind = col_text(s, b);
  e->actor = (const char *)sqlite3_column_text(s, b + 1);
  e->what = (const char *)sqlite3_column_text(s, b + 2);
  e->attributes = sqlite3_column_type(s, b + 3) == SQLITE_NULL ? "{}" :
                  col_text(s, b + 3);
  e->artifact_path = col_text(s, b + 4);
  e->filetime = 0;
}

/* ---- events --------------------------------------------------------- */

tl_rc
Tl_query_events(tl_case *c, struct Tl_qfilter *q, Tl_event_fn cb, void *ctx)
{
  sqlite3_str *b;
  sqlite3_stmt *s, *a = NULL;
  int i, rc, ra, stopped = 0;
  if(c->pg)
    return Tl_set_error(c, TL_UNSUPPORTED, "%s: reading events one query "
                        "at a time is not done on a PostgreSQL case yet "
                        "(the timeline export is)", c->path);
  b = sqlite3_str_new(c->db);
  /* CROSS JOIN keeps event as the outer loop: rows come from the
  ** event_time index and only rows of equal t_ns are sorted in memory. */
  sqlite3_str_appendall(b, "SELECT " EV_COLS ", " OBJ_COLS
                        " FROM event e CROSS JOIN object o ON"
                        " o.object_id = e.object_id" OBJ_JOINS " WHERE 1");
  sql_event_cond(b, q);
  sql_object_cond(b, q);
  /* the path as printed: a $FILE_NAME event is shown without the stream
  ** of the object that carries it */
  sqlite3_str_appendall(b, " ORDER BY e.t_ns, ev.label, CASE WHEN"
                        " e.source = '$FN' AND o.stream IS NOT NULL THEN"
                        " substr(o.path, 1, length(o.path) -"
                        " length(o.stream) - 1) ELSE o.path END,"
                        " e.event_id");
  if(!(s = Tl_query_prepare(c, b)))
    return c->errcode;
  i = bind_event_cond(s, 1, q);
  Tl_bind_object_cond(s, i, q);
  /* artifact events, merged by time (file-system events first at equal
  ** instants); a case from before them has none */
  if(has_table(c, "artifact_event") && !(a = prepare_artifacts(c, q))) {
    sqlite3_finalize(s);
    return c->errcode;
  }
  rc = sqlite3_step(s);
  ra = a ? sqlite3_step(a) : SQLITE_DONE;
  while(rc == SQLITE_ROW || ra == SQLITE_ROW) {
    struct tl_event e;
    struct tl_object o;
    size_t plain;
    int from_a = rc != SQLITE_ROW || (ra == SQLITE_ROW &&
                 sqlite3_column_int64(a, 0) < sqlite3_column_int64(s, 0));
    sqlite3_stmt *cur = from_a ? a : s;
    read_event(cur, 0, &e);
    plain = read_obj(cur, 7, &o, NULL);
    if(from_a)
      read_artifact(cur, &e);
    if(Tl_qfilter_obj_ok(q, &o, plain)) {
      e.object = &o;
      if(cb(&e, plain, ctx)) {
        stopped = 1;
        break;
      }
    }
    if(from_a)
      ra = sqlite3_step(a);
    else
      rc = sqlite3_step(s);
  }
  if(a) {
    if(!stopped && ra != SQLITE_DONE)
      rc = ra;
    sqlite3_finalize(a);
  }
  return step_end(c, s, rc, stopped);
}

int64_t
Tl_query_count_fs(tl_case *c, struct Tl_qfilter *q)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  sqlite3_stmt *s;
  int64_t n = -1;
  sqlite3_str_appendall(b, "SELECT count(*) FROM filesystem fs JOIN"
                        " evidence ev ON ev.evidence_id = fs.evidence_id"
                        " WHERE 1");
  Tl_sql_evidence_cond(b, q);
  if(!(s = Tl_query_prepare(c, b)))
    return -1;
  Tl_bind_object_cond(s, 1, q);
  if(sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  else
    Tl_set_sqlite_error(c, "query");
  sqlite3_finalize(s);
  return n;
}

/* ---- public ------------------------------------------------------------- */

struct pub_events {
  tl_event_cb cb;
  void *ctx;
};

static int
pub_event(const struct tl_event *e, size_t plain_len, void *ctx)
{
  struct pub_events *p = ctx;
  (void)plain_len;
  return p->cb(e, p->ctx);
}

tl_rc
tl_query_events(tl_case *c, const struct tl_filter *filter, tl_event_cb cb,
                void *ctx)
{
  struct Tl_qfilter q;
  struct pub_events p;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->errmsg[0] = '\0';
  if(!cb)
    return Tl_set_error(c, TL_USAGE, "query: no callback");
  if((rc = Tl_qfilter_init(c, filter, &q)))
    return rc;
  p.cb = cb;
  p.ctx = ctx;
  rc = Tl_query_events(c, &q, pub_event, &p);
  Tl_qfilter_free(&q);
  return rc;
}

tl_rc
tl_query_objects(tl_case *c, const struct tl_filter *filter,
                 tl_object_cb cb, void *ctx)
{
  struct Tl_qfilter q;
  sqlite3_str *b;
  sqlite3_stmt *s;
  int i, rc, stopped = 0;
  tl_rc r;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->errmsg[0] = '\0';
  if(!cb)
    return Tl_set_error(c, TL_USAGE, "query: no callback");
  if(c->pg)
    return Tl_set_error(c, TL_UNSUPPORTED, "%s: reading objects is not "
                        "done on a PostgreSQL case yet (the timeline "
                        "export is)", c->path);
  if((r = Tl_qfilter_init(c, filter, &q)))
    return r;
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "SELECT " OBJ_COLS " FROM object o" OBJ_JOINS
                        " WHERE 1");
  sql_object_cond(b, &q);
  if(Tl_qfilter_has_event_cond(&q)) {
    sqlite3_str_appendall(b, " AND EXISTS (SELECT 1 FROM event e WHERE"
                          " e.object_id = o.object_id");
    sql_event_cond(b, &q);
    sqlite3_str_appendall(b, ")");
  }
  sqlite3_str_appendall(b, " ORDER BY o.object_id");
  if(!(s = Tl_query_prepare(c, b))) {
    Tl_qfilter_free(&q);
    return c->errcode;
  }
  i = Tl_bind_object_cond(s, 1, &q);
  bind_event_cond(s, i, &q);
  while((rc = sqlite3_step(s)) == SQLITE_ROW) {
    struct tl_object o;
    size_t plain = read_obj(s, 0, &o, NULL);
    if(!Tl_qfilter_obj_ok(&q, &o, plain))
      continue;
    if(cb(&o, ctx)) {
      stopped = 1;
      break;
    }
  }
  r = step_end(c, s, rc, stopped);
  Tl_qfilter_free(&q);
  return r;
}

/* ---- the export: objects and events read once, ordered in memory ------ */

/* tl_timeline_export reads the case in sequential scans (object and event
** tables in rowid order: no per-row index look-up, no page read twice)
** and orders the events in memory: a radix sort on t_ns, then the rows of
** equal t_ns by evidence, printed path and event_id, the order of
** Tl_query_events. Objects stay in memory (about 110 bytes and their
** strings each); events come in windows of at most SNAP_BUDGET rows, so
** their memory is bounded whatever the case. */
#define SNAP_BUDGET 1000000

/* The window size; a test hook (configure --enable-test-hooks) sets a
** small one with TOUCHLINE_EXPORT_WINDOW=N to exercise the windows. */
int64_t
Tl_snap_budget(void)
{
#ifdef TL_TEST_HOOKS
  const char *v = getenv("TOUCHLINE_EXPORT_WINDOW");
  if(v && atoll(v) > 0)
    return atoll(v);
#endif
  return SNAP_BUDGET;
}

static void
intern_free(struct Tl_intern *t)
{
  size_t i;
  for(i = 0; i < t->n; i++)
    free(t->s[i]);
  free(t->s);
  free(t->filetime);
  free(t->key);
}

/* s (len bytes) packed in a word, UINT64_MAX when 8 bytes or longer;
** the length goes in the top byte. */
static inline uint64_t
intern_pack(const char *s, size_t len)
{
  uint64_t k = 0;
  if(len >= 8)
    return UINT64_MAX;
  memcpy(&k, s, len);
  return k | ((uint64_t)len << 56);
}

/* Index of s in t (added when new); -1 out of memory or past max. */
long
Tl_snap_intern(struct Tl_intern *t, const char *s, size_t max)
{
  size_t i;
  if(t->n && !strcmp(t->s[t->last], s))
    return (long)t->last;
  for(i = 0; i < t->n; i++)
    if(!strcmp(t->s[i], s)) {
      t->last = i;
      return (long)i;
    }
  if(t->n >= max)
    return -1;
  if(t->n == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 16;
    char **ns = realloc(t->s, nc * sizeof(*ns));
    int *nf;
    uint64_t *nk;
    if(!ns)
      return -1;
    t->s = ns;
    if(!(nf = realloc(t->filetime, nc * sizeof(*nf))))
      return -1;
    t->filetime = nf;
    if(!(nk = realloc(t->key, nc * sizeof(*nk))))
      return -1;
    t->key = nk;
    t->cap = nc;
  }
  if(!(t->s[t->n] = strdup(s)))
    return -1;
  t->key[t->n] = intern_pack(s, strlen(s));
  t->filetime[t->n] = !strcmp(s, "$FN") ? 3 : !strcmp(s, "$SI");
  t->last = t->n;
  return (long)t->n++;
}

/* Tl_snap_intern() of a column's text (len bytes, no NUL inside): a short string
** is compared packed, the last one found first. */
static inline long
intern_col(struct Tl_intern *t, const char *p, size_t len, size_t max)
{
  uint64_t k = intern_pack(p, len);
  size_t i;
  if(k != UINT64_MAX && t->n) {
    if(t->key[t->last] == k)
      return (long)t->last;
    for(i = 0; i < t->n; i++)
      if(t->key[i] == k) {
        t->last = i;
        return (long)i;
      }
  }
  return Tl_snap_intern(t, p, max);
}

static void
snap_free(struct Tl_snap *s)
{
  size_t i;
  for(i = 0; i < s->n_fs; i++) {
    free(s->fs[i].label);
    free(s->fs[i].division);
    free(s->fs[i].volume);
    free(s->fs[i].fs_type);
    free(s->fs[i].prefix);
  }
  free(s->fs);
  free(s->obj);
  free(s->arena);
  free(s->map);
  free(s->ev);
  free(s->ord);
  free(s->fn);
  intern_free(&s->src);
  intern_free(&s->macb);
  intern_free(&s->alloc);
  memset(s, 0, sizeof(*s));
}

/* Copy len bytes and a NUL into the arena; SIZE_MAX when out of memory. */
size_t
Tl_snap_arena_put(struct Tl_snap *s, const char *p, size_t len)
{
  size_t off;
  if(s->used + len + 1 > s->cap) {
    size_t nc = s->cap ? s->cap : 1 << 20;
    char *nb;
    while(nc < s->used + len + 1)
      nc *= 2;
    if(!(nb = realloc(s->arena, nc))) {
      s->oom = 1;
      return SIZE_MAX;
    }
    s->arena = nb;
    s->cap = nc;
  }
  off = s->used;
  memcpy(s->arena + off, p, len);
  s->arena[off + len] = '\0';
  s->used += len + 1;
  return off;
}

static const char *
astr(const struct Tl_snap *s, size_t off)
{
  return off == SIZE_MAX ? NULL : s->arena + off;
}

static char *
dup_col(sqlite3_stmt *st, int i, int *oom)
{
  char *d = strdup(col_text(st, i));
  if(!d)
    *oom = 1;
  return d;
}

int
Tl_snap_pstr(const char *s)
{
  return Tl_fmt_printable(s, strlen(s));
}

/* The file systems of the evidence items the filter keeps. */
static tl_rc
snap_fs(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  sqlite3_stmt *st;
  int rc;
  size_t cap = 0;
  sqlite3_str_appendall(b, "SELECT fs.fs_id, ev.label, ifnull(ev.division,"
    " ''), CASE WHEN v.volume_id IS NULL THEN ifnull(fs.pool_volume, '')"
    " ELSE v.addr || ': ' || ifnull(v.description, '') || ifnull(' / ' ||"
    " fs.pool_volume, '') END, fs.fs_type, ev.label || ifnull('/vol' ||"
    " v.addr, '') || ifnull('/' || fs.pool_volume, '') FROM filesystem fs"
    " JOIN evidence ev ON ev.evidence_id = fs.evidence_id LEFT JOIN volume"
    " v ON v.volume_id = fs.volume_id WHERE 1");
  Tl_sql_evidence_cond(b, q);
  sqlite3_str_appendall(b, " ORDER BY fs.fs_id");
  if(!(st = Tl_query_prepare(c, b)))
    return c->errcode;
  Tl_bind_object_cond(st, 1, q);
  while((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct Tl_sfs *f;
    if(s->n_fs == cap) {
      size_t nc = cap ? cap * 2 : 8;
      struct Tl_sfs *n = realloc(s->fs, nc * sizeof(*n));
      if(!n) {
        s->oom = 1;
        break;
      }
      s->fs = n;
      cap = nc;
    }
    f = &s->fs[s->n_fs++];
    memset(f, 0, sizeof(*f));
    f->fs_id = sqlite3_column_int64(st, 0);
    f->label = dup_col(st, 1, &s->oom);
    f->division = dup_col(st, 2, &s->oom);
    f->volume = dup_col(st, 3, &s->oom);
    f->fs_type = dup_col(st, 4, &s->oom);
    f->prefix = dup_col(st, 5, &s->oom);
    f->printable = !s->oom && Tl_snap_pstr(f->label) && Tl_snap_pstr(f->volume) &&
                   Tl_snap_pstr(f->prefix);
  }
  if(s->oom) {
    sqlite3_finalize(st);
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  }
  return step_end(c, st, rc, 0);
}

long
Tl_snap_fs_index(const struct Tl_snap *s, int64_t fs_id)
{
  size_t lo = 0, hi = s->n_fs;
  while(lo < hi) {
    size_t m = (lo + hi) / 2;
    if(s->fs[m].fs_id < fs_id)
      lo = m + 1;
    else if(s->fs[m].fs_id > fs_id)
      hi = m;
    else
      return (long)m;
  }
  return -1;
}

/* Characters (as SQLite's length() counts them) in s. */
static size_t
sql_chars(const char *s, size_t len)
{
  size_t i, n = 0;
  for(i = 0; i < len; i++)
    n += ((unsigned char)s[i] & 0xc0) != 0x80;
  return n;
}

/* Bytes of substr(path, 1, length(path) - length(stream) - 1): the sort
** key of a $FN event of an object with a stream. */
uint32_t
Tl_snap_fn_cut(const char *path, size_t len, const char *stream)
{
  size_t chars = sql_chars(path, len), cut = sql_chars(stream,
                                                       strlen(stream)) + 1;
  size_t keep, i;
  if(cut >= chars)
    return 0;
  keep = chars - cut;
  for(i = 0; i < len && keep; i++)
    if(i + 1 == len || ((unsigned char)path[i + 1] & 0xc0) != 0x80)
      keep--;
  return (uint32_t)i;
}

/* The tl_object of snapshot object o (strings borrowed from s). */
static void
snap_obj(const struct Tl_snap *s, const struct Tl_sobj *so, struct tl_object *o)
{
  const struct Tl_sfs *f = &s->fs[so->fs];
  memset(o, 0, sizeof(*o));
  o->struct_size = sizeof(*o);
  o->object_id = so->id;
  o->evidence = f->label;
  o->division = so->division;
  o->volume = f->volume;
  o->fs_type = f->fs_type;
  o->path = s->arena + so->path;
  o->path_len = so->path_len;
  o->name = s->arena + so->name;
  o->stream = astr(s, so->stream);
  o->inode = so->inode;
  o->has_attr = so->has_attr;
  o->attr_type = so->attr_type;
  o->attr_id = so->attr_id;
  o->size = so->size;
  o->deleted = so->deleted;
  o->alloc = s->alloc.s[so->alloc];
  o->name_type = so->name_type;
  o->meta_type = so->meta_type;
  o->mode = so->mode;
  o->uid = so->uid;
  o->gid = so->gid;
  o->link_target = astr(s, so->link);
}

/* Every object passing the object conditions, in object_id order. */
/* object_id -> index: an array when the ids are dense enough (else
** Tl_snap_obj_index() searches); for both backends' object loaders. */
tl_rc
Tl_snap_map(tl_case *c, struct Tl_snap *s)
{
  if(s->n_obj) {
    uint64_t range = (uint64_t)(s->obj[s->n_obj - 1].id - s->obj[0].id) + 1;
    s->min_id = s->obj[0].id;
    if(range <= 8 * (uint64_t)s->n_obj + 4096) {
      size_t i;
      if(!(s->map = malloc((size_t)range * sizeof(*s->map))))
        return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      memset(s->map, 0xff, (size_t)range * sizeof(*s->map));
      s->n_map = (size_t)range;
      for(i = 0; i < s->n_obj; i++)
        s->map[s->obj[i].id - s->min_id] = (uint32_t)i;
    }
  }
  return TL_OK;
}

static tl_rc
snap_objects(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s)
{
  sqlite3_stmt *st;
  int rc;
  long fsx = -1;
  int64_t last_fs = 0;
  PG_HOOK(Tl_pg_snap_objects(c, q, s));
  if(sqlite3_prepare_v2(c->db, "SELECT o.object_id, o.fs_id, o.path,"
      " o.name, o.stream, o.inode, o.attr_type, o.attr_id, ifnull(o.size,"
      " 0), o.deleted, o.alloc, o.name_type, o.meta_type, ifnull(o.mode,"
      " 0), ifnull(o.uid, 0), ifnull(o.gid, 0), o.link_target FROM object o"
      " ORDER BY o.object_id", -1, &st, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  while((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct Tl_sobj so;
    struct tl_object o;
    const char *path, *name, *stream, *nt, *mt;
    size_t plen, nlen;
    long a;
    int64_t fs_id = sqlite3_column_int64(st, 1);
    if(fsx < 0 || fs_id != last_fs) {
      fsx = Tl_snap_fs_index(s, fs_id);
      last_fs = fs_id;
    }
    if(fsx < 0)
      continue;             /* not in the evidence the filter keeps */
    memset(&so, 0, sizeof(so));
    so.deleted = sqlite3_column_int(st, 9) != 0;
    if((q->f.alloc == TL_ALLOC_DELETED && !so.deleted) ||
       (q->f.alloc == TL_ALLOC_ALLOCATED && so.deleted))
      continue;
    so.id = sqlite3_column_int64(st, 0);
    so.fs = (uint32_t)fsx;
    path = col_text(st, 2);
    plen = (size_t)sqlite3_column_bytes(st, 2);
    name = col_text(st, 3);
    nlen = (size_t)sqlite3_column_bytes(st, 3);
    stream = (const char *)sqlite3_column_text(st, 4);
    so.inode = sqlite3_column_int64(st, 5);
    so.has_attr = sqlite3_column_type(st, 6) != SQLITE_NULL;
    so.attr_type = sqlite3_column_int(st, 6);
    so.attr_id = sqlite3_column_int(st, 7);
    so.size = sqlite3_column_int64(st, 8);
    if((a = Tl_snap_intern(&s->alloc, col_text(st, 10), 255)) < 0) {
      s->oom = 1;
      break;
    }
    so.alloc = (uint8_t)a;
    nt = col_text(st, 11);
    mt = col_text(st, 12);
    so.name_type = nt[0] ? nt[0] : '-';
    so.meta_type = mt[0];
    so.mode = sqlite3_column_int64(st, 13);
    so.uid = sqlite3_column_int64(st, 14);
    so.gid = sqlite3_column_int64(st, 15);
    so.path_len = (uint32_t)plen;
    so.plain = (uint32_t)plen;
    so.fnkey_len = (uint32_t)plen;
    if(stream) {
      size_t sl = strlen(stream);
      if(*stream && sl + 1 <= plen && path[plen - sl - 1] == ':' &&
         !memcmp(path + plen - sl, stream, sl))
        so.plain = (uint32_t)(plen - sl - 1);
      so.fnkey_len = Tl_snap_fn_cut(path, plen, stream);
    }
    /* the division and the path glob: on the strings as read */
    memset(&o, 0, sizeof(o));
    o.evidence = s->fs[fsx].label;
    o.division = s->fs[fsx].division;
    o.fs_type = s->fs[fsx].fs_type;
    o.path = path;
    o.path_len = plen;
    if(!Tl_qfilter_obj_ok(q, &o, so.plain))
      continue;
    so.division = o.division;
    so.printable = s->fs[fsx].printable && Tl_fmt_printable(path, plen) &&
                   Tl_fmt_printable(name, nlen) && Tl_snap_pstr(o.division) &&
                   (sqlite3_column_type(st, 16) == SQLITE_NULL ||
                    Tl_fmt_printable(col_text(st, 16),
                    (size_t)sqlite3_column_bytes(st, 16)));
    so.path = Tl_snap_arena_put(s, path, plen);
    /* the name is most often the end of the path: kept once */
    if(nlen <= plen && !memcmp(path + plen - nlen, name, nlen))
      so.name = so.path + plen - nlen;
    else
      so.name = Tl_snap_arena_put(s, name, nlen);
    so.stream = stream ? Tl_snap_arena_put(s, stream, strlen(stream)) : SIZE_MAX;
    so.link = sqlite3_column_type(st, 16) == SQLITE_NULL ? SIZE_MAX :
              Tl_snap_arena_put(s, col_text(st, 16),
                        (size_t)sqlite3_column_bytes(st, 16));
    if(s->oom || plen > UINT32_MAX)
      break;
    if(s->n_obj == s->cap_obj) {
      size_t nc = s->cap_obj ? s->cap_obj * 2 : 4096;
      struct Tl_sobj *n = realloc(s->obj, nc * sizeof(*n));
      if(!n) {
        s->oom = 1;
        break;
      }
      s->obj = n;
      s->cap_obj = nc;
    }
    s->obj[s->n_obj++] = so;
  }
  if(s->oom) {
    sqlite3_finalize(st);
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  }
  if((rc = step_end(c, st, rc, 0)))
    return rc;
  return Tl_snap_map(c, s);
}


/* ---- reading the event table, on one connection or two ---- */

/* Where rows go: s->ev of the snapshot, or a second reader's own buffer.
** ids: the rows' object ids, kept when the objects are not read yet
** (mapped to indices after, ev_map()); NULL: mapped as read. */
struct evsink {
  struct Tl_sev *ev;
  size_t n, cap, hint;
  int64_t *ids;
  size_t cap_ids;
  int keep_ids;
  struct Tl_intern *src, *macb;
  int oom;
};

/* The SELECT of the event rows: the columns the rows need and no more
** (each costs SQLite a decode per row; the body file has no field for raw
** but needs fn_ord; clamped is NOT NULL), the filter's conditions, the
** window (t_ns in [lo, hi), or object_id in [lo, hi]) and, range: an
** event_id range [?, ?) last. NOT INDEXED: one pass over the table in
** rowid (event_id) order; the event_id range is still a rowid range. */
static sqlite3_stmt *
ev_prepare(tl_case *c, sqlite3 *db, struct Tl_qfilter *q,
           const struct Tl_snap *s, int win, int64_t lo, int64_t hi,
           int has_hi, int range, int *next)
{
  sqlite3_str *b = sqlite3_str_new(db);
  sqlite3_stmt *st = NULL;
  char *sql;
  int i, err;
  sqlite3_str_appendall(b, "SELECT e.t_ns, e.object_id, e.source, e.macb,"
                        " e.attr_id, ");
  if(s->body)
    sqlite3_str_appendall(b, s->schema >= 3 ? "e.clamped, e.fn_ord" :
                          "e.clamped, NULL");
  else
    sqlite3_str_appendall(b, "e.clamped, e.raw");
  sqlite3_str_appendall(b, " FROM event e NOT INDEXED WHERE 1");
  sql_event_cond(b, q);
  if(win == TL_WIN_TIME) {
    sqlite3_str_appendall(b, " AND e.t_ns >= ?");
    if(has_hi)
      sqlite3_str_appendall(b, " AND e.t_ns < ?");
  }
  else if(win == TL_WIN_OBJECT)
    sqlite3_str_appendall(b, " AND e.object_id >= ? AND e.object_id <= ?");
  if(range)
    sqlite3_str_appendall(b, " AND e.event_id >= ? AND e.event_id < ?");
  err = sqlite3_str_errcode(b);
  sql = sqlite3_str_finish(b);
  if(err || !sql) {
    sqlite3_free(sql);
    Tl_set_error(c, TL_NOMEM, "out of memory");
    return NULL;
  }
  if(sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    if(db == c->db)
      Tl_set_sqlite_error(c, "query");
    else
      Tl_set_error(c, TL_IO, "%s: case database query: %s", c->path,
                   sqlite3_errmsg(db));
    st = NULL;
  }
  sqlite3_free(sql);
  if(!st)
    return NULL;
  i = bind_event_cond(st, 1, q);
  if(win != TL_WIN_NONE) {
    sqlite3_bind_int64(st, i++, lo);
    if(win == TL_WIN_OBJECT || has_hi)
      sqlite3_bind_int64(st, i++, hi);
  }
  *next = i;
  return st;
}

/* Room for one more row in k. */
static int
ev_grow(struct evsink *k)
{
  if(k->n == k->cap) {
    size_t nc = k->cap ? k->cap * 2 : k->hint ? k->hint : 65536;
    struct Tl_sev *n = realloc(k->ev, nc * sizeof(*n));
    if(!n)
      return 0;
    k->ev = n;
    k->cap = nc;
  }
  if(k->keep_ids && k->n >= k->cap_ids) {
    int64_t *n = realloc(k->ids, k->cap * sizeof(*n));
    if(!n)
      return 0;
    k->ids = n;
    k->cap_ids = k->cap;
  }
  return 1;
}

/* The rows of st (ev_prepare's, bound) into k; SQLite's last code. */
static int
ev_rows(sqlite3_stmt *st, const struct Tl_snap *s, struct evsink *k)
{
  int rc;
  int64_t last_id = INT64_MIN;
  uint32_t last_ox = UINT32_MAX;
  while((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct Tl_sev *e;
    int64_t id = sqlite3_column_int64(st, 1);
    uint32_t ox = 0;
    long sx, mx;
    int has_attr;
    if(!k->keep_ids) {
      /* an object's events are stored together */
      if(id != last_id) {
        last_id = id;
        last_ox = Tl_snap_obj_index(s, id);
      }
      if((ox = last_ox) == UINT32_MAX)
        continue;
    }
    if(!ev_grow(k)) {
      k->oom = 1;
      break;
    }
    e = &k->ev[k->n];
    e->t_ns = sqlite3_column_int64(st, 0);
    if((sx = intern_col(k->src, col_text(st, 2), (size_t)
                        sqlite3_column_bytes(st, 2), 65535)) < 0 ||
       (mx = intern_col(k->macb, col_text(st, 3), (size_t)
                        sqlite3_column_bytes(st, 3), 255)) < 0) {
      k->oom = 1;
      break;
    }
    e->src = (uint16_t)sx;
    e->macb = (uint8_t)mx;
    has_attr = sqlite3_column_type(st, 4) != SQLITE_NULL;
    e->attr_id = has_attr ? sqlite3_column_int(st, 4) : 0;
    e->flags = sqlite3_column_int(st, 5) != 0;
    e->raw = 0;
    if(s->body) {
      if(sqlite3_column_type(st, 6) != SQLITE_NULL)
        e->fnkey = sqlite3_column_int(st, 6);
      else
        e->fnkey = has_attr ? e->attr_id : INT32_MIN;
    }
    else {
      if(sqlite3_column_type(st, 6) != SQLITE_NULL) {
        e->flags |= 2;
        e->raw = sqlite3_column_int64(st, 6);
      }
      e->fnkey = has_attr ? e->attr_id : INT32_MIN;
    }
    e->obj = ox;
    if(k->keep_ids)
      k->ids[k->n] = id;
    k->n++;
  }
  return rc;
}

/* Events passing the event conditions (and the window), in event_id
** order, into s->ev, on the case's connection. */
static tl_rc
snap_events(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s, int win,
            int64_t lo, int64_t hi, int has_hi)
{
  sqlite3_stmt *st;
  struct evsink k;
  int rc, next;
  PG_HOOK(Tl_pg_snap_events(c, q, s, win, lo, hi, has_hi));
  s->n_ev = 0;
  if(!(st = ev_prepare(c, c->db, q, s, win, lo, hi, has_hi, 0, &next)))
    return c->errcode;
  memset(&k, 0, sizeof(k));
  k.ev = s->ev;
  k.cap = s->cap_ev;
  k.hint = s->ev_hint;
  k.src = &s->src;
  k.macb = &s->macb;
  rc = ev_rows(st, s, &k);
  s->ev = k.ev;
  s->cap_ev = k.cap;
  s->n_ev = k.n;
  if(k.oom) {
    s->oom = 1;
    sqlite3_finalize(st);
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  }
  return step_end(c, st, rc, 0);
}

/* The event table read in two threads: the event_id range cut in
** PAIR_CHUNKS pieces, the second reader (q->db2, the same snapshot) takes
** them from the bottom, the case's connection from the top (after the
** objects, when it reads those first), until they meet. */
#define PAIR_CHUNKS 64

struct pair {
  pthread_mutex_t mu;
  int next_lo, next_hi;     /* the lowest and highest chunk not taken */
  int64_t base, span;       /* chunk i: event_id in [base + i*span, +span) */
  /* the second reader's */
  sqlite3 *db;
  sqlite3_stmt *st;
  int at;                   /* index of its event_id range's first ? */
  const struct Tl_snap *s;
  struct evsink k;
  struct Tl_intern src, macb;   /* the texts of the case connection's rows */
  int rc;                   /* SQLite's last code */
  int taken;                /* chunks the second reader took */
  char err[256];
};

/* The next chunk from the bottom (low) or the top; -1 when none is left. */
static int
pair_take(struct pair *p, int low)
{
  int i = -1;
  pthread_mutex_lock(&p->mu);
  if(p->next_lo <= p->next_hi) {
    i = low ? p->next_lo++ : p->next_hi--;
    p->taken += low;
  }
  pthread_mutex_unlock(&p->mu);
  return i;
}

/* Test hook TOUCHLINE_EXPORT_PAIR_WAIT=1 (configure --enable-test-hooks):
** the case's connection takes a chunk only once the second reader has
** one, so that a small case is read on both (tests/timeline_pair.sh). */
static void
pair_wait(struct pair *p)
{
#ifdef TL_TEST_HOOKS
  const char *v = getenv("TOUCHLINE_EXPORT_PAIR_WAIT");
  if(v && atoi(v) > 0)
    for(;;) {
      int go;
      struct timespec ts = { 0, 1000000L };
      pthread_mutex_lock(&p->mu);
      go = p->taken || p->next_lo > p->next_hi;
      pthread_mutex_unlock(&p->mu);
      if(go)
        break;
      nanosleep(&ts, NULL);
    }
#else
  (void)p;
#endif
}

static void
pair_bind(struct pair *p, sqlite3_stmt *st, int at, int i)
{
  sqlite3_bind_int64(st, at, p->base + (int64_t)i * p->span);
  if(i == PAIR_CHUNKS - 1)
    sqlite3_bind_int64(st, at + 1, INT64_MAX);
  else
    sqlite3_bind_int64(st, at + 1, p->base + (int64_t)(i + 1) * p->span);
}

static void *
pair_thread(void *arg)
{
  struct pair *p = arg;
  int i;
  p->rc = SQLITE_DONE;
  while((i = pair_take(p, 1)) >= 0) {
    sqlite3_reset(p->st);
    pair_bind(p, p->st, p->at, i);
    p->rc = ev_rows(p->st, p->s, &p->k);
    if(p->k.oom || p->rc != SQLITE_DONE) {
      if(!p->k.oom)
        snprintf(p->err, sizeof(p->err), "%s", sqlite3_errmsg(p->db));
      /* the other side stops too */
      pthread_mutex_lock(&p->mu);
      p->next_lo = p->next_hi + 1;
      pthread_mutex_unlock(&p->mu);
      break;
    }
  }
  return NULL;
}

/* Reverse n rows of a in place. */
static void
ev_reverse(struct Tl_sev *a, size_t n)
{
  size_t i;
  for(i = 0; i < n / 2; i++) {
    struct Tl_sev t = a[i];
    a[i] = a[n - 1 - i];
    a[n - 1 - i] = t;
  }
}

/* The event_id range of the case's events: 0 when it has none. */
static int
event_range(tl_case *c, int64_t *lo, int64_t *hi)
{
  sqlite3_stmt *st;
  int ok = 0;
  /* two subqueries: min() and max() of the rowid in one SELECT would
  ** scan the table, each alone is one descent of the B-tree */
  if(sqlite3_prepare_v2(c->db, "SELECT (SELECT min(event_id) FROM event),"
                        " (SELECT max(event_id) FROM event)", -1, &st,
                        NULL) != SQLITE_OK)
    return 0;
  if(sqlite3_step(st) == SQLITE_ROW &&
     sqlite3_column_type(st, 0) != SQLITE_NULL) {
    *lo = sqlite3_column_int64(st, 0);
    *hi = sqlite3_column_int64(st, 1);
    ok = *hi >= *lo;
  }
  sqlite3_finalize(st);
  return ok;
}

typedef tl_rc (*Tl_before_fn)(tl_case *c, struct Tl_qfilter *q,
                              struct Tl_snap *s);

/* One window's events into s->ev in event_id order. before, when not
** NULL, runs first on the case's connection (the objects' read): with a
** second reader, while that reader's thread reads its first chunks, its
** rows then keep their object ids until the objects are in.
** The second reader's rows go straight into s->ev (they are the lower
** event_ids, in order), with the snapshot's texts; this side's into a
** buffer of its own, appended after: the only copy is of this side's
** rows, which also read the objects first (memory: bench/README.md). */
static tl_rc
read_window(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s, int win,
            int64_t lo, int64_t hi, int has_hi, Tl_before_fn before)
{
  struct pair p;
  sqlite3_stmt *st = NULL;
  struct evsink k;
  size_t sizes[PAIR_CHUNKS], n_sizes = 0, i, j, n_w;
  int64_t elo, ehi;
  int at, rc = SQLITE_DONE, ch;
  uint16_t *smap = NULL;
  uint8_t mmap_[256];
  pthread_t th;
  tl_rc r;
  if(!q->db2 || c->pg || !event_range(c, &elo, &ehi)) {
    if(before && (r = before(c, q, s)))
      return r;
    return snap_events(c, q, s, win, lo, hi, has_hi);
  }
  memset(&p, 0, sizeof(p));
  p.base = elo;
  p.span = (int64_t)(((uint64_t)ehi - (uint64_t)elo) / PAIR_CHUNKS + 1);
  p.next_hi = PAIR_CHUNKS - 1;
  p.db = q->db2;
  p.s = s;
  s->n_ev = 0;
  p.k.ev = s->ev;
  p.k.cap = s->cap_ev;
  p.k.hint = s->ev_hint;
  p.k.keep_ids = before != NULL;
  p.k.src = &s->src;
  p.k.macb = &s->macb;
  if(!(p.st = ev_prepare(c, q->db2, q, s, win, lo, hi, has_hi, 1, &p.at)))
    return c->errcode;
  if(!(st = ev_prepare(c, c->db, q, s, win, lo, hi, has_hi, 1, &at))) {
    sqlite3_finalize(p.st);
    return c->errcode;
  }
  pthread_mutex_init(&p.mu, NULL);
  if(pthread_create(&th, NULL, pair_thread, &p)) {
    /* no thread: one connection */
    sqlite3_finalize(p.st);
    sqlite3_finalize(st);
    pthread_mutex_destroy(&p.mu);
    if(before && (r = before(c, q, s)))
      return r;
    return snap_events(c, q, s, win, lo, hi, has_hi);
  }
  /* s->ev, s->src and s->macb are the thread's until it ends */
  r = before ? before(c, q, s) : TL_OK;
  memset(&k, 0, sizeof(k));
  k.src = &p.src;
  k.macb = &p.macb;
  if(r) {
    /* stop the thread at its next chunk */
    pthread_mutex_lock(&p.mu);
    p.next_lo = p.next_hi + 1;
    pthread_mutex_unlock(&p.mu);
  }
  pair_wait(&p);
  /* the top chunks, highest first: put in order below */
  while(!r && (ch = pair_take(&p, 0)) >= 0) {
    size_t n0 = k.n;
    sqlite3_reset(st);
    pair_bind(&p, st, at, ch);
    rc = ev_rows(st, s, &k);
    sizes[n_sizes++] = k.n - n0;
    if(k.oom || rc != SQLITE_DONE) {
      pthread_mutex_lock(&p.mu);
      p.next_lo = p.next_hi + 1;
      pthread_mutex_unlock(&p.mu);
      if(k.oom)
        r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      else
        r = Tl_set_sqlite_error(c, "query");
    }
  }
  pthread_join(th, NULL);
  pthread_mutex_destroy(&p.mu);
  s->ev = p.k.ev;
  s->cap_ev = p.k.cap;
  s->n_ev = 0;
  sqlite3_finalize(st);
  sqlite3_finalize(p.st);
  if(!r && p.k.oom)
    r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  else if(!r && p.rc != SQLITE_DONE)
    r = Tl_set_error(c, TL_IO, "%s: case database query: %s", c->path,
                     p.err);
  q->rows2 += p.k.n;
  if(!r) {
    /* this side's texts as the snapshot's */
    if(!(smap = malloc((p.src.n ? p.src.n : 1) * sizeof(*smap))))
      r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
    for(i = 0; !r && i < p.src.n; i++) {
      long x = Tl_snap_intern(&s->src, p.src.s[i], 65535);
      if(x < 0)
        r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      else
        smap[i] = (uint16_t)x;
    }
    for(i = 0; !r && i < p.macb.n; i++) {
      long x = Tl_snap_intern(&s->macb, p.macb.s[i], 255);
      if(x < 0)
        r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      else
        mmap_[i] = (uint8_t)x;
    }
  }
  n_w = 0;
  if(!r) {
    /* the second reader's rows mapped to objects, those the filter left
    ** out dropped */
    if(p.k.keep_ids) {
      uint32_t last_ox = UINT32_MAX;
      int64_t last_id = INT64_MIN;
      for(i = 0; i < p.k.n; i++) {
        if(p.k.ids[i] != last_id) {
          last_id = p.k.ids[i];
          last_ox = Tl_snap_obj_index(s, last_id);
        }
        if(last_ox == UINT32_MAX)
          continue;
        s->ev[n_w] = s->ev[i];
        s->ev[n_w++].obj = last_ox;
      }
      free(p.k.ids);
      p.k.ids = NULL;
    }
    else
      n_w = p.k.n;
    s->n_ev = n_w;
    /* then this side's, its chunks in event_id order: the whole
    ** reversed, then each chunk back */
    ev_reverse(k.ev, k.n);
    for(i = n_sizes, j = 0; i-- > 0; j += sizes[i])
      ev_reverse(k.ev + j, sizes[i]);
    if(k.n && n_w + k.n > s->cap_ev) {
      struct Tl_sev *n = realloc(s->ev, (n_w + k.n) * sizeof(*n));
      if(!n)
        r = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      else {
        s->ev = n;
        s->cap_ev = n_w + k.n;
      }
    }
    for(i = 0; !r && i < k.n; i++) {
      struct Tl_sev *e = &s->ev[n_w + i];
      *e = k.ev[i];
      e->src = smap[e->src];
      e->macb = mmap_[e->macb];
    }
    if(!r)
      s->n_ev = n_w + k.n;
  }
  free(smap);
  free(k.ev);
  free(p.k.ids);
  intern_free(&p.src);
  intern_free(&p.macb);
  return r;
}

static void
snap_event(const struct Tl_snap *s, const struct Tl_sev *se, struct tl_event *e)
{
  memset(e, 0, sizeof(*e));
  e->struct_size = sizeof(*e);
  e->t_ns = se->t_ns;
  e->source = s->src.s[se->src];
  e->macb = s->macb.s[se->macb];
  e->fn_attr_id = s->src.filetime[se->src] == 3 ? se->attr_id : -1;
  e->has_raw = (se->flags & 2) != 0;
  e->raw = se->raw;
  e->filetime = s->src.filetime[se->src] != 0;
  e->clamped = se->flags & 1;
}

/* ---- sorting by time ---- */

struct skey {
  uint64_t k;               /* t_ns with the sign bit flipped */
  uint32_t i;               /* index in s->ev (event_id order) */
};

/* LSD radix sort on k, stable; tmp as large as a. The eight byte
** histograms are counted in one pass; passes whose byte is the same in
** every key are skipped. */
static void
radix_sort(struct skey *a, struct skey *tmp, size_t n)
{
  size_t cnt[8][256];
  size_t i;
  int d;
  struct skey *src = a, *dst = tmp;
  if(n < 2)
    return;
  memset(cnt, 0, sizeof(cnt));
  for(i = 0; i < n; i++) {
    uint64_t k = a[i].k;
    cnt[0][k & 255]++;
    cnt[1][(k >> 8) & 255]++;
    cnt[2][(k >> 16) & 255]++;
    cnt[3][(k >> 24) & 255]++;
    cnt[4][(k >> 32) & 255]++;
    cnt[5][(k >> 40) & 255]++;
    cnt[6][(k >> 48) & 255]++;
    cnt[7][k >> 56]++;
  }
  for(d = 0; d < 8; d++) {
    size_t sum = 0, *c = cnt[d];
    int shift = 8 * d;
    if(c[(a[0].k >> shift) & 255] == n)
      continue;
    for(i = 0; i < 256; i++) {
      size_t t = c[i];
      c[i] = sum;
      sum += t;
    }
    for(i = 0; i < n; i++)
      dst[c[(src[i].k >> shift) & 255]++] = src[i];
    {
      struct skey *t = src;
      src = dst;
      dst = t;
    }
  }
  if(src != a)
    memcpy(a, src, n * sizeof(*a));
}

/* Rows of one t_ns: evidence label, printed path, event_id. */
static _Thread_local const struct Tl_snap *g_sort_snap;

static int
cmp_tie(const void *pa, const void *pb)
{
  const struct Tl_snap *s = g_sort_snap;
  const struct skey *ka = pa, *kb = pb;
  const struct Tl_sev *ea = &s->ev[ka->i], *eb = &s->ev[kb->i];
  const struct Tl_sobj *oa = &s->obj[ea->obj], *ob = &s->obj[eb->obj];
  const char *la = s->fs[oa->fs].label, *lb = s->fs[ob->fs].label;
  size_t na, nb;
  int r;
  if(la != lb && (r = strcmp(la, lb)))
    return r;
  na = s->src.filetime[ea->src] == 3 ? oa->fnkey_len : oa->path_len;
  nb = s->src.filetime[eb->src] == 3 ? ob->fnkey_len : ob->path_len;
  if(oa != ob || na != nb) {
    r = memcmp(s->arena + oa->path, s->arena + ob->path, na < nb ? na : nb);
    if(r)
      return r;
    if(na != nb)
      return na < nb ? -1 : 1;
  }
  return ka->i < kb->i ? -1 : ka->i > kb->i;
}

/* The window's events in export order: s->ord (indices into s->ev).
** s->ev is left as read; the writing loop fetches its rows ahead. */
static int
sort_events(struct Tl_snap *s)
{
  struct skey *k, *tmp;
  uint32_t *ord;
  size_t i, j;
  free(s->ord);
  s->ord = NULL;
  k = malloc((s->n_ev ? s->n_ev : 1) * sizeof(*k));
  tmp = s->n_ev > 1 ? malloc(s->n_ev * sizeof(*tmp)) : NULL;
  if(!k || (s->n_ev > 1 && !tmp)) {
    free(k);
    free(tmp);
    return 0;
  }
  for(i = 0; i < s->n_ev; i++) {
    k[i].k = (uint64_t)s->ev[i].t_ns ^ (UINT64_C(1) << 63);
    k[i].i = (uint32_t)i;
  }
  radix_sort(k, tmp, s->n_ev);
  free(tmp);
  g_sort_snap = s;
  for(i = 0; i < s->n_ev; i = j) {
    for(j = i + 1; j < s->n_ev && k[j].k == k[i].k; j++)
      ;
    if(j - i > 16)
      qsort(k + i, j - i, sizeof(*k), cmp_tie);
    else if(j - i > 1) {
      /* the usual tie: a few times of one file ($SI and $FN) */
      size_t x, y;
      for(x = i + 1; x < j; x++) {
        struct skey t = k[x];
        for(y = x; y > i && cmp_tie(&k[y - 1], &t) > 0; y--)
          k[y] = k[y - 1];
        k[y] = t;
      }
    }
  }
  /* the indices, packed over the keys (ord[i] lies below k[i]) */
  ord = (uint32_t *)(void *)k;
  for(i = 0; i < s->n_ev; i++)
    ord[i] = k[i].i;
  s->ord = ord;
  return 1;
}

/* Windows of at most SNAP_BUDGET events in t_ns order: their lower
** bounds, from the event_time index. *n 0: one window, everything. */
static tl_rc
time_windows(tl_case *c, struct Tl_snap *s, int64_t **bounds, size_t *n)
{
  sqlite3_stmt *st;
  int64_t total = 0, k, budget = Tl_snap_budget();
  size_t cap;
  PG_HOOK(Tl_pg_time_windows(c, bounds, n));
  *bounds = NULL;
  *n = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT count(*) FROM event", -1, &st,
                        NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  if(sqlite3_step(st) == SQLITE_ROW)
    total = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  /* one allocation for the rows of a window (more only when equal times
  ** make one larger) */
  s->ev_hint = (size_t)(total < budget ? total : budget) + 1;
  if(total <= budget)
    return TL_OK;
  cap = (size_t)(total / budget) + 2;
  if(!(*bounds = malloc(cap * sizeof(**bounds))))
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  if(sqlite3_prepare_v2(c->db, "SELECT t_ns FROM event INDEXED BY"
                        " event_time ORDER BY t_ns LIMIT 1 OFFSET ?", -1,
                        &st, NULL) != SQLITE_OK) {
    free(*bounds);
    *bounds = NULL;
    return Tl_set_sqlite_error(c, "query");
  }
  for(k = budget; k < total && *n + 1 < cap; k += budget) {
    int64_t t;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, k);
    if(sqlite3_step(st) != SQLITE_ROW)
      break;
    t = sqlite3_column_int64(st, 0);
    /* a bound is a t_ns: equal times stay in one window */
    if(!*n || t > (*bounds)[*n - 1])
      (*bounds)[(*n)++] = t;
  }
  sqlite3_finalize(st);
  return TL_OK;
}

/* The snapshot's file systems and, objects, its objects (else read by
** read_window() with the first window's events). */
static tl_rc
snap_open(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s, int objects)
{
  tl_rc rc;
  memset(s, 0, sizeof(*s));
  s->schema = schema_version(c);
  if((rc = snap_fs(c, q, s)) || (objects && (rc = snap_objects(c, q, s))))
    snap_free(s);
  return rc;
}

tl_rc
Tl_export_events(tl_case *c, struct Tl_qfilter *q, Tl_export_fn cb,
                 void *ctx)
{
  struct Tl_snap s;
  sqlite3_stmt *a = NULL;
  int64_t *bounds = NULL;
  size_t nb = 0, w;
  int ra = SQLITE_DONE, stopped = 0;
  tl_rc rc;
  /* with a second reader, the objects are read while it reads the first
  ** window's events */
  if((rc = snap_open(c, q, &s, !q->db2)))
    return rc;
  if((rc = time_windows(c, &s, &bounds, &nb)))
    goto out;
  /* artifact events, merged by time (file-system events first at equal
  ** instants); a case from before them has none */
  if(has_table(c, "artifact_event")) {
    if(!(a = prepare_artifacts(c, q))) {
      rc = c->errcode;
      goto out;
    }
    ra = sqlite3_step(a);
  }
  for(w = 0; w <= nb && !stopped; w++) {
    size_t i;
    Tl_before_fn objs = !w && q->db2 ? snap_objects : NULL;
    if(nb)
      rc = read_window(c, q, &s, TL_WIN_TIME, w ? bounds[w - 1] : INT64_MIN,
                       w < nb ? bounds[w] : 0, w < nb, objs);
    else
      rc = read_window(c, q, &s, TL_WIN_NONE, 0, 0, 0, objs);
    if(rc)
      goto out;
    if(!sort_events(&s)) {
      rc = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      goto out;
    }
    for(i = 0; i <= s.n_ev && !stopped; ) {
      struct tl_event e;
      struct tl_object o;
      size_t plain;
      const struct Tl_sev *se = i < s.n_ev ? &s.ev[s.ord[i]] : NULL;
      /* time order visits events and objects at random: fetch the event
      ** of a later row ahead, the object of a nearer one (whose event
      ** came in by now) and the path of a nearer one still */
      if(i + 24 < s.n_ev)
        __builtin_prefetch(&s.ev[s.ord[i + 24]]);
      if(i + 12 < s.n_ev)
        __builtin_prefetch(&s.obj[s.ev[s.ord[i + 12]].obj]);
      if(i + 6 < s.n_ev)
        __builtin_prefetch(s.arena + s.obj[s.ev[s.ord[i + 6]].obj].path);
      if(ra == SQLITE_ROW && (!se || sqlite3_column_int64(a, 0) < se->t_ns)) {
        /* an artifact event first, if this is the last window or it
        ** comes before this window's next event */
        if(!se && w < nb)
          break;
        read_event(a, 0, &e);
        plain = read_obj(a, 7, &o, NULL);
        read_artifact(a, &e);
        if(Tl_qfilter_obj_ok(q, &o, plain)) {
          e.object = &o;
          stopped = cb(&e, plain, 0, ctx) != 0;
        }
        ra = sqlite3_step(a);
        continue;
      }
      if(!se)
        break;
      snap_event(&s, se, &e);
      snap_obj(&s, &s.obj[se->obj], &o);
      e.object = &o;
      stopped = cb(&e, s.obj[se->obj].plain, s.obj[se->obj].printable,
                   ctx) != 0;
      i++;
    }
  }
  if(!stopped && a && ra != SQLITE_DONE && ra != SQLITE_ROW)
    rc = Tl_set_sqlite_error(c, "query");
  else if(stopped)
    rc = TL_STOP;
out:
  if(a)
    sqlite3_finalize(a);
  free(bounds);
  snap_free(&s);
  return rc;
}

/* ---- the body file: objects in object_id order with their events ---- */

size_t
Tl_snap_utf16_units(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;
  for(; *p; p++) {
    if((*p & 0xc0) == 0x80)
      continue;
    n += *p >= 0xf0 ? 2 : 1;
  }
  return n;
}

/* ntfs_filename in (object_id, key) order: the key is ord (schema 3), or
** attr_id in an older case. */
static tl_rc
snap_fn(tl_case *c, struct Tl_snap *s)
{
  sqlite3_stmt *st;
  size_t cap = 0;
  int rc;
  PG_HOOK(Tl_pg_snap_fn(c, s));
  if(!has_table(c, "ntfs_filename"))
    return TL_OK;
  if(sqlite3_prepare_v2(c->db, s->schema >= 3 ?
      "SELECT object_id, ord, namespace = 'DOS', name FROM ntfs_filename"
      " ORDER BY object_id, ord" :
      "SELECT object_id, attr_id, namespace = 'DOS', name FROM"
      " ntfs_filename ORDER BY object_id, attr_id", -1, &st, NULL) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  while((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct Tl_snfn *f;
    int64_t id = sqlite3_column_int64(st, 0);
    if(Tl_snap_obj_index(s, id) == UINT32_MAX)
      continue;
    if(s->n_fn == cap) {
      size_t nc = cap ? cap * 2 : 4096;
      struct Tl_snfn *n = realloc(s->fn, nc * sizeof(*n));
      if(!n) {
        sqlite3_finalize(st);
        return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      }
      s->fn = n;
      cap = nc;
    }
    f = &s->fn[s->n_fn++];
    f->object_id = id;
    f->key = sqlite3_column_int(st, 1);
    f->dos = sqlite3_column_int(st, 2);
    f->units = Tl_snap_utf16_units(col_text(st, 3));
  }
  return step_end(c, st, rc, 0);
}

static const struct Tl_snfn *
fn_find(const struct Tl_snap *s, int64_t id, int32_t key)
{
  size_t lo = 0, hi = s->n_fn;
  if(key == INT32_MIN)
    return NULL;
  while(lo < hi) {
    size_t m = (lo + hi) / 2;
    const struct Tl_snfn *f = &s->fn[m];
    if(f->object_id < id || (f->object_id == id && f->key < key))
      lo = m + 1;
    else if(f->object_id > id || f->key > key)
      hi = m;
    else
      return f;
  }
  return NULL;
}

/* The body file's objects and their $FILE_NAME rows. */
static tl_rc
body_objects(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s)
{
  tl_rc rc = snap_objects(c, q, s);
  return rc ? rc : snap_fn(c, s);
}

tl_rc
Tl_export_body(tl_case *c, struct Tl_qfilter *q, Tl_body_fn cb, void *ctx)
{
  struct Tl_snap s;
  sqlite3_stmt *st;
  int64_t total = 0, budget = Tl_snap_budget();
  size_t per, a, *start = NULL;
  uint32_t *order = NULL;
  int stopped = 0, first_read = 0;
  tl_rc rc;
  if((rc = snap_open(c, q, &s, !q->db2)))
    return rc;
  s.body = 1;
  if(!q->db2 && (rc = snap_fn(c, &s)))
    goto out;
#ifdef HAVE_LIBPQ
  if(c->pg) {
    if((rc = Tl_pgread_int(c, "SELECT count(*) FROM event", &total)))
      goto out;
  } else
#endif
  {
  if(sqlite3_prepare_v2(c->db, "SELECT count(*) FROM event", -1, &st,
                        NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "query");
    goto out;
  }
  if(sqlite3_step(st) == SQLITE_ROW)
    total = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  }
  /* windows of objects holding about SNAP_BUDGET events */
  s.ev_hint = (size_t)(total < budget ? total : budget) + 1;
  if(q->db2) {
    /* one window: its events read while the objects are. In windows of
    ** objects (a case of more than SNAP_BUDGET events), one connection:
    ** the second reader's rows and this side's copies took the peak
    ** memory at 1,000,000 files from 261 to 309 MiB, over the budget of
    ** issue 12, for no gain in time there (bench/README.md) */
    if(total <= budget) {
      rc = read_window(c, q, &s, TL_WIN_NONE, 0, 0, 0, body_objects);
      first_read = 1;
    }
    else {
      rc = body_objects(c, q, &s);
      sqlite3_exec(q->db2, "COMMIT", NULL, NULL, NULL);
      sqlite3_close_v2(q->db2);
      q->db2 = NULL;
    }
    if(rc)
      goto out;
  }
  per = s.n_obj;
  if(total > budget && s.n_obj) {
    per = (size_t)((double)budget * (double)s.n_obj / (double)total);
    if(!per)
      per = 1;
  }
  for(a = 0; a < s.n_obj && !stopped; a += per) {
    size_t b = a + per < s.n_obj ? a + per : s.n_obj, i, n = b - a;
    if(first_read)
      rc = TL_OK;
    else if(per == s.n_obj)
      rc = read_window(c, q, &s, TL_WIN_NONE, 0, 0, 0, NULL);
    else
      rc = read_window(c, q, &s, TL_WIN_OBJECT, s.obj[a].id,
                       s.obj[b - 1].id, 1, NULL);
    first_read = 0;
    if(rc)
      goto out;
    /* group by object, keeping event_id order: a counting sort */
    free(start);
    free(order);
    start = calloc(n + 1, sizeof(*start));
    order = malloc((s.n_ev ? s.n_ev : 1) * sizeof(*order));
    if(!start || !order) {
      rc = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
      goto out;
    }
    for(i = 0; i < s.n_ev; i++)
      start[s.ev[i].obj - a + 1]++;
    for(i = 0; i < n; i++)
      start[i + 1] += start[i];
    for(i = 0; i < s.n_ev; i++)
      order[start[s.ev[i].obj - a]++] = (uint32_t)i;
    /* start[i] is now the end of object i's events */
    for(i = 0; i < n && !stopped; i++) {
      const struct Tl_sobj *so = &s.obj[a + i];
      struct tl_object o;
      struct Tl_body_row r;
      size_t j = i ? start[i - 1] : 0, end = start[i];
      snap_obj(&s, so, &o);
      memset(&r, 0, sizeof(r));
      r.new_object = 1;
      r.o = &o;
      r.plain_len = so->plain;
      r.prefix = s.fs[so->fs].prefix;
      r.printable = so->printable;
      if(j == end) {
        stopped = cb(&r, ctx) != 0;
        continue;
      }
      for(; j < end && !stopped; j++) {
        const struct Tl_sev *se = &s.ev[order[j]];
        struct tl_event e;
        snap_event(&s, se, &e);
        e.event_id = 0;
        r.has_event = 1;
        r.e = &e;
        r.fn_found = 0;
        if(e.fn_attr_id >= 0) {
          const struct Tl_snfn *f = fn_find(&s, so->id, se->fnkey);
          if(f) {
            r.fn_found = 1;
            r.fn_dos = f->dos;
            r.fn_units = f->units;
          }
        }
        stopped = cb(&r, ctx) != 0;
        r.new_object = 0;
        r.o = NULL;
      }
    }
  }
  if(stopped)
    rc = TL_STOP;
out:
  free(start);
  free(order);
  snap_free(&s);
  return rc;
}

