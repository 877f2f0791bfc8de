/*
** The walker: every volume, pool and file system of an image, and every
** file-system object in it, stored through Tl_store.
*/
#ifndef TL_WALK_INT_H
#define TL_WALK_INT_H

#include "image/image_int.h"
#include "store/store_int.h"
#include "store/writer_int.h"

#include "base/tz_int.h"

/* Four times in m, a, c, b order; equal instants of one source merge into
** one event with several MACB letters, as mactime does. */
typedef struct Tl_times4 {
  int64_t ns[4];
  uint64_t raw[4];
  int have[4];
  int clamped[4];
  int has_raw;
  int has_tz[4];            /* the time came with a stored UTC offset */
  int32_t tz[4];            /* that offset, seconds east of UTC */
} Tl_times4;

typedef struct Tl_wclaims Tl_wclaims;   /* walk/claims_int.h */
typedef struct Tl_sidcache Tl_sidcache; /* walk/ntfs.c */

typedef struct Tl_walk {
  tl_case *c;
  Tl_store *st;
  Tl_writer *wr;            /* object, event and $FILE_NAME rows go here */
  int64_t next_object_id;   /* ids are assigned here, not by SQLite */
  const struct tl_ingest_opts *opts;
  int64_t evidence_id;
  const char *label;
  Tl_hasher *hasher;        /* for progress only; may be NULL */
  uint64_t media_size;
  double t0, t_last;

  uint64_t n_objects, n_events, n_corrupt, n_warnings;
  uint64_t n_volumes, n_fs;
  int interrupted;          /* the cancel flag was seen */
  char incomplete[400];     /* why the item is incomplete (evidence.
                            ** incomplete); "" when it is not */
  tl_rc rc;                 /* first store failure: the walk stops */

  /* the file system being walked */
  TSK_FS_INFO *fs;
  int64_t fs_id;
  int64_t volume_id;        /* of the file system being walked; 0: none */
  int is_ntfs, is_ext;
  const char *source;       /* event source for generic metadata times */
  uint64_t fs_objects;

  /* FAT and exFAT: times are read raw from the 32-byte directory entries
  ** (walk/fat.c) and local times converted with tz (--fat-tz) */
  Tl_tz *tz;                /* owned; loaded before anything is written */
  int is_fat, is_exfat;     /* raw directory entries can be read */
  uint32_t fat_ssize, fat_dent_per_sect;
  uint64_t fat_datasect;
  uint64_t fat_no_dentry;   /* objects whose entry could not be read */

  /* FAT: the FAT (for directories TSK does not list) and the first
  ** clusters of the directories the walk listed */
  int fat_bits;             /* 12, 16 or 32 */
  uint64_t fat_fatsect, fat_spf, fat_clustsect, fat_nclus;
  uint32_t fat_spc;
  uint64_t *seen;
  size_t n_seen, seen_cap;
  int fat_oom;

  /* NTFS: the MFT entries the walk named (for allocated entries TSK lists
  ** nowhere), of file system named_fs: a bit an entry, and a list of
  ** those past the last entry (walk/ntfs.c, Tl_ntfs_named) */
  uint64_t *named_bits, *named_far;
  size_t named_words, n_far, far_cap;
  int64_t named_fs;
  /* NTFS: owner SIDs by security id (walk/ntfs.c) */
  Tl_sidcache *sids;

  /* NTFS: the walk of walk/ntfswalk.c (TOUCHLINE_NTFS_WALK=tsk: libtsk's
  ** tsk_fs_dir_walk instead), MFT entries loaded, and loads that failed
  ** into a reused file and were made again into a fresh one */
  int ntfs_tsk_walk, ntfs_timing;   /* TOUCHLINE_TIMING: counts on stderr */
  size_t ntfs_batch;
  uint64_t ntfs_loads, ntfs_fresh;
  int ewf_hint;             /* E01, this NTFS's MFT pinned: index hints */

  /* Fault injection for tests (TOUCHLINE_FAULT=SIG:N, docs/TESTS.md): raise
  ** signal fault_sig once n_objects reaches fault_after. */
  uint64_t fault_after;
  int fault_sig;

  /* artifact parsers' claims (walk/claims.c); NULL: none, no cost */
  Tl_wclaims *claims;
  int64_t run_id;           /* the ingest's run row */

  char *path, *text;        /* scratch buffers, grown as needed */
  size_t path_cap, text_cap;
} Tl_walk;

/* Shared by walk.c, ntfs.c and fat.c (walk/walk.c). */
int Tl_walk_grow(char **buf, size_t *cap, size_t need);
void Tl_walk_warn(Tl_walk *w, int64_t volume_id, const char *kind,
                  const char *msg);
