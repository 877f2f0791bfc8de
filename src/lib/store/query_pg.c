/*
** The timeline export's reading on a PostgreSQL case (issue 13;
** docs/POSTGRESQL.md "What runs where"). It fills query.c's in-memory
** snapshot (struct Tl_snap, store/query_int.h: file systems, objects,
** events, $FILE_NAME rows) from the server instead of from SQLite, so that
** the sort, the tie-breaks, the formats and the windows stay the SQLite
** case's code. query.c calls these through PG_HOOK at the top of its
** loaders when the handle is a PostgreSQL case (c->pg). Compiled with
** PostgreSQL support (HAVE_LIBPQ) only.
**
** The server does the selecting: the same columns, the time window and
** the sources (--from/--to, --source), the evidence items of --evidence
** and --division (so the event partitions of other items are not read),
** the allocation state; each table comes in one COPY (SELECT ...) TO
** STDOUT. The file-system list, the division map and the object
** conditions that need the map or the path glob are applied here, on the
** strings as read, exactly as for SQLite. Artifact events are selected,
** joined and ordered on the server (their attributes made into JSON
** there) and held in memory as the query's result for the merge by time.
*/
#include "config.h"

#ifdef HAVE_LIBPQ

#include <stdlib.h>
#include <string.h>

#include "base/fmt_int.h"
#include "store/pgread_int.h"
#include "store/query_int.h"

/* " AND col IN (evidence ids the filter keeps)", nothing when it keeps
** every item, " AND false" when none; from c->db's evidence rows (the
** in-memory copy of the case's small tables). */
static tl_rc
pg_evidence_ids(tl_case *c, struct Tl_qfilter *q, sqlite3_str *out,
                const char *col)
{
  sqlite3_str *b;
  sqlite3_stmt *st;
  int rc, n = 0;
  if(!q->f.n_evidence && !q->f.n_division)
    return TL_OK;
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "SELECT ev.evidence_id FROM evidence ev WHERE 1");
  Tl_sql_evidence_cond(b, q);
  sqlite3_str_appendall(b, " ORDER BY ev.evidence_id");
  if(!(st = Tl_query_prepare(c, b)))
    return c->errcode;
  Tl_bind_object_cond(st, 1, q);
  while((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if(!n++)
      sqlite3_str_appendf(out, " AND %s IN (", col);
    else
      sqlite3_str_appendall(out, ", ");
    sqlite3_str_appendf(out, "%lld", (long long)sqlite3_column_int64(st, 0));
  }
  sqlite3_finalize(st);
  if(rc != SQLITE_DONE)
    return Tl_set_sqlite_error(c, "query");
  sqlite3_str_appendall(out, n ? ")" : " AND false");
  return TL_OK;
}

/* The filter's conditions on events, for the server: time window and
** sources, as sql_event_cond() writes them for SQLite (values inline,
** quoted by %Q: standard_conforming_strings is on, store/pgread.c). */
static void
pg_event_cond(sqlite3_str *b, const struct Tl_qfilter *q)
{
  size_t i;
  if(q->f.has_from)
    sqlite3_str_appendf(b, " AND e.t_ns >= %lld", (long long)q->f.from_ns);
  if(q->f.has_to)
    sqlite3_str_appendf(b, " AND e.t_ns < %lld", (long long)q->f.to_ns);
  for(i = 0; i < q->f.n_source; i++)
    sqlite3_str_appendf(b, "%s%Q", i ? ", " : " AND e.source IN (",
                        q->f.source[i] ? q->f.source[i] : "");
  if(q->f.n_source)
    sqlite3_str_appendall(b, ")");
}

/* sql_object_cond() for the server */
static void
pg_object_cond(sqlite3_str *b, const struct Tl_qfilter *q)
{
  size_t i;
  if(q->f.n_division) {
    sqlite3_str_appendall(b, " AND (ev.division IN (");
    for(i = 0; i < q->f.n_division; i++)
      sqlite3_str_appendf(b, "%s%Q", i ? ", " : "", q->f.division[i] ?
                          q->f.division[i] : "");
    sqlite3_str_appendall(b, ")");
    if(q->has_map) {
      sqlite3_str_appendall(b, " OR ev.label IN (SELECT evidence FROM "
                            "division_map WHERE division IN (");
      for(i = 0; i < q->f.n_division; i++)
        sqlite3_str_appendf(b, "%s%Q", i ? ", " : "", q->f.division[i] ?
                            q->f.division[i] : "");
      sqlite3_str_appendall(b, "))");
    }
    sqlite3_str_appendall(b, ")");
  }
  for(i = 0; i < q->f.n_evidence; i++)
    sqlite3_str_appendf(b, "%s%Q", i ? ", " : " AND ev.label IN (",
                        q->f.evidence[i] ? q->f.evidence[i] : "");
  if(q->f.n_evidence)
    sqlite3_str_appendall(b, ")");
  if(q->f.alloc == TL_ALLOC_DELETED)
    sqlite3_str_appendall(b, " AND o.deleted <> 0");
  else if(q->f.alloc == TL_ALLOC_ALLOCATED)
    sqlite3_str_appendall(b, " AND o.deleted = 0");
}

