/*
** Which files make up an evidence item, and whether they are still the
** files that were ingested.
**
** Discovery. Given one path, only real segment sequences are joined, and
** only forward from the path given:
**   x.000 x.001 ... or x.001 x.002 ...   (three to six digits, one width)
**   x.aa x.ab ... (or x.aaa ...)         (lower-case letters, as split(1))
**   x.E01 ... x.E99 x.EAA ... x.ZZZ      (libewf's naming; e01, s01 alike)
** A path that is a later segment of a set whose first segment exists is
** refused (give the first one), as is one whose predecessor exists when
** the first does not (a set that lost its start; not for numbers of four
** digits or more, which are as often years: evidence.2022, evidence.2023),
** and so is a sequence with a gap: when x.003 exists but x.002 does not,
** the set is incomplete, and a silently partial image is worse than none.
** Anything else (evidence_2023, disk.dd next to disk.de, x_001, a later
** number alone) is a single file. The caller can always list every file
** itself; then nothing is discovered.
**
** EWF sets are also checked through their own structure (EWF v1 segment
** file header and section chain) before libewf opens them: each file
** must carry its own segment number, only the last may end with "done",
** and a last file that ends with "next" means the following file is
** missing. libewf reports such sets as "unable to open handle using a file
** IO pool" or reads zeros for the missing part; here they get a sentence
** that names the file.
**
** Identity. evidence_file keeps each file's real_path, size, mtime_ns and
** SHA-256 (see hash.c). Content is read later (hash targets) by reopening
** real_path, never the path as typed, and only when the file is still the
** one ingested: see Tl_image_reopen() below for the rule.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image/image_int.h"
#include "store/store_int.h"

enum { SCH_NONE, SCH_DIGITS, SCH_LETTERS, SCH_EWF };

/* How a segment file is named: scheme, extension width, EWF's first
** letter ('E', 'e' or 's') and the file's index in its sequence (EWF
** counts from 1, the others from 0). */
typedef struct {
  int scheme;
  size_t width;
  char base;
  uint64_t index;
} seqname;

static int
is_lower(int ch)
{
  return ch >= 'a' && ch <= 'z';
}

static int
is_upper(int ch)
{
  return ch >= 'A' && ch <= 'Z';
}

static int
is_digit(int ch)
{
  return ch >= '0' && ch <= '9';
}

/* Parse the extension ext (after the last '.') in the given scheme, or
** find the scheme when sn->scheme is SCH_NONE (EWF only when is_ewf).
** Returns 1 when ext names a segment. */
static int
parse_ext(const char *ext, int is_ewf, seqname *sn)
{
  size_t w = strlen(ext), i;
  int want = sn->scheme;
  uint64_t v = 0;

  if(is_ewf || want == SCH_EWF) {
    char a = ext[0];
    if(w != 3 || !(is_upper(a) || is_lower(a)))
      return 0;
    if(is_digit(ext[1]) && is_digit(ext[2])) {
      v = (uint64_t)(ext[1] - '0') * 10 + (uint64_t)(ext[2] - '0');
      if(!v)
        return 0;
      if(want == SCH_EWF && a != sn->base)
        return 0;
      sn->base = a;
    }
    else {
      char up = is_upper(a) ? 'A' : 'a';
      char base = up == 'A' ? 'E' : 'e';
      if(ext[1] < up || ext[1] > up + 25 || ext[2] < up || ext[2] > up + 25)
        return 0;
      if(want == SCH_EWF)
        base = sn->base;
      if(a < base || (is_upper(a) != is_upper(base)))
        return 0;
      v = 100 + (uint64_t)(a - base) * 676 + (uint64_t)(ext[1] - up) * 26 +
          (uint64_t)(ext[2] - up);
      sn->base = base;
    }
    sn->scheme = SCH_EWF;
    sn->width = 3;
    sn->index = v;
    return 1;
  }
  if(w < 2 || w > 6)
    return 0;
  if((want == SCH_NONE || want == SCH_DIGITS) && w >= 3) {
    for(i = 0; i < w && is_digit(ext[i]); i++)
      v = v * 10 + (uint64_t)(ext[i] - '0');
    if(i == w && (want == SCH_NONE || w == sn->width)) {
      sn->scheme = SCH_DIGITS;
      sn->width = w;
      sn->index = v;
      return 1;
    }
  }
  v = 0;
  if((want == SCH_NONE || want == SCH_LETTERS) && w <= 3) {
    for(i = 0; i < w && is_lower(ext[i]); i++)
      v = v * 26 + (uint64_t)(ext[i] - 'a');
    if(i == w && (want == SCH_NONE || w == sn->width)) {
      sn->scheme = SCH_LETTERS;
      sn->width = w;
      sn->index = v;
      return 1;
    }
  }
  return 0;
}

