/*
** Fuzz target for the registry parser (plugins/registry: libregf over a
** libbfio memory range, libfwsi for shell items), run through the mock
** plugin host with the checks of fuzz_plugin.h. Built with libFuzzer by
** `make fuzz FUZZ_TARGETS=registry`; replayed over
** tests/fuzz/corpus/registry by `make check` (small hives written by
** tests/make_regf.py).
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_registry_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_registry_init) != TL_OK ||
       !(p = mock_parser("registry")))
      abort();
  }
  mock_run_buf(p, data, size, "/Users/fuzz/NTUSER.DAT", "fuzz", &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    if((e->ev.kind != TL_EV_OPENED && e->ev.kind != TL_EV_EXECUTED) ||
       !e->actor || strcmp(e->actor, "fuzz"))
      abort();
  }
  for(i = 0; i < r.n_facts; i++)
    if(!fz_utf8_ok(r.fact_keys[i]) || !fz_utf8_ok(r.fact_values[i]))
      abort();
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
