/*
** One index of every parser's claims (docs/internals/CLAIMS.md), asked for
** each object of the walk. Names and streams: a hash of the folded name or
** path:stream (a name of a length no claimed name has skips the fold).
** Globs: the literal ending of each glob (what follows its last wildcard,
** folded: ".lnk", "/ntuser.dat") in one trie read from the end of the
** path, and its literal start ("/$recycle.bin/") compared next; only a
** glob whose both ends fit the path is run. A path that no glob can match
** is thus rejected after a byte or two of its end, whatever the number of
** globs, and the globs that are run are run in the registry's order, so
** the first that matches is the one the linear matcher chose.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/pathglob_int.h"
#include "base/strmap_int.h"
#include "walk/claimindex_int.h"

/* Longest literal start and ending kept per glob (longer ones are cut:
** the prefilter then only checks part of them; the glob decides). */
#define LIT_MAX 128

typedef struct gclaim {
  Tl_glob g;
  char suffix[64];          /* the literal end of the pattern, or "" */
  size_t suffix_len;
  char head[LIT_MAX];       /* folded literal start */
  size_t head_len;
  char tail[LIT_MAX];       /* folded literal ending */
  int parser;
} gclaim;

/* A trie node: the folded bytes of glob endings, read from their end. */
typedef struct tnode {
  int child, sib;           /* first child, next sibling; -1 for none */
  unsigned char byte;
  int term;                 /* some glob's ending ends here: bits set */
} tnode;

struct Tl_claimix {
  Tl_strmap keys;           /* "n:" folded name, "s:" folded path:stream */
  /* byte lengths of the claimed names (ASCII ones fold to the same
  ** length): an object name of another length skips the fold and the
  ** hash; names_any: a claimed name is not ASCII, no filter */
  unsigned char name_len[256];
  int names_any;
  gclaim *globs;
  int n_globs;
  int nw;                   /* 64-bit words of a set of globs */
  tnode *nodes;             /* nodes[0]: the root (the empty ending) */
  int n_nodes, cap_nodes;
  uint64_t *bits;           /* nw words per node: the globs ending there */
  int root[256];            /* the root's children by byte */
  uint64_t *cand;           /* nw words of scratch */
  unsigned long runs;
};

static int
add_key(Tl_claimix *x, const char *pre, const char *s, int parser)
{
  char fold[1024], key[1100];
  if(strlen(s) >= sizeof(fold))
    return 0;
  Tl_fold(s, fold, sizeof(fold));
  snprintf(key, sizeof(key), "%s%s", pre, fold);
  return Tl_strmap_add(&x->keys, key, parser);
}

static int
add_glob(Tl_claimix *x, const char *p, int parser)
{
  gclaim *ng = realloc(x->globs, sizeof(*ng) * (size_t)(x->n_globs + 1));
  const char *e;
  size_t l;
  if(!ng)
    return -1;
  x->globs = ng;
  ng = &x->globs[x->n_globs];
  memset(ng, 0, sizeof(*ng));
  if(Tl_glob_check(p))
    return 0;                /* as the linear matcher: not a glob, no claim */
  if(Tl_glob_compile(&ng->g, p, 1))
    return -1;
  ng->parser = parser;
  /* the literal characters after the last wildcard or separator */
  e = p + strlen(p);
  l = 0;
  while(e > p && e[-1] != '*' && e[-1] != '?' && e[-1] != '/' &&
        e[-1] != '\\') {
    e--;
    l++;
  }
  if(e > p && e[-1] != '/' && e[-1] != '\\' && l < sizeof(ng->suffix))
    memcpy(ng->suffix, e, l + 1);
  ng->suffix_len = strlen(ng->suffix);
  Tl_glob_literals(&ng->g, ng->head, sizeof(ng->head), ng->tail,
                   sizeof(ng->tail));
  ng->head_len = strlen(ng->head);
  x->n_globs++;
  return 0;
}

