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
** layer needs no lock of its own. Nothing here is shared with the hashing
** thread, which opens its own libewf handle.
*/
#include "config.h"

#include <inttypes.h>
#include <libewf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/ewfimg_int.h"

#define MIN_BLOCK ((size_t)32 << 10)
#define NO_SLOT UINT32_MAX
#define NO_BLOCK UINT64_MAX

typedef struct {
  TSK_IMG_INFO img;       /* first: libtsk casts to and from this */
  libewf_handle_t *h;
  uint64_t media_size;
  size_t bsize;           /* block size: a multiple of the chunk size */
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

/* The slot holding block b, loading it on a miss; NO_SLOT when libewf
** cannot read it whole (no error is set: the caller reads around it). */
static uint32_t
get_block(ewf_img *ei, uint64_t b)
{
  uint32_t s = lookup(ei, b), hb;
  uint64_t off = b * ei->bsize;
  size_t want;
  ssize_t n;

  if(s != NO_SLOT) {
    ei->ref[s] = 1;
    ei->hits++;
    return s;
  }
  ei->misses++;
  want = ei->media_size - off < ei->bsize ? (size_t)(ei->media_size - off)
                                          : ei->bsize;
  s = victim(ei);
  n = raw_read(ei, off, ei->data + (size_t)s * ei->bsize, want, 0);
  if(n <= 0) {
    /* leave the slot empty, where the hand will take it next */
    ei->ref[s] = 0;
    ei->len[s] = 0;
    ei->hand = s;
    if(ei->used == s + 1)
      ei->used = s;
    return NO_SLOT;
  }
  ei->blk[s] = b;
  ei->len[s] = (uint32_t)n;
  ei->ref[s] = 0;  /* set on the first re-use */
  hb = bucket_of(ei, b);
  ei->next[s] = ei->bucket[hb];
  ei->bucket[hb] = s;
  return s;
}

static ssize_t
ewf_img_read(TSK_IMG_INFO *img, TSK_OFF_T aoff, char *buf, size_t len)
{
  ewf_img *ei = (ewf_img *)img;
  uint64_t off = (uint64_t)aoff, end;
  size_t done = 0;

  if(aoff < 0 || off > ei->media_size) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("ewf read: offset %" PRId64 " beyond the media",
                         (int64_t)aoff);
    return -1;
  }
  if(len > ei->media_size - off)
    len = (size_t)(ei->media_size - off);
  end = off + len;

  while(off < end) {
    uint64_t b = off / ei->bsize, boff = b * ei->bsize;
    size_t in = (size_t)(off - boff);
    size_t take = ei->bsize - in;
    uint32_t s;
    if(take > end - off)
      take = (size_t)(end - off);

    /* Whole blocks of a large request that are not cached go straight
    ** into the caller's buffer: streaming file content should not flush
    ** the metadata the walk keeps coming back to. */
    if(in == 0 && len > 2 * ei->bsize && end - off >= ei->bsize &&
       lookup(ei, b) == NO_SLOT) {
      uint64_t run_end = boff + ei->bsize;
      ssize_t n;
      while(end - run_end >= ei->bsize &&
            lookup(ei, run_end / ei->bsize) == NO_SLOT)
        run_end += ei->bsize;
      n = raw_read(ei, off, buf + done, (size_t)(run_end - off), 1);
      if(n < 0)
        return -1;
      ei->direct += (uint64_t)n;
      done += (size_t)n;
      off += (uint64_t)n;
      if((uint64_t)n < run_end - boff)
        break;
      continue;
    }

    s = get_block(ei, b);
    if(s == NO_SLOT) {
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
    if(in >= ei->len[s])
      break;  /* short block: the media ends early */
    if(take > ei->len[s] - in)
      take = ei->len[s] - in;
    memcpy(buf + done, ei->data + (size_t)s * ei->bsize + in, take);
    done += take;
    off += take;
    if(in + take == ei->len[s] && ei->len[s] < ei->bsize && off < end)
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
     !ei->bucket || !ei->img.images) {
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
