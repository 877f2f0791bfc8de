/*
** Ingest: one evidence item into the case, atomically.
**
** The whole item (run row, evidence, volumes, file systems, objects,
** events) is written in one transaction. A failure, a crash or Ctrl-C rolls
** it back, so an item present in the case is always complete; running the
** same command again ingests it from the start.
*/
#include "config.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/match_int.h"
#include "store/store_int.h"
#include "walk/walk_int.h"

static char *
base_label(const char *path)
{
  const char *b = strrchr(path, '/');
  char *l, *dot;
  l = strdup(b ? b + 1 : path);
  if(l && (dot = strrchr(l, '.')) && dot != l)
    *dot = '\0';
  return l;
}

/* Look up an existing item by label, segment path or hash; 0 when none. */
static int64_t
find_item(tl_case *c, const char *sql, const char *a, const char *b)
{
  sqlite3_stmt *s;
  int64_t id = 0;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
  if(b)
    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
  if(sqlite3_step(s) == SQLITE_ROW)
    id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return id;
}

static tl_rc
delete_item(tl_case *c, int64_t id)
{
  static const char *const sql[] = {
    "DELETE FROM ntfs_filename WHERE object_id IN "
    "(SELECT object_id FROM object WHERE evidence_id=?1)",
    "DELETE FROM event WHERE evidence_id=?1",
    "DELETE FROM object WHERE evidence_id=?1",
    "DELETE FROM warning WHERE evidence_id=?1",
    "DELETE FROM filesystem WHERE evidence_id=?1",
    "DELETE FROM volume WHERE evidence_id=?1",
    "DELETE FROM evidence_meta WHERE evidence_id=?1",
    "DELETE FROM evidence_file WHERE evidence_id=?1",
    "DELETE FROM evidence WHERE evidence_id=?1",
    NULL
  };
  int i;
  tl_rc rc = TL_OK;
  for(i = 0; sql[i] && !rc; i++)
    rc = Tl_exec_bound(c, sql[i], "i", id);
  return rc;
}


static const char *
verify(const Tl_image *im, int no_hash, const char *md5, const char *sha1,
       uint64_t n_err)
{
  if(no_hash)
    return "not-computed";
  if(n_err)
    return "read-errors";
  if(!im->stored_md5[0] && !im->stored_sha1[0])
    return "no-stored-hash";
  if(im->stored_md5[0] && strcasecmp(im->stored_md5, md5))
    return "mismatch";
  if(im->stored_sha1[0] && sha1[0] && strcasecmp(im->stored_sha1, sha1))
    return "mismatch";
  return "verified";
}

tl_rc
tl_case_ingest(tl_case *c, int n_paths, const char *const *paths,
               const struct tl_ingest_opts *opts,
               struct tl_ingest_result *res)
{
  Tl_image im;
  Tl_store st;
  Tl_walk w;
  Tl_hasher *hasher = NULL;
  char *label = NULL, tzerr[200];
  char real[PATH_MAX], host[256] = "";
  char md5[33] = "", sha1[41] = "", sha256[65] = "", herr[512] = "";
  uint64_t n_read_err = 0;
  int64_t ev = 0, run = 0, dup;
  int in_tx = 0, store_ok = 0, deferred_index = 0, i;
  const char *ver = "not-computed";
  tl_rc rc;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  memset(res, 0, sizeof(*res));
  memset(&w, 0, sizeof(w));
  c->errmsg[0] = '\0';
  if(n_paths < 1 || !opts || opts->struct_size < sizeof(*opts))
    return Tl_set_error(c, TL_USAGE, "ingest: bad arguments");

  /* FAT's local times: the zone is checked before anything is opened */
  if(!(w.tz = Tl_tz_load(NULL, opts->fat_tz ? opts->fat_tz : "UTC", tzerr,
                         sizeof(tzerr))))
    return Tl_set_error(c, TL_USAGE, "--fat-tz %s: %s", opts->fat_tz, tzerr);
  if((rc = Tl_image_open(c, n_paths, paths, &im))) {
    Tl_walk_free(&w);
    return rc;
  }
  label = opts->label ? strdup(opts->label) : base_label(paths[0]);
  if(!label) {
    rc = Tl_set_error(c, TL_NOMEM, "out of memory");
    goto out;
  }

  /* Already in the case? By label, or by the path of any segment. */
  if(!realpath(im.segments[0], real))
    snprintf(real, sizeof(real), "%s", im.segments[0]);
  dup = find_item(c, "SELECT evidence_id FROM evidence WHERE label=?", label,
                  NULL);
  if(!dup)
    dup = find_item(c, "SELECT evidence_id FROM evidence_file WHERE "
                    "real_path=?", real, NULL);
  if(!dup && im.stored_md5[0])
    dup = find_item(c, "SELECT evidence_id FROM evidence WHERE md5=?1 OR "
                    "stored_md5=?1", im.stored_md5, NULL);
  if(dup < 0) {
    rc = Tl_set_sqlite_error(c, "lookup");
    goto out;
  }
  if(dup && !opts->replace) {
    rc = Tl_set_error(c, TL_EXISTS, "%s: already in the case (evidence %lld"
                      "); use --replace to ingest it again", paths[0],
                      (long long)dup);
    goto out;
  }