static int
new_node(Tl_claimix *x, unsigned char byte)
{
  tnode *n;
  if(x->n_nodes == x->cap_nodes) {
    int nc = x->cap_nodes ? x->cap_nodes * 2 : 32;
    tnode *nn = realloc(x->nodes, sizeof(*nn) * (size_t)nc);
    uint64_t *nb;
    if(!nn)
      return -1;
    x->nodes = nn;
    if(!(nb = realloc(x->bits, sizeof(*nb) * (size_t)nc * (size_t)x->nw)))
      return -1;
    x->bits = nb;
    x->cap_nodes = nc;
  }
  n = &x->nodes[x->n_nodes];
  n->child = n->sib = -1;
  n->byte = byte;
  n->term = 0;
  memset(x->bits + (size_t)x->n_nodes * (size_t)x->nw, 0,
         sizeof(uint64_t) * (size_t)x->nw);
  return x->n_nodes++;
}

static int
child_of(const Tl_claimix *x, int node, unsigned char b)
{
  int c;
  if(node == 0)
    return x->root[b];
  for(c = x->nodes[node].child; c >= 0; c = x->nodes[c].sib)
    if(x->nodes[c].byte == b)
      return c;
  return -1;
}

/* Glob k's ending into the trie, from its last byte. */
static int
add_tail(Tl_claimix *x, int k)
{
  const char *t = x->globs[k].tail;
  size_t i = strlen(t);
  int node = 0, c;
  while(i > 0) {
    unsigned char b = (unsigned char)t[--i];
    if((c = child_of(x, node, b)) < 0) {
      if((c = new_node(x, b)) < 0)
        return -1;
      if(node == 0)
        x->root[b] = c;
      else {
        x->nodes[c].sib = x->nodes[node].child;
        x->nodes[node].child = c;
      }
    }
    node = c;
  }
  x->nodes[node].term = 1;
  x->bits[(size_t)node * (size_t)x->nw + (size_t)(k / 64)] |=
    UINT64_C(1) << (k % 64);
  return 0;
}

tl_rc
Tl_claimix_new(const Tl_phost *h, Tl_claimix **out)
{
  Tl_claimix *x;
  int i, k, any = 0;
  *out = NULL;
  if(!h)
    return TL_OK;
  for(i = 0; i < h->n_parsers; i++) {
    const struct tl_claim *c = &h->parsers[i].p.claim;
    if((c->names && c->names[0]) || (c->streams && c->streams[0]) ||
       (c->globs && c->globs[0]))
      any = 1;
  }
  if(!any)
    return TL_OK;
  if(!(x = calloc(1, sizeof(*x))))
    return TL_NOMEM;
  for(i = 0; i < h->n_parsers; i++) {
    const struct tl_claim *c = &h->parsers[i].p.claim;
    for(k = 0; c->names && c->names[k]; k++) {
      const unsigned char *u = (const unsigned char *)c->names[k];
      size_t nl = strlen(c->names[k]);
      if(add_key(x, "n:", c->names[k], i))
        goto oom;
      for(; *u && *u < 0x80; u++)
        ;
      if(*u || nl > 255)
        x->names_any = 1;
      else
        x->name_len[nl] = 1;
    }
    for(k = 0; c->streams && c->streams[k]; k++) {
      char norm[1024];
      const char *s = c->streams[k];
      if(Tl_path_normalize(s, norm, sizeof(norm)) >= 0)
        s = norm;
      /* a ':' is kept by the normaliser: "/$Extend/$UsnJrnl:$J" */
      if(add_key(x, "s:", s, i))
        goto oom;
    }
    for(k = 0; c->globs && c->globs[k]; k++)
      if(add_glob(x, c->globs[k], i))
        goto oom;
  }
  x->nw = x->n_globs / 64 + 1;
  memset(x->root, -1, sizeof(x->root));
  if(!(x->cand = calloc((size_t)x->nw, sizeof(uint64_t))) ||
     new_node(x, 0) != 0)
    goto oom;
  for(k = 0; k < x->n_globs; k++)
    if(add_tail(x, k))
      goto oom;
  *out = x;
  return TL_OK;
oom:
  Tl_claimix_free(x);
  return TL_NOMEM;
}

void
Tl_claimix_free(Tl_claimix *x)
{
  int k;
  if(!x)
    return;
  Tl_strmap_free(&x->keys);
  for(k = 0; k < x->n_globs; k++)
    Tl_glob_free(&x->globs[k].g);
  free(x->globs);
  free(x->nodes);
  free(x->bits);
  free(x->cand);
  free(x);
}

