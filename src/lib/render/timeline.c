/*
** tl_timeline_export(): the events of a case through a filter, written in
** one of five formats to a sink (docs/TIMELINE.md is the user's view).
**
** Moved from the tool (src/tool/cmd_timeline.c), which read the case with
** its own SQL; the rows now come from store/query.c and the lines go to a
** struct tl_sink. Events are written in t_ns order, body-file lines in
** object order; memory does not grow with the case.
*/
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/abi_int.h"
#include "base/timeparse_int.h"
#include "base/tz_int.h"
#include "render/timeline_int.h"
#include "store/query_int.h"

struct run {
  struct Tl_tlw_out out;
  struct Tl_qfilter *q;
  struct tl_timeline_opts *opts;
  uint64_t rows;
  uint64_t n_clamped;
  int cancelled;
  int multi_fs;             /* bodyfile: names get "label/volN" in front */
};

/* After each line: 1 to go on, 0 to stop (sink refused, cancelled). */
static int
after_row(struct run *r)
{
  if(r->out.write_err || r->out.oom)
    return 0;
  r->rows++;
  if(r->opts->progress && !(r->rows & 4095))
    r->opts->progress(r->rows, r->opts->progress_ctx);
  if(r->opts->cancel && *r->opts->cancel) {
    r->cancelled = 1;
    return 0;
  }
  return 1;
}

static void
to_obj(struct Tl_tlw_obj *d, const struct tl_object *o)
{
  d->printable = 0;
  d->evidence = o->evidence;
  d->division = o->division;
  d->volume = o->volume;
  d->fs_type = o->fs_type;
  d->path = o->path;
  d->path_len = o->path_len;
  d->name = o->name;
  d->inode = o->inode;
  d->has_attr = o->has_attr;
  d->attr_type = o->attr_type;
  d->attr_id = o->attr_id;
  d->size = o->size;
  d->deleted = o->deleted;
  d->alloc = o->alloc;
  d->name_type = o->name_type;
  d->meta_type = o->meta_type;
  d->mode = o->mode;
  d->uid = o->uid;
  d->gid = o->gid;
  d->prefix = NULL;
  d->link_target = o->link_target;
}

/* ---- event formats ------------------------------------------------------ */

static int
on_event(const struct tl_event *ev, size_t plain, int printable, void *ctx)
{
  struct run *r = ctx;
  struct Tl_tlw_event e;
  memset(&e, 0, sizeof(e));
  to_obj(&e.o, ev->object);
  e.o.printable = printable;
  e.t_ns = ev->t_ns;
  e.source = ev->source;
  e.macb = ev->macb;
  e.filetime = ev->filetime;
  e.clamped = ev->clamped;
  e.has_raw = ev->has_raw;
  e.raw = ev->raw;
  e.kind = ev->kind;
  e.actor = ev->actor;
  e.what = ev->what;
  e.attributes = ev->attributes;
  e.artifact_path = ev->artifact_path;
  if(ev->fn_attr_id >= 0) {
    /* the $FILE_NAME attribute itself, as fls and istat address it, under
    ** the name without the stream of the object that carries it */
    e.o.path_len = plain;
    e.o.has_attr = 1;
    e.o.attr_type = 48;
    e.o.attr_id = ev->fn_attr_id;
  }
  Tl_tlw_event_row(&r->out, &e);
  r->n_clamped += e.clamped != 0;
  return !after_row(r);
}

/* ---- bodyfile ----------------------------------------------------------- */

/* One object's strings, copied: the row that carried them is gone by the
** time the object's last event has been read. */
struct held {
  char *buf;
  size_t cap;
};

static void
hold(struct held *h, size_t *used, const char *s, size_t len, int *oom)
{
  if(*used + len + 1 > h->cap) {
    size_t nc = h->cap ? h->cap * 2 : 4096;
    char *nb;
    while(nc < *used + len + 1)
      nc *= 2;
    if(!(nb = realloc(h->buf, nc))) {
      *oom = 1;
      return;
    }
    h->buf = nb;
    h->cap = nc;
  }
  memcpy(h->buf + *used, s, len);
  h->buf[*used + len] = '\0';
  *used += len + 1;
}

struct body_obj {
  int64_t id;
  struct Tl_tlw_obj o;
  size_t off[10];           /* offsets of the held strings; [7]: plain
                            ** path length */
  size_t used;
  struct Tl_tlw_body main, fn;
  int fn_attr;              /* -1: no $FILE_NAME line */
  size_t fn_units;          /* UTF-16 units of the $FILE_NAME name */
  int n_clamped;            /* clamped times in the lines of the object */
};

struct body_run {
  struct run *r;
  struct body_obj c;
  struct held h;
  int ev_filter;
  int oom;
  int stop;
};

static size_t
utf16_units(const char *s)
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

