/*
** Fuzz target for the USN journal parser (plugins/usnjrnl), run through the mock
** plugin host (tests/plugin/mock_host.c), with the checks of
** fuzz_plugin.h that every parser fuzz target makes, and its own below. Built with libFuzzer by
** `make fuzz`; replayed over tests/fuzz/corpus/usnjrnl by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_usnjrnl_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_usnjrnl_init) != TL_OK ||
       !(p = mock_parser("usnjrnl")))
      abort();
  }
  mock_run_buf(p, data, size, "/$Extend/$UsnJrnl:$J", NULL, &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    /* records are 8-aligned, at least 60 bytes, inside the input */
    if(e->ev.record_offset % 8 || e->ev.record_offset + 60 > size ||
       !e->name || e->ev.file.kind > TL_REF_MFT)
      abort();
  }
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
