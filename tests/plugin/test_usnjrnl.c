/*
** The USN journal parser (plugins/usnjrnl) through the mock host: the
** corpus journals (plaso's UsnJrnl.raw, the journal of plaso's
** usnjrnl.qcow2 test volume; go-ntfs's sample.bin; EZ MFT's record.usn)
** with the values plaso asserts and the rest as decoded by hand (struct
** offsets of USN_RECORD_V2, cross-checked with a Python decoder), then
** built records: a sparse zero start, V3 and V4 records, corruption and
** resync, unpaired surrogates, and truncated and byte-flipped copies of
** every corpus journal.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "plugin/mock_host.h"

tl_rc tl_builtin_usnjrnl_init(const struct tl_host_api *api,
                              tl_plugin_ctx *ctx, char **errmsg);

static const struct tl_parser *P;
static char tb[96];

static const char *
T(int64_t ns)
{
  return mock_time(ns, tb);
}

static void
put16(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
  put16(p, v & 0xffff);
  put16(p + 2, v >> 16);
}

static void
put64(unsigned char *p, uint64_t v)
{
  put32(p, (uint32_t)v);
  put32(p + 4, (uint32_t)(v >> 32));
}

/* A V2 record with an ASCII name (or the UTF-16 units u, n of them) at p;
** returns its length. */
static size_t
mk_v2(unsigned char *p, uint64_t ref, uint64_t parent, int64_t usn,
      uint64_t ft, uint32_t reason, const char *name, const uint16_t *u,
      size_t n)
{
  size_t i, len;
  if(name)
    n = strlen(name);
  len = (60 + 2 * n + 7) & ~(size_t)7;
  memset(p, 0, len);
  put32(p, (uint32_t)len);
  put16(p + 4, 2);
  put64(p + 8, ref);
  put64(p + 16, parent);
  put64(p + 24, (uint64_t)usn);
  put64(p + 32, ft);
  put32(p + 40, reason);
  put32(p + 52, 0x20);
  put16(p + 56, (unsigned)(2 * n));
  put16(p + 58, 60);
  for(i = 0; i < n; i++)
    put16(p + 60 + 2 * i, name ? (unsigned char)name[i] : u[i]);
  return len;
}

static size_t
count_kind(const struct mock_run *r, uint32_t kind)
{
  size_t i, n = 0;
  for(i = 0; i < r->n_events; i++)
    n += r->events[i].ev.kind == kind;
  return n;
}

