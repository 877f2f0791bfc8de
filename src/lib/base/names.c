/*
** UTF-8 validation and reversible escaping of file names.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/names_int.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
  unsigned c = s[0];
  size_t n, i;
  uint32_t cp;
  if(c < 0x80)
    return 1;
  if(c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
  }
  else if(c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
  }
  else if(c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
  }
  else
    return 0;
  if(len < n)
    return 0;
  for(i = 1; i < n; i++) {
    if((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  if(cp >= 0xd800 && cp <= 0xdfff)
    return 0;
  return n;
}

int
Tl_utf8_valid(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n;
  while(i < len) {
    if(p[i] < 0x80) {
      /* ASCII runs 8 bytes at a time (names and paths are mostly
      ** ASCII): a byte of 0x80 or more stops the fast path */
      uint64_t v;
      i++;
      while(i + 8 <= len) {
        memcpy(&v, p + i, 8);
        if(v & UINT64_C(0x8080808080808080))
          break;
        i += 8;
      }
      continue;
    }
    n = utf8_seq(p + i, len - i);
    if(!n)
      return 0;
    i += n;
  }
  return 1;
}

size_t
Tl_utf8_escape(const char *s, size_t len, char *out, size_t cap)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, n, k;
  while(i < len) {
    n = utf8_seq(p + i, len - i);
    if(n) {
      for(k = 0; k < n; k++, o++)
        if(o + 1 < cap)
          out[o] = (char)p[i + k];
      i += n;
    }
    else {
      if(o + 4 < cap) {
        out[o] = '\\';
        out[o + 1] = 'x';
        out[o + 2] = hex[p[i] >> 4];
        out[o + 3] = hex[p[i] & 15];
      }
      o += 4;
      i++;
    }
  }
  if(cap)
    out[o < cap ? o : cap - 1] = '\0';
  return o;
}

