/*
** The claims of every parser as one index (walk/claimindex.c), built once
** per ingest from the plugin registry and asked once per object of the
** walk: which parser, if any, claims this file. docs/internals/CLAIMS.md.
*/
#ifndef TL_WALK_CLAIMINDEX_INT_H
#define TL_WALK_CLAIMINDEX_INT_H

#include <stddef.h>

#include "plugin/host_int.h"

typedef struct Tl_claimix Tl_claimix;

/* The index of h's parsers' names, streams and globs (h is only read
** here; nothing of it is kept). *out stays NULL when no parser claims
** anything. TL_OK or TL_NOMEM. */
tl_rc Tl_claimix_new(const Tl_phost *h, Tl_claimix **out);
void Tl_claimix_free(Tl_claimix *x);

/* The parser (index into h->parsers) that claims an object, -1 for none.
** path[0..len): its path on the volume (a stream as "path:stream"); name:
** its file name; stream: it is a named stream (not the file's data). The
** decision of the matcher before the index (tests/unit/test_claims.c keeps
** it): a name claim of any parser first (case-blind, the first parser
** that named it); for a stream only the stream claims (case-blind
** path:stream); else the first glob, in parser order then in the order
** the parser lists them, whose literal ending (the characters after its
** last wildcard) ends the name, ASCII case-blind, and that matches the
** path case-blind. Not thread-safe (the globs' state sets). */
int Tl_claimix_match(Tl_claimix *x, const char *path, size_t len,
                     const char *name, int stream);

/* How many globs a path was checked against in full since the index was
** built (the candidates the prefilter let through), for tests. */
unsigned long Tl_claimix_glob_runs(const Tl_claimix *x);

#endif
