/*
** Evidence containers through libtsk, and EWF metadata through libewf.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libewf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/ewfimg_int.h"
#include "image/image_int.h"

const char *
Tl_tsk_errstr(char *buf, size_t len)
{
  const char *e = tsk_error_get();
  size_t i;
  snprintf(buf, len, "%s", e && *e ? e : "unknown error");
  /* TSK messages can carry newlines; a one-line error needs none. */
  for(i = 0; buf[i]; i++)
    if(buf[i] == '\n' || buf[i] == '\r')
      buf[i] = ' ';
  tsk_error_reset();
  return buf;
}

tl_rc
Tl_image_preflight(tl_case *c, const char *path)
{
  struct stat sb;
  int fd;
  if(stat(path, &sb) != 0)
    return Tl_set_error(c, TL_IO, "%s: %s", path, strerror(errno));
  if(S_ISDIR(sb.st_mode))
    return Tl_set_error(c, TL_FAILED,
                        "%s: is a directory, not an evidence image", path);
  if(!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
    return Tl_set_error(c, TL_FAILED, "%s: not a regular file or device",
                        path);
  if(S_ISREG(sb.st_mode) && sb.st_size == 0)
    return Tl_set_error(c, TL_FAILED, "%s: empty file (0 bytes)", path);
  fd = open(path, O_RDONLY);
  if(fd < 0)
    return Tl_set_error(c, TL_IO, "%s: cannot read: %s", path,
                        strerror(errno));
  close(fd);
  return TL_OK;
}

/* The libtsk image type for one file. libtsk's detection tries every
** opener in turn, and in libtsk 4.11 the AFF, VMDK and VHD openers leak
** what they allocated when the file is not theirs (tests/lsan.supp). So a
** file with none of those formats' signatures, the common raw image, is
** opened as raw; one signature alone names its opener; anything else (an
** AFF name or signature, signatures of two formats) is left to libtsk's
** detection as before. Conservative: a signature anywhere it may sit. */
static TSK_IMG_TYPE_ENUM
single_file_type(const char *path)
{
  unsigned char head[512], tail[1024];
  const char *dot = strrchr(path, '.');
  ssize_t nh, nt = 0;
  off_t end;
  int fd, i, vmdk = 0, vhd = 0;

  if(dot && (!strcasecmp(dot, ".aff") || !strcasecmp(dot, ".afd") ||
             !strcasecmp(dot, ".afm")))
    return TSK_IMG_TYPE_DETECT;
  if((fd = open(path, O_RDONLY)) < 0)
    return TSK_IMG_TYPE_DETECT;
  nh = pread(fd, head, sizeof(head), 0);
  end = lseek(fd, 0, SEEK_END);
  if(end > 0)
    nt = pread(fd, tail, sizeof(tail),
               end > (off_t)sizeof(tail) ? end - (off_t)sizeof(tail) : 0);
  close(fd);
  if(nh < 0 || nt < 0 || (nh >= 3 && !memcmp(head, "AFF", 3)))
    return TSK_IMG_TYPE_DETECT;
  if(nh >= 4 && (!memcmp(head, "KDMV", 4) || !memcmp(head, "COWD", 4)))
    vmdk = 1;
  for(i = 0; i + 14 <= nh; i++)
    if(!memcmp(head + i, "DescriptorFile", 14))
      vmdk = 1;
  if(nh >= 8 && (!memcmp(head, "conectix", 8) || !memcmp(head, "vhdxfile", 8)))
    vhd = 1;
  for(i = 0; i + 8 <= nt; i++)
    if(!memcmp(tail + i, "conectix", 8))
      vhd = 1;
  if(vmdk && vhd)
    return TSK_IMG_TYPE_DETECT;
  return vmdk ? TSK_IMG_TYPE_VMDK_VMDK : vhd ? TSK_IMG_TYPE_VHD_VHD :
         TSK_IMG_TYPE_RAW;
}

static void
ewf_read_metadata(Tl_image *im)
{
  static const char *const keys[] = {
    "case_number", "evidence_number", "examiner_name", "description",
    "notes", "acquiry_date", "system_date", "acquiry_operating_system",
    "acquiry_software", "acquiry_software_version", "model",
    "serial_number", "device_label", NULL
  };
  libewf_handle_t *h = NULL;
  libewf_error_t *err = NULL;
  uint8_t buf[1024];
  int i;

  if(libewf_handle_initialize(&h, &err) != 1)
    goto done;
  if(libewf_handle_open(h, im->segments, im->n_segments,
                        LIBEWF_OPEN_READ, &err) != 1)
    goto done;
  if(libewf_handle_segment_files_corrupted(h, &err) == 1)
    im->ewf_corrupted = 1;
  if(err)
    libewf_error_free(&err);
  for(i = 0; keys[i] && im->n_meta < TL_MAX_META; i++) {
    if(libewf_handle_get_utf8_header_value(h, (const uint8_t *)keys[i],
                                           strlen(keys[i]), buf, sizeof(buf),
                                           &err) == 1 && buf[0]) {
      im->meta[im->n_meta].key = keys[i];
      im->meta[im->n_meta].value = strdup((char *)buf);
      if(im->meta[im->n_meta].value)
        im->n_meta++;
    }
    if(err) {
      libewf_error_free(&err);
    }
  }
  if(libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"MD5", 3, buf,
                                       sizeof(buf), &err) == 1)
    snprintf(im->stored_md5, sizeof(im->stored_md5), "%.32s", (char *)buf);
  if(err)
    libewf_error_free(&err);
  if(libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"SHA1", 4, buf,
                                       sizeof(buf), &err) == 1)
    snprintf(im->stored_sha1, sizeof(im->stored_sha1), "%.40s",
             (char *)buf);
