/*
** Ingest: one evidence item into the case, atomically.
**
** A staged pipeline over one context (struct ingest): open the image,
** identify it, refuse a duplicate, register the run and the item, walk and
** hash, finish, match the register, commit. The item is written in one
** transaction: a failure, a crash or Ctrl-C rolls it back, so an item
** present in the case is always complete. The run row that records the
** attempt is written before, in a transaction of its own, and ends as
** 'complete', 'failed' (with the error) or 'interrupted'; a run still
** 'running' whose process is gone was killed (shown as interrupted, and
** marked so by the next writer). The write lock is taken before the walk.
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
#include "base/abi_int.h"
#include "base/names_int.h"
#include "base/stageclock_int.h"
#include "store/store_int.h"
#include "walk/walk_int.h"
#include "walk/claims_int.h"
#include "plugin/artifacts_int.h"
#include "ingest/ingest_int.h"
#include "image/ewfimg_int.h"

/* Everything one ingest needs, from open to commit. */
typedef struct ingest {
  tl_case *c;
  const struct tl_ingest_opts *o;
  int n_paths;
  const char *const *paths;
  Tl_image im;
  int im_open;
  Tl_store st;
  int st_ok;
  Tl_walk w;
  Tl_hasher *hasher;
  char *label;
  char real[PATH_MAX];
  char host[256];
  char md5[33], sha1[41], sha256[65], herr[512];
  uint64_t n_read_err;
  int64_t ev, run, dup;
  int in_tx, deferred_index;
  const char *ver;
  struct tl_ingest_result *res;  /* the caller's, for the file counts */
  Tl_phost *ph;                  /* artifact parsers (docs/PLUGIN-ABI.md) */
  int staging;                   /* TL_INGEST_STAGING: no match, no index */
  /* TOUCHLINE_TIMING=1: each stage's wall and CPU time on stderr */
  Tl_stage_clock tm;
  double writer_cpu;        /* CPU of the writer thread */
} ingest;

/* The default label: the image's file name without its extension; bytes
** that are not UTF-8 become "\xHH" so that the label is always text. */
static char *
base_label(const char *path)
{
  const char *b = strrchr(path, '/');
  char *l, *dot;
  size_t n;
  b = b ? b + 1 : path;
  n = Tl_utf8_escape(b, strlen(b), NULL, 0);
  if(!(l = malloc(n + 1)))
    return NULL;
  Tl_utf8_escape(b, strlen(b), l, n + 1);
  if((dot = strrchr(l, '.')) && dot != l)
    *dot = '\0';
  return l;
}

/* Look up an existing item by label, segment path or hash; 0 when none,
** -1 on an error (set on c: it may have rolled the transaction back). */
static int64_t
find_item(tl_case *c, const char *sql, const char *a, const char *b)
{
  sqlite3_stmt *s;
  int64_t id = 0;
  int r;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    Tl_set_sqlite_error(c, "lookup");
    return -1;
  }
  sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
  if(b)
    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
  if((r = sqlite3_step(s)) == SQLITE_ROW)
    id = sqlite3_column_int64(s, 0);
  else if(r != SQLITE_DONE) {
    Tl_set_sqlite_error(c, "lookup");
    id = -1;
  }
  sqlite3_finalize(s);
  return id;
}

