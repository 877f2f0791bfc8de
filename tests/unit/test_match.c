/* Target matching (analysis/match.c) on a small hand-made case: targets by
** path, path glob, name + size, name glob, other NTFS names, content hash,
** scope (a division names the owner and does not scope); and a failing
** SQLite step is an error, never a partial match reported as complete. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/match_int.h"
#include "tap.h"

static const char fixture[] =
  "INSERT INTO evidence(evidence_id, label, division, container_type,"
  " media_size, sector_size, verification, ingested_ns) VALUES"
  " (1, 'WS1', 'Admin', 'raw', 1048576, 512, 'none', 0),"
  " (2, 'LX1', 'Eng', 'raw', 1048576, 512, 'none', 0);"
  "INSERT INTO filesystem(fs_id, evidence_id, offset_bytes, fs_type) VALUES"
  " (1, 1, 0, 'ntfs'), (2, 2, 0, 'ext4');"
  "INSERT INTO object(object_id, evidence_id, fs_id, path, name, stream,"
  " name_type, meta_type, size, alloc, deleted) VALUES"
  " (1, 1, 1, '/Users/a/Doc.docx', 'Doc.docx', NULL, 'r', 'r', 100, 'a', 0),"
  " (2, 1, 1, '/Users/a/Sub/report.pdf', 'report.pdf', NULL, 'r', 'r', 200,"
  "  'a', 0),"
  " (3, 1, 1, '/Users/b/report.pdf', 'report.pdf', NULL, 'r', 'r', 201, 'a',"
  "  1),"
  " (4, 1, 1, '/Users/a/Sub', 'Sub', NULL, 'd', 'd', 0, 'a', 0),"
  " (5, 2, 2, '/data/secret.bin', 'secret.bin', NULL, 'r', 'r', 300, 'a', 0),"
  " (6, 2, 2, '/data/Secret.bin', 'Secret.bin', NULL, 'r', 'r', 300, 'a', 0),"
  " (7, 1, 1, '/Users/a/longfilename.txt', 'longfilename.txt', NULL, 'r',"
  "  'r', 10, 'a', 0),"
  " (8, 1, 1, '/Users/a/Doc.docx:ads', 'Doc.docx:ads', 'ads', 'r', 'r', 100,"
  "  'a', 0);"
  "INSERT INTO ntfs_filename VALUES"
  " (7, 0, 2, 'WIN32', 'longfilename.txt', 5, 1, 0, 0, 10, 0, 0, 0, 0),"
  " (7, 1, 3, 'DOS', 'LONGFI~1.TXT', 5, 1, 0, 0, 10, 0, 0, 0, 0);"
  /* every candidate already hashed: matching reads no image */
  "INSERT INTO object_hash(object_id, md5, sha256) VALUES"
  " (1, '11111111111111111111111111111111', NULL),"
  " (2, '22222222222222222222222222222222', NULL),"
  " (3, '33333333333333333333333333333333', NULL),"
  " (5, '55555555555555555555555555555555', 'aa55'),"
  " (6, '66666666666666666666666666666666', 'aa66'),"
  " (7, '77777777777777777777777777777777', NULL),"
  " (8, '88888888888888888888888888888888', NULL);"
  "INSERT INTO target(target_id, line, pattern, name, size, md5, sha256,"
  " division, scope, is_glob) VALUES"
  " (1, 2, '/users/A/doc.docx', NULL, NULL, NULL, NULL, NULL, NULL, 0),"
  " (2, 3, '/Users/a/**/*.pdf', NULL, NULL, NULL, NULL, NULL, NULL, 1),"
  " (3, 4, NULL, 'report.pdf', 201, NULL, NULL, NULL, NULL, 0),"
  " (4, 5, NULL, 'secret.bin', NULL, NULL, NULL, NULL, NULL, 0),"
  " (5, 6, NULL, NULL, 300, NULL, 'aa55', NULL, NULL, 0),"
  " (6, 7, NULL, 'longfi~1.txt', NULL, NULL, NULL, NULL, NULL, 0),"
  " (7, 8, NULL, '*.DOCX', NULL, NULL, NULL, NULL, NULL, 1),"
  /* scoped to another division: no match */
  " (8, 9, '/Users/a/Doc.docx', NULL, NULL, NULL, NULL, NULL, 'Eng', 0),"
  " (9, 10, NULL, NULL, NULL, '22222222222222222222222222222222', NULL,"
  "  NULL, NULL, 0),"
  /* a division names the owner and does not scope (issue 9) */
  " (10, 11, '/Users/a/Doc.docx', NULL, NULL, NULL, NULL, 'Eng', NULL, 0),"
  /* scope: the item's label, or its division, in any case */
  " (11, 12, '/Users/a/Doc.docx', NULL, NULL, NULL, NULL, NULL, 'ws1', 0),"
  " (12, 13, '/Users/a/Doc.docx', NULL, NULL, NULL, NULL, NULL, 'ADMIN',"
  "  0);";

