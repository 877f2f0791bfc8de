/*
** TOUCHLINE_TIMING=1: each stage of a long command (ingest, timeline
** export) as one line on stderr with its wall time, the CPU time of the
** whole process and of the calling thread (docs/internals/API.md,
** WRITE-PATH.md read them).
*/
#ifndef TL_STAGECLOCK_INT_H
#define TL_STAGECLOCK_INT_H

#include <time.h>

typedef struct {
  int on;                   /* TOUCHLINE_TIMING set and not "0" */
  int width;                /* the stage names' column width */
  double wall, cpu, thr;    /* at the last mark */
  double wall0, cpu0, thr0; /* at the start */
} Tl_stage_clock;

/* Seconds of a clock_gettime() clock; 0 when it cannot be read. */
double Tl_clock_s(clockid_t id);

/* Read TOUCHLINE_TIMING and, when it is on, mark the start. */
void Tl_stage_start(Tl_stage_clock *k, int width);

/* One line: the time since the last mark. */
void Tl_stage_mark(Tl_stage_clock *k, const char *stage);

/* The "total" line; other/other_cpu: a second thread's CPU time. */
void Tl_stage_total(Tl_stage_clock *k, const char *other, double other_cpu);

#endif
