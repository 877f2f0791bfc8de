/*
** Coverage of the target register: why each target that matches no file
** was not found (docs/TARGETS.md, "Coverage"). A silent miss is the worst
** error here: a partner whose file was read is never told. So every
** target without a match gets one reason, the first that applies:
**
**   scope-not-in-case      its evidence or scope column names an evidence
**                          label or division that the case does not hold
**   outside-scope          the file (that path; or that name, and size)
**                          exists, but only in items outside its scope
**   size-matches-no-file   a hash-only row whose size no file has
**   content-not-hashed     a hash-only row, and files of its size (any
**                          size when it gives none) have no content hash:
**                          their item's image could not be opened when
**                          they were to be hashed, or reading them failed;
**                          the target may be among them
**   folder-exists          a path whose folder exists (in an item in its
**                          scope) but the file does not: a hint of
**                          deletion, with the folder's last modification
**   not-on-evidence        none of the above: no evidence item holds it
**
** Results go to TEMP table x_cover (coverage_int.h); the case is only
** read, so readers (exposure, targets stats) can use it.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/coverage_int.h"
#include "analysis/match_int.h"
#include "store/store_int.h"
#include "base/names_int.h"
#include "base/pathglob_int.h"
#include "base/timeconv_int.h"

const char *const Tl_cover_reasons[TL_N_COVER_REASONS] = {
  "scope-not-in-case", "outside-scope", "size-matches-no-file",
  "content-not-hashed", "folder-exists", "not-on-evidence"
};

static const char cover_ddl[] =
  TL_X_COVER_DDL
  /* every target that matches nothing starts as not-on-evidence */
  "INSERT INTO x_cover(target_id, reason, detail) SELECT t.target_id, "
  "'not-on-evidence', CASE WHEN (SELECT count(*) FROM evidence) = 0 THEN "
  "'the case holds no evidence item yet' WHEN t.evidence IS NULL AND "
  "t.scope IS NULL THEN 'no file on any evidence item matches it' ELSE "
  "'no file in its scope (' || coalesce('evidence ' || t.evidence, '') || "
  "CASE WHEN t.evidence IS NOT NULL AND t.scope IS NOT NULL THEN ', ' ELSE "
  "'' END || coalesce('scope ' || t.scope, '') || ') matches it' END FROM "
  "target t WHERE NOT EXISTS (SELECT 1 FROM target_match m WHERE "
  "m.target_id = t.target_id);"
  /* scoped to an item label the case does not hold */
  "UPDATE x_cover SET reason = 'scope-not-in-case', scope = t.evidence, "
  "detail = 'scoped to evidence ''' || t.evidence || ''', which no "
  "evidence item is labelled' FROM target t WHERE t.target_id = "
  "x_cover.target_id AND t.evidence IS NOT NULL AND NOT EXISTS (SELECT 1 "
  "FROM evidence e WHERE e.label = t.evidence COLLATE NOCASE);"
  /* scoped to a label or division that nothing names */
  "UPDATE x_cover SET reason = 'scope-not-in-case', scope = t.scope, "
  "detail = 'scoped to ''' || t.scope || ''', which no evidence item or "
  "share map names' FROM target t WHERE t.target_id = x_cover.target_id "
  "AND x_cover.reason = 'not-on-evidence' AND t.scope IS NOT NULL AND NOT "
  "EXISTS (SELECT 1 FROM evidence e WHERE e.label = t.scope COLLATE NOCASE"
  " OR e.division = t.scope COLLATE NOCASE) AND NOT EXISTS (SELECT 1 FROM "
  "division_map d WHERE d.division = t.scope COLLATE NOCASE);"
  /* hash-only rows whose size no file has (one scan of the objects) */
  "UPDATE x_cover SET reason = 'size-matches-no-file', detail = 'no file "
  "has the registered size, ' || t.size || ' bytes' FROM target t WHERE "
  "t.target_id = x_cover.target_id AND x_cover.reason = 'not-on-evidence'"
  " AND t.path IS NULL AND t.name IS NULL AND t.size IS NOT NULL AND "
  "t.size NOT IN (SELECT o.size FROM object o WHERE o.stream IS NULL AND "
  "o.size IN (SELECT size FROM target WHERE path IS NULL AND name IS NULL"
  " AND size IS NOT NULL));"
  /* hash-only rows that files of unknown content may be: the candidates
  ** matching hashes (match.c: files, not folders or streams, of the row's
  ** size or any size) without a hash, or whose read failed */
  "UPDATE x_cover SET reason = 'content-not-hashed', detail = (SELECT "
  "count(*) FROM object o LEFT JOIN object_hash h USING(object_id) WHERE "
  "o.stream IS NULL AND coalesce(o.meta_type, o.name_type) <> 'd' AND "
  "o.size > 0 AND (t.size IS NULL OR o.size = t.size) AND (h.object_id IS "
  "NULL OR h.error IS NOT NULL)) || ' file(s) ' || CASE WHEN t.size IS "
  "NULL THEN 'in the case' ELSE 'of its size' END || ' could not be "
  "hashed (an image not at hand, or a failed read): it may be one of "
  "them; `touchline targets CASE match` hashes them once their image can "
  "be read' FROM target t WHERE t.target_id = x_cover.target_id AND "
  "x_cover.reason = 'not-on-evidence' AND t.path IS NULL AND t.name IS "
  "NULL AND (t.md5 IS NOT NULL OR t.sha1 IS NOT NULL OR t.sha256 IS NOT "
  "NULL) AND EXISTS (SELECT 1 FROM object o LEFT JOIN object_hash h "
  "USING(object_id) WHERE o.stream IS NULL AND coalesce(o.meta_type, "
  "o.name_type) <> 'd' AND o.size > 0 AND (t.size IS NULL OR o.size = "
  "t.size) AND (h.object_id IS NULL OR h.error IS NOT NULL));";

