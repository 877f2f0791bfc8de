/*
** Raw image layer for libtsk over read-only memory maps.
**
** libtsk's own raw reader serves every read of 64 KiB or less through its
** image cache: a miss reads 64 KiB from the file into a cache entry and
** copies the asked bytes out of it. An NTFS walk reads 1 KiB MFT records
** and 4 KiB index records all over the MFT, so most of those 64 KiB fills
** serve one small read (100,000 files: 15,656 fills, 1.03 GB copied).
**
** Here each segment file is mapped PROT_READ (the evidence is never
** written) and a read is a memcpy of exactly the asked bytes. libtsk 4.11
** offers an external image no way around its cache, but when the read
** callback fails a cache fill, tsk_img_read() reads the asked range again
** with the callback straight into the caller's buffer (tsk_img_read_no_cache,
** rounded up to whole sectors). So a fill of libtsk's cache (a destination
** inside img->cache) is refused, without an error set, and the read that
** follows is served from the map: no 64 KiB copy, no system call.
**
** The segment list, media size and sector size are those libtsk's raw
** opener found (Tl_raw_img_adopt takes over an image it opened), so split
** sets, sizes and errors are libtsk's. A segment that cannot be mapped is
** read with pread of exactly the asked range (libtsk's cache then works as
** before: fills are refused only when every segment is mapped). Devices
** stay with libtsk's reader: a read error on a mapped device would be a
** SIGBUS, not a warning. Reads past the media fail with libtsk raw's
** errors, and a read across its end is short, as before.
**
** Pages of a map count in the process's RSS once touched, and an NTFS
** walk touches its whole MFT (1 GB at 1,000,000 files), so what may be
** mapped in is bounded (TL_RAW_MAP_RESIDENT): the maps start on a 2 MiB
** boundary and are cut in 2 MiB pieces (the kernel's fault-around and
** the page cache's large folios stay inside one); a piece read enters a
** CLOCK of slots, and the pages of the piece the hand takes are dropped
** from the map with MADV_DONTNEED (the page cache keeps them; a later
** read faults them in again).
**
** A mapped file that shrinks while it is read, or an I/O error under a
** map, is a SIGBUS where pread reports an error: a handler (installed
** once; other SIGBUS go to the handler there was before) jumps back to
** the copy, which fails the read with a TSK error as libtsk's reader
** does. Devices are not mapped.
**
** libtsk calls read() under the image's cache_lock, so the CLOCK and the
** counters need no lock of their own.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/rawimg_int.h"

typedef struct {
  TSK_IMG_INFO img;       /* first: libtsk casts to and from this */
  int n;
  int *fd;                /* -1 once mapped */
  const uint8_t **map;    /* NULL: read with pread */
  uint64_t *start;        /* media offset of each segment */
  uint64_t *size;
  int all_mapped;
  int n_mapped;
  /* the pieces of the maps whose pages may be mapped in (the top of the
  ** file), in a hash table: per slot the key (segment << 40 | piece), the
  ** next slot in its chain and the CLOCK reference bit */
  uint32_t n_slots, used, hand, bucket_mask;
  uint32_t *bucket, *s_next;
  uint64_t *s_key;
  uint8_t *s_ref;
  uint64_t reads, bytes, fills_refused, preads, evictions;
} raw_img;

#define PIECE ((uint64_t)2 << 20)    /* the unit of what is mapped in */
#define ALIGN PIECE                  /* where the maps start */
#define NO_SLOT UINT32_MAX

static void
raw_img_free(raw_img *ri)
{
  int i;
  if(!ri)
    return;
  for(i = 0; i < ri->n; i++) {
    if(ri->map && ri->map[i])
      munmap((void *)ri->map[i], (size_t)ri->size[i]);
    if(ri->fd && ri->fd[i] >= 0)
      close(ri->fd[i]);
  }
  free(ri->bucket);
  free(ri->s_next);
  free(ri->s_key);
  free(ri->s_ref);
  if(ri->img.images) {
    for(i = 0; i < ri->img.num_img; i++)
      free(ri->img.images[i]);
    free(ri->img.images);
  }
  free(ri->fd);
  free(ri->map);
  free(ri->start);
  free(ri->size);
  ri->img.tag = 0;
  free(ri);
}