/* every match, in order, as "target:object:how;" */
static const char want[] =
  "1:1:path;2:2:glob;3:3:name;4:5:name;5:5:sha256;6:7:alt-name;"
  "7:1:name-glob;9:2:md5;10:1:path;11:1:path;12:1:path;";

static void
matches(tl_case *c, char *out, size_t cap)
{
  sqlite3_stmt *s;
  size_t n = 0;
  out[0] = '\0';
  if(sqlite3_prepare_v2(c->db, "SELECT target_id, object_id, how FROM "
                        "target_match ORDER BY 1, 2", -1, &s, NULL))
    return;
  while(sqlite3_step(s) == SQLITE_ROW && n < cap)
    n += (size_t)snprintf(out + n, cap - n, "%lld:%lld:%s;",
                          (long long)sqlite3_column_int64(s, 0),
                          (long long)sqlite3_column_int64(s, 1),
                          (const char *)sqlite3_column_text(s, 2));
  sqlite3_finalize(s);
}

/* interrupt the statement running after `left` progress callbacks */
static long left;

static int
progress(void *arg)
{
  (void)arg;
  return --left == 0;
}

int
main(void)
{
  char path[4096], got[1024];
  const char *tmp = getenv("TMPDIR"), *msg = NULL;
  tl_case *c = NULL;
  uint64_t n = 0, h = 0;
  long k, n_failed = 0, n_partial = 0;
  int fd;

  snprintf(path, sizeof(path), "%s/tl-match-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if((fd = mkstemp(path)) >= 0) {
    close(fd);
    unlink(path);
  }
  ok(!tl_case_open(path, TL_OPEN_CREATE, &c, &msg), "case created %s",
     msg ? msg : "ok");
  if(!c)
    return done_testing();
  Tl_exec(c, "PRAGMA synchronous=OFF");   /* ~500 runs below */
  is_int(Tl_exec(c, fixture), TL_OK, "fixture loaded %s",
         tl_case_errmsg(c));

  is_int(Tl_match_run(c, 0, &n, &h, NULL), TL_OK, "matching the whole case");
  matches(c, got, sizeof(got));
  is_str(got, want, "path, glob, name+size, name, hash, alt-name, "
         "name-glob, md5; no directory, stream or other scope; division "
         "does not scope");
  is_int(n, 11, "11 matches counted");
  is_int(h, 0, "nothing hashed: every candidate had a hash");

  n = 0;
  is_int(Tl_match_run(c, 2, &n, &h, NULL), TL_OK, "matching evidence 2 only");
  is_int(n, 2, "its 2 matches counted");
  matches(c, got, sizeof(got));
  is_str(got, want, "the other item's matches are kept");

  /* a step that fails part way: interrupt after k virtual machine steps,
  ** for every k until a run completes */
  for(k = 1; k < 100000; k++) {
    tl_rc rc;
    n = 0;
    left = k;
    sqlite3_progress_handler(c->db, 1, progress, NULL);
    rc = Tl_match_run(c, 0, &n, &h, NULL);
    sqlite3_progress_handler(c->db, 0, NULL, NULL);
    if(rc) {
      n_failed++;
      if(!strstr(tl_case_errmsg(c), "interrupt") && n_failed < 5)
        printf("# k=%ld: %s\n", k, tl_case_errmsg(c));
      continue;
    }
    matches(c, got, sizeof(got));
    if(strcmp(got, want)) {
      n_partial++;
      if(n_partial < 5)
        printf("# k=%ld: TL_OK with %s\n", k, got);
      continue;
    }
    break;
  }
  ok(k < 100000, "a run completes once not interrupted (k=%ld)", k);
  ok(n_failed > 100, "interrupted runs fail (%ld of them)", n_failed);
  is_int(n_partial, 0, "no interrupted run reports TL_OK with a partial "
         "match");

  tl_case_close(c);
  unlink(path);
  return done_testing();
}
