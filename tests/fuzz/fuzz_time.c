/*
** Fuzz target for the time parser (base/timeparse.c): Tl_parse_time() on
** the input in one of a few zones chosen by its first byte, and
** tl_parse_time_zone() with a zone name taken from the input. Checks what
** the parser promises: it ends; a refusal says why; an accepted time
** formats back (Tl_format_ns) to text that parses to the same instant;
** with a zone, the instant is at most 26 hours from the same text read as
** UTC; an explicit offset makes the zone irrelevant.
** Input: byte 0 selects the zone (bit 7: the zone name is the text up to
** the first newline, the time the rest); the rest is the time text.
*/
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/touchline.h>

#include "base/timeconv_int.h"
#include "base/timeparse_int.h"
#include "base/tz_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
  NULL, "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
  "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"
};
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

static const Tl_tz *
zone(size_t i)
{
  static Tl_tz *tz[N_ZONES];
  static int loaded;
  if(!loaded) {
    size_t k;
    for(k = 1; k < N_ZONES; k++)
      tz[k] = Tl_tz_load(NULL, zones[k], NULL, 0);   /* NULL: no zoneinfo */
    loaded = 1;
  }
  return tz[i];
}

/* the text has an explicit offset when it parses to the same instant in
** two zones whose offsets differ (a cheap, parser-independent test) */
static void
check(const char *s, const Tl_tz *tz)
{
  int64_t ns = 0, back = 0, utc = 0;
  const char *why = Tl_parse_time(s, tz, &ns);
  char buf[64];
  if(why) {
    if(!*why)
      abort();                  /* a refusal always says why */
    return;
  }
  Tl_format_ns(ns, buf, sizeof(buf));
  if(Tl_parse_time(buf, NULL, &back) || back != ns)
    abort();                    /* format and parse are inverse */
  if(tz && !Tl_parse_time(s, NULL, &utc)) {
    __int128 d = (__int128)ns - utc;
    if(d < 0)
      d = -d;
    if(d > (__int128)26 * 3600 * TL_NS_PER_SEC)
      abort();                  /* no zone is that far from UTC */
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s;
  if(size < 1 || size > 512)
    return 0;
  if(!(s = malloc(size)))
    return 0;
  memcpy(s, data + 1, size - 1);
  s[size - 1] = '\0';
  if(data[0] & 0x80) {
    /* "zone\ntime": the public entry point, with any zone name */
    char *nl = strchr(s, '\n');
    const char *why = NULL;
    int64_t ns = 0;
    tl_rc rc;
    if(nl) {
      *nl = '\0';
      rc = tl_parse_time_zone(nl + 1, s, &ns, &why);
      if(rc != TL_OK && rc != TL_USAGE)
        abort();
      if(rc && (!why || !*why))
        abort();
    }
  }
  else
    check(s, zone(data[0] % N_ZONES));
  free(s);
  return 0;
}