static void
test_plaso(const char *corpus)
{
  char path[4096];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/plaso/test_data/UsnJrnl.raw", corpus);
  if(mock_run_file(P, path, NULL, &r)) {
    ok(1, "# SKIP %s not found", path);
    return;
  }
  is_int(r.rc, TL_OK, "UsnJrnl.raw: TL_OK");
  /* plaso's NTFSUsnJrnlParser test on usnjrnl.qcow2: 19 events */
  is_int(r.n_events, 19, "UsnJrnl.raw: 19 records, as plaso counts");
  is_int(r.n_corrupt, 0, "UsnJrnl.raw: nothing corrupt");
  is_int(r.n_bad_emit, 0, "UsnJrnl.raw: no malformed event");
  if(r.n_events != 19) {
    mock_run_free(&r);
    return;
  }
  e = &r.events[0];
  /* plaso: 2015-11-30 21:15:27.203125, 30-1, parent 5-5, FILE_CREATE */
  is_str(T(e->ev.t_ns), "2015-11-30T21:15:27.2031250Z", "0: time");
  is_int(e->ev.raw, 130933917272031250LL, "0: raw FILETIME");
  ok(e->ev.has_raw && !e->ev.clamped, "0: raw kept, not clamped");
  is_int(e->ev.kind, TL_EV_CREATED, "0: created");
  is_int(e->ev.file.kind, TL_REF_MFT, "0: file is an MFT reference");
  is_int(e->ev.file.mft_entry, 30, "0: file entry 30");
  is_int(e->ev.file.mft_seq, 1, "0: file seq 1");
  is_int(e->ev.parent.mft_entry, 5, "0: parent entry 5");
  is_int(e->ev.parent.mft_seq, 5, "0: parent seq 5");
  is_str(e->name, "Nieuw - Tekstdocument.txt", "0: name");
  is_str(mock_attr(e, "reason"), "FILE_CREATE", "0: reason");
  is_str(mock_attr(e, "usn"), "0", "0: usn");
  is_str(mock_attr(e, "file_attributes"), "0x00000020", "0: attributes");
  is_str(mock_attr(e, "source_info"), "0x00000000", "0: source info");
  is_str(mock_attr(e, "version"), "2.0", "0: version");
  is_str(e->what, "USN: file create", "0: what");
  is_int(e->ev.record_offset, 0, "0: offset");

  e = &r.events[1];
  is_str(mock_attr(e, "reason"), "FILE_CREATE|CLOSE", "1: reason");
  is_str(T(e->ev.t_ns), "2015-11-30T21:15:27.2187500Z", "1: time");
  is_str(mock_attr(e, "usn"), "112", "1: usn");

  e = &r.events[2];
  is_int(e->ev.kind, TL_EV_RENAMED, "2: old name: renamed");
  is_str(mock_attr(e, "role"), "old", "2: role old");
  is_str(e->name, "Nieuw - Tekstdocument.txt", "2: the old name");
  e = &r.events[3];
  is_int(e->ev.kind, TL_EV_RENAMED, "3: new name: renamed");
  is_str(e->name, "first.txt", "3: the new name");
  is_str(mock_attr(e, "role"), "new", "3: role new");
  is_str(mock_attr(e, "old_name"), "Nieuw - Tekstdocument.txt",
         "3: old_name paired from record 2");
  is_str(T(e->ev.t_ns), "2015-11-30T21:15:35.8906250Z", "3: time");
  is_int(e->ev.record_offset, 336, "3: offset");
  e = &r.events[4];
  is_str(mock_attr(e, "reason"), "RENAME_NEW_NAME|CLOSE", "4: reason");
  is_str(mock_attr(e, "old_name"), "Nieuw - Tekstdocument.txt",
         "4: old_name on the closing new-name record too");
  e = &r.events[5];
  ok(!mock_attr(e, "old_name"), "5: no old_name after the close");
  is_int(e->ev.kind, TL_EV_CHANGED, "5: OBJECT_ID_CHANGE: changed");

  e = &r.events[8];
  is_int(e->ev.kind, TL_EV_MODIFIED, "8: DATA_EXTEND: modified");
  is_str(T(e->ev.t_ns), "2015-11-30T21:15:39.5937500Z", "8: time");
  e = &r.events[13];
  is_str(mock_attr(e, "reason"),
         "DATA_OVERWRITE|DATA_EXTEND|FILE_CREATE|BASIC_INFO_CHANGE",
         "13: reason decoded in bit order");
  is_int(e->ev.kind, TL_EV_CREATED, "13: create outranks data");
  is_int(e->ev.file.mft_entry, 31, "13: file 31");
  is_str(e->name, "Kopie van first.txt", "13: name");
  e = &r.events[16];
  is_str(e->name, "second.txt", "16: new name");
  is_str(mock_attr(e, "old_name"), "Kopie van first.txt", "16: old name");
  e = &r.events[18];
  is_str(e->name, ".", "18: the root");
  is_int(e->ev.file.mft_entry, 5, "18: entry 5");
  is_str(mock_attr(e, "reason"), "OBJECT_ID_CHANGE|CLOSE", "18: reason");
  is_str(mock_attr(e, "file_attributes"), "0x00000016", "18: attributes");
  is_str(T(e->ev.t_ns), "2015-11-30T21:16:02.0312500Z", "18: time");
  is_str(mock_attr(e, "usn"), "1664", "18: usn");
  is_int(count_kind(&r, TL_EV_CREATED), 7, "7 created");
  is_int(count_kind(&r, TL_EV_RENAMED), 6, "6 renamed");
  is_int(count_kind(&r, TL_EV_MODIFIED), 2, "2 modified");
  is_int(count_kind(&r, TL_EV_CHANGED), 4, "4 changed");
  mock_run_free(&r);
}

