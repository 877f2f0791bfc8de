/*
** The strict JSON reader of plugins/m365 (json.h). Written here rather
** than taken from a library: touchline's core links no JSON library, a
** plugin may use only libc and <touchline/plugin.h>, and an AuditData
** cell needs only one flat object with its nested values checked and
** skipped. Recursive descent, bounded depth, no allocation.
*/
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

typedef struct jp {
  const unsigned char *s;
  size_t len, i;
  char *arena;
  size_t cap, used;
  const char *why;
  size_t at;
} jp;

static int
fail(jp *p, const char *why)
{
  if(!p->why) {
    p->why = why;
    p->at = p->i;
  }
  return -1;
}

static void
ws(jp *p)
{
  while(p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                          p->s[p->i] == '\n' || p->s[p->i] == '\r'))
    p->i++;
}

/* Room for n more bytes in the arena (out NULL: nothing is stored). */
static int
put(jp *p, char **out, const void *b, size_t n)
{
  if(!*out)
    return 0;
  if(p->used + n > p->cap)
    return fail(p, "value larger than the reader's buffer");
  memcpy(p->arena + p->used, b, n);
  p->used += n;
  return 0;
}

static int
hex4(jp *p, uint32_t *v)
{
  size_t k;
  *v = 0;
  if(p->len - p->i < 4)
    return fail(p, "\\u escape cut short");
  for(k = 0; k < 4; k++) {
    unsigned c = p->s[p->i + k];
    *v <<= 4;
    if(c >= '0' && c <= '9')
      *v |= c - '0';
    else if(c >= 'a' && c <= 'f')
      *v |= c - 'a' + 10;
    else if(c >= 'A' && c <= 'F')
      *v |= c - 'A' + 10;
    else
      return fail(p, "\\u escape without four hexadecimal digits");
  }
  p->i += 4;
  return 0;
}

static int
put_cp(jp *p, char **out, uint32_t c)
{
  unsigned char b[4];
  size_t n;
  if(c < 0x80) {
    b[0] = (unsigned char)c;
    n = 1;
  } else if(c < 0x800) {
    b[0] = (unsigned char)(0xc0 | c >> 6);
    b[1] = (unsigned char)(0x80 | (c & 0x3f));
    n = 2;
  } else if(c < 0x10000) {
    b[0] = (unsigned char)(0xe0 | c >> 12);
    b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
    b[2] = (unsigned char)(0x80 | (c & 0x3f));
    n = 3;
  } else {
    b[0] = (unsigned char)(0xf0 | c >> 18);
    b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
    b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
    b[3] = (unsigned char)(0x80 | (c & 0x3f));
    n = 4;
  }
  return put(p, out, b, n);
}

