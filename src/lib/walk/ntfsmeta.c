/*
** NTFS: libtsk's two full passes over the MFT made one.
**
** libtsk 4.11 reads every MFT entry twice during a recursive directory
** walk, besides the loads of the named files: once on the first folder it
** opens, to map each parent to the children its $FILE_NAMEs name
** (ntfs_dir_open_meta: fs->inode_walk(first, last, ALLOC | UNALLOC,
** ntfs_parent_act)), and once when $OrphanFiles is opened, to list the
** unallocated entries no name reaches (tsk_fs_dir_find_orphans:
** tsk_fs_meta_walk(first, last, UNALLOC | USED, find_orphan_meta_walk_cb)).
** ntfs_inode_walk parses every entry in full in both (ntfs_dinode_copy,
** every attribute), the allocated ones too before it filters them: about
** a third of the walker's instructions at 100,000 files.
**
** The second pass sees a subset of the first one's entries, in the same
** order, parsed the same way: an entry reaches the callback of a walk
** with flags F when it can be read and parsed, is a base record, and its
** TSK_FS_META flags (ALLOC or UNALLOC from the entry's in-use flag, USED
** or UNUSED from its attributes) are all in F. For the first pass F is
** everything; for the second, UNALLOC | USED. So while libtsk makes the
** first pass, this file looks at each entry its callback is given and
** keeps what the orphan callback reads of those the second pass would
** give it (the unallocated, used ones: entry, sequence, type, flags, and
** the $FILE_NAME list), and when libtsk asks for the second pass it hands
** the kept entries, in the same order, to libtsk's own callback: libtsk
** decides, as before, which are orphans, their names, the folders it
** walks into to mark their contents seen, the de-duplication and the
** cached $OrphanFiles.
**
** This is done through the file system's inode_walk pointer (a public
** member of TSK_FS_INFO, which tsk_fs_meta_walk() and ntfs_dir_open_meta
** call), replaced for the time of walk/ntfswalk.c's walk and restored
** after it. Anything but those two calls, in that order over the whole
** MFT, goes to libtsk's inode_walk unchanged; so does the second pass when
** the first one did not run to its end (an error, a stop), or when
** keeping its entries ran out of memory. Only the walker's thread uses
** the file system meanwhile.
**
** What the orphan callback reads of the entry (libtsk 4.11.1, fs_dir.c,
** and Debian's build of it, disassembled: the meta's addr, seq, type and
** name2, the file's fs_info) is all that is kept; the file handed to it
** has no attributes.
**
** The first pass itself (light_pass()): its callback, ntfs_parent_act,
** reads an entry's addr, seq, type, flags and $FILE_NAME list, and
** ntfs_dinode_copy building every attribute of every entry was most of
** its cost. The plain allocated entries (valid fixups, base record, in
** use, no attribute list, nothing libtsk would call corrupt) are parsed
** here into just that; every other entry goes to libtsk's inode_walk, in
** ranges, in MFT order (classify() says which). An entry libtsk would
** call corrupt after its names were taken is harmless in the map: libtsk
** adds a child it nominates only through the $FILE_NAMEs of a fresh load,
** which then fails (docs/internals/WRITE-PATH.md).
**
** Test builds: TOUCHLINE_NTFS_ORPHANS=tsk (nothing replaced),
** TOUCHLINE_NTFS_PARENTS=tsk (the first pass all libtsk's) or =check (both
** first passes, every callback's entry compared), TOUCHLINE_NTFS_TAIL=N.
** TOUCHLINE_TIMING prints the counts.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow_int.h"
#include "base/le_int.h"
#include "walk/ntfsmeta_int.h"

#include <tsk/fs/tsk_ntfs.h>

/* libtsk's UTF-16 to UTF-8 conversion (exported by libtsk, declared only
** in its internal tsk_unicode.h): the names of the first pass are
** converted as ntfs_proc_attrseq converts them. */
extern int tsk_UTF16toUTF8(TSK_ENDIAN_ENUM endian, const uint16_t **src,
                           const uint16_t *src_end, uint8_t **dst,
                           uint8_t *dst_end, int flags);