/* Finish b; NULL (error on c) when out of memory. sqlite3_free() it. */
static char *
pg_sql(tl_case *c, sqlite3_str *b)
{
  int err = sqlite3_str_errcode(b);
  char *sql = sqlite3_str_finish(b);
  if(err || !sql) {
    sqlite3_free(sql);
    Tl_set_error(c, TL_NOMEM, "out of memory");
    return NULL;
  }
  return sql;
}

static int64_t
pf_int(const Tl_pgfld *f)
{
  return f->null ? 0 : strtoll(f->p, NULL, 10);
}

/* ---- objects ---- */

struct pg_objx {
  struct Tl_qfilter *q;
  struct Tl_snap *s;
  long fsx;
  int64_t last_fs;
};

/* One object row: snap_objects()'s loop body, on the server's values. */
static int
pg_on_object(void *ctx, const Tl_pgfld *f, int n)
{
  struct pg_objx *p = ctx;
  struct Tl_snap *s = p->s;
  struct Tl_qfilter *q = p->q;
  struct Tl_sobj so;
  struct tl_object o;
  const char *path, *name, *stream, *nt, *mt;
  size_t plen, nlen;
  long a;
  int64_t fs_id = pf_int(&f[1]);
  (void)n;
  if(p->fsx < 0 || fs_id != p->last_fs) {
    p->fsx = Tl_snap_fs_index(s, fs_id);
    p->last_fs = fs_id;
  }
  if(p->fsx < 0)
    return 0;               /* not in the evidence the filter keeps */
  memset(&so, 0, sizeof(so));
  so.deleted = pf_int(&f[9]) != 0;
  if((q->f.alloc == TL_ALLOC_DELETED && !so.deleted) ||
     (q->f.alloc == TL_ALLOC_ALLOCATED && so.deleted))
    return 0;
  so.id = pf_int(&f[0]);
  so.fs = (uint32_t)p->fsx;
  path = f[2].p;
  plen = f[2].len;
  name = f[3].p;
  nlen = f[3].len;
  stream = f[4].null ? NULL : f[4].p;
  so.inode = pf_int(&f[5]);
  so.has_attr = !f[6].null;
  so.attr_type = (int32_t)pf_int(&f[6]);
  so.attr_id = (int32_t)pf_int(&f[7]);
  so.size = pf_int(&f[8]);
  if((a = Tl_snap_intern(&s->alloc, f[10].p, 255)) < 0) {
    s->oom = 1;
    return 1;
  }
  so.alloc = (uint8_t)a;
  nt = f[11].p;
  mt = f[12].p;
  so.name_type = nt[0] ? nt[0] : '-';
  so.meta_type = mt[0];
  so.mode = pf_int(&f[13]);
  so.uid = pf_int(&f[14]);
  so.gid = pf_int(&f[15]);
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
  memset(&o, 0, sizeof(o));
  o.evidence = s->fs[p->fsx].label;
  o.division = s->fs[p->fsx].division;
  o.fs_type = s->fs[p->fsx].fs_type;
  o.path = path;
  o.path_len = plen;
  if(!Tl_qfilter_obj_ok(q, &o, so.plain))
    return 0;
  so.division = o.division;
  so.printable = s->fs[p->fsx].printable && Tl_fmt_printable(path, plen) &&
                 Tl_fmt_printable(name, nlen) && Tl_snap_pstr(o.division) &&
                 (f[16].null || Tl_fmt_printable(f[16].p, f[16].len));
  so.path = Tl_snap_arena_put(s, path, plen);
  if(nlen <= plen && !memcmp(path + plen - nlen, name, nlen))
    so.name = so.path + plen - nlen;
  else
    so.name = Tl_snap_arena_put(s, name, nlen);
  so.stream = stream ? Tl_snap_arena_put(s, stream, strlen(stream)) : SIZE_MAX;
  so.link = f[16].null ? SIZE_MAX : Tl_snap_arena_put(s, f[16].p, f[16].len);
  if(s->oom || plen > UINT32_MAX)
    return 1;
  if(s->n_obj == s->cap_obj) {
    size_t nc = s->cap_obj ? s->cap_obj * 2 : 4096;
    struct Tl_sobj *nb = realloc(s->obj, nc * sizeof(*nb));
    if(!nb) {
      s->oom = 1;
      return 1;
    }
    s->obj = nb;
    s->cap_obj = nc;
  }
  s->obj[s->n_obj++] = so;
  return 0;
}

