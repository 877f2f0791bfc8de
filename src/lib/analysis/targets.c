/*
** The target register and the division map: importing them from CSV,
** listing them, and re-running matching.
*/
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv_int.h"
#include "analysis/coverage_int.h"
#include "analysis/match_int.h"
#include "base/abi_int.h"
#include "store/store_int.h"
#include "base/names_int.h"
#include "base/pathglob_int.h"

enum { C_PATH, C_NAME, C_SIZE, C_MD5, C_SHA1, C_SHA256, C_PARTNER,
       C_CLASS, C_DIVISION, C_EVIDENCE, C_NOTE, C_SCOPE, C_N };
static const char *const target_cols[C_N] = {
  "path", "name", "size", "md5", "sha1", "sha256", "partner",
  "classification", "division", "evidence", "note", "scope"
};

static int
is_hex(const char *s, size_t want)
{
  size_t i;
  for(i = 0; s[i]; i++)
    if(!isxdigit((unsigned char)s[i]))
      return 0;
  return i == want;
}

static void
lower(char *s)
{
  for(; *s; s++)
    *s = (char)tolower((unsigned char)*s);
}

/* Map header names to column indexes; -1 when a column is absent. Returns
** NULL, or why the header is unusable. */
static const char *
read_header(Tl_csv *r, const char *const *names, int n_names, int *col)
{
  int i, k;
  static char why[160];
  for(k = 0; k < n_names; k++)
    col[k] = -1;
  for(i = 0; i < r->n; i++) {
    char *h = r->field[i];
    while(*h == ' ')
      h++;
    if(!*h) {
      snprintf(why, sizeof(why), "column %d has no name%s", i + 1,
               i + 1 == r->n && i ? " (a trailing comma?)" : "");
      return why;
    }
    for(k = 0; k < n_names; k++)
      if(!strcasecmp(h, names[k]))
        break;
    if(k == n_names) {
      snprintf(why, sizeof(why), "unknown column '%.60s' (known: see "
               "docs/TARGETS.md)", h);
      return why;
    }
    if(col[k] >= 0) {
      snprintf(why, sizeof(why), "column '%s' given twice", names[k]);
      return why;
    }
    col[k] = i;
  }
  return NULL;
}

static const char *
field(const Tl_csv *r, const int *col, int k)
{
  const char *v;
  if(col[k] < 0 || col[k] >= r->n)
    return NULL;
  v = r->field[col[k]];
  while(*v == ' ')
    v++;
  return *v ? v : NULL;
}

static tl_rc
open_csv(tl_case *c, const char *path, Tl_csv *r)
{
  memset(r, 0, sizeof(*r));
  if(!(r->f = fopen(path, "rb")))
    return Tl_set_error(c, TL_IO, "%s: %s", path, strerror(errno));
  return TL_OK;
}

/* The header line: NULL, or the error set on c. */
static tl_rc
first_record(tl_case *c, const char *path, Tl_csv *r)
{
  int got = Tl_csv_next(r);
  if(got > 0)
    return TL_OK;
  if(got == 0)
    return Tl_set_error(c, TL_FAILED, "%s: %s", path, r->bom ?
                        "holds only a UTF-8 byte order mark: no header "
                        "line" : "empty file: no header line");
  return Tl_set_error(c, TL_FAILED, "%s:%ld: %s", path, r->line, r->error);
}

/* "N fields, the header has M", with a hint for a trailing comma */
static const char *
count_mismatch(const Tl_csv *r, int want, char *buf, size_t cap)
{
  snprintf(buf, cap, "%d fields, the header has %d%s", r->n, want,
           r->n == want + 1 && !r->field[r->n - 1][0] ?
           " (a trailing comma?)" : "");
  return buf;
}

/* A path value: normalised into norm; NULL, or why it is refused. A path
** with "." or ".." is resolved, and said (note). */
static const char *
path_value(const struct tl_import_opts *o, const char *file, long line,
           const char *v, char *norm, size_t cap)
{
  switch(Tl_path_normalize(v, norm, cap)) {
  case 0: return NULL;
  case 1:
    Tl_import_report(o, file, line, "note: '%s' read as '%s' ('.' and '..' "
           "resolved)", v, norm);
    return NULL;
  case -2: return "'..' climbs above the root";
  case -3: return "'..' after a wildcard: write the path without it";
  default: return "path too long";
  }
}

