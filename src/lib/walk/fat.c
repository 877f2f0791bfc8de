/*
** FAT and exFAT times, read raw from the 32-byte directory entries.
**
** TSK turns FAT's local date/time fields into UTC with mktime(), i.e.
** through the process time zone, keeps no raw value, and ignores the UTC
** offset exFAT stores with each time. Here the entry of each object is
** found from its TSK inode address (the address is the entry's position:
** FATFS_INODE_2_SECT / FATFS_INODE_2_OFF in TSK's tsk_fatfs.h), read again,
** and converted with base/tz.c: the stored offset when exFAT has a valid
** one, else the zone of --fat-tz.
**
** event.raw of these events (docs/internals/SCHEMA.md):
**   bits  0-15  time  (FAT/exFAT DOS time; 0 for a FAT access date)
**   bits 16-31  date  (DOS date)
**   bits 32-39  10 ms increment (FAT creation time tenths, exFAT 10ms)
**   bits 40-47  exFAT UTC offset byte (bit 7 = valid), else 0
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names_int.h"
#include "base/timeconv_int.h"
#include "base/grow_int.h"
#include "base/le_int.h"
#include "walk/walk_int.h"

#define FAT_FIRST_NORMINO 3

void
Tl_fat_start(Tl_walk *w, TSK_FS_INFO *fs)
{
  uint8_t bs[512];
  uint32_t ssize;
  uint64_t datasect;
  w->is_fat = w->is_exfat = 0;
  if(!TSK_FS_TYPE_ISFAT(fs->ftype))
    return;
  if(tsk_fs_read(fs, 0, (char *)bs, sizeof(bs)) != (ssize_t)sizeof(bs)) {
    tsk_error_reset();
    return;
  }
  if(fs->ftype == TSK_FS_TYPE_EXFAT) {
    /* exFAT boot sector: BytesPerSectorShift at 108, ClusterHeapOffset at
    ** 88 (TSK's firstdatasect) */
    if(bs[108] < 9 || bs[108] > 12)
      return;
    ssize = 1u << bs[108];
    datasect = Tl_le32(bs + 88);
    w->is_exfat = 1;
  }
  else {
    /* BPB: bytes per sector 11, reserved sectors 14, number of FATs 16,
    ** sectors per FAT 22 (FAT12/16) or 36 (FAT32) */
    uint32_t spf = Tl_le16(bs + 22) ? Tl_le16(bs + 22) : Tl_le32(bs + 36);
    ssize = Tl_le16(bs + 11);
    if(ssize < 512 || ssize > 4096 || (ssize & (ssize - 1)) || !bs[16] ||
       !spf)
      return;
    datasect = Tl_le16(bs + 14) + (uint64_t)bs[16] * spf;
    w->is_fat = 1;
    {
      /* for the FAT itself: where, how wide, how many clusters */
      uint64_t totsec = Tl_le16(bs + 19) ? Tl_le16(bs + 19) : Tl_le32(bs + 32);
      uint64_t rootsec = ((uint64_t)Tl_le16(bs + 17) * 32 + ssize - 1) / ssize;
      w->fat_fatsect = Tl_le16(bs + 14);
      w->fat_spf = spf;
      w->fat_spc = bs[13];
      w->fat_clustsect = datasect + rootsec;
      w->fat_nclus = bs[13] && totsec > w->fat_clustsect ?
                     (totsec - w->fat_clustsect) / bs[13] : 0;
      w->fat_bits = fs->ftype == TSK_FS_TYPE_FAT12 ? 12 :
                    fs->ftype == TSK_FS_TYPE_FAT16 ? 16 : 32;
    }
  }
  w->fat_ssize = ssize;
  w->fat_dent_per_sect = ssize / 32;
  w->fat_datasect = datasect;
}