static size_t
put_utf8(uint32_t cp, char *out, size_t o, size_t cap)
{
  unsigned char b[4];
  size_t n, i;
  if(cp < 0x80) {
    b[0] = (unsigned char)cp;
    n = 1;
  }
  else if(cp < 0x800) {
    b[0] = (unsigned char)(0xc0 | (cp >> 6));
    b[1] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 2;
  }
  else if(cp < 0x10000) {
    b[0] = (unsigned char)(0xe0 | (cp >> 12));
    b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 3;
  }
  else {
    b[0] = (unsigned char)(0xf0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (unsigned char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  for(i = 0; i < n; i++)
    if(o + i + 1 < cap)
      out[o + i] = (char)b[i];
  return o + n;
}

size_t
Tl_utf16le_to_utf8(const unsigned char *p, size_t n_units, char *out,
                   size_t cap)
{
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, o = 0;
  while(i < n_units) {
    uint32_t u;
    /* a run of U+0001..U+007F, one byte each (what put_utf8 writes for
    ** them) while they fit: 4 units at a time, then one by one */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while(i + 4 <= n_units && o + 4 < cap) {
      uint64_t v;
      memcpy(&v, p + 2 * i, 8);
      /* each unit below 0x80, and none 0 */
      if((v & UINT64_C(0xff80ff80ff80ff80)) ||
         ((v - UINT64_C(0x0001000100010001)) & ~v &
          UINT64_C(0x8000800080008000)))
        break;
      out[o] = (char)p[2 * i];
      out[o + 1] = (char)p[2 * i + 2];
      out[o + 2] = (char)p[2 * i + 4];
      out[o + 3] = (char)p[2 * i + 6];
      o += 4;
      i += 4;
    }
#endif
    while(i < n_units && !p[2 * i + 1] && p[2 * i] - 1u < 0x7f &&
          o + 1 < cap)
      out[o++] = (char)p[2 * i++];
    if(i == n_units)
      break;
    u = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
    i++;
    if(u - 1 < 0x7f) {
      /* the same past cap: counted, not written */
      if(o + 1 < cap)
        out[o] = (char)u;
      o++;
      continue;
    }
    if(u >= 0xd800 && u <= 0xdbff && i < n_units) {
      uint32_t l = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
      if(l >= 0xdc00 && l <= 0xdfff) {
        i++;
        o = put_utf8(0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00), out, o,
                     cap);
        continue;
      }
    }
    /* an unpaired surrogate, and U+0000 (which would end the text and
    ** cut the rest of the name off), as "\uXXXX" */
    if((u >= 0xd800 && u <= 0xdfff) || u == 0) {
      char esc[6] = {'\\', 'u', hex[u >> 12], hex[(u >> 8) & 15],
                     hex[(u >> 4) & 15], hex[u & 15]};
      size_t k;
      for(k = 0; k < 6; k++, o++)
        if(o + 1 < cap)
          out[o] = esc[k];
      continue;
    }
    o = put_utf8(u, out, o, cap);
  }
  if(cap)
    out[o < cap ? o : cap - 1] = '\0';
  return o;
}

int
tl_utf8_valid(const char *s)
{
  return s && Tl_utf8_valid(s, strlen(s));
}

/* The code point of the valid sequence of n bytes at p. */
static uint32_t
utf8_cp(const unsigned char *p, size_t n)
{
  uint32_t cp = n == 1 ? p[0] : n == 2 ? (p[0] & 0x1fu) :
                n == 3 ? (p[0] & 0x0fu) : (p[0] & 0x07u);
  size_t i;
  for(i = 1; i < n; i++)
    cp = (cp << 6) | (p[i] & 0x3fu);
  return cp;
}

int
Tl_cp_invisible(uint32_t cp)
{
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
         cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
Tl_visible_escape(const char *s, size_t len, char *out, size_t cap)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, n, k;
  char e[8];
  while(i < len) {
    uint32_t cp;
    size_t el = 0;
    n = utf8_seq(p + i, len - i);
    cp = n ? utf8_cp(p + i, n) : 0;
    if(!n || cp < 0x20 || cp == 0x7f) {
      /* a C0 control, DEL or a byte that is not UTF-8: \xHH */
      e[0] = '\\';
      e[1] = 'x';
      e[2] = hex[p[i] >> 4];
      e[3] = hex[p[i] & 15];
      el = 4;
      n = 1;
    }
    else if(Tl_cp_invisible(cp)) {
      /* C1 controls, bidi controls, line and paragraph separators */
      e[0] = '\\';
      e[1] = 'u';
      e[2] = hex[(cp >> 12) & 15];
      e[3] = hex[(cp >> 8) & 15];
      e[4] = hex[(cp >> 4) & 15];
      e[5] = hex[cp & 15];
      el = 6;
    }
    if(el) {
      for(k = 0; k < el; k++, o++)
        if(o + 1 < cap)
          out[o] = e[k];
    }
    else {
      for(k = 0; k < n; k++, o++)
        if(o + 1 < cap)
          out[o] = (char)p[i + k];
    }
    i += n;
  }
  if(cap)
    out[o < cap ? o : cap - 1] = '\0';
  return o;
}

const char *
Tl_visible(const char *s, char **tofree)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len, i, n;
  *tofree = NULL;
  if(!s)
    return NULL;
  len = strlen(s);
  /* the common case: printable ASCII, or UTF-8 without controls */
  for(i = 0; i < len; i += n) {
    if(p[i] >= 0x20 && p[i] < 0x7f) {
      n = 1;
      continue;
    }
    n = utf8_seq(p + i, len - i);
    if(!n || Tl_cp_invisible(utf8_cp(p + i, n)))
      break;
  }
  if(i == len)
    return s;
  n = Tl_visible_escape(s, len, NULL, 0);
  if(!(*tofree = malloc(n + 1)))
    return "(out of memory)";
  Tl_visible_escape(s, len, *tofree, n + 1);
  return *tofree;
}
