/*
** Target matching: every target row against every object, in one pass
** over the objects, with hash maps for exact paths and names and with globs
** grouped by the directory they are anchored in.
**
** A row matches by the first criterion it has: path (or path glob), else
** name (or name glob), else content hash. A size, when given, must equal
** for name matches (with a path it is only the registered size: the file
** may have changed since); the evidence and scope columns scope the row
** (a division names the owner, it does not scope: docs/TARGETS.md).
** Directories and NTFS named streams are not targets. Case is ignored on
** case-blind file systems.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/match_int.h"
#include "store/store_int.h"
#include "base/pathglob_int.h"
#include "base/strmap_int.h"

#define PATHMAX 4096

typedef struct target {
  int64_t id;
  char *pattern;     /* normalised path or NULL */
  char *name;
  int64_t size;      /* -1 when not given */
  char *md5, *sha1, *sha256;
  char *scope, *evidence;   /* scope: an evidence label or division */
  int path_glob, name_glob;
  Tl_glob g;         /* compiled path or name glob */
} target;

typedef struct matcher {
  target *t;
  int n;
  Tl_strmap path_exact, path_fold, name_exact, name_fold;
  Tl_strmap glob_dir_exact, glob_dir_fold;  /* anchor dir -> path globs */
  int *name_globs, n_name_globs;
  Tl_strmap hash_sizes;                     /* decimal size -> hash rows */
  int hash_all;                             /* a hash row without size */
  int *hash_rows, n_hash_rows;
  Tl_divmap dm;
} matcher;

static void
matcher_free(matcher *m)
{
  int i;
  for(i = 0; i < m->n; i++) {
    target *t = &m->t[i];
    free(t->pattern);
    free(t->name);
    free(t->md5);
    free(t->sha1);
    free(t->sha256);
    free(t->scope);
    free(t->evidence);
    Tl_glob_free(&t->g);
  }
  free(m->t);
  Tl_divmap_free(&m->dm);
  Tl_strmap_free(&m->path_exact);
  Tl_strmap_free(&m->path_fold);
  Tl_strmap_free(&m->name_exact);
  Tl_strmap_free(&m->name_fold);
  Tl_strmap_free(&m->glob_dir_exact);
  Tl_strmap_free(&m->glob_dir_fold);
  Tl_strmap_free(&m->hash_sizes);
  free(m->name_globs);
  free(m->hash_rows);
}

/* The directory a path glob is anchored in: up to the last slash before its
** first wildcard: "/a/b/x*.pdf" is anchored in "/a/b", "/x/y*" in "/x". */
static void
glob_anchor(const char *pat, char *out, size_t cap)
{
  size_t first = strcspn(pat, "*?"), i, last = 0;
  for(i = 0; i < first; i++)
    if(pat[i] == '/')
      last = i;
  if(last >= cap)
    last = cap - 1;
  memcpy(out, pat, last);
  out[last] = '\0';
}

static int
add_both(Tl_strmap *exact, Tl_strmap *fold, const char *key, int idx)
{
  char f[PATHMAX];
  return Tl_strmap_add(exact, key, idx) ||
         Tl_strmap_add(fold, Tl_fold(key, f, sizeof(f)), idx);
}

