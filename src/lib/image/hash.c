/*
** MD5, SHA-1 and SHA-256 of the media stream, computed in a thread of its
** own while the walker reads metadata: the walk is seek-bound and the hash
** is a sequential read, so the two overlap on two cores. EWF media are read
** through libewf directly so that chunk checksum errors are counted.
**
** The SHA-256 of each container file comes out of the same pass, at the
** least cost the container allows:
**  - one raw file: the media stream is the file, its SHA-256 is reused;
**  - split raw: the stream is the files one after the other, so the bytes
**    just hashed for the media also feed the SHA-256 of the file they came
**    from (a second SHA-256 over the data, no second read);
**  - EWF and the other containers: the files are read alongside, each
**    step of the media read followed by the same fraction of the files.
**    libewf has just read those compressed bytes, so they come from the
**    page cache, and they are fewer than the media bytes.
** A file whose bytes could not all be read gets no SHA-256.
*/
#include "config.h"

#include <libewf.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/ewfimg_int.h"
#include "image/image_int.h"

#define HASH_CHUNK (1024 * 1024)

struct Tl_hasher {
  pthread_t thread;
  TSK_IMG_INFO *img;        /* own handle (non-EWF) */
  libewf_handle_t *ewf;     /* own handle (EWF) */
  TSK_IMG_INFO *share;      /* EWF: the walk's image, whose pinned blocks
                            ** are shared (Tl_ewf_img_shared_read) */
  uint64_t size;
  int want_sha1;
  /* per container file (see the top of the file) */
  Tl_segment *seg;          /* im->seg: results are written there */
  int n_seg;
  int seg_mode;             /* SEG_* */
  char **seg_path;
  EVP_MD_CTX **seg_md;      /* SEG_STREAM, SEG_FILES */
  uint8_t *seg_bad;         /* a read of this file failed */
  uint64_t *seg_end;        /* SEG_STREAM: media offset where file i ends */
  int cur;                  /* SEG_FILES: file being read, and where */
  int cur_fd;
  uint64_t cur_off;
  uint64_t files_total, files_done;
  atomic_uint_fast64_t done;
  atomic_int stop;
  atomic_int finished;
  /* results, written by the thread before it finishes */
  char md5[33], sha1[41], sha256[65];
  uint64_t n_read_errors;
  tl_rc rc;
  char err[512];
};

enum { SEG_NONE, SEG_SAME, SEG_STREAM, SEG_FILES };

void
Tl_hex(const unsigned char *d, unsigned n, char *out)
{
  static const char hx[] = "0123456789abcdef";
  unsigned i;
  for(i = 0; i < n; i++) {
    out[2 * i] = hx[d[i] >> 4];
    out[2 * i + 1] = hx[d[i] & 15];
  }
  out[2 * n] = '\0';
}

/* SEG_STREAM: the media bytes [off, off + len) also belong to files. */
static void
seg_stream(Tl_hasher *h, uint64_t off, const unsigned char *buf, size_t len,
           int bad)
{
  while(len && h->cur < h->n_seg) {
    uint64_t end = h->seg_end[h->cur];
    size_t take;
    if(off >= end) {
      h->cur++;
      continue;
    }
    take = end - off < len ? (size_t)(end - off) : len;
    if(bad)
      h->seg_bad[h->cur] = 1;
    else
      EVP_DigestUpdate(h->seg_md[h->cur], buf, take);
    buf += take;
    off += take;
    len -= take;
  }
}

/* SEG_FILES: hash the container files up to byte upto of their total,
** through buf (HASH_CHUNK bytes). */
static void
seg_files(Tl_hasher *h, uint64_t upto, unsigned char *buf)
{
  while(h->files_done < upto && h->cur < h->n_seg) {
    uint64_t fsize = (uint64_t)h->seg[h->cur].size, want;
    ssize_t got;
    if(h->cur_off >= fsize) {
      if(h->cur_fd >= 0)
        close(h->cur_fd);
      h->cur_fd = -1;
      h->cur++;
      h->cur_off = 0;
      continue;
    }
    want = fsize - h->cur_off;
    if(want > upto - h->files_done)
      want = upto - h->files_done;
    if(want > HASH_CHUNK)
      want = HASH_CHUNK;
    got = -1;
    if(h->cur_fd < 0 && !h->seg_bad[h->cur])
      h->cur_fd = open(h->seg_path[h->cur], O_RDONLY);
    if(h->cur_fd >= 0)
      got = pread(h->cur_fd, buf, (size_t)want, (off_t)h->cur_off);
    if(got <= 0) {
      /* unreadable or shorter than at open: no SHA-256 for this file */
      h->seg_bad[h->cur] = 1;
      got = (ssize_t)(fsize - h->cur_off);
      if((uint64_t)got > upto - h->files_done)
        got = (ssize_t)(upto - h->files_done);
    }
    else
      EVP_DigestUpdate(h->seg_md[h->cur], buf, (size_t)got);
    h->cur_off += (uint64_t)got;
    h->files_done += (uint64_t)got;
  }
}

