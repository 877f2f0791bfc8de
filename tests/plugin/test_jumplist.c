/*
** plugins/jumplist through the mock host: the values plaso's jump list
** tests assert (automatic_destinations.py, custom_destinations.py), Eric
** Zimmerman's JumpList tests (DestList count == entries == directory
** entries - 2; a prefetch file is rejected), and no crash on truncated
** and byte-flipped copies of every corpus jump list.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mock_host.h"

tl_rc tl_builtin_jumplist_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);

static const struct tl_parser *P;
static const char *corpus;

static size_t
count_kind(const struct mock_run *r, uint32_t kind)
{
  size_t i, n = 0;
  for(i = 0; i < r->n_events; i++)
    n += r->events[i].ev.kind == kind;
  return n;
}

/* The event of kind whose attribute key is value (and, when time is not
** NULL, whose attribute time is that). */
static const struct mock_event *
find(const struct mock_run *r, uint32_t kind, const char *key,
     const char *value, const char *time)
{
  size_t i;
  for(i = 0; i < r->n_events; i++) {
    const struct mock_event *e = &r->events[i];
    const char *v = mock_attr(e, key), *t = mock_attr(e, "time");
    if(e->ev.kind == kind && v && !strcmp(v, value) &&
       (!time || (t && !strcmp(t, time))))
      return e;
  }
  return NULL;
}

static const char *
tm(const struct mock_event *e, char *buf)
{
  return e ? mock_time(e->ev.t_ns, buf) : "(none)";
}

static int
run(const char *rel, const char *profile, struct mock_run *r)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(mock_run_file(P, path, profile, r) < 0) {
    ok(1, "# SKIP %s absent", rel);
    return -1;
  }
  return 0;
}

static void
test_auto_v1(void)
{
  struct mock_run r;
  const struct mock_event *e;
  char t[96];
  if(run("plaso/test_data/automaticDestinations-ms/"
         "1b4dd67f29cb1962.automaticDestinations-ms", "bperry", &r) < 0)
    return;
  is_int(r.rc, TL_OK, "plaso 1b4dd67f (DestList v1): parsed");
  is_int(r.n_corrupt + r.n_warn + r.n_bad_emit, 0, "no corrupt, warning, "
         "bad event: every entry has its stream and every stream an entry");
  is_int(count_kind(&r, TL_EV_OPENED), 7, "7 DestList entries opened");
  is_int(count_kind(&r, TL_EV_OBSERVED), 21, "7 links x 3 stored times");
  e = find(&r, TL_EV_OPENED, "entry_number", "7", NULL);
  is_str(tm(e, t), "2015-08-29T15:32:44.0343008Z", "entry 7: last access");
  if(e) {
    is_str(e->ev.file.path, "C:\\Users\\bperry\\Downloads", "entry 7: path");
    is_str(mock_attr(e, "hostname"), "student-pc1", "entry 7: hostname");
    is_str(mock_attr(e, "pin_status"), "-1", "entry 7: pin status -1");
    is_str(mock_attr(e, "pinned"), "no", "entry 7: not pinned");
    is_str(mock_attr(e, "destlist_version"), "1", "DestList version 1");
    ok(!mock_attr(e, "access_count"), "v1 has no access count");
    is_int(e->ev.record_offset, 32, "entry 7 at DestList offset 32");
    is_str(e->ev.actor, "bperry", "actor is the profile");
    is_str(mock_attr(e, "volume_serial"), "0x885029e6",
           "the link's volume serial on the entry");
  }
  e = find(&r, TL_EV_OBSERVED, "local_path", "C:\\Users\\bperry\\AppData\\"
           "Roaming\\Microsoft\\Windows\\Libraries\\Documents.library-ms",
           "target_accessed");
  is_str(tm(e, t), "2015-08-25T10:30:31.7294695Z", "Documents.library-ms "
         "link: access time");
  if(e) {
    is_str(mock_attr(e, "size"), "3541", "its size");
    is_str(mock_attr(e, "volume_serial"), "0x885029e6",
           "its serial 2286954982");
    is_str(mock_attr(e, "drive_type"), "3", "its drive type");
    is_str(mock_attr(e, "file_attributes"), "0x00002020",
           "its attributes 8224");
    ok(mock_attr(e, "entry_number") != NULL, "tied to its entry");
  }
  e = find(&r, TL_EV_OBSERVED, "local_path", "C:\\Users\\bperry\\AppData\\"
           "Roaming\\Microsoft\\Windows\\Libraries\\Documents.library-ms",
           "target_created");
  is_str(tm(e, t), "2015-08-25T10:30:26.4794695Z", "its creation time");
  e = find(&r, TL_EV_OBSERVED, "local_path", "C:\\Users\\bperry\\AppData\\"
           "Roaming\\Microsoft\\Windows\\Libraries\\Documents.library-ms",
           "target_modified");
  is_str(tm(e, t), "2015-08-25T10:30:31.7294695Z", "its modification time");
  mock_run_free(&r);
}