static void
test_gontfs(const char *corpus)
{
  char path[4096];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/go-ntfs/tests/usn/sample.bin", corpus);
  if(mock_run_file(P, path, NULL, &r)) {
    ok(1, "# SKIP %s not found", path);
    return;
  }
  is_int(r.rc, TL_OK, "sample.bin: TL_OK (5 zero bytes at the end)");
  is_int(r.n_events, 208, "sample.bin: 208 records");
  is_int(r.n_corrupt, 0, "sample.bin: nothing corrupt");
  if(r.n_events == 208) {
    e = &r.events[0];
    is_int(e->ev.kind, TL_EV_DELETED, "first: deleted");
    is_str(mock_attr(e, "reason"),
           "FILE_DELETE|INDEXABLE_CHANGE|BASIC_INFO_CHANGE|CLOSE",
           "first: reason");
    is_int(e->ev.file.mft_entry, 20872, "first: entry 20872");
    is_int(e->ev.file.mft_seq, 3, "first: seq 3");
    is_int(e->ev.parent.mft_entry, 800, "first: parent 800");
    is_str(e->name, "GenericProvider.dll", "first: name");
    is_str(T(e->ev.t_ns), "2020-10-28T11:41:32.9284395Z", "first: time");
    e = &r.events[207];
    is_int(e->ev.record_offset, 21304, "last: offset");
    is_str(e->name, "DeviceHealth.json", "last: name");
    is_str(mock_attr(e, "usn"), "312590184", "last: usn");
    is_int(e->ev.kind, TL_EV_MODIFIED, "last: modified");
    is_int(e->ev.file.mft_entry, 85845, "last: entry");
    is_int(e->ev.file.mft_seq, 2, "last: seq");
    is_str(T(e->ev.t_ns), "2020-10-28T11:48:36.2650132Z", "last: time");
  }
  mock_run_free(&r);
}

static void
test_ez(const char *corpus)
{
  char path[4096];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/EZ-MFT/MFT.Test/TestFiles/Usn/record.usn",
           corpus);
  if(mock_run_file(P, path, NULL, &r)) {
    ok(1, "# SKIP %s not found", path);
    return;
  }
  is_int(r.n_events, 1, "record.usn: 1 record");
  if(r.n_events == 1) {
    e = &r.events[0];
    is_str(e->name, "BTDevManager.log", "record.usn: name");
    is_int(e->ev.file.mft_entry, 115, "record.usn: entry 115");
    is_int(e->ev.file.mft_seq, 37224, "record.usn: seq 37224");
    is_int(e->ev.parent.mft_entry, 141883, "record.usn: parent 141883");
    is_int(e->ev.parent.mft_seq, 7, "record.usn: parent seq 7");
    is_str(mock_attr(e, "usn"), "20342374400", "record.usn: usn");
    is_str(mock_attr(e, "reason"), "DATA_EXTEND", "record.usn: reason");
    is_str(mock_attr(e, "file_attributes"), "0x00002020",
           "record.usn: attributes");
    is_str(T(e->ev.t_ns), "2013-10-19T12:16:53.2760403Z", "record.usn: time");
  }
  mock_run_free(&r);
}

