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
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/abi_int.h"
#include "base/stageclock_int.h"
#include "base/timeparse_int.h"
#include "base/tz_int.h"
#include "render/timeline_int.h"
#include "store/case_int.h"
#include "store/query_int.h"

struct pool;

struct run {
  struct Tl_tlw_out out;
  struct pool *pool;        /* lines formatted in batches, two threads;
                            ** NULL: each line formatted as it comes */
  struct Tl_qfilter *q;
  struct tl_timeline_opts *opts;
  uint64_t rows;
  uint64_t n_clamped;
  /* TOUCHLINE_TIMING=1: the stages' wall and CPU time on stderr */
  Tl_stage_clock tm;
  int timing_read;
  double fmt_thread_cpu;    /* CPU of the formatting thread */
  int cancelled;
  int multi_fs;             /* bodyfile: names get "label/volN" in front */
};

/* The first row: what came before was reading and ordering the case. */
static inline void
timing_first_row(struct run *r)
{
  if(r->tm.on && !r->timing_read) {
    r->timing_read = 1;
    Tl_stage_mark(&r->tm, "read");
  }
}

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


/* ---- formatting on two cores ------------------------------------------ */

/* Formatting the lines is half of an event export's CPU time (reading the
** case and ordering the events the other half; bench/README.md). With a
** second core, the event rows the store hands over are copied into
** batches of BATCH lines (not the body file's: tl_timeline_export); a
** formatting thread and the caller's thread (when its next batch has no
** free slot) each format whole batches into the batch's own buffer; the caller's thread writes the buffers to the
** sink in order. So the sink and the case handle are used by the
** caller's thread only, and the bytes are those of the one-thread path.
**
** A row's strings are borrowed for the callback only, so a batch holds
** copies: the per-object texts (path, name, link target) in the batch's
** string buffer, and the few distinct ones (evidence label, division,
** volume, file system type, alloc, source, macb) once per export in
** struct pcache, keyed by the pointer the store gave. That key is sound
** because the store's snapshot (store/query.c, struct snap) keeps those
** strings, each once, at one address until the export call returns; an
** artifact event's strings come from a statement row instead and are
** all copied into the batch. */
#define BATCH 2048
#define NSLOT 4

enum { S_FREE, S_FILLING, S_READY, S_BUSY, S_DONE };

/* the string fields of a line, copied into a slot */
enum { F_EVIDENCE, F_DIVISION, F_VOLUME, F_FS_TYPE, F_PATH, F_NAME, F_ALLOC,
       F_PREFIX, F_LINK, F_SOURCE, F_MACB, F_KIND, F_ACTOR, F_WHAT,
       F_ATTRIBUTES, F_ARTIFACT, F_N };

struct item {
  struct Tl_tlw_event e;
  uint32_t copied;          /* bit f: field f is at off[f] in slot->str */
  uint32_t off[F_N];
};

struct slot {
  struct item *it;
  size_t n;
  char *str;                /* copied texts, NUL-terminated */
  size_t str_used, str_cap;
  struct Tl_tlw_out out;    /* the batch's lines (no sink) */
  uint64_t seq;
  int state;
  int oom;
};

/* pointer -> own copy, for the few distinct strings of an export */
struct pcache {
  const char **key;
  char **val;
  size_t cap, n;
  /* per field: the last PC_WAYS pointers and their copies */
#define PC_WAYS 4
  const char *mk[F_N][PC_WAYS];
  const char *mv[F_N][PC_WAYS];
  unsigned mnext[F_N];
};

struct pool {
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  pthread_t th;
  int started, quit;
  struct slot slot[NSLOT];
  struct slot *fill;        /* the slot being filled, or NULL */
  uint64_t next_seq, next_write;
  struct pcache pc;
  size_t batch;             /* lines per batch: BATCH (a test hook sets
                            ** TOUCHLINE_EXPORT_BATCH=N) */
  int oom;
  double thr_cpu;           /* the formatting thread's CPU time */
};

static void
pc_free(struct pcache *c)
{
  size_t i;
  for(i = 0; i < c->cap; i++)
    if(c->key[i])
      free(c->val[i]);
  free(c->key);
  free(c->val);
  memset(c, 0, sizeof(*c));
}

static size_t
pc_hash(const char *p, size_t cap)
{
  uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9e3779b97f4a7c15);
  return (size_t)(h >> 32) & (cap - 1);
}

