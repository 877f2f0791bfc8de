/*
** EWF image layer for libtsk with a large cache of decompressed blocks.
**
** libtsk asks its image layer for 64 KiB at any sector-aligned offset
** whenever its own 32-entry cache misses; through libtsk's EWF reader each
** such miss makes libewf inflate two or three 32 KiB chunks again. Here the
** media is cut into aligned blocks (a whole number of EWF chunks, at least
** 32 KiB: usually one chunk); a block is inflated once and kept until the
** CLOCK hand evicts it. The cache is bounded (cache_bytes) and indexed by
** block number in a chained hash table.
**
** Block size and policy come from a trace of an ingest of a 100,000-file
** NTFS image: 85% of block references fall in the 100 MiB MFT, in no useful
** order. With 64 MiB, one-chunk blocks need 20,000 chunk inflations where
** 64 KiB blocks need 25,000 (libtsk alone: 58,000); CLOCK did as well as
** LRU and 2Q there. A block enters without its reference bit, so blocks
** read once (index records, neighbours of the asked range) go first.
**
** libtsk serialises calls to read() with the image's cache_lock, so this
** layer needs no lock of its own for the CLOCK cache.
**
** Pinned blocks (Tl_ewf_img_pin): the blocks of an NTFS file system's MFT
** when they fit the memory budget, each inflated once and never evicted,
** in a store of their own beside the CLOCK cache. The hashing thread (its
** own libewf handle, a sequential pass) shares that store: it takes the
** pinned blocks the walk has inflated instead of inflating them again,
** and leaves there the pinned blocks it inflates first
** (Tl_ewf_img_shared_read). A block's state is an atomic: EMPTY, BUSY
** (one thread filling it, after a compare-and-swap from EMPTY), SHARED
** (filled by a read through a handle that had met no checksum error: the
** bytes are what either handle reads) or PRIVATE (the walk's own read
** after a checksum error: the hasher reads such a block itself, so its
** handle counts the error as before).
**
** Inflating: libewf inflates a chunk with zlib and checks it with zlib's
** Adler-32; libdeflate does both about twice as fast. So a block is read
** through libewf_handle_read_chunk (the chunk as stored: a zlib stream, or
** the data and its Adler-32) and inflated and checked here (fast_read).
** Anything but a whole, checked chunk (a damaged one, a short read, a
** stream that inflates to another size) and the range is read again
** through libewf its usual way, which meets, zero-fills and counts the bad
** chunk exactly as before; so the bytes and the checksum errors are
** libewf's, and a block inflated here is good whatever the handle met
** before (it is shared as such).
*/
#include "config.h"

#include <inttypes.h>
#include <libdeflate.h>
#include <libewf.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow_int.h"
#include "image/ewfimg_int.h"

#define MIN_BLOCK ((size_t)32 << 10)
#define NO_SLOT UINT32_MAX
#define NO_BLOCK UINT64_MAX

enum { PIN_EMPTY, PIN_BUSY, PIN_SHARED, PIN_PRIVATE };

/* The pinned blocks (see the top of the file); set once, freed with the
** image. */
typedef struct ewf_pins {
  uint32_t n;
  uint64_t *blk;          /* block numbers, ascending, distinct */
  atomic_uchar *state;    /* PIN_* */
  uint8_t *data;          /* n * bsize bytes, touched as filled */
  atomic_uint_fast64_t walk_fills, hash_fills, hash_taken;
} ewf_pins;

/* One thread's chunk inflater (fast_read): the decompressor and a buffer
** for a chunk as stored. */
typedef struct ewf_inflater {
  struct libdeflate_decompressor *dec;
  uint8_t *raw;
  size_t cap;
  atomic_uint_fast64_t chunks;  /* chunks inflated here (read by stats) */
} ewf_inflater;

typedef struct {
  TSK_IMG_INFO img;       /* first: libtsk casts to and from this */
  libewf_handle_t *h;
  uint64_t media_size;
  size_t chunk;           /* EWF chunk size */
  size_t bsize;           /* block size: a multiple of the chunk size */
  ewf_inflater wz;        /* the walk's (reads of img, through h) */
  ewf_inflater hz;        /* the hasher's (Tl_ewf_img_shared_read) */
  uint32_t n_slots;
  uint8_t *data;          /* n_slots * bsize bytes, touched as filled */
  uint64_t *blk;          /* block number held by a slot, or NO_BLOCK */
  uint32_t *len;          /* valid bytes in a slot */
  uint32_t *next;         /* hash chain */
  uint8_t *ref;           /* CLOCK reference bit */
  uint32_t *bucket;       /* hash heads, n_buckets (a power of two) */
  uint32_t bucket_mask;
  uint32_t hand;
  uint32_t used;
  uint64_t hits, misses;  /* shown by imgstat */
  uint64_t direct;        /* bytes read around the cache */
  _Atomic(ewf_pins *) pins;  /* NULL until Tl_ewf_img_pin */
  uint64_t (*hint)[2];    /* Tl_ewf_img_hint: where cache fills stop */
  size_t n_hint, cap_hint;
  uint64_t short_fills;   /* cache fills that stopped at a hint's end */
  char md5[33];
} ewf_img;

