/*
** The timeline's own path glob, fs case list and ISO 8601 parser, moved
** from the tool (src/tool/timeline_*.c) as they were; to be unified with
** base/pathglob.c and base/timeconv.c.
*/
#ifndef TL_TLX_INT_H
#define TL_TLX_INT_H

#include <stddef.h>
#include <stdint.h>

/* Path globs: *, ?, ** and \ or / as separator. */
struct tlx_glob {
  uint32_t *pat;            /* pattern as code points */
  size_t n;
  uint32_t *s;              /* scratch: the path being matched */
  size_t s_cap;
};
int Tl_tlx_glob_compile(struct tlx_glob *g, const char *pattern);
/* 1 when path[0..len) matches; fold: compare without case. */
int Tl_tlx_glob_match(struct tlx_glob *g, const char *path, size_t len,
                      int fold);
void Tl_tlx_glob_free(struct tlx_glob *g);

/* 1 when names on this file system type compare without case. */
int Tl_tlx_fs_case_insensitive(const char *fs_type);

/* Parse an ISO 8601 date or date-time ("2023-06-01", "2023-06-01T12:00",
** "...:30.5Z", "...+02:00"). Without an offset the time is local to the
** process zone (utc: UTC). Returns 0 and sets *ns, or -1. */
int Tl_tlx_parse_time(const char *s, int utc, int64_t *ns);

/* 1 when z is a file of the zone database: glibc silently falls back to
** UTC for a name it does not know, which would mislabel every time. */
int Tl_tlx_zone_ok(const char *z);

#endif