static int
pc_grow(struct pcache *c)
{
  size_t nc = c->cap ? c->cap * 2 : 64, i;
  const char **nk = calloc(nc, sizeof(*nk));
  char **nv = calloc(nc, sizeof(*nv));
  if(!nk || !nv) {
    free(nk);
    free(nv);
    return 0;
  }
  for(i = 0; i < c->cap; i++)
    if(c->key[i]) {
      size_t h = pc_hash(c->key[i], nc);
      while(nk[h])
        h = (h + 1) & (nc - 1);
      nk[h] = c->key[i];
      nv[h] = c->val[i];
    }
  free(c->key);
  free(c->val);
  c->key = nk;
  c->val = nv;
  c->cap = nc;
  return 1;
}

/* The export's own copy of p (NULL for NULL); NULL with *oom set when
** out of memory. */
static const char *
pc_own_slow(struct pcache *c, int f, const char *p, int *oom)
{
  size_t h;
  unsigned w;
  if(!p)
    return NULL;
  if(2 * (c->n + 1) > c->cap && !pc_grow(c)) {
    *oom = 1;
    return NULL;
  }
  for(h = pc_hash(p, c->cap); c->key[h]; h = (h + 1) & (c->cap - 1))
    if(c->key[h] == p)
      break;
  if(!c->key[h]) {
    if(!(c->val[h] = strdup(p))) {
      *oom = 1;
      return NULL;
    }
    c->key[h] = p;
    c->n++;
  }
  w = c->mnext[f]++ % PC_WAYS;
  c->mk[f][w] = p;
  c->mv[f][w] = c->val[h];
  return c->val[h];
}

/* (source and macb take turns among a few: a few ways per field) */
static inline const char *
pc_own(struct pcache *c, int f, const char *p, int *oom)
{
  const char *const *k = c->mk[f];
  if(k[0] == p && p)
    return c->mv[f][0];
  if(k[1] == p && p)
    return c->mv[f][1];
  if(k[2] == p && p)
    return c->mv[f][2];
  if(k[3] == p && p)
    return c->mv[f][3];
  return pc_own_slow(c, f, p, oom);
}

/* Copy len bytes of p and a NUL into the slot; the field's pointer is
** set when the batch is sealed (the buffer may move until then). */
static void
slot_copy(struct slot *s, struct item *it, int f, const char *p, size_t len)
{
  if(!p)
    return;
  if(s->str_used + len + 1 > s->str_cap) {
    size_t nc = s->str_cap ? s->str_cap * 2 : 1 << 16;
    char *nb;
    while(nc < s->str_used + len + 1)
      nc *= 2;
    if(nc > UINT32_MAX || !(nb = realloc(s->str, nc))) {
      s->oom = 1;
      return;
    }
    s->str = nb;
    s->str_cap = nc;
  }
  memcpy(s->str + s->str_used, p, len);
  s->str[s->str_used + len] = '\0';
  it->off[f] = (uint32_t)s->str_used;
  it->copied |= 1u << f;
  s->str_used += len + 1;
}

static void
slot_copy_str(struct slot *s, struct item *it, int f, const char *p)
{
  if(p)
    slot_copy(s, it, f, p, strlen(p));
}

/* The fields of the object of item it: copied (deep: every text; else
** the few distinct ones through the cache) */
static void
copy_obj(struct pool *p, struct slot *s, struct item *it,
         struct Tl_tlw_obj *o, int deep)
{
  const char *name = o->name;
  size_t nlen = name ? strlen(name) : 0;
  /* the path as far as it goes with a NUL after it, so a name that ends
  ** the path is kept as its end */
  slot_copy(s, it, F_PATH, o->path, o->path_len);
  if(name && o->path && (uintptr_t)name >= (uintptr_t)o->path &&
     (uintptr_t)(name + nlen) == (uintptr_t)(o->path + o->path_len)) {
    it->off[F_NAME] = it->off[F_PATH] + (uint32_t)(name - o->path);
    it->copied |= 1u << F_NAME;
  }
  else
    slot_copy(s, it, F_NAME, name, nlen);
  slot_copy_str(s, it, F_LINK, o->link_target);
  if(deep) {
    slot_copy_str(s, it, F_EVIDENCE, o->evidence);
    slot_copy_str(s, it, F_DIVISION, o->division);
    slot_copy_str(s, it, F_VOLUME, o->volume);
    slot_copy_str(s, it, F_FS_TYPE, o->fs_type);
    slot_copy_str(s, it, F_ALLOC, o->alloc);
    slot_copy_str(s, it, F_PREFIX, o->prefix);
  }
  else {
    o->evidence = pc_own(&p->pc, F_EVIDENCE, o->evidence, &p->oom);
    o->division = pc_own(&p->pc, F_DIVISION, o->division, &p->oom);
    o->volume = pc_own(&p->pc, F_VOLUME, o->volume, &p->oom);
    o->fs_type = pc_own(&p->pc, F_FS_TYPE, o->fs_type, &p->oom);
    o->alloc = pc_own(&p->pc, F_ALLOC, o->alloc, &p->oom);
    o->prefix = pc_own(&p->pc, F_PREFIX, o->prefix, &p->oom);
  }
}

