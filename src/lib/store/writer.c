/*
** The ingest's writer thread (see writer_int.h). Rows travel in batches:
** a batch is an array of cells and an arena for their text, so filling one
** costs a few stores and a memcpy. Two batches alternate: the walker fills
** one while the writer drains the other, which keeps memory flat.
*/
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/writer_int.h"

#define BATCH_ROWS 8192
#define MULTI_ROWS 64   /* rows per multi-row INSERT */
#define SMALL_ROWS 8    /* and per one for the rest of a batch */
#define MAX_MULTI 8     /* distinct statements per batch grouped by table */
#define ROW_CELLS 32    /* cells made room for at each row's begin */

enum { CELL_NULL, CELL_INT, CELL_TEXT, CELL_BLOB, CELL_STATIC,
       CELL_UNKNOWN };

typedef struct cell {
  int type;
  int len;
  int64_t i;        /* value, arena offset of text/blob, or the address
                    ** of a static text */
} cell;

/* Integer and NULL cells in their canonical form (len 0; i 0 in a NULL),
** so that bind_row() may compare a cell with its bound copy field by
** field. */
static inline void
cell_int(cell *c, int64_t v)
{
  c->type = CELL_INT;
  c->len = 0;
  c->i = v;
}

static inline void
cell_null(cell *c)
{
  c->type = CELL_NULL;
  c->len = 0;
  c->i = 0;
}

typedef struct row {
  sqlite3_stmt *s;
  size_t first, n;      /* its cells; n is set by Tl_row_end() */
} row;

typedef struct batch {
  row *rows;
  size_t n_rows, cap_rows;
  cell *cells;
  size_t n_cells, cap_cells;
  char *arena;
  size_t n_arena, cap_arena;
} batch;

/* A multi-row form of a statement: "INSERT ... VALUES(...),(...),..." with
** `rows` tuples. */
typedef struct many {
  sqlite3_stmt *s;      /* NULL: not made (yet, or it cannot be) */
  int rows;
  int tried;            /* made once, or failed to be */
  cell *bound;          /* what each parameter of s holds now */
} many;

typedef struct multi {
  sqlite3_stmt *one;    /* the caller's single-row INSERT */
  many big, small;      /* MULTI_ROWS and SMALL_ROWS tuples */
  int ncols;            /* 0: no multi-row form */
  int or_fail;          /* the forms are "INSERT OR FAIL": see multi_of() */
} multi;

struct Tl_writer {
  tl_case *c;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  batch b[2];
  int fill;             /* index of the batch the walker fills */
  int full;             /* the other batch is waiting for the writer */
  int busy;             /* the writer is writing a batch */
  int stop;
  int oom;
  tl_rc rc;             /* first error, sticky */
  /* the writer thread's own: multi-row statements and a row order */
  multi multi[MAX_MULTI];
  int n_multi;
  size_t *order, cap_order;
  double cpu_s;         /* the writer thread's CPU time, set as it ends */
};

/* The allocator the batches grow with; a unit test swaps it to make a grow
** fail (tests/unit/test_writer.c). */
void *(*Tl_writer_realloc)(void *, size_t) = realloc;

static int
reserve(void **p, size_t *cap, size_t need, size_t size)
{
  size_t nc;
  void *np;
  if(need <= *cap)
    return 1;
  nc = *cap ? *cap * 2 : 1024;
  while(nc < need)
    nc *= 2;
  if(!(np = Tl_writer_realloc(*p, nc * size)))
    return 0;
  *p = np;
  *cap = nc;
  return 1;
}