done:
  if(err)
    libewf_error_free(&err);
  if(h) {
    libewf_handle_close(h, NULL);
    libewf_handle_free(&h, NULL);
  }
}

tl_rc
Tl_image_open(tl_case *c, int n_paths, const char *const *paths,
              Tl_image *im)
{
  return Tl_image_open_ex(c, n_paths, paths, 0, im);
}

tl_rc
Tl_image_open_ex(tl_case *c, int n_paths, const char *const *paths,
                 unsigned flags, Tl_image *im)
{
  libewf_error_t *err = NULL;
  char tskerr[512];
  int i, damaged = -1;
  tl_rc rc;

  memset(im, 0, sizeof(*im));
  for(i = 0; i < n_paths; i++)
    if((rc = Tl_image_preflight(c, paths[i])))
      return rc;

  if(libewf_check_file_signature(paths[0], &err) == 1)
    im->is_ewf = 1;
  if(err)
    libewf_error_free(&err);

  if(n_paths == 1 && !(flags & TL_IMAGE_EXACT)) {
    if((rc = Tl_segments_find(c, paths[0], im->is_ewf, &im->segments,
                              &im->n_segments)))
      return rc;
  }
  else {
    im->segments = calloc((size_t)n_paths + 1, sizeof(char *));
    for(i = 0; im->segments && i < n_paths; i++)
      if(!(im->segments[i] = strdup(paths[i])))
        break;
    im->n_segments = i;
    if(i < n_paths) {
      Tl_image_close(im);
      return Tl_set_error(c, TL_NOMEM, "out of memory");
    }
  }
  if(!(im->seg = calloc((size_t)im->n_segments, sizeof(*im->seg)))) {
    Tl_image_close(im);
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  }
  for(i = 0; i < im->n_segments; i++) {
    struct stat sb;
    if(i >= n_paths && (rc = Tl_image_preflight(c, im->segments[i]))) {
      char why[sizeof(c->errmsg)];
      snprintf(why, sizeof(why), "%s", c->errmsg);
      Tl_set_error(c, rc, "%s: %s cannot be opened: segment file %s",
                   paths[0], im->is_ewf ? "E01 set" : "split image", why);
      Tl_image_close(im);
      return rc;
    }
    im->seg[i].discovered = i >= n_paths;
    if(stat(im->segments[i], &sb) == 0) {
      im->seg[i].size = (int64_t)sb.st_size;
      im->seg[i].mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
                            sb.st_mtim.tv_nsec;
    }
  }
  if(im->is_ewf &&
     (rc = Tl_ewf_check_set(c, im->segments, im->n_segments, &damaged,
                            im->ewf_damage, sizeof(im->ewf_damage)))) {
    Tl_image_close(im);
    return rc;
  }

  tsk_error_reset();
  /* EWF goes through our own image layer (ewfimg.c): libtsk's cache is
  ** too small for a walk that inflates the same chunks again and again. */
  if(im->is_ewf)
    im->img = Tl_ewf_img_open(im->segments, im->n_segments,
                              TL_EWF_CACHE_BYTES, tskerr, sizeof(tskerr));
  else {
    TSK_IMG_TYPE_ENUM t = im->n_segments > 1 ? TSK_IMG_TYPE_RAW :
                          single_file_type(im->segments[0]);
    im->img = tsk_img_open_utf8(im->n_segments,
                                (const char *const *)im->segments, t, 0);
    if(!im->img && t != TSK_IMG_TYPE_RAW && t != TSK_IMG_TYPE_DETECT) {
      /* a signature its opener refused: what libtsk's detection makes of
      ** it, as before (its error is the one the user sees) */
      tsk_error_reset();
      im->img = tsk_img_open_utf8(im->n_segments,
                                  (const char *const *)im->segments,
                                  TSK_IMG_TYPE_DETECT, 0);
    }
  }
  if(!im->img) {
    if(im->is_ewf)
      rc = Tl_ewf_open_error(c, im->segments, im->n_segments, tskerr);
    else
      rc = Tl_set_error(c, TL_FAILED, "%s: cannot open as an evidence "
                        "image: %s", paths[0],
                        Tl_tsk_errstr(tskerr, sizeof(tskerr)));
    Tl_image_close(im);
    return rc;
  }
  /* our EWF layer is TSK_IMG_TYPE_EXTERNAL to libtsk; it is still EWF */
  im->itype = im->is_ewf ? TSK_IMG_TYPE_EWF_EWF : im->img->itype;
  im->media_size = (uint64_t)im->img->size;
  im->sector_size = im->img->sector_size;
  snprintf(im->container, sizeof(im->container), "%s%s",
           tsk_img_type_toname(im->itype),
           im->n_segments > 1 && !im->is_ewf ? " (split)" : "");
  if(im->media_size == 0) {
    Tl_set_error(c, TL_FAILED, "%s: image holds no data (media size 0)",
                 paths[0]);
    Tl_image_close(im);
    return TL_FAILED;
  }
  if(im->is_ewf) {
    ewf_read_metadata(im);
    if(damaged >= 0) {
      im->ewf_corrupted = 1;
      im->ewf_damaged_seg = damaged + 1;
    }
  }
  return TL_OK;
}

void
Tl_image_close(Tl_image *im)
{
  int i;
  if(im->img)
    tsk_img_close(im->img);
  if(im->segments) {
    for(i = 0; i < im->n_segments; i++)
      free(im->segments[i]);
    free(im->segments);
  }
  free(im->seg);
  for(i = 0; i < im->n_meta; i++)
    free(im->meta[i].value);
  memset(im, 0, sizeof(*im));
}