static void
ewf_errstr(libewf_error_t **e, char *buf, size_t len)
{
  size_t i;
  buf[0] = 0;
  if(e && *e) {
    if(libewf_error_backtrace_sprint(*e, buf, len) <= 0)
      libewf_error_sprint(*e, buf, len);
    libewf_error_free(e);
  }
  if(!buf[0])
    snprintf(buf, len, "unknown libewf error");
  for(i = 0; buf[i]; i++)
    if(buf[i] == '\n' || buf[i] == '\r')
      buf[i] = ' ';
}

/* The first (innermost) line of libewf's backtrace without the function
** name: "unsupported segment file signature", not "libewf_handle_open:
** unable to open handle using a file IO pool". */
static void
ewf_words(libewf_error_t **e, char *buf, size_t len)
{
  char bt[1024], *p, *q;
  size_t i;
  ewf_errstr(e, bt, sizeof(bt));
  /* ewf_errstr joined the lines with spaces; lines end with ". " */
  p = bt;
  if((q = strstr(p, ". ")))
    *q = '\0';
  for(i = 0; p[i] && (p[i] == '_' || (p[i] >= 'a' && p[i] <= 'z') ||
                      (p[i] >= '0' && p[i] <= '9')); i++)
    ;
  if(i && p[i] == ':' && p[i + 1] == ' ')
    p += i + 2;
  i = strlen(p);
  if(i && p[i - 1] == '.')
    p[i - 1] = '\0';
  snprintf(buf, len, "%s", p);
}

static void
set_read_error(ewf_img *ei, uint64_t off, size_t len, libewf_error_t **e)
{
  char es[400];
  (void)ei;
  ewf_errstr(e, es, sizeof(es));
  tsk_error_reset();
  tsk_error_set_errno(TSK_ERR_IMG_READ);
  tsk_error_set_errstr("ewf read at offset %" PRIu64 " (%zu bytes): %s",
                       off, len, es);
}

static inline uint32_t
bucket_of(const ewf_img *ei, uint64_t b)
{
  b *= UINT64_C(0x9E3779B97F4A7C15);
  return (uint32_t)(b >> 32) & ei->bucket_mask;
}

static uint32_t
lookup(ewf_img *ei, uint64_t b)
{
  uint32_t s = ei->bucket[bucket_of(ei, b)];
  while(s != NO_SLOT && ei->blk[s] != b)
    s = ei->next[s];
  return s;
}

static void
unlink_slot(ewf_img *ei, uint32_t s)
{
  uint32_t *p = &ei->bucket[bucket_of(ei, ei->blk[s])];
  while(*p != s)
    p = &ei->next[*p];
  *p = ei->next[s];
  ei->blk[s] = NO_BLOCK;
}

/* A slot to fill: an unused one, else the first the CLOCK hand finds
** without its reference bit (clearing bits as it passes). */
static uint32_t
victim(ewf_img *ei)
{
  uint32_t s;
  if(ei->used < ei->n_slots)
    return ei->used++;
  for(;;) {
    s = ei->hand;
    ei->hand = s + 1 == ei->n_slots ? 0 : s + 1;
    if(!ei->ref[s])
      break;
    ei->ref[s] = 0;
  }
  if(ei->blk[s] != NO_BLOCK)
    unlink_slot(ei, s);
  return s;
}

/* Read straight from libewf: the number of bytes, or -1 (with the TSK
** error set when report is true). */
static ssize_t
raw_read(ewf_img *ei, uint64_t off, void *buf, size_t len, int report)
{
  libewf_error_t *e = NULL;
  ssize_t n = libewf_handle_read_random(ei->h, buf, len, (off64_t)off, &e);
  if(n < 0 && report) {
    set_read_error(ei, off, len, &e);
    return -1;
  }
  if(e)
    libewf_error_free(&e);
  return n < 0 ? -1 : n;
}

