/*
** Opening and closing a case database.
**
** Writers run the case in WAL mode, so that readers (info, timeline,
** exposure) see the last committed state while an ingest runs and never
** block it. A new case is built under a temporary name in the case's
** folder and linked into place complete, so two processes creating the
** same case never see half a schema and never delete each other's file.
** Opened for an ingest (TL_OPEN_BULK), a new case stays private until its
** first item is in: that item is written without a journal on disk and
** without syncs, then the file is synced and linked (Tl_case_publish).
*/
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"
#include "store/pgread_int.h"

static _Thread_local char open_errmsg[1024];

const char *
tl_version(void)
{
  return TL_VERSION;
}

int
tl_version_number(void)
{
  return TL_VERSION_NUMBER;
}

int
tl_case_upgraded_from(tl_case *c)
{
  return c && c->magic == TL_CASE_MAGIC ? c->upgraded_from : 0;
}

int
Tl_pid_alive(const char *host, int64_t pid)
{
  char me[256] = "";
  gethostname(me, sizeof(me) - 1);
  if(!host || strcmp(host, me) || pid <= 0)
    return 1;
  return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* SQL function tl_pid_alive(host, pid): readers show a 'running' run
** whose process is gone as interrupted without writing the case. */
static void
sql_pid_alive(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void)argc;
  if(sqlite3_value_type(argv[1]) != SQLITE_INTEGER) {
    sqlite3_result_int(ctx, 1);
    return;
  }
  sqlite3_result_int(ctx, Tl_pid_alive((const char *)
                                       sqlite3_value_text(argv[0]),
                                       sqlite3_value_int64(argv[1])));
}

/* The SQL functions every case connection has (a file's, and the
** in-memory database of a PostgreSQL reader, store/pgread.c). */
void
Tl_case_sql_functions(sqlite3 *db)
{
  sqlite3_create_function(db, "tl_pid_alive", 2, SQLITE_UTF8, NULL,
                          sql_pid_alive, NULL, NULL);
}

/* "file:" URI of path with query q ("mode=ro", "immutable=1"). */
static char *
file_uri(const char *path, const char *q)
{
  size_t n = strlen(path), i, k = 0;
  char *u = malloc(n * 3 + strlen(q) + 16);
  if(!u)
    return NULL;
  k = (size_t)sprintf(u, "file:");
  for(i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)path[i];
    if(ch == '%' || ch == '?' || ch == '#' || ch < 0x20 || ch >= 0x7f)
      k += (size_t)sprintf(u + k, "%%%02X", ch);
    else
      u[k++] = (char)ch;
  }
  sprintf(u + k, "?%s", q);
  return u;
}

