/*
** Fuzz target for plugins/lnk through the mock host (fuzz_plugin.h has
** the checks), and for the reader below it: a link never spans more than
** the input. Built with libFuzzer by `make fuzz`; replayed over
** tests/fuzz/corpus/lnk by `make check` (replay.c). The seeds are made by
** tests/fuzz/make_plugin_seeds.py.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_plugin.h"
#include "lnkparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_lnk_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  struct tlp_lnk l;
  uint8_t *copy;
  int rc;

  if(!p) {
    if(mock_init(tl_builtin_lnk_init) != TL_OK ||
       !(p = mock_parser("lnk")))
      abort();
  }
  mock_run_buf(p, data, size, "/Users/x/Recent/f.lnk", "x", &r);
  fz_check(&r);
  mock_run_free(&r);
  /* an exact-size copy: a read past the end is seen by ASan */
  if(!(copy = malloc(size ? size : 1)))
    return 0;
  memcpy(copy, data, size);
  rc = tlp_lnk_parse(copy, size, &l);
  if(rc >= 0 && l.size > size)
    abort();
  if(rc != 0 && !l.problem)
    abort();
  tlp_lnk_free(&l);
  free(copy);
  return 0;
}