static void
seg_results(Tl_hasher *h, const char *media_sha256, int media_bad)
{
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  int i;
  if(h->seg_mode == SEG_SAME) {
    if(!media_bad)
      memcpy(h->seg[0].sha256, media_sha256, 65);
    return;
  }
  for(i = 0; i < h->n_seg && h->seg_md; i++) {
    EVP_DigestFinal_ex(h->seg_md[i], dg, &dl);
    if(!h->seg_bad[i])
      Tl_hex(dg, dl, h->seg[i].sha256);
  }
}

static void *
hash_main(void *arg)
{
  Tl_hasher *h = arg;
  EVP_MD_CTX *m5 = EVP_MD_CTX_new(), *s1 = NULL, *s256 = EVP_MD_CTX_new();
  unsigned char *buf = malloc(HASH_CHUNK), dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  uint64_t off = 0;
  int bad;

  if(h->want_sha1)
    s1 = EVP_MD_CTX_new();
  if(!m5 || !s256 || !buf || (h->want_sha1 && !s1)) {
    h->rc = TL_NOMEM;
    snprintf(h->err, sizeof(h->err), "out of memory");
    goto done;
  }
  EVP_DigestInit_ex(m5, EVP_md5(), NULL);
  EVP_DigestInit_ex(s256, EVP_sha256(), NULL);
  if(s1)
    EVP_DigestInit_ex(s1, EVP_sha1(), NULL);

  while(off < h->size && !atomic_load(&h->stop)) {
    size_t want = h->size - off < HASH_CHUNK ? (size_t)(h->size - off) :
                  HASH_CHUNK;
    ssize_t got;
    if(h->ewf && h->share &&
       Tl_ewf_img_shared_read(h->share, h->ewf, off, buf, want))
      got = (ssize_t)want;
    else if(h->ewf) {
      libewf_error_t *e = NULL;
      /* read sequentially; after a failed read, seek past the chunk */
      if(libewf_handle_seek_offset(h->ewf, (off64_t)off, SEEK_SET, &e) < 0)
        got = -1;
      else
        got = libewf_handle_read_buffer(h->ewf, buf, want, &e);
      if(got < 0 && e) {
        libewf_error_sprint(e, h->err, sizeof(h->err));
        libewf_error_free(&e);
      }
    }
    else {
      got = tsk_img_read(h->img, (TSK_OFF_T)off, (char *)buf, want);
      if(got < 0) {
        char t[400];
        snprintf(h->err, sizeof(h->err), "%s", Tl_tsk_errstr(t, sizeof(t)));
      }
    }
    if(got <= 0) {
      /* Unreadable: hash zeros in its place (as ewfacquire does), count
      ** it, and go on so the rest of the stream is still covered. */
      h->n_read_errors++;
      memset(buf, 0, want);
      got = -(ssize_t)want;
    }
    bad = got < 0;
    if(bad)
      got = -got;
    EVP_DigestUpdate(m5, buf, (size_t)got);
    EVP_DigestUpdate(s256, buf, (size_t)got);
    if(s1)
      EVP_DigestUpdate(s1, buf, (size_t)got);
    if(h->seg_mode == SEG_STREAM)
      seg_stream(h, off, buf, (size_t)got, bad);
    off += (uint64_t)got;
    atomic_store(&h->done, off);
    if(h->seg_mode == SEG_FILES)
      seg_files(h, (uint64_t)((long double)h->files_total * off / h->size),
                buf);
  }
  if(atomic_load(&h->stop))
    goto done;
  if(h->seg_mode == SEG_FILES)
    seg_files(h, h->files_total, buf);
  EVP_DigestFinal_ex(m5, dg, &dl);
  Tl_hex(dg, dl, h->md5);
  EVP_DigestFinal_ex(s256, dg, &dl);
  Tl_hex(dg, dl, h->sha256);
  if(s1) {
    EVP_DigestFinal_ex(s1, dg, &dl);
    Tl_hex(dg, dl, h->sha1);
  }
  seg_results(h, h->sha256, h->n_read_errors != 0);
  if(h->ewf) {
    uint32_t n_cs = 0;
    if(libewf_handle_get_number_of_checksum_errors(h->ewf, &n_cs, NULL) ==
       1 && n_cs) {
      h->n_read_errors += n_cs;
      if(!h->err[0])
        snprintf(h->err, sizeof(h->err), "%u EWF chunk(s) failed their "
                 "checksum", (unsigned)n_cs);
    }
  }
done:
  EVP_MD_CTX_free(m5);
  EVP_MD_CTX_free(s1);
  EVP_MD_CTX_free(s256);
  free(buf);
  atomic_store(&h->finished, 1);
  return NULL;
}

