/*
** PostgreSQL case stores and `case copy` (docs/POSTGRESQL.md).
**
** The PostgreSQL schema is not written by hand: it is translated from the
** SQLite schema of this version (schema.c), built in an in-memory database
** and read back with PRAGMA table_info / index_xinfo. That model (every
** table, its columns with their types, NOT NULL, defaults, primary key, and
** the secondary indexes) drives everything here: the CREATE TABLE of a new
** PostgreSQL case, the check that a source or destination has exactly
** these tables and columns (a table the model does not know, or one it
** misses, is an error naming it), the column lists of the copy, and the
** check after it. Types: INTEGER -> bigint, TEXT -> text, BLOB -> bytea,
** REAL -> double precision; ids are plain bigint keys given by touchline
** (no identity, no sequence: the writers keep ids as in SQLite). The event
** table is partitioned by evidence_id (LIST, one partition per item,
** created when the item's first events arrive), so dropping an item's
** events is dropping a table; its primary key is (event_id, evidence_id)
** because a partitioned table's key must hold the partition key. Foreign
** keys are left out (SQLite does not enforce them either).
**
** The copy reads each table of the source in primary-key order and writes
** it to the destination: COPY ... FROM STDIN in text format into
** PostgreSQL, prepared INSERTs into SQLite; it reads PostgreSQL with COPY
** (SELECT ... ORDER BY key) TO STDOUT. Everything is one transaction on the
** destination (and one snapshot on the source); before it commits, each
** table is counted and hashed on both sides by the same code (SHA-256 over
** the rows in key order, each value in one canonical form: decimal
** integers, text bytes, blob bytes, doubles as %.17g), and any difference
** rolls it all back with an error naming the table.
*/
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <sqlite3.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "base/abi_int.h"
#include "store/pg_int.h"
#include "store/store_int.h"

int
tl_case_is_uri(const char *s)
{
  return s && (!strncmp(s, "postgresql://", 13) ||
               !strncmp(s, "postgres://", 11));
}

int
tl_postgresql_built(void)
{
#ifdef HAVE_LIBPQ
  return 1;
#else
  return 0;
#endif
}

/* bounded append for the redaction */
static void
put(char *out, size_t n, size_t *k, const char *p, size_t len)
{
  while(len-- && *k + 1 < n)
    out[(*k)++] = *p++;
  if(n)
    out[*k < n ? *k : n - 1] = 0;
}

void
tl_case_redact_uri(const char *uri, char *out, size_t n)
{
  Tl_pg_redact(uri, out, n);
}

tl_rc
Tl_pg_not_built(const char **errmsg)
{
  if(errmsg)
    *errmsg = "this touchline was built without PostgreSQL support (libpq)";
  return TL_UNSUPPORTED;
}

void
Tl_pg_redact(const char *uri, char *out, size_t n)
{
  const char *p, *end, *at = NULL, *q;
  size_t k = 0;
  if(!n)
    return;
  out[0] = 0;
  if(!uri)
    return;
  if(!tl_case_is_uri(uri)) {
    snprintf(out, n, "%s", uri);
    return;
  }
  p = strstr(uri, "://") + 3;
  put(out, n, &k, uri, (size_t)(p - uri));
  end = p + strcspn(p, "/?");
  for(q = p; q < end; q++)
    if(*q == '@')
      at = q;
  if(at) {
    const char *colon = memchr(p, ':', (size_t)(at - p));
    if(colon) {
      put(out, n, &k, p, (size_t)(colon - p));
      put(out, n, &k, ":***", 4);
    } else
      put(out, n, &k, p, (size_t)(at - p));
    p = at;
  }
  /* host, port, path */
  q = p + strcspn(p, "?");
  put(out, n, &k, p, (size_t)(q - p));
  if(!*q)
    return;
  /* parameters: password=... hidden */
  put(out, n, &k, "?", 1);
  p = q + 1;
  while(*p) {
    size_t len = strcspn(p, "&");
    if(len >= 9 && !strncmp(p, "password=", 9))
      put(out, n, &k, "password=***", 12);
    else
      put(out, n, &k, p, len);
    p += len;
    if(*p == '&') {
      put(out, n, &k, "&", 1);
      p++;
    }
  }
}

static _Thread_local char copy_err[1400];

#ifndef HAVE_LIBPQ
tl_rc
tl_case_copy(const char *src, const char *dst,
             const struct tl_copy_opts *opts, struct tl_copy_result *result,
             const char **errmsg)
{
  (void)opts;
  (void)result;
  if(tl_case_is_uri(src) || tl_case_is_uri(dst)) {
    snprintf(copy_err, sizeof(copy_err), "this touchline was "
             "built without PostgreSQL support (libpq; configure "
             "--with-postgresql)");
    if(errmsg)
      *errmsg = copy_err;
    return TL_UNSUPPORTED;
  }
  snprintf(copy_err, sizeof(copy_err), "SQLite to SQLite needs "
           "a PostgreSQL-enabled build");
  if(errmsg)
    *errmsg = copy_err;
  return TL_UNSUPPORTED;
}
#else

/* ---- the model: the schema of this version, read from SQLite ---- */

typedef struct {
  char *name;
  char type;                /* i integer, t text, b blob, r real */
  int notnull;
  char *dflt;               /* SQL text of the default, or NULL */
  int pk;                   /* position in the primary key, 0: none */
} mcol;

typedef struct {
  char *name;
  mcol *col;
  int ncol;
} mtable;

typedef struct {
  char *name, *table, *cols; /* cols: PostgreSQL expression list */
  int unique;
} mindex;

typedef struct {
  mtable *t;
  int nt;
  mindex *ix;
  int nix;
} model;

typedef struct {
  char msg[1400];
  volatile int *cancel;
  tl_rc rc;
} cpx;

