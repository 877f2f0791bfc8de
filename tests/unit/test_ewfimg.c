/* Unit tests of the EWF image layer and its cache (src/lib/image/ewfimg.c):
** every byte of corpus E01 images read through the cache in random order
** equals what libewf reads directly (and the MD5 stored in the image);
** CLOCK eviction with a cache of four blocks; large reads that bypass the
** cache; reads at and past the end; a damaged chunk read as libewf reads
** it; pinned blocks and the hasher's shared read (Tl_ewf_img_pin,
** Tl_ewf_img_shared_read), also on the damaged copy; the chunks inflated
** with libdeflate (compressed and stored ones). Needs $TL_CORPUS;
** skipped without it. */
#include "config.h"

#include <libewf.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/ewfimg_int.h"
#include "image/image_int.h"
#include "tap.h"

/* xorshift64*: the same sequence on every run */
static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
rnd(void)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * UINT64_C(2685821657736338717);
}

static libewf_handle_t *
ewf_open(char *const *segs, int n)
{
  libewf_handle_t *h = NULL;
  if(libewf_handle_initialize(&h, NULL) != 1)
    return NULL;
  if(libewf_handle_open(h, segs, n, LIBEWF_OPEN_READ, NULL) != 1) {
    libewf_handle_free(&h, NULL);
    return NULL;
  }
  return h;
}

static void
ewf_close(libewf_handle_t *h)
{
  if(h) {
    libewf_handle_close(h, NULL);
    libewf_handle_free(&h, NULL);
  }
}

/* The set's EWF chunk size as libewf gives it (0: none). */
static uint64_t
chunk_size(char *const *segs, int n)
{
  libewf_handle_t *h = ewf_open(segs, n);
  size32_t cs = 0;
  if(h)
    libewf_handle_get_chunk_size(h, &cs, NULL);
  ewf_close(h);
  return cs;
}

/* The whole media as libewf reads it directly, in 1 MiB steps, and the
** MD5 stored in the image ("" when none). */
static unsigned char *
reference(char *const *segs, int n, uint64_t *size, char stored[33])
{
  libewf_handle_t *h = ewf_open(segs, n);
  size64_t ms = 0;
  unsigned char *buf = NULL;
  uint64_t off;
  stored[0] = '\0';
  if(h && libewf_handle_get_utf8_hash_value_md5(h, (uint8_t *)stored, 33,
                                                NULL) != 1)
    stored[0] = '\0';
  if(!h || libewf_handle_get_media_size(h, &ms, NULL) != 1 ||
     !(buf = malloc((size_t)ms + 1)))
    goto out;
  for(off = 0; off < ms;) {
    size_t want = ms - off < (1 << 20) ? (size_t)(ms - off) : (1 << 20);
    ssize_t got = libewf_handle_read_random(h, buf + off, want,
                                            (off64_t)off, NULL);
    if(got <= 0) {
      free(buf);
      buf = NULL;
      goto out;
    }
    off += (uint64_t)got;
  }
  *size = ms;
out:
  ewf_close(h);
  return buf;
}

static void
md5_hex(const unsigned char *d, size_t n, char out[33])
{
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_DigestInit_ex(m, EVP_md5(), NULL);
  EVP_DigestUpdate(m, d, n);
  EVP_DigestFinal_ex(m, dg, &dl);
  EVP_MD_CTX_free(m);
  Tl_hex(dg, dl, out);
}

typedef struct {
  uint64_t off;
  size_t len;
} range;

