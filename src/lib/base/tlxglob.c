/*
** Path globs of the timeline (--path, tl_filter.path_glob), matched on
** code points so that "?" is one character and case folding works beyond
** ASCII (when LC_CTYPE is a UTF-8 locale: towlower()). Moved from
** src/tool/timeline_match.c as it was.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "base/tlx_int.h"

/* Decode UTF-8; an invalid byte stands for itself (never matches a
** multi-byte character by accident). */
static size_t
decode(const char *s, size_t len, uint32_t *out)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n = 0;
  while(i < len) {
    unsigned c = p[i];
    size_t k, need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
                     (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    uint32_t cp = need == 1 ? c : need == 2 ? (c & 0x1f) :
                  need == 3 ? (c & 0x0f) : (c & 0x07);
    if(need == 0 || i + need > len)
      need = 0;
    for(k = 1; k < need; k++) {
      if((p[i + k] & 0xc0) != 0x80) {
        need = 0;
        break;
      }
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if(!need) {
      out[n++] = 0x110000u + c;  /* outside Unicode: a raw byte */
      i++;
      continue;
    }
    out[n++] = cp;
    i += need;
  }
  return n;
}

int
Tl_tlx_glob_compile(struct tlx_glob *g, const char *pattern)
{
  size_t len = strlen(pattern), i, n;
  int rooted = pattern[0] == '/' || pattern[0] == '\\';
  memset(g, 0, sizeof(*g));
  /* a relative pattern matches at any depth, as if it began with the
  ** "**\/" of gitignore */
  if(!(g->pat = malloc((len + 4) * sizeof(uint32_t))))
    return -1;
  n = 0;
  if(!rooted) {
    g->pat[n++] = '/';
    g->pat[n++] = '*';
    g->pat[n++] = '*';
    g->pat[n++] = '/';
  }
  n += decode(pattern, len, g->pat + n);
  for(i = 0; i < n; i++)
    if(g->pat[i] == '\\')
      g->pat[i] = '/';
  g->n = n;
  return 0;
}

static uint32_t
fold_cp(uint32_t c)
{
  if(c < 0x80)
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if(c >= 0x110000u)
    return c;
  return (uint32_t)towlower((wint_t)c);
}

static int
match(const uint32_t *p, size_t pn, const uint32_t *s, size_t sn, int fold)
{
  size_t i;
  while(pn) {
    if(p[0] == '*' && pn > 1 && p[1] == '*') {
      if(pn > 2 && p[2] == '/') {
        /* "**\/": zero or more whole components */
        if(match(p + 3, pn - 3, s, sn, fold))
          return 1;
        for(i = 0; i < sn; i++)
          if(s[i] == '/' && match(p + 3, pn - 3, s + i + 1, sn - i - 1,
                                  fold))
            return 1;
        return 0;
      }
      for(i = 0; i <= sn; i++)
        if(match(p + 2, pn - 2, s + i, sn - i, fold))
          return 1;
      return 0;
    }
    if(p[0] == '*') {
      for(i = 0; i <= sn; i++) {
        if(match(p + 1, pn - 1, s + i, sn - i, fold))
          return 1;
        if(i < sn && s[i] == '/')
          break;
      }
      return 0;
    }
    if(!sn)
      return 0;
    if(p[0] == '?') {
      if(s[0] == '/')
        return 0;
    }
    else if(p[0] != s[0] && (!fold || fold_cp(p[0]) != fold_cp(s[0])))
      return 0;
    p++;
    pn--;
    s++;
    sn--;
  }
  return sn == 0;
}

int
Tl_tlx_glob_match(struct tlx_glob *g, const char *path, size_t len, int fold)
{
  size_t n;
  if(len + 1 > g->s_cap) {
    uint32_t *ns = realloc(g->s, (len + 1) * sizeof(uint32_t));
    if(!ns)
      return 0;
    g->s = ns;
    g->s_cap = len + 1;
  }
  n = decode(path, len, g->s);
  return match(g->pat, g->n, g->s, n, fold);
}

void
Tl_tlx_glob_free(struct tlx_glob *g)
{
  free(g->pat);
  free(g->s);
  memset(g, 0, sizeof(*g));
}
