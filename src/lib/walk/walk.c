/*
** Walking volumes, pools and file systems with libtsk.
**
** Objects follow `fls -r -m`: one per directory entry, and on NTFS one per
** $DATA or $INDEX_ROOT attribute (alternate data streams as "path:stream").
** Times are taken losslessly: NTFS attributes are parsed raw (walk/ntfs.c),
** FAT and exFAT directory entries too (walk/fat.c); other file systems give
** seconds + nanoseconds through TSK's metadata.
*/
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names_int.h"
#include "base/timeconv_int.h"
#include "walk/walk_int.h"
#include "walk/claims_int.h"
#include "image/ewfimg_int.h"

int
Tl_walk_grow(char **buf, size_t *cap, size_t need)
{
  char *nb;
  size_t nc;
  if(need <= *cap)
    return 1;
  nc = *cap ? *cap : 256;
  while(nc < need)
    nc *= 2;
  if(!(nb = realloc(*buf, nc)))
    return 0;
  *buf = nb;
  *cap = nc;
  return 1;
}

void
Tl_walk_progress(Tl_walk *w, const char *stage, int force)
{
  struct tl_progress p;
  double now;
  if(!w->opts->progress)
    return;
  now = Tl_mono_s();
  if(!force && now - w->t_last < 0.25)
    return;
  w->t_last = now;
  p.struct_size = sizeof(p);
  p.label = w->label;
  p.stage = stage;
  p.n_objects = w->n_objects;
  p.n_events = w->n_events;
  p.bytes_done = Tl_hasher_done(w->hasher);
  p.bytes_total = w->hasher ? w->media_size : 0;
  p.elapsed_s = now - w->t0;
  w->opts->progress(&p, w->opts->progress_ctx);
}

void
Tl_walk_warn(Tl_walk *w, int64_t volume_id, const char *kind, const char *msg)
{
  w->n_warnings++;
  if(!w->rc)
    w->rc = Tl_writer_sync(w->wr);
  if(!w->rc)
    w->rc = Tl_store_warning(w->st, w->evidence_id, w->fs_id, volume_id,
                             kind, msg);
}

/* ---- events ---------------------------------------------------------- */

/* attr_id and fn_ord: -1 when not applicable. */
void
Tl_walk_emit(Tl_walk *w, int64_t object_id, const char *source, int attr_id,
           int fn_ord, const Tl_times4 *t)
{
  /* the MACB column by letter bits (m 1, a 2, c 4, b 8): static strings,
  ** which the writer neither copies nor binds again when unchanged */
  static const char *const macb_str[16] = {
    "....", "m...", ".a..", "ma..", "..c.", "m.c.", ".ac.", "mac.",
    "...b", "m..b", ".a.b", "ma.b", "..cb", "m.cb", ".acb", "macb"
  };
  unsigned used = 0;
  int i, j, source_len = (int)strlen(source);
  Tl_writer *wr = w->wr;
  for(i = 0; i < 4 && !w->rc; i++) {
    unsigned bits = 1u << i;
    if(!t->have[i] || (used & bits))
      continue;
    for(j = i + 1; j < 4; j++)
      /* one instant, and the same raw value and stored offset (exFAT
      ** times can meet at one instant from different wall times) */
      if(t->have[j] && !(used & (1u << j)) && t->ns[j] == t->ns[i] &&
         (!t->has_raw || t->raw[j] == t->raw[i]) &&
         t->has_tz[j] == t->has_tz[i] && t->tz[j] == t->tz[i])
        bits |= 1u << j;
    used |= bits;
    Tl_row_begin(wr, w->st->ins_event);
    Tl_row_int(wr, object_id);
    Tl_row_int(wr, w->evidence_id);
    Tl_row_int(wr, t->ns[i]);
    /* a literal or w->source, its length taken once a call */
    Tl_row_static(wr, source, source_len);
    Tl_row_static(wr, macb_str[bits], 4);
    Tl_row_opt_int(wr, attr_id >= 0, attr_id);
    Tl_row_opt_int(wr, t->has_raw, (int64_t)t->raw[i]);
    Tl_row_int(wr, t->clamped[i]);
    Tl_row_opt_int(wr, fn_ord >= 0, fn_ord);
    Tl_row_opt_int(wr, t->has_tz[i], t->tz[i]);
    w->rc = Tl_row_end(wr);
    w->n_events++;
  }
}

