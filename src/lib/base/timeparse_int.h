/*
** The one parser of times that users type (exposure --from/--to, timeline
** --from/--to): ISO 8601 date or date-time, checked against the calendar.
*/
#ifndef TL_TIMEPARSE_INT_H
#define TL_TIMEPARSE_INT_H

#include <stdint.h>

#include "base/tz_int.h"

/* Parse s into ns since 1970 UTC. Accepted:
**   YYYY-MM-DD                          midnight
**   YYYY-MM-DD[T ]hh:mm[:ss[.f...]]     f: 1 to 9 digits (1 ns)
** followed, for a date-time, by an optional zone: Z, +hh, +hh:mm, +hhmm
** (hh <= 23, mm <= 59). 24:00[:00[.0]] is the end of the day. A time
** without a zone is read in `zone` (Tl_tz_load(); NULL: UTC); in a gap or
** an overlap of that zone with the offset in effect before the change
** (Tl_tz_local_to_utc()). Returns NULL, or a static message saying what is
** wrong. */
const char *Tl_parse_time(const char *s, const Tl_tz *zone, int64_t *ns);

/* 1 when zone is a spelling of UTC ("UTC", "Z", "Etc/UTC", ...). */
int Tl_zone_is_utc(const char *zone);

#endif