/* The register against the whole case. Files of an item whose image is
** not at hand (moved, archived) are left unhashed, counted and said in
** the handle's note: the rest of the case is still matched. */
static tl_rc
match_all(tl_case *c, struct tl_import_result *res)
{
  Tl_hash_left left = {0, "", NULL, 0};
  tl_rc rc = Tl_match_run(c, 0, &res->n_matches, &res->n_hashed, &left);
  res->n_unhashed = left.n;
  if(!rc && left.n)
    Tl_hash_left_msg(&left, c->path, c->note, sizeof(c->note));
  Tl_hash_left_free(&left);
  return rc;
}

/* The end of an import inside its transaction: refuse it when rows were
** bad (unless skip_bad), else match the register again (it depends on the
** register and on the division map) and commit. */
static tl_rc
finish_import(tl_case *c, const char *csv_path,
              const struct tl_import_opts *o, struct tl_import_result *res)
{
  tl_rc rc;
  if(res->n_bad && !o->skip_bad) {
    rc = Tl_set_error(c, TL_FAILED, "%s: %llu malformed row(s); nothing "
                      "imported (fix them, or --skip-bad to import the %llu"
                      " good rows)", csv_path,
                      (unsigned long long)res->n_bad,
                      (unsigned long long)res->n_imported);
    res->n_imported = 0;
    return rc;
  }
  if((rc = match_all(c, res)))
    return rc;
  return Tl_exec(c, "COMMIT");
}

static tl_rc
targets_import(tl_case *c, const char *csv_path,
            const struct tl_import_opts *o,
            struct tl_import_result *res)
{
  Tl_csv r;
  sqlite3_stmt *ins = NULL;
  int col[C_N], got, k, in_tx = 0;
  const char *why;
  tl_rc rc;

