/*
** touchline ingest CASE --manifest FILE [-j N]: many evidence items at
** once (docs/MANIFEST.md). The library does the work
** (tl_case_ingest_manifest); this file reads the options, draws the
** progress of every item on a terminal, prints the summary table and turns
** the outcome into an exit status.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchline/touchline.h>

#include "tool.h"

static volatile sig_atomic_t m_cancel_sig;
static volatile int m_cancel;

static void
on_signal(int sig)
{
  m_cancel_sig = sig;
  m_cancel = 1;
}

/* Does the ingest command line ask for a manifest? */
int
tl_argv_has_manifest(int argc, char **argv)
{
  int i;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--"))
      break;
    if(!strcmp(argv[i], "-m") || !strcmp(argv[i], "--manifest") ||
       !strncmp(argv[i], "--manifest=", 11) ||
       (argv[i][0] == '-' && argv[i][1] == 'm'))
      return 1;
  }
  return 0;
}

void
tl_usage_ingest_manifest(FILE *o)
{
  fputs(
    "usage: touchline ingest CASE.db --manifest FILE [-j N] [options]\n"
    "\n"
    "Add every evidence item of a manifest, N at a time (default: the\n"
    "number of processors). FILE has one item per line: label, division\n"
    "(may be empty), image path, separated by tabs; # starts a comment; a\n"
    "relative path is relative to FILE's folder; later segments are found\n"
    "as for one image. Every line is checked first: a bad line is named by\n"
    "its number and nothing is ingested. Each item is stored atomically and\n"
    "fails alone; a summary table (label, status, objects, events, time,\n"
    "reason) goes to standard output.\n"
    "\n"
    "options:\n"
    "  -m, --manifest FILE    the manifest (docs/MANIFEST.md)\n"
    "  -j, --jobs N           items walked at once (default: processors)\n"
    "      --fat-tz ZONE      as for one image, for every item\n"
    "      --no-hash          do not compute MD5/SHA-256 of the media\n"
    "      --replace          replace items already in the case\n"
    "      --wait SECONDS     how long each write waits for the case's\n"
    "                         write lock (default 600; 0, -1: forever)\n"
    "      --plugin FILE      load this artifact parser too (repeatable)\n"
    "      --no-plugins       run no artifact parser (as for one image)\n"
    "  -q, --quiet            no progress on stderr (the table is printed)\n"
    "  -h, --help             this text\n"
    "\n"
    "exit status: 0 every item stored, 1 error (the case could not be\n"
    "written; items stored before are kept), 2 usage or a bad manifest\n"
    "(nothing ingested), 3 the items not stored were already in the case,\n"
    "4 one or more items failed (the others are stored; the table names\n"
    "them), 130/143 interrupted (SIGINT/SIGTERM; stored items are kept)\n",
    o);
}

/* ---- progress on a terminal: one line per active item, one overall -- */

typedef struct {
  FILE *out;
  int lines;                /* lines of the block drawn now */
  int tty, quiet;
} view;

static void
view_clear(view *v)
{
  if(v->lines) {
    fprintf(v->out, "\r\033[%dA\033[J", v->lines);
    fflush(v->out);
  }
  v->lines = 0;
}

