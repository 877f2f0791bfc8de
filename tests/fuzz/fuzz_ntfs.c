/*
** Fuzz target for the walker's raw NTFS time parsers (walk/ntfs.c): the
** content of a $STANDARD_INFORMATION or a $FILE_NAME attribute as it sits
** resident in an MFT entry. Input: byte 0 even: $SI, odd: $FN; the rest is
** the attribute's content, copied into a buffer of exactly its size so that
** a read past it is caught (ASan). Checks: a content long enough is
** accepted and a shorter one refused; the name lies inside the content;
** every FILETIME converts exactly (ns = (ft - 1601..1970) x 100) or is
** clamped only when out of the int64 range, with 0 meaning unset; the name
** decodes into the buffer the walk gives it (6 bytes a unit), as valid
** UTF-8, with nothing cut.
*/
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names_int.h"
#include "base/timeconv_int.h"
#include "walk/walk_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_times(const Tl_times4 *t)
{
  int i;
  if(!t->has_raw)
    abort();
  for(i = 0; i < 4; i++) {
    __int128 want = ((__int128)t->raw[i] - TL_FILETIME_UNIX_EPOCH) * 100;
    if(t->have[i] != (t->raw[i] != 0))
      abort();                  /* 0 is "never set" */
    if(!t->clamped[i] && want != t->ns[i])
      abort();                  /* exact to the 100 ns tick */
    if(t->clamped[i] && (want >= INT64_MIN && want <= INT64_MAX))
      abort();                  /* clamped only when it does not fit */
    if(t->clamped[i] && t->ns[i] != INT64_MIN && t->ns[i] != INT64_MAX)
      abort();
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *b;
  size_t n;
  if(size < 1 || size > 4096)
    return 0;
  n = size - 1;
  if(!(b = malloc(n ? n : 1)))
    return 0;
  memcpy(b, data + 1, n);
  if(!(data[0] & 1)) {
    Tl_times4 t;
    int ok = Tl_ntfs_parse_si(b, n, &t);
    if(ok != (n >= 32))
      abort();
    if(ok)
      check_times(&t);
  }
  else {
    Tl_ntfs_fn fn;
    int ok = Tl_ntfs_parse_fn(b, n, &fn);
    if(ok != (n >= 66 && 66 + 2 * (size_t)b[64] <= n))
      abort();
    if(ok) {
      size_t cap = (size_t)fn.name_units * 6 + 1, len;
      char *text = malloc(cap);
      if(fn.name < b || fn.name + 2 * (size_t)fn.name_units > b + n)
        abort();                /* the name lies inside the content */
      if(fn.nspace < 0 || fn.nspace > 255 || fn.name_units > 255)
        abort();
      check_times(&fn.t);
      if(text) {
        len = Tl_utf16le_to_utf8(fn.name, (size_t)fn.name_units, text, cap);
        if(len >= cap || strlen(text) != len)
          abort();              /* the walk's buffer always suffices */
        if(!Tl_utf8_valid(text, len))
          abort();              /* a name is always text */
        free(text);
      }
    }
  }
  free(b);
  return 0;
}
