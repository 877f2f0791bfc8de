/*
** `touchline case copy SRC DST`: a whole case between backends (a SQLite
** file, a PostgreSQL URI), checked by row counts and hashes per table
** (docs/POSTGRESQL.md).
*/
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

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
    "3 DST holds a case, 130 interrupted\n",
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

int
cmd_case(int argc, char **argv)
{
  if(argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    tl_usage_case(stdout);
    return 0;
  }
  if(argc >= 2 && !strcmp(argv[1], "copy"))
    return cmd_case_copy(argc - 1, argv + 1);
  tl_usage_case(stderr);
  return 2;
}
