/*
** File names as the file system stores them: bytes kept, text escaped.
*/
#ifndef TL_NAMES_INT_H
#define TL_NAMES_INT_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int Tl_utf8_valid(const char *s, size_t len);

/* Write s[0..len) to out as text: valid UTF-8 is copied, each byte of an
** invalid sequence becomes "\xHH". Returns the length written (excluding the
** NUL), or the length needed when it exceeds cap (out then truncated). The
** raw bytes are stored beside the text (object.path_bytes), which makes the
** escape reversible even for names that contain a literal "\x". */
size_t Tl_utf8_escape(const char *s, size_t len, char *out, size_t cap);



/* Decode n_units UTF-16LE code units at p into UTF-8 text in out (cap
** bytes, NUL-terminated). An unpaired surrogate becomes the text "\uXXXX"
** so nothing is silently dropped. Returns the length written. */
size_t Tl_utf16le_to_utf8(const unsigned char *p, size_t n_units, char *out,
                          size_t cap);
#endif