static void
set_unix(Tl_times4 *t, int i, int64_t sec, uint32_t nsec)
{
  t->have[i] = sec != 0 || nsec != 0;
  t->ns[i] = Tl_unix_to_ns(sec, nsec, &t->clamped[i]);
}

void
Tl_walk_meta_times(const TSK_FS_META *m, Tl_times4 *t)
{
  memset(t, 0, sizeof(*t));
  set_unix(t, 0, (int64_t)m->mtime, m->mtime_nano);
  set_unix(t, 1, (int64_t)m->atime, m->atime_nano);
  set_unix(t, 2, (int64_t)m->ctime, m->ctime_nano);
  set_unix(t, 3, (int64_t)m->crtime, m->crtime_nano);
}

/* ---- objects --------------------------------------------------------- */

/* The alloc_state column and its length. */
static const char *
alloc_state(const TSK_FS_FILE *f, int *len)
{
  if(!(f->name->flags & TSK_FS_NAME_FLAG_UNALLOC)) {
    *len = 9;
    return "allocated";
  }
  if(f->meta && (f->meta->flags & TSK_FS_META_FLAG_ALLOC)) {
    *len = 15;
    return "deleted-realloc";
  }
  *len = 7;
  return "deleted";
}

/* Store one object: the entry f, through attribute a (NULL: the file as a
** whole). Returns its object_id, or 0 after a store failure. */
int64_t
Tl_walk_store_object(Tl_walk *w, TSK_FS_FILE *f, const char *path, size_t path_len,
             const TSK_FS_ATTR *a, const char *owner_sid)
{
  Tl_writer *wr = w->wr;
  const TSK_FS_META *m = f->meta;
  const char *stream = NULL, *nm = f->name->name;
  size_t len = path_len, nl = strlen(nm);
  int64_t id = w->next_object_id;
  int path_ok, state_len;
  const char *state = alloc_state(f, &state_len);

  if(a && a->name &&
     (a->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT || strcmp(a->name, "$I30")))
    stream = a->name;
  if(stream) {
    size_t sl = strlen(stream);
    if(!Tl_walk_grow(&w->path, &w->path_cap, path_len + sl + 2)) {
      w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
      return 0;
    }
    w->path[path_len] = ':';
    memcpy(w->path + path_len + 1, stream, sl + 1);
    len = path_len + 1 + sl;
  }
  path = w->path;

  /* columns in the order of Tl_store's ins_object */
  Tl_row_begin(wr, w->st->ins_object);
  Tl_row_int(wr, id);
  Tl_row_int(wr, w->evidence_id);
  Tl_row_int(wr, w->fs_id);
  path_ok = Tl_utf8_valid(path, len);
  if(path_ok) {
    Tl_row_text(wr, path, (int)len);
    Tl_row_text(wr, NULL, 0);
  }
  else {
    size_t need = Tl_utf8_escape(path, len, NULL, 0) + 1;
    if(!Tl_walk_grow(&w->text, &w->text_cap, need)) {
      w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
      return 0;
    }
    Tl_utf8_escape(path, len, w->text, w->text_cap);
    Tl_row_text(wr, w->text, -1);
    Tl_row_blob(wr, path, (int)len);
  }
  /* the name column: last component, escaped like the path */
  if(path_ok || Tl_utf8_valid(nm, nl))
    Tl_row_text(wr, nm, (int)nl);
  else {
    char tmp[1024];
    Tl_utf8_escape(nm, nl, tmp, sizeof(tmp));
    Tl_row_text(wr, tmp, -1);
  }
  Tl_row_text(wr, stream, -1);
  Tl_row_int(wr, (int64_t)f->name->meta_addr);
  Tl_row_opt_int(wr, w->is_ntfs, f->name->meta_seq);
  Tl_row_opt_int(wr, a != NULL, a ? (int64_t)a->type : 0);
  Tl_row_opt_int(wr, a != NULL, a ? a->id : 0);
  Tl_row_int(wr, (int64_t)f->name->par_addr);
  Tl_row_opt_int(wr, w->is_ntfs, f->name->par_seq);
  /* libtsk's tables of type letters are static */
  Tl_row_static(wr, tsk_fs_name_type_str[f->name->type <
                                         TSK_FS_NAME_TYPE_STR_MAX ?
                                         f->name->type : 0], 1);
  Tl_row_static(wr, m ? tsk_fs_meta_type_str[m->type <
                                             TSK_FS_META_TYPE_STR_MAX ?
                                             m->type : 0] : NULL, 1);
  Tl_row_opt_int(wr, a || m, a ? a->size : m ? m->size : 0);
  Tl_row_static(wr, state, state_len);
  Tl_row_int(wr, (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0);
  Tl_row_opt_int(wr, m != NULL, m ? (int64_t)m->mode : 0);
  Tl_row_opt_int(wr, m != NULL, m ? (int64_t)m->uid : 0);
  Tl_row_opt_int(wr, m != NULL, m ? (int64_t)m->gid : 0);
  Tl_row_opt_int(wr, m != NULL, m ? m->nlink : 0);
  Tl_row_text(wr, owner_sid, -1);
  {
    int cl;
    int have = m && w->is_ext && m->time2.ext2.dtime;
    Tl_row_opt_int(wr, have, have ? Tl_unix_to_ns(
                     (int64_t)m->time2.ext2.dtime,
                     m->time2.ext2.dtime_nano, &cl) : 0);
  }
  /* a symbolic link's target, as fls prints it after " -> " */
  Tl_row_text(wr, m && m->type == TSK_FS_META_TYPE_LNK && m->link &&
              Tl_utf8_valid(m->link, strlen(m->link)) ? m->link : NULL, -1);
  if((w->rc = Tl_row_end(wr)))
    return 0;
  w->next_object_id++;
  w->n_objects++;
  w->fs_objects++;
  if(w->claims)
    Tl_claims_note(w, id, f, a, path, len);
  return id;
}

/* TSK keeps about 195 characters of a FAT long name: two long names that
** share their first 195 characters then give one path. Said, not silent. */
static void
check_name(Tl_walk *w, const TSK_FS_FILE *f)
{
  char full[1600], msg[4096];
  int n = Tl_fat_name_cut(w, f, full, sizeof(full));
  if(!n)
    return;
  snprintf(msg, sizeof(msg), "%s file system at offset %lld: inode %llu: "
           "TSK cut a long name of %d characters short; stored as %s, the "
           "full name is %s", tsk_fs_type_toname(w->fs->ftype),
           (long long)w->fs->offset,
           (unsigned long long)f->name->meta_addr, n, w->path, full);
  Tl_walk_warn(w, w->volume_id, "name-cut", msg);
}

static TSK_WALK_RET_ENUM
on_entry(TSK_FS_FILE *f, const char *dir, void *ptr)
{
  Tl_walk *w = ptr;
  size_t dl, nl;

  if(w->opts->cancel && *w->opts->cancel) {
    w->interrupted = 1;
    return TSK_WALK_STOP;
  }
  if(!f->name || TSK_FS_ISDOT(f->name->name))
    return TSK_WALK_CONT;

  dl = strlen(dir);
  nl = strlen(f->name->name);
  if(!Tl_walk_grow(&w->path, &w->path_cap, dl + nl + 2 + 256)) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    return TSK_WALK_ERROR;
  }
  w->path[0] = '/';
  memcpy(w->path + 1, dir, dl);
  memcpy(w->path + 1 + dl, f->name->name, nl + 1);

  if(w->is_ntfs && !Tl_ntfs_named(w, f->name->meta_addr)) {
    w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    return TSK_WALK_ERROR;
  }
  if(w->is_ntfs && f->meta)
    Tl_ntfs_entry(w, f, 1 + dl + nl);
  else {
    int64_t id = Tl_walk_store_object(w, f, w->path, 1 + dl + nl, NULL, NULL);
    if(id && f->meta) {
      Tl_times4 t;
      if(!Tl_fat_times(w, f, &t))
        Tl_walk_meta_times(f->meta, &t);
      Tl_walk_emit(w, id, w->source, -1, -1, &t);
    }
    if(id && w->is_fat && !w->rc)
      check_name(w, f);
  }
  if(w->rc)
    return TSK_WALK_ERROR;
  if(w->fault_sig && w->n_objects >= w->fault_after) {
    int sig = w->fault_sig;
    w->fault_sig = 0;
    raise(sig);
  }
  if((w->n_objects & 255) == 0)
    Tl_walk_progress(w, "walk", 0);
  return TSK_WALK_CONT;
}