/* The extension of segment idx of the sequence into ext (8 bytes);
** 0 when the scheme has no such segment. */
static int
make_ext(const seqname *sn, uint64_t idx, char ext[8])
{
  uint64_t lim = 1;
  size_t i;
  if(sn->scheme == SCH_EWF) {
    char up = is_upper(sn->base) ? 'A' : 'a', top = up + 25;
    if(idx < 1)
      return 0;
    if(idx <= 99) {
      snprintf(ext, 8, "%c%02u", sn->base, (unsigned)idx);
      return 1;
    }
    idx -= 100;
    ext[2] = (char)(up + (int)(idx % 26));
    idx /= 26;
    ext[1] = (char)(up + (int)(idx % 26));
    idx /= 26;
    if(idx > (uint64_t)(top - sn->base))
      return 0;
    ext[0] = (char)(sn->base + (int)idx);
    ext[3] = '\0';
    return 1;
  }
  for(i = 0; i < sn->width; i++)
    lim *= sn->scheme == SCH_DIGITS ? 10 : 26;
  if(idx >= lim)
    return 0;
  if(sn->scheme == SCH_DIGITS) {
    snprintf(ext, 8, "%0*" PRIu64, (int)sn->width, idx);
    return 1;
  }
  for(i = sn->width; i > 0; i--) {
    ext[i - 1] = (char)('a' + (int)(idx % 26));
    idx /= 26;
  }
  ext[sn->width] = '\0';
  return 1;
}

/* stem (the path up to and including its last '.') + the extension of
** segment idx; NULL when there is no such segment or memory is short. */
static char *
seg_name(const char *stem, size_t stem_len, const seqname *sn, uint64_t idx)
{
  char ext[8], *p;
  if(!make_ext(sn, idx, ext))
    return NULL;
  if(!(p = malloc(stem_len + strlen(ext) + 1)))
    return NULL;
  memcpy(p, stem, stem_len);
  memcpy(p + stem_len, ext, strlen(ext) + 1);
  return p;
}

static int
is_file(const char *p)
{
  struct stat sb;
  return p && stat(p, &sb) == 0 && (S_ISREG(sb.st_mode) ||
                                    S_ISBLK(sb.st_mode));
}

void
Tl_segments_free(char **list, int n)
{
  int i;
  if(!list)
    return;
  for(i = 0; i < n; i++)
    free(list[i]);
  free(list);
}

/* Smallest index above after of a file in dir named like the sequence
** (same stem, scheme and width); 0 when none. */
static uint64_t
next_in_dir(const char *path, size_t stem_len, const seqname *sn,
            uint64_t after)
{
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX];
  const char *base = slash ? slash + 1 : path;
  size_t base_len = stem_len - (size_t)(base - path);
  uint64_t best = 0;
  struct dirent *de;
  DIR *d;

  if(slash)
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
  else
    snprintf(dir, sizeof(dir), ".");
  if(!(d = opendir(dir)))
    return 0;
  while((de = readdir(d))) {
    seqname o = *sn;
    if(strncmp(de->d_name, base, base_len) ||
       !parse_ext(de->d_name + base_len, 0, &o))
      continue;
    if(o.index > after && (!best || o.index < best))
      best = o.index;
  }
  closedir(d);
  return best;
}