/* The DOS date/time as local wall-clock seconds, the way TSK reads the
** fields (fatfs_dos_2_unix_time): an out-of-range second, minute, hour or
** month becomes 0 and day 0 the last of the month before; the year runs to
** 2107 (TSK stops at 2037). 0 when the date is 0 (unset). */
static int
dos_local(uint16_t date, uint16_t time, int64_t *local)
{
  int sec = (time & 0x1f) * 2, min = (time >> 5) & 0x3f, hour = time >> 11;
  int mday = date & 0x1f, mon = ((date >> 5) & 0xf) - 1;
  int64_t year = (date >> 9) + 1980;
  if(!date)
    return 0;
  if(sec > 60)
    sec = 0;
  if(min > 59)
    min = 0;
  if(hour > 23)
    hour = 0;
  if(mon < 0 || mon > 11)
    mon = 0;
  *local = (Tl_civil_to_days(year, mon + 1, 1) + mday - 1) * 86400 +
           hour * 3600 + min * 60 + sec;
  return 1;
}

/* One time: i in m, a, c, b order. tenms is the 10 ms increment (0-199),
** off the exFAT UTC offset byte (0: none). */
static void
set_dos(Tl_walk *w, Tl_times4 *t, int i, uint16_t date, uint16_t time,
        uint8_t tenms, uint8_t off)
{
  int64_t local, utc;
  t->raw[i] = ((uint64_t)off << 40) | ((uint64_t)tenms << 32) |
              ((uint32_t)date << 16) | time;
  if(!dos_local(date, time, &local))
    return;
  /* 100 and more is a second and hundredths (TSK adds the second only
  ** above 100) */
  local += tenms >= 100;
  if(off & 0x80) {
    int v = off & 0x7f;
    if(v & 0x40)
      v -= 0x80;
    t->has_tz[i] = 1;
    t->tz[i] = v * 15 * 60;
    utc = local - t->tz[i];
  }
  else
    utc = Tl_tz_local_to_utc(w->tz, local, NULL, NULL);
  t->have[i] = 1;
  t->ns[i] = Tl_unix_to_ns(utc, (uint32_t)(tenms % 100) * 10000000u,
                           &t->clamped[i]);
}

int
Tl_fat_times(Tl_walk *w, const TSK_FS_FILE *f, Tl_times4 *t)
{
  uint8_t d[32];
  TSK_INUM_T inum;
  uint64_t off;
  if(!(w->is_fat || w->is_exfat) || !f->meta)
    return 0;
  inum = f->meta->addr;
  /* the root (2) and TSK's virtual files have no directory entry */
  if(inum < FAT_FIRST_NORMINO || f->meta->type == TSK_FS_META_TYPE_VIRT ||
     f->meta->type == TSK_FS_META_TYPE_VIRT_DIR)
    return 0;
  off = ((inum - FAT_FIRST_NORMINO) / w->fat_dent_per_sect +
         w->fat_datasect) * w->fat_ssize +
        (inum - FAT_FIRST_NORMINO) % w->fat_dent_per_sect * 32;
  if(tsk_fs_read(w->fs, (TSK_OFF_T)off, (char *)d, sizeof(d)) !=
     (ssize_t)sizeof(d)) {
    tsk_error_reset();
    w->fat_no_dentry++;
    return 0;
  }
  memset(t, 0, sizeof(*t));
  t->has_raw = 1;
  if(w->is_exfat) {
    /* file directory entry 0x85 (0x05 when deleted): create 8, modified
    ** 12, accessed 16 (time low, date high); 10ms create 20, modified 21;
    ** UTC offsets create 22, modified 23, accessed 24 */
    if((d[0] & 0x7f) != 0x05) {
      if(d[0] != 0x83 && d[0] != 0x81 && d[0] != 0x82 && d[0] != 0x03)
        w->fat_no_dentry++;
      return 0;
    }
    set_dos(w, t, 0, Tl_le16(d + 14), Tl_le16(d + 12), d[21], d[23]);
    set_dos(w, t, 1, Tl_le16(d + 18), Tl_le16(d + 16), 0, d[24]);
    set_dos(w, t, 3, Tl_le16(d + 10), Tl_le16(d + 8), d[20], d[22]);
    return 1;
  }
  /* 8.3 entry: creation tenths 13, time 14, date 16; access date 18;
  ** write time 22, date 24. Not a long-name part, not free-and-unused. */
  if(d[0] == 0 || (d[11] & 0x3f) == 0x0f) {
    w->fat_no_dentry++;
    return 0;
  }
  if((d[11] & 0x10) && d[0] != '.') {
    /* a directory: remember its first cluster */
    uint64_t cl = Tl_le16(d + 26) | (w->fat_bits == 32 ?
                                  (uint64_t)Tl_le16(d + 20) << 16 : 0);
    if(!Tl_grow(&w->seen, &w->seen_cap, w->n_seen + 1, sizeof(*w->seen),
                256))
      w->fat_oom = 1;
    if(w->n_seen < w->seen_cap)
      w->seen[w->n_seen++] = cl;
  }
  set_dos(w, t, 0, Tl_le16(d + 24), Tl_le16(d + 22), 0, 0);
  set_dos(w, t, 1, Tl_le16(d + 18), 0, 0, 0);
  set_dos(w, t, 3, Tl_le16(d + 16), Tl_le16(d + 14), d[13], 0);
  return 1;
}

