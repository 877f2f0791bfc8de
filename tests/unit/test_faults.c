/*
** Fault injection into the case database (issue 8). SQLite's own test-VFS
** idea: a shim VFS registered as the default over the real one fails the
** Nth file operation (open, read, write, truncate, sync, file size, shared
** memory map, delete, access) with an I/O error, and an allocator given to
** sqlite3_config(SQLITE_CONFIG_MALLOC) fails the Nth allocation. Three
** operations are swept, N = 1, 2, ... until one runs without meeting its
** fault: a small ingest into an existing case, a targets import and a
** divisions import. Each in two modes: the fault happens once (transient),
** or every operation after the Nth fails too (persistent: a dying disk,
** memory gone for good, so the clean-up fails as well).
**
** After every attempt, with the faults off, the case must be as it was or
** hold the operation's result whole:
**  - PRAGMA integrity_check is ok;
**  - failed: every table but `run` has the same rows and schema as before
**    (a digest of sqlite_master and each table's rows); at most one new run
**    row, and it is not 'complete'; the rc is not TL_OK and the message
**    names the case;
**  - succeeded: the same row counts as the run without faults, the item's
**    objects and events all present;
**  - nothing of SQLite leaks (sqlite3_memory_used() is 0 once the case is
**    closed: a statement left unfinalized keeps its connection alive).
** The hook lives in this program only: the library has none.
**
** The sweep is complete for I/O faults; for allocations (thousands per
** operation) it takes the first 100 and then every Nth, ~400 in all (~60
** in a sanitizer build), which keeps the test within ~20 s;
** TL_FAULTS_FULL=1 sweeps every allocation (about a minute).
** TL_FAULTS_ONLY=ingest|targets|divisions runs one operation.
*/
#include "config.h"

#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <touchline/touchline.h>

#include "tap.h"

/* ---- the fault: fail the at-th counted operation of one kind ---------- */

enum { F_OFF, F_IO, F_NOMEM };

static atomic_int f_kind;       /* which operations are counted */
static atomic_long f_count;     /* counted since armed */
static atomic_long f_at;        /* fail the f_at-th (0: never) */
static atomic_int f_persist;    /* and every later one */
static atomic_long f_hits;      /* faults injected */

static void *trace[32];

static int
fault(int kind)
{
  long n, at;
  if(atomic_load(&f_kind) != kind)
    return 0;
  n = atomic_fetch_add(&f_count, 1) + 1;
  at = atomic_load(&f_at);
  if(!at || n < at || (n > at && !atomic_load(&f_persist)))
    return 0;
  if(!atomic_fetch_add(&f_hits, 1) && getenv("TL_FAULTS_TRACE"))
    backtrace_symbols_fd(trace, backtrace(trace, 32), 1);
  return 1;
}

static void
arm(int kind, long at, int persist)
{
  atomic_store(&f_count, 0);
  atomic_store(&f_hits, 0);
  atomic_store(&f_at, at);
  atomic_store(&f_persist, persist);
  atomic_store(&f_kind, kind);
}

static void
disarm(void)
{
  atomic_store(&f_kind, F_OFF);
}

/* ---- the allocator ----------------------------------------------------- */

static sqlite3_mem_methods real_mem;

static void *
fm_malloc(int n)
{
  return fault(F_NOMEM) ? NULL : real_mem.xMalloc(n);
}

static void *
fm_realloc(void *p, int n)
{
  return fault(F_NOMEM) ? NULL : real_mem.xRealloc(p, n);
}

static void fm_free(void *p) { real_mem.xFree(p); }
static int fm_size(void *p) { return real_mem.xSize(p); }
static int fm_roundup(int n) { return real_mem.xRoundup(n); }
static int fm_init(void *a) { return real_mem.xInit(a); }
static void fm_shutdown(void *a) { real_mem.xShutdown(a); }

/* ---- the VFS shim ------------------------------------------------------ */

static sqlite3_vfs *real_vfs;

typedef struct ffile {
  sqlite3_file base;
  sqlite3_file *real;   /* follows this struct, real_vfs->szOsFile bytes */
} ffile;