tl_rc
Tl_segments_find(tl_case *c, const char *path, int is_ewf, char ***out,
                 int *n_out)
{
  const char *slash = strrchr(path, '/'), *base, *dot;
  const char *kind = is_ewf ? "E01 set" : "split image";
  const char *a_kind = is_ewf ? "an E01 set" : "a split image";
  seqname sn;
  size_t stem_len;
  char **list = NULL, *name = NULL;
  int n = 0, cap = 0;
  uint64_t first, idx, k, gap;
  tl_rc rc = TL_OK;

  *out = NULL;
  *n_out = 0;
  memset(&sn, 0, sizeof(sn));
  base = slash ? slash + 1 : path;
  dot = strrchr(base, '.');
  if(!(list = calloc(2, sizeof(char *))) || !(list[0] = strdup(path)))
    goto oom;
  n = 1;
  cap = 2;
  if(!dot || dot == base || !parse_ext(dot + 1, is_ewf, &sn))
    goto done;  /* not named as a segment: a single file */
  stem_len = (size_t)(dot + 1 - path);
  first = sn.scheme == SCH_EWF ? 1 : 0;

  /* A later segment of a set whose earlier files are here is refused:
  ** reading from the middle of a set gives a media stream that starts
  ** nowhere. */
  for(k = first; k < sn.index && k <= first + 1; k++) {
    if((name = seg_name(path, stem_len, &sn, k)) && is_file(name))
      break;
    free(name);
    name = NULL;
  }
  /* ... and so is one whose predecessor is here though the first is not
  ** (a set that lost its start), except for numbers of four digits or
  ** more: evidence.2022 next to evidence.2023 are years, not segments */
  if(!name && sn.index > first + 1 &&
     !(sn.scheme == SCH_DIGITS && sn.width >= 4) &&
     (name = seg_name(path, stem_len, &sn, sn.index - 1)) && !is_file(name)) {
    free(name);
    name = NULL;
  }
  if(name) {
    char *start = seg_name(path, stem_len, &sn, first);
    if(start && !is_file(start) && sn.scheme == SCH_DIGITS) {
      free(start);
      start = seg_name(path, stem_len, &sn, 1);
    }
    if(start && is_file(start))
      rc = Tl_set_error(c, TL_FAILED, "%s: not the first segment of %s (%s "
                        "exists); give the first segment, or every segment "
                        "in order", path, a_kind, start);
    else
      rc = Tl_set_error(c, TL_FAILED, "%s: a later segment of %s whose "
                        "first segment is missing (%s exists, %s does not);"
                        " give every segment in order to read it anyway",
                        path, a_kind, name, start ? start : "?");
    free(start);
    goto fail;
  }
  /* a set starts at .000/.001, .aa or .E01; any other name is one file */
  if(sn.index > first + (sn.scheme == SCH_DIGITS))
    goto done;

  for(idx = sn.index + 1;; idx++) {
    if(!(name = seg_name(path, stem_len, &sn, idx)))
      break;
    if(!is_file(name))
      break;
    if(n == cap) {
      char **nl = realloc(list, sizeof(char *) * (size_t)(cap *= 2));
      if(!nl)
        goto oom;
      list = nl;
    }
    list[n++] = name;
    name = NULL;
  }
  free(name);
  name = NULL;
  /* A later file of the same sequence past the first missing one: a gap. */
  if((gap = next_in_dir(path, stem_len, &sn, idx))) {
    char *later = seg_name(path, stem_len, &sn, gap);
    name = seg_name(path, stem_len, &sn, idx);
    rc = Tl_set_error(c, TL_FAILED, "%s: %s is incomplete: segment file %s "
                      "is missing (%s exists); a partial image is refused",
                      path, kind, name ? name : "?", later ? later : "?");
    free(later);
    goto fail;
  }
done:
  {
    char **nl = realloc(list, sizeof(char *) * (size_t)(n + 1));
    if(!nl)
      goto oom;
    list = nl;
    list[n] = NULL;
  }
  *out = list;
  *n_out = n;
  return TL_OK;
oom:
  rc = Tl_set_error(c, TL_NOMEM, "out of memory");
fail:
  free(name);
  Tl_segments_free(list, n);
  return rc;
}

