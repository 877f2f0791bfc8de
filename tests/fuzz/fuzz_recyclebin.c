/*
** Fuzz target for the Recycle Bin parser (plugins/recyclebin), run through the mock
** plugin host (tests/plugin/mock_host.c), with the checks of
** fuzz_plugin.h that every parser fuzz target makes, and its own below. Built with libFuzzer by
** `make fuzz`; replayed over tests/fuzz/corpus/recyclebin by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_recyclebin_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_recyclebin_init) != TL_OK ||
       !(p = mock_parser("recyclebin")))
      abort();
  }
  mock_run_buf(p, data, size, "/$Recycle.Bin/S-1-5-21-1-2-3-1001/$IFUZZ.txt", NULL, &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    if(e->ev.kind != TL_EV_DELETED || !e->file_path || !*e->file_path ||
       e->ev.record_offset >= size)
      abort();
  }
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
