/*
** A test plugin for in-image claims (tests/plugin_host.sh): parser
** "tlclaim" claims files named tracking.log and the stream
** /mult1.dat:ADS. For each it reads the whole input in 1000-byte pieces
** and emits one event: t_ns = the size, attributes head (the first 16
** bytes in hex) and sum (of all bytes), file = MFT entry 36 sequence 1.
*/
#include <stdio.h>
#include <string.h>

#include <touchline/plugin.h>

static const char *const names[] = {"tracking.log", NULL};
static const char *const streams[] = {"/mult1.dat:ADS", NULL};

static tl_rc
parse(const struct tl_host_api *api, tl_input *in)
{
  unsigned char buf[1000];
  char head[40] = "", sum[32];
  uint64_t size = api->input_size(in), off = 0, total = 0;
  struct tl_artifact_event ev;
  struct tl_attr at[3];
  size_t got, i;
  while(off < size) {
    if(api->read_at(in, off, buf, sizeof(buf), &got) || !got)
      return TL_FAILED;
    if(!off)
      for(i = 0; i < 16 && i < got; i++)
        snprintf(head + 2 * i, 3, "%02x", buf[i]);
    for(i = 0; i < got; i++)
      total += buf[i];
    off += got;
  }
  snprintf(sum, sizeof(sum), "%llu", (unsigned long long)total);
  memset(&ev, 0, sizeof(ev));
  ev.struct_size = sizeof(ev);
  ev.kind = TL_EV_OBSERVED;
  ev.t_ns = (int64_t)size;
  ev.file.kind = TL_REF_MFT;
  ev.file.mft_entry = 36;
  ev.file.mft_seq = 1;
  ev.what = api->input_path(in);
  at[0].key = "head";
  at[0].value = head;
  at[1].key = "sum";
  at[1].value = sum;
  at[2].key = "profile";
  at[2].value = api->input_profile(in) ? api->input_profile(in) : "-";
  ev.attrs = at;
  ev.n_attrs = 3;
  return api->emit(in, &ev) == TL_OK ? TL_OK : TL_FAILED;
}

static const struct tl_parser desc = {
  TL_PARSER_STRUCT_VERSION, "tlclaim", "1.2.3", "in-image claim test", 0,
  {NULL, names, streams, NULL, 0, 0}, NULL, parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(tlclaim)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                         char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &desc);
}
