/*
** usnjrnl: the NTFS update sequence number (USN) change journal,
** $Extend/$UsnJrnl:$J (README.md next to this file). One event per
** record of version 2 or 3; version 4 range records carry no time and
** are skipped and counted. Written against include/touchline/plugin.h
** only, with no dependency but libc.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <touchline/plugin.h>

/* Reads go through a window of this many bytes: the leading sparse part
** of a journal may be gigabytes of zeros. */
#define USN_BLOCK (1u << 20)
/* A record is at most this long (a V2/V3 header and a 255-unit name are
** under 600 bytes; V4 extents are bounded by this too). */
#define USN_MAX_REC 65536u
#define USN_MIN_REC 60u
#define USN_NAME_MAX 255u
/* UTF-8 of up to 255 UTF-16 units, "\uXXXX" (6 bytes) at worst each */
#define USN_NAME_BUF (USN_NAME_MAX * 6 + 1)
#define USN_PENDING 8
#define USN_MAX_ATTRS 12

/* USN_REASON_* (winioctl.h), in the order they are printed */
static const struct {
  uint32_t bit;
  const char *name;
  const char *words;
} usn_reasons[] = {
  { 0x00000001u, "DATA_OVERWRITE", "data overwrite" },
  { 0x00000002u, "DATA_EXTEND", "data extend" },
  { 0x00000004u, "DATA_TRUNCATION", "data truncation" },
  { 0x00000010u, "NAMED_DATA_OVERWRITE", "named data overwrite" },
  { 0x00000020u, "NAMED_DATA_EXTEND", "named data extend" },
  { 0x00000040u, "NAMED_DATA_TRUNCATION", "named data truncation" },
  { 0x00000100u, "FILE_CREATE", "file create" },
  { 0x00000200u, "FILE_DELETE", "file delete" },
  { 0x00000400u, "EA_CHANGE", "EA change" },
  { 0x00000800u, "SECURITY_CHANGE", "security change" },
  { 0x00001000u, "RENAME_OLD_NAME", "rename old name" },
  { 0x00002000u, "RENAME_NEW_NAME", "rename new name" },
  { 0x00004000u, "INDEXABLE_CHANGE", "indexable change" },
  { 0x00008000u, "BASIC_INFO_CHANGE", "basic info change" },
  { 0x00010000u, "HARD_LINK_CHANGE", "hard link change" },
  { 0x00020000u, "COMPRESSION_CHANGE", "compression change" },
  { 0x00040000u, "ENCRYPTION_CHANGE", "encryption change" },
  { 0x00080000u, "OBJECT_ID_CHANGE", "object id change" },
  { 0x00100000u, "REPARSE_POINT_CHANGE", "reparse point change" },
  { 0x00200000u, "STREAM_CHANGE", "stream change" },
  { 0x00400000u, "TRANSACTED_CHANGE", "transacted change" },
  { 0x00800000u, "INTEGRITY_CHANGE", "integrity change" },
  { 0x01000000u, "DESIRED_STORAGE_CLASS_CHANGE",
    "desired storage class change" },
  { 0x80000000u, "CLOSE", "close" }
};

#define R_DATA 0x00000077u        /* (named) data overwrite/extend/trunc. */
#define R_CREATE 0x00000100u
#define R_DELETE 0x00000200u
#define R_OLD_NAME 0x00001000u
#define R_NEW_NAME 0x00002000u
#define R_CLOSE 0x80000000u

/* A RENAME_OLD_NAME waiting for its RENAME_NEW_NAME. */
struct usn_pending {
  int used;
  uint64_t ref_lo, ref_hi;
  uint64_t seen;                  /* record number, for replacement */
  char name[USN_NAME_BUF];
};

/* The state of one parse (allocated: no globals, no large stack). */
struct usn_state {
  const struct tl_host_api *api;
  tl_input *in;
  uint64_t size;
  uint8_t *buf;                   /* the window */
  uint64_t win_off;
  size_t win_len;
  uint64_t n_records, n_v4, n_corrupt;
  int io_error;
  struct usn_pending pending[USN_PENDING];
  char name[USN_NAME_BUF];
  char reason[600], what[700];
};

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

