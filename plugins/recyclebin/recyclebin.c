/*
** recyclebin: the Windows Recycle Bin's records of deleted files
** (README.md next to this file): $I files of Vista and later
** ($Recycle.Bin/<SID>/$Ixxxxxx.ext, version 1 and 2) and the INFO2 (INFO on
** Windows 95) index of Windows 95 to XP (RECYCLER/<SID>/INFO2,
** RECYCLED/INFO2). One "deleted" event per record. Written against
** include/touchline/plugin.h only, with no dependency but libc.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <touchline/plugin.h>

#define RB_PATH_UNITS 260u         /* MAX_PATH */
/* UTF-8 of up to 32767 UTF-16 units ("\uXXXX", 6 bytes, at worst) */
#define RB_V2_MAX_UNITS 32767u
#define RB_PATH_BUF (RB_V2_MAX_UNITS * 6 + 1)
#define RB_SID_MAX 192
#define INFO2_HDR 20u
#define INFO2_ANSI 280u            /* Windows 95, 98, ME */
#define INFO2_UNICODE 800u         /* Windows NT 4, 2000, XP */

static uint16_t
get16(const uint8_t *p)
{
  return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* UTF-16LE, at most n units at p, up to the first NUL, to UTF-8 in out
** (room for 6 bytes a unit and the NUL); unpaired surrogates become the
** text \uXXXX. Returns the number of units before the NUL (n when none). */
static size_t
rb_utf16(const uint8_t *p, size_t n, char *out)
{
  size_t i, o = 0;
  for(i = 0; i < n; i++) {
    uint32_t c = get16(p + 2 * i);
    if(!c)
      break;
    if(c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t d = get16(p + 2 * i + 2);
      if(d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if(c >= 0xd800 && c < 0xe000) {
      snprintf(out + o, 7, "\\u%04X", (unsigned)c);
      o += 6;
    } else if(c < 0x80) {
      out[o++] = (char)c;
    } else if(c < 0x800) {
      out[o++] = (char)(0xc0 | c >> 6);
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else if(c < 0x10000) {
      out[o++] = (char)(0xe0 | c >> 12);
      out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else {
      out[o++] = (char)(0xf0 | c >> 18);
      out[o++] = (char)(0x80 | (c >> 12 & 0x3f));
      out[o++] = (char)(0x80 | (c >> 6 & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    }
  }
  out[o] = '\0';
  return i;
}

/* An ANSI path (code page unknown) of at most n bytes, up to its NUL:
** ASCII as is, other bytes as the text \xNN. Returns 1 when there were
** such bytes. */
static int
rb_ansi(const uint8_t *p, size_t n, char *out)
{
  size_t i, o = 0;
  int high = 0;
  for(i = 0; i < n && p[i]; i++) {
    if(p[i] < 0x80) {
      out[o++] = (char)p[i];
    } else {
      snprintf(out + o, 5, "\\x%02X", (unsigned)p[i]);
      o += 4;
      high = 1;
    }
  }
  out[o] = '\0';
  return high;
}

static int
rb_lower_eq(const char *a, size_t n, const char *b)
{
  size_t i;
  if(strlen(b) != n)
    return 0;
  for(i = 0; i < n; i++) {
    char c = a[i];
    if(c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if(c != b[i])
      return 0;
  }
  return 1;
}

/* The owner's SID from the input path: the folder right under
** "$Recycle.Bin" or "RECYCLER" (any case, '/' or '\\'), when it reads
** S-1-<digits and dashes>. */
static const char *
rb_sid(const char *path, char *out)
{
  const char *p = path, *prev = NULL;
  size_t prev_n = 0;
  if(!path)
    return NULL;
  while(*p) {
    const char *q = p;
    size_t n;
    while(*q && *q != '/' && *q != '\\')
      q++;
    n = (size_t)(q - p);
    if(prev && n > 4 && n < RB_SID_MAX && !strncmp(p, "S-1-", 4) &&
       (rb_lower_eq(prev, prev_n, "$recycle.bin") ||
        rb_lower_eq(prev, prev_n, "recycler"))) {
      size_t i;
      for(i = 4; i < n; i++)
        if(!(p[i] == '-' || (p[i] >= '0' && p[i] <= '9')))
          break;
      if(i == n) {
        memcpy(out, p, n);
        out[n] = '\0';
        return out;
      }
    }
    prev = p;
    prev_n = n;
    p = *q ? q + 1 : q;
  }
  return NULL;
}

/* The last component of a path. */
static const char *
rb_base(const char *path)
{
  const char *b = path, *p;
  if(!path)
    return NULL;
  for(p = path; *p; p++)
    if(*p == '/' || *p == '\\')
      b = p + 1;
  return b;
}

/* State of one parse; allocated (the path buffer is large). */
struct rb_state {
  const struct tl_host_api *api;
  tl_input *in;
  uint8_t *data;
  size_t len;
  const char *sid;
  char sid_buf[RB_SID_MAX];
  char path[RB_PATH_BUF];
  char ansi[RB_PATH_UNITS * 4 + 1];
};

static tl_rc
rb_emit(struct rb_state *s, uint64_t ft, uint64_t off, const char *what,
        const struct tl_attr *attrs, size_t n)
{
  struct tl_artifact_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.struct_size = sizeof(ev);
  ev.kind = TL_EV_DELETED;
  ev.t_ns = s->api->filetime_to_ns(ft, &ev.clamped);
  ev.has_raw = 1;
  ev.raw = (int64_t)ft;
  ev.file.kind = TL_REF_PATH;
  ev.file.path = s->path;
  ev.actor = s->sid;
  ev.record_offset = off;
  ev.what = what;
  ev.attrs = attrs;
  ev.n_attrs = n;
  return s->api->emit(s->in, &ev);
}

/* A $I file: one record. */
static tl_rc
rb_dollar_i(struct rb_state *s)
{
  const uint8_t *d = s->data;
  uint64_t version = get64(d), size = 0, ft;
  struct tl_attr attrs[6];
  char size_s[24], ver_s[8], rname[256];
  const char *base = rb_base(s->api->input_path(s->in));
  size_t n = 0, units, got;
  int has_size = 1, cut = 0;
  tl_rc rc;

  if(version == 1) {
    size_t at = 24;
    if(s->len == 543) {
      /* a 543-byte $I (seen from early Vista): the size field is one byte
      ** short, so the time and the path sit one byte early */
      has_size = 0;
      at = 23;
      ft = get64(d + 15);
      s->api->warn(s->in, "recyclebin: $I of 543 bytes: 7-byte size field, "
                   "size unknown");
    } else {
      size = get64(d + 8);
      ft = get64(d + 16);
    }
    units = (s->len - at) / 2;
    if(units > RB_PATH_UNITS)
      units = RB_PATH_UNITS;
    got = rb_utf16(d + at, units, s->path);
    if(got == units && s->len < at + 2 * RB_PATH_UNITS)
      cut = 1;                  /* no NUL before the end of a short file */
  } else {
    uint32_t count = get32(d + 24);
    size = get64(d + 8);
    ft = get64(d + 16);
    units = (s->len - 28) / 2;
    if(count < units)
      units = count;
    if(units > RB_V2_MAX_UNITS)
      units = RB_V2_MAX_UNITS;
    got = rb_utf16(d + 28, units, s->path);
    if(got == units && (uint64_t)count > units)
      cut = 1;                  /* the path runs past the end of the file */
  }
  if(!s->path[0]) {
    s->api->corrupt(s->in, 0, "$I record without a path");
    return TL_FAILED;
  }
  if(cut)
    s->api->corrupt(s->in, 0, "$I path cut by the end of the file (kept "
                    "as far as it goes)");

  if(has_size) {
    snprintf(size_s, sizeof(size_s), "%llu", (unsigned long long)size);
    attrs[n].key = "size";
    attrs[n++].value = size_s;
  }
  snprintf(ver_s, sizeof(ver_s), "%u", (unsigned)version);
  attrs[n].key = "version";
  attrs[n++].value = ver_s;
  attrs[n].key = "format";
  attrs[n++].value = "$I";
  if(base && (base[0] == '$') && (base[1] == 'I' || base[1] == 'i') &&
     strlen(base) < sizeof(rname)) {
    attrs[n].key = "index";
    attrs[n++].value = base;
    snprintf(rname, sizeof(rname), "$R%s", base + 2);
    attrs[n].key = "content_file";
    attrs[n++].value = rname;
  }
  if(cut) {
    attrs[n].key = "path_truncated";
    attrs[n++].value = "yes";
  }
  rc = rb_emit(s, ft, 0, "Recycle Bin: deleted", attrs, n);
  if(rc == TL_STOP)
    rc = TL_OK;
  return rc == TL_OK && cut ? TL_CORRUPT : rc;
}

/* An INFO2 (INFO) index: a 20-byte header and fixed-size records. */
static tl_rc
rb_info2(struct rb_state *s)
{
  const uint8_t *d = s->data;
  uint32_t version = get32(d), recsize = get32(d + 12);
  size_t off, n_emitted = 0, n_bad = 0;
  int warned_ansi = 0;
  tl_rc rc = TL_OK;

  for(off = INFO2_HDR; off < s->len; off += recsize) {
    const uint8_t *r = d + off;
    size_t avail = s->len - off, n = 0, i;
    struct tl_attr attrs[10];
    char size_s[16], ver_s[16], idx_s[16], drv_s[16], letter[2], dname[64];
    uint32_t idx, drive;
    uint64_t ft;
    int removed, from_ansi = 0, cut = 0;
    char lead;
    const char *ext;
    tl_rc erc;

    if(avail < INFO2_ANSI) {
      for(i = 0; i < avail && !r[i]; i++)
        ;
      if(i < avail) {
        s->api->corrupt(s->in, off, "INFO2 record cut by the end of the file");
        n_bad++;
      }
      break;
    }
    for(i = 0; i < INFO2_ANSI && !r[i]; i++)
      ;
    if(i == INFO2_ANSI)
      continue;                 /* an unused (zero) record */
    idx = get32(r + 260);
    drive = get32(r + 264);
    ft = get64(r + 268);
    removed = r[0] == 0;
    /* a restored or purged entry loses its first byte (the drive letter,
    ** or the first '\\' of a UNC path): the drive number gives it back */
    lead = !removed ? 0 : drive < 26 ? (char)('A' + drive) :
      drive == 26 ? '\\' : 0;
    s->path[0] = '\0';
    if(recsize == INFO2_UNICODE) {
      size_t units = RB_PATH_UNITS, skip = 0;
      if(avail < INFO2_UNICODE) {
        units = (avail - INFO2_ANSI) / 2;
        cut = 1;
      }
      if(lead && units > 1 && !get16(r + INFO2_ANSI) &&
         get16(r + INFO2_ANSI + 2)) {
        s->path[0] = lead;
        skip = 1;
      }
      if(rb_utf16(r + INFO2_ANSI + 2 * skip, units - skip, s->path + skip) ==
         units - skip && cut)
        s->path[0] = '\0';      /* no NUL in what is left: use the ANSI */
    }
    if(!s->path[0]) {
      int high;
      from_ansi = 1;
      if(lead) {
        s->path[0] = lead;
        high = rb_ansi(r + 1, RB_PATH_UNITS - 1, s->path + 1);
      } else
        high = rb_ansi(r, RB_PATH_UNITS, s->path);
      if(high && !warned_ansi) {
        s->api->warn(s->in, "recyclebin: INFO2 ANSI paths in an unknown "
                     "code page: bytes above 0x7F kept as \\xNN");
        warned_ansi = 1;
      }
    }
    if(!s->path[0] || (lead && s->path[1] == '\0')) {
      s->api->corrupt(s->in, off, "INFO2 record without a path");
      n_bad++;
      continue;
    }
    if(cut)
      s->api->corrupt(s->in, off, from_ansi ?
                      "INFO2 record cut by the end of the file (path from "
                      "its ANSI field)" : "INFO2 record cut by the end of "
                      "the file (its path is whole)");
    n_bad += cut;

    snprintf(size_s, sizeof(size_s), "%u", (unsigned)get32(r + 276));
    snprintf(ver_s, sizeof(ver_s), "%u", (unsigned)version);
    snprintf(idx_s, sizeof(idx_s), "%u", (unsigned)idx);
    snprintf(drv_s, sizeof(drv_s), "%u", (unsigned)drive);
    attrs[n].key = "size";
    attrs[n++].value = size_s;
    attrs[n].key = "version";
    attrs[n++].value = ver_s;
    attrs[n].key = "format";
    attrs[n++].value = "INFO2";
    attrs[n].key = "index";
    attrs[n++].value = idx_s;
    attrs[n].key = "drive";
    attrs[n++].value = drv_s;
    if(drive < 26) {
      /* the content file: D<drive letter><index><extension> */
      letter[0] = (char)('a' + drive);
      letter[1] = '\0';
      ext = strrchr(rb_base(s->path), '.');
      snprintf(dname, sizeof(dname), "D%s%u%s", letter, (unsigned)idx,
               ext && strlen(ext) < 40 ? ext : "");
      attrs[n].key = "content_file";
      attrs[n++].value = dname;
    }
    if(removed) {
      /* restored or purged since: the record stays, its name is blanked */
      attrs[n].key = "removed";
      attrs[n++].value = "yes";
    }
    if(from_ansi && recsize == INFO2_UNICODE) {
      attrs[n].key = "path_source";
      attrs[n++].value = "ansi";
    } else if(recsize == INFO2_UNICODE) {
      /* the ANSI field often holds the 8.3 names: keep it when it differs */
      if(lead) {
        s->ansi[0] = lead;
        rb_ansi(r + 1, RB_PATH_UNITS - 1, s->ansi + 1);
      } else
        rb_ansi(r, RB_PATH_UNITS, s->ansi);
      if(s->ansi[0] && strcmp(s->ansi, s->path)) {
        attrs[n].key = "ansi_path";
        attrs[n++].value = s->ansi;
      }
    }
    erc = rb_emit(s, ft, off, "Recycle Bin (INFO2): deleted", attrs, n);
    if(erc == TL_STOP)
      break;
    if(erc == TL_USAGE) {
      n_bad++;
      continue;
    }
    if(erc != TL_OK) {
      rc = erc;
      break;
    }
    n_emitted++;
    if(avail < recsize)
      break;
  }
  if(rc == TL_OK && n_bad)
    rc = n_emitted ? TL_CORRUPT : TL_FAILED;
  return rc;
}

/* What the first bytes are: 1 $I, 2 INFO2, 0 neither. */
static int
rb_kind(const uint8_t *d, size_t len)
{
  uint32_t recsize;
  uint64_t v;
  if(len >= INFO2_HDR) {
    recsize = get32(d + 12);
    if(get32(d) <= 5 && (recsize == INFO2_ANSI || recsize == INFO2_UNICODE))
      return 2;
  }
  if(len >= 28) {
    v = get64(d);
    if(v == 1 || v == 2)
      return 1;
  }
  return 0;
}

static tl_rc
rb_parse(const struct tl_host_api *api, tl_input *in)
{
  struct rb_state *s;
  uint64_t size = api->input_size(in);
  size_t got = 0;
  tl_rc rc;
  int kind;

  /* an INFO2 of 64 MiB holds 80000 records; a $I is under 64 KiB */
  if(size > (UINT64_C(64) << 20)) {
    api->corrupt(in, 0, "larger than any Recycle Bin record file (64 MiB)");
    return TL_FAILED;
  }
  if(!(s = api->alloc(sizeof(*s))))
    return TL_FAILED;
  memset(s, 0, sizeof(*s));
  s->api = api;
  s->in = in;
  s->len = (size_t)size;
  if(!(s->data = api->alloc(s->len ? s->len : 1))) {
    api->free(s);
    return TL_FAILED;
  }
  if(api->read_at(in, 0, s->data, s->len, &got) != TL_OK || got != s->len) {
    api->warn(in, "recyclebin: read error");
    rc = TL_IO;
    goto out;
  }
  s->sid = rb_sid(api->input_path(in), s->sid_buf);
  kind = rb_kind(s->data, s->len);
  if(kind == 1)
    rc = rb_dollar_i(s);
  else if(kind == 2)
    rc = rb_info2(s);
  else {
    api->corrupt(in, 0, "neither a $I file nor an INFO2 index (bad header)");
    rc = TL_FAILED;
  }
out:
  api->free(s->data);
  api->free(s);
  return rc;
}

static int
rb_bid(const uint8_t *head, size_t len)
{
  int k = rb_kind(head, len);
  if(k == 1) {
    /* version and the zero high bytes of a FILETIME */
    return head[23] == 0x01 ? 72 : 64;
  }
  if(k == 2)
    return 64;
  return 0;
}

static const char *const rb_globs[] = {
  "/$Recycle.Bin/**/$I*", "/RECYCLER/**/INFO2", "/RECYCLED/INFO2",
  "/RECYCLED/INFO", NULL
};
static const char *const rb_names[] = { "INFO2", NULL };

static const struct tl_parser rb_parser = {
  TL_PARSER_STRUCT_VERSION,
  "recyclebin",
  "1.0.0",
  "Windows Recycle Bin: $I files (Vista and later, v1 and v2) and INFO2 "
  "(Windows 95 to XP)",
  TL_CAP_THREADSAFE,
  { rb_globs, rb_names, NULL, NULL, 0, 0 },
  rb_bid,
  rb_parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(recyclebin)(const struct tl_host_api *api,
                            tl_plugin_ctx *ctx, char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(recyclebin)(const struct tl_host_api *api,
                            tl_plugin_ctx *ctx, char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &rb_parser);
}