static void
test_auto_v3(void)
{
  struct mock_run r;
  const struct mock_event *e;
  char t[96];
  if(run("plaso/test_data/automaticDestinations-ms/"
         "9d1f905ce5044aee.automaticDestinations-ms", NULL, &r) < 0)
    return;
  is_int(r.rc, TL_OK, "plaso 9d1f905c (DestList v3): parsed");
  is_int(r.n_corrupt + r.n_warn, 0, "no corrupt, no warning");
  is_int(r.n_events, 2, "2 entries; their links store no times");
  e = find(&r, TL_EV_OPENED, "entry_number", "2", NULL);
  is_str(tm(e, t), "2016-01-17T13:08:08.2475045Z", "entry 2: last access");
  if(e) {
    is_str(e->ev.file.path, "http://support.microsoft.com/kb/3124263",
           "entry 2: path");
    ok(!mock_attr(e, "hostname"), "entry 2: no hostname");
    is_str(mock_attr(e, "pin_status"), "-1", "entry 2: pin status -1");
    is_str(mock_attr(e, "access_count"), "1", "entry 2: access count");
    is_str(mock_attr(e, "destlist_version"), "3", "DestList version 3");
    is_str(mock_attr(e, "size"), "0", "its link: size 0");
    ok(!mock_attr(e, "drive_type"), "its link: no drive type");
    is_str(mock_attr(e, "file_attributes"), "0x00000000",
           "its link: attributes 0");
  }
  mock_run_free(&r);
}

/* EZ JumpList TestMain.cs AutoTests: DestListCount == DestListEntries ==
** directory entries - 2. Here: no corrupt report (the header's count was
** read), no warning (no entry without a stream, no stream without an
** entry), and the number of entries. */
static void
test_ez(void)
{
  static const struct {
    const char *file;
    size_t entries, pinned;
  } f[] = {
    { "Win10/5f7b5f1e01b83767", 0, 0 },
    { "Win10/7e4dca80246863e3", 1, 0 },
    { "Win10/f01b4d95cf55d32a", 9, 4 },
    { "Win7/1b4dd67f29cb1962", 4, 0 },
    { "Win80/f01b4d95cf55d32a", 4, 0 },
    { "Win81/f01b4d95cf55d32a", 4, 0 },
  };
  char rel[256];
  size_t i, j, pinned;
  struct mock_run r;
  for(i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
    snprintf(rel, sizeof(rel), "EZ-JumpList/JumpList.Test/TestFiles/%s."
             "automaticDestinations-ms", f[i].file);
    if(run(rel, NULL, &r) < 0)
      continue;
    ok(r.rc == TL_OK && !r.n_corrupt && !r.n_warn, "EZ %s: parsed whole "
       "(rc %d, %lu corrupt, %lu warnings)", f[i].file, (int)r.rc,
       (unsigned long)r.n_corrupt, (unsigned long)r.n_warn);
    is_int(count_kind(&r, TL_EV_OPENED), f[i].entries, "EZ %s: %lu entries",
           f[i].file, (unsigned long)f[i].entries);
    for(j = pinned = 0; j < r.n_events; j++)
      pinned += r.events[j].ev.kind == TL_EV_OPENED &&
                mock_attr(&r.events[j], "pinned") &&
                !strcmp(mock_attr(&r.events[j], "pinned"), "yes");
    is_int(pinned, f[i].pinned, "EZ %s: %lu pinned", f[i].file,
           (unsigned long)f[i].pinned);
    mock_run_free(&r);
  }
  if(run("EZ-JumpList/JumpList.Test/TestFiles/Bad/CALC.EXE-3FBEF7FD.pf",
         NULL, &r) < 0)
    return;
  is_int(r.rc, TL_FAILED, "EZ Bad/CALC.EXE-3FBEF7FD.pf: rejected");
  is_int(r.n_warn, 1, "with a warning");
  is_int(r.n_events, 0, "and no event");
  mock_run_free(&r);
}

