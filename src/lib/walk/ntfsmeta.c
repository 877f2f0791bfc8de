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
** has no attributes. Test builds take TOUCHLINE_NTFS_ORPHANS=tsk (libtsk's
** second pass, for comparison); TOUCHLINE_TIMING prints the counts.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow_int.h"
#include "walk/ntfsmeta_int.h"

typedef uint8_t (*inode_walk_fn)(TSK_FS_INFO *, TSK_INUM_T, TSK_INUM_T,
                                 TSK_FS_META_FLAG_ENUM, TSK_FS_META_WALK_CB,
                                 void *);

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
  if(m->state == MW_RECORDING && meta &&
     (meta->flags & TSK_FS_META_FLAG_UNALLOC) &&
     !(meta->flags & (TSK_FS_META_FLAG_ALLOC | TSK_FS_META_FLAG_UNUSED)) &&
     !keep(m, meta))
    m->state = MW_BROKEN;   /* out of memory: libtsk's second pass */
  r = m->cb(f, m->cb_ptr);
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
    if(e->nn > cap) {
      TSK_FS_META_NAME_LIST *nn = realloc(nl, e->nn * sizeof(*nn));
      if(!nn) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_AUX_MALLOC);
        tsk_error_set_errstr("ntfs orphan search: out of memory");
        ret = 1;
        break;
      }
      nl = nn;
      cap = e->nn;
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
    m->cb = cb;
    m->cb_ptr = ptr;
    r = m->orig(fs, start, end, flags, record_cb, m);
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
  if(mw_cur || !fs->inode_walk || fs->inode_walk == mw_inode_walk ||
     !(m = calloc(1, sizeof(*m))))
    return NULL;            /* libtsk's own passes */
  m->fs = fs;
  m->orig = fs->inode_walk;
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
  mw_cur = NULL;
  if(timing)
    fprintf(stderr, "timing: NTFS MFT passes at offset %lld: %llu entries "
            "read by libtsk's first pass, %llu of them kept and %llu handed "
            "to its orphan search (%s)\n", (long long)m->fs->offset,
            (unsigned long long)m->seen, (unsigned long long)m->n_ent,
            (unsigned long long)m->replayed, st[m->state]);
  free(m->ent);
  free(m->names);
  free(m->text);
  free(m);
}