static inline uint32_t
bucket_of(const raw_img *ri, uint64_t k)
{
  k *= UINT64_C(0x9E3779B97F4A7C15);
  return (uint32_t)(k >> 32) & ri->bucket_mask;
}

/* Piece p of segment i may now have pages mapped in: give it a slot,
** dropping from the map the pages of the piece the CLOCK hand takes. */
static void
piece_touch(raw_img *ri, int i, uint64_t p)
{
  uint64_t key = (uint64_t)i << 40 | p;
  uint32_t b = bucket_of(ri, key), s = ri->bucket[b], *pp;
  while(s != NO_SLOT && ri->s_key[s] != key)
    s = ri->s_next[s];
  if(s != NO_SLOT) {
    ri->s_ref[s] = 1;
    return;
  }
  if(ri->used < ri->n_slots)
    s = ri->used++;
  else {
    int vi;
    uint64_t vo;
    size_t vl;
    for(;;) {
      s = ri->hand;
      ri->hand = s + 1 == ri->n_slots ? 0 : s + 1;
      if(!ri->s_ref[s])
        break;
      ri->s_ref[s] = 0;
    }
    vi = (int)(ri->s_key[s] >> 40);
    vo = (ri->s_key[s] & ((UINT64_C(1) << 40) - 1)) * PIECE;
    vl = ri->size[vi] - vo < PIECE ? (size_t)(ri->size[vi] - vo)
                                   : (size_t)PIECE;
    /* the file's pages stay in the page cache; only this process's
    ** mapping of them goes (nothing is written: PROT_READ) */
    madvise((void *)(ri->map[vi] + vo), vl, MADV_DONTNEED);
    pp = &ri->bucket[bucket_of(ri, ri->s_key[s])];
    while(*pp != s)
      pp = &ri->s_next[*pp];
    *pp = ri->s_next[s];
    ri->evictions++;
  }
  ri->s_key[s] = key;
  ri->s_ref[s] = 0;
  ri->s_next[s] = ri->bucket[b];
  ri->bucket[b] = s;
}

/* A SIGBUS in a copy from a map (the file shrank, or an I/O error under
** it) jumps back to the copy, which reports a read error; any other
** SIGBUS goes to the handler there was before. */
static _Thread_local sigjmp_buf *volatile bus_jmp;
static struct sigaction bus_old;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;
static int bus_ok;

static void
bus_handler(int sig, siginfo_t *si, void *uc)
{
  sigjmp_buf *j = bus_jmp;
  if(j) {
    bus_jmp = NULL;
    siglongjmp(*j, 1);
  }
  if(bus_old.sa_flags & SA_SIGINFO) {
    if(bus_old.sa_sigaction)
      bus_old.sa_sigaction(sig, si, uc);
  }
  else if(bus_old.sa_handler == SIG_DFL) {
    /* the fault happens again on return, with the default action */
    signal(SIGBUS, SIG_DFL);
  }
  else if(bus_old.sa_handler != SIG_IGN)
    bus_old.sa_handler(sig);
}

static void
bus_install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = bus_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  bus_ok = sigaction(SIGBUS, &sa, &bus_old) == 0;
}

/* Copy [rel, rel + len) of mapped segment i, piece by piece. */
static void
copy_pieces(raw_img *ri, int i, uint64_t rel, char *dst, size_t len)
{
  while(len) {
    uint64_t p = rel / PIECE;
    size_t take = (size_t)((p + 1) * PIECE - rel);
    if(take > len)
      take = len;
    piece_touch(ri, i, p);
    memcpy(dst, ri->map[i] + rel, take);
    dst += take;
    rel += take;
    len -= take;
  }
}