/* The item's copied fields pointed at the slot's string buffer. */
static void
fix_item(const struct slot *s, struct item *it)
{
  struct Tl_tlw_event *e = &it->e;
  struct Tl_tlw_obj *o = &e->o;
  uint32_t m = it->copied;
  while(m) {
    int i = __builtin_ctz(m);
    const char *v = s->str + it->off[i];
    m &= m - 1;
    switch(i) {
    case F_EVIDENCE: o->evidence = v; break;
    case F_DIVISION: o->division = v; break;
    case F_VOLUME: o->volume = v; break;
    case F_FS_TYPE: o->fs_type = v; break;
    case F_PATH: o->path = v; break;
    case F_NAME: o->name = v; break;
    case F_ALLOC: o->alloc = v; break;
    case F_PREFIX: o->prefix = v; break;
    case F_LINK: o->link_target = v; break;
    /* the event's own texts */
    case F_SOURCE: e->source = v; break;
    case F_MACB: e->macb = v; break;
    case F_KIND: e->kind = v; break;
    case F_ACTOR: e->actor = v; break;
    case F_WHAT: e->what = v; break;
    case F_ATTRIBUTES: e->attributes = v; break;
    case F_ARTIFACT: e->artifact_path = v; break;
    }
  }
}

/* Format a sealed slot into its own buffer (either thread). */
static void
format_slot(struct slot *s)
{
  size_t i;
  s->out.pending = 0;
  s->out.lines_pending = 0;
  for(i = 0; i < s->n && !s->out.oom; i++)
    Tl_tlw_event_row(&s->out, &s->it[i].e);
}

static void *
format_thread(void *arg)
{
  struct pool *p = arg;
  pthread_mutex_lock(&p->mu);
  for(;;) {
    struct slot *s = NULL;
    int i;
    for(i = 0; i < NSLOT; i++)
      if(p->slot[i].state == S_READY &&
         (!s || p->slot[i].seq < s->seq))
        s = &p->slot[i];
    if(!s) {
      if(p->quit)
        break;
      pthread_cond_wait(&p->work, &p->mu);
      continue;
    }
    s->state = S_BUSY;
    pthread_mutex_unlock(&p->mu);
    format_slot(s);
    pthread_mutex_lock(&p->mu);
    s->state = S_DONE;
    pthread_cond_signal(&p->done);
  }
  p->thr_cpu = Tl_clock_s(CLOCK_THREAD_CPUTIME_ID);
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Hand a formatted slot's lines to the sink (caller's thread). */
static void
write_slot(struct run *r, struct slot *s)
{
  struct Tl_tlw_out *o = &r->out;
  if(s->out.oom)
    o->oom = 1;
  if(!o->write_err && !o->oom && s->out.pending) {
    if(Tl_sink_write(o->sink, s->out.buf, s->out.pending))
      o->write_err = 1;
    else
      o->lines_written += s->out.lines_pending;
  }
  s->out.pending = 0;
  s->out.lines_pending = 0;
  s->n = 0;
  s->str_used = 0;
}

/* Write what is done in order and format what waits, until a slot is
** free (all: until every slot is). Called with p->mu held. */
static void
pool_turn(struct run *r, int all)
{
  struct pool *p = r->pool;
  for(;;) {
    struct slot *s = NULL, *ready = NULL;
    int i, n_free = 0;
    for(i = 0; i < NSLOT; i++) {
      struct slot *x = &p->slot[i];
      if(x->state == S_FREE)
        n_free++;
      else if(x->seq == p->next_write)
        s = x;
      if(x->state == S_READY && (!ready || x->seq < ready->seq))
        ready = x;
    }
    if(s && s->state == S_DONE) {
      pthread_mutex_unlock(&p->mu);
      write_slot(r, s);
      pthread_mutex_lock(&p->mu);
      s->state = S_FREE;
      p->next_write++;
      continue;
    }
    if(all ? n_free == NSLOT : n_free > 0)
      return;
    if(ready) {
      /* the formatting thread is busy: this thread formats one too */
      ready->state = S_BUSY;
      pthread_mutex_unlock(&p->mu);
      format_slot(ready);
      pthread_mutex_lock(&p->mu);
      ready->state = S_DONE;
      continue;
    }
    pthread_cond_wait(&p->done, &p->mu);
  }
}

