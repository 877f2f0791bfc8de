/*
** NTFS: $STANDARD_INFORMATION and every $FILE_NAME parsed from the raw
** attributes (100 ns FILETIME, any year), each $FILE_NAME stored once under
** the link it names, and allocated MFT entries TSK lists nowhere.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names_int.h"
#include "base/timeconv_int.h"
#include "base/grow_int.h"
#include "walk/walk_int.h"

#define NTFS_ATTR_SI 0x10
#define NTFS_ATTR_FN 0x30

/* Little-endian loads: one load on a little-endian host (GCC kept the
** byte loop as a loop, 8 shifts a value) */
static uint64_t
le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
#else
  uint64_t v = 0;
  int i;
  for(i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
#endif
}

static uint32_t
le32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static void
set_filetime(Tl_times4 *t, int i, uint64_t ft)
{
  t->raw[i] = ft;
  t->have[i] = ft != 0;  /* 0 is "never set", not 1601-01-01 */
  t->ns[i] = Tl_filetime_to_ns(ft, &t->clamped[i]);
}

int
Tl_ntfs_parse_si(const uint8_t *b, size_t n, Tl_times4 *t)
{
  if(!b || n < 32)
    return 0;
  memset(t, 0, sizeof(*t));
  t->has_raw = 1;
  set_filetime(t, 3, le64(b + 0));
  set_filetime(t, 0, le64(b + 8));
  set_filetime(t, 2, le64(b + 16));
  set_filetime(t, 1, le64(b + 24));
  return 1;
}

int
Tl_ntfs_parse_fn(const uint8_t *b, size_t n, Tl_ntfs_fn *fn)
{
  if(!b || n < 66 || 66 + 2 * (size_t)b[64] > n)
    return 0;
  memset(fn, 0, sizeof(*fn));
  fn->parent = le64(b);
  fn->t.has_raw = 1;
  set_filetime(&fn->t, 3, le64(b + 8));
  set_filetime(&fn->t, 0, le64(b + 16));
  set_filetime(&fn->t, 2, le64(b + 24));
  set_filetime(&fn->t, 1, le64(b + 32));
  fn->alloc_size = le64(b + 40);
  fn->real_size = le64(b + 48);
  fn->flags = le32(b + 56);
  fn->name_units = b[64];
  fn->nspace = b[65];
  fn->name = b + 66;
  return 1;
}

/* The resident content of attribute a and its length; NULL when it is
** not resident. */
static const uint8_t *
resident(const TSK_FS_ATTR *a, size_t *n)
{
  if(!(a->flags & TSK_FS_ATTR_RES) || !a->rd.buf)
    return NULL;
  *n = (size_t)a->size < a->rd.buf_size ? (size_t)a->size : a->rd.buf_size;
  return a->rd.buf;
}

/* $STANDARD_INFORMATION: created, modified, MFT modified, accessed. */
static int
si_times(const TSK_FS_ATTR *a, Tl_times4 *t)
{
  size_t n = 0;
  const uint8_t *b = resident(a, &n);
  return Tl_ntfs_parse_si(b, n, t);
}

/* One $FILE_NAME of the entry, parsed once and its name converted once
** (into w->text at name_off); ok = 0 when it is too short to parse. */
typedef struct fn_rec {
  const TSK_FS_ATTR *a;
  Tl_ntfs_fn fn;
  size_t name_off, name_len;
  int ok;
} fn_rec;

/* One $FILE_NAME attribute: its row and its events. */
static void
store_fn(Tl_walk *w, int64_t object_id, const fn_rec *r, int ord)
{
  static const char *const ns_names[] = {"POSIX", "Win32", "DOS",
                                         "Win32&DOS"};
  static const int ns_len[] = {5, 5, 3, 9};
  const Tl_ntfs_fn *fn = &r->fn;
  Tl_writer *wr = w->wr;

  if(!r->ok) {
    w->n_corrupt++;
    return;
  }
  Tl_row_begin(wr, w->st->ins_fn);
  Tl_row_int(wr, object_id);
  Tl_row_int(wr, r->a->id);
  Tl_row_static(wr, fn->nspace < 4 ? ns_names[fn->nspace] : "unknown",
                fn->nspace < 4 ? ns_len[fn->nspace] : 7);
  Tl_row_text(wr, w->text + r->name_off, (int)r->name_len);
  Tl_row_int(wr, (int64_t)(fn->parent & 0xffffffffffffULL));
  Tl_row_int(wr, (int64_t)(fn->parent >> 48));
  Tl_row_int(wr, fn->flags);
  Tl_row_int(wr, (int64_t)fn->alloc_size);
  Tl_row_int(wr, (int64_t)fn->real_size);
  Tl_row_int(wr, (int64_t)fn->t.raw[3]);
  Tl_row_int(wr, (int64_t)fn->t.raw[0]);
  Tl_row_int(wr, (int64_t)fn->t.raw[2]);
  Tl_row_int(wr, (int64_t)fn->t.raw[1]);
  Tl_row_int(wr, ord);
  if((w->rc = Tl_row_end(wr)))
    return;
  Tl_walk_emit(w, object_id, "$FN", r->a->id, ord, &fn->t);
}

