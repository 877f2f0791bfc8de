/*
** Fuzz target for the event log parser (plugins/evtx, libevtx through a
** libbfio handle on the host's read_at), run through the mock plugin host
** (tests/plugin/mock_host.c) with the checks of fuzz_plugin.h and its own
** below. Built with libFuzzer by `make fuzz`; replayed over
** tests/fuzz/corpus/evtx by `make check`.
*/
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
tl_rc tl_builtin_evtx_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct tl_parser *p;
  struct mock_run r;
  size_t i;
  if(!p) {
    if(mock_init(tl_builtin_evtx_init) != TL_OK || !(p = mock_parser("evtx")))
      abort();
  }
  mock_run_buf(p, data, size, "/Windows/System32/winevt/Logs/Security.evtx",
               NULL, &r);
  fz_check(&r);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    /* every event names its event ID; a file event has a path, a logon
    ** the account */
    if(!mock_attr(e, "event_id") ||
       (e->ev.kind == TL_EV_LOGON || e->ev.kind == TL_EV_LOGOFF ?
        !e->name || !*e->name : !e->file_path || !*e->file_path))
      abort();
  }
  for(i = 0; i < r.n_facts; i++)
    if(strncmp(r.fact_keys[i], "evtx.", 5) &&
       strncmp(r.fact_keys[i], "audit.", 6))
      abort();
  if(p->bid)
    (void)p->bid(data, size);
  mock_run_free(&r);
  return 0;
}
