/*
** --tz, --from and --to as every reporting command reads them.
*/
#include "config.h"

#include <stdio.h>

#include "tool.h"

int
tl_tool_window(const char *cmd, const char *tz, const char *from,
               const char *to, int64_t *from_ns, int64_t *to_ns)
{
  const char *why = NULL;
  int64_t t;
  /* the zone first, so that an unknown one is said even without times */
  if(tl_parse_time_zone("1970-01-01", tz, &t, &why)) {
    fprintf(stderr, "touchline %s: --tz %s (use an IANA name such as "
            "Europe/Berlin)\n", cmd, why ? why : tz);
    return -1;
  }
  *from_ns = INT64_MIN;
  *to_ns = INT64_MAX;
  if(from && tl_parse_time_zone(from, tz, from_ns, &why)) {
    fprintf(stderr, "touchline %s: --from %s: %s\n", cmd, from,
            why ? why : "not an ISO 8601 date or date-time");
    return -1;
  }
  if(to && tl_parse_time_zone(to, tz, to_ns, &why)) {
    fprintf(stderr, "touchline %s: --to %s: %s\n", cmd, to,
            why ? why : "not an ISO 8601 date or date-time");
    return -1;
  }
  /* an empty window is a mistake, not a result */
  if(*to_ns <= *from_ns) {
    fprintf(stderr, "touchline %s: --from %s is not before --to %s: the "
            "window [from, to) is empty\n", cmd, from ? from : "(open)",
            to ? to : "(open)");
    return -1;
  }
  return 0;
}