/* Everything of item id and everything derived from it. Object ids are
** never reused (case_meta 'next_object_id'), and no row of another table
** may keep naming an object that is gone. */
tl_rc
Tl_ingest_delete_item(tl_case *c, int64_t id)
{
  static const char *const sql[] = {
    "DELETE FROM object_hash WHERE object_id IN "
    "(SELECT object_id FROM object WHERE evidence_id=?1)",
    "DELETE FROM target_match WHERE object_id IN "
    "(SELECT object_id FROM object WHERE evidence_id=?1)",
    "DELETE FROM ntfs_filename WHERE object_id IN "
    "(SELECT object_id FROM object WHERE evidence_id=?1)",
    "DELETE FROM event WHERE evidence_id=?1",
    /* artifact events: the item's own go; another item's that named an
    ** object of this one keep their path text, unresolved */
    "DELETE FROM artifact_attr WHERE event_id IN "
    "(SELECT event_id FROM artifact_event WHERE evidence_id=?1)",
    "DELETE FROM artifact_event WHERE evidence_id=?1",
    "DELETE FROM evidence_fact WHERE evidence_id=?1",
    "DELETE FROM artifact_file WHERE evidence_id=?1",
    "UPDATE artifact_event SET object_id = NULL, resolved_by = NULL WHERE "
    "object_id IN (SELECT object_id FROM object WHERE evidence_id=?1)",
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

/* Stage 1: the image and the item's label. */
static tl_rc
stage_open(ingest *x)
{
  char tzerr[200];
  tl_rc rc;
  /* FAT's local times: the zone is checked before anything is opened, and
  ** converted by the walk itself (no process-wide TZ) */
  if(!(x->w.tz = Tl_tz_load(NULL, x->o->fat_tz ? x->o->fat_tz : "UTC",
                            tzerr, sizeof(tzerr))))
    return Tl_set_error(x->c, TL_USAGE, "--fat-tz %s: %s", x->o->fat_tz,
                        tzerr);
  if((rc = Tl_image_open(x->c, x->n_paths, x->paths, &x->im)))
    return rc;
  x->im_open = 1;
  x->label = x->o->label ? strdup(x->o->label) : base_label(x->paths[0]);
  if(!x->label)
    return Tl_set_error(x->c, TL_NOMEM, "out of memory");
  return TL_OK;
}

/* Stage 2: how the item is known before its content is read. */
static tl_rc
stage_identify(ingest *x)
{
  if(!realpath(x->im.segments[0], x->real))
    snprintf(x->real, sizeof(x->real), "%s", x->im.segments[0]);
  gethostname(x->host, sizeof(x->host) - 1);
  return TL_OK;
}

/* Stage 3: already in the case? By label, or by the path of any segment,
** or by its stored hash. Run before the run row (a refusal writes
** nothing) and again under the write lock. */
static tl_rc
stage_dedupe(ingest *x)
{
  tl_case *c = x->c;
  x->dup = find_item(c, "SELECT evidence_id FROM evidence WHERE label=?",
                     x->label, NULL);
  if(!x->dup)
    x->dup = find_item(c, "SELECT evidence_id FROM evidence_file WHERE "
                       "real_path=?", x->real, NULL);
  if(!x->dup && x->im.stored_md5[0])
    x->dup = find_item(c, "SELECT evidence_id FROM evidence WHERE md5=?1 "
                       "OR stored_md5=?1", x->im.stored_md5, NULL);
  if(x->dup < 0)
    return c->errcode;
  if(x->dup && !x->o->replace)
    return Tl_set_error(c, TL_EXISTS, "%s: already in the case (evidence "
                        "%lld); use --replace to ingest it again",
                        x->paths[0], (long long)x->dup);
  return TL_OK;
}

/* Stage 4: the run row (committed on its own), then the write lock for
** the item's transaction, the duplicate check again, and the item's rows. */
static tl_rc
stage_register(ingest *x)
{
  tl_case *c = x->c;
  const struct tl_ingest_opts *o = x->o;
  int i;
  tl_rc rc;

  if((rc = Tl_begin_write(c, o->wait_s, o->on_wait, o->wait_ctx)))
    return rc;
  if((rc = Tl_exec_bound(c, "INSERT INTO run(tool_version, command_line, "
                         "host, started_ns, pid, label) VALUES(?,?,?,?,?,?)",
                         "tttiit", "touchline " TL_VERSION, o->command_line,
                         x->host, Tl_now_ns(), (int64_t)getpid(),
                         x->label))) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  x->run = sqlite3_last_insert_rowid(c->db);
  if((rc = Tl_exec(c, "COMMIT"))) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    x->run = 0;
    return rc;
  }

  if((rc = Tl_begin_write(c, o->wait_s, o->on_wait, o->wait_ctx)))
    return rc;
  x->in_tx = 1;
  if((rc = stage_dedupe(x)))
    return rc;
  if((rc = Tl_store_prepare(c, &x->st)))
    return rc;
  x->st_ok = 1;
  if(x->dup && (rc = Tl_ingest_delete_item(c, x->dup)))
    return rc;
  /* Into an empty case, B-tree indexes are cheaper built once at the end
  ** (sorted) than grown one random key at a time; the DROP is part of the
  ** transaction, so a rollback brings them back. */
  {
    /* an error here has rolled the transaction back: it ends the ingest,
    ** or every later row would commit on its own */
    sqlite3_stmt *s;
    int r;
    if(sqlite3_prepare_v2(c->db, "SELECT NOT EXISTS(SELECT 1 FROM object)",
                          -1, &s, NULL) != SQLITE_OK)
      return Tl_set_sqlite_error(c, "prepare");
    if((r = sqlite3_step(s)) == SQLITE_ROW)
      x->deferred_index = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if(r != SQLITE_ROW)
      return Tl_set_sqlite_error(c, "query object");
    if(x->deferred_index && (rc = Tl_exec(c, Tl_index_drop)))
      return rc;
  }
  if((rc = Tl_exec_bound(c, "INSERT INTO evidence(label, division, "
                      "container_type, media_size, sector_size, stored_md5,"
                      " stored_sha1, verification, fat_tz, run_id, "
                      "ingested_ns) VALUES(?,?,?,?,?,?,?,'pending',?,?,?)",
                      "tttiitttii", x->label, o->division, x->im.container,
                      (int64_t)x->im.media_size, (int64_t)x->im.sector_size,
                      x->im.stored_md5[0] ? x->im.stored_md5 : NULL,
                      x->im.stored_sha1[0] ? x->im.stored_sha1 : NULL,
                      o->fat_tz ? o->fat_tz : "UTC", x->run, Tl_now_ns())))
    return rc;
  x->ev = sqlite3_last_insert_rowid(c->db);
  for(i = 0; i < x->im.n_meta; i++) {
    sqlite3_stmt *s = x->st.ins_meta;
    sqlite3_bind_int64(s, 1, x->ev);
    sqlite3_bind_text(s, 2, x->im.meta[i].key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, x->im.meta[i].value, -1, SQLITE_STATIC);
    if((rc = Tl_store_step(&x->st, s, "insert evidence_meta")))
      return rc;
  }
  return TL_OK;
}

/* The next object id: a high-water mark that survives deletions, so an
** id is never given to two objects in the life of the case. */
static tl_rc
next_object_id(tl_case *c, int64_t *id)
{
  sqlite3_stmt *s;
  int r;
  if(sqlite3_prepare_v2(c->db, "SELECT max(coalesce((SELECT CAST(value AS "
                        "INTEGER) FROM case_meta WHERE key="
                        "'next_object_id'), 1), (SELECT coalesce(max("
                        "object_id), 0) + 1 FROM object))", -1, &s, NULL) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  if((r = sqlite3_step(s)) == SQLITE_ROW)
    *id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if(r != SQLITE_ROW)
    return Tl_set_sqlite_error(c, "read next_object_id");
  return TL_OK;
}

/* Test hook (configure --enable-test-hooks only): TOUCHLINE_FAULT=INT:N,
** KILL:N or STOP:N raises the signal after N objects (STOP: to hold the
** write lock while a test looks). */
static void
fault_hook(Tl_walk *w)
{
#ifdef TL_TEST_HOOKS
  const char *f = getenv("TOUCHLINE_FAULT");
  if(f) {
    w->fault_sig = !strncmp(f, "KILL:", 5) ? SIGKILL :
                   !strncmp(f, "INT:", 4) ? SIGINT :
                   !strncmp(f, "STOP:", 5) ? SIGSTOP : 0;
    w->fault_after = strtoull(strchr(f, ':') ? strchr(f, ':') + 1 : "0",
                              NULL, 10);
  }
#else
  (void)w;
#endif
}

/* Stage 5: walk every volume and file system while the media is hashed. */
static tl_rc
stage_walk(ingest *x)
{
  tl_case *c = x->c;
  Tl_walk *w = &x->w;
  tl_rc rc, wrc;

  if(!x->o->no_hash &&
     (rc = Tl_hasher_start(c, &x->im, x->im.stored_sha1[0] != 0,
                           &x->hasher)))
    return rc;
  /* the artifact parsers: built in, the plugin folder,
  ** TOUCHLINE_PLUGIN_PATH; claims are noted during the one walk */
  {
    char err[1100];
    if((rc = Tl_phost_open(x->o->plugins, &x->ph, err, sizeof(err))))
      return Tl_set_error(c, rc, "%s", err);
    if((rc = Tl_claims_new(x->ph, &w->claims)))
      return Tl_set_error(c, rc, "out of memory");
  }
  w->run_id = x->run;
  w->c = c;
  w->st = &x->st;
  w->opts = x->o;
  w->evidence_id = x->ev;
  w->label = x->label;
  w->hasher = x->hasher;
  w->media_size = x->im.media_size;
  if((rc = next_object_id(c, &w->next_object_id)) ||
     (rc = Tl_writer_start(c, &w->wr)))
    return rc;
  fault_hook(w);
  Tl_stage_mark(&x->tm, "open");
  rc = Tl_walk_image(w, x->im.img);
  Tl_stage_mark(&x->tm, "walk");
  if(x->tm.on && x->im.is_ewf) {
    Tl_ewf_cache_stats cs;
    Tl_ewf_img_cache_stats(x->im.img, &cs);
    fprintf(stderr, "timing: EWF cache %u x %zu bytes (%u filled), %llu "
            "hits, %llu misses, %llu bytes read around it\n", cs.n_slots,
            cs.block_size, cs.used, (unsigned long long)cs.hits,
            (unsigned long long)cs.misses, (unsigned long long)cs.direct);
    if(cs.pinned)
      fprintf(stderr, "timing: EWF MFT blocks pinned %u, inflated by the "
              "walk %llu, by the hasher %llu (so far), taken by the hasher "
              "%llu (so far); %llu index reads stopped at their run's end\n",
              cs.pinned, (unsigned long long)cs.pin_walk_fills,
              (unsigned long long)cs.pin_hash_fills,
              (unsigned long long)cs.pin_hash_taken,
              (unsigned long long)cs.short_fills);
    fprintf(stderr, "timing: EWF chunks inflated with libdeflate by the "
            "walk %llu (the rest through libewf)\n",
            (unsigned long long)cs.fast_walk);
  }
  /* the walk is over: let the writer finish before anything else */
  wrc = Tl_writer_finish_cpu(w->wr, &x->writer_cpu);
  Tl_stage_mark(&x->tm, "drain");
  w->wr = NULL;
  if(!rc)
    rc = wrc;
  if(rc == TL_INTERRUPTED)
    Tl_set_error(c, rc, "%s: interrupted; nothing of it was kept",
                 x->paths[0]);
  else if(rc == TL_UNSUPPORTED) {
    char why[sizeof(c->errmsg)];
    snprintf(why, sizeof(why), "%s", c->errmsg);
    if(x->im.ewf_corrupted)
      Tl_set_error(c, TL_FAILED, "%s: EWF set is truncated or corrupt "
                   "(libewf: segment files corrupted); %s", x->paths[0],
                   why);
    else
      Tl_set_error(c, rc, "%s: %s", x->paths[0], why);
    rc = c->errcode;
  }
  return rc;
}

/* Stage 6: warnings, the deferred indexes, the media hash and its
** verification, the same media under another name. */
static tl_rc
stage_finish(ingest *x)
{
  tl_case *c = x->c;
  Tl_walk *w = &x->w;
  tl_rc rc;

  if(x->im.ewf_corrupted) {
    w->n_warnings++;
    if((rc = Tl_store_warning(&x->st, x->ev, 0, 0, "corrupt", "EWF set is "
                              "truncated or corrupt (libewf: segment files "
                              "corrupted)")))
      return rc;
  }
  /* the deferred indexes first: built while the hash thread may still be
  ** reading the media, on the other core; a staging case has none, its
  ** rows are indexed where they are copied to */
  if(x->deferred_index && !x->staging) {
    /* A new case's first item (TL_OPEN_BULK, no WAL under it): the sorter
    ** sorts runs of 4 MiB, kept in the CPU's caches, and merges them from
    ** temporary files (event_time and the object indexes at 1,000,000
    ** files: 4.6 s against 6.6 s with the 64 MiB cache, peak memory 68
    ** against 251 MiB; docs/internals/WRITE-PATH.md) */
    int64_t was = c->bulk_item ? Tl_cache_size_set(c, -4096) : 0;
    Tl_walk_progress(w, "index", 1);
    rc = Tl_exec(c, Tl_index_create);
    if(was)
      Tl_cache_size_set(c, was);
    if(rc)
      return rc;
    Tl_stage_mark(&x->tm, "index");
  }
  /* Wait for the hash, still reporting progress and honouring Ctrl-C. */
  while(x->hasher && !Tl_hasher_finished(x->hasher)) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    if(x->o->cancel && *x->o->cancel)
      return Tl_set_error(c, TL_INTERRUPTED, "%s: interrupted; nothing of "
                          "it was kept", x->paths[0]);
    Tl_walk_progress(w, "hash", 0);
    nanosleep(&ts, NULL);
  }
  if(x->hasher) {
    Tl_stage_mark(&x->tm, "hashwait");
    rc = Tl_hasher_finish(x->hasher, x->md5, x->sha1, x->sha256,
                          &x->n_read_err, x->herr, sizeof(x->herr));
    x->hasher = NULL;
    w->hasher = NULL;   /* freed: later progress must not read it */
    if(x->tm.on && x->im.is_ewf) {
      Tl_ewf_cache_stats cs;
      Tl_ewf_img_cache_stats(x->im.img, &cs);
      if(cs.pinned)
        fprintf(stderr, "timing: EWF MFT blocks inflated by the hasher "
                "%llu, taken by it from the walk %llu\n",
                (unsigned long long)cs.pin_hash_fills,
                (unsigned long long)cs.pin_hash_taken);
      fprintf(stderr, "timing: EWF chunks inflated with libdeflate by the "
              "hasher %llu\n", (unsigned long long)cs.fast_hash);
    }
    if(rc)
      return Tl_set_error(c, rc, "%s: hashing failed: %s", x->paths[0],
                          x->herr);
    if(x->n_read_err) {
      char m[700];
      snprintf(m, sizeof(m), "%llu unreadable or checksum-failing chunk(s) "
               "while hashing: %s", (unsigned long long)x->n_read_err,
               x->herr);
      w->n_warnings++;
      if((rc = Tl_store_warning(&x->st, x->ev, 0, 0, "read-error", m)))
        return rc;
    }
  }
  x->ver = verify(&x->im, x->o->no_hash, x->md5, x->sha1, x->n_read_err);
  /* the container files, with the SHA-256 the hasher gave each */
  if((rc = Tl_image_record_files(c, &x->im, x->ev, x->res)))
    return rc;

  /* The same media under another path or label is still a duplicate. */
  if(x->md5[0]) {
    int64_t dup = find_item(c, "SELECT evidence_id FROM evidence WHERE "
                            "md5=?1 AND sha256=?2", x->md5, x->sha256);
    if(dup < 0)
      return c->errcode;
    if(dup > 0 && dup != x->ev) {
      if(!x->o->replace)
        return Tl_set_error(c, TL_EXISTS, "%s: the same media (MD5 %s) is "
                            "already in the case as evidence %lld; use "
                            "--replace", x->paths[0], x->md5,
                            (long long)dup);
      if((rc = Tl_ingest_delete_item(c, dup)))
        return rc;
    }
  }
  return TL_OK;
}

tl_rc
Tl_ingest_note_unhashed(tl_case *c, int64_t ev, const Tl_hash_left *left,
                        struct tl_ingest_result *res)
{
  Tl_hash_left_msg(left, c->path, c->note, sizeof(c->note));
  res->n_unhashed = left->n;
  return Tl_exec_bound(c, "INSERT INTO warning(evidence_id, kind, message) "
                       "VALUES(?, 'unhashed', ?)", "it", ev, c->note);
}

/* Stage 7: the register, when there is one, against the new item; the
** content hashes copy detection needs are computed here too. */
static tl_rc
stage_match(ingest *x)
{
  uint64_t n_m = 0, n_h = 0, n_unc = 0;
  Tl_hash_left left = {0, "", NULL, 0};
  tl_rc rc;
  Tl_stage_mark(&x->tm, "verify");
  if(x->staging)
    return TL_OK;       /* matched where the item is copied to */
  Tl_walk_progress(&x->w, "match", 1);
  rc = Tl_match_run(x->c, x->ev, &n_m, &n_h, &left);
  /* another item's image not at hand (moved, archived): this item is
  ** still stored; what could not be hashed is said and recorded */
  if(!rc && left.n) {
    x->w.n_warnings++;
    rc = Tl_ingest_note_unhashed(x->c, x->ev, &left, x->res);
  }
  Tl_hash_left_free(&left);
  if(rc)
    return rc;
  /* links of items ingested before to \\THIS\share\... */
  rc = Tl_resolve_unc_pending(x->c, &n_unc);
  Tl_stage_mark(&x->tm, "match");
  return rc;
}

/* Stage 8: the item's totals, the id high-water mark, the run complete. */
static tl_rc
stage_commit(ingest *x, struct tl_ingest_result *res)
{
  tl_case *c = x->c;
  Tl_walk *w = &x->w;
  tl_rc rc;

  Tl_walk_progress(w, "commit", 1);
  if((rc = Tl_exec_bound(c, "UPDATE evidence SET md5=?, sha1=?, sha256=?, "
                      "verification=?, read_errors=?, n_objects=?, "
                      "n_events=?, n_corrupt=?, incomplete=? WHERE "
                      "evidence_id=?", "ttttiiiiti",
                      x->md5[0] ? x->md5 : NULL,
                      x->sha1[0] ? x->sha1 : NULL,
                      x->sha256[0] ? x->sha256 : NULL, x->ver,
                      (int64_t)x->n_read_err, (int64_t)w->n_objects,
                      (int64_t)w->n_events, (int64_t)w->n_corrupt,
                      w->incomplete[0] ? w->incomplete : NULL, x->ev)) ||
     (rc = Tl_exec_bound(c, "INSERT OR REPLACE INTO case_meta VALUES("
                      "'next_object_id', ?)", "i", w->next_object_id)) ||
     (rc = Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status='complete', "
                      "evidence_id=? WHERE run_id=?", "iii", Tl_now_ns(),
                      x->ev, x->run)))
    return rc;
  /* the parsers this run had, and what each did */
  if(x->ph && x->ph->n_parsers) {
    char *json = Tl_claims_json(w->claims);
    if((rc = Tl_record_plugins(c, x->ph, x->run)) ||
       (json && (rc = Tl_exec_bound(c, "UPDATE run SET plugins=? WHERE "
                                    "run_id=?", "ti", json, x->run)))) {
      free(json);
      return rc;
    }
    free(json);
  }
  Tl_store_finalize(&x->st);
  x->st_ok = 0;
  Tl_stage_mark(&x->tm, "finish");
  if((rc = Tl_exec(c, "COMMIT")))
    return rc;
  x->in_tx = 0;
  Tl_stage_mark(&x->tm, "commit");

  res->evidence_id = x->ev;
  res->n_objects = w->n_objects;
  res->n_events = w->n_events;
  res->n_volumes = w->n_volumes;
  res->n_filesystems = w->n_fs;
  res->n_corrupt = w->n_corrupt;
  res->n_warnings = w->n_warnings;
  res->verification = x->ver;
  return TL_OK;
}

