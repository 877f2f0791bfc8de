/*
** The division map: load, look up, free (store/divmap_int.h). Moved from
** analysis/match.c so that the store's queries (the timeline) use the
** same function as matching and exposure.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/pathglob_int.h"
#include "store/divmap_int.h"
#include "store/store_int.h"

tl_rc
Tl_divmap_load(tl_case *c, Tl_divmap *d)
{
  sqlite3_stmt *s;
  int oom = 0, st = SQLITE_DONE;
  memset(d, 0, sizeof(*d));
  if(sqlite3_prepare_v2(c->db, "SELECT evidence, path_prefix, division FROM "
                        "division_map ORDER BY length(path_prefix) DESC",
                        -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query division_map");
  while(!oom && (st = sqlite3_step(s)) == SQLITE_ROW) {
    Tl_divent *nd = realloc(d->e, sizeof(*nd) * (size_t)(d->n + 1));
    if(!nd) {
      oom = 1;
      break;
    }
    d->e = nd;
    nd[d->n].evidence = Tl_col_dup(s, 0, &oom);
    nd[d->n].prefix = Tl_col_dup(s, 1, &oom);
    nd[d->n].division = Tl_col_dup(s, 2, &oom);
    d->n++;
  }
  if(!oom && st != SQLITE_DONE) {
    Tl_set_sqlite_error(c, "query division_map");
    sqlite3_finalize(s);
    return c->errcode;
  }
  sqlite3_finalize(s);
  return oom ? Tl_set_error(c, TL_NOMEM, "out of memory") : TL_OK;
}

void
Tl_divmap_free(Tl_divmap *d)
{
  int i;
  for(i = 0; i < d->n; i++) {
    free(d->e[i].evidence);
    free(d->e[i].prefix);
    free(d->e[i].division);
  }
  free(d->e);
  memset(d, 0, sizeof(*d));
}

const char *
Tl_divmap_lookup(const Tl_divmap *d, const char *label, const char *path,
                 const char *fs_type, const char *ev_division)
{
  int i, fold = Tl_fs_case_blind(fs_type);
  if(!label || !path)
    return ev_division;
  /* sorted longest prefix first: the first hit is the longest */
  for(i = 0; i < d->n; i++) {
    const Tl_divent *e = &d->e[i];
    if(e->evidence && e->prefix && !strcmp(e->evidence, label) &&
       Tl_path_under(path, e->prefix, fold))
      return e->division;
  }
  return ev_division;
}

