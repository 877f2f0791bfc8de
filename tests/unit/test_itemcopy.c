/* The item copier (ingest/itemcopy.c): the one item of a staging case into
** a case that already holds one, ids moved above the case's and the
** object-id high-water mark, every row kept; and its refusals, each naming
** what it does not know: a table not in its list, an id column without a
** rule, a column the case lacks, a source with two items. Uses
** samples/evidence/WS17.E01 and WS22.E01. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest_int.h"
#include "tap.h"

static char tmpdir[1024];

static tl_case *
open_case(const char *name)
{
  char path[1200];
  tl_case *c = NULL;
  const char *msg = NULL;
  snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
  if(tl_case_open(path, TL_OPEN_CREATE, &c, &msg))
    printf("# tl_case_open %s: %s\n", path, msg ? msg : "?");
  return c;
}

static tl_rc
ingest(tl_case *c, const char *image, const char *label, unsigned flags)
{
  struct tl_ingest_opts o;
  struct tl_ingest_result r;
  const char *paths[1];
  tl_rc rc;
  memset(&o, 0, sizeof(o));
  memset(&r, 0, sizeof(r));
  o.struct_size = sizeof(o);
  o.label = label;
  r.struct_size = sizeof(r);
  paths[0] = image;
  rc = Tl_ingest_item(c, 1, paths, &o, &r, flags);
  if(rc)
    printf("# ingest %s: %s\n", image, tl_case_errmsg(c));
  return rc;
}

static int64_t
one_int(tl_case *c, const char *sql)
{
  sqlite3_stmt *s;
  int64_t v = -1;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    printf("# %s: %s\n", sql, sqlite3_errmsg(c->db));
    return -1;
  }
  if(sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* Copy stage.db into c in a transaction; committed when it worked. */
static tl_rc
copy(tl_case *c, const char *stage, int64_t run_id, Tl_item_copied *out)
{
  char sql[1300];
  tl_rc rc;
  snprintf(sql, sizeof(sql), "ATTACH DATABASE '%s/%s' AS stage", tmpdir,
           stage);
  if((rc = Tl_exec(c, sql)))
    return rc;
  if(!(rc = Tl_exec(c, "BEGIN IMMEDIATE")) &&
     !(rc = Tl_item_copy(c, "stage", run_id, out)))
    rc = Tl_exec(c, "COMMIT");
  if(rc)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(c->db, "DETACH DATABASE stage", NULL, NULL, NULL);
  return rc;
}

/* A staging case holding WS22 alone, as batch.c makes one. */
static int
make_stage(const char *name, const char *ws22)
{
  tl_case *s = open_case(name);
  int bad = !s || ingest(s, ws22, "WS22", TL_INGEST_STAGING);
  tl_case_close(s);
  return bad;
}