static void
hasher_free(Tl_hasher *h)
{
  int i;
  if(h->img)
    tsk_img_close(h->img);
  if(h->ewf) {
    libewf_handle_close(h->ewf, NULL);
    libewf_handle_free(&h->ewf, NULL);
  }
  if(h->cur_fd >= 0)
    close(h->cur_fd);
  for(i = 0; h->seg_md && i < h->n_seg; i++)
    EVP_MD_CTX_free(h->seg_md[i]);
  free(h->seg_md);
  free(h->seg_bad);
  free(h->seg_end);
  free(h);
}

/* How the container files get their SHA-256 (see the top of the file). */
static tl_rc
seg_setup(tl_case *c, Tl_hasher *h, const Tl_image *im)
{
  uint64_t sum = 0;
  int i;
  h->seg = im->seg;
  h->n_seg = im->n_segments;
  h->seg_path = im->segments;
  if(!im->seg || im->n_segments < 1)
    return TL_OK;
  for(i = 0; i < im->n_segments; i++)
    sum += (uint64_t)im->seg[i].size;
  if(!im->is_ewf && im->itype == TSK_IMG_TYPE_RAW && sum == im->media_size)
    h->seg_mode = im->n_segments == 1 ? SEG_SAME : SEG_STREAM;
  else
    h->seg_mode = SEG_FILES;
  h->files_total = sum;
  if(h->seg_mode == SEG_SAME)
    return TL_OK;
  h->seg_md = calloc((size_t)h->n_seg, sizeof(*h->seg_md));
  h->seg_bad = calloc((size_t)h->n_seg, 1);
  h->seg_end = calloc((size_t)h->n_seg, sizeof(*h->seg_end));
  if(!h->seg_md || !h->seg_bad || !h->seg_end)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  sum = 0;
  for(i = 0; i < h->n_seg; i++) {
    if(!(h->seg_md[i] = EVP_MD_CTX_new()))
      return Tl_set_error(c, TL_NOMEM, "out of memory");
    EVP_DigestInit_ex(h->seg_md[i], EVP_sha256(), NULL);
    sum += (uint64_t)im->seg[i].size;
    h->seg_end[i] = sum;
  }
  return TL_OK;
}

tl_rc
Tl_hasher_start(tl_case *c, const Tl_image *im, int want_sha1,
                Tl_hasher **out)
{
  Tl_hasher *h = calloc(1, sizeof(*h));
  char t[400];
  tl_rc rc;
  *out = NULL;
  if(!h)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  h->size = im->media_size;
  h->want_sha1 = want_sha1;
  h->cur_fd = -1;
  if((rc = seg_setup(c, h, im))) {
    hasher_free(h);
    return rc;
  }
  if(im->is_ewf) {
    libewf_error_t *e = NULL;
    if(libewf_handle_initialize(&h->ewf, &e) != 1 ||
       libewf_handle_open(h->ewf, im->segments, im->n_segments,
                          LIBEWF_OPEN_READ, &e) != 1) {
      char es[300] = "";
      if(e) {
        libewf_error_sprint(e, es, sizeof(es));
        libewf_error_free(&e);
      }
      if(h->ewf)
        libewf_handle_free(&h->ewf, NULL);
      h->ewf = NULL;
      hasher_free(h);
      return Tl_ewf_open_error(c, im->segments, im->n_segments, es);
    }
    h->share = im->img;   /* stays open until the hasher is joined */
  }
  else {
    tsk_error_reset();
    h->img = tsk_img_open_utf8(im->n_segments,
                               (const char *const *)im->segments, im->itype,
                               im->sector_size);
    if(!h->img) {
      hasher_free(h);
      return Tl_set_error(c, TL_FAILED, "%s: cannot reopen for hashing: %s",
                          im->segments[0], Tl_tsk_errstr(t, sizeof(t)));
    }
  }
  if(pthread_create(&h->thread, NULL, hash_main, h) != 0) {
    hasher_free(h);
    return Tl_set_error(c, TL_FAILED, "cannot start the hashing thread");
  }
  *out = h;
  return TL_OK;
}

uint64_t
Tl_hasher_done(Tl_hasher *h)
{
  return h ? (uint64_t)atomic_load(&h->done) : 0;
}

int
Tl_hasher_finished(Tl_hasher *h)
{
  return !h || atomic_load(&h->finished);
}

void
Tl_hasher_cancel(Tl_hasher *h)
{
  if(h)
    atomic_store(&h->stop, 1);
}

tl_rc
Tl_hasher_finish(Tl_hasher *h, char md5[33], char sha1[41], char sha256[65],
                 uint64_t *n_read_errors, char *err, size_t errlen)
{
  tl_rc rc;
  md5[0] = sha1[0] = sha256[0] = '\0';
  *n_read_errors = 0;
  if(err && errlen)
    err[0] = '\0';
  if(!h)
    return TL_OK;
  pthread_join(h->thread, NULL);
  memcpy(md5, h->md5, 33);
  memcpy(sha1, h->sha1, 41);
  memcpy(sha256, h->sha256, 65);
  *n_read_errors = h->n_read_errors;
  if(err && errlen)
    snprintf(err, errlen, "%s", h->err);
  rc = h->rc;
  hasher_free(h);
  return rc;
}