/* Cut [0, size) into windows of 1 byte to 3.5 blocks, shuffle them, read
** each through img->read (the layer itself, past libtsk's own cache) into
** a copy of the media; 0 when every read returned its length and the copy
** equals ref. */
static int
read_all_shuffled(TSK_IMG_INFO *img, const unsigned char *ref, uint64_t size,
                  size_t bsize, uint64_t *n_reads, int *n_bad_reads)
{
  range *w = NULL;
  size_t n = 0, cap = 0, i;
  unsigned char *copy = calloc(1, (size_t)size + 1);
  uint64_t off = 0;
  int rc = -1;

  *n_bad_reads = 0;
  while(copy && off < size) {
    size_t len;
    uint64_t k = rnd() % 8;
    /* mostly small reads as libtsk makes, some unaligned, some large */
    len = k < 3 ? (size_t)(1 + rnd() % 512) : k < 7 ?
          (size_t)(1 + rnd() % (2 * bsize)) : (size_t)(1 + rnd() % (7 * bsize / 2));
    if(len > size - off)
      len = (size_t)(size - off);
    if(n == cap) {
      range *nw = realloc(w, sizeof(*w) * (cap = cap * 2 + 1024));
      if(!nw)
        goto out;
      w = nw;
    }
    w[n].off = off;
    w[n].len = len;
    n++;
    off += len;
  }
  for(i = n; i > 1; i--) {
    size_t j = (size_t)(rnd() % i);
    range t = w[i - 1];
    w[i - 1] = w[j];
    w[j] = t;
  }
  for(i = 0; i < n; i++) {
    ssize_t got = img->read(img, (TSK_OFF_T)w[i].off,
                            (char *)copy + w[i].off, w[i].len);
    if(got != (ssize_t)w[i].len)
      (*n_bad_reads)++;
  }
  *n_reads = n;
  rc = memcmp(copy, ref, (size_t)size) ? 1 : 0;
out:
  free(w);
  free(copy);
  return rc;
}

static void
test_image(const char *what, char *const *segs, int n, size_t cache_bytes)
{
  uint64_t size = 0, n_reads = 0;
  char err[512] = "", md5[33], want_md5[33];
  unsigned char *ref = reference(segs, n, &size, want_md5);
  TSK_IMG_INFO *img;
  Tl_ewf_cache_stats st;
  int n_bad = 0, i, r, bad_tail = 0;

  ok(ref != NULL, "%s: libewf reads the media directly (%llu bytes)", what,
     (unsigned long long)size);
  if(!ref)
    return;
  if(want_md5[0]) {
    md5_hex(ref, (size_t)size, md5);
    is_str(md5, want_md5, "%s: MD5 of libewf's reads is the stored MD5",
           what);
  }
  img = Tl_ewf_img_open(segs, n, cache_bytes, err, sizeof(err));
  ok(img != NULL, "%s: opens through the cache layer %s", what, err);
  if(!img) {
    free(ref);
    return;
  }
  is_int(img->size, size, "%s: media size as libewf gives it", what);
  Tl_ewf_img_cache_stats(img, &st);
  r = read_all_shuffled(img, ref, size, st.block_size, &n_reads, &n_bad);
  is_int(r, 0, "%s, cache of %u x %zu bytes: every byte read in %llu "
         "shuffled reads equals libewf's", what, st.n_slots, st.block_size,
         (unsigned long long)n_reads);
  is_int(n_bad, 0, "%s: every read returned its full length", what);
  /* once more in another order: now partly from the cache */
  r = read_all_shuffled(img, ref, size, st.block_size, &n_reads, &n_bad);
  is_int(r + n_bad, 0, "%s: a second shuffled pass equals libewf's too",
         what);
  Tl_ewf_img_cache_stats(img, &st);
  ok(st.used <= st.n_slots && st.misses > 0,
     "%s: %u of %u slots used, %llu hits, %llu misses", what, st.used,
     st.n_slots, (unsigned long long)st.hits, (unsigned long long)st.misses);
  /* reads that end at or cross the end of the media */
  for(i = 0; i < 50; i++) {
    char buf[4096];
    uint64_t back = 1 + rnd() % 3000;
    size_t len = 1 + (size_t)(rnd() % sizeof(buf));
    ssize_t got = img->read(img, (TSK_OFF_T)(size - back), buf, len);
    size_t want = len < back ? len : (size_t)back;
    if(got != (ssize_t)want || memcmp(buf, ref + size - back, want))
      bad_tail++;
  }
  is_int(bad_tail, 0, "%s: 50 reads across the end return what is left",
         what);
  {
    char b[16];
    is_int(img->read(img, (TSK_OFF_T)size, b, sizeof(b)), 0,
           "%s: a read at the end returns 0 bytes", what);
    is_int(img->read(img, (TSK_OFF_T)size + 1, b, sizeof(b)), -1,
           "%s: a read past the end fails", what);
  }
  tsk_img_close(img);
  free(ref);
}

