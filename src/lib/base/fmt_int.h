/*
** Numbers and dates written by hand into a caller's buffer, for writers
** that produce millions of lines (render/timeline_fmt.c): no printf per
** field. Each function writes no NUL and returns the bytes written; the
** caller makes room first (the widths below are the most a call writes).
*/
#ifndef TL_FMT_INT_H
#define TL_FMT_INT_H

#include <stddef.h>
#include <stdint.h>

#define TL_FMT_INT_MAX 20   /* digits of UINT64_MAX; "-" + 19 for INT64 */

/* Decimal, as printf's %llu and %lld. */
size_t Tl_fmt_u64(char *dst, uint64_t v);
size_t Tl_fmt_i64(char *dst, int64_t v);

/* v in exactly width digits, zero-padded on the left (v < 10^width;
** width <= 19), as printf's %0*llu. */
void Tl_fmt_pad(char *dst, uint64_t v, int width);

/* 1 when all len bytes are printable ASCII (0x20..0x7e). */
int Tl_fmt_printable(const char *s, size_t len);

/* A civil date and time of day, as the writers split a time. */
struct Tl_fmt_civil {
  int64_t y;
  unsigned mo, d, h, mi, s;
};

/* "YYYY-MM-DDThh:mm:ss" as printf's "%04lld-%02u-%02uT%02u:%02u:%02u"
** (a year outside 0..9999 as %04lld writes it). At most 32 bytes. */
size_t Tl_fmt_iso_sec(char *dst, const struct Tl_fmt_civil *c);

/* "MM/DD/YYYY,hh:mm:ss" as "%02u/%02u/%04lld,%02u:%02u:%02u". At most 32
** bytes. */
size_t Tl_fmt_us_sec(char *dst, const struct Tl_fmt_civil *c);

#endif
