/*
** Artifact files into the case (`touchline artifacts CASE add`), the list of
** parsers (`touchline plugins`), and the resolution of the references
** artifact events make to objects of the case (docs/PLUGIN-ABI.md,
** "References").
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/abi_int.h"
#include "base/pathglob_int.h"
#include "plugin/artifacts_int.h"
#include "store/store_int.h"

/* ---- loading the plugins a call names --------------------------------- */

tl_rc
Tl_phost_open(const struct tl_plugin_opts *po, Tl_phost **out, char *err,
              size_t errlen)
{
  struct tl_plugin_opts o;
  Tl_phost *h = NULL;
  tl_rc rc;
  int i;
  *out = NULL;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  if(po && (rc = Tl_opts_in(&o, sizeof(o), po,
                            offsetof(struct tl_plugin_opts, plugins)))) {
    snprintf(err, errlen, "plugins: bad options struct");
    return rc;
  }
  if(o.no_plugins) {
    /* only the files named: an empty host to load them into */
    if(!(h = calloc(1, sizeof(*h)))) {
      snprintf(err, errlen, "plugins: out of memory");
      return TL_NOMEM;
    }
  } else if((rc = Tl_phost_new(&h))) {
    snprintf(err, errlen, "built-in parsers: %s", h ? h->errmsg :
             tl_strerror(rc));
    return rc;
  }
  if(!o.no_plugins && ((rc = Tl_phost_load_dir(h, Tl_phost_plugindir())) ||
                       (rc = Tl_phost_load_env(h))))
    goto fail;
  for(i = 0; i < o.n_plugins; i++)
    if((rc = Tl_phost_load(h, o.plugins ? o.plugins[i] : NULL)))
      goto fail;
  *out = h;
  return TL_OK;
fail:
  snprintf(err, errlen, "%s", h->errmsg[0] ? h->errmsg : tl_strerror(rc));
  Tl_phost_free(h);
  return rc;
}

static __thread char list_err[1100];

static void
claims_text(FILE *f, const char *what, const char *const *l, int *first)
{
  int i;
  for(i = 0; l && l[i]; i++) {
    fprintf(f, "%s%s:%s", *first ? "" : " ", what, l[i]);
    *first = 0;
  }
}

tl_rc
tl_plugins_list(const struct tl_plugin_opts *po, const struct tl_sink *out,
                const char **errmsg)
{
  Tl_phost *h = NULL;
  FILE *f;
  tl_rc rc;
  int i, first;
  if(errmsg)
    *errmsg = "";
  if(!Tl_sink_ok(out)) {
    snprintf(list_err, sizeof(list_err), "plugins: no output");
    rc = TL_USAGE;
    goto out;
  }
  if((rc = Tl_phost_open(po, &h, list_err, sizeof(list_err))))
    goto out;
  if(!(f = Tl_sink_fopen(out))) {
    rc = TL_NOMEM;
    goto out;
  }
  fprintf(f, "name\tversion\tabi\tfrom\tclaims\tdescription\n");
  for(i = 0; i < h->n_parsers; i++) {
    const Tl_preg *p = &h->parsers[i];
    const Tl_pmod *m = &h->mods[p->mod];
    const struct tl_claim *c = &p->p.claim;
    fprintf(f, "%s\t%s\t%d.%d\t%s\t", p->name, p->version,
            TL_PLUGIN_ABI_MAJOR, TL_PLUGIN_ABI_MINOR,
            m->builtin ? "built-in" : m->path);
    first = 1;
    claims_text(f, "name", c->names, &first);
    claims_text(f, "glob", c->globs, &first);
    claims_text(f, "stream", c->streams, &first);
    if(c->signature_len) {
      size_t k;
      fprintf(f, "%ssignature@%llu:", first ? "" : " ",
              (unsigned long long)c->signature_off);
      for(k = 0; k < c->signature_len; k++)
        fprintf(f, "%02x", c->signature[k]);
      first = 0;
    }
    if(p->p.bid)
      fprintf(f, "%sbid", first ? "" : " ");
    else if(first)
      fprintf(f, "-");
    fprintf(f, "\t%s\n", p->description);
  }
  if(fclose(f)) {
    snprintf(list_err, sizeof(list_err), "plugins: writing the list failed");
    rc = TL_IO;
  }
out:
  Tl_phost_free(h);
  if(rc && errmsg)
    *errmsg = list_err;
  return rc;
}

/* ---- resolution ------------------------------------------------------- */

/* The staged run of this thread (Tl_artifacts_add_staged), for the
** resolvers it makes, Tl_resolve_unc_pending's too. */
static _Thread_local const Tl_art_stage *cur_stage;

/* The objects of item ev are in the case (a staged run pulls them). */
static int
need(Tl_resolver *r, int64_t ev)
{
  if(!r->need_item || ev <= 0)
    return 0;
  if(r->need_item(r->need_ctx, ev)) {
    r->failed = 1;
    return -1;
  }
  return 0;
}

tl_rc
Tl_resolver_init(tl_case *c, Tl_resolver *r, int64_t evidence_id)
{
  memset(r, 0, sizeof(*r));
  r->c = c;
  r->evidence_id = evidence_id;
  if(cur_stage) {
    r->need_item = cur_stage->need_item;
    r->need_ctx = cur_stage->ctx;
  }
  /* the item's few file systems outside, object_fs_inode inside: with
  ** the optional fs_id on object (an OR) SQLite scanned every object for
  ** every event, 0.5 ms an event on a 2000-file volume */
  if(sqlite3_prepare_v2(c->db, "SELECT o.object_id, o.deleted FROM "
                        "filesystem f CROSS JOIN object o ON o.fs_id = "
                        "f.fs_id AND o.inode = ?3 WHERE f.evidence_id = ?1 "
                        "AND (?2 IS NULL OR f.fs_id = ?2) AND f.fs_type LIKE "
                        "'ntfs%' AND o.evidence_id = ?1 AND o.seq = ?4 AND "
                        "o.stream IS NULL ORDER BY o.object_id", -1,
                        &r->q_mft, NULL) ||
     sqlite3_prepare_v2(c->db, "SELECT o.object_id, o.deleted, o.path, "
                        "f.fs_type FROM object o JOIN filesystem f ON "
                        "f.fs_id = o.fs_id WHERE o.evidence_id = ?1 AND "
                        "(?2 IS NULL OR o.fs_id = ?2) AND o.name = ?3 "
                        "COLLATE NOCASE AND o.stream IS NULL ORDER BY "
                        "o.object_id", -1, &r->q_name, NULL) ||
     sqlite3_prepare_v2(c->db, "SELECT evidence_id FROM evidence WHERE "
                        "label = ?1 COLLATE NOCASE", -1, &r->q_label, NULL) ||
     sqlite3_prepare_v2(c->db, "SELECT path FROM object WHERE object_id = "
                        "?1", -1, &r->q_path, NULL)) {
    tl_rc rc = Tl_set_sqlite_error(c, "prepare resolution");
    Tl_resolver_free(r);    /* the statements prepared before */
    return rc;
  }
  return TL_OK;
}