static int
inflater_init(ewf_inflater *z, size_t chunk)
{
  z->cap = 2 * chunk + 64;  /* a stored chunk is chunk + 4 bytes */
  atomic_init(&z->chunks, 0);
  z->dec = libdeflate_alloc_decompressor();
  z->raw = malloc(z->cap);
  return z->dec && z->raw;
}

static void
inflater_free(ewf_inflater *z)
{
  if(z->dec)
    libdeflate_free_decompressor(z->dec);
  free(z->raw);
  z->dec = NULL;
  z->raw = NULL;
}

/* The media range [off, off + len) (off on a chunk boundary, len whole
** chunks or up to the end of the media) read chunk by chunk as stored
** through h and inflated and checked with z (the top of the file): 1 when
** every chunk came out whole and checked, 0 otherwise (what dst holds is
** then undefined; the caller reads the range through libewf). h's offset
** is left anywhere. */
static int
fast_read(ewf_img *ei, ewf_inflater *z, libewf_handle_t *h, uint64_t off,
          uint8_t *dst, size_t len)
{
  libewf_error_t *e = NULL;
  if(!z->dec || off % ei->chunk ||
     libewf_handle_seek_offset(h, (off64_t)off, SEEK_SET, &e) < 0)
    goto fail;
  while(len) {
    size_t want = len < ei->chunk ? len : ei->chunk;
    int8_t compressed = 0, have_sum = 0;
    uint8_t sum[4];  /* as stored; sum_rt is its value */
    uint32_t sum_rt = 0;
    ssize_t n = libewf_handle_read_chunk(h, z->raw, z->cap, &compressed, sum,
                                         &sum_rt, &have_sum, &e);
    if(n <= 0)
      goto fail;
    if(compressed) {
      /* libdeflate checks the zlib stream's Adler-32; NULL for the actual
      ** size: anything but exactly want bytes fails */
      if(libdeflate_zlib_decompress(z->dec, z->raw, (size_t)n, dst, want,
                                    NULL) != LIBDEFLATE_SUCCESS)
        goto fail;
    }
    else {
      /* stored: the data; its Adler-32 read beside it (sum_rt, counted in
      ** n); libewf 20140812 reads every stored chunk so */
      if(!have_sum || ((size_t)n != want + 4 && (size_t)n != want) ||
         libdeflate_adler32(1, z->raw, want) != sum_rt)
        goto fail;
      memcpy(dst, z->raw, want);
    }
    atomic_fetch_add_explicit(&z->chunks, 1, memory_order_relaxed);
    dst += want;
    len -= want;
  }
  return 1;
fail:
  if(e)
    libewf_error_free(&e);
  return 0;
}

/* The walk's read of [off, off + len) through ei->h: inflated and checked
** here when it can be (fast_read; *checked set to 1 then), else through
** libewf (raw_read). The number of bytes, or -1 as raw_read. */
static ssize_t
walk_read(ewf_img *ei, uint64_t off, void *buf, size_t len, int report,
          int *checked)
{
  int ok = fast_read(ei, &ei->wz, ei->h, off, buf, len);
  if(checked)
    *checked = ok;
  return ok ? (ssize_t)len : raw_read(ei, off, buf, len, report);
}

/* Bytes in block b (the last block of the media may be short). */
static size_t
block_len(const ewf_img *ei, uint64_t b)
{
  uint64_t off = b * ei->bsize;
  return ei->media_size - off < ei->bsize ? (size_t)(ei->media_size - off)
                                          : ei->bsize;
}

/* Index of block b among the pinned ones, or -1. */
static long
pin_find(const ewf_pins *p, uint64_t b)
{
  uint32_t lo = 0, hi = p ? p->n : 0;
  while(lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if(p->blk[mid] < b)
      lo = mid + 1;
    else
      hi = mid;
  }
  return p && lo < p->n && p->blk[lo] == b ? (long)lo : -1;
}

/* No checksum error met so far through handle h: a read just made
** through it holds exactly what any other handle reads. */
static int
handle_clean(libewf_handle_t *h)
{
  uint32_t n = 1;
  return libewf_handle_get_number_of_checksum_errors(h, &n, NULL) == 1 &&
         n == 0;
}