/* After a failure: roll the item back and end its run row as 'failed'
** (with the error) or 'interrupted', in a transaction of its own. The
** error on the handle is kept. */
static void
end_failed_run(ingest *x, tl_rc rc)
{
  tl_case *c = x->c;
  char msg[sizeof(c->errmsg)];
  tl_rc code = c->errcode;

  if(x->in_tx && c->db)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  x->in_tx = 0;
  if(!x->run || !c->db)         /* !db: a publish failed (TL_OPEN_BULK) */
    return;
  snprintf(msg, sizeof(msg), "%s", c->errmsg);
  if(!Tl_begin_write(c, x->o->wait_s < 0 ? 60 : x->o->wait_s + 5, NULL,
                     NULL)) {
    if(Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status=?, message=? "
                     "WHERE run_id=?", "itti", Tl_now_ns(),
                     rc == TL_INTERRUPTED ? "interrupted" : "failed", msg,
                     x->run) || Tl_exec(c, "COMMIT"))
      sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  }
  snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg);
  c->errcode = code;
}

tl_rc
Tl_ingest_item(tl_case *c, int n_paths, const char *const *paths,
               const struct tl_ingest_opts *opts,
               struct tl_ingest_result *res, unsigned flags)
{
  ingest *x;
  tl_rc rc;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  memset(res, 0, sizeof(*res));
  c->errmsg[0] = '\0';
  c->note[0] = '\0';
  if(n_paths < 1 || !opts)
    return Tl_set_error(c, TL_USAGE, "ingest: bad arguments");
  /* labels and divisions end up in JSON, CSV and HTML: text only */
  if(opts->label && !Tl_utf8_valid(opts->label, strlen(opts->label)))
    return Tl_set_error(c, TL_USAGE, "ingest: the label is not valid "
                        "UTF-8");
  if(opts->division && !opts->division[0])
    return Tl_set_error(c, TL_USAGE, "ingest: the division is empty (NULL "
                        "for none)");
  if(opts->division && !Tl_utf8_valid(opts->division,
                                      strlen(opts->division)))
    return Tl_set_error(c, TL_USAGE, "ingest: the division is not valid "
                        "UTF-8");
  if(c->readonly)
    return Tl_set_error(c, TL_USAGE, "%s: opened read-only", c->path);
  if(!c->db)    /* a bulk case whose publish failed */
    return Tl_set_error(c, TL_IO, "%s: the case is not open", c->path);
  if(!(x = calloc(1, sizeof(*x))))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  x->c = c;
  x->o = opts;
  x->n_paths = n_paths;
  x->paths = paths;
  x->ver = "not-computed";
  x->res = res;
  x->staging = (flags & TL_INGEST_STAGING) != 0;
  Tl_stage_start(&x->tm, 8);
  c->bulk_item = c->pending && !x->staging;
  /* A staging case (the manifest's walkers, a PostgreSQL worker's item) is
  ** a private file too (two walkers at once kept 64 MiB each: the
  ** manifest's peak 271 -> 171 MiB at 100,000 files, docs/MANIFEST.md) */
  if(x->staging)
    Tl_cache_size_set(c, -TL_PRIVATE_CACHE_KIB);

