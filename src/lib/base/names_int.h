/*
** File names as the file system stores them: bytes kept, text escaped.
*/
#ifndef TL_NAMES_INT_H
#define TL_NAMES_INT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int Tl_utf8_valid(const char *s, size_t len);

/* Write s[0..len) to out as text: valid UTF-8 is copied, each byte of an
** invalid sequence becomes "\xHH". Returns the length written (excluding the
** NUL), or the length needed when it exceeds cap (out then truncated). The
** raw bytes are stored beside the text (object.path_bytes), which makes the
** escape reversible even for names that contain a literal "\x". */
size_t Tl_utf8_escape(const char *s, size_t len, char *out, size_t cap);



/* Decode n_units UTF-16LE code units at p into UTF-8 text in out (cap
** bytes, NUL-terminated). An unpaired surrogate, and U+0000 (a NUL would
** end the text), become the text "\uXXXX" so nothing is silently dropped.
** Returns the length written. */
size_t Tl_utf16le_to_utf8(const unsigned char *p, size_t n_units, char *out,
                          size_t cap);
/* Names in every output (docs/OUTPUT-ESCAPING.md): a character that is
** invisible or changes how the text around it displays is written as an
** escape, the same way in text, CSV, JSON and HTML:
**   C0 controls (TAB and LF included) and DEL      \x00 .. \x1f, \x7f
**   a byte that is not UTF-8                       \xHH
**   C1 controls U+0080..U+009F                     \u0080 .. \u009f
**   bidi controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069,
**   line and paragraph separators U+2028, U+2029   \u202e, ...
** Each format then applies its own quoting to the result (CSV quotes,
** JSON backslashes, HTML entities). */

/* 1 when the code point is one of those escaped above. */
int Tl_cp_invisible(uint32_t cp);

/* The escaped form of s[0..len) into out (cap bytes, NUL-terminated).
** Returns the length of the whole escaped form (may exceed cap). */
size_t Tl_visible_escape(const char *s, size_t len, char *out, size_t cap);

/* The escaped form of the NUL-terminated s: s itself when nothing needs an
** escape (*tofree NULL), else a malloc'd copy also stored in *tofree for
** the caller to free. NULL for NULL. */
const char *Tl_visible(const char *s, char **tofree);

#endif