/* Pinned block i (block b): filled by the walk or the hasher, or filled
** here; NULL when libewf cannot read it whole (the caller goes the
** CLOCK cache's way, which reads around a bad block). */
static const uint8_t *
pinned_block(ewf_img *ei, ewf_pins *p, long i, uint64_t b, size_t *len)
{
  uint8_t *dst = p->data + (size_t)i * ei->bsize;
  size_t want = block_len(ei, b);
  for(;;) {
    unsigned char st = atomic_load_explicit(&p->state[i],
                                            memory_order_acquire);
    ssize_t n;
    int good;
    if(st == PIN_SHARED || st == PIN_PRIVATE) {
      ei->hits++;
      *len = want;
      return dst;
    }
    if(st == PIN_BUSY) {  /* the hasher is copying it in: a moment */
      sched_yield();
      continue;
    }
    if(!atomic_compare_exchange_strong(&p->state[i], &st, PIN_BUSY))
      continue;
    n = walk_read(ei, b * ei->bsize, dst, want, 0, &good);
    if(n != (ssize_t)want) {
      atomic_store_explicit(&p->state[i], PIN_EMPTY, memory_order_release);
      return NULL;
    }
    ei->misses++;
    atomic_fetch_add(&p->walk_fills, 1);
    atomic_store_explicit(&p->state[i], good || handle_clean(ei->h) ?
                          PIN_SHARED : PIN_PRIVATE, memory_order_release);
    *len = want;
    return dst;
  }
}

/* The bytes of block b (*len of them), loading them on a miss; NULL when
** libewf cannot read it whole (no error is set: the caller reads around
** it). */
static const uint8_t *
get_block(ewf_img *ei, uint64_t b, size_t *len)
{
  ewf_pins *p = atomic_load_explicit(&ei->pins, memory_order_acquire);
  long pi = pin_find(p, b);
  uint32_t s, hb;
  uint64_t off = b * ei->bsize;
  size_t want;
  ssize_t n;

  if(pi >= 0) {
    const uint8_t *d = pinned_block(ei, p, pi, b, len);
    if(d)
      return d;
  }
  s = lookup(ei, b);
  if(s != NO_SLOT) {
    ei->ref[s] = 1;
    ei->hits++;
    *len = ei->len[s];
    return ei->data + (size_t)s * ei->bsize;
  }
  ei->misses++;
  want = block_len(ei, b);
  s = victim(ei);
  n = walk_read(ei, off, ei->data + (size_t)s * ei->bsize, want, 0, NULL);
  if(n <= 0) {
    /* leave the slot empty, where the hand will take it next */
    ei->ref[s] = 0;
    ei->len[s] = 0;
    ei->hand = s;
    if(ei->used == s + 1)
      ei->used = s;
    return NULL;
  }
  ei->blk[s] = b;
  ei->len[s] = (uint32_t)n;
  ei->ref[s] = 0;  /* set on the first re-use */
  hb = bucket_of(ei, b);
  ei->next[s] = ei->bucket[hb];
  ei->bucket[hb] = s;
  *len = (size_t)n;
  return ei->data + (size_t)s * ei->bsize;
}