#define MW_CONV_OK 0
#define MW_CONV_LENIENT 1

typedef uint8_t (*inode_walk_fn)(TSK_FS_INFO *, TSK_INUM_T, TSK_INUM_T,
                                 TSK_FS_META_FLAG_ENUM, TSK_FS_META_WALK_CB,
                                 void *);

/* The last MFT entries of the first pass left to libtsk: its $OrphanFiles
** entry at the end takes the name list of the last entry it parsed, which
** is among them (test builds: TOUCHLINE_NTFS_TAIL=N) */
#define MW_TAIL 256

enum { MW_NONE, MW_RECORDING, MW_DONE, MW_BROKEN, MW_REPLAYED };

/* One entry kept from the first pass; its names are names[n0 .. n0+nn) */
typedef struct mw_ent {
  TSK_INUM_T addr;
  uint32_t seq;
  TSK_FS_META_TYPE_ENUM type;
  TSK_FS_META_FLAG_ENUM flags;
  size_t n0, nn;
} mw_ent;

typedef struct mw_name {
  TSK_INUM_T par_inode;
  uint32_t par_seq;
  size_t off;                 /* into text, NUL-terminated */
} mw_name;

struct Tl_ntfs_mw {
  TSK_FS_INFO *fs;
  inode_walk_fn orig;
  int state;
  mw_ent *ent;
  size_t n_ent, cap_ent;
  mw_name *names;
  size_t n_names, cap_names;
  char *text;
  size_t n_text, cap_text;
  uint64_t seen;              /* entries the first pass gave its callback */
  uint64_t replayed;          /* entries handed to the second pass's */
  uint64_t light;             /* first pass: entries parsed here */
  uint64_t delegated;         /* first pass: entries left to libtsk */
  int no_light;               /* test builds: TOUCHLINE_NTFS_PARENTS=tsk */
  int check;                  /* test builds: TOUCHLINE_NTFS_PARENTS=check */
  size_t tail;                /* the last entries left to libtsk */
  uint64_t *ck[2];            /* check: entry and digest of each callback,
                              ** libtsk's pass [0] and this one [1] */
  size_t n_ck[2], cap_ck[2];
  TSK_WALK_RET_ENUM last_r;   /* the first pass's callback's last answer */
  TSK_FS_META_WALK_CB cb;     /* the first pass's callback, while it runs */
  void *cb_ptr;
};

/* The walker thread's file system whose inode_walk is ours (one at a
** time: the walk of one file system ends before the next begins). */
static _Thread_local Tl_ntfs_mw *mw_cur;

static int
keep(Tl_ntfs_mw *m, const TSK_FS_META *meta)
{
  const TSK_FS_META_NAME_LIST *nl;
  mw_ent *e;
  if(!Tl_grow(&m->ent, &m->cap_ent, m->n_ent + 1, sizeof(*m->ent), 64))
    return 0;
  e = &m->ent[m->n_ent];
  e->addr = meta->addr;
  e->seq = meta->seq;
  e->type = meta->type;
  e->flags = meta->flags;
  e->n0 = m->n_names;
  e->nn = 0;
  for(nl = meta->name2; nl; nl = nl->next) {
    size_t len = strnlen(nl->name, sizeof(nl->name));
    mw_name *n;
    if(!Tl_grow(&m->names, &m->cap_names, m->n_names + 1,
                sizeof(*m->names), 64) ||
       !Tl_grow(&m->text, &m->cap_text, m->n_text + len + 1, 1, 4096))
      return 0;
    n = &m->names[m->n_names++];
    n->par_inode = nl->par_inode;
    n->par_seq = nl->par_seq;
    n->off = m->n_text;
    memcpy(m->text + m->n_text, nl->name, len);
    m->text[m->n_text + len] = 0;
    m->n_text += len + 1;
    e->nn++;
  }
  m->n_ent++;
  return 1;
}