tl_rc
Tl_pg_snap_objects(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  struct pg_objx p;
  char *sql;
  tl_rc rc;
  sqlite3_str_appendall(b, "SELECT o.object_id, o.fs_id, o.path, o.name,"
    " o.stream, o.inode, o.attr_type, o.attr_id, coalesce(o.size, 0),"
    " o.deleted, o.alloc, o.name_type, o.meta_type, coalesce(o.mode, 0),"
    " coalesce(o.uid, 0), coalesce(o.gid, 0), o.link_target FROM object o"
    " WHERE true");
  if((rc = pg_evidence_ids(c, q, b, "o.evidence_id"))) {
    sqlite3_free(sqlite3_str_finish(b));
    return rc;
  }
  if(q->f.alloc == TL_ALLOC_DELETED)
    sqlite3_str_appendall(b, " AND o.deleted <> 0");
  else if(q->f.alloc == TL_ALLOC_ALLOCATED)
    sqlite3_str_appendall(b, " AND o.deleted = 0");
  sqlite3_str_appendall(b, " ORDER BY o.object_id");
  if(!(sql = pg_sql(c, b)))
    return c->errcode;
  memset(&p, 0, sizeof(p));
  p.q = q;
  p.s = s;
  p.fsx = -1;
  rc = s->n_fs ? Tl_pgread_scan(c, sql, "iitttiiiiitttiiit", pg_on_object,
                                &p) : TL_OK;
  sqlite3_free(sql);
  if(s->oom)
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  if(rc)
    return rc;
  return Tl_snap_map(c, s);
}

/* ---- events ---- */

static int
pg_on_event(void *ctx, const Tl_pgfld *f, int n)
{
  struct Tl_snap *s = ctx;
  struct Tl_sev *e;
  uint32_t ox = Tl_snap_obj_index(s, pf_int(&f[6]));
  long sx, mx;
  (void)n;
  if(ox == UINT32_MAX)
    return 0;
  if(s->n_ev == s->cap_ev) {
    size_t nc = s->cap_ev ? s->cap_ev * 2 : 65536;
    struct Tl_sev *nb = realloc(s->ev, nc * sizeof(*nb));
    if(!nb) {
      s->oom = 1;
      return 1;
    }
    s->ev = nb;
    s->cap_ev = nc;
  }
  e = &s->ev[s->n_ev];
  if((sx = Tl_snap_intern(&s->src, f[1].p, 65535)) < 0 ||
     (mx = Tl_snap_intern(&s->macb, f[2].p, 255)) < 0) {
    s->oom = 1;
    return 1;
  }
  e->t_ns = pf_int(&f[0]);
  e->src = (uint16_t)sx;
  e->macb = (uint8_t)mx;
  e->attr_id = (int32_t)pf_int(&f[3]);
  e->flags = (pf_int(&f[5]) != 0) | (!f[4].null ? 2 : 0);
  e->raw = pf_int(&f[4]);
  e->obj = ox;
  if(!f[7].null)
    e->fnkey = (int32_t)pf_int(&f[7]);
  else if(!f[3].null)
    e->fnkey = e->attr_id;
  else
    e->fnkey = INT32_MIN;
  s->n_ev++;
  return 0;
}

