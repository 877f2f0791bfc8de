/*
** `touchline exposure`: the exposure report for a window.
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
usage_exposure(FILE *o)
{
  fputs(
    "usage: touchline exposure CASE.db --from TIME --to TIME\n"
    "                          [--format text|csv|json|html] [-o FILE]\n"
    "                          [--burst-count N] [--burst-window MINUTES]\n"
    "\n"
    "For every target occurrence, a verdict from the evidence inside the\n"
    "window [from, to): copied, deleted, modified, renamed, accessed or\n"
    "none, with first and last touch, the evidence rows and the reasons in\n"
    "words; roll-ups per partner, division and evidence item; bursts of\n"
    "mass access (default: 50 targets within 10 minutes); timestomping\n"
    "indicators. TIME is ISO 8601 (2023-06-05, 2023-06-05T08:00:00Z,\n"
    "...+02:00). docs/EXPOSURE.md.\n", o);
}

int
cmd_exposure(int argc, char **argv)
{
  static const struct option lo[] = {
    {"from", required_argument, NULL, 'f'},
    {"to", required_argument, NULL, 't'},
    {"format", required_argument, NULL, 'F'},
    {"output", required_argument, NULL, 'o'},
    {"burst-count", required_argument, NULL, 'n'},
    {"burst-window", required_argument, NULL, 'w'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_exposure_opts o;
  const char *from = NULL, *to = NULL, *outpath = NULL;
  FILE *out = stdout;
  tl_case *c;
  int ch;
  tl_rc rc;

  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.format = "text";
  optind = 1;
  while((ch = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch(ch) {
    case 'f': from = optarg; break;
    case 't': to = optarg; break;
    case 'F': o.format = optarg; break;
    case 'o': outpath = optarg; break;
    case 'n': o.burst_count = atoi(optarg); break; /* checksrc: allow atoi */
    case 'w': o.burst_window_ns = (int64_t)(atof(optarg) * 60e9); break;
    case 'h': usage_exposure(stdout); return 0;
    default: usage_exposure(stderr); return 2;
    }
  }
  if(argc - optind != 1 || !from || !to) {
    usage_exposure(stderr);
    return 2;
  }
  if(tl_parse_time(from, &o.from_ns) || tl_parse_time(to, &o.to_ns)) {
    fprintf(stderr, "touchline exposure: times are ISO 8601, e.g. "
            "2023-06-05 or 2023-06-05T08:00:00Z\n");
    return 2;
  }
  if(strcmp(o.format, "text") && strcmp(o.format, "csv") &&
     strcmp(o.format, "json") && strcmp(o.format, "html")) {
    fprintf(stderr, "touchline exposure: --format is text, csv, json or "
            "html\n");
    return 2;
  }
  if(access(argv[optind], F_OK)) {
    fprintf(stderr, "touchline: %s: %s\n", argv[optind], strerror(errno));
    return 1;
  }
  {
    const char *err = NULL;
    if(tl_case_open(argv[optind], TL_OPEN_READWRITE, &c, &err)) {
      fprintf(stderr, "touchline: %s\n", err);
      return 1;
    }
  }
  if(outpath && !(out = fopen(outpath, "w"))) {
    fprintf(stderr, "touchline: %s: %s\n", outpath, strerror(errno));
    tl_case_close(c);
    return 1;
  }
  {
    struct tl_sink sink;
    tl_sink_stdio(&sink, out);
    rc = tl_case_exposure(c, &o, &sink);
  }
  if(rc)
    fprintf(stderr, "touchline: %s\n", tl_case_errmsg(c));
  /* the sink wrote into out's buffer: a full disk shows up here */
  if(!rc && fflush(out)) {
    fprintf(stderr, "touchline: %s: %s\n", outpath ? outpath :
            "standard output", strerror(errno));
    rc = TL_IO;
  }
  if(out != stdout && fclose(out) && !rc) {
    fprintf(stderr, "touchline: %s: %s\n", outpath, strerror(errno));
    rc = TL_IO;
  }
  tl_case_close(c);
  return rc == TL_USAGE ? 2 : rc ? 1 : 0;
}