/* Test builds: what the parent map takes of an entry (entry, sequence,
** type, allocated and used flags, each name's parent, sequence and text), as one 64-bit
** FNV-1a digest, for TOUCHLINE_NTFS_PARENTS=check. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
  const uint8_t *b = p;
  while(n--)
    h = (h ^ *b++) * 0x100000001b3ULL;
  return h;
}

static void
digest(Tl_ntfs_mw *m, int k, const TSK_FS_META *meta)
{
  uint64_t h = 0xcbf29ce484222325ULL, v[4];
  const TSK_FS_META_NAME_LIST *nl;
  if(!meta)
    return;
  v[0] = meta->addr;
  v[1] = meta->seq;
  v[2] = (uint64_t)meta->type;
  v[3] = meta->flags & (TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC |
                        TSK_FS_META_FLAG_USED | TSK_FS_META_FLAG_UNUSED);
  h = fnv(h, v, sizeof(v));
  for(nl = meta->name2; nl; nl = nl->next) {
    v[0] = nl->par_inode;
    v[1] = nl->par_seq;
    h = fnv(h, v, 2 * sizeof(v[0]));
    h = fnv(h, nl->name, strnlen(nl->name, sizeof(nl->name)) + 1);
  }
  if(Tl_grow(&m->ck[k], &m->cap_ck[k], m->n_ck[k] + 2, sizeof(uint64_t),
             1024)) {
    m->ck[k][m->n_ck[k]++] = meta->addr;
    m->ck[k][m->n_ck[k]++] = h;
  }
}

static TSK_WALK_RET_ENUM
check_cb(TSK_FS_FILE *f, void *ptr)
{
  digest(ptr, 0, f->meta);
  return TSK_WALK_CONT;
}

/* The first pass's callback: libtsk's, then the entry kept when the
** second pass would see it (ntfs_inode_walk's test with flags UNALLOC |
** USED: its ALLOC/UNALLOC is the entry's in-use flag, which is also the
** meta's, and the meta's USED/UNUSED). */
static TSK_WALK_RET_ENUM
record_cb(TSK_FS_FILE *f, void *ptr)
{
  Tl_ntfs_mw *m = ptr;
  TSK_WALK_RET_ENUM r;
  const TSK_FS_META *meta = f->meta;
  m->seen++;
  if(m->check)
    digest(m, 1, meta);
  if(m->state == MW_RECORDING && meta &&
     (meta->flags & TSK_FS_META_FLAG_UNALLOC) &&
     !(meta->flags & (TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNUSED)) &&
     !keep(m, meta))
    m->state = MW_BROKEN;   /* out of memory: libtsk's second pass */
  r = m->last_r = m->cb(f, m->cb_ptr);
  if(r != TSK_WALK_CONT && m->state == MW_RECORDING)
    m->state = MW_BROKEN;   /* the pass ends early: not all entries seen */
  return r;
}