  memset(res, 0, sizeof(*res));
  c->note[0] = '\0';
  if((rc = open_csv(c, csv_path, &r)))
    return rc;
  if((rc = first_record(c, csv_path, &r)))
    goto out;
  if((why = read_header(&r, target_cols, C_N, col))) {
    rc = Tl_set_error(c, TL_FAILED, "%s:1: %s", csv_path, why);
    goto out;
  }
  if(col[C_PATH] < 0 && col[C_NAME] < 0 && col[C_MD5] < 0 &&
     col[C_SHA1] < 0 && col[C_SHA256] < 0) {
    rc = Tl_set_error(c, TL_FAILED, "%s:1: the header needs a path, name, "
                      "md5, sha1 or sha256 column", csv_path);
    goto out;
  }
  if((rc = Tl_begin_write(c, o->wait_s, o->on_wait, o->wait_ctx)))
    goto out;
  in_tx = 1;
  if(!o->append && (rc = Tl_exec(c, "DELETE FROM target_match; "
                                 "DELETE FROM target")))
    goto out;
  if(sqlite3_prepare_v2(c->db, "INSERT INTO target(line, path, name, size, "
                        "md5, sha1, sha256, partner, classification, "
                        "division, evidence, note, pattern, is_glob, scope) "
                        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins,
                        NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  while((got = Tl_csv_next(&r)) != 0) {
    const char *v[C_N], *bad = NULL;
    char hashes[3][65], norm[4096], badbuf[200];
    int blank = 1;
    if(got < 0 && r.fatal) {
      rc = Tl_set_error(c, TL_FAILED, "%s:%ld: %s", csv_path, r.line,
                        r.error);
      goto out;
    }
    if(got < 0) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%s", r.error);
      continue;
    }
    for(k = 0; k < r.n; k++)
      if(r.field[k][0])
        blank = 0;
    if(blank)
      continue;  /* empty lines are not rows */
    res->n_rows++;
    for(k = 0; k < C_N; k++)
      v[k] = field(&r, col, k);
    if(!bad) {
      int ncols = 0;
      for(k = 0; k < C_N; k++)
        if(col[k] >= 0)
          ncols++;
      if(r.n != ncols)
        bad = count_mismatch(&r, ncols, badbuf, sizeof(badbuf));
    }
    if(!bad && !v[C_PATH] && !v[C_NAME] && !v[C_MD5] && !v[C_SHA1] &&
       !v[C_SHA256])
      bad = "needs a path, a name or a hash";
    if(!bad && v[C_MD5] && !is_hex(v[C_MD5], 32))
      bad = "md5 must be 32 hexadecimal digits";
    if(!bad && v[C_SHA1] && !is_hex(v[C_SHA1], 40))
      bad = "sha1 must be 40 hexadecimal digits";
    if(!bad && v[C_SHA256] && !is_hex(v[C_SHA256], 64))
      bad = "sha256 must be 64 hexadecimal digits";
    if(!bad && v[C_SIZE]) {
      const char *p = v[C_SIZE];
      while(*p >= '0' && *p <= '9')
        p++;
      if(*p || strlen(v[C_SIZE]) > 18)
        bad = "size must be a whole number of bytes";
    }
    if(!bad && v[C_NAME] && strpbrk(v[C_NAME], "/\\"))
      bad = "a name has no slashes (put it in the path column)";
    if(!bad && v[C_PATH]) {
      if((bad = path_value(o, csv_path, r.line, v[C_PATH], norm,
                           sizeof(norm))))
        ;
      else if(!strcmp(norm, "/"))
        bad = "the path names no file";
      else if((why = Tl_glob_check(norm))) {
        snprintf(badbuf, sizeof(badbuf), "bad glob: %s", why);
        bad = badbuf;
      }
    }
    if(!bad && v[C_NAME] && (why = Tl_glob_check(v[C_NAME]))) {
      snprintf(badbuf, sizeof(badbuf), "bad glob in name: %s", why);
      bad = badbuf;
    }
    if(bad) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%s", bad);
      continue;
    }
    sqlite3_bind_int64(ins, 1, r.line);
    Tl_bind_text(ins, 2, v[C_PATH]);
    Tl_bind_text(ins, 3, v[C_NAME]);
    Tl_bind_opt_int(ins, 4, v[C_SIZE] != NULL,
                    v[C_SIZE] ? strtoll(v[C_SIZE], NULL, 10) : 0);
    for(k = 0; k < 3; k++) {
      const char *h = v[C_MD5 + k];
      if(h) {
        snprintf(hashes[k], sizeof(hashes[k]), "%s", h);
        lower(hashes[k]);
      }
      Tl_bind_text(ins, 5 + k, h ? hashes[k] : NULL);
    }
    Tl_bind_text(ins, 8, v[C_PARTNER]);
    Tl_bind_text(ins, 9, v[C_CLASS]);
    Tl_bind_text(ins, 10, v[C_DIVISION]);
    Tl_bind_text(ins, 11, v[C_EVIDENCE]);
    Tl_bind_text(ins, 12, v[C_NOTE]);
    Tl_bind_text(ins, 13, v[C_PATH] ? norm : NULL);
    sqlite3_bind_int(ins, 14, (v[C_PATH] && Tl_is_glob(norm)) ||
                     (!v[C_PATH] && v[C_NAME] && Tl_is_glob(v[C_NAME])));
    Tl_bind_text(ins, 15, v[C_SCOPE]);
    if(sqlite3_step(ins) != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "insert target");
      goto out;
    }
    sqlite3_reset(ins);
    res->n_imported++;
  }
  if(!(rc = finish_import(c, csv_path, o, res)))
    in_tx = 0;
out:
  sqlite3_finalize(ins);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  fclose(r.f);
  Tl_csv_free(&r);
  return rc;
}

static tl_rc
divisions_import(tl_case *c, const char *csv_path,
              const struct tl_import_opts *o,
              struct tl_import_result *res)
{
  static const char *const cols[3] = {"evidence", "path_prefix",
                                      "division"};
  Tl_csv r;
  sqlite3_stmt *ins = NULL, *chk = NULL;
  int col[3], got, in_tx = 0;
  const char *why;
  tl_rc rc;

