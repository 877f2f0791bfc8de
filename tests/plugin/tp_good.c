/*
** A test plugin (tests/plugin_host.sh): parser "tltest" claims "*.tltest"
** files, text with one record per line:
**   EV kind t_ns raw ref actor key=value   an event; ref is mft:ENTRY:SEQ,
**                                         path:TEXT (no blanks, '_' for a
**                                         blank) or name:TEXT
**   CORRUPT                               a bad record (api->corrupt)
**   BAD                                   a malformed event (kind 99)
**   FAIL                                  parse returns TL_FAILED
**   FACT key value                        api->fact (ABI 1.1; '+' for a
**                                         blank in key, '_' in value)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/plugin.h>

static const char *const globs[] = {"**/*.tltest", NULL};

static void
unblank(char *s)
{
  for(; *s; s++)
    if(*s == '_')
      *s = ' ';
}

static tl_rc
parse(const struct tl_host_api *api, tl_input *in)
{
  uint64_t size = api->input_size(in), off = 0;
  char *buf, *line, *save = NULL;
  size_t got = 0;
  tl_rc rc = TL_OK;
  if(size > 1 << 20 || !(buf = api->alloc((size_t)size + 1)))
    return TL_FAILED;
  if(api->read_at(in, 0, buf, (size_t)size, &got) || got != size) {
    api->free(buf);
    return TL_IO;
  }
  buf[got] = 0;
  for(line = strtok_r(buf, "\n", &save); line;
      line = strtok_r(NULL, "\n", &save)) {
    off = (uint64_t)(line - buf);
    if(!strcmp(line, "FAIL")) {
      rc = TL_FAILED;
      break;
    }
    if(!strcmp(line, "CORRUPT")) {
      api->corrupt(in, off, "a record the test calls corrupt");
      rc = TL_CORRUPT;
      continue;
    }
    if(!strncmp(line, "FACT ", 5)) {
      char key[160], value[512], *eq;
      if(api->abi_minor < 1 || sscanf(line, "FACT %159s %511s", key,
                                      value) != 2)
        continue;
      for(eq = key; *eq; eq++)   /* '+' for a blank in a key */
        if(*eq == '+')
          *eq = ' ';
      unblank(value);
      api->fact(in, key, value);
      continue;
    }
    if(!strcmp(line, "BAD")) {
      struct tl_artifact_event ev;
      memset(&ev, 0, sizeof(ev));
      ev.struct_size = sizeof(ev);
      ev.kind = 99;
      ev.name = "bad";
      api->emit(in, &ev);
      continue;
    }
    if(!strncmp(line, "EV ", 3)) {
      struct tl_artifact_event ev;
      struct tl_attr at[2];
      char kind[32], ref[512], actor[128], kv[256], what[600];
      long long t, raw;
      char *eq;
      unsigned long long e, s;
      if(sscanf(line, "EV %31s %lld %lld %511s %127s %255s", kind, &t, &raw,
                ref, actor, kv) != 6) {
        api->corrupt(in, off, "a short EV line");
        rc = TL_CORRUPT;
        continue;
      }
      memset(&ev, 0, sizeof(ev));
      ev.struct_size = sizeof(ev);
      ev.kind = (uint32_t)atoi(kind);
      ev.t_ns = t;
      ev.has_raw = 1;
      ev.raw = raw;
      ev.record_offset = off;
      ev.actor = actor;
      snprintf(what, sizeof(what), "tltest: line at %llu",
               (unsigned long long)off);
      ev.what = what;
      if(sscanf(ref, "mft:%llu:%llu", &e, &s) == 2) {
        ev.file.kind = TL_REF_MFT;
        ev.file.mft_entry = e;
        ev.file.mft_seq = (uint32_t)s;
      } else if(!strncmp(ref, "path:", 5)) {
        unblank(ref);
        ev.file.kind = TL_REF_PATH;
        ev.file.path = ref + 5;
      } else
        ev.name = ref + 5;
      if((eq = strchr(kv, '='))) {
        *eq = 0;
        at[0].key = kv;
        at[0].value = eq + 1;
        at[1].key = "profile";
        at[1].value = api->input_profile(in) ? api->input_profile(in) : "-";
        ev.attrs = at;
        ev.n_attrs = 2;
      }
      if(api->emit(in, &ev) == TL_STOP)
        break;
    }
  }
  api->free(buf);
  return rc;
}

static const struct tl_parser desc = {
  TL_PARSER_STRUCT_VERSION, "tltest", "0.9.1",
  "test records, one per line (tests/plugin/tp_good.c)", 0,
  {globs, NULL, NULL, NULL, 0, 0}, NULL, parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(tltest)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                        char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &desc);
}