static ssize_t
ewf_img_read(TSK_IMG_INFO *img, TSK_OFF_T aoff, char *buf, size_t len)
{
  ewf_img *ei = (ewf_img *)img;
  uint64_t off = (uint64_t)aoff, end;
  size_t done = 0;
  ewf_pins *p = atomic_load_explicit(&ei->pins, memory_order_acquire);

  if(aoff < 0 || off > ei->media_size) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("ewf read: offset %" PRId64 " beyond the media",
                         (int64_t)aoff);
    return -1;
  }
  if(len > ei->media_size - off)
    len = (size_t)(ei->media_size - off);
  /* a fill of libtsk's cache that starts in a hinted range stops at its
  ** end: the walk's reads there do not go past it (Tl_ewf_img_hint) */
  if(ei->n_hint && buf >= img->cache[0] &&
     buf < img->cache[0] + sizeof(img->cache) &&
     pin_find(p, off / ei->bsize) < 0) {
    size_t i;
    for(i = 0; i < ei->n_hint; i++)
      if(off >= ei->hint[i][0] && off < ei->hint[i][1]) {
        if(len > ei->hint[i][1] - off) {
          len = (size_t)(ei->hint[i][1] - off);
          ei->short_fills++;
        }
        break;
      }
  }
  end = off + len;


  while(off < end) {
    uint64_t b = off / ei->bsize, boff = b * ei->bsize;
    size_t in = (size_t)(off - boff);
    size_t take = ei->bsize - in, blen;
    const uint8_t *d;
    if(take > end - off)
      take = (size_t)(end - off);

    /* Whole blocks of a large request that are not cached go straight
    ** into the caller's buffer: streaming file content should not flush
    ** the metadata the walk keeps coming back to. Pinned blocks go
    ** through the store. */
    if(in == 0 && len > 2 * ei->bsize && end - off >= ei->bsize &&
       lookup(ei, b) == NO_SLOT && pin_find(p, b) < 0) {
      uint64_t run_end = boff + ei->bsize;
      ssize_t n;
      while(end - run_end >= ei->bsize &&
            lookup(ei, run_end / ei->bsize) == NO_SLOT &&
            pin_find(p, run_end / ei->bsize) < 0)
        run_end += ei->bsize;
      n = walk_read(ei, off, buf + done, (size_t)(run_end - off), 1, NULL);
      if(n < 0)
        return -1;
      ei->direct += (uint64_t)n;
      done += (size_t)n;
      off += (uint64_t)n;
      if((uint64_t)n < run_end - boff)
        break;
      continue;
    }

    d = get_block(ei, b, &blen);
    if(!d) {
      /* The block would not inflate as a whole (a damaged chunk, say):
      ** read just what was asked, so a good chunk next to a bad one
      ** still reads as it does through libtsk's own EWF layer. */
      ssize_t n = raw_read(ei, off, buf + done, take, 1);
      if(n == 0 && !done) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ);
        tsk_error_set_errstr("ewf read at offset %" PRIu64 ": no data",
                             off);
      }
      if(n < 0)
        return -1;  /* as libtsk's EWF layer: the whole read fails */
      if(n == 0)
        return done ? (ssize_t)done : -1;
      done += (size_t)n;
      off += (uint64_t)n;
      if((size_t)n < take)
        break;
      continue;
    }
    if(in >= blen)
      break;  /* short block: the media ends early */
    if(take > blen - in)
      take = blen - in;
    memcpy(buf + done, d + in, take);
    done += take;
    off += take;
    if(in + take == blen && blen < ei->bsize && off < end)
      break;
  }
  return (ssize_t)done;
}

static void
ewf_img_stat(TSK_IMG_INFO *img, FILE *f)
{
  ewf_img *ei = (ewf_img *)img;
  fprintf(f, "IMAGE FILE INFORMATION\n");
  fprintf(f, "--------------------------------------------\n");
  fprintf(f, "Image Type:\t\tewf\n");
  fprintf(f, "\nSize of data in bytes:\t%" PRId64 "\n", (int64_t)img->size);
  fprintf(f, "Sector size:\t%u\n", img->sector_size);
  if(ei->md5[0])
    fprintf(f, "MD5 hash of data:\t%s\n", ei->md5);
  fprintf(f, "Block cache:\t%u x %zu bytes, %" PRIu64 " hits, %" PRIu64
          " misses\n", ei->n_slots, ei->bsize, ei->hits, ei->misses);
}

void
Tl_ewf_img_cache_stats(TSK_IMG_INFO *img, Tl_ewf_cache_stats *st)
{
  const ewf_img *ei = (const ewf_img *)img;
  st->n_slots = ei->n_slots;
  st->block_size = ei->bsize;
  st->used = ei->used;
  st->hits = ei->hits;
  st->misses = ei->misses;
  st->direct = ei->direct;
  st->short_fills = ei->short_fills;
  st->fast_walk = (uint64_t)atomic_load(&ei->wz.chunks);
  st->fast_hash = (uint64_t)atomic_load(&ei->hz.chunks);
  {
    ewf_pins *p = atomic_load_explicit(&ei->pins, memory_order_acquire);
    st->pinned = p ? p->n : 0;
    st->pin_walk_fills = p ? (uint64_t)atomic_load(&p->walk_fills) : 0;
    st->pin_hash_fills = p ? (uint64_t)atomic_load(&p->hash_fills) : 0;
    st->pin_hash_taken = p ? (uint64_t)atomic_load(&p->hash_taken) : 0;
  }
}

static void
ewf_img_free(ewf_img *ei)
{
  int i;
  if(!ei)
    return;
  if(ei->h) {
    libewf_handle_close(ei->h, NULL);
    libewf_handle_free(&ei->h, NULL);
  }
  if(ei->img.images) {
    for(i = 0; i < ei->img.num_img; i++)
      free(ei->img.images[i]);
    free(ei->img.images);
  }
  {
    ewf_pins *p = atomic_load(&ei->pins);
    if(p) {
      free(p->blk);
      free(p->state);
      free(p->data);
      free(p);
    }
  }
  inflater_free(&ei->wz);
  inflater_free(&ei->hz);
  free(ei->hint);
  free(ei->data);
  free(ei->blk);
  free(ei->len);
  free(ei->next);
  free(ei->ref);
  free(ei->bucket);
  ei->img.tag = 0;
  free(ei);
}

