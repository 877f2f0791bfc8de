/*
** In-image artifact claims (docs/PLUGIN-ABI.md, "During an ingest"): while
** the walker visits every object, note the ones a parser claims (names,
** NTFS streams by path:stream, globs); after
** the file system's walk, before it is closed, hand each to its parser,
** reading through the open TSK file system. No second walk; each claimed
** file is read once. Which parser claims an object: one index of every
** claim, built once per ingest (walk/claimindex.c). With no parser
** claiming anything, w->claims is NULL and the walk pays one pointer test
** per object.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plugin/artifacts_int.h"
#include "walk/claimindex_int.h"
#include "walk/claims_int.h"

typedef struct claimed {
  int64_t object_id;
  uint64_t inode;
  int has_attr;
  int attr_type, attr_id;
  char *path;
  int parser;
} claimed;

struct Tl_wclaims {
  Tl_phost *h;
  Tl_claimix *ix;           /* every parser's claims (walk/claimindex.c) */
  claimed *pend;
  size_t n_pend, cap_pend;
  Tl_pcount *pc;
  int n_pc;
  int indexed;
  uint64_t n_files, n_events, n_failed, n_lost;
};

tl_rc
Tl_claims_new(Tl_phost *h, Tl_wclaims **out)
{
  Tl_claimix *ix;
  tl_rc rc;
  *out = NULL;
  /* NULL when no parser claims anything: the walk pays nothing */
  if((rc = Tl_claimix_new(h, &ix)) || !ix)
    return rc;
  if(!(*out = calloc(1, sizeof(**out)))) {
    Tl_claimix_free(ix);
    return TL_NOMEM;
  }
  (*out)->h = h;
  (*out)->ix = ix;
  return TL_OK;
}

void
Tl_claims_free(Tl_wclaims *cl)
{
  size_t i;
  if(!cl)
    return;
  Tl_claimix_free(cl->ix);
  for(i = 0; i < cl->n_pend; i++)
    free(cl->pend[i].path);
  free(cl->pend);
  free(cl->pc);
  free(cl);
}

void
Tl_claims_note(Tl_walk *w, int64_t id, const TSK_FS_FILE *f,
               const TSK_FS_ATTR *a, const char *path, size_t len)
{
  Tl_wclaims *cl = w->claims;
  claimed *c;
  const char *nm = f->name->name;
  int p, stream = a && a->name && strcmp(a->name, "$I30") &&
                  a->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT;
  if(!f->meta || f->meta->type != TSK_FS_META_TYPE_REG)
    return;
  /* a deleted name whose entry now holds another file: not its content */
  if((f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) &&
     (f->meta->flags & TSK_FS_META_FLAG_ALLOC))
    return;
  if((p = Tl_claimix_match(cl->ix, path, len, nm, stream)) < 0)
    return;
  if(cl->n_pend == cl->cap_pend) {
    size_t nc = cl->cap_pend ? cl->cap_pend * 2 : 16;
    claimed *np = realloc(cl->pend, nc * sizeof(*np));
    if(!np)
      goto oom;
    cl->pend = np;
    cl->cap_pend = nc;
  }
  c = &cl->pend[cl->n_pend];
  memset(c, 0, sizeof(*c));
  if(!(c->path = malloc(len + 1)))
    goto oom;
  memcpy(c->path, path, len);
  c->path[len] = 0;
  c->object_id = id;
  c->inode = f->name->meta_addr;
  c->has_attr = a != NULL;
  c->attr_type = a ? (int)a->type : 0;
  c->attr_id = a ? a->id : 0;
  c->parser = p;
  cl->n_pend++;
  return;
oom:
  w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
}

typedef struct rd {
  const TSK_FS_ATTR *a;
} rd;

static tl_rc
attr_read(void *rctx, uint64_t off, void *buf, size_t len, size_t *got)
{
  rd *r = rctx;
  ssize_t n = tsk_fs_attr_read(r->a, (TSK_OFF_T)off, buf, len,
                               TSK_FS_FILE_READ_FLAG_NONE);
  if(n < 0) {
    *got = 0;
    return TL_IO;
  }
  *got = (size_t)n;
  return TL_OK;
}

