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

/* One container file of an item, as found when it was opened. */
typedef struct Tl_segment {
  int discovered;           /* 0: given by the caller; 1: found next to it */
  int64_t size;             /* bytes, from stat() at open */
  int64_t mtime_ns;         /* st_mtim at open */
  char sha256[65];          /* of the file; "" until the hasher sets it */
} Tl_segment;

typedef struct Tl_image {
  TSK_IMG_INFO *img;
  char **segments;          /* NUL-terminated list of segment paths */
  int n_segments;
  Tl_segment *seg;          /* n_segments entries, in the same order */
  int is_ewf;
  TSK_IMG_TYPE_ENUM itype;
  char container[32];       /* "raw", "raw (split)", "ewf", "vmdk", ... */
  uint64_t media_size;
  unsigned sector_size;
  int ewf_corrupted;        /* libewf: segment files truncated/corrupt */
  int ewf_damaged_seg;      /* 1 + index of a segment file whose section
                            ** chain breaks (libewf still opened the set);
                            ** 0 when none */
  char ewf_damage[200];     /* what is wrong with it */
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

/* Open the evidence: with one path, the other segments of a split raw or
** EWF set are found (segments.c: only real sequences, contiguous from the
** path given; a gap is an error). */
tl_rc Tl_image_open(tl_case *c, int n_paths, const char *const *paths,
                    Tl_image *im);
/* Flags for Tl_image_open_ex(). */
#define TL_IMAGE_EXACT 1    /* open exactly the paths given: no discovery */
tl_rc Tl_image_open_ex(tl_case *c, int n_paths, const char *const *paths,
                       unsigned flags, Tl_image *im);
void Tl_image_close(Tl_image *im);

/* ---- segments.c ------------------------------------------------------ */

/* The segment files of the set that starts at path (itself first): list
** and count are set (caller frees with Tl_segments_free). Fails, with the
** reason on c, when path is a later segment of a set or the sequence has a
** gap. */
tl_rc Tl_segments_find(tl_case *c, const char *path, int is_ewf,
                       char ***list, int *n);
void Tl_segments_free(char **list, int n);

/* Check an EWF set before libewf sees it: every file an EWF v1 segment
** with the right segment number, none missing at the end, no file after
** the one that closes the set. On failure the reason is on c. *damaged is
** set to the index of a file whose section chain is broken (libewf may
** still read it), or -1, and why (len bytes) says how it is broken. */
tl_rc Tl_ewf_check_set(tl_case *c, char *const *segments, int n,
                       int *damaged, char *why, size_t len);

/* Why libewf could not open the set, in words a user understands, on c
** (libewf's own words are in libewf_why, one line). */
tl_rc Tl_ewf_open_error(tl_case *c, char *const *segments, int n,
                        const char *libewf_why);

/* Write the evidence_file rows of evidence_id: path, real_path, origin,
** size, mtime_ns and SHA-256 (NULL when not computed), and a warning that
** names a damaged EWF segment file. When res is not NULL, its file counts
** are set. */
tl_rc Tl_image_record_files(tl_case *c, const Tl_image *im,
                            int64_t evidence_id,
                            struct tl_ingest_result *res);

/* Open the media of evidence_id again, for reading content: the files
** are reopened by the real_path recorded at ingest and refused (error on
** c naming the file and what differs) when they are no longer the files
** that were ingested; see docs/internals/SCHEMA.md, evidence_file. */
tl_rc Tl_image_reopen(tl_case *c, int64_t evidence_id, Tl_image *im);

/* Copy TSK's pending error text (or "unknown error") into buf. */
const char *Tl_tsk_errstr(char *buf, size_t len);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void Tl_hex(const unsigned char *d, unsigned n, char *out);

/* Media hashing in a background thread (hash.c). The SHA-256 of each
** container file is computed on the way and written into im->seg[i].sha256
** before Tl_hasher_finish() returns (im must outlive the hasher): for raw
** media from the media stream itself, for other containers by reading the
** files alongside the media. */
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