int
Tl_ewf_img_cache_grow(TSK_IMG_INFO *img, size_t bytes)
{
  ewf_img *ei = (ewf_img *)img;
  size_t slots, nb, i;
  void *p;
  if(!img || img->read != ewf_img_read)
    return 0;
  slots = bytes / ei->bsize;
  if(ei->media_size / ei->bsize + 1 < slots)
    slots = (size_t)(ei->media_size / ei->bsize + 1);
  if(slots > (1u << 24))
    slots = 1u << 24;
  if(slots <= ei->n_slots)
    return 0;
  for(nb = 16; nb < 2 * slots; nb *= 2)
    ;
  /* each array grows on its own; until all have, n_slots keeps the old
  ** bound and the cache stays as it was */
  if(!(p = realloc(ei->data, slots * ei->bsize)))
    return 0;
  ei->data = p;
  if(!(p = realloc(ei->blk, slots * sizeof(*ei->blk))))
    return 0;
  ei->blk = p;
  if(!(p = realloc(ei->len, slots * sizeof(*ei->len))))
    return 0;
  ei->len = p;
  if(!(p = realloc(ei->next, slots * sizeof(*ei->next))))
    return 0;
  ei->next = p;
  if(!(p = realloc(ei->ref, slots)))
    return 0;
  ei->ref = p;
  if(nb - 1 > ei->bucket_mask) {
    if(!(p = realloc(ei->bucket, nb * sizeof(*ei->bucket))))
      return 0;
    ei->bucket = p;
    ei->bucket_mask = (uint32_t)(nb - 1);
  }
  for(i = ei->n_slots; i < slots; i++) {
    ei->blk[i] = NO_BLOCK;
    ei->len[i] = 0;
    ei->ref[i] = 0;
  }
  /* the chains again, for the new bucket count */
  for(i = 0; i <= ei->bucket_mask; i++)
    ei->bucket[i] = NO_SLOT;
  for(i = 0; i < slots; i++) {
    uint32_t hb;
    ei->next[i] = NO_SLOT;
    if(ei->blk[i] == NO_BLOCK)
      continue;
    hb = bucket_of(ei, ei->blk[i]);
    ei->next[i] = ei->bucket[hb];
    ei->bucket[hb] = (uint32_t)i;
  }
  ei->n_slots = (uint32_t)slots;
  return 1;
}

void
Tl_ewf_img_hint(TSK_IMG_INFO *img, const uint64_t (*ranges)[2], size_t n)
{
  ewf_img *ei = (ewf_img *)img;
  if(!Tl_ewf_img_is_ours(img))
    return;
  if(!atomic_load(&ei->pins))
    n = 0;  /* the MFT's reads must not be cut: only with it pinned */
  if(n > ei->cap_hint) {
    void *q = realloc(ei->hint, n * sizeof(*ei->hint));
    if(!q) {
      ei->n_hint = 0;
      return;
    }
    ei->hint = q;
    ei->cap_hint = n;
  }
  if(n)
    memcpy(ei->hint, ranges, n * sizeof(*ei->hint));
  ei->n_hint = n;
}

int
Tl_ewf_img_is_ours(const TSK_IMG_INFO *img)
{
  return img && img->read == ewf_img_read;
}

