/*
** `touchline artifacts CASE add FILE...` (artifact files collected outside
** an image) and `touchline plugins` (the parsers this touchline has).
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/touchline.h>

#include "tool.h"

static void
usage_artifacts(FILE *o)
{
  fputs(
    "usage: touchline artifacts CASE.db add FILE... (--evidence LABEL |\n"
    "           --label LABEL [--division NAME]) [--parser NAME]\n"
    "           [--plugin FILE]... [--wait SECONDS]\n"
    "\n"
    "Parse artifact files collected outside an image (a $UsnJrnl:$J, $I\n"
    "files, LNK files, jump lists) into the case. --evidence attaches them\n"
    "to an evidence item: the files and paths they name resolve against it\n"
    "(MFT references, drive-letter paths; \\\\HOST\\share paths against the\n"
    "item labelled HOST); what does not resolve is kept with its path as\n"
    "written. --label makes a new item holding only artifacts (and the case\n"
    "when there is none). The parser\n"
    "is --parser NAME, else the one whose claims (names, globs) fit the\n"
    "file name, else the one that recognises the content; `touchline\n"
    "plugins` lists them. Every file is checked before anything is\n"
    "written. A parser that fails on one file loses that file's events\n"
    "only: it is said here, counted in the run row and in `info`.\n"
    "CASE.db may be a postgresql:// URI (an examiner's role;\n"
    "docs/POSTGRESQL.md, \"Artifacts\").\n"
    "\n"
    "exit status: 0 all parsed, 1 error (nothing written), 2 usage,\n"
    "3 --label exists, 4 parsed, but records or files were lost\n",
    o);
}

static void
usage_plugins(FILE *o)
{
  fputs(
    "usage: touchline plugins [--plugin FILE]...\n"
    "\n"
    "List the artifact parsers: name, version, plugin ABI, where each\n"
    "comes from (built-in or the shared object), what files it claims, and\n"
    "a description (tab-separated). Plugins load from the install's plugin\n"
    "folder, the folders or files of TOUCHLINE_PLUGIN_PATH (':'-separated)\n"
    "and --plugin FILE; nothing else. docs/PLUGIN-ABI.md.\n",
    o);
}

static void
on_wait(const char *msg, void *ctx)
{
  (void)ctx;
  fprintf(stderr, "touchline: %s\n", msg);
}

static void
on_file(const char *file, const char *parser, const char *status,
        uint64_t n_events, const char *msg, void *ctx)
{
  (void)ctx;
  if(!strcmp(status, "failed"))
    fprintf(stderr, "touchline: %s: %s; none of its events are kept\n",
            file, msg ? msg : "failed");
  else if(msg)
    fprintf(stderr, "touchline: %s: %s: %llu event(s); warning: %s\n",
            file, parser, (unsigned long long)n_events, msg);
  else
    fprintf(stderr, "touchline: %s: %s: %llu event(s)\n", file, parser,
            (unsigned long long)n_events);
}

static int
add_plugin(const char ***list, int *n, const char *file)
{
  const char **nl = realloc(*list, sizeof(*nl) * (size_t)(*n + 1));
  if(!nl)
    return -1;
  nl[(*n)++] = file;
  *list = nl;
  return 0;
}

static char *
join_args(int argc, char **argv)
{
  size_t len = 1;
  int i;
  char *s;
  for(i = 0; i < argc; i++)
    len += strlen(argv[i]) + 1;
  if(!(s = malloc(len)))
    return NULL;
  s[0] = 0;
  for(i = 0; i < argc; i++) {
    if(i)
      strcat(s, " ");
    strcat(s, argv[i]);
  }
  return s;
}

int
cmd_artifacts(int argc, char **argv)
{
  static const struct option lo[] = {
    {"evidence", required_argument, NULL, 'e'},
    {"label", required_argument, NULL, 'l'},
    {"division", required_argument, NULL, 'd'},
    {"parser", required_argument, NULL, 'p'},
    {"plugin", required_argument, NULL, 'P'},
    {"wait", required_argument, NULL, 'W'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_artifacts_opts o;
  struct tl_artifacts_result r;
  struct tl_plugin_opts po;
  const char **plugins = NULL;
  const char *err = NULL;
  char *cmdline = NULL, *end;
  tl_case *c = NULL;
  int ch, n_plugins = 0, st = 1;
  tl_rc rc;

  memset(&o, 0, sizeof(o));
  memset(&r, 0, sizeof(r));
  memset(&po, 0, sizeof(po));
  o.struct_size = sizeof(o);
  r.struct_size = sizeof(r);
  po.struct_size = sizeof(po);
  o.wait_s = 600;
  o.on_wait = on_wait;
  o.on_file = on_file;
  optind = 1;
  while((ch = getopt_long(argc, argv, "he:l:d:", lo, NULL)) != -1) {
    switch(ch) {
    case 'e': o.evidence = optarg; break;
    case 'l': o.label = optarg; break;
    case 'd': o.division = optarg; break;
    case 'p': o.parser = optarg; break;
    case 'P':
      if(add_plugin(&plugins, &n_plugins, optarg)) {
        fprintf(stderr, "touchline: out of memory\n");
        goto out;
      }
      break;
    case 'W':
      errno = 0;
      o.wait_s = (int)strtol(optarg, &end, 10);
      if(*end || !*optarg || errno || o.wait_s < -1) {
        fprintf(stderr, "touchline artifacts: --wait takes seconds (a "
                "whole number, -1 for ever)\n");
        st = 2;
        goto out;
      }
      break;
    case 'h':
      usage_artifacts(stdout);
      st = 0;
      goto out;
    default:
      usage_artifacts(stderr);
      st = 2;
      goto out;
    }
  }
  if(argc - optind < 3 || strcmp(argv[optind + 1], "add")) {
    usage_artifacts(stderr);
    st = 2;
    goto out;
  }
  if(!o.evidence == !o.label || (o.evidence && o.division)) {
    fprintf(stderr, "touchline artifacts: give --evidence LABEL, or --label"
            " LABEL [--division NAME] for a new item\n");
    st = 2;
    goto out;
  }
  po.plugins = plugins;
  po.n_plugins = n_plugins;
  o.plugins = &po;
  o.command_line = cmdline = join_args(argc, argv);
  if(tl_case_is_uri(argv[optind])) {
    /* a PostgreSQL case: the same command on a staging copy of what it
    ** reads, its rows copied into the case (docs/POSTGRESQL.md); the run
    ** row records the URI without its password */
    char red[700], *rl;
    const char *perr = NULL;
    tl_case_redact_uri(argv[optind], red, sizeof(red));
    free(cmdline);
    {
      char *saved = argv[optind];
      argv[optind] = red;
      rl = join_args(argc, argv);
      argv[optind] = saved;
    }
    o.command_line = cmdline = rl;
    rc = tl_pg_artifacts_add(argv[optind], argc - optind - 2,
                             (const char *const *)argv + optind + 2, &o, &r,
                             &perr);
    if(rc != TL_OK && rc != TL_WARN) {
      fprintf(stderr, "touchline: %s\n", perr);
      st = rc == TL_USAGE ? 2 : rc == TL_EXISTS ? 3 : 1;
      goto out;
    }
    goto done;
  }
  /* a new item of artifacts alone may start a new case */
  if((rc = tl_case_open(argv[optind], o.label ? TL_OPEN_CREATE :
                        TL_OPEN_READWRITE, &c, &err))) {
    fprintf(stderr, "touchline: %s\n", err);
    goto out;
  }
  tl_tool_note_upgrade(c, argv[optind]);
  rc = tl_artifacts_add(c, argc - optind - 2,
                        (const char *const *)argv + optind + 2, &o, &r);
  if(rc != TL_OK && rc != TL_WARN) {
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
    st = rc == TL_USAGE ? 2 : rc == TL_EXISTS ? 3 : 1;
    goto out;
  }
