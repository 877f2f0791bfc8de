/*
** MD5, SHA-1 and SHA-256 of the media stream, computed in a thread of its
** own while the walker reads metadata: the walk is seek-bound and the hash
** is a sequential read, so the two overlap on two cores. EWF media are read
** through libewf directly so that chunk checksum errors are counted.
*/
#include "config.h"

#include <libewf.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"

#define HASH_CHUNK (1024 * 1024)

struct Tl_hasher {
  pthread_t thread;
  TSK_IMG_INFO *img;        /* own handle (non-EWF) */
  libewf_handle_t *ewf;     /* own handle (EWF) */
  uint64_t size;
  int want_sha1;
  atomic_uint_fast64_t done;
  atomic_int stop;
  atomic_int finished;
  /* results, written by the thread before it finishes */
  char md5[33], sha1[41], sha256[65];
  uint64_t n_read_errors;
  tl_rc rc;
  char err[512];
};

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

static void *
hash_main(void *arg)
{
  Tl_hasher *h = arg;
  EVP_MD_CTX *m5 = EVP_MD_CTX_new(), *s1 = NULL, *s256 = EVP_MD_CTX_new();
  unsigned char *buf = malloc(HASH_CHUNK), dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  uint64_t off = 0;

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
    if(h->ewf) {
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
      got = (ssize_t)want;
    }
    EVP_DigestUpdate(m5, buf, (size_t)got);
    EVP_DigestUpdate(s256, buf, (size_t)got);
    if(s1)
      EVP_DigestUpdate(s1, buf, (size_t)got);
    off += (uint64_t)got;
    atomic_store(&h->done, off);
  }
  if(atomic_load(&h->stop))
    goto done;
  EVP_DigestFinal_ex(m5, dg, &dl);
  Tl_hex(dg, dl, h->md5);
  EVP_DigestFinal_ex(s256, dg, &dl);
  Tl_hex(dg, dl, h->sha256);
  if(s1) {
    EVP_DigestFinal_ex(s1, dg, &dl);
    Tl_hex(dg, dl, h->sha1);
  }
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

tl_rc
Tl_hasher_start(tl_case *c, const Tl_image *im, int want_sha1,
                Tl_hasher **out)
{
  Tl_hasher *h = calloc(1, sizeof(*h));
  char t[400];
  *out = NULL;
  if(!h)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  h->size = im->media_size;
  h->want_sha1 = want_sha1;
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
      free(h);
      return Tl_set_error(c, TL_FAILED, "%s: libewf cannot open: %s",
                          im->segments[0], es);
    }
  }
  else {
    tsk_error_reset();
    h->img = tsk_img_open_utf8(im->n_segments,
                               (const char *const *)im->segments, im->itype,
                               im->sector_size);
    if(!h->img) {
      free(h);
      return Tl_set_error(c, TL_FAILED, "%s: cannot reopen for hashing: %s",
                          im->segments[0], Tl_tsk_errstr(t, sizeof(t)));
    }
  }
  if(pthread_create(&h->thread, NULL, hash_main, h) != 0) {
    if(h->img)
      tsk_img_close(h->img);
    if(h->ewf) {
      libewf_handle_close(h->ewf, NULL);
      libewf_handle_free(&h->ewf, NULL);
    }
    free(h);
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
  if(h->img)
    tsk_img_close(h->img);
  if(h->ewf) {
    libewf_handle_close(h->ewf, NULL);
    libewf_handle_free(&h->ewf, NULL);
  }
  free(h);
  return rc;
}
