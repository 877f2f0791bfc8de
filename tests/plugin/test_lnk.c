/*
** plugins/lnk through the mock host: the values plaso's winlnk tests
** assert for NeroInfoTool.lnk and unpaired_surrogate.lnk
** (/work/shared/corpus/EXPECTED.md), a network link built here, and no
** crash on every truncation and on byte-flipped copies of each corpus link.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mock_host.h"

tl_rc tl_builtin_lnk_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg);

static const struct tl_parser *P;

static const struct mock_event *
find(const struct mock_run *r, uint32_t kind, const char *which)
{
  size_t i;
  for(i = 0; i < r->n_events; i++) {
    const char *t = mock_attr(&r->events[i], "time");
    if(r->events[i].ev.kind == kind && t && !strcmp(t, which))
      return &r->events[i];
  }
  return NULL;
}

static const char *
tm(const struct mock_event *e, char *buf)
{
  return e ? mock_time(e->ev.t_ns, buf) : "(none)";
}

static void
test_nero(const char *corpus)
{
  char path[4096], t[96];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/plaso/test_data/NeroInfoTool.lnk", corpus);
  if(mock_run_file(P, path, "bperry", &r) < 0) {
    ok(1, "# SKIP %s absent", path);
    return;
  }
  is_int(r.rc, TL_OK, "NeroInfoTool.lnk: parsed");
  is_int(r.n_events, 4, "NeroInfoTool.lnk: 3 stored times + opened");
  is_int(r.n_corrupt + r.n_warn + r.n_bad_emit, 0, "no corrupt, warning, "
         "bad event");
  e = find(&r, TL_EV_OBSERVED, "target_created");
  is_str(tm(e, t), "2009-06-05T20:13:20.0000000Z", "target created");
  ok(e && e->ev.has_raw && e->ev.raw == 0x01C9E61A11DCF000LL, "raw FILETIME");
  e = find(&r, TL_EV_OBSERVED, "target_modified");
  is_str(tm(e, t), "2009-06-05T20:13:20.0000000Z", "target modified");
  e = find(&r, TL_EV_OBSERVED, "target_accessed");
  is_str(tm(e, t), "2010-01-29T21:30:11.3321569Z", "target accessed");
  e = find(&r, TL_EV_OPENED, "target_accessed");
  is_str(tm(e, t), "2010-01-29T21:30:11.3321569Z", "opened at the stored "
         "access time");
  if(!e)
    goto out;
  is_int(e->ev.file.kind, TL_REF_PATH, "a path reference");
  is_str(e->ev.file.path, "C:\\Program Files (x86)\\Nero\\Nero 9\\Nero "
         "InfoTool\\InfoTool.exe", "target path (local base + suffix)");
  is_str(e->ev.actor, "bperry", "actor is the profile");
  is_str(mock_attr(e, "size"), "4635160", "file size");
  is_str(mock_attr(e, "drive_type"), "3", "drive type fixed");
  is_str(mock_attr(e, "volume_serial"), "0x70ecfa33",
         "volume serial 1894578739");
  is_str(mock_attr(e, "volume_label"), "OS", "volume label");
  is_str(mock_attr(e, "file_attributes"), "0x00000020", "attributes 32");
  is_str(mock_attr(e, "link_flags"), "0x000040ff", "link flags");
  is_str(mock_attr(e, "working_dir"), "C:\\Program Files (x86)\\Nero\\Nero "
         "9\\Nero InfoTool", "working directory");
  is_str(mock_attr(e, "relative_path"), "..\\..\\..\\..\\..\\..\\..\\..\\"
         "Program Files (x86)\\Nero\\Nero 9\\Nero InfoTool\\InfoTool.exe",
         "relative path");
  is_str(mock_attr(e, "icon_location"), "C:\\Program Files (x86)\\Nero\\"
         "Nero 9\\Nero InfoTool\\InfoTool.exe", "icon location");
  ok(mock_attr(e, "description") && !strncmp(mock_attr(e, "description"),
     "Nero InfoTool provides you with information", 43), "description");
  is_str(mock_attr(e, "machine_id"), "win-3qmdjgkf3g9", "machine id (TrackerDataBlock)");
  is_str(mock_attr(e, "item_path"), "C:\\Program Files (x86)\\Nero\\Nero 9\\"
         "Nero InfoTool\\InfoTool.exe", "shell item list path");
  is_str(mock_attr(e, "arguments"), "-ScParameter=30002  ", "arguments");
out:
  mock_run_free(&r);
}

static void
test_surrogate(const char *corpus)
{
  char path[4096], t[96];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/plaso/test_data/unpaired_surrogate.lnk",
           corpus);
  if(mock_run_file(P, path, NULL, &r) < 0) {
    ok(1, "# SKIP %s absent", path);
    return;
  }
  is_int(r.rc, TL_OK, "unpaired_surrogate.lnk: parsed");
  is_int(r.n_events, 4, "4 events");
  e = find(&r, TL_EV_OBSERVED, "target_created");
  is_str(tm(e, t), "2023-07-10T04:01:20.7971076Z", "target created");
  e = find(&r, TL_EV_OBSERVED, "target_modified");
  is_str(tm(e, t), "2019-12-06T21:29:00.0000000Z", "target modified");
  e = find(&r, TL_EV_OPENED, "target_accessed");
  is_str(tm(e, t), "2023-07-10T04:03:17.0580540Z", "opened");
  if(!e)
    goto out;
  is_str(e->ev.file.path, "C:\\test\\unicode_U+0000d800_\\ud800.exe",
         "unpaired surrogate kept as \\ud800");
  ok(e->ev.actor == NULL, "no profile, no actor");
  is_str(mock_attr(e, "size"), "11264", "size");
  is_str(mock_attr(e, "volume_serial"), "0x2ca3d1ae",
         "volume serial 748933550");
  is_str(mock_attr(e, "drive_type"), "3", "drive type");
  is_str(mock_attr(e, "working_dir"), "C:\\test", "working directory");
  is_str(mock_attr(e, "relative_path"), ".\\unicode_U+0000d800_\\ud800.exe",
         "relative path");
  ok(mock_attr(e, "description") == NULL, "no description");
out:
  mock_run_free(&r);
}

/* A link built here: no ID list, a network LinkInfo (Unicode offsets),
** arguments, a TrackerDataBlock. */
static size_t
put16(unsigned char *p, size_t o, const char *s)
{
  size_t i;
  for(i = 0; s[i]; i++) {
    p[o + 2 * i] = (unsigned char)s[i];
    p[o + 2 * i + 1] = 0;
  }
  return o + 2 * i;
}

