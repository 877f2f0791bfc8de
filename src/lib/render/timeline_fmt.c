/*
** Writers of the timeline export: bodyfile, csv, jsonl, l2tcsv, tln.
** docs/TIMELINE.md describes each format, its escaping and what it loses.
** Each line is built in a buffer and handed to the sink in one write.
** Moved from src/tool/timeline_fmt.c; a FILE * became a struct tl_sink.
*/
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/abi_int.h"
#include "base/fmt_int.h"
#include "base/names_int.h"
#include "render/timeline_int.h"

#define NS INT64_C(1000000000)

/* ---- line buffer ------------------------------------------------------ */

/* Lines are built one after the other in o->buf and handed to the sink
** when OUT_CHUNK bytes are pending (one write per chunk, not per line);
** composite texts are built in o->tbuf and o->xbuf. A struct line writes
** into one of these buffers. */
#define OUT_CHUNK (1u << 18)

struct line {
  struct Tl_tlw_out *o;
  size_t n;
  int oom;
  int memo;                 /* the event's few-valued texts are stable */
  char **buf;
  size_t *cap;
};

static void
line_init(struct line *l, struct Tl_tlw_out *o)
{
  l->o = o;
  l->n = o->pending;
  l->oom = 0;
  l->memo = 0;
  l->buf = &o->buf;
  l->cap = &o->cap;
}

static void
line_scratch(struct line *l, struct Tl_tlw_out *o, char **buf, size_t *cap)
{
  l->o = o;
  l->n = 0;
  l->oom = 0;
  l->memo = 0;
  l->buf = buf;
  l->cap = cap;
}

static int
grow(struct line *l, size_t add)
{
  size_t nc;
  char *nb;
  if(l->oom)
    return 0;
  nc = *l->cap ? *l->cap : 1024;
  while(nc < l->n + add + 1)
    nc *= 2;
  if(!(nb = realloc(*l->buf, nc))) {
    l->oom = 1;
    return 0;
  }
  *l->buf = nb;
  *l->cap = nc;
  return 1;
}

/* Room for add more bytes: a pointer to write them at, NULL when out of
** memory. Commit them with l->n += written. */
static inline char *
room(struct line *l, size_t add)
{
  if(l->n + add + 1 > *l->cap && !grow(l, add))
    return NULL;
  return *l->buf + l->n;
}

/* memcpy of the short texts a line is mostly made of, without the call:
** two overlapping fixed-size copies */
static inline void
copy_short(char *d, const char *s, size_t len)
{
  if(len >= 8 && len <= 16) {
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + len - 8, 8);
    memcpy(d, &a, 8);
    memcpy(d + len - 8, &b, 8);
  }
  else if(len >= 4 && len < 8) {
    uint32_t a, b;
    memcpy(&a, s, 4);
    memcpy(&b, s + len - 4, 4);
    memcpy(d, &a, 4);
    memcpy(d + len - 4, &b, 4);
  }
  else if(len < 4) {
    size_t i;
    for(i = 0; i < len; i++)
      d[i] = s[i];
  }
  else
    memcpy(d, s, len);
}

static inline void
put(struct line *l, const char *s, size_t len)
{
  char *d = room(l, len);
  if(!d)
    return;
  copy_short(d, s, len);
  l->n += len;
}

static void
puts_(struct line *l, const char *s)
{
  put(l, s, strlen(s));
}

static inline void
putc_(struct line *l, char c)
{
  char *d = room(l, 1);
  if(!d)
    return;
  *d = c;
  l->n++;
}

static void
put_i64(struct line *l, int64_t v)
{
  char *d = room(l, TL_FMT_INT_MAX + 1);
  if(d)
    l->n += Tl_fmt_i64(d, v);
}

static void
put_u64(struct line *l, uint64_t v)
{
  char *d = room(l, TL_FMT_INT_MAX);
  if(d)
    l->n += Tl_fmt_u64(d, v);
}

/* Write out what is pending. */
static void
out_write(struct Tl_tlw_out *o)
{
  if(o->pending && !o->write_err &&
     Tl_sink_write(o->sink, o->buf, o->pending))
    o->write_err = 1;
  if(!o->write_err)
    o->lines_written += o->lines_pending;
  o->lines_pending = 0;
  o->pending = 0;
}

/* The line is complete; count: it is a line of the export (not the
** header). */
static void
flush_line(struct line *l, int count)
{
  if(l->oom) {
    l->o->oom = 1;
    return;
  }
  l->o->lines_pending += (uint64_t)count;
  l->o->pending = l->n;
  /* no sink: a batch of a formatting thread, written by its owner */
  if(l->o->pending >= OUT_CHUNK && l->o->sink)
    out_write(l->o);
}

