/*
** Fuzz target for the CSV reader (base/csv.c): reads every record of the
** input and checks what the reader promises: it ends, each call moves on,
** fields are NUL-terminated inside the reader's buffer, line numbers grow.
** Built with libFuzzer by `make fuzz` (clang -fsanitize=fuzzer); replayed
** over tests/fuzz/corpus/csv by `make check` (replay.c).
*/
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  Tl_csv r;
  long last_line = 0;
  size_t calls = 0;
  int rc, i;

  if(!size)
    return 0;
  memset(&r, 0, sizeof(r));
  if(!(r.f = fmemopen((void *)data, size, "r")))
    return 0;
  while((rc = Tl_csv_next(&r)) != 0) {
    /* every call consumes at least one byte, so size + 1 calls end it */
    if(++calls > size + 1)
      abort();
    if(r.line < 1 || r.line < last_line || r.next_line < r.line)
      abort();
    last_line = r.line;
    if(rc < 0) {
      if(!r.error)
        abort();
      continue;
    }
    if(rc != 1 || r.n < 1 || r.n > TL_CSV_MAX_FIELDS)
      abort();
    for(i = 0; i < r.n; i++) {
      const char *f = r.field[i];
      if(f < r.buf || f >= r.buf + r.cap)
        abort();
      if(!memchr(f, '\0', r.cap - (size_t)(f - r.buf)))
        abort();
    }
  }
  Tl_csv_free(&r);
  fclose(r.f);
  return 0;
}
