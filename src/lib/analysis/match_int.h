/*
** Matching the target register against every object in the case, and
** hashing the contents of the objects that can match a hash target.
*/
#ifndef TL_MATCH_INT_H
#define TL_MATCH_INT_H

#include "store/case_int.h"
#include "store/divmap_int.h"
#include "base/pathglob_int.h"

/* Objects a hash pass left without a content hash because their item's
** image could not be opened here (Tl_hash_objects). Zero-initialise;
** Tl_hash_left_free() after. */
typedef struct Tl_hash_left {
  uint64_t n;               /* distinct objects left, over every pass */
  char why[700];            /* the first cause: the item, the file, why */
  int64_t *ids;             /* their ids, sorted, distinct */
  size_t cap;
} Tl_hash_left;

void Tl_hash_left_free(Tl_hash_left *left);

/* The warning an ingest stores and prints for left->n > 0 (one line). */
void Tl_hash_left_msg(const Tl_hash_left *left, const char *case_name,
                      char *msg, size_t n);

/* Rebuild target_match for all targets against the objects of one
** evidence item (evidence_id > 0) or of the whole case (0). Runs inside the
** caller's transaction. Counts are added to *n_matches and *n_hashed;
** candidates whose image cannot be opened to *left (Tl_hash_objects). */
tl_rc Tl_match_run(tl_case *c, int64_t evidence_id, uint64_t *n_matches,
                   uint64_t *n_hashed, Tl_hash_left *left);

/* The copy candidates of the case not hashed yet: a query giving their
** object_id, for SQLite and PostgreSQL (hash_copy_candidates in match.c,
** and a PostgreSQL item copy after its commit, ingest/pghash.c). */
extern const char Tl_copy_candidates_sql[];

/* Hash the content of objects into object_hash (skipping those already
** hashed). ids: object_ids, n of them. An object whose item's image
** cannot be opened (moved, changed, unreadable: Tl_image_reopen) gets no
** row: counted in *left with the first cause when left is given, so that
** a later `targets match` hashes it once the image is back; without left
** that is an error, as before. */
tl_rc Tl_hash_objects(tl_case *c, const int64_t *ids, size_t n,
                      uint64_t *n_hashed, Tl_hash_left *left);

/* Load the map and register tl_division() on the connection. */
tl_rc Tl_divmap_register(tl_case *c);

#endif