void
Tl_tlw_flush(struct Tl_tlw_out *o)
{
  out_write(o);
}

void
Tl_tlw_out_free(struct Tl_tlw_out *o)
{
  free(o->buf);
  free(o->tbuf);
  free(o->xbuf);
  o->buf = o->tbuf = o->xbuf = NULL;
  o->cap = o->tcap = o->xcap = 0;
  o->pending = 0;
}

/* ---- time ------------------------------------------------------------- */

/* ns as whole seconds (floor) and the ns past them, 0..NS-1: without
** sec * NS, which overflows for a time clamped to INT64_MIN. */
static int64_t
split_ns(int64_t ns, int64_t *frac)
{
  int64_t r = ns % NS;
  *frac = r < 0 ? r + NS : r;
  return ns / NS - (r < 0);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if((a % b) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* UTC offset in seconds east at t (s since 1970): from the zone's TZif
** data, never the process TZ. */
static long
zone_offset(const struct Tl_tlw_out *o, int64_t t)
{
  return o->zone ? (long)Tl_tz_offset(o->zone, t) : 0;
}

#define when Tl_tlw_when    /* timeline_int.h: cached per second */

static void
split_time(struct Tl_tlw_out *o, int64_t ns, struct when *w)
{
  int64_t frac, sec = split_ns(ns, &frac), local, days, sod;
  int mo, d;
  /* events come in time order: many share their second */
  if(o->have_sec && o->sec == sec) {
    *w = o->sec_when;
    w->frac_ns = frac;
    return;
  }
  w->frac_ns = frac;
  w->off = zone_offset(o, sec);
  local = sec + w->off;
  days = floor_div(local, 86400);
  sod = local - days * 86400;
  Tl_days_to_civil(days, &w->y, &mo, &d);
  w->mo = (unsigned)mo;
  w->d = (unsigned)d;
  w->h = (unsigned)(sod / 3600);
  w->mi = (unsigned)(sod / 60 % 60);
  w->s = (unsigned)(sod % 60);
  o->sec = sec;
  o->sec_when = *w;
  o->have_sec = 1;
}

static void
civil(const struct when *w, struct Tl_fmt_civil *c)
{
  c->y = w->y;
  c->mo = w->mo;
  c->d = w->d;
  c->h = w->h;
  c->mi = w->mi;
  c->s = w->s;
}

/* ISO 8601 with `digits` fractional digits (0, 6, 7 or 9). zulu: write "Z"
** for UTC, else always "+hh:mm". */
static void
put_iso(struct line *l, const struct when *w, int digits, int zulu)
{
  struct Tl_fmt_civil c;
  char *b = room(l, 64);
  size_t n;
  if(!b)
    return;
  civil(w, &c);
  n = Tl_fmt_iso_sec(b, &c);
  if(digits > 0) {
    int64_t f = w->frac_ns;
    int k;
    for(k = 9; k > digits; k--)
      f /= 10;
    b[n++] = '.';
    Tl_fmt_pad(b + n, (uint64_t)f, digits);
    n += (size_t)digits;
  }
  if(zulu && w->off == 0)
    b[n++] = 'Z';
  else {
    long a = w->off < 0 ? -w->off : w->off;
    b[n++] = w->off < 0 ? '-' : '+';
    if(a / 3600 < 100) {
      Tl_fmt_pad(b + n, (uint64_t)(a / 3600), 2);
      n += 2;
    }
    else
      n += Tl_fmt_u64(b + n, (uint64_t)(a / 3600));
    b[n++] = ':';
    Tl_fmt_pad(b + n, (uint64_t)(a / 60 % 60), 2);
    n += 2;
  }
  l->n += n;
}

/* ---- shared text ------------------------------------------------------ */

static const char *
deleted_suffix(const struct Tl_tlw_obj *o)
{
  if(!strcmp(o->alloc, "deleted-realloc"))
    return " (deleted-realloc)";
  if(o->deleted)
    return " (deleted)";
  return "";
}

/* "$SI Modified; $SI Accessed" from source and macb letters. */
static void
put_desc(struct line *l, const char *source, const char *macb)
{
  static const char *const words[] = {"Modified", "Accessed", "Changed",
                                      "Created"};
  int i, first = 1;
  for(i = 0; i < 4 && macb[i]; i++) {
    if(macb[i] == '.')
      continue;
    if(!first)
      puts_(l, "; ");
    puts_(l, source);
    putc_(l, ' ');
    puts_(l, words[i]);
    first = 0;
  }
}

/* The on-disk value as stored: a FILETIME is unsigned. */
static void
put_raw(struct line *l, const struct Tl_tlw_event *e)
{
  put_u64(l, (uint64_t)e->raw);
}

/* A clamped time prints as 1677-09-21 or 2262-04-11, a plausible date:
** every text that shows the time says so (docs/TIMELINE.md). */
static void
put_clamp_note(struct line *l, const struct Tl_tlw_event *e)
{
  if(!e->clamped)
    return;
  puts_(l, " (time clamped");
  if(e->has_raw) {
    puts_(l, e->filetime ? "; on-disk FILETIME " : "; on-disk value ");
    put_raw(l, e);
  }
  putc_(l, ')');
}

/* "inode-type-id" (at most 64 bytes) */
static size_t
fmt_addr(char *b, const struct Tl_tlw_obj *o)
{
  size_t n = Tl_fmt_i64(b, o->inode);
  if(o->has_attr) {
    b[n++] = '-';
    n += Tl_fmt_i64(b + n, o->attr_type);
    b[n++] = '-';
    n += Tl_fmt_i64(b + n, o->attr_id);
  }
  return n;
}

static void
put_addr(struct line *l, const struct Tl_tlw_obj *o)
{
  char *b = room(l, 64);
  if(b)
    l->n += fmt_addr(b, o);
}

/* ---- escaping --------------------------------------------------------- */

/* Word-at-a-time scanning: the texts are mostly plain, so each escaper
** first skips 8 bytes at a time while none of them can need a change.
** A word "may need" one when it holds a byte below 0x20, 0x7f or one of
** up to three given bytes; the byte loop then decides. (The tests are
** exact about a word: no false "plain".) */
#define ONES UINT64_C(0x0101010101010101)
#define HIGH UINT64_C(0x8080808080808080)

static inline uint64_t
has_byte(uint64_t x, unsigned char c)
{
  uint64_t v = x ^ (ONES * c);
  return (v - ONES) & ~v & HIGH;
}

static inline int
word_plain(uint64_t x, unsigned char a, unsigned char b, unsigned char c)
{
  /* bytes below 0x20 (a byte >= 0x80 never matches: ~x clears its bit) */
  uint64_t t = (x - ONES * 0x20) & ~x & HIGH;
  t |= has_byte(x, 0x7f) | has_byte(x, a) | has_byte(x, b) | has_byte(x, c);
  return !t;
}

/* Length of the prefix of s made of whole plain words (16 bytes at a
** time with SSE2, the x86-64 baseline). */
static inline size_t
plain_prefix(const char *s, size_t len, unsigned char a, unsigned char b,
             unsigned char c)
{
  size_t i = 0;
#ifdef __SSE2__
  if(len >= 16) {
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b),
                vc = _mm_set1_epi8((char)c), vdel = _mm_set1_epi8(0x7f),
                v1f = _mm_set1_epi8(0x1f);
  while(i + 16 <= len) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    /* x <= 0x1f unsigned: min(x, 0x1f) == x */
    __m128i t = _mm_cmpeq_epi8(_mm_min_epu8(x, v1f), x);
    t = _mm_or_si128(t, _mm_cmpeq_epi8(x, vdel));
    t = _mm_or_si128(t, _mm_cmpeq_epi8(x, va));
    t = _mm_or_si128(t, _mm_cmpeq_epi8(x, vb));
    t = _mm_or_si128(t, _mm_cmpeq_epi8(x, vc));
    if(_mm_movemask_epi8(t))
      return i;
    i += 16;
  }
  }
#endif
  while(i + 8 <= len) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    if(!word_plain(x, a, b, c))
      break;
    i += 8;
  }
  return i;
}

