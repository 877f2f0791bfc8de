/*
** NTFS: the directory walk of tsk_fs_dir_walk(), with the MFT entries of
** the named files loaded in batches, in MFT order, into TSK_FS_FILEs that
** are reused.
**
** libtsk's walk loads the MFT entry of each name the moment it lists it,
** into a TSK_FS_META allocated for that one name and freed after it (every
** attribute of every file allocated, filled and freed again), and in
** directory order, which jumps around the MFT: many loads miss libtsk's
** image cache (32 blocks of 64 KiB) and copy 64 KiB for a 1 KiB record.
** Both together were about half of libtsk's walk on the 100,000-file bench
** image (docs/internals/WRITE-PATH.md). Here the names are listed the same way
** (tsk_fs_dir_open_meta(), so the $I30 entries, the deleted names libtsk
** recovers from index slack and from $FILE_NAME parent references, and
** $OrphanFiles are libtsk's own, in libtsk's order); each name waits in a
** queue until up to NTFS_BATCH names are pending; then their MFT entries
** are loaded in ascending entry order (libtsk's own loader, fs->
** file_add_meta, with the name set, so its sequence checks are the same)
** into pooled TSK_FS_FILEs whose attributes libtsk reuses (as its own meta
** walk does), and the callback sees them in the walk's order. Nothing the
** callback sees differs; only when the entries are read.
**
** What must be known the moment a name is listed is loaded then: the
** entry of a name that may be a directory (whether the walk recurses into
** it depends on its metadata). Before $OrphanFiles is opened, every
** pending name is loaded: libtsk's orphan search excludes the deleted
** entries the walk named (fs->list_inum_named, filled here as
** tsk_fs_dir_walk() fills it).
**
** The recursion, its loop and depth limits, the order of the root folder
** (libtsk sorts it to put user folders first), and what an error in a
** subdirectory does are those of tsk_fs_dir_walk_lcl() in libtsk 4.11.
** A load into a reused file that is not a plain success is made again
** into a fresh one (what libtsk's walk would have passed on: load()).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image/ewfimg_int.h"
#include "base/grow_int.h"
#include "walk/walk_int.h"
#include "walk/ntfsmeta_int.h"

/* libtsk's limits (tsk_fs_i.h): depth of the walk, length of its path */
#define NW_MAX_DEPTH 128
#define NW_DIR_STRSZ 4096

typedef struct nw_dir {
  TSK_FS_DIR *d;
  char *dirs;               /* the walk's path for its entries ("a/b/") */
  size_t refs;              /* pending names, +1 while it is listed */
} nw_dir;

typedef struct nw_slot {
  nw_dir *dir;
  TSK_FS_NAME *name;
  TSK_FS_FILE *file;        /* NULL until loaded (or when nothing to load) */
  int need;                 /* an entry to load */
  int save;                 /* counts for fs->list_inum_named */
  int call;                 /* the callback sees it */
} nw_slot;

typedef struct nw {
  Tl_walk *w;
  TSK_FS_INFO *fs;
  TSK_FS_DIR_WALK_CB cb;
  size_t batch;

  nw_slot *q;               /* pending names, in walk order */
  size_t nq, capq;
  size_t *ord;              /* scratch: indexes of q to load, by entry */
  size_t cap_ord;
  TSK_FS_FILE **pool;       /* free TSK_FS_FILEs (their meta kept) */
  size_t npool, cap_pool;

  TSK_STACK *seen;
  char dirs[NW_DIR_STRSZ + 2];
  size_t didx[NW_MAX_DEPTH + 1];
  int depth;
  int save;                 /* dinfo.save_inum_named */
  /* dinfo.list_inum_named: the numbers, made into libtsk's list at
  ** save_named() in ascending order (tsk_list_add() keeps a list sorted
  ** from the largest key down: a key larger than all is one step, one in
  ** the middle walks the list, and the walk's order is random enough to
  ** make that quadratic: 5% of the walker's CPU at 100,000 files) */
  uint64_t *named;
  size_t n_named, cap_named;
  int stopped;              /* the callback said stop, or failed */
  int failed;
} nw;

static TSK_FS_FILE *
file_get(nw *n)
{
  TSK_FS_FILE *f;
  if(n->npool)
    return n->pool[--n->npool];
  if(!(f = calloc(1, sizeof(*f))))
    return NULL;
  f->tag = TSK_FS_FILE_TAG;
  f->fs_info = n->fs;
  return f;
}

