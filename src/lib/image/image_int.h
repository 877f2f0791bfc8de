/*
** Evidence containers: finding the segments of a set, opening it with libtsk
** (raw, split raw, EWF, VMDK, VHD, AFF) and reading EWF acquisition metadata
** with libewf. No libtsk or libewf convention leaks past image.c/hash.c.
*/
#ifndef TL_IMAGE_INT_H
#define TL_IMAGE_INT_H

#include <tsk/libtsk.h>

#include "store/case_int.h"

#define TL_MAX_META 16

typedef struct Tl_image {
  TSK_IMG_INFO *img;
  char **segments;          /* NUL-terminated list of segment paths */
  int n_segments;
  int is_ewf;
  TSK_IMG_TYPE_ENUM itype;
  char container[32];       /* "raw", "raw (split)", "ewf", "vmdk", ... */
  uint64_t media_size;
  unsigned sector_size;
  int ewf_corrupted;        /* libewf: segment files truncated/corrupt */
  char stored_md5[33];      /* EWF only; "" when absent */
  char stored_sha1[41];
  int n_meta;
  struct {
    const char *key;
    char *value;
  } meta[TL_MAX_META];      /* EWF acquisition metadata */
} Tl_image;

/* Check that path names a readable, non-empty regular file; on failure the
** message on c names the file and the cause. */
tl_rc Tl_image_preflight(tl_case *c, const char *path);

/* Open the evidence: with one path, the other segments are found. */
tl_rc Tl_image_open(tl_case *c, int n_paths, const char *const *paths,
                    Tl_image *im);
void Tl_image_close(Tl_image *im);

/* Copy TSK's pending error text (or "unknown error") into buf. */
const char *Tl_tsk_errstr(char *buf, size_t len);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void Tl_hex(const unsigned char *d, unsigned n, char *out);

/* Media hashing in a background thread (hash.c). */
typedef struct Tl_hasher Tl_hasher;

tl_rc Tl_hasher_start(tl_case *c, const Tl_image *im, int want_sha1,
                      Tl_hasher **out);
/* Bytes hashed so far (safe to call from another thread). */
uint64_t Tl_hasher_done(Tl_hasher *h);
/* 1 when the thread has finished. */
int Tl_hasher_finished(Tl_hasher *h);
/* Ask the thread to stop early. */
void Tl_hasher_cancel(Tl_hasher *h);
/* Join the thread and collect results; frees h. md5/sha1/sha256 are hex
** ("" when not computed). Returns TL_IO with *err set when reading failed;
** *n_read_errors counts unreadable or checksum-failing chunks. */
tl_rc Tl_hasher_finish(Tl_hasher *h, char md5[33], char sha1[41],
                       char sha256[65], uint64_t *n_read_errors,
                       char *err, size_t errlen);

#endif