static int
is_object_attr(const TSK_FS_ATTR *a)
{
  return a->type == TSK_FS_ATTR_TYPE_NTFS_DATA ||
         a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT;
}

/* Parse the entry's $FILE_NAMEs r[0..nfn-1] (r[k].a set) and convert
** their names, all into w->text; 0 when out of memory (w->rc set). */
static int
fn_parse(Tl_walk *w, fn_rec *r, int nfn)
{
  size_t need = 0, n = 0, off = 0;
  const uint8_t *b;
  int k;
  for(k = 0; k < nfn; k++) {
    b = resident(r[k].a, &n);
    r[k].ok = Tl_ntfs_parse_fn(b, b ? n : 0, &r[k].fn);
    if(r[k].ok)
      need += (size_t)r[k].fn.name_units * 6 + 1;
  }
  if(!Tl_walk_grow(&w->text, &w->text_cap, need + 1)) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    return 0;
  }
  for(k = 0; k < nfn; k++) {
    size_t cap;
    if(!r[k].ok)
      continue;
    cap = (size_t)r[k].fn.name_units * 6 + 1;
    r[k].name_off = off;
    /* cap holds the longest form (6 bytes a unit: "\uXXXX"), so the
    ** length returned is the text's */
    r[k].name_len = Tl_utf16le_to_utf8(r[k].fn.name,
                                       (size_t)r[k].fn.name_units,
                                       w->text + off, cap);
    off += cap;
  }
  return 1;
}

/* Which of the entry's $FILE_NAME attributes (r[0..nfn-1], the ord being
** the index) belong to the directory entry f: sel[k] = 1. Each $FILE_NAME
** goes to the link it names (same name, same parent directory), so with
** hard links every name and its times are stored once, under its own path,
** not repeated under every link. A DOS 8.3 name (which TSK does not list
** as an entry) goes with the first long name in the same directory. When
** no name matches (an orphan, or a name TSK shows differently) all go to f,
** so nothing is lost. Damaged attributes are always passed on, for
** store_fn() to count. */
static void
fn_select(Tl_walk *w, const TSK_FS_FILE *f, const fn_rec *r, int nfn,
          char *sel)
{
  int k, j, any = 0, pass;
  if(!nfn)
    return;
  for(pass = 0; pass < 2 && !any; pass++)
    for(k = 0; k < nfn; k++) {
      sel[k] = 0;
      if(!r[k].ok) {
        sel[k] = 1;
        continue;
      }
      if(r[k].fn.nspace == 2 ||
         strcmp(w->text + r[k].name_off, f->name->name) ||
         (pass == 0 &&
          (r[k].fn.parent & 0xffffffffffffULL) != f->name->par_addr))
        continue;
      sel[k] = 2;
      any = 1;
    }
  if(!any) {
    memset(sel, 1, (size_t)nfn);
    return;
  }
  for(k = 0; k < nfn; k++) {
    uint64_t par;
    if(!r[k].ok || r[k].fn.nspace != 2)
      continue;
    par = r[k].fn.parent & 0xffffffffffffULL;
    for(j = 0; j < nfn; j++)
      if(r[j].ok && r[j].fn.nspace != 2 &&
         (r[j].fn.parent & 0xffffffffffffULL) == par)
        break;
    sel[k] = j < nfn && sel[j] == 2;
  }
}

/* $FILE_NAMEs of one entry kept on the stack; more (rare: hard links)
** take memory of their own. The same for its attributes. */
#define FN_STACK 8
#define ATTR_STACK 16

