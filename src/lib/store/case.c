/*
** Opening and closing a case database.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static _Thread_local char open_errmsg[1024];

const char *
tl_version(void)
{
  return TL_VERSION;
}

int
tl_version_number(void)
{
  return TL_VERSION_NUMBER;
}

tl_rc
tl_case_open(const char *path, unsigned flags, tl_case **out,
             const char **errmsg)
{
  tl_case *c;
  tl_rc rc;
  int oflags = (flags & TL_OPEN_READONLY) ? SQLITE_OPEN_READONLY :
               (flags & TL_OPEN_CREATE) ?
               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
               SQLITE_OPEN_READWRITE;

  *out = NULL;
  if(errmsg)
    *errmsg = "";
  c = calloc(1, sizeof(*c));
  if(!c || !(c->path = strdup(path))) {
    free(c);
    if(errmsg)
      *errmsg = "out of memory";
    return TL_NOMEM;
  }
  c->magic = TL_CASE_MAGIC;
  c->readonly = (flags & TL_OPEN_READONLY) != 0;
  if(sqlite3_open_v2(path, &c->db, oflags, NULL) != SQLITE_OK) {
    rc = Tl_set_error(c, TL_IO, "%s: cannot open case database: %s", path,
                      c->db ? sqlite3_errmsg(c->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(c->db, 5000);
  sqlite3_extended_result_codes(c->db, 0);
  /* Rollback journal (not WAL): an ingest appends in one big transaction,
  ** and new pages need no journal copy; WAL would write everything twice. */
  /* temp_store stays FILE: building event(t_ns) over millions of rows
  ** sorts more than fits the memory budget; SQLite spills to temp files */
  if((rc = Tl_exec(c, "PRAGMA foreign_keys = OFF;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA cache_size = -65536")))
    goto fail;
  if((rc = Tl_store_init(c)))
    goto fail;
  *out = c;
  return TL_OK;

fail:
  if(errmsg) {
    snprintf(open_errmsg, sizeof(open_errmsg), "%s", c->errmsg);
    *errmsg = open_errmsg;
  }
  tl_case_close(c);
  return rc;
}

void
tl_case_close(tl_case *c)
{
  if(!c || c->magic != TL_CASE_MAGIC)
    return;
  sqlite3_close_v2(c->db);
  free(c->path);
  c->magic = 0;
  free(c);
}
