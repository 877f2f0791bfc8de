/*
** Chained string hash map (FNV-1a), growing at load factor 1.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap_int.h"

static uint64_t
fnv(const char *s)
{
  uint64_t h = UINT64_C(14695981039346656037);
  for(; *s; s++)
    h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
  return h;
}

static int
grow(Tl_strmap *m)
{
  size_t nb = m->nb ? m->nb * 2 : 64, i;
  Tl_strmap_ent **b = calloc(nb, sizeof(*b));
  if(!b)
    return -1;
  for(i = 0; i < m->nb; i++) {
    Tl_strmap_ent *e = m->b[i], *nx;
    for(; e; e = nx) {
      size_t k = fnv(e->key) & (nb - 1);
      nx = e->next;
      e->next = b[k];
      b[k] = e;
    }
  }
  free(m->b);
  m->b = b;
  m->nb = nb;
  return 0;
}

int
Tl_strmap_add(Tl_strmap *m, const char *key, int val)
{
  Tl_strmap_ent *e;
  size_t k;
  if(m->n >= m->nb && grow(m))
    return -1;
  k = fnv(key) & (m->nb - 1);
  for(e = m->b[k]; e; e = e->next)
    if(!strcmp(e->key, key))
      break;
  if(!e) {
    size_t kl = strlen(key);
    if(!(e = calloc(1, sizeof(*e) + kl + 1)))
      return -1;
    memcpy(e->key, key, kl + 1);
    e->next = m->b[k];
    m->b[k] = e;
    m->n++;
  }
  if(e->n == e->cap) {
    int nc = e->cap ? e->cap * 2 : 2;
    int *nv = realloc(e->vals, sizeof(int) * (size_t)nc);
    if(!nv)
      return -1;
    e->vals = nv;
    e->cap = nc;
  }
  e->vals[e->n++] = val;
  return 0;
}

const Tl_strmap_ent *
Tl_strmap_get(const Tl_strmap *m, const char *key)
{
  const Tl_strmap_ent *e;
  if(!m->nb)
    return NULL;
  for(e = m->b[fnv(key) & (m->nb - 1)]; e; e = e->next)
    if(!strcmp(e->key, key))
      return e;
  return NULL;
}

void
Tl_strmap_free(Tl_strmap *m)
{
  size_t i;
  for(i = 0; i < m->nb; i++) {
    Tl_strmap_ent *e = m->b[i], *nx;
    for(; e; e = nx) {
      nx = e->next;
      free(e->vals);
      free(e);
    }
  }
  free(m->b);
  memset(m, 0, sizeof(*m));
}
