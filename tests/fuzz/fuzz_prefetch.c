/*
** Fuzz target for the prefetch parser (plugins/prefetch, libscca and
** libfwnt), run through the mock plugin host (tests/plugin/mock_host.c),
** with the checks of fuzz_plugin.h that every parser fuzz target makes, and
** its own below: every event is executed or loaded, names a path or a name,
** and carries the executable. Built with libFuzzer by `make fuzz`; replayed
** over tests/fuzz/corpus/prefetch by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_prefetch_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_prefetch_init) != TL_OK ||
       !(p = mock_parser("prefetch")))
      abort();
  }
  mock_run_buf(p, data, size, "/Windows/Prefetch/FUZZ.EXE-00000000.pf", NULL,
               &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    if(e->ev.kind != TL_EV_EXECUTED && e->ev.kind != TL_EV_LOADED)
      abort();
    if(!e->file_path && !e->name)
      abort();
    if(!mock_attr(e, "executable") || !mock_attr(e, "prefetch_hash"))
      abort();
  }
  if(r.rc == TL_OK && r.n_corrupt)
    abort();
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