long
Tl_ewf_img_pin(TSK_IMG_INFO *img, const uint64_t (*ranges)[2], size_t n,
               size_t max_bytes)
{
  ewf_img *ei = (ewf_img *)img;
  ewf_pins *p;
  size_t i, cnt = 0, cap = 0, k;
  uint64_t *blk = NULL;

  if(!img || img->read != ewf_img_read || atomic_load(&ei->pins))
    return 0;
  for(i = 0; i < n; i++) {
    uint64_t a = ranges[i][0], e = ranges[i][1];
    if(e > ei->media_size)
      e = ei->media_size;
    if(a >= e)
      continue;
    cap += (size_t)((e - 1) / ei->bsize - a / ei->bsize + 1);
    /* disjoint ranges share at most a block with the one before */
    if(cap > max_bytes / ei->bsize + n)
      return 0;
  }
  if(!cap || !(blk = malloc(cap * sizeof(*blk))))
    return 0;
  for(i = 0; i < n; i++) {
    uint64_t a = ranges[i][0], e = ranges[i][1], b;
    if(e > ei->media_size)
      e = ei->media_size;
    if(a >= e)
      continue;
    for(b = a / ei->bsize; b <= (e - 1) / ei->bsize; b++)
      blk[cnt++] = b;
  }
  qsort(blk, cnt, sizeof(*blk), Tl_cmp_u64);
  for(i = k = 0; i < cnt; i++)
    if(!k || blk[k - 1] != blk[i])
      blk[k++] = blk[i];
  if(k > max_bytes / ei->bsize) {
    free(blk);
    return 0;
  }
  if(!(p = calloc(1, sizeof(*p))) ||
     !(p->state = calloc(k, sizeof(*p->state))) ||
     !(p->data = malloc(k * ei->bsize))) {
    if(p)
      free(p->state);
    free(p);
    free(blk);
    return 0;
  }
  p->blk = blk;
  p->n = (uint32_t)k;
  for(i = 0; i < k; i++)
    atomic_init(&p->state[i], PIN_EMPTY);
  atomic_init(&p->walk_fills, 0);
  atomic_init(&p->hash_fills, 0);
  atomic_init(&p->hash_taken, 0);
  atomic_store_explicit(&ei->pins, p, memory_order_release);
  return (long)k;
}

/* The hasher's read of [off, off + len) through its handle h, sequential:
** 1 when done, 0 when it failed (the caller reads the range again its
** usual way, so that an error is met and counted as before). */
static int
hasher_read(libewf_handle_t *h, uint64_t off, uint8_t *buf, size_t len)
{
  libewf_error_t *e = NULL;
  ssize_t got = -1;
  if(libewf_handle_seek_offset(h, (off64_t)off, SEEK_SET, &e) >= 0)
    got = libewf_handle_read_buffer(h, buf, len, &e);
  if(e)
    libewf_error_free(&e);
  return got == (ssize_t)len;
}

int
Tl_ewf_img_shared_read(TSK_IMG_INFO *img, libewf_handle_t *h, uint64_t off,
                       uint8_t *buf, size_t len)
{
  ewf_img *ei = (ewf_img *)img;
  ewf_pins *p;
  uint64_t b, b0, b1, run = NO_BLOCK, end = off + len;

  if(!img || img->read != ewf_img_read || !len)
    return 0;
  p = atomic_load_explicit(&ei->pins, memory_order_acquire);
  if(off % ei->bsize || end > ei->media_size ||
     (len % ei->bsize && end != ei->media_size))
    return 0;
  b0 = off / ei->bsize;
  b1 = (end + ei->bsize - 1) / ei->bsize;
  for(b = b0; b <= b1; b++) {
    long i = b < b1 ? pin_find(p, b) : -1;
    int take = i >= 0 &&
               atomic_load_explicit(&p->state[i], memory_order_acquire) ==
               PIN_SHARED;
    if(b < b1 && !take) {
      if(run == NO_BLOCK)
        run = b;
      continue;
    }
    if(run != NO_BLOCK) {
      /* blocks run..b-1 through h, inflated here, else through libewf;
      ** the pinned ones among them go to the store when they were
      ** checked here or h has met no checksum error */
      uint64_t ro = run * ei->bsize, re = b * ei->bsize, k;
      int clean;
      if(re > end)
        re = end;
      clean = fast_read(ei, &ei->hz, h, ro, buf + (ro - off),
                        (size_t)(re - ro));
      if(!clean) {
        if(!hasher_read(h, ro, buf + (ro - off), (size_t)(re - ro)))
          return 0;
        clean = handle_clean(h);
      }
      for(k = run; p && clean && k < b; k++) {
        long j = pin_find(p, k);
        unsigned char st = PIN_EMPTY;
        if(j < 0 || !atomic_compare_exchange_strong(&p->state[j], &st,
                                                    PIN_BUSY))
          continue;
        memcpy(p->data + (size_t)j * ei->bsize, buf + (k * ei->bsize - off),
               block_len(ei, k));
        atomic_fetch_add(&p->hash_fills, 1);
        atomic_store_explicit(&p->state[j], PIN_SHARED, memory_order_release);
      }
      run = NO_BLOCK;
    }
    if(take) {
      memcpy(buf + (b * ei->bsize - off), p->data + (size_t)i * ei->bsize,
             block_len(ei, b));
      atomic_fetch_add(&p->hash_taken, 1);
    }
  }
  return 1;
}

/* tsk_img_close() has already torn down the cache lock. */
static void
ewf_img_close(TSK_IMG_INFO *img)
{
  ewf_img_free((ewf_img *)img);
}