void
Tl_resolver_free(Tl_resolver *r)
{
  sqlite3_finalize(r->q_mft);
  sqlite3_finalize(r->q_name);
  sqlite3_finalize(r->q_label);
  sqlite3_finalize(r->q_path);
  sqlite3_finalize(r->q_unc);
  memset(r, 0, sizeof(*r));
}

/* Of the rows of q (object_id, deleted first): the one allocated object,
** else the one object; 0 when none or ambiguous. */
static int64_t
pick(Tl_resolver *r, sqlite3_stmt *q, const char *want, const char *want_fold,
     int fold_col)
{
  int64_t alloc_id = 0, any_id = 0;
  int n_alloc = 0, n_any = 0, st;
  char buf[4096];
  while((st = sqlite3_step(q)) == SQLITE_ROW) {
    if(want_fold) {
      const char *p = (const char *)sqlite3_column_text(q, fold_col);
      const char *fs = (const char *)sqlite3_column_text(q, fold_col + 1);
      int blind = Tl_fs_case_blind(fs ? fs : "");
      if(!p || strlen(p) >= sizeof(buf))
        continue;
      if(blind ? strcmp(Tl_fold(p, buf, sizeof(buf)), want_fold)
               : strcmp(p, want))
        continue;
    }
    n_any++;
    any_id = sqlite3_column_int64(q, 0);
    if(!sqlite3_column_int(q, 1)) {
      n_alloc++;
      alloc_id = sqlite3_column_int64(q, 0);
    }
  }
  if(st != SQLITE_DONE)
    r->failed = 1;      /* not "no such file": the lookup itself failed */
  sqlite3_reset(q);
  if(n_alloc == 1)
    return alloc_id;
  if(!n_alloc && n_any == 1)
    return any_id;
  return 0;
}

static int64_t
by_path(Tl_resolver *r, int64_t evidence_id, int64_t fs_id,
        const char *norm)
{
  char fold[4096];
  const char *name = strrchr(norm, '/');
  int64_t id;
  if(!name || !name[1] || strlen(norm) >= sizeof(fold))
    return 0;
  /* a case-blind file system matches the folded path, a case-sensitive
  ** one the path as written (pick() decides per row) */
  Tl_fold(norm, fold, sizeof(fold));
  sqlite3_bind_int64(r->q_name, 1, evidence_id);
  if(fs_id > 0)
    sqlite3_bind_int64(r->q_name, 2, fs_id);
  else
    sqlite3_bind_null(r->q_name, 2);
  sqlite3_bind_text(r->q_name, 3, name + 1, -1, SQLITE_STATIC);
  id = pick(r, r->q_name, norm, fold, 2);
  sqlite3_clear_bindings(r->q_name);
  return id;
}

/* \\host\NAME\rest: the evidence item labelled host, else the one whose
** host.name fact is host (a SYSTEM hive said so); on it, when a share.NAME
** fact gives the share's local path (C:\Shares\Space), that path without
** its drive letter joined with rest, and nothing else (a file of that name
** outside the share's folder is another file); without such a fact
** /NAME/rest, else /rest (a share exported from the root of a volume). 0
** when unresolved. */
static int64_t
resolve_unc(Tl_resolver *r, const char *path)
{
  const char *h = path + 2, *e = h, *local = NULL;
  char host[256], share[256], norm[4096], joined[8192], jnorm[4096];
  const char *rest;
  int64_t ev = 0, id = 0;
  int have_local = 0, st;
  size_t n;
  while(*e && *e != '\\' && *e != '/')
    e++;
  if(e == h || (size_t)(e - h) >= sizeof(host) || !*e)
    return 0;
  memcpy(host, h, (size_t)(e - h));
  host[e - h] = 0;
  if(Tl_path_normalize(e, norm, sizeof(norm)) < 0 || norm[0] != '/')
    return 0;
  rest = strchr(norm + 1, '/');
  n = rest ? (size_t)(rest - norm - 1) : strlen(norm + 1);
  if(!n || n >= sizeof(share))
    return 0;
  memcpy(share, norm + 1, n);
  share[n] = 0;
  if(!r->q_unc &&
     sqlite3_prepare_v2(r->c->db, "SELECT e.evidence_id, (SELECT f.value "
                        "FROM evidence_fact f WHERE f.evidence_id = "
                        "e.evidence_id AND f.key = 'share.' || ?2 COLLATE "
                        "NOCASE ORDER BY f.fact_id DESC LIMIT 1) FROM "
                        "evidence e WHERE e.label = ?1 COLLATE NOCASE OR "
                        "EXISTS (SELECT 1 FROM evidence_fact h WHERE "
                        "h.evidence_id = e.evidence_id AND h.key = "
                        "'host.name' AND h.value = ?1 COLLATE NOCASE) ORDER "
                        "BY e.label = ?1 COLLATE NOCASE DESC, e.evidence_id "
                        "LIMIT 1", -1, &r->q_unc, NULL)) {
    r->failed = 1;
    return 0;
  }
  sqlite3_bind_text(r->q_unc, 1, host, -1, SQLITE_STATIC);
  sqlite3_bind_text(r->q_unc, 2, share, -1, SQLITE_STATIC);
  if((st = sqlite3_step(r->q_unc)) != SQLITE_ROW && st != SQLITE_DONE)
    r->failed = 1;
  if(st == SQLITE_ROW) {
    ev = sqlite3_column_int64(r->q_unc, 0);
    local = (const char *)sqlite3_column_text(r->q_unc, 1);
    if(local && need(r, ev))
      local = NULL, ev = 0;
    if(local) {
      have_local = 1;
      /* C:\Shares\Space + /rest (the normalizing drops the letter) */
      snprintf(joined, sizeof(joined), "%s%s", local, rest ? rest : "");
      if(Tl_path_normalize(joined, jnorm, sizeof(jnorm)) >= 0)
        id = by_path(r, ev, 0, jnorm);
    }
  }
  sqlite3_reset(r->q_unc);
  sqlite3_clear_bindings(r->q_unc);
  if(!ev || id || have_local)
    return id;
  if(need(r, ev))
    return 0;
  if((id = by_path(r, ev, 0, norm)))
    return id;
  if(rest && (id = by_path(r, ev, 0, rest)))
    return id;
  return 0;
}

