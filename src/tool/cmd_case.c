/*
** `touchline case copy SRC DST`: a whole case between backends (a SQLite
** file, a PostgreSQL URI), checked by row counts and hashes per table
** (docs/POSTGRESQL.md).
*/
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchline/touchline.h>

#include "tool.h"

static volatile int g_case_cancel;

static void
on_case_signal(int sig)
{
  (void)sig;
  g_case_cancel = 1;
}

void
tl_usage_case(FILE *o)
{
  fprintf(o,
    "usage: touchline case copy SRC DST [--replace] [-q]\n"
    "       touchline case tidy CASE [--wait SECONDS]\n"
    "\n"
    "Copy a whole case: SRC and DST are each a SQLite case file or a\n"
    "PostgreSQL URI (postgresql://[user@]host[:port]/db or postgres://...;\n"
    "libpq's environment, service and password files apply: never put a\n"
    "password in the URI you type). A SQLite DST is created when absent; a\n"
    "PostgreSQL DST database must exist and gets the schema when it has\n"
    "none. One transaction; before it commits, every table is counted and\n"
    "hashed (SHA-256 of its rows in key order) on both sides, and a\n"
    "difference keeps nothing and names the table. Prints one line per\n"
    "table: name, rows, SHA-256; then the rate.\n"
    "\n"
    "options:\n"
    "      --replace   empty a DST that holds a case first (else refused)\n"
    "  -q, --quiet     no table lines, no rate\n"
    "  -h, --help      this text\n"
    "\n"
    "PostgreSQL support in this build: %s. docs/POSTGRESQL.md.\n"
    "exit status: 0 copied and checked, 1 error or difference, 2 usage,\n"
    "3 DST holds a case, 130 interrupted\n"
    "\n"
    "`case tidy`: in a PostgreSQL case, drop the empty event partitions that\n"
    "item copies which failed or were killed left behind (never one of a copy\n"
    "in flight); workers and `ingest URI` do it by themselves when it is\n"
    "cheap. Prints: N dropped (their names), in flight, busy (the case's\n"
    "copies or readers kept `event` locked past --wait, default 5 s: run it\n"
    "again), holding rows. A SQLite case has nothing to tidy.\n"
    "exit status: 0 done, 1 error, 2 usage\n",
    tl_postgresql_built() ? "yes" : "no (built without libpq)");
}