/* Built journals: sparse start, kinds, V3/V4, corruption, names. */
static void
test_built(void)
{
  size_t cap = 9u << 20, o, len;
  unsigned char *b = calloc(1, cap);
  struct mock_run r;
  const uint64_t ft = UINT64_C(132483588929284395);
  static const uint16_t bad[] = { 'a', 0xd800, 'b', 0xdc00, 0xd83d, 0xde00 };
  if(!b)
    return;

  /* 8 MiB of zeros (a sparse start), then two records, a page tail of
  ** zeros, a record */
  o = 8u << 20;
  o += mk_v2(b + o, UINT64_C(0x0002000000000040), UINT64_C(0x0005000000000005),
             (int64_t)o, ft, 0x00000300, "tmp", NULL, 0);
  o += mk_v2(b + o, 0x41, 5, (int64_t)o, ft, 0x00000800, "sec", NULL, 0);
  o = (o + 4096) & ~(size_t)4095;
  len = o + mk_v2(b + o, 0x42, 5, (int64_t)o, ft, 0x00000001, NULL, bad, 6);
  mock_run_buf(P, b, len, "/$Extend/$UsnJrnl:$J", NULL, &r);
  is_int(r.rc, TL_OK, "sparse: TL_OK");
  is_int(r.n_events, 3, "sparse: 3 records after 8 MiB of zeros");
  if(r.n_events == 3) {
    is_int(r.events[0].ev.record_offset, 8u << 20, "sparse: first offset");
    is_int(r.events[0].ev.kind, TL_EV_DELETED,
           "CREATE|DELETE: deleted outranks created");
    is_int(r.events[0].ev.file.mft_entry, 0x40, "entry from low 48 bits");
    is_int(r.events[0].ev.file.mft_seq, 2, "seq from high 16 bits");
    is_int(r.events[1].ev.kind, TL_EV_CHANGED, "SECURITY_CHANGE: changed");
    is_int(r.events[2].ev.kind, TL_EV_MODIFIED, "DATA_OVERWRITE: modified");
    is_int(r.events[2].ev.record_offset, (8u << 20) + 4096,
           "after a zero page tail");
    is_str(r.events[2].name, "a\\uD800b\\uDC00\xf0\x9f\x98\x80",
           "unpaired surrogates as \\uXXXX, a pair as UTF-8");
  }
  mock_run_free(&r);

  /* zeros, then 200 back-to-back 80-byte records across the end of the
  ** parser's first 1 MiB read block (one record straddles it) */
  {
    size_t n_rec = 0, straddle = 0, start = (1u << 20) - 8040;
    memset(b, 0, start);
    for(o = start; n_rec < 200; o += 80) {
      mk_v2(b + o, 0x70 + n_rec, 5, (int64_t)o, ft, 0x2, "block.dat", NULL,
            0);
      straddle += o / (1u << 20) != (o + 79) / (1u << 20);
      n_rec++;
    }
    mock_run_buf(P, b, o, "$J", NULL, &r);
    is_int(straddle, 1, "blocks: one record across the 1 MiB boundary");
    is_int(r.n_events, n_rec, "blocks: all %zu records", n_rec);
    is_int(r.n_corrupt, 0, "blocks: nothing corrupt");
    ok(r.n_events == n_rec &&
       r.events[100].ev.record_offset == (1u << 20) - 40 &&
       r.events[100].ev.file.mft_entry == 0x70 + 100 &&
       r.events[n_rec - 1].ev.record_offset == o - 80,
       "blocks: the records at the boundary whole");
    mock_run_free(&r);
    memset(b, 0, o);
  }

  /* corruption: a record length of 40, then a length past the end */
  o = 0;
  o += mk_v2(b + o, 0x50, 5, 0, ft, 0x100, "one", NULL, 0);
  len = mk_v2(b + o, 0x51, 5, 1, ft, 0x100, "two", NULL, 0);
  put32(b + o, 40);
  o += len;
  o += mk_v2(b + o, 0x52, 5, 2, ft, 0x100, "three", NULL, 0);
  len = mk_v2(b + o, 0x53, 5, 3, ft, 0x100, "four", NULL, 0);
  put32(b + o, 4096);
  o += len;
  mock_run_buf(P, b, o, "$J", NULL, &r);
  is_int(r.rc, TL_CORRUPT, "corrupt: TL_CORRUPT");
  is_int(r.n_events, 2, "corrupt: the two good records");
  is_int(r.n_corrupt, 2, "corrupt: two bad runs reported");
  if(r.n_events == 2) {
    is_str(r.events[0].name, "one", "corrupt: first");
    is_str(r.events[1].name, "three", "corrupt: resynced at three");
  }
  ok(strstr(r.last_corrupt, "past the end") != NULL,
     "corrupt: the last says past the end (%s)", r.last_corrupt);
  mock_run_free(&r);

  /* V3 (128-bit ids) and V4 (ranges) */
  memset(b, 0, 4096);
  put32(b, 96);
  put16(b + 4, 3);
  put64(b + 8, UINT64_C(0x0003000000000077));
  put64(b + 24, UINT64_C(0x0005000000000005));
  put64(b + 40, 4242);
  put64(b + 48, ft);
  put32(b + 56, 0x2000);
  put16(b + 72, 8);
  put16(b + 74, 76);
  put16(b + 76, 'v');
  put16(b + 78, '3');
  put16(b + 80, '.');
  put16(b + 82, 'x');
  /* V4 with 2 extents */
  put32(b + 96, 96);
  put16(b + 100, 4);
  put64(b + 104, UINT64_C(0x0003000000000077));
  put16(b + 156, 2);
  put16(b + 158, 16);
  /* V3 with a ReFS id */
  put32(b + 192, 96);
  put16(b + 196, 3);
  put64(b + 200, 0x99);
  put64(b + 208, 0x1);
  put64(b + 216, 0x5);
  put64(b + 240, ft);
  put32(b + 248, 0x100);
  put16(b + 264, 2);
  put16(b + 266, 76);
  put16(b + 268, 'r');
  mock_run_buf(P, b, 288, "$J", NULL, &r);
  is_int(r.rc, TL_OK, "v3/v4: TL_OK");
  is_int(r.n_events, 2, "v3/v4: two events, the V4 range record skipped");
  is_int(r.n_warn, 1, "v3/v4: the skipped V4 record is said");
  ok(strstr(r.last_warn, "1 version 4") != NULL, "v3/v4: warn counts it");
  if(r.n_events == 2) {
    is_str(r.events[0].name, "v3.x", "v3: name");
    is_int(r.events[0].ev.file.kind, TL_REF_MFT, "v3: NTFS id is MFT ref");
    is_int(r.events[0].ev.file.mft_entry, 0x77, "v3: entry");
    is_int(r.events[0].ev.file.mft_seq, 3, "v3: seq");
    is_str(mock_attr(&r.events[0], "usn"), "4242", "v3: usn");
    is_str(mock_attr(&r.events[0], "version"), "3.0", "v3: version");
    is_str(T(r.events[0].ev.t_ns), "2020-10-28T11:41:32.9284395Z",
           "v3: time");
    is_int(r.events[1].ev.file.kind, TL_REF_NONE, "v3: ReFS id: no MFT ref");
    is_str(mock_attr(&r.events[1], "file_id"),
           "00000000000000010000000000000099", "v3: file_id kept");
  }
  mock_run_free(&r);

  /* truncated in the last record */
  len = mk_v2(b, 0x60, 5, 0, ft, 0x100, "whole", NULL, 0);
  len += mk_v2(b + len, 0x61, 5, 0, ft, 0x100, "cut", NULL, 0);
  mock_run_buf(P, b, len - 5, "$J", NULL, &r);
  is_int(r.n_events, 1, "truncated: the whole record");
  is_int(r.n_corrupt, 1, "truncated: the cut one is corrupt");
  is_int(r.rc, TL_CORRUPT, "truncated: TL_CORRUPT");
  mock_run_free(&r);

  /* bid */
  len = mk_v2(b, 0x60, 5, 0, ft, 0x100, "whole", NULL, 0);
  ok(P->bid(b, len) > 0, "bid: a V2 header");
  memset(b, 0, 64);
  is_int(P->bid(b, 64), 0, "bid: zeros");
  memcpy(b, "\x01\0\0\0\0\0\0\0", 8);
  is_int(P->bid(b, 64), 0, "bid: a $I file");
  free(b);
  {
    /* found by fuzz_usnjrnl: a V3 head of 60..75 bytes was read at 74
    ** (the sanitizer build sees the overflow of this exact-size copy) */
    unsigned char *h = malloc(72);
    if(h) {
      memset(h, 0, 72);
      put32(h, 80);
      put16(h + 4, 3);
      put16(h + 56, 0);
      is_int(P->bid(h, 72), 32, "bid: a V3 head shorter than its header");
      free(h);
    }
  }
}

