/*
** The division of a path (docs/TARGETS.md, "Divisions"): one function for
** matching, the exposure report (SQL tl_division(), analysis/match.c) and
** the timeline's --division filter and division column (store/query.c).
*/
#ifndef TL_DIVMAP_INT_H
#define TL_DIVMAP_INT_H

#include "store/case_int.h"

/* The division map (docs/TARGETS.md, "Divisions"): the division of a path
** is the one of the longest mapped prefix in its evidence item, compared
** component by component and without regard to case on case-blind file
** systems (Tl_fs_case_blind), else the item's own division. The one
** implementation: matching calls Tl_divmap_lookup(), SQL (exposure) calls
** tl_division(label, path, fs_type, item_division), the timeline export
** calls it per object. */
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

#endif