/* The length of a well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  if(c >= 0xc2 && c <= 0xdf)
    return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
  if(c >= 0xe0 && c <= 0xef) {
    if(n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
      return 0;
    if((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
      return 0;                 /* overlong, or a surrogate */
    return 3;
  }
  if(c >= 0xf0 && c <= 0xf4) {
    if(n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
       (s[3] & 0xc0) != 0x80)
      return 0;
    if((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
      return 0;                 /* overlong, or above U+10FFFF */
    return 4;
  }
  return 0;
}

/* A string at p->i (the opening quote). out: where the decoded text
** starts in the arena, or NULL to check only. */
static int
string(jp *p, char **out)
{
  char *start = out ? p->arena + p->used : NULL;
  char *o = start;    /* NULL: check only, store nothing */
  char **w = &o;
  p->i++;
  for(;;) {
    unsigned c;
    size_t run = p->i;
    while(run < p->len && p->s[run] >= 0x20 && p->s[run] < 0x80 &&
          p->s[run] != '"' && p->s[run] != '\\')
      run++;
    if(run > p->i) {
      if(put(p, w, p->s + p->i, run - p->i))
        return -1;
      p->i = run;
    }
    if(p->i >= p->len)
      return fail(p, "string without its closing quote");
    c = p->s[p->i];
    if(c == '"') {
      p->i++;
      if(put(p, w, "", 1))
        return -1;
      if(out)
        *out = start;
      return 0;
    }
    if(c < 0x20)
      return fail(p, "a control character inside a string (escape it)");
    if(c >= 0x80) {
      size_t n = utf8_len(p->s + p->i, p->len - p->i);
      if(!n)
        return fail(p, "bytes that are not UTF-8 inside a string");
      if(put(p, w, p->s + p->i, n))
        return -1;
      p->i += n;
      continue;
    }
    /* a backslash */
    if(++p->i >= p->len)
      return fail(p, "string without its closing quote");
    c = p->s[p->i++];
    switch(c) {
    case '"': case '\\': case '/':
      if(put(p, w, p->s + p->i - 1, 1))
        return -1;
      break;
    case 'b': if(put(p, w, "\b", 1)) return -1; break;
    case 'f': if(put(p, w, "\f", 1)) return -1; break;
    case 'n': if(put(p, w, "\n", 1)) return -1; break;
    case 'r': if(put(p, w, "\r", 1)) return -1; break;
    case 't': if(put(p, w, "\t", 1)) return -1; break;
    case 'u': {
      uint32_t v, lo;
      if(hex4(p, &v))
        return -1;
      if(v >= 0xdc00 && v < 0xe000)
        return fail(p, "a \\u escape of a low surrogate without its high "
                    "one");
      if(v >= 0xd800 && v < 0xdc00) {
        if(p->len - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
          return fail(p, "a \\u escape of a high surrogate without its "
                      "low one");
        p->i += 2;
        if(hex4(p, &lo))
          return -1;
        if(lo < 0xdc00 || lo >= 0xe000)
          return fail(p, "a \\u escape of a high surrogate without its "
                      "low one");
        v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
      }
      if(!v)
        return fail(p, "\\u0000 (a NUL) inside a string");
      if(put_cp(p, w, v))
        return -1;
      break;
    }
    default:
      p->i--;
      return fail(p, "an unknown escape in a string");
    }
  }
}

static int
number(jp *p)
{
  size_t st = p->i;
  if(p->i < p->len && p->s[p->i] == '-')
    p->i++;
  if(p->i >= p->len || p->s[p->i] < '0' || p->s[p->i] > '9')
    return fail(p, "a number without digits");
  if(p->s[p->i] == '0') {
    p->i++;
    if(p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
      return fail(p, "a number with a leading zero");
  } else
    while(p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
      p->i++;
  if(p->i < p->len && p->s[p->i] == '.') {
    p->i++;
    if(p->i >= p->len || p->s[p->i] < '0' || p->s[p->i] > '9')
      return fail(p, "a number without digits after its point");
    while(p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
      p->i++;
  }
  if(p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if(p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-'))
      p->i++;
    if(p->i >= p->len || p->s[p->i] < '0' || p->s[p->i] > '9')
      return fail(p, "a number without digits in its exponent");
    while(p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
      p->i++;
  }
  if(p->i - st > 64) {
    p->i = st;
    return fail(p, "a number of more than 64 characters");
  }
  return 0;
}

static int
literal(jp *p, const char *w)
{
  size_t n = strlen(w);
  if(p->len - p->i < n || memcmp(p->s + p->i, w, n))
    return fail(p, "an unexpected character (not a JSON value)");
  p->i += n;
  return 0;
}

static int value(jp *p, int depth, int *type, char **out);

/* An object or array at p->i; top: the members are kept (depth 0). */
static int
container(jp *p, int depth, struct tlp_jmember *m, size_t max, size_t *n)
{
  int obj = p->s[p->i] == '{';
  unsigned char close = obj ? '}' : ']';
  if(depth >= TLP_JSON_MAX_DEPTH)
    return fail(p, "nested more than 64 deep");
  p->i++;
  ws(p);
  if(p->i < p->len && p->s[p->i] == close) {
    p->i++;
    return 0;
  }
  for(;;) {
    char *key = NULL, *val = NULL;
    int type;
    if(obj) {
      if(p->i >= p->len || p->s[p->i] != '"')
        return fail(p, p->i < p->len && p->s[p->i] == close ?
                    "a trailing comma" : "an object key that is not a "
                    "string");
      if(string(p, m ? &key : NULL))
        return -1;
      ws(p);
      if(p->i >= p->len || p->s[p->i] != ':')
        return fail(p, "no ':' after an object key");
      p->i++;
      ws(p);
    }
    if(value(p, depth + 1, &type, m ? &val : NULL))
      return -1;
    if(m) {
      size_t k;
      for(k = 0; k < *n; k++)
        if(!strcmp(m[k].key, key)) {
          return fail(p, "a key given twice in the object");
        }
      if(*n >= max)
        return fail(p, "more members than the reader keeps (256)");
      m[*n].key = key;
      m[*n].type = type;
      m[*n].val = val;
      (*n)++;
    }
    ws(p);
    if(p->i >= p->len)
      return fail(p, obj ? "object without its closing brace" :
                  "array without its closing bracket");
    if(p->s[p->i] == close) {
      p->i++;
      return 0;
    }
    if(p->s[p->i] != ',')
      return fail(p, obj ? "no ',' or '}' after a member" :
                  "no ',' or ']' after an element");
    p->i++;
    ws(p);
    if(!obj && p->i < p->len && p->s[p->i] == ']')
      return fail(p, "a trailing comma");
  }
}

static int
value(jp *p, int depth, int *type, char **out)
{
  size_t st;
  char *tmp = NULL;
  if(p->i >= p->len)
    return fail(p, "a value is missing");
  switch(p->s[p->i]) {
  case '"':
    *type = TLP_J_STRING;
    return string(p, out);
  case '{': case '[':
    *type = p->s[p->i] == '{' ? TLP_J_OBJECT : TLP_J_ARRAY;
    if(out)
      *out = NULL;
    return container(p, depth, NULL, 0, NULL);
  case 't': *type = TLP_J_TRUE; st = p->i;
    if(literal(p, "true")) return -1;
    break;
  case 'f': *type = TLP_J_FALSE; st = p->i;
    if(literal(p, "false")) return -1;
    break;
  case 'n': *type = TLP_J_NULL; st = p->i;
    if(literal(p, "null")) return -1;
    break;
  default:
    *type = TLP_J_NUMBER;
    st = p->i;
    if(number(p))
      return -1;
    break;
  }
  if(out) {
    tmp = p->arena + p->used;
    if(put(p, &tmp, p->s + st, p->i - st) || put(p, &tmp, "", 1))
      return -1;
    *out = p->arena + p->used - (p->i - st) - 1;
  }
  return 0;
}

int
tlp_json_object(const char *buf, size_t len, char *arena, size_t arena_cap,
                struct tlp_jmember *m, size_t max, size_t *n,
                const char **why, size_t *at)
{
  jp p;
  memset(&p, 0, sizeof(p));
  p.s = (const unsigned char *)buf;
  p.len = len;
  p.arena = arena;
  p.cap = arena_cap;
  *n = 0;
  ws(&p);
  if(p.i >= p.len || p.s[p.i] != '{')
    fail(&p, "not a JSON object (no '{')");
  else if(!container(&p, 0, m, max, n)) {
    ws(&p);
    if(p.i < p.len)
      fail(&p, "text after the object");
  }
  if(p.why) {
    *why = p.why;
    *at = p.at;
    *n = 0;
    return -1;
  }
  return 0;
}

const struct tlp_jmember *
tlp_json_get(const struct tlp_jmember *m, size_t n, const char *key)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(!strcmp(m[i].key, key))
      return &m[i];
  return NULL;
}
