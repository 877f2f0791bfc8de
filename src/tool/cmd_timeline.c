/*
** `touchline timeline`: arguments in, tl_timeline_export() out. The query
** and the formats are in the library (src/lib/store/query.c,
** src/lib/render/timeline*.c); docs/TIMELINE.md is the user's view.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define MAX_LIST 64

static void
usage_timeline(FILE *o)
{
  fputs(
    "usage: touchline timeline CASE.db [options]\n"
    "\n"
    "Export the events of the case, sorted by time, then evidence, then\n"
    "path (bodyfile: one line per object, in walk order).\n"
    "\n"
    "filters (all combine):\n"
    "      --from WHEN        events at or after WHEN (ISO 8601 date or\n"
    "                         date-time, Z or +hh:mm; no offset: --tz zone)\n"
    "      --to WHEN          events before WHEN (exclusive)\n"
    "      --division NAME    objects of this division, as exposure counts\n"
    "                         them (division map; repeatable)\n"
    "      --evidence LABEL   this evidence item (repeatable)\n"
    "      --path GLOB        paths matching GLOB: * and ? within a folder,\n"
    "                         ** across folders, / or \\; no case on NTFS,\n"
    "                         FAT, exFAT, HFS+, APFS, ISO 9660; relative:\n"
    "                         any depth\n"
    "      --source SRC       time source: $SI, $FN, inode, 'FAT entry', ...\n"
    "                         (repeatable or comma-separated)\n"
    "      --deleted          deleted names only\n"
    "      --allocated        allocated names only\n"
    "\n"
    "output:\n"
    "  -f, --format FMT       bodyfile, csv (default), jsonl, l2tcsv, tln\n"
    "  -o, --output FILE      write to FILE instead of standard output\n"
    "      --tz ZONE          render text times in ZONE (e.g. Europe/Berlin);\n"
    "                         default UTC\n"
    "      --fractional       bodyfile: seconds with 7 or 9 decimals\n"
    "  -q, --quiet            no progress on stderr\n"
    "  -h, --help             this text\n"
    "\n"
    "docs/TIMELINE.md and touchline-timeline(1) describe every format.\n"
    "exit status: 0 done (also when the reader closed the pipe), 1 error,\n"
    "2 usage\n",
    o);
}

static int
parse_format(const char *s, int *f)
{
  static const struct {
    const char *name;
    int f;
  } t[] = {
    {"bodyfile", TL_TIMELINE_BODYFILE}, {"body", TL_TIMELINE_BODYFILE},
    {"csv", TL_TIMELINE_CSV}, {"jsonl", TL_TIMELINE_JSONL},
    {"l2tcsv", TL_TIMELINE_L2TCSV}, {"tln", TL_TIMELINE_TLN}
  };
  size_t i;
  for(i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if(!strcmp(s, t[i].name)) {
      *f = t[i].f;
      return 0;
    }
  return -1;
}

static int
add_list(const char **list, size_t *n, const char *v, const char *opt)
{
  if(*n >= MAX_LIST) {
    fprintf(stderr, "touchline timeline: at most %d %s\n", MAX_LIST, opt);
    return -1;
  }
  list[(*n)++] = v;
  return 0;
}

/* ---- output: a FILE * behind the sink ----------------------------------- */

struct out {
  FILE *f;
  int err;                  /* errno of the first failed write */
};

static int
out_write(void *ctx, const void *buf, size_t len)
{
  struct out *o = ctx;
  if(fwrite(buf, 1, len, o->f) != len || ferror(o->f)) {
    o->err = errno ? errno : EIO;
    return -1;
  }
  return 0;
}

/* ---- progress, cancel --------------------------------------------------- */

static volatile int g_cancel;
static volatile sig_atomic_t g_sig;

static void
on_signal(int sig)
{
  g_sig = sig;
  g_cancel = 1;
}