/* The last link cut short: the others are kept, the cut one is reported
** and what it has before the cut is still used. */
static void
cut_custom(const char *rel)
{
  char path[4096];
  size_t len = 0;
  unsigned char *b;
  struct mock_run r;
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(!(b = mock_slurp(path, &len)) || len < 200) {
    ok(0, "cannot read %s", rel);
    free(b);
    return;
  }
  mock_run_buf(P, b, len - 200, "c.customDestinations-ms", NULL, &r);
  is_int(r.rc, TL_CORRUPT, "custom 368d8072 cut by 200 bytes: TL_CORRUPT");
  is_int(r.n_corrupt, 1, "one corrupt report (%s)", r.last_corrupt);
  is_int(r.n_events, 9, "the two whole links and the cut one's header "
         "times");
  mock_run_free(&r);
  free(b);
}

static void
test_custom(void)
{
  struct mock_run r;
  const struct mock_event *e;
  char t[96];
  const char *dir = "plaso/test_data/customDestinations-ms/";
  char rel[256];

  snprintf(rel, sizeof(rel), "%s368d807282ccde9d.customDestinations-ms",
           dir);
  if(run(rel, "u", &r) == 0) {
    is_int(r.rc, TL_OK, "custom 368d8072: parsed");
    is_int(r.n_corrupt + r.n_warn, 0, "no corrupt, no warning");
    is_int(r.n_events, 9, "3 links x 3 stored times");
    is_int(count_kind(&r, TL_EV_OPENED), 0, "no opened event (no DestList)");
    e = find(&r, TL_EV_OBSERVED, "arguments", "My Arguments",
             "target_accessed");
    is_str(tm(e, t), "2024-01-16T06:12:41.2400523Z", "C:\\test: accessed");
    if(e) {
      is_str(e->ev.file.path, "C:\\test", "path");
      is_str(mock_attr(e, "icon_location"), "My Icon", "icon location");
      is_str(mock_attr(e, "size"), "4096", "size");
      is_str(mock_attr(e, "file_attributes"), "0x00000010", "attributes 16");
      is_str(mock_attr(e, "volume_serial"), "0x2ca3d1ae", "serial 748933550");
      is_str(mock_attr(e, "drive_type"), "3", "drive type");
      is_str(e->ev.actor, "u", "actor");
    }
    e = find(&r, TL_EV_OBSERVED, "arguments", "My Arguments",
             "target_created");
    is_str(tm(e, t), "2023-07-12T18:11:18.2749654Z", "C:\\test: created");
    e = find(&r, TL_EV_OBSERVED, "arguments", "My Arguments",
             "target_modified");
    is_str(tm(e, t), "2023-07-14T04:04:00.3349887Z", "C:\\test: modified");
    mock_run_free(&r);
    cut_custom(rel);
  }
  snprintf(rel, sizeof(rel), "%s5afe4de1b92fc382.customDestinations-ms",
           dir);
  if(run(rel, NULL, &r) == 0) {
    const char *args = "{DE3895CB-077B-4C38-B6E3-F3DE1E0D84FC} "
      "%systemroot%\\system32\\control.exe /name Microsoft.Display";
    is_int(r.rc, TL_OK, "custom 5afe4de1: parsed");
    is_int(r.n_corrupt + r.n_warn, 0, "no corrupt, no warning");
    is_int(r.n_events, 27, "9 links x 3 stored times");
    e = find(&r, TL_EV_OBSERVED, "arguments", args, "target_accessed");
    is_str(tm(e, t), "2009-07-13T23:55:56.2481035Z", "Display link: accessed");
    if(e) {
      is_str(e->ev.file.path, "C:\\Windows\\System32\\GettingStarted.exe",
             "path");
      is_str(mock_attr(e, "description"),
             "@%systemroot%\\system32\\oobefldr.dll,-1262", "description");
      is_str(mock_attr(e, "icon_location"),
             "%systemroot%\\system32\\display.dll", "icon location");
      is_str(mock_attr(e, "size"), "11776", "size");
      is_str(mock_attr(e, "volume_serial"), "0x885029e6", "serial");
      is_str(mock_attr(e, "file_attributes"), "0x00000020", "attributes 32");
    }
    e = find(&r, TL_EV_OBSERVED, "arguments", args, "target_created");
    is_str(tm(e, t), "2009-07-13T23:55:56.2481035Z", "Display link: created");
    e = find(&r, TL_EV_OBSERVED, "arguments", args, "target_modified");
    is_str(tm(e, t), "2009-07-14T01:39:11.3880000Z", "Display link: modified");
    mock_run_free(&r);
  }
  snprintf(rel, sizeof(rel), "%sc98dce577f884ef8.customDestinations-ms",
           dir);
  if(run(rel, NULL, &r) == 0) {
    ok(r.rc == TL_OK && !r.n_events && !r.n_warn && !r.n_corrupt,
       "custom c98dce57 (12 bytes, empty): no event, no complaint");
    mock_run_free(&r);
  }
}

