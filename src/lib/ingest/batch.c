/*
** Many evidence items at once: N walkers, one writer (docs/MANIFEST.md).
**
** The expensive part of an ingest is the walk and the media hash; the
** case has one writer. So each item is ingested by a worker thread with
** the ordinary pipeline (ingest.c) into a private staging case next to the
** case (CASE.stage-PID-N: synchronous off, journal in memory, no indexes,
** no matching), and the calling thread, the only one that writes the case,
** copies each walked item from its staging case in one transaction
** (itemcopy.c), matches the register against it, marks its run complete,
** commits, and deletes the staging file.
**
** Run rows: an item's run row is written in the case (its own small
** transaction, as for a single ingest) when the item is handed to the
** walkers; it ends complete in the item's copy transaction, or failed or
** interrupted after. A killed process leaves its rows 'running' with a pid
** that is gone: shown and later marked as interrupted. Nothing of an item
** is in the case before its copy commits, so an interruption of any kind
** leaves every committed item complete and no other looking complete.
** Staging files of a process that is gone are removed by the next batch
** on the same case.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/match_int.h"
#include "base/abi_int.h"
#include "plugin/artifacts_int.h"
#include "ingest/ingest_int.h"

enum jstate { J_PENDING, J_QUEUED, J_WALKING, J_WALKED, J_COPYING, J_DONE };

typedef struct batch batch;

typedef struct job {
  batch *b;
  int idx;
  enum jstate state;
  struct tl_manifest_entry e;
  int64_t run_id;
  char *stage;                /* the staging case's path */
  double t0, t_walked;
  /* the walk (worker) */
  struct tl_ingest_result res;
  tl_rc wrc;
  char wmsg[1024];
  /* progress of the walk, under b->mu */
  char stage_name[16];
  uint64_t n_objects, n_events, bytes_done, bytes_total;
  /* the end */
  const char *status;
  tl_rc rc;
  char msg[1024];
  char note[1024];            /* a complete item's warning (unhashed) */
  int64_t evidence_id;
  double elapsed;
} job;

struct batch {
  tl_case *c;
  const tl_manifest *m;
  struct tl_manifest_opts o;
  struct tl_ingest_opts io;   /* every item's options */
  job *jobs;
  int n, n_jobs;
  pthread_mutex_t mu;
  pthread_cond_t work_cv, done_cv;
  int *queue, q_head, q_tail;
  int n_walking, n_walked;
  int quit;
  volatile int stop;          /* the walkers' cancel flag */
  int next;                   /* next job not handed out */
  double t0, last_progress;
  char host[256];
  struct tl_progress *snap;
  char (*snap_stage)[16];
  tl_rc fatal;                /* the case could not be written */
  char fatal_msg[1024];
  int n_complete;             /* for the test hook */
  uint32_t n_done_ok, n_failed, n_exists, n_intr;
  uint64_t n_objects, n_events;
};

static int
user_cancelled(batch *b)
{
  return b->io.cancel && *b->io.cancel;
}

/* ---- staging files ------------------------------------------------ */

/* Remove the staging files (and their journals) of processes on this host
** that are gone, or of an earlier process with this pid. */
static void
remove_stale(const char *case_path)
{
  char dir[PATH_MAX], prefix[PATH_MAX + 16], p[2 * PATH_MAX + 2];
  const char *sl = strrchr(case_path, '/');
  size_t plen;
  DIR *d;
  struct dirent *de;
  if(sl)
    snprintf(dir, sizeof(dir), "%.*s", (int)(sl - case_path) + 1,
             case_path);
  else
    snprintf(dir, sizeof(dir), "./");
  snprintf(prefix, sizeof(prefix), "%s.stage-", sl ? sl + 1 : case_path);
  plen = strlen(prefix);
  if(!(d = opendir(dir)))
    return;
  while((de = readdir(d))) {
    char host[256] = "";
    long pid;
    if(strncmp(de->d_name, prefix, plen))
      continue;
    pid = strtol(de->d_name + plen, NULL, 10);
    gethostname(host, sizeof(host) - 1);
    if(pid <= 0 || (pid != (long)getpid() && Tl_pid_alive(host, pid)))
      continue;
    snprintf(p, sizeof(p), "%s%s", dir, de->d_name);
    unlink(p);
  }
  closedir(d);
}

