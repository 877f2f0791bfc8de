/*
** OLE compound file reader (cfb.h).
**
** Why not libolecf: Debian 12's libolecf (20181231) opens a file only by
** name or from a libbfio handle, and Debian's libbfio (20170123) has no
** memory-range handle, while a parser reads only through api->read_at.
*/
#include <stdlib.h>
#include <string.h>

#include "cfb.h"
#include "lnkparse.h"

#define ENDOFCHAIN 0xfffffffeu
#define MAXREGSECT 0xfffffffau
#define FREESECT 0xffffffffu

static const uint8_t cfb_magic[8] = {
  0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1
};

static uint16_t
le16(const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
le32(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

int
tlp_cfb_is(const uint8_t *p, size_t len)
{
  return len >= 8 && !memcmp(p, cfb_magic, 8);
}

/* The regular sector s, or NULL when it lies (partly) past the end. */
static const uint8_t *
sector(const struct tlp_cfb *c, uint32_t s)
{
  uint64_t off = ((uint64_t)s + 1) * c->ssz;
  if(s > MAXREGSECT || off > c->len || c->len - off < c->ssz)
    return NULL;
  return c->p + off;
}

/* Follow a chain of the FAT (or of the mini FAT in the mini stream) from
** start, copying up to max bytes (SIZE_MAX: to the chain's end). 0 when
** the chain gave max bytes or ended normally, 1 when it broke; -1 no
** memory. */
static int
read_chain(const struct tlp_cfb *c, int mini, uint32_t start, size_t max,
           uint8_t **out, size_t *got)
{
  const uint32_t *t = mini ? c->minifat : c->fat;
  size_t n = mini ? c->nminifat : c->nfat, steps = 0;
  size_t usz = mini ? c->mssz : c->ssz, cap;
  /* a chain visits each unit at most once: more steps is a loop */
  size_t limit = (mini ? c->nmini : c->len) / usz;
  uint32_t s = start;
  uint8_t *b;
  int broke = 0;

  *got = 0;
  cap = max < 16384 ? max : 16384;
  if(!(b = malloc(cap ? cap : 1)))
    return -1;
  while(*got < max && s != ENDOFCHAIN) {
    const uint8_t *src;
    size_t k;
    if(s >= n || steps++ >= limit) {
      broke = 1;
      break;
    }
    if(mini) {
      uint64_t off = (uint64_t)s * usz;
      src = off + usz <= c->nmini ? c->mini + off : NULL;
    }
    else
      src = sector(c, s);
    if(!src) {
      broke = 1;
      break;
    }
    k = max - *got < usz ? max - *got : usz;
    if(*got + k > cap) {
      uint8_t *nb;
      while(*got + k > cap)
        cap *= 2;
      if(cap > max)
        cap = max;
      if(!(nb = realloc(b, cap))) {
        free(b);
        return -1;
      }
      b = nb;
    }
    memcpy(b + *got, src, k);
    *got += k;
    s = t[s];
  }
  if(*got < max && max != SIZE_MAX)
    broke = 1;
  *out = b;
  return broke;
}

int
tlp_cfb_open(struct tlp_cfb *c, const uint8_t *p, size_t len,
             const char **why)
{
  uint32_t nfatsect, difat, ndifat, i, k, per;
  size_t nsect, have = 0, got;
  uint32_t *fatsect = NULL;
  int rc;

  memset(c, 0, sizeof(*c));
  c->p = p;
  c->len = len;
  if(!tlp_cfb_is(p, len) || len < 512) {
    *why = len < 512 && tlp_cfb_is(p, len) ? "compound file header cut short"
                                           : "not a compound file";
    return -1;
  }
  if(le16(p + 0x1e) != 9 && le16(p + 0x1e) != 12) {
    *why = "compound file sector size not 512 or 4096";
    return -1;
  }
  if(le16(p + 0x20) != 6) {
    *why = "compound file mini sector size not 64";
    return -1;
  }
  c->ssz = 1u << le16(p + 0x1e);
  c->mssz = 64;
  c->cutoff = le32(p + 0x38);
  nsect = len / c->ssz;         /* the sectors the file can hold */
  nfatsect = le32(p + 0x2c);
  if(nfatsect > nsect)
    nfatsect = (uint32_t)nsect;
  per = c->ssz / 4;
  if(!(fatsect = malloc(sizeof(*fatsect) * (nfatsect ? nfatsect : 1))))
    goto nomem;
  for(i = 0; i < 109 && have < nfatsect; i++)
    fatsect[have++] = le32(p + 0x4c + 4 * i);
  difat = le32(p + 0x44);
  ndifat = le32(p + 0x48);
  for(i = 0; i < ndifat && i < nsect && have < nfatsect; i++) {
    const uint8_t *d = sector(c, difat);
    if(!d)
      break;
    for(k = 0; k + 1 < per && have < nfatsect; k++)
      fatsect[have++] = le32(d + 4 * k);
    difat = le32(d + 4 * (per - 1));
  }
  /* the FAT: a missing sector's entries stay free, so chains through it
  ** break instead of running on */
  c->nfat = have * per;
  if(!(c->fat = malloc(sizeof(uint32_t) * (c->nfat ? c->nfat : 1))))
    goto nomem;
  for(i = 0; i < have; i++) {
    const uint8_t *s = sector(c, fatsect[i]);
    for(k = 0; k < per; k++)
      c->fat[(size_t)i * per + k] = s ? le32(s + 4 * k) : FREESECT;
  }
  free(fatsect);
  fatsect = NULL;
  /* the directory */
  rc = read_chain(c, 0, le32(p + 0x30), SIZE_MAX, &c->dir, &got);
  if(rc < 0)
    goto nomem;
  c->ndir = got / 128;
  if(!c->ndir || c->dir[0x42] != TLP_CFB_ROOT) {
    *why = "compound file directory unreadable";
    return -1;
  }
  /* the mini FAT and the mini stream */
  if(le32(p + 0x40) && le32(p + 0x3c) != ENDOFCHAIN) {
    uint8_t *mf;
    size_t max = (size_t)le32(p + 0x40) * c->ssz;
    if(max > len)
      max = len;
    if(read_chain(c, 0, le32(p + 0x3c), max, &mf, &got) < 0)
      goto nomem;
    c->nminifat = got / 4;
    if(!(c->minifat = malloc(sizeof(uint32_t) * (c->nminifat + 1)))) {
      free(mf);
      goto nomem;
    }
    for(i = 0; i < c->nminifat; i++)
      c->minifat[i] = le32(mf + 4 * (size_t)i);
    free(mf);
  }
  {
    uint64_t rsize = le32(c->dir + 0x78);
    if(c->ssz == 4096)
      rsize |= (uint64_t)le32(c->dir + 0x7c) << 32;
    if(rsize > len)
      rsize = len;
    if(rsize && read_chain(c, 0, le32(c->dir + 0x74), (size_t)rsize,
                           &c->mini, &c->nmini) < 0)
      goto nomem;
  }
  return 0;
nomem:
  free(fatsect);
  *why = "out of memory";
  return -1;
}

void
tlp_cfb_close(struct tlp_cfb *c)
{
  free(c->fat);
  free(c->minifat);
  free(c->dir);
  free(c->mini);
  memset(c, 0, sizeof(*c));
}

int
tlp_cfb_entry(const struct tlp_cfb *c, size_t i, char *name, size_t namesz)
{
  const uint8_t *e;
  size_t nl;
  char *s;
  if(namesz)
    name[0] = 0;
  if(i >= c->ndir)
    return 0;
  e = c->dir + i * 128;
  nl = le16(e + 0x40);
  if(nl > 64)
    nl = 64;
  if(namesz && (s = tlp_utf16_to_utf8(e, nl / 2, 1))) {
    size_t k = strlen(s);
    if(k >= namesz)
      k = namesz - 1;
    memcpy(name, s, k);
    name[k] = 0;
    free(s);
  }
  return e[0x42];
}

int
tlp_cfb_read(const struct tlp_cfb *c, size_t i, uint8_t **out, size_t *n,
             const char **why)
{
  const uint8_t *e;
  uint64_t size;
  int mini, rc;
  *out = NULL;
  *n = 0;
  if(i >= c->ndir) {
    *why = "no such directory entry";
    return 1;
  }
  e = c->dir + i * 128;
  size = le32(e + 0x78);
  if(c->ssz == 4096)
    size |= (uint64_t)le32(e + 0x7c) << 32;
  mini = size < c->cutoff;
  if(size > (mini ? c->nmini : c->len)) {
    *why = "stream size larger than the file";
    size = mini ? c->nmini : c->len;
  }
  rc = read_chain(c, mini, le32(e + 0x74), (size_t)size, out, n);
  if(rc == 1)
    *why = "stream chain broken or cut short";
  return rc;
}