/* The attributes of f in libtsk's order: av[i] is what
** tsk_fs_file_attr_get_idx(f, i) gives (NULL where it gives none), i <
** the count returned, -1 when out of memory. av has room for max; *out is
** av, or a malloc'd array when there are more. Loaded attributes (the
** normal case) are the list's attributes in use, read in one pass: each
** tsk_fs_file_attr_get_idx() walks the list from its head (and the entry
** was asked three times over). Anything else goes through libtsk. */
static int
attr_vec(TSK_FS_FILE *f, const TSK_FS_ATTR **av, int max,
         const TSK_FS_ATTR ***out)
{
  const TSK_FS_META *m = f->meta;
  const TSK_FS_ATTR *a;
  int cnt = 0, i;
  *out = av;
  if(m && m->attr_state == TSK_FS_META_ATTR_STUDIED && m->attr) {
    for(a = m->attr->head; a; a = a->next)
      if(a->flags & TSK_FS_ATTR_INUSE) {
        if(cnt < max)
          av[cnt] = a;
        cnt++;
      }
    if(cnt <= max)
      return cnt;
    if(!(*out = malloc(sizeof(**out) * (size_t)cnt)))
      return -1;
    i = 0;
    for(a = m->attr->head; a; a = a->next)
      if(a->flags & TSK_FS_ATTR_INUSE)
        (*out)[i++] = a;
    return cnt;
  }
  cnt = tsk_fs_file_attr_getsize(f);
  if(cnt > max && !(*out = malloc(sizeof(**out) * (size_t)cnt)))
    return -1;
  for(i = 0; i < cnt; i++)
    (*out)[i] = tsk_fs_file_attr_get_idx(f, i);
  return cnt;
}

/* Owner SIDs by security id, per file system. libtsk's
** tsk_fs_file_get_owner_sid() takes the security id from the entry's
** $STANDARD_INFORMATION (the lowest attribute id, as tsk_fs_attrlist_get
** picks it; 4 bytes at offset 52 of its buffer, read whatever the
** attribute's size), searches $SII for it one entry after the other,
** then formats the owner of its $SDS entry, or fails (setting an error
** message) each time: the answer depends on those 4 bytes alone, so each
** is asked once (a Windows volume has a few thousand security ids for its
** 100,000s of files). Keyed by the raw bytes, so libtsk's byte order does
** not matter. */
typedef struct sid_ent {
  uint32_t key;
  int used;
  char *sid;                /* NULL: libtsk gave none */
} sid_ent;

struct Tl_sidcache {
  sid_ent *e;
  size_t cap, n;            /* cap: a power of two */
  int64_t fs_id;            /* the file system they belong to */
};

static void
sids_clear(Tl_sidcache *c)
{
  size_t i;
  for(i = 0; i < c->cap; i++)
    if(c->e[i].used) {
      free(c->e[i].sid);
      c->e[i].used = 0;
      c->e[i].sid = NULL;
    }
  c->n = 0;
}

void
Tl_ntfs_free(Tl_walk *w)
{
  if(w->sids) {
    sids_clear(w->sids);
    free(w->sids->e);
    free(w->sids);
    w->sids = NULL;
  }
  free(w->named_bits);
  free(w->named_far);
  w->named_bits = w->named_far = NULL;
  w->named_words = w->n_far = w->far_cap = 0;
}

static sid_ent *
sids_slot(Tl_sidcache *c, uint32_t key)
{
  size_t i = (size_t)(key * 2654435761u) & (c->cap - 1);
  while(c->e[i].used && c->e[i].key != key)
    i = (i + 1) & (c->cap - 1);
  return &c->e[i];
}

/* Room for one more; 0 when out of memory. */
static int
sids_room(Tl_sidcache *c)
{
  sid_ent *old = c->e, *ne;
  size_t oc = c->cap, i;
  if(c->n + 1 <= c->cap / 2)
    return 1;
  if(!(ne = calloc(oc ? oc * 2 : 64, sizeof(*ne))))
    return 0;
  c->e = ne;
  c->cap = oc ? oc * 2 : 64;
  for(i = 0; i < oc; i++)
    if(old[i].used)
      *sids_slot(c, old[i].key) = old[i];
  free(old);
  return 1;
}