/* ---- file systems, pools, volumes ------------------------------------ */

/* FAT: a directory whose own entry is gone is not reachable from the
** root, and TSK looks for orphans only among unallocated entries, so it
** lists neither the directory nor its contents. Counted in a warning. */
static void
find_orphans(Tl_walk *w, TSK_FS_INFO *fs, int64_t volume_id)
{
  char list[300], msg[800];
  uint64_t n_dirs = 0, n_entries = 0;
  if(!w->is_fat)
    return;
  if(Tl_fat_orphan_dirs(w, list, sizeof(list), &n_dirs, &n_entries)) {
    snprintf(msg, sizeof(msg), "%s file system at offset %lld: the search "
             "for unlisted directories failed (FAT not readable)",
             tsk_fs_type_toname(fs->ftype), (long long)fs->offset);
    Tl_walk_warn(w, volume_id, "orphan", msg);
  }
  else if(n_dirs) {
    snprintf(msg, sizeof(msg), "%s file system at offset %lld: %llu "
             "directories are not reachable from the root (their entry is "
             "gone), with %llu entries in their first clusters; TSK lists "
             "neither them nor their contents: clusters %s",
             tsk_fs_type_toname(fs->ftype), (long long)fs->offset,
             (unsigned long long)n_dirs, (unsigned long long)n_entries, list);
    Tl_walk_warn(w, volume_id, "orphan", msg);
  }
}