/* CLOCK with four slots, one byte read from block k at a time. */
static void
test_eviction(char *const *segs, int n)
{
  char err[512] = "", b;
  TSK_IMG_INFO *img = Tl_ewf_img_open(segs, n, 1, err, sizeof(err));
  Tl_ewf_cache_stats st;
  static const struct {
    int block, hit;
    const char *why;
  } steps[] = {
    {0, 0, "block 0: miss"}, {1, 0, "block 1: miss"},
    {2, 0, "block 2: miss"}, {3, 0, "block 3: miss (4 slots full)"},
    {0, 1, "block 0 again: hit, its reference bit set"},
    {4, 0, "block 4: miss; the hand spares block 0, evicts block 1"},
    {0, 1, "block 0: still cached"},
    {2, 1, "block 2: still cached (its bit now set)"},
    {1, 0, "block 1: evicted before, a miss; the hand takes block 3"},
    {3, 0, "block 3: a miss; the hand spares block 0 again, takes block 4"},
    {4, 0, "block 4: a miss; the hand takes block 2"},
    {0, 1, "block 0: still cached"},
  };
  size_t i;
  uint64_t hits = 0, misses = 0;

  ok(img != NULL, "tiny cache: opens %s", err);
  if(!img)
    return;
  Tl_ewf_img_cache_stats(img, &st);
  is_int(st.n_slots, 4, "a 1-byte cache bound still has 4 slots (a 64 KiB "
         "read spans three blocks)");
  for(i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    ssize_t got = img->read(img, (TSK_OFF_T)steps[i].block *
                            (TSK_OFF_T)st.block_size + 7, &b, 1);
    Tl_ewf_cache_stats now;
    Tl_ewf_img_cache_stats(img, &now);
    ok(got == 1 && now.hits == hits + (uint64_t)steps[i].hit &&
       now.misses == misses + (uint64_t)!steps[i].hit, "CLOCK: %s",
       steps[i].why);
    hits = now.hits;
    misses = now.misses;
  }
  Tl_ewf_img_cache_stats(img, &st);
  is_int(st.used, 4, "four slots in use");
  /* a large read of blocks not cached goes straight to the caller */
  {
    size_t len = 6 * st.block_size;
    char *buf = malloc(len);
    ssize_t got = buf ? img->read(img, (TSK_OFF_T)(20 * st.block_size),
                                  buf, len) : -1;
    Tl_ewf_img_cache_stats(img, &st);
    ok(got == (ssize_t)len && st.hits == hits && st.misses == misses,
       "a 6-block read of uncached blocks bypasses the cache (no hit, no "
       "miss)");
    free(buf);
  }
  tsk_img_close(img);
}

/* Tl_ewf_img_cache_grow: more slots, nothing evicted, every block read
** once and kept; reads stay byte for byte libewf's. */
static void
test_grow(char *const *segs, int n)
{
  char err[512] = "", b;
  uint64_t size = 0, n_reads = 0;
  char want_md5[33];
  unsigned char *ref = reference(segs, n, &size, want_md5);
  TSK_IMG_INFO *img = Tl_ewf_img_open(segs, n, 1, err, sizeof(err));
  Tl_ewf_cache_stats st, now;
  uint32_t k, nblk, slots;
  int cached = 1, n_bad = 0;

  ok(img != NULL && ref != NULL, "grow: opens with 4 slots %s", err);
  if(!img || !ref) {
    free(ref);
    if(img)
      tsk_img_close(img);
    return;
  }
  Tl_ewf_img_cache_stats(img, &st);
  for(k = 0; k < 4; k++)
    img->read(img, (TSK_OFF_T)k * (TSK_OFF_T)st.block_size, &b, 1);
  nblk = (uint32_t)((size + st.block_size - 1) / st.block_size);
  slots = nblk < 64 ? nblk + 1 : 64;
  ok(Tl_ewf_img_cache_grow(img, 64 * st.block_size) == 1,
     "grow: to 64 blocks returns 1");
  Tl_ewf_img_cache_stats(img, &now);
  is_int(now.n_slots, slots, "grow: %u slots (64, or the media's blocks + "
         "1)", slots);
  is_int(now.used, 4, "grow: the 4 blocks read before are kept");
  for(k = 0; k < 4; k++)
    img->read(img, (TSK_OFF_T)k * (TSK_OFF_T)st.block_size, &b, 1);
  Tl_ewf_img_cache_stats(img, &st);
  is_int(st.hits - now.hits, 4, "grow: and read again from the cache");
  for(k = 0; k < slots - 1 && k < nblk; k++)
    img->read(img, (TSK_OFF_T)k * (TSK_OFF_T)st.block_size + 3, &b, 1);
  Tl_ewf_img_cache_stats(img, &now);
  for(k = 0; k < slots - 1 && k < nblk; k++)
    img->read(img, (TSK_OFF_T)k * (TSK_OFF_T)st.block_size + 5, &b, 1);
  Tl_ewf_img_cache_stats(img, &st);
  if(st.misses != now.misses)
    cached = 0;
  ok(cached, "grow: %u blocks read twice, the second time all hits "
     "(%llu misses before, %llu after)", k,
     (unsigned long long)now.misses, (unsigned long long)st.misses);
  is_int(read_all_shuffled(img, ref, size, st.block_size, &n_reads, &n_bad)
         + n_bad, 0, "grow: a shuffled pass after growing equals libewf's");
  is_int(Tl_ewf_img_cache_grow(img, 2 * st.block_size), 0,
         "grow: to fewer slots returns 0");
  tsk_img_close(img);
  free(ref);
  is_int(Tl_ewf_img_cache_grow(NULL, 1 << 20), 0, "grow: NULL returns 0");
}