int64_t
Tl_resolve(Tl_resolver *r, const struct tl_file_ref *f, int64_t fs_id,
           const char **how)
{
  char norm[4096];
  int64_t id = 0;
  *how = NULL;
  if(!r->evidence_id || need(r, r->evidence_id))
    return 0;
  if(f->kind == TL_REF_MFT) {
    sqlite3_bind_int64(r->q_mft, 1, r->evidence_id);
    if(fs_id > 0)
      sqlite3_bind_int64(r->q_mft, 2, fs_id);
    else
      sqlite3_bind_null(r->q_mft, 2);
    sqlite3_bind_int64(r->q_mft, 3, (int64_t)f->mft_entry);
    sqlite3_bind_int64(r->q_mft, 4, (int64_t)f->mft_seq);
    id = pick(r, r->q_mft, NULL, NULL, 0);
    sqlite3_clear_bindings(r->q_mft);
    if(id)
      *how = "mft";
    return id;
  }
  if(f->kind != TL_REF_PATH || !f->path)
    return 0;
  if((f->path[0] == '\\' && f->path[1] == '\\') ||
     (f->path[0] == '/' && f->path[1] == '/')) {
    if((id = resolve_unc(r, f->path)))
      *how = "share";
    return id;
  }
  if(Tl_path_normalize(f->path, norm, sizeof(norm)) < 0)
    return 0;
  if((id = by_path(r, r->evidence_id, fs_id, norm)))
    *how = "path";
  else if(fs_id > 0 && (id = by_path(r, r->evidence_id, 0, norm)))
    *how = "path";
  return id;
}

/* UNC paths left unresolved because the item they name was not in the case
** yet (a workstation's links to \\FS01\share\... ingested before FS01),
** or because the host.name or share.* fact came later: resolved again each
** time an item or artifacts are added. *n: how many changed now. */
tl_rc
Tl_resolve_unc_pending(tl_case *c, uint64_t *n)
{
  sqlite3_stmt *q = NULL, *u = NULL;
  Tl_resolver r;
  int st, have_r = 0;
  tl_rc rc = TL_OK;
  *n = 0;
  /* the partial index of these events (a case made before it gets it
  ** here, in the writer's transaction): without it, a scan of every
  ** artifact event for each item */
  if((rc = Tl_exec(c, TL_UNC_PENDING_INDEX)))
    return rc;
  /* every UNC path, resolved or not: a share fact that came since may
  ** say that a path taken as /NAME/rest is in the share's folder */
  if(sqlite3_prepare_v2(c->db, "SELECT event_id, evidence_id, path, "
                        "coalesce(object_id, 0) FROM artifact_event WHERE "
                        "(object_id IS NULL OR resolved_by = 'share') AND "
                        "ref_kind = 'path' AND substr(path, 1, 2) IN "
                        "('\\\\', '//')", -1, &q, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "UPDATE artifact_event SET object_id = "
                        "nullif(?1, 0), resolved_by = CASE WHEN ?1 THEN "
                        "'share' END WHERE event_id = ?2", -1, &u,
                        NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "resolve UNC paths");
    goto out;
  }
  if((rc = Tl_resolver_init(c, &r, 0)))
    goto out;
  have_r = 1;
  while((st = sqlite3_step(q)) == SQLITE_ROW) {
    struct tl_file_ref f;
    const char *how;
    int64_t id;
    memset(&f, 0, sizeof(f));
    f.kind = TL_REF_PATH;
    f.path = (const char *)sqlite3_column_text(q, 2);
    r.evidence_id = sqlite3_column_int64(q, 1);
    if(!f.path)
      continue;
    r.failed = 0;
    id = Tl_resolve(&r, &f, 0, &how);
    if(r.failed) {      /* an unresolved path must not be a failed lookup */
      rc = Tl_set_sqlite_error(c, "resolve UNC paths");
      goto out;
    }
    if(id == sqlite3_column_int64(q, 3))
      continue;
    sqlite3_bind_int64(u, 1, id);
    sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
    st = sqlite3_step(u);
    sqlite3_reset(u);
    if(st != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "resolve UNC paths");
      goto out;
    }
    (*n)++;
  }
  if(st != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "resolve UNC paths");
out:
  if(have_r)
    Tl_resolver_free(&r);
  sqlite3_finalize(q);
  sqlite3_finalize(u);
  return rc;
}

/* Tl_resolve_unc_pending() on a staging case (ingest/pgartifacts.c): the
** objects of an item pulled through stage->need_item before they are read. */
tl_rc
Tl_resolve_unc_pending_staged(tl_case *c, const Tl_art_stage *stage,
                              uint64_t *n)
{
  const Tl_art_stage *was = cur_stage;
  tl_rc rc;
  cur_stage = stage;
  rc = Tl_resolve_unc_pending(c, n);
  cur_stage = was;
  return rc;
}