/* ---- EWF v1 structure ---------------------------------------------- */

enum { EVF_OK, EVF_NOT_V1, EVF_UNREADABLE, EVF_BROKEN };

typedef struct {
  unsigned segno;          /* from the file header */
  int ends_next;           /* last section is "next": more files follow */
  int ends_done;           /* last section is "done": the set ends here */
  int has_desc;            /* desc holds the media description */
  unsigned char desc[80];  /* start of the volume/disk/data section data:
                           ** media type, chunk and sector counts, set GUID;
                           ** the same in every segment file of one set */
  char why[160];           /* EVF_UNREADABLE / EVF_BROKEN */
} evf_info;

static uint64_t
le64(const unsigned char *p)
{
  uint64_t v = 0;
  int i;
  for(i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

/* Read the header of an EWF v1 segment file and follow its section chain
** to the end. A few dozen small reads per file, whatever its size. */
static int
evf_probe(const char *path, evf_info *inf)
{
  static const unsigned char sig[8] = {'E', 'V', 'F', 0x09, 0x0d, 0x0a,
                                       0xff, 0x00};
  unsigned char d[76];
  struct stat sb;
  uint64_t off = 13, size;
  int fd, steps, rc = EVF_OK;

  memset(inf, 0, sizeof(*inf));
  if((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &sb)) {
    snprintf(inf->why, sizeof(inf->why), "%s", strerror(errno));
    if(fd >= 0)
      close(fd);
    return EVF_UNREADABLE;
  }
  size = (uint64_t)sb.st_size;
  if(pread(fd, d, 13, 0) != 13 || memcmp(d, sig, 8)) {
    close(fd);
    return EVF_NOT_V1;
  }
  inf->segno = (unsigned)d[9] | (unsigned)d[10] << 8;
  for(steps = 0; steps < (1 << 20); steps++) {
    uint64_t next;
    if(off + 76 > size || pread(fd, d, 76, (off_t)off) != 76) {
      snprintf(inf->why, sizeof(inf->why), "it ends at byte %" PRIu64
               " inside a section that starts at byte %" PRIu64, size, off);
      rc = EVF_BROKEN;
      break;
    }
    d[15] = 0;
    if(!strcmp((char *)d, "next")) {
      inf->ends_next = 1;
      break;
    }
    if(!strcmp((char *)d, "done")) {
      inf->ends_done = 1;
      break;
    }
    next = le64(d + 16);
    if(!inf->has_desc && (!strcmp((char *)d, "volume") ||
                          !strcmp((char *)d, "disk") ||
                          !strcmp((char *)d, "data")) &&
       le64(d + 24) >= 76 + sizeof(inf->desc) &&
       pread(fd, inf->desc, sizeof(inf->desc), (off_t)(off + 76)) ==
       (ssize_t)sizeof(inf->desc))
      inf->has_desc = 1;
    if(next <= off || next > size) {
      snprintf(inf->why, sizeof(inf->why), "its '%.16s' section at byte %"
               PRIu64 " points %s (to byte %" PRIu64 " of %" PRIu64 ")",
               (char *)d, off, next > size ? "past the end of the file" :
               "backwards", next, size);
      rc = EVF_BROKEN;
      break;
    }
    off = next;
  }
  close(fd);
  return rc;
}

/* The name libewf would give the file after path (x.E04 -> x.E05). */
static char *
ewf_next_name(const char *path)
{
  const char *slash = strrchr(path, '/'), *dot;
  seqname sn;
  memset(&sn, 0, sizeof(sn));
  dot = strrchr(slash ? slash + 1 : path, '.');
  if(!dot || !parse_ext(dot + 1, 1, &sn))
    return NULL;
  return seg_name(path, (size_t)(dot + 1 - path), &sn, sn.index + 1);
}

tl_rc
Tl_ewf_check_set(tl_case *c, char *const *seg, int n, int *damaged,
                 char *why, size_t len)
{
  evf_info inf;
  unsigned char desc0[sizeof(inf.desc)];
  int i, r, have0 = 0;

  *damaged = -1;
  if(len)
    why[0] = '\0';
  for(i = 0; i < n; i++) {
    r = evf_probe(seg[i], &inf);
    if(r == EVF_NOT_V1) {
      if(i == 0)
        return TL_OK;  /* another EWF flavour: libewf alone decides */
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: "
                          "segment file %s is not an EWF segment file",
                          seg[0], seg[i]);
    }
    if(r == EVF_UNREADABLE)
      return Tl_set_error(c, TL_IO, "%s: E01 set cannot be opened: segment "
                          "file %s is missing or unreadable: %s", seg[0],
                          seg[i], inf.why);
    if(inf.segno != (unsigned)i + 1)
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: "
                          "segment file %s is segment %u of a set, not "
                          "segment %d%s", seg[0], seg[i], inf.segno, i + 1,
                          inf.segno > (unsigned)i + 1 ? " (a segment file "
                          "before it is missing)" : "");
    if(inf.has_desc && i == 0) {
      memcpy(desc0, inf.desc, sizeof(desc0));
      have0 = 1;
    }
    else if(inf.has_desc && have0 && memcmp(desc0, inf.desc, sizeof(desc0)))
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: "
                          "segment file %s belongs to another set (it "
                          "describes other media than %s)", seg[0], seg[i],
                          seg[0]);
    if(r == EVF_BROKEN) {
      if(*damaged < 0) {
        *damaged = i;
        snprintf(why, len, "%s", inf.why);
      }
      continue;
    }
    if(inf.ends_done && i < n - 1)
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: %s "
                          "is the last segment of its set, so %s does not "
                          "belong to it", seg[0], seg[i], seg[i + 1]);
    if(inf.ends_next && i == n - 1) {
      char *nx = ewf_next_name(seg[i]);
      tl_rc rc = Tl_set_error(c, TL_FAILED, "%s: E01 set is incomplete: "
                              "segment file %s is missing (%s says more "
                              "segments follow it)", seg[0],
                              nx ? nx : "after the last one", seg[i]);
      free(nx);
      return rc;
    }
  }
  return TL_OK;
}