static const char *
time_source(TSK_FS_TYPE_ENUM t)
{
  if(TSK_FS_TYPE_ISNTFS(t))
    return "$SI";
  if(TSK_FS_TYPE_ISFAT(t))
    return "FAT entry";
  if(TSK_FS_TYPE_ISHFS(t))
    return "HFS+ catalog";
  if(TSK_FS_TYPE_ISISO9660(t))
    return "ISO9660 record";
  return "inode";
}

/* An image shorter than its file system: what lies past its end is read
** as zeros or not at all. Warned with the missing byte range, and the item
** is marked incomplete. */
static void
truncated(Tl_walk *w, TSK_FS_INFO *fs, int64_t volume_id)
{
  char msg[400];
  uint64_t end = (uint64_t)fs->offset +
                 (uint64_t)fs->block_count * fs->block_size;
  uint64_t have = fs->img_info ? (uint64_t)fs->img_info->size : end;
  if(end <= have)
    return;
  snprintf(msg, sizeof(msg), "%s file system at offset %lld is %llu bytes "
           "long and ends at byte %llu, but the image ends at byte %llu: "
           "bytes %llu-%llu (%llu bytes) are missing",
           tsk_fs_type_toname(fs->ftype), (long long)fs->offset,
           (unsigned long long)(end - (uint64_t)fs->offset),
           (unsigned long long)end, (unsigned long long)have,
           (unsigned long long)have, (unsigned long long)(end - 1),
           (unsigned long long)(end - have));
  Tl_walk_warn(w, volume_id, "truncated", msg);
  if(!w->incomplete[0])
    snprintf(w->incomplete, sizeof(w->incomplete), "%s", msg);
}

