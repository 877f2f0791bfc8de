/*
** plugins/jumplist: Windows jump lists (README.md).
**
** *.automaticDestinations-ms: an OLE compound file (cfb.c) with a DestList
** stream (one entry per item: its path, the last time it was used, pin
** state, access count, host) and one Shell Link stream per entry, named by
** the entry number in hex. *.customDestinations-ms: a header, then Shell
** Links one after another, found by their header signature. Links are
** parsed by plugins/lnk/lnkparse.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/plugin.h>

#include "cfb.h"
#include "lnkparse.h"

#define JL_MAX_SIZE (64u << 20)

/* DestList entry: fixed part of version 1 (Windows 7, 8) and of version
** 3 and later (Windows 10, 11), the path after it (plus 4 bytes in v3). */
#define DL_HEADER 32
#define DL_V1_FIXED 0x72
#define DL_V3_FIXED 0x82

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

static int
jl_bid(const uint8_t *head, size_t len)
{
  /* a compound file; the DestList inside is not seen in a head */
  if(tlp_cfb_is(head, len))
    return 64;
  /* custom destinations: version 2 and a link header follows somewhere;
  ** too weak alone, so no bid: the name claims them */
  return 0;
}

/* Emit the events of the link in data (len bytes), found at off in the
** file (or, for a stream, 0), with extra attributes. Counts corrupt
** parts. */
static tl_rc
emit_link(const struct tl_host_api *api, tl_input *in, const uint8_t *data,
          size_t len, uint64_t off, const char *where,
          const struct tl_attr *extra, size_t n_extra, int *corrupt,
          size_t *used)
{
  struct tlp_lnk l;
  char msg[160];
  int prc = tlp_lnk_parse(data, len, &l);
  tl_rc rc = TL_OK;
  if(used)
    *used = prc == 0 ? l.size : 0;
  if(prc < 0) {
    snprintf(msg, sizeof(msg), "%s: %s", where, l.problem);
    api->corrupt(in, off, msg);
    *corrupt = 1;
    goto out;
  }
  if(prc > 0) {
    snprintf(msg, sizeof(msg), "%s: %s", where, l.problem);
    api->corrupt(in, off, msg);
    *corrupt = 1;
  }
  rc = tlp_lnk_emit(api, in, &l, off, "Jump list", 0, extra, n_extra);
out:
  tlp_lnk_free(&l);
  return rc;
}

/* The directory entry of the stream named name, or -1. */
static long
find_stream(const struct tlp_cfb *c, const char *name)
{
  char n[96];
  size_t i;
  for(i = 1; i < c->ndir; i++)
    if(tlp_cfb_entry(c, i, n, sizeof(n)) == TLP_CFB_STREAM &&
       !strcmp(n, name))
      return (long)i;
  return -1;
}

#define JL_MAX_ATTRS 32