  if((rc = Tl_store_prepare(c, &st)))
    goto out;
  store_ok = 1;
  if((rc = Tl_exec(c, "BEGIN IMMEDIATE")))
    goto out;
  in_tx = 1;
  if(dup && (rc = delete_item(c, dup)))
    goto out;
  /* Into an empty case, B-tree indexes are cheaper built once at the end
  ** (sorted) than grown one random key at a time; the DROP is part of the
  ** transaction, so a rollback brings them back. */
  {
    sqlite3_stmt *s;
    if(sqlite3_prepare_v2(c->db, "SELECT NOT EXISTS(SELECT 1 FROM object)",
                          -1, &s, NULL) == SQLITE_OK) {
      if(sqlite3_step(s) == SQLITE_ROW)
        deferred_index = sqlite3_column_int(s, 0);
      sqlite3_finalize(s);
    }
    if(deferred_index && (rc = Tl_exec(c, Tl_index_drop)))
      goto out;
  }

  gethostname(host, sizeof(host) - 1);
  if((rc = Tl_exec_bound(c, "INSERT INTO run(tool_version, command_line, host,"
                      " started_ns) VALUES(?,?,?,?)", "ttti",
                      "touchline " TL_VERSION, opts->command_line, host,
                      Tl_now_ns())))
    goto out;
  run = sqlite3_last_insert_rowid(c->db);
  if((rc = Tl_exec_bound(c, "INSERT INTO evidence(label, division, "
                      "container_type, media_size, sector_size, stored_md5,"
                      " stored_sha1, verification, fat_tz, run_id, "
                      "ingested_ns) VALUES(?,?,?,?,?,?,?,'pending',?,?,?)",
                      "tttiitttii", label, opts->division, im.container,
                      (int64_t)im.media_size, (int64_t)im.sector_size,
                      im.stored_md5[0] ? im.stored_md5 : NULL,
                      im.stored_sha1[0] ? im.stored_sha1 : NULL,
                      opts->fat_tz ? opts->fat_tz : "UTC", run,
                      Tl_now_ns())))
    goto out;
  ev = sqlite3_last_insert_rowid(c->db);
  for(i = 0; i < im.n_segments; i++) {
    char rp[PATH_MAX];
    struct stat sb;
    if(!realpath(im.segments[i], rp))
      snprintf(rp, sizeof(rp), "%s", im.segments[i]);
    if(stat(im.segments[i], &sb))
      sb.st_size = 0;
    if((rc = Tl_exec_bound(c, "INSERT INTO evidence_file(evidence_id, seq, path, real_path, size) VALUES(?,?,?,?,?)",
                        "iitti", ev, (int64_t)i, im.segments[i], rp,
                        (int64_t)sb.st_size)))
      goto out;
  }
  for(i = 0; i < im.n_meta; i++) {
    sqlite3_stmt *s = st.ins_meta;
    sqlite3_bind_int64(s, 1, ev);
    sqlite3_bind_text(s, 2, im.meta[i].key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, im.meta[i].value, -1, SQLITE_STATIC);
    if((rc = Tl_store_step(&st, s, "insert evidence_meta")))
      goto out;
  }

  if(!opts->no_hash &&
     (rc = Tl_hasher_start(c, &im, im.stored_sha1[0] != 0, &hasher)))
    goto out;

  w.c = c;
  w.st = &st;
  w.opts = opts;
  w.evidence_id = ev;
  w.label = label;
  w.hasher = hasher;
  w.media_size = im.media_size;
  {
    sqlite3_stmt *s;
    w.next_object_id = 1;
    /* ids are never reused: the high-water mark survives deletions */
    if(sqlite3_prepare_v2(c->db, "SELECT max(coalesce((SELECT CAST(value AS "
                          "INTEGER) FROM case_meta WHERE key="
                          "'next_object_id'), 1), (SELECT coalesce(max("
                          "object_id), 0) + 1 FROM object))", -1, &s, NULL)
       == SQLITE_OK) {
      if(sqlite3_step(s) == SQLITE_ROW)
        w.next_object_id = sqlite3_column_int64(s, 0);
      sqlite3_finalize(s);
    }
  }
  if((rc = Tl_writer_start(c, &w.wr)))
    goto out;
  if(getenv("TOUCHLINE_FAULT")) {
    const char *f = getenv("TOUCHLINE_FAULT");
    w.fault_sig = !strncmp(f, "KILL:", 5) ? SIGKILL :
                  !strncmp(f, "INT:", 4) ? SIGINT : 0;
    w.fault_after = strtoull(strchr(f, ':') ? strchr(f, ':') + 1 : "0",
                             NULL, 10);
  }
  rc = Tl_walk_image(&w, im.img);
  {
    /* the walk is over: let the writer finish before anything else */
    tl_rc wrc = Tl_writer_finish(w.wr);
    w.wr = NULL;
    if(!rc)
      rc = wrc;
  }