tl_rc
Tl_pg_snap_events(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s, int win,
               int64_t lo, int64_t hi, int has_hi)
{
  sqlite3_str *b = sqlite3_str_new(c->db);
  char *sql;
  tl_rc rc;
  s->n_ev = 0;
  /* in event_id order, as SQLite's rowid scan gives them: the order of
  ** equal keys after the sort */
  sqlite3_str_appendall(b, "SELECT e.t_ns, e.source, e.macb, e.attr_id,"
                        " e.raw, coalesce(e.clamped, 0), e.object_id,"
                        " e.fn_ord FROM event e WHERE true");
  pg_event_cond(b, q);
  if(win == TL_WIN_TIME) {
    if(lo != INT64_MIN)
      sqlite3_str_appendf(b, " AND e.t_ns >= %lld", (long long)lo);
    if(has_hi)
      sqlite3_str_appendf(b, " AND e.t_ns < %lld", (long long)hi);
  }
  else if(win == TL_WIN_OBJECT)
    sqlite3_str_appendf(b, " AND e.object_id >= %lld AND e.object_id <= "
                        "%lld", (long long)lo, (long long)hi);
  if((rc = pg_evidence_ids(c, q, b, "e.evidence_id"))) {
    sqlite3_free(sqlite3_str_finish(b));
    return rc;
  }
  sqlite3_str_appendall(b, " ORDER BY e.event_id");
  if(!(sql = pg_sql(c, b)))
    return c->errcode;
  rc = s->n_obj ? Tl_pgread_scan(c, sql, "ittiiiii", pg_on_event, s) :
       TL_OK;
  sqlite3_free(sql);
  if(s->oom)
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  return rc;
}

/* ---- $FILE_NAME rows (body file) ---- */

struct pg_fnx {
  struct Tl_snap *s;
  size_t cap;
  int oom;
};

static int
pg_on_fn(void *ctx, const Tl_pgfld *f, int n)
{
  struct pg_fnx *p = ctx;
  struct Tl_snap *s = p->s;
  struct Tl_snfn *fn;
  int64_t id = pf_int(&f[0]);
  (void)n;
  if(Tl_snap_obj_index(s, id) == UINT32_MAX)
    return 0;
  if(s->n_fn == p->cap) {
    size_t nc = p->cap ? p->cap * 2 : 4096;
    struct Tl_snfn *nb = realloc(s->fn, nc * sizeof(*nb));
    if(!nb) {
      p->oom = 1;
      return 1;
    }
    s->fn = nb;
    p->cap = nc;
  }
  fn = &s->fn[s->n_fn++];
  fn->object_id = id;
  fn->key = (int32_t)pf_int(&f[1]);
  fn->dos = (int32_t)pf_int(&f[2]);
  fn->units = Tl_snap_utf16_units(f[3].p);
  return 0;
}

tl_rc
Tl_pg_snap_fn(tl_case *c, struct Tl_snap *s)
{
  struct pg_fnx p;
  tl_rc rc;
  memset(&p, 0, sizeof(p));
  p.s = s;
  if(!s->n_obj)
    return TL_OK;
  rc = Tl_pgread_scan(c, "SELECT object_id, ord, (namespace = 'DOS')::int,"
                      " name FROM ntfs_filename ORDER BY object_id, ord",
                      "iiit", pg_on_fn, &p);
  if(p.oom)
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  return rc;
}

/* ---- windows ---- */

tl_rc
Tl_pg_time_windows(tl_case *c, int64_t **bounds, size_t *n)
{
  int64_t total = 0, k, budget = Tl_snap_budget();
  size_t cap;
  tl_rc rc;
  *bounds = NULL;
  *n = 0;
  if((rc = Tl_pgread_int(c, "SELECT count(*) FROM event", &total)))
    return rc;
  if(total <= budget)
    return TL_OK;
  cap = (size_t)(total / budget) + 2;
  if(!(*bounds = malloc(cap * sizeof(**bounds))))
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  for(k = budget; k < total && *n + 1 < cap; k += budget) {
    char sql[120];
    int64_t t;
    snprintf(sql, sizeof(sql), "SELECT t_ns FROM event ORDER BY t_ns "
             "LIMIT 1 OFFSET %lld", (long long)k);
    if((rc = Tl_pgread_int(c, sql, &t))) {
      free(*bounds);
      *bounds = NULL;
      *n = 0;
      return rc;
    }
    if(!*n || t > (*bounds)[*n - 1])
      (*bounds)[(*n)++] = t;
  }
  return TL_OK;
}

/* ---- artifact events ---- */

/* The column letters of prepare_artifacts()'s rows: event (7), object
** (OBJ_NCOLS), artifact (ART_NCOLS). */
#define PG_ART_TYPES "ittiiii" "tttttttiiiiitttiiitti" "ttttt"

struct pg_artx {
  sqlite3_stmt *ins;
  int bad;
};

static int
pg_on_artifact(void *ctx, const Tl_pgfld *f, int n)
{
  struct pg_artx *p = ctx;
  int j;
  for(j = 0; j < n; j++) {
    if(f[j].null)
      sqlite3_bind_null(p->ins, j + 1);
    else if(PG_ART_TYPES[j] == 'i')
      sqlite3_bind_int64(p->ins, j + 1, pf_int(&f[j]));
    else
      sqlite3_bind_text64(p->ins, j + 1, f[j].p, f[j].len, SQLITE_STATIC,
                          SQLITE_UTF8);
  }
  if(sqlite3_step(p->ins) != SQLITE_DONE)
    p->bad = 1;
  sqlite3_reset(p->ins);
  return p->bad;
}

