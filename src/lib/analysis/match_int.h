/*
** Matching the target register against every object in the case, and
** hashing the contents of the objects that can match a hash target.
*/
#ifndef TL_MATCH_INT_H
#define TL_MATCH_INT_H

#include "store/case_int.h"
#include "base/pathglob_int.h"

/* Rebuild target_match for all targets against the objects of one
** evidence item (evidence_id > 0) or of the whole case (0). Runs inside the
** caller's transaction. Counts are added to *n_matches and *n_hashed. */
tl_rc Tl_match_run(tl_case *c, int64_t evidence_id, uint64_t *n_matches,
                   uint64_t *n_hashed);

/* Hash the content of objects into object_hash (skipping those already
** hashed). ids: object_ids, n of them. */
tl_rc Tl_hash_objects(tl_case *c, const int64_t *ids, size_t n,
                      uint64_t *n_hashed);

/* The division map (docs/TARGETS.md, "Divisions"): the division of a path
** is the one of the longest mapped prefix in its evidence item, compared
** component by component and without regard to case on case-blind file
** systems (Tl_fs_case_blind), else the item's own division. The one
** implementation: matching calls Tl_divmap_lookup(), SQL (exposure) calls
** tl_division(label, path, fs_type, item_division). */
typedef struct Tl_divent {
  char *evidence, *prefix, *division;
} Tl_divent;

typedef struct Tl_divmap {
  Tl_divent *e;      /* longest prefix first */
  int n;
} Tl_divmap;

tl_rc Tl_divmap_load(tl_case *c, Tl_divmap *d);
const char *Tl_divmap_lookup(const Tl_divmap *d, const char *label,
                             const char *path, const char *fs_type,
                             const char *ev_division);
void Tl_divmap_free(Tl_divmap *d);
/* Load the map and register tl_division() on the connection. */
tl_rc Tl_divmap_register(tl_case *c);

#endif
