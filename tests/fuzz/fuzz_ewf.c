/*
** Fuzz target for the EWF image layer (image/ewfimg.c) over libewf: the
** input is written to a temporary file NAME.E01 and opened as a one-segment
** set; when it opens, the media is read through the layer's cache (whole
** blocks, unaligned spans, the last byte, past the end) as libtsk would.
** Checks: a refusal says why; a read returns -1 or at most what was asked;
** nothing is read past the media size. Seeds in tests/fuzz/corpus/ewf are
** small E01 files (32 KiB of media) written by ewfacquirestream, and
** damaged copies.
*/
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/ewfimg_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[512], dir[400];

static void
cleanup(void)
{
  unlink(path);
  rmdir(dir);
}

static int
write_input(const uint8_t *data, size_t size)
{
  FILE *f;
  if(!path[0]) {
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/tl-fuzz-ewf-XXXXXX", t && *t ? t : "/tmp");
    if(!mkdtemp(dir))
      return -1;
    snprintf(path, sizeof(path), "%s/input.E01", dir);
    atexit(cleanup);
  }
  if(!(f = fopen(path, "wb")))
    return -1;
  if(size && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return -1;
  }
  return fclose(f);
}

static void
read_span(TSK_IMG_INFO *img, TSK_OFF_T off, size_t len, char *buf)
{
  ssize_t r = tsk_img_read(img, off, buf, len);
  if(r > (ssize_t)len)
    abort();
  if(r > 0 && off + r > img->size)
    abort();                    /* nothing past the media */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[512] = "", *segs[1];
  static char buf[70000];
  TSK_IMG_INFO *img;
  TSK_OFF_T off, end;

  if(write_input(data, size))
    return 0;
  segs[0] = path;
  img = Tl_ewf_img_open(segs, 1, (size_t)1 << 20, err, sizeof(err));
  if(getenv("TL_FUZZ_VERBOSE"))
    printf("# %s\n", img ? "opened" : err);
  if(!img) {
    if(!err[0])
      abort();                  /* a refusal says why */
    return 0;
  }
  end = img->size < ((TSK_OFF_T)4 << 20) ? img->size : ((TSK_OFF_T)4 << 20);
  for(off = 0; off < end; off += 4096)
    read_span(img, off, 4096, buf);
  if(img->size > 0) {
    read_span(img, img->size - 1, 1, buf);
    read_span(img, img->size / 2 + 1, 65537, buf);
  }
  read_span(img, 4095, 2, buf);
  read_span(img, img->size, 512, buf);
  tsk_img_close(img);
  return 0;
}
