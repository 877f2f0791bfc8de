/*
** A small RFC 4180 CSV reader for the files users import (targets,
** division maps): quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM.
** Values are text: a record with a NUL byte or with bytes that are not
** UTF-8 is refused (never truncated, never stored as other text), and a
** UTF-16 file is named as such.
*/
#ifndef TL_CSV_INT_H
#define TL_CSV_INT_H

#include <stddef.h>
#include <stdio.h>

#define TL_CSV_MAX_FIELDS 64

typedef struct Tl_csv {
  FILE *f;
  long line;            /* line the current record starts on (1-based) */
  long next_line;
  int n;                /* fields in the current record */
  char *field[TL_CSV_MAX_FIELDS];
  char *buf;            /* field storage */
  size_t cap;
  const char *error;    /* set when a record is malformed */
  int fatal;            /* set with error when the whole file is unusable
                        ** (UTF-16, out of memory): stop reading */
  int bom;              /* the file began with a UTF-8 byte order mark */
  int back[4];          /* bytes pushed back, read last first */
  int n_back;
} Tl_csv;

/* Read the next record: 1 a record, 0 end of file, -1 malformed (error
** says why; the reader has skipped to the next line, unless fatal is
** set) or out of memory (fatal). */
int Tl_csv_next(Tl_csv *r);
void Tl_csv_free(Tl_csv *r);

/* A bad row of an import (a register, a division map, a site map): the
** message to the caller's on_error, with the file and line. o may be NULL. */
struct tl_import_opts;
void Tl_import_report(const struct tl_import_opts *o, const char *file,
                      long line, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

#endif