/* copy_pieces(): 0, or -1 with the TSK error set when the map could not
** be read (a SIGBUS). */
static int
map_copy(raw_img *ri, int i, uint64_t rel, char *dst, size_t len)
{
  raw_img *volatile vri = ri;
  volatile int vi = i;
  volatile uint64_t vrel = rel;
  volatile size_t vlen = len;
  char *volatile vdst = dst;
  sigjmp_buf j;
  if(sigsetjmp(j, 0)) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("raw_read: file \"%s\" offset: %" PRIu64
                         " read len: %zu - bus error reading the mapped "
                         "file (it is shorter than when it was opened, or "
                         "an I/O error)", vri->img.images[vi],
                         (uint64_t)vrel, (size_t)vlen);
    return -1;
  }
  bus_jmp = &j;
  copy_pieces(vri, vi, vrel, vdst, vlen);
  bus_jmp = NULL;
  return 0;
}

static ssize_t
raw_img_read(TSK_IMG_INFO *img, TSK_OFF_T aoff, char *buf, size_t len)
{
  raw_img *ri = (raw_img *)img;
  uint64_t off = (uint64_t)aoff;
  size_t done = 0;
  int lo, hi, i;

  if(aoff < 0 || aoff > img->size) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("raw_read: offset %" PRId64 " too large",
                         (int64_t)aoff);
    return -1;
  }
  /* a fill of libtsk's cache: refused, so that libtsk reads the asked
  ** range itself, straight from the map (the top of the file) */
  if(ri->all_mapped && buf >= img->cache[0] &&
     buf < img->cache[0] + sizeof(img->cache)) {
    ri->fills_refused++;
    return -1;
  }
  /* the segment the offset is in: the last one that starts at or before */
  lo = 0;
  hi = ri->n;
  while(hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if(ri->start[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  i = lo;
  while(i < ri->n && off >= ri->start[i] + ri->size[i])
    i++;  /* past empty segments */
  if(i >= ri->n) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("raw_read: offset %" PRId64
                         " not found in any segments", (int64_t)aoff);
    return -1;
  }
  ri->reads++;
  for(; len && i < ri->n; i++) {
    uint64_t rel = off - ri->start[i];
    size_t take = ri->size[i] - rel < len ? (size_t)(ri->size[i] - rel)
                                          : len;
    if(!take)
      continue;
    if(ri->map[i]) {
      if(map_copy(ri, i, rel, buf + done, take) < 0)
        return -1;  /* as libtsk's reader after a failed read */
    }
    else {
      ssize_t n = pread(ri->fd[i], buf + done, take, (off_t)rel);
      ri->preads++;
      if(n < 0) {
        int e = errno;
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ);
        tsk_error_set_errstr("raw_read: file \"%s\" offset: %" PRIu64
                             " read len: %zu - %s", img->images[i], rel,
                             take, strerror(e));
        return -1;
      }
      if((size_t)n < take) {  /* the file shrank: short, as libtsk */
        done += (size_t)n;
        break;
      }
    }
    done += take;
    off += take;
    len -= take;
  }
  ri->bytes += done;
  return (ssize_t)done;
}

static void
raw_img_stat(TSK_IMG_INFO *img, FILE *f)
{
  raw_img *ri = (raw_img *)img;
  int i;
  fprintf(f, "IMAGE FILE INFORMATION\n");
  fprintf(f, "--------------------------------------------\n");
  fprintf(f, "Image Type: raw\n");
  fprintf(f, "\nSize in bytes: %" PRId64 "\n", (int64_t)img->size);
  fprintf(f, "Sector size:\t%u\n", img->sector_size);
  if(ri->n > 1) {
    fprintf(f, "\n--------------------------------------------\n");
    fprintf(f, "Split Information:\n");
    for(i = 0; i < ri->n; i++)
      fprintf(f, "%s  (%" PRIu64 " to %" PRId64 ")\n", img->images[i],
              ri->start[i], (int64_t)(ri->start[i] + ri->size[i]) - 1);
  }
  fprintf(f, "Memory-mapped segments:\t%d of %d\n", ri->n_mapped, ri->n);
}

