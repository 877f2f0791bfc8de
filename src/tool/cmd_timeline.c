/*
** `touchline timeline`: query the case and export events (issue 3).
**
** Reads the case database directly (schema v1, src/lib/schema.c) through
** SQLite and streams: events come in t_ns order from the event_time index,
** body-file lines in object order, so memory does not grow with the case.
** The writers are in timeline_fmt.c; docs/TIMELINE.md is the user's view.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "timeline.h"
#include "tool.h"

#define MAX_LIST 64

struct tl_query {
  const char *case_path;
  enum tlx_format fmt;
  int64_t from_ns, to_ns;
  int has_from, has_to;
  const char *division[MAX_LIST];
  int n_division;
  const char *evidence[MAX_LIST];
  int n_evidence;
  char *source[MAX_LIST];
  int n_source;
  int deleted;              /* -1 any, 0 allocated only, 1 deleted only */
  struct tlx_glob glob;
  int has_glob;
};

static void
usage_timeline(FILE *o)
{
  fputs(
    "usage: touchline timeline CASE.db [options]\n"
    "\n"
    "Export the events of the case, sorted by time, then evidence, then\n"
    "path (bodyfile: one line per object, in walk order).\n"
    "\n"
    "filters (all combine):\n"
    "      --from WHEN        events at or after WHEN (ISO 8601 date or\n"
    "                         date-time, Z or +hh:mm; no offset: --tz zone)\n"
    "      --to WHEN          events before WHEN (exclusive)\n"
    "      --division NAME    evidence of this division (repeatable)\n"
    "      --evidence LABEL   this evidence item (repeatable)\n"
    "      --path GLOB        paths matching GLOB: * and ? within a folder,\n"
    "                         ** across folders, / or \\; no case on NTFS,\n"
    "                         FAT, exFAT, HFS+, APFS; relative: any depth\n"
    "      --source SRC       time source: $SI, $FN, inode, 'FAT entry', ...\n"
    "                         (repeatable or comma-separated)\n"
    "      --deleted          deleted names only\n"
    "      --allocated        allocated names only\n"
    "\n"
    "output:\n"
    "  -f, --format FMT       bodyfile, csv (default), jsonl, l2tcsv, tln\n"
    "  -o, --output FILE      write to FILE instead of standard output\n"
    "      --tz ZONE          render text times in ZONE (e.g. Europe/Berlin);\n"
    "                         default UTC\n"
    "      --fractional       bodyfile: seconds with 7 or 9 decimals\n"
    "  -q, --quiet            no progress on stderr\n"
    "  -h, --help             this text\n"
    "\n"
    "docs/TIMELINE.md and touchline-timeline(1) describe every format.\n"
    "exit status: 0 done (also when the reader closed the pipe), 1 error,\n"
    "2 usage\n",
    o);
}

