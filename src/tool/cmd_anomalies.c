/*
** `touchline anomalies`: timestomping indicators on every file of the
** case (or of a window), programs and libraries first.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/touchline.h>

#include "tool.h"

static void
usage_anomalies(FILE *o)
{
  fputs(
    "usage: touchline anomalies CASE.db [--from TIME] [--to TIME]\n"
    "                           [--format text|csv|json] [-o FILE]\n"
    "                           [--tz ZONE]\n"
    "\n"
    "Timestomping indicators on every file, target or not, of every\n"
    "evidence item whose $SI or $FN times fall in [from, to) (without\n"
    "--from/--to: the whole case): $SI created earlier than $FN created;\n"
    "every $SI time a whole second while $FN times have fractions; $SI\n"
    "created before the file system was; a time after the acquisition.\n"
    "Each with its evidence item, path, rule and the $SI and $FN times\n"
    "side by side; programs, libraries and scripts (.exe .dll .sys .ps1\n"
    ".bat ...) first. TIME is ISO 8601; without a zone it is read in\n"
    "--tz ZONE (default UTC). Reads only. docs/EXPOSURE.md.\n", o);
}

static tl_rc
write_anomalies(tl_case *c, const struct tl_sink *s, void *o)
{
  return tl_case_anomalies(c, o, s);
}

int
cmd_anomalies(int argc, char **argv)
{
  static const struct option lo[] = {
    {"from", required_argument, NULL, 'f'},
    {"to", required_argument, NULL, 't'},
    {"format", required_argument, NULL, 'F'},
    {"output", required_argument, NULL, 'o'},
    {"tz", required_argument, NULL, 'z'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_anomaly_opts o;
  const char *from = NULL, *to = NULL, *outpath = NULL;
  const char *tz = "UTC";
  int ch;

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
    case 'z': tz = optarg; break;
    case 'h': usage_anomalies(stdout); return 0;
    default: usage_anomalies(stderr); return 2;
    }
  }
  if(argc - optind != 1) {
    usage_anomalies(stderr);
    return 2;
  }
  if(tl_tool_window("anomalies", tz, from, to, &o.from_ns, &o.to_ns))
    return 2;
  if(strcmp(o.format, "text") && strcmp(o.format, "csv") &&
     strcmp(o.format, "json")) {
    fprintf(stderr, "touchline anomalies: --format is text, csv or json\n");
    return 2;
  }
  return tl_run_report(argv[optind], outpath, write_anomalies, &o);
}