static tl_rc
open_db(tl_case *c, const char *path, int oflags, const char *uri_q)
{
  char *uri = NULL;
  int r;
  if(uri_q && !(uri = file_uri(path, uri_q)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  sqlite3_close_v2(c->db);
  c->db = NULL;
  /* NOMUTEX: a handle is used by one thread at a time (API.md), and the
  ** ingest's writer thread owns the connection while batches are in
  ** flight (store/writer_int.h): SQLite's own per-call mutex is pure cost */
  r = sqlite3_open_v2(uri ? uri : path, &c->db,
                      oflags | SQLITE_OPEN_NOMUTEX |
                      (uri ? SQLITE_OPEN_URI : 0), NULL);
  free(uri);
  if(r != SQLITE_OK)
    return Tl_set_error(c, TL_IO, "%s: cannot open case database: %s",
                        c->path, c->db ? sqlite3_errmsg(c->db) :
                        "out of memory");
  sqlite3_busy_timeout(c->db, 5000);
  sqlite3_extended_result_codes(c->db, 0);
  Tl_case_sql_functions(c->db);
  /* temp_store stays FILE: building event(t_ns) over millions of rows
  ** sorts more than fits the memory budget; SQLite spills to temp files */
  return Tl_exec(c, "PRAGMA foreign_keys = OFF;"
                    "PRAGMA synchronous = NORMAL;"
                    "PRAGMA cache_size = -65536");
}

int64_t
Tl_cache_size_set(tl_case *c, int64_t v)
{
  sqlite3_stmt *s;
  int64_t was = 0;
  char sql[64];
  if(sqlite3_prepare_v2(c->db, "PRAGMA cache_size", -1, &s, NULL) ==
     SQLITE_OK) {
    if(sqlite3_step(s) == SQLITE_ROW)
      was = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)v);
  sqlite3_exec(c->db, sql, NULL, NULL, NULL);
  return was;
}

/* The process's umask, read without changing it (umask(2) would, for a
** moment, for every thread). */
static mode_t
current_umask(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned m = 022;
  if(!f)
    return 022;
  while(fgets(line, sizeof(line), f))
    if(sscanf(line, "Umask: %o", &m) == 1)
      break;
  fclose(f);
  return (mode_t)m;
}

static tl_rc open_rw(tl_case *c, int create);

/* fsync the folder holding path (a new name in it); best effort */
static void
sync_dir(const char *path)
{
  char dir[PATH_MAX];
  const char *sl = strrchr(path, '/');
  int fd;
  if(!sl)
    snprintf(dir, sizeof(dir), ".");
  else
    snprintf(dir, sizeof(dir), "%.*s", sl == path ? 1 : (int)(sl - path),
             path);
  if((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* This host's name as it goes into a private file's name, when it can go
** there whole: letters, digits, '.', '_' and '-', at most 64; else "" (the
** name then carries no host and no pid, and nothing is said of it). */
static void
host_tag(char *out, size_t len)
{
  char h[256] = "";
  size_t i;
  gethostname(h, sizeof(h) - 1);
  out[0] = '\0';
  if(!h[0] || strlen(h) > 64 || strlen(h) + 1 > len)
    return;
  for(i = 0; h[i]; i++)
    if(!isalnum((unsigned char)h[i]) && !strchr("._-", h[i]))
      return;
  memcpy(out, h, strlen(h) + 1);
}

/* The private files of new cases (CASE.new-HOST-PID-XXXXXX, create_case)
** that ingests of this host left when they were killed outright (their
** pid is gone): a bulk first item's file holds its whole item, so the
** handle's note names them for the user to delete. Nothing is removed
** here: the same host name on another machine or container sharing the
** folder (pids of their own) cannot be told from this one. */
static void
find_private(tl_case *c, const char *me)
{
  char dir[PATH_MAX], prefix[PATH_MAX + 80], p[2 * PATH_MAX + 2];
  char first[2 * PATH_MAX + 2] = "";
  const char *sl = strrchr(c->path, '/');
  size_t plen;
  uint64_t bytes = 0;
  unsigned n = 0;
  DIR *d;
  struct dirent *de;
  if(!me[0])
    return;
  if(sl)
    snprintf(dir, sizeof(dir), "%.*s", (int)(sl - c->path) + 1, c->path);
  else
    snprintf(dir, sizeof(dir), "./");
  snprintf(prefix, sizeof(prefix), "%s.new-%s-", sl ? sl + 1 : c->path, me);
  plen = strlen(prefix);
  if(!(d = opendir(dir)))
    return;
  while((de = readdir(d))) {
    char *end;
    long pid;
    struct stat sb;
    if(strncmp(de->d_name, prefix, plen))
      continue;
    /* exactly PID-XXXXXX (not a -wal, -shm or .link probe beside it) */
    pid = strtol(de->d_name + plen, &end, 10);
    if(pid <= 0 || *end != '-' || strlen(end + 1) != 6 ||
       pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    snprintf(p, sizeof(p), "%s%s", dir, de->d_name);
    if(lstat(p, &sb) || !S_ISREG(sb.st_mode))
      continue;
    if(!n++)
      snprintf(first, sizeof(first), "%s", p);
    bytes += (uint64_t)sb.st_size;
  }
  closedir(d);
  if(n)
    snprintf(c->note, sizeof(c->note), "%u private file(s) of a new case "
             "left by an ingest that was killed (%.300s%s, %.1f MiB): "
             "nothing of it is in any case; delete to free the space", n,
             first, n > 1 ? ", ..." : "", (double)bytes / 1048576.0);
}

/* 1 when the folder of tmp takes hard links (link() is how a new case
** appears; exFAT/FAT and some network and FUSE file systems refuse it):
** probed at once, so that a bulk ingest does not walk a whole image
** first to find out. errno is kept from the failing link(). */
static int
can_link(const char *tmp)
{
  char probe[PATH_MAX + 64];
  int e;
  snprintf(probe, sizeof(probe), "%s.link", tmp);
  if(link(tmp, probe)) {
    e = errno;
    unlink(probe);
    errno = e;
    return errno == EEXIST;
  }
  unlink(probe);
  return 1;
}

/* A new case: the schema is built in a temporary file next to path, then
** linked into place. When another process links its case first, that one
** is used. Only the temporary file, which this process made alone, is
** ever removed (a crash in between may leave a CASE.new-* file, never
** a half-made case). With keep, the temporary file stays open and private
** (c->pending) for the ingest of the first item; Tl_case_publish() links
** it. */
static tl_rc
create_case(tl_case *c, int keep)
{
  char *tmp;
  int fd;
  tl_rc rc;
  size_t n = strlen(c->path) + 32;

  char host[80];
  const char *base = strrchr(c->path, '/');
  host_tag(host, sizeof(host));
  /* host and pid in the name: find_private() tells a killed ingest's file
  ** from a running one's; left out when the name would pass NAME_MAX
  ** (255) with them and the probe's ".link" */
  base = base ? base + 1 : c->path;
  if(strlen(base) + strlen(host) + 5 + 1 + 20 + 7 + 5 > 255)
    host[0] = '\0';
  n += strlen(host) + 24;
  if(!(tmp = malloc(n)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  if(keep)
    find_private(c, host);
  if(host[0])
    snprintf(tmp, n, "%s.new-%s-%ld-XXXXXX", c->path, host, (long)getpid());
  else
    snprintf(tmp, n, "%s.new-XXXXXX", c->path);
  if((fd = mkstemp(tmp)) < 0) {
    rc = Tl_set_error(c, TL_IO, "%s: cannot create the case: %s", c->path,
                      strerror(errno));
    free(tmp);
    return rc;
  }
  /* mkstemp makes 0600; a case gets the mode SQLite would give it (on
  ** failure it stays its owner's alone, which still works) */
  (void)fchmod(fd, 0644 & ~current_umask());
  close(fd);
  c->creating = 1;
  /* The file format of a new case: 8 KiB pages (fewer B-tree pages and
  ** WAL frames for the ingest's 900,000 rows per 100,000 files; 0.6% fewer
  ** instructions than 4 KiB, docs/internals/WRITE-PATH.md). The schema is
  ** written without a rollback journal and without syncs: tmp is this
  ** process's alone and becomes the case only by the link() below, after
  ** a clean close and an fsync, so a crash or a failure before that
  ** leaves at most a CASE.new-* file, never a half-made case. */
  rc = open_db(c, tmp, SQLITE_OPEN_READWRITE, NULL);
  if(!rc)
    rc = Tl_exec(c, "PRAGMA page_size = 8192;"
                    "PRAGMA journal_mode = OFF;"
                    "PRAGMA synchronous = OFF");
  if(!rc)
    rc = Tl_store_init(c);
  c->creating = 0;
  /* Kept private for a bulk ingest: the rollback journal in memory (an
  ** item that fails still rolls back: pages past the file's end at BEGIN,
  ** i.e. all of a first item's, are never journalled, so it costs next to
  ** nothing), still no syncs; the WAL only once the case is published.
  ** The page cache of a private file (TL_PRIVATE_CACHE_KIB; at 1,000,000
  ** files the same walk time as 64 MiB, peak 190 against 68 MiB). */
  if(!rc && keep && !can_link(tmp))
    rc = Tl_set_error(c, TL_IO, "%s: cannot create the case: %s", c->path,
                      strerror(errno));
  if(!rc && keep && !(rc = Tl_exec(c, "PRAGMA journal_mode = MEMORY")))
    Tl_cache_size_set(c, -TL_PRIVATE_CACHE_KIB);
  if(rc) {
    sqlite3_close_v2(c->db);
    c->db = NULL;
    Tl_remove_case_files(tmp);
    free(tmp);
    return rc;
  }
  c->pending = tmp;
  return keep ? TL_OK : Tl_case_publish(c, 0, NULL);
}

tl_rc
Tl_case_publish(tl_case *c, int reopen, int *raced)
{
  char *tmp = c->pending;
  tl_rc rc = c->db ? TL_OK : c->errcode ? c->errcode : TL_IO;
  int fd, lost = 0;

  if(raced)
    *raced = 0;
  if(!tmp)
    return TL_OK;
  c->pending = NULL;
  /* a first item that failed was rolled back out of the journal in
  ** memory; after an I/O error in the middle (a full disk) that is worth
  ** checking before the file becomes the case (small again by then) */
  if(!rc && c->bulk_failed) {
    sqlite3_stmt *s = NULL;
    if(sqlite3_prepare_v2(c->db, "PRAGMA quick_check", -1, &s, NULL) !=
       SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
       strcmp((const char *)sqlite3_column_text(s, 0), "ok"))
      rc = Tl_set_error(c, TL_IO, "%s: the new case did not survive the "
                        "failure (quick_check), it was dropped", c->path);
    sqlite3_finalize(s);
  }
  if(!rc)
    rc = Tl_exec(c, "PRAGMA journal_mode = WAL");
  if(!rc) {
    /* a clean close checkpoints and removes tmp's -wal and -shm */
    if(sqlite3_close(c->db) != SQLITE_OK)
      rc = Tl_set_error(c, TL_IO, "%s: cannot close the new case",
                        c->path);
    else {
      c->db = NULL;
      /* what synchronous = OFF left unsynced, on disk before the link */
      if((fd = open(tmp, O_RDONLY)) < 0 || fsync(fd))
        rc = Tl_set_error(c, TL_IO, "%s: cannot create the case: %s",
                          c->path, strerror(errno));
      if(fd >= 0)
        close(fd);
    }
  }
  if(!rc && link(tmp, c->path)) {
    if(errno == EEXIST)
      lost = 1;
    else
      rc = Tl_set_error(c, TL_IO, "%s: cannot create the case: %s",
                        c->path, strerror(errno));
  }
  if(!rc && !lost)
    sync_dir(c->path);   /* the new name on disk, not only the file */
  sqlite3_close_v2(c->db);
  c->db = NULL;
  Tl_remove_case_files(tmp);
  free(tmp);
  if(raced)
    *raced = lost;
  if(rc || !reopen)
    return rc;
  /* the case at its path: this one, or the one linked there first */
  return open_rw(c, 1);
}

/* Runs left 'running' by a process that is gone (killed, power loss) are
** marked interrupted. Best effort: skipped when the case is busy. */
static void
mark_dead_runs(tl_case *c)
{
  sqlite3_stmt *s;
  int n = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT count(*) FROM run WHERE status = "
                        "'running' AND NOT tl_pid_alive(host, pid)", -1, &s,
                        NULL) != SQLITE_OK)
    return;
  if(sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  if(!n)
    return;
  sqlite3_busy_timeout(c->db, 0);
  if(sqlite3_exec(c->db, "BEGIN IMMEDIATE; UPDATE run SET status = "
                  "'interrupted', message = 'process ' || pid || ' ended "
                  "without finishing (killed or crashed); nothing of its "
                  "item was kept' WHERE status = 'running' AND NOT "
                  "tl_pid_alive(host, pid); COMMIT", NULL, NULL, NULL) !=
     SQLITE_OK)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_busy_timeout(c->db, 5000);
}

/* The read-write open of a case that exists at c->path: migrated when
** older (a schema another process is creating this moment is waited for),
** WAL, runs of dead processes marked. */
static tl_rc
open_rw(tl_case *c, int create)
{
  tl_rc rc;
  if((rc = open_db(c, c->path, SQLITE_OPEN_READWRITE, NULL)))
    return rc;
  c->creating = create;
  rc = Tl_store_init(c);
  c->creating = 0;
  if(rc)
    return rc;
  /* persistent; when it cannot be set (busy, a file system without
  ** shared memory) readers wait for commits instead, nothing is lost */
  sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  mark_dead_runs(c);
  return TL_OK;
}

tl_rc
tl_case_open(const char *path, unsigned flags, tl_case **out,
             const char **errmsg)
{
  tl_case *c;
  tl_rc rc;
  struct stat sb;
  int ro = (flags & TL_OPEN_READONLY) != 0;

  *out = NULL;
  if(errmsg)
    *errmsg = "";
  c = calloc(1, sizeof(*c));
  if(!c || !(c->path = strdup(path))) {
    free(c);
    if(errmsg)
      *errmsg = "out of memory";
    return TL_NOMEM;
  }
  c->magic = TL_CASE_MAGIC;
  c->readonly = ro;
  if(tl_case_is_uri(path)) {   /* a PostgreSQL case (store/pgread.c) */
    if((rc = Tl_pgread_open(c, path, flags)))
      goto fail;
    *out = c;
    return TL_OK;
  }
  if(stat(path, &sb)) {
    if(errno != ENOENT || ro || !(flags & TL_OPEN_CREATE)) {
      rc = Tl_set_error(c, TL_IO, "%s: %s", path, strerror(errno));
      goto fail;
    }
    if((rc = create_case(c, (flags & TL_OPEN_BULK) != 0)))
      goto fail;
  }
  else if(S_ISDIR(sb.st_mode)) {
    rc = Tl_set_error(c, TL_FAILED, "%s: is a directory, not a case "
                      "database", path);
    goto fail;
  }
  if(ro) {
    char wal[4200], dir[4200], *sl;
    /* WAL needs its -shm file: in a folder this user cannot write, with
    ** no -wal file (so no writer at work), the file is read as immutable */
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(dir, sizeof(dir), "%s", path);
    if((sl = strrchr(dir, '/')))
      *(sl == dir ? sl + 1 : sl) = '\0';
    else
      snprintf(dir, sizeof(dir), ".");
    rc = open_db(c, path, SQLITE_OPEN_READONLY, "mode=ro");
    if(!rc && sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master",
                           NULL, NULL, NULL) != SQLITE_OK)
      rc = Tl_set_sqlite_error(c, "cannot be read");
    if(rc && access(wal, F_OK) && access(dir, W_OK)) {
      c->errmsg[0] = '\0';
      rc = open_db(c, path, SQLITE_OPEN_READONLY, "immutable=1");
    }
    if(rc)
      goto fail;
  }
  else if(!c->pending && (rc = open_rw(c, (flags & TL_OPEN_CREATE) != 0)))
    goto fail;
  if(ro) {
    if((rc = Tl_store_init(c)))
      goto fail;
  }
  *out = c;
  return TL_OK;

fail:
  if(errmsg) {
    snprintf(open_errmsg, sizeof(open_errmsg), "%s", c->errmsg);
    *errmsg = open_errmsg;
  }
  tl_case_close(c);
  return rc;
}

void
tl_case_close(tl_case *c)
{
  if(!c || c->magic != TL_CASE_MAGIC)
    return;
  Tl_pgread_close(c);
  /* a bulk case that no ingest published: the case as it stands (its
  ** schema, a failed run); when another process linked one first, that
  ** one stays and this is dropped */
  Tl_case_publish(c, 0, NULL);
  sqlite3_close_v2(c->db);
  free(c->path);
  c->magic = 0;
  free(c);
}

/* Who holds the write lock, from the newest running run row. */
static void
describe_holder(tl_case *c, char *out, size_t len)
{
  sqlite3_stmt *s;
  snprintf(out, len, "another process holds it (no running ingest is "
           "recorded: e.g. a targets or divisions import)");
  if(sqlite3_prepare_v2(c->db, "SELECT pid, coalesce(command_line, '?'), "
                        "coalesce(host, '?'), strftime('%Y-%m-%dT%H:%M:%SZ',"
                        " started_ns / 1000000000, 'unixepoch') FROM run "
                        "WHERE status = 'running' AND tl_pid_alive(host, "
                        "pid) ORDER BY run_id DESC LIMIT 1", -1, &s, NULL) !=
     SQLITE_OK)
    return;
  if(sqlite3_step(s) == SQLITE_ROW)
    snprintf(out, len, "held by pid %lld on %s (`%s`, started %s)",
             (long long)sqlite3_column_int64(s, 0),
             (const char *)sqlite3_column_text(s, 2),
             (const char *)sqlite3_column_text(s, 1),
             (const char *)sqlite3_column_text(s, 3));
  sqlite3_finalize(s);
}

tl_rc
Tl_begin_write(tl_case *c, int wait_s,
               void (*on_wait)(const char *msg, void *ctx), void *ctx)
{
  double t0 = Tl_mono_s(), told = -100;
  char who[1200], msg[1400];
  int r;
  tl_rc rc;
  /* a bulk case (TL_OPEN_BULK) takes only its first item privately; any
  ** other write publishes it first, so that it lands in the real case */
  if(c->pending && !c->bulk_item && (rc = Tl_case_publish(c, 1, NULL)))
    return rc;
  if(!c->db)    /* a publish failed: the handle has no case to write */
    return c->errcode ? c->errcode : Tl_set_error(c, TL_IO, "%s: the "
                                                  "case is not open",
                                                  c->path);
  sqlite3_busy_timeout(c->db, 0);
  for(;;) {
    r = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if(r != SQLITE_BUSY)
      break;
    describe_holder(c, who, sizeof(who));
    if(wait_s >= 0 && Tl_mono_s() - t0 >= wait_s) {
      sqlite3_busy_timeout(c->db, 5000);
      return Tl_set_error(c, TL_IO, "%s: the case is busy: its write lock "
                          "is %s; gave up after %d s (--wait)", c->path,
                          who, wait_s);
    }
    if(on_wait && Tl_mono_s() - told >= 10) {
      if(wait_s >= 0)
        snprintf(msg, sizeof(msg), "%s: waiting for the write lock (up to "
                 "%d s more): %s", c->path,
                 (int)(wait_s - (Tl_mono_s() - t0) + 0.5), who);
      else
        snprintf(msg, sizeof(msg), "%s: waiting for the write lock: %s",
                 c->path, who);
      on_wait(msg, ctx);
      told = Tl_mono_s();
    }
    {
      struct timespec ts = {0, 100 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
  }
  sqlite3_busy_timeout(c->db, 5000);
  if(r != SQLITE_OK)
    return Tl_set_sqlite_error(c, "begin");
  return TL_OK;
}

void
Tl_remove_case_files(const char *path)
{
  static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
  char p[PATH_MAX + 320];
  size_t i;
  for(i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
    snprintf(p, sizeof(p), "%s%s", path, ext[i]);
    unlink(p);
  }
}