/* The owner SID of f as tsk_fs_file_get_owner_sid() gives it, or NULL;
** it stays valid until the walk of this file system ends (or, for *own,
** the caller frees it). */
static const char *
owner_sid(Tl_walk *w, TSK_FS_FILE *f, char **own)
{
  const TSK_FS_META *m = f->meta;
  const TSK_FS_ATTR *si;
  Tl_sidcache *c = w->sids;
  sid_ent *e;
  uint32_t key;
  char *sid = NULL;

  *own = NULL;
  if(!c && (c = w->sids = calloc(1, sizeof(*c))))
    c->fs_id = -1;
  if(c && c->fs_id != w->fs_id) {
    sids_clear(c);
    c->fs_id = w->fs_id;
  }
  /* loaded attributes only: then the lookup below changes nothing */
  si = c && m && m->attr_state == TSK_FS_META_ATTR_STUDIED && m->attr ?
       tsk_fs_file_attr_get_type(f, TSK_FS_ATTR_TYPE_NTFS_SI, 0, 0) : NULL;
  if(!si || !si->rd.buf || si->rd.buf_size < 56 || !sids_room(c)) {
    tsk_error_reset();
    if(tsk_fs_file_get_owner_sid(f, own))
      *own = NULL;
    return *own;
  }
  memcpy(&key, si->rd.buf + 52, 4);
  e = sids_slot(c, key);
  if(e->used)
    return e->sid;
  if(tsk_fs_file_get_owner_sid(f, &sid))
    sid = NULL;
  e->used = 1;
  e->key = key;
  e->sid = sid;
  c->n++;
  return sid;
}

void
Tl_ntfs_entry(Tl_walk *w, TSK_FS_FILE *f, size_t path_len)
{
  const TSK_FS_ATTR *av_stack[ATTR_STACK], **av;
  int cnt = attr_vec(f, av_stack, ATTR_STACK, &av), i, fn_idx = -1;
  int first = -1;
  const TSK_FS_ATTR *si = NULL;
  Tl_times4 t;
  int have_t = 0;
  const char *sid;
  char *sid_own = NULL;
  fn_rec fn_stack[FN_STACK], *fn = fn_stack;
  char sel_stack[FN_STACK], *sel = sel_stack;
  int nfn = 0;

  if(cnt < 0) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    return;
  }
  for(i = 0; i < cnt; i++) {
    const TSK_FS_ATTR *a = av[i];
    if(!a)
      continue;
    if(a->type == NTFS_ATTR_SI && !si)
      si = a;
    if(a->type == NTFS_ATTR_FN)
      nfn++;
    if(is_object_attr(a)) {
      if(first < 0)
        first = i;
      if(fn_idx < 0 && (!a->name || (a->type == TSK_FS_ATTR_TYPE_NTFS_IDXROOT
                                     && !strcmp(a->name, "$I30"))))
        fn_idx = i;
    }
  }
  if(fn_idx < 0)
    fn_idx = first;
  if(si)
    have_t = si_times(si, &t);
  if(!have_t)
    Tl_walk_meta_times(f->meta, &t);
  sid = owner_sid(w, f, &sid_own);
  tsk_error_reset();
  if(nfn > FN_STACK &&
     (!(fn = malloc(sizeof(*fn) * (size_t)nfn)) ||
      !(sel = malloc((size_t)nfn)))) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    goto out;
  }

  for(i = 0; i < cnt || (first < 0 && i == 0); i++) {
    const TSK_FS_ATTR *a = first < 0 ? NULL : av[i];
    int64_t id;
    int j;
    if(first >= 0 && (!a || !is_object_attr(a)))
      continue;
    id = Tl_walk_store_object(w, f, w->path, path_len, a, sid);
    if(!id)
      break;
    Tl_walk_emit(w, id, "$SI", si ? si->id : -1, -1, &t);
    if(i == fn_idx || first < 0) {
      /* the entry's $FILE_NAMEs in attribute order: ord is the index */
      nfn = 0;
      for(j = 0; j < cnt; j++) {
        const TSK_FS_ATTR *fa = av[j];
        if(fa && fa->type == NTFS_ATTR_FN)
          fn[nfn++].a = fa;
      }
      if(!fn_parse(w, fn, nfn))
        break;
      fn_select(w, f, fn, nfn, sel);
      for(j = 0; j < nfn && !w->rc; j++)
        if(sel[j])
          store_fn(w, id, &fn[j], j);
    }
    if(first < 0)
      break;
  }
out:
  if(fn != fn_stack)
    free(fn);
  if(sel != sel_stack)
    free(sel);
  if(av != av_stack)
    free(av);
  free(sid_own);
}

