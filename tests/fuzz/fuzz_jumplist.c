/*
** Fuzz target for plugins/jumplist (automatic and custom) through the mock
** host (fuzz_plugin.h has the checks). Built with libFuzzer by `make fuzz`;
** replayed over tests/fuzz/corpus/jumplist by `make check` (replay.c).
** The seeds are made by tests/fuzz/make_plugin_seeds.py.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_jumplist_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  if(!p) {
    if(mock_init(tl_builtin_jumplist_init) != TL_OK ||
       !(p = mock_parser("jumplist")))
      abort();
  }
  mock_run_buf(p, data, size, "/Users/x/AppData/f.automaticDestinations-ms",
               "x", &r);
  fz_check(&r);
  mock_run_free(&r);
  return 0;
}
