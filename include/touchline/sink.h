/*
** touchline: where the library writes text (exports, reports, case info).
** Included by <touchline/touchline.h>; docs/internals/API.md.
*/
#ifndef TOUCHLINE_SINK_H
#define TOUCHLINE_SINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An output the library writes to instead of a FILE *. write() gets len
** bytes (len > 0) and returns 0 when all of them were taken, non-zero to
** fail the call that writes (which then returns TL_IO; the reason is the
** caller's own, e.g. kept in ctx). The library never closes or flushes the
** sink: what the caller wraps (a FILE *, a socket, a buffer) stays the
** caller's. Zero-initialise, set struct_size. */
struct tl_sink {
  uint32_t struct_size;     /* sizeof(struct tl_sink) */
  int (*write)(void *ctx, const void *buf, size_t len);
  void *ctx;
};

#ifdef __cplusplus
}
#endif
#endif /* TOUCHLINE_SINK_H */