done:
  fprintf(stderr, "touchline: %llu file(s), %llu event(s) (%llu naming a "
          "file of the case), %llu corrupt record(s), %llu refused "
          "event(s), %llu file(s) failed\n", (unsigned long long)r.n_files,
          (unsigned long long)r.n_events, (unsigned long long)r.n_resolved,
          (unsigned long long)r.n_corrupt, (unsigned long long)r.n_refused,
          (unsigned long long)r.n_failed);
  st = rc == TL_WARN ? 4 : 0;
out:
  tl_case_close(c);
  free(plugins);
  free(cmdline);
  return st;
}

int
cmd_plugins(int argc, char **argv)
{
  static const struct option lo[] = {
    {"plugin", required_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_plugin_opts po;
  struct tl_sink s;
  const char **plugins = NULL;
  const char *err = NULL;
  int ch, n_plugins = 0, st = 1;

  memset(&po, 0, sizeof(po));
  po.struct_size = sizeof(po);
  optind = 1;
  while((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    if(ch == 'P') {
      if(add_plugin(&plugins, &n_plugins, optarg))
        goto out;
    } else {
      usage_plugins(ch == 'h' ? stdout : stderr);
      st = ch == 'h' ? 0 : 2;
      goto out;
    }
  }
  if(optind != argc) {
    usage_plugins(stderr);
    st = 2;
    goto out;
  }
  po.plugins = plugins;
  po.n_plugins = n_plugins;
  tl_sink_stdio(&s, stdout);
  if(tl_plugins_list(&po, &s, &err)) {
    fprintf(stderr, "touchline: %s\n", err);
    goto out;
  }
  st = fflush(stdout) ? 1 : 0;
out:
  free(plugins);
  return st;
}
