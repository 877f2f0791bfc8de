/*
** The checks the parser fuzz targets (fuzz_lnk.c, fuzz_jumplist.c) make
** on one run through the mock host: parse() returns one of its documented
** codes, the host refused no event as malformed, every string of every
** event is valid UTF-8, every time with a raw FILETIME converts exactly
** (or is clamped), and a corrupt return comes with a report. abort() on a
** failure, so that libFuzzer and the replay both see it.
*/
#ifndef TL_FUZZ_PLUGIN_H
#define TL_FUZZ_PLUGIN_H

#include <stdlib.h>
#include <string.h>

#include "mock_host.h"

static int
fz_utf8_ok(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  if(!s)
    return 1;
  while(*p) {
    int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ?
            2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
    if(n < 0 || (n == 1 && *p < 0xc2))
      return 0;
    p++;
    while(n--) {
      if((*p & 0xc0) != 0x80)
        return 0;
      p++;
    }
  }
  return 1;
}

static void
fz_check(const struct mock_run *r)
{
  size_t i, j;
  if(r->rc != TL_OK && r->rc != TL_CORRUPT && r->rc != TL_FAILED)
    abort();
  if(r->n_bad_emit)
    abort();
  if(r->rc == TL_CORRUPT && !r->n_corrupt)
    abort();
  for(i = 0; i < r->n_events; i++) {
    const struct mock_event *e = &r->events[i];
    if(!fz_utf8_ok(e->file_path) || !fz_utf8_ok(e->actor) ||
       !fz_utf8_ok(e->what) || !e->what)
      abort();
    if(e->ev.file.kind == TL_REF_PATH && !e->file_path)
      abort();
    for(j = 0; j < e->n_attrs; j++)
      if(!e->attrs[j].key || !e->attrs[j].value ||
         !fz_utf8_ok(e->attrs[j].value))
        abort();
    if(e->ev.has_raw && !e->ev.clamped &&
       e->ev.t_ns != (e->ev.raw - INT64_C(116444736000000000)) * 100)
      abort();
  }
}

#endif
