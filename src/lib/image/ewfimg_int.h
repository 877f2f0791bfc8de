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

#include <libewf.h>
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
  uint32_t pinned;        /* pinned blocks (Tl_ewf_img_pin), 0: none */
  uint64_t pin_walk_fills;  /* of them inflated by reads of img */
  uint64_t pin_hash_fills;  /* left there by Tl_ewf_img_shared_read */
  uint64_t pin_hash_taken;  /* taken from there by it */
  uint64_t short_fills;   /* libtsk cache fills stopped by a hint */
  uint64_t fast_walk;     /* chunks inflated with libdeflate by reads of img */
  uint64_t fast_hash;     /* and by Tl_ewf_img_shared_read */
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

/* The most an NTFS file system's MFT may take to be pinned
** (Tl_ewf_img_pin), beside the CLOCK cache of TL_EWF_CACHE_BYTES: 112 + 64
** MiB. The 100,000-file bench image's MFT (100 MiB) pins 3,212 blocks;
** the 1,000,000-file one's (1 GB) does not fit, and the walk grows the
** cache as before (docs/internals/WRITE-PATH.md, "E01"). */
#define TL_EWF_PIN_MAX ((size_t)112 << 20)

/* Hint: until the next call, the reads libtsk makes through its image
** cache that start in one of the ranges end in it (a directory's index
** records while libtsk reads them): a cache fill that starts there stops
** at the range's end instead of inflating the blocks after it, which
** nothing asked for. n = 0 clears it. Taken only once blocks are pinned
** (the MFT: its reads start in pinned blocks and are never cut). */
void Tl_ewf_img_hint(TSK_IMG_INFO *img, const uint64_t (*ranges)[2],
                     size_t n);

/* 1 when img was opened by Tl_ewf_img_open(). */
int Tl_ewf_img_is_ours(const TSK_IMG_INFO *img);

/* Pin the blocks that hold the media byte ranges [ranges[i][0],
** ranges[i][1]) (an NTFS file system's MFT): each is inflated once, the
** first time it is read, and kept until the image is closed, beside the
** CLOCK cache. Returns the number of blocks pinned; 0 when img is not
** this layer's, has pinned blocks already, they would take more than
** max_bytes, or memory is short (nothing changes then). */
long Tl_ewf_img_pin(TSK_IMG_INFO *img, const uint64_t (*ranges)[2], size_t n,
                    size_t max_bytes);

/* The hashing thread's read of the media range [off, off + len) (whole
** blocks from a block boundary, or up to the end of the media) through its
** own libewf handle h, sharing the pinned blocks of img with the walk:
** those already inflated (checked, or through a handle that had met no
** checksum error) are copied from the store, the rest read through h
** (inflated with libdeflate, else through libewf: the top of ewfimg.c), and
** the pinned ones among them left in the store when they were checked or h
** has met no checksum error. Also without pinned blocks. Returns 1 when
** buf holds the range; 0 when the range is not block-aligned or a read
** through libewf fell short: the caller then reads the range through h its
** usual way, so a bad chunk is met, zero-filled and counted exactly as
** without sharing. Safe to call from one other thread than the one reading
** img; img must stay open meanwhile. */
int Tl_ewf_img_shared_read(TSK_IMG_INFO *img, libewf_handle_t *h,
                           uint64_t off, uint8_t *buf, size_t len);

#endif