/* The hasher's loop of src/lib/image/hash.c over the whole media in 1 MiB
** windows: through Tl_ewf_img_shared_read when img is given, else (and
** when it returns 0) seek and read through h, zeros for a failed window.
** The bytes go to out; the failed windows and h's checksum errors are
** counted. */
static void
hash_pass(TSK_IMG_INFO *img, libewf_handle_t *h, uint64_t size,
          unsigned char *out, int *n_failed, uint32_t *n_cs)
{
  uint64_t off = 0;
  *n_failed = 0;
  *n_cs = 0;
  while(off < size) {
    size_t want = size - off < (1 << 20) ? (size_t)(size - off) : 1 << 20;
    ssize_t got = -1;
    if(img && Tl_ewf_img_shared_read(img, h, off, out + off, want))
      got = (ssize_t)want;
    else if(libewf_handle_seek_offset(h, (off64_t)off, SEEK_SET, NULL) >= 0)
      got = libewf_handle_read_buffer(h, out + off, want, NULL);
    if(got <= 0) {
      (*n_failed)++;
      memset(out + off, 0, want);
      got = (ssize_t)want;
    }
    off += (uint64_t)got;
  }
  libewf_handle_get_number_of_checksum_errors(h, n_cs, NULL);
}

/* Tl_ewf_img_pin and Tl_ewf_img_shared_read: pinned blocks inflated once,
** by the reads of the image or by the hasher's pass, and every byte as
** libewf reads it. */
static void
test_pins(const char *what, char *const *segs, int n)
{
  char err[512] = "", b;
  uint64_t size = 0, n_reads = 0, nblk, bs;
  char want_md5[33];
  unsigned char *ref = reference(segs, n, &size, want_md5), *out = NULL;
  TSK_IMG_INFO *img = Tl_ewf_img_open(segs, n, 1, err, sizeof(err));
  libewf_handle_t *h = ewf_open(segs, n);
  Tl_ewf_cache_stats st;
  int n_bad = 0, n_failed = 0;
  uint32_t n_cs = 0;
  uint64_t ranges[3][2];

  ok(img && ref && h, "pins, %s: opens %s", what, err);
  if(!img || !ref || !h)
    goto out;
  Tl_ewf_img_cache_stats(img, &st);
  bs = st.block_size;
  nblk = (size + bs - 1) / bs;
  if(nblk < 10) {
    ok(0, "pins, %s: the media (%llu bytes) has fewer than 10 blocks", what,
       (unsigned long long)size);
    goto out;
  }
  /* blocks 2-5, 4-5 again, and the short last block */
  ranges[0][0] = 2 * bs + 100;
  ranges[0][1] = 5 * bs + 7;
  ranges[1][0] = 4 * bs;
  ranges[1][1] = 6 * bs;
  ranges[2][0] = size - 10;
  ranges[2][1] = size + 5000;
  is_int(Tl_ewf_img_pin(img, (const uint64_t (*)[2])ranges, 3, 4 * bs), 0,
         "pins, %s: 5 blocks do not fit in 4 blocks' bytes", what);
  is_int(Tl_ewf_img_pin(img, (const uint64_t (*)[2])ranges, 3, 5 * bs), 5,
         "pins, %s: blocks 2, 3, 4, 5 and the last pinned", what);
  is_int(Tl_ewf_img_pin(img, (const uint64_t (*)[2])ranges, 3, 5 * bs), 0,
         "pins, %s: a second pin returns 0", what);
  img->read(img, (TSK_OFF_T)(2 * bs + 1), &b, 1);
  img->read(img, (TSK_OFF_T)(3 * bs + 1), &b, 1);
  img->read(img, (TSK_OFF_T)(3 * bs + 2), &b, 1);
  Tl_ewf_img_cache_stats(img, &st);
  ok(st.pinned == 5 && st.pin_walk_fills == 2 && st.misses == 2 &&
     st.hits == 1, "pins, %s: blocks 2 and 3 read: 2 fills, 2 misses, 1 "
     "hit (%u pinned, %llu fills, %llu misses, %llu hits)", what, st.pinned,
     (unsigned long long)st.pin_walk_fills, (unsigned long long)st.misses,
     (unsigned long long)st.hits);
  ok(st.fast_walk == 2 * (bs / chunk_size(segs, n)),
     "pins, %s: both blocks inflated with libdeflate (%llu chunks)", what,
     (unsigned long long)st.fast_walk);
  is_int(Tl_ewf_img_shared_read(img, h, 100, (uint8_t *)&b, 1), 0,
         "pins, %s: a shared read not on a block boundary returns 0", what);
  out = malloc((size_t)size);
  if(!out)
    goto out;
  hash_pass(img, h, size, out, &n_failed, &n_cs);
  ok(!memcmp(out, ref, (size_t)size) && !n_failed && !n_cs,
     "pins, %s: the hasher's shared pass equals libewf's reads", what);
  Tl_ewf_img_cache_stats(img, &st);
  ok(st.pin_hash_taken == 2 && st.pin_hash_fills == 3,
     "pins, %s: the hasher took blocks 2, 3 and filled 4, 5 and the last "
     "(%llu taken, %llu filled)", what,
     (unsigned long long)st.pin_hash_taken,
     (unsigned long long)st.pin_hash_fills);
  {
    uint64_t cs = chunk_size(segs, n);
    ok(st.fast_hash == (size - 2 * bs + cs - 1) / cs,
       "pins, %s: the hasher inflated every other chunk with libdeflate "
       "(%llu)", what, (unsigned long long)st.fast_hash);
  }
  {
    uint64_t m0 = st.misses;
    img->read(img, (TSK_OFF_T)(4 * bs + 1), &b, 1);
    img->read(img, (TSK_OFF_T)(size - 1), &b, 1);
    Tl_ewf_img_cache_stats(img, &st);
    ok(st.misses == m0 && st.pin_walk_fills == 2,
       "pins, %s: blocks the hasher filled read as hits", what);
  }
  is_int(read_all_shuffled(img, ref, size, bs, &n_reads, &n_bad) + n_bad, 0,
         "pins, %s: a shuffled pass with pinned blocks equals libewf's",
         what);
out:
  if(img)
    tsk_img_close(img);
  ewf_close(h);
  free(ref);
  free(out);
  is_int(Tl_ewf_img_pin(NULL, NULL, 0, 1), 0, "pins: NULL image returns 0");
}

