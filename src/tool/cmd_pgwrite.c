/*
** The writing commands on a PostgreSQL case (docs/POSTGRESQL.md):
** `ingest URI IMAGE` (one item: a staging case, the register matched
** there, one copy transaction, as a worker does), `ingest URI --manifest
** F -j N` (the items queued, then worked by N jobs of this process), and
** `targets URI ...` / `divisions URI ...` (the SQLite command on a
** temporary SQLite case holding what it reads; what it wrote stored back
** in one transaction).
*/
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchline/touchline.h>

#include "tool.h"

static volatile int g_pgw_cancel;
static volatile sig_atomic_t g_pgw_sig;

static void
on_pgw_signal(int sig)
{
  g_pgw_cancel = 1;
  g_pgw_sig = sig;
}

/* The command line of the run rows: every URI without its password. */
static void
redacted_cmdline(int argc, char **argv, char *out, size_t n)
{
  size_t k = 0;
  int i;
  out[0] = 0;
  for(i = 0; i < argc && k + 2 < n; i++) {
    char red[700];
    tl_case_redact_uri(argv[i], red, sizeof(red));
    k += (size_t)snprintf(out + k, n - k, "%s%s", i ? " " : "", red);
  }
}

int
tl_tool_pg_ingest(const char *uri, int n_images, char **images,
                  struct tl_ingest_opts *o, int full_argc, char **full_argv,
                  int quiet)
{
  struct tl_ingest_result res;
  struct tl_progress_view pv;
  struct sigaction sa;
  const char *err = NULL;
  char cmdline[2000], name[700];
  tl_rc rc;

  tl_case_redact_uri(uri, name, sizeof(name));
  if(n_images != 1) {
    fprintf(stderr, "touchline ingest: %s: one image at a time into a "
            "PostgreSQL case (give the first segment; the others are "
            "found)\n", name);
    return 2;
  }
  redacted_cmdline(full_argc, full_argv, cmdline, sizeof(cmdline));
  o->command_line = cmdline;
  o->on_wait = NULL;
  if(!quiet && isatty(STDERR_FILENO)) {
    tl_progress_init(&pv, stderr);
    o->progress = tl_progress_draw;
    o->progress_ctx = &pv;
  }
  o->cancel = &g_pgw_cancel;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_pgw_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  rc = tl_pg_ingest(uri, images[0], o, NULL, &res, &err);
  if(o->progress)
    tl_progress_clear(&pv);
  if(rc)
    fprintf(stderr, "touchline: %s\n", err);
  /* stored, with a warning of the passes after the copy (always said) */
  if(!rc && err && *err)
    fprintf(stderr, "touchline: %s: warning: %s\n", images[0], err);
  if(!rc && !quiet)
    fprintf(stderr, "touchline: %s: evidence %lld: %llu objects, %llu "
            "events, %llu volume(s), %llu file system(s), verification: %s"
            "%s\n", images[0], (long long)res.evidence_id,
            (unsigned long long)res.n_objects,
            (unsigned long long)res.n_events,
            (unsigned long long)res.n_volumes,
            (unsigned long long)res.n_filesystems,
            res.verification ? res.verification : "-",
            res.n_warnings ? " (warnings: see `touchline info`)" : "");
  if(rc == TL_INTERRUPTED && g_pgw_sig) {
    signal((int)g_pgw_sig, SIG_DFL);
    return 128 + (int)g_pgw_sig;
  }
  return rc == TL_OK ? 0 : rc == TL_USAGE ? 2 : rc == TL_EXISTS ? 3 :
         rc == TL_INTERRUPTED ? 130 : 1;
}

typedef struct {
  int argc, at;
  char **argv;
  int (*cmd)(int, char **);
} regx;

static int
run_on_copy(const char *path, void *ctx)
{
  regx *r = ctx;
  char *keep = r->argv[r->at];
  int st;
  r->argv[r->at] = (char *)path;
  st = r->cmd(r->argc, r->argv);
  r->argv[r->at] = keep;
  return st;
}