const char *
Tl_resolve_folder(Tl_resolver *r, const struct tl_file_ref *f, int64_t fs_id)
{
  const char *how;
  int64_t id;
  if(f->kind != TL_REF_MFT)
    return NULL;
  if(r->pf_valid && r->pf_fs == fs_id && r->pf_entry == f->mft_entry &&
     r->pf_seq == f->mft_seq)
    return r->pf_found ? r->pf_path : NULL;
  r->pf_valid = 1;
  r->pf_found = 0;
  r->pf_fs = fs_id;
  r->pf_entry = f->mft_entry;
  r->pf_seq = f->mft_seq;
  if(!(id = Tl_resolve(r, f, fs_id, &how)))
    return NULL;
  sqlite3_bind_int64(r->q_path, 1, id);
  if(sqlite3_step(r->q_path) == SQLITE_ROW) {
    const char *p = (const char *)sqlite3_column_text(r->q_path, 0);
    if(p && strlen(p) < sizeof(r->pf_path)) {
      snprintf(r->pf_path, sizeof(r->pf_path), "%s", p);
      r->pf_found = 1;
    }
  }
  sqlite3_reset(r->q_path);
  return r->pf_found ? r->pf_path : NULL;
}

/* ---- storing events --------------------------------------------------- */

tl_rc
Tl_artstore_init(tl_case *c, Tl_artstore *s)
{
  memset(s, 0, sizeof(*s));
  s->c = c;
  if(sqlite3_prepare_v2(c->db, "INSERT INTO artifact_event(evidence_id, "
                        "artifact_file_id, object_id, resolved_by, t_ns, "
                        "raw, clamped, kind, what, ref_kind, path, "
                        "mft_entry, mft_seq, parent_path, parent_mft_entry,"
                        " parent_mft_seq, name, actor, parser, "
                        "parser_version, artifact_object_id, artifact_path,"
                        " record_offset) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,"
                        "?,?,?,?,?,?,?,?,?,?)", -1, &s->ins_event, NULL) ||
     sqlite3_prepare_v2(c->db, "INSERT INTO artifact_attr(event_id, ord, "
                        "key, value) VALUES(?,?,?,?)", -1, &s->ins_attr,
                        NULL) ||
     sqlite3_prepare_v2(c->db, "INSERT INTO evidence_fact(evidence_id, key,"
                        " value, parser, artifact_file_id, artifact_path) "
                        "VALUES(?,?,?,?,?,?)", -1, &s->ins_fact, NULL))
    return Tl_set_sqlite_error(c, "prepare artifact events");
  return TL_OK;
}

static void
jp_clear(Tl_artstore *s)
{
  int i;
  for(i = 0; i < s->n_jp; i++)
    free(s->jp[i]);
  free(s->jp);
  Tl_strmap_free(&s->jp_map);
  memset(&s->jp_map, 0, sizeof(s->jp_map));
  s->jp = NULL;
  s->n_jp = s->cap_jp = 0;
}

void
Tl_artstore_free(Tl_artstore *s)
{
  sqlite3_finalize(s->ins_event);
  sqlite3_finalize(s->ins_attr);
  sqlite3_finalize(s->ins_fact);
  s->ins_event = s->ins_attr = s->ins_fact = NULL;
  jp_clear(s);
}

/* The path the artifact file's earlier events gave an MFT reference. */
static const char *
jp_get(Tl_artstore *s, const struct tl_file_ref *f)
{
  char key[48];
  const Tl_strmap_ent *e;
  snprintf(key, sizeof(key), "%llu:%u", (unsigned long long)f->mft_entry,
           (unsigned)f->mft_seq);
  e = Tl_strmap_get(&s->jp_map, key);
  return e && e->n ? s->jp[e->vals[0]] : NULL;
}

/* Remember it (the latest wins: a folder renamed); out of memory only
** forgets. */
static void
jp_put(Tl_artstore *s, const struct tl_file_ref *f, const char *path)
{
  char key[48], *dup;
  const Tl_strmap_ent *e;
  snprintf(key, sizeof(key), "%llu:%u", (unsigned long long)f->mft_entry,
           (unsigned)f->mft_seq);
  if((e = Tl_strmap_get(&s->jp_map, key)) && e->n) {
    if(strcmp(s->jp[e->vals[0]], path) && (dup = strdup(path))) {
      free(s->jp[e->vals[0]]);
      s->jp[e->vals[0]] = dup;
    }
    return;
  }
  if(s->n_jp == s->cap_jp) {
    int nc = s->cap_jp ? s->cap_jp * 2 : 256;
    char **n = realloc(s->jp, sizeof(*n) * (size_t)nc);
    if(!n)
      return;
    s->jp = n;
    s->cap_jp = nc;
  }
  if(!(dup = strdup(path)))
    return;
  if(Tl_strmap_add(&s->jp_map, key, s->n_jp)) {
    free(dup);
    return;
  }
  s->jp[s->n_jp++] = dup;
}

static const char *
ref_kind(uint32_t k)
{
  return k == TL_REF_MFT ? "mft" : k == TL_REF_PATH ? "path" : NULL;
}

static tl_rc
step(tl_case *c, sqlite3_stmt *s, const char *what)
{
  int r = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if(r != SQLITE_DONE)
    return Tl_set_sqlite_error(c, what);
  return TL_OK;
}

tl_rc
Tl_artstore_fact(Tl_artstore *s, const Tl_artfile *af, const char *key,
                 const char *value)
{
  sqlite3_stmt *q = s->ins_fact;
  sqlite3_bind_int64(q, 1, af->evidence_id);
  Tl_bind_text(q, 2, key);
  Tl_bind_text(q, 3, value);
  Tl_bind_text(q, 4, af->parser->name);
  Tl_bind_opt_int(q, 5, af->artifact_file_id > 0, af->artifact_file_id);
  Tl_bind_text(q, 6, af->path);
  return step(s->c, q, "insert evidence fact");
}

