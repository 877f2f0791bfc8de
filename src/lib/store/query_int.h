/*
** Reading events and objects through a tl_filter (store/query.c): the
** public tl_query_* calls and the timeline export (render/timeline.c) share
** these. The SQL and the schema knowledge of reading live here only.
*/
#ifndef TL_QUERY_INT_H
#define TL_QUERY_INT_H

#include "store/case_int.h"
#include "base/pathglob_int.h"
#include "store/divmap_int.h"

/* A filter checked and compiled once. */
struct Tl_qfilter {
  struct tl_filter f;       /* the caller's, struct_size-normalised */
  Tl_glob glob;
  int has_glob;
  Tl_divmap dm;             /* the division map: division of each object */
  int has_map;              /* the case has a division_map table */
};

/* Check and compile filter (NULL: everything) into q; errors on c. */
tl_rc Tl_qfilter_init(tl_case *c, const struct tl_filter *filter,
                      struct Tl_qfilter *q);
void Tl_qfilter_free(struct Tl_qfilter *q);

/* 1 when the filter has event conditions (window or sources). */
int Tl_qfilter_has_event_cond(const struct Tl_qfilter *q);

/* Events in export order (t_ns, evidence, printed path, event_id). The
** callback's return: 0 go on, else stop (the call returns TL_STOP). The
** object of an event is filled once per row; plain_len is its path length
** without the stream, for the writers. */
typedef int (*Tl_event_fn)(const struct tl_event *e, size_t plain_len,
                           void *ctx);
tl_rc Tl_query_events(tl_case *c, struct Tl_qfilter *q, Tl_event_fn cb,
                      void *ctx);

/* The timeline export's reading (tl_timeline_export): the same rows as
** Tl_query_events, in the same order, from sequential scans of the object
** and event tables ordered in memory. Objects are held in memory; events
** in windows of a bounded size. */
/* printable: every text of the event's object that a writer escapes
** (evidence, division, volume, path, name, body-file prefix, link target)
** is printable ASCII, so Tl_visible_escape() would change nothing. */
typedef int (*Tl_export_fn)(const struct tl_event *e, size_t plain_len,
                            int printable, void *ctx);
tl_rc Tl_export_events(tl_case *c, struct Tl_qfilter *q, Tl_export_fn cb,
                       void *ctx);

/* Body-file rows: objects in object_id order, each with its events
** (event_id order; new_object marks an object's first row, the only one
** that carries the object). An object without a passing event comes once
** with has_event 0. Objects whose path fails the glob are left out. */
struct Tl_body_row {
  int new_object;
  const struct tl_object *o;  /* on the first row of an object, else NULL */
  size_t plain_len;         /* path length without the stream (first row) */
  const char *prefix;       /* "label/volN/pool" for several file systems
                            ** (first row) */
  int has_event;
  const struct tl_event *e; /* object NULL: it is o */
  int printable;            /* as for Tl_export_fn (first row) */
  int fn_found;             /* $FN: its $FILE_NAME row was found */
  int fn_dos;               /* ... in the DOS namespace */
  size_t fn_units;          /* ... its name in UTF-16 units */
};
typedef int (*Tl_body_fn)(const struct Tl_body_row *r, void *ctx);
tl_rc Tl_export_body(tl_case *c, struct Tl_qfilter *q, Tl_body_fn cb,
                     void *ctx);

/* File systems in the evidence items the filter selects; -1 on error. */
int64_t Tl_query_count_fs(tl_case *c, struct Tl_qfilter *q);

#endif
