/*
** hello: a minimal touchline artifact parser (docs/PLUGIN-ABI.md).
**
** It claims files named "hello.txt" (in an image or given to `touchline
** artifacts CASE add`) and emits one "observed" event per line of the
** form "SECONDS PATH": the time is SECONDS since 1970, the file is PATH as
** written (a Windows path; touchline resolves it to an object of the
** case). A line it cannot read is reported with api->corrupt and skipped.
**
** Build: make (uses `pkg-config --cflags touchline`); install: make install
** (into the plugin folder pkg-config names), or load it with
** `touchline plugins --plugin ./hello.so`.
*/
#define _POSIX_C_SOURCE 200809L  /* strtok_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/plugin.h>

static const char *const names[] = {"hello.txt", NULL};

static tl_rc
parse(const struct tl_host_api *api, tl_input *in)
{
  uint64_t size = api->input_size(in);
  char *buf, *line, *save = NULL;
  size_t got = 0;
  tl_rc rc = TL_OK;

  if(size > (1u << 20))
    return TL_FAILED;               /* not a hello file: too big */
  if(!(buf = api->alloc((size_t)size + 1)))
    return TL_FAILED;
  if(api->read_at(in, 0, buf, (size_t)size, &got)) {
    api->free(buf);
    return TL_FAILED;
  }
  buf[got] = 0;
  for(line = strtok_r(buf, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    struct tl_artifact_event ev;
    struct tl_attr attr = {"greeting", "hello"};
    long long secs;
    int n = 0;
    if(sscanf(line, "%lld %n", &secs, &n) != 1 || !line[n]) {
      api->corrupt(in, (uint64_t)(line - buf), "not 'SECONDS PATH'");
      rc = TL_CORRUPT;
      continue;
    }
    memset(&ev, 0, sizeof(ev));     /* zero it, set struct_size */
    ev.struct_size = sizeof(ev);
    ev.kind = TL_EV_OBSERVED;
    ev.t_ns = secs * 1000000000LL;
    ev.has_raw = 1;
    ev.raw = secs;
    ev.file.kind = TL_REF_PATH;
    ev.file.path = line + n;        /* copied by emit: may live here */
    ev.record_offset = (uint64_t)(line - buf);
    ev.what = "hello: a greeting";
    ev.attrs = &attr;
    ev.n_attrs = 1;
    if(api->emit(in, &ev) == TL_STOP)
      break;
  }
  api->free(buf);
  return rc;
}

static const struct tl_parser hello = {
  TL_PARSER_STRUCT_VERSION,
  "hello",                          /* name */
  "1.0.0",                          /* version */
  "a sample parser: one event per 'SECONDS PATH' line of hello.txt",
  0,                                /* caps */
  {NULL, names, NULL, NULL, 0, 0},  /* claims: globs, names, streams, sig */
  NULL,                             /* bid */
  parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(hello)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                       char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &hello);
}
