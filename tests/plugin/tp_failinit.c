/*
** A test plugin whose init registers a parser and then fails
** (tests/plugin_host.sh): the host must drop the registration and close it.
*/
#include <string.h>

#include <touchline/plugin.h>

static tl_rc
parse(const struct tl_host_api *api, tl_input *in)
{
  (void)api;
  (void)in;
  return TL_FAILED;
}

static const char *const names[] = {"failinit.bin", NULL};

static const struct tl_parser desc = {
  TL_PARSER_STRUCT_VERSION, "failinit", "1.0", "fails in init", 0,
  {NULL, names, NULL, NULL, 0, 0}, NULL, parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(failinit)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  api->register_parser(ctx, &desc);
  return TL_FAILED;
}
