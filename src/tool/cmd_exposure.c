/*
** `touchline exposure`: the exposure report for a window.
*/
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
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
    "                          [--tz ZONE]\n"
    "\n"
    "For every target occurrence, a verdict from the evidence inside the\n"
    "window [from, to): copied, deleted, modified, renamed, accessed or\n"
    "none, with first and last touch, the evidence rows and the reasons in\n"
    "words; roll-ups per partner, owner division (the register's),\n"
    "location division (where the files are) and evidence item; the\n"
    "coverage (why each target not found was not found); bursts of mass\n"
    "access (default: 50 targets within 10 minutes); timestomping\n"
    "indicators on targets and on every file with a time in the window\n"
    "(programs first; see touchline anomalies). TIME is ISO 8601\n"
    "(2023-06-05, 2023-06-05T08:00:00Z, ...+02:00); a TIME without Z or\n"
    "an offset is read in --tz ZONE (an IANA name such as Europe/Berlin;\n"
    "default UTC). docs/EXPOSURE.md.\n", o);
}

/* --burst-count: a whole number 1 to INT_MAX, nothing else */
static int
parse_count(const char *s, int *out)
{
  char *end;
  long long v;
  errno = 0;
  if(*s < '0' || *s > '9')
    return -1;
  v = strtoll(s, &end, 10);
  if(errno || *end || v < 1 || v > INT_MAX)
    return -1;
  *out = (int)v;
  return 0;
}

/* --burst-window: minutes, > 0, finite, and its ns must fit int64 */
static int
parse_minutes(const char *s, int64_t *ns)
{
  char *end;
  double v;
  errno = 0;
  if(!((*s >= '0' && *s <= '9') || *s == '.'))
    return -1;
  v = strtod(s, &end);
  if(errno || *end || !isfinite(v) || v <= 0 || v * 60e9 >= 9.2e18 ||
     v * 60e9 < 1)
    return -1;
  *ns = (int64_t)(v * 60e9);
  return 0;
}

static tl_rc
write_exposure(tl_case *c, const struct tl_sink *s, void *o)
{
  return tl_case_exposure(c, o, s);
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
    {"tz", required_argument, NULL, 'z'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct tl_exposure_opts o;
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
    case 'n':
      if(parse_count(optarg, &o.burst_count)) {
        fprintf(stderr, "touchline exposure: --burst-count %s: not a whole "
                "number from 1 to %d\n", optarg, INT_MAX);
        return 2;
      }
      break;
    case 'w':
      if(parse_minutes(optarg, &o.burst_window_ns)) {
        fprintf(stderr, "touchline exposure: --burst-window %s: not a "
                "number of minutes above 0 and below 153 million\n",
                optarg);
        return 2;
      }
      break;
    case 'h': usage_exposure(stdout); return 0;
    default: usage_exposure(stderr); return 2;
    }
  }
  if(argc - optind != 1 || !from || !to) {
    usage_exposure(stderr);
    return 2;
  }
  if(tl_tool_window("exposure", tz, from, to, &o.from_ns, &o.to_ns))
    return 2;
  if(strcmp(o.format, "text") && strcmp(o.format, "csv") &&
     strcmp(o.format, "json") && strcmp(o.format, "html")) {
    fprintf(stderr, "touchline exposure: --format is text, csv, json or "
            "html\n");
    return 2;
  }
  return tl_run_report(argv[optind], outpath, write_exposure, &o);
}
