/*
** Arrays: growing one by doubling, the one place the walk's lists (and any
** other that wants it) grow, so none spells out the realloc dance again;
** and the order of uint64_t keys for qsort() and bsearch().
*/
#ifndef TL_GROW_INT_H
#define TL_GROW_INT_H

#include <stddef.h>

/* Make *pp (an array of elements of elem bytes, *cap of them allocated)
** hold at least need: its capacity doubled from first (the first
** allocation) until it does. Returns 1, or 0 when out of memory (*pp and
** *cap unchanged). pp is the address of the array pointer. */
int Tl_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t first);

/* qsort()/bsearch() comparison of two uint64_t: ascending. */
int Tl_cmp_u64(const void *a, const void *b);

#endif
