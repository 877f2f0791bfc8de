/*
** `touchline targets` and `touchline divisions`: the target register and
** the division map.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <touchline/touchline.h>

#include "tool.h"

static void
on_row_error(const char *file, long line, const char *msg, void *ctx)
{
  (void)ctx;
  fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
}

static void
on_coverage(const char *msg, void *ctx)
{
  fprintf(stderr, "touchline: %s: warning: %s\n", (const char *)ctx, msg);
}

/* After the register or the evidence changed: one warning line per cause
** of targets that match nothing (a silent miss is the worst error). */
void
tl_tool_coverage(tl_case *c, const char *what)
{
  if(tl_targets_coverage(c, on_coverage, (void *)what))
    fprintf(stderr, "touchline: coverage: %s\n", tl_case_errmsg(c));
}

/* While an ingest holds the case's write lock: who, and how long more. */
static void
on_wait(const char *msg, void *ctx)
{
  (void)ctx;
  fprintf(stderr, "touchline: %s\n", msg);
}

/* Open an existing case; 0 on success, else the exit status. */
static int
open_existing(const char *path, tl_case **c, unsigned flags)
{
  const char *err = NULL;
  tl_rc rc;
  if((rc = tl_case_open(path, flags, c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    return 1;
  }
  tl_tool_note_upgrade(*c, path);
  return 0;
}

static void
usage_targets(FILE *o)
{
  fputs(
    "usage: touchline targets CASE.db import FILE.csv [--append] "
    "[--skip-bad] [--wait SECONDS]\n"
    "       touchline targets CASE.db list\n"
    "       touchline targets CASE.db stats\n"
    "       touchline targets CASE.db match\n"
    "       touchline targets CASE.db sitemap import FILE.csv [--append] "
    "[--skip-bad]\n"
    "                [--wait SECONDS]\n"
    "\n"
    "The register of targeted files. import reads a CSV file whose header\n"
    "names its columns: path, name, size, md5, sha1, sha256, partner,\n"
    "classification, division, evidence, scope, note. A row needs a path\n"
    "(or a glob with *, ?, **), a name or a hash. division names the\n"
    "division that owns the file; evidence and scope (a label or a\n"
    "division) restrict where it matches. Importing replaces the\n"
    "register unless --append; a malformed row is reported with its line\n"
    "number and nothing is imported unless --skip-bad. The register is\n"
    "matched against every object in the case at once, and again whenever\n"
    "evidence is ingested (match re-runs it by hand); targets that match\n"
    "nothing are counted per cause on stderr, and stats shows the causes\n"
    "per partner. While an ingest writes the case, import waits for it,\n"
    "saying who it is: --wait SECONDS (default 600; 0: do not wait, -1: for\n"
    "ever). sitemap import reads site_url,unc_prefix rows: a SharePoint\n"
    "site or library and the file share it holds the files of, so that\n"
    "files the Microsoft 365 audit log names by URL match targets by their\n"
    "path on the share (docs/TARGETS.md, \"Cloud files\"). docs/TARGETS.md.\n",
    o);
}

static int
import_common(int argc, char **argv, int divisions)
{
  static const struct option lo[] = {
    {"append", no_argument, NULL, 'a'},
    {"skip-bad", no_argument, NULL, 's'},
    {"wait", required_argument, NULL, 'W'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_import_opts o;
  struct tl_import_result r;
  tl_case *c;
  int ch, st;
  char *end;
  tl_rc rc;

  memset(&o, 0, sizeof(o));
  memset(&r, 0, sizeof(r));
  o.struct_size = sizeof(o);
  r.struct_size = sizeof(r);
  o.on_error = on_row_error;
  o.wait_s = 600;
  o.on_wait = on_wait;
  optind = 1;
  while((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    if(ch == 'a')
      o.append = 1;
    else if(ch == 's')
      o.skip_bad = 1;
    else if(ch == 'W') {
      errno = 0;
      o.wait_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || errno || o.wait_s < -1) {
        fprintf(stderr, "touchline %s: --wait takes seconds (a whole "
                "number, -1 for ever)\n", divisions == 1 ? "divisions" :
                "targets");
        return 2;
      }
    }
    else {
      usage_targets(ch == 'h' ? stdout : stderr);
      return ch == 'h' ? 0 : 2;
    }
  }
  if(argc - optind != 3) {
    usage_targets(stderr);
    return 2;
  }
  if(access(argv[optind + 2], R_OK)) {
    fprintf(stderr, "touchline: %s: %s\n", argv[optind + 2],
            strerror(errno));
    return 1;
  }
  if((st = open_existing(argv[optind], &c, TL_OPEN_READWRITE)))
    return st;
  rc = divisions == 2 ? tl_sitemap_import(c, argv[optind + 2], &o, &r) :
       divisions ? tl_divisions_import(c, argv[optind + 2], &o, &r) :
       tl_targets_import(c, argv[optind + 2], &o, &r);
  if(!rc && r.n_unhashed)
    fprintf(stderr, "touchline: %s: warning: %s\n", argv[1],
            tl_case_note(c));
  if(rc)
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  else if(divisions == 2)
    fprintf(stderr, "touchline: %s: %llu site(s) mapped%s%llu skipped; "
            "the audit log's files under them match targets on their "
            "shares in `touchline exposure`\n", argv[optind + 2],
            (unsigned long long)r.n_imported, o.append ? " (appended), " :
            ", ", (unsigned long long)r.n_bad);
  else
    fprintf(stderr, "touchline: %s: %llu row(s) imported%s%llu skipped; "
            "%llu target occurrence(s) in the case, %llu file(s) hashed\n",
            argv[optind + 2], (unsigned long long)r.n_imported,
            o.append ? " (appended), " : ", ",
            (unsigned long long)r.n_bad, (unsigned long long)r.n_matches,
            (unsigned long long)r.n_hashed);
  if(!rc && divisions != 2)
    tl_tool_coverage(c, argv[optind + 2]);
  tl_case_close(c);
  return rc ? 1 : 0;
}

int
cmd_targets(int argc, char **argv)
{
  tl_case *c;
  int st;
  tl_rc rc;
  if(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    usage_targets(stdout);
    return 0;
  }
  if(argc < 3) {
    usage_targets(stderr);
    return 2;
  }
  if(!strcmp(argv[2], "import"))
    return import_common(argc, argv, 0);
  if(!strcmp(argv[2], "sitemap")) {
    /* targets CASE sitemap import FILE [options]: as an import, without
    ** the word sitemap */
    char **nv;
    int i, st2;
    if(argc < 4 || strcmp(argv[3], "import")) {
      fprintf(stderr, "touchline targets: sitemap takes one action, "
              "import\n");
      usage_targets(stderr);
      return 2;
    }
    if(!(nv = calloc((size_t)argc, sizeof(*nv)))) {
      fprintf(stderr, "touchline: out of memory\n");
      return 1;
    }
    nv[0] = argv[0];
    nv[1] = argv[1];
    for(i = 3; i < argc; i++)
      nv[i - 1] = argv[i];
    st2 = import_common(argc - 1, nv, 2);
    free(nv);
    return st2;
  }
  if(strcmp(argv[2], "list") && strcmp(argv[2], "stats") &&
     strcmp(argv[2], "match")) {
    fprintf(stderr, "touchline targets: unknown action '%s'\n", argv[2]);
    usage_targets(stderr);
    return 2;
  }
  /* list and stats only read */
  if((st = open_existing(argv[1], &c, strcmp(argv[2], "match") ?
                         TL_OPEN_READONLY : TL_OPEN_READWRITE)))
    return st;
  if(!strcmp(argv[2], "list") || !strcmp(argv[2], "stats")) {
    struct tl_sink out;
    tl_sink_stdio(&out, stdout);
    rc = argv[2][0] == 'l' ? tl_targets_list(c, &out) :
         tl_targets_stats(c, &out);
    if(!rc && fflush(stdout)) {
      fprintf(stderr, "touchline: standard output: %s\n", strerror(errno));
      tl_case_close(c);
      return 1;
    }
  }
  else {
    struct tl_import_result r;
    memset(&r, 0, sizeof(r));
    r.struct_size = sizeof(r);
    rc = tl_case_match(c, &r);
    if(!rc)
      printf("%llu target occurrence(s), %llu file(s) hashed\n",
             (unsigned long long)r.n_matches,
             (unsigned long long)r.n_hashed);
    if(!rc && r.n_unhashed)
      fprintf(stderr, "touchline: %s: warning: %s\n", argv[1],
              tl_case_note(c));
  }
  if(rc)
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  tl_case_close(c);
  return rc ? 1 : 0;
}

int
cmd_divisions(int argc, char **argv)
{
  if(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    fputs("usage: touchline divisions CASE.db import FILE.csv [--append] "
          "[--skip-bad]\n                 [--wait SECONDS]\n\nMap path "
          "prefixes inside evidence items to divisions (one file server\n"
          "holds the shares of many divisions). Columns: evidence (the "
          "label),\npath_prefix, division. The longest matching prefix "
          "wins; elsewhere the\nitem's --division applies. While an ingest "
          "writes the case, import waits\nfor it, saying who it is: --wait "
          "SECONDS (default 600; 0: do not wait,\n-1: for ever).\n",
          stdout);
    return 0;
  }
  if(argc < 3 || strcmp(argv[2], "import")) {
    fputs("usage: touchline divisions CASE.db import FILE.csv\n", stderr);
    return 2;
  }
  return import_common(argc, argv, 1);
}