  memset(res, 0, sizeof(*res));
  c->note[0] = '\0';
  if((rc = open_csv(c, csv_path, &r)))
    return rc;
  if((rc = first_record(c, csv_path, &r)))
    goto out;
  if((why = read_header(&r, cols, 3, col)) ||
     col[0] < 0 || col[1] < 0 || col[2] < 0) {
    rc = Tl_set_error(c, TL_FAILED, "%s:1: %s", csv_path, why ? why :
                      "the header needs evidence, path_prefix, division");
    goto out;
  }
  if((rc = Tl_begin_write(c, o->wait_s, o->on_wait, o->wait_ctx)))
    goto out;
  in_tx = 1;
  if(!o->append && (rc = Tl_exec(c, "DELETE FROM division_map")))
    goto out;
  if(sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO division_map VALUES"
                        "(?,?,?,?)", -1, &ins, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT 1 FROM evidence WHERE label=?", -1,
                        &chk, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  while((got = Tl_csv_next(&r)) != 0) {
    const char *ev, *pre, *div, *bad = NULL;
    char norm[4096], badbuf[200];
    if(got < 0 && r.fatal) {
      rc = Tl_set_error(c, TL_FAILED, "%s:%ld: %s", csv_path, r.line,
                        r.error);
      goto out;
    }
    if(got < 0) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%s", r.error);
      continue;
    }
    if(r.n == 1 && !r.field[0][0])
      continue;
    res->n_rows++;
    ev = field(&r, col, 0);
    pre = field(&r, col, 1);
    div = field(&r, col, 2);
    if(r.n != 3)
      bad = count_mismatch(&r, 3, badbuf, sizeof(badbuf));
    else if(!ev || !pre || !div)
      bad = "evidence, path_prefix and division must all be given";
    else if((bad = path_value(o, csv_path, r.line, pre, norm,
                              sizeof(norm))))
      ;
    else if(Tl_is_glob(norm))
      bad = "a path prefix is not a glob";
    else {
      /* an error here has rolled the transaction back: stop, or the rows
      ** after it would each commit on their own */
      int st;
      sqlite3_bind_text(chk, 1, ev, -1, SQLITE_STATIC);
      if((st = sqlite3_step(chk)) == SQLITE_DONE)
        Tl_import_report(o, csv_path, r.line, "note: no evidence labelled '%s' in "
               "the case yet", ev);
      else if(st != SQLITE_ROW) {
        rc = Tl_set_sqlite_error(c, "look up evidence");
        goto out;
      }
      sqlite3_reset(chk);
    }
    if(bad) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%s", bad);
      continue;
    }
    sqlite3_bind_text(ins, 1, ev, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, norm, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, div, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 4, r.line);
    if(sqlite3_step(ins) != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "insert division_map");
      goto out;
    }
    sqlite3_reset(ins);
    res->n_imported++;
  }
  if(!(rc = finish_import(c, csv_path, o, res)))
    in_tx = 0;
out:
  sqlite3_finalize(ins);
  sqlite3_finalize(chk);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  fclose(r.f);
  Tl_csv_free(&r);
  return rc;
}

static tl_rc
case_match(tl_case *c, struct tl_import_result *res)
{
  tl_rc rc;
  memset(res, 0, sizeof(*res));
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->note[0] = '\0';
  if((rc = Tl_begin_write(c, 5, NULL, NULL)))
    return rc;
  if((rc = match_all(c, res)) || (rc = Tl_exec(c, "COMMIT")))
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

static tl_rc
print_query(tl_case *c, FILE *out, const char *sql)
{
  sqlite3_stmt *s;
  int i, n, r;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  n = sqlite3_column_count(s);
  for(i = 0; i < n; i++)
    fprintf(out, "%s%s", i ? "\t" : "", sqlite3_column_name(s, i));
  fputc('\n', out);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    for(i = 0; i < n; i++) {
      char *vis = NULL;
      const char *v = (const char *)sqlite3_column_text(s, i);
      /* names and paths come from evidence: controls made visible */
      fprintf(out, "%s%s", i ? "\t" : "", v ? Tl_visible(v, &vis) : "");
      free(vis);
    }
    fputc('\n', out);
  }
  sqlite3_finalize(s);
  return r == SQLITE_DONE ? TL_OK : Tl_set_sqlite_error(c, "query");
}

static tl_rc
targets_list(tl_case *c, FILE *out)
{
  return print_query(c, out,
    "SELECT t.line, coalesce(t.path, t.name, t.sha256, t.sha1, t.md5) AS "
    "target, t.partner, t.classification, t.division, t.evidence, t.scope, "
    "(SELECT count(*) FROM target_match m WHERE m.target_id=t.target_id) "
    "AS matches FROM target t ORDER BY t.line");
}