/* A row's values onto parameters first+1 .. first+n of s. With bound
** (what those n parameters hold from the last row bound there), an
** integer, a NULL or a static text already in place is not bound again:
** bindings survive sqlite3_reset(), and a bind costs more than the
** compare. The cells are kept canonical for that (len 0 in an integer, i
** and len 0 in a NULL), so a cell equal to its bound copy is the same
** value; text and blobs from the arena are always bound (the arena is
** reused), their copies marked CELL_UNKNOWN, equal to no cell. */
static void
bind_row(const batch *b, const row *rw, sqlite3_stmt *s, int first,
         cell *bound)
{
  const cell *c = &b->cells[rw->first];
  int k, n = (int)rw->n;
  for(k = 0; k < n; k++, c++) {
    int idx = first + k + 1;
    if(bound) {
      cell *o = &bound[k];
      if(o->i == c->i && o->type == c->type && o->len == c->len)
        continue;
      *o = *c;
      if(c->type == CELL_TEXT || c->type == CELL_BLOB)
        o->type = CELL_UNKNOWN;
    }
    switch(c->type) {
    case CELL_INT: sqlite3_bind_int64(s, idx, c->i); break;
    case CELL_TEXT:
      sqlite3_bind_text(s, idx, b->arena + c->i, c->len, SQLITE_STATIC);
      break;
    case CELL_STATIC:
      sqlite3_bind_text(s, idx, (const char *)(intptr_t)c->i, c->len,
                        SQLITE_STATIC);
      break;
    case CELL_BLOB:
      sqlite3_bind_blob(s, idx, b->arena + c->i, c->len, SQLITE_STATIC);
      break;
    default: sqlite3_bind_null(s, idx); break;
    }
  }
}

static tl_rc
write_one(Tl_writer *w, const batch *b, const row *rw)
{
  int st;
  bind_row(b, rw, rw->s, 0, NULL);
  st = sqlite3_step(rw->s);
  sqlite3_reset(rw->s);
  if(st != SQLITE_DONE)
    return Tl_set_sqlite_error(w->c, "insert");
  return TL_OK;
}

/* The statement of mn: the caller's INSERT with its one tuple repeated
** mn->rows times, made on first use; NULL when it cannot be made. */
static sqlite3_stmt *
many_stmt(Tl_writer *w, const multi *m, many *mn)
{
  const char *sql, *v, *t;
  char *text;
  size_t pre, tl, n;
  int i, np = m->ncols;
  if(mn->tried)
    return mn->s;
  mn->tried = 1;
  sql = sqlite3_sql(m->one);
  /* the one tuple must end the statement: "... VALUES(?,?,...)" */
  for(v = NULL, t = sql; (t = strstr(t, "VALUES(")); t++)
    v = t;
  if(!v)
    return NULL;
  v += 6;
  tl = strlen(v);
  if(v[tl - 1] != ')' || memchr(v, ';', tl) || memchr(v + 1, '(', tl - 1))
    return NULL;
  pre = (size_t)(v - sql);
  n = pre + 8 + (tl + 1) * (size_t)mn->rows + 1;
  if(!(text = malloc(n)))
    return NULL;
  if(m->or_fail) {
    memcpy(text, "INSERT OR FAIL INTO ", 20);
    memcpy(text + 20, sql + 12, pre - 12);
    pre += 8;
  }
  else
    memcpy(text, sql, pre);
  for(i = 0; i < mn->rows; i++) {
    if(i)
      text[pre++] = ',';
    memcpy(text + pre, v, tl);
    pre += tl;
  }
  text[pre] = '\0';
  if(sqlite3_prepare_v3(w->c->db, text, -1, SQLITE_PREPARE_PERSISTENT,
                        &mn->s, NULL) != SQLITE_OK) {
    mn->s = NULL;
    free(text);
    return NULL;
  }
  free(text);
  if(!(mn->bound = calloc((size_t)np * (size_t)mn->rows, sizeof(cell)))) {
    sqlite3_finalize(mn->s);
    mn->s = NULL;
    return NULL;
  }
  for(i = 0; i < np * mn->rows; i++)
    mn->bound[i].type = CELL_UNKNOWN;
  return mn->s;
}