tl_rc
Tl_artstore_event(Tl_artstore *s, const Tl_artfile *af,
                  const struct tl_artifact_event *ev, int *resolved)
{
  sqlite3_stmt *q = s->ins_event;
  const char *how = NULL, *path = NULL, *ppath = NULL;
  char joined[4096 + 1600];
  int64_t obj = 0, eid;
  size_t i;
  tl_rc rc;
  if(s->res)
    obj = Tl_resolve(s->res, &ev->file, af->fs_id, &how);
  *resolved = obj != 0;
  /* the path the event names: as written, else (an MFT reference with a
  ** name, as USN records have) its folder's path and the name, so that a
  ** file since deleted, or renamed, keeps the path the record gave it */
  /* (a folder the case has no more: the path the artifact's own earlier
  ** events gave it, as a journal's records of the folder's creation) */
  if(af->artifact_file_id != s->jp_file) {
    jp_clear(s);
    s->jp_file = af->artifact_file_id;
  }
  if(ev->file.kind == TL_REF_PATH)
    path = ev->file.path;
  if(ev->parent.kind == TL_REF_PATH)
    ppath = ev->parent.path;
  else if(s->res && ev->parent.kind == TL_REF_MFT &&
          !(ppath = Tl_resolve_folder(s->res, &ev->parent, af->fs_id)))
    ppath = jp_get(s, &ev->parent);
  if(!path && ppath && ev->file.kind == TL_REF_MFT && ev->name &&
     ev->name[0] && !strchr(ev->name, '/')) {
    size_t pl = strlen(ppath);
    while(pl && ppath[pl - 1] == '/')
      pl--;
    if(snprintf(joined, sizeof(joined), "%.*s/%s", (int)pl, ppath,
                ev->name) < (int)sizeof(joined)) {
      path = joined;
      /* (not when the record names itself its parent: ppath may be the
      ** string jp_put replaces) */
      if(ev->file.mft_entry != ev->parent.mft_entry ||
         ev->file.mft_seq != ev->parent.mft_seq)
        jp_put(s, &ev->file, joined);
    }
  }
  sqlite3_bind_int64(q, 1, af->evidence_id);
  sqlite3_bind_int64(q, 2, af->artifact_file_id);
  Tl_bind_opt_int(q, 3, obj != 0, obj);
  Tl_bind_text(q, 4, how);
  sqlite3_bind_int64(q, 5, ev->t_ns);
  Tl_bind_opt_int(q, 6, ev->has_raw, ev->raw);
  sqlite3_bind_int(q, 7, ev->clamped ? 1 : 0);
  Tl_bind_text(q, 8, Tl_event_kind_name(ev->kind));
  Tl_bind_text(q, 9, ev->what);
  Tl_bind_text(q, 10, ref_kind(ev->file.kind));
  Tl_bind_text(q, 11, path);
  Tl_bind_opt_int(q, 12, ev->file.kind == TL_REF_MFT,
                  (int64_t)ev->file.mft_entry);
  Tl_bind_opt_int(q, 13, ev->file.kind == TL_REF_MFT, ev->file.mft_seq);
  Tl_bind_text(q, 14, ppath);
  Tl_bind_opt_int(q, 15, ev->parent.kind == TL_REF_MFT,
                  (int64_t)ev->parent.mft_entry);
  Tl_bind_opt_int(q, 16, ev->parent.kind == TL_REF_MFT, ev->parent.mft_seq);
  Tl_bind_text(q, 17, ev->name);
  Tl_bind_text(q, 18, ev->actor);
  Tl_bind_text(q, 19, af->parser->name);
  Tl_bind_text(q, 20, af->parser->version);
  Tl_bind_opt_int(q, 21, af->object_id > 0, af->object_id);
  Tl_bind_text(q, 22, af->path);
  Tl_bind_opt_int(q, 23, 1, (int64_t)ev->record_offset);
  if((rc = step(s->c, q, "insert artifact event")))
    return rc;
  eid = sqlite3_last_insert_rowid(s->c->db);
  for(i = 0; i < ev->n_attrs; i++) {
    sqlite3_bind_int64(s->ins_attr, 1, eid);
    sqlite3_bind_int64(s->ins_attr, 2, (int64_t)i);
    Tl_bind_text(s->ins_attr, 3, ev->attrs[i].key);
    Tl_bind_text(s->ins_attr, 4, ev->attrs[i].value);
    if((rc = step(s->c, s->ins_attr, "insert artifact attribute")))
      return rc;
  }
  return TL_OK;
}

/* ---- per-parser counts of a run --------------------------------------- */

Tl_pcount *
Tl_pcount_get(Tl_pcount **list, int *n, const char *parser)
{
  Tl_pcount *nl;
  int i;
  for(i = 0; i < *n; i++)
    if(!strcmp((*list)[i].parser, parser))
      return &(*list)[i];
  if(!(nl = realloc(*list, sizeof(*nl) * (size_t)(*n + 1))))
    return NULL;
  *list = nl;
  memset(&nl[*n], 0, sizeof(*nl));
  nl[*n].parser = parser;
  return &nl[(*n)++];
}

char *
Tl_pcount_json(const Tl_pcount *l, int n)
{
  size_t cap = 64 + (size_t)n * 200, len = 0;
  char *s = malloc(cap);
  int i;
  if(!s)
    return NULL;
  len += (size_t)snprintf(s + len, cap - len, "{");
  for(i = 0; i < n; i++)
    len += (size_t)snprintf(s + len, cap - len, "%s\"%s\":{\"files\":%llu,"
                            "\"events\":%llu,\"corrupt\":%llu,\"refused\":"
                            "%llu,\"failed\":%llu}", i ? "," : "",
                            l[i].parser, (unsigned long long)l[i].files,
                            (unsigned long long)l[i].events,
                            (unsigned long long)l[i].corrupt,
                            (unsigned long long)l[i].refused,
                            (unsigned long long)l[i].failed);
  snprintf(s + len, cap - len, "}");
  return s;
}

tl_rc
Tl_record_plugins(tl_case *c, const Tl_phost *h, int64_t run)
{
  int i;
  tl_rc rc;
  char abi[16];
  snprintf(abi, sizeof(abi), "%d.%d", TL_PLUGIN_ABI_MAJOR,
           TL_PLUGIN_ABI_MINOR);
  for(i = 0; i < h->n_parsers; i++) {
    const Tl_pmod *m = &h->mods[h->parsers[i].mod];
    if((rc = Tl_exec_bound(c, "INSERT INTO plugin(run_id, name, version, "
                           "abi, sha256, path, builtin) VALUES(?,?,?,?,?,?,"
                           "?)", "itttttt", run, h->parsers[i].name,
                           h->parsers[i].version, abi,
                           m->builtin ? NULL : m->sha256, m->path,
                           m->builtin ? "1" : "0")))
      return rc;
  }
  return TL_OK;
}