/* tsk_img_close() has already torn down the cache lock. */
static void
raw_img_close(TSK_IMG_INFO *img)
{
  raw_img *ri = (raw_img *)img;
  const char *e = getenv("TOUCHLINE_TIMING");
  if(e && *e && strcmp(e, "0"))
    fprintf(stderr, "timing: raw image: %" PRIu64 " reads (%" PRIu64
            " bytes) from %d of %d segments mapped, %" PRIu64 " libtsk "
            "cache fills refused, %" PRIu64 " preads, %" PRIu64
            " map pieces dropped\n", ri->reads, ri->bytes, ri->n_mapped,
            ri->n, ri->fills_refused, ri->preads, ri->evictions);
  raw_img_free(ri);
}

/* The most of the maps that may be mapped in at once. */
static size_t
resident_bytes(void)
{
#ifdef TL_TEST_HOOKS
  const char *e = getenv("TOUCHLINE_TEST_RAWMAP_RESIDENT");
  if(e && *e)
    return (size_t)strtoull(e, NULL, 10);
#endif
  return TL_RAW_MAP_RESIDENT;
}

/* A read-only map of the len bytes of fd at an address aligned to 2 MiB,
** so that the pages the kernel maps in around a fault (fault-around: an
** aligned 64 KiB window, by default) stay in the piece that was touched;
** NULL when it cannot be made. */
static uint8_t *
map_aligned(int fd, size_t len)
{
  size_t span = len + (size_t)ALIGN;
  uint8_t *r, *a;
  void *m;
  if(span < len)
    return NULL;
  r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if(r == MAP_FAILED)
    return NULL;
  a = (uint8_t *)(((uintptr_t)r + (uintptr_t)ALIGN - 1) &
                  ~((uintptr_t)ALIGN - 1));
  m = mmap(a, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
  if(m == MAP_FAILED) {
    munmap(r, span);
    return NULL;
  }
  /* the reservation around it goes */
  if(a > r)
    munmap(r, (size_t)(a - r));
  {
    uint8_t *end = a + ((len + 4095) & ~(size_t)4095), *rend = r + span;
    if(rend > end)
      munmap(end, (size_t)(rend - end));
  }
  return a;
}

/* The file to map for fd: fd, or under the test hook
** TOUCHLINE_TEST_RAWMAP_BUSFILE another (shorter) file, whose missing
** end reads as a SIGBUS. */
static int
map_fd(int fd)
{
#ifdef TL_TEST_HOOKS
  static int other = -1;
  const char *e = getenv("TOUCHLINE_TEST_RAWMAP_BUSFILE");
  if(e && *e) {
    if(other < 0)
      other = open(e, O_RDONLY | O_CLOEXEC);
    if(other >= 0)
      return other;
  }
#endif
  return fd;
}

TSK_IMG_INFO *
Tl_raw_img_adopt(TSK_IMG_INFO *raw)
{
  raw_img *ri;
  TSK_IMG_INFO *img;
  uint64_t sum = 0;
  int i, n;

  if(!raw || raw->itype != TSK_IMG_TYPE_RAW || raw->num_img < 1 ||
     !raw->images || raw->size <= 0)
    return raw;
#ifdef TL_TEST_HOOKS
  if(getenv("TOUCHLINE_TEST_RAWMAP_OFF"))
    return raw;  /* tests and benches: libtsk's raw reader */
#endif
  n = raw->num_img;
  if(!(ri = calloc(1, sizeof(*ri))))
    return raw;
  ri->fd = malloc((size_t)n * sizeof(*ri->fd));
  ri->map = calloc((size_t)n, sizeof(*ri->map));
  ri->start = calloc((size_t)n, sizeof(*ri->start));
  ri->size = calloc((size_t)n, sizeof(*ri->size));
  ri->img.images = calloc((size_t)n, sizeof(*ri->img.images));
  {
    size_t slots = resident_bytes() / PIECE, nb;
    if(slots < 1)
      slots = 1;  /* a read is copied a piece at a time */
    if(slots > (1u << 24))
      slots = 1u << 24;
    for(nb = 16; nb < 2 * slots; nb *= 2)
      ;
    ri->n_slots = (uint32_t)slots;
    ri->bucket_mask = (uint32_t)(nb - 1);
    ri->bucket = malloc(nb * sizeof(*ri->bucket));
    ri->s_next = malloc(slots * sizeof(*ri->s_next));
    ri->s_key = malloc(slots * sizeof(*ri->s_key));
    ri->s_ref = calloc(slots, 1);
    if(ri->bucket)
      memset(ri->bucket, 0xff, nb * sizeof(*ri->bucket));  /* NO_SLOT */
  }
  if(!ri->fd || !ri->map || !ri->start || !ri->size || !ri->img.images ||
     !ri->bucket || !ri->s_next || !ri->s_key || !ri->s_ref)
    goto keep;
  for(i = 0; i < n; i++)
    ri->fd[i] = -1;
  ri->n = n;
  for(i = 0; i < n; i++) {
    struct stat sb;
    void *m;
    if(!(ri->img.images[i] = strdup(raw->images[i])))
      goto keep;
    ri->img.num_img = i + 1;
    ri->fd[i] = open(raw->images[i], O_RDONLY | O_CLOEXEC);
    if(ri->fd[i] < 0 || fstat(ri->fd[i], &sb) != 0 || !S_ISREG(sb.st_mode))
      goto keep;  /* a device (or gone): libtsk's reader */
    ri->start[i] = sum;
    ri->size[i] = (uint64_t)sb.st_size;
    sum += (uint64_t)sb.st_size;
    if(sb.st_size == 0 || (uint64_t)sb.st_size > SIZE_MAX)
      continue;
#ifdef TL_TEST_HOOKS
    {
      /* tests: segment k (0-based) read with pread, as if mmap failed */
      const char *e = getenv("TOUCHLINE_TEST_RAWMAP_NOMAP");
      if(e && *e && atoi(e) == i)
        continue;
    }
#endif
    pthread_once(&bus_once, bus_install);
    if(!bus_ok || !(m = map_aligned(map_fd(ri->fd[i]), (size_t)sb.st_size)))
      continue;  /* read with pread */
    ri->map[i] = m;
    ri->n_mapped++;
    close(ri->fd[i]);
    ri->fd[i] = -1;
  }
  /* the files must be what libtsk measured, and mapping must have worked
  ** somewhere for this layer to gain anything */
  if(sum != (uint64_t)raw->size || !ri->n_mapped)
    goto keep;
  ri->all_mapped = ri->n_mapped == n;
  tsk_error_reset();
  img = tsk_img_open_external(ri, raw->size, raw->sector_size, raw_img_read,
                              raw_img_close, raw_img_stat);
  if(!img) {
    tsk_error_reset();
    goto keep;
  }
  tsk_img_close(raw);
  return img;
keep:
  raw_img_free(ri);
  return raw;
}

int
Tl_raw_img_is_ours(const TSK_IMG_INFO *img)
{
  return img && img->read == raw_img_read;
}

void
Tl_raw_img_stats_get(const TSK_IMG_INFO *img, Tl_raw_img_stats *st)
{
  const raw_img *ri = (const raw_img *)img;
  memset(st, 0, sizeof(*st));
  if(!Tl_raw_img_is_ours(img))
    return;
  st->reads = ri->reads;
  st->bytes = ri->bytes;
  st->fills_refused = ri->fills_refused;
  st->preads = ri->preads;
  st->evictions = ri->evictions;
  st->n_mapped = ri->n_mapped;
  st->n_segments = ri->n;
}