/* One integer from sql (0 on any error: used for wording only). */
static int64_t
count_of(tl_case *c, const char *sql)
{
  sqlite3_stmt *s;
  int64_t n = 0;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) == SQLITE_OK &&
     sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

/* The folder of a normalised path: "/a/b/c.pdf" -> "/a/b" and its name
** "b"; 0 when the file is at the root (whose folder always exists). */
static int
folder_of(const char *path, char *dir, size_t cap, const char **name)
{
  const char *slash = strrchr(path, '/');
  size_t n;
  if(!slash || slash == path)
    return 0;
  n = (size_t)(slash - path);
  if(n >= cap)
    return 0;
  memcpy(dir, path, n);
  dir[n] = '\0';
  *name = strrchr(dir, '/') + 1;
  return **name != '\0';
}

/* Is an item (label, location division div) inside the row's scope? */
static int
in_scope(const char *ev, const char *scope, const char *label,
         const char *div)
{
  if(ev && strcasecmp(ev, label))
    return 0;
  return !scope || !strcasecmp(scope, label) ||
         (div && !strcasecmp(scope, div));
}

/* Objects named name (case-blind index; the caller compares exactly):
** label, path, fs_type, item division, size, last modification (not
** $FN). dirs: folders only, else files only. */
#define BY_NAME_SQL(kind) \
  "SELECT e.label, o.path, f.fs_type, e.division, o.size, (SELECT " \
  "max(ev.t_ns) FROM event ev WHERE ev.object_id = o.object_id AND " \
  "ev.source <> '$FN' AND substr(ev.macb, 1, 1) = 'm') FROM object o " \
  "JOIN evidence e ON e.evidence_id = o.evidence_id JOIN filesystem f ON " \
  "f.fs_id = o.fs_id WHERE o.name = ?1 COLLATE NOCASE AND o.stream IS " \
  "NULL AND " kind " ORDER BY e.label, o.object_id"

static int
same_path(const char *fs, const char *a, const char *b)
{
  char fa[4096], fb[4096];
  if(Tl_fs_case_blind(fs))
    return !strcmp(Tl_fold(a, fa, sizeof(fa)), Tl_fold(b, fb, sizeof(fb)));
  return !strcmp(a, b);
}