static void
set_times(struct Tl_tlw_body *b, const char *macb, int64_t t)
{
  int i;
  for(i = 0; i < 4 && macb[i]; i++)
    if(macb[i] != '.') {
      b->t_ns[i] = t;
      b->have[i] = 1;
    }
}

static int
body_flush(struct run *r, struct body_obj *c, struct held *h, int ev_filter)
{
  const char **strs[7] = {&c->o.evidence, &c->o.division, &c->o.volume,
                          &c->o.fs_type, &c->o.path, &c->o.name,
                          &c->o.alloc};
  int i, any = 0;
  if(!c->id)
    return 1;
  for(i = 0; i < 7; i++)
    *strs[i] = h->buf + c->off[i];
  c->o.prefix = r->multi_fs ? h->buf + c->off[8] : NULL;
  c->o.link_target = c->off[9] ? h->buf + c->off[9] - 1 : NULL;
  for(i = 0; i < 4; i++)
    any |= c->main.have[i];
  /* a body file has no field for a clamped time: counted, said by the
  ** caller (tl_timeline_result.n_clamped) */
  r->n_clamped += (uint64_t)c->n_clamped;
  /* without event filters every object is listed, as fls lists it (an
  ** all-zero line, which mactime skips); with them only lines with a time
  ** that passed */
  if(any || !ev_filter) {
    c->main.o = c->o;
    Tl_tlw_body_row(&r->out, &c->main);
    if(!after_row(r))
      return 0;
  }
  if(c->fn_attr >= 0) {
    c->fn.o = c->o;
    c->fn.o.path_len = c->off[7];
    c->fn.o.has_attr = 1;
    c->fn.o.attr_type = 48;
    c->fn.o.attr_id = c->fn_attr;
    c->fn.o.size = 66 + 2 * (int64_t)c->fn_units;
    c->fn.fn_line = 1;
    Tl_tlw_body_row(&r->out, &c->fn);
    if(!after_row(r))
      return 0;
  }
  return 1;
}

static int
on_body(const struct Tl_body_row *row, void *ctx)
{
  struct body_run *b = ctx;
  struct body_obj *c = &b->c;
  const struct tl_event *e = row->e;
  if(row->new_object) {
    const struct tl_object *o = row->o;
    if(!body_flush(b->r, c, &b->h, b->ev_filter)) {
      b->stop = 1;
      return 1;
    }
    memset(c, 0, sizeof(*c));
    c->id = o->object_id;
    c->fn_attr = -1;
    to_obj(&c->o, o);
    c->o.printable = row->printable;
    c->off[0] = c->used;
    hold(&b->h, &c->used, o->evidence, strlen(o->evidence), &b->oom);
    c->off[1] = c->used;
    hold(&b->h, &c->used, o->division, strlen(o->division), &b->oom);
    c->off[2] = c->used;
    hold(&b->h, &c->used, o->volume, strlen(o->volume), &b->oom);
    c->off[3] = c->used;
    hold(&b->h, &c->used, o->fs_type, strlen(o->fs_type), &b->oom);
    c->off[4] = c->used;
    hold(&b->h, &c->used, o->path, o->path_len, &b->oom);
    c->off[5] = c->used;
    hold(&b->h, &c->used, o->name, strlen(o->name), &b->oom);
    c->off[6] = c->used;
    hold(&b->h, &c->used, o->alloc, strlen(o->alloc), &b->oom);
    c->off[7] = row->plain_len;
    c->off[8] = c->used;
    hold(&b->h, &c->used, row->prefix, strlen(row->prefix), &b->oom);
    /* [9]: offset + 1 of the link target, 0 for none */
    if(o->link_target) {
      c->off[9] = c->used + 1;
      hold(&b->h, &c->used, o->link_target, strlen(o->link_target),
           &b->oom);
    }
    if(b->oom)
      return 1;
  }
  if(!row->has_event)
    return 0;
  if(e->fn_attr_id >= 0) {
    /* fls prints the last non-DOS $FILE_NAME of the entry (ntfs.cpp);
    ** events are stored in attribute order */
    if(row->fn_found && row->fn_dos)
      return 0;
    if(e->fn_attr_id != c->fn_attr) {
      memset(&c->fn, 0, sizeof(c->fn));
      c->fn_attr = e->fn_attr_id;
      c->fn_units = row->fn_found ? row->fn_units :
                    utf16_units(b->h.buf + c->off[5]);
      c->fn.filetime = e->filetime;
    }
    set_times(&c->fn, e->macb, e->t_ns);
  }
  else {
    set_times(&c->main, e->macb, e->t_ns);
    if(e->filetime)
      c->main.filetime = 1;
  }
  c->n_clamped += e->clamped != 0;
  return 0;
}