/* ---- artifacts add ---------------------------------------------------- */

typedef struct addfile {
  const char *file;
  int fd;
  uint64_t size;
  char sha256[65];
  const Tl_preg *p;
} addfile;

typedef struct add_ctx {
  Tl_artstore st;
  Tl_artfile af;
  uint64_t n_resolved;
  /* the parser's warnings on the file: written after its savepoint,
  ** which a failed parse rolls back */
  unsigned n_warn;
  char first_warn[1200];
} add_ctx;

static tl_rc
fd_read(void *rctx, uint64_t off, void *buf, size_t len, size_t *got)
{
  addfile *f = rctx;
  size_t done = 0;
  while(done < len) {
    ssize_t n = pread(f->fd, (char *)buf + done, len - done,
                      (off_t)(off + done));
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0) {
      *got = done;
      return TL_IO;
    }
    if(!n)
      break;
    done += (size_t)n;
  }
  *got = done;
  return TL_OK;
}

static tl_rc
add_fact(void *ectx, const char *key, const char *value)
{
  add_ctx *a = ectx;
  return Tl_artstore_fact(&a->st, &a->af, key, value);
}

static tl_rc
add_event(void *ectx, const struct tl_artifact_event *ev)
{
  add_ctx *a = ectx;
  int resolved = 0;
  tl_rc rc = Tl_artstore_event(&a->st, &a->af, ev, &resolved);
  if(!rc && resolved)
    a->n_resolved++;
  return rc;
}

static void
add_warn(void *ectx, const char *msg)
{
  add_ctx *a = ectx;
  if(!a->n_warn++)
    snprintf(a->first_warn, sizeof(a->first_warn), "%s", msg);
}

/* The file's warnings as one warning row, outside its savepoint. */
static tl_rc
add_flush_warnings(add_ctx *a, const char *parser, const char *path)
{
  char buf[1400];
  if(!a->n_warn)
    return TL_OK;
  if(a->n_warn > 1)
    snprintf(buf, sizeof(buf), "%s: %s: %s (and %u more)", parser, path,
             a->first_warn, a->n_warn - 1);
  else
    snprintf(buf, sizeof(buf), "%s: %s: %s", parser, path, a->first_warn);
  a->n_warn = 0;
  return Tl_exec_bound(a->st.c, "INSERT INTO warning(evidence_id, kind, "
                       "message) VALUES(?, 'artifact', ?)", "it",
                       a->af.evidence_id, buf);
}
/* Open, hash and choose the parser of every file before writing. */
static tl_rc
prepare_files(tl_case *c, const Tl_phost *h, const char *parser,
              addfile *fs, int n)
{
  unsigned char head[4096], dg[EVP_MAX_MD_SIZE], buf[65536];
  int i;
  for(i = 0; i < n; i++) {
    struct stat sb;
    size_t got = 0;
    unsigned dl = 0, k;
    EVP_MD_CTX *m;
    ssize_t r;
    addfile *f = &fs[i];
    if(!f->file || !*f->file)
      return Tl_set_error(c, TL_USAGE, "artifacts: an empty file name");
    if((f->fd = open(f->file, O_RDONLY | O_CLOEXEC)) < 0)
      return Tl_set_error(c, TL_IO, "%s: %s", f->file, strerror(errno));
    if(fstat(f->fd, &sb) || !S_ISREG(sb.st_mode))
      return Tl_set_error(c, TL_USAGE, "%s: not a regular file", f->file);
    f->size = (uint64_t)sb.st_size;
    if(!(m = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(m, EVP_sha256(), NULL))
    {
      EVP_MD_CTX_free(m);
      return Tl_set_error(c, TL_NOMEM, "%s: SHA-256", f->file);
    }
    while((r = read(f->fd, buf, sizeof(buf))) > 0)
      EVP_DigestUpdate(m, buf, (size_t)r);
    EVP_DigestFinal_ex(m, dg, &dl);
    EVP_MD_CTX_free(m);
    if(r < 0)
      return Tl_set_error(c, TL_IO, "%s: %s", f->file, strerror(errno));
    for(k = 0; k < dl && k < 32; k++)
      snprintf(f->sha256 + 2 * k, 3, "%02x", dg[k]);
    if(parser) {
      if(!(f->p = Tl_phost_find(h, parser)))
        return Tl_set_error(c, TL_USAGE, "--parser %s: no such parser "
                            "(`touchline plugins` lists them)", parser);
      continue;
    }
    if(fd_read(f, 0, head, sizeof(head), &got))
      return Tl_set_error(c, TL_IO, "%s: %s", f->file, strerror(errno));
    if(!(f->p = Tl_phost_choose(h, f->file, head, got, 1)))
      return Tl_set_error(c, TL_USAGE, "%s: no parser claims this file "
                          "(name one with --parser; `touchline plugins` "
                          "lists them)", f->file);
  }
  return TL_OK;
}

static tl_rc
new_or_find_item(tl_case *c, const struct tl_artifacts_opts *o, int64_t run,
                 int64_t *ev)
{
  sqlite3_stmt *q;
  const char *label = o->evidence ? o->evidence : o->label;
  tl_rc rc;
  *ev = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT evidence_id FROM evidence WHERE "
                        "label = ?", -1, &q, NULL))
    return Tl_set_sqlite_error(c, "find the evidence item");
  sqlite3_bind_text(q, 1, label, -1, SQLITE_STATIC);
  if(sqlite3_step(q) == SQLITE_ROW)
    *ev = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  if(o->evidence && !*ev)
    return Tl_set_error(c, TL_USAGE, "--evidence %s: no evidence item with "
                        "this label (`touchline info` lists them)", label);
  if(!o->evidence && *ev)
    return Tl_set_error(c, TL_EXISTS, "--label %s: an evidence item with "
                        "this label exists (attach to it with --evidence)",
                        label);
  if(o->evidence || !run)
    return TL_OK;
  if((rc = Tl_exec_bound(c, "INSERT INTO evidence(label, division, "
                         "container_type, media_size, sector_size, "
                         "verification, run_id, ingested_ns) VALUES(?,?,"
                         "'artifacts',0,0,'none',?,?)", "ttii", label,
                         o->division, run, Tl_now_ns())))
    return rc;
  *ev = sqlite3_last_insert_rowid(c->db);
  return TL_OK;
}