static void
file_put(nw *n, TSK_FS_FILE *f)
{
  f->name = NULL;
  if(n->npool == n->cap_pool) {
    size_t nc = n->cap_pool ? n->cap_pool * 2 : 256;
    TSK_FS_FILE **np = realloc(n->pool, nc * sizeof(*np));
    if(!np) {
      tsk_fs_file_close(f);
      return;
    }
    n->pool = np;
    n->cap_pool = nc;
  }
  n->pool[n->npool++] = f;
}

static void
dir_release(nw_dir *nd)
{
  if(--nd->refs)
    return;
  tsk_fs_dir_close(nd->d);
  free(nd->dirs);
  free(nd);
}

static void
named_free(nw *n)
{
  free(n->named);
  n->named = NULL;
  n->n_named = n->cap_named = 0;
}

/* A named deleted entry for libtsk's orphan search; 0 when out of memory. */
static int
named_add(nw *n, uint64_t addr)
{
  if(!Tl_grow(&n->named, &n->cap_named, n->n_named + 1, sizeof(*n->named),
              256))
    return 0;
  n->named[n->n_named++] = addr;
  return 1;
}

/* Load the entry of slot s into a pooled file; 0 when out of memory.
** libtsk's loader treats a reused TSK_FS_META differently from a fresh
** one when the load goes wrong: it frees a fresh meta (the callback sees
** none) but only resets a reused one, and it does so for a name whose
** sequence number is not the entry's. So a load into a reused file counts
** only when it is a plain success (the entry asked for, its attributes
** read); anything else is loaded again into a fresh file, as libtsk's own
** walk loads every name (counted in w->ntfs_fresh). */
static int
load(nw *n, nw_slot *s)
{
  TSK_FS_FILE *f = file_get(n);
  TSK_INUM_T addr = s->name->meta_addr;
  int reused;
  if(!f)
    return 0;
  reused = f->meta != NULL;
  f->name = s->name;
  if(n->fs->file_add_meta(n->fs, f, addr))
    tsk_error_reset();
  else if(f->meta && f->meta->addr == addr &&
          f->meta->attr_state == TSK_FS_META_ATTR_STUDIED)
    reused = 0;             /* a plain success: kept */
  if(reused) {
    f->name = NULL;
    tsk_fs_file_close(f);
    if(!(f = calloc(1, sizeof(*f))))
      return 0;
    f->tag = TSK_FS_FILE_TAG;
    f->fs_info = n->fs;
    f->name = s->name;
    n->w->ntfs_fresh++;
    if(n->fs->file_add_meta(n->fs, f, addr))
      tsk_error_reset();
  }
  n->w->ntfs_loads++;
  s->file = f;
  return 1;
}