tl_rc
Tl_ewf_open_error(tl_case *c, char *const *seg, int n, const char *why)
{
  evf_info inf;
  int i;
  for(i = 0; i < n; i++) {
    int r = evf_probe(seg[i], &inf);
    if(r == EVF_UNREADABLE)
      return Tl_set_error(c, TL_IO, "%s: E01 set cannot be opened: segment "
                          "file %s is missing or unreadable: %s", seg[0],
                          seg[i], inf.why);
    if(r == EVF_BROKEN)
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: "
                          "segment file %s is truncated or damaged (%s)",
                          seg[0], seg[i], inf.why);
    if(r == EVF_NOT_V1 && i > 0)
      return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: "
                          "segment file %s is not an EWF segment file",
                          seg[0], seg[i]);
  }
  return Tl_set_error(c, TL_FAILED, "%s: E01 set cannot be opened: %s "
                      "(libewf)", seg[0], why && *why ? why :
                      "unknown error");
}

/* ---- identity ------------------------------------------------------ */

tl_rc
Tl_image_record_files(tl_case *c, const Tl_image *im, int64_t ev,
                      struct tl_ingest_result *res)
{
  uint32_t found = 0;
  int i;
  tl_rc rc;
  for(i = 0; i < im->n_segments; i++) {
    const Tl_segment *g = &im->seg[i];
    char rp[PATH_MAX];
    if(!realpath(im->segments[i], rp))
      snprintf(rp, sizeof(rp), "%s", im->segments[i]);
    if((rc = Tl_exec_bound(c, "INSERT INTO evidence_file(evidence_id, seq, "
                           "path, real_path, size, origin, mtime_ns, sha256)"
                           " VALUES(?,?,?,?,?,?,?,?)", "iittitit", ev,
                           (int64_t)i, im->segments[i], rp, g->size,
                           g->discovered ? "discovered" : "given",
                           g->mtime_ns, g->sha256[0] ? g->sha256 : NULL)))
      return rc;
    found += g->discovered != 0;
  }
  if(im->ewf_damaged_seg > 0 && im->ewf_damaged_seg <= im->n_segments) {
    char m[600];
    snprintf(m, sizeof(m), "segment file %s is truncated or damaged: %s; "
             "the media it held may be unreadable",
             im->segments[im->ewf_damaged_seg - 1], im->ewf_damage);
    if((rc = Tl_exec_bound(c, "INSERT INTO warning(evidence_id, kind, "
                           "message) VALUES(?, 'corrupt', ?)", "it", ev, m)))
      return rc;
  }
  if(res) {
    res->n_files = (uint32_t)im->n_segments;
    res->n_files_found = found;
  }
  return TL_OK;
}