static tl_rc
run_body(tl_case *c, struct run *r)
{
  struct body_run b;
  int64_t n;
  tl_rc rc;
  if((n = Tl_query_count_fs(c, r->q)) < 0)
    return c->errcode;
  /* several file systems in one body file: mactime keys rows on (time,
  ** inode, name), so equal paths from two of them would merge */
  r->multi_fs = n > 1;
  memset(&b, 0, sizeof(b));
  b.r = r;
  b.ev_filter = Tl_qfilter_has_event_cond(r->q);
  rc = Tl_export_body(c, r->q, on_body, &b);
  if(rc == TL_OK)
    body_flush(r, &b.c, &b.h, b.ev_filter);
  free(b.h.buf);
  if(b.oom)
    return Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
  return rc;
}

/* ---- the call ----------------------------------------------------------- */

/* The handle's PRAGMA cache_size (pages, or -KiB), 0 when unknown. */
static int64_t
cache_size(tl_case *c)
{
  sqlite3_stmt *s;
  int64_t v = 0;
  if(sqlite3_prepare_v2(c->db, "PRAGMA cache_size", -1, &s, NULL) !=
     SQLITE_OK)
    return 0;
  if(sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

tl_rc
tl_timeline_export(tl_case *c, const struct tl_filter *filter,
                   const struct tl_timeline_opts *opts,
                   const struct tl_sink *out,
                   struct tl_timeline_result *result)
{
  struct tl_timeline_opts o;
  struct tl_timeline_result res;
  struct Tl_qfilter q;
  struct run r;
  int own_tx;
  int64_t cache_kb = 0;
  tl_rc rc;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->errmsg[0] = '\0';
  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  if(result && !Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "timeline: result struct_size not set");
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "timeline: options struct_size %u not "
                        "understood (this library: %zu)",
                        opts ? (unsigned)opts->struct_size : 0u, sizeof(o));
  if(!Tl_sink_ok(out))
    return Tl_set_error(c, TL_USAGE, "timeline: no output sink");
  if(o.format < TL_TIMELINE_CSV || o.format > TL_TIMELINE_TLN)
    return Tl_set_error(c, TL_USAGE, "timeline: unknown format %d",
                        o.format);
  if(o.fractional && o.format != TL_TIMELINE_BODYFILE)
    return Tl_set_error(c, TL_USAGE, "timeline: fractional seconds are "
                        "for the body file");
  memset(&r, 0, sizeof(r));
  r.out.sink = out;
  r.out.fmt = o.format;
  r.out.fractional = o.fractional;
  r.out.tz = "UTC";
  if(!Tl_zone_is_utc(o.tz)) {
    /* zone: text times are rendered in it, offsets from its TZif file
    ** (base/tz.c); the process TZ is never read or set */
    char err[120];
    if(!(r.out.zone = Tl_tz_load(NULL, o.tz, err, sizeof(err))))
      return Tl_set_error(c, TL_USAGE, "timeline: time zone '%s': %s (use "
                          "an IANA name such as Europe/Berlin)", o.tz, err);
    r.out.tz = o.tz;
  }
  if((rc = Tl_qfilter_init(c, filter, &q))) {
    Tl_tz_free(r.out.zone);
    return rc;
  }
  r.q = &q;
  r.opts = &o;

  /* one read transaction: one consistent view (the body file counts file
  ** systems first); inside the caller's own transaction, that one */
  /* a stream reads each page once: SQLite's default 2 MB page cache, not
  ** the 64 MB the handle keeps for ingest, so memory stays flat (restored
  ** after) */
  cache_kb = cache_size(c);
  sqlite3_exec(c->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
  own_tx = sqlite3_get_autocommit(c->db);
  if(own_tx && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "timeline");
    goto out;
  }
  Tl_tlw_header(&r.out);
  if(r.out.write_err)
    rc = TL_STOP;
  else if(o.format == TL_TIMELINE_BODYFILE)
    rc = run_body(c, &r);
  else
    rc = Tl_export_events(c, &q, on_event, &r);
  Tl_tlw_flush(&r.out);
  if(own_tx)
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
  if(rc == TL_STOP || rc == TL_OK) {
    if(r.out.write_err)
      rc = Tl_set_error(c, TL_IO, "timeline: the output refused a write");
    else if(r.out.oom)
      rc = Tl_set_error(c, TL_NOMEM, "timeline: out of memory");
    else if(r.cancelled)
      rc = Tl_set_error(c, TL_INTERRUPTED, "timeline: interrupted");
    else
      rc = TL_OK;
  }

out:
  if(cache_kb) {
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld",
             (long long)cache_kb);
    sqlite3_exec(c->db, sql, NULL, NULL, NULL);
  }
  /* lines the sink took: a refused chunk counts none of its lines */
  res.n_lines = r.out.lines_written;
  res.n_clamped = r.n_clamped;
  if(result)
    Tl_result_out(result, &res, sizeof(res));
  Tl_tlw_out_free(&r.out);
  Tl_tz_free(r.out.zone);
  Tl_qfilter_free(&q);
  return rc;
}
