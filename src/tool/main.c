/*
** touchline: the command-line tool. Uses only the public API in
** include/touchline/ (the library does the work; this file parses
** arguments, draws progress and turns results into exit codes).
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <touchline/touchline.h>

#include "tool.h"

static volatile sig_atomic_t g_cancel_sig;
static volatile int g_cancel;

static void
on_signal(int sig)
{
  g_cancel_sig = sig;
  g_cancel = 1;
}

static void
usage_main(FILE *o)
{
  fputs(
    "usage: touchline COMMAND [ARGS]\n"
    "\n"
    "Build one SQLite case database from evidence disk images: every volume,\n"
    "file system and file-system object, with lossless timestamps and\n"
    "provenance.\n"
    "\n"
    "commands:\n"
    "  ingest CASE.db IMAGE...   add an evidence item (raw, split, E01, VMDK,\n"
    "                            VHD) to the case\n"
    "  info CASE.db [--json]     what the case holds\n"
    "  upgrade CASE.db           migrate an older case to this version\n"
    "  timeline CASE.db [...]    export events: bodyfile, csv, jsonl,\n"
    "                            l2tcsv, tln\n"
    "  targets CASE.db import F  the register of targeted files (CSV)\n"
    "  divisions CASE.db import F  which division a path belongs to\n"
    "  exposure CASE.db --from T --to T [--format html -o report.html]\n"
    "                            who must be told what: verdict per target\n"
    "  anomalies CASE.db [--from T --to T]\n"
    "                            timestomping indicators on every file\n"
    "  artifacts CASE.db add FILE... (--evidence L | --label L)\n"
    "                            parse artifact files into the case\n"
    "  plugins                   the artifact parsers and what they claim\n"
    "  case copy SRC DST         a whole case between SQLite and PostgreSQL\n"
    "  queue URI add|status      the work queue of a PostgreSQL case\n"
    "  worker URI [-j N]         ingest queued items into it\n"
    "  help [COMMAND]            this text, or a command's\n"
    "\n"
    "`touchline COMMAND --help` explains a command; man touchline(1).\n",
    o);
}

static void
usage_ingest(FILE *o)
{
  fputs(
    "usage: touchline ingest CASE.db IMAGE [IMAGE...] [options]\n"
    "       touchline ingest CASE.db --manifest FILE [-j N] [options]\n"
    "\n"
    "Add one evidence item to the case (created when absent). Give the first\n"
    "segment of a split raw (.001, .000, .aa) or EWF (.E01) set; the rest\n"
    "are found. The item is stored atomically: on error or Ctrl-C nothing of\n"
    "it is kept and the case is as before. CASE.db may be a postgresql://\n"
    "URI (one image per run; docs/POSTGRESQL.md, \"Ingest\").\n"
    "\n"
    "options:\n"
    "  -l, --label LABEL      evidence label (default: image name without\n"
    "                         extension); unique in the case\n"
    "  -d, --division NAME    division the evidence belongs to\n"
    "      --fat-tz ZONE      zone FAT local times were written in (default\n"
    "                         UTC), e.g. Europe/Berlin\n"
    "      --no-hash          do not compute MD5/SHA-256 of the media\n"
    "      --replace          replace an item with the same label, path or\n"
    "                         media hash instead of refusing\n"
    "      --wait SECONDS     while another run writes the case, wait this\n"
    "                         long for it (default 600; 0: do not wait,\n"
    "                         -1: forever); who holds it is shown\n"
    "      --plugin FILE      load this artifact parser too (repeatable);\n"
    "                         the files parsers claim are parsed during the\n"
    "                         walk (docs/PLUGIN-ABI.md)\n"
    "      --no-plugins       no artifact parsers: not the built-in ones,\n"
    "                         the plugin folder's or TOUCHLINE_PLUGIN_PATH's\n"
    "                         (only the --plugin files given)\n"
    "  -q, --quiet            no progress on stderr\n"
    "  -m, --manifest FILE    many items at once, N walkers in parallel\n"
    "                         (`touchline ingest --manifest F --help`)\n"
    "  -h, --help             this text\n"
    "\n"
    "Every attempt is recorded as a run (complete, failed or interrupted;\n"
    "`info` lists the ones that did not complete).\n"
    "\n"
    "exit status: 0 ingested (warnings are listed by `info`), 1 error,\n"
    "2 usage, 3 already in the case, 130 interrupted\n",
    o);
}

static void
usage_info(FILE *o)
{
  fputs(
    "usage: touchline info CASE.db [--json]\n"
    "\n"
    "Describe the case: each evidence item with division, label, image\n"
    "files, hashes and verification state, acquisition metadata, volumes,\n"
    "file systems, object and event counts, time range, warnings and the\n"
    "run that ingested it, and the runs that failed or were interrupted.\n"
    "Reads only: the case file is never written, an older case is not\n"
    "upgraded (see `touchline upgrade`).\n",
    o);
}

static void
usage_upgrade(FILE *o)
{
  fputs(
    "usage: touchline upgrade CASE.db\n"
    "\n"
    "Migrate a case written by an older touchline to this version's\n"
    "schema. Writing commands (ingest, targets, divisions) do it too;\n"
    "readers (info, timeline, exposure, anomalies) never change a case.\n"
    "CASE.db may be a postgresql:// URI: PostgreSQL cases are made at\n"
    "this version; upgrade makes the case's functions of this version\n"
    "when absent (as the case's owner; docs/POSTGRESQL.md, \"Upgrade\").\n",
    o);
}

/* A writing command upgraded an older case: say so. */
void
tl_tool_note_upgrade(tl_case *c, const char *path)
{
  int v = tl_case_upgraded_from(c);
  if(v)
    fprintf(stderr, "touchline: %s: upgraded the case from schema version "
            "%d to %d\n", path, v, TL_SCHEMA_VERSION);
}