/* Make [off, off + need) readable in the window; returns a pointer to off
** or NULL when the file ends before off + need (or a read fails). */
static const uint8_t *
usn_at(struct usn_state *s, uint64_t off, size_t need)
{
  size_t got = 0;
  tl_rc rc;
  if(need > USN_BLOCK || off >= s->size || s->size - off < need)
    return NULL;
  if(off >= s->win_off && off - s->win_off + need <= s->win_len)
    return s->buf + (off - s->win_off);
  rc = s->api->read_at(s->in, off, s->buf, USN_BLOCK, &got);
  if(rc != TL_OK) {
    s->io_error = 1;
    s->win_len = 0;
    return NULL;
  }
  s->win_off = off;
  s->win_len = got;
  return got >= need ? s->buf : NULL;
}

/* The first offset >= off (8-aligned) whose 8 bytes are not all zero, or
** the file size. Scans the window a word at a time and reads block after
** block, so gigabytes of leading zeros cost one pass of memory reads. */
static uint64_t
usn_skip_zeros(struct usn_state *s, uint64_t off)
{
  while(off < s->size) {
    const uint8_t *p;
    size_t avail, i;
    uint64_t left = s->size - off;
    if(left < 8) {
      /* a tail shorter than a word: zero or not, nothing can start here */
      p = usn_at(s, off, (size_t)left);
      if(!p)
        return s->size;
      for(i = 0; i < left; i++)
        if(p[i])
          return off;
      return s->size;
    }
    if(!(p = usn_at(s, off, 8)))
      return s->size;
    avail = s->win_len - (size_t)(off - s->win_off);
    avail &= ~(size_t)7;
    for(i = 0; i < avail; i += 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if(w)
        return off + i;
    }
    off += avail;
  }
  return s->size;
}

/* Append to a bounded buffer. */
static void
cat(char *dst, size_t cap, size_t *len, const char *src)
{
  size_t n = strlen(src);
  if(*len + n >= cap)
    n = *len + 1 < cap ? cap - *len - 1 : 0;
  memcpy(dst + *len, src, n);
  *len += n;
  dst[*len] = '\0';
}

/* "FILE_CREATE|CLOSE" into s->reason and "USN: file create, close" into
** s->what; unknown bits as 0x%08x. */
static void
usn_reason_text(struct usn_state *s, uint32_t r)
{
  size_t i, rl = 0, wl = 0;
  uint32_t known = 0;
  char hex[16];
  s->reason[0] = '\0';
  s->what[0] = '\0';
  cat(s->what, sizeof(s->what), &wl, "USN: ");
  for(i = 0; i < sizeof(usn_reasons) / sizeof(usn_reasons[0]); i++) {
    known |= usn_reasons[i].bit;
    if(!(r & usn_reasons[i].bit))
      continue;
    if(rl) {
      cat(s->reason, sizeof(s->reason), &rl, "|");
      cat(s->what, sizeof(s->what), &wl, ", ");
    }
    cat(s->reason, sizeof(s->reason), &rl, usn_reasons[i].name);
    cat(s->what, sizeof(s->what), &wl, usn_reasons[i].words);
  }
  if(r & ~known || !r) {
    snprintf(hex, sizeof(hex), "0x%08x", (unsigned)(r & ~known));
    if(rl) {
      cat(s->reason, sizeof(s->reason), &rl, "|");
      cat(s->what, sizeof(s->what), &wl, ", ");
    }
    cat(s->reason, sizeof(s->reason), &rl, hex);
    cat(s->what, sizeof(s->what), &wl, r ? hex : "no reason");
  }
}

/* The event kind: the most significant change of the record (README.md):
** delete > create > rename (new, then old name) > data > anything else. */
static uint32_t
usn_kind(uint32_t r)
{
  if(r & R_DELETE)
    return TL_EV_DELETED;
  if(r & R_CREATE)
    return TL_EV_CREATED;
  if(r & (R_NEW_NAME | R_OLD_NAME))
    return TL_EV_RENAMED;
  if(r & R_DATA)
    return TL_EV_MODIFIED;
  return TL_EV_CHANGED;
}