/* Escape what would break a '|'-separated line. '|', '%' and '\' become
** %7C, %25 and %5C, which mactime decodes in every field, so a name comes
** out of mactime as the reports show it. Names arrive with their control
** and bidi characters already escaped (visible_obj(): LF is the text
** \x0a, so mactime shows "\x0a"); a control character in another field
** still becomes the text \xHH here (mactime drops a row whose name holds
** a line break). */
static void
put_pct(struct line *l, const char *s, size_t len)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, start = 0;
  for(i = plain_prefix(s, len, '|', '%', '\\'); i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c == '|' || c == '%' || c == '\\' || c < 0x20 || c == 0x7f) {
      char e[4] = {'%', hex[c >> 4], hex[c & 15], 0};
      put(l, s + start, i - start);
      if(c < 0x20 || c == 0x7f) {
        put(l, "\\x", 2);
        put(l, e + 1, 2);
      }
      else
        put(l, e, 3);
      start = i + 1;
    }
  }
  put(l, s + start, len - start);
}

static int
is_trigger(char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
         c == '\r';
}

/* One RFC 4180 cell. A cell a spreadsheet would run as a formula gets a
** leading apostrophe; so does one that already starts with apostrophes
** before such a character, which keeps the rule reversible: a reader drops
** one leading ' when ' followed by '*[=+-@\t\r] starts the cell. */
static void
put_csv(struct line *l, const char *s, size_t len)
{
  /* the characters that make a cell quoted */
  static const unsigned char special[256] = {
    ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1
  };
  size_t i, start = 0;
  unsigned quote = 0;
  int neutral = 0;
  if(len) {
    size_t k = 0;
    while(k < len && s[k] == '\'')
      k++;
    neutral = k < len && is_trigger(s[k]);
  }
  /* control characters other than CR and LF make a word "not plain"
  ** here too; the byte loop then finds no special among them */
  for(i = plain_prefix(s, len, '"', ',', ','); i < len; i++)
    quote |= special[(unsigned char)s[i]];
  if(!quote && !neutral) {
    put(l, s, len);
    return;
  }
  if(quote)
    putc_(l, '"');
  if(neutral)
    putc_(l, '\'');
  if(!quote) {
    put(l, s, len);
    return;
  }
  for(i = 0; i < len; i++)
    if(s[i] == '"') {
      put(l, s + start, i + 1 - start);
      putc_(l, '"');
      start = i + 1;
    }
  put(l, s + start, len - start);
  putc_(l, '"');
}

