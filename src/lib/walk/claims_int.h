/*
** In-image artifact claims during the walk (walk/claims.c).
*/
#ifndef TL_WALK_CLAIMS_INT_H
#define TL_WALK_CLAIMS_INT_H

#include "plugin/host_int.h"
#include "walk/walk_int.h"

/* The claims of h's parsers; *out stays NULL when none claims anything
** (the walk then pays nothing). h is borrowed and must outlive it. */
tl_rc Tl_claims_new(Tl_phost *h, Tl_wclaims **out);
void Tl_claims_free(Tl_wclaims *cl);

/* The walker stored object id (entry f through attribute a, path
** path[0..len) with ":stream"): note it when a parser claims it. */
void Tl_claims_note(Tl_walk *w, int64_t id, const TSK_FS_FILE *f,
                    const TSK_FS_ATTR *a, const char *path, size_t len);

/* After a file system's walk, before it is closed: parse what was noted. */
tl_rc Tl_claims_run(Tl_walk *w);

/* Events stored and records/files lost so far; the run's per-parser
** counts as JSON (NULL when none; free it). */
void Tl_claims_counts(const Tl_wclaims *cl, uint64_t *n_events,
                      uint64_t *n_lost);
char *Tl_claims_json(const Tl_wclaims *cl);

#endif