/* UTF-16LE (n units at p) to UTF-8 in out (USN_NAME_BUF bytes); unpaired
** surrogates become the text \uXXXX. */
static void
usn_utf16(const uint8_t *p, size_t n, char *out)
{
  size_t i, o = 0;
  if(n > USN_NAME_MAX)
    n = USN_NAME_MAX;
  for(i = 0; i < n; i++) {
    uint32_t c = get16(p + 2 * i);
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
}

/* What a header at p (len bytes available, len >= 8) is: the record
** length when it is a plausible record of a version we know, 0 when not;
** *why says why not. */
static uint32_t
usn_plausible(const uint8_t *p, size_t avail, const char **why)
{
  uint32_t len = get32(p);
  uint16_t major = get16(p + 4), minor = get16(p + 6);
  *why = NULL;
  if(major < 2 || major > 4 || minor > 1) {
    *why = "unknown record version";
    return 0;
  }
  if(len < USN_MIN_REC || len > USN_MAX_REC || len % 8) {
    *why = "implausible record length";
    return 0;
  }
  if(major == 2 || major == 3) {
    size_t hdr = major == 2 ? 60 : 76;
    uint16_t nlen, noff;
    if(len < hdr) {
      *why = "record shorter than its header";
      return 0;
    }
    if(avail < hdr)
      return len;             /* checked again once read whole */
    nlen = get16(p + hdr - 4);
    noff = get16(p + hdr - 2);
    if(noff < hdr || nlen % 2 || (uint32_t)noff + nlen > len) {
      *why = "file name outside the record";
      return 0;
    }
  } else {
    if(len < 64) {
      *why = "record shorter than its header";
      return 0;
    }
    if(avail >= 64 && (uint32_t)get16(p + 62) * get16(p + 60) > len - 64) {
      *why = "range extents outside the record";
      return 0;
    }
  }
  return len;
}

/* Note a RENAME_OLD_NAME; find (and keep) the one a RENAME_NEW_NAME
** pairs with. */
static void
usn_pending_put(struct usn_state *s, uint64_t lo, uint64_t hi,
                const char *name)
{
  struct usn_pending *slot = NULL;
  size_t i;
  for(i = 0; i < USN_PENDING; i++)
    if(s->pending[i].used && s->pending[i].ref_lo == lo &&
       s->pending[i].ref_hi == hi) {
      slot = &s->pending[i];
      break;
    }
  for(i = 0; !slot && i < USN_PENDING; i++)
    if(!s->pending[i].used)
      slot = &s->pending[i];
  if(!slot) {
    /* all in use: the oldest goes */
    slot = &s->pending[0];
    for(i = 1; i < USN_PENDING; i++)
      if(s->pending[i].seen < slot->seen)
        slot = &s->pending[i];
  }
  slot->used = 1;
  slot->ref_lo = lo;
  slot->ref_hi = hi;
  slot->seen = s->n_records;
  snprintf(slot->name, sizeof(slot->name), "%s", name);
}

static struct usn_pending *
usn_pending_get(struct usn_state *s, uint64_t lo, uint64_t hi)
{
  size_t i;
  for(i = 0; i < USN_PENDING; i++)
    if(s->pending[i].used && s->pending[i].ref_lo == lo &&
       s->pending[i].ref_hi == hi)
      return &s->pending[i];
  return NULL;
}

static void
usn_ref(struct tl_file_ref *f, uint64_t lo, uint64_t hi)
{
  if(hi) {
    /* a 128-bit ReFS file id: no MFT reference (kept as file_id) */
    f->kind = TL_REF_NONE;
    return;
  }
  f->kind = TL_REF_MFT;
  f->mft_entry = lo & UINT64_C(0xffffffffffff);
  f->mft_seq = (uint32_t)(lo >> 48);
}

/* Emit the V2/V3 record at off (len bytes at p). Returns the emit rc. */
static tl_rc
usn_emit(struct usn_state *s, uint64_t off, const uint8_t *p, uint32_t len)
{
  struct tl_artifact_event ev;
  struct tl_attr attrs[USN_MAX_ATTRS];
  char usn_s[24], src_s[16], fa_s[16], sec_s[16], ver_s[16], id_s[40];
  char pid_s[40];
  struct usn_pending *pend = NULL;
  int v3 = get16(p + 4) == 3;
  uint64_t ref_lo, ref_hi = 0, par_lo, par_hi = 0, ft;
  uint32_t reason, src, sec, fa;
  uint16_t nlen, noff;
  int64_t usn;
  size_t n = 0;
  tl_rc rc;

  if(v3) {
    ref_lo = get64(p + 8);
    ref_hi = get64(p + 16);
    par_lo = get64(p + 24);
    par_hi = get64(p + 32);
    p += 40;
  } else {
    ref_lo = get64(p + 8);
    par_lo = get64(p + 16);
    p += 24;
  }
  /* p now at Usn; the rest has one layout in both versions */
  usn = (int64_t)get64(p);
  ft = get64(p + 8);
  reason = get32(p + 16);
  src = get32(p + 20);
  sec = get32(p + 24);
  fa = get32(p + 28);
  nlen = get16(p + 32);
  noff = get16(p + 34);
  p -= v3 ? 40 : 24;
  usn_utf16(p + noff, nlen / 2u, s->name);
  (void)len;

  memset(&ev, 0, sizeof(ev));
  ev.struct_size = sizeof(ev);
  ev.kind = usn_kind(reason);
  ev.t_ns = s->api->filetime_to_ns(ft, &ev.clamped);
  ev.has_raw = 1;
  ev.raw = (int64_t)ft;
  usn_ref(&ev.file, ref_lo, ref_hi);
  usn_ref(&ev.parent, par_lo, par_hi);
  ev.name = s->name;
  ev.record_offset = off;
  usn_reason_text(s, reason);
  ev.what = s->what;

  snprintf(usn_s, sizeof(usn_s), "%lld", (long long)usn);
  snprintf(src_s, sizeof(src_s), "0x%08x", (unsigned)src);
  snprintf(fa_s, sizeof(fa_s), "0x%08x", (unsigned)fa);
  snprintf(sec_s, sizeof(sec_s), "%u", (unsigned)sec);
  snprintf(ver_s, sizeof(ver_s), "%u.%u", (unsigned)get16(p + 4),
           (unsigned)get16(p + 6));
  attrs[n].key = "usn";
  attrs[n++].value = usn_s;
  attrs[n].key = "reason";
  attrs[n++].value = s->reason;
  attrs[n].key = "source_info";
  attrs[n++].value = src_s;
  attrs[n].key = "file_attributes";
  attrs[n++].value = fa_s;
  attrs[n].key = "security_id";
  attrs[n++].value = sec_s;
  attrs[n].key = "version";
  attrs[n++].value = ver_s;
  if(ref_hi) {
    snprintf(id_s, sizeof(id_s), "%016llx%016llx", (unsigned long long)ref_hi,
             (unsigned long long)ref_lo);
    attrs[n].key = "file_id";
    attrs[n++].value = id_s;
  }
  if(par_hi) {
    snprintf(pid_s, sizeof(pid_s), "%016llx%016llx",
             (unsigned long long)par_hi, (unsigned long long)par_lo);
    attrs[n].key = "parent_file_id";
    attrs[n++].value = pid_s;
  }
  if(reason & R_NEW_NAME) {
    attrs[n].key = "role";
    attrs[n++].value = "new";
    if((pend = usn_pending_get(s, ref_lo, ref_hi)) != NULL) {
      attrs[n].key = "old_name";
      attrs[n++].value = pend->name;
    }
  } else if(reason & R_OLD_NAME) {
    attrs[n].key = "role";
    attrs[n++].value = "old";
  }
  ev.attrs = attrs;
  ev.n_attrs = n;
  rc = s->api->emit(s->in, &ev);

  /* the pairing state after the record */
  if(reason & R_OLD_NAME && !(reason & R_NEW_NAME))
    usn_pending_put(s, ref_lo, ref_hi, s->name);
  else if(pend && reason & R_CLOSE)
    pend->used = 0;               /* the rename is complete */
  return rc;
}

static void
usn_corrupt(struct usn_state *s, uint64_t off, const char *why)
{
  s->n_corrupt++;
  s->api->corrupt(s->in, off, why);
}

static tl_rc
usn_parse(const struct tl_host_api *api, tl_input *in)
{
  struct usn_state *s;
  uint64_t off = 0;
  int in_bad = 0;
  tl_rc rc = TL_OK;

  if(!(s = api->alloc(sizeof(*s))))
    return TL_FAILED;
  memset(s, 0, sizeof(*s));
  if(!(s->buf = api->alloc(USN_BLOCK))) {
    api->free(s);
    return TL_FAILED;
  }
  s->api = api;
  s->in = in;
  s->size = api->input_size(in);

  while(off < s->size) {
    const uint8_t *p;
    const char *why = NULL;
    uint32_t len;
    if(!(p = usn_at(s, off, 8))) {
      if(s->io_error)
        break;
      /* fewer than 8 bytes left */
      off = usn_skip_zeros(s, off);
      if(off < s->size && !in_bad)
        usn_corrupt(s, off, "truncated record at the end of the journal");
      break;
    }
    if(!get64(p)) {
      /* zero padding (a page's unused tail, the sparse start); zeros
      ** inside a bad run do not end it: a plausible record does */
      off = usn_skip_zeros(s, off);
      continue;
    }
    {
      size_t avail = s->win_len - (size_t)(off - s->win_off);
      len = usn_plausible(p, avail, &why);
    }
    if(len && s->size - off < len) {
      why = "record runs past the end of the journal";
      len = 0;
    }
    if(len && !(p = usn_at(s, off, len))) {
      if(s->io_error)
        break;
      why = "record runs past the end of the journal";
      len = 0;
    }
    if(len && !usn_plausible(p, len, &why))
      len = 0;
    if(!len) {
      /* resync: report once per bad run, try the next 8-byte boundary */
      if(!in_bad) {
        usn_corrupt(s, off, why ? why : "bad record");
        in_bad = 1;
      }
      off = (off + 8) & ~(uint64_t)7;
      continue;
    }
    in_bad = 0;
    s->n_records++;
    if(get16(p + 4) == 4) {
      s->n_v4++;                  /* a range record: no time, no event */
    } else {
      tl_rc erc = usn_emit(s, off, p, len);
      if(erc == TL_STOP)
        break;
      if(erc == TL_USAGE)
        s->n_corrupt++;
      else if(erc != TL_OK) {
        rc = erc;
        break;
      }
    }
    off += len;
  }

  if(s->io_error) {
    api->warn(in, "usnjrnl: read error: the journal was read only in part");
    rc = s->n_records ? TL_CORRUPT : TL_IO;
  }
  if(s->n_v4) {
    char msg[128];
    snprintf(msg, sizeof(msg),
             "usnjrnl: %llu version 4 range records skipped (they carry no "
             "time)", (unsigned long long)s->n_v4);
    api->warn(in, msg);
  }
  if(rc == TL_OK && s->n_corrupt)
    rc = TL_CORRUPT;
  api->free(s->buf);
  api->free(s);
  return rc;
}

/* A V2 or V3 record header at the start of an exported $J. */
static int
usn_bid(const uint8_t *head, size_t len)
{
  const char *why;
  uint16_t major;
  if(len < 8)
    return 0;
  major = get16(head + 4);
  if(major != 2 && major != 3)
    return 0;
  if(!usn_plausible(head, len, &why))
    return 0;
  /* length, version, name bounds: and the name offset is the header's
  ** (only when the head holds it: a V3 header is 76 bytes) */
  if(len >= (major == 2 ? 60u : 76u) &&
     get16(head + (major == 2 ? 58 : 74)) == (major == 2 ? 60 : 76))
    return 64;
  return 32;
}

static const char *const usn_names[] = { "$J", NULL };
static const char *const usn_streams[] = { "/$Extend/$UsnJrnl:$J", NULL };

static const struct tl_parser usn_parser = {
  TL_PARSER_STRUCT_VERSION,
  "usnjrnl",
  "1.0.0",
  "NTFS USN change journal ($Extend/$UsnJrnl:$J), record versions 2-4",
  TL_CAP_THREADSAFE,
  { NULL, usn_names, usn_streams, NULL, 0, 0 },
  usn_bid,
  usn_parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(usnjrnl)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(usnjrnl)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &usn_parser);
}