/* prepare_artifacts() on the server: the same rows in the same order
** (labels in byte order: COLLATE "C"), the attributes made into the JSON
** object SQLite's json_group_object() writes (to_json() escapes as
** SQLite's json_quote() does). The rows are held in a table of c->db
** (in memory) and read back by the statement returned. */
sqlite3_stmt *
Tl_pg_prepare_artifacts(tl_case *c, struct Tl_qfilter *q)
{
  sqlite3_str *b;
  struct pg_artx p;
  sqlite3_stmt *s = NULL;
  char *sql;
  int j, ncol = (int)strlen(PG_ART_TYPES);
  tl_rc rc;
  /* the result table: untyped columns keep each value as bound */
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "DROP TABLE IF EXISTS main.tl_pg_art; CREATE "
                        "TABLE main.tl_pg_art(");
  for(j = 0; j < ncol; j++)
    sqlite3_str_appendf(b, "%sc%d", j ? ", " : "", j);
  sqlite3_str_appendall(b, ")");
  if(!(sql = pg_sql(c, b)))
    return NULL;
  rc = Tl_exec(c, sql);
  sqlite3_free(sql);
  if(rc)
    return NULL;
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "INSERT INTO main.tl_pg_art VALUES(");
  for(j = 0; j < ncol; j++)
    sqlite3_str_appendall(b, j ? ", ?" : "?");
  sqlite3_str_appendall(b, ")");
  if(!(s = Tl_query_prepare(c, b)))
    return NULL;
  memset(&p, 0, sizeof(p));
  p.ins = s;
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "SELECT e.t_ns, e.source, '....', NULL::bigint,"
    " e.raw, e.clamped, e.event_id, ev.label, coalesce(ev.division, ''),"
    " CASE WHEN v.volume_id IS NULL THEN coalesce(fs.pool_volume, '') ELSE"
    " v.addr::text || ': ' || coalesce(v.description, '') || coalesce(' / '"
    " || fs.pool_volume, '') END, coalesce(fs.fs_type, ''), coalesce(o.path,"
    " e.path, e.name, ''), coalesce(o.name, e.name, ''), o.stream,"
    " coalesce(o.inode, 0), o.attr_type, o.attr_id, coalesce(o.size, 0),"
    " coalesce(o.deleted, 0), coalesce(o.alloc, ''), coalesce(o.name_type,"
    " ''), coalesce(o.meta_type, ''), coalesce(o.mode, 0), coalesce(o.uid,"
    " 0), coalesce(o.gid, 0), ev.label, o.link_target,"
    " coalesce(o.object_id, 0), e.kind, e.actor, e.what, (SELECT '{' ||"
    " string_agg(to_json(a.key)::text || ':' || coalesce(to_json(a.value)"
    "::text, 'null'), ',' ORDER BY a.ord) || '}' FROM artifact_attr a WHERE"
    " a.event_id = e.event_id), e.artifact_path FROM (SELECT event_id,"
    " evidence_id, object_id, t_ns, parser AS source, raw, clamped, kind,"
    " actor, what, path, name, artifact_path FROM artifact_event) e JOIN"
    " evidence ev ON ev.evidence_id = e.evidence_id LEFT JOIN object o ON"
    " o.object_id = e.object_id LEFT JOIN filesystem fs ON fs.fs_id ="
    " o.fs_id LEFT JOIN volume v ON v.volume_id = fs.volume_id WHERE true");
  pg_event_cond(b, q);
  pg_object_cond(b, q);
  sqlite3_str_appendall(b, " ORDER BY e.t_ns, ev.label COLLATE \"C\","
                        " e.event_id");
  if(!(sql = pg_sql(c, b))) {
    sqlite3_finalize(s);
    return NULL;
  }
  rc = Tl_pgread_scan(c, sql, PG_ART_TYPES, pg_on_artifact, &p);
  sqlite3_free(sql);
  sqlite3_finalize(s);
  if(p.bad) {
    Tl_set_sqlite_error(c, "timeline");
    return NULL;
  }
  if(rc)
    return NULL;
  b = sqlite3_str_new(c->db);
  sqlite3_str_appendall(b, "SELECT * FROM main.tl_pg_art ORDER BY rowid");
  return Tl_query_prepare(c, b);
}

#endif /* HAVE_LIBPQ */