static int
cmp_entry(const void *a, const void *b, void *ctx)
{
  const nw_slot *q = ctx;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  TSK_INUM_T ex = q[x].name->meta_addr, ey = q[y].name->meta_addr;
  if(ex != ey)
    return ex < ey ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* qsort_r is not in C11: a sort of ord[0..k) by (entry, position), which
** is a total order, so the result does not depend on the sort. */
static void
sift(size_t *a, size_t i, size_t k, const nw_slot *q)
{
  for(;;) {
    size_t c = 2 * i + 1, t;
    if(c >= k)
      return;
    if(c + 1 < k && cmp_entry(&a[c], &a[c + 1], (void *)q) < 0)
      c++;
    if(cmp_entry(&a[i], &a[c], (void *)q) >= 0)
      return;
    t = a[i];
    a[i] = a[c];
    a[c] = t;
    i = c;
  }
}

static void
sort_ord(size_t *a, size_t k, const nw_slot *q)
{
  size_t i, j, t;
  if(k < 2)
    return;
  if(k <= 64) {
    /* an insertion sort: a folder's entries mostly come in entry order,
    ** so a batch is nearly sorted (the heap sort below took 8 times the
    ** comparisons) */
    for(i = 1; i < k; i++) {
      t = a[i];
      for(j = i; j > 0 && cmp_entry(&a[j - 1], &t, (void *)q) > 0; j--)
        a[j] = a[j - 1];
      a[j] = t;
    }
    return;
  }
  for(i = k / 2; i-- > 0;)
    sift(a, i, k, q);
  for(i = k - 1; i > 0; i--) {
    t = a[0];
    a[0] = a[i];
    a[i] = t;
    sift(a, 0, i, q);
  }
}

/* Load every pending entry in entry order, then pass the pending names
** to the callback in walk order. 0 when out of memory. */
static int
flush(nw *n)
{
  size_t i, k = 0;
  if(!n->nq)
    return 1;
  if(n->cap_ord < n->nq) {
    size_t *no = realloc(n->ord, n->nq * sizeof(*no));
    if(!no)
      return 0;
    n->ord = no;
    n->cap_ord = n->nq;
  }
  for(i = 0; i < n->nq; i++)
    if(n->q[i].need && !n->q[i].file)
      n->ord[k++] = i;
  sort_ord(n->ord, k, n->q);
  for(i = 0; i < k && !n->stopped; i++)
    if(!load(n, &n->q[n->ord[i]]))
      return 0;
  for(i = 0; i < n->nq; i++) {
    nw_slot *s = &n->q[i];
    TSK_FS_FILE *f = s->file, tmp;
    if(!n->stopped && s->save && n->save && f && f->meta &&
       (f->meta->flags & TSK_FS_META_FLAG_UNALLOC) &&
       !named_add(n, f->meta->addr)) {
      named_free(n);
      n->save = 0;
    }
    if(!n->stopped && s->call) {
      TSK_WALK_RET_ENUM r;
      if(!f) {
        /* no entry to load: the name alone, as libtsk passes it */
        memset(&tmp, 0, sizeof(tmp));
        tmp.tag = TSK_FS_FILE_TAG;
        tmp.fs_info = n->fs;
        f = &tmp;
      }
      f->name = s->name;
      r = n->cb(f, s->dir->dirs, n->w);
      if(r == TSK_WALK_STOP)
        n->stopped = 1;
      else if(r == TSK_WALK_ERROR)
        n->stopped = n->failed = 1;
    }
    if(s->file)
      file_put(n, s->file);
    dir_release(s->dir);
  }
  n->nq = 0;
  return 1;
}

static int
push(nw *n, nw_dir *nd, TSK_FS_NAME *name)
{
  nw_slot *s;
  if(!Tl_grow(&n->q, &n->capq, n->nq + 1, sizeof(*n->q), 1024))
    return 0;
  s = &n->q[n->nq++];
  s->dir = nd;
  s->name = name;
  s->file = NULL;
  s->need = name->meta_addr || (name->flags & TSK_FS_NAME_FLAG_ALLOC);
  s->save = n->save;
  s->call = (name->flags & (TSK_FS_NAME_FLAG_ALLOC |
                            TSK_FS_NAME_FLAG_UNALLOC)) == name->flags;
  nd->refs++;
  return 1;
}

/* libtsk's order of the root folder: user folders first, Windows and
** $Orphan* late, pagefile and hiberfil last, the rest as listed. */
static void
root_order(const TSK_FS_DIR *d, size_t *ix)
{
  static const struct { const char *p; int s; } pat[] = {
    {"Users", 0}, {"Documents and Settings", 0}, {"home", 0},
    {"ProgramData", 0}, {"Windows", 2}, {"$Orphan", 2}, {"pagefile", 3},
    {"hiberfil", 3}
  };
  size_t i, k = 0, j;
  int sc;
  for(sc = 0; sc <= 3; sc++)
    for(i = 0; i < d->names_used; i++) {
      const char *nm = d->names[i].name;
      int s = 1;
      if(nm)
        for(j = 0; j < sizeof(pat) / sizeof(pat[0]); j++)
          if(!strncasecmp(nm, pat[j].p, strlen(pat[j].p))) {
            s = pat[j].s;
            break;
          }
      if(s == sc)
        ix[k++] = i;
    }
}

/* libtsk's list of the walk's named deleted entries, built from the
** numbers in ascending order: the same set as tsk_list_add() in walk
** order gives (tsk_list_find() answers by the set), no walk of the list
** per number. NULL when out of memory, as a failed tsk_list_add() left
** it. */
static TSK_LIST *
named_list(nw *n)
{
  TSK_LIST *l = NULL;
  size_t i;
  if(n->n_named > 1)
    qsort(n->named, n->n_named, sizeof(*n->named), Tl_cmp_u64);
  for(i = 0; i < n->n_named; i++)
    if(tsk_list_add(&l, n->named[i])) {
      tsk_list_free(l);
      return NULL;
    }
  return l;
}

static void
save_named(nw *n)
{
  if(!n->fs->list_inum_named)
    n->fs->list_inum_named = named_list(n);
  named_free(n);
}

/* E01: the runs of directory f's $INDEX_ALLOCATION (physically adjacent
** runs joined) as the EWF layer's hint while libtsk opens it: its index
** record reads stop at a run's end instead of inflating the 64 KiB after
** each record (Tl_ewf_img_hint). libtsk reads an attribute run by run, so
** no read of the index starts in a run and ends past it; the MFT entries
** it reads meanwhile are pinned blocks, never cut: only for a file system
** whose MFT was pinned (w->ewf_hint). */
static void
hint_index(nw *n, const TSK_FS_FILE *f)
{
  const TSK_FS_ATTR *a;
  const TSK_FS_ATTR_RUN *r;
  TSK_FS_INFO *fs = n->fs;
  uint64_t rg[64][2];
  size_t k = 0;
  if(!n->w->ewf_hint || !f->meta || !f->meta->attr)
    return;
  for(a = f->meta->attr->head; a; a = a->next) {
    if(!(a->flags & TSK_FS_ATTR_INUSE) || !(a->flags & TSK_FS_ATTR_NONRES) ||
       a->type != TSK_FS_ATTR_TYPE_NTFS_IDXALLOC)
      continue;
    for(r = a->nrd.run; r; r = r->next) {
      uint64_t s0, e0;
      if(r->flags & (TSK_FS_ATTR_RUN_FLAG_FILLER |
                     TSK_FS_ATTR_RUN_FLAG_SPARSE) || !r->len)
        continue;
      s0 = (uint64_t)fs->offset + r->addr * fs->block_size;
      e0 = s0 + r->len * fs->block_size;
      if(k && rg[k - 1][1] == s0)
        rg[k - 1][1] = e0;
      else if(k == sizeof(rg) / sizeof(rg[0]))
        return;             /* so fragmented: no hint */
      else {
        rg[k][0] = s0;
        rg[k][1] = e0;
        k++;
      }
    }
  }
  /* none when another of its attributes (read too while the folder is
  ** opened) shares clusters with them: a damaged volume */
  for(a = f->meta->attr->head; a && k; a = a->next) {
    size_t i;
    if(!(a->flags & TSK_FS_ATTR_INUSE) || !(a->flags & TSK_FS_ATTR_NONRES) ||
       a->type == TSK_FS_ATTR_TYPE_NTFS_IDXALLOC)
      continue;
    for(r = a->nrd.run; r; r = r->next) {
      uint64_t s0 = (uint64_t)fs->offset + r->addr * fs->block_size;
      uint64_t e0 = s0 + r->len * fs->block_size;
      for(i = 0; i < k; i++)
        if(s0 < rg[i][1] && rg[i][0] < e0)
          return;
    }
  }
  Tl_ewf_img_hint(fs->img_info, (const uint64_t (*)[2])rg, k);
}

static TSK_WALK_RET_ENUM
walk_dir(nw *n, TSK_INUM_T addr)
{
  TSK_FS_INFO *fs = n->fs;
  TSK_FS_DIR *d;
  nw_dir *nd;
  size_t i, *ix = NULL;
  TSK_WALK_RET_ENUM ret = TSK_WALK_CONT;

  d = tsk_fs_dir_open_meta(fs, addr);
  Tl_ewf_img_hint(fs->img_info, NULL, 0);
  if(!d)
    return TSK_WALK_ERROR;
  if(!(nd = calloc(1, sizeof(*nd))) || !(nd->dirs = strdup(n->dirs)) ||
     (addr == fs->root_inum && d->names_used &&
      !(ix = malloc(d->names_used * sizeof(*ix))))) {
    if(nd)
      free(nd->dirs);
    free(nd);
    tsk_fs_dir_close(d);
    n->w->rc = Tl_set_error(n->w->c, TL_NOMEM, "out of memory");
    n->stopped = n->failed = 1;
    return TSK_WALK_ERROR;
  }
  nd->d = d;
  nd->refs = 1;
  if(ix)
    root_order(d, ix);

  for(i = 0; i < d->names_used && !n->stopped; i++) {
    TSK_FS_NAME *name = &d->names[ix ? ix[i] : i];
    nw_slot *s;
    TSK_FS_FILE *f;
    if(!push(n, nd, name))
      goto oom;
    s = &n->q[n->nq - 1];
    /* a possible directory: its entry now, the recursion depends on it */
    if(s->need && (TSK_FS_IS_DIR_NAME(name->type) ||
                   name->type == TSK_FS_NAME_TYPE_UNDEF) && !load(n, s))
      goto oom;
    f = s->file;
    if(name->meta_addr == TSK_FS_ORPHANDIR_INUM(fs) &&
       i == d->names_used - 1 && n->save) {
      if(!flush(n))
        goto oom;
      save_named(n);
      n->save = 0;
    }
    else if(n->nq >= n->batch && !flush(n))
      goto oom;

    if(f && f->meta && (TSK_FS_IS_DIR_NAME(name->type) ||
                        name->type == TSK_FS_NAME_TYPE_UNDEF) &&
       TSK_FS_IS_DIR_META(f->meta->type) &&
       ((name->flags & TSK_FS_NAME_FLAG_ALLOC) ||
        ((name->flags & TSK_FS_NAME_FLAG_UNALLOC) &&
         (f->meta->flags & TSK_FS_META_FLAG_UNALLOC))) &&
       !TSK_FS_ISDOT(name->name)) {
      TSK_INUM_T child = name->meta_addr;
      size_t dl, nl;
      int orphan = child == TSK_FS_ORPHANDIR_INUM(fs), save_bak = 0;
      TSK_WALK_RET_ENUM r;
      if(tsk_stack_find(n->seen, child))
        continue;
      if(tsk_stack_push(n->seen, child))
        goto oom;
      dl = strlen(n->dirs);
      nl = strlen(name->name);
      if(n->depth >= NW_MAX_DEPTH || NW_DIR_STRSZ <= dl + nl) {
        /* libtsk gives up on the rest of this folder, and its caller
        ** carries on (the entry stays on the loop stack) */
        ret = TSK_WALK_ERROR;
        break;
      }
      n->didx[n->depth] = dl;
      memcpy(n->dirs + dl, name->name, nl);
      n->dirs[dl + nl] = '/';
      n->dirs[dl + nl + 1] = 0;
      n->depth++;
      if(orphan) {
        /* every name so far counted before libtsk looks for orphans */
        if(!flush(n))
          goto oom;
        save_bak = n->save;
        n->save = 0;
      }
      if(f->meta->addr == child)
        hint_index(n, f);
      r = walk_dir(n, child);
      if(r == TSK_WALK_ERROR)
        tsk_error_reset();
      if(n->stopped)
        break;
      if(orphan)
        n->save = save_bak;
      tsk_stack_pop(n->seen);
      n->depth--;
      n->dirs[n->didx[n->depth]] = 0;
    }
  }
  free(ix);
  dir_release(nd);
  return n->stopped ? (n->failed ? TSK_WALK_ERROR : TSK_WALK_STOP) : ret;
oom:
  free(ix);
  dir_release(nd);
  if(!n->w->rc)
    n->w->rc = Tl_set_error(n->w->c, TL_NOMEM, "out of memory");
  n->stopped = n->failed = 1;
  return TSK_WALK_ERROR;
}

/* tsk_fs_dir_walk(fs, fs->root_inum, ALLOC | UNALLOC | RECURSE, cb, w),
** with the loads batched (batch: names pending at most; 1 loads each
** entry when it is listed, as libtsk does, but into a reused file). 1 when
** the walk failed (as tsk_fs_dir_walk). */
uint8_t
Tl_ntfs_dir_walk(Tl_walk *w, TSK_FS_INFO *fs, TSK_FS_DIR_WALK_CB cb,
                 size_t batch)
{
  nw n;
  TSK_WALK_RET_ENUM r;
  size_t i;
  Tl_ntfs_mw *mw;
  memset(&n, 0, sizeof(n));
  n.w = w;
  n.fs = fs;
  n.cb = cb;
  n.batch = batch ? batch : 1;
  if(!(n.seen = tsk_stack_create())) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    return 1;
  }
  n.save = fs->list_inum_named == NULL;
  /* libtsk's orphan search from its parent-map pass (walk/ntfsmeta.c) */
  mw = Tl_ntfs_mw_begin(fs);
  r = walk_dir(&n, fs->root_inum);
  if(!flush(&n) && !w->rc)
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
  Tl_ntfs_mw_end(mw, w->ntfs_timing);
  if(n.failed)
    r = TSK_WALK_ERROR;
  else if(n.stopped)
    r = TSK_WALK_STOP;
  if(n.save) {
    if(r != TSK_WALK_CONT)
      named_free(&n);
    else
      save_named(&n);
  }
  named_free(&n);
  tsk_stack_free(n.seen);
  for(i = 0; i < n.npool; i++)
    tsk_fs_file_close(n.pool[i]);
  free(n.pool);
  free(n.q);
  free(n.ord);
  return r == TSK_WALK_ERROR;
}
