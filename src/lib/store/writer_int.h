/*
** A writer thread for the ingest: the walker (libtsk) fills rows into a
** batch, the writer binds and steps them on the case connection, so the
** two run on two cores. While batches are in flight only the writer uses
** the connection; call Tl_writer_sync() before touching it directly.
*/
#ifndef TL_WRITER_INT_H
#define TL_WRITER_INT_H

#include "store/store_int.h"

typedef struct Tl_writer Tl_writer;

tl_rc Tl_writer_start(tl_case *c, Tl_writer **out);

/* One row for a prepared INSERT: begin, one value per parameter in order,
** end. Values are copied; strings may come from the stack. */
void Tl_row_begin(Tl_writer *w, sqlite3_stmt *s);
void Tl_row_int(Tl_writer *w, int64_t v);
void Tl_row_opt_int(Tl_writer *w, int have, int64_t v);
void Tl_row_text(Tl_writer *w, const char *s, int len);  /* NULL: null */
void Tl_row_blob(Tl_writer *w, const void *p, int len);
/* Text that is not copied: s must stay as it is until Tl_writer_finish()
** (a string literal or a static table); NULL: null. */
void Tl_row_static(Tl_writer *w, const char *s, int len);
/* Returns the first error the writer met (TL_OK while all is well); after
** a failed allocation TL_NOMEM, for this row and every later one (the rows
** of the batch being filled are not written). */
tl_rc Tl_row_end(Tl_writer *w);

/* Wait until every row handed over so far is written. */
tl_rc Tl_writer_sync(Tl_writer *w);

/* Sync, stop the thread and free; NULL is accepted. */
tl_rc Tl_writer_finish(Tl_writer *w);
/* The same, giving the writer thread's CPU time in seconds (cpu_s may be
** NULL); for the stage timings of TOUCHLINE_TIMING. */
tl_rc Tl_writer_finish_cpu(Tl_writer *w, double *cpu_s);

/* realloc() by default; tests replace it to fail a grow. */
extern void *(*Tl_writer_realloc)(void *, size_t);

#endif