/* One DestList entry at *off (moved past it): its "opened" event with
** the DestList's values and its link's attributes, then the link's own
** events. TL_CORRUPT when the entry is cut short (reported). */
static tl_rc
dest_entry(const struct tl_host_api *api, tl_input *in,
           const struct tlp_cfb *c, const uint8_t *dl, size_t ndl,
           size_t *off, uint32_t version, size_t k, uint32_t count,
           unsigned char *seen, int *corrupt)
{
  const uint8_t *e = dl + *off;
  size_t fixed = version >= 3 ? DL_V3_FIXED : DL_V1_FIXED, plen, esize, i;
  char ver[16], num[16], hex[16], pin[16], acc[16], host[17], msg[160];
  struct tl_attr at[JL_MAX_ATTRS];
  struct tl_artifact_event ev;
  struct tlp_lnk l;
  struct tlp_lnk_attrbuf ab;
  const char *why = NULL;
  int have_lnk = 0, lrc = 0, r;
  uint64_t ft;
  int32_t pinv;
  uint32_t entry;
  char *path = NULL;
  size_t n = 0, n_entry;
  long si;
  tl_rc rc = TL_OK;

  memset(&l, 0, sizeof(l));
  memset(&ab, 0, sizeof(ab));
  if(*off > ndl || ndl - *off < fixed) {
    snprintf(msg, sizeof(msg), "DestList entry %lu of %lu cut short",
             (unsigned long)k + 1, (unsigned long)count);
    api->corrupt(in, *off, msg);
    return TL_CORRUPT;
  }
  plen = le16(e + fixed - 2);
  esize = fixed + 2 * plen + (version >= 3 ? 4 : 0);
  if(esize > ndl - *off) {
    snprintf(msg, sizeof(msg), "DestList entry %lu: path runs past the end",
             (unsigned long)k + 1);
    api->corrupt(in, *off, msg);
    return TL_CORRUPT;
  }
  entry = le32(e + 0x58);
  ft = le64(e + 0x64);
  pinv = (int32_t)le32(e + 0x6c);
  memcpy(host, e + 0x48, 16);
  host[16] = 0;
  for(i = 0; host[i]; i++)
    if((unsigned char)host[i] < 0x20 || (unsigned char)host[i] > 0x7e)
      host[i] = '?';
  if(!(path = tlp_utf16_to_utf8(e + fixed, plen, 0)))
    return TL_NOMEM;
  snprintf(ver, sizeof(ver), "%lu", (unsigned long)version);
  snprintf(num, sizeof(num), "%lu", (unsigned long)entry);
  snprintf(hex, sizeof(hex), "%lx", (unsigned long)entry);
  snprintf(pin, sizeof(pin), "%ld", (long)pinv);
  at[n].key = "entry_number";
  at[n++].value = num;
  at[n].key = "stream";
  at[n++].value = hex;
  n_entry = n;
  at[n].key = "pin_status";
  at[n++].value = pin;
  at[n].key = "pinned";
  at[n++].value = pinv >= 0 ? "yes" : "no";
  if(version >= 3) {
    snprintf(acc, sizeof(acc), "%lu", (unsigned long)le32(e + 0x74));
    at[n].key = "access_count";
    at[n++].value = acc;
  }
  if(host[0]) {
    at[n].key = "hostname";
    at[n++].value = host;
  }
  at[n].key = "destlist_version";
  at[n++].value = ver;

  /* the entry's link */
  if((si = find_stream(c, hex)) >= 0) {
    uint8_t *ls;
    size_t nls;
    seen[si] = 1;
    if((r = tlp_cfb_read(c, (size_t)si, &ls, &nls, &why)) < 0) {
      rc = TL_NOMEM;
      goto out;
    }
    if(r > 0) {
      snprintf(msg, sizeof(msg), "LNK stream %s: %s", hex, why);
      api->corrupt(in, 0, msg);
      *corrupt = 1;
    }
    lrc = tlp_lnk_parse(ls, nls, &l);
    free(ls);
    if(lrc != 0) {
      snprintf(msg, sizeof(msg), "LNK stream %s: %s", hex, l.problem);
      api->corrupt(in, 0, msg);
      *corrupt = 1;
    }
    have_lnk = lrc >= 0;
  }
  else {
    snprintf(msg, sizeof(msg), "DestList entry %lu has no LNK stream %s",
             (unsigned long)entry, hex);
    api->warn(in, msg);
  }
  if(have_lnk) {
    n = tlp_lnk_attrs(&l, &ab, at, n, JL_MAX_ATTRS - 1);
    if(l.target && strcmp(l.target, path)) {
      at[n].key = "lnk_target";
      at[n++].value = l.target;
    }
  }
  if(ft) {
    memset(&ev, 0, sizeof(ev));
    ev.struct_size = sizeof(ev);
    ev.kind = TL_EV_OPENED;
    ev.t_ns = api->filetime_to_ns(ft, &ev.clamped);
    ev.has_raw = 1;
    ev.raw = (int64_t)ft;
    if(*path) {
      ev.file.kind = TL_REF_PATH;
      ev.file.path = path;
    }
    ev.actor = api->input_profile(in);
    ev.record_offset = *off;
    ev.what = pinv >= 0 ? "Jump list: opened (pinned)" : "Jump list: opened";
    ev.attrs = at;
    ev.n_attrs = n;
    rc = api->emit(in, &ev);
    if(rc == TL_USAGE)
      rc = TL_OK;
  }
  if(rc == TL_OK && have_lnk)
    rc = tlp_lnk_emit(api, in, &l, 0, "Jump list", 0, at, n_entry);
out:
  tlp_lnk_attrbuf_free(&ab);
  tlp_lnk_free(&l);
  free(path);
  *off += esize;
  return rc;
}

