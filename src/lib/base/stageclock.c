/*
** The stage timer of TOUCHLINE_TIMING, shared by ingest and the timeline
** export so that their lines read alike.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stageclock_int.h"

double
Tl_clock_s(clockid_t id)
{
  struct timespec ts;
  if(clock_gettime(id, &ts))
    return 0;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
now(double *w, double *p, double *t)
{
  *w = Tl_clock_s(CLOCK_MONOTONIC);
  *p = Tl_clock_s(CLOCK_PROCESS_CPUTIME_ID);
  *t = Tl_clock_s(CLOCK_THREAD_CPUTIME_ID);
}

void
Tl_stage_start(Tl_stage_clock *k, int width)
{
  const char *e = getenv("TOUCHLINE_TIMING");
  memset(k, 0, sizeof(*k));
  k->on = e && *e && strcmp(e, "0");
  k->width = width;
  if(!k->on)
    return;
  now(&k->wall0, &k->cpu0, &k->thr0);
  k->wall = k->wall0;
  k->cpu = k->cpu0;
  k->thr = k->thr0;
}

void
Tl_stage_mark(Tl_stage_clock *k, const char *stage)
{
  double w, p, t;
  if(!k->on)
    return;
  now(&w, &p, &t);
  fprintf(stderr, "timing: %-*s wall %7.3f s  cpu %7.3f s  main thread "
          "%7.3f s\n", k->width, stage, w - k->wall, p - k->cpu, t - k->thr);
  k->wall = w;
  k->cpu = p;
  k->thr = t;
}

void
Tl_stage_total(Tl_stage_clock *k, const char *other, double other_cpu)
{
  double w, p, t;
  if(!k->on)
    return;
  now(&w, &p, &t);
  fprintf(stderr, "timing: %-*s wall %7.3f s  cpu %7.3f s  main thread "
          "%7.3f s  %s thread %.3f s\n", k->width, "total", w - k->wall0,
          p - k->cpu0, t - k->thr0, other, other_cpu);
}