static int
parse_format(const char *s, enum tlx_format *f)
{
  static const struct {
    const char *name;
    enum tlx_format f;
  } t[] = {
    {"bodyfile", TLX_BODYFILE}, {"body", TLX_BODYFILE}, {"csv", TLX_CSV},
    {"jsonl", TLX_JSONL}, {"l2tcsv", TLX_L2TCSV}, {"tln", TLX_TLN}
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if(!strcmp(s, t[i].name)) {
      *f = t[i].f;
      return 0;
    }
  return -1;
}

/* A zone must exist in the zone database: glibc silently falls back to
** UTC for a name it does not know, which would mislabel every time. */
static int
zone_ok(const char *z)
{
  const char *dir = getenv("TZDIR");
  char p[PATH_MAX];
  struct stat sb;
  if(!*z || z[0] == '/' || strstr(z, ".."))
    return 0;
  snprintf(p, sizeof(p), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
           z);
  return !stat(p, &sb) && S_ISREG(sb.st_mode);
}

/* ---- SQL ------------------------------------------------------------- */

struct sqlbuf {
  char s[8192];
  size_t n;
  int overflow;
};

static void
sql_add(struct sqlbuf *b, const char *s)
{
  size_t l = strlen(s);
  if(b->n + l + 1 > sizeof(b->s)) {
    b->overflow = 1;
    return;
  }
  memcpy(b->s + b->n, s, l + 1);
  b->n += l;
}

/* " AND col IN (?,?,...)" */
static void
sql_in(struct sqlbuf *b, const char *col, int n)
{
  int i;
  if(!n)
    return;
  sql_add(b, " AND ");
  sql_add(b, col);
  sql_add(b, " IN (");
  for(i = 0; i < n; i++)
    sql_add(b, i ? ",?" : "?");
  sql_add(b, ")");
}

/* Conditions on events (time, source) and on objects (the rest); binds in
** the order they are written. */
static void
sql_event_cond(struct sqlbuf *b, const struct tl_query *q)
{
  if(q->has_from)
    sql_add(b, " AND e.t_ns >= ?");
  if(q->has_to)
    sql_add(b, " AND e.t_ns < ?");
  sql_in(b, "e.source", q->n_source);
}

static void
sql_object_cond(struct sqlbuf *b, const struct tl_query *q)
{
  sql_in(b, "ev.division", q->n_division);
  sql_in(b, "ev.label", q->n_evidence);
  if(q->deleted >= 0)
    sql_add(b, q->deleted ? " AND o.deleted <> 0" : " AND o.deleted = 0");
}

static int
bind_event_cond(sqlite3_stmt *s, int i, const struct tl_query *q)
{
  int k;
  if(q->has_from)
    sqlite3_bind_int64(s, i++, q->from_ns);
  if(q->has_to)
    sqlite3_bind_int64(s, i++, q->to_ns);
  for(k = 0; k < q->n_source; k++)
    sqlite3_bind_text(s, i++, q->source[k], -1, SQLITE_STATIC);
  return i;
}

static int
bind_object_cond(sqlite3_stmt *s, int i, const struct tl_query *q)
{
  int k;
  for(k = 0; k < q->n_division; k++)
    sqlite3_bind_text(s, i++, q->division[k], -1, SQLITE_STATIC);
  for(k = 0; k < q->n_evidence; k++)
    sqlite3_bind_text(s, i++, q->evidence[k], -1, SQLITE_STATIC);
  return i;
}

/* Object columns 0..19, shared by both queries. */
#define OBJ_COLS \
  "ev.label, ifnull(ev.division, ''), " \
  "CASE WHEN v.volume_id IS NULL THEN ifnull(fs.pool_volume, '') " \
  "ELSE v.addr || ': ' || ifnull(v.description, '') || " \
  "ifnull(' / ' || fs.pool_volume, '') END, " \
  "fs.fs_type, o.path, o.name, o.stream, o.inode, o.attr_type, " \
  "o.attr_id, ifnull(o.size, 0), o.deleted, o.alloc, o.name_type, " \
  "o.meta_type, ifnull(o.mode, 0), ifnull(o.uid, 0), ifnull(o.gid, 0), " \
  "ev.label || ifnull('/vol' || v.addr, '') || " \
  "ifnull('/' || fs.pool_volume, ''), o.link_target"

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

/* Fill o from columns base..base+18; the path length excludes the stream
** when strip_stream (a $FILE_NAME belongs to the name, not to a stream).
** Returns the length of the path without its stream, for --path. */
static size_t
read_obj(sqlite3_stmt *s, int base, struct tlx_obj *o, int strip_stream)
{
  const char *stream;
  size_t plain;
  const char *nt, *mt;
  o->evidence = col_text(s, base + 0);
  o->division = col_text(s, base + 1);
  o->volume = col_text(s, base + 2);
  o->fs_type = col_text(s, base + 3);
  o->path = col_text(s, base + 4);
  o->path_len = (size_t)sqlite3_column_bytes(s, base + 4);
  o->name = col_text(s, base + 5);
  stream = (const char *)sqlite3_column_text(s, base + 6);
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
  o->prefix = col_text(s, base + 18);
  o->link_target = (const char *)sqlite3_column_text(s, base + 19);
  plain = o->path_len;
  if(stream && *stream) {
    size_t sl = strlen(stream);
    if(sl + 1 <= plain && o->path[plain - sl - 1] == ':' &&
       !memcmp(o->path + plain - sl, stream, sl))
      plain -= sl + 1;
  }
  if(strip_stream)
    o->path_len = plain;
  return plain;
}

static int
path_ok(struct tl_query *q, const struct tlx_obj *o, size_t plain)
{
  if(!q->has_glob)
    return 1;
  return tlx_glob_match(&q->glob, o->path, plain,
                        tlx_fs_case_insensitive(o->fs_type));
}

/* ---- the run: progress, pipe, cancel ----------------------------------- */

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
  g_stop = sig;
}