/* NTFS in an E01 whose MFT is too large to pin (below): when the whole
** MFT fits in TL_EWF_CACHE_MAX (160 MiB), the EWF cache grows to 2.5 times
** the MFT (at most TL_EWF_CACHE_MAX), so that it holds the MFT and most of
** the directory indexes and other metadata the walk reads beside it
** (ewfimg_int.h: the cap is the memory budget's). At 1,000,000 files the
** MFT does not fit and memory stays as it was. */
static void
grow_ewf_cache(TSK_FS_INFO *fs)
{
  uint64_t mft = ((uint64_t)fs->last_inum + 1) * 1024, want;
  if(mft + mft / 10 > TL_EWF_CACHE_MAX)
    return;
  want = mft * 5 / 2;
  if(want > TL_EWF_CACHE_MAX)
    want = TL_EWF_CACHE_MAX;
  if(want > TL_EWF_CACHE_BYTES)
    Tl_ewf_img_cache_grow(fs->img_info, (size_t)want);
}

/* NTFS in an E01: pin the blocks of the MFT (Tl_ewf_img_pin) when they
** fit in TL_EWF_PIN_MAX (beside the CLOCK cache of TL_EWF_CACHE_BYTES), so
** that each is inflated once, by the walk or by the hashing thread,
** whatever order the walk reads the entries in; else grow the cache.
** 1 when this file system's MFT was pinned. */
static int
pin_mft(TSK_FS_INFO *fs)
{
  TSK_FS_FILE *f;
  const TSK_FS_ATTR *a;
  const TSK_FS_ATTR_RUN *r;
  uint64_t (*ranges)[2] = NULL;
  size_t n = 0, cap = 0;
  int pinned = 0;

  if(!Tl_ewf_img_is_ours(fs->img_info))
    return 0;
  f = tsk_fs_file_open_meta(fs, NULL, 0);
  a = f ? tsk_fs_file_attr_get_type(f, TSK_FS_ATTR_TYPE_NTFS_DATA, 0, 0)
        : NULL;

  if(a && (a->flags & TSK_FS_ATTR_NONRES)) {
    for(r = a->nrd.run; r; r = r->next) {
      if(r->flags & (TSK_FS_ATTR_RUN_FLAG_FILLER |
                     TSK_FS_ATTR_RUN_FLAG_SPARSE) || !r->len)
        continue;
      if(n == cap) {
        void *q = realloc(ranges, (cap = cap ? 2 * cap : 16) *
                          sizeof(*ranges));
        if(!q)
          goto out;
        ranges = q;
      }
      ranges[n][0] = (uint64_t)fs->offset + r->addr * fs->block_size;
      ranges[n][1] = ranges[n][0] + r->len * fs->block_size;
      n++;
    }
  }
  pinned = n && Tl_ewf_img_pin(fs->img_info, (const uint64_t (*)[2])ranges,
                               n, TL_EWF_PIN_MAX) > 0;
  if(!pinned)
    grow_ewf_cache(fs);
out:
  free(ranges);
  tsk_fs_file_close(f);
  tsk_error_reset();
  return pinned;
}

