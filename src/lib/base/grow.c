#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow_int.h"

int
Tl_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t first)
{
  void *p, *np;
  size_t nc;
  if(need <= *cap)
    return 1;
  nc = *cap ? *cap : first ? first : 1;
  while(nc < need) {
    if(nc > SIZE_MAX / 2 / elem)
      return 0;
    nc *= 2;
  }
  memcpy(&p, pp, sizeof(p));
  if(!(np = realloc(p, nc * elem)))
    return 0;
  memcpy(pp, &np, sizeof(np));
  *cap = nc;
  return 1;
}

int
Tl_cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}