/* ---- the walkers -------------------------------------------------- */

static void
on_walk_progress(const struct tl_progress *p, void *ctx)
{
  job *j = ctx;
  pthread_mutex_lock(&j->b->mu);
  /* the staging case's commit is not the item's */
  snprintf(j->stage_name, sizeof(j->stage_name), "%s",
           strcmp(p->stage, "commit") ? p->stage : "staged");
  j->n_objects = p->n_objects;
  j->n_events = p->n_events;
  j->bytes_done = p->bytes_done;
  j->bytes_total = p->bytes_total;
  pthread_mutex_unlock(&j->b->mu);
}

/* One item into its staging case (a worker thread). */
static void
walk_one(batch *b, job *j)
{
  struct tl_ingest_opts io = b->io;
  const char *err = "", *paths[1];
  tl_case *s = NULL;
  tl_rc rc;

  Tl_remove_case_files(j->stage);
  if((rc = tl_case_open(j->stage, TL_OPEN_CREATE, &s, &err))) {
    j->wrc = rc;
    snprintf(j->wmsg, sizeof(j->wmsg), "staging case: %s", err);
    return;
  }
  /* private and thrown away after the copy: no durability needed */
  sqlite3_exec(s->db, "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = "
               "OFF", NULL, NULL, NULL);
  io.label = j->e.label;
  io.division = j->e.division;
  io.replace = 0;
  io.progress = on_walk_progress;
  io.progress_ctx = j;
  io.cancel = &b->stop;
  io.wait_s = 0;
  io.on_wait = NULL;
  paths[0] = j->e.image;
  memset(&j->res, 0, sizeof(j->res));
  j->res.struct_size = sizeof(j->res);
  j->wrc = Tl_ingest_item(s, 1, paths, &io, &j->res, TL_INGEST_STAGING);
  if(j->wrc)
    snprintf(j->wmsg, sizeof(j->wmsg), "%s", tl_case_errmsg(s));
  tl_case_close(s);
}