static void
put_json(struct line *l, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  /* 1: the byte is written as an escape */
  static const unsigned char esc[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1, [0x7f] = 1
  };
  size_t i, start = 0;
  unsigned any = 0;
  for(i = plain_prefix(s, len, '"', '\\', '"'); i < len; i++)
    any |= esc[(unsigned char)s[i]];
  if(!any) {
    char *d = room(l, len + 2);
    if(d) {
      d[0] = '"';
      memcpy(d + 1, s, len);
      d[len + 1] = '"';
      l->n += len + 2;
    }
    return;
  }
  putc_(l, '"');
  for(i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = NULL;
    char u[6];
    if(c == '"')
      e = "\\\"";
    else if(c == '\\')
      e = "\\\\";
    else if(c == '\n')
      e = "\\n";
    else if(c == '\r')
      e = "\\r";
    else if(c == '\t')
      e = "\\t";
    else if(c < 0x20 || c == 0x7f) {
      u[0] = '\\';
      u[1] = 'u';
      u[2] = '0';
      u[3] = '0';
      u[4] = hex[c >> 4];
      u[5] = hex[c & 15];
      put(l, s + start, i - start);
      put(l, u, 6);
      start = i + 1;
      continue;
    }
    if(e) {
      put(l, s + start, i - start);
      puts_(l, e);
      start = i + 1;
    }
  }
  put(l, s + start, len - start);
  putc_(l, '"');
}

/* ---- escaped texts kept -------------------------------------------- */

/* The few-valued texts of an event (source, macb, labels, alloc) come
** with each of hundreds of thousands of lines; escaped once per address
** (Tl_tlw_event.stable), then copied. */
enum { M_MACB, M_SOURCE, M_DIVISION, M_EVIDENCE, M_VOLUME, M_FS_TYPE,
       M_ALLOC, M_TDESC };

static inline struct Tl_tlw_memo *
memo_at(struct line *l, int f, const char *key, const char *key2)
{
  uint64_t h = ((uint64_t)(uintptr_t)key ^ ((uint64_t)(uintptr_t)key2 << 7))
               * UINT64_C(0x9e3779b97f4a7c15);
  return &l->o->memo[f][h >> 61];
}

/* The bytes written since start, kept for key (when they fit). */
static void
memo_keep(struct line *l, struct Tl_tlw_memo *m, size_t start,
          const char *key, const char *key2)
{
  size_t n = l->n - start;
  if(l->oom || n > sizeof(m->b))
    return;
  memcpy(m->b, *l->buf + start, n);
  m->n = (uint32_t)n;
  m->key = key;
  m->key2 = key2;
}

/* A CSV cell and a comma; kind 1: a JSON string */
static void
put_kept(struct line *l, int f, const char *s, int kind)
{
  struct Tl_tlw_memo *m = NULL;
  size_t start = l->n;
  if(l->memo) {
    m = memo_at(l, f, s, NULL);
    if(m->key == s && !m->key2) {
      put(l, m->b, m->n);
      return;
    }
  }
  if(kind) {
    put_json(l, s, strlen(s));
  }
  else {
    put_csv(l, s, strlen(s));
    putc_(l, ',');
  }
  if(m)
    memo_keep(l, m, start, s, NULL);
}

/* ---- building the text pieces of an event ----------------------------- */

/* The composite texts of an event (description, timestamp_desc, path
** with its deleted mark), built in o->tbuf, reused from line to line. */
struct ev_text {
  const char *tdesc, *desc, *path;
  size_t tdesc_n, desc_n, path_n;
};