/* The slot being filled, sealed: its strings fixed, queued. */
static void
pool_seal(struct run *r, int start)
{
  struct pool *p = r->pool;
  struct slot *s = p->fill;
  size_t i;
  if(!s)
    return;
  p->fill = NULL;
  if(s->oom)
    p->oom = 1;
  for(i = 0; i < s->n; i++)
    fix_item(s, &s->it[i]);
  pthread_mutex_lock(&p->mu);
  s->state = S_READY;
  /* the thread starts with the first full batch: a small export is
  ** formatted by this thread alone */
  if(start && !p->started && !p->quit) {
    if(pthread_create(&p->th, NULL, format_thread, p) == 0)
      p->started = 1;
    else
      p->quit = 1;          /* no thread: this one formats everything */
  }
  pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
}

/* A new item in the slot being filled (a free slot taken when none is);
** NULL when out of memory. */
static struct item *
pool_item(struct run *r)
{
  struct pool *p = r->pool;
  struct slot *s = p->fill;
  if(s && s->n == p->batch) {
    pool_seal(r, 1);
    s = NULL;
  }
  if(!s) {
    int i;
    pthread_mutex_lock(&p->mu);
    pool_turn(r, 0);
    for(i = 0; i < NSLOT && p->slot[i].state != S_FREE; i++)
      ;
    s = &p->slot[i];
    s->state = S_FILLING;
    s->seq = p->next_seq++;
    pthread_mutex_unlock(&p->mu);
    if(!s->it && !(s->it = malloc(p->batch * sizeof(*s->it)))) {
      p->oom = 1;
      s->state = S_FREE;
      p->next_seq--;
      return NULL;
    }
    s->n = 0;
    s->str_used = 0;
    s->oom = 0;
    p->fill = s;
  }
  s->it[s->n].copied = 0;
  return &s->it[s->n++];
}

static int
pool_init(struct run *r)
{
  struct pool *p = calloc(1, sizeof(*p));
  int i;
  if(!p)
    return 0;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  p->batch = BATCH;
#ifdef TL_TEST_HOOKS
  {
    const char *v = getenv("TOUCHLINE_EXPORT_BATCH");
    if(v && atoi(v) > 0)
      p->batch = (size_t)atoi(v);
  }
#endif
  for(i = 0; i < NSLOT; i++) {
    struct Tl_tlw_out *o = &p->slot[i].out;
    o->fmt = r->out.fmt;
    o->fractional = r->out.fractional;
    o->tz = r->out.tz;
    o->zone = r->out.zone;  /* read only: shared by both threads */
  }
  r->pool = p;
  return 1;
}

/* Every line written (or dropped after an error); the thread ended. */
static void
pool_finish(struct run *r)
{
  struct pool *p = r->pool;
  int i;
  if(!p)
    return;
  pool_seal(r, 0);
  pthread_mutex_lock(&p->mu);
  pool_turn(r, 1);
  p->quit = 1;
  pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
  if(p->started) {
    pthread_join(p->th, NULL);
    r->fmt_thread_cpu = p->thr_cpu;
  }
  if(p->oom)
    r->out.oom = 1;
  for(i = 0; i < NSLOT; i++) {
    Tl_tlw_out_free(&p->slot[i].out);
    free(p->slot[i].it);
    free(p->slot[i].str);
  }
  pc_free(&p->pc);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
  free(p);
  r->pool = NULL;
}