static tl_rc
artifacts_add(tl_case *c, int n_files, const char *const *files,
              const struct tl_artifacts_opts *opts,
              struct tl_artifacts_result *res, const Tl_art_stage *stage)
{
  struct tl_artifacts_opts o;
  struct tl_artifacts_result r;
  Tl_phost *h = NULL;
  Tl_resolver rs;
  add_ctx a;
  addfile *fs = NULL;
  Tl_pcount *pc = NULL;
  int n_pc = 0, i, in_tx = 0, have_rs = 0, have_st = 0;
  int64_t run = 0, ev = 0, n_ev_total = 0, n_corrupt = 0, started;
  uint64_t n_unc = 0;
  char err[1100], host[256] = "";
  char *json = NULL;
  tl_rc rc;

  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  memset(&r, 0, sizeof(r));
  memset(&a, 0, sizeof(a));
  if((rc = Tl_opts_in(&o, sizeof(o), opts,
                      offsetof(struct tl_artifacts_opts, plugins))))
    return Tl_set_error(c, rc, "artifacts: bad options struct");
  if(res && !Tl_result_ok(res))
    return Tl_set_error(c, TL_USAGE, "artifacts: bad result struct");
  if(c->readonly)
    return Tl_set_error(c, TL_USAGE, "artifacts: the case is read-only");
  if(n_files < 1 || !files)
    return Tl_set_error(c, TL_USAGE, "artifacts: no files");
  if(!o.evidence == !o.label || (o.evidence && o.division))
    return Tl_set_error(c, TL_USAGE, "artifacts: give --evidence LABEL or "
                        "--label L [--division D], not both");
  if((o.evidence && (!*o.evidence || !tl_utf8_valid(o.evidence))) ||
     (o.label && (!*o.label || !tl_utf8_valid(o.label))) ||
     (o.division && !tl_utf8_valid(o.division)))
    return Tl_set_error(c, TL_USAGE, "artifacts: a label or division that "
                        "is empty or not UTF-8");
  if((rc = Tl_phost_open(o.plugins, &h, err, sizeof(err))))
    return Tl_set_error(c, rc, "%s", err);
  if(!(fs = calloc((size_t)n_files, sizeof(*fs)))) {
    rc = Tl_set_error(c, TL_NOMEM, "artifacts: out of memory");
    goto out;
  }
  for(i = 0; i < n_files; i++) {
    fs[i].file = files[i];
    fs[i].fd = -1;
  }
  if((rc = prepare_files(c, h, o.parser, fs, n_files)))
    goto out;

  /* the label, checked before the run row (again inside the write) */
  if((rc = new_or_find_item(c, &o, 0, &ev)) && rc != TL_OK)
    goto out;
  ev = 0;