static void
walk_fs(Tl_walk *w, TSK_FS_INFO *fs, int64_t volume_id, const char *pool_vol,
        int64_t pool_block)
{
  sqlite3_stmt *s = w->st->ins_fs;
  int local = TSK_FS_TYPE_ISFAT(fs->ftype) != 0;
  char msg[600], te[512];
  uint8_t failed;

  if((w->rc = Tl_writer_sync(w->wr)))
    return;
  sqlite3_bind_int64(s, 1, w->evidence_id);
  Tl_bind_opt_int(s, 2, volume_id > 0, volume_id);
  Tl_bind_text(s, 3, pool_vol);
  sqlite3_bind_int64(s, 4, (int64_t)fs->offset);
  sqlite3_bind_text(s, 5, tsk_fs_type_toname(fs->ftype), -1,
                    SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, fs->block_size);
  sqlite3_bind_int64(s, 7, (int64_t)fs->block_count);
  sqlite3_bind_int64(s, 8, (int64_t)fs->root_inum);
  sqlite3_bind_int64(s, 9, (int64_t)fs->first_inum);
  sqlite3_bind_int64(s, 10, (int64_t)fs->last_inum);
  sqlite3_bind_int(s, 11, local);
  Tl_bind_text(s, 12, local && w->opts->fat_tz ? w->opts->fat_tz : "UTC");
  Tl_bind_opt_int(s, 13, pool_vol != NULL, pool_block);
  if((w->rc = Tl_store_step(w->st, s, "insert filesystem")))
    return;
  w->fs_id = sqlite3_last_insert_rowid(w->c->db);
  w->fs = fs;
  w->n_fs++;
  w->is_ntfs = TSK_FS_TYPE_ISNTFS(fs->ftype) != 0;
  w->is_ext = TSK_FS_TYPE_ISEXT(fs->ftype) != 0;
  w->source = time_source(fs->ftype);
  w->fs_objects = 0;
  w->fat_no_dentry = 0;
  w->volume_id = volume_id;
  truncated(w, fs, volume_id);
  Tl_fat_start(w, fs);
  if(local && !w->is_fat && !w->is_exfat) {
    snprintf(msg, sizeof(msg), "%s file system at offset %lld: boot sector"
             " not understood; times are TSK's, converted in the process "
             "time zone", tsk_fs_type_toname(fs->ftype),
             (long long)fs->offset);
    Tl_walk_warn(w, volume_id, "fat-times", msg);
  }
  w->ewf_hint = w->is_ntfs && pin_mft(fs);
  {
    uint64_t before = w->n_corrupt;
    tsk_error_reset();
    if(w->is_ntfs && !w->ntfs_tsk_walk) {
      uint64_t l0 = w->ntfs_loads, f0 = w->ntfs_fresh;
      failed = Tl_ntfs_dir_walk(w, fs, on_entry, w->ntfs_batch);
      if(w->ntfs_timing)
        fprintf(stderr, "timing: NTFS walk at offset %lld: %llu MFT entries "
                "loaded in batches of %zu, %llu of them again into a fresh "
                "file\n", (long long)fs->offset,
                (unsigned long long)(w->ntfs_loads - l0), w->ntfs_batch,
                (unsigned long long)(w->ntfs_fresh - f0));
    }
    else
      failed = tsk_fs_dir_walk(fs, fs->root_inum,
                               TSK_FS_DIR_WALK_FLAG_ALLOC |
                               TSK_FS_DIR_WALK_FLAG_UNALLOC |
                               TSK_FS_DIR_WALK_FLAG_RECURSE, on_entry, w);
    if(failed && !w->rc && !w->interrupted) {
      /* A damaged directory ends TSK's walk of that tree; what was read is
      ** kept and the damage is recorded. */
      w->n_corrupt++;
      snprintf(msg, sizeof(msg), "%s file system at offset %lld: walk "
               "ended early: %s", tsk_fs_type_toname(fs->ftype),
               (long long)fs->offset, Tl_tsk_errstr(te, sizeof(te)));
      Tl_walk_warn(w, volume_id, "corrupt", msg);
    }
    tsk_error_reset();
    if(!w->rc && !w->interrupted)
      find_orphans(w, fs, volume_id);
    if(!w->rc && !w->interrupted && w->is_ntfs)
      Tl_ntfs_orphans(w, fs, volume_id);
    w->n_seen = 0;
    if(w->fat_oom && !w->rc)
      w->rc = Tl_set_error(w->c, TL_NOMEM, "out of memory");
    if(w->fat_no_dentry && !w->rc) {
      snprintf(msg, sizeof(msg), "%s file system at offset %lld: the "
               "directory entry of %llu objects could not be read; their "
               "times are TSK's", tsk_fs_type_toname(fs->ftype),
               (long long)fs->offset, (unsigned long long)w->fat_no_dentry);
      Tl_walk_warn(w, volume_id, "fat-times", msg);
    }
    if(!w->rc)
      w->rc = Tl_writer_sync(w->wr);
    if(!w->rc) {
      sqlite3_stmt *u;
      if(sqlite3_prepare_v2(w->c->db, "UPDATE filesystem SET n_objects=?, "
                            "n_corrupt=? WHERE fs_id=?", -1, &u, NULL) ==
         SQLITE_OK) {
        sqlite3_bind_int64(u, 1, (int64_t)w->fs_objects);
        sqlite3_bind_int64(u, 2, (int64_t)(w->n_corrupt - before));
        sqlite3_bind_int64(u, 3, w->fs_id);
        w->rc = Tl_store_step(w->st, u, "update filesystem");
        sqlite3_finalize(u);
      }
      else
        w->rc = Tl_set_sqlite_error(w->c, "prepare");
    }
    /* the claimed artifacts, read while the file system is open */
    if(!w->rc && !w->interrupted && w->claims)
      w->rc = Tl_claims_run(w);
  }
  w->fs = NULL;
  w->fs_id = 0;
}