/* NTFS: the MFT entries the walk names, for Tl_ntfs_orphans(): one bit an
** entry up to the file system's last entry (a qsort and a bsearch per
** entry before: 800 KiB and a sort at 100,000 files, 12.5 KiB now), a
** list for the numbers past it (a damaged index can name any). 0 when
** out of memory. */
int
Tl_ntfs_named(Tl_walk *w, uint64_t inum)
{
  if(w->named_fs != w->fs_id || !w->named_bits) {
    size_t nw = (size_t)((uint64_t)w->fs->last_inum / 64 + 1);
    if(nw > w->named_words) {
      uint64_t *nb = realloc(w->named_bits, nw * sizeof(*nb));
      if(!nb)
        return 0;
      w->named_bits = nb;
      w->named_words = nw;
    }
    memset(w->named_bits, 0, w->named_words * sizeof(uint64_t));
    w->n_far = 0;
    w->named_fs = w->fs_id;
  }
  if(inum / 64 < w->named_words) {
    w->named_bits[inum / 64] |= UINT64_C(1) << (inum % 64);
    return 1;
  }
  if(!Tl_grow(&w->named_far, &w->far_cap, w->n_far + 1,
              sizeof(*w->named_far), 64))
    return 0;
  w->named_far[w->n_far++] = inum;
  return 1;
}

/* NTFS: TSK lists an allocated entry only through its parent directory (its
** index, or the $FILE_NAME parent reference when that names the directory
** with its sequence number); its orphan search looks only at unallocated
** entries. So an allocated directory whose parent is gone or was reused is
** listed nowhere, nor anything in it. The MFT is read once more to count
** allocated base entries (24 and up) that the walk did not name. */
void
Tl_ntfs_orphans(Tl_walk *w, TSK_FS_INFO *fs, int64_t volume_id)
{
  uint8_t bs[512], *buf = NULL;
  TSK_FS_FILE *mft = NULL;
  uint64_t n_dirs = 0, n_files = 0, rs, per, off, size, i;
  char list[300], msg[800];
  size_t used = 0;
  int c = 0, any = w->named_fs == w->fs_id && w->named_bits;
  list[0] = 0;
  if(tsk_fs_read(fs, 0, (char *)bs, sizeof(bs)) != (ssize_t)sizeof(bs))
    goto out;
  /* clusters per MFT record, or 2^-n bytes when negative */
  c = (int8_t)bs[64];
  rs = c < 0 ? (c >= -20 ? (uint64_t)1 << -c : 0) :
       (uint64_t)c * (uint64_t)(bs[11] | (bs[12] << 8)) * bs[13];
  if(rs < 256 || rs > 65536 || !(mft = tsk_fs_file_open_meta(fs, NULL, 0)) ||
     !mft->meta)
    goto out;
  size = (uint64_t)mft->meta->size;
  per = 256;
  if(!(buf = malloc(rs * per)))
    goto out;
  if(any && w->n_far)
    qsort(w->named_far, w->n_far, sizeof(uint64_t), Tl_cmp_u64);
  for(off = 0; off < size && !w->interrupted; off += rs * per) {
    ssize_t got = tsk_fs_file_read(mft, (TSK_OFF_T)off, (char *)buf,
                                   (size_t)(rs * per), 0);
    if(got <= 0)
      break;
    for(i = 0; i + rs <= (uint64_t)got; i += rs) {
      const uint8_t *r = buf + i;
      uint64_t inum = (off + i) / rs;
      int flags;
      if(inum < 24 || memcmp(r, "FILE", 4) || le64(r + 32))
        continue;
      flags = r[22] | (r[23] << 8);
      if(!(flags & 1) ||
         (any && (inum / 64 < w->named_words ?
                  (w->named_bits[inum / 64] >> (inum % 64)) & 1 :
                  w->n_far && bsearch(&inum, w->named_far, w->n_far,
                                      sizeof(uint64_t), Tl_cmp_u64) != NULL)))
        continue;
      if(flags & 2)
        n_dirs++;
      else
        n_files++;
      if(used + 30 < sizeof(list))
        used += (size_t)snprintf(list + used, sizeof(list) - used,
                                 "%s%llu%s", used ? ", " : "",
                                 (unsigned long long)inum,
                                 flags & 2 ? " (dir)" : "");
      else if(used + 5 < sizeof(list) && list[used - 1] != '.')
        used += (size_t)snprintf(list + used, sizeof(list) - used, ", ...");
    }
  }
  if(n_dirs || n_files) {
    snprintf(msg, sizeof(msg), "%s file system at offset %lld: %llu "
             "directories and %llu files are allocated but not reachable "
             "from the root (their parent directory is gone or reused); TSK "
             "lists them nowhere: MFT entries %s",
             tsk_fs_type_toname(fs->ftype), (long long)fs->offset,
             (unsigned long long)n_dirs, (unsigned long long)n_files, list);
    Tl_walk_warn(w, volume_id, "orphan", msg);
  }
out:
  tsk_error_reset();
  if(mft)
    tsk_fs_file_close(mft);
  free(buf);
  w->named_fs = -1;
}
