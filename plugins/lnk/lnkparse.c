/*
** The Shell Link reader of plugins/lnk and plugins/jumplist (lnkparse.h).
**
** Why not liblnk: Debian 12's liblnk (20181227) opens a link only from a
** file name or a libbfio handle, and Debian's libbfio (20170123) has no
** memory-range handle, while a parser gets its bytes only through
** api->read_at. Its string getters also reject or rewrite unpaired UTF-16
** surrogates, which touchline keeps as \uXXXX. So this is a small reader
** of [MS-SHLLINK] over a buffer, every read checked against its end.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnkparse.h"

static const uint8_t lnk_clsid[16] = {
  0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
};

static uint16_t
le16(const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
le32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static uint64_t
le64(const uint8_t *p)
{
  return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

int
tlp_lnk_is_header(const uint8_t *p, size_t len)
{
  return len >= 20 && le32(p) == TLP_LNK_HEADER_SIZE &&
         !memcmp(p + 4, lnk_clsid, 16);
}

/* Growing output buffer for the converters. */
struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
  if(b->oom)
    return;
  if(b->len + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    char *ns;
    while(nc < b->len + n + 1)
      nc *= 2;
    if(!(ns = realloc(b->s, nc))) {
      b->oom = 1;
      return;
    }
    b->s = ns;
    b->cap = nc;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

static void
sb_cp(struct sbuf *b, uint32_t c)
{
  char u[4];
  if(c < 0x80) {
    u[0] = (char)c;
    sb_put(b, u, 1);
  }
  else if(c < 0x800) {
    u[0] = (char)(0xc0 | (c >> 6));
    u[1] = (char)(0x80 | (c & 0x3f));
    sb_put(b, u, 2);
  }
  else if(c < 0x10000) {
    u[0] = (char)(0xe0 | (c >> 12));
    u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
    u[2] = (char)(0x80 | (c & 0x3f));
    sb_put(b, u, 3);
  }
  else {
    u[0] = (char)(0xf0 | (c >> 18));
    u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    u[3] = (char)(0x80 | (c & 0x3f));
    sb_put(b, u, 4);
  }
}

static char *
sb_done(struct sbuf *b)
{
  if(!b->oom && !b->s)
    sb_put(b, "", 0);
  if(b->oom) {
    free(b->s);
    return NULL;
  }
  return b->s;
}

char *
tlp_utf16_to_utf8(const uint8_t *p, size_t n, int stop_at_nul)
{
  struct sbuf b = { NULL, 0, 0, 0 };
  size_t i;
  for(i = 0; i < n; i++) {
    uint32_t c = le16(p + 2 * i);
    if(!c) {
      /* a NUL inside a counted string would cut it: kept visible */
      if(stop_at_nul)
        break;
      sb_put(&b, "\\u0000", 6);
      continue;
    }
    if(c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t d = le16(p + 2 * i + 2);
      if(d >= 0xdc00 && d < 0xe000) {
        sb_cp(&b, 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
        i++;
        continue;
      }
    }
    if(c >= 0xd800 && c < 0xe000) {
      char esc[8];
      snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c);
      sb_put(&b, esc, 6);
      continue;
    }
    sb_cp(&b, c);
  }
  return sb_done(&b);
}

/* Windows-1252 (the usual ANSI code page of the links we meet) for
** 0x80..0x9f; the other bytes are Latin-1. */
static const uint16_t cp1252[32] = {
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6,
  0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178
};

static char *
ansi_to_utf8(const uint8_t *p, size_t n, int stop_at_nul)
{
  struct sbuf b = { NULL, 0, 0, 0 };
  size_t i;
  for(i = 0; i < n; i++) {
    uint32_t c = p[i];
    if(!c) {
      if(stop_at_nul)
        break;
      sb_put(&b, "\\u0000", 6);
      continue;
    }
    sb_cp(&b, c >= 0x80 && c < 0xa0 ? cp1252[c - 0x80] : c);
  }
  return sb_done(&b);
}

/* A NUL-terminated string at off inside [base, base + len): ANSI, or
** UTF-16 when wide. NULL when it does not start inside. */
static char *
cstr_at(const uint8_t *base, size_t len, size_t off, int wide, int *oom)
{
  char *s;
  if(off >= len)
    return NULL;
  if(wide)
    s = tlp_utf16_to_utf8(base + off, (len - off) / 2, 1);
  else
    s = ansi_to_utf8(base + off, len - off, 1);
  if(!s)
    *oom = 1;
  return s;
}

/* --- the shell item list: a path for people, best effort ----------- */

/* The long name of a file entry item from its 0xbeef0004 extension
** block (libfwsi's layout), or NULL. */
static char *
beef0004_name(const uint8_t *x, size_t n)
{
  uint16_t size, ver;
  size_t off;
  if(n < 8)
    return NULL;
  size = le16(x);
  ver = le16(x + 2);
  if(size > n || size < 20 || le32(x + 4) != 0xbeef0004u || ver < 3)
    return NULL;
  off = 18;
  if(ver >= 7)
    off += 18;          /* unknown 2, file reference 8, unknown 8 */
  off += 2;             /* long string size */
  if(ver >= 9)
    off += 4;
  if(ver >= 8)
    off += 4;
  if(off + 2 > (size_t)size)
    return NULL;
  return tlp_utf16_to_utf8(x + off, ((size_t)size - off) / 2, 1);
}

static void
path_add(struct sbuf *b, const char *part)
{
  if(b->len && b->s[b->len - 1] != '\\')
    sb_put(b, "\\", 1);
  sb_put(b, part, strlen(part));
}

/* Volume items give "C:\", file entry items their names. Other items
** (the root folder, network places, URIs) end the path when a file
** entry follows, so a path is given only for what is understood. */
static char *
idlist_path(const uint8_t *p, size_t len, int *oom)
{
  struct sbuf b = { NULL, 0, 0, 0 };
  size_t off = 0;
  int parts = 0;
  while(off + 2 <= len) {
    uint16_t isz = le16(p + off);
    const uint8_t *it = p + off;
    uint8_t type;
    if(!isz)
      break;
    if(isz < 3 || isz > len - off)
      break;
    type = it[2];
    if((type & 0x70) == 0x20 && isz >= 6) {
      /* "C:\": ANSI like the rest, so any byte is valid UTF-8 after */
      char *drive = ansi_to_utf8(it + 3, 3, 1);
      if(!drive) {
        b.oom = 1;
        break;
      }
      b.len = 0;
      sb_put(&b, drive, strlen(drive));
      free(drive);
      parts++;
    }
    else if((type & 0x70) == 0x30 && isz >= 14) {
      int wide = type & 0x04;
      size_t nstart = 14, nend = nstart;
      char *name = NULL, *lng = NULL;
      if(wide) {
        while(nend + 1 < isz && (it[nend] || it[nend + 1]))
          nend += 2;
        name = tlp_utf16_to_utf8(it + nstart, (nend - nstart) / 2, 1);
        nend += 2;
      }
      else {
        while(nend < isz && it[nend])
          nend++;
        name = ansi_to_utf8(it + nstart, nend - nstart, 1);
        nend++;
        if(nend & 1)
          nend++;
      }
      if(nend + 8 <= isz)
        lng = beef0004_name(it + nend, isz - nend);
      if(lng && *lng)
        path_add(&b, lng);
      else if(name)
        path_add(&b, name);
      else
        b.oom = 1;
      parts++;
      free(name);
      free(lng);
    }
    else if(parts) {
      /* something not understood after the path started: stop */
      break;
    }
    off += isz;
  }
  if(!parts || b.oom) {
    if(b.oom)
      *oom = 1;
    free(b.s);
    return NULL;
  }
  return sb_done(&b);
}

/* --- LinkInfo ------------------------------------------------------ */

static const char *
link_info(const uint8_t *p, size_t len, struct tlp_lnk *l, int *oom)
{
  uint32_t hsize, flags, vol, lbase, cnrl, suffix;
  int uni;
  if(len < 0x1c)
    return "LinkInfo header cut short";
  hsize = le32(p + 4);
  flags = le32(p + 8);
  vol = le32(p + 12);
  lbase = le32(p + 16);
  cnrl = le32(p + 20);
  suffix = le32(p + 24);
  if(hsize < 0x1c || hsize > len)
    return "LinkInfo header size out of range";
  uni = hsize >= 0x24 && len >= 0x24;
  if(flags & 1) {
    const uint8_t *v;
    uint32_t vsize, loff;
    if(vol < hsize || vol > len - 0x10)
      return "VolumeID out of range";
    v = p + vol;
    vsize = le32(v);
    if(vsize < 0x10 || vsize > len - vol)
      return "VolumeID size out of range";
    l->has_volume = 1;
    l->drive_type = le32(v + 4);
    l->serial = le32(v + 8);
    loff = le32(v + 12);
    if(loff == 0x14 && vsize >= 0x14)
      l->volume_label = cstr_at(v, vsize, le32(v + 16), 1, oom);
    else
      l->volume_label = cstr_at(v, vsize, loff, 0, oom);
    if(uni && le32(p + 0x1c))
      l->local_base = cstr_at(p, len, le32(p + 0x1c), 1, oom);
    else
      l->local_base = cstr_at(p, len, lbase, 0, oom);
  }
  if(flags & 2) {
    const uint8_t *c;
    uint32_t csize, noff, doff;
    if(cnrl < hsize || cnrl > len - 0x14)
      return "CommonNetworkRelativeLink out of range";
    c = p + cnrl;
    csize = le32(c);
    if(csize < 0x14 || csize > len - cnrl)
      return "CommonNetworkRelativeLink size out of range";
    noff = le32(c + 8);
    doff = le32(c + 12);
    if(noff > 0x14 && csize >= 0x1c) {
      l->net_name = cstr_at(c, csize, le32(c + 0x14), 1, oom);
      if(le32(c + 4) & 1)
        l->device_name = cstr_at(c, csize, le32(c + 0x18), 1, oom);
    }
    else {
      l->net_name = cstr_at(c, csize, noff, 0, oom);
      if(le32(c + 4) & 1)
        l->device_name = cstr_at(c, csize, doff, 0, oom);
    }
  }
  if(uni && hsize >= 0x24 && le32(p + 0x20))
    l->common_suffix = cstr_at(p, len, le32(p + 0x20), 1, oom);
  else if(flags & 3)
    l->common_suffix = cstr_at(p, len, suffix, 0, oom);
  return NULL;
}

/* --- the link ------------------------------------------------------ */

static char *
join(const char *a, const char *b)
{
  size_t la = strlen(a), lb = b ? strlen(b) : 0;
  int sep = lb && la && a[la - 1] != '\\' && b[0] != '\\';
  char *s = malloc(la + lb + 2);
  if(!s)
    return NULL;
  memcpy(s, a, la);
  if(sep)
    s[la++] = '\\';
  if(lb)
    memcpy(s + la, b, lb);
  s[la + lb] = 0;
  return s;
}

static char *
dup_str(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if(d)
    memcpy(d, s, n);
  return d;
}

/* The target path: LinkInfo's local base path + common path suffix; else
** its network share name + suffix; else the relative path; else the
** shell item list's path. */
static int
set_target(struct tlp_lnk *l)
{
  if(l->local_base && *l->local_base)
    l->target = join(l->local_base, l->common_suffix);
  else if(l->net_name && *l->net_name)
    l->target = join(l->net_name, l->common_suffix);
  else if(l->relative_path && *l->relative_path)
    l->target = dup_str(l->relative_path);
  else if(l->idlist_path && *l->idlist_path)
    l->target = dup_str(l->idlist_path);
  else
    return 0;
  return l->target ? 0 : -1;
}

int
tlp_lnk_parse(const uint8_t *p, size_t len, struct tlp_lnk *l)
{
  size_t off = TLP_LNK_HEADER_SIZE;
  char **strs[5];
  int oom = 0, i;

  memset(l, 0, sizeof(*l));
  if(!tlp_lnk_is_header(p, len)) {
    l->problem = "not a Shell Link header";
    return -1;
  }
  if(len < TLP_LNK_HEADER_SIZE) {
    l->problem = "Shell Link header cut short";
    return -1;
  }
  l->flags = le32(p + 0x14);
  l->attrs = le32(p + 0x18);
  l->ctime = le64(p + 0x1c);
  l->atime = le64(p + 0x24);
  l->mtime = le64(p + 0x2c);
  l->file_size = le32(p + 0x34);
  l->size = len;

  if(l->flags & TLP_LNK_HAS_IDLIST) {
    uint16_t n;
    if(off + 2 > len) {
      l->problem = "LinkTargetIDList cut short";
      goto partial;
    }
    n = le16(p + off);
    if(n > len - off - 2) {
      l->problem = "LinkTargetIDList runs past the end";
      goto partial;
    }
    l->idlist_path = idlist_path(p + off + 2, n, &oom);
    off += 2 + (size_t)n;
  }
  if(l->flags & TLP_LNK_HAS_LINKINFO) {
    uint32_t n;
    if(off + 4 > len) {
      l->problem = "LinkInfo cut short";
      goto partial;
    }
    n = le32(p + off);
    if(n < 4 || n > len - off) {
      l->problem = "LinkInfo size out of range";
      goto partial;
    }
    if((l->problem = link_info(p + off, n, l, &oom)))
      goto partial;
    off += n;
  }
  strs[0] = (l->flags & TLP_LNK_HAS_NAME) ? &l->description : NULL;
  strs[1] = (l->flags & TLP_LNK_HAS_RELPATH) ? &l->relative_path : NULL;
  strs[2] = (l->flags & TLP_LNK_HAS_WORKDIR) ? &l->working_dir : NULL;
  strs[3] = (l->flags & TLP_LNK_HAS_ARGS) ? &l->arguments : NULL;
  strs[4] = (l->flags & TLP_LNK_HAS_ICON) ? &l->icon : NULL;
  for(i = 0; i < 5; i++) {
    size_t n, bytes;
    if(!strs[i])
      continue;
    if(off + 2 > len) {
      l->problem = "StringData cut short";
      goto partial;
    }
    n = le16(p + off);
    bytes = (l->flags & TLP_LNK_UNICODE) ? 2 * n : n;
    off += 2;
    if(bytes > len - off) {
      l->problem = "StringData runs past the end";
      goto partial;
    }
    *strs[i] = (l->flags & TLP_LNK_UNICODE) ?
      tlp_utf16_to_utf8(p + off, n, 0) : ansi_to_utf8(p + off, n, 0);
    if(!*strs[i])
      oom = 1;
    off += bytes;
  }
  /* ExtraData: blocks until one smaller than 4 bytes */
  for(;;) {
    uint32_t bsize;
    if(off + 4 > len) {
      l->problem = "ExtraData has no terminal block";
      goto partial;
    }
    bsize = le32(p + off);
    if(bsize < 4) {
      off += 4;
      break;
    }
    if(bsize < 8 || bsize > len - off) {
      l->problem = "ExtraData block size out of range";
      goto partial;
    }
    if(le32(p + off + 4) == 0xa0000003u && bsize >= 0x60 && !l->machine_id)
      l->machine_id = cstr_at(p + off + 16, 16, 0, 0, &oom);
    off += bsize;
  }
  l->size = off;
  if(set_target(l) < 0 || oom)
    goto nomem;
  return 0;
partial:
  if(set_target(l) < 0 || oom)
    goto nomem;
  return 1;
nomem:
  l->problem = "out of memory";
  return -1;
}

void
tlp_lnk_free(struct tlp_lnk *l)
{
  free(l->volume_label);
  free(l->local_base);
  free(l->common_suffix);
  free(l->net_name);
  free(l->device_name);
  free(l->description);
  free(l->relative_path);
  free(l->working_dir);
  free(l->arguments);
  free(l->icon);
  free(l->idlist_path);
  free(l->machine_id);
  free(l->target);
  memset(l, 0, sizeof(*l));
}

/* --- events -------------------------------------------------------- */

#define LNK_MAX_ATTRS 24

static void
add_attr(struct tl_attr *at, size_t *n, size_t max, const char *k,
         const char *v)
{
  if(v && *v && *n < max) {
    at[*n].key = k;
    at[*n].value = v;
    (*n)++;
  }
}

size_t
tlp_lnk_attrs(const struct tlp_lnk *l, struct tlp_lnk_attrbuf *b,
              struct tl_attr *at, size_t n, size_t max)
{
  memset(b, 0, sizeof(*b));
  if(l->local_base && *l->local_base)
    b->local = join(l->local_base, l->common_suffix);
  if(l->net_name && *l->net_name)
    b->net = join(l->net_name, l->common_suffix);
  snprintf(b->flags, sizeof(b->flags), "0x%08x", (unsigned)l->flags);
  snprintf(b->fattrs, sizeof(b->fattrs), "0x%08x", (unsigned)l->attrs);
  snprintf(b->size, sizeof(b->size), "%lu", (unsigned long)l->file_size);
#define ADD(k, v) add_attr(at, &n, max, (k), (v))
  ADD("link_flags", b->flags);
  ADD("file_attributes", b->fattrs);
  ADD("size", b->size);
  if(l->has_volume) {
    snprintf(b->dtype, sizeof(b->dtype), "%lu", (unsigned long)l->drive_type);
    snprintf(b->serial, sizeof(b->serial), "0x%08x", (unsigned)l->serial);
    ADD("drive_type", b->dtype);
    ADD("volume_serial", b->serial);
  }
  ADD("volume_label", l->volume_label);
  ADD("machine_id", l->machine_id);
  ADD("local_path", b->local);
  ADD("network_path", b->net);
  ADD("device_name", l->device_name);
  ADD("relative_path", l->relative_path);
  ADD("working_dir", l->working_dir);
  ADD("arguments", l->arguments);
  ADD("description", l->description);
  ADD("icon_location", l->icon);
  ADD("item_path", l->idlist_path);
#undef ADD
  return n;
}

void
tlp_lnk_attrbuf_free(struct tlp_lnk_attrbuf *b)
{
  free(b->local);
  free(b->net);
  b->local = b->net = NULL;
}

tl_rc
tlp_lnk_emit(const struct tl_host_api *api, tl_input *in,
             const struct tlp_lnk *l, uint64_t off, const char *src,
             int opened, const struct tl_attr *extra, size_t n_extra)
{
  struct tl_attr at[LNK_MAX_ATTRS];
  struct tlp_lnk_attrbuf ab;
  char what[64];
  size_t n, i;
  tl_rc rc = TL_OK;
  struct {
    uint64_t ft;
    const char *which, *label;
  } times[3];

  at[0].key = "time";
  at[0].value = NULL;
  n = tlp_lnk_attrs(l, &ab, at, 1, LNK_MAX_ATTRS);
  for(i = 0; i < n_extra; i++)
    add_attr(at, &n, LNK_MAX_ATTRS, extra[i].key, extra[i].value);

  times[0].ft = l->ctime;
  times[0].which = "target_created";
  times[0].label = "target created (stored)";
  times[1].ft = l->mtime;
  times[1].which = "target_modified";
  times[1].label = "target modified (stored)";
  times[2].ft = l->atime;
  times[2].which = "target_accessed";
  times[2].label = "target accessed (stored)";
  for(i = 0; i < 4 && rc == TL_OK; i++) {
    struct tl_artifact_event ev;
    const int k = i < 3 ? (int)i : 2;
    if(!times[k].ft || (i == 3 && !opened))
      continue;
    memset(&ev, 0, sizeof(ev));
    ev.struct_size = sizeof(ev);
    ev.kind = i == 3 ? TL_EV_OPENED : TL_EV_OBSERVED;
    ev.t_ns = api->filetime_to_ns(times[k].ft, &ev.clamped);
    ev.has_raw = 1;
    ev.raw = (int64_t)times[k].ft;
    if(l->target) {
      ev.file.kind = TL_REF_PATH;
      ev.file.path = l->target;
    }
    ev.actor = api->input_profile(in);
    ev.record_offset = off;
    snprintf(what, sizeof(what), "%s: %s", src,
             i == 3 ? "target opened" : times[k].label);
    ev.what = what;
    at[0].value = i == 3 ? "target_accessed" : times[k].which;
    ev.attrs = at;
    ev.n_attrs = n;
    rc = api->emit(in, &ev);
  }
  tlp_lnk_attrbuf_free(&ab);
  return rc == TL_USAGE ? TL_OK : rc;
}

tl_rc
tlp_read_all(const struct tl_host_api *api, tl_input *in, size_t max,
             uint8_t **buf, size_t *len)
{
  uint64_t size = api->input_size(in);
  size_t got = 0, n;
  uint8_t *b;
  char msg[128];
  *buf = NULL;
  *len = 0;
  if(size > max) {
    snprintf(msg, sizeof(msg), "%llu bytes: larger than the %lu this parser "
             "reads; not parsed", (unsigned long long)size,
             (unsigned long)max);
    api->warn(in, msg);
    return TL_FAILED;
  }
  if(!(b = api->alloc(size ? (size_t)size : 1)))
    return TL_NOMEM;
  while(got < (size_t)size) {
    if(api->read_at(in, got, b + got, (size_t)size - got, &n) != TL_OK) {
      api->warn(in, "read error");
      api->free(b);
      return TL_FAILED;
    }
    if(!n)
      break;
    got += n;
  }
  *buf = b;
  *len = got;
  return TL_OK;
}
