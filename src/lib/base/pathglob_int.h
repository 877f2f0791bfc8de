/*
** Target paths as users write them, and the globs they use.
*/
#ifndef TL_PATHGLOB_INT_H
#define TL_PATHGLOB_INT_H

#include <stddef.h>
#include <stdint.h>

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

/* One glob engine for targets and timeline --path (docs/TARGETS.md,
** "Globs"): '?' one character but '/', '*' any run without '/', "**" as a
** whole component any run of components (also none; "/a/" "**" also matches
** "/a"), "**" inside a component any run with '/'. Back slashes in a
** pattern are separators. Characters are code points; with fold, matched
** after Tl_cp_fold(). Time O(text x pattern), whatever the stars. */
typedef struct Tl_glob {
  uint32_t *tok;
  size_t n;
  unsigned char *cur, *next;   /* state sets, n + 1 each */
} Tl_glob;

/* Compile pat; any_depth: a pattern not starting with a separator matches
** at any depth (as if it began with "**" "/"). Returns 0 or -1 (memory). */
int Tl_glob_compile(Tl_glob *g, const char *pat, int any_depth);
/* 1 when text[0..len) matches. */
int Tl_glob_exec(Tl_glob *g, const char *text, size_t len, int fold);
void Tl_glob_free(Tl_glob *g);

/* The literal ends of a compiled glob, for prefilters: its code points
** before the first wildcard token (head) and after the last one (tail),
** each folded (Tl_cp_fold) and encoded as UTF-8 (an invalid byte as
** itself), NUL-terminated. A head or tail that does not fit its cap is
** cut at a code point, keeping the start of head and the end of tail. Any
** text that Tl_glob_exec(fold=1) matches, once folded (Tl_fold), starts
** with head and ends with tail, byte for byte: a text that does not can
** be rejected without running the glob. A pattern ending in "/" "**", or
** any wildcard, has an empty tail; one starting with a wildcard or
** relative (any_depth) an empty head. */
void Tl_glob_literals(const Tl_glob *g, char *head, size_t hcap, char *tail,
                      size_t tcap);

/* Folding a text from its end, one code point at a time, as Tl_fold would
** decode it from its start: the code point that ends at text[end) (end >
** 0, end at a code point boundary, e.g. the text's length), folded and
** encoded into out; returns its byte count (1 to 4) and sets *start to
** where it begins in text (the next end). */
size_t Tl_fold_prev(const char *text, size_t end, char out[4],
                    size_t *start);

/* 1 when text[0..len), folded (Tl_fold), starts with the bytes pre[0..pl)
** (as Tl_glob_literals' head); reads only as much of text as needed. */
int Tl_fold_starts(const char *text, size_t len, const char *pre, size_t pl);

/* Compile, match once, free: 1, 0, or -1 when out of memory. */
int Tl_glob_match(const char *pat, const char *text, int fold);

/* Unicode simple case folding of one code point (Latin, Greek, Cyrillic,
** full-width Latin); others unchanged. */
uint32_t Tl_cp_fold(uint32_t cp);

/* Case-folded copy (Tl_cp_fold per character) into out; returns out. */
char *Tl_fold(const char *in, char *out, size_t cap);

/* 1 when the file system type (TSK's name) compares names without regard
** to case: NTFS, FAT12/16/32, exFAT, HFS+, APFS, ISO 9660. The one list. */
int Tl_fs_case_blind(const char *fs_type);

/* 1 when path is prefix or lies below it (whole components: "/a/b" is
** under "/a" but "/ab" is not; everything is under "/"), case-blind with
** fold. */
int Tl_path_under(const char *path, const char *prefix, int fold);

#endif
