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
  /* the timeline export's second reader (Tl_export_pair): a read-only
  ** connection on the same snapshot as the case's, NULL: none */
  sqlite3 *db2;
  uint64_t rows2;           /* event rows it read (TOUCHLINE_TIMING) */
};

/* Check and compile filter (NULL: everything) into q; errors on c. */
tl_rc Tl_qfilter_init(tl_case *c, const struct tl_filter *filter,
                      struct Tl_qfilter *q);
void Tl_qfilter_free(struct Tl_qfilter *q);

/* Inside a transaction that has read nothing yet (BEGIN just run), open
** a second read-only connection on the snapshot the case's connection
** takes now, for Tl_export_events() and Tl_export_body() to read part of
** the event table in a thread (q->db2). Nothing when it cannot be had: a
** PostgreSQL case, a transaction that has read, a commit by another
** process between the two (PRAGMA data_version), or no second open; the
** exports then read on one connection. Tl_qfilter_free() closes it. */
void Tl_export_pair(tl_case *c, struct Tl_qfilter *q);

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

/* ---- the timeline export's snapshot (query.c) ----
** Objects and events read once and ordered in memory; store/query_pg.c
** fills the same snapshot from a PostgreSQL case's server, so that the
** sort, the tie-breaks, the formats and the windows are shared. */

struct Tl_sfs {             /* one file system of the case */
  int64_t fs_id;
  char *label, *division, *volume, *fs_type, *prefix;
  int printable;            /* label, volume and prefix */
};

struct Tl_sobj {
  int64_t id, inode, size, mode, uid, gid;
  size_t path, name, stream, link;   /* arena offsets; SIZE_MAX: NULL */
  const char *division;              /* the map's, or the item's */
  uint32_t path_len, plain;          /* plain: without ":stream" */
  uint32_t fnkey_len;                /* sort key of a $FN event */
  uint32_t fs;                       /* index in snap.fs */
  int32_t attr_type, attr_id;
  uint8_t alloc, has_attr, deleted, printable;
  char name_type, meta_type;
};

struct Tl_sev {
  int64_t t_ns, raw;
  uint32_t obj;             /* index in snap.obj */
  int32_t attr_id;          /* 0 when NULL */
  int32_t fnkey;            /* $FILE_NAME key (ntfs_filename); INT32_MIN:
                            ** none */
  uint16_t src;
  uint8_t macb;
  uint8_t flags;            /* 1 clamped, 2 has_raw */
};

struct Tl_snfn {            /* ntfs_filename, for the body file */
  int64_t object_id;
  int32_t key;
  int32_t dos;
  size_t units;             /* UTF-16 units of the name */
};

/* A few distinct strings (sources, macb, alloc), each kept once. Strings
** of at most 8 bytes are also kept packed in a word (key[]): looked up
** without strcmp, once per event row. */
struct Tl_intern {
  char **s;
  int *filetime;            /* "$SI" or "$FN": 1, "$FN": 3 */
  uint64_t *key;            /* the string packed, or UINT64_MAX: longer */
  size_t n, cap, last;
};

struct Tl_snap {
  struct Tl_sfs *fs;
  size_t n_fs;
  struct Tl_sobj *obj;
  size_t n_obj, cap_obj;
  char *arena;
  size_t used, cap;
  int64_t min_id;
  uint32_t *map;            /* object_id - min_id -> index, or NULL */
  size_t n_map;
  struct Tl_intern src, macb, alloc;
  struct Tl_sev *ev;
  size_t n_ev, cap_ev;
  size_t ev_hint;           /* rows a window may hold: the first capacity */
  uint32_t *ord;            /* export order of ev (sort_events) */
  struct Tl_snfn *fn;
  size_t n_fn;
  int schema;
  int body;                 /* the body file: events need their fnkey */
  int oom;
};

/* the event windows of Tl_pg_snap_events() and query.c's snap_events() */
enum { TL_WIN_NONE, TL_WIN_TIME, TL_WIN_OBJECT };

/* events a window may hold (a test hook sets it smaller) */
int64_t Tl_snap_budget(void);
/* index of s in t, added when new; -1 out of memory or past max */
long Tl_snap_intern(struct Tl_intern *t, const char *s, size_t max);
/* len bytes of p into the arena: their offset (s->oom on failure) */
size_t Tl_snap_arena_put(struct Tl_snap *s, const char *p, size_t len);
/* 1 when s is printable ASCII (Tl_fmt_printable) */
int Tl_snap_pstr(const char *s);
/* index of file system fs_id in s->fs, -1 when the filter left it out */
long Tl_snap_fs_index(const struct Tl_snap *s, int64_t fs_id);
/* the length of path that sorts a $FN event (without the stream) */
uint32_t Tl_snap_fn_cut(const char *path, size_t len, const char *stream);
/* the object_id -> index map, after the objects are read */
tl_rc Tl_snap_map(tl_case *c, struct Tl_snap *s);
/* UTF-16 units of a UTF-8 name */
size_t Tl_snap_utf16_units(const char *s);

/* Index of object_id, UINT32_MAX when the filter left it out. */
static inline uint32_t
Tl_snap_obj_index(const struct Tl_snap *s, int64_t id)
{
  size_t lo = 0, hi = s->n_obj;
  if(s->map) {
    if(id < s->min_id || (uint64_t)(id - s->min_id) >= s->n_map)
      return UINT32_MAX;
    return s->map[id - s->min_id];
  }
  while(lo < hi) {
    size_t m = (lo + hi) / 2;
    if(s->obj[m].id < id)
      lo = m + 1;
    else if(s->obj[m].id > id)
      hi = m;
    else
      return (uint32_t)m;
  }
  return UINT32_MAX;
}

/* the object's division from the map; 1 when it and its path pass q */
int Tl_qfilter_obj_ok(struct Tl_qfilter *q, struct tl_object *o,
                      size_t plain);
/* finish b and prepare it on c->db; NULL with the error on c */
sqlite3_stmt *Tl_query_prepare(tl_case *c, sqlite3_str *b);
/* " AND ..." on ev (evidence) for --division and --evidence, with ? */
void Tl_sql_evidence_cond(sqlite3_str *b, const struct Tl_qfilter *q);
/* bind those ? from i; the next index */
int Tl_bind_object_cond(sqlite3_stmt *s, int i, const struct Tl_qfilter *q);

#ifdef HAVE_LIBPQ
/* The loaders on a PostgreSQL case (store/query_pg.c): query.c's loaders
** call them first when c->pg is set. */
tl_rc Tl_pg_snap_objects(tl_case *c, struct Tl_qfilter *q,
                         struct Tl_snap *s);
tl_rc Tl_pg_snap_events(tl_case *c, struct Tl_qfilter *q, struct Tl_snap *s,
                        int win, int64_t lo, int64_t hi, int has_hi);
tl_rc Tl_pg_snap_fn(tl_case *c, struct Tl_snap *s);
tl_rc Tl_pg_time_windows(tl_case *c, int64_t **bounds, size_t *n);
sqlite3_stmt *Tl_pg_prepare_artifacts(tl_case *c, struct Tl_qfilter *q);
#endif

#endif
