/*
** The Recycle Bin parser (plugins/recyclebin) through the mock host:
** plaso's recycler test files with the values plaso asserts, every
** rifiuti2 sample against rifiuti2's own text goldens (count, deletion time
** to the second, size, path; the 100 ns digits asserted here were decoded
** by hand from the FILETIMEs), the owner SID from the input path, the
** damaged samples, and truncated and byte-flipped copies of every corpus
** file of the kind.
*/
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "plugin/mock_host.h"

tl_rc tl_builtin_recyclebin_init(const struct tl_host_api *api,
                                 tl_plugin_ctx *ctx, char **errmsg);

static const struct tl_parser *P;
static const char *corpus;
static char tb[96];

static const char *
T(int64_t ns)
{
  return mock_time(ns, tb);
}

/* Run P on corpus file rel; 0 when it is missing (a SKIP printed). */
static int
run(const char *rel, struct mock_run *r)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(mock_run_file(P, path, NULL, r)) {
    ok(1, "# SKIP %s not found", rel);
    return 0;
  }
  return 1;
}

/* Run P on corpus file rel as if found at vpath. */
static int
run_as(const char *rel, const char *vpath, struct mock_run *r)
{
  char path[4096];
  unsigned char *d;
  size_t len;
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(!(d = mock_slurp(path, &len))) {
    ok(1, "# SKIP %s not found", rel);
    return 0;
  }
  mock_run_buf(P, d, len, vpath, NULL, r);
  free(d);
  return 1;
}

static void
test_plaso(void)
{
  struct mock_run r;
  const struct mock_event *e;
  /* plaso WinRecycleBinParserTest.testParseVista */
  if(run_as("plaso/test_data/recycler/$II3DF3L.zip",
            "/$Recycle.Bin/S-1-5-21-1-2-3-1001/$II3DF3L.zip", &r)) {
    is_int(r.rc, TL_OK, "$II3DF3L.zip: TL_OK");
    is_int(r.n_events, 1, "$II3DF3L.zip: 1 event");
    if(r.n_events == 1) {
      e = &r.events[0];
      is_int(e->ev.kind, TL_EV_DELETED, "$II3DF3L.zip: deleted");
      is_str(T(e->ev.t_ns), "2012-03-12T20:49:58.6330000Z",
             "$II3DF3L.zip: deletion time");
      is_int(e->ev.raw, 129760589986330000LL, "$II3DF3L.zip: raw");
      is_int(e->ev.file.kind, TL_REF_PATH, "$II3DF3L.zip: a path");
      is_str(e->ev.file.path,
             "C:\\Users\\nfury\\Documents\\Alloy Research\\StarFury.zip",
             "$II3DF3L.zip: original path");
      is_str(mock_attr(e, "size"), "724919", "$II3DF3L.zip: size");
      is_str(mock_attr(e, "version"), "1", "$II3DF3L.zip: version 1");
      is_str(mock_attr(e, "index"), "$II3DF3L.zip", "$II3DF3L.zip: index");
      is_str(mock_attr(e, "content_file"), "$RI3DF3L.zip",
             "$II3DF3L.zip: content file");
      is_str(e->actor, "S-1-5-21-1-2-3-1001", "$II3DF3L.zip: SID actor");
    }
    mock_run_free(&r);
  }
  /* plaso WinRecycleBinParserTest.testParseWindows10 */
  if(run("plaso/test_data/recycler/$I103S5F.jpg", &r)) {
    is_int(r.n_events, 1, "$I103S5F.jpg: 1 event");
    if(r.n_events == 1) {
      e = &r.events[0];
      is_str(T(e->ev.t_ns), "2016-06-29T21:37:45.6180000Z",
             "$I103S5F.jpg: deletion time");
      is_str(e->ev.file.path, "C:\\Users\\random\\Downloads\\bunnies.jpg",
             "$I103S5F.jpg: original path");
      is_str(mock_attr(e, "size"), "222255", "$I103S5F.jpg: size");
      is_str(mock_attr(e, "version"), "2", "$I103S5F.jpg: version 2");
      ok(e->actor == NULL, "$I103S5F.jpg: no SID in the path, no actor");
    }
    mock_run_free(&r);
  }
  /* plaso WinRecyclerInfo2ParserTest.testParse */
  if(run_as("plaso/test_data/recycler/INFO2",
            "C:\\RECYCLER\\S-1-5-21-484763869-796845957-839522115-1004\\INFO2",
            &r)) {
    is_int(r.rc, TL_OK, "INFO2: TL_OK");
    is_int(r.n_events, 4, "INFO2: 4 events");
    if(r.n_events == 4) {
      e = &r.events[0];
      is_str(T(e->ev.t_ns), "2004-08-25T16:18:25.2370000Z",
             "INFO2: deletion time");
      is_str(e->ev.file.path, "C:\\Documents and Settings\\Mr. Evil\\"
             "Desktop\\lalsetup250.exe", "INFO2: original path");
      is_str(mock_attr(e, "drive"), "2", "INFO2: drive number 2");
      is_str(mock_attr(e, "index"), "1", "INFO2: record index 1");
      is_str(mock_attr(e, "size"), "2160128", "INFO2: size");
      is_str(mock_attr(e, "version"), "5", "INFO2: version 5");
      is_str(mock_attr(e, "content_file"), "Dc1.exe", "INFO2: Dc1.exe");
      is_int(e->ev.record_offset, 20, "INFO2: first record at 20");
      is_str(e->actor, "S-1-5-21-484763869-796845957-839522115-1004",
             "INFO2: SID from RECYCLER\\<SID>");
      is_int(r.events[3].ev.record_offset, 2420, "INFO2: fourth at 2420");
    }
    mock_run_free(&r);
  }
}

