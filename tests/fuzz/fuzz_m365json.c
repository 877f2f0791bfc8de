/*
** Fuzz target for the strict JSON reader of plugins/m365 (json.h): any
** input either parses as one object, whose members are NUL-terminated
** UTF-8 without a NUL inside, keys unique, within the arena; or is refused
** with a reason and an offset inside the input. Built with libFuzzer by
** `make fuzz FUZZ_TARGETS=m365json`; replayed over
** tests/fuzz/corpus/m365json by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Well-formed UTF-8 (the reader's own rules are checked, not reused). */
static int
fz_utf8_ok(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  while(*p) {
    int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ?
            2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
    if(n < 0 || (n == 1 && *p < 0xc2))
      return 0;
    p++;
    while(n--) {
      if((*p & 0xc0) != 0x80)
        return 0;
      p++;
    }
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct tlp_jmember m[TLP_JSON_MAX_MEMBERS];
  char *arena = malloc(size + 1);
  const char *why = NULL;
  size_t n = 0, at = 0, i, j;
  if(!arena)
    return 0;
  if(tlp_json_object((const char *)data, size, arena, size + 1, m,
                     TLP_JSON_MAX_MEMBERS, &n, &why, &at)) {
    if(!why || at > size || n)
      abort();
  } else {
    for(i = 0; i < n; i++) {
      if(!m[i].key || m[i].key < arena || m[i].key > arena + size ||
         !fz_utf8_ok(m[i].key))
        abort();
      if(m[i].val && (m[i].val < arena || m[i].val > arena + size ||
                      !fz_utf8_ok(m[i].val)))
        abort();
      if((m[i].type == TLP_J_OBJECT || m[i].type == TLP_J_ARRAY) !=
         !m[i].val)
        abort();
      for(j = 0; j < i; j++)
        if(!strcmp(m[i].key, m[j].key))
          abort();
    }
  }
  free(arena);
  return 0;
}