static void
human(double b, char *buf, size_t len)
{
  static const char *const u[] = {"B", "KB", "MB", "GB", "TB"};
  int i = 0;
  while(b >= 1000 && i < 4) {
    b /= 1000;
    i++;
  }
  snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

static void
on_progress(const struct tl_manifest_progress *p, void *ctx)
{
  view *v = ctx;
  uint32_t i;
  if(!v->tty || v->quiet)
    return;
  view_clear(v);
  for(i = 0; i < p->n_active; i++) {
    const struct tl_progress *s = &p->items[i];
    char done[32], total[32];
    fprintf(v->out, "  %s: %s", s->label, s->stage);
    if(s->n_objects || s->n_events)
      fprintf(v->out, "  %llu objects  %llu events",
              (unsigned long long)s->n_objects,
              (unsigned long long)s->n_events);
    if(s->bytes_total) {
      human((double)s->bytes_done, done, sizeof(done));
      human((double)s->bytes_total, total, sizeof(total));
      fprintf(v->out, "  hashed %s/%s", done, total);
    }
    if(s->elapsed_s > 0)
      fprintf(v->out, "  %.0f s", s->elapsed_s);
    fputs("\033[K\n", v->out);
    v->lines++;
  }
  fprintf(v->out, "items: %u/%u stored, %u failed, %u active, %u to go  "
          "%d:%02d\033[K\n", p->n_complete, p->n_items, p->n_failed,
          p->n_active, p->n_queued, (int)(p->elapsed_s / 60),
          (int)p->elapsed_s % 60);
  v->lines++;
  fflush(v->out);
}

/* ---- the items ------------------------------------------------------ */

typedef struct {
  char *label, *status, *reason;
  uint64_t n_objects, n_events;
  double elapsed;
  int done;
} row;

typedef struct {
  view v;
  row *rows;
  int n;
} ctx_t;

static void
on_item(const struct tl_manifest_item *it, void *vctx)
{
  ctx_t *x = vctx;
  row *r = &x->rows[it->index];
  r->label = strdup(it->label);
  r->status = strdup(it->status);
  r->reason = it->message ? strdup(it->message) : NULL;
  r->n_objects = it->n_objects;
  r->n_events = it->n_events;
  r->elapsed = it->elapsed_s;
  r->done = 1;
  if(it->note) {                /* a warning: said even with -q */
    view_clear(&x->v);
    fprintf(stderr, "touchline: %s: warning: %s\n", it->label, it->note);
  }
  if(x->v.quiet)
    return;
  view_clear(&x->v);
  if(!it->rc)
    fprintf(stderr, "touchline: %s: evidence %lld: %llu objects, %llu "
            "events, verification: %s (%.1f s)\n", it->label,
            (long long)it->evidence_id, (unsigned long long)it->n_objects,
            (unsigned long long)it->n_events, it->verification,
            it->elapsed_s);
  else
    fprintf(stderr, "touchline: %s: %s: %s\n", it->label, it->status,
            it->message ? it->message : "");
}

static int
width(const char *s)
{
  /* columns of UTF-8 text: count the bytes that start a character */
  int n = 0;
  for(; *s; s++)
    if(((unsigned char)*s & 0xc0) != 0x80)
      n++;
  return n;
}

static void
pad(FILE *o, const char *s, int w)
{
  int k = width(s);
  fputs(s, o);
  while(k++ < w)
    fputc(' ', o);
}

/* The summary table: label, status, objects, events, time, reason. */
static void
print_table(FILE *o, ctx_t *x)
{
  int wl = 5, ws = 6, i;
  for(i = 0; i < x->n; i++) {
    row *r = &x->rows[i];
    if(r->label && width(r->label) > wl)
      wl = width(r->label);
    if(r->status && width(r->status) > ws)
      ws = width(r->status);
  }
  pad(o, "label", wl);
  fputs("  ", o);
  pad(o, "status", ws);
  fprintf(o, "  %10s  %10s  %8s  reason\n", "objects", "events", "time s");
  for(i = 0; i < x->n; i++) {
    row *r = &x->rows[i];
    pad(o, r->label ? r->label : "?", wl);
    fputs("  ", o);
    pad(o, r->status ? r->status : "?", ws);
    fprintf(o, "  %10llu  %10llu  %8.1f  %s\n",
            (unsigned long long)r->n_objects,
            (unsigned long long)r->n_events, r->elapsed,
            r->reason ? r->reason : "-");
  }
}

static void
on_wait(const char *msg, void *ctx)
{
  (void)ctx;
  fprintf(stderr, "touchline: %s\n", msg);
}

static void
on_manifest_error(const char *file, long line, const char *msg, void *ctx)
{
  (void)ctx;
  if(line)
    fprintf(stderr, "touchline: %s:%ld: %s\n", file, line, msg);
  else
    fprintf(stderr, "touchline: %s: %s\n", file, msg);
}

int
cmd_ingest_manifest(int argc, char **argv, const char *cmdline)
{
  static const struct option longopts[] = {
    {"manifest", required_argument, NULL, 'm'},
    {"jobs", required_argument, NULL, 'j'},
    {"fat-tz", required_argument, NULL, 'z'},
    {"no-hash", no_argument, NULL, 'H'},
    {"replace", no_argument, NULL, 'R'},
    {"wait", required_argument, NULL, 'W'},
    {"quiet", no_argument, NULL, 'q'},
    {"plugin", required_argument, NULL, 'P'},
    {"no-plugins", no_argument, NULL, 'N'},
    {"label", required_argument, NULL, 'l'},
    {"division", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *plugin_files[64];
  struct tl_plugin_opts po;
  struct tl_ingest_opts io;
  struct tl_manifest_opts mo;
  struct tl_manifest_result res;
  struct sigaction sa;
  tl_manifest *m = NULL;
  tl_case *c = NULL;
  const char *err = NULL, *case_path, *manifest = NULL;
  ctx_t x;
  int ch, jobs = 0, i, status;
  char *end;
  tl_rc rc;

  memset(&io, 0, sizeof(io));
  memset(&mo, 0, sizeof(mo));
  memset(&po, 0, sizeof(po));
  memset(&res, 0, sizeof(res));
  memset(&x, 0, sizeof(x));
  po.struct_size = sizeof(po);
  po.plugins = plugin_files;
  io.struct_size = sizeof(io);
  io.plugins = &po;
  io.fat_tz = "UTC";
  io.wait_s = 600;
  io.on_wait = on_wait;
  res.struct_size = sizeof(res);
  optind = 1;
  while((ch = getopt_long(argc, argv, "m:j:l:d:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'm': manifest = optarg; break;
    case 'j':
      jobs = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || jobs < 1 || jobs > 64) {
        fprintf(stderr, "touchline ingest: -j takes a number from 1 to "
                "64\n");
        return 2;
      }
      break;
    case 'z': io.fat_tz = optarg; break;
    case 'H': io.no_hash = 1; break;
    case 'R': io.replace = 1; break;
    case 'W':
      io.wait_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || io.wait_s < -1) {
        fprintf(stderr, "touchline ingest: --wait takes seconds (a whole "
                "number, -1 for ever)\n");
        return 2;
      }
      break;
    case 'q': x.v.quiet = 1; break;
    case 'N': po.no_plugins = 1; break;
    case 'P':
      if(po.n_plugins == 64) {
        fprintf(stderr, "touchline ingest: at most 64 --plugin\n");
        return 2;
      }
      plugin_files[po.n_plugins++] = optarg;
      break;
    case 'l': case 'd':
      fprintf(stderr, "touchline ingest: with --manifest, labels and "
              "divisions come from the manifest (no --%s)\n",
              ch == 'l' ? "label" : "division");
      return 2;
    case 'h': tl_usage_ingest_manifest(stdout); return 0;
    default: tl_usage_ingest_manifest(stderr); return 2;
    }
  }
  if(!manifest || argc - optind != 1) {
    fprintf(stderr, "touchline ingest: %s\n", !manifest ? "need --manifest"
            : argc - optind < 1 ? "need CASE.db" : "with --manifest, the "
            "images come from the manifest (give only CASE.db)");
    tl_usage_ingest_manifest(stderr);
    return 2;
  }
  {
    const char *why = NULL;
    int64_t t;
    if(tl_parse_time_zone("1970-01-01", io.fat_tz, &t, &why)) {
      fprintf(stderr, "touchline ingest: --fat-tz %s\n", why);
      return 2;
    }
  }
  case_path = argv[optind];
  /* every line checked before the case is touched */
  if((rc = tl_manifest_read(manifest, &m, on_manifest_error, NULL))) {
    if(rc == TL_USAGE)
      fprintf(stderr, "touchline: %s: nothing was ingested\n", manifest);
    return rc == TL_USAGE ? 2 : 1;
  }
  if(tl_case_is_uri(case_path)) {       /* cmd_pgwrite.c */
    status = tl_tool_pg_manifest(case_path, manifest, m, jobs, &io, cmdline,
                                 x.v.quiet);
    tl_manifest_free(m);
    return status;
  }
  x.n = tl_manifest_count(m);
  if(!(x.rows = calloc((size_t)x.n, sizeof(*x.rows)))) {
    fprintf(stderr, "touchline: out of memory\n");
    tl_manifest_free(m);
    return 1;
  }
  if((rc = tl_case_open(case_path, TL_OPEN_CREATE, &c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    tl_manifest_free(m);
    free(x.rows);
    return rc == TL_USAGE ? 2 : 1;
  }
  tl_tool_note_upgrade(c, case_path);
  io.command_line = cmdline;
  io.cancel = &m_cancel;
  x.v.out = stderr;
  x.v.tty = isatty(STDERR_FILENO);
  mo.struct_size = sizeof(mo);
  mo.jobs = jobs;
  mo.ingest = &io;
  mo.progress = on_progress;
  mo.on_item = on_item;
  mo.ctx = &x;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  rc = tl_case_ingest_manifest(c, m, &mo, &res);
  view_clear(&x.v);
  print_table(stdout, &x);
  if(fflush(stdout))
    fprintf(stderr, "touchline: standard output: %s\n", strerror(errno));
  if(rc && rc != TL_INTERRUPTED && rc != TL_FAILED && rc != TL_EXISTS)
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  if(!x.v.quiet || rc)
    fprintf(stderr, "touchline: %s: %u of %u items stored (%llu objects, "
            "%llu events) in %.1f s; %u failed, %u already in the case, "
            "%u interrupted or not started\n", manifest, res.n_complete,
            res.n_items, (unsigned long long)res.n_objects,
            (unsigned long long)res.n_events, res.elapsed_s, res.n_failed,
            res.n_exists, res.n_interrupted);
  if(res.n_complete)
    tl_tool_coverage(c, case_path);
  tl_case_close(c);
  tl_manifest_free(m);
  for(i = 0; i < x.n; i++) {
    free(x.rows[i].label);
    free(x.rows[i].status);
    free(x.rows[i].reason);
  }
  free(x.rows);
  switch(rc) {
  case TL_OK: status = 0; break;
  case TL_EXISTS: status = 3; break;
  case TL_FAILED: status = 4; break;
  case TL_USAGE: status = 2; break;
  case TL_INTERRUPTED:
    if(m_cancel_sig) {
      signal((int)m_cancel_sig, SIG_DFL);
      status = 128 + (int)m_cancel_sig;
    }
    else
      status = 130;
    break;
  default: status = 1; break;
  }
  return status;
}
