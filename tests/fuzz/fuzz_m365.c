/*
** Fuzz target for the Microsoft 365 audit log parser (plugins/m365): CSV
** exports and JSON lines through the mock plugin host
** (tests/plugin/mock_host.c), with the checks of fuzz_plugin.h that every
** parser fuzz target makes, and its own below: every event has a kind of
** the documented table, a URL or a name, and a record offset inside the
** input. Built with libFuzzer by `make fuzz FUZZ_TARGETS=m365`; replayed
** over tests/fuzz/corpus/m365 by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_m365_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_m365_init) != TL_OK ||
       !(p = mock_parser("m365")))
      abort();
  }
  mock_run_buf(p, data, size, "audit.csv", NULL, &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    uint32_t k = e->ev.kind;
    if(!(k == TL_EV_ACCESSED || k == TL_EV_PREVIEWED ||
         k == TL_EV_DOWNLOADED || k == TL_EV_COPIED || k == TL_EV_MODIFIED ||
         k == TL_EV_RENAMED || k == TL_EV_DELETED || k == TL_EV_UPLOADED ||
         k == TL_EV_SHARED))
      abort();
    if((!e->file_path || !*e->file_path) && (!e->name || !*e->name))
      abort();
    if(e->ev.record_offset >= size || !mock_attr(e, "Operation"))
      abort();
  }
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
