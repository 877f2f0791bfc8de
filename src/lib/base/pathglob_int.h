/*
** Target paths as users write them, and the globs they use.
*/
#ifndef TL_PATHGLOB_INT_H
#define TL_PATHGLOB_INT_H

#include <stddef.h>

/* Normalise a user's path into out (cap bytes): back slashes become '/',
** a drive letter ("C:") or UNC host ("\\fs01") is dropped, one leading
** '/', no repeated or trailing '/', "." and ".." components resolved.
** Returns 0; 1 when "." or ".." were resolved (the caller says so); -1 when
** it does not fit; -2 when ".." climbs above the root; -3 when ".."
** follows a wildcard component. */
int Tl_path_normalize(const char *in, char *out, size_t cap);

/* 1 when s contains glob characters ('*' or '?'). */
int Tl_is_glob(const char *s);

/* NULL when the glob is well formed, else why not ("**" must be a whole
** path component). */
const char *Tl_glob_check(const char *pat);

/* Match text against pat: '?' one character but '/', '*' any run without
** '/', '**' as a whole component any run of components (also none).
** Both must already be folded to one case when matching is case-blind. */
int Tl_glob_match(const char *pat, const char *text);

/* ASCII lower-case copy (bytes >= 0x80 kept) into out; returns out. */
char *Tl_fold(const char *in, char *out, size_t cap);

#endif