  /* the run row, committed on its own (as an ingest's) */
  gethostname(host, sizeof(host) - 1);
  started = Tl_now_ns();
  /* a staged run: the id the case gives its run row (NULL: the next) */
  if(stage && (rc = stage->run_id(stage->ctx, o.command_line, host, started,
                                  (int64_t)getpid(), o.evidence ? o.evidence :
                                  o.label, &run)))
    goto out;
  if((rc = Tl_begin_write(c, o.wait_s, o.on_wait, o.wait_ctx)))
    goto out;
  if((rc = Tl_exec_bound(c, "INSERT INTO run(run_id, tool_version, "
                         "command_line, host, started_ns, pid, label) "
                         "VALUES(nullif(?, 0),?,?,?,?,?,?)", "itttiit", run,
                         "touchline " TL_VERSION, o.command_line,
                         host, started, (int64_t)getpid(),
                         o.evidence ? o.evidence : o.label)) ||
     (run = sqlite3_last_insert_rowid(c->db), 0) ||
     (rc = Tl_exec(c, "COMMIT"))) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    run = 0;
    goto out;
  }
  if((rc = Tl_begin_write(c, o.wait_s, o.on_wait, o.wait_ctx)))
    goto out;
  in_tx = 1;
  if((stage && (rc = stage->begin(stage->ctx))) ||
     (rc = new_or_find_item(c, &o, run, &ev)) ||
     (rc = Tl_record_plugins(c, h, run)) ||
     (rc = Tl_resolver_init(c, &rs, ev)))
    goto out;
  have_rs = 1;
  if((rc = Tl_artstore_init(c, &a.st)))
    goto out;
  have_st = 1;
  a.st.res = &rs;

  for(i = 0; i < n_files; i++) {
    addfile *f = &fs[i];
    Tl_pinput_ops ops;
    Tl_presult pr;
    Tl_pcount *cnt;
    uint64_t resolved_before = a.n_resolved;
    const char *status;
    int64_t plugin_id = 0;
    sqlite3_stmt *q;

    if(sqlite3_prepare_v2(c->db, "SELECT plugin_id FROM plugin WHERE "
                          "run_id = ? AND name = ?", -1, &q, NULL)) {
      rc = Tl_set_sqlite_error(c, "find the plugin row");
      goto out;
    }
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_text(q, 2, f->p->name, -1, SQLITE_STATIC);
    if(sqlite3_step(q) == SQLITE_ROW)
      plugin_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    a.n_warn = 0;
    if((rc = Tl_exec(c, "SAVEPOINT artifact_file")) ||
       (rc = Tl_exec_bound(c, "INSERT INTO artifact_file(evidence_id, "
                           "run_id, plugin_id, parser, path, size, sha256, "
                           "status) VALUES(?,?,?,?,?,?,?,'running')",
                           "iiittit", ev, run, plugin_id, f->p->name,
                           f->file, (int64_t)f->size, f->sha256)))
      goto out;
    a.af.evidence_id = ev;
    a.af.artifact_file_id = sqlite3_last_insert_rowid(c->db);
    a.af.fs_id = 0;
    a.af.object_id = 0;
    a.af.path = f->file;
    a.af.parser = f->p;

    memset(&ops, 0, sizeof(ops));
    ops.size = f->size;
    ops.read = fd_read;
    ops.rctx = f;
    ops.path = f->file;
    ops.on_event = add_event;
    ops.on_warn = add_warn;
    ops.on_fact = add_fact;
    ops.ectx = &a;
    Tl_phost_parse(f->p, &ops, &pr);
    if(pr.sink_rc != TL_OK) {
      /* the case failed under the parser: that is this run's error */
      rc = pr.sink_rc;
      goto out;
    }
    if(!(cnt = Tl_pcount_get(&pc, &n_pc, f->p->name))) {
      rc = Tl_set_error(c, TL_NOMEM, "artifacts: out of memory");
      goto out;
    }
    cnt->files++;
    cnt->corrupt += pr.n_corrupt;
    cnt->refused += pr.n_refused;
    if(pr.failed) {
      char msg[1700];
      snprintf(msg, sizeof(msg), "%s failed (%s)%s%s", f->p->name,
               tl_strerror(pr.rc), pr.first_problem[0] || a.n_warn ?
               ": " : "", pr.first_problem[0] ? pr.first_problem :
               a.n_warn ? a.first_warn : "");
      if((rc = Tl_exec(c, "ROLLBACK TO artifact_file")) ||
         (rc = Tl_exec_bound(c, "INSERT INTO artifact_file(evidence_id, "
                             "run_id, plugin_id, parser, path, size, "
                             "sha256, status, n_corrupt, n_refused, "
                             "message) VALUES(?,?,?,?,?,?,?,'failed',?,?,?)",
                             "iiittitiit", ev, run, plugin_id, f->p->name,
                             f->file, (int64_t)f->size, f->sha256,
                             (int64_t)pr.n_corrupt, (int64_t)pr.n_refused,
                             msg)))
        goto out;
      a.n_resolved = resolved_before;
      cnt->failed++;
      r.n_failed++;
      status = "failed";
      if(o.on_file)
        o.on_file(f->file, f->p->name, status, 0, msg, o.ctx);
    } else {
      status = pr.n_corrupt || pr.n_refused ? "corrupt" : "ok";
      if((rc = Tl_exec_bound(c, "UPDATE artifact_file SET status=?, "
                             "n_events=?, n_corrupt=?, n_refused=?, "
                             "message=? WHERE artifact_file_id=?",
                             "tiiiti", status, (int64_t)pr.n_events,
                             (int64_t)pr.n_corrupt, (int64_t)pr.n_refused,
                             pr.first_problem[0] ? pr.first_problem : NULL,
                             a.af.artifact_file_id)))
        goto out;
      cnt->events += pr.n_events;
      r.n_events += pr.n_events;
      n_ev_total += (int64_t)pr.n_events;
      if(o.on_file)
        o.on_file(f->file, f->p->name, status, pr.n_events,
                  pr.first_problem[0] ? pr.first_problem : NULL, o.ctx);
    }
    if((rc = Tl_exec(c, "RELEASE artifact_file")) ||
       (rc = add_flush_warnings(&a, f->p->name, f->file)))
      goto out;
    r.n_files++;
    r.n_corrupt += pr.n_corrupt;
    r.n_refused += pr.n_refused;
    n_corrupt += (int64_t)(pr.n_corrupt + pr.n_refused);
  }
  r.n_resolved = a.n_resolved;
  r.evidence_id = ev;
  if(!(json = Tl_pcount_json(pc, n_pc))) {
    rc = Tl_set_error(c, TL_NOMEM, "artifacts: out of memory");
    goto out;
  }
  Tl_artstore_free(&a.st);
  have_st = 0;
  Tl_resolver_free(&rs);
  have_rs = 0;
  if((rc = Tl_resolve_unc_pending(c, &n_unc)) ||
     (rc = Tl_exec_bound(c, "UPDATE evidence SET n_events = n_events + ?, "
                         "n_corrupt = n_corrupt + ? WHERE evidence_id = ?",
                         "iii", n_ev_total, n_corrupt, ev)) ||
     (rc = Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status='complete', "
                         "evidence_id=?, plugins=? WHERE run_id=?", "iiti",
                         Tl_now_ns(), ev, json, run)) ||
     (rc = Tl_exec(c, "COMMIT")))
    goto out;
  in_tx = 0;
  if(res)
    Tl_result_out(res, &r, sizeof(r));
  rc = r.n_failed || r.n_corrupt || r.n_refused ? TL_WARN : TL_OK;
out:
  if(have_st)
    Tl_artstore_free(&a.st);
  if(have_rs)
    Tl_resolver_free(&rs);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  if(run && rc != TL_OK && rc != TL_WARN) {
    char msg[sizeof(c->errmsg)];
    tl_rc code = c->errcode;
    snprintf(msg, sizeof(msg), "%s", c->errmsg);
    if(!Tl_begin_write(c, 5, NULL, NULL)) {
      if(Tl_exec_bound(c, "UPDATE run SET ended_ns=?, status='failed', "
                       "message=? WHERE run_id=?", "iti", Tl_now_ns(), msg,
                       run) || Tl_exec(c, "COMMIT"))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg);
    c->errcode = code;
  }
  for(i = 0; fs && i < n_files; i++)
    if(fs[i].fd >= 0)
      close(fs[i].fd);
  free(fs);
  free(pc);
  free(json);
  Tl_phost_free(h);
  return rc;
}

tl_rc
Tl_artifacts_add_staged(tl_case *c, int n_files, const char *const *files,
                        const struct tl_artifacts_opts *opts,
                        struct tl_artifacts_result *res,
                        const Tl_art_stage *stage)
{
  tl_rc rc;
  cur_stage = stage;
  rc = artifacts_add(c, n_files, files, opts, res, stage);
  cur_stage = NULL;
  return rc;
}

tl_rc
tl_artifacts_add(tl_case *c, int n_files, const char *const *files,
                 const struct tl_artifacts_opts *opts,
                 struct tl_artifacts_result *res)
{
  return Tl_artifacts_add_staged(c, n_files, files, opts, res, NULL);
}
