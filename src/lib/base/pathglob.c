/*
** Path normalisation and glob matching for the target register.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/pathglob_int.h"

/* Resolve "." and ".." components of a normalised path in place: 0 none,
** 1 resolved, -2 ".." above the root, -3 ".." after a wildcard (whose
** parent is not one directory). */
static int
dot_components(char *path)
{
  char *r = path, *w = path;   /* read, write: both at a '/' */
  int did = 0;
  while(*r) {
    char *c = r + 1, *e = strchr(c, '/');
    size_t n = e ? (size_t)(e - c) : strlen(c);
    if(n == 1 && c[0] == '.') {
      did = 1;
    }
    else if(n == 2 && c[0] == '.' && c[1] == '.') {
      char *prev;
      if(w == path)
        return -2;
      prev = w - 1;
      while(*prev != '/')
        prev--;
      if(memchr(prev + 1, '*', (size_t)(w - prev - 1)) ||
         memchr(prev + 1, '?', (size_t)(w - prev - 1)))
        return -3;
      w = prev;
      did = 1;
    }
    else {
      memmove(w, r, n + 1);
      w += n + 1;
    }
    r = c + n;
  }
  if(w == path)
    *w++ = '/';
  *w = '\0';
  return did;
}

int
Tl_path_normalize(const char *in, char *out, size_t cap)
{
  size_t o = 0, n;
  int r, did;
  const char *p = in;
  while(*p == ' ' || *p == '\t')
    p++;
  n = strlen(p);
  while(n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
    n--;
  if(n >= 2 && ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))
     && p[1] == ':') {
    p += 2;
    n -= 2;
  }
  else if(n >= 2 && (p[0] == '\\' || p[0] == '/') &&
          (p[1] == '\\' || p[1] == '/')) {
    /* UNC \\host\share\...: keep the share and what follows */
    size_t i = 2;
    while(i < n && p[i] != '\\' && p[i] != '/')
      i++;
    p += i;
    n -= i;
  }
  if(cap < 2)
    return -1;
  out[o++] = '/';
  for(; n; p++, n--) {
    char ch = *p == '\\' ? '/' : *p;
    if(ch == '/' && out[o - 1] == '/')
      continue;
    if(o + 1 >= cap)
      return -1;
    out[o++] = ch;
  }
  out[o] = '\0';
  /* Blanks and separators at the end are dropped, also when they come to
  ** the end as "." and ".." are resolved (and a component that becomes
  ** "." so is resolved in turn): a normalised path normalises to itself. */
  for(did = 0;; did = 1) {
    while(o > 1 && (out[o - 1] == ' ' || out[o - 1] == '\t' ||
                    out[o - 1] == '\r' || out[o - 1] == '/'))
      out[--o] = '\0';
    if((r = dot_components(out)) <= 0)
      break;
    o = strlen(out);
  }
  return r < 0 ? r : did;
}

int
Tl_is_glob(const char *s)
{
  return strpbrk(s, "*?") != NULL;
}

const char *
Tl_glob_check(const char *pat)
{
  const char *p;
  for(p = pat; *p; p++) {
    if(p[0] == '*' && p[1] == '*') {
      if(p[2] == '*')
        return "'***' is not a glob; use '*' or '**'";
      if((p != pat && p[-1] != '/') || (p[2] && p[2] != '/'))
        return "'**' must be a whole path component, as in /a/**/b";
      p++;
    }
  }
  return NULL;
}

/* ---- code points ---------------------------------------------------- */

/* Decode one character at s (len bytes left) into *cp; returns its length.
** A byte that is not valid UTF-8 stands for itself as 0x110000 + byte (it
** never equals a real character). */
static size_t
next_cp(const unsigned char *s, size_t len, uint32_t *cp)
{
  unsigned c = s[0];
  size_t need, k;
  uint32_t v;
  if(c < 0x80) {
    *cp = c;
    return 1;
  }
  need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
         (c & 0xf8) == 0xf0 ? 4 : 0;
  v = need == 2 ? (c & 0x1fu) : need == 3 ? (c & 0x0fu) : (c & 0x07u);
  if(!need || need > len)
    goto raw;
  for(k = 1; k < need; k++) {
    if((s[k] & 0xc0) != 0x80)
      goto raw;
    v = (v << 6) | (s[k] & 0x3fu);
  }
  if((need == 2 && v < 0x80) || (need == 3 && v < 0x800) ||
     (need == 4 && (v < 0x10000 || v > 0x10ffff)) ||
     (v >= 0xd800 && v <= 0xdfff))
    goto raw;
  *cp = v;
  return need;
raw:
  *cp = 0x110000u + c;
  return 1;
}