/* The multi-row forms of s ("INSERT ... VALUES(?,..),(?,..),..." with
** MULTI_ROWS or SMALL_ROWS tuples, each made on first use); NULL when s is
** not a plain "INSERT ... VALUES(...)" or has too many parameters.
**
** A plain "INSERT INTO" becomes "INSERT OR FAIL INTO": a multi-row INSERT
** with the default ABORT opens a statement journal, so each step copied
** the pages it changes (the right-most leaves of the table and of its
** indexes) into a sub-journal, to be able to undo the step alone. With
** FAIL a constraint error keeps the rows before the bad one, which the
** row-by-row retry in write_batch() wrote anyway, and the retry goes on
** from the bad row through the caller's statement, so a conflict clause
** of the table (ON CONFLICT IGNORE, REPLACE), which OR FAIL overrides,
** still decides that row and the rest. */
static multi *
multi_of(Tl_writer *w, sqlite3_stmt *s)
{
  int i, np;
  const char *sql;
  multi *m;
  for(i = 0; i < w->n_multi; i++)
    if(w->multi[i].one == s)
      return w->multi[i].ncols ? &w->multi[i] : NULL;
  if(w->n_multi == MAX_MULTI)
    return NULL;
  m = &w->multi[w->n_multi++];
  memset(m, 0, sizeof(*m));
  m->one = s;
  m->big.rows = MULTI_ROWS;
  m->small.rows = SMALL_ROWS;
  np = sqlite3_bind_parameter_count(s);
  sql = sqlite3_sql(s);
  if(!sql || np < 1 || np * MULTI_ROWS >
     sqlite3_limit(w->c->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1))
    return NULL;
  m->or_fail = !strncmp(sql, "INSERT INTO ", 12);
  m->ncols = np;
  return m;
}

/* Rows order[0 .. mn->rows - 1] of the batch through mn's statement. The
** number of rows written, all of them when TL_OK; after a constraint error
** the rows before the bad one (the caller goes on with them one by one);
** any other error is returned. */
static tl_rc
write_many(Tl_writer *w, const batch *b, const multi *m, many *mn,
           const size_t *order, size_t *written)
{
  int k, st, np = m->ncols;
  *written = 0;
  for(k = 0; k < mn->rows; k++) {
    const row *rw = &b->rows[order[k]];
    if(rw->n != (size_t)np)
      return TL_OK;     /* not this row's shape: one by one */
    bind_row(b, rw, mn->s, k * np, mn->bound + (size_t)k * (size_t)np);
  }
  st = sqlite3_step(mn->s);
  if(st != SQLITE_DONE) {
    /* A constraint error: FAIL kept the rows before the bad one
    ** (sqlite3_changes() counts them), ABORT undid the step; the rest go
    ** row by row, and the bad row's error is reported. Anything else (I/O,
    ** memory, a corrupt page) is reported as it is: it may have rolled the
    ** whole transaction back, after which a row would be committed on its
    ** own. */
    int done = m->or_fail ? sqlite3_changes(w->c->db) : 0;
    sqlite3_reset(mn->s);
    if(sqlite3_errcode(w->c->db) != SQLITE_CONSTRAINT ||
       sqlite3_get_autocommit(w->c->db))
      return Tl_set_sqlite_error(w->c, "insert");
    *written = (size_t)done;
    return TL_OK;
  }
  sqlite3_reset(mn->s);
  *written = (size_t)mn->rows;
  return TL_OK;
}

/* The rows of a batch go table by table (in their order within each
** table), MULTI_ROWS at a time through one multi-row INSERT, the rest of
** the table's rows SMALL_ROWS at a time, the last few one by one: SQLite's
** cost per statement (cursors opened and closed, the VDBE started and
** halted) is then paid once per many rows. Every row of the batch is
** written before the batch is given back, so the connection sees all rows
** at every Tl_writer_sync(). A multi-row statement that fails on a
** constraint is followed row by row from the failing row, so the rows
** before it are written and the error names that row, as before. */
static tl_rc
write_batch(Tl_writer *w, batch *b)
{
  sqlite3_stmt *seen[MAX_MULTI + 1];
  size_t n_seen = 0, r, i;
  tl_rc rc;
  if(!b->n_rows)
    return TL_OK;
  /* plain realloc: Tl_writer_realloc belongs to the filling thread */
  if(w->cap_order < b->n_rows) {
    size_t *no = realloc(w->order, b->n_rows * sizeof(*no));
    if(!no)
      goto row_by_row;
    w->order = no;
    w->cap_order = b->n_rows;
  }
  /* the statements in order of first use */
  for(r = 0; r < b->n_rows; r++) {
    for(i = 0; i < n_seen && seen[i] != b->rows[r].s; i++)
      ;
    if(i == n_seen) {
      if(n_seen == MAX_MULTI)
        goto row_by_row;
      seen[n_seen++] = b->rows[r].s;
    }
  }
  for(i = 0; i < n_seen; i++) {
    sqlite3_stmt *s = seen[i];
    multi *m = multi_of(w, s);
    size_t n = 0, j = 0;
    for(r = 0; r < b->n_rows; r++)
      if(b->rows[r].s == s)
        w->order[n++] = r;
    if(m) {
      many *sizes[2];
      int z;
      sizes[0] = &m->big;
      sizes[1] = &m->small;
      for(z = 0; z < 2; z++) {
        many *mn = sizes[z];
        size_t done;
        while(n - j >= (size_t)mn->rows && many_stmt(w, m, mn)) {
          if((rc = write_many(w, b, m, mn, w->order + j, &done)))
            return rc;
          j += done;
          if(done < (size_t)mn->rows)
            goto one_by_one;
        }
      }
    }
  one_by_one:
    for(; j < n; j++)
      if((rc = write_one(w, b, &b->rows[w->order[j]])))
        return rc;
  }
  return TL_OK;

row_by_row:
  for(r = 0; r < b->n_rows; r++)
    if((rc = write_one(w, b, &b->rows[r])))
      return rc;
  return TL_OK;
}

