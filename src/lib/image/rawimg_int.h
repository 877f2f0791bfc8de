/*
** A raw (single or split) image layer for libtsk that reads the evidence
** files through read-only memory maps: libtsk's reads are served straight
** from the page cache, without the 64 KiB fill of libtsk's own image cache
** for every MFT record or index block a walk reads (rawimg.c).
*/
#ifndef TL_RAWIMG_INT_H
#define TL_RAWIMG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <tsk/libtsk.h>

/* The most of the evidence files' maps that may be mapped into the
** process at once: pages of a mapped file count in its RSS, and the
** ingest's peak at 1,000,000 files must stay under 300 MiB (raw: 196 MiB
** before). The maps are cut in 2 MiB chunks; the pages of the chunk a
** CLOCK hand takes are dropped from the map (MADV_DONTNEED; the page
** cache keeps them). */
#define TL_RAW_MAP_RESIDENT ((size_t)64 << 20)

/* Take over raw, an image libtsk opened as TSK_IMG_TYPE_RAW (its segment
** list, media size and sector size are kept as libtsk found them): when
** every segment is a regular file whose size adds up to the media size,
** returns a TSK_IMG_INFO of this layer (raw is then closed); else returns
** raw itself, unchanged (a device, a file that changed, mmap refused).
** The result is closed with tsk_img_close(); its itype is
** TSK_IMG_TYPE_EXTERNAL. */
TSK_IMG_INFO *Tl_raw_img_adopt(TSK_IMG_INFO *raw);

/* 1 when img was made by Tl_raw_img_adopt(). */
int Tl_raw_img_is_ours(const TSK_IMG_INFO *img);

/* Counts for TOUCHLINE_TIMING and tests: reads served, the bytes of them,
** fills of libtsk's cache refused (libtsk then reads just the asked range
** again), reads that went through pread (a segment not mapped). */
typedef struct Tl_raw_img_stats {
  uint64_t reads, bytes, fills_refused, preads, evictions;
  int n_mapped, n_segments;
} Tl_raw_img_stats;

void Tl_raw_img_stats_get(const TSK_IMG_INFO *img, Tl_raw_img_stats *st);

#endif