/* "x" of "/Users/x/..." or "/Documents and Settings/x/...". */
static const char *
profile_of(const char *path, char *buf, size_t len)
{
  static const char *const roots[] = {"/users/", "/documents and settings/"};
  size_t i, rl, n;
  for(i = 0; i < 2; i++) {
    rl = strlen(roots[i]);
    if(!strncasecmp(path, roots[i], rl)) {
      const char *s = path + rl, *e = strchr(s, '/');
      if(!e || e == s)
        return NULL;
      n = (size_t)(e - s);
      if(n >= len)
        return NULL;
      memcpy(buf, s, n);
      buf[n] = 0;
      return buf;
    }
  }
  return NULL;
}

typedef struct run_ctx {
  Tl_artstore st;
  Tl_artfile af;
  Tl_walk *w;
  /* a parser's warnings on the file being parsed: kept here and written
  ** after its savepoint, which a failed parse rolls back */
  unsigned n_warn;
  char first_warn[1200];
} run_ctx;

static tl_rc
on_event(void *ectx, const struct tl_artifact_event *ev)
{
  run_ctx *r = ectx;
  int resolved;
  return Tl_artstore_event(&r->st, &r->af, ev, &resolved);
}

static tl_rc
on_fact(void *ectx, const char *key, const char *value)
{
  run_ctx *r = ectx;
  return Tl_artstore_fact(&r->st, &r->af, key, value);
}

static void
on_warn(void *ectx, const char *msg)
{
  run_ctx *r = ectx;
  if(!r->n_warn++)
    snprintf(r->first_warn, sizeof(r->first_warn), "%s", msg);
}

/* The warnings of one parsed file, as one warning row (outside its
** savepoint, so that a failed parse keeps them). */
static void
flush_warnings(Tl_walk *w, run_ctx *r, const char *parser,
               const char *path)
{
  char buf[1400];
  if(!r->n_warn)
    return;
  if(r->n_warn > 1)
    snprintf(buf, sizeof(buf), "%s: %s: %s (and %u more)", parser, path,
             r->first_warn, r->n_warn - 1);
  else
    snprintf(buf, sizeof(buf), "%s: %s: %s", parser, path, r->first_warn);
  r->n_warn = 0;
  Tl_walk_warn(w, w->volume_id, "artifact", buf);
}