/* The second pass: the kept entries to libtsk's callback, as
** ntfs_inode_walk would give them (0, or 1 when the callback failed). */
static uint8_t
replay(Tl_ntfs_mw *m, TSK_FS_META_WALK_CB cb, void *ptr)
{
  TSK_FS_FILE file;
  TSK_FS_META meta;
  TSK_FS_META_NAME_LIST *nl = NULL;
  size_t cap = 0, i, k;
  uint8_t ret = 0;

  memset(&file, 0, sizeof(file));
  file.tag = TSK_FS_FILE_TAG;
  file.fs_info = m->fs;
  file.meta = &meta;
  for(i = 0; i < m->n_ent; i++) {
    const mw_ent *e = &m->ent[i];
    TSK_WALK_RET_ENUM r;
    if(!Tl_grow(&nl, &cap, e->nn, sizeof(*nl), e->nn)) {
      tsk_error_reset();
      tsk_error_set_errno(TSK_ERR_AUX_MALLOC);
      tsk_error_set_errstr("ntfs orphan search: out of memory");
      ret = 1;
      break;
    }
    memset(&meta, 0, sizeof(meta));
    meta.tag = TSK_FS_META_TAG;
    meta.addr = e->addr;
    meta.seq = e->seq;
    meta.type = e->type;
    meta.flags = e->flags;
    meta.attr_state = TSK_FS_META_ATTR_EMPTY;
    for(k = 0; k < e->nn; k++) {
      const mw_name *n = &m->names[e->n0 + k];
      size_t len = strlen(m->text + n->off);
      memset(nl[k].name, 0, sizeof(nl[k].name));
      memcpy(nl[k].name, m->text + n->off,
             len < sizeof(nl[k].name) ? len : sizeof(nl[k].name) - 1);
      nl[k].par_inode = n->par_inode;
      nl[k].par_seq = n->par_seq;
      nl[k].next = k + 1 < e->nn ? &nl[k + 1] : NULL;
    }
    meta.name2 = e->nn ? nl : NULL;
    m->replayed++;
    r = cb(&file, ptr);
    if(r == TSK_WALK_STOP)
      break;
    if(r == TSK_WALK_ERROR) {
      ret = 1;
      break;
    }
  }
  free(nl);
  return ret;
}

/* The first pass over entries a..b by libtsk itself (ntfs_inode_walk,
** flags ALLOC | UNALLOC): the same reads, checks, errors and callbacks as
** libtsk's whole pass gives those entries. */
static uint8_t
sub(Tl_ntfs_mw *m, TSK_INUM_T a, TSK_INUM_T b)
{
  if(a > b)
    return 0;
  m->delegated += b - a + 1;
  return m->orig(m->fs, a, b, TSK_FS_META_FLAG_ALLOC |
                 TSK_FS_META_FLAG_UNALLOC, record_cb, m);
}

/* A non-resident attribute's run list (at a + off, within len bytes):
** 1 when it is well formed and every run lies within the volume, as
** ntfs_make_data_run would take it; 0 sends the entry to libtsk. */
static int
runs_sane(const TSK_FS_INFO *fs, const uint8_t *a, size_t off, size_t len)
{
  int64_t lcn = 0;
  while(off < len) {
    unsigned h = a[off], nl = h & 15, no = h >> 4, k;
    uint64_t rl = 0;
    int64_t d = 0;
    if(!h)
      return 1;
    if(!nl || nl > 8 || no > 8 || off + 1 + nl + no > len)
      return 0;
    for(k = 0; k < nl; k++)
      rl |= (uint64_t)a[off + 1 + k] << (8 * k);
    if(no) {
      for(k = 0; k < no; k++)
        d |= (int64_t)((uint64_t)a[off + 1 + nl + k] << (8 * k));
      if(no < 8 && (a[off + nl + no] & 0x80))
        d -= (int64_t)((uint64_t)1 << (8 * no));
      lcn += d;
      if(lcn < 0 || !rl || (uint64_t)lcn + rl - 1 > fs->last_block)
        return 0;
    }
    off += 1 + nl + no;
  }
  return 0;
}

