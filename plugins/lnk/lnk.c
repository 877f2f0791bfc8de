/*
** plugins/lnk: Windows Shell Link (.lnk) files anywhere on the volume
** (README.md). Reads the link through the host table, parses it with
** lnkparse.c and emits the target times it stores and one "opened" event.
*/
#include <stdio.h>
#include <string.h>

#include <touchline/plugin.h>

#include "lnkparse.h"

/* A link is a few KiB; 16 MiB leaves room for odd ones with big extra
** data and keeps a damaged size from costing memory. */
#define LNK_MAX_SIZE (16u << 20)

static int
lnk_bid(const uint8_t *head, size_t len)
{
  /* 32 bits of header size + 128 of CLSID */
  return tlp_lnk_is_header(head, len) ? 160 : 0;
}

static tl_rc
lnk_parse(const struct tl_host_api *api, tl_input *in)
{
  struct tlp_lnk l;
  uint8_t *buf;
  size_t len;
  int prc;
  tl_rc rc;

  if((rc = tlp_read_all(api, in, LNK_MAX_SIZE, &buf, &len)) != TL_OK)
    return rc;
  prc = tlp_lnk_parse(buf, len, &l);
  if(prc < 0) {
    char msg[128];
    snprintf(msg, sizeof(msg), "not parsed: %s", l.problem);
    api->warn(in, msg);
    rc = TL_FAILED;
    goto out;
  }
  rc = tlp_lnk_emit(api, in, &l, 0, "LNK", 1, NULL, 0);
  if(rc == TL_STOP)
    rc = TL_OK;
  if(rc == TL_OK && prc > 0) {
    api->corrupt(in, 0, l.problem);
    rc = TL_CORRUPT;
  }
out:
  tlp_lnk_free(&l);
  api->free(buf);
  return rc;
}

static const char *const lnk_globs[] = { "**/*.lnk", NULL };

static const struct tl_parser lnk_parser = {
  TL_PARSER_STRUCT_VERSION,
  "lnk",
  "1.0.0",
  "Windows shortcut (.lnk): the target's path, its stored times, volume "
  "and machine",
  TL_CAP_THREADSAFE,
  { lnk_globs, NULL, NULL, NULL, 0, 0 },
  lnk_bid,
  lnk_parse
};

TL_PLUGIN_EXPORT tl_rc TL_PLUGIN_ENTRY(lnk)(const struct tl_host_api *api,
                                           tl_plugin_ctx *ctx, char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(lnk)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                     char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &lnk_parser);
}