static int
event_text(struct Tl_tlw_out *o, const struct Tl_tlw_event *e,
           struct ev_text *t)
{
  struct line l;
  size_t td, pa, de;
  line_scratch(&l, o, &o->tbuf, &o->tcap);
  if(e->kind) {
    /* an artifact event: "lnk: opened" */
    puts_(&l, e->source);
    puts_(&l, ": ");
    puts_(&l, e->kind);
  }
  else if(e->stable) {
    struct Tl_tlw_memo *m = memo_at(&l, M_TDESC, e->source, e->macb);
    if(m->key == e->source && m->key2 == e->macb)
      put(&l, m->b, m->n);
    else {
      put_desc(&l, e->source, e->macb);
      memo_keep(&l, m, 0, e->source, e->macb);
    }
  }
  else
    put_desc(&l, e->source, e->macb);
  td = l.n;
  put(&l, e->o.path, e->o.path_len);
  puts_(&l, deleted_suffix(&e->o));
  pa = l.n;
  putc_(&l, '[');
  /* the two texts above, copied from this same buffer: room first, as
  ** room() may move it */
  if(room(&l, pa)) {
    memcpy(*l.buf + l.n, *l.buf, td);
    l.n += td;
  }
  puts_(&l, "] ");
  if(room(&l, pa - td)) {
    memcpy(*l.buf + l.n, *l.buf + td, pa - td);
    l.n += pa - td;
  }
  if(e->kind && e->what && *e->what) {
    puts_(&l, " (");
    puts_(&l, e->what);
    putc_(&l, ')');
  }
  if(e->kind && e->actor && *e->actor) {
    puts_(&l, " by ");
    puts_(&l, e->actor);
  }
  put_clamp_note(&l, e);
  de = l.n;
  if(l.oom)
    return 0;
  t->tdesc = o->tbuf;
  t->tdesc_n = td;
  t->path = o->tbuf + td;
  t->path_n = pa - td;
  t->desc = o->tbuf + pa;
  t->desc_n = de - pa;
  return 1;
}

/* ---- names as every output shows them --------------------------------- */

/* The object's texts (names, path, labels) with control and bidi
** characters written as escapes, the one rule of docs/OUTPUT-ESCAPING.md
** (Tl_visible_escape), before each format's own quoting. Copies are made
** only for the texts that need an escape; visible_free() releases them. */
struct visible {
  struct Tl_tlw_obj o;
  char *own[8];
  int n;
  int oom;
};

static const char *
vis_text(struct visible *v, const char *s, size_t len, size_t *out_len)
{
  size_t need;
  char *d;
  if(!s) {
    if(out_len)
      *out_len = 0;
    return NULL;
  }
  /* printable ASCII has nothing to escape: the common case, checked
  ** without decoding UTF-8 */
  if(Tl_fmt_printable(s, len)) {
    if(out_len)
      *out_len = len;
    return s;
  }
  need = Tl_visible_escape(s, len, NULL, 0);
  if(need == len) {       /* an escape always lengthens: nothing to do */
    if(out_len)
      *out_len = len;
    return s;
  }
  if(v->n >= (int)(sizeof(v->own) / sizeof(v->own[0])) ||
     !(d = malloc(need + 1))) {
    v->oom = 1;
    if(out_len)
      *out_len = 0;
    return "";
  }
  Tl_visible_escape(s, len, d, need + 1);
  v->own[v->n++] = d;
  if(out_len)
    *out_len = need;
  return d;
}

static const char *
vis_str(struct visible *v, const char *s)
{
  return s ? vis_text(v, s, strlen(s), NULL) : NULL;
}

static void
visible_obj(struct visible *v, const struct Tl_tlw_obj *o)
{
  memset(v, 0, sizeof(*v));
  v->o = *o;
  if(o->printable)
    return;
  v->o.evidence = vis_str(v, o->evidence);
  v->o.division = vis_str(v, o->division);
  v->o.volume = vis_str(v, o->volume);
  v->o.path = vis_text(v, o->path, o->path_len, &v->o.path_len);
  v->o.name = vis_str(v, o->name);
  v->o.prefix = vis_str(v, o->prefix);
  v->o.link_target = vis_str(v, o->link_target);
}

static void
visible_free(struct visible *v)
{
  int i;
  for(i = 0; i < v->n; i++)
    free(v->own[i]);
  v->n = 0;
}

/* ---- formats ---------------------------------------------------------- */