static tl_rc
targets_stats(tl_case *c, FILE *out)
{
  tl_rc rc;
  fputs("# register\n", out);
  rc = print_query(c, out,
    "SELECT count(*) AS targets, "
    "sum(path IS NOT NULL AND NOT is_glob) AS by_path, "
    "sum(path IS NOT NULL AND is_glob) AS by_glob, "
    "sum(path IS NULL AND name IS NOT NULL) AS by_name, "
    "sum(path IS NULL AND name IS NULL) AS by_hash, "
    "count(DISTINCT partner) AS partners, "
    "(SELECT count(DISTINCT target_id) FROM target_match) AS found, "
    "(SELECT count(*) FROM target_match) AS occurrences FROM target");
  /* coverage: why the targets that match nothing were not found */
  if(!rc && !(rc = Tl_coverage_compute(c))) {
    fputs("\n# per partner (not found: by cause, docs/TARGETS.md)\n", out);
    rc = print_query(c, out,
      "SELECT coalesce(partner, '(none)') AS partner, count(*) AS targets, "
      "count(*) - count(x.target_id) AS found, count(x.target_id) AS "
      "not_found, count(x.reason = 'scope-not-in-case' OR NULL) AS "
      "scope_not_in_case, count(x.reason = 'outside-scope' OR NULL) AS "
      "outside_scope, count(x.reason = 'size-matches-no-file' OR NULL) "
      "AS size_matches_no_file, count(x.reason = 'content-not-hashed' OR "
      "NULL) AS content_not_hashed, count(x.reason = 'folder-exists' OR NULL) "
      "AS folder_exists, count(x.reason = 'not-on-evidence' OR NULL) AS "
      "not_on_evidence "
      "FROM target t LEFT JOIN x_cover x USING(target_id) GROUP BY 1 "
      "ORDER BY 1");
  }
  if(!rc) {
    fputs("\n# not found\n", out);
    rc = print_query(c, out,
      "SELECT t.line, coalesce(t.path, t.name, t.sha256, t.sha1, t.md5) AS "
      "target, t.partner, x.reason, x.detail FROM x_cover x JOIN target t "
      "USING(target_id) ORDER BY " TL_COVER_RANK("x.reason") ", t.line");
  }
  return rc;
}

/* Public entries: options and results of any struct_size
** (base/abi_int.h). */
static tl_rc
import_entry(tl_case *c, const char *csv_path,
             const struct tl_import_opts *opts,
             struct tl_import_result *result, int divisions)
{
  struct tl_import_opts o;
  struct tl_import_result res;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if(!Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "import: result struct_size not set");
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "import: options struct_size not "
                        "understood");
  /* a caller built before wait_s waits 5 s for the write lock, as then */
  if(opts->struct_size < offsetof(struct tl_import_opts, wait_s) +
     sizeof(o.wait_s))
    o.wait_s = 5;
  rc = divisions ? divisions_import(c, csv_path, &o, &res) :
       targets_import(c, csv_path, &o, &res);
  res.struct_size = sizeof(res);
  Tl_result_out(result, &res, sizeof(res));
  return rc;
}

tl_rc
tl_targets_import(tl_case *c, const char *csv_path,
                  const struct tl_import_opts *o,
                  struct tl_import_result *res)
{
  return import_entry(c, csv_path, o, res, 0);
}

tl_rc
tl_divisions_import(tl_case *c, const char *csv_path,
                    const struct tl_import_opts *o,
                    struct tl_import_result *res)
{
  return import_entry(c, csv_path, o, res, 1);
}

tl_rc
tl_case_match(tl_case *c, struct tl_import_result *result)
{
  struct tl_import_result res;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if(!Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "match: result struct_size not set");
  rc = case_match(c, &res);
  res.struct_size = sizeof(res);
  Tl_result_out(result, &res, sizeof(res));
  return rc;
}

/* Public entries: the text to the caller's sink through a stdio stream
** (base/abi_int.h, fopencookie). */
static tl_rc
to_sink(tl_case *c, const struct tl_sink *out,
        tl_rc (*fn)(tl_case *, FILE *))
{
  FILE *f;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  c->errmsg[0] = '\0';
  if(!Tl_sink_ok(out))
    return Tl_set_error(c, TL_USAGE, "targets: no output sink");
  if(!(f = Tl_sink_fopen(out)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  rc = fn(c, f);
  if(fclose(f) && rc == TL_OK)
    rc = Tl_set_error(c, TL_IO, "targets: the output refused a write");
  return rc;
}

tl_rc
tl_targets_list(tl_case *c, const struct tl_sink *out)
{
  return to_sink(c, out, targets_list);
}

tl_rc
tl_targets_stats(tl_case *c, const struct tl_sink *out)
{
  return to_sink(c, out, targets_stats);
}
