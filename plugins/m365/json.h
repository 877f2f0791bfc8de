/*
** A small, strict JSON reader for the AuditData objects of the Microsoft
** 365 unified audit log (plugins/m365/README.md, "The JSON reader").
**
** One object per call: RFC 8259 exactly (no comments, no trailing commas,
** no single quotes, no leading zeros, no bare control characters), UTF-8
** checked (no overlong forms, no encoded surrogates), \u escapes paired,
** nesting at most TLP_JSON_MAX_DEPTH deep. The top-level members are
** returned with their values decoded; nested objects and arrays are
** checked and skipped. A NUL (\u0000) in a string is refused: the values
** become C strings and must not be cut short. A top-level key given twice
** is refused: which one counts would be a guess.
**
** No allocation: decoded text goes into the caller's arena, which needs
** len + 1 bytes (decoding never lengthens a value; each value's NUL takes
** the place of its closing quote or delimiter).
*/
#ifndef TLP_M365_JSON_H
#define TLP_M365_JSON_H

#include <stddef.h>

#pragma GCC visibility push(hidden)

#define TLP_JSON_MAX_DEPTH 64
#define TLP_JSON_MAX_MEMBERS 256

enum tlp_jtype {
  TLP_J_STRING = 1, TLP_J_NUMBER, TLP_J_TRUE, TLP_J_FALSE, TLP_J_NULL,
  TLP_J_OBJECT, TLP_J_ARRAY
};

struct tlp_jmember {
  const char *key;        /* decoded, NUL-terminated, in the arena */
  int type;               /* enum tlp_jtype */
  const char *val;        /* string: decoded; number: its text; true,
                          ** false, null: "true", "false", "null";
                          ** object, array: NULL */
};

/* Parse buf[0..len) as exactly one JSON object, with white space around
** it. Top-level members go to m (at most max, else an error), their count
** to *n. Returns 0, or -1 with *why (static text) and *at (the offset of
** the problem in buf). */
int tlp_json_object(const char *buf, size_t len, char *arena,
                    size_t arena_cap, struct tlp_jmember *m, size_t max,
                    size_t *n, const char **why, size_t *at);

/* The member named key, or NULL. */
const struct tlp_jmember *tlp_json_get(const struct tlp_jmember *m,
                                       size_t n, const char *key);

#pragma GCC visibility pop

#endif
