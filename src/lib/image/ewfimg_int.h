/*
** An EWF (E01) image layer for libtsk with a large cache of decompressed
** data. libtsk's own image cache holds 32 x 64 KiB; a file system walk that
** visits MFT entries out of order then makes libewf inflate the same chunks
** again and again. This layer keeps aligned blocks of decompressed media in
** a bounded, hash-indexed CLOCK cache and hands libtsk a TSK_IMG_INFO made
** with tsk_img_open_external().
*/
#ifndef TL_EWFIMG_INT_H
#define TL_EWFIMG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <tsk/libtsk.h>

/* Default bound on the decompressed data kept per open image. */
#define TL_EWF_CACHE_BYTES ((size_t)64 << 20)

/* Open the EWF set made of the n segment files (in order) for libtsk. At
** most cache_bytes of decompressed data are kept (0: the default). The
** result is closed with tsk_img_close(); its itype is TSK_IMG_TYPE_EXTERNAL.
** On failure returns NULL with a one-line reason in err (for a set libewf
** will not open, the innermost cause in libewf's words without its
** function names; Tl_ewf_open_error() turns it into a sentence). */
TSK_IMG_INFO *Tl_ewf_img_open(char *const *segments, int n,
                              size_t cache_bytes, char *err, size_t errlen);

/* The cache of an image opened by Tl_ewf_img_open(), for tests and
** imgstat: slots, block size, slots filled, hits and misses so far. */
typedef struct Tl_ewf_cache_stats {
  uint32_t n_slots;
  size_t block_size;
  uint32_t used;
  uint64_t hits, misses;
  uint64_t direct;        /* bytes read around the cache (large reads) */
} Tl_ewf_cache_stats;

void Tl_ewf_img_cache_stats(TSK_IMG_INFO *img, Tl_ewf_cache_stats *st);

/* Let the cache of img hold up to bytes (more slots, nothing evicted); 1
** when it grew, 0 when img is not this layer's, already that large, or
** memory is short (the cache then stays as it was). The walk uses it when
** a file system's metadata fits (TL_EWF_CACHE_MAX): a cache that holds the
** whole MFT inflates each of its chunks once, where one that holds part of
** it inflates them again and again in the walk's random order. */
int Tl_ewf_img_cache_grow(TSK_IMG_INFO *img, size_t bytes);

/* The most the walk grows a cache to: tied to the 300 MiB peak-memory
** budget at every image size, not only at 1,000,000 files (there the MFT,
** 1 GB, cannot fit and the cache keeps TL_EWF_CACHE_BYTES). At 100,000
** files the walk reads 242 MB of chunks: 256 MiB held them all (7,383
** inflations) but the peak was 348 MiB; 160 MiB inflates 10,664 (+0.2 s
** CPU of 4.7 s) with a peak of 277 MiB; 192 MiB, 309 MiB
** (docs/internals/WRITE-PATH.md, "E01"). */
#define TL_EWF_CACHE_MAX ((size_t)160 << 20)

#endif