#define REAL(f) (((ffile *)(f))->real)

static int
ff_close(sqlite3_file *f)
{
  return REAL(f)->pMethods->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
  if(fault(F_IO))
    return SQLITE_IOERR_READ;
  return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}

static int
ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
  if(fault(F_IO))
    return SQLITE_IOERR_WRITE;
  return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
  if(fault(F_IO))
    return SQLITE_IOERR_TRUNCATE;
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
  if(fault(F_IO))
    return SQLITE_IOERR_FSYNC;
  return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
ff_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
  if(fault(F_IO))
    return SQLITE_IOERR_FSTAT;
  return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int l)
{
  return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
ff_unlock(sqlite3_file *f, int l)
{
  return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
ff_check_reserved(sqlite3_file *f, int *out)
{
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
ff_file_control(sqlite3_file *f, int op, void *arg)
{
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
ff_sector_size(sqlite3_file *f)
{
  return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
ff_device_chars(sqlite3_file *f)
{
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
  if(fault(F_IO))
    return SQLITE_IOERR_SHMMAP;
  return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int
ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
  return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
  REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int del)
{
  return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* no memory-mapped pages: SQLite then reads through xRead */
static int
ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
  (void)f; (void)off; (void)n;
  *pp = NULL;
  return SQLITE_OK;
}

static int
ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
  (void)f; (void)off; (void)p;
  return SQLITE_OK;
}

static const sqlite3_io_methods ff_methods = {
  3, ff_close, ff_read, ff_write, ff_truncate, ff_sync, ff_file_size,
  ff_lock, ff_unlock, ff_check_reserved, ff_file_control, ff_sector_size,
  ff_device_chars, ff_shm_map, ff_shm_lock, ff_shm_barrier, ff_shm_unmap,
  ff_fetch, ff_unfetch
};

static int
fv_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
        int *out_flags)
{
  ffile *p = (ffile *)f;
  int r;
  (void)v;
  p->base.pMethods = NULL;
  p->real = (sqlite3_file *)&p[1];
  if(fault(F_IO))
    return SQLITE_CANTOPEN;
  r = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
  if(p->real->pMethods)
    p->base.pMethods = &ff_methods;
  return r;
}

static int
fv_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
  (void)v;
  if(fault(F_IO))
    return SQLITE_IOERR_DELETE;
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
fv_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
  (void)v;
  if(fault(F_IO))
    return SQLITE_IOERR_ACCESS;
  return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
fv_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
  (void)v;
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
fv_dlopen(sqlite3_vfs *v, const char *name)
{
  (void)v;
  return real_vfs->xDlOpen(real_vfs, name);
}

static void
fv_dlerror(sqlite3_vfs *v, int n, char *msg)
{
  (void)v;
  real_vfs->xDlError(real_vfs, n, msg);
}

static void (*fv_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
  (void)v;
  return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
fv_dlclose(sqlite3_vfs *v, void *h)
{
  (void)v;
  real_vfs->xDlClose(real_vfs, h);
}

static int
fv_randomness(sqlite3_vfs *v, int n, char *out)
{
  (void)v;
  return real_vfs->xRandomness(real_vfs, n, out);
}

static int
fv_sleep(sqlite3_vfs *v, int us)
{
  (void)v;
  return real_vfs->xSleep(real_vfs, us);
}

static int
fv_current_time(sqlite3_vfs *v, double *t)
{
  (void)v;
  return real_vfs->xCurrentTime(real_vfs, t);
}

static int
fv_last_error(sqlite3_vfs *v, int n, char *msg)
{
  (void)v;
  return real_vfs->xGetLastError(real_vfs, n, msg);
}

static int
fv_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
  (void)v;
  return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static sqlite3_vfs fault_vfs = {
  2, 0, 0, NULL, "tl-fault", NULL, fv_open, fv_delete, fv_access,
  fv_full_pathname, fv_dlopen, fv_dlerror, fv_dlsym, fv_dlclose,
  fv_randomness, fv_sleep, fv_current_time, fv_last_error,
  fv_current_time64, NULL, NULL, NULL
};

/* TL_FAULTS_VERBOSE: SQLite's error log, which names each failing
** statement */
static void
sqlite_log(void *ctx, int code, const char *msg)
{
  (void)ctx;
  printf("#     sqlite %d: %s\n", code, msg);
}

static int
install_hooks(int log)
{
  static sqlite3_mem_methods mine = {
    fm_malloc, fm_free, fm_realloc, fm_size, fm_roundup, fm_init,
    fm_shutdown, NULL
  };
  if(log)
    sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
  if(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK ||
     sqlite3_config(SQLITE_CONFIG_MALLOC, &mine) != SQLITE_OK ||
     sqlite3_initialize() != SQLITE_OK || !(real_vfs = sqlite3_vfs_find(NULL)))
    return -1;
  fault_vfs.szOsFile = (int)sizeof(ffile) + real_vfs->szOsFile;
  fault_vfs.mxPathname = real_vfs->mxPathname;
  return sqlite3_vfs_register(&fault_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* ---- the fixture: two tiny FAT images, a case with one item ----------- */

static char dir[512], img_a[600], img_b[600], tmpl[600], work[600];
static char tg1[600], tg2[600], dv1[600], dv2[600];

static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  return system(cmd);
}

static int
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if(!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

/* A 256 KiB FAT12 image with a folder and files; which = 'a' or 'b'. */
static int
make_image(const char *path, char which)
{
  return sh("set -e; cd '%s'; rm -f '%s'; "
            "mkfs.fat -C -n TL%c -i 1234567%c '%s' 256 >/dev/null; "
            "printf 'report %c\\n' >f1; printf 'plan %c %%0300d\\n' 0 >f2; "
            "printf 'data %c' >f3; touch -d '2023-06-01 10:00:02' f1 f2 f3; "
            "export MTOOLS_SKIP_CHECK=1; mmd -i '%s' ::/docs; "
            "mcopy -m -i '%s' f1 ::/docs/report.txt; "
            "mcopy -m -i '%s' f2 ::/docs/plan.doc; "
            "mcopy -m -i '%s' f3 ::/data.bin; rm -f f1 f2 f3",
            dir, path, which - 'a' + 'A', which, path, which, which, which,
            path, path,
            path, path);
}

static void
rm_case(const char *path)
{
  char p[700];
  unlink(path);
  snprintf(p, sizeof(p), "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof(p), "%s-shm", path);
  unlink(p);
}

static int
copy_file(const char *from, const char *to)
{
  FILE *in = fopen(from, "rb"), *out = NULL;
  char buf[65536];
  size_t n;
  int r = -1;
  if(in && (out = fopen(to, "wb"))) {
    while((n = fread(buf, 1, sizeof(buf), in)) > 0)
      if(fwrite(buf, 1, n, out) != n)
        break;
    r = ferror(in) || ferror(out) ? -1 : 0;
  }
  if(in)
    fclose(in);
  if(out && fclose(out))
    r = -1;
  return r;
}

/* ---- the operations under test ----------------------------------------- */

typedef struct op {
  const char *name;
  tl_rc (*run)(tl_case *c);
} op;

static tl_rc
do_ingest(tl_case *c)
{
  struct tl_ingest_opts o;
  struct tl_ingest_result r;
  const char *paths[1];
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.label = "B";
  o.division = "Sales";
  o.command_line = "test_faults ingest";
  paths[0] = img_b;
  return tl_case_ingest(c, 1, paths, &o, &r);
}

static tl_rc
do_targets(tl_case *c)
{
  struct tl_import_opts o;
  struct tl_import_result r;
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  return tl_targets_import(c, tg2, &o, &r);
}

static tl_rc
do_divisions(tl_case *c)
{
  struct tl_import_opts o;
  struct tl_import_result r;
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  return tl_divisions_import(c, dv2, &o, &r);
}

static const op ops[] = {
  {"ingest", do_ingest},
  {"targets", do_targets},
  {"divisions", do_divisions},
};

/* Open the work case and run the operation; the message of a failure in
** msg. Returns the first failing rc. */
static tl_rc
attempt(const op *o, char *msg, size_t cap)
{
  tl_case *c = NULL;
  const char *err = NULL;
  tl_rc rc;
  msg[0] = '\0';
  if((rc = tl_case_open(work, TL_OPEN_READWRITE, &c, &err))) {
    snprintf(msg, cap, "%s", err ? err : "");
    return rc;
  }
  if((rc = o->run(c)))
    snprintf(msg, cap, "%s", tl_case_errmsg(c));
  tl_case_close(c);
  return rc;
}

/* ---- what the case holds ---------------------------------------------- */

static const char *const tables[] = {
  "evidence", "evidence_file", "evidence_meta", "volume", "filesystem",
  "object", "event", "ntfs_filename", "warning", "target", "target_match",
  "division_map", "object_hash", "case_meta", NULL
};
#define N_TABLES 14

typedef struct state {
  int ok;                   /* could be read */
  char integrity[128];
  uint64_t digest;          /* sqlite_master and every table but run */
  uint64_t stable;          /* the same without evidence (times, run ids) */
  int64_t count[N_TABLES];
  int64_t runs, runs_complete, runs_bad;  /* bad: complete without item */
  int64_t objects_missing;  /* evidence.n_objects minus objects present */
  int64_t events_missing;
} state;

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  size_t i;
  for(i = 0; i < n; i++)
    h = (h ^ b[i]) * UINT64_C(1099511628211);
  return h;
}

static uint64_t
digest_query(sqlite3 *db, const char *sql, uint64_t h)
{
  sqlite3_stmt *s;
  int i, n;
  if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    return h ^ 1;
  n = sqlite3_column_count(s);
  while(sqlite3_step(s) == SQLITE_ROW)
    for(i = 0; i < n; i++) {
      const unsigned char *t = sqlite3_column_text(s, i);
      int len = sqlite3_column_bytes(s, i);
      h = fnv(h, t ? (const void *)t : "\x01NULL", t ? (size_t)len : 5);
      h = fnv(h, "\x1f", 1);
    }
  sqlite3_finalize(s);
  return h;
}

static int64_t
one(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *s;
  int64_t v = -1;
  if(sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    return -1;
  if(sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* Read the case as the next process would (faults off). */
static void
read_state(const char *path, state *st)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s;
  char sql[200];
  int i;
  memset(st, 0, sizeof(*st));
  if(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    snprintf(st->integrity, sizeof(st->integrity), "cannot open: %s",
             db ? sqlite3_errmsg(db) : "?");
    sqlite3_close(db);
    return;
  }
  if(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) ==
     SQLITE_OK) {
    if(sqlite3_step(s) == SQLITE_ROW)
      snprintf(st->integrity, sizeof(st->integrity), "%s",
               (const char *)sqlite3_column_text(s, 0));
    else
      snprintf(st->integrity, sizeof(st->integrity), "%s",
               sqlite3_errmsg(db));
    sqlite3_finalize(s);
  }
  else
    snprintf(st->integrity, sizeof(st->integrity), "%s", sqlite3_errmsg(db));
  st->digest = digest_query(db, "SELECT type, name, tbl_name, sql FROM "
                            "sqlite_master ORDER BY name",
                            UINT64_C(14695981039346656037));
  st->stable = st->digest;
  st->ok = 1;
  for(i = 0; tables[i]; i++) {
    /* a table scan, in key order: the same rows read the same */
    snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[i]);
    st->digest = digest_query(db, sql, st->digest);
    if(strcmp(tables[i], "evidence"))
      st->stable = digest_query(db, sql, st->stable);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
    if((st->count[i] = one(db, sql)) < 0)
      st->ok = 0;
  }
  st->runs = one(db, "SELECT count(*) FROM run");
  st->runs_complete = one(db, "SELECT count(*) FROM run WHERE status = "
                          "'complete'");
  st->runs_bad = one(db, "SELECT count(*) FROM run r WHERE status = "
                     "'complete' AND NOT EXISTS(SELECT 1 FROM evidence e "
                     "WHERE e.run_id = r.run_id)");
  st->objects_missing = one(db, "SELECT (SELECT coalesce(sum(n_objects), 0)"
                            " FROM evidence) - (SELECT count(*) FROM "
                            "object)");
  st->events_missing = one(db, "SELECT (SELECT coalesce(sum(n_events), 0) "
                           "FROM evidence) - (SELECT count(*) FROM event)");
  if(sqlite3_close(db) != SQLITE_OK)
    st->ok = 0;
}

static int
same_counts(const state *a, const state *b)
{
  return !memcmp(a->count, b->count, sizeof(a->count));
}

/* ---- the sweep --------------------------------------------------------- */

static int full, verbose;
static long budget = 300;   /* attempts per allocation sweep (stride) */
static long dense = 100;    /* N = 1 .. dense one by one, then the stride */
static long only_n;     /* TL_FAULTS_N: this N alone */

/* One sweep of op with faults of kind: N = 1, 2, ... (every stride-th
** after the first 100 for allocations) until an attempt meets no fault.
** Prints one TAP line for the whole sweep; details of each bad attempt as
** comments. */
static void
sweep(const op *o, int kind, int persist, const state *before,
      const state *after, long total)
{
  long n, stride = 1, attempts = 0, failed = 0, bad = 0, succeeded_hit = 0;
  char msg[1200];
  const char *kname = kind == F_IO ? "I/O error" : "out of memory";

  if(!full && total > budget + dense)
    stride = total / budget;
  for(n = only_n ? only_n : 1;; n += n < dense ? 1 : stride) {
    state st;
    tl_rc rc;
    long hits;
    char why[1600] = "";

    rm_case(work);
    if(copy_file(tmpl, work)) {
      ok(0, "%s: copy the case", o->name);
      return;
    }
    arm(kind, n, persist);
    rc = attempt(o, msg, sizeof(msg));
    disarm();
    hits = atomic_load(&f_hits);
    attempts++;
    if(!hits && !rc)
      break;            /* past the last counted operation */
    if(!hits && n > 2 * total + 1000) {
      snprintf(why, sizeof(why), "no fault met but rc %d (%s)", rc, msg);
      bad++;
      printf("#   %s at %ld: %s\n", kname, n, why);
      break;
    }
    if(sqlite3_memory_used())
      snprintf(why, sizeof(why), "SQLite memory still in use after close: "
               "%lld bytes (a statement or connection leaked)",
               (long long)sqlite3_memory_used());
    read_state(work, &st);
    if(!why[0] && (!st.ok || strcmp(st.integrity, "ok")))
      snprintf(why, sizeof(why), "case unreadable or damaged: %s",
               st.integrity);
    else if(!why[0] && rc) {
      failed++;
      if(st.digest != before->digest)
        snprintf(why, sizeof(why), "failed (rc %d: %s) but the case "
                 "changed", rc, msg);
      else if(st.runs > before->runs + 1 ||
              st.runs_complete != before->runs_complete)
        snprintf(why, sizeof(why), "failed (rc %d) with %lld run rows, "
                 "%lld complete (before %lld, %lld)", rc,
                 (long long)st.runs, (long long)st.runs_complete,
                 (long long)before->runs, (long long)before->runs_complete);
      else if(!strstr(msg, work))
        snprintf(why, sizeof(why), "failed (rc %d) with a message that "
                 "does not name the case: '%s'", rc, msg);
    }
    else if(!why[0]) {
      succeeded_hit++;
      if(!same_counts(&st, after) || st.stable != after->stable ||
         st.objects_missing || st.events_missing || st.runs_bad)
      {
        int k, m = 0;
        m += snprintf(why, sizeof(why), "succeeded but the result is not "
                      "whole (objects missing %lld, events missing %lld;",
                      (long long)st.objects_missing,
                      (long long)st.events_missing);
        for(k = 0; k < N_TABLES; k++)
          if(st.count[k] != after->count[k] && m < 1400)
            m += snprintf(why + m, sizeof(why) - (size_t)m, " %s %lld "
                          "rows, want %lld;", tables[k],
                          (long long)st.count[k],
                          (long long)after->count[k]);
        snprintf(why + m, sizeof(why) - (size_t)m, "%s)",
                 st.stable != after->stable ? " rows differ" : "");
      }
    }
    if(why[0]) {
      bad++;
      if(bad <= 10)
        printf("#   %s%s at %ld: %s\n", persist ? "persistent " : "",
               kname, n, why);
    }
    else if(verbose)
      printf("#   %ld: rc %d hits %ld: %s\n", n, rc, hits, msg);
    if(only_n)
      break;
    if(n > 50L * total + 100000) {
      bad++;
      printf("#   the sweep does not end (N %ld)\n", n);
      break;
    }
  }
  ok(bad == 0, "%s, %s%s: %ld attempts (every %ld%s of %ld operations), "
     "%ld failed cleanly, %ld succeeded despite the fault, %ld bad",
     o->name, persist ? "persistent " : "", kname, attempts, stride,
     stride > 1 ? "th after the first ones" : "", total, failed,
     succeeded_hit, bad);
}

/* A run without faults counting the operations of each kind; the state it
** leaves is the "after" of a success. */
static long
count_ops(const op *o, int kind, state *after)
{
  char msg[1200];
  tl_rc rc;
  long n;
  rm_case(work);
  copy_file(tmpl, work);
  arm(kind, 0, 0);
  rc = attempt(o, msg, sizeof(msg));
  n = atomic_load(&f_count);
  disarm();
  if(rc) {
    printf("# %s without faults failed: %s\n", o->name, msg);
    return -1;
  }
  read_state(work, after);
  return n;
}

static int
setup(void)
{
  const char *t = getenv("TMPDIR");
  tl_case *c = NULL;
  const char *err = NULL;
  struct tl_ingest_opts io;
  struct tl_ingest_result ir;
  struct tl_import_opts im;
  struct tl_import_result mr;
  const char *paths[1];
  tl_rc rc;

  snprintf(dir, sizeof(dir), "%s/tl-faults-XXXXXX", t && *t ? t : "/tmp");
  if(!mkdtemp(dir))
    return -1;
  snprintf(img_a, sizeof(img_a), "%s/a.img", dir);
  snprintf(img_b, sizeof(img_b), "%s/b.img", dir);
  snprintf(tmpl, sizeof(tmpl), "%s/template.db", dir);
  snprintf(work, sizeof(work), "%s/work.db", dir);
  snprintf(tg1, sizeof(tg1), "%s/targets1.csv", dir);
  snprintf(tg2, sizeof(tg2), "%s/targets2.csv", dir);
  snprintf(dv1, sizeof(dv1), "%s/divisions1.csv", dir);
  snprintf(dv2, sizeof(dv2), "%s/divisions2.csv", dir);
  if(make_image(img_a, 'a') || make_image(img_b, 'b'))
    return -1;
  if(write_file(tg1, "path,partner,classification\n"
                "/docs/report.txt,P1,secret\n") ||
     write_file(tg2, "path,name,size,partner\n"
                "/docs/*.txt,,,P2\n,plan.doc,,P2\n/nope.txt,,,P3\n") ||
     write_file(dv1, "evidence,path_prefix,division\nA,/docs,Legal\n") ||
     write_file(dv2, "evidence,path_prefix,division\nA,/docs,Finance\n"
                "A,/,Ops\nB,/docs,Legal\n"))
    return -1;
  if((rc = tl_case_open(tmpl, TL_OPEN_CREATE, &c, &err))) {
    printf("# %s\n", err);
    return -1;
  }
  memset(&ir, 0, sizeof(ir));
  ir.struct_size = sizeof(ir);
  memset(&mr, 0, sizeof(mr));
  mr.struct_size = sizeof(mr);
  memset(&io, 0, sizeof(io));
  io.struct_size = sizeof(io);
  io.label = "A";
  paths[0] = img_a;
  memset(&im, 0, sizeof(im));
  im.struct_size = sizeof(im);
  if((rc = tl_case_ingest(c, 1, paths, &io, &ir)) ||
     (rc = tl_targets_import(c, tg1, &im, &mr)) ||
     (rc = tl_divisions_import(c, dv1, &im, &mr)))
    printf("# setup: %s\n", tl_case_errmsg(c));
  tl_case_close(c);
  return rc ? -1 : 0;
}

/* struct tl_import_opts grew wait_s, on_wait, wait_ctx at its end: a
** caller built before them (struct_size up to ctx) still imports. */
static void
old_import_callers(void)
{
  struct tl_import_opts o;
  struct tl_import_result r;
  tl_case *c = NULL;
  const char *err = NULL;
  rm_case(work);
  if(copy_file(tmpl, work) || tl_case_open(work, TL_OPEN_READWRITE, &c,
                                           &err)) {
    ok(0, "open a copy of the template: %s", err ? err : "copy failed");
    return;
  }
  memset(&o, 0, sizeof(o));
  memset(&r, 0, sizeof(r));
  r.struct_size = sizeof(r);
  o.struct_size = (uint32_t)offsetof(struct tl_import_opts, wait_s);
  is_int(tl_divisions_import(c, dv2, &o, &r), TL_OK,
         "an import with the struct_size from before wait_s (%u) works",
         o.struct_size);
  is_int(r.n_imported, 3, "... and imports the three rows");
  o.struct_size = 0;
  is_int(tl_targets_import(c, tg2, &o, &r), TL_USAGE,
         "a struct_size of 0 is refused");
  tl_case_close(c);
}

int
main(void)
{
  state before, after;
  const char *only = getenv("TL_FAULTS_ONLY");
  size_t i;

  full = getenv("TL_FAULTS_FULL") && *getenv("TL_FAULTS_FULL") == '1';
  verbose = getenv("TL_FAULTS_VERBOSE") != NULL;
  only_n = getenv("TL_FAULTS_N") ? atol(getenv("TL_FAULTS_N")) : 0;
  /* under ASan an attempt costs ~20 times more: a sparser stride */
  if(getenv("TL_SANITIZERS") && !strcmp(getenv("TL_SANITIZERS"), "yes")) {
    budget = 40;
    dense = 20;
  }
  if(install_hooks(verbose)) {
    printf("1..0 # SKIP cannot install the SQLite fault hooks\n");
    return 0;
  }
  if(system("command -v mkfs.fat >/dev/null && command -v mcopy "
            ">/dev/null")) {
    printf("1..0 # SKIP needs mkfs.fat (dosfstools) and mcopy (mtools)\n");
    return 0;
  }
  alarm(600);   /* a hang is a defect too */
  if(setup()) {
    ok(0, "setup: two FAT images and a case with one item in %s", dir);
    return done_testing();
  }
  read_state(tmpl, &before);
  is_str(before.integrity, "ok", "the template case is sound");
  is_int(before.count[0], 1, "the template holds one item");
  ok(before.count[9] == 1 && before.count[10] == 1 && before.count[11] == 1,
     "... a register of one target found once, a division map of one row");

  old_import_callers();
  for(i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
    long n_io, n_mem;
    if(only && strcmp(only, ops[i].name))
      continue;
    n_io = count_ops(&ops[i], F_IO, &after);
    n_mem = count_ops(&ops[i], F_NOMEM, &after);
    ok(n_io > 0 && n_mem > 0, "%s without faults: %ld file operations, "
       "%ld allocations", ops[i].name, n_io, n_mem);
    if(n_io <= 0 || n_mem <= 0)
      continue;
    if(i == 0)
      ok(after.count[0] == 2 && !after.objects_missing &&
         after.count[5] > before.count[5],
         "ingest adds the item: %lld objects, %lld events",
         (long long)(after.count[5] - before.count[5]),
         (long long)(after.count[6] - before.count[6]));
    else if(i == 1)
      is_int(after.count[9], 3, "targets import: three targets");
    else
      is_int(after.count[11], 3, "divisions import: three rows");
    sweep(&ops[i], F_IO, 0, &before, &after, n_io);
    sweep(&ops[i], F_IO, 1, &before, &after, n_io);
    sweep(&ops[i], F_NOMEM, 0, &before, &after, n_mem);
    sweep(&ops[i], F_NOMEM, 1, &before, &after, n_mem);
  }
  if(!getenv("TL_FAULTS_KEEP"))
    sh("rm -rf '%s'", dir);
  return done_testing();
}