/* 1 when s[0..n) is ASCII: 8 bytes at a time. */
static int
ascii(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  uint64_t acc = 0, w;
  size_t i = 0;
  for(; i + 8 <= n; i += 8) {
    memcpy(&w, u + i, 8);
    acc |= w;
  }
  for(; i < n; i++)
    acc |= u[i];
  return !(acc & UINT64_C(0x8080808080808080));
}

/* 1 when the folded path starts with g's literal start. */
static int
head_ok(const gclaim *g, const char *path, size_t len)
{
  const unsigned char *u = (const unsigned char *)path;
  size_t i;
  /* while the path is ASCII its folded bytes are its bytes, lower-cased */
  for(i = 0; i < g->head_len; i++) {
    unsigned c;
    if(i >= len)
      return 0;
    if((c = u[i]) >= 0x80)
      return Tl_fold_starts(path, len, g->head, g->head_len);
    if(c >= 'A' && c <= 'Z')
      c += 32;
    if(c != (unsigned char)g->head[i])
      return 0;
  }
  return 1;
}

static void
or_bits(Tl_claimix *x, int node)
{
  const uint64_t *b = x->bits + (size_t)node * (size_t)x->nw;
  int w;
  for(w = 0; w < x->nw; w++)
    x->cand[w] |= b[w];
}

int
Tl_claimix_match(Tl_claimix *x, const char *path, size_t len,
                 const char *name, int stream)
{
  char fold[1100], key[1200];
  const Tl_strmap_ent *e;
  size_t nl = strlen(name), end;
  int node, w;
  if(nl < 1000 && !stream && (x->names_any || nl > 255 || x->name_len[nl]
                              || !ascii(name, nl))) {
    memcpy(key, "n:", 2);
    Tl_fold(name, key + 2, sizeof(key) - 2);
    if((e = Tl_strmap_get(&x->keys, key)))
      return e->vals[0];
  }
  if(stream) {
    if(len >= 1000)
      return -1;
    memcpy(key, "s:", 2);
    memcpy(fold, path, len);
    fold[len] = 0;
    Tl_fold(fold, key + 2, sizeof(key) - 2);
    return (e = Tl_strmap_get(&x->keys, key)) ? e->vals[0] : -1;
  }
  if(!x->n_globs)
    return -1;
  /* the globs whose literal ending ends the folded path: walk the trie
  ** from the path's last character back while it follows */
  memcpy(x->cand, x->bits, sizeof(uint64_t) * (size_t)x->nw);
  node = 0;
  end = len;
  while(end > 0) {
    char enc[4];
    size_t start, k;
    unsigned char c = (unsigned char)path[end - 1];
    if(c < 0x80) {
      /* ASCII: itself, lower-cased */
      if((node = child_of(x, node, c >= 'A' && c <= 'Z' ? c + 32 : c)) < 0)
        break;
      if(x->nodes[node].term)
        or_bits(x, node);
      end--;
      continue;
    }
    k = Tl_fold_prev(path, end, enc, &start);
    while(k > 0) {
      if((node = child_of(x, node, (unsigned char)enc[--k])) < 0)
        goto walked;
      if(x->nodes[node].term)
        or_bits(x, node);
    }
    end = start;
  }
walked:
  /* in the registry's order: the first that matches is the claim */
  for(w = 0; w < x->nw; w++) {
    while(x->cand[w]) {
      int b = __builtin_ctzll(x->cand[w]);
      gclaim *g = &x->globs[w * 64 + b];
      size_t sl = g->suffix_len;
      x->cand[w] &= x->cand[w] - 1;
      if(!head_ok(g, path, len))
        continue;
      if(sl && (nl < sl || strcasecmp(name + nl - sl, g->suffix)))
        continue;
      x->runs++;
      if(Tl_glob_exec(&g->g, path, len, 1) == 1)
        return g->parser;
    }
  }
  return -1;
}

unsigned long
Tl_claimix_glob_runs(const Tl_claimix *x)
{
  return x ? x->runs : 0;
}