/* One MFT record r (rs bytes, as read) for the light path: 1 when libtsk
** would parse it with no other outcome than (a) skipping it (not a base
** record: *skip set) or (b) passing it to the callback, allocated, with
** the names it has in *nl (n names; a parse of libtsk's that would end
** the entry as corrupt after the names are taken is no concern: the
** parent map then names a child more, whose load fails when its folder is
** opened and adds nothing, as libtsk's own does). 0: libtsk decides
** (unallocated, an attribute list, anything damaged). The update
** sequence is applied to r in place, as ntfs_dinode_lookup does. */
static int
classify(Tl_ntfs_mw *m, uint8_t *r, size_t rs, int *skip, int *is_dir,
         int *used, TSK_FS_META_NAME_LIST **nl, size_t *cap, size_t *n)
{
  unsigned upd_off = Tl_le16(r + 4), upd_cnt = Tl_le16(r + 6), i, flags;
  size_t p, end = rs;
  *skip = 0;
  *n = 0;
  /* a plain update sequence only: one value a 512-byte sector, placed
  ** before the attributes (libtsk's releases differ on the odd ones) */
  if(upd_cnt != rs / 512 + 1 || upd_off < 40 || upd_off % 2 ||
     upd_off + 2 * (size_t)upd_cnt > Tl_le16(r + 20) ||
     upd_off + 2 * (size_t)upd_cnt > rs || rs % 512)
    return 0;
  for(i = 1; i < upd_cnt; i++) {
    size_t off = (size_t)i * 512 - 2;
    if(off + 2 > rs || r[off] != r[upd_off] || r[off + 1] != r[upd_off + 1])
      return 0;
  }
  for(i = 1; i < upd_cnt; i++) {
    size_t off = (size_t)i * 512 - 2;
    r[off] = r[upd_off + 2 + (i - 1) * 2];
    r[off + 1] = r[upd_off + 3 + (i - 1) * 2];
  }
  if(Tl_le48(r + 32) != 0) {
    *skip = 1;
    return 1;
  }
  flags = Tl_le16(r + 22);
  if(!(flags & 1) || Tl_le16(r + 20) > rs)
    return 0;
  *is_dir = (flags & 2) != 0;
  *used = 0;
  for(p = Tl_le16(r + 20); p + 16 <= end; ) {
    const uint8_t *a = r + p;
    uint32_t type = Tl_le32(a), len = Tl_le32(a + 4);
    if(!len || type == 0xffffffff)
      break;
    if(type == 0x20)
      return 0;             /* an attribute list: names elsewhere too */
    /* only attributes sane by any rule go on here (libtsk's releases
    ** differ in which odd ones they stop at or call corrupt) */
    if(p + len > end || len % 8 || len < 24 || a[8] > 1 ||
       Tl_le16(a + 10) + 2 * (size_t)a[9] > len)
      return 0;
    if(a[8] == 0) {         /* resident */
      size_t soff = Tl_le16(a + 20), ssize = Tl_le32(a + 16);
      if(soff < 24 || soff + ssize > len)
        return 0;
      *used = 1;            /* in libtsk's attribute list: USED */
      if(type == 0x30) {
        const uint8_t *fn = a + soff;
        size_t nlen;
        TSK_FS_META_NAME_LIST *x;
        const uint16_t *src;
        uint8_t *dst;
        if(ssize < 66)
          return 0;
        nlen = fn[64];
        if(66 + 2 * nlen > ssize || fn[65] > 3)
          return 0;
        if(fn[65] == 2)     /* a DOS name: not in libtsk's list */
          goto next;
        if(!Tl_grow(nl, cap, *n + 1, sizeof(**nl), 8))
          return 0;
        x = &(*nl)[(*n)++];
        {
          /* ASCII (most names): what the conversion gives, byte for
          ** byte (at most 255 units: the buffer holds them) */
          size_t j;
          for(j = 0; j < nlen && fn[66 + 2 * j] < 0x80 &&
                     fn[67 + 2 * j] == 0; j++)
            x->name[j] = (char)fn[66 + 2 * j];
          if(j == nlen) {
            x->name[j] = 0;
            goto parent;
          }
        }
        src = (const uint16_t *)(const void *)(fn + 66);
        dst = (uint8_t *)x->name;
        if(tsk_UTF16toUTF8(m->fs->endian, &src, src + nlen, &dst,
                           (uint8_t *)x->name + sizeof(x->name),
                           MW_CONV_LENIENT) != MW_CONV_OK)
          *dst = 0;
        else if(dst >= (uint8_t *)x->name + sizeof(x->name))
          x->name[sizeof(x->name) - 1] = 0;
        else
          *dst = 0;
      parent:
        x->par_inode = Tl_le48(fn);
        x->par_seq = Tl_le16(fn + 6);
      }
    }
    else {
      uint64_t vcn0, vcn1, alen, ssize, isize;
      if(len < 64 || type == 0x10 || type == 0x30 || Tl_le16(a + 34) > 16 ||
         Tl_le16(a + 32) < 64 || Tl_le16(a + 32) > len ||
         !runs_sane(m->fs, a, Tl_le16(a + 32), len))
        return 0;           /* corrupt or odd: libtsk's call */
      vcn0 = Tl_le48(a + 16) | ((uint64_t)Tl_le16(a + 22) << 48);
      vcn1 = Tl_le48(a + 24) | ((uint64_t)Tl_le16(a + 30) << 48);
      alen = Tl_le48(a + 40) | ((uint64_t)Tl_le16(a + 46) << 48);
      ssize = Tl_le48(a + 48) | ((uint64_t)Tl_le16(a + 54) << 48);
      isize = Tl_le48(a + 56) | ((uint64_t)Tl_le16(a + 62) << 48);
      /* the sizes of one whole stream, within the volume */
      if(vcn0 || vcn1 > m->fs->last_block ||
         alen != (vcn1 + 1) * m->fs->block_size || ssize > alen ||
         isize > ssize)
        return 0;
      *used = 1;
    }
  next:
    p += len;
  }
  return 1;
}

