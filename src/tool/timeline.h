/*
** `touchline timeline`: the pieces shared by the query (cmd_timeline.c),
** the writers (timeline_fmt.c) and the path matcher (timeline_match.c).
*/
#ifndef TL_TIMELINE_H
#define TL_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

enum tlx_format {
  TLX_BODYFILE,
  TLX_CSV,
  TLX_JSONL,
  TLX_L2TCSV,
  TLX_TLN
};

/* What an event or body line says about its object. Strings are borrowed
** from the current SQLite row. */
struct tlx_obj {
  const char *evidence;
  const char *division;     /* "" when none */
  const char *volume;       /* "" when the fs is not in a volume system */
  const char *fs_type;      /* TSK name: "ntfs", "fat16", "ext2", ... */
  const char *path;         /* full path, ADS as "path:stream" */
  size_t path_len;          /* length to use (the stream may be cut off) */
  const char *name;         /* last component */
  int64_t inode;
  int has_attr;             /* NTFS: attr_type/attr_id are set */
  int attr_type, attr_id;
  int64_t size;
  int deleted;
  const char *alloc;        /* allocated, deleted, deleted-realloc */
  char name_type, meta_type;  /* '\0' meta_type: no metadata */
  int64_t mode, uid, gid;
  const char *prefix;       /* bodyfile of several file systems: "label/vol2" */
  const char *link_target;  /* symbolic link target, or NULL */
};

/* One event row. */
struct tlx_event {
  struct tlx_obj o;
  int64_t t_ns;
  const char *source;       /* "$SI", "$FN", "inode", "FAT entry", ... */
  const char *macb;         /* "m.c." */
  int filetime;             /* a FILETIME source: 100 ns precision */
};

/* One body-file line: four times, in the mactime field order. */
struct tlx_body {
  struct tlx_obj o;
  int fn_line;              /* the " ($FILE_NAME)" line of an NTFS entry */
  int64_t t_ns[4];          /* m, a, c, b; valid where have[i] */
  int have[4];
  int filetime;
};

struct tlx_out {
  FILE *f;
  enum tlx_format fmt;
  int fractional;           /* bodyfile: float seconds */
  const char *tz;           /* zone name shown; "UTC" by default */
  int utc;                  /* 1: no zone arithmetic needed */
  int64_t off_key;          /* cache of the zone offset per 15 minutes */
  long off_s;
  char *buf;                /* scratch for escaping */
  size_t cap;
};

/* Writers; errors show up through ferror(o->f). */
void tlx_header(struct tlx_out *o);
void tlx_event_row(struct tlx_out *o, const struct tlx_event *e);
void tlx_body_row(struct tlx_out *o, const struct tlx_body *b);
void tlx_out_free(struct tlx_out *o);

/* UTC offset in seconds of the process zone (TZ) at t (s since 1970). */
long tlx_zone_offset(struct tlx_out *o, int64_t t);

/* Parse an ISO 8601 date or date-time ("2023-06-01", "2023-06-01T12:00",
** "...:30.5Z", "...+02:00"). Without an offset the time is local to the
** process zone (utc: UTC). Returns 0 and sets *ns, or -1. */
int tlx_parse_time(const char *s, int utc, int64_t *ns);

/* Path globs: *, ?, ** and \ or / as separator. */
struct tlx_glob {
  uint32_t *pat;            /* pattern as code points */
  size_t n;
  uint32_t *s;              /* scratch: the path being matched */
  size_t s_cap;
};
int tlx_glob_compile(struct tlx_glob *g, const char *pattern);
/* 1 when path[0..len) matches; fold: compare without case. */
int tlx_glob_match(struct tlx_glob *g, const char *path, size_t len,
                   int fold);
void tlx_glob_free(struct tlx_glob *g);

/* 1 when names on this file system type compare without case. */
int tlx_fs_case_insensitive(const char *fs_type);

#endif