  if(!(rc = stage_open(x)) &&
     !(rc = stage_identify(x)) &&
     !(rc = stage_dedupe(x)) &&
     !(rc = stage_register(x)) &&
     !(rc = stage_walk(x)) &&
     !(rc = stage_finish(x)) &&
     !(rc = stage_match(x)))
    rc = stage_commit(x, res);
  /* a new case's first item is in: the case appears at its path. Its run
  ** row is complete in the private file; whatever happens next must not
  ** end a run row of the case found at the path (x->run is not its id) */
  if(!rc && c->bulk_item) {
    int raced = 0;
    x->run = 0;
    Tl_walk_progress(&x->w, "publish", 1);   /* its fsync may take a while */
    rc = Tl_case_publish(c, 1, &raced);
    c->bulk_raced = raced;
    Tl_stage_mark(&x->tm, "publish");
  }
  if(!rc)
    Tl_stage_total(&x->tm, "writer", x->writer_cpu);

  Tl_writer_finish(x->w.wr);
  if(x->hasher) {
    Tl_hasher_cancel(x->hasher);
    Tl_hasher_finish(x->hasher, x->md5, x->sha1, x->sha256, &x->n_read_err,
                     NULL, 0);
  }
  if(x->st_ok)
    Tl_store_finalize(&x->st);
  if(rc)
    end_failed_run(x, rc);
  /* a new case whose first item failed: the case appears with the failed
  ** run row, as any case does (the error of the item is the one kept) */
  if(rc && c->bulk_item && c->pending) {
    char msg[sizeof(c->errmsg)], why[sizeof(c->errmsg)];
    tl_rc code = c->errcode;
    int raced = 0, failed;
    snprintf(msg, sizeof(msg), "%s", c->errmsg);
    c->bulk_failed = 1;
    failed = Tl_case_publish(c, 1, &raced) != TL_OK;
    snprintf(why, sizeof(why), "%s", c->errmsg);
    Tl_set_error(c, code, "%s%s%.400s", msg, failed ? "; the case was not "
                 "created: " : raced ? "; another ingest created the case "
                 "meanwhile, this failed run is not recorded in it" : "",
                 failed ? why : "");
  }
  c->bulk_item = 0;
  c->bulk_failed = 0;
  Tl_claims_free(x->w.claims);
  x->w.claims = NULL;
  Tl_phost_free(x->ph);
  Tl_walk_free(&x->w);
  free(x->label);
  if(x->im_open)
    Tl_image_close(&x->im);
  free(x);
  return rc;
}

tl_rc
tl_case_ingest(tl_case *c, int n_paths, const char *const *paths,
               const struct tl_ingest_opts *opts,
               struct tl_ingest_result *result)
{
  struct tl_ingest_opts o;
  struct tl_ingest_result res;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if(!Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "ingest: result struct_size not set");
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "ingest: options struct_size not "
                        "understood");
  memset(&res, 0, sizeof(res));
  c->bulk_raced = 0;
  rc = Tl_ingest_item(c, n_paths, paths, &o, &res, 0);
  /* TL_OPEN_BULK: another process created the case while this one built
  ** its own; the handle is now on that case, and the item goes in again,
  ** as into any existing case */
  if(!rc && c->bulk_raced) {
    c->bulk_raced = 0;
    memset(&res, 0, sizeof(res));
    rc = Tl_ingest_item(c, n_paths, paths, &o, &res, 0);
  }
  res.struct_size = sizeof(res);
  Tl_result_out(result, &res, sizeof(res));
  return rc;
}