/* libtsk's first pass (the parent map) with the plain allocated entries
** parsed here: only their $FILE_NAMEs' parents and names are read by its
** callback (ntfs_parent_act), and ntfs_dinode_copy building every
** attribute of every entry was most of the pass. Entries in MFT order;
** anything unusual, the unallocated entries (whose metadata the orphan
** search needs in full) and the last 256 (libtsk's $OrphanFiles entry at
** the end reuses the last entry's name list) go to libtsk's own walk,
** range by range. */
static uint8_t
light_pass(Tl_ntfs_mw *m, TSK_FS_META_WALK_CB cb, void *ptr)
{
  NTFS_INFO *ntfs = (NTFS_INFO *)m->fs;
  TSK_FS_INFO *fs = m->fs;
  size_t rs = ntfs->mft_rsize_b, per = 256, cap = 0, n, i;
  TSK_INUM_T e0, tail, pa = 0, pb = 0;
  int pending = 0;
  uint8_t *buf = NULL, ret = 0;
  TSK_FS_META_NAME_LIST *nl = NULL;
  TSK_FS_FILE file;
  TSK_FS_META meta;

  m->cb = cb;
  m->cb_ptr = ptr;
  m->last_r = TSK_WALK_CONT;
  if(m->check && m->orig(fs, fs->first_inum, fs->last_inum,
                         TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC,
                         check_cb, m))
    tsk_error_reset();
  if(m->no_light || !ntfs->mft_data || rs < 512 || rs > 65536 ||
     fs->endian != TSK_LIT_ENDIAN || fs->last_inum < fs->first_inum + 1 ||
     !(buf = malloc(rs * per)))
    return m->orig(fs, fs->first_inum, fs->last_inum,
                   TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC,
                   record_cb, m);
  tail = fs->last_inum > fs->first_inum + m->tail
           ? fs->last_inum - m->tail : fs->first_inum;
  memset(&file, 0, sizeof(file));
  file.tag = TSK_FS_FILE_TAG;
  file.fs_info = fs;
  file.meta = &meta;
#define FLUSH()                                                       \
  do {                                                                \
    if(pending) {                                                     \
      pending = 0;                                                    \
      if((ret = sub(m, pa, pb)) || m->last_r != TSK_WALK_CONT)        \
        goto out;                                                     \
    }                                                                 \
  } while(0)
#define DELEGATE(e)                                                   \
  do {                                                                \
    if(pending && pb + 1 == (e))                                      \
      pb = (e);                                                       \
    else {                                                            \
      FLUSH();                                                        \
      pending = 1;                                                    \
      pa = pb = (e);                                                  \
    }                                                                 \
  } while(0)
  for(e0 = fs->first_inum; e0 < tail; e0 += per) {
    size_t k = (size_t)(tail - e0 < per ? tail - e0 : per);
    ssize_t got = tsk_fs_attr_read(ntfs->mft_data, (TSK_OFF_T)(e0 * rs),
                                   (char *)buf, k * rs,
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if(got != (ssize_t)(k * rs)) {
      tsk_error_reset();
      for(i = 0; i < k; i++)
        DELEGATE(e0 + i);
      continue;
    }
    for(i = 0; i < k; i++) {
      TSK_INUM_T e = e0 + i;
      int skip, is_dir = 0, used = 0;
      TSK_WALK_RET_ENUM r;
      if(!classify(m, buf + i * rs, rs, &skip, &is_dir, &used, &nl, &cap,
                   &n)) {
        DELEGATE(e);
        continue;
      }
      if(skip)
        continue;
      FLUSH();
      memset(&meta, 0, sizeof(meta));
      meta.tag = TSK_FS_META_TAG;
      meta.addr = e;
      meta.seq = Tl_le16(buf + i * rs + 16);
      meta.nlink = (int)Tl_le16(buf + i * rs + 18);
      meta.type = is_dir ? TSK_FS_META_TYPE_DIR : TSK_FS_META_TYPE_REG;
      meta.flags = TSK_FS_META_FLAG_ALLOC |
                   (used ? TSK_FS_META_FLAG_USED : TSK_FS_META_FLAG_UNUSED);
      meta.attr_state = TSK_FS_META_ATTR_EMPTY;
      {
        size_t j;
        for(j = 0; j < n; j++)
          nl[j].next = j + 1 < n ? &nl[j + 1] : NULL;
      }
      meta.name2 = n ? nl : NULL;
      m->light++;
      m->seen++;
      if(m->check)
        digest(m, 1, &meta);
      r = m->last_r = cb(&file, ptr);
      if(r == TSK_WALK_STOP)
        goto out;
      if(r == TSK_WALK_ERROR) {
        ret = 1;
        goto out;
      }
    }
  }
  FLUSH();
  ret = sub(m, tail, fs->last_inum);
out:
#undef FLUSH
#undef DELEGATE
  if(m->last_r != TSK_WALK_CONT && m->state == MW_RECORDING)
    m->state = MW_BROKEN;
  free(buf);
  free(nl);
  return ret;
}

static uint8_t
mw_inode_walk(TSK_FS_INFO *fs, TSK_INUM_T start, TSK_INUM_T end,
              TSK_FS_META_FLAG_ENUM flags, TSK_FS_META_WALK_CB cb, void *ptr)
{
  Tl_ntfs_mw *m = mw_cur;
  int whole;
  if(!m || m->fs != fs) {
    /* not reached: the pointer is ours only while mw_cur names fs */
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_FS_ARG);
    tsk_error_set_errstr("ntfs inode walk: no state for this file system");
    return 1;
  }
  whole = start == fs->first_inum && end == fs->last_inum;
  if(whole && m->state == MW_NONE &&
     flags == (TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNALLOC)) {
    uint8_t r;
    m->state = MW_RECORDING;
    r = light_pass(m, cb, ptr);
    if(m->state == MW_RECORDING)
      m->state = r ? MW_BROKEN : MW_DONE;
    return r;
  }
  if(whole && m->state == MW_DONE &&
     flags == (TSK_FS_META_FLAG_UNALLOC | TSK_FS_META_FLAG_USED)) {
    m->state = MW_REPLAYED;   /* once: libtsk caches $OrphanFiles */
    return replay(m, cb, ptr);
  }
  return m->orig(fs, start, end, flags, cb, ptr);
}

