/*
** Conversions from on-disk time formats to the case's representation:
** int64 nanoseconds since 1970-01-01T00:00:00Z (docs/internals/SCHEMA.md).
*/
#ifndef TL_TIMECONV_INT_H
#define TL_TIMECONV_INT_H

#include <stdint.h>

/* 100 ns ticks between 1601-01-01 and 1970-01-01. */
#define TL_FILETIME_UNIX_EPOCH INT64_C(116444736000000000)

/* FILETIME (100 ns ticks since 1601 UTC) to ns since 1970. Values whose ns
** do not fit int64 (before 1677-09-21 or after 2262-04-11) are clamped to
** INT64_MIN / INT64_MAX; *clamped is set to 1 then (else 0). */
int64_t Tl_filetime_to_ns(uint64_t ft, int *clamped);

/* Seconds + nanoseconds to ns, clamped like Tl_filetime_to_ns(). */
int64_t Tl_unix_to_ns(int64_t sec, uint32_t nsec, int *clamped);

/* Format ns as ISO 8601 UTC with 9 fractional digits:
** "2004-02-29T20:00:17.215147200Z". buf needs 40 bytes. */
char *Tl_format_ns(int64_t ns, char *buf, unsigned long len);

#endif
