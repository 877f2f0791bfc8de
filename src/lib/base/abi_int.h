/*
** The struct_size rule of the public API (docs/internals/API.md) and the
** sink adapter: one place for both, so every entry point behaves alike.
*/
#ifndef TL_ABI_INT_H
#define TL_ABI_INT_H

#include <stddef.h>
#include <stdio.h>
#include <touchline/touchline.h>

/* Copy the caller's options struct src (its struct_size first) into dst,
** the full struct of this library, dst_size bytes: a smaller struct_size
** (an older caller) is accepted and the fields it lacks are zero, which is
** every option's default; a larger one (a newer caller) only when the
** bytes this library does not know are all zero. TL_USAGE when src is NULL
** or its struct_size is smaller than min_size (the fields every caller
** has); TL_ABI for a newer caller's non-zero extra. On success dst's
** struct_size is dst_size. */
tl_rc Tl_opts_in(void *dst, size_t dst_size, const void *src,
                 size_t min_size);

/* 1 when res can take a result: not NULL, struct_size covers at least the
** struct_size field. */
int Tl_result_ok(const void *res);

/* Copy the library's full result src (src_size bytes) into the caller's
** dst as far as dst's struct_size reaches; dst's struct_size is kept. */
void Tl_result_out(void *dst, const void *src, size_t src_size);

/* 1 when s is a usable sink (struct_size covers write and ctx, write set). */
int Tl_sink_ok(const struct tl_sink *s);

/* Write len bytes to the sink: 0, or -1 when the sink refused them. */
int Tl_sink_write(const struct tl_sink *s, const void *buf, size_t len);

/* A write-only stdio stream over a sink (glibc fopencookie), for code that
** writes with fprintf (info, the exposure reports). fclose() flushes it and
** returns EOF when a write was refused; NULL when out of memory. The sink
** itself is never closed. */
FILE *Tl_sink_fopen(const struct tl_sink *s);

#endif