Tl_ntfs_mw *
Tl_ntfs_mw_begin(TSK_FS_INFO *fs)
{
  Tl_ntfs_mw *m;
#ifdef TL_TEST_HOOKS
  const char *e = getenv("TOUCHLINE_NTFS_ORPHANS");
  if(e && !strcmp(e, "tsk"))
    return NULL;
#endif
  if(!TSK_FS_TYPE_ISNTFS(fs->ftype) || mw_cur || !fs->inode_walk ||
     fs->inode_walk == mw_inode_walk || !(m = calloc(1, sizeof(*m))))
    return NULL;            /* libtsk's own passes */
  m->fs = fs;
  m->orig = fs->inode_walk;
#ifdef TL_TEST_HOOKS
  e = getenv("TOUCHLINE_NTFS_PARENTS");
  m->no_light = e && !strcmp(e, "tsk");
  m->check = e && !strcmp(e, "check");
#endif
  m->tail = MW_TAIL;
#ifdef TL_TEST_HOOKS
  if((e = getenv("TOUCHLINE_NTFS_TAIL")) && atol(e) > 0)
    m->tail = (size_t)atol(e);
#endif
  mw_cur = m;
  fs->inode_walk = mw_inode_walk;
  return m;
}

void
Tl_ntfs_mw_end(Tl_ntfs_mw *m, int timing)
{
  static const char *const st[] = {
    "no pass made", "first pass unfinished", "kept, not asked for",
    "first pass incomplete: libtsk's second pass",
    "second pass from the first"
  };
  if(!m)
    return;
  m->fs->inode_walk = m->orig;
  if(m->check) {
    /* both in MFT order: merged by entry; an entry only here is one
    ** libtsk parses and then calls corrupt (harmless in the map), one
    ** only libtsk's or a different one is a fault */
    size_t i = 0, j = 0, differ = 0, only0 = 0, only1 = 0;
    uint64_t first = 0, extra = 0;
    const uint64_t *a = m->ck[0], *b = m->ck[1];
    while(i < m->n_ck[0] || j < m->n_ck[1]) {
      if(j >= m->n_ck[1] || (i < m->n_ck[0] && a[i] < b[j])) {
        if(!only0++ && !differ)
          first = a[i];
        i += 2;
      }
      else if(i >= m->n_ck[0] || b[j] < a[i]) {
        if(!only1++)
          extra = b[j];
        j += 2;
      }
      else {
        if(a[i + 1] != b[j + 1] && !differ++ && !only0)
          first = a[i];
        i += 2;
        j += 2;
      }
    }
    fprintf(stderr, "check: NTFS first pass at offset %lld: libtsk's %zu "
            "callbacks, ours %zu, %zu of them differ, %zu only libtsk's, "
            "%zu only ours", (long long)m->fs->offset, m->n_ck[0] / 2,
            m->n_ck[1] / 2, differ, only0, only1);
    if(differ || only0)
      fprintf(stderr, " (the first: entry %llu)", (unsigned long long)first);
    if(only1)
      fprintf(stderr, " (only ours, the first: entry %llu)",
              (unsigned long long)extra);
    fputc('\n', stderr);
    free(m->ck[0]);
    free(m->ck[1]);
  }
  mw_cur = NULL;
  if(timing)
    fprintf(stderr, "timing: NTFS MFT passes at offset %lld: %llu entries "
            "read by libtsk's first pass, %llu of them kept and %llu handed "
            "to its orphan search (%s); first pass: %llu entries parsed "
            "here, %llu left to libtsk\n", (long long)m->fs->offset,
            (unsigned long long)m->seen, (unsigned long long)m->n_ent,
            (unsigned long long)m->replayed, st[m->state],
            (unsigned long long)m->light, (unsigned long long)m->delegated);
  free(m->ent);
  free(m->names);
  free(m->text);
  free(m);
}