  if(rc) {
    if(rc == TL_INTERRUPTED)
      Tl_set_error(c, rc, "%s: interrupted; nothing of it was kept",
                   paths[0]);
    else if(rc == TL_UNSUPPORTED) {
      char why[sizeof(c->errmsg)];
      snprintf(why, sizeof(why), "%s", c->errmsg);
      if(im.ewf_corrupted)
        Tl_set_error(c, TL_FAILED, "%s: EWF set is truncated or corrupt "
                     "(libewf: segment files corrupted); %s", paths[0], why);
      else
        Tl_set_error(c, rc, "%s: %s", paths[0], why);
      rc = c->errcode;
    }
    goto out;
  }

  if(im.ewf_corrupted) {
    w.n_warnings++;
    if((rc = Tl_store_warning(&st, ev, 0, 0, "corrupt", "EWF set is "
                              "truncated or corrupt (libewf: segment files "
                              "corrupted)")))
      goto out;
  }

  /* Wait for the hash, still reporting progress and honouring Ctrl-C. */
  while(hasher && !Tl_hasher_finished(hasher)) {
    if(opts->cancel && *opts->cancel) {
      rc = Tl_set_error(c, TL_INTERRUPTED, "%s: interrupted; nothing of it "
                        "was kept", paths[0]);
      goto out;
    }
    Tl_walk_progress(&w, "hash", 0);
    {
      struct timespec ts = {0, 50 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
  }
  if(hasher) {
    rc = Tl_hasher_finish(hasher, md5, sha1, sha256, &n_read_err, herr,
                          sizeof(herr));
    hasher = NULL;
    if(rc) {
      Tl_set_error(c, rc, "%s: hashing failed: %s", paths[0], herr);
      goto out;
    }
    if(n_read_err) {
      char m[700];
      snprintf(m, sizeof(m), "%llu unreadable or checksum-failing chunk(s) "
               "while hashing: %s", (unsigned long long)n_read_err, herr);
      w.n_warnings++;
      if((rc = Tl_store_warning(&st, ev, 0, 0, "read-error", m)))
        goto out;
    }
  }
  ver = verify(&im, opts->no_hash, md5, sha1, n_read_err);

  /* The same media under another path or label is still a duplicate. */
  if(md5[0]) {
    dup = find_item(c, "SELECT evidence_id FROM evidence WHERE md5=?1 AND "
                    "sha256=?2", md5, sha256);
    if(dup > 0 && dup != ev) {
      if(!opts->replace) {
        rc = Tl_set_error(c, TL_EXISTS, "%s: the same media (MD5 %s) is "
                          "already in the case as evidence %lld; use "
                          "--replace", paths[0], md5, (long long)dup);
        goto out;
      }
      if((rc = delete_item(c, dup)))
        goto out;
    }
  }

  if(deferred_index) {
    Tl_walk_progress(&w, "index", 1);
    if((rc = Tl_exec(c, Tl_index_create)))
      goto out;
  }

  /* the register, when there is one, is matched against the new item */
  {
    uint64_t n_m = 0, n_h = 0;
    Tl_walk_progress(&w, "match", 1);
    if((rc = Tl_match_run(c, ev, &n_m, &n_h)))
      goto out;
  }
  Tl_walk_progress(&w, "commit", 1);
  if((rc = Tl_exec_bound(c, "UPDATE evidence SET md5=?, sha1=?, sha256=?, "
                      "verification=?, read_errors=?, n_objects=?, "
                      "n_events=?, n_corrupt=?, incomplete=? WHERE "
                      "evidence_id=?", "ttttiiiiti", md5[0] ? md5 : NULL,
                      sha1[0] ? sha1 : NULL, sha256[0] ? sha256 : NULL, ver,
                      (int64_t)n_read_err, (int64_t)w.n_objects,
                      (int64_t)w.n_events, (int64_t)w.n_corrupt,
                      w.incomplete[0] ? w.incomplete : NULL, ev)) ||
     (rc = Tl_exec_bound(c, "INSERT OR REPLACE INTO case_meta VALUES("
                      "'next_object_id', ?)", "i", w.next_object_id)) ||
     (rc = Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status='complete' "
                      "WHERE run_id=?", "ii", Tl_now_ns(), run)))
    goto out;
  Tl_store_finalize(&st);
  store_ok = 0;
  if((rc = Tl_exec(c, "COMMIT")))
    goto out;
  in_tx = 0;

  res->evidence_id = ev;
  res->n_objects = w.n_objects;
  res->n_events = w.n_events;
  res->n_volumes = w.n_volumes;
  res->n_filesystems = w.n_fs;
  res->n_corrupt = w.n_corrupt;
  res->n_warnings = w.n_warnings;
  res->verification = ver;

out:
  Tl_writer_finish(w.wr);
  if(hasher) {
    Tl_hasher_cancel(hasher);
    Tl_hasher_finish(hasher, md5, sha1, sha256, &n_read_err, NULL, 0);
  }
  if(store_ok)
    Tl_store_finalize(&st);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  Tl_walk_free(&w);
  free(label);
  Tl_image_close(&im);
  return rc;
}