static void *
worker(void *arg)
{
  batch *b = arg;
  pthread_mutex_lock(&b->mu);
  for(;;) {
    job *j;
    /* at most n_jobs walked items wait for the writer (disk space) */
    while(!b->quit && (b->stop || b->q_head == b->q_tail ||
                       b->n_walked >= b->n_jobs))
      pthread_cond_wait(&b->work_cv, &b->mu);
    if(b->quit)
      break;
    j = &b->jobs[b->queue[b->q_head++]];
    j->state = J_WALKING;
    j->t0 = Tl_mono_s();
    snprintf(j->stage_name, sizeof(j->stage_name), "open");
    b->n_walking++;
    pthread_mutex_unlock(&b->mu);
    walk_one(b, j);
    pthread_mutex_lock(&b->mu);
    j->state = J_WALKED;
    j->t_walked = Tl_mono_s();
    snprintf(j->stage_name, sizeof(j->stage_name), "waiting");
    b->n_walking--;
    b->n_walked++;
    pthread_cond_broadcast(&b->done_cv);
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* ---- the writer (the calling thread) ------------------------------ */

static void
emit_progress(batch *b, int force)
{
  struct tl_manifest_progress p;
  uint32_t k = 0;
  int i;
  double now = Tl_mono_s();
  if(!b->o.progress || (!force && now - b->last_progress < 0.25))
    return;
  b->last_progress = now;
  memset(&p, 0, sizeof(p));
  p.struct_size = sizeof(p);
  p.n_items = (uint32_t)b->n;
  pthread_mutex_lock(&b->mu);
  for(i = 0; i < b->n; i++) {
    job *j = &b->jobs[i];
    struct tl_progress *s;
    if(j->state == J_PENDING) {
      p.n_queued++;
      continue;
    }
    if(j->state == J_DONE) {
      if(j->rc)
        p.n_failed++;
      else
        p.n_complete++;
      continue;
    }
    s = &b->snap[k];
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    s->label = j->e.label;
    snprintf(b->snap_stage[k], sizeof(b->snap_stage[k]), "%s",
             j->state == J_QUEUED ? "queued" : j->stage_name);
    s->stage = b->snap_stage[k];
    s->n_objects = j->n_objects;
    s->n_events = j->n_events;
    s->bytes_done = j->bytes_done;
    s->bytes_total = j->bytes_total;
    s->elapsed_s = j->state == J_QUEUED ? 0 : now - j->t0;
    k++;
  }
  pthread_mutex_unlock(&b->mu);
  p.n_active = k;
  p.elapsed_s = now - b->t0;
  p.items = b->snap;
  b->o.progress(&p, b->o.ctx);
}

/* The end of an item: counted, told to the caller. */
static void
finish_job(batch *b, job *j, const char *status, tl_rc rc, const char *msg)
{
  struct tl_manifest_item it;
  pthread_mutex_lock(&b->mu);
  j->state = J_DONE;
  j->status = status;
  j->rc = rc;
  if(msg)
    snprintf(j->msg, sizeof(j->msg), "%s", msg);
  j->elapsed = j->t0 > 0 ? Tl_mono_s() - j->t0 : 0;
  pthread_mutex_unlock(&b->mu);
  if(!rc) {
    b->n_done_ok++;
    b->n_objects += j->res.n_objects;
    b->n_events += j->res.n_events;
  }
  else if(rc == TL_EXISTS)
    b->n_exists++;
  else if(rc == TL_INTERRUPTED)
    b->n_intr++;
  else
    b->n_failed++;
  if(b->o.on_item) {
    memset(&it, 0, sizeof(it));
    it.struct_size = sizeof(it);
    it.index = j->idx;
    it.line = j->e.line;
    it.label = j->e.label;
    it.image = j->e.image;
    it.status = status;
    it.rc = rc;
    it.message = rc ? j->msg : NULL;
    it.evidence_id = rc ? 0 : j->evidence_id;
    it.run_id = j->run_id;
    it.n_objects = rc ? 0 : j->res.n_objects;
    it.n_events = rc ? 0 : j->res.n_events;
    it.verification = rc ? NULL : j->res.verification;
    it.elapsed_s = j->elapsed;
    it.note = !rc && j->note[0] ? j->note : NULL;
    b->o.on_item(&it, b->o.ctx);
  }
}

/* A failure of the case itself (busy past --wait, a write error): the
** batch stops; items not stored are interrupted. */
static void
set_fatal(batch *b)
{
  if(!b->fatal) {
    b->fatal = b->c->errcode ? b->c->errcode : TL_IO;
    snprintf(b->fatal_msg, sizeof(b->fatal_msg), "%s", b->c->errmsg);
  }
  b->stop = 1;
}

/* End the item's run row as failed or interrupted, with msg. */
static void
end_run(batch *b, job *j, tl_rc rc, const char *msg)
{
  tl_case *c = b->c;
  int w = b->fatal ? 5 : b->io.wait_s < 0 ? 60 : b->io.wait_s + 5;
  if(!j->run_id)
    return;
  if(Tl_begin_write(c, w, NULL, NULL))
    return;
  if(Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status=?, message=? "
                   "WHERE run_id=?", "itti", Tl_now_ns(),
                   rc == TL_INTERRUPTED ? "interrupted" : "failed", msg,
                   j->run_id) || Tl_exec(c, "COMMIT"))
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Is the item already in the case, by label or by the image's path?
** (The media hash is checked again at the copy.) 0 no, 1 yes, -1 error. */
static int
already_in(batch *b, job *j, int64_t *id)
{
  tl_case *c = b->c;
  char real[PATH_MAX];
  sqlite3_stmt *s;
  int r;
  *id = 0;
  if(!realpath(j->e.image, real))
    snprintf(real, sizeof(real), "%s", j->e.image);
  if(sqlite3_prepare_v2(c->db, "SELECT evidence_id FROM evidence WHERE "
                        "label = ?1 UNION ALL SELECT evidence_id FROM "
                        "evidence_file WHERE real_path = ?2 LIMIT 1", -1, &s,
                        NULL) != SQLITE_OK) {
    Tl_set_sqlite_error(c, "lookup");
    return -1;
  }
  sqlite3_bind_text(s, 1, j->e.label, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, real, -1, SQLITE_STATIC);
  r = sqlite3_step(s);
  if(r == SQLITE_ROW)
    *id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if(r != SQLITE_ROW && r != SQLITE_DONE) {
    Tl_set_sqlite_error(c, "lookup");
    return -1;
  }
  return r == SQLITE_ROW;
}

/* Hand the next item to the walkers: refused when already in the case,
** else its run row is written and it is queued. */
static void
start_next(batch *b)
{
  tl_case *c = b->c;
  job *j = &b->jobs[b->next++];
  int64_t id;
  int r;
  tl_rc rc;

  if(!b->io.replace) {
    if((r = already_in(b, j, &id)) < 0) {
      set_fatal(b);
      finish_job(b, j, "not-started", TL_INTERRUPTED, b->fatal_msg);
      return;
    }
    if(r) {
      char msg[1024];
      snprintf(msg, sizeof(msg), "%s: already in the case (evidence %lld);"
               " use --replace to ingest it again", j->e.image,
               (long long)id);
      finish_job(b, j, "exists", TL_EXISTS, msg);
      return;
    }
  }
  if((rc = Tl_begin_write(c, b->io.wait_s, b->io.on_wait, b->io.wait_ctx)))
  {
    set_fatal(b);
    finish_job(b, j, "not-started", TL_INTERRUPTED, b->fatal_msg);
    return;
  }
  if((rc = Tl_exec_bound(c, "INSERT INTO run(tool_version, command_line, "
                         "host, started_ns, pid, label) VALUES(?,?,?,?,?,?)",
                         "tttiit", "touchline " TL_VERSION,
                         b->io.command_line, b->host, Tl_now_ns(),
                         (int64_t)getpid(), j->e.label)) ||
     (j->run_id = sqlite3_last_insert_rowid(c->db),
      (rc = Tl_exec(c, "COMMIT")))) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    j->run_id = 0;
    set_fatal(b);
    finish_job(b, j, "not-started", TL_INTERRUPTED, b->fatal_msg);
    return;
  }
  pthread_mutex_lock(&b->mu);
  j->state = J_QUEUED;
  b->queue[b->q_tail++] = j->idx;
  pthread_cond_broadcast(&b->work_cv);
  pthread_mutex_unlock(&b->mu);
}

/* Keep up to `depth` items queued or walking. */
static void
top_up(batch *b, int depth)
{
  for(;;) {
    int busy;
    if(b->stop || b->next >= b->n)
      return;
    pthread_mutex_lock(&b->mu);
    busy = (b->q_tail - b->q_head) + b->n_walking;
    pthread_mutex_unlock(&b->mu);
    if(busy >= depth)
      return;
    start_next(b);
  }
}

/* SQLite calls this during the copy: Ctrl-C stops it, progress goes on. */
static int
copy_progress(void *ctx)
{
  batch *b = ctx;
  if(user_cancelled(b)) {
    b->stop = 1;
    return 1;
  }
  emit_progress(b, 0);
  return 0;
}

/* Test hook (configure --enable-test-hooks only): TOUCHLINE_BATCH_FAULT=
** KILL:N, INT:N, TERM:N or STOP:N raises the signal right after the Nth
** item is committed, while the others are being walked. */
static void
batch_fault(batch *b)
{
#ifdef TL_TEST_HOOKS
  const char *f = getenv("TOUCHLINE_BATCH_FAULT");
  int sig;
  if(!f || !strchr(f, ':') ||
     atoi(strchr(f, ':') + 1) != b->n_complete)
    return;
  sig = !strncmp(f, "KILL:", 5) ? SIGKILL : !strncmp(f, "INT:", 4) ?
        SIGINT : !strncmp(f, "TERM:", 5) ? SIGTERM :
        !strncmp(f, "STOP:", 5) ? SIGSTOP : 0;
  if(sig)
    kill(getpid(), sig);
#else
  (void)b;
#endif
}

/* The ids of items in the case the staged one duplicates: by label, by
** the path of any container file, by the media hash (computed or stored).
** Appends to ids (up to 8); -1 on error. */
static int
find_dups(tl_case *c, int64_t *ids)
{
  sqlite3_stmt *s;
  int n = 0, r;
  if(sqlite3_prepare_v2(c->db,
      "SELECT evidence_id FROM main.evidence WHERE label = (SELECT label "
      "FROM stage.evidence) UNION "
      "SELECT f.evidence_id FROM main.evidence_file f JOIN "
      "stage.evidence_file s ON s.real_path = f.real_path UNION "
      "SELECT e.evidence_id FROM main.evidence e, stage.evidence s WHERE "
      "(s.md5 IS NOT NULL AND e.md5 = s.md5 AND e.sha256 IS s.sha256) OR "
      "(s.stored_md5 IS NOT NULL AND (e.md5 = s.stored_md5 OR "
      "e.stored_md5 = s.stored_md5)) LIMIT 8", -1, &s, NULL) != SQLITE_OK) {
    Tl_set_sqlite_error(c, "lookup");
    return -1;
  }
  while((r = sqlite3_step(s)) == SQLITE_ROW)
    ids[n++] = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if(r != SQLITE_DONE) {
    Tl_set_sqlite_error(c, "lookup");
    return -1;
  }
  return n;
}

/* The copy of one walked item into the case, in one transaction. */
static tl_rc
copy_in(batch *b, job *j)
{
  tl_case *c = b->c;
  Tl_item_copied cp;
  int64_t dups[8];
  uint64_t n_m = 0, n_h = 0, n_unc = 0;
  Tl_hash_left left = {0, "", NULL, 0};
  int n_dup, i, empty = 0, in_tx = 0;
  sqlite3_stmt *s;
  tl_rc rc;

  if(Tl_exec_bound(c, "ATTACH DATABASE ? AS stage", "t", j->stage))
    return c->errcode;
  if((rc = Tl_begin_write(c, b->io.wait_s, b->io.on_wait, b->io.wait_ctx))) {
    set_fatal(b);           /* busy past --wait: so would the next be */
    goto out;
  }
  in_tx = 1;
  sqlite3_progress_handler(c->db, 20000, copy_progress, b);
  if((n_dup = find_dups(c, dups)) < 0) {
    rc = c->errcode;
    goto out;
  }
  if(n_dup && !b->io.replace) {
    rc = Tl_set_error(c, TL_EXISTS, "%s: already in the case (evidence "
                      "%lld: same label, image file or media hash); use "
                      "--replace to ingest it again", j->e.image,
                      (long long)dups[0]);
    goto out;
  }
  for(i = 0; i < n_dup; i++)
    if((rc = Tl_ingest_delete_item(c, dups[i])))
      goto out;
  /* into an empty case the indexes are built once, after (as ingest.c) */
  if(sqlite3_prepare_v2(c->db, "SELECT NOT EXISTS(SELECT 1 FROM "
                        "main.object)", -1, &s, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  if(sqlite3_step(s) == SQLITE_ROW)
    empty = sqlite3_column_int(s, 0);
  else
    rc = Tl_set_sqlite_error(c, "query object");
  sqlite3_finalize(s);
  if(rc || (empty && (rc = Tl_exec(c, Tl_index_drop))))
    goto out;
  pthread_mutex_lock(&b->mu);
  snprintf(j->stage_name, sizeof(j->stage_name), "copy");
  pthread_mutex_unlock(&b->mu);
  emit_progress(b, 1);
  if((rc = Tl_item_copy(c, "stage", j->run_id, &cp)))
    goto out;
  if(empty) {
    pthread_mutex_lock(&b->mu);
    snprintf(j->stage_name, sizeof(j->stage_name), "index");
    pthread_mutex_unlock(&b->mu);
    emit_progress(b, 1);
    if((rc = Tl_exec(c, Tl_index_create)))
      goto out;
  }
  pthread_mutex_lock(&b->mu);
  snprintf(j->stage_name, sizeof(j->stage_name), "match");
  pthread_mutex_unlock(&b->mu);
  emit_progress(b, 1);
  if((rc = Tl_match_run(c, cp.evidence_id, &n_m, &n_h, &left)))
    goto out;
  /* another item's image not at hand: this one is stored, that said */
  if(left.n) {
    if((rc = Tl_ingest_note_unhashed(c, cp.evidence_id, &left, &j->res)))
      goto out;
    j->res.n_warnings++;
    snprintf(j->note, sizeof(j->note), "%s", c->note);
  }
  if((rc = Tl_resolve_unc_pending(c, &n_unc)))
    goto out;
  if((rc = Tl_exec_bound(c, "UPDATE main.run SET ended_ns=?, "
                         "status='complete', evidence_id=?, plugins=(SELECT "
                         "plugins FROM stage.run ORDER BY run_id DESC LIMIT "
                         "1) WHERE run_id=?", "iii", Tl_now_ns(),
                         cp.evidence_id, j->run_id)))
    goto out;
  sqlite3_progress_handler(c->db, 0, NULL, NULL);
  if((rc = Tl_exec(c, "COMMIT")))
    goto out;
  in_tx = 0;
  j->evidence_id = cp.evidence_id;
  j->res.evidence_id = cp.evidence_id;
  j->res.n_objects = (uint64_t)cp.n_objects;
  j->res.n_events = (uint64_t)cp.n_events;
out:
  Tl_hash_left_free(&left);
  sqlite3_progress_handler(c->db, 0, NULL, NULL);
  if(rc && user_cancelled(b))
    rc = Tl_set_error(c, TL_INTERRUPTED, "%s: interrupted; nothing of it "
                      "was kept", j->e.image);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(c->db, "DETACH DATABASE stage", NULL, NULL, NULL);
  return rc;
}

/* A walked item: stored, or its failure recorded. */
static void
store_one(batch *b, job *j)
{
  tl_rc rc = j->wrc;
  char msg[1024];
  pthread_mutex_lock(&b->mu);
  j->state = J_COPYING;
  b->n_walked--;
  pthread_cond_broadcast(&b->work_cv);
  pthread_mutex_unlock(&b->mu);
  if(rc)
    snprintf(msg, sizeof(msg), "%s", j->wmsg);
  else if(b->stop) {
    rc = TL_INTERRUPTED;
    snprintf(msg, sizeof(msg), "%s: interrupted; nothing of it was kept",
             j->e.image);
  }
  else if((rc = copy_in(b, j)))
    snprintf(msg, sizeof(msg), "%s", b->c->errmsg);
  Tl_remove_case_files(j->stage);
  if(!rc) {
    b->n_complete++;
    finish_job(b, j, "complete", TL_OK, NULL);
    batch_fault(b);
    return;
  }
  if(rc == TL_INTERRUPTED && !user_cancelled(b) && b->fatal)
    snprintf(msg, sizeof(msg), "%s", b->fatal_msg);
  end_run(b, j, rc, msg);
  finish_job(b, j, rc == TL_EXISTS ? "exists" : rc == TL_INTERRUPTED ?
             "interrupted" : "failed", rc, msg);
}

/* After a stop: the queued items were never walked. */
static void
drop_queued(batch *b)
{
  for(;;) {
    job *j;
    pthread_mutex_lock(&b->mu);
    if(b->q_head == b->q_tail) {
      pthread_mutex_unlock(&b->mu);
      break;
    }
    j = &b->jobs[b->queue[b->q_head++]];
    pthread_mutex_unlock(&b->mu);
    {
      char msg[1024];
      if(b->fatal && !user_cancelled(b))
        snprintf(msg, sizeof(msg), "%s", b->fatal_msg);
      else
        snprintf(msg, sizeof(msg), "%s: interrupted before its walk "
                 "started; nothing of it was kept", j->e.image);
      end_run(b, j, TL_INTERRUPTED, msg);
      finish_job(b, j, "interrupted", TL_INTERRUPTED, msg);
    }
  }
  while(b->next < b->n) {
    job *j = &b->jobs[b->next++];
    finish_job(b, j, "not-started", TL_INTERRUPTED, b->fatal &&
               !user_cancelled(b) ? b->fatal_msg : "interrupted before it "
               "was started");
  }
}

static int
online_cpus(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

tl_rc
tl_case_ingest_manifest(tl_case *c, const tl_manifest *m,
                        const struct tl_manifest_opts *opts,
                        struct tl_manifest_result *result)
{
  struct tl_manifest_result res;
  pthread_t *th = NULL;
  batch *b;
  int i, n_th = 0, depth;
  tl_rc rc;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->errmsg[0] = '\0';
  if(!m || !tl_manifest_count(m))
    return Tl_set_error(c, TL_USAGE, "ingest: an empty manifest");
  if(result && !Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "ingest: result struct_size not set");
  if(c->readonly)
    return Tl_set_error(c, TL_USAGE, "%s: opened read-only", c->path);
  if(!(b = calloc(1, sizeof(*b))))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  b->o.struct_size = sizeof(b->o);     /* NULL opts: every default */
  if((opts && (rc = Tl_opts_in(&b->o, sizeof(b->o), opts,
                               sizeof(uint32_t)))) ||
     (b->o.ingest && (rc = Tl_opts_in(&b->io, sizeof(b->io), b->o.ingest,
                                      sizeof(uint32_t))))) {
    free(b);
    return Tl_set_error(c, rc, "ingest: options struct_size not "
                        "understood");
  }
  if(!b->o.ingest)
    b->io.struct_size = sizeof(b->io);
  b->c = c;
  b->m = m;
  b->n = tl_manifest_count(m);
  b->n_jobs = b->o.jobs > 0 ? b->o.jobs : online_cpus();
  if(b->n_jobs > b->n)
    b->n_jobs = b->n;
  if(b->n_jobs > 64)
    b->n_jobs = 64;
  gethostname(b->host, sizeof(b->host) - 1);
  b->t0 = Tl_mono_s();
  b->last_progress = -1;
  pthread_mutex_init(&b->mu, NULL);
  pthread_cond_init(&b->work_cv, NULL);
  pthread_cond_init(&b->done_cv, NULL);
  b->jobs = calloc((size_t)b->n, sizeof(*b->jobs));
  b->queue = calloc((size_t)b->n, sizeof(*b->queue));
  b->snap = calloc((size_t)b->n, sizeof(*b->snap));
  b->snap_stage = calloc((size_t)b->n, sizeof(*b->snap_stage));
  th = calloc((size_t)b->n_jobs, sizeof(*th));
  rc = b->jobs && b->queue && b->snap && b->snap_stage && th ? TL_OK :
       Tl_set_error(c, TL_NOMEM, "out of memory");
  for(i = 0; !rc && i < b->n; i++) {
    job *j = &b->jobs[i];
    size_t len = strlen(c->path) + 64;
    j->b = b;
    j->idx = i;
    j->e.struct_size = sizeof(j->e);
    tl_manifest_get(m, i, &j->e);
    if(!(j->stage = malloc(len)))
      rc = Tl_set_error(c, TL_NOMEM, "out of memory");
    else
      snprintf(j->stage, len, "%s.stage-%ld-%d", c->path, (long)getpid(),
               i + 1);
  }
  if(!rc) {
    remove_stale(c->path);
    for(i = 0; i < b->n_jobs; i++) {
      if(pthread_create(&th[i], NULL, worker, b)) {
        rc = Tl_set_error(c, TL_NOMEM, "cannot start a walker thread: %s",
                          strerror(errno));
        break;
      }
      n_th++;
    }
  }

  /* the writer's loop */
  while(!rc) {
    job *walked = NULL;
    int done = 1;
    if(user_cancelled(b))
      b->stop = 1;
    if(b->stop)
      drop_queued(b);
    pthread_mutex_lock(&b->mu);
    for(i = 0; i < b->n; i++) {
      job *j = &b->jobs[i];
      if(j->state != J_DONE)
        done = 0;
      if(j->state == J_WALKED &&
         (!walked || j->t_walked < walked->t_walked))
        walked = j;
    }
    pthread_mutex_unlock(&b->mu);
    if(done && b->next >= b->n)
      break;
    /* keep the walkers busy: while an item is copied, the next ones wait
    ** queued (their run rows written) for a walker that frees up */
    depth = walked ? 2 * b->n_jobs : b->n_jobs;
    top_up(b, depth);
    if(walked) {
      store_one(b, walked);
      continue;
    }
    pthread_mutex_lock(&b->mu);
    if(!b->n_walked) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_nsec += 250 * 1000 * 1000;
      if(ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
      }
      pthread_cond_timedwait(&b->done_cv, &b->mu, &ts);
    }
    pthread_mutex_unlock(&b->mu);
    emit_progress(b, 0);
  }
  emit_progress(b, 1);

  pthread_mutex_lock(&b->mu);
  b->quit = 1;
  pthread_cond_broadcast(&b->work_cv);
  pthread_mutex_unlock(&b->mu);
  for(i = 0; i < n_th; i++)
    pthread_join(th[i], NULL);

  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  res.n_items = (uint32_t)b->n;
  res.n_complete = b->n_done_ok;
  res.n_failed = b->n_failed;
  res.n_exists = b->n_exists;
  res.n_interrupted = b->n_intr;
  res.n_objects = b->n_objects;
  res.n_events = b->n_events;
  res.elapsed_s = Tl_mono_s() - b->t0;
  if(result)
    Tl_result_out(result, &res, sizeof(res));

  if(!rc) {
    if(b->fatal)
      rc = Tl_set_error(c, b->fatal, "%s", b->fatal_msg);
    else if(b->n_intr)
      rc = Tl_set_error(c, TL_INTERRUPTED, "interrupted: %u of %d items "
                        "stored, %u not", res.n_complete, b->n,
                        b->n - res.n_complete);
    else if(b->n_failed)
      rc = Tl_set_error(c, TL_FAILED, "%u of %d items failed (the others "
                        "are kept)", b->n_failed, b->n);
    else if(b->n_exists)
      rc = Tl_set_error(c, TL_EXISTS, "%u of %d items were already in the "
                        "case", b->n_exists, b->n);
  }
  for(i = 0; b->jobs && i < b->n; i++) {
    if(b->jobs[i].stage)
      Tl_remove_case_files(b->jobs[i].stage);
    free(b->jobs[i].stage);
  }
  pthread_cond_destroy(&b->work_cv);
  pthread_cond_destroy(&b->done_cv);
  pthread_mutex_destroy(&b->mu);
  free(th);
  free(b->jobs);
  free(b->queue);
  free(b->snap);
  free(b->snap_stage);
  free(b);
  return rc;
}