static tl_rc
load(tl_case *c, matcher *m)
{
  sqlite3_stmt *s;
  int cap = 0, i, oom = 0, st;
  if(sqlite3_prepare_v2(c->db, "SELECT target_id, pattern, name, "
                        "coalesce(size, -1), md5, sha1, sha256, scope, "
                        "evidence, is_glob FROM target ORDER BY target_id",
                        -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query targets");
  while(!oom && (st = sqlite3_step(s)) == SQLITE_ROW) {
    target *t;
    if(m->n == cap) {
      target *nt = realloc(m->t, sizeof(*nt) * (size_t)(cap = cap * 2 + 64));
      if(!nt) {
        oom = 1;
        break;
      }
      m->t = nt;
    }
    t = &m->t[m->n++];
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(s, 0);
    t->pattern = Tl_col_dup(s, 1, &oom);
    t->name = Tl_col_dup(s, 2, &oom);
    t->size = sqlite3_column_int64(s, 3);
    t->md5 = Tl_col_dup(s, 4, &oom);
    t->sha1 = Tl_col_dup(s, 5, &oom);
    t->sha256 = Tl_col_dup(s, 6, &oom);
    t->scope = Tl_col_dup(s, 7, &oom);
    t->evidence = Tl_col_dup(s, 8, &oom);
    t->path_glob = t->pattern && Tl_is_glob(t->pattern);
    t->name_glob = !t->pattern && t->name && Tl_is_glob(t->name);
    if((t->path_glob || t->name_glob) &&
       Tl_glob_compile(&t->g, t->path_glob ? t->pattern : t->name, 0))
      oom = 1;
  }
  if(!oom && st != SQLITE_DONE) {
    Tl_set_sqlite_error(c, "query targets");
    sqlite3_finalize(s);
    return c->errcode;
  }
  sqlite3_finalize(s);
  if(oom)
    return Tl_set_error(c, TL_NOMEM, "out of memory");

  for(i = 0; i < m->n && !oom; i++) {
    target *t = &m->t[i];
    if(t->pattern && !t->path_glob)
      oom = add_both(&m->path_exact, &m->path_fold, t->pattern, i);
    else if(t->pattern) {
      char a[PATHMAX];
      glob_anchor(t->pattern, a, sizeof(a));
      oom = add_both(&m->glob_dir_exact, &m->glob_dir_fold, a, i);
    }
    else if(t->name && !t->name_glob)
      oom = add_both(&m->name_exact, &m->name_fold, t->name, i);
    else if(t->name) {
      int *ng = realloc(m->name_globs, sizeof(int) *
                        (size_t)(m->n_name_globs + 1));
      if(!ng)
        oom = 1;
      else {
        m->name_globs = ng;
        m->name_globs[m->n_name_globs++] = i;
      }
    }
    else if(t->md5 || t->sha1 || t->sha256) {
      int *hr = realloc(m->hash_rows, sizeof(int) *
                        (size_t)(m->n_hash_rows + 1));
      if(!hr)
        oom = 1;
      else {
        m->hash_rows = hr;
        m->hash_rows[m->n_hash_rows++] = i;
        if(t->size < 0)
          m->hash_all = 1;
        else {
          char k[32];
          snprintf(k, sizeof(k), "%lld", (long long)t->size);
          oom = Tl_strmap_add(&m->hash_sizes, k, i);
        }
      }
    }
  }
  if(oom)
    return Tl_set_error(c, TL_NOMEM, "out of memory");

  return Tl_divmap_load(c, &m->dm);
}

/* SQL: tl_division(label, path, fs_type, evidence_division) */
static void
sql_division(sqlite3_context *ctx, int argc, sqlite3_value **v)
{
  const char *r;
  (void)argc;
  r = Tl_divmap_lookup(sqlite3_user_data(ctx),
                       (const char *)sqlite3_value_text(v[0]),
                       (const char *)sqlite3_value_text(v[1]),
                       (const char *)sqlite3_value_text(v[2]),
                       (const char *)sqlite3_value_text(v[3]));
  if(r)
    sqlite3_result_text(ctx, r, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null(ctx);
}

static void
divmap_destroy(void *p)
{
  Tl_divmap_free(p);
  free(p);
}

tl_rc
Tl_divmap_register(tl_case *c)
{
  Tl_divmap *d = malloc(sizeof(*d));
  tl_rc rc;
  if(!d)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  if((rc = Tl_divmap_load(c, d))) {
    free(d);
    return rc;
  }
  /* the connection owns the map from here, and frees the one before */
  if(sqlite3_create_function_v2(c->db, "tl_division", 4, SQLITE_UTF8, d,
                                sql_division, NULL, NULL, divmap_destroy) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "register tl_division");
  return TL_OK;
}

typedef struct pending {
  sqlite3_stmt *ins;
  uint64_t n;
  tl_rc rc;
} pending;

static void
emit(tl_case *c, pending *p, const target *t, int64_t object_id,
     const char *how, int64_t size, const char *label, const char *division)
{
  if(p->rc)
    return;
  /* a size narrows name matches; with a path it is the registered size
  ** of a file that may have changed since */
  if(t->size >= 0 && size != t->size && !strncmp(how, "name", 4))
    return;
  if(t->size >= 0 && size != t->size && !strcmp(how, "alt-name"))
    return;
  if(t->evidence && strcasecmp(t->evidence, label))
    return;
  /* scope: the item's label, or the division the object sits in (share
  ** map, else the item's) */
  if(t->scope && strcasecmp(t->scope, label) &&
     (!division || strcasecmp(t->scope, division)))
    return;
  sqlite3_bind_int64(p->ins, 1, t->id);
  sqlite3_bind_int64(p->ins, 2, object_id);
  sqlite3_bind_text(p->ins, 3, how, -1, SQLITE_STATIC);
  if(sqlite3_step(p->ins) != SQLITE_DONE)
    p->rc = Tl_set_sqlite_error(c, "insert target_match");
  else if(sqlite3_changes(c->db))
    p->n++;
  sqlite3_reset(p->ins);
}

static void
emit_list(tl_case *c, pending *p, const matcher *m,
          const Tl_strmap_ent *e, int64_t oid, const char *how,
          int64_t size, const char *label, const char *div)
{
  int k;
  for(k = 0; e && k < e->n; k++)
    emit(c, p, &m->t[e->vals[k]], oid, how, size, label, div);
}

/* The content hashes exposure's copy detection compares (EXPOSURE.md):
** every file (a folder is no copy) with a creation time and the size of
** an occurrence whose content is known (a hash target, or an occurrence
** already hashed), anywhere in the case, not hashed yet. SQL for SQLite
** and PostgreSQL alike: a PostgreSQL item copy asks the case the same
** after its commit (ingest/pghash.c). */
const char Tl_copy_candidates_sql[] =
  "SELECT y.object_id FROM object y WHERE y.stream IS NULL AND "
  "coalesce(y.meta_type, y.name_type) <> 'd' AND y.size > 0 AND y.size "
  "IN (SELECT o.size FROM target_match m JOIN object o ON o.object_id = "
  "m.object_id JOIN target t ON t.target_id = m.target_id LEFT JOIN "
  "object_hash h ON h.object_id = o.object_id WHERE o.size > 0 AND (t.sha256 IS NOT NULL OR t.sha1 IS NOT NULL OR "
  "t.md5 IS NOT NULL OR h.sha256 IS NOT NULL)) AND NOT EXISTS (SELECT "
  "1 FROM object_hash h2 WHERE h2.object_id = y.object_id) AND EXISTS "
  "(SELECT 1 FROM event b WHERE b.object_id = y.object_id AND "
  "substr(b.macb, 4, 1) = 'b')";

/* Those hashed. Computed here, where matching writes the case, so that
** exposure only reads. */
static tl_rc
hash_copy_candidates(tl_case *c, uint64_t *n_hashed, Tl_hash_left *left)
{
  sqlite3_stmt *s;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  tl_rc rc;
  int st;
  if(sqlite3_prepare_v2(c->db, Tl_copy_candidates_sql, -1, &s, NULL) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  while((st = sqlite3_step(s)) == SQLITE_ROW) {
    if(n == cap) {
      int64_t *ni = realloc(ids, sizeof(*ni) * (cap = cap * 2 + 64));
      if(!ni) {
        free(ids);
        sqlite3_finalize(s);
        return Tl_set_error(c, TL_NOMEM, "out of memory");
      }
      ids = ni;
    }
    ids[n++] = sqlite3_column_int64(s, 0);
  }
  /* an error has rolled the caller's transaction back: say so, or its
  ** later statements would commit one by one */
  if(st != SQLITE_DONE) {
    rc = Tl_set_sqlite_error(c, "query copy candidates");
    sqlite3_finalize(s);
    free(ids);
    return rc;
  }
  sqlite3_finalize(s);
  rc = Tl_hash_objects(c, ids, n, n_hashed, left);
  free(ids);
  return rc;
}

void
Tl_hash_left_msg(const Tl_hash_left *left, const char *case_name,
                 char *msg, size_t n)
{
  snprintf(msg, n, "%llu file(s) of the case that may match a hash target "
           "or be a copy were not hashed: %.600s; `touchline targets "
           "%.400s match` hashes them once the image can be read",
           (unsigned long long)left->n, left->why, case_name);
}

tl_rc
Tl_match_run(tl_case *c, int64_t evidence_id, uint64_t *n_matches,
             uint64_t *n_hashed, Tl_hash_left *left)
{
  matcher m;
  pending p;
  sqlite3_stmt *s = NULL, *fn = NULL;
  int64_t *cand = NULL;
  size_t n_cand = 0, cap_cand = 0;
  int st = SQLITE_DONE;
  tl_rc rc;

  memset(&m, 0, sizeof(m));
  memset(&p, 0, sizeof(p));
  if((rc = load(c, &m)))
    goto out;
  if(evidence_id) {
    sqlite3_stmt *d;
    if(sqlite3_prepare_v2(c->db, "DELETE FROM target_match WHERE object_id "
                          "IN (SELECT object_id FROM object WHERE "
                          "evidence_id=?)", -1, &d, NULL) != SQLITE_OK) {
      rc = Tl_set_sqlite_error(c, "delete");
      goto out;
    }
    sqlite3_bind_int64(d, 1, evidence_id);
    if(sqlite3_step(d) != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "delete target_match");
      sqlite3_finalize(d);
      goto out;
    }
    sqlite3_finalize(d);
  }
  else if((rc = Tl_exec(c, "DELETE FROM target_match")))
    goto out;
  if(!m.n)
    goto out;

  if(sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO target_match VALUES"
                        "(?,?,?)", -1, &p.ins, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT name FROM ntfs_filename WHERE "
                        "object_id=?", -1, &fn, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT o.object_id, o.path, o.name, "
                        "coalesce(o.size, -1), f.fs_type, e.label, "
                        "e.division FROM object o JOIN filesystem f "
                        "USING(fs_id) JOIN evidence e ON e.evidence_id = "
                        "o.evidence_id WHERE (?1 = 0 OR o.evidence_id = ?1)"
                        " AND o.stream IS NULL AND coalesce(o.meta_type, "
                        "o.name_type) <> 'd'", -1, &s, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  sqlite3_bind_int64(s, 1, evidence_id);
  /* a step that fails ends the scan with an error, never with a partial
  ** match reported as complete */
  while(!p.rc && (st = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t oid = sqlite3_column_int64(s, 0);
    const char *path = (const char *)sqlite3_column_text(s, 1);
    const char *name = (const char *)sqlite3_column_text(s, 2);
    int64_t size = sqlite3_column_int64(s, 3);
    const char *fs_type = (const char *)sqlite3_column_text(s, 4);
    int fold = Tl_fs_case_blind(fs_type);
    const char *label = (const char *)sqlite3_column_text(s, 5);
    const char *div = Tl_divmap_lookup(&m.dm, label, path, fs_type,
                                       (const char *)sqlite3_column_text(s,
                                                                         6));
    char fp[PATHMAX], fnm[1024], dir[PATHMAX];
    const char *kp = fold ? Tl_fold(path, fp, sizeof(fp)) : path;
    const char *kn = fold ? Tl_fold(name, fnm, sizeof(fnm)) : name;
    size_t dl;
    int k;

    emit_list(c, &p, &m, Tl_strmap_get(fold ? &m.path_fold :
                                        &m.path_exact, kp),
              oid, "path", size, label, div);
    /* globs anchored in any ancestor directory */
    snprintf(dir, sizeof(dir), "%s", kp);
    for(dl = strlen(dir); ; ) {
      const Tl_strmap_ent *e;
      while(dl > 0 && dir[dl - 1] != '/')
        dl--;
      if(dl == 0)
        break;
      dir[--dl] = '\0';
      e = Tl_strmap_get(fold ? &m.glob_dir_fold : &m.glob_dir_exact, dir);
      for(k = 0; e && k < e->n; k++) {
        target *t = &m.t[e->vals[k]];
        if(Tl_glob_exec(&t->g, path, strlen(path), fold))
          emit(c, &p, t, oid, "glob", size, label, div);
      }
    }
    emit_list(c, &p, &m, Tl_strmap_get(fold ? &m.name_fold :
                                        &m.name_exact, kn),
              oid, "name", size, label, div);
    for(k = 0; k < m.n_name_globs; k++) {
      target *t = &m.t[m.name_globs[k]];
      if(Tl_glob_exec(&t->g, name, strlen(name), fold))
        emit(c, &p, t, oid, "name-glob", size, label, div);
    }
    /* other names of the same MFT entry: hard links, DOS 8.3 names */
    if(m.name_exact.n) {
      int fst;
      sqlite3_bind_int64(fn, 1, oid);
      while((fst = sqlite3_step(fn)) == SQLITE_ROW) {
        const char *alt = (const char *)sqlite3_column_text(fn, 0);
        char fa[1024];
        if(!alt || !strcmp(alt, name))
          continue;
        emit_list(c, &p, &m, Tl_strmap_get(fold ? &m.name_fold :
                                            &m.name_exact,
                                            fold ? Tl_fold(alt, fa,
                                                           sizeof(fa)) : alt),
                  oid, "alt-name", size, label, div);
      }
      if(fst != SQLITE_DONE && !p.rc)
        p.rc = Tl_set_sqlite_error(c, "query ntfs_filename");
      sqlite3_reset(fn);
    }
    /* candidates for hash rows: same size, or any file when a hash row
    ** has no size */
    if(m.n_hash_rows && size > 0) {
      char k2[32];
      snprintf(k2, sizeof(k2), "%lld", (long long)size);
      if(m.hash_all || Tl_strmap_get(&m.hash_sizes, k2)) {
        if(n_cand == cap_cand) {
          int64_t *nc = realloc(cand, sizeof(*nc) *
                                (cap_cand = cap_cand * 2 + 256));
          if(!nc) {
            rc = Tl_set_error(c, TL_NOMEM, "out of memory");
            goto out;
          }
          cand = nc;
        }
        cand[n_cand++] = oid;
      }
    }
  }
  if((rc = p.rc))
    goto out;
  if(st != SQLITE_DONE) {
    rc = Tl_set_sqlite_error(c, "query objects");
    goto out;
  }
  sqlite3_finalize(s);
  s = NULL;

  if(n_cand) {
    int k;
    if((rc = Tl_hash_objects(c, cand, n_cand, n_hashed, left)))
      goto out;
    /* content matches, scoped like the others */
    for(k = 0; k < m.n_hash_rows && !p.rc; k++) {
      const target *t = &m.t[m.hash_rows[k]];
      if(sqlite3_prepare_v2(c->db, "SELECT o.object_id, coalesce(o.size, "
                            "-1), e.label, e.division, o.path, f.fs_type, "
                            "CASE WHEN ?1 IS NOT NULL AND h.sha256 = ?1 "
                            "THEN 'sha256' WHEN ?2 IS NOT NULL AND h.sha1 = "
                            "?2 THEN 'sha1' ELSE 'md5' END FROM object_hash "
                            "h JOIN object o USING(object_id) JOIN "
                            "filesystem f USING(fs_id) JOIN evidence e ON "
                            "e.evidence_id=o.evidence_id WHERE (?4 = 0 OR "
                            "o.evidence_id = ?4) AND ((?1 IS NOT NULL AND "
                            "h.sha256 = ?1) OR (?2 IS NOT NULL AND h.sha1 = "
                            "?2) OR (?3 IS NOT NULL AND h.md5 = ?3))", -1, &s,
                            NULL) != SQLITE_OK) {
        rc = Tl_set_sqlite_error(c, "prepare");
        goto out;
      }
      Tl_bind_text(s, 1, t->sha256);
      Tl_bind_text(s, 2, t->sha1);
      Tl_bind_text(s, 3, t->md5);
      sqlite3_bind_int64(s, 4, evidence_id);
      while(!p.rc && (st = sqlite3_step(s)) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(s, 2);
        emit(c, &p, t, sqlite3_column_int64(s, 0),
             (const char *)sqlite3_column_text(s, 6),
             sqlite3_column_int64(s, 1), label,
             Tl_divmap_lookup(&m.dm, label,
                              (const char *)sqlite3_column_text(s, 4),
                              (const char *)sqlite3_column_text(s, 5),
                              (const char *)sqlite3_column_text(s, 3)));
      }
      if(!p.rc && st != SQLITE_DONE)
        p.rc = Tl_set_sqlite_error(c, "query object_hash");
      sqlite3_finalize(s);
      s = NULL;
    }
    rc = p.rc;
  }
  if(!rc)
    rc = hash_copy_candidates(c, n_hashed, left);
out:
  *n_matches += p.n;
  sqlite3_finalize(s);
  sqlite3_finalize(fn);
  sqlite3_finalize(p.ins);
  free(cand);
  matcher_free(&m);
  return rc;
}