int
main(void)
{
  const char *src = getenv("TL_SRCDIR"), *t = getenv("TMPDIR");
  char ws17[1100], ws22[1100];
  Tl_item_copied cp;
  tl_case *c, *s;
  int64_t max_before, hw_before, n_ev_stage, n_obj_stage;
  tl_rc rc;

  snprintf(ws17, sizeof(ws17), "%s/samples/evidence/WS17.E01",
           src ? src : ".");
  snprintf(ws22, sizeof(ws22), "%s/samples/evidence/WS22.E01",
           src ? src : ".");
  if(access(ws17, R_OK) || access(ws22, R_OK)) {
    printf("1..0 # SKIP samples/evidence not found\n");
    return 0;
  }
  snprintf(tmpdir, sizeof(tmpdir), "%s/tl-itemcopy-XXXXXX",
           t && *t ? t : "/tmp");
  if(!mkdtemp(tmpdir)) {
    printf("1..0 # SKIP no temporary folder\n");
    return 0;
  }

  /* the case: WS17, ingested the ordinary way; then one object deleted
  ** with its rows, so the high-water mark is above max(object_id) */
  c = open_case("case.db");
  ok(c && !ingest(c, ws17, "WS17", 0), "WS17 into the case");
  ok(!make_stage("stage.db", ws22), "WS22 into a staging case");
  s = open_case("stage.db");
  n_obj_stage = one_int(s, "SELECT count(*) FROM object");
  n_ev_stage = one_int(s, "SELECT count(*) FROM event");
  is_int(one_int(s, "SELECT count(*) FROM sqlite_master WHERE type = "
                 "'index' AND name = 'event_time'"), 0,
         "the staging case has no event index (built once, in the case)");
  tl_case_close(s);
  Tl_exec(c, "INSERT OR REPLACE INTO case_meta VALUES('next_object_id', "
          "(SELECT max(object_id) + 1000 FROM object))");
  max_before = one_int(c, "SELECT max(object_id) FROM object");
  hw_before = one_int(c, "SELECT CAST(value AS INTEGER) FROM case_meta "
                      "WHERE key = 'next_object_id'");
  Tl_exec(c, "INSERT INTO run(tool_version, started_ns, label) "
          "VALUES('test', 0, 'WS22')");

  rc = copy(c, "stage.db", 2, &cp);
  is_int(rc, TL_OK, "the staged item is copied");
  if(rc)
    printf("# %s\n", tl_case_errmsg(c));
  is_int(cp.evidence_id, 2, "it gets the next evidence id");
  is_int(cp.n_objects, n_obj_stage, "every object (%lld)",
         (long long)n_obj_stage);
  is_int(cp.n_events, n_ev_stage, "every event (%lld)",
         (long long)n_ev_stage);
  is_int(one_int(c, "SELECT min(object_id) FROM object WHERE "
                 "evidence_id = 2"), hw_before,
         "its object ids start at the high-water mark (%lld, not %lld)",
         (long long)hw_before, (long long)max_before + 1);
  is_int(one_int(c, "SELECT CAST(value AS INTEGER) FROM case_meta WHERE "
                 "key = 'next_object_id'"), hw_before + n_obj_stage,
         "the high-water mark moved past them");
  is_int(one_int(c, "SELECT count(*) FROM event e JOIN object o "
                 "USING(object_id) WHERE e.evidence_id = 2 AND "
                 "o.evidence_id = 2"), n_ev_stage,
         "every event names an object of the copied item");
  is_int(one_int(c, "SELECT count(*) FROM object o JOIN filesystem f "
                 "USING(fs_id) WHERE o.evidence_id = 2 AND f.evidence_id "
                 "= 2"), n_obj_stage, "every object names its file system");
  is_int(one_int(c, "SELECT count(*) FROM filesystem f LEFT JOIN volume v "
                 "USING(volume_id) WHERE f.evidence_id = 2 AND "
                 "f.volume_id IS NOT NULL AND v.evidence_id IS NOT 2"), 0,
         "every file system names a volume of the item");
  is_int(one_int(c, "SELECT count(*) FROM ntfs_filename WHERE object_id "
                 "IN (SELECT object_id FROM object WHERE evidence_id = 2)"),
         one_int(c, "SELECT count(*) FROM ntfs_filename WHERE object_id "
                 "NOT IN (SELECT object_id FROM object WHERE "
                 "evidence_id = 1)"), "every $FILE_NAME row went along");
  is_int(one_int(c, "SELECT run_id FROM evidence WHERE evidence_id = 2"), 2,
         "the item names the run given");
  is_int(one_int(c, "SELECT count(*) FROM artifact_file WHERE evidence_id "
                 "= 2 AND run_id = 2 AND (object_id IS NULL OR object_id "
                 "IN (SELECT object_id FROM object WHERE evidence_id = 2))"),
         one_int(c, "SELECT count(*) FROM artifact_file WHERE "
                 "evidence_id = 2"), "artifact files: run and object moved");
  ok(one_int(c, "SELECT count(*) FROM artifact_file WHERE evidence_id = 2")
     > 0, "(there are artifact files: WS22 holds LNK files)");
  is_int(one_int(c, "SELECT count(*) FROM object WHERE evidence_id = 1"),
         134, "WS17 untouched (134 objects)");

  /* refusals */
  ok(!make_stage("stage2.db", ws22), "another staging case");
  s = open_case("stage2.db");
  Tl_exec(s, "CREATE TABLE new_thing(evidence_id INTEGER, x TEXT)");
  tl_case_close(s);
  rc = copy(c, "stage2.db", 2, &cp);
  is_int(rc, TL_FAILED, "a table not in the list: refused");
  is_str(tl_case_errmsg(c), "copying an evidence item: table 'new_thing' "
         "is not in the copier's table list (src/lib/ingest/itemcopy.c); a "
         "schema change must say how its rows are copied", "... naming it");

  ok(!make_stage("stage3.db", ws22), "another staging case");
  s = open_case("stage3.db");
  Tl_exec(s, "ALTER TABLE event ADD COLUMN session_id INTEGER");
  tl_case_close(s);
  rc = copy(c, "stage3.db", 2, &cp);
  is_int(rc, TL_FAILED, "an unknown id column: refused");
  is_str(tl_case_errmsg(c), "copying an evidence item: column "
         "event.session_id looks like an id, and the copier's table list "
         "(src/lib/ingest/itemcopy.c) does not say how to move it",
         "... naming it");

  ok(!make_stage("stage4.db", ws22), "another staging case");
  s = open_case("stage4.db");
  Tl_exec(s, "ALTER TABLE warning ADD COLUMN origin INTEGER REFERENCES "
          "object(object_id)");
  tl_case_close(s);
  rc = copy(c, "stage4.db", 2, &cp);
  is_int(rc, TL_FAILED, "an unknown declared reference: refused");
  is_str(tl_case_errmsg(c), "copying an evidence item: column "
         "warning.origin names a row of table object, and the copier's "
         "table list (src/lib/ingest/itemcopy.c) does not say how to move "
         "it", "... naming it");

  ok(!make_stage("stage5.db", ws22), "another staging case");
  s = open_case("stage5.db");
  Tl_exec(s, "ALTER TABLE object ADD COLUMN note TEXT");
  tl_case_close(s);
  rc = copy(c, "stage5.db", 2, &cp);
  is_int(rc, TL_FAILED, "a column the case lacks: refused");
  is_str(tl_case_errmsg(c), "copying an evidence item: the case has no "
         "column object.note (another schema version?)", "... naming it");

  s = open_case("two.db");
  ok(s && !ingest(s, ws22, "WS22", TL_INGEST_STAGING) &&
     !ingest(s, ws17, "WS17", TL_INGEST_STAGING), "a staging case with two "
     "items");
  tl_case_close(s);
  rc = copy(c, "two.db", 2, &cp);
  is_int(rc, TL_FAILED, "a source with two items: refused");
  is_str(tl_case_errmsg(c), "copying an evidence item: the source holds 2 "
         "items; the copier takes one", "... saying so");
  is_int(one_int(c, "SELECT count(*) FROM evidence"), 2,
         "after the refusals the case holds its two items");
  is_int(one_int(c, "SELECT count(*) FROM object WHERE evidence_id NOT IN "
                 "(1, 2)"), 0, "and nothing else");
  tl_case_close(c);
  {
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if(system(cmd))
      printf("# could not remove %s\n", tmpdir);
  }
  return done_testing();
}