/* Events of t (equal instants merged); attr_id, fn_ord -1: none. */
void Tl_walk_emit(Tl_walk *w, int64_t object_id, const char *source,
                  int attr_id, int fn_ord, const Tl_times4 *t);
void Tl_walk_meta_times(const TSK_FS_META *m, Tl_times4 *t);
/* Store the entry f as an object, through attribute a (NULL: the file as
** a whole); its object_id, or 0 after a store failure. */
int64_t Tl_walk_store_object(Tl_walk *w, TSK_FS_FILE *f, const char *path,
                             size_t path_len, const TSK_FS_ATTR *a,
                             const char *owner_sid);

/* The raw parsers of NTFS times (walk/ntfs.c; fuzzed by
** tests/fuzz/fuzz_ntfs.c): the content of a $STANDARD_INFORMATION (its
** four FILETIMEs) or of a $FILE_NAME attribute, b[0..n). 0 when it is too
** short to hold them (the caller counts it as corrupt). */
typedef struct Tl_ntfs_fn {
  uint64_t parent;          /* MFT reference: entry | sequence << 48 */
  Tl_times4 t;              /* created, modified, MFT modified, accessed */
  uint64_t alloc_size, real_size;
  uint32_t flags;
  int name_units;           /* UTF-16 code units of the name */
  int nspace;               /* 0 POSIX, 1 Win32, 2 DOS, 3 Win32&DOS */
  const uint8_t *name;      /* inside b: name_units * 2 bytes, UTF-16LE */
} Tl_ntfs_fn;
int Tl_ntfs_parse_si(const uint8_t *b, size_t n, Tl_times4 *t);
int Tl_ntfs_parse_fn(const uint8_t *b, size_t n, Tl_ntfs_fn *fn);

/* NTFS (walk/ntfs.c): the objects, times and $FILE_NAMEs of entry f, whose
** path is w->path[0..path_len); after the walk, allocated MFT entries the
** walk did not name (Tl_ntfs_named) counted in an "orphan" warning. */
void Tl_ntfs_entry(Tl_walk *w, TSK_FS_FILE *f, size_t path_len);
/* Note that the walk named MFT entry inum; 0 when out of memory. */
int Tl_ntfs_named(Tl_walk *w, uint64_t inum);
/* Free what the NTFS code of the walk keeps (Tl_walk_free). */
void Tl_ntfs_free(Tl_walk *w);
void Tl_ntfs_orphans(Tl_walk *w, TSK_FS_INFO *fs, int64_t volume_id);

/* NTFS (walk/ntfswalk.c): tsk_fs_dir_walk(fs, root, ALLOC | UNALLOC |
** RECURSE, cb, w) with the same names, order and metadata passed to cb,
** the MFT entries loaded in batches of at most batch names, in MFT order,
** into reused files. 1 when the walk failed, as tsk_fs_dir_walk. */
uint8_t Tl_ntfs_dir_walk(Tl_walk *w, TSK_FS_INFO *fs, TSK_FS_DIR_WALK_CB cb,
                         size_t batch);

/* FAT/exFAT (walk/fat.c): prepare raw reads of fs (w->is_fat/is_exfat
** stay 0 when its boot sector cannot be used), and the times of f from its
** directory entry (1; 0 when f has none: TSK's metadata times are used). */
void Tl_fat_start(Tl_walk *w, TSK_FS_INFO *fs);
int Tl_fat_times(Tl_walk *w, const TSK_FS_FILE *f, Tl_times4 *t);
/* A FAT long name TSK cut short: its length in UTF-16 units (the full name
** in full), else 0. */
/* Directories whose first cluster is a chain no listed entry starts (their
** entry is gone): their count, the allocated entries in those clusters, and
** the cluster numbers in list. 0, or -1 when the FAT cannot be read. */
int Tl_fat_orphan_dirs(Tl_walk *w, char *list, size_t len, uint64_t *n_dirs,
                       uint64_t *n_entries);
int Tl_fat_name_cut(Tl_walk *w, const TSK_FS_FILE *f, char *full,
                    size_t len);

/* Walk the image; returns TL_OK, TL_UNSUPPORTED when nothing at all was
** recognised, TL_INTERRUPTED, or the store error. */
tl_rc Tl_walk_image(Tl_walk *w, TSK_IMG_INFO *img);

/* Report progress now if a quarter second has passed since the last. */
void Tl_walk_progress(Tl_walk *w, const char *stage, int force);

void Tl_walk_free(Tl_walk *w);

#endif