/* SHA-256 of a whole file into hex; 0 on success. */
static int
file_sha256(const char *path, char hex[65])
{
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  unsigned char *buf = malloc(1 << 20), dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  ssize_t got;
  int fd = open(path, O_RDONLY), rc = -1;
  if(fd < 0 || !m || !buf)
    goto out;
  EVP_DigestInit_ex(m, EVP_sha256(), NULL);
  while((got = read(fd, buf, 1 << 20)) > 0)
    EVP_DigestUpdate(m, buf, (size_t)got);
  if(got == 0) {
    EVP_DigestFinal_ex(m, dg, &dl);
    Tl_hex(dg, dl, hex);
    rc = 0;
  }
out:
  if(fd >= 0)
    close(fd);
  EVP_MD_CTX_free(m);
  free(buf);
  return rc;
}

static void
format_mtime(int64_t ns, char *buf, size_t len)
{
  time_t t = (time_t)(ns / 1000000000);
  struct tm tm;
  if(ns < 0 || !gmtime_r(&t, &tm)) {
    snprintf(buf, len, "%lld ns", (long long)ns);
    return;
  }
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, (long long)(ns % 1000000000));
}

/*
** The rule (documented in docs/internals/SCHEMA.md, evidence_file):
**  - the file is opened by its recorded real_path; a missing file is an
**    error naming it;
**  - size different: refused;
**  - size and mtime as recorded: accepted without reading it (a full
**    re-hash of every container on every import would cost hours on a
**    500 GB set);
**  - same size, other mtime (a copy made without -p, a touch): accepted
**    only when a SHA-256 was recorded at ingest and the file still has it
**    (the file is hashed then, once per reopen); without a recorded
**    SHA-256 (--no-hash) refused;
**  - items recorded before schema 3 have no mtime: size alone is checked.
** Afterwards the media size must be the one recorded.
*/
tl_rc
Tl_image_reopen(tl_case *c, int64_t ev, Tl_image *im)
{
  sqlite3_stmt *s = NULL;
  char **paths = NULL, *label = NULL;
  int n = 0;
  int64_t media_size = -1;
  tl_rc rc = TL_OK;

  memset(im, 0, sizeof(*im));
  if(sqlite3_prepare_v2(c->db, "SELECT ef.real_path, ef.path, ef.size, "
                        "ef.mtime_ns, ef.sha256, e.label, e.media_size FROM "
                        "evidence_file ef JOIN evidence e USING(evidence_id)"
                        " WHERE ef.evidence_id=? ORDER BY ef.seq", -1, &s,
                        NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  sqlite3_bind_int64(s, 1, ev);
  while(!rc && sqlite3_step(s) == SQLITE_ROW) {
    const char *rp = (const char *)sqlite3_column_text(s, 0);
    const char *typed = (const char *)sqlite3_column_text(s, 1);
    int64_t size = sqlite3_column_int64(s, 2);
    int have_mtime = sqlite3_column_type(s, 3) == SQLITE_INTEGER;
    int64_t mtime = sqlite3_column_int64(s, 3);
    const char *sha = (const char *)sqlite3_column_text(s, 4);
    char **np;
    struct stat sb;
    int64_t now_ns;

    if(!label && sqlite3_column_text(s, 5))
      label = strdup((const char *)sqlite3_column_text(s, 5));
    media_size = sqlite3_column_int64(s, 6);
    if(!(np = realloc(paths, sizeof(char *) * (size_t)(n + 1))) ||
       !(np[n] = strdup(rp ? rp : ""))) {
      if(np)
        paths = np;
      rc = Tl_set_error(c, TL_NOMEM, "out of memory");
      break;
    }
    paths = np;
    n++;
    if(stat(rp, &sb)) {
      rc = Tl_set_error(c, TL_IO, "evidence %s: image file %s (ingested as "
                        "%s) cannot be opened: %s", label ? label : "?", rp,
                        typed ? typed : rp, strerror(errno));
      break;
    }
    now_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    if(S_ISREG(sb.st_mode) && (int64_t)sb.st_size != size) {
      rc = Tl_set_error(c, TL_FAILED, "evidence %s: image file %s is not the"
                        " file that was ingested: %lld bytes then, %lld now;"
                        " its content is not read", label ? label : "?", rp,
                        (long long)size, (long long)sb.st_size);
      break;
    }
    if(S_ISREG(sb.st_mode) && have_mtime && now_ns != mtime) {
      char then_s[48], now_s[48], hex[65];
      format_mtime(mtime, then_s, sizeof(then_s));
      format_mtime(now_ns, now_s, sizeof(now_s));
      if(!sha) {
        rc = Tl_set_error(c, TL_FAILED, "evidence %s: image file %s was "
                          "modified (mtime %s then, %s now) and no SHA-256 "
                          "was recorded at ingest (--no-hash) to show it is "
                          "the same; its content is not read",
                          label ? label : "?", rp, then_s, now_s);
        break;
      }
      if(file_sha256(rp, hex)) {
        rc = Tl_set_error(c, TL_IO, "evidence %s: image file %s cannot be "
                          "read: %s", label ? label : "?", rp,
                          strerror(errno));
        break;
      }
      if(strcmp(hex, sha)) {
        rc = Tl_set_error(c, TL_FAILED, "evidence %s: image file %s is not "
                          "the file that was ingested: SHA-256 %s then, %s "
                          "now (mtime %s then, %s now); its content is not "
                          "read", label ? label : "?", rp, sha, hex, then_s,
                          now_s);
        break;
      }
    }
  }
  sqlite3_finalize(s);
  if(!rc && !n)
    rc = Tl_set_error(c, TL_FAILED, "evidence %lld has no image files",
                      (long long)ev);
  if(!rc)
    rc = Tl_image_open_ex(c, n, (const char *const *)paths, TL_IMAGE_EXACT,
                          im);
  if(!rc && media_size >= 0 && (int64_t)im->media_size != media_size) {
    rc = Tl_set_error(c, TL_FAILED, "evidence %s: image %s holds %lld bytes"
                      " of media, %lld when ingested; its content is not "
                      "read", label ? label : "?", paths[0],
                      (long long)im->media_size, (long long)media_size);
    Tl_image_close(im);
  }
  Tl_segments_free(paths, n);
  free(label);
  return rc;
}