static int
cmd_case_copy(int argc, char **argv)
{
  static const struct option lo[] = {
    {"replace", no_argument, NULL, 'R'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_copy_opts o;
  struct tl_copy_result res;
  struct tl_sink out;
  struct sigaction sa;
  const char *err = NULL;
  int ch, quiet = 0;
  tl_rc rc;

  memset(&o, 0, sizeof(o));
  memset(&res, 0, sizeof(res));
  o.struct_size = sizeof(o);
  res.struct_size = sizeof(res);
  optind = 1;
  while((ch = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
    switch(ch) {
    case 'R': o.replace = 1; break;
    case 'q': quiet = 1; break;
    case 'h': tl_usage_case(stdout); return 0;
    default: tl_usage_case(stderr); return 2;
    }
  }
  if(argc - optind != 2) {
    tl_usage_case(stderr);
    return 2;
  }
  tl_sink_stdio(&out, stdout);
  if(!quiet)
    o.report = &out;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_case_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  o.cancel = &g_case_cancel;
  rc = tl_case_copy(argv[optind], argv[optind + 1], &o, &res, &err);
  if(rc) {
    fprintf(stderr, "touchline case copy: %s\n", err);
    return rc == TL_USAGE ? 2 : rc == TL_EXISTS ? 3 :
           rc == TL_INTERRUPTED ? 130 : 1;
  }
  if(!quiet)
    printf("copied %llu rows of %u tables in %.3f s (%.0f rows/s), "
           "checked in %.3f s\n", (unsigned long long)res.n_rows,
           res.n_tables, res.copy_s,
           res.copy_s > 0 ? (double)res.n_rows / res.copy_s : 0.0,
           res.check_s);
  if(fflush(stdout)) {
    fprintf(stderr, "touchline case copy: standard output failed\n");
    return 1;
  }
  return 0;
}

static int
cmd_case_tidy(int argc, char **argv)
{
  static const struct option lo[] = {
    {"wait", required_argument, NULL, 'w'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_tidy_result res;
  const char *err = NULL;
  char names[2000], *end;
  int ch, wait_s = 5;
  tl_rc rc;

  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  optind = 1;
  while((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    switch(ch) {
    case 'w':
      wait_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || wait_s < 0 || wait_s > 86400) {
        fprintf(stderr, "touchline case tidy: --wait takes seconds (0 to "
                "86400)\n");
        return 2;
      }
      break;
    case 'h': tl_usage_case(stdout); return 0;
    default: tl_usage_case(stderr); return 2;
    }
  }
  if(argc - optind != 1) {
    tl_usage_case(stderr);
    return 2;
  }
  rc = tl_case_tidy(argv[optind], wait_s, &res, names, sizeof(names), &err);
  if(rc) {
    fprintf(stderr, "touchline case tidy: %s\n", err);
    return rc == TL_USAGE ? 2 : 1;
  }
  if(res.is_sqlite)
    printf("%s: a SQLite case has nothing to tidy (an ingest that fails or "
           "is killed leaves nothing in it)\n", argv[optind]);
  else
    printf("tidy: %u dropped%s%s%s, %u in flight, %u busy, %u holding "
           "rows\n", res.n_dropped, res.n_dropped ? " (" : "",
           res.n_dropped ? names : "", res.n_dropped ? ")" : "",
           res.n_in_flight, res.n_busy, res.n_full);
  if(fflush(stdout)) {
    fprintf(stderr, "touchline case tidy: standard output failed\n");
    return 1;
  }
  return 0;
}

int
cmd_case(int argc, char **argv)
{
  if(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    tl_usage_case(stdout);
    return 0;
  }
  if(argc >= 2 && !strcmp(argv[1], "copy"))
    return cmd_case_copy(argc - 1, argv + 1);
  if(argc >= 2 && !strcmp(argv[1], "tidy"))
    return cmd_case_tidy(argc - 1, argv + 1);
  tl_usage_case(stderr);
  return 2;
}

/* ---- the work queue (docs/POSTGRESQL.md, "The work queue") ---- */

void
tl_usage_queue(FILE *o)
{
  fputs(
    "usage: touchline queue URI add --manifest FILE\n"
    "       touchline queue URI status\n"
    "       touchline worker URI [-j N] [--drain] [--stale SECONDS]\n"
    "                            [--stage DIR] [--fat-tz ZONE] [--no-hash] [-q]\n"
    "\n"
    "The work queue of a PostgreSQL case. `queue add` records the items of a\n"
    "manifest (label, division, image as the workers see it; docs/MANIFEST.md)\n"
    "in the case, once, from anywhere; a label queued already is left alone.\n"
    "`worker` on each ingest machine claims one item at a time per job,\n"
    "ingests it into a local staging case (--stage DIR, default /tmp) and\n"
    "copies it into the case in one transaction; it waits for more, or with\n"
    "--drain exits when nothing is waiting or running. A worker that dies\n"
    "loses its claim when its heartbeat is older than --stale (default 60 s)\n"
    "and another worker takes the item again. `queue status` lists each item\n"
    "(waiting, running on which host:pid, done, failed with the reason) and\n"
    "the throughput.\n"
    "\n"
    "exit status: 0 every item done, 1 error, 2 usage, 4 items failed,\n"
    "130 interrupted\n", o);
}

static void
on_queue_manifest_error(const char *file, long line, const char *msg,
                        void *ctx)
{
  (void)ctx;
  if(line > 0)
    fprintf(stderr, "touchline queue: %s:%ld: %s\n", file, line, msg);
  else
    fprintf(stderr, "touchline queue: %s: %s\n", file, msg);
}

/* queue and worker take a PostgreSQL case only: one line saying why. */
static int
sqlite_queue(const char *cmd, const char *path)
{
  if(tl_case_is_uri(path))
    return 0;
  fprintf(stderr, "touchline %s: %s: the work queue lives in a PostgreSQL "
          "case (postgresql://...), for many machines writing one case; a "
          "SQLite case takes many items with `touchline ingest %s "
          "--manifest FILE -j N`\n", cmd, path, path);
  return 1;
}

int
cmd_queue(int argc, char **argv)
{
  const char *err = NULL;
  tl_rc rc;
  if(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    tl_usage_queue(stdout);
    return 0;
  }
  if(argc >= 3 && sqlite_queue("queue", argv[1]))
    return 2;
  if(argc == 3 && !strcmp(argv[2], "status")) {
    struct tl_sink out;
    tl_sink_stdio(&out, stdout);
    rc = tl_queue_status(argv[1], &out, &err);
    if(rc) {
      fprintf(stderr, "touchline queue: %s\n", err);
      return rc == TL_USAGE ? 2 : 1;
    }
    return fflush(stdout) ? 1 : 0;
  }
  if(argc == 5 && !strcmp(argv[2], "add") &&
     (!strcmp(argv[3], "--manifest") || !strcmp(argv[3], "-m"))) {
    tl_manifest *m = NULL;
    uint32_t added = 0;
    if(tl_manifest_read(argv[4], &m, on_queue_manifest_error, NULL))
      return 2;
    rc = tl_queue_add(argv[1], m, &added, &err);
    if(rc) {
      fprintf(stderr, "touchline queue: %s\n", err);
      tl_manifest_free(m);
      return rc == TL_USAGE ? 2 : 1;
    }
    printf("%u of %u items queued (%u were queued already)\n", added,
           (unsigned)tl_manifest_count(m),
           (unsigned)(tl_manifest_count(m) - added));
    tl_manifest_free(m);
    return 0;
  }
  tl_usage_queue(stderr);
  return 2;
}

static int g_worker_quiet;

static void
on_worker_item(const char *label, const char *status, const char *msg,
               void *ctx)
{
  (void)ctx;
  if(g_worker_quiet && strcmp(status, "failed") && strcmp(status, "lost") &&
     strcmp(status, "warning"))
    return;
  fprintf(stderr, "touchline worker: %s: %s%s%s\n", label, status,
          msg ? ": " : "", msg ? msg : "");
}

int
cmd_worker(int argc, char **argv, int full_argc, char **full_argv)
{
  static const struct option lo[] = {
    {"jobs", required_argument, NULL, 'j'},
    {"drain", no_argument, NULL, 'D'},
    {"stale", required_argument, NULL, 'S'},
    {"stage", required_argument, NULL, 'G'},
    {"fat-tz", required_argument, NULL, 'z'},
    {"no-hash", no_argument, NULL, 'H'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_worker_opts o;
  struct tl_worker_result res;
  struct tl_ingest_opts io;
  struct sigaction sa;
  const char *err = NULL;
  char cmdline[2000];
  size_t k = 0;
  int ch, i;
  char *end;
  tl_rc rc;

  memset(&o, 0, sizeof(o));
  memset(&res, 0, sizeof(res));
  memset(&io, 0, sizeof(io));
  o.struct_size = sizeof(o);
  res.struct_size = sizeof(res);
  io.struct_size = sizeof(io);
  io.fat_tz = "UTC";
  o.ingest = &io;
  /* the command line of the run rows, every URI without its password */
  cmdline[0] = 0;
  for(i = 0; i < full_argc && k + 2 < sizeof(cmdline); i++) {
    char red[700];
    tl_case_redact_uri(full_argv[i], red, sizeof(red));
    k += (size_t)snprintf(cmdline + k, sizeof(cmdline) - k, "%s%s",
                          i ? " " : "", red);
  }
  o.command_line = cmdline;
  optind = 1;
  while((ch = getopt_long(argc, argv, "j:qh", lo, NULL)) != -1) {
    switch(ch) {
    case 'j':
      o.jobs = (uint32_t)strtoul(optarg, &end, 10);
      if(*end || !*optarg || !o.jobs || o.jobs > 64) {
        fprintf(stderr, "touchline worker: -j takes 1 to 64\n");
        return 2;
      }
      break;
    case 'D': o.drain = 1; break;
    case 'S':
      o.stale_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || o.stale_s < 1) {
        fprintf(stderr, "touchline worker: --stale takes seconds (>= 1)\n");
        return 2;
      }
      break;
    case 'G': o.stage_dir = optarg; break;
    case 'z': io.fat_tz = optarg; break;
    case 'H': io.no_hash = 1; break;
    case 'q': g_worker_quiet = 1; break;
    case 'h': tl_usage_queue(stdout); return 0;
    default: tl_usage_queue(stderr); return 2;
    }
  }
  if(argc - optind != 1) {
    tl_usage_queue(stderr);
    return 2;
  }
  if(sqlite_queue("worker", argv[optind]))
    return 2;
  o.on_item = on_worker_item;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_case_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  o.cancel = &g_case_cancel;
  rc = tl_worker_run(argv[optind], &o, &res, &err);
  if(!g_worker_quiet || rc)
    fprintf(stderr, "touchline worker: %u done, %u failed\n", res.n_done,
            res.n_failed);
  if(rc && rc != TL_FAILED && rc != TL_INTERRUPTED)
    fprintf(stderr, "touchline worker: %s\n", err);
  return rc == TL_OK ? 0 : rc == TL_FAILED ? 4 : rc == TL_INTERRUPTED ? 130 :
         rc == TL_USAGE ? 2 : 1;
}