struct run {
  struct tlx_out out;
  struct tl_query *q;
  sqlite3 *db;
  uint64_t rows;
  int progress;
  double t_last;
  int pipe_closed;
  int write_err;
  int multi_fs;             /* bodyfile: names get "label/volN" in front */
};

static double
mono(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* After each line: 1 to go on, 0 to stop (reader gone or write error). */
static int
after_row(struct run *r)
{
  r->rows++;
  if(ferror(r->out.f)) {
    if(errno == EPIPE)
      r->pipe_closed = 1;
    else
      r->write_err = errno ? errno : EIO;
    return 0;
  }
  if(r->progress && !(r->rows & 4095)) {
    double now = mono();
    if(now - r->t_last >= 0.25) {
      r->t_last = now;
      fprintf(stderr, "\r\033[Ktimeline: %llu lines",
              (unsigned long long)r->rows);
      fflush(stderr);
    }
  }
  return !g_stop;
}

/* ---- event formats ------------------------------------------------------ */

static int
run_events(struct run *r)
{
  struct tl_query *q = r->q;
  struct sqlbuf b = {"", 0, 0};
  sqlite3_stmt *s;
  int i, rc;
  /* CROSS JOIN keeps event as the outer loop: rows come from the
  ** event_time index and only rows of equal t_ns are sorted in memory. */
  sql_add(&b, "SELECT e.t_ns, e.source, e.macb, e.attr_id, "
          "e.source IN ('$SI', '$FN'), " OBJ_COLS
          " FROM event e CROSS JOIN object o ON o.object_id = e.object_id"
          OBJ_JOINS " WHERE 1");
  sql_event_cond(&b, q);
  sql_object_cond(&b, q);
  /* the path as printed: a $FILE_NAME event is shown without the stream
  ** of the object that carries it */
  sql_add(&b, " ORDER BY e.t_ns, ev.label, CASE WHEN e.source = '$FN' AND"
          " o.stream IS NOT NULL THEN substr(o.path, 1, length(o.path) -"
          " length(o.stream) - 1) ELSE o.path END, e.event_id");
  if(b.overflow) {
    fprintf(stderr, "touchline timeline: too many filters\n");
    return 2;
  }
  if(sqlite3_prepare_v2(r->db, b.s, -1, &s, NULL) != SQLITE_OK) {
    fprintf(stderr, "touchline timeline: %s: %s\n", q->case_path,
            sqlite3_errmsg(r->db));
    return 1;
  }
  i = bind_event_cond(s, 1, q);
  bind_object_cond(s, i, q);
  while((rc = sqlite3_step(s)) == SQLITE_ROW) {
    struct tlx_event e;
    size_t plain;
    e.t_ns = sqlite3_column_int64(s, 0);
    e.source = col_text(s, 1);
    e.macb = col_text(s, 2);
    e.filetime = sqlite3_column_int(s, 4);
    plain = read_obj(s, 5, &e.o, !strcmp(e.source, "$FN"));
    if(!path_ok(q, &e.o, plain))
      continue;
    if(!strcmp(e.source, "$FN")) {
      /* the $FILE_NAME attribute itself, as fls and istat address it */
      e.o.has_attr = 1;
      e.o.attr_type = 48;
      e.o.attr_id = sqlite3_column_int(s, 3);
    }
    tlx_event_row(&r->out, &e);
    if(!after_row(r))
      break;
  }
  if(rc != SQLITE_ROW && rc != SQLITE_DONE) {
    fprintf(stderr, "touchline timeline: %s: %s\n", q->case_path,
            sqlite3_errmsg(r->db));
    sqlite3_finalize(s);
    return 1;
  }
  sqlite3_finalize(s);
  return 0;
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
  int skip;                 /* path does not match --path */
  struct tlx_obj o;
  size_t off[9];            /* offsets of the held strings; [7]: plain
                            ** path length */
  size_t used;
  int have_any_event;
  struct tlx_body main, fn;
  int fn_attr;              /* -1: no $FILE_NAME line */
  size_t fn_units;          /* UTF-16 units of the $FILE_NAME name */
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
set_times(struct tlx_body *b, const char *macb, int64_t t)
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
  if(!c->id || c->skip)
    return 1;
  for(i = 0; i < 7; i++)
    *strs[i] = h->buf + c->off[i];
  c->o.prefix = r->multi_fs ? h->buf + c->off[8] : NULL;
  for(i = 0; i < 4; i++)
    any |= c->main.have[i];
  /* without event filters every object is listed, as fls lists it (an
  ** all-zero line, which mactime skips); with them only lines with a time
  ** that passed */
  if(any || !ev_filter) {
    c->main.o = c->o;
    tlx_body_row(&r->out, &c->main);
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
    tlx_body_row(&r->out, &c->fn);
    if(!after_row(r))
      return 0;
  }
  return 1;
}

static int
count_fs(struct run *r)
{
  struct sqlbuf b = {"", 0, 0};
  sqlite3_stmt *s;
  int n = -1;
  sql_add(&b, "SELECT count(*) FROM filesystem fs JOIN evidence ev"
          " ON ev.evidence_id = fs.evidence_id WHERE 1");
  sql_in(&b, "ev.division", r->q->n_division);
  sql_in(&b, "ev.label", r->q->n_evidence);
  if(b.overflow ||
     sqlite3_prepare_v2(r->db, b.s, -1, &s, NULL) != SQLITE_OK) {
    fprintf(stderr, "touchline timeline: %s: %s\n", r->q->case_path,
            sqlite3_errmsg(r->db));
    return -1;
  }
  bind_object_cond(s, 1, r->q);
  if(sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return n;
}

static int
run_body(struct run *r)
{
  struct tl_query *q = r->q;
  struct sqlbuf b = {"", 0, 0};
  struct body_obj c;
  struct held h = {NULL, 0};
  sqlite3_stmt *s;
  int i, rc, ok = 1, oom = 0;
  int ev_filter = q->has_from || q->has_to || q->n_source;
  if((rc = count_fs(r)) < 0)
    return 1;
  /* several file systems in one body file: mactime keys rows on (time,
  ** inode, name), so equal paths from two of them would merge */
  r->multi_fs = rc > 1;
  sql_add(&b, "SELECT o.object_id, " OBJ_COLS ", e.t_ns, e.source, e.macb, "
          "e.attr_id, e.source IN ('$SI', '$FN'), nf.namespace, nf.name"
          " FROM object o" OBJ_JOINS
          " LEFT JOIN event e ON e.object_id = o.object_id");
  sql_event_cond(&b, q);
  sql_add(&b, " LEFT JOIN ntfs_filename nf ON e.source = '$FN'"
          " AND nf.object_id = e.object_id AND nf.ord = e.fn_ord"
          " WHERE 1");
  sql_object_cond(&b, q);
  sql_add(&b, " ORDER BY o.object_id, e.event_id");
  if(b.overflow) {
    fprintf(stderr, "touchline timeline: too many filters\n");
    return 2;
  }
  if(sqlite3_prepare_v2(r->db, b.s, -1, &s, NULL) != SQLITE_OK) {
    fprintf(stderr, "touchline timeline: %s: %s\n", q->case_path,
            sqlite3_errmsg(r->db));
    return 1;
  }
  i = bind_event_cond(s, 1, q);
  bind_object_cond(s, i, q);
  memset(&c, 0, sizeof(c));
  while(ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(s, 0);
    const char *src, *macb;
    int64_t t;
    if(id != c.id) {
      struct tlx_obj o;
      size_t plain;
      if(!(ok = body_flush(r, &c, &h, ev_filter)))
        break;
      memset(&c, 0, sizeof(c));
      c.id = id;
      c.fn_attr = -1;
      plain = read_obj(s, 1, &o, 0);
      if(!path_ok(q, &o, plain)) {
        c.skip = 1;
        continue;
      }
      c.o = o;
      c.off[0] = c.used;
      hold(&h, &c.used, o.evidence, strlen(o.evidence), &oom);
      c.off[1] = c.used;
      hold(&h, &c.used, o.division, strlen(o.division), &oom);
      c.off[2] = c.used;
      hold(&h, &c.used, o.volume, strlen(o.volume), &oom);
      c.off[3] = c.used;
      hold(&h, &c.used, o.fs_type, strlen(o.fs_type), &oom);
      c.off[4] = c.used;
      hold(&h, &c.used, o.path, o.path_len, &oom);
      c.off[5] = c.used;
      hold(&h, &c.used, o.name, strlen(o.name), &oom);
      c.off[6] = c.used;
      hold(&h, &c.used, o.alloc, strlen(o.alloc), &oom);
      c.off[7] = plain;
      c.off[8] = c.used;
      hold(&h, &c.used, o.prefix, strlen(o.prefix), &oom);
      if(oom) {
        fprintf(stderr, "touchline timeline: out of memory\n");
        sqlite3_finalize(s);
        free(h.buf);
        return 1;
      }
    }
    else if(c.skip)
      continue;
    if(sqlite3_column_type(s, 21) == SQLITE_NULL)
      continue;
    t = sqlite3_column_int64(s, 21);
    src = col_text(s, 22);
    macb = col_text(s, 23);
    if(!strcmp(src, "$FN")) {
      const char *ns = (const char *)sqlite3_column_text(s, 26);
      int attr = sqlite3_column_int(s, 24);
      /* fls prints the last non-DOS $FILE_NAME of the entry (ntfs.cpp);
      ** events are stored in attribute order */
      if(ns && !strcmp(ns, "DOS"))
        continue;
      if(attr != c.fn_attr) {
        const char *nm = (const char *)sqlite3_column_text(s, 27);
        memset(&c.fn, 0, sizeof(c.fn));
        c.fn_attr = attr;
        c.fn_units = utf16_units(nm ? nm : c.o.name);
        c.fn.filetime = sqlite3_column_int(s, 25);
      }
      set_times(&c.fn, macb, t);
    }
    else {
      set_times(&c.main, macb, t);
      if(sqlite3_column_int(s, 25))
        c.main.filetime = 1;
    }
  }
  if(ok)
    body_flush(r, &c, &h, ev_filter);
  free(h.buf);
  if(ok && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    fprintf(stderr, "touchline timeline: %s: %s\n", q->case_path,
            sqlite3_errmsg(r->db));
    sqlite3_finalize(s);
    return 1;
  }
  sqlite3_finalize(s);
  return 0;
}

/* ---- command ------------------------------------------------------------ */

static int
add_list(const char **list, int *n, const char *v, const char *opt)
{
  if(*n >= MAX_LIST) {
    fprintf(stderr, "touchline timeline: at most %d %s\n", MAX_LIST, opt);
    return -1;
  }
  list[(*n)++] = v;
  return 0;
}

static int
open_case(const char *path, sqlite3 **db)
{
  int v = -1;
  sqlite3_stmt *s;
  if(access(path, R_OK)) {
    fprintf(stderr, "touchline: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if(sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY |
                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    fprintf(stderr, "touchline: %s: %s\n", path, sqlite3_errmsg(*db));
    return 1;
  }
  sqlite3_busy_timeout(*db, 10000);
  if(sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &s, NULL) ==
     SQLITE_OK) {
    if(sqlite3_step(s) == SQLITE_ROW)
      v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  /* versions after 1 add tables; the ones read here are unchanged */
  if(v < 1 || v > TL_SCHEMA_VERSION) {
    if(v > TL_SCHEMA_VERSION)
      fprintf(stderr, "touchline: %s: case schema %d is newer than this "
              "tool (%d)\n", path, v, TL_SCHEMA_VERSION);
    else
      fprintf(stderr, "touchline: %s: not a touchline case database\n",
              path);
    return 1;
  }
  return 0;
}

int
cmd_timeline(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"from", required_argument, NULL, 'F'},
    {"to", required_argument, NULL, 'T'},
    {"division", required_argument, NULL, 'D'},
    {"evidence", required_argument, NULL, 'E'},
    {"path", required_argument, NULL, 'P'},
    {"source", required_argument, NULL, 'S'},
    {"deleted", no_argument, NULL, 'd'},
    {"allocated", no_argument, NULL, 'a'},
    {"tz", required_argument, NULL, 'z'},
    {"fractional", no_argument, NULL, 'r'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_query q;
  struct run r;
  struct sigaction sa;
  const char *from = NULL, *to = NULL, *glob = NULL, *output = NULL;
  const char *tz = "UTC";
  char *sources = NULL;
  int ch, quiet = 0, rc = 0, fractional = 0, need_close = 0;
  sqlite3 *db = NULL;

  memset(&q, 0, sizeof(q));
  memset(&r, 0, sizeof(r));
  q.fmt = TLX_CSV;
  q.deleted = -1;
  optind = 1;
  while((ch = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'f':
      if(parse_format(optarg, &q.fmt)) {
        fprintf(stderr, "touchline timeline: unknown format '%s' (bodyfile, "
                "csv, jsonl, l2tcsv, tln)\n", optarg);
        return 2;
      }
      break;
    case 'o': output = optarg; break;
    case 'F': from = optarg; break;
    case 'T': to = optarg; break;
    case 'D':
      if(add_list(q.division, &q.n_division, optarg, "--division"))
        return 2;
      break;
    case 'E':
      if(add_list(q.evidence, &q.n_evidence, optarg, "--evidence"))
        return 2;
      break;
    case 'P':
      if(glob) {
        fprintf(stderr, "touchline timeline: one --path only\n");
        return 2;
      }
      glob = optarg;
      break;
    case 'S': {
      /* comma-separated lists accumulate; kept in one buffer */
      size_t l = sources ? strlen(sources) : 0;
      char *ns = realloc(sources, l + strlen(optarg) + 2);
      if(!ns) {
        free(sources);
        return 1;
      }
      sources = ns;
      if(l)
        sources[l++] = ',';
      strcpy(sources + l, optarg);  /* checksrc: allow strcpy (sized) */
      break;
    }
    case 'd':
      q.deleted = q.deleted == 0 ? -2 : 1;
      break;
    case 'a':
      q.deleted = q.deleted == 1 ? -2 : 0;
      break;
    case 'z': tz = optarg; break;
    case 'r': fractional = 1; break;
    case 'q': quiet = 1; break;
    case 'h': usage_timeline(stdout); free(sources); return 0;
    default: usage_timeline(stderr); free(sources); return 2;
    }
  }
  if(argc - optind != 1) {
    fprintf(stderr, "touchline timeline: need exactly one CASE.db\n");
    usage_timeline(stderr);
    free(sources);
    return 2;
  }
  if(q.deleted == -2) {
    fprintf(stderr, "touchline timeline: --deleted and --allocated "
            "exclude each other\n");
    free(sources);
    return 2;
  }
  if(fractional && q.fmt != TLX_BODYFILE) {
    fprintf(stderr, "touchline timeline: --fractional is for --format "
            "bodyfile\n");
    free(sources);
    return 2;
  }
  q.case_path = argv[optind];
  if(sources) {
    char *save = NULL, *t;
    for(t = strtok_r(sources, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if(!*t)
        continue;
      if(q.n_source >= MAX_LIST) {
        fprintf(stderr, "touchline timeline: at most %d sources\n",
                MAX_LIST);
        free(sources);
        return 2;
      }
      q.source[q.n_source++] = t;
    }
  }

  /* zone: text times are rendered in it; --from/--to without an offset
  ** are read in it */
  r.out.tz = tz;
  r.out.utc = !strcmp(tz, "UTC") || !strcmp(tz, "Z") ||
              !strcmp(tz, "Etc/UTC");
  r.out.off_key = INT64_MIN;
  if(r.out.utc)
    r.out.tz = "UTC";
  else {
    if(!zone_ok(tz)) {
      fprintf(stderr, "touchline timeline: unknown time zone '%s' (use an "
              "IANA name such as Europe/Berlin)\n", tz);
      free(sources);
      return 2;
    }
    setenv("TZ", tz, 1);
    tzset();
  }
  if(from) {
    if(tlx_parse_time(from, r.out.utc, &q.from_ns)) {
      fprintf(stderr, "touchline timeline: --from '%s': not an ISO 8601 "
              "date or date-time\n", from);
      free(sources);
      return 2;
    }
    q.has_from = 1;
  }
  if(to) {
    if(tlx_parse_time(to, r.out.utc, &q.to_ns)) {
      fprintf(stderr, "touchline timeline: --to '%s': not an ISO 8601 "
              "date or date-time\n", to);
      free(sources);
      return 2;
    }
    q.has_to = 1;
  }
  if(glob) {
    /* towlower() needs a UTF-8 character type for non-ASCII letters */
    if(!setlocale(LC_CTYPE, "C.UTF-8"))
      setlocale(LC_CTYPE, "");
    if(tlx_glob_compile(&q.glob, glob)) {
      free(sources);
      return 1;
    }
    q.has_glob = 1;
  }

  if((rc = open_case(q.case_path, &db)))
    goto done;
  if(output) {
    if(!(r.out.f = fopen(output, "w"))) {
      fprintf(stderr, "touchline: %s: %s\n", output, strerror(errno));
      rc = 1;
      goto done;
    }
    need_close = 1;
  }
  else
    r.out.f = stdout;
  setvbuf(r.out.f, NULL, _IOFBF, 1 << 16);

  /* a reader that goes away (| head) ends the export, quietly */
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  r.q = &q;
  r.db = db;
  r.out.fmt = q.fmt;
  r.out.fractional = fractional;
  r.progress = !quiet && isatty(STDERR_FILENO) &&
               (output || !isatty(STDOUT_FILENO));
  r.t_last = mono();
  tlx_header(&r.out);
  if(q.fmt == TLX_BODYFILE)
    rc = run_body(&r);
  else
    rc = run_events(&r);
  if(r.progress) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  if(!r.pipe_closed && !r.write_err && fflush(r.out.f)) {
    if(errno == EPIPE)
      r.pipe_closed = 1;
    else
      r.write_err = errno;
  }
  if(need_close && fclose(r.out.f) && !r.write_err)
    r.write_err = errno;
  if(r.write_err) {
    fprintf(stderr, "touchline timeline: writing %s: %s\n",
            output ? output : "standard output", strerror(r.write_err));
    rc = 1;
  }
  else if(g_stop && !r.pipe_closed)
    rc = 128 + (int)g_stop;

done:
  if(db)
    sqlite3_close(db);
  tlx_out_free(&r.out);
  if(q.has_glob)
    tlx_glob_free(&q.glob);
  free(sources);
  return rc;
}