/* Format in two threads: with a second core (a test hook,
** TOUCHLINE_EXPORT_THREADS=1 or 2, decides in tests). */
static int
use_pool(void)
{
#ifdef TL_TEST_HOOKS
  const char *v = getenv("TOUCHLINE_EXPORT_THREADS");
  if(v && *v)
    return atoi(v) > 1;
#endif
  return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Event it (built in the slot being filled) made the batch's own: its
** texts copied into the slot or the export's cache. */
static void
pool_event(struct run *r, struct item *it)
{
  struct pool *p = r->pool;
  struct slot *s = p->fill;
  struct Tl_tlw_event *d = &it->e;
  if(d->kind) {
    /* an artifact event: its texts live in a statement row */
    copy_obj(p, s, it, &d->o, 1);
    slot_copy_str(s, it, F_SOURCE, d->source);
    slot_copy_str(s, it, F_MACB, d->macb);
    slot_copy_str(s, it, F_KIND, d->kind);
    slot_copy_str(s, it, F_ACTOR, d->actor);
    slot_copy_str(s, it, F_WHAT, d->what);
    slot_copy_str(s, it, F_ATTRIBUTES, d->attributes);
    slot_copy_str(s, it, F_ARTIFACT, d->artifact_path);
  }
  else {
    copy_obj(p, s, it, &d->o, 0);
    d->source = pc_own(&p->pc, F_SOURCE, d->source, &p->oom);
    d->macb = pc_own(&p->pc, F_MACB, d->macb, &p->oom);
  }
  if(s->oom || p->oom)
    r->out.oom = 1;
}

/* ---- event formats ------------------------------------------------------ */

static int
on_event(const struct tl_event *ev, size_t plain, int printable, void *ctx)
{
  struct run *r = ctx;
  struct Tl_tlw_event local, *e = &local;
  struct item *it = NULL;
  timing_first_row(r);
  /* with the pool, built in its batch (pool_event copies the texts) */
  if(r->pool && !(it = pool_item(r))) {
    r->out.oom = 1;
    return 1;
  }
  if(it)
    e = &it->e;
  to_obj(&e->o, ev->object);
  e->o.printable = printable;
  e->t_ns = ev->t_ns;
  e->source = ev->source;
  e->macb = ev->macb;
  e->filetime = ev->filetime;
  e->clamped = ev->clamped;
  e->has_raw = ev->has_raw;
  e->raw = ev->raw;
  e->kind = ev->kind;
  /* a file-system event's texts are the snapshot's (store/query.c): one
  ** address each for the whole export; an artifact event's are a
  ** statement row's */
  e->stable = !ev->kind;
  e->actor = ev->actor;
  e->what = ev->what;
  e->attributes = ev->attributes;
  e->artifact_path = ev->artifact_path;
  if(ev->fn_attr_id >= 0) {
    /* the $FILE_NAME attribute itself, as fls and istat address it, under
    ** the name without the stream of the object that carries it */
    e->o.path_len = plain;
    e->o.has_attr = 1;
    e->o.attr_type = 48;
    e->o.attr_id = ev->fn_attr_id;
  }
  if(it)
    pool_event(r, it);
  else
    Tl_tlw_event_row(&r->out, e);
  r->n_clamped += e->clamped != 0;
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
  timing_first_row(b->r);
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
  Tl_stage_start(&r.tm, 6);
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
  cache_kb = Tl_cache_size_set(c, -2000);
  own_tx = sqlite3_get_autocommit(c->db);
  if(own_tx && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "timeline");
    goto out;
  }
  /* a second connection on this snapshot reads part of the event table
  ** in a thread (store/query.c, read_window) */
  if(own_tx && use_pool())
    Tl_export_pair(c, &q);
  Tl_tlw_header(&r.out);
  /* not for the body file: its time is in reading the case (a line per
  ** object, formatted in a tenth of the time), and the copies for a
  ** second thread cost about what that thread saves (bench/README.md) */
  if(o.format != TL_TIMELINE_BODYFILE && use_pool()) {
    /* the header goes first; the batches follow it (pool_turn) */
    Tl_tlw_flush(&r.out);
    if(!pool_init(&r))
      r.out.oom = 1;
  }
  if(r.out.write_err || r.out.oom)
    rc = TL_STOP;
  else if(o.format == TL_TIMELINE_BODYFILE)
    rc = run_body(c, &r);
  else
    rc = Tl_export_events(c, &q, on_event, &r);
  pool_finish(&r);
  Tl_tlw_flush(&r.out);
  timing_first_row(&r);
  Tl_stage_mark(&r.tm, "lines");
  Tl_stage_total(&r.tm, "formatting", r.fmt_thread_cpu);
  if(r.tm.on)
    fprintf(stderr, "timing: second reader %s, %llu event rows\n",
            q.db2 ? "on" : "off", (unsigned long long)q.rows2);
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
  if(cache_kb)
    Tl_cache_size_set(c, cache_kb);
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