TSK_IMG_INFO *
Tl_ewf_img_open(char *const *segments, int n, size_t cache_bytes, char *err,
                size_t errlen)
{
  ewf_img *ei;
  libewf_error_t *e = NULL;
  char es[400];
  size64_t msize = 0;
  size32_t chunk = 0;
  uint32_t bps = 0;
  size_t slots, nb, i;
  TSK_IMG_INFO *img;

  if(n < 1 || !segments || !segments[0]) {
    snprintf(err, errlen, "no EWF segment files given");
    return NULL;
  }
  if(!(ei = calloc(1, sizeof(*ei)))) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if(libewf_handle_initialize(&ei->h, &e) != 1 ||
     libewf_handle_open(ei->h, segments, n, LIBEWF_OPEN_READ, &e) != 1) {
    ewf_words(&e, err, errlen);
    goto fail;
  }
  if(libewf_handle_get_media_size(ei->h, &msize, &e) != 1) {
    ewf_errstr(&e, es, sizeof(es));
    snprintf(err, errlen, "%s: libewf gives no media size: %s",
             segments[0], es);
    goto fail;
  }
  if(libewf_handle_get_chunk_size(ei->h, &chunk, &e) != 1 || chunk == 0) {
    chunk = 32768;
    if(e)
      libewf_error_free(&e);
  }
  /* A sector size of 0 or one not a multiple of 512 is junk: use 512. */
  if(libewf_handle_get_bytes_per_sector(ei->h, &bps, &e) != 1 ||
     bps == 0 || bps % 512)
    bps = 512;
  if(e)
    libewf_error_free(&e);
  if(libewf_handle_get_utf8_hash_value_md5(ei->h, (uint8_t *)ei->md5,
                                           sizeof(ei->md5), &e) != 1)
    ei->md5[0] = 0;
  if(e)
    libewf_error_free(&e);
  ei->md5[sizeof(ei->md5) - 1] = 0;

  ei->media_size = msize;
  ei->chunk = chunk;
  ei->bsize = chunk >= MIN_BLOCK ? chunk :
              ((MIN_BLOCK + chunk - 1) / chunk) * chunk;
  if(cache_bytes == 0)
    cache_bytes = TL_EWF_CACHE_BYTES;
  slots = cache_bytes / ei->bsize;
  if(slots < 4)
    slots = 4;  /* a 64 KiB read at most spans three blocks */
  /* no use in more slots than the media has blocks */
  if(msize / ei->bsize + 1 < slots)
    slots = (size_t)(msize / ei->bsize + 1);
  if(slots > (1u << 24))
    slots = 1u << 24;
  ei->n_slots = (uint32_t)slots;
  for(nb = 16; nb < 2 * slots; nb *= 2)
    ;
  ei->bucket_mask = (uint32_t)(nb - 1);
  ei->data = malloc(slots * ei->bsize);
  ei->blk = malloc(slots * sizeof(*ei->blk));
  ei->len = calloc(slots, sizeof(*ei->len));
  ei->next = malloc(slots * sizeof(*ei->next));
  ei->ref = calloc(slots, 1);
  ei->bucket = malloc(nb * sizeof(*ei->bucket));
  ei->img.images = calloc((size_t)n, sizeof(*ei->img.images));
  if(!ei->data || !ei->blk || !ei->len || !ei->next || !ei->ref ||
     !ei->bucket || !ei->img.images || !inflater_init(&ei->wz, chunk) ||
     !inflater_init(&ei->hz, chunk)) {
    snprintf(err, errlen, "out of memory for the EWF cache");
    goto fail;
  }
  for(i = 0; i < slots; i++) {
    ei->blk[i] = NO_BLOCK;
    ei->next[i] = NO_SLOT;
  }
  for(i = 0; i < nb; i++)
    ei->bucket[i] = NO_SLOT;
  for(i = 0; i < (size_t)n; i++) {
    if(!(ei->img.images[i] = strdup(segments[i]))) {
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    ei->img.num_img = (int)i + 1;
  }

  tsk_error_reset();
  img = tsk_img_open_external(ei, (TSK_OFF_T)msize, bps, ewf_img_read,
                              ewf_img_close, ewf_img_stat);
  if(!img) {
    const char *te = tsk_error_get();
    snprintf(err, errlen, "%s: %s", segments[0],
             te && *te ? te : "libtsk refused the image layer");
    tsk_error_reset();
    goto fail;
  }
  return img;

fail:
  ewf_img_free(ei);
  return NULL;
}
