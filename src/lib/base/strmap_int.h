/*
** A string -> list of ints hash map (chained), for matching many targets
** against many objects in one pass.
*/
#ifndef TL_STRMAP_INT_H
#define TL_STRMAP_INT_H

#include <stddef.h>

typedef struct Tl_strmap_ent {
  struct Tl_strmap_ent *next;
  int *vals;
  int n, cap;
  char key[];
} Tl_strmap_ent;

typedef struct Tl_strmap {
  Tl_strmap_ent **b;
  size_t nb, n;
} Tl_strmap;

/* Add val under key; returns 0, or -1 when out of memory. */
int Tl_strmap_add(Tl_strmap *m, const char *key, int val);
/* The entry for key, or NULL. */
const Tl_strmap_ent *Tl_strmap_get(const Tl_strmap *m, const char *key);
void Tl_strmap_free(Tl_strmap *m);

#endif