/* Try a pool (APFS container) at this place; 1 when one was found. */
static int
walk_pool(Tl_walk *w, const TSK_POOL_INFO *pool, int64_t volume_id)
{
  const TSK_POOL_VOLUME_INFO *v;
  char msg[600], te[512], label[300];
  for(v = pool->vol_list; v && !w->rc && !w->interrupted; v = v->next) {
    TSK_IMG_INFO *pimg;
    TSK_FS_INFO *fs;
    snprintf(label, sizeof(label), "%d:%s", v->index,
             v->desc ? v->desc : "");
    tsk_error_reset();
    pimg = pool->get_img_info(pool, v->block);
    fs = pimg ? tsk_fs_open_img(pimg, 0, TSK_FS_TYPE_APFS_DETECT) : NULL;
    if(!fs) {
      snprintf(msg, sizeof(msg), "pool volume %s: no readable file system"
               "%s: %s", label,
               (v->flags & TSK_POOL_VOLUME_FLAG_ENCRYPTED) ?
               " (encrypted)" : "", Tl_tsk_errstr(te, sizeof(te)));
      Tl_walk_warn(w, volume_id, "no-fs", msg);
    }
    else {
      walk_fs(w, fs, volume_id, label, (int64_t)v->block);
      tsk_fs_close(fs);
    }
    if(pimg)
      tsk_img_close(pimg);
  }
  return 1;
}

static int64_t
store_volume(Tl_walk *w, const TSK_VS_INFO *vs, const TSK_VS_PART_INFO *p)
{
  sqlite3_stmt *s = w->st->ins_volume;
  const char *flags = (p->flags & TSK_VS_PART_FLAG_ALLOC) ? "allocated" :
                      (p->flags & TSK_VS_PART_FLAG_META) ? "meta" :
                      "unallocated";
  if((w->rc = Tl_writer_sync(w->wr)))
    return 0;
  sqlite3_bind_int64(s, 1, w->evidence_id);
  sqlite3_bind_text(s, 2, tsk_vs_type_toname(vs->vstype), -1,
                    SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, p->addr);
  sqlite3_bind_int64(s, 4, (int64_t)p->start);
  sqlite3_bind_int64(s, 5, (int64_t)p->len);
  sqlite3_bind_int64(s, 6, (int64_t)(vs->offset + p->start *
                                     (TSK_OFF_T)vs->block_size));
  Tl_bind_text(s, 7, p->desc);
  sqlite3_bind_text(s, 8, flags, -1, SQLITE_STATIC);
  if((w->rc = Tl_store_step(w->st, s, "insert volume")))
    return 0;
  w->n_volumes++;
  return sqlite3_last_insert_rowid(w->c->db);
}

/* NTFS: names pending in walk/ntfswalk.c before their MFT entries are
** loaded, in MFT order. More names, fewer reads by libtsk's image cache
** (100,000-file bench image: 20,503 of 64 KiB in directory order, 16,119
** in batches of 64, 14,080 of 1,024), but each pooled file holds its
** attributes (a few KiB), and 1,024 of them no longer fit in the CPU's
** cache by the time the callback reads them: the walker's CPU time grew
** (docs/internals/WRITE-PATH.md). 64 keep them in it. */
#define NTFS_BATCH 64