/* The fuzz seed auto_v3 (tests/fuzz/make_plugin_seeds.py: 512-byte
** sectors, FAT, directory at sector 1, mini FAT, the mini stream from
** sector 3 with the DestList first): its values, then damaged. */
static void
test_seed(void)
{
  const char *src = getenv("TL_SRCDIR");
  char path[4096];
  size_t len = 0;
  unsigned char *b;
  struct mock_run r;
  const struct mock_event *e;
  char t[96];
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/jumplist/"
           "auto_v3.automaticDestinations-ms", src ? src : ".");
  if(!(b = mock_slurp(path, &len)) || len != 3584) {
    ok(0, "cannot read %s", path);
    free(b);
    return;
  }
  mock_run_buf(P, b, len, "s.automaticDestinations-ms", "x", &r);
  ok(r.rc == TL_OK && !r.n_corrupt && !r.n_warn, "seed auto_v3: parsed");
  is_int(r.n_events, 8, "2 entries + 2 x 3 link times");
  e = find(&r, TL_EV_OPENED, "entry_number", "2", NULL);
  is_str(tm(e, t), "2023-07-10T03:39:03.1978618Z", "entry 2: last access");
  if(e) {
    is_str(e->ev.file.path, "\\\\FS01\\s\\b.xlsx", "entry 2: path");
    is_str(mock_attr(e, "pinned"), "yes", "entry 2: pinned");
    is_str(mock_attr(e, "pin_status"), "0", "entry 2: pin position 0");
    is_str(mock_attr(e, "access_count"), "3", "entry 2: access count");
    is_str(mock_attr(e, "hostname"), "ws17", "entry 2: hostname");
    is_str(mock_attr(e, "lnk_target"), "\\\\FS01\\share\\dir\\a.docx",
           "entry 2: its link's other target");
    is_str(mock_attr(e, "machine_id"), "fs-client", "its link's machine");
  }
  mock_run_free(&r);
  /* the DestList header says 3 entries: two are read, one report */
  b[2048 + 4] = 3;
  mock_run_buf(P, b, len, "s.automaticDestinations-ms", "x", &r);
  is_int(r.rc, TL_CORRUPT, "DestList count 3 for 2 entries: TL_CORRUPT");
  is_int(r.n_corrupt, 1, "one report (%s)", r.last_corrupt);
  is_int(count_kind(&r, TL_EV_OPENED), 2, "both entries still opened");
  mock_run_free(&r);
  b[2048 + 4] = 2;
  /* stream "2" renamed "9": entry 2 has no link, stream 9 no entry */
  ok(b[1024 + 384] == '2', "directory entry 3 is stream \"2\"");
  b[1024 + 384] = '9';
  mock_run_buf(P, b, len, "s.automaticDestinations-ms", "x", &r);
  is_int(r.rc, TL_OK, "renamed stream: parsed");
  is_int(r.n_warn, 2, "two warnings (%s)", r.last_warn);
  is_int(count_kind(&r, TL_EV_OPENED), 2, "both entries opened");
  is_int(count_kind(&r, TL_EV_OBSERVED), 6, "both links' times still there");
  e = find(&r, TL_EV_OBSERVED, "stream", "9", "target_created");
  ok(e && !mock_attr(e, "entry_number"), "stream 9's link: no entry number");
  mock_run_free(&r);
  free(b);
}

