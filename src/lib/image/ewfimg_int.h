/*
** An EWF (E01) image layer for libtsk with a large cache of decompressed
** data. libtsk's own image cache holds 32 x 64 KiB; a file system walk that
** visits MFT entries out of order then makes libewf inflate the same chunks
** again and again. This layer keeps aligned blocks of decompressed media in
** a bounded, hash-indexed CLOCK cache and hands libtsk a TSK_IMG_INFO made
** with tsk_img_open_external().
*/
#ifndef TL_EWFIMG_INT_H
#define TL_EWFIMG_INT_H

#include <stddef.h>

#include <tsk/libtsk.h>

/* Default bound on the decompressed data kept per open image. */
#define TL_EWF_CACHE_BYTES ((size_t)64 << 20)

/* Open the EWF set made of the n segment files (in order) for libtsk. At
** most cache_bytes of decompressed data are kept (0: the default). The
** result is closed with tsk_img_close(); its itype is TSK_IMG_TYPE_EXTERNAL.
** On failure returns NULL with a one-line reason in err. */
TSK_IMG_INFO *Tl_ewf_img_open(char *const *segments, int n,
                              size_t cache_bytes, char *err, size_t errlen);

#endif