/* Parse one claimed file; TL_OK unless the case itself failed. */
static tl_rc
run_one(Tl_walk *w, run_ctx *rc_, claimed *c)
{
  Tl_wclaims *cl = w->claims;
  const Tl_preg *p = &cl->h->parsers[c->parser];
  TSK_FS_FILE *f;
  const TSK_FS_ATTR *a;
  Tl_pinput_ops ops;
  Tl_presult pr;
  Tl_pcount *cnt;
  rd r;
  char prof[256], msg[1700];
  tl_rc rc;
  int64_t afid;

  if(!(cnt = Tl_pcount_get(&cl->pc, &cl->n_pc, p->name)))
    return Tl_set_error(w->c, TL_NOMEM, "out of memory");
  cnt->files++;
  cl->n_files++;
  rc_->n_warn = 0;
  if((rc = Tl_exec(w->c, "SAVEPOINT artifact_file")) ||
     (rc = Tl_exec_bound(w->c, "INSERT INTO artifact_file(evidence_id, "
                         "run_id, parser, path, object_id, status) VALUES(?,"
                         "?,?,?,?,'running')", "iitti",
                         w->evidence_id, w->run_id, p->name, c->path,
                         c->object_id)))
    return rc;
  afid = sqlite3_last_insert_rowid(w->c->db);
  f = tsk_fs_file_open_meta(w->fs, NULL, (TSK_INUM_T)c->inode);
  a = !f ? NULL : c->has_attr ?
      tsk_fs_file_attr_get_type(f, (TSK_FS_ATTR_TYPE_ENUM)c->attr_type,
                                (uint16_t)c->attr_id, 1) :
      tsk_fs_file_attr_get(f);
  if(!a) {
    snprintf(msg, sizeof(msg), "%s: its content cannot be opened",
             p->name);
    memset(&pr, 0, sizeof(pr));
    pr.failed = 1;
  } else {
    rc_->af.evidence_id = w->evidence_id;
    rc_->af.artifact_file_id = afid;
    rc_->af.fs_id = w->fs_id;
    rc_->af.object_id = c->object_id;
    rc_->af.path = c->path;
    rc_->af.parser = p;
    r.a = a;
    memset(&ops, 0, sizeof(ops));
    ops.size = a->size > 0 ? (uint64_t)a->size : 0;
    ops.read = attr_read;
    ops.rctx = &r;
    ops.path = c->path;
    ops.profile = profile_of(c->path, prof, sizeof(prof));
    ops.on_event = on_event;
    ops.on_warn = on_warn;
    ops.on_fact = on_fact;
    ops.ectx = rc_;
    Tl_phost_parse(p, &ops, &pr);
    if(pr.sink_rc != TL_OK) {
      tsk_fs_file_close(f);
      return pr.sink_rc;
    }
    snprintf(msg, sizeof(msg), "%s failed (%s)%s%s", p->name,
             tl_strerror(pr.rc), pr.first_problem[0] || rc_->n_warn ?
             ": " : "", pr.first_problem[0] ? pr.first_problem :
             rc_->n_warn ? rc_->first_warn : "");
  }
  if(f)
    tsk_fs_file_close(f);
  cnt->corrupt += pr.n_corrupt;
  cnt->refused += pr.n_refused;
  if(pr.failed) {
    cnt->failed++;
    cl->n_failed++;
    if((rc = Tl_exec(w->c, "ROLLBACK TO artifact_file")) ||
       (rc = Tl_exec_bound(w->c, "INSERT INTO artifact_file(evidence_id, "
                           "run_id, parser, path, object_id, status, "
                           "n_corrupt, n_refused, message) VALUES(?,?,?,?,?,"
                           "'failed',?,?,?)", "iittiiit",
                           w->evidence_id, w->run_id, p->name, c->path,
                           c->object_id, (int64_t)pr.n_corrupt,
                           (int64_t)pr.n_refused, msg)))
      return rc;
  } else {
    cnt->events += pr.n_events;
    cl->n_events += pr.n_events;
    if((rc = Tl_exec_bound(w->c, "UPDATE artifact_file SET status=?, "
                           "n_events=?, n_corrupt=?, n_refused=?, message=?"
                           " WHERE artifact_file_id=?", "tiiiti",
                           pr.n_corrupt || pr.n_refused ? "corrupt" : "ok",
                           (int64_t)pr.n_events, (int64_t)pr.n_corrupt,
                           (int64_t)pr.n_refused, pr.first_problem[0] ?
                           pr.first_problem : NULL, afid)))
      return rc;
  }
  cl->n_lost += pr.n_corrupt + pr.n_refused + (pr.failed ? 1 : 0);
  if((rc = Tl_exec(w->c, "RELEASE artifact_file")))
    return rc;
  flush_warnings(w, rc_, p->name, c->path);
  return w->rc;
}

tl_rc
Tl_claims_run(Tl_walk *w)
{
  Tl_wclaims *cl = w->claims;
  Tl_resolver res;
  run_ctx r;
  size_t i;
  tl_rc rc;
  if(!cl || !cl->n_pend)
    return TL_OK;
  if((rc = Tl_writer_sync(w->wr)))
    return rc;
  /* resolution looks objects up by inode and by name: an ingest into an
  ** empty case builds these at the end; build them now (kept) */
  if(!cl->indexed) {
    if((rc = Tl_exec(w->c, "CREATE INDEX IF NOT EXISTS object_name ON "
                     "object(name COLLATE NOCASE); CREATE INDEX IF NOT "
                     "EXISTS object_fs_inode ON object(fs_id, inode);")))
      return rc;
    cl->indexed = 1;
  }
  memset(&r, 0, sizeof(r));
  r.w = w;
  if((rc = Tl_resolver_init(w->c, &res, w->evidence_id)))
    return rc;
  if((rc = Tl_artstore_init(w->c, &r.st))) {
    Tl_resolver_free(&res);
    return rc;
  }
  r.st.res = &res;
  Tl_walk_progress(w, "artifacts", 1);
  for(i = 0; i < cl->n_pend && !rc; i++)
    rc = run_one(w, &r, &cl->pend[i]);
  Tl_artstore_free(&r.st);
  Tl_resolver_free(&res);
  for(i = 0; i < cl->n_pend; i++)
    free(cl->pend[i].path);
  cl->n_pend = 0;
  return rc;
}

void
Tl_claims_counts(const Tl_wclaims *cl, uint64_t *n_events, uint64_t *n_lost)
{
  *n_events = cl ? cl->n_events : 0;
  *n_lost = cl ? cl->n_lost : 0;
}

char *
Tl_claims_json(const Tl_wclaims *cl)
{
  return cl && cl->n_pc ? Tl_pcount_json(cl->pc, cl->n_pc) : NULL;
}
