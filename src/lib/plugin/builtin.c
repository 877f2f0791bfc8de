/*
** The parsers built into libtouchline (plugins/<name>/, compiled with
** -DTL_PLUGIN_BUILTIN so that TL_PLUGIN_ENTRY(name) is
** tl_builtin_<name>_init). One line per parser; the table ends with NULL.
*/
#include "config.h"

#include <stddef.h>

#include "plugin/host_int.h"

tl_rc tl_builtin_usnjrnl_init(const struct tl_host_api *api,
                              tl_plugin_ctx *ctx, char **errmsg);
tl_rc tl_builtin_recyclebin_init(const struct tl_host_api *api,
                                 tl_plugin_ctx *ctx, char **errmsg);
tl_rc tl_builtin_lnk_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg);
tl_rc tl_builtin_jumplist_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);
tl_rc tl_builtin_prefetch_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);
tl_rc tl_builtin_registry_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);
tl_rc tl_builtin_evtx_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

tl_rc tl_builtin_m365_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

const Tl_builtin Tl_builtins[] = {
  {"usnjrnl", tl_builtin_usnjrnl_init},
  {"recyclebin", tl_builtin_recyclebin_init},
  {"lnk", tl_builtin_lnk_init},
  {"jumplist", tl_builtin_jumplist_init},
  {"prefetch", tl_builtin_prefetch_init},
  {"registry", tl_builtin_registry_init},
  {"evtx", tl_builtin_evtx_init},
  {"m365", tl_builtin_m365_init},
  {NULL, NULL}
};