static tl_rc
fail(cpx *x, tl_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static tl_rc
fail(cpx *x, tl_rc rc, const char *fmt, ...)
{
  va_list ap;
  if(x->rc)                 /* the first failure is the one told */
    return x->rc;
  va_start(ap, fmt);
  vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
  va_end(ap);
  /* one line */
  for(char *p = x->msg; *p; p++)
    if(*p == '\n' || *p == '\r')
      *p = ' ';
  {
    size_t l = strlen(x->msg);
    while(l && x->msg[l - 1] == ' ')
      x->msg[--l] = 0;
  }
  x->rc = rc;
  return rc;
}

static char *
xstrdup(const char *s)
{
  return s ? strdup(s) : NULL;
}

static void
model_free(model *m)
{
  int i, j;
  for(i = 0; i < m->nt; i++) {
    for(j = 0; j < m->t[i].ncol; j++) {
      free(m->t[i].col[j].name);
      free(m->t[i].col[j].dflt);
    }
    free(m->t[i].col);
    free(m->t[i].name);
  }
  for(i = 0; i < m->nix; i++) {
    free(m->ix[i].name);
    free(m->ix[i].table);
    free(m->ix[i].cols);
  }
  free(m->t);
  free(m->ix);
  memset(m, 0, sizeof(*m));
}

static char
type_of(const char *decl)
{
  if(!decl)
    return 't';
  if(strstr(decl, "INT"))
    return 'i';
  if(strstr(decl, "BLOB"))
    return 'b';
  if(strstr(decl, "REAL") || strstr(decl, "FLOA") || strstr(decl, "DOUB"))
    return 'r';
  return 't';
}

static tl_rc
model_build(cpx *x, model *m)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL, *u = NULL;
  const char *parts[] = {Tl_schema_v1, Tl_index_create, Tl_schema_v2_delta,
                         Tl_schema_v3_delta, Tl_schema_v4_delta};
  char q[300];
  size_t i;
  int r;

  memset(m, 0, sizeof(*m));
  if(sqlite3_open(":memory:", &db) != SQLITE_OK) {
    sqlite3_close(db);
    return fail(x, TL_NOMEM, "cannot open an in-memory database");
  }
  for(i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
    if(sqlite3_exec(db, parts[i], NULL, NULL, NULL) != SQLITE_OK) {
      fail(x, TL_FATAL, "building the schema model: %s",
           sqlite3_errmsg(db));
      goto out;
    }
  if(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = "
                        "'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                        -1, &s, NULL) != SQLITE_OK)
    goto sqlerr;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    mtable *t;
    void *np = realloc(m->t, sizeof(*m->t) * (size_t)(m->nt + 1));
    if(!np)
      goto oom;
    m->t = np;
    t = &m->t[m->nt++];
    memset(t, 0, sizeof(*t));
    if(!(t->name = xstrdup((const char *)sqlite3_column_text(s, 0))))
      goto oom;
    snprintf(q, sizeof(q), "PRAGMA table_info(\"%s\")", t->name);
    if(sqlite3_prepare_v2(db, q, -1, &u, NULL) != SQLITE_OK)
      goto sqlerr;
    while(sqlite3_step(u) == SQLITE_ROW) {
      mcol *c;
      np = realloc(t->col, sizeof(*t->col) * (size_t)(t->ncol + 1));
      if(!np)
        goto oom;
      t->col = np;
      c = &t->col[t->ncol++];
      memset(c, 0, sizeof(*c));
      c->name = xstrdup((const char *)sqlite3_column_text(u, 1));
      c->type = type_of((const char *)sqlite3_column_text(u, 2));
      c->notnull = sqlite3_column_int(u, 3);
      c->dflt = xstrdup((const char *)sqlite3_column_text(u, 4));
      c->pk = sqlite3_column_int(u, 5);
      if(!c->name)
        goto oom;
    }
    sqlite3_finalize(u);
    u = NULL;
  }
  sqlite3_finalize(s);
  s = NULL;
  if(sqlite3_prepare_v2(db, "SELECT name, tbl_name, sql LIKE 'CREATE UNIQUE"
                        "%' FROM sqlite_master WHERE type = 'index' AND sql "
                        "IS NOT NULL ORDER BY name", -1, &s, NULL) != SQLITE_OK)
    goto sqlerr;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    mindex *ix;
    char cols[600];
    size_t k = 0;
    void *np = realloc(m->ix, sizeof(*m->ix) * (size_t)(m->nix + 1));
    if(!np)
      goto oom;
    m->ix = np;
    ix = &m->ix[m->nix++];
    memset(ix, 0, sizeof(*ix));
    ix->name = xstrdup((const char *)sqlite3_column_text(s, 0));
    ix->table = xstrdup((const char *)sqlite3_column_text(s, 1));
    ix->unique = sqlite3_column_int(s, 2);
    if(!ix->name || !ix->table)
      goto oom;
    snprintf(q, sizeof(q), "PRAGMA index_xinfo(\"%s\")", ix->name);
    if(sqlite3_prepare_v2(db, q, -1, &u, NULL) != SQLITE_OK)
      goto sqlerr;
    cols[0] = 0;
    while(sqlite3_step(u) == SQLITE_ROW) {
      const char *cn = (const char *)sqlite3_column_text(u, 2);
      const char *coll = (const char *)sqlite3_column_text(u, 4);
      int w;
      if(!sqlite3_column_int(u, 5) || !cn)
        continue;
      /* COLLATE NOCASE: the same lookups go through lower() */
      w = snprintf(cols + k, sizeof(cols) - k,
                   coll && !strcmp(coll, "NOCASE") ? "%slower(\"%s\")" :
                   "%s\"%s\"", k ? ", " : "", cn);
      if(w > 0 && (size_t)w < sizeof(cols) - k)
        k += (size_t)w;
    }
    sqlite3_finalize(u);
    u = NULL;
    if(!(ix->cols = strdup(cols)))
      goto oom;
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return TL_OK;
sqlerr:
  fail(x, TL_FATAL, "reading the schema model: %s",
       sqlite3_errmsg(db));
  goto out;
oom:
  fail(x, TL_NOMEM, "out of memory");
out:
  sqlite3_finalize(u);
  sqlite3_finalize(s);
  sqlite3_close(db);
  model_free(m);
  return x->rc;
}

static const mtable *
model_table(const model *m, const char *name)
{
  int i;
  for(i = 0; i < m->nt; i++)
    if(!strcmp(m->t[i].name, name))
      return &m->t[i];
  return NULL;
}

/* ---- a growing buffer ---- */

typedef struct {
  char *p;
  size_t n, cap;
} buf;

static int
b_need(buf *b, size_t more)
{
  if(b->n + more + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    char *np;
    while(b->n + more + 1 > cap)
      cap *= 2;
    if(!(np = realloc(b->p, cap)))
      return -1;
    b->p = np;
    b->cap = cap;
  }
  return 0;
}

static int
b_add(buf *b, const void *p, size_t len)
{
  if(b_need(b, len))
    return -1;
  memcpy(b->p + b->n, p, len);
  b->n += len;
  b->p[b->n] = 0;
  return 0;
}

static int
b_fmt(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
b_fmt(buf *b, const char *fmt, ...)
{
  va_list ap;
  int k;
  char tmp[1];
  va_start(ap, fmt);
  k = vsnprintf(tmp, 0, fmt, ap);
  va_end(ap);
  if(k < 0 || b_need(b, (size_t)k))
    return -1;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)k;
  return 0;
}

/* ---- the two backends ---- */

typedef struct {
  int is_pg;
  sqlite3 *db;
  PGconn *pg;
  char name[700];           /* for messages: the path, or the URI redacted */
} backend;

static void
pg_quiet(void *arg, const char *msg)
{
  (void)arg;
  (void)msg;
}

/* libpq's message, one line (pg_int.h) */
const char *
Tl_pg_msg(struct pg_conn *conn)
{
  PGconn *pg = (PGconn *)conn;
  static _Thread_local char m[600];
  char *p;
  snprintf(m, sizeof(m), "%s", PQerrorMessage(pg));
  for(p = m; *p; p++)
    if(*p == '\n')
      *p = ' ';
  while(p > m && p[-1] == ' ')
    *--p = 0;
  return m;
}

PGresult *
Tl_pg_run(PGconn *pg, const char *name, char *err, size_t n,
          const char *sql, int np, const char *const *pv)
{
  PGresult *r = PQexecParams(pg, sql, np, NULL, pv, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(r);
  if(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return r;
  snprintf(err, n, "%s: %s", name, Tl_pg_msg(pg));
  PQclear(r);
  return NULL;
}

int
Tl_pg_run0(PGconn *pg, const char *name, char *err, size_t n,
           const char *sql, int np, const char *const *pv)
{
  PGresult *r = Tl_pg_run(pg, name, err, n, sql, np, pv);
  PQclear(r);
  return r ? 0 : -1;
}

static const char *
pg_msg(PGconn *pg)
{
  return Tl_pg_msg((struct pg_conn *)pg);
}

static tl_rc
pg_exec(cpx *x, backend *b, const char *sql)
{
  PGresult *r = PQexec(b->pg, sql);
  ExecStatusType st = PQresultStatus(r);
  tl_rc rc = TL_OK;
  if(st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    rc = fail(x, TL_IO, "%s: %s", b->name, pg_msg(b->pg));
  PQclear(r);
  return rc;
}

static tl_rc
sq_exec(cpx *x, backend *b, const char *sql)
{
  if(sqlite3_exec(b->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail(x, TL_IO, "%s: %s", b->name, sqlite3_errmsg(b->db));
  return TL_OK;
}

static tl_rc
b_exec(cpx *x, backend *b, const char *sql)
{
  return b->is_pg ? pg_exec(x, b, sql) : sq_exec(x, b, sql);
}

/* One integer from sql (no row or NULL: 0). */
static tl_rc
b_int(cpx *x, backend *b, const char *sql, int64_t *v)
{
  *v = 0;
  if(b->is_pg) {
    PGresult *r = PQexec(b->pg, sql);
    tl_rc rc = TL_OK;
    if(PQresultStatus(r) != PGRES_TUPLES_OK)
      rc = fail(x, TL_IO, "%s: %s", b->name, pg_msg(b->pg));
    else if(PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
      *v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
  } else {
    sqlite3_stmt *s;
    int r;
    if(sqlite3_prepare_v2(b->db, sql, -1, &s, NULL) != SQLITE_OK)
      return fail(x, TL_IO, "%s: %s", b->name, sqlite3_errmsg(b->db));
    r = sqlite3_step(s);
    if(r == SQLITE_ROW)
      *v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if(r != SQLITE_ROW && r != SQLITE_DONE)
      return fail(x, TL_IO, "%s: %s", b->name, sqlite3_errmsg(b->db));
    return TL_OK;
  }
}

static void
b_end(backend *b, const char *sql)
{
  if(b->is_pg)
    PQclear(PQexec(b->pg, sql));
  else
    sqlite3_exec(b->db, sql, NULL, NULL, NULL);
}

static void
b_close(backend *b)
{
  if(b->pg)
    PQfinish(b->pg);
  if(b->db)
    sqlite3_close(b->db);
  b->pg = NULL;
  b->db = NULL;
}

static tl_rc
b_open(cpx *x, backend *b, const char *where, int write)
{
  memset(b, 0, sizeof(*b));
  Tl_pg_redact(where, b->name, sizeof(b->name));
  if(tl_case_is_uri(where)) {
    b->is_pg = 1;
    b->pg = PQconnectdb(where);
    if(!b->pg)
      return fail(x, TL_NOMEM, "%s: out of memory", b->name);
    if(PQstatus(b->pg) != CONNECTION_OK)
      return fail(x, TL_IO, "%s: cannot connect: %s", b->name,
                  pg_msg(b->pg));
    PQsetNoticeProcessor(b->pg, pg_quiet, NULL);
    return pg_exec(x, b, "SET client_min_messages = warning; "
                   "SET client_encoding = 'UTF8'");
  }
  if(sqlite3_open_v2(where, &b->db, write ? SQLITE_OPEN_READWRITE :
                     SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return fail(x, TL_IO, "%s: cannot open: %s", b->name,
                b->db ? sqlite3_errmsg(b->db) : "out of memory");
  sqlite3_busy_timeout(b->db, 10000);
  return TL_OK;
}

/* The tables of a backend that hold a case (PostgreSQL: of the current
** schema, partitions left out, and an item's event partition between its
** DETACH and its DROP after an `ingest URI --replace`), checked against
** the model: the same tables with the same columns. have_schema:
** case_meta is there. */
static tl_rc
b_check_schema(cpx *x, backend *b, const model *m, int *have_schema)
{
  int i, j, found;
  *have_schema = 0;
  if(b->is_pg) {
    PGresult *r = PQexec(b->pg, "SELECT c.relname::text FROM pg_class c "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = current_schema() AND c.relkind "
                         "IN ('r', 'p') AND NOT c.relispartition AND "
                         "c.relname !~ '^event_[em][0-9]+$'");
    if(PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      return fail(x, TL_IO, "%s: %s", b->name, pg_msg(b->pg));
    }
    for(i = 0; i < PQntuples(r); i++)
      if(!strcmp(PQgetvalue(r, i, 0), "case_meta"))
        *have_schema = 1;
    if(*have_schema)
      for(i = 0; i < PQntuples(r); i++)
        if(!model_table(m, PQgetvalue(r, i, 0)) &&
           strcmp(PQgetvalue(r, i, 0), "tl_queue")) {
          fail(x, TL_FAILED, "%s: table '%s' is not in a touchline case of "
               "schema version %d", b->name, PQgetvalue(r, i, 0),
               TL_SCHEMA_VERSION);
          PQclear(r);
          return x->rc;
        }
    PQclear(r);
  } else {
    int64_t v;
    tl_rc rc;
    if((rc = b_int(x, b, "SELECT count(*) FROM sqlite_master WHERE type = "
                   "'table' AND name = 'case_meta'", &v)))
      return rc;
    *have_schema = v > 0;
    if(*have_schema) {
      sqlite3_stmt *s;
      if(sqlite3_prepare_v2(b->db, "SELECT name FROM sqlite_master WHERE "
                            "type = 'table' AND name NOT LIKE 'sqlite_%'",
                            -1, &s, NULL) != SQLITE_OK)
        return fail(x, TL_IO, "%s: %s", b->name, sqlite3_errmsg(b->db));
      while(sqlite3_step(s) == SQLITE_ROW)
        if(!model_table(m, (const char *)sqlite3_column_text(s, 0))) {
          fail(x, TL_FAILED, "%s: table '%s' is not in a touchline case of "
               "schema version %d", b->name,
               (const char *)sqlite3_column_text(s, 0), TL_SCHEMA_VERSION);
          sqlite3_finalize(s);
          return x->rc;
        }
      sqlite3_finalize(s);
    }
  }
  if(!*have_schema)
    return TL_OK;
  /* every table of the model, with exactly its columns */
  for(i = 0; i < m->nt; i++) {
    const mtable *t = &m->t[i];
    char q[400];
    int ncol = 0;
    if(b->is_pg) {
      PGresult *r;
      const char *pv[1] = {t->name};
      r = PQexecParams(b->pg, "SELECT a.attname::text FROM pg_attribute a "
                       "JOIN pg_class c ON c.oid = a.attrelid JOIN "
                       "pg_namespace n ON n.oid = c.relnamespace WHERE "
                       "n.nspname = current_schema() AND c.relname = $1 AND "
                       "a.attnum > 0 AND NOT a.attisdropped", 1, NULL, pv,
                       NULL, NULL, 0);
      if(PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return fail(x, TL_IO, "%s: %s", b->name, pg_msg(b->pg));
      }
      ncol = PQntuples(r);
      for(j = 0; j < t->ncol && ncol; j++) {
        int k;
        found = 0;
        for(k = 0; k < ncol; k++)
          if(!strcmp(PQgetvalue(r, k, 0), t->col[j].name))
            found = 1;
        if(!found) {
          fail(x, TL_FAILED, "%s: column %s.%s is missing (a damaged or "
               "older case?)", b->name, t->name, t->col[j].name);
          PQclear(r);
          return x->rc;
        }
      }
      PQclear(r);
    } else {
      sqlite3_stmt *s;
      snprintf(q, sizeof(q), "PRAGMA table_info(\"%s\")", t->name);
      if(sqlite3_prepare_v2(b->db, q, -1, &s, NULL) != SQLITE_OK)
        return fail(x, TL_IO, "%s: %s", b->name, sqlite3_errmsg(b->db));
      found = 0;
      while(sqlite3_step(s) == SQLITE_ROW) {
        const char *cn = (const char *)sqlite3_column_text(s, 1);
        ncol++;
        for(j = 0; j < t->ncol; j++)
          if(!strcmp(cn, t->col[j].name))
            found++;
      }
      sqlite3_finalize(s);
      if(ncol && found != t->ncol) {
        return fail(x, TL_FAILED, "%s: table '%s' lacks columns of schema "
                    "version %d (a damaged or older case?)", b->name,
                    t->name, TL_SCHEMA_VERSION);
      }
    }
    if(!ncol)
      return fail(x, TL_FAILED, "%s: table '%s' is missing (a damaged "
                  "case?)", b->name, t->name);
    if(ncol != t->ncol)
      return fail(x, TL_FAILED, "%s: table '%s' has %d columns, schema "
                  "version %d has %d", b->name, t->name, ncol,
                  TL_SCHEMA_VERSION, t->ncol);
  }
  return TL_OK;
}

/* ---- rows: one canonical form on both sides ---- */

typedef struct {
  const char *p;
  size_t len;
  int null;
} fld;

typedef tl_rc (*row_fn)(cpx *x, void *ctx, const fld *f, int n);

/* SELECT of table t's columns, ordered by its primary key when ordered */
static int
select_sql(buf *q, const mtable *t, int pg, int ordered)
{
  int j, k, first = 1, err = 0;
  err |= b_add(q, "SELECT ", 7);
  for(j = 0; j < t->ncol; j++)
    err |= b_fmt(q, "%s\"%s\"", j ? ", " : "", t->col[j].name);
  err |= b_fmt(q, " FROM \"%s\"", t->name);
  if(ordered)
    for(k = 1; k <= t->ncol; k++)
      for(j = 0; j < t->ncol; j++)
        if(t->col[j].pk == k) {
          err |= b_fmt(q, "%s\"%s\"%s", first ? " ORDER BY " : ", ",
                       t->col[j].name, pg && t->col[j].type == 't' ?
                       " COLLATE \"C\"" : "");
          first = 0;
        }
  return err;
}

static int
hexval(int c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if(c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Scan the rows of `select` (columns typed as t's) from b. */
static tl_rc
b_scan(cpx *x, backend *b, const mtable *t, const char *select, row_fn fn,
       void *ctx)
{
  fld f[64];
  char num[64][40];
  int j, n = t->ncol;
  tl_rc rc = TL_OK;
  if(n > 64)
    return fail(x, TL_FATAL, "table %s has too many columns",
                t->name);
  if(!b->is_pg) {
    sqlite3_stmt *s;
    int r;
    if(sqlite3_prepare_v2(b->db, select, -1, &s, NULL) != SQLITE_OK)
      return fail(x, TL_IO, "%s: table %s: %s", b->name, t->name,
                  sqlite3_errmsg(b->db));
    while(!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
      for(j = 0; j < n; j++) {
        int ty = sqlite3_column_type(s, j);
        f[j].null = ty == SQLITE_NULL;
        f[j].p = "";
        f[j].len = 0;
        if(f[j].null)
          continue;
        switch(t->col[j].type) {
        case 'i':
          if(ty == SQLITE_INTEGER) {
            f[j].len = (size_t)snprintf(num[j], sizeof(num[j]), "%lld",
                                        (long long)sqlite3_column_int64(s, j));
            f[j].p = num[j];
            break;
          }
          __attribute__((fallthrough)); /* kept as stored */
        case 't':
          f[j].p = (const char *)sqlite3_column_text(s, j);
          f[j].len = (size_t)sqlite3_column_bytes(s, j);
          if(!f[j].p)
            f[j].p = "";
          break;
        case 'r':
          f[j].len = (size_t)snprintf(num[j], sizeof(num[j]), "%.17g",
                                      sqlite3_column_double(s, j));
          f[j].p = num[j];
          break;
        default:
          f[j].p = sqlite3_column_blob(s, j);
          f[j].len = (size_t)sqlite3_column_bytes(s, j);
          if(!f[j].p)
            f[j].p = "";
        }
      }
      rc = fn(x, ctx, f, n);
    }
    if(!rc && r != SQLITE_DONE)
      rc = fail(x, TL_IO, "%s: table %s: %s", b->name, t->name,
                sqlite3_errmsg(b->db));
    sqlite3_finalize(s);
    return rc;
  } else {
    buf q = {NULL, 0, 0}, d = {NULL, 0, 0};
    PGresult *r;
    char *line = NULL;
    int len;
    if(b_fmt(&q, "COPY (%s) TO STDOUT", select)) {
      free(q.p);
      return fail(x, TL_NOMEM, "out of memory");
    }
    r = PQexec(b->pg, q.p);
    free(q.p);
    if(PQresultStatus(r) != PGRES_COPY_OUT) {
      PQclear(r);
      return fail(x, TL_IO, "%s: table %s: %s", b->name, t->name,
                  pg_msg(b->pg));
    }
    PQclear(r);
    while((len = PQgetCopyData(b->pg, &line, 0)) > 0) {
      const char *p = line, *e = line + len;
      size_t off[64];
      if(!rc) {
        if(e > p && e[-1] == '\n')
          e--;
        d.n = 0;
        if(b_need(&d, (size_t)len + 1)) {
          rc = fail(x, TL_NOMEM, "out of memory");
          goto next;
        }
        for(j = 0; j < n; j++) {
          const char *fe = memchr(p, '\t', (size_t)(e - p));
          if(!fe)
            fe = e;
          if(j < n - 1 && fe == e) {
            rc = fail(x, TL_IO, "%s: table %s: a COPY row with too few "
                      "fields", b->name, t->name);
            goto next;
          }
          f[j].null = fe - p == 2 && p[0] == '\\' && p[1] == 'N';
          off[j] = d.n;
          if(!f[j].null)
            while(p < fe) {
              char ch = *p++;
              if(ch == '\\' && p < fe) {
                ch = *p++;
                switch(ch) {
                case 'b': ch = '\b'; break;
                case 'f': ch = '\f'; break;
                case 'n': ch = '\n'; break;
                case 'r': ch = '\r'; break;
                case 't': ch = '\t'; break;
                case 'v': ch = '\v'; break;
                default:
                  if(ch >= '0' && ch <= '7') {
                    int v = ch - '0', k;
                    for(k = 0; k < 2 && p < fe && *p >= '0' && *p <= '7'; k++)
                      v = v * 8 + (*p++ - '0');
                    ch = (char)v;
                  } else if(ch == 'x' && p < fe && hexval(*p) >= 0) {
                    int v = hexval(*p++);
                    if(p < fe && hexval(*p) >= 0)
                      v = v * 16 + hexval(*p++);
                    ch = (char)v;
                  }
                }
              }
              d.p[d.n++] = ch;
            }
          f[j].len = d.n - off[j];
          p = fe < e ? fe + 1 : e;
        }
        for(j = 0; j < n; j++) {
          char *v = d.p + off[j];
          f[j].p = v;
          if(f[j].null) {
            f[j].p = "";
            f[j].len = 0;
          } else if(t->col[j].type == 'b') {
            /* bytea's hex output: \x then two digits a byte */
            size_t k, m = 0;
            if(f[j].len < 2 || v[0] != '\\' || v[1] != 'x') {
              rc = fail(x, TL_IO, "%s: table %s: column %s is not bytea "
                        "hex output", b->name, t->name, t->col[j].name);
              goto next;
            }
            for(k = 2; k + 1 < f[j].len; k += 2)
              v[m++] = (char)(hexval(v[k]) * 16 + hexval(v[k + 1]));
            f[j].len = m;
          } else if(t->col[j].type == 'r') {
            char tmp[64];
            snprintf(tmp, sizeof(tmp), "%.*s", (int)f[j].len, v);
            f[j].len = (size_t)snprintf(num[j], sizeof(num[j]), "%.17g",
                                        strtod(tmp, NULL));
            f[j].p = num[j];
          }
        }
        rc = fn(x, ctx, f, n);
      }
    next:
      PQfreemem(line);
      line = NULL;
    }
    free(d.p);
    if(len == -2 && !rc)
      rc = fail(x, TL_IO, "%s: table %s: %s", b->name, t->name,
                pg_msg(b->pg));
    while((r = PQgetResult(b->pg))) {
      if(!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = fail(x, TL_IO, "%s: table %s: %s", b->name, t->name,
                  pg_msg(b->pg));
      PQclear(r);
    }
    return rc;
  }
}

/* ---- the hash of a table ---- */

typedef struct {
  EVP_MD_CTX *md;
  uint64_t n;
} hashx;

static tl_rc
hash_row(cpx *x, void *ctx, const fld *f, int n)
{
  hashx *h = ctx;
  int j;
  for(j = 0; j < n; j++) {
    unsigned char tag[9];
    uint64_t l = f[j].len;
    int k;
    tag[0] = f[j].null ? 0 : 1;
    for(k = 0; k < 8; k++)
      tag[1 + k] = (unsigned char)(l >> (8 * k));
    EVP_DigestUpdate(h->md, tag, f[j].null ? 1 : 9);
    if(!f[j].null && l)
      EVP_DigestUpdate(h->md, f[j].p, l);
  }
  h->n++;
  if(x->cancel && *x->cancel && !(h->n & 4095))
    return fail(x, TL_INTERRUPTED, "interrupted");
  return TL_OK;
}

static tl_rc
table_hash(cpx *x, backend *b, const mtable *t, uint64_t *rows,
           char hex[65])
{
  hashx h;
  buf q = {NULL, 0, 0};
  unsigned char dg[32];
  unsigned int dl = 0, i;
  tl_rc rc;
  h.n = 0;
  if(!(h.md = EVP_MD_CTX_new()) || select_sql(&q, t, b->is_pg, 1)) {
    EVP_MD_CTX_free(h.md);
    free(q.p);
    return fail(x, TL_NOMEM, "out of memory");
  }
  EVP_DigestInit_ex(h.md, EVP_sha256(), NULL);
  rc = b_scan(x, b, t, q.p, hash_row, &h);
  free(q.p);
  EVP_DigestFinal_ex(h.md, dg, &dl);
  EVP_MD_CTX_free(h.md);
  for(i = 0; i < 32; i++)
    snprintf(hex + 2 * i, 3, "%02x", dg[i]);
  *rows = h.n;
  return rc;
}

/* ---- writing rows into the destination ---- */

typedef struct {
  backend *b;
  const mtable *t;
  buf line;                 /* PostgreSQL: COPY text waiting to be sent */
  sqlite3_stmt *ins;        /* SQLite */
  uint64_t n;
} writer;

static tl_rc
pg_flush(cpx *x, writer *w)
{
  if(w->line.n && PQputCopyData(w->b->pg, w->line.p, (int)w->line.n) != 1)
    return fail(x, TL_IO, "%s: table %s: %s", w->b->name, w->t->name,
                pg_msg(w->b->pg));
  w->line.n = 0;
  return TL_OK;
}

static tl_rc
write_row(cpx *x, void *ctx, const fld *f, int n)
{
  writer *w = ctx;
  int j;
  w->n++;
  if(x->cancel && *x->cancel && !(w->n & 4095))
    return fail(x, TL_INTERRUPTED, "interrupted");
  if(w->b->is_pg) {
    buf *l = &w->line;
    static const char hx[] = "0123456789abcdef";
    for(j = 0; j < n; j++) {
      size_t k;
      /* at most 4 bytes out per byte in */
      if(b_need(l, f[j].len * 4 + 8))
        return fail(x, TL_NOMEM, "out of memory");
      if(j)
        l->p[l->n++] = '\t';
      if(f[j].null) {
        l->p[l->n++] = '\\';
        l->p[l->n++] = 'N';
      } else if(w->t->col[j].type == 'b') {
        l->p[l->n++] = '\\';
        l->p[l->n++] = '\\';
        l->p[l->n++] = 'x';
        for(k = 0; k < f[j].len; k++) {
          unsigned char c = (unsigned char)f[j].p[k];
          l->p[l->n++] = hx[c >> 4];
          l->p[l->n++] = hx[c & 15];
        }
      } else
        for(k = 0; k < f[j].len; k++) {
          char c = f[j].p[k];
          switch(c) {
          case '\\': l->p[l->n++] = '\\'; l->p[l->n++] = '\\'; break;
          case '\t': l->p[l->n++] = '\\'; l->p[l->n++] = 't'; break;
          case '\n': l->p[l->n++] = '\\'; l->p[l->n++] = 'n'; break;
          case '\r': l->p[l->n++] = '\\'; l->p[l->n++] = 'r'; break;
          default: l->p[l->n++] = c;
          }
        }
    }
    if(b_add(l, "\n", 1))
      return fail(x, TL_NOMEM, "out of memory");
    return l->n >= (1u << 20) ? pg_flush(x, w) : TL_OK;
  }
  for(j = 0; j < n; j++) {
    sqlite3_stmt *s = w->ins;
    char tmp[64];
    if(f[j].null) {
      sqlite3_bind_null(s, j + 1);
      continue;
    }
    switch(w->t->col[j].type) {
    case 'i':
    case 'r':
      if(f[j].len < sizeof(tmp)) {
        char *end;
        memcpy(tmp, f[j].p, f[j].len);
        tmp[f[j].len] = 0;
        if(w->t->col[j].type == 'i') {
          long long v;
          errno = 0;
          v = strtoll(tmp, &end, 10);
          if(!errno && end != tmp && !*end) {
            sqlite3_bind_int64(s, j + 1, v);
            break;
          }
        } else {
          double v = strtod(tmp, &end);
          if(end != tmp && !*end) {
            sqlite3_bind_double(s, j + 1, v);
            break;
          }
        }
      }
      __attribute__((fallthrough)); /* as text, as it was */
    case 't':
      sqlite3_bind_text64(s, j + 1, f[j].p, f[j].len, SQLITE_STATIC,
                          SQLITE_UTF8);
      break;
    default:
      sqlite3_bind_blob64(s, j + 1, f[j].p, f[j].len, SQLITE_STATIC);
    }
  }
  if(sqlite3_step(w->ins) != SQLITE_DONE) {
    tl_rc rc = fail(x, TL_IO, "%s: table %s: %s", w->b->name, w->t->name,
                    sqlite3_errmsg(w->b->db));
    sqlite3_reset(w->ins);
    return rc;
  }
  sqlite3_reset(w->ins);
  return TL_OK;
}

static const char *
pg_type(char t)
{
  return t == 'i' ? "bigint" : t == 'b' ? "bytea" : t == 'r' ?
         "double precision" : "text";
}

/* The schema in a PostgreSQL database: tables now, indexes after the rows
** (pg_indexes) */
static tl_rc
pg_create_tables(cpx *x, backend *b, const model *m)
{
  int i, j, k, first;
  tl_rc rc = TL_OK;
  for(i = 0; !rc && i < m->nt; i++) {
    const mtable *t = &m->t[i];
    int part = !strcmp(t->name, "event");
    buf q = {NULL, 0, 0};
    int err = b_fmt(&q, "CREATE TABLE \"%s\"(", t->name);
    for(j = 0; j < t->ncol; j++) {
      const mcol *c = &t->col[j];
      err |= b_fmt(&q, "%s\"%s\" %s%s%s%s", j ? ", " : "", c->name,
                   pg_type(c->type), c->notnull ? " NOT NULL" : "",
                   c->dflt ? " DEFAULT " : "", c->dflt ? c->dflt : "");
    }
    first = 1;
    for(k = 1; k <= t->ncol; k++)
      for(j = 0; j < t->ncol; j++)
        if(t->col[j].pk == k) {
          err |= b_fmt(&q, "%s\"%s\"", first ? ", PRIMARY KEY(" : ", ",
                       t->col[j].name);
          first = 0;
        }
    if(part && !first)
      err |= b_fmt(&q, ", \"evidence_id\"");
    if(!first)
      err |= b_add(&q, ")", 1);
    err |= b_add(&q, ")", 1);
    if(part)
      err |= b_fmt(&q, " PARTITION BY LIST (\"evidence_id\")");
    rc = err ? fail(x, TL_NOMEM, "out of memory") :
         pg_exec(x, b, q.p);
    free(q.p);
  }
  return rc;
}

/* The pending-UNC index (store_int.h; a partial index, which the schema
** model cannot carry): the artifact events with a UNC path that a new
** item or fact may resolve. Every item copy asks whether the case has
** any, and pulls them when it has (ingest/pgartifacts.c, unc_where: the
** same predicate word for word, so that the planner matches the index);
** without it each copy reads the whole table. Made with a new case's
** indexes, and in an existing case by its owner's first writer
** (Tl_pg_case_prepare) or `upgrade URI`: the schema version stays 4. */
#define PG_UNC_INDEX TL_UNC_PENDING_INDEX

/* The same in a case made before it, by its owner only (CREATE INDEX needs
** the table's owner: another role leaves it to the owner), and not at the
** price of waiting for the copies in flight (CREATE INDEX waits for the
** writers of artifact_event, and new ones for it): after 2 s it is left
** for the next writer. Run last in a transaction (its lock_timeout). */
static const char pg_unc_index_ensure[] =
  "DO $d$ BEGIN IF to_regclass('artifact_event_unc') IS NULL AND "
  "pg_has_role((SELECT relowner FROM pg_class WHERE oid = "
  "'artifact_event'::regclass), 'USAGE') THEN PERFORM set_config("
  "'lock_timeout', '2s', true); BEGIN " PG_UNC_INDEX "; EXCEPTION WHEN "
  "lock_not_available THEN NULL; END; END IF; END $d$";

static tl_rc
pg_create_indexes(cpx *x, backend *b, const model *m)
{
  int i;
  tl_rc rc = TL_OK;
  for(i = 0; !rc && i < m->nix; i++) {
    buf q = {NULL, 0, 0};
    if(b_fmt(&q, "CREATE %sINDEX IF NOT EXISTS \"%s\" ON \"%s\"(%s)",
             m->ix[i].unique ? "UNIQUE " : "", m->ix[i].name,
             m->ix[i].table, m->ix[i].cols))
      rc = fail(x, TL_NOMEM, "out of memory");
    else
      rc = pg_exec(x, b, q.p);
    free(q.p);
  }
  if(!rc)
    rc = pg_exec(x, b, PG_UNC_INDEX);
  return rc;
}

/* a partition of event for each evidence item the source has events of */
typedef struct {
  backend *dst;
} partx;

static tl_rc
make_partition(cpx *x, void *ctx, const fld *f, int n)
{
  partx *p = ctx;
  char q[300], id[40];
  long long v;
  (void)n;
  if(f[0].null || f[0].len >= sizeof(id))
    return fail(x, TL_FAILED, "event.evidence_id is NULL or "
                "not a number");
  memcpy(id, f[0].p, f[0].len);
  id[f[0].len] = 0;
  v = strtoll(id, NULL, 10);
  snprintf(q, sizeof(q), "CREATE TABLE IF NOT EXISTS \"event_%s%lld\" "
           "PARTITION OF \"event\" FOR VALUES IN (%lld)", v < 0 ? "m" : "e",
           v < 0 ? -v : v, v);
  return pg_exec(x, p->dst, q);
}

static tl_rc copy_rows(cpx *x, backend *src, backend *dst, const mtable *t,
                       const char *select, uint64_t *rows);

static tl_rc
copy_table(cpx *x, backend *src, backend *dst, const mtable *t,
           uint64_t *rows)
{
  buf sel = {NULL, 0, 0};
  tl_rc rc;
  if(dst->is_pg && !strcmp(t->name, "event")) {
    mcol evc = {(char *)"evidence_id", 'i', 1, NULL, 0};
    mtable ev1 = {(char *)"event", &evc, 1};
    partx p = {dst};
    if((rc = b_scan(x, src, &ev1, "SELECT DISTINCT \"evidence_id\" FROM "
                    "\"event\"", make_partition, &p)))
      return rc;
  }
  if(select_sql(&sel, t, src->is_pg, 1))
    return fail(x, TL_NOMEM, "out of memory");
  rc = copy_rows(x, src, dst, t, sel.p, rows);
  free(sel.p);
  return rc;
}

/* The rows of select (t's columns, in t's order) from src into table t of
** dst. */
static tl_rc
copy_rows(cpx *x, backend *src, backend *dst, const mtable *t,
          const char *select, uint64_t *rows)
{
  writer w;
  buf q = {NULL, 0, 0}, sel = {NULL, 0, 0};
  int j, err = 0;
  tl_rc rc;
  memset(&w, 0, sizeof(w));
  w.b = dst;
  w.t = t;
  if(b_add(&sel, select, strlen(select)))
    return fail(x, TL_NOMEM, "out of memory");
  if(dst->is_pg) {
    PGresult *r;
    err |= b_fmt(&q, "COPY \"%s\"(", t->name);
    for(j = 0; j < t->ncol; j++)
      err |= b_fmt(&q, "%s\"%s\"", j ? ", " : "", t->col[j].name);
    err |= b_add(&q, ") FROM STDIN", 12);
    if(err) {
      free(q.p);
      free(sel.p);
      return fail(x, TL_NOMEM, "out of memory");
    }
    r = PQexec(dst->pg, q.p);
    free(q.p);
    if(PQresultStatus(r) != PGRES_COPY_IN) {
      PQclear(r);
      free(sel.p);
      return fail(x, TL_IO, "%s: table %s: %s", dst->name, t->name,
                  pg_msg(dst->pg));
    }
    PQclear(r);
    rc = b_scan(x, src, t, sel.p, write_row, &w);
    if(!rc)
      rc = pg_flush(x, &w);
    if(PQputCopyEnd(dst->pg, rc ? "touchline: copy stopped" : NULL) != 1 &&
       !rc)
      rc = fail(x, TL_IO, "%s: table %s: %s", dst->name, t->name,
                pg_msg(dst->pg));
    while((r = PQgetResult(dst->pg))) {
      if(!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = fail(x, TL_IO, "%s: table %s: %s", dst->name, t->name,
                  pg_msg(dst->pg));
      PQclear(r);
    }
    free(w.line.p);
  } else {
    err |= b_fmt(&q, "INSERT INTO \"%s\"(", t->name);
    for(j = 0; j < t->ncol; j++)
      err |= b_fmt(&q, "%s\"%s\"", j ? ", " : "", t->col[j].name);
    err |= b_add(&q, ") VALUES(", 9);
    for(j = 0; j < t->ncol; j++)
      err |= b_add(&q, j ? ", ?" : "?", j ? 3 : 1);
    err |= b_add(&q, ")", 1);
    if(err) {
      free(q.p);
      free(sel.p);
      return fail(x, TL_NOMEM, "out of memory");
    }
    if(sqlite3_prepare_v2(dst->db, q.p, -1, &w.ins, NULL) != SQLITE_OK) {
      free(q.p);
      free(sel.p);
      return fail(x, TL_IO, "%s: table %s: %s", dst->name, t->name,
                  sqlite3_errmsg(dst->db));
    }
    free(q.p);
    rc = b_scan(x, src, t, sel.p, write_row, &w);
    sqlite3_finalize(w.ins);
  }
  free(sel.p);
  *rows = w.n;
  return rc;
}

/* ---- the command ---- */

static tl_rc
report(cpx *x, const struct tl_sink *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static tl_rc
report(cpx *x, const struct tl_sink *s, const char *fmt, ...)
{
  char line[400];
  va_list ap;
  int k;
  if(!s)
    return TL_OK;
  va_start(ap, fmt);
  k = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if(k > 0 && Tl_sink_write(s, line, (size_t)k < sizeof(line) ?
                            (size_t)k : sizeof(line) - 1))
    return fail(x, TL_IO, "writing the report failed");
  return TL_OK;
}

/* The work queue (tl_queue, ingest/pgqueue.c) goes with the case between
** PostgreSQL cases, counted and hashed as the case's tables; a SQLite
** case has no queue (its items are in it). A destination whose case is
** replaced loses its queue. *n: rows copied. */
static tl_rc
copy_queue(cpx *x, backend *src, backend *dst, const struct tl_copy_opts *o,
           uint64_t *n)
{
  static mcol qc[] = {
    {(char *)"item_id", 'i', 1, NULL, 1}, {(char *)"label", 't', 1, NULL, 0},
    {(char *)"division", 't', 0, NULL, 0}, {(char *)"image", 't', 1, NULL, 0},
    {(char *)"state", 't', 1, NULL, 0}, {(char *)"claim", 't', 0, NULL, 0},
    {(char *)"host", 't', 0, NULL, 0}, {(char *)"pid", 'i', 0, NULL, 0},
    {(char *)"added", 't', 1, NULL, 0}, {(char *)"claimed", 't', 0, NULL, 0},
    {(char *)"heartbeat", 't', 0, NULL, 0}, {(char *)"ended", 't', 0, NULL, 0},
    {(char *)"attempts", 'i', 1, NULL, 0},
    {(char *)"message", 't', 0, NULL, 0}, {(char *)"run_id", 'i', 0, NULL, 0},
    {(char *)"evidence_id", 'i', 0, NULL, 0},
    {(char *)"n_objects", 'i', 0, NULL, 0},
    {(char *)"n_events", 'i', 0, NULL, 0},
  };
  mtable q = {(char *)"tl_queue", qc, (int)(sizeof(qc) / sizeof(qc[0]))};
  int64_t has_src = 0, has_dst = 0, v;
  uint64_t ns, nd;
  char hs[65], hd[65];
  buf sel = {NULL, 0, 0};
  tl_rc rc;

  *n = 0;
  if(!dst->is_pg)
    return TL_OK;
  if((rc = b_int(x, dst, "SELECT (to_regclass('tl_queue') IS NOT NULL)::int",
                 &has_dst)))
    return rc;
  if(has_dst) {
    if((rc = b_int(x, dst, "SELECT count(*) FROM (SELECT 1 FROM tl_queue "
                   "LIMIT 1) AS x", &v)))
      return rc;
    if(v && !o->replace)
      return fail(x, TL_EXISTS, "%s: the destination holds a case (table "
                  "tl_queue has rows); --replace empties it first",
                  dst->name);
    if((rc = pg_exec(x, dst, "DELETE FROM tl_queue")))
      return rc;
  }
  if(!src->is_pg)
    return TL_OK;
  if((rc = b_int(x, src, "SELECT (to_regclass('tl_queue') IS NOT NULL)::int",
                 &has_src)))
    return rc;
  if(!has_src)
    return TL_OK;
  if(!has_dst && (rc = pg_exec(x, dst, Tl_pg_queue_ddl)))
    return rc;
  if(select_sql(&sel, &q, 1, 1))
    return fail(x, TL_NOMEM, "out of memory");
  rc = copy_rows(x, src, dst, &q, sel.p, n);
  free(sel.p);
  /* new items are numbered after the copied ones */
  if(!rc)
    rc = pg_exec(x, dst, "SELECT setval(pg_get_serial_sequence('tl_queue', "
                 "'item_id'), coalesce(max(item_id), 0) + 1, false) FROM "
                 "tl_queue");
  if(rc || (rc = table_hash(x, src, &q, &ns, hs)) ||
     (rc = table_hash(x, dst, &q, &nd, hd)))
    return rc;
  if(ns != nd || strcmp(hs, hd))
    return fail(x, TL_FAILED, "table tl_queue differs after the copy: %s has "
                "%llu rows (sha256 %.16s...), %s has %llu rows (sha256 "
                "%.16s...); nothing was kept", src->name,
                (unsigned long long)ns, hs, dst->name,
                (unsigned long long)nd, hd);
  return report(x, o->report, "tl_queue\t%llu\t%s\n", (unsigned long long)ns,
                hs);
}

static tl_rc
do_copy(cpx *x, const char *src_s, const char *dst_s,
        const struct tl_copy_opts *o, struct tl_copy_result *res)
{
  model m;
  backend src, dst;
  int have, i, src_txn = 0, dst_txn = 0, created_pg = 0;
  int64_t v;
  double t0, t1;
  tl_rc rc;
  struct stat sb;

  memset(&src, 0, sizeof(src));
  memset(&dst, 0, sizeof(dst));
  if((rc = model_build(x, &m)))
    return rc;
  if((rc = b_open(x, &src, src_s, 0)))
    goto out;
  if((rc = b_check_schema(x, &src, &m, &have)))
    goto out;
  if(!have) {
    rc = fail(x, TL_FAILED, "%s: not a touchline case (no table "
              "case_meta)", src.name);
    goto out;
  }
  if(!src.is_pg) {
    if((rc = b_int(x, &src, "PRAGMA user_version", &v)))
      goto out;
  } else if((rc = b_int(x, &src, "SELECT value::bigint FROM case_meta WHERE"
                        " key = 'schema_version'", &v)))
    goto out;
  if(v != TL_SCHEMA_VERSION) {
    rc = fail(x, TL_FAILED, "%s: a case of schema version %lld; case copy "
              "takes version %d (`touchline upgrade` an older SQLite case "
              "first)", src.name, (long long)v, TL_SCHEMA_VERSION);
    goto out;
  }

  /* the destination: a new SQLite case is made by the store itself */
  if(!tl_case_is_uri(dst_s) && stat(dst_s, &sb) != 0) {
    tl_case *c;
    const char *err;
    if(errno != ENOENT) {
      rc = fail(x, TL_IO, "%s: %s", dst_s, strerror(errno));
      goto out;
    }
    if((rc = tl_case_open(dst_s, TL_OPEN_CREATE, &c, &err))) {
      fail(x, rc, "%s", err);
      goto out;
    }
    tl_case_close(c);
  }
  if((rc = b_open(x, &dst, dst_s, 1)))
    goto out;
  if((rc = b_check_schema(x, &dst, &m, &have)))
    goto out;
  if(!dst.is_pg) {
    if(!have) {
      rc = fail(x, TL_FAILED, "%s: exists and is not a touchline case",
                dst.name);
      goto out;
    }
    if((rc = b_int(x, &dst, "PRAGMA user_version", &v)))
      goto out;
    if(v != TL_SCHEMA_VERSION) {
      rc = fail(x, TL_FAILED, "%s: a case of schema version %lld, not %d",
                dst.name, (long long)v, TL_SCHEMA_VERSION);
      goto out;
    }
  }

  /* one snapshot of the source, one transaction on the destination */
  if((rc = b_exec(x, &src, src.is_pg ? "BEGIN ISOLATION LEVEL REPEATABLE "
                  "READ READ ONLY" : "BEGIN")))
    goto out;
  src_txn = 1;
  if((rc = b_exec(x, &dst, dst.is_pg ? "BEGIN" : "BEGIN IMMEDIATE")))
    goto out;
  dst_txn = 1;
  if(dst.is_pg && !have) {
    if((rc = pg_create_tables(x, &dst, &m)))
      goto out;
    created_pg = 1;
  }
  if(dst.is_pg && (rc = pg_exec(x, &dst, "LOCK TABLE case_meta IN ACCESS "
                                "EXCLUSIVE MODE")))
    goto out;
  /* a destination with rows is refused unless replace: case_meta (a new
  ** SQLite case has its own) does not count */
  for(i = 0; i < m.nt; i++) {
    char q[200];
    if(!strcmp(m.t[i].name, "case_meta"))
      continue;
    snprintf(q, sizeof(q), "SELECT count(*) FROM (SELECT 1 FROM \"%s\" "
             "LIMIT 1) AS x", m.t[i].name);
    if((rc = b_int(x, &dst, q, &v)))
      goto out;
    if(v && !o->replace) {
      rc = fail(x, TL_EXISTS, "%s: the destination holds a case (table %s "
                "has rows); --replace empties it first", dst.name,
                m.t[i].name);
      goto out;
    }
  }
  for(i = 0; i < m.nt; i++) {
    char q[200];
    snprintf(q, sizeof(q), "DELETE FROM \"%s\"", m.t[i].name);
    if((rc = b_exec(x, &dst, q)))
      goto out;
  }

  t0 = Tl_mono_s();
  res->n_rows = 0;
  for(i = 0; i < m.nt; i++) {
    uint64_t n = 0;
    if((rc = copy_table(x, &src, &dst, &m.t[i], &n)))
      goto out;
    res->n_rows += n;
  }
  if(dst.is_pg && (rc = pg_create_indexes(x, &dst, &m)))
    goto out;
  if(dst.is_pg && created_pg && (rc = pg_exec(x, &dst, "ANALYZE")))
    goto out;
  t1 = Tl_mono_s();
  res->copy_s = t1 - t0;

  /* the check, before the commit */
  for(i = 0; i < m.nt; i++) {
    uint64_t ns, nd;
    char hs[65], hd[65];
    if((rc = table_hash(x, &src, &m.t[i], &ns, hs)) ||
       (rc = table_hash(x, &dst, &m.t[i], &nd, hd)))
      goto out;
    if(ns != nd || strcmp(hs, hd)) {
      rc = fail(x, TL_FAILED, "table %s differs after the copy:"
                " %s has %llu rows (sha256 %.16s...), %s has %llu rows "
                "(sha256 %.16s...); nothing was kept", m.t[i].name,
                src.name, (unsigned long long)ns, hs, dst.name,
                (unsigned long long)nd, hd);
      goto out;
    }
    if((rc = report(x, o->report, "%s\t%llu\t%s\n", m.t[i].name,
                    (unsigned long long)ns, hs)))
      goto out;
  }
  {
    uint64_t nq = 0;
    if((rc = copy_queue(x, &src, &dst, o, &nq)))
      goto out;
    res->n_rows += nq;
  }
  res->check_s = Tl_mono_s() - t1;
  res->n_tables = (uint32_t)m.nt;
  if((rc = b_exec(x, &dst, "COMMIT")))
    goto out;
  dst_txn = 0;
out:
  /* the end of a transaction that failed or only read: not an error */
  if(dst_txn)
    b_end(&dst, "ROLLBACK");
  if(src_txn)
    b_end(&src, src.is_pg ? "ROLLBACK" : "COMMIT");
  b_close(&src);
  b_close(&dst);
  model_free(&m);
  return x->rc;
}

tl_rc
tl_case_copy(const char *src, const char *dst,
             const struct tl_copy_opts *opts, struct tl_copy_result *result,
             const char **errmsg)
{
  struct tl_copy_opts o;
  struct tl_copy_result res;
  cpx x;
  tl_rc rc;

  memset(&x, 0, sizeof(x));
  memset(&res, 0, sizeof(res));
  res.struct_size = sizeof(res);
  copy_err[0] = 0;
  if(errmsg)
    *errmsg = copy_err;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  if(opts && (rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t)))) {
    snprintf(copy_err, sizeof(copy_err), "bad options");
    return rc;
  }
  if(!src || !dst || !*src || !*dst) {
    snprintf(copy_err, sizeof(copy_err), "a source and a "
             "destination are needed");
    return TL_USAGE;
  }
  if(!strcmp(src, dst)) {
    snprintf(copy_err, sizeof(copy_err), "the source and the "
             "destination are the same");
    return TL_USAGE;
  }
  if(o.report && !Tl_sink_ok(o.report)) {
    snprintf(copy_err, sizeof(copy_err), "bad report sink");
    return TL_USAGE;
  }
  x.cancel = o.cancel;
  rc = do_copy(&x, src, dst, &o, &res);
  if(rc)
    snprintf(copy_err, sizeof(copy_err), "%s", x.msg);
  if(result && Tl_result_ok(result))
    Tl_result_out(result, &res, sizeof(res));
  return rc;
}


/* ---- for the work queue (ingest/pgqueue.c) ---- */

static tl_rc
err_out(cpx *x, char *err, size_t n)
{
  if(x->rc && err && n)
    snprintf(err, n, "%s", x->msg);
  return x->rc;
}

tl_rc
Tl_pg_connect(const char *uri, struct pg_conn **out, char *err, size_t n)
{
  cpx x;
  backend b;
  memset(&x, 0, sizeof(x));
  *out = NULL;
  if(!tl_case_is_uri(uri)) {
    snprintf(err, n, "%s: not a PostgreSQL URI (postgresql://...)", uri);
    return TL_USAGE;
  }
  if(b_open(&x, &b, uri, 1)) {
    b_close(&b);
    return err_out(&x, err, n);
  }
  *out = b.pg;
  return TL_OK;
}

tl_rc
Tl_pg_case_prepare(struct pg_conn *pg, const char *name, const char *extra,
                   char *err, size_t n)
{
  cpx x;
  model m;
  backend b;
  int have;
  memset(&x, 0, sizeof(x));
  memset(&b, 0, sizeof(b));
  b.is_pg = 1;
  b.pg = pg;
  snprintf(b.name, sizeof(b.name), "%s", name);
  if(model_build(&x, &m))
    return err_out(&x, err, n);
  if(!pg_exec(&x, &b, "BEGIN") &&
     !pg_exec(&x, &b, "SELECT pg_advisory_xact_lock(1953260385)") &&
     !b_check_schema(&x, &b, &m, &have) &&
     (have || (!pg_create_tables(&x, &b, &m) &&
               !pg_create_indexes(&x, &b, &m) &&
               !pg_exec(&x, &b, "INSERT INTO case_meta VALUES"
                        "('schema_version', '4'), ('created_by', "
                        "'touchline " TL_VERSION "'), ('time_representation',"
                        " 'int64 ns since 1970-01-01T00:00:00Z')")))) {
    if(extra)
      pg_exec(&x, &b, extra);
    if(!x.rc && have)
      pg_exec(&x, &b, pg_unc_index_ensure);
    if(!x.rc)
      pg_exec(&x, &b, "COMMIT");
  }
  if(x.rc)
    b_end(&b, "ROLLBACK");
  model_free(&m);
  return err_out(&x, err, n);
}

tl_rc
Tl_pg_copy_select(struct pg_conn *pg, const char *name, sqlite3 *db,
                  const char *table, const char *select, uint64_t *rows,
                  char *err, size_t n)
{
  cpx x;
  model m;
  backend src, dst;
  const mtable *t;
  memset(&x, 0, sizeof(x));
  memset(&src, 0, sizeof(src));
  memset(&dst, 0, sizeof(dst));
  *rows = 0;
  src.db = db;
  snprintf(src.name, sizeof(src.name), "the staging case");
  dst.is_pg = 1;
  dst.pg = pg;
  snprintf(dst.name, sizeof(dst.name), "%s", name);
  if(model_build(&x, &m))
    return err_out(&x, err, n);
  if(!(t = model_table(&m, table)))
    fail(&x, TL_FAILED, "table %s is not in schema version %d", table,
         TL_SCHEMA_VERSION);
  else
    copy_rows(&x, &src, &dst, t, select, rows);
  model_free(&m);
  return err_out(&x, err, n);
}

/* ---- rows out of the case into a SQLite database: for the writers
** (ingest/pgqueue.c: the register pulled into a staging case, the register
** commands' temporary case) and the readers (store/pgread.c: the reading
** cache) ---- */

tl_rc
Tl_pg_pull(struct pg_conn *pg, const char *name, sqlite3 *db,
           const char *table, const char *where, uint64_t *rows, char *err,
           size_t n)
{
  cpx x;
  model m;
  backend src, dst;
  const mtable *t;
  buf sel = {NULL, 0, 0};
  memset(&x, 0, sizeof(x));
  memset(&src, 0, sizeof(src));
  memset(&dst, 0, sizeof(dst));
  *rows = 0;
  src.is_pg = 1;
  src.pg = pg;
  snprintf(src.name, sizeof(src.name), "%s", name);
  dst.db = db;
  snprintf(dst.name, sizeof(dst.name), "the local SQLite database");
  if(model_build(&x, &m))
    return err_out(&x, err, n);
  if(!(t = model_table(&m, table)))
    fail(&x, TL_FAILED, "table %s is not in schema version %d", table,
         TL_SCHEMA_VERSION);
  else if(select_sql(&sel, t, 1, 0) ||
          (where && b_fmt(&sel, " WHERE %s", where)))
    fail(&x, TL_NOMEM, "out of memory");
  else
    copy_rows(&x, &src, &dst, t, sel.p, rows);
  free(sel.p);
  model_free(&m);
  return err_out(&x, err, n);
}

/* ---- for reading a PostgreSQL case (store/pgread.c, issue 13) ---- */

tl_rc
Tl_pg_case_check(struct pg_conn *pg, const char *name, char *err, size_t n)
{
  cpx x;
  model m;
  backend b;
  int have = 0;
  memset(&x, 0, sizeof(x));
  memset(&b, 0, sizeof(b));
  b.is_pg = 1;
  b.pg = pg;
  snprintf(b.name, sizeof(b.name), "%s", name);
  if(model_build(&x, &m))
    return err_out(&x, err, n);
  if(!b_check_schema(&x, &b, &m, &have) && !have)
    fail(&x, TL_FAILED, "%s: not a touchline case (the database has no "
         "case schema)", name);
  /* its version marker, as a SQLite case's: a newer case is refused in
  ** SQLite's words (pgartifacts.c: upgrade) */
  if(!x.rc) {
    int64_t v = 0;
    if(!b_int(&x, &b, "SELECT (SELECT value FROM case_meta WHERE key = "
              "'schema_version')::bigint", &v) && v != TL_SCHEMA_VERSION)
      fail(&x, v > TL_SCHEMA_VERSION ? TL_ABI : TL_FAILED, v >
           TL_SCHEMA_VERSION ? "%s: case schema version %lld is newer than "
           "this touchline (%d); upgrade touchline" : "%s: case schema "
           "version %lld: PostgreSQL cases are made at version %d (a "
           "damaged case?)", name, (long long)v, TL_SCHEMA_VERSION);
  }
  model_free(&m);
  return err_out(&x, err, n);
}

typedef struct {
  Tl_pg_row_fn fn;
  void *ctx;
  buf z;                    /* the row's values, each NUL-terminated */
} scanx;

static tl_rc
scan_row(cpx *x, void *ctx, const fld *f, int n)
{
  scanx *s = ctx;
  Tl_pgfld g[64];
  size_t off[64];
  int j;
  s->z.n = 0;
  for(j = 0; j < n; j++) {
    off[j] = s->z.n;
    if(b_add(&s->z, f[j].p, f[j].len) || b_add(&s->z, "", 1))
      return fail(x, TL_NOMEM, "out of memory");
  }
  for(j = 0; j < n; j++) {
    g[j].p = s->z.p + off[j];
    g[j].len = f[j].len;
    g[j].null = f[j].null;
  }
  if(s->fn(s->ctx, g, n))
    return fail(x, TL_STOP, "stopped");
  return TL_OK;
}

tl_rc
Tl_pg_scan(struct pg_conn *pg, const char *name, const char *select,
           const char *types, Tl_pg_row_fn fn, void *ctx, char *err,
           size_t n)
{
  cpx x;
  backend b;
  mcol col[64];
  mtable t;
  scanx s;
  int j, nc = (int)strlen(types);
  memset(&x, 0, sizeof(x));
  memset(&b, 0, sizeof(b));
  if(nc > 64)
    return TL_USAGE;
  b.is_pg = 1;
  b.pg = pg;
  snprintf(b.name, sizeof(b.name), "%s", name);
  memset(col, 0, sizeof(col));
  for(j = 0; j < nc; j++) {
    col[j].name = (char *)"value";
    col[j].type = types[j];
  }
  t.name = (char *)"query";
  t.col = col;
  t.ncol = nc;
  memset(&s, 0, sizeof(s));
  s.fn = fn;
  s.ctx = ctx;
  b_scan(&x, &b, &t, select, scan_row, &s);
  free(s.z.p);
  return err_out(&x, err, n);
}

tl_rc
Tl_pg_command(struct pg_conn *pg, const char *name, const char *sql,
              char *err, size_t n)
{
  cpx x;
  backend b;
  memset(&x, 0, sizeof(x));
  memset(&b, 0, sizeof(b));
  b.is_pg = 1;
  b.pg = pg;
  snprintf(b.name, sizeof(b.name), "%s", name);
  pg_exec(&x, &b, sql);
  return err_out(&x, err, n);
}

void
Tl_pg_finish(struct pg_conn *pg)
{
  if(pg)
    PQfinish(pg);
}

#endif /* HAVE_LIBPQ */
