/*
** Result codes and error state on the case handle (never in globals).
*/
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/case_int.h"

const char *
tl_strerror(tl_rc rc)
{
  switch(rc) {
  case TL_OK: return "no error";
  case TL_WARN: return "completed with warnings";
  case TL_CORRUPT: return "corrupt data";
  case TL_FAILED: return "input cannot be processed";
  case TL_FATAL: return "fatal error";
  case TL_NOMEM: return "out of memory";
  case TL_IO: return "input/output error";
  case TL_UNSUPPORTED: return "unsupported format or feature";
  case TL_ABI: return "version mismatch";
  case TL_STOP: return "stopped";
  case TL_EXISTS: return "already in the case";
  case TL_INTERRUPTED: return "interrupted";
  case TL_USAGE: return "bad argument";
  case TL_E_LAST: break;
  }
  return "unknown error";
}

tl_rc
Tl_set_error(tl_case *c, tl_rc rc, const char *fmt, ...)
{
  va_list ap;
  if(!c)
    return rc;
  c->errcode = rc;
  va_start(ap, fmt);
  vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
  va_end(ap);
  return rc;
}

tl_rc
Tl_set_sqlite_error(tl_case *c, const char *what)
{
  int ec = sqlite3_errcode(c->db);
  tl_rc rc = TL_IO;
  if(ec == SQLITE_NOMEM)
    rc = TL_NOMEM;
  else if(ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB)
    rc = TL_FAILED;
  return Tl_set_error(c, rc, "%s: case database %s: %s", c->path, what,
                      sqlite3_errmsg(c->db));
}

tl_rc
Tl_exec(tl_case *c, const char *sql)
{
  char *err = NULL;
  if(sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
    Tl_set_error(c, TL_IO, "%s: case database: %s", c->path,
                 err ? err : sqlite3_errmsg(c->db));
    sqlite3_free(err);
    return c->errcode;
  }
  return TL_OK;
}

const char *
tl_case_errmsg(tl_case *c)
{
  if(!c || c->magic != TL_CASE_MAGIC)
    return "invalid case handle";
  return c->errmsg;
}

const char *
tl_case_note(tl_case *c)
{
  if(!c || c->magic != TL_CASE_MAGIC)
    return "";
  return c->note;
}

int64_t
Tl_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * TL_NS_PER_SEC + ts.tv_nsec;
}

double
Tl_mono_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