static double
mono(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_progress(uint64_t n, void *ctx)
{
  double *t_last = ctx, now = mono();
  if(now - *t_last < 0.25)
    return;
  *t_last = now;
  fprintf(stderr, "\r\033[Ktimeline: %llu lines", (unsigned long long)n);
  fflush(stderr);
}

int
cmd_timeline(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"from", required_argument, NULL, 'F'},
    {"to", required_argument, NULL, 'T'},
    {"division", required_argument, NULL, 'D'},
    {"evidence", required_argument, NULL, 'E'},
    {"path", required_argument, NULL, 'P'},
    {"source", required_argument, NULL, 'S'},
    {"deleted", no_argument, NULL, 'd'},
    {"allocated", no_argument, NULL, 'a'},
    {"tz", required_argument, NULL, 'z'},
    {"fractional", no_argument, NULL, 'r'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *division[MAX_LIST], *evidence[MAX_LIST], *source[MAX_LIST];
  struct tl_filter f;
  struct tl_timeline_opts o;
  struct tl_timeline_result res;
  struct tl_sink sink;
  struct out out = {NULL, 0};
  struct tl_output dest = {NULL, NULL, NULL};
  struct sigaction sa;
  const char *from = NULL, *to = NULL, *output = NULL, *err = NULL;
  const char *tz = "UTC", *case_path;
  char *sources = NULL;
  int ch, quiet = 0, rc = 0, alloc = -1;
  double t_last;
  tl_case *c = NULL;
  tl_rc r;

  memset(&f, 0, sizeof(f));
  memset(&o, 0, sizeof(o));
  memset(&res, 0, sizeof(res));
  f.struct_size = sizeof(f);
  f.division = division;
  f.evidence = evidence;
  f.source = source;
  o.struct_size = sizeof(o);
  o.format = TL_TIMELINE_CSV;
  res.struct_size = sizeof(res);
  optind = 1;
  while((ch = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'f':
      if(parse_format(optarg, &o.format)) {
        fprintf(stderr, "touchline timeline: unknown format '%s' (bodyfile, "
                "csv, jsonl, l2tcsv, tln)\n", optarg);
        goto usage;
      }
      break;
    case 'o': output = optarg; break;
    case 'F': from = optarg; break;
    case 'T': to = optarg; break;
    case 'D':
      if(add_list(division, &f.n_division, optarg, "--division"))
        goto usage;
      break;
    case 'E':
      if(add_list(evidence, &f.n_evidence, optarg, "--evidence"))
        goto usage;
      break;
    case 'P':
      if(f.path_glob) {
        fprintf(stderr, "touchline timeline: one --path only\n");
        goto usage;
      }
      f.path_glob = optarg;
      break;
    case 'S': {
      /* comma-separated lists accumulate; kept in one buffer */
      size_t l = sources ? strlen(sources) : 0;
      char *ns = realloc(sources, l + strlen(optarg) + 2);
      if(!ns) {
        free(sources);
        return 1;
      }
      sources = ns;
      if(l)
        sources[l++] = ',';
      strcpy(sources + l, optarg);  /* checksrc: allow strcpy (sized) */
      break;
    }
    case 'd':
      alloc = alloc == TL_ALLOC_ALLOCATED ? -2 : TL_ALLOC_DELETED;
      break;
    case 'a':
      alloc = alloc == TL_ALLOC_DELETED ? -2 : TL_ALLOC_ALLOCATED;
      break;
    case 'z': tz = optarg; break;
    case 'r': o.fractional = 1; break;
    case 'q': quiet = 1; break;
    case 'h': usage_timeline(stdout); free(sources); return 0;
    default: usage_timeline(stderr); free(sources); return 2;
    }
  }
  if(argc - optind != 1) {
    fprintf(stderr, "touchline timeline: need exactly one CASE.db\n");
    usage_timeline(stderr);
    goto usage;
  }
  if(alloc == -2) {
    fprintf(stderr, "touchline timeline: --deleted and --allocated "
            "exclude each other\n");
    goto usage;
  }
  f.alloc = alloc < 0 ? TL_ALLOC_ANY : alloc;
  if(o.fractional && o.format != TL_TIMELINE_BODYFILE) {
    fprintf(stderr, "touchline timeline: --fractional is for --format "
            "bodyfile\n");
    goto usage;
  }
  case_path = argv[optind];
  if(sources) {
    char *save = NULL, *t;
    for(t = strtok_r(sources, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if(!*t)
        continue;
      if(add_list(source, &f.n_source, t, "sources"))
        goto usage;
    }
  }
  /* zone: text times are rendered in it; --from/--to without an offset
  ** are read in it */
  if(tl_tool_window("timeline", tz, from, to, &f.from_ns, &f.to_ns))
    goto usage;
  o.tz = tz;
  f.has_from = from != NULL;
  f.has_to = to != NULL;

  if(!tl_case_is_uri(case_path) && access(case_path, R_OK)) {
    fprintf(stderr, "touchline: %s: %s\n", case_path, strerror(errno));
    rc = 1;
    goto done;
  }
  if((r = tl_case_open(case_path, TL_OPEN_READONLY, &c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    rc = 1;
    goto done;
  }
  /* -o FILE: a temporary file beside FILE, renamed over it only when the
  ** export succeeds (output.c); a refused run leaves FILE as it was */
  if(!(out.f = tl_output_open(&dest, output))) {
    fprintf(stderr, "touchline: %s: %s\n", output, strerror(errno));
    rc = 1;
    goto done;
  }
  setvbuf(out.f, NULL, _IOFBF, 1 << 16);
  sink.struct_size = sizeof(sink);
  sink.write = out_write;
  sink.ctx = &out;

  /* a reader that goes away (| head) ends the export, quietly */
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  o.cancel = &g_cancel;
  if(!quiet && isatty(STDERR_FILENO) && (output || !isatty(STDOUT_FILENO))) {
    t_last = mono();
    o.progress = on_progress;
    o.progress_ctx = &t_last;
  }

  r = tl_timeline_export(c, &f, &o, &sink, &res);
  if(o.progress) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  if(out.err || r)
    tl_output_abort(&dest);
  else if(tl_output_commit(&dest))
    out.err = errno ? errno : EIO;
  if(out.err == EPIPE)
    rc = 0;
  else if(out.err) {
    fprintf(stderr, "touchline timeline: writing %s: %s\n",
            output ? output : "standard output", strerror(out.err));
    rc = 1;
  }
  else if(r == TL_INTERRUPTED)
    rc = 128 + (int)g_sig;
  else if(r) {
    fprintf(stderr, "touchline timeline: %s\n", tl_case_errmsg(c));
    rc = r == TL_USAGE ? 2 : 1;
  }
  else if(res.n_clamped && o.format == TL_TIMELINE_BODYFILE)
    /* not silent: a body file has no field for the mark */
    fprintf(stderr, "touchline timeline: %llu clamped time(s) in the body "
            "file show as 1677-09-21 or 2262-04-11, unmarked (csv, "
            "jsonl, l2tcsv and tln mark them)\n",
            (unsigned long long)res.n_clamped);
  goto done;

usage:
  rc = 2;
done:
  tl_case_close(c);
  free(sources);
  return rc;
}