static void *
writer_main(void *arg)
{
  Tl_writer *w = arg;
  pthread_mutex_lock(&w->mu);
  for(;;) {
    batch *b;
    tl_rc rc;
    while(!w->full && !w->stop)
      pthread_cond_wait(&w->cv, &w->mu);
    if(!w->full && w->stop)
      break;
    b = &w->b[!w->fill];
    w->busy = 1;
    pthread_mutex_unlock(&w->mu);
    rc = __atomic_load_n(&w->rc, __ATOMIC_ACQUIRE) ? TL_OK :
         write_batch(w, b);
    pthread_mutex_lock(&w->mu);
    if(rc && !w->rc)
      __atomic_store_n(&w->rc, rc, __ATOMIC_RELEASE);
    b->n_rows = b->n_cells = b->n_arena = 0;
    w->full = 0;
    w->busy = 0;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  {
    struct timespec ts;
    if(!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
      w->cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
  }
  return NULL;
}

tl_rc
Tl_writer_start(tl_case *c, Tl_writer **out)
{
  Tl_writer *w = calloc(1, sizeof(*w));
  *out = NULL;
  if(!w)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  w->c = c;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  if(pthread_create(&w->thread, NULL, writer_main, w)) {
    free(w);
    return Tl_set_error(c, TL_FAILED, "cannot start the writer thread");
  }
  *out = w;
  return TL_OK;
}

/* Hand the filled batch to the writer (waiting while it is busy with the
** other one). */
static void
hand_over(Tl_writer *w)
{
  pthread_mutex_lock(&w->mu);
  while(w->full)
    pthread_cond_wait(&w->cv, &w->mu);
  w->full = 1;
  w->fill = !w->fill;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

/* new_cell() when the batch's cells are full or a grow has failed. */
static cell *
new_cell_slow(Tl_writer *w)
{
  batch *b = &w->b[w->fill];
  if(w->oom)
    return NULL;
  if(!reserve((void **)&b->cells, &b->cap_cells, b->n_cells + 1,
              sizeof(cell))) {
    w->oom = 1;
    return NULL;
  }
  return &b->cells[b->n_cells++];
}

/* A cell of the current row (the row's count of cells is taken at
** Tl_row_end()). After a failed grow (w->oom) there is no current row:
** nothing is stored until Tl_row_end() reports the error. Inline: the
** walker calls it for every value; Tl_row_begin() made room for ROW_CELLS
** cells, so the grow is the rare path. */
static inline cell *
new_cell(Tl_writer *w)
{
  batch *b = &w->b[w->fill];
  if(w->oom || b->n_cells >= b->cap_cells)
    return new_cell_slow(w);
  return &b->cells[b->n_cells++];
}

void
Tl_row_begin(Tl_writer *w, sqlite3_stmt *s)
{
  batch *b = &w->b[w->fill];
  if(w->oom)
    return;
  if(!reserve((void **)&b->rows, &b->cap_rows, b->n_rows + 1,
              sizeof(row)) ||
     !reserve((void **)&b->cells, &b->cap_cells, b->n_cells + ROW_CELLS,
              sizeof(cell))) {
    w->oom = 1;
    return;
  }
  b->rows[b->n_rows].s = s;
  b->rows[b->n_rows].first = b->n_cells;
  b->rows[b->n_rows].n = 0;
}

void
Tl_row_int(Tl_writer *w, int64_t v)
{
  cell *c = new_cell(w);
  if(c)
    cell_int(c, v);
}

void
Tl_row_opt_int(Tl_writer *w, int have, int64_t v)
{
  cell *c = new_cell(w);
  if(c && have)
    cell_int(c, v);
  else if(c)
    cell_null(c);
}

static void
row_bytes(Tl_writer *w, int type, const void *p, int len)
{
  batch *b = &w->b[w->fill];
  cell *c = new_cell(w);
  if(!c)
    return;
  if(!p) {
    cell_null(c);
    return;
  }
  if(len < 0)
    len = (int)strlen(p);
  if(!reserve((void **)&b->arena, &b->cap_arena, b->n_arena + (size_t)len +
              1, 1)) {
    w->oom = 1;
    cell_null(c);
    return;
  }
  memcpy(b->arena + b->n_arena, p, (size_t)len);
  b->arena[b->n_arena + (size_t)len] = '\0';
  c->type = type;
  c->i = (int64_t)b->n_arena;
  c->len = len;
  b->n_arena += (size_t)len + 1;
}

void
Tl_row_static(Tl_writer *w, const char *s, int len)
{
  cell *c = new_cell(w);
  if(!c)
    return;
  if(!s) {
    cell_null(c);
    return;
  }
  c->type = CELL_STATIC;
  c->i = (int64_t)(intptr_t)s;
  c->len = len < 0 ? (int)strlen(s) : len;
}

void
Tl_row_text(Tl_writer *w, const char *s, int len)
{
  row_bytes(w, CELL_TEXT, s, len);
}

void
Tl_row_blob(Tl_writer *w, const void *p, int len)
{
  row_bytes(w, CELL_BLOB, p, len);
}

/* A failed grow is sticky: the writer stops writing (a batch with a lost
** row is not committed in part) and every later call reports it. */
static tl_rc
oom_error(Tl_writer *w)
{
  pthread_mutex_lock(&w->mu);
  if(!w->rc)
    __atomic_store_n(&w->rc, TL_NOMEM, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&w->mu);
  return Tl_set_error(w->c, TL_NOMEM, "out of memory");
}

tl_rc
Tl_row_end(Tl_writer *w)
{
  batch *b = &w->b[w->fill];
  tl_rc rc;
  if(w->oom)
    return oom_error(w);
  b->rows[b->n_rows].n = b->n_cells - b->rows[b->n_rows].first;
  b->n_rows++;
  if(b->n_rows >= BATCH_ROWS)
    hand_over(w);
  /* no lock for every row: the writer stores rc atomically (under the
  ** mutex too, for the waits) */
  rc = __atomic_load_n(&w->rc, __ATOMIC_ACQUIRE);
  return rc;
}

tl_rc
Tl_writer_sync(Tl_writer *w)
{
  tl_rc rc;
  if(!w)
    return TL_OK;
  if(w->oom)
    oom_error(w);
  if(w->b[w->fill].n_rows)
    hand_over(w);
  pthread_mutex_lock(&w->mu);
  while(w->full || w->busy)
    pthread_cond_wait(&w->cv, &w->mu);
  rc = w->rc;
  pthread_mutex_unlock(&w->mu);
  return rc;
}

tl_rc
Tl_writer_finish(Tl_writer *w)
{
  return Tl_writer_finish_cpu(w, NULL);
}

tl_rc
Tl_writer_finish_cpu(Tl_writer *w, double *cpu_s)
{
  tl_rc rc;
  int i;
  if(!w)
    return TL_OK;
  rc = Tl_writer_sync(w);
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  if(cpu_s)
    *cpu_s = w->cpu_s;
  for(i = 0; i < w->n_multi; i++) {
    sqlite3_finalize(w->multi[i].big.s);
    free(w->multi[i].big.bound);
    sqlite3_finalize(w->multi[i].small.s);
    free(w->multi[i].small.bound);
  }
  free(w->order);
  for(i = 0; i < 2; i++) {
    free(w->b[i].rows);
    free(w->b[i].cells);
    free(w->b[i].arena);
  }
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  free(w);
  return rc;
}