/* Truncations and byte flips (two patterns) of one file: every outcome is
** a documented one, no event is malformed, and the sanitizer build sees
** every read. Files over 4 KiB take every third length and byte. */
static void
robust(const char *rel)
{
  char path[4096];
  size_t len = 0, i, bad = 0, runs = 0, step;
  unsigned char *b, *c;
  struct mock_run r;
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(!(b = mock_slurp(path, &len))) {
    ok(1, "# SKIP %s absent", rel);
    return;
  }
  step = len > 4096 ? 3 : 1;
  c = malloc(len ? len : 1);
  for(i = 0; i <= len; i += step, runs++) {
    memcpy(c, b, i);
    mock_run_buf(P, c, i, "t.automaticDestinations-ms", "p", &r);
    bad += (r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED) +
           r.n_bad_emit;
    mock_run_free(&r);
  }
  for(i = 0; i < len; i += step, runs += 2) {
    memcpy(c, b, len);
    c[i] ^= 0xff;
    mock_run_buf(P, c, len, "t", "p", &r);
    bad += (r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED) +
           r.n_bad_emit;
    mock_run_free(&r);
    c[i] = (unsigned char)(b[i] ^ 0x01);
    mock_run_buf(P, c, len, "t", "p", &r);
    bad += (r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED) +
           r.n_bad_emit;
    mock_run_free(&r);
  }
  is_int(bad, 0, "%s: %lu truncated/flipped runs, no crash, no bad event",
         strrchr(rel, '/') + 1, (unsigned long)runs);
  free(c);
  free(b);
}

int
main(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  static const char *const files[] = {
    "plaso/test_data/automaticDestinations-ms/"
    "1b4dd67f29cb1962.automaticDestinations-ms",
    "plaso/test_data/automaticDestinations-ms/"
    "9d1f905ce5044aee.automaticDestinations-ms",
    "plaso/test_data/customDestinations-ms/"
    "5afe4de1b92fc382.customDestinations-ms",
    "plaso/test_data/customDestinations-ms/"
    "368d807282ccde9d.customDestinations-ms",
    "plaso/test_data/customDestinations-ms/"
    "c98dce577f884ef8.customDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win10/"
    "5f7b5f1e01b83767.automaticDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win10/"
    "7e4dca80246863e3.automaticDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win10/"
    "f01b4d95cf55d32a.automaticDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win7/"
    "1b4dd67f29cb1962.automaticDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win80/"
    "f01b4d95cf55d32a.automaticDestinations-ms",
    "EZ-JumpList/JumpList.Test/TestFiles/Win81/"
    "f01b4d95cf55d32a.automaticDestinations-ms",
  };
  static const uint8_t cfb[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
                                  0xe1 };
  struct mock_run r;
  size_t i;

  is_int(mock_init(tl_builtin_jumplist_init), TL_OK, "init registers");
  P = mock_parser("jumplist");
  ok(P != NULL, "parser jumplist");
  if(!P)
    return done_testing();
  ok(P->claim.globs && !strcmp(P->claim.globs[0], "**/*Destinations-ms"),
     "claims **/*Destinations-ms");
  is_int(P->bid(cfb, 8), 64, "bids 64 bits on a compound file");
  is_int(P->bid((const uint8_t *)"MAM\x04", 4), 0, "no bid on prefetch");
  mock_run_buf(P, cfb, 8, "x.automaticDestinations-ms", NULL, &r);
  ok(r.rc == TL_FAILED && r.n_warn == 1 && !r.n_events,
     "a compound file header cut short: TL_FAILED with a warning");
  mock_run_free(&r);
  test_seed();
  corpus = getenv("TL_CORPUS");
  if(!corpus || !*corpus) {
    ok(1, "# SKIP TL_CORPUS not set");
    return done_testing();
  }
  test_auto_v1();
  test_auto_v3();
  test_ez();
  test_custom();
  for(i = 0; i < sizeof(files) / sizeof(files[0]); i++)
    robust(files[i]);
  return done_testing();
}
