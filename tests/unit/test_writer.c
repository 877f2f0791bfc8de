/* The ingest's writer thread (store/writer.c): many rows of every value kind
** into a temporary case, across batch hand-overs and array growth; SQLite
** errors reach the caller; a failed grow is reported and never indexes past
** an array. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/writer_int.h"
#include "tap.h"

#define N_ROWS 20000    /* more than two batches of 8192 */

static tl_case *
new_case(char *path, size_t cap)
{
  tl_case *c = NULL;
  const char *msg = NULL;
  const char *tmp = getenv("TMPDIR");
  int fd;
  snprintf(path, cap, "%s/tl-writer-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  fd = mkstemp(path);
  if(fd < 0)
    return NULL;
  close(fd);
  unlink(path);
  if(tl_case_open(path, TL_OPEN_CREATE, &c, &msg)) {
    printf("# tl_case_open %s: %s\n", path, msg ? msg : "?");
    return NULL;
  }
  return c;
}

static int64_t
one_int(tl_case *c, const char *sql)
{
  sqlite3_stmt *s;
  int64_t v = -12345;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
    printf("# %s: %s\n", sql, sqlite3_errmsg(c->db));
    return v;
  }
  if(sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* realloc that fails exactly once, on the fail_at-th call from now */
static long calls, fail_at;

static void *
failing_realloc(void *p, size_t n)
{
  if(++calls == fail_at)
    return NULL;
  return realloc(p, n);
}

static void
arm(long nth)
{
  calls = 0;
  fail_at = nth;
  Tl_writer_realloc = failing_realloc;
}

static void
every_kind(tl_case *c)
{
  Tl_writer *w = NULL;
  sqlite3_stmt *ins = NULL;
  tl_rc rc = TL_OK, last = TL_OK;
  int i;
  char text[64];

  Tl_exec(c, "CREATE TABLE w(i INTEGER, o INTEGER, t TEXT, b BLOB, "
          "n TEXT)");
  Tl_exec(c, "BEGIN");
  ok(sqlite3_prepare_v2(c->db, "INSERT INTO w VALUES(?,?,?,?,?)", -1,
                        &ins, NULL) == SQLITE_OK, "prepare the insert");
  is_int(Tl_writer_start(c, &w), TL_OK, "writer starts");
  for(i = 0; i < N_ROWS; i++) {
    unsigned char blob[6] = {0, 1, 0, (unsigned char)(i & 0xff),
                             (unsigned char)(i >> 8), 0xff};
    /* a long text every 1000 rows grows the arena past its first size */
    char big[5000];
    Tl_row_begin(w, ins);
    Tl_row_int(w, (int64_t)i * INT64_C(1000000007) - INT64_C(4000000000000));
    Tl_row_opt_int(w, i % 3 != 0, i);
    if(i % 1000 == 999) {
      memset(big, 'a' + i / 1000 % 26, sizeof(big) - 1);
      big[sizeof(big) - 1] = '\0';
      Tl_row_text(w, big, -1);
    }
    else {
      snprintf(text, sizeof(text), "row %d \xc3\xa9", i);
      Tl_row_text(w, text, i % 2 ? -1 : (int)strlen(text));
    }
    Tl_row_blob(w, blob, (int)sizeof(blob));
    Tl_row_text(w, NULL, -1);
    if((rc = Tl_row_end(w)) && !last)
      last = rc;
  }
  is_int(last, TL_OK, "every Tl_row_end is TL_OK");
  is_int(Tl_writer_finish(w), TL_OK, "finish is TL_OK");
  sqlite3_finalize(ins);
  Tl_exec(c, "COMMIT");

  is_int(one_int(c, "SELECT count(*) FROM w"), N_ROWS, "all rows written");
  is_int(one_int(c, "SELECT i FROM w WHERE rowid = 12346"),
         INT64_C(12345) * INT64_C(1000000007) - INT64_C(4000000000000),
         "int64 beyond 32 bits kept");
  is_int(one_int(c, "SELECT count(*) FROM w WHERE o IS NULL"),
         (N_ROWS + 2) / 3, "opt_int without a value is NULL");
  is_int(one_int(c, "SELECT sum(o) FROM w"),
         (int64_t)N_ROWS * (N_ROWS - 1) / 2 -
         3 * ((int64_t)((N_ROWS + 2) / 3) * ((N_ROWS + 2) / 3 - 1) / 2),
         "opt_int values summed");
  is_int(one_int(c, "SELECT count(*) FROM w WHERE t = 'row ' || (rowid - 1)"
                 " || ' \xc3\xa9'"), N_ROWS - N_ROWS / 1000,
         "texts, NUL-terminated and with a length");
  is_int(one_int(c, "SELECT count(*) FROM w WHERE length(t) = 4999 AND "
                 "substr(t, 4999) = char(97 + (rowid - 1) / 1000 % 26)"),
         N_ROWS / 1000, "long texts grow the arena intact");
  is_int(one_int(c, "SELECT count(*) FROM w WHERE typeof(b) = 'blob' AND "
                 "hex(b) = '000100' || printf('%02X%02X', (rowid - 1) & 255,"
                 " (rowid - 1) >> 8) || 'FF'"), N_ROWS,
         "blobs with NUL bytes kept whole");
  is_int(one_int(c, "SELECT count(*) FROM w WHERE n IS NULL"), N_ROWS,
         "a NULL text pointer is NULL");
}

/* Rows of three statements interleaved as the walk makes them (an object,
** its events, a $FILE_NAME row): the writer groups them by table, 64 rows
** to a multi-row INSERT, and each table keeps the order rows were given in
** (rowids ascend with it), whatever the counts per batch. */
static void
interleaved(tl_case *c)
{
  Tl_writer *w = NULL;
  sqlite3_stmt *a = NULL, *e = NULL, *f = NULL;
  tl_rc last = TL_OK, rc;
  int i, k, n_a = 0, n_e = 0, n_f = 0;

  Tl_exec(c, "CREATE TABLE ia(id INTEGER PRIMARY KEY, v INTEGER NOT NULL,"
          " t TEXT); CREATE TABLE ie(id INTEGER PRIMARY KEY, obj INTEGER, "
          "k INTEGER); CREATE TABLE iff(obj INTEGER, name TEXT)");
  Tl_exec(c, "BEGIN");
  sqlite3_prepare_v2(c->db, "INSERT INTO ia(id, v, t) VALUES(?,?,?)", -1,
                     &a, NULL);
  sqlite3_prepare_v2(c->db, "INSERT INTO ie(obj, k) VALUES(?, ?)", -1, &e,
                     NULL);
  sqlite3_prepare_v2(c->db, "INSERT INTO iff VALUES(?,?)", -1, &f, NULL);
  Tl_writer_start(c, &w);
  for(i = 1; i <= 7001; i++) {
    char name[32];
    Tl_row_begin(w, a);
    Tl_row_int(w, i);
    Tl_row_int(w, 3 * i);
    Tl_row_text(w, i % 5 ? "x" : NULL, -1);
    if((rc = Tl_row_end(w)) && !last)
      last = rc;
    n_a++;
    for(k = 0; k < 1 + i % 7; k++) {
      Tl_row_begin(w, e);
      Tl_row_int(w, i);
      Tl_row_int(w, k);
      if((rc = Tl_row_end(w)) && !last)
        last = rc;
      n_e++;
    }
    if(i % 3 == 0) {
      snprintf(name, sizeof(name), "n%d", i);
      Tl_row_begin(w, f);
      Tl_row_int(w, i);
      Tl_row_text(w, name, -1);
      if((rc = Tl_row_end(w)) && !last)
        last = rc;
      n_f++;
    }
  }
  is_int(last, TL_OK, "interleaved: every Tl_row_end is TL_OK");
  is_int(Tl_writer_sync(w), TL_OK, "interleaved: sync");
  is_int(one_int(c, "SELECT count(*) FROM ia"), n_a,
         "interleaved: %d rows of the first table", n_a);
  is_int(one_int(c, "SELECT count(*) FROM ie"), n_e,
         "interleaved: %d rows of the second (a batch holds no whole "
         "number of 64s)", n_e);
  is_int(one_int(c, "SELECT count(*) FROM iff"), n_f,
         "interleaved: %d rows of the third", n_f);
  is_int(one_int(c, "SELECT count(*) FROM ia WHERE v = 3 * id AND "
                 "(t IS NULL) = (id % 5 = 0)"), n_a,
         "interleaved: every value where it belongs");
  is_int(one_int(c, "SELECT count(*) FROM ie x JOIN ie y ON y.id = x.id + 1"
                 " WHERE y.obj < x.obj OR (y.obj = x.obj AND y.k != x.k + 1)"
                 " OR (y.obj > x.obj AND y.k != 0)"), 0,
         "interleaved: rows of a table in the order given (rowids ascend "
         "with it)");
  is_int(one_int(c, "SELECT count(*) FROM iff WHERE name != 'n' || obj OR "
                 "obj % 3"), 0, "interleaved: texts of the third table");
  is_int(Tl_writer_finish(w), TL_OK, "interleaved: finish");
  sqlite3_finalize(a);
  sqlite3_finalize(e);
  sqlite3_finalize(f);
  Tl_exec(c, "COMMIT");
}

/* A NOT NULL violation at row bad: in a 64-row INSERT (row 100), or in
** the rest of the last batch, which goes 8 rows to an INSERT (20,000 rows:
** the third batch holds 3,616, 56 x 64 + 4 x 8). */
static void
errors(tl_case *c, int bad)
{
  Tl_writer *w = NULL;
  sqlite3_stmt *ins = NULL;
  tl_rc first = TL_OK;
  int i, first_at = -1;

  Tl_exec(c, "DROP TABLE IF EXISTS e; CREATE TABLE e(a INTEGER NOT NULL)");
  Tl_exec(c, "BEGIN");
  sqlite3_prepare_v2(c->db, "INSERT INTO e VALUES(?)", -1, &ins, NULL);
  Tl_writer_start(c, &w);
  for(i = 0; i < N_ROWS; i++) {
    tl_rc rc;
    Tl_row_begin(w, ins);
    Tl_row_opt_int(w, i != bad, i);  /* row bad violates NOT NULL */
    if((rc = Tl_row_end(w)) && first_at < 0) {
      first = rc;
      first_at = i;
    }
  }
  if(bad < 8192) {
    is_int(first, TL_IO, "a failed insert reaches Tl_row_end as TL_IO");
    ok(first_at >= 8191, "... after the first batch was handed over (row "
       "%d)", first_at);
  }
  ok(Tl_writer_finish(w) == TL_IO, "finish reports the failed insert "
     "(row %d)", bad);
  ok(strstr(tl_case_errmsg(c), "insert") &&
     strstr(tl_case_errmsg(c), "NOT NULL"), "message: %s",
     tl_case_errmsg(c));
  is_int(one_int(c, "SELECT count(*) FROM e"), bad,
         "every row before the failed one written, once");
  is_int(one_int(c, "SELECT count(*) FROM e WHERE a != rowid - 1"), 0,
         "... in order");
  sqlite3_finalize(ins);
  Tl_exec(c, "ROLLBACK");
}

/* A table with an ON CONFLICT clause of its own keeps it: the writer's
** multi-row INSERT is OR FAIL (store/writer.c), which stops at the first
** conflict; from there the rows go through the caller's statement, whose
** conflict is the table's. 300 rows, every value three times: IGNORE
** keeps the first of each. */
static void
conflict_clause(tl_case *c)
{
  Tl_writer *w = NULL;
  sqlite3_stmt *ins = NULL;
  tl_rc last = TL_OK, rc;
  int i;

  Tl_exec(c, "CREATE TABLE u(a INTEGER UNIQUE ON CONFLICT IGNORE, b)");
  Tl_exec(c, "BEGIN");
  sqlite3_prepare_v2(c->db, "INSERT INTO u(a, b) VALUES(?,?)", -1, &ins,
                     NULL);
  Tl_writer_start(c, &w);
  for(i = 0; i < 300; i++) {
    Tl_row_begin(w, ins);
    Tl_row_int(w, i % 100);
    Tl_row_int(w, i);
    if((rc = Tl_row_end(w)) && !last)
      last = rc;
  }
  is_int(last, TL_OK, "ON CONFLICT IGNORE: every Tl_row_end is TL_OK");
  is_int(Tl_writer_finish(w), TL_OK, "ON CONFLICT IGNORE: finish");
  is_int(one_int(c, "SELECT count(*) FROM u"), 100,
         "ON CONFLICT IGNORE: the duplicates ignored");
  is_int(one_int(c, "SELECT count(*) FROM u WHERE b = a"), 100,
         "ON CONFLICT IGNORE: the first of each value kept");
  sqlite3_finalize(ins);
  Tl_exec(c, "COMMIT");
}

/* A grow that fails: at the first row (the rows array is still NULL), at
** the 1025th (the rows array is full), and in the text arena. */
static void
grow_fails(tl_case *c, const char *what, int rows_before, long nth)
{
  Tl_writer *w = NULL;
  sqlite3_stmt *ins = NULL;
  tl_rc rc = TL_OK;
  int i;
  char big[3000];

  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  Tl_exec(c, "DROP TABLE IF EXISTS g; CREATE TABLE g(a, t)");
  Tl_exec(c, "BEGIN");
  sqlite3_prepare_v2(c->db, "INSERT INTO g VALUES(?,?)", -1, &ins, NULL);
  Tl_writer_start(c, &w);
  for(i = 0; i < rows_before; i++) {
    Tl_row_begin(w, ins);
    Tl_row_int(w, i);
    Tl_row_text(w, "", 0);
    if(Tl_row_end(w))
      break;
  }
  arm(nth);
  Tl_row_begin(w, ins);
  Tl_row_int(w, i);
  Tl_row_text(w, nth == 3 || rows_before ? "y" : big, -1);
  rc = Tl_row_end(w);
  Tl_writer_realloc = realloc;
  is_int(rc, TL_NOMEM, "%s: Tl_row_end is TL_NOMEM", what);
  Tl_row_begin(w, ins);
  Tl_row_int(w, -1);
  Tl_row_text(w, "z", -1);
  is_int(Tl_row_end(w), TL_NOMEM, "%s: and stays so", what);
  is_int(Tl_writer_finish(w), TL_NOMEM, "%s: finish is TL_NOMEM", what);
  is_int(one_int(c, "SELECT count(*) FROM g"), 0,
         "%s: the batch with the lost row is not written", what);
  sqlite3_finalize(ins);
  Tl_exec(c, "ROLLBACK");
}

int
main(void)
{
  char path[4096];
  tl_case *c = new_case(path, sizeof(path));

  ok(c != NULL, "temporary case created");
  if(!c)
    return done_testing();
  every_kind(c);
  interleaved(c);
  errors(c, 100);
  errors(c, N_ROWS - 22);
  conflict_clause(c);
  grow_fails(c, "first rows array", 0, 1);
  grow_fails(c, "full rows array", 1024, 1);
  grow_fails(c, "first cells array", 0, 2);
  grow_fails(c, "text arena", 0, 3);
  tl_case_close(c);
  unlink(path);
  return done_testing();
}
