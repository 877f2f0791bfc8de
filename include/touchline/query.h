/*
** touchline: reading a case without knowing its schema: events and objects
** through a filter, and the timeline export in one call.
** Included by <touchline/touchline.h>; docs/internals/API.md has the rules
** (struct_size, borrowed strings) and an example.
*/
#ifndef TOUCHLINE_QUERY_H
#define TOUCHLINE_QUERY_H

#include <touchline/touchline.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which names a filter keeps. */
enum tl_alloc_filter {
  TL_ALLOC_ANY = 0,
  TL_ALLOC_DELETED = 1,     /* deleted (unallocated) names only */
  TL_ALLOC_ALLOCATED = 2    /* allocated names only */
};

/* What to read. Zero-initialise, set struct_size; every condition that is
** set applies (AND); within a list any value matches (OR). The arrays and
** strings are read during the call only. */
struct tl_filter {
  uint32_t struct_size;     /* sizeof(struct tl_filter) */
  int has_from, has_to;     /* the window [from_ns, to_ns) */
  int64_t from_ns, to_ns;
  const char *const *evidence;  /* evidence labels */
  size_t n_evidence;
  const char *const *division;  /* divisions of the objects: the one the
                                ** division map gives the path, else the
                                ** evidence item's (docs/TARGETS.md,
                                ** "Divisions"; as exposure counts) */
  size_t n_division;
  const char *const *source;    /* time sources: "$SI", "$FN", "inode",
                                ** "FAT entry", ... */
  size_t n_source;
  /* Path glob: * and ? within a folder, ** across folders, / or \ as
  ** separator; without case on NTFS, FAT, exFAT, HFS+, APFS; a relative
  ** glob matches at any depth; a stream follows its file. NULL: any. */
  const char *path_glob;
  int alloc;                /* enum tl_alloc_filter */
};

/* One object (a file, directory or NTFS stream). Strings are borrowed for
** the callback only; "" when the case has no value. The library sets
** struct_size to the size it filled: read a field added later only when
** struct_size covers it (offsetof(...) < struct_size). */
struct tl_object {
  uint32_t struct_size;
  int64_t object_id;        /* stable within the case */
  const char *evidence;     /* evidence label */
  const char *division;     /* of the path (division map), else of the
                            ** evidence item; "" for none */
  const char *volume;       /* "addr: description", "" outside a volume */
  const char *fs_type;      /* TSK name: "ntfs", "fat16", "ext2", ... */
  const char *path;         /* full path; a stream as "path:stream" */
  size_t path_len;          /* bytes of path (a name may hold NUL-free
                            ** control characters, never NUL) */
  const char *name;         /* last component */
  const char *stream;       /* NTFS stream name, else NULL */
  int64_t inode;            /* TSK meta address */
  int has_attr;             /* NTFS: attr_type and attr_id are set */
  int attr_type, attr_id;
  int64_t size;
  int deleted;              /* 1: the name is unallocated */
  const char *alloc;        /* "allocated", "deleted", "deleted-realloc" */
  char name_type, meta_type;  /* TSK letters; meta_type 0: no metadata */
  int64_t mode, uid, gid;
  const char *link_target;  /* symbolic link target, else NULL */
};

/* One event: one time source of an object at one instant. */
struct tl_event {
  uint32_t struct_size;
  int64_t event_id;
  int64_t t_ns;             /* ns since 1970 UTC; see clamped */
  const char *source;       /* "$SI", "$FN", "inode", "FAT entry", ... */
  const char *macb;         /* four letters, e.g. "m.c." */
  int has_raw;              /* raw is the on-disk value */
  int64_t raw;              /* NTFS: the FILETIME in 100 ns ticks, as a
                            ** signed number (the bits of the uint64) */
  int clamped;              /* 1: the on-disk time lies outside what
                            ** t_ns can hold (1677..2262) and t_ns is
                            ** INT64_MIN or INT64_MAX; raw has the value */
  int filetime;             /* 1: a FILETIME (100 ns precision) */
  int fn_attr_id;           /* $FN: the $FILE_NAME attribute id, else -1 */
  const struct tl_object *object;  /* the object, borrowed likewise */
  /* An artifact event (docs/PLUGIN-ABI.md): source is the parser; kind
  ** is set ("opened", ...), else all of these are NULL. When the event
  ** names no object of the case, object has the evidence item, path is
  ** the path as the artifact wrote it (or the name) and object_id is 0. */
  const char *kind;
  const char *actor;        /* account, SID or profile; may be NULL */
  const char *what;         /* the parser's text for people */
  const char *attributes;   /* the attributes as a JSON object ("{}") */
  const char *artifact_path;  /* the artifact the event comes from */
};

/* Return 0 to go on; anything else stops the query, which then returns
** TL_STOP. */
typedef int (*tl_event_cb)(const struct tl_event *e, void *ctx);
typedef int (*tl_object_cb)(const struct tl_object *o, void *ctx);

/* Every event passing filter (NULL: all), in time order, then evidence,
** then path, then event id. Memory does not grow with the case. */
tl_rc tl_query_events(tl_case *c, const struct tl_filter *filter,
                      tl_event_cb cb, void *ctx);

/* Every object passing the object conditions of filter (evidence,
** division, path_glob, alloc), in object_id order (the walk order). With
** a time window or sources, only objects that have an event passing them. */
tl_rc tl_query_objects(tl_case *c, const struct tl_filter *filter,
                       tl_object_cb cb, void *ctx);

/* ---- timeline export (docs/TIMELINE.md) ------------------------------- */

enum tl_timeline_format {
  TL_TIMELINE_CSV = 0,
  TL_TIMELINE_BODYFILE = 1,     /* TSK 3.x body file, one line per object */
  TL_TIMELINE_JSONL = 2,        /* Timesketch */
  TL_TIMELINE_L2TCSV = 3,       /* log2timeline/plaso l2tcsv */
  TL_TIMELINE_TLN = 4           /* H. Carvey's TLN */
};

struct tl_timeline_opts {
  uint32_t struct_size;     /* sizeof(struct tl_timeline_opts) */
  int format;               /* enum tl_timeline_format */
  const char *tz;           /* IANA zone text times are shown in; NULL or
                            ** "UTC": UTC. Read from the zone database
                            ** (base/tz.c); the process TZ is not used */
  int fractional;           /* bodyfile: seconds with 7 or 9 decimals */
  /* Called every 4096 lines; may be NULL. */
  void (*progress)(uint64_t n_lines, void *ctx);
  void *progress_ctx;
  /* Polled after every line; when it becomes non-zero the export stops and
  ** returns TL_INTERRUPTED. May be NULL. */
  volatile int *cancel;
};

struct tl_timeline_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  uint64_t n_lines;         /* lines written, without the header */
  uint64_t n_clamped;       /* events written whose time is clamped; in a
                            ** body file nothing marks them */
};

/* Write the events passing filter (NULL: all) to out in a format. Opens
** nothing: c may be opened TL_OPEN_READONLY. A failing sink write stops
** the export with TL_IO; result (may be NULL) has the counts so far. */
tl_rc tl_timeline_export(tl_case *c, const struct tl_filter *filter,
                         const struct tl_timeline_opts *opts,
                         const struct tl_sink *out,
                         struct tl_timeline_result *result);

/* Times typed by users (--from/--to): tl_parse_time_zone() in
** touchline.h, the one zone-aware parser; it reads zones from the zone
** database without touching the process TZ. */

#ifdef __cplusplus
}
#endif
#endif /* TOUCHLINE_QUERY_H */