static tl_rc
parse_auto(const struct tl_host_api *api, tl_input *in, const uint8_t *buf,
           size_t len)
{
  struct tlp_cfb c;
  const char *why = NULL;
  uint8_t *dl = NULL;
  size_t ndl = 0, off, k, i;
  uint32_t version = 0, count = 0;
  unsigned char *seen = NULL;
  int corrupt = 0, r;
  long dli;
  tl_rc rc = TL_OK;
  char msg[160];

  if(tlp_cfb_open(&c, buf, len, &why) < 0) {
    snprintf(msg, sizeof(msg), "not parsed: %s", why);
    api->warn(in, msg);
    tlp_cfb_close(&c);
    return TL_FAILED;
  }
  if(!(seen = calloc(c.ndir, 1))) {
    rc = TL_NOMEM;
    goto out;
  }
  seen[0] = 1;
  if((dli = find_stream(&c, "DestList")) < 0) {
    api->corrupt(in, 0, "no DestList stream");
    corrupt = 1;
  }
  else {
    seen[dli] = 1;
    if((r = tlp_cfb_read(&c, (size_t)dli, &dl, &ndl, &why)) < 0) {
      rc = TL_NOMEM;
      goto out;
    }
    if(r > 0) {
      snprintf(msg, sizeof(msg), "DestList: %s", why);
      api->corrupt(in, 0, msg);
      corrupt = 1;
    }
    if(ndl && ndl < DL_HEADER) {
      api->corrupt(in, 0, "DestList header cut short");
      corrupt = 1;
      ndl = 0;
    }
    else if(ndl) {   /* an empty DestList stream is an empty list */
      version = le32(dl);
      count = le32(dl + 4);
    }
  }
  for(off = DL_HEADER, k = 0; ndl && k < count && rc == TL_OK; k++) {
    rc = dest_entry(api, in, &c, dl, ndl, &off, version, k, count, seen,
                    &corrupt);
    if(rc == TL_CORRUPT) {
      corrupt = 1;
      rc = TL_OK;
      break;
    }
  }
  /* streams the DestList does not name: their links all the same */
  for(i = 1; i < c.ndir && rc == TL_OK; i++) {
    char name[96];
    struct tl_attr at[1];
    uint8_t *ls;
    size_t nls;
    if(seen[i] || tlp_cfb_entry(&c, i, name, sizeof(name)) != TLP_CFB_STREAM)
      continue;
    snprintf(msg, sizeof(msg), "stream %s is not in the DestList", name);
    api->warn(in, msg);
    if((r = tlp_cfb_read(&c, i, &ls, &nls, &why)) < 0) {
      rc = TL_NOMEM;
      break;
    }
    at[0].key = "stream";
    at[0].value = name;
    if(tlp_lnk_is_header(ls, nls)) {
      snprintf(msg, sizeof(msg), "LNK stream %s", name);
      rc = emit_link(api, in, ls, nls, 0, msg, at, 1, &corrupt, NULL);
    }
    free(ls);
  }
out:
  free(seen);
  free(dl);
  tlp_cfb_close(&c);
  if(rc == TL_STOP)
    rc = TL_OK;
  return rc == TL_OK && corrupt ? TL_CORRUPT : rc;
}

static tl_rc
parse_custom(const struct tl_host_api *api, tl_input *in, const uint8_t *buf,
             size_t len)
{
  size_t off = 0, used, nlinks = 0;
  int corrupt = 0;
  tl_rc rc = TL_OK;
  char msg[64];
  /* the header: format version 2 (Windows 7 to 11) */
  if(len < 12 || le32(buf) != 2) {
    api->warn(in, len < 12 ? "not a custom destinations jump list: shorter "
              "than its header" : "not a custom destinations jump list: "
              "format version is not 2");
    return TL_FAILED;
  }
  off = 12;
  while(off + TLP_LNK_HEADER_SIZE <= len && rc == TL_OK) {
    const uint8_t *h = memchr(buf + off, 0x4c, len - off);
    if(!h)
      break;
    off = (size_t)(h - buf);
    if(!tlp_lnk_is_header(h, len - off)) {
      off++;
      continue;
    }
    snprintf(msg, sizeof(msg), "LNK at %lu", (unsigned long)off);
    rc = emit_link(api, in, h, len - off, off, msg, NULL, 0, &corrupt, &used);
    nlinks++;
    /* a damaged link's end is unknown: look for the next from here */
    off += used ? used : 1;
  }
  if(rc == TL_STOP)
    rc = TL_OK;
  (void)nlinks;
  return rc == TL_OK && corrupt ? TL_CORRUPT : rc;
}

static tl_rc
jl_parse(const struct tl_host_api *api, tl_input *in)
{
  uint8_t *buf;
  size_t len;
  tl_rc rc;
  if((rc = tlp_read_all(api, in, JL_MAX_SIZE, &buf, &len)) != TL_OK)
    return rc;
  if(tlp_cfb_is(buf, len))
    rc = parse_auto(api, in, buf, len);
  else
    rc = parse_custom(api, in, buf, len);
  api->free(buf);
  return rc;
}

static const char *const jl_globs[] = { "**/*Destinations-ms", NULL };

static const struct tl_parser jl_parser = {
  TL_PARSER_STRUCT_VERSION,
  "jumplist",
  "1.0.0",
  "Windows jump lists (automatic and custom destinations): items opened, "
  "with the links they keep",
  TL_CAP_THREADSAFE,
  { jl_globs, NULL, NULL, NULL, 0, 0 },
  jl_bid,
  jl_parse
};

TL_PLUGIN_EXPORT tl_rc TL_PLUGIN_ENTRY(jumplist)(
  const struct tl_host_api *api, tl_plugin_ctx *ctx, char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(jumplist)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &jl_parser);
}