/* A copy of the E01 with bytes changed in the compressed chunk data:
** every window reads through the layer as libewf reads it directly. */
static void
test_damaged(const char *src)
{
  char path[] = "/tmp/tl-ewfimg-XXXXXX";
  char *segs[2] = {path, NULL}, err[512] = "";
  unsigned char *data = NULL;
  FILE *f;
  long size;
  int fd = mkstemp(path), diff = 0, n_fail = 0, i;
  TSK_IMG_INFO *img = NULL;
  libewf_handle_t *h = NULL;
  static const unsigned char junk[8] = {0xde, 0xad, 0xbe, 0xef, 0xde, 0xad,
                                        0xbe, 0xef};

  if(fd < 0 || !(f = fopen(src, "rb"))) {
    ok(0, "damaged E01: cannot make a copy");
    return;
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  rewind(f);
  data = malloc((size_t)size);
  if(data && fread(data, 1, (size_t)size, f) == (size_t)size && size > 60000) {
    memcpy(data + 50000, junk, sizeof(junk));
    if(write(fd, data, (size_t)size) != size)
      size = 0;
  }
  fclose(f);
  close(fd);
  img = Tl_ewf_img_open(segs, 1, 0, err, sizeof(err));
  h = ewf_open(segs, 1);
  ok(img && h, "damaged E01: opens through the layer and through libewf %s",
     err);
  for(i = 0; img && h && i < 400; i++) {
    char a[70000], b[70000];
    uint64_t off = rnd() % (uint64_t)img->size;
    size_t len = 1 + (size_t)(rnd() % sizeof(a));
    ssize_t ga = img->read(img, (TSK_OFF_T)off, a, len);
    ssize_t gb = libewf_handle_read_random(h, b, len, (off64_t)off, NULL);
    if(ga < 0)
      n_fail++;
    if(ga != gb || (ga > 0 && memcmp(a, b, (size_t)ga)))
      diff++;
  }
  is_int(diff, 0, "damaged E01: 400 random reads equal libewf's (%d failed "
         "in both)", n_fail);
  if(img)
    tsk_img_close(img);
  ewf_close(h);
  /* the hasher's pass with every block pinned, after the walk read a
  ** random half of them, against the pass without sharing: the same
  ** bytes, failed windows and checksum errors */
  img = Tl_ewf_img_open(segs, 1, 0, err, sizeof(err));
  h = ewf_open(segs, 1);
  if(img && h) {
    uint64_t all[1][2] = {{0, (uint64_t)img->size}}, sz = (uint64_t)img->size;
    unsigned char *x = malloc((size_t)sz), *y = malloc((size_t)sz);
    libewf_handle_t *h2 = ewf_open(segs, 1);
    int fx = 0, fy = 0;
    uint32_t cx = 0, cy = 0;
    Tl_ewf_cache_stats st;
    char c[4096];
    ok(Tl_ewf_img_pin(img, (const uint64_t (*)[2])all, 1,
                      (size_t)sz + (1 << 20)) > 0,
       "damaged E01: every block pinned");
    /* the upper half first (clean: shared), then anywhere (once the walk
    ** has met the bad chunk, what it inflates stays its own) */
    for(i = 0; i < 200; i++)
      img->read(img, (TSK_OFF_T)(sz / 2 + rnd() % (sz / 2)), c, sizeof(c));
    for(i = 0; i < 200; i++)
      img->read(img, (TSK_OFF_T)(rnd() % sz), c, sizeof(c));
    if(x && y && h2) {
      hash_pass(img, h, sz, x, &fx, &cx);
      hash_pass(NULL, h2, sz, y, &fy, &cy);
      Tl_ewf_img_cache_stats(img, &st);
      ok(!memcmp(x, y, (size_t)sz) && fx == fy && cx == cy && cx > 0 &&
         st.pin_hash_taken > 0,
         "damaged E01: the shared pass (%llu blocks taken) gives the bytes, "
         "%d failed windows and %u checksum errors of the plain one (%d, "
         "%u)", (unsigned long long)st.pin_hash_taken, fx, cx, fy, cy);
    }
    else
      ok(0, "damaged E01: out of memory");
    free(x);
    free(y);
    ewf_close(h2);
  }
  else
    ok(0, "damaged E01: opens again %s", err);
  if(img)
    tsk_img_close(img);
  ewf_close(h);
  free(data);
  unlink(path);
}

int
main(void)
{
  const char *corpus = getenv("TL_CORPUS");
  char p1[4096], p2[4096], p3[4096];
  char *one[2] = {p1, NULL}, *two[3] = {p2, p3, NULL};

  if(!corpus || access(corpus, R_OK)) {
    printf("1..0 # SKIP corpus not found (TL_CORPUS)\n");
    return 0;
  }
  snprintf(p1, sizeof(p1), "%s/sleuthkit/test/data/imageformat_mmls_1.E01",
           corpus);
  snprintf(p2, sizeof(p2), "%s/dfvfs/test_data/ext2.split.E01", corpus);
  snprintf(p3, sizeof(p3), "%s/dfvfs/test_data/ext2.split.E02", corpus);

  test_image("imageformat_mmls_1.E01", one, 1, 0);
  test_image("imageformat_mmls_1.E01, 4-block cache", one, 1, 1);
  test_image("ext2.split.E01+E02", two, 2, 0);
  test_image("ext2.split.E01+E02, 4-block cache", two, 2, 1);
  test_eviction(one, 1);
  test_grow(one, 1);
  test_grow(two, 2);
  test_pins("imageformat_mmls_1.E01", one, 1);
  test_pins("ext2.split.E01+E02", two, 2);
  snprintf(p3, sizeof(p3), "%s/sleuthkit/test/data/image.E01", corpus);
  test_damaged(p3);
  return done_testing();
}