void
Tl_tlw_header(struct Tl_tlw_out *o)
{
  struct line l;
  line_init(&l, o);
  if(o->fmt == TL_TIMELINE_CSV)
    puts_(&l, "datetime,timestamp_desc,macb,source,division,evidence,"
          "volume,filesystem,path,name,inode,tsk_addr,size,deleted,alloc,"
          "description,t_ns,clamped,raw\r\n");
  else if(o->fmt == TL_TIMELINE_L2TCSV)
    puts_(&l, "date,time,timezone,MACB,source,sourcetype,type,user,host,"
          "short,desc,version,filename,inode,notes,format,extra\n");
  flush_line(&l, 0);
}

static void
csv_str(struct line *l, const char *s)
{
  put_csv(l, s, strlen(s));
  putc_(l, ',');
}

static void
row_csv(struct line *l, const struct Tl_tlw_event *e, const struct ev_text *t)
{
  struct when w;
  split_time(l->o, e->t_ns, &w);
  /* a clamped t_ns is no FILETIME tick: all its digits */
  put_iso(l, &w, e->filetime && !e->clamped ? 7 : 9, 1);
  putc_(l, ',');
  put_csv(l, t->tdesc, t->tdesc_n);
  putc_(l, ',');
  put_kept(l, M_MACB, e->macb, 0);
  put_kept(l, M_SOURCE, e->source, 0);
  put_kept(l, M_DIVISION, e->o.division, 0);
  put_kept(l, M_EVIDENCE, e->o.evidence, 0);
  put_kept(l, M_VOLUME, e->o.volume, 0);
  put_kept(l, M_FS_TYPE, e->o.fs_type, 0);
  put_csv(l, e->o.path, e->o.path_len);
  putc_(l, ',');
  csv_str(l, e->o.name);
  put_i64(l, e->o.inode);
  putc_(l, ',');
  put_addr(l, &e->o);
  putc_(l, ',');
  put_i64(l, e->o.size);
  putc_(l, ',');
  put_i64(l, e->o.deleted);
  putc_(l, ',');
  put_kept(l, M_ALLOC, e->o.alloc, 0);
  put_csv(l, t->desc, t->desc_n);
  putc_(l, ',');
  put_i64(l, e->t_ns);
  putc_(l, ',');
  put_i64(l, e->clamped);
  putc_(l, ',');
  if(e->has_raw)
    put_raw(l, e);
  puts_(l, "\r\n");
}

/* a string constant: its length known when compiled */
#define LIT(l, s) put((l), (s), sizeof(s) - 1)

static void
json_s(struct line *l, const char *v)
{
  put_json(l, v, strlen(v));
}

static void
row_jsonl(struct line *l, const struct Tl_tlw_event *e,
          const struct ev_text *t)
{
  struct when w;
  char addr[64];
  split_time(l->o, e->t_ns, &w);
  LIT(l, "{\"message\":");
  put_json(l, t->desc, t->desc_n);
  /* Timesketch and Python parse at most microseconds; t_ns keeps all */
  LIT(l, ",\"datetime\":\"");
  put_iso(l, &w, 6, 0);
  LIT(l, "\",\"timestamp\":");
  put_i64(l, floor_div(e->t_ns, 1000));
  LIT(l, ",\"timestamp_desc\":");
  put_json(l, t->tdesc, t->tdesc_n);
  LIT(l, ",\"t_ns\":");
  put_i64(l, e->t_ns);
  LIT(l, ",\"timezone\":");
  json_s(l, l->o->tz);
  LIT(l, ",\"macb\":");
  put_kept(l, M_MACB, e->macb, 1);
  LIT(l, ",\"source\":");
  put_kept(l, M_SOURCE, e->source, 1);
  LIT(l, ",\"division\":");
  put_kept(l, M_DIVISION, e->o.division, 1);
  LIT(l, ",\"evidence\":");
  put_kept(l, M_EVIDENCE, e->o.evidence, 1);
  LIT(l, ",\"volume\":");
  put_kept(l, M_VOLUME, e->o.volume, 1);
  LIT(l, ",\"filesystem\":");
  put_kept(l, M_FS_TYPE, e->o.fs_type, 1);
  LIT(l, ",\"path\":");
  put_json(l, e->o.path, e->o.path_len);
  LIT(l, ",\"name\":");
  json_s(l, e->o.name);
  LIT(l, ",\"inode\":");
  put_i64(l, e->o.inode);
  LIT(l, ",\"tsk_addr\":");
  put_json(l, addr, fmt_addr(addr, &e->o));
  LIT(l, ",\"size\":");
  put_i64(l, e->o.size);
  if(e->o.deleted)
    LIT(l, ",\"deleted\":true");
  else
    LIT(l, ",\"deleted\":false");
  LIT(l, ",\"alloc\":");
  put_kept(l, M_ALLOC, e->o.alloc, 1);
  if(e->clamped)
    LIT(l, ",\"clamped\":true,\"raw\":");
  else
    LIT(l, ",\"clamped\":false,\"raw\":");
  if(e->has_raw)
    put_raw(l, e);
  else
    LIT(l, "null");
  if(e->kind) {
    LIT(l, ",\"parser\":");
    json_s(l, e->source);
    LIT(l, ",\"kind\":");
    json_s(l, e->kind);
    LIT(l, ",\"actor\":");
    if(e->actor)
      json_s(l, e->actor);
    else
      LIT(l, "null");
    LIT(l, ",\"what\":");
    json_s(l, e->what ? e->what : "");
    LIT(l, ",\"artifact\":");
    json_s(l, e->artifact_path ? e->artifact_path : "");
    /* already JSON (SQLite's json_group_object) */
    LIT(l, ",\"attributes\":");
    puts_(l, e->attributes ? e->attributes : "{}");
    LIT(l, ",\"data_type\":\"touchline:artifact\"}\n");
  }
  else
    LIT(l, ",\"data_type\":\"fs:stat\"}\n");
}