/* Rows still not-on-evidence, for exact paths and names:
**   outside-scope   the file exists, but only in items outside the row's
**                   evidence/scope (path rows: that path; name rows: that
**                   name, and size when given);
**   folder-exists   (path rows) the folder exists in an item in scope,
**                   the file does not: with the folder's last
**                   modification (removing a name modifies the folder). */
static tl_rc
files_and_folders(tl_case *c)
{
  sqlite3_stmt *q = NULL, *d = NULL, *f = NULL, *u = NULL;
  Tl_divmap dm;
  tl_rc rc;
  int st = SQLITE_DONE;

  if((rc = Tl_divmap_load(c, &dm)))
    return rc;
  if(sqlite3_prepare_v2(c->db, "SELECT t.target_id, t.pattern, t.name, "
                        "t.size, t.evidence, t.scope FROM x_cover x JOIN "
                        "target t USING(target_id) WHERE x.reason = "
                        "'not-on-evidence' AND NOT t.is_glob AND "
                        "(t.pattern IS NOT NULL OR t.name IS NOT NULL)", -1,
                        &q, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, BY_NAME_SQL("o.deleted = 0 AND "
                        "coalesce(o.meta_type, o.name_type) = 'd'"), -1, &d,
                        NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, BY_NAME_SQL("coalesce(o.meta_type, "
                        "o.name_type) <> 'd'"), -1, &f, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "UPDATE x_cover SET reason = ?6, "
                        "folder_evidence = ?2, folder_path = ?3, "
                        "folder_modified_ns = ?4, detail = CASE ?6 WHEN "
                        "'outside-scope' THEN 'the file is on ' || ?2 || ' ("
                        "' || ?3 || '), outside the row''s scope (' || ?7 || "
                        "')' ELSE 'its folder ' || ?3 || ' exists on ' || ?2 "
                        "|| CASE WHEN ?4 IS NULL THEN '' ELSE ' (last "
                        "modified ' || ?5 || ')' END || ' but the file does "
                        "not: deleted?' END WHERE target_id = ?1", -1, &u,
                        NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare coverage");
    goto out;
  }
  while(!rc && (st = sqlite3_step(q)) == SQLITE_ROW) {
    const char *pat = (const char *)sqlite3_column_text(q, 1);
    const char *nm = (const char *)sqlite3_column_text(q, 2);
    int has_size = sqlite3_column_type(q, 3) != SQLITE_NULL;
    int64_t size = sqlite3_column_int64(q, 3);
    const char *ev = (const char *)sqlite3_column_text(q, 4);
    const char *scope = (const char *)sqlite3_column_text(q, 5);
    const char *fname = pat ? strrchr(pat, '/') + 1 : nm, *dname = NULL;
    const char *why = NULL;
    char dir[4096], scopes[600];
    int pass, r = SQLITE_DONE;
    snprintf(scopes, sizeof(scopes), "%s%s%s%s%s", ev ? "evidence " : "",
             ev ? ev : "", ev && scope ? ", " : "", scope ? "scope " : "",
             scope ? scope : "");
    /* pass 0: the file outside the scope (only rows with a scope); pass
    ** 1: the folder inside it (only path rows) */
    for(pass = 0; pass < 2 && !why && !rc; pass++) {
      sqlite3_stmt *s = pass ? d : f;
      if(pass == 0 && !ev && !scope)
        continue;
      if(pass == 1 && (!pat || !folder_of(pat, dir, sizeof(dir), &dname)))
        continue;
      sqlite3_bind_text(s, 1, pass ? dname : fname, -1, SQLITE_TRANSIENT);
      while(!why && (r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(s, 0);
        const char *path = (const char *)sqlite3_column_text(s, 1);
        const char *fs = (const char *)sqlite3_column_text(s, 2);
        const char *div = Tl_divmap_lookup(&dm, label, path, fs,
                                           (const char *)
                                           sqlite3_column_text(s, 3));
        char when[48];
        int inside = in_scope(ev, scope, label, div);
        if(pass == 0 && (inside || (pat ? !same_path(fs, path, pat) :
                                    (has_size && sqlite3_column_int64(s, 4)
                                     != size))))
          continue;
        if(pass == 1 && (!inside || !same_path(fs, path, dir)))
          continue;
        why = pass ? "folder-exists" : "outside-scope";
        sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
        sqlite3_bind_text(u, 2, label, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(u, 3, path, -1, SQLITE_TRANSIENT);
        if(!pass || sqlite3_column_type(s, 5) == SQLITE_NULL) {
          sqlite3_bind_null(u, 4);
          sqlite3_bind_null(u, 5);
        }
        else {
          sqlite3_bind_int64(u, 4, sqlite3_column_int64(s, 5));
          sqlite3_bind_text(u, 5, Tl_format_ns(sqlite3_column_int64(s, 5),
                                               when, sizeof(when)), -1,
                            SQLITE_TRANSIENT);
        }
        sqlite3_bind_text(u, 6, why, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 7, scopes, -1, SQLITE_TRANSIENT);
        if(sqlite3_step(u) != SQLITE_DONE)
          rc = Tl_set_sqlite_error(c, "update x_cover");
        sqlite3_reset(u);
      }
      if(!rc && !why && r != SQLITE_DONE)
        rc = Tl_set_sqlite_error(c, "query coverage");
      sqlite3_reset(s);
    }
  }
  if(!rc && st != SQLITE_DONE && st != SQLITE_ROW)
    rc = Tl_set_sqlite_error(c, "query coverage");
out:
  sqlite3_finalize(q);
  sqlite3_finalize(d);
  sqlite3_finalize(f);
  sqlite3_finalize(u);
  Tl_divmap_free(&dm);
  return rc;
}

tl_rc
Tl_coverage_compute(tl_case *c)
{
  tl_rc rc;
  if((rc = Tl_exec(c, cover_ddl)))
    return rc;
  return files_and_folders(c);
}

tl_rc
tl_targets_coverage(tl_case *c, void (*warn)(const char *msg, void *ctx),
                    void *ctx)
{
  sqlite3_stmt *s = NULL;
  tl_rc rc;
  int r, in_tx = 0, no_evidence;
  if(!c || c->magic != TL_CASE_MAGIC || !warn)
    return TL_USAGE;
  if(sqlite3_get_autocommit(c->db)) {
    if((rc = Tl_exec(c, "BEGIN")))
      return rc;
    in_tx = 1;
  }
  if((rc = Tl_coverage_compute(c)))
    goto out;
  /* one line per cause; scope per value named, most rows first */
  if(sqlite3_prepare_v2(c->db,
       "SELECT reason, CASE reason WHEN 'scope-not-in-case' THEN x.scope END "
       "AS sc, count(*), min(t.line) FROM x_cover x JOIN target t USING("
       "target_id) GROUP BY 1, 2 ORDER BY " TL_COVER_RANK("reason")
       ", 3 DESC, 2", -1, &s, NULL) !=
     SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "query coverage");
    goto out;
  }
  no_evidence = !count_of(c, "SELECT count(*) FROM evidence");
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *reason = (const char *)sqlite3_column_text(s, 0);
    const char *scope = (const char *)sqlite3_column_text(s, 1);
    long long n = sqlite3_column_int64(s, 2);
    long long line = sqlite3_column_int64(s, 3);
    char msg[600], *vis = NULL;
    const char *rows = n == 1 ? "row" : "rows";
    const char *are = n == 1 ? "is" : "are";
    if(!strcmp(reason, "scope-not-in-case"))
      snprintf(msg, sizeof(msg), "%lld %s %s scoped to '%.200s', which no "
               "evidence item or share map names (first: line %lld); %s "
               "nothing", n, rows, are,
               Tl_visible(scope ? scope : "", &vis), line,
               n == 1 ? "it matches" : "they match");
    else if(!strcmp(reason, "outside-scope"))
      snprintf(msg, sizeof(msg), "%lld %s name%s a file that exists only "
               "outside %s evidence or scope column (first: line %lld)",
               n, rows, n == 1 ? "s" : "", n == 1 ? "its" : "their", line);
    else if(!strcmp(reason, "size-matches-no-file"))
      snprintf(msg, sizeof(msg), "%lld hash %s give%s a size that no file "
               "in the case has (first: line %lld)", n, rows,
               n == 1 ? "s" : "", line);
    else if(!strcmp(reason, "content-not-hashed"))
      snprintf(msg, sizeof(msg), "%lld hash %s may match file(s) whose "
               "content could not be read (an image not at hand, or a "
               "failed read: `targets match` once it can be) (first: line "
               "%lld)", n, rows, line);
    else if(!strcmp(reason, "folder-exists"))
      snprintf(msg, sizeof(msg), "%lld %s name%s a file whose folder exists"
               " but the file does not: deleted? (first: line %lld)", n,
               rows, n == 1 ? "s" : "", line);
    else if(no_evidence)
      snprintf(msg, sizeof(msg), "%lld %s match%s nothing yet: the case "
               "holds no evidence item", n, rows, n == 1 ? "es" : "");
    else
      snprintf(msg, sizeof(msg), "%lld %s match%s no file on any evidence "
               "item (first: line %lld)", n, rows, n == 1 ? "es" : "",
               line);
    free(vis);
    warn(msg, ctx);
  }
  if(r != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "query coverage");
out:
  sqlite3_finalize(s);
  if(in_tx)
    sqlite3_exec(c->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
  return rc;
}
