/*
** The walker: every volume, pool and file system of an image, and every
** file-system object in it, stored through Tl_store.
*/
#ifndef TL_WALK_INT_H
#define TL_WALK_INT_H

#include "image/image_int.h"
#include "store/store_int.h"
#include "store/writer_int.h"

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
  tl_rc rc;                 /* first store failure: the walk stops */

  /* the file system being walked */
  TSK_FS_INFO *fs;
  int64_t fs_id;
  int is_ntfs, is_ext;
  const char *source;       /* event source for generic metadata times */
  uint64_t fs_objects;

  /* Fault injection for tests (TOUCHLINE_FAULT=SIG:N, docs/TESTS.md): raise
  ** signal fault_sig once n_objects reaches fault_after. */
  uint64_t fault_after;
  int fault_sig;

  char *path, *text;        /* scratch buffers, grown as needed */
  size_t path_cap, text_cap;
} Tl_walk;

/* Walk the image; returns TL_OK, TL_UNSUPPORTED when nothing at all was
** recognised, TL_INTERRUPTED, or the store error. */
tl_rc Tl_walk_image(Tl_walk *w, TSK_IMG_INFO *img);

/* Report progress now if a quarter second has passed since the last. */
void Tl_walk_progress(Tl_walk *w, const char *stage, int force);

void Tl_walk_free(Tl_walk *w);

#endif