static void
row_l2tcsv(struct line *l, const struct Tl_tlw_event *e,
           const struct ev_text *t)
{
  struct when w;
  struct Tl_fmt_civil c;
  char macb[5], *b;
  int i;
  struct line x;
  split_time(l->o, e->t_ns, &w);
  civil(&w, &c);
  if((b = room(l, 40))) {
    l->n += Tl_fmt_us_sec(b, &c);
    putc_(l, ',');
  }
  csv_str(l, l->o->tz);
  for(i = 0; i < 4; i++)
    macb[i] = (char)toupper((unsigned char)e->macb[i]);
  macb[4] = '\0';
  csv_str(l, macb);
  /* an artifact event: source LOG, the parser as the source type */
  csv_str(l, e->kind ? "LOG" : "FILE");
  line_scratch(&x, l->o, &l->o->xbuf, &l->o->xcap);
  if(e->kind)
    puts_(&x, e->source);
  else {
    puts_(&x, e->o.fs_type);
    putc_(&x, ' ');
    puts_(&x, e->source);
  }
  if(x.oom)
    l->oom = 1;
  else
    put_csv(l, l->o->xbuf, x.n);
  putc_(l, ',');
  put_csv(l, t->tdesc, t->tdesc_n);
  putc_(l, ',');
  if(e->o.meta_type)
    put_i64(l, e->o.uid);
  else
    putc_(l, '-');
  putc_(l, ',');
  put_kept(l, M_EVIDENCE, e->o.evidence, 0);
  put_csv(l, t->path, t->path_n);
  putc_(l, ',');
  put_csv(l, t->desc, t->desc_n);
  puts_(l, ",2,");
  put_csv(l, e->o.path, e->o.path_len);
  putc_(l, ',');
  put_i64(l, e->o.inode);
  putc_(l, ',');
  put_kept(l, M_ALLOC, e->o.alloc, 0);
  csv_str(l, "touchline");
  line_scratch(&x, l->o, &l->o->xbuf, &l->o->xcap);
  puts_(&x, "division: ");
  puts_(&x, e->o.division);
  puts_(&x, "; volume: ");
  puts_(&x, e->o.volume);
  puts_(&x, "; tsk_addr: ");
  put_addr(&x, &e->o);
  puts_(&x, "; size: ");
  put_i64(&x, e->o.size);
  puts_(&x, "; t_ns: ");
  put_i64(&x, e->t_ns);
  if(e->clamped) {
    puts_(&x, "; clamped: 1");
    if(e->has_raw) {
      puts_(&x, "; raw: ");
      put_raw(&x, e);
    }
  }
  if(x.oom)
    l->oom = 1;
  else
    put_csv(l, l->o->xbuf, x.n);
  putc_(l, '\n');
}

static void
row_tln(struct line *l, const struct Tl_tlw_event *e, const struct ev_text *t)
{
  put_i64(l, floor_div(e->t_ns, NS));
  puts_(l, "|FILE|");
  put_pct(l, e->o.evidence, strlen(e->o.evidence));
  putc_(l, '|');
  if(e->o.meta_type)
    put_i64(l, e->o.uid);
  putc_(l, '|');
  put_pct(l, t->desc, t->desc_n);
  putc_(l, '\n');
}

