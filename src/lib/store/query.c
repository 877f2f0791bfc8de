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

#include <stdlib.h>
#include <string.h>

#include "base/abi_int.h"
#include "store/query_int.h"

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
** obj_ok() then keeps the objects whose division (Tl_divmap_lookup) is
** on the list. */
static void
sql_evidence_cond(sqlite3_str *b, const struct Tl_qfilter *q)
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
  sql_evidence_cond(b, q);
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

static int
bind_object_cond(sqlite3_stmt *s, int i, const struct Tl_qfilter *q)
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
static int
obj_ok(struct Tl_qfilter *q, struct tl_object *o, size_t plain)
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
static sqlite3_stmt *
prepare(tl_case *c, sqlite3_str *b)
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
  sqlite3_str *b = sqlite3_str_new(c->db);
  sqlite3_stmt *s;
  int i;
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
  if(!(s = prepare(c, b)))
    return NULL;
  i = bind_event_cond(s, 1, q);
  bind_object_cond(s, i, q);
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
  sqlite3_str *b = sqlite3_str_new(c->db);
  sqlite3_stmt *s, *a = NULL;
  int i, rc, ra, stopped = 0;
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
  if(!(s = prepare(c, b)))
    return c->errcode;
  i = bind_event_cond(s, 1, q);
  bind_object_cond(s, i, q);
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
    if(obj_ok(q, &o, plain)) {
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

/* ---- body rows ------------------------------------------------------ */

tl_rc
Tl_query_body(tl_case *c, struct Tl_qfilter *q, Tl_body_fn cb, void *ctx)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  sqlite3_stmt *s;
  int i, rc, stopped = 0, skip = 0;
  int64_t cur = 0;
  struct tl_object o;
  struct Tl_body_row r;
  memset(&r, 0, sizeof(r));
  sqlite3_str_appendall(b, "SELECT " OBJ_COLS ", " EV_COLS
                        ", nf.namespace, nf.name FROM object o" OBJ_JOINS
                        " LEFT JOIN event e ON e.object_id = o.object_id");
  sql_event_cond(b, q);
  /* event.fn_ord is the $FILE_NAME's position (schema v3); a case whose
  ** ingest left it NULL has ord = attr_id. A version 1 or 2 case (opened
  ** read-only, so not migrated) has neither: its key was attr_id */
  sqlite3_str_appendall(b, " LEFT JOIN ntfs_filename nf ON e.source = '$FN'"
                        " AND nf.object_id = e.object_id AND ");
  sqlite3_str_appendall(b, schema_version(c) >= 3 ?
                        "nf.ord = coalesce(e.fn_ord, e.attr_id) WHERE 1" :
                        "nf.attr_id = e.attr_id WHERE 1");
  sql_object_cond(b, q);
  sqlite3_str_appendall(b, " ORDER BY o.object_id, e.event_id");
  if(!(s = prepare(c, b)))
    return c->errcode;
  i = bind_event_cond(s, 1, q);
  bind_object_cond(s, i, q);
  while((rc = sqlite3_step(s)) == SQLITE_ROW) {
    struct tl_event e;
    int64_t id = sqlite3_column_int64(s, 20);
    r.new_object = id != cur;
    /* the object's columns are read on its first row only (a body file
    ** reads them once per object, not once per event) */
    if(r.new_object) {
      cur = id;
      r.plain_len = read_obj(s, 0, &o, &r.prefix);
      skip = !obj_ok(q, &o, r.plain_len);
    }
    if(skip)
      continue;
    r.o = r.new_object ? &o : NULL;
    r.has_event = read_event(s, OBJ_NCOLS, &e);
    r.e = r.has_event ? &e : NULL;
    r.fn_namespace = (const char *)sqlite3_column_text(s, OBJ_NCOLS + 7);
    r.fn_name = (const char *)sqlite3_column_text(s, OBJ_NCOLS + 8);
    if(cb(&r, ctx)) {
      stopped = 1;
      break;
    }
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
  sql_evidence_cond(b, q);
  if(!(s = prepare(c, b)))
    return -1;
  bind_object_cond(s, 1, q);
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
  if(!(s = prepare(c, b))) {
    Tl_qfilter_free(&q);
    return c->errcode;
  }
  i = bind_object_cond(s, 1, &q);
  bind_event_cond(s, i, &q);
  while((rc = sqlite3_step(s)) == SQLITE_ROW) {
    struct tl_object o;
    size_t plain = read_obj(s, 0, &o, NULL);
    if(!obj_ok(&q, &o, plain))
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