/* The long name of the FAT short entry d at inode inum, from the long-name
** entries just before it on disk (sequence 1 next to the short entry, the
** checksum of the short name in each). Returns its length in UTF-16 units
** (the name as UTF-8 in out), or -1 when there is no intact chain. */
static int
long_name(Tl_walk *w, TSK_INUM_T inum, const uint8_t *d, char *out,
          size_t outlen)
{
  static const int pos[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
  uint8_t units[20 * 26], e[32], sum = 0;
  int n = 0, k, i;
  for(i = 0; i < 11; i++)
    sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + d[i]);
  for(k = 1; k <= 20; k++) {
    uint64_t off;
    if(inum < FAT_FIRST_NORMINO + (TSK_INUM_T)k)
      return -1;
    off = ((inum - k - FAT_FIRST_NORMINO) / w->fat_dent_per_sect +
           w->fat_datasect) * w->fat_ssize +
          (inum - k - FAT_FIRST_NORMINO) % w->fat_dent_per_sect * 32;
    if(tsk_fs_read(w->fs, (TSK_OFF_T)off, (char *)e, 32) != 32) {
      tsk_error_reset();
      return -1;
    }
    if((e[11] & 0x3f) != 0x0f || (e[0] & 0x1f) != k || e[13] != sum)
      return -1;
    for(i = 0; i < 13; i++) {
      uint16_t u = Tl_le16(e + pos[i]);
      if(u == 0 || u == 0xffff)
        break;
      units[2 * n] = e[pos[i]];
      units[2 * n + 1] = e[pos[i] + 1];
      n++;
    }
    if(e[0] & 0x40)
      break;
  }
  if(k > 20)
    return -1;
  Tl_utf16le_to_utf8(units, (size_t)n, out, outlen);
  return n;
}

int
Tl_fat_name_cut(Tl_walk *w, const TSK_FS_FILE *f, char *full, size_t len)
{
  uint8_t d[32];
  TSK_INUM_T inum;
  uint64_t off;
  size_t tl;
  const char *c;
  int n, tsk_units = 0;
  if(!w->is_fat || !f->name || !f->meta ||
     (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC))
    return 0;
  /* TSK keeps up to about 195 characters; only long names can be cut */
  tl = strlen(f->name->name);
  if(tl < 150)
    return 0;
  inum = f->name->meta_addr;
  if(inum < FAT_FIRST_NORMINO)
    return 0;
  off = ((inum - FAT_FIRST_NORMINO) / w->fat_dent_per_sect +
         w->fat_datasect) * w->fat_ssize +
        (inum - FAT_FIRST_NORMINO) % w->fat_dent_per_sect * 32;
  if(tsk_fs_read(w->fs, (TSK_OFF_T)off, (char *)d, 32) != 32) {
    tsk_error_reset();
    return 0;
  }
  if((n = long_name(w, inum, d, full, len)) < 0)
    return 0;
  /* UTF-16 units of TSK's name: 2 for a 4-byte UTF-8 sequence */
  for(c = f->name->name; *c; c++)
    if(((uint8_t)*c & 0xc0) != 0x80)
      tsk_units += ((uint8_t)*c >= 0xf0) ? 2 : 1;
  return n > tsk_units ? n : 0;
}

