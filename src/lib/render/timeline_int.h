/*
** The timeline export (tl_timeline_export): the row loop (timeline.c) and
** the writers (timeline_fmt.c). Rows come from store/query.c.
*/
#ifndef TL_TIMELINE_INT_H
#define TL_TIMELINE_INT_H

#include <stdint.h>
#include <touchline/touchline.h>

#include "base/tz_int.h"

/* What an event or body line says about its object. Strings are borrowed
** from the current row. */
struct Tl_tlw_obj {
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
  int printable;            /* the texts above need no escape (checked
                            ** when the case was read) */
};

/* One event row. */
struct Tl_tlw_event {
  struct Tl_tlw_obj o;
  int64_t t_ns;
  const char *source;       /* "$SI", "$FN", "inode", "FAT entry", ... */
  const char *macb;         /* "m.c." */
  int filetime;             /* a FILETIME source: 100 ns precision */
  int clamped;              /* t_ns is clamped; raw has the on-disk value */
  int has_raw;
  int64_t raw;
  int stable;               /* source, macb, evidence, division, volume,
                            ** fs_type and alloc keep their address and
                            ** text for the whole export (the store's
                            ** snapshot): their escaped forms are kept,
                            ** keyed by address (struct Tl_tlw_memo) */
  /* an artifact event (docs/PLUGIN-ABI.md): source is the parser */
  const char *kind;         /* NULL for a file-system event */
  const char *actor, *what, *attributes, *artifact_path;
};

/* One body-file line: four times, in the mactime field order. */
struct Tl_tlw_body {
  struct Tl_tlw_obj o;
  int fn_line;              /* the " ($FILE_NAME)" line of an NTFS entry */
  int64_t t_ns[4];          /* m, a, c, b; valid where have[i] */
  int have[4];
  int filetime;
};

/* A text as a writer last escaped it (with what follows it), keyed by
** the address of the source text: see Tl_tlw_event.stable. */
#define TL_TLW_MEMO 8       /* entries per field */
#define TL_TLW_MEMO_FIELDS 8
struct Tl_tlw_memo {
  const char *key, *key2;
  uint32_t n;
  char b[116];
};

struct Tl_tlw_out {
  const struct tl_sink *sink;
  int fmt;                  /* enum tl_timeline_format */
  int fractional;           /* bodyfile: float seconds */
  const char *tz;           /* zone name shown; "UTC" by default */
  Tl_tz *zone;              /* NULL: UTC (base/tz.c, no process state) */
  char *buf;                /* lines not yet written (pending bytes) */
  size_t cap, pending;
  uint64_t lines_pending;   /* lines (not the header) in buf */
  uint64_t lines_written;   /* lines the sink took */
  char *tbuf, *xbuf;        /* scratch for composite texts */
  size_t tcap, xcap;
  int have_sec;             /* sec_when holds second sec, split */
  int64_t sec;
  struct Tl_tlw_when {
    int64_t y;
    unsigned mo, d, h, mi, s;
    int64_t frac_ns;
    long off;               /* seconds east of UTC */
  } sec_when;
  struct Tl_tlw_memo memo[TL_TLW_MEMO_FIELDS][TL_TLW_MEMO];
  int write_err;            /* the sink refused a line */
  int oom;                  /* a line could not be built */
};

/* Writers; a refused write sets o->write_err, a failed allocation o->oom. */
void Tl_tlw_header(struct Tl_tlw_out *o);
void Tl_tlw_event_row(struct Tl_tlw_out *o, const struct Tl_tlw_event *e);
void Tl_tlw_body_row(struct Tl_tlw_out *o, const struct Tl_tlw_body *b);
/* Hand the pending lines to the sink (lines are written in chunks). */
void Tl_tlw_flush(struct Tl_tlw_out *o);
void Tl_tlw_out_free(struct Tl_tlw_out *o);

#endif
