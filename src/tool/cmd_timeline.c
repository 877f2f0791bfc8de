/*
** `touchline timeline`: query the case and export events (issue 3).
** Placeholder until the exporter lands.
*/
#include "config.h"

#include <stdio.h>

#include "tool.h"

int
cmd_timeline(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "touchline timeline: not implemented yet\n");
  return 2;
}
