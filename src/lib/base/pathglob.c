/*
** Path normalisation and glob matching for the target register.
*/
#include "config.h"

#include <string.h>

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
  if(o > 1 && out[o - 1] == '/')
    o--;
  out[o] = '\0';
  return dot_components(out);
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

int
Tl_glob_match(const char *pat, const char *text)
{
  /* Iterative matcher with one backtrack point per star kind. */
  const char *sp = NULL, *st = NULL;   /* last '*': pattern, text */
  const char *dp = NULL, *dt = NULL;   /* last '**' */
  while(*text) {
    if(pat[0] == '*' && pat[1] == '*') {
      /* "**" then "/" or end: any run of components, including none */
      pat += 2;
      if(!*pat)
        return 1;  /* trailing "**": everything below */
      if(*pat == '/')
        pat++;
      dp = pat;
      dt = text;
      sp = NULL;
      continue;
    }
    if(*pat == '*') {
      sp = ++pat;
      st = text;
      continue;
    }
    if((*pat == '?' && *text != '/') || (*pat && *pat == *text)) {
      pat++;
      text++;
      continue;
    }
    if(sp && *st != '/') {
      pat = sp;
      text = ++st;
      continue;
    }
    if(dp) {
      /* let "**" swallow one more component */
      while(*dt && *dt != '/')
        dt++;
      if(!*dt)
        return 0;
      text = ++dt;
      pat = dp;
      sp = NULL;
      continue;
    }
    return 0;
  }
  while(*pat == '*')
    pat++;
  if(*pat == '/' && pat[1] == '*' && pat[2] == '*' && !pat[3])
    return 1;
  return *pat == '\0';
}

char *
Tl_fold(const char *in, char *out, size_t cap)
{
  size_t i;
  for(i = 0; in[i] && i + 1 < cap; i++)
    out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] + 32) : in[i];
  if(cap)
    out[i < cap ? i : cap - 1] = '\0';
  return out;
}