static size_t
put_cp(uint32_t cp, char *out)
{
  if(cp >= 0x110000u) {
    out[0] = (char)(cp - 0x110000u);
    return 1;
  }
  if(cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if(cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if(cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

uint32_t
Tl_cp_fold(uint32_t c)
{
  /* Unicode simple case folding (CaseFolding.txt, status C and S) for
  ** Basic Latin, Latin-1, Latin Extended-A, Greek, Cyrillic and the
  ** full-width Latin letters: what case-blind file systems fold. */
  if(c < 0x80)
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  if(c == 0xb5)
    return 0x3bc;                              /* micro sign -> mu */
  if(c >= 0xc0 && c <= 0xde && c != 0xd7)
    return c + 32;
  if(c >= 0x100 && c <= 0x17f) {
    if(c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149)
      return c;                                /* no simple folding */
    if(c == 0x178)
      return 0xff;
    if(c == 0x17f)
      return 's';                              /* long s */
    if((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
      return (c & 1) ? c + 1 : c;
    return (c & 1) ? c : c + 1;
  }
  if(c >= 0x370 && c <= 0x3ff) {
    if(c >= 0x391 && c <= 0x3ab && c != 0x3a2)
      return c + 32;
    if(c == 0x386)
      return 0x3ac;
    if(c >= 0x388 && c <= 0x38a)
      return c + 37;
    if(c == 0x38c)
      return 0x3cc;
    if(c == 0x38e || c == 0x38f)
      return c + 63;
    if(c == 0x3c2)
      return 0x3c3;                            /* final sigma */
    return c;
  }
  if(c >= 0x400 && c <= 0x40f)
    return c + 80;
  if(c >= 0x410 && c <= 0x42f)
    return c + 32;
  if(c == 0x1e9e)
    return 0xdf;                               /* capital sharp s */
  if(c >= 0xff21 && c <= 0xff3a)
    return c + 32;
  return c;
}

char *
Tl_fold(const char *in, char *out, size_t cap)
{
  const unsigned char *p = (const unsigned char *)in;
  size_t len = strlen(in), i = 0, o = 0, n, k;
  char enc[4];
  if(!cap)
    return out;
  while(i < len) {
    uint32_t cp;
    n = next_cp(p + i, len - i, &cp);
    k = put_cp(Tl_cp_fold(cp), enc);
    if(o + k >= cap)
      break;
    memcpy(out + o, enc, k);
    o += k;
    i += n;
  }
  out[o] = '\0';
  return out;
}

/* ---- globs ------------------------------------------------------------- */

/* Pattern tokens above the code point range (which ends at 0x110000+255). */
enum {
  G_ANY1 = 0x200000,  /* '?': one character but '/' */
  G_STAR,             /* '*': any run without '/' */
  G_DSTAR,            /* "**" inside a component: any run, '/' included */
  G_DSEP,             /* "**" then "/": nothing, or any run ending in '/' */
  G_DSEP_IN,          /* (follows G_DSEP) inside that run */
  G_TAIL,             /* "/" "**" at the end: the end, or '/' and anything */
  G_ALL               /* what follows G_TAIL's '/': anything */
};

int
Tl_glob_compile(Tl_glob *g, const char *pat, int any_depth)
{
  const unsigned char *p = (const unsigned char *)pat;
  size_t len = strlen(pat), i = 0, n = 0;
  memset(g, 0, sizeof(*g));
  if(!(g->tok = malloc((len + 4) * sizeof(uint32_t))))  /* n <= len + 2 */
    return -1;
  /* a relative pattern matches at any depth, as if it began with "**" "/"
  ** (gitignore) */
  if(any_depth && p[0] != '/' && p[0] != '\\') {
    g->tok[n++] = G_DSEP;
    g->tok[n++] = G_DSEP_IN;
  }
  while(i < len) {
    uint32_t cp;
    if(p[i] == '*' && p[i + 1] == '*') {
      int start = i == 0 || p[i - 1] == '/' || p[i - 1] == '\\';
      size_t j = i;
      while(p[j] == '*')
        j++;
      if(start && (p[j] == '/' || p[j] == '\\')) {
        g->tok[n++] = G_DSEP;
        g->tok[n++] = G_DSEP_IN;
        i = j + 1;
      }
      else if(start && !p[j] && i > 0) {
        /* "/" "**" at the end: replace the '/' token just written */
        g->tok[n - 1] = G_TAIL;
        g->tok[n++] = G_ALL;
        i = j;
      }
      else {
        g->tok[n++] = G_DSTAR;
        i = j;
      }
      continue;
    }
    if(p[i] == '*') {
      if(!n || g->tok[n - 1] != G_STAR)
        g->tok[n++] = G_STAR;
      i++;
      continue;
    }
    if(p[i] == '?') {
      g->tok[n++] = G_ANY1;
      i++;
      continue;
    }
    i += next_cp(p + i, len - i, &cp);
    g->tok[n++] = cp == '\\' ? '/' : cp;
  }
  g->n = n;
  if(!(g->cur = malloc(2 * (n + 1)))) {
    Tl_glob_free(g);
    return -1;
  }
  g->next = g->cur + n + 1;
  return 0;
}

void
Tl_glob_free(Tl_glob *g)
{
  free(g->tok);
  free(g->cur);
  memset(g, 0, sizeof(*g));
}

/* Add state i and what it reaches without reading a character. */
static void
add_state(const Tl_glob *g, unsigned char *set, size_t i)
{
  while(i <= g->n && !set[i]) {
    set[i] = 1;
    if(i == g->n)
      return;
    switch(g->tok[i]) {
    case G_STAR: case G_DSTAR: case G_ALL:
      i++;      /* may match nothing */
      break;
    case G_DSEP:
      i += 2;   /* may match nothing: skip G_DSEP_IN too */
      break;
    default:
      return;
    }
  }
}

int
Tl_glob_exec(Tl_glob *g, const char *text, size_t len, int fold)
{
  /* A set of pattern positions advanced one character at a time (an NFA
  ** simulation): O(len x pattern) whatever the number of stars. */
  const unsigned char *p = (const unsigned char *)text;
  unsigned char *cur = g->cur, *nx = g->next, *t;
  size_t i = 0, k, n;
  memset(cur, 0, g->n + 1);
  add_state(g, cur, 0);
  while(i < len) {
    uint32_t c, fc;
    n = next_cp(p + i, len - i, &c);
    i += n;
    fc = fold ? Tl_cp_fold(c) : c;
    memset(nx, 0, g->n + 1);
    for(k = 0; k < g->n; k++) {
      uint32_t tk;
      if(!cur[k])
        continue;
      tk = g->tok[k];
      switch(tk) {
      case G_ANY1:
        if(c != '/')
          add_state(g, nx, k + 1);
        break;
      case G_STAR:
        if(c != '/')
          add_state(g, nx, k);
        break;
      case G_DSTAR: case G_ALL:
        add_state(g, nx, k);
        break;
      case G_DSEP:
        add_state(g, nx, k + 1);
        if(c == '/')
          add_state(g, nx, k + 2);
        break;
      case G_DSEP_IN:
        add_state(g, nx, k);
        if(c == '/')
          add_state(g, nx, k + 1);
        break;
      case G_TAIL:
        if(c == '/')
          add_state(g, nx, k + 1);
        break;
      default:
        if(tk == c || (fold && Tl_cp_fold(tk) == fc))
          add_state(g, nx, k + 1);
      }
    }
    t = cur;
    cur = nx;
    nx = t;
    if(!memchr(cur, 1, g->n + 1))
      return 0;   /* no live state: no match possible */
  }
  return cur[g->n] || (g->n && cur[g->n - 1] && g->tok[g->n - 1] == G_ALL) ||
         (g->n >= 2 && cur[g->n - 2] && g->tok[g->n - 2] == G_TAIL);
}

/* Fold and encode the literal tokens tok[a..b) into out (cap bytes, cap
** >= 1); from the front (from_end 0) or keeping the last ones. */
static void
put_literals(const uint32_t *tok, size_t a, size_t b, char *out, size_t cap,
             int from_end)
{
  char enc[4];
  size_t i, k, o = 0;
  if(!cap)
    return;
  if(from_end) {
    /* how many of the last tokens fit */
    size_t need = 0;
    for(i = b; i > a; i--) {
      k = put_cp(Tl_cp_fold(tok[i - 1]), enc);
      if(need + k >= cap)
        break;
      need += k;
    }
    a = i;
  }
  for(i = a; i < b; i++) {
    k = put_cp(Tl_cp_fold(tok[i]), enc);
    if(o + k >= cap)
      break;
    memcpy(out + o, enc, k);
    o += k;
  }
  out[o] = '\0';
}

void
Tl_glob_literals(const Tl_glob *g, char *head, size_t hcap, char *tail,
                 size_t tcap)
{
  size_t h = 0, t = g->n;
  /* tokens below G_ANY1 are code points (also an invalid byte's) */
  while(h < g->n && g->tok[h] < G_ANY1)
    h++;
  while(t > 0 && g->tok[t - 1] < G_ANY1)
    t--;
  put_literals(g->tok, 0, h, head, hcap, 0);
  put_literals(g->tok, t, g->n, tail, tcap, 1);
}

size_t
Tl_fold_prev(const char *text, size_t end, char out[4], size_t *start)
{
  /* Decoding is local: a byte that is not a continuation byte (10xxxxxx)
  ** always begins a character in a decoding from the start, and a
  ** sequence is at most 4 bytes. So the last character is the valid
  ** sequence from the nearest such byte when it ends exactly at end, else
  ** the last byte alone (an invalid byte). */
  const unsigned char *p = (const unsigned char *)text;
  uint32_t cp;
  size_t s = end - 1, k;
  if(p[s] < 0x80) {
    *start = s;
    out[0] = (char)(p[s] >= 'A' && p[s] <= 'Z' ? p[s] + 32 : p[s]);
    return 1;
  }
  for(k = 0; k < 4 && (p[s] & 0xc0) == 0x80 && s > 0; k++)
    s--;
  if((p[s] & 0xc0) != 0x80 && next_cp(p + s, end - s, &cp) == end - s) {
    *start = s;
    return put_cp(Tl_cp_fold(cp), out);
  }
  *start = end - 1;
  out[0] = (char)p[end - 1];
  return 1;
}

int
Tl_fold_starts(const char *text, size_t len, const char *pre, size_t pl)
{
  const unsigned char *p = (const unsigned char *)text;
  size_t i = 0, o = 0, n, k;
  char enc[4];
  while(o < pl) {
    uint32_t cp;
    if(i >= len)
      return 0;
    if(p[i] < 0x80) {
      unsigned char c = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i];
      if((unsigned char)pre[o] != c)
        return 0;
      i++;
      o++;
      continue;
    }
    n = next_cp(p + i, len - i, &cp);
    k = put_cp(Tl_cp_fold(cp), enc);
    if(k > pl - o)
      k = pl - o;
    if(memcmp(pre + o, enc, k))
      return 0;
    i += n;
    o += k;
  }
  return 1;
}

int
Tl_glob_match(const char *pat, const char *text, int fold)
{
  Tl_glob g;
  int r;
  if(Tl_glob_compile(&g, pat, 0))
    return -1;
  r = Tl_glob_exec(&g, text, strlen(text), fold);
  Tl_glob_free(&g);
  return r;
}

int
Tl_fs_case_blind(const char *t)
{
  /* TSK's names (tsk_fs_type_toname) of the file systems that compare
  ** names without regard to case as formatted by default. HFS+ and APFS
  ** can be formatted case-sensitive (HFSX, APFS case-sensitive); TSK does
  ** not tell those apart here. */
  static const char *const blind[] = {
    "ntfs", "fat", "fat12", "fat16", "fat32", "exfat", "hfs", "hfs+",
    "apfs", "iso9660"
  };
  size_t i;
  for(i = 0; t && i < sizeof(blind) / sizeof(blind[0]); i++)
    if(!strcasecmp(t, blind[i]))
      return 1;
  return 0;
}

int
Tl_path_under(const char *path, const char *prefix, int fold)
{
  const unsigned char *a = (const unsigned char *)path;
  const unsigned char *b = (const unsigned char *)prefix;
  size_t la = strlen(path), lb = strlen(prefix), i = 0, j = 0;
  if(lb == 1 && b[0] == '/')
    return a[0] == '/';
  while(j < lb) {
    uint32_t ca, cb;
    if(i >= la)
      return 0;
    i += next_cp(a + i, la - i, &ca);
    j += next_cp(b + j, lb - j, &cb);
    if(ca != cb && (!fold || Tl_cp_fold(ca) != Tl_cp_fold(cb)))
      return 0;
  }
  return a[i] == '\0' || a[i] == '/';
}