/* TOUCHLINE_NTFS_WALK=tsk: libtsk's own directory walk, as before
** walk/ntfswalk.c (the same case, slower; for comparison and as a way
** back). Test builds: TOUCHLINE_NTFS_BATCH=N names pending at most. */
static void
ntfs_walk_opts(Tl_walk *w)
{
  const char *e = getenv("TOUCHLINE_NTFS_WALK");
  w->ntfs_tsk_walk = e && !strcmp(e, "tsk");
  e = getenv("TOUCHLINE_TIMING");
  w->ntfs_timing = e && *e && strcmp(e, "0");
  w->ntfs_batch = NTFS_BATCH;
#ifdef TL_TEST_HOOKS
  if((e = getenv("TOUCHLINE_NTFS_BATCH")) && atol(e) > 0)
    w->ntfs_batch = (size_t)atol(e);
#endif
}

tl_rc
Tl_walk_image(Tl_walk *w, TSK_IMG_INFO *img)
{
  TSK_VS_INFO *vs;
  TSK_FS_INFO *fs;
  const TSK_POOL_INFO *pool;
  char msg[700], te[512];

  w->t0 = Tl_mono_s();
  ntfs_walk_opts(w);
  tsk_error_reset();
  vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT);
  if(vs) {
    TSK_PNUM_T i;
    for(i = 0; i < vs->part_count && !w->rc && !w->interrupted; i++) {
      const TSK_VS_PART_INFO *p = tsk_vs_part_get(vs, i);
      int64_t vid;
      if(!p || !(vid = store_volume(w, vs, p)))
        continue;
      if(!(p->flags & TSK_VS_PART_FLAG_ALLOC))
        continue;
      tsk_error_reset();
      if((fs = tsk_fs_open_vol(p, TSK_FS_TYPE_DETECT))) {
        walk_fs(w, fs, vid, NULL, 0);
        tsk_fs_close(fs);
        continue;
      }
      Tl_tsk_errstr(te, sizeof(te));
      if((pool = tsk_pool_open_sing(p, TSK_POOL_TYPE_DETECT))) {
        walk_pool(w, pool, vid);
        tsk_pool_close(pool);
        continue;
      }
      tsk_error_reset();
      snprintf(msg, sizeof(msg), "volume %lu (%s, sector %llu): no readable"
               " file system: %s", (unsigned long)p->addr,
               p->desc ? p->desc : "", (unsigned long long)p->start, te);
      Tl_walk_warn(w, vid, "no-fs", msg);
    }
    tsk_vs_close(vs);
  }
  else {
    tsk_error_reset();
    if((fs = tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT))) {
      walk_fs(w, fs, 0, NULL, 0);
      tsk_fs_close(fs);
    }
    else {
      Tl_tsk_errstr(te, sizeof(te));
      if((pool = tsk_pool_open_img_sing(img, 0, TSK_POOL_TYPE_DETECT))) {
        walk_pool(w, pool, 0);
        tsk_pool_close(pool);
      }
      else {
        tsk_error_reset();
        return Tl_set_error(w->c, TL_UNSUPPORTED,
                            "no volume system or file system recognised "
                            "(%s)", te);
      }
    }
  }
  if(w->rc)
    return w->rc;
  if(w->interrupted)
    return TL_INTERRUPTED;
  if(!w->n_fs && !w->n_volumes)
    return Tl_set_error(w->c, TL_UNSUPPORTED,
                        "no volume system or file system recognised");
  return TL_OK;
}

void
Tl_walk_free(Tl_walk *w)
{
  free(w->path);
  free(w->text);
  w->path = w->text = NULL;
  Tl_tz_free(w->tz);
  w->tz = NULL;
  free(w->seen);
  w->seen = NULL;
  Tl_ntfs_free(w);
}