static void
le32put(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

static size_t
make_network_link(unsigned char *b)
{
  static const unsigned char clsid[16] = { 0x01, 0x14, 0x02, 0, 0, 0, 0, 0,
    0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
  size_t o, li, cn, n;
  memset(b, 0, 1024);
  le32put(b, 0x4c);
  memcpy(b + 4, clsid, 16);
  le32put(b + 0x14, 0x2 | 0x20 | 0x80);              /* LinkInfo, args, Unicode */
  le32put(b + 0x24, 0x01d9b2e0u);                      /* access time low */
  le32put(b + 0x28, 0x01d9b2e0u);
  le32put(b + 0x34, 1234);
  li = 0x4c;
  /* LinkInfo: header 0x24, CNRL at 0x24, suffix ANSI at 0x60 */
  le32put(b + li + 4, 0x24);
  le32put(b + li + 8, 2);
  le32put(b + li + 20, 0x24);
  le32put(b + li + 24, 0x5f);
  cn = li + 0x24;
  le32put(b + cn, 0x3b);
  le32put(b + cn + 8, 0x14);                           /* ANSI net name */
  memcpy(b + cn + 0x14, "\\\\FS01\\share", 12);
  memcpy(b + li + 0x5f, "dir\\a.docx", 11);
  n = 0x5f + 11;
  le32put(b + li, (uint32_t)n);
  o = li + n;
  b[o] = 3;                                            /* arguments: 3 chars */
  o = put16(b, o + 2, "-x1");
  le32put(b + o, 0x60);
  le32put(b + o + 4, 0xa0000003u);
  memcpy(b + o + 16, "ws17", 4);
  o += 0x60;
  return o + 4;                                        /* terminal block */
}

static void
test_network(void)
{
  unsigned char b[1024];
  size_t n = make_network_link(b);
  struct mock_run r;
  const struct mock_event *e;
  mock_run_buf(P, b, n, "/Users/x/Recent/a.lnk", "x", &r);
  is_int(r.rc, TL_OK, "network link: parsed");
  is_int(r.n_events, 2, "accessed (stored) + opened");
  e = find(&r, TL_EV_OPENED, "target_accessed");
  ok(e != NULL, "opened event");
  if(e) {
    is_str(e->ev.file.path, "\\\\FS01\\share\\dir\\a.docx",
           "share name + common path suffix");
    is_str(mock_attr(e, "network_path"), "\\\\FS01\\share\\dir\\a.docx",
           "network_path attribute");
    is_str(mock_attr(e, "arguments"), "-x1", "arguments");
    is_str(mock_attr(e, "machine_id"), "ws17", "machine id");
    is_str(mock_attr(e, "size"), "1234", "size");
    ok(!mock_attr(e, "drive_type"), "no volume, no drive type");
  }
  mock_run_free(&r);
  /* the same with the terminal block cut: header and LinkInfo kept */
  mock_run_buf(P, b, n - 4, "a.lnk", NULL, &r);
  is_int(r.rc, TL_CORRUPT, "no terminal block: TL_CORRUPT");
  is_int(r.n_corrupt, 1, "one corrupt report");
  is_int(r.n_events, 2, "its events still emitted");
  mock_run_free(&r);
  /* a NUL inside the counted arguments string is kept visible */
  {
    unsigned char c2[1024];
    size_t k;
    memcpy(c2, b, n);
    for(k = 0x4c; k + 6 <= n; k++)
      if(!memcmp(c2 + k, "-\0x\0001\0", 6))
        break;
    ok(k + 6 <= n, "arguments found in the built link");
    if(k + 6 <= n) {
      c2[k + 2] = 0;
      mock_run_buf(P, c2, n, "a.lnk", NULL, &r);
      e = find(&r, TL_EV_OPENED, "target_accessed");
      is_str(e ? mock_attr(e, "arguments") : NULL, "-\\u00001",
             "a NUL unit in StringData: \\u0000, the rest kept");
      mock_run_free(&r);
    }
  }
  /* not a link */
  mock_run_buf(P, "MZ\x90\0", 4, "b.lnk", NULL, &r);
  is_int(r.rc, TL_FAILED, "not a link: TL_FAILED");
  is_int(r.n_warn, 1, "with a warning");
  is_int(r.n_events, 0, "and no event");
  mock_run_free(&r);
}

/* Every prefix and byte-flipped copies: no crash (the sanitizer build
** checks the reads); the outcome is one of the documented ones. */
static void
robust(const char *file)
{
  size_t len = 0, i, bad = 0, runs = 0;
  unsigned char *b = mock_slurp(file, &len), *c;
  struct mock_run r;
  if(!b) {
    ok(1, "# SKIP %s absent", file);
    return;
  }
  c = malloc(len ? len : 1);
  for(i = 0; i <= len; i++, runs++) {
    memcpy(c, b, i);
    mock_run_buf(P, c, i, "t.lnk", "p", &r);
    if(r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED)
      bad++;
    if(r.n_bad_emit)
      bad++;
    mock_run_free(&r);
  }
  for(i = 0; i < len; i++, runs++) {
    memcpy(c, b, len);
    c[i] ^= (unsigned char)(i & 1 ? 0xff : 0x80);
    mock_run_buf(P, c, len, "t.lnk", "p", &r);
    if(r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED)
      bad++;
    if(r.n_bad_emit)
      bad++;
    mock_run_free(&r);
  }
  is_int(bad, 0, "%s: %lu truncated/flipped runs, no crash, no bad event",
         strrchr(file, '/') + 1, (unsigned long)runs);
  free(c);
  free(b);
}

int
main(void)
{
  const char *corpus = getenv("TL_CORPUS");
  char path[4096];
  static const char *const files[] = { "NeroInfoTool.lnk",
    "unpaired_surrogate.lnk", "example.lnk" };
  size_t i;
  unsigned char head[1024];

  is_int(mock_init(tl_builtin_lnk_init), TL_OK, "init registers");
  P = mock_parser("lnk");
  ok(P != NULL, "parser lnk");
  if(!P)
    return done_testing();
  ok(P->claim.globs && !strcmp(P->claim.globs[0], "**/*.lnk"), "claims "
     "**/*.lnk");
  make_network_link(head);
  is_int(P->bid(head, 0x4c), 160, "bids 160 bits on header + CLSID");
  head[8] ^= 1;
  is_int(P->bid(head, 0x4c), 0, "no bid on another CLSID");
  test_network();
  if(!corpus || !*corpus) {
    ok(1, "# SKIP TL_CORPUS not set");
    return done_testing();
  }
  test_nero(corpus);
  test_surrogate(corpus);
  for(i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    snprintf(path, sizeof(path), "%s/plaso/test_data/%s", corpus, files[i]);
    robust(path);
  }
  return done_testing();
}