static uint32_t
fat_entry(const Tl_walk *w, const uint8_t *fat, uint64_t c)
{
  if(w->fat_bits == 12) {
    uint16_t v = Tl_le16(fat + c + c / 2);
    return c & 1 ? v >> 4 : v & 0xfff;
  }
  if(w->fat_bits == 16)
    return Tl_le16(fat + 2 * c);
  return Tl_le32(fat + 4 * c) & 0x0fffffff;
}

int
Tl_fat_orphan_dirs(Tl_walk *w, char *list, size_t len, uint64_t *n_dirs,
                   uint64_t *n_entries)
{
  uint8_t *fat = NULL, *pointed = NULL, *buf = NULL;
  uint64_t fatlen = w->fat_spf * w->fat_ssize, c, last = w->fat_nclus + 1;
  uint64_t bad = w->fat_bits == 12 ? 0xff7 : w->fat_bits == 16 ? 0xfff7 :
                 0x0ffffff7;
  size_t used = 0, clen = (size_t)w->fat_spc * w->fat_ssize;
  int rc = -1;
  *n_dirs = *n_entries = 0;
  list[0] = 0;
  if(!w->fat_nclus || !clen)
    return 0;
  /* the FAT must cover every cluster */
  if((w->fat_bits == 12 ? (last + 1) * 3 / 2 + 1 :
      (last + 1) * (uint64_t)(w->fat_bits / 8)) > fatlen)
    return -1;
  if(!(fat = malloc(fatlen)) || !(pointed = calloc(last + 1, 1)) ||
     !(buf = malloc(clen)))
    goto out;
  if(tsk_fs_read(w->fs, (TSK_OFF_T)(w->fat_fatsect * w->fat_ssize),
                 (char *)fat, fatlen) != (ssize_t)fatlen) {
    tsk_error_reset();
    goto out;
  }
  for(c = 2; c <= last; c++) {
    uint32_t v = fat_entry(w, fat, c);
    if(v >= 2 && v <= last)
      pointed[v] = 1;
  }
  if(w->n_seen)
    qsort(w->seen, w->n_seen, sizeof(uint64_t), Tl_cmp_u64);
  for(c = 2; c <= last; c++) {
    uint32_t v = fat_entry(w, fat, c);
    size_t i;
    if(!v || v == bad || pointed[c] ||
       (w->n_seen &&
        bsearch(&c, w->seen, w->n_seen, sizeof(uint64_t), Tl_cmp_u64)))
      continue;
    /* the head of a chain no listed directory starts: a directory when it
    ** begins with "." and ".." */
    if(tsk_fs_read(w->fs, (TSK_OFF_T)((w->fat_clustsect + (c - 2) *
                                       w->fat_spc) * w->fat_ssize),
                   (char *)buf, clen) != (ssize_t)clen) {
      tsk_error_reset();
      continue;
    }
    if(memcmp(buf, ".          ", 11) || !(buf[11] & 0x10) ||
       memcmp(buf + 32, "..         ", 11) || !(buf[43] & 0x10))
      continue;
    (*n_dirs)++;
    for(i = 64; i + 32 <= clen && buf[i]; i += 32)
      if(buf[i] != 0xe5 && (buf[i + 11] & 0x3f) != 0x0f &&
         !(buf[i + 11] & 0x08))
        (*n_entries)++;
    if(used + 30 < len)
      used += (size_t)snprintf(list + used, len - used, "%s%llu",
                               used ? ", " : "", (unsigned long long)c);
    else if(used + 5 < len && list[used - 1] != '.')
      used += (size_t)snprintf(list + used, len - used, ", ...");
  }
  rc = 0;
out:
  free(fat);
  free(pointed);
  free(buf);
  return rc;
}