/* targets and divisions given a postgresql:// case (argv[1]); -1 when
** argv[1] is not one. */
int
tl_tool_pg_register(int argc, char **argv, int (*cmd)(int, char **))
{
  regx r;
  const char *err = NULL;
  int st = 0, write;
  tl_rc rc;
  if(argc < 3 || !tl_case_is_uri(argv[1]))
    return -1;
  /* list and stats only read */
  write = !(cmd != NULL && (!strcmp(argv[2], "list") ||
                            !strcmp(argv[2], "stats")));
  /* list and stats: the command itself, on the server's case read in
  ** place (store/pgread.c), no local copy */
  if(!write)
    return -1;
  r.argc = argc;
  r.argv = argv;
  r.at = 1;
  r.cmd = cmd;
  rc = tl_pg_register_edit(argv[1], write, run_on_copy, &r, &st, &err);
  if(rc) {
    fprintf(stderr, "touchline %s: %s\n", argv[0], err);
    return rc == TL_INTERRUPTED ? 130 : 1;
  }
  return st;
}

static int g_pgw_quiet;

static void
on_pgw_item(const char *label, const char *status, const char *msg,
            void *ctx)
{
  (void)ctx;
  if(g_pgw_quiet && strcmp(status, "failed") && strcmp(status, "lost") &&
     strcmp(status, "warning"))
    return;
  fprintf(stderr, "touchline ingest: %s: %s%s%s\n", label, status,
          msg ? ": " : "", msg ? msg : "");
}

/* ingest URI --manifest F [-j N]: the items queued in the case, then
** worked by N jobs of this process until the queue is empty (items other
** processes queued are worked too). */
int
tl_tool_pg_manifest(const char *uri, const char *manifest,
                    const tl_manifest *m, int jobs,
                    struct tl_ingest_opts *io, const char *cmdline,
                    int quiet)
{
  struct tl_worker_opts o;
  struct tl_worker_result res;
  struct sigaction sa;
  const char *err = NULL, *tmp = getenv("TMPDIR");
  char red[2000], tok[700];
  size_t k = 0;
  uint32_t added = 0;
  tl_rc rc;

  if(io->replace) {
    fprintf(stderr, "touchline ingest: --replace with --manifest is not "
            "supported on a PostgreSQL case (give one image)\n");
    return 2;
  }
  /* the command line of the run rows, every URI without its password */
  red[0] = 0;
  while(cmdline && *cmdline && k + 2 < sizeof(red)) {
    size_t n = strcspn(cmdline, " ");
    char w[700];
    snprintf(w, sizeof(w), "%.*s", (int)(n < sizeof(w) ? n : sizeof(w) - 1),
             cmdline);
    tl_case_redact_uri(w, tok, sizeof(tok));
    k += (size_t)snprintf(red + k, sizeof(red) - k, "%s%s", k ? " " : "",
                          tok);
    cmdline += n;
    while(*cmdline == ' ')
      cmdline++;
  }
  if((rc = tl_queue_add(uri, m, &added, &err))) {
    fprintf(stderr, "touchline ingest: %s\n", err);
    return rc == TL_USAGE ? 2 : 1;
  }
  if(!quiet)
    fprintf(stderr, "touchline ingest: %s: %u of %u items queued (%u were "
            "queued already)\n", manifest, added, tl_manifest_count(m),
            tl_manifest_count(m) - added);
  memset(&o, 0, sizeof(o));
  memset(&res, 0, sizeof(res));
  o.struct_size = sizeof(o);
  res.struct_size = sizeof(res);
  o.jobs = jobs > 0 ? (uint32_t)jobs : 1;
  o.drain = 1;
  o.stage_dir = tmp && *tmp ? tmp : NULL;
  o.command_line = red;
  io->command_line = red;
  io->progress = NULL;
  o.ingest = io;
  g_pgw_quiet = quiet;
  o.on_item = on_pgw_item;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_pgw_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  o.cancel = &g_pgw_cancel;
  rc = tl_worker_run(uri, &o, &res, &err);
  if(!quiet || rc)
    fprintf(stderr, "touchline ingest: %s: %u done, %u failed\n", manifest,
            res.n_done, res.n_failed);
  if(rc && rc != TL_FAILED && rc != TL_INTERRUPTED)
    fprintf(stderr, "touchline ingest: %s\n", err);
  return rc == TL_OK ? 0 : rc == TL_FAILED ? 4 : rc == TL_INTERRUPTED ? 130 :
         rc == TL_USAGE ? 2 : 1;
}