/* Every corpus journal cut at every length (step 1..) and with each byte
** flipped: no crash (the sanitizer build runs this), no malformed event,
** never more events than the whole file. */
static void
test_robust(const char *corpus)
{
  static const char *const files[] = {
    "plaso/test_data/UsnJrnl.raw", "go-ntfs/tests/usn/sample.bin",
    "EZ-MFT/MFT.Test/TestFiles/Usn/record.usn"
  };
  size_t f;
  for(f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
    char path[4096];
    unsigned char *d, *c;
    size_t len, i, full, bad = 0, step;
    struct mock_run r;
    snprintf(path, sizeof(path), "%s/%s", corpus, files[f]);
    if(!(d = mock_slurp(path, &len))) {
      ok(1, "# SKIP %s not found", path);
      continue;
    }
    mock_run_buf(P, d, len, path, NULL, &r);
    full = r.n_events;
    mock_run_free(&r);
    step = len > 4096 ? 7 : 1;
    for(i = 0; i < len; i += step) {
      mock_run_buf(P, d, i, path, NULL, &r);
      bad += r.n_bad_emit || r.n_events > full;
      mock_run_free(&r);
    }
    c = malloc(len);
    for(i = 0; c && i < len; i += step) {
      memcpy(c, d, len);
      c[i] ^= (unsigned char)(0x5a + i);
      mock_run_buf(P, c, len, path, NULL, &r);
      bad += r.n_bad_emit != 0;
      mock_run_free(&r);
    }
    is_int(bad, 0, "%s: truncated and flipped copies parse", files[f]);
    free(c);
    free(d);
  }
}

int
main(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  const char *corpus = getenv("TL_CORPUS");
  static const char *const want_streams = "/$Extend/$UsnJrnl:$J";
  is_int(mock_init(tl_builtin_usnjrnl_init), TL_OK, "init registers");
  P = mock_parser("usnjrnl");
  ok(P != NULL, "usnjrnl registered");
  if(!P)
    return done_testing();
  ok(P->claim.streams && P->claim.streams[0] &&
     !strcmp(P->claim.streams[0], want_streams), "claims %s", want_streams);
  ok(P->claim.names && !strcmp(P->claim.names[0], "$J"), "claims $J");
  test_built();
  if(!corpus || !*corpus) {
    ok(1, "# SKIP TL_CORPUS not set");
    return done_testing();
  }
  test_plaso(corpus);
  test_gontfs(corpus);
  test_ez(corpus);
  test_robust(corpus);
  return done_testing();
}
