/*
** The ingest layer's internal interface: one item (ingest.c), the copy of
** a staged item into a case (itemcopy.c), many items from a manifest
** (manifest.c, batch.c).
*/
#ifndef TL_INGEST_INT_H
#define TL_INGEST_INT_H

#include "store/store_int.h"
#include "analysis/match_int.h"

/* Flags of Tl_ingest_item(). */
#define TL_INGEST_STAGING 0x1 /* into a private staging case that is copied
                              ** into the real one later: no matching, no
                              ** secondary indexes built at the end */

/* tl_case_ingest() with opts already read (Tl_opts_in) and flags. */
tl_rc Tl_ingest_item(tl_case *c, int n_paths, const char *const *paths,
                     const struct tl_ingest_opts *opts,
                     struct tl_ingest_result *res, unsigned flags);

/* Delete item id and everything derived from it, inside the caller's
** transaction (what --replace does). */
tl_rc Tl_ingest_delete_item(tl_case *c, int64_t id);

/* After an item's match stage left files of other items unhashed (their
** image not at hand: Tl_hash_objects): the note on the handle
** (tl_case_note), res->n_unhashed, and a warning row 'unhashed' on item
** ev, in the caller's transaction. The caller counts the warning. */
tl_rc Tl_ingest_note_unhashed(tl_case *c, int64_t ev,
                              const Tl_hash_left *left,
                              struct tl_ingest_result *res);

/* What Tl_item_copy() did. */
typedef struct Tl_item_copied {
  int64_t evidence_id;      /* the item's id in the case */
  int64_t n_objects, n_events;
} Tl_item_copied;

/* Copy the one evidence item of the database attached to c as `schema`
** (a staging case) into c's main database, inside the caller's
** transaction: every table that holds rows of an item, with every id
** remapped above the ids the case has (object ids above its high-water
** mark, which is moved up). Rows naming the source's run are given run_id.
** Fails, naming the table, when the source has a table or an id column
** this copier does not know (src/lib/ingest/itemcopy.c: the table list),
** or does not hold exactly one item. */
tl_rc Tl_item_copy(tl_case *c, const char *schema, int64_t run_id,
                   Tl_item_copied *out);

/* itemcopy.c's table list, for the copy into a PostgreSQL case
** (pgqueue.c): table i (kind 0 the case's own, 1 the run, 2 an item's
** rows; pk its own key or NULL), id column j and the table it names. */
int Tl_item_table(size_t i, const char **name, int *kind, const char **pk);
int Tl_item_idcol(size_t i, size_t j, const char **col, const char **ref);

#endif
