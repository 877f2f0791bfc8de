/*
** A test plugin built for plugin ABI 2 (tests/plugin_host.sh): its init
** sees the host's major 1 and refuses, as every plugin must.
*/
#include <stdio.h>
#include <string.h>

#include <touchline/plugin.h>

#undef TL_PLUGIN_ABI_MAJOR
#define TL_PLUGIN_ABI_MAJOR 2

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(tpmajor)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg)
{
  (void)ctx;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR) {
    if((*errmsg = api->alloc(80)))
      snprintf(*errmsg, 80, "tpmajor needs plugin ABI %d, the host has %u",
               TL_PLUGIN_ABI_MAJOR, (unsigned)api->abi_major);
    return TL_ABI;
  }
  return TL_OK;
}
