/*
** Time zones without process-global state: a zone is read from a TZif file
** (RFC 8536, version 2 or later: the 64-bit data block and the POSIX TZ
** footer for instants after the last transition) into a Tl_tz, and every
** conversion is a pure function of that object. The process TZ, setenv(),
** tzset(), mktime() and localtime() are never used.
**
** All times here are whole seconds: "unix" seconds are UTC seconds since
** 1970-01-01T00:00:00Z; "local" seconds are the wall-clock date and time
** counted the same way as if it were UTC (Tl_civil_to_days() * 86400 +
** h * 3600 + m * 60 + s). Offsets are seconds east of UTC (CET is +3600).
*/
#ifndef TL_TZ_INT_H
#define TL_TZ_INT_H

#include <stddef.h>
#include <stdint.h>

typedef struct Tl_tz Tl_tz;

/* Default directory of the IANA time zone database. */
#define TL_ZONEINFO_DIR "/usr/share/zoneinfo"

/* Load zone `name` (an IANA name such as "Europe/Berlin"; "UTC" is built in
** and needs no file) from dir (NULL: TL_ZONEINFO_DIR). Returns NULL when the
** name is not a zone name, no such file exists, the file is not TZif v2+ or
** is malformed, or memory ran out; err (errlen bytes, may be NULL) then gets
** the cause without the name, e.g. "unknown time zone" or "malformed time
** zone file (truncated 64-bit data)", so a caller writes
** "--fat-tz Europe/Berln: unknown time zone". */
Tl_tz *Tl_tz_load(const char *dir, const char *name, char *err,
                  size_t errlen);

void Tl_tz_free(Tl_tz *tz);

/* The zone's name as given to Tl_tz_load(). */
const char *Tl_tz_name(const Tl_tz *tz);

/* UTC offset (seconds east) in effect at UTC instant unix_s. */
int32_t Tl_tz_offset(const Tl_tz *tz, int64_t unix_s);

/* Flags of Tl_tz_local_to_utc(). */
#define TL_TZ_GAP     1  /* the wall-clock time does not exist (skipped) */
#define TL_TZ_OVERLAP 2  /* the wall-clock time occurs twice */

/* Wall-clock local_s to a UTC instant; *offset (may be NULL) gets the offset
** used, *flags (may be NULL) TL_TZ_GAP / TL_TZ_OVERLAP or 0.
**
** The rule at a change of offset: a wall-clock time that is ambiguous or
** does not exist is read with the offset in effect just BEFORE the change.
** In an overlap (clocks go back) that gives the earlier of the two instants
** (e.g. Europe/Berlin 2021-10-31 02:30 is 00:30Z, still summer time); in a
** gap (clocks go forward) the time is read as if the change had not
** happened yet (Europe/Berlin 2021-03-28 02:30 is 01:30Z, which the zone
** shows as 03:30 summer time). */
int64_t Tl_tz_local_to_utc(const Tl_tz *tz, int64_t local_s,
                           int32_t *offset, int *flags);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), and
** back. Exact for any int32 year. */
int64_t Tl_civil_to_days(int64_t y, int m, int d);
void Tl_days_to_civil(int64_t days, int64_t *y, int *m, int *d);

#endif