/* One rifiuti2 golden (rifiuti2/test/samples/NAME.txt) against our run of
** NAME (a file, or the $I files of a folder). */
static void
golden(const char *name)
{
  char path[4096], *txt, *line, *save = NULL;
  struct mock_run runs[32];
  size_t n_runs = 0, n_rows = 0, bad = 0, n_ev = 0, i, k;
  size_t len;
  int dir = 0, header = 0;
  DIR *d;

  snprintf(path, sizeof(path), "%s/rifiuti2/test/samples/%s.txt", corpus,
           name);
  if(!(txt = (char *)mock_slurp(path, &len))) {
    ok(1, "# SKIP %s not found", path);
    return;
  }
  snprintf(path, sizeof(path), "%s/rifiuti2/test/samples/%s", corpus, name);
  if((d = opendir(path)) != NULL) {
    struct dirent *de;
    dir = 1;
    while((de = readdir(d)) != NULL && n_runs < 32) {
      char f[4400];
      if(strncmp(de->d_name, "$I", 2))
        continue;
      snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
      mock_run_file(P, f, NULL, &runs[n_runs++]);
    }
    closedir(d);
  } else {
    mock_run_file(P, path, NULL, &runs[n_runs++]);
  }
  for(i = 0; i < n_runs; i++)
    n_ev += runs[i].n_events;

  for(line = strtok_r(txt, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    char *f[5], *p = line, tm[32];
    const struct mock_event *e = NULL;
    const char *size, *ap;
    int nf = 0;
    if(!strncmp(line, "Index\t", 6)) {
      header = 1;
      continue;
    }
    if(!header)
      continue;
    while(nf < 5) {
      f[nf++] = p;
      if(!(p = strchr(p, '\t')))
        break;
      *p++ = '\0';
    }
    if(nf != 5)
      continue;
    /* the row's event: in order for an INFO2, by file name for $I */
    for(i = 0; !e && i < n_runs; i++)
      for(k = 0; !e && k < runs[i].n_events; k++) {
        const struct mock_event *c = &runs[i].events[k];
        if(dir ? !strcmp(mock_attr(c, "index") ? mock_attr(c, "index") : "",
                         f[0]) : k == n_rows)
          e = c;
      }
    n_rows++;
    if(!e) {
      printf("# %s: no event for row %s\n", name, f[0]);
      bad++;
      continue;
    }
    snprintf(tm, sizeof(tm), "%s", T(e->ev.t_ns));
    tm[10] = ' ';
    tm[19] = '\0';
    size = mock_attr(e, "size");
    ap = mock_attr(e, "ansi_path");
    if(strcmp(tm, f[1])) {
      printf("# %s row %s: time %s, want %s\n", name, f[0], tm, f[1]);
      bad++;
    }
    if(!strcmp(f[3], "???") ? size != NULL : !size || strcmp(size, f[3])) {
      printf("# %s row %s: size %s, want %s\n", name, f[0],
             size ? size : "(none)", f[3]);
      bad++;
    }
    /* rifiuti2 marks bad UTF-16 as <\uXXXX> (we write \uXXXX) and decodes
    ** ANSI in a code page it is told (we keep \xNN): those rows are checked
    ** by hand in test_rifiuti */
    if(!strstr(f[4], "<\\u") && !strstr(e->ev.file.path, "\\x") &&
       strcmp(e->ev.file.path, f[4]) && (!ap || (strcmp(ap, f[4]) &&
                                                 !strstr(ap, "\\x")))) {
      printf("# %s row %s: path %s, want %s\n", name, f[0], e->ev.file.path,
             f[4]);
      bad++;
    }
  }
  ok(n_rows > 0 || !strcmp(name, "INFO2-empty") || !strcmp(name, "dir-empty"),
     "%s: golden read (%zu rows)", name, n_rows);
  is_int(n_ev, n_rows, "%s: as many events as rifiuti2 records", name);
  is_int(bad, 0, "%s: times, sizes and paths as rifiuti2's golden", name);
  for(i = 0; i < n_runs; i++)
    mock_run_free(&runs[i]);
  free(txt);
}

static const struct mock_event *
by_index(struct mock_run *r, size_t i)
{
  return i < r->n_events ? &r->events[i] : NULL;
}

static void
test_rifiuti(void)
{
  static const char *const goldens[] = {
    "INFO-95-ja-1", "INFO-NT-en-1", "INFO2-03-tw-uncpath", "INFO2-2k-cht-1",
    "INFO2-2k-tw-uncpath", "INFO2-ME-en-1", "INFO2-empty",
    "INFO2-me-en-uncpath", "INFO2-sample1", "INFO2-sample2",
    "dir-2019-uncpath", "dir-bad-uni", "dir-empty", "dir-sample1",
    "dir-win10-01"
  };
  struct mock_run r;
  const struct mock_event *e;
  size_t i;
  for(i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
    golden(goldens[i]);

  /* EXPECTED.md's first records, to 100 ns */
  if(run("rifiuti2/test/samples/INFO2-sample1", &r)) {
    is_int(r.n_events, 16, "INFO2-sample1: 16 records");
    if((e = by_index(&r, 0)) != NULL) {
      is_str(T(e->ev.t_ns), "2008-10-28T15:53:42.4490000Z",
             "INFO2-sample1 44: time");
      is_str(mock_attr(e, "index"), "44", "INFO2-sample1: index 44");
      is_str(e->ev.file.path, "C:\\Documents and Settings\\All Users\\"
             "Desktop\\\xe6\x9c\x89\xe9\x81\x93\xe6\xa1\x8c\xe9\x9d\xa2"
             "\xe8\xaf\x8d\xe5\x85\xb8.lnk", "INFO2-sample1 44: UTF-16 path");
      is_str(mock_attr(e, "size"), "4096", "INFO2-sample1 44: size");
    }
    if((e = by_index(&r, 2)) != NULL) {
      is_str(mock_attr(e, "size"), "2912256", "INFO2-sample1 46: size");
      is_str(T(e->ev.t_ns), "2008-11-06T09:20:58.5000000Z",
             "INFO2-sample1 46: time");
    }
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/INFO2-sample2", &r)) {
    is_int(r.n_events, 7, "INFO2-sample2: 7 records (98: ANSI only)");
    is_str(mock_attr(by_index(&r, 0), "version"), "4",
           "INFO2-sample2: version 4");
    if((e = by_index(&r, 3)) != NULL)
      is_str(e->ev.file.path, "C:\\My Documents\\R\\xE9sum\\xE9.txt.txt",
             "INFO2-sample2 3: cp1252 bytes kept as \\xNN");
    is_int(r.n_warn, 1, "INFO2-sample2: the unknown code page said once");
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/INFO-95-ja-1", &r)) {
    is_int(r.n_events, 11, "INFO-95-ja-1: 11 records");
    if((e = by_index(&r, 0)) != NULL) {
      is_str(mock_attr(e, "version"), "0", "INFO-95-ja-1: version 0");
      is_str(mock_attr(e, "drive"), "3", "INFO-95-ja-1: drive D (3)");
      is_str(T(e->ev.t_ns), "2015-05-11T05:59:49.6100000Z",
             "INFO-95-ja-1 1: time");
    }
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/INFO2-me-en-uncpath", &r)) {
    if((e = by_index(&r, 2)) != NULL) {
      is_str(e->ev.file.path, "\\\\Vm-me\\temp\\Documents\\fgabida.lst",
             "removed UNC record: first '\\' restored from drive 26");
      is_str(mock_attr(e, "removed"), "yes", "removed UNC record: removed");
    } else
      ok(0, "INFO2-me-en-uncpath: 3 records");
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/INFO2-2k-tw-uncpath", &r)) {
    if((e = by_index(&r, 0)) != NULL) {
      is_str(e->ev.file.path, "\\\\Vm-2k-tw\\\xe5\x93\x88\xe5\x9b\x89"
             "\\Downloads\\hextools-1.0-bin.zip", "2k UNC: UTF-16 long path");
      is_str(mock_attr(e, "ansi_path"), "\\\\Vm-2k-tw\\\\xAB\\xA2\\xC5o"
             "\\DOWNLO~1\\HEXTOO~1.ZIP", "2k UNC: the ANSI 8.3 path kept");
      is_str(mock_attr(e, "drive"), "26", "2k UNC: drive 26");
      ok(mock_attr(e, "content_file") == NULL, "2k UNC: no drive letter");
    }
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/INFO2-trunc", &r)) {
    is_int(r.rc, TL_CORRUPT, "INFO2-trunc: TL_CORRUPT");
    is_int(r.n_events, 5, "INFO2-trunc: 5 records, the cut one too");
    is_int(r.n_corrupt, 1, "INFO2-trunc: the cut record reported");
    if((e = by_index(&r, 3)) != NULL) {
      ok(e->ev.clamped, "INFO2-trunc 4: FILETIME past 2262 clamped");
      is_int(e->ev.raw, 441481536000000000LL, "INFO2-trunc 4: raw kept");
    }
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/dir-sample1/$IYAR1YY.exe", &r)) {
    is_int(r.n_events, 1, "543-byte $I: one event");
    if((e = by_index(&r, 0)) != NULL) {
      is_str(e->ev.file.path, "C:\\dd.exe", "543-byte $I: path");
      is_str(T(e->ev.t_ns), "2007-09-21T07:54:23.2070000Z",
             "543-byte $I: time");
      ok(!mock_attr(e, "size"), "543-byte $I: no size");
    }
    is_int(r.n_warn, 1, "543-byte $I: said");
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/dir-bad-uni/$I77T7B2.ahk", &r)) {
    if((e = by_index(&r, 0)) != NULL)
      is_str(e->ev.file.path, "D:\\\\uDC82\\uD800\xf0\x90\x8c\xb0\xf0\x90"
             "\x8e\x85\xf0\x90\xa0\x94\xf0\xa8\x8b\xa2.ahk",
             "bad UTF-16: unpaired surrogates as \\uXXXX");
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/dir-badfiles/$IF47Q09", &r)) {
    is_int(r.rc, TL_FAILED, "$IF47Q09 (header only): TL_FAILED");
    is_int(r.n_events, 0, "$IF47Q09: no event");
    is_int(r.n_corrupt, 1, "$IF47Q09: reported");
    mock_run_free(&r);
  }
  if(run("rifiuti2/test/samples/dir-badfiles/$IX1JBL3.djvu", &r)) {
    is_int(r.rc, TL_CORRUPT, "$IX1JBL3.djvu (cut path): TL_CORRUPT");
    is_int(r.n_events, 1, "$IX1JBL3.djvu: the event kept");
    if((e = by_index(&r, 0)) != NULL) {
      is_str(mock_attr(e, "path_truncated"), "yes",
             "$IX1JBL3.djvu: path_truncated");
      is_str(e->ev.file.path, "\\\\WIN-163RLA0PH3N\\somewhere\\"
             "\xe0\xa6\xaa\xe0\xa6\xb0\xe0\xa7\x80",
             "$IX1JBL3.djvu: the path as far as it goes");
    }
    mock_run_free(&r);
  }
}

static void
test_built(void)
{
  unsigned char b[64];
  struct mock_run r;
  memset(b, 0, sizeof(b));
  mock_run_buf(P, b, sizeof(b), "/x/$IABC", NULL, &r);
  is_int(r.rc, TL_FAILED, "zeros: TL_FAILED");
  is_int(r.n_corrupt, 1, "zeros: reported");
  mock_run_free(&r);
  b[0] = 2;
  b[24] = 3;
  b[28] = 'a';
  b[30] = 'b';
  b[23] = 0x01;
  mock_run_buf(P, b, 36, "/$RECYCLE.BIN/S-1-5-18/$IX", NULL, &r);
  is_int(r.n_events, 1, "v2 built: one event");
  if(r.n_events == 1) {
    is_str(r.events[0].ev.file.path, "ab", "v2 built: path to its NUL");
    is_str(r.events[0].actor, "S-1-5-18", "v2 built: SID, folder any case");
  }
  mock_run_free(&r);
  mock_run_buf(P, b, 36, "/Users/S-1-5-18/$IX", NULL, &r);
  ok(r.n_events == 1 && !r.events[0].actor,
     "a SID folder not under $Recycle.Bin is no actor");
  mock_run_free(&r);
  ok(P->bid(b, 36) > 0, "bid: $I v2");
  memset(b, 0, sizeof(b));
  is_int(P->bid(b, 64), 0, "bid: zeros");
}

/* Truncated and byte-flipped copies of every corpus file of the kind. */
static void
test_robust(void)
{
  static const char *const dirs[] = {
    "plaso/test_data/recycler", "rifiuti2/test/samples",
    "rifiuti2/test/samples/dir-2019-uncpath",
    "rifiuti2/test/samples/dir-bad-uni",
    "rifiuti2/test/samples/dir-badfiles", "rifiuti2/test/samples/dir-mixed",
    "rifiuti2/test/samples/dir-sample1", "rifiuti2/test/samples/dir-win10-01"
  };
  size_t di, n_files = 0, bad = 0;
  for(di = 0; di < sizeof(dirs) / sizeof(dirs[0]); di++) {
    char path[4096];
    DIR *d;
    struct dirent *de;
    snprintf(path, sizeof(path), "%s/%s", corpus, dirs[di]);
    if(!(d = opendir(path)))
      continue;
    while((de = readdir(d)) != NULL) {
      char f[4400];
      unsigned char *data, *c;
      size_t len, i, step;
      struct mock_run r;
      if(strncmp(de->d_name, "$I", 2) && strncmp(de->d_name, "INFO", 4))
        continue;
      if(strchr(de->d_name, '.') && !strncmp(de->d_name, "INFO", 4))
        continue;               /* the goldens */
      snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
      if(!(data = mock_slurp(f, &len)))
        continue;
      n_files++;
      step = len > 2000 ? 3 : 1;
      for(i = 0; i < len; i += step) {
        mock_run_buf(P, data, i, f, NULL, &r);
        bad += r.n_bad_emit != 0;
        mock_run_free(&r);
      }
      if((c = malloc(len)) != NULL) {
        for(i = 0; i < len; i += step) {
          memcpy(c, data, len);
          c[i] ^= (unsigned char)(0xa5 + i);
          mock_run_buf(P, c, len, f, NULL, &r);
          bad += r.n_bad_emit != 0;
          mock_run_free(&r);
        }
        free(c);
      }
      free(data);
    }
    closedir(d);
  }
  ok(n_files >= 40, "robustness: %zu corpus files", n_files);
  is_int(bad, 0, "robustness: truncated and flipped copies parse");
}

int
main(void)
{
  corpus = getenv("TL_CORPUS");
  is_int(mock_init(tl_builtin_recyclebin_init), TL_OK, "init registers");
  P = mock_parser("recyclebin");
  ok(P != NULL, "recyclebin registered");
  if(!P)
    return done_testing();
  ok(P->claim.globs && !strcmp(P->claim.globs[0], "/$Recycle.Bin/**/$I*"),
     "claims $I files under $Recycle.Bin");
  ok(P->claim.names && !strcmp(P->claim.names[0], "INFO2"), "claims INFO2");
  test_built();
  if(!corpus || !*corpus || access(corpus, R_OK)) {
    ok(1, "# SKIP TL_CORPUS not set or absent");
    return done_testing();
  }
  test_plaso();
  test_rifiuti();
  test_robust();
  return done_testing();
}