static void
on_wait(const char *msg, void *ctx)
{
  (void)ctx;
  fprintf(stderr, "touchline: %s\n", msg);
}

static int
exit_code(tl_rc rc)
{
  switch(rc) {
  case TL_OK: return 0;
  case TL_USAGE: return 2;
  case TL_EXISTS: return 3;
  case TL_INTERRUPTED: return 130;
  default: return 1;
  }
}

static char *
join_argv(int argc, char **argv)
{
  size_t n = 1;
  int i;
  char *s;
  for(i = 0; i < argc; i++)
    n += strlen(argv[i]) + 1;
  if(!(s = malloc(n)))
    return NULL;
  s[0] = '\0';
  for(i = 0; i < argc; i++) {
    if(i)
      strcat(s, " "); /* checksrc: allow strcat (sized above) */
    strcat(s, argv[i]);
  }
  return s;
}

static int
cmd_ingest(int argc, char **argv, int full_argc, char **full_argv)
{
  static const struct option longopts[] = {
    {"label", required_argument, NULL, 'l'},
    {"division", required_argument, NULL, 'd'},
    {"fat-tz", required_argument, NULL, 'z'},
    {"no-hash", no_argument, NULL, 'H'},
    {"replace", no_argument, NULL, 'R'},
    {"wait", required_argument, NULL, 'W'},
    {"quiet", no_argument, NULL, 'q'},
    {"plugin", required_argument, NULL, 'P'},
    {"no-plugins", no_argument, NULL, 'N'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *plugin_files[64];
  struct tl_plugin_opts po;
  struct tl_ingest_opts o;
  struct tl_ingest_result res;
  struct tl_progress_view pv;
  struct sigaction sa;
  tl_case *c = NULL;
  const char *err = NULL, *case_path;
  char *cmdline;
  int ch, quiet = 0, i;
  char *end;
  tl_rc rc;

  /* recorded as typed, before getopt permutes argv */
  cmdline = join_argv(full_argc, full_argv);
  if(tl_argv_has_manifest(argc, argv)) {   /* cmd_ingest_manifest.c */
    int st = cmd_ingest_manifest(argc, argv, cmdline);
    free(cmdline);
    return st;
  }
  memset(&o, 0, sizeof(o));
  memset(&res, 0, sizeof(res));
  memset(&po, 0, sizeof(po));
  po.struct_size = sizeof(po);
  po.plugins = plugin_files;
  o.plugins = &po;
  o.struct_size = sizeof(o);
  res.struct_size = sizeof(res);
  o.fat_tz = "UTC";
  o.wait_s = 600;
  o.on_wait = on_wait;
  optind = 1;
  while((ch = getopt_long(argc, argv, "l:d:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'l': o.label = optarg; break;
    case 'd': o.division = optarg; break;
    case 'z': o.fat_tz = optarg; break;
    case 'H': o.no_hash = 1; break;
    case 'R': o.replace = 1; break;
    case 'W':
      o.wait_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || o.wait_s < -1) {
        fprintf(stderr, "touchline ingest: --wait takes seconds (a whole "
                "number, -1 for ever)\n");
        free(cmdline);
        return 2;
      }
      break;
    case 'q': quiet = 1; break;
    case 'P':
      if(po.n_plugins == 64) {
        fprintf(stderr, "touchline ingest: at most 64 --plugin\n");
        free(cmdline);
        return 2;
      }
      plugin_files[po.n_plugins++] = optarg;
      break;
    case 'N': po.no_plugins = 1; break;
    case 'h': usage_ingest(stdout); free(cmdline); return 0;
    default: usage_ingest(stderr); free(cmdline); return 2;
    }
  }
  if(argc - optind < 2) {
    fprintf(stderr, "touchline ingest: need CASE.db and at least one "
            "IMAGE\n");
    usage_ingest(stderr);
    free(cmdline);
    return 2;
  }
  if(o.label && !o.label[0]) {
    fprintf(stderr, "touchline ingest: --label must not be empty\n");
    free(cmdline);
    return 2;
  }
  if(o.division && !o.division[0]) {
    fprintf(stderr, "touchline ingest: --division must not be empty\n");
    free(cmdline);
    return 2;
  }
  {
    /* an unknown zone would be read as UTC without a word */
    const char *why = NULL;
    int64_t t;
    if(tl_parse_time_zone("1970-01-01", o.fat_tz, &t, &why)) {
      fprintf(stderr, "touchline ingest: --fat-tz %s\n", why);
      free(cmdline);
      return 2;
    }
  }
  if((o.label && !tl_utf8_valid(o.label)) ||
     (o.division && !tl_utf8_valid(o.division))) {
    fprintf(stderr, "touchline ingest: --%s is not valid UTF-8\n",
            o.label && !tl_utf8_valid(o.label) ? "label" : "division");
    free(cmdline);
    return 2;
  }
  case_path = argv[optind];
  /* Check the evidence before touching the case, so that a bad path
  ** leaves no trace, not even a new empty case file. */
  for(i = optind + 1; i < argc; i++) {
    struct stat sb;
    const char *why = NULL;
    if(stat(argv[i], &sb))
      why = strerror(errno);
    else if(S_ISDIR(sb.st_mode))
      why = "is a directory, not an evidence image";
    else if(S_ISREG(sb.st_mode) && sb.st_size == 0)
      why = "empty file (0 bytes)";
    else if(access(argv[i], R_OK))
      why = strerror(errno);
    if(why) {
      fprintf(stderr, "touchline: %s: %s\n", argv[i], why);
      free(cmdline);
      return 1;
    }
  }
  if(tl_case_is_uri(case_path)) {       /* cmd_case.c */
    int st = tl_tool_pg_ingest(case_path, argc - optind - 1,
                               argv + optind + 1, &o, full_argc, full_argv,
                               quiet);
    free(cmdline);
    return st;
  }
  /* the handlers first: a new case's first item is built in a private file
  ** from the open on, and a Ctrl-C must end it through the library */
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  if((rc = tl_case_open(case_path, TL_OPEN_CREATE | TL_OPEN_BULK, &c,
                        &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    free(cmdline);
    return exit_code(rc);
  }
  tl_tool_note_upgrade(c, case_path);
  if(tl_case_note(c)[0])        /* private files left by killed ingests */
    fprintf(stderr, "touchline: %s: note: %s\n", case_path, tl_case_note(c));
  o.command_line = cmdline;
  if(!quiet && isatty(STDERR_FILENO)) {
    tl_progress_init(&pv, stderr);
    o.progress = tl_progress_draw;
    o.progress_ctx = &pv;
  }
  o.cancel = &g_cancel;

  rc = tl_case_ingest(c, argc - optind - 1,
                      (const char *const *)argv + optind + 1, &o, &res);
  if(o.progress)
    tl_progress_clear(&pv);
  if(rc) {
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  }
  else if(res.n_unhashed)       /* a warning: said even with -q */
    fprintf(stderr, "touchline: %s: warning: %s\n", argv[optind + 1],
            tl_case_note(c));
  if(!rc && !quiet) {
    fprintf(stderr, "touchline: %s: evidence %lld: %llu objects, %llu "
            "events, %llu volume(s), %llu file system(s), verification: %s"
            "%s\n", argv[optind + 1], (long long)res.evidence_id,
            (unsigned long long)res.n_objects,
            (unsigned long long)res.n_events,
            (unsigned long long)res.n_volumes,
            (unsigned long long)res.n_filesystems, res.verification,
            res.n_warnings ? " (warnings: see `touchline info`)" : "");
    if(res.n_files_found)
      fprintf(stderr, "touchline: %s: %u image files: %u more segment "
              "file(s) of the set found next to it (`touchline info` "
              "lists them)\n", argv[optind + 1], (unsigned)res.n_files,
              (unsigned)res.n_files_found);
  }
  if(!rc)
    tl_tool_coverage(c, case_path);
  /* A failed ingest into a new case leaves the case, with the failed run:
  ** another process may have opened it meanwhile, and nothing that this
  ** process did not create alone is ever deleted. */
  tl_case_close(c);
  free(cmdline);
  if(rc == TL_INTERRUPTED && g_cancel_sig) {
    signal((int)g_cancel_sig, SIG_DFL);
    return 128 + (int)g_cancel_sig;
  }
  return exit_code(rc);
}

static int
cmd_info(int argc, char **argv)
{
  tl_case *c = NULL;
  const char *err = NULL, *path = NULL;
  int json = 0, i;
  tl_rc rc;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--json"))
      json = 1;
    else if(!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage_info(stdout);
      return 0;
    }
    else if(argv[i][0] == '-' || path) {
      usage_info(stderr);
      return 2;
    }
    else
      path = argv[i];
  }
  if(!path) {
    usage_info(stderr);
    return 2;
  }
  if((rc = tl_case_open(path, TL_OPEN_READONLY, &c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    return exit_code(rc) == 2 ? 1 : exit_code(rc);
  }
  {
    struct tl_sink out;
    tl_sink_stdio(&out, stdout);
    rc = tl_case_info(c, &out, json);
    if(fflush(stdout) && !rc) {
      fprintf(stderr, "touchline: standard output: %s\n", strerror(errno));
      tl_case_close(c);
      return 1;
    }
  }
  if(rc)
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  tl_case_close(c);
  return exit_code(rc);
}

static int
cmd_upgrade(int argc, char **argv)
{
  tl_case *c = NULL;
  const char *err = NULL;
  tl_rc rc;
  if(argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    usage_upgrade(stdout);
    return 0;
  }
  if(argc != 2 || argv[1][0] == '-') {
    usage_upgrade(stderr);
    return 2;
  }
  if(tl_case_is_uri(argv[1])) {
    /* a PostgreSQL case: made at this version, no migration applies yet;
    ** the case's functions of this version made when absent */
    char red[700];
    int from = 0;
    tl_case_redact_uri(argv[1], red, sizeof(red));
    if((rc = tl_pg_upgrade(argv[1], &from, &err))) {
      fprintf(stderr, "touchline: %s\n", err);
      return 1;
    }
    if(from)
      fprintf(stderr, "touchline: %s: upgraded the case from schema version "
              "%d to %d\n", red, from, TL_SCHEMA_VERSION);
    else
      fprintf(stderr, "touchline: %s: already at schema version %d\n", red,
              TL_SCHEMA_VERSION);
    return 0;
  }
  if((rc = tl_case_open(argv[1], TL_OPEN_READWRITE, &c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    return exit_code(rc) == 2 ? 1 : exit_code(rc);
  }
  if(tl_case_upgraded_from(c))
    tl_tool_note_upgrade(c, argv[1]);
  else
    fprintf(stderr, "touchline: %s: already at schema version %d\n",
            argv[1], TL_SCHEMA_VERSION);
  tl_case_close(c);
  return 0;
}

int
main(int argc, char **argv)
{
  const char *cmd;
  if(argc < 2) {
    usage_main(stderr);
    return 2;
  }
  cmd = argv[1];
  if(!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
     (!strcmp(cmd, "help") && argc == 2)) {
    usage_main(stdout);
    return 0;
  }
  if(!strcmp(cmd, "help")) {
    if(!strcmp(argv[2], "ingest"))
      usage_ingest(stdout);
    else if(!strcmp(argv[2], "info"))
      usage_info(stdout);
    else if(!strcmp(argv[2], "upgrade"))
      usage_upgrade(stdout);
    else if(!strcmp(argv[2], "case"))
      tl_usage_case(stdout);
    else if(!strcmp(argv[2], "queue") || !strcmp(argv[2], "worker"))
      tl_usage_queue(stdout);
    else if(!strcmp(argv[2], "timeline") || !strcmp(argv[2], "targets") ||
            !strcmp(argv[2], "divisions") || !strcmp(argv[2], "exposure") ||
            !strcmp(argv[2], "anomalies") || !strcmp(argv[2], "artifacts") ||
            !strcmp(argv[2], "plugins")) {
      char *sub[3];
      sub[0] = argv[2];
      sub[1] = (char *)"--help";
      sub[2] = NULL;
      return !strcmp(argv[2], "timeline") ? cmd_timeline(2, sub) :
             !strcmp(argv[2], "targets") ? cmd_targets(2, sub) :
             !strcmp(argv[2], "divisions") ? cmd_divisions(2, sub) :
             !strcmp(argv[2], "anomalies") ? cmd_anomalies(2, sub) :
             !strcmp(argv[2], "artifacts") ? cmd_artifacts(2, sub) :
             !strcmp(argv[2], "plugins") ? cmd_plugins(2, sub) :
             cmd_exposure(2, sub);
    }
    else {
      usage_main(stderr);
      return 2;
    }
    return 0;
  }
  if(!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("touchline %s\n", TL_VERSION);
    return 0;
  }
  /* a PostgreSQL case: info, timeline, exposure and anomalies open a
  ** postgresql:// URI like a path (the library reads the server:
  ** store/pgread.c, docs/POSTGRESQL.md "What runs where") */
  /* the register on a PostgreSQL case: the SQLite command on a local
  ** copy of what it reads, stored back (cmd_pgwrite.c) */
  if(!strcmp(cmd, "targets") || !strcmp(cmd, "divisions")) {
    int st = tl_tool_pg_register(argc - 1, argv + 1, !strcmp(cmd, "targets")
                                 ? cmd_targets : cmd_divisions);
    if(st >= 0)
      return st;
  }
  if(!strcmp(cmd, "ingest"))
    return cmd_ingest(argc - 1, argv + 1, argc, argv);
  if(!strcmp(cmd, "info"))
    return cmd_info(argc - 1, argv + 1);
  if(!strcmp(cmd, "upgrade"))
    return cmd_upgrade(argc - 1, argv + 1);
  if(!strcmp(cmd, "timeline"))
    return cmd_timeline(argc - 1, argv + 1);
  if(!strcmp(cmd, "targets"))
    return cmd_targets(argc - 1, argv + 1);
  if(!strcmp(cmd, "divisions"))
    return cmd_divisions(argc - 1, argv + 1);
  if(!strcmp(cmd, "exposure"))
    return cmd_exposure(argc - 1, argv + 1);
  if(!strcmp(cmd, "anomalies"))
    return cmd_anomalies(argc - 1, argv + 1);
  if(!strcmp(cmd, "artifacts"))
    return cmd_artifacts(argc - 1, argv + 1);
  if(!strcmp(cmd, "plugins"))
    return cmd_plugins(argc - 1, argv + 1);
  if(!strcmp(cmd, "case"))                 /* cmd_case.c */
    return cmd_case(argc - 1, argv + 1);
  if(!strcmp(cmd, "queue"))
    return cmd_queue(argc - 1, argv + 1);
  if(!strcmp(cmd, "worker"))
    return cmd_worker(argc - 1, argv + 1, argc, argv);
  fprintf(stderr, "touchline: unknown command '%s'\n", cmd);
  usage_main(stderr);
  return 2;
}