void
Tl_tlw_event_row(struct Tl_tlw_out *o, const struct Tl_tlw_event *ev)
{
  struct line l;
  struct ev_text t;
  struct visible v;
  struct Tl_tlw_event ve;
  const struct Tl_tlw_event *e = ev;
  v.n = 0;
  v.oom = 0;
  if(!ev->o.printable) {
    /* a copy with the escaped texts (most objects have none to escape) */
    ve = *ev;
    visible_obj(&v, &ev->o);
    ve.o = v.o;
    e = &ve;
  }
  memset(&t, 0, sizeof(t));
  if(v.oom || !event_text(o, e, &t)) {
    o->oom = 1;
    visible_free(&v);
    return;
  }
  line_init(&l, o);
  l.memo = e->stable && e->o.printable;
  switch(o->fmt) {
  case TL_TIMELINE_CSV: row_csv(&l, e, &t); break;
  case TL_TIMELINE_JSONL: row_jsonl(&l, e, &t); break;
  case TL_TIMELINE_L2TCSV: row_l2tcsv(&l, e, &t); break;
  case TL_TIMELINE_TLN: row_tln(&l, e, &t); break;
  case TL_TIMELINE_BODYFILE: break;
  }
  flush_line(&l, 1);
  visible_free(&v);
}

/* ---- bodyfile ----------------------------------------------------------- */

/* tsk_fs_meta_make_ls(): type letter, then rwx with s/S, t/T. */
static void
put_mode(struct line *l, const struct Tl_tlw_obj *o)
{
  char m[12];
  int64_t v = o->mode;
  m[0] = o->name_type ? o->name_type : '-';
  m[1] = '/';
  if(!o->meta_type) {
    memcpy(m + 2, "----------", 10);
    put(l, m, 12);
    return;
  }
  m[2] = o->meta_type;
  m[3] = (v & 0400) ? 'r' : '-';
  m[4] = (v & 0200) ? 'w' : '-';
  m[5] = (v & 04000) ? ((v & 0100) ? 's' : 'S') : ((v & 0100) ? 'x' : '-');
  m[6] = (v & 040) ? 'r' : '-';
  m[7] = (v & 020) ? 'w' : '-';
  m[8] = (v & 02000) ? ((v & 010) ? 's' : 'S') : ((v & 010) ? 'x' : '-');
  m[9] = (v & 04) ? 'r' : '-';
  m[10] = (v & 02) ? 'w' : '-';
  m[11] = (v & 01000) ? ((v & 01) ? 't' : 'T') : ((v & 01) ? 'x' : '-');
  put(l, m, 12);
}

static void
put_body_time(struct line *l, const struct Tl_tlw_body *b, int i)
{
  int64_t sec, frac;
  char *f;
  if(!b->have[i]) {
    putc_(l, '0');
    return;
  }
  sec = split_ns(b->t_ns[i], &frac);
  put_i64(l, sec);
  if(!l->o->fractional || !(f = room(l, 10)))
    return;
  f[0] = '.';
  if(b->filetime) {
    Tl_fmt_pad(f + 1, (uint64_t)(frac / 100), 7);
    l->n += 8;
  }
  else {
    Tl_fmt_pad(f + 1, (uint64_t)frac, 9);
    l->n += 10;
  }
}

void
Tl_tlw_body_row(struct Tl_tlw_out *o, const struct Tl_tlw_body *body)
{
  struct line l;
  struct visible v;
  struct Tl_tlw_body vb;
  const struct Tl_tlw_body *b = body;
  v.n = 0;
  v.oom = 0;
  if(!body->o.printable) {
    vb = *body;
    visible_obj(&v, &body->o);
    vb.o = v.o;
    b = &vb;
  }
  if(v.oom) {
    o->oom = 1;
    visible_free(&v);
    return;
  }
  line_init(&l, o);
  puts_(&l, "0|");
  if(b->o.prefix)
    put_pct(&l, b->o.prefix, strlen(b->o.prefix));
  put_pct(&l, b->o.path, b->o.path_len);
  if(b->fn_line)
    puts_(&l, " ($FILE_NAME)");
  if(b->o.link_target && !b->fn_line) {
    /* fls writes a link as "name -> target" */
    puts_(&l, " -> ");
    put_pct(&l, b->o.link_target, strlen(b->o.link_target));
  }
  puts_(&l, deleted_suffix(&b->o));
  putc_(&l, '|');
  put_addr(&l, &b->o);
  putc_(&l, '|');
  put_mode(&l, &b->o);
  putc_(&l, '|');
  put_i64(&l, b->o.meta_type ? b->o.uid : 0);
  putc_(&l, '|');
  put_i64(&l, b->o.meta_type ? b->o.gid : 0);
  putc_(&l, '|');
  put_i64(&l, b->o.size);
  putc_(&l, '|');
  put_body_time(&l, b, 1);  /* atime */
  putc_(&l, '|');
  put_body_time(&l, b, 0);  /* mtime */
  putc_(&l, '|');
  put_body_time(&l, b, 2);  /* ctime */
  putc_(&l, '|');
  put_body_time(&l, b, 3);  /* crtime */
  putc_(&l, '\n');
  flush_line(&l, 1);
  visible_free(&v);
}
