/*
** The plugin host: registry, loader and the host table of
** include/touchline/plugin.h (docs/PLUGIN-ABI.md).
*/
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/names_int.h"
#include "base/pathglob_int.h"
#include "base/timeconv_int.h"
#include "plugin/host_int.h"

#ifndef PLUGINDIR
#define PLUGINDIR "/usr/local/lib/touchline/plugins"
#endif

struct tl_plugin_ctx {
  Tl_phost *h;
  int mod;
  int in_init;
  tl_rc reg_rc;           /* the first refused registration */
};

struct tl_input {
  const Tl_pinput_ops *ops;
  Tl_presult *r;
  int stop;
};

static void
herr(Tl_phost *h, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
  va_end(ap);
}

static char *
xstrdup(const char *s)
{
  return s ? strdup(s) : NULL;
}

const char *
Tl_phost_plugindir(void)
{
  return PLUGINDIR;
}

static const char *const kind_names[TL_EV_LAST] = {
  NULL, "created", "modified", "accessed", "opened", "executed", "renamed",
  "deleted", "copied", "downloaded", "shared", "changed", "observed",
  "logon", "logoff", "loaded", "uploaded", "previewed"
};

const char *
Tl_event_kind_name(uint32_t kind)
{
  return kind < TL_EV_LAST ? kind_names[kind] : NULL;
}

/* ---- registration --------------------------------------------------- */

static int
list_ok(const char *const *l)
{
  int n = 0;
  if(!l)
    return 1;
  while(l[n]) {
    if(!*l[n] || ++n > 1024)
      return 0;
  }
  return 1;
}

static tl_rc
h_register(tl_plugin_ctx *ctx, const struct tl_parser *p)
{
  Tl_phost *h;
  Tl_preg *np, *r;
  int i;
  if(!ctx || !ctx->in_init || !p)
    return TL_USAGE;
  h = ctx->h;
  if(p->struct_version < 1 || p->struct_version > TL_PARSER_STRUCT_VERSION) {
    herr(h, "parser descriptor version %u, this host knows 1 to %d",
         (unsigned)p->struct_version, TL_PARSER_STRUCT_VERSION);
    return ctx->reg_rc = TL_ABI;
  }
  if(!p->name || !*p->name || strlen(p->name) > 64 || !p->parse ||
     !p->version || !list_ok(p->claim.globs) || !list_ok(p->claim.names) ||
     !list_ok(p->claim.streams) ||
     (p->claim.signature_len && !p->claim.signature)) {
    herr(h, "a parser descriptor without a name, version or parse "
         "function, or with a bad claim");
    return ctx->reg_rc = TL_USAGE;
  }
  for(i = 0; p->name[i]; i++)
    if(!((p->name[i] >= 'a' && p->name[i] <= 'z') ||
         (p->name[i] >= '0' && p->name[i] <= '9') || p->name[i] == '_' ||
         p->name[i] == '-')) {
      herr(h, "parser name '%s': only a-z, 0-9, '_' and '-'", p->name);
      return ctx->reg_rc = TL_USAGE;
    }
  if(Tl_phost_find(h, p->name)) {
    herr(h, "a parser named '%s' is already registered", p->name);
    return ctx->reg_rc = TL_EXISTS;
  }
  np = realloc(h->parsers, sizeof(*np) * (size_t)(h->n_parsers + 1));
  if(!np)
    return ctx->reg_rc = TL_NOMEM;
  h->parsers = np;
  r = &np[h->n_parsers];
  memset(r, 0, sizeof(*r));
  r->p = *p;
  r->name = xstrdup(p->name);
  r->version = xstrdup(p->version);
  r->description = xstrdup(p->description ? p->description : "");
  if(!r->name || !r->version || !r->description) {
    free(r->name);
    free(r->version);
    free(r->description);
    return ctx->reg_rc = TL_NOMEM;
  }
  r->p.name = r->name;
  r->p.version = r->version;
  r->p.description = r->description;
  r->mod = ctx->mod;
  h->n_parsers++;
  return TL_OK;
}

/* Drop the parsers that module mod registered. */
static void
unregister_mod(Tl_phost *h, int mod)
{
  int i, j = 0;
  for(i = 0; i < h->n_parsers; i++) {
    if(h->parsers[i].mod == mod) {
      free(h->parsers[i].name);
      free(h->parsers[i].version);
      free(h->parsers[i].description);
    } else
      h->parsers[j++] = h->parsers[i];
  }
  h->n_parsers = j;
}

/* Call init of module mod; on failure its registrations are dropped. */
static tl_rc
run_init(Tl_phost *h, int mod, tl_plugin_init_fn init, const char *what)
{
  tl_plugin_ctx ctx;
  char *err = NULL;
  int before = h->n_parsers;
  tl_rc rc;
  ctx.h = h;
  ctx.mod = mod;
  ctx.in_init = 1;
  ctx.reg_rc = TL_OK;
  h->errmsg[0] = 0;
  rc = init(&Tl_host_api, &ctx, &err);
  ctx.in_init = 0;
  if(rc == TL_OK && ctx.reg_rc != TL_OK)
    rc = ctx.reg_rc;
  if(rc == TL_OK && h->n_parsers == before) {
    herr(h, "%s: its init registered no parser", what);
    rc = TL_FAILED;
  } else if(rc == TL_ABI) {
    char tmp[sizeof(h->errmsg)];
    snprintf(tmp, sizeof(tmp), "%s", err ? err : h->errmsg);
    herr(h, "%s: built for another plugin ABI than this host's %d.%d%s%s "
         "(rebuild it against this touchline's <touchline/plugin.h>)",
         what, TL_PLUGIN_ABI_MAJOR, TL_PLUGIN_ABI_MINOR, *tmp ? ": " : "",
         tmp);
  } else if(rc != TL_OK) {
    char tmp[sizeof(h->errmsg)];
    snprintf(tmp, sizeof(tmp), "%s", err ? err : h->errmsg);
    herr(h, "%s: its init failed (%s)%s%s", what, tl_strerror(rc),
         *tmp ? ": " : "", tmp);
  }
  free(err);
  if(rc != TL_OK) {
    unregister_mod(h, mod);
    if(rc != TL_ABI && rc != TL_NOMEM)
      rc = TL_FAILED;
  }
  return rc;
}

static tl_rc
add_mod(Tl_phost *h, int *mod)
{
  Tl_pmod *nm = realloc(h->mods, sizeof(*nm) * (size_t)(h->n_mods + 1));
  if(!nm)
    return TL_NOMEM;
  h->mods = nm;
  memset(&nm[h->n_mods], 0, sizeof(*nm));
  *mod = h->n_mods++;
  return TL_OK;
}

tl_rc
Tl_phost_new(Tl_phost **out)
{
  Tl_phost *h = calloc(1, sizeof(*h));
  const Tl_builtin *b;
  tl_rc rc;
  int mod;
  *out = NULL;
  if(!h)
    return TL_NOMEM;
  for(b = Tl_builtins; b->name; b++) {
    if((rc = add_mod(h, &mod)))
      goto fail;
    h->mods[mod].builtin = 1;
    if((rc = run_init(h, mod, b->init, b->name)))
      goto fail;
  }
  *out = h;
  return TL_OK;
fail:
  Tl_phost_free(h);
  return rc;
}

void
Tl_phost_free(Tl_phost *h)
{
  int i;
  if(!h)
    return;
  for(i = 0; i < h->n_parsers; i++) {
    free(h->parsers[i].name);
    free(h->parsers[i].version);
    free(h->parsers[i].description);
  }
  free(h->parsers);
  for(i = 0; i < h->n_mods; i++) {
    if(h->mods[i].dl)
      dlclose(h->mods[i].dl);
    free(h->mods[i].path);
  }
  free(h->mods);
  free(h);
}

static int
file_sha256(const char *path, char out[65])
{
  unsigned char buf[65536], dg[EVP_MAX_MD_SIZE];
  unsigned dl = 0, i;
  size_t n;
  int ok = -1;
  FILE *f = fopen(path, "rb");
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  if(!f || !m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL))
    goto out;
  while((n = fread(buf, 1, sizeof(buf), f)) > 0)
    if(!EVP_DigestUpdate(m, buf, n))
      goto out;
  if(ferror(f) || !EVP_DigestFinal_ex(m, dg, &dl))
    goto out;
  for(i = 0; i < dl && i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", dg[i]);
  ok = 0;
out:
  if(f)
    fclose(f);
  EVP_MD_CTX_free(m);
  return ok;
}

tl_rc
Tl_phost_load(Tl_phost *h, const char *path)
{
  void *dl;
  void *sym;
  tl_plugin_init_fn init;
  tl_rc rc;
  int mod, i;
  size_t len = path ? strlen(path) : 0;
  char sha[65] = "";
  if(!len) {
    herr(h, "plugin: an empty path");
    return TL_USAGE;
  }
  if(len >= TL_PLUGIN_PATH_MAX) {
    herr(h, "plugin: a path of %zu bytes (at most %d)", len,
         TL_PLUGIN_PATH_MAX - 1);
    return TL_USAGE;
  }
  for(i = 0; i < h->n_mods; i++)
    if(h->mods[i].path && !strcmp(h->mods[i].path, path))
      return TL_OK;
  if(file_sha256(path, sha)) {
    herr(h, "plugin %s: cannot read it: %s", path, strerror(errno));
    return TL_IO;
  }
  /* dlopen searches the library path for a name without '/' */
  if(!strchr(path, '/')) {
    char p2[TL_PLUGIN_PATH_MAX + 2];
    snprintf(p2, sizeof(p2), "./%s", path);
    dl = dlopen(p2, RTLD_NOW | RTLD_LOCAL);
  } else
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if(!dl) {
    const char *e = dlerror();
    herr(h, "plugin %s: cannot load it: %s", path, e ? e : "dlopen failed");
    return TL_IO;
  }
  dlerror();
  sym = dlsym(dl, TL_PLUGIN_INIT_SYMBOL);
  if(!sym) {
    herr(h, "plugin %s: no %s symbol (not a touchline plugin)", path,
         TL_PLUGIN_INIT_SYMBOL);
    dlclose(dl);
    return TL_FAILED;
  }
  if((rc = add_mod(h, &mod))) {
    dlclose(dl);
    return rc;
  }
  memcpy(&init, &sym, sizeof(init));
  {
    char what[TL_PLUGIN_PATH_MAX + 16];
    snprintf(what, sizeof(what), "plugin %s", path);
    rc = run_init(h, mod, init, what);
  }
  if(rc != TL_OK) {
    dlclose(dl);
    h->n_mods--;
    return rc;
  }
  h->mods[mod].dl = dl;
  h->mods[mod].path = xstrdup(path);
  memcpy(h->mods[mod].sha256, sha, sizeof(sha));
  if(!h->mods[mod].path)
    return TL_NOMEM;
  return TL_OK;
}

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

tl_rc
Tl_phost_load_dir(Tl_phost *h, const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL, **nn;
  size_t n = 0, i;
  tl_rc rc = TL_OK;
  if(!d)
    return TL_OK;
  while((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if(l < 4 || strcmp(e->d_name + l - 3, ".so") || e->d_name[0] == '.')
      continue;
    nn = realloc(names, sizeof(*nn) * (n + 1));
    if(!nn) {
      rc = TL_NOMEM;
      goto out;
    }
    names = nn;
    if(!(names[n] = malloc(strlen(dir) + l + 2))) {
      rc = TL_NOMEM;
      goto out;
    }
    sprintf(names[n++], "%s/%s", dir, e->d_name);
  }
  if(n)
    qsort(names, n, sizeof(*names), cmp_str);
  for(i = 0; i < n && rc == TL_OK; i++)
    rc = Tl_phost_load(h, names[i]);
out:
  for(i = 0; i < n; i++)
    free(names[i]);
  free(names);
  closedir(d);
  return rc;
}

tl_rc
Tl_phost_load_env(Tl_phost *h)
{
  const char *v = getenv("TOUCHLINE_PLUGIN_PATH");
  char *copy, *tok, *save = NULL;
  tl_rc rc = TL_OK;
  if(!v || !*v)
    return TL_OK;
  if(!(copy = strdup(v)))
    return TL_NOMEM;
  for(tok = strtok_r(copy, ":", &save); tok && rc == TL_OK;
      tok = strtok_r(NULL, ":", &save)) {
    DIR *d = opendir(tok);
    if(d) {
      closedir(d);
      rc = Tl_phost_load_dir(h, tok);
    } else
      rc = Tl_phost_load(h, tok);
  }
  free(copy);
  return rc;
}

const Tl_preg *
Tl_phost_find(const Tl_phost *h, const char *name)
{
  int i;
  for(i = 0; i < h->n_parsers; i++)
    if(!strcmp(h->parsers[i].name, name))
      return &h->parsers[i];
  return NULL;
}

static int
ci_eq(const char *a, const char *b, int fold)
{
  char fa[1024], fb[1024];
  if(!fold)
    return !strcmp(a, b);
  if(strlen(a) >= sizeof(fa) || strlen(b) >= sizeof(fb))
    return 0;
  return !strcmp(Tl_fold(a, fa, sizeof(fa)), Tl_fold(b, fb, sizeof(fb)));
}

int
Tl_preg_claims(const Tl_preg *p, const char *path, int fold)
{
  const struct tl_claim *c = &p->p.claim;
  const char *base = strrchr(path, '/'), *b2 = strrchr(path, '\\');
  size_t i;
  if(b2 && (!base || b2 > base))
    base = b2;
  base = base ? base + 1 : path;
  for(i = 0; c->names && c->names[i]; i++)
    if(ci_eq(c->names[i], base, fold))
      return 1;
  for(i = 0; c->streams && c->streams[i]; i++)
    if(ci_eq(c->streams[i], path, fold))
      return 1;
  for(i = 0; c->globs && c->globs[i]; i++)
    if(Tl_glob_match(c->globs[i], path, fold) == 1)
      return 1;
  return 0;
}

const Tl_preg *
Tl_phost_choose(const Tl_phost *h, const char *path, const uint8_t *head,
                size_t len, int fold)
{
  const Tl_preg *best = NULL;
  int i, b, best_bid = 0;
  for(i = 0; i < h->n_parsers; i++)
    if(Tl_preg_claims(&h->parsers[i], path, fold))
      return &h->parsers[i];
  for(i = 0; i < h->n_parsers; i++) {
    const struct tl_claim *c = &h->parsers[i].p.claim;
    if(c->signature_len && c->signature_off + c->signature_len <= len &&
       !memcmp(head + c->signature_off, c->signature, c->signature_len))
      return &h->parsers[i];
  }
  for(i = 0; i < h->n_parsers; i++) {
    if(!h->parsers[i].p.bid)
      continue;
    b = h->parsers[i].p.bid(head, len);
    if(b > best_bid) {
      best_bid = b;
      best = &h->parsers[i];
    }
  }
  return best;
}

/* ---- the host table during a parse ---------------------------------- */

static uint64_t
h_size(tl_input *in)
{
  return in ? in->ops->size : 0;
}

static tl_rc
h_read_at(tl_input *in, uint64_t off, void *buf, size_t len, size_t *got)
{
  size_t dummy;
  if(!got)
    got = &dummy;
  *got = 0;
  if(!in || (!buf && len))
    return TL_USAGE;
  if(off >= in->ops->size || !len)
    return TL_OK;
  if(len > in->ops->size - off)
    len = (size_t)(in->ops->size - off);
  return in->ops->read(in->ops->rctx, off, buf, len, got);
}

static const char *
h_path(tl_input *in)
{
  return in ? in->ops->path : NULL;
}

static const char *
h_profile(tl_input *in)
{
  return in ? in->ops->profile : NULL;
}

static void
problem(tl_input *in, const char *fmt, ...)
{
  va_list ap;
  if(in->r->first_problem[0])
    return;
  va_start(ap, fmt);
  vsnprintf(in->r->first_problem, sizeof(in->r->first_problem), fmt, ap);
  va_end(ap);
}

static int
text_ok(const char *s)
{
  return !s || Tl_utf8_valid(s, strlen(s));
}

static int
ref_ok(const struct tl_file_ref *f)
{
  if(f->kind == TL_REF_NONE)
    return 1;
  if(f->kind == TL_REF_MFT)
    return f->mft_entry < (UINT64_C(1) << 48);
  if(f->kind == TL_REF_PATH)
    return f->path && *f->path && text_ok(f->path);
  return 0;
}

/* Why ev is malformed, or NULL. */
static const char *
bad_event(const struct tl_artifact_event *ev)
{
  size_t i;
  if(!ev)
    return "a NULL event";
  if(ev->struct_size < sizeof(*ev))
    return "struct_size smaller than an ABI 1.0 event";
  if(!ev->kind || ev->kind >= TL_EV_LAST)
    return "an unknown event kind";
  if(!ref_ok(&ev->file) || !ref_ok(&ev->parent))
    return "a bad file reference";
  if(ev->file.kind == TL_REF_NONE && !ev->name)
    return "no file reference and no name";
  if(!text_ok(ev->name) || !text_ok(ev->actor) || !text_ok(ev->what))
    return "text that is not UTF-8";
  if(ev->n_attrs > TL_PLUGIN_MAX_ATTRS || (ev->n_attrs && !ev->attrs))
    return "a bad attribute list";
  for(i = 0; i < ev->n_attrs; i++)
    if(!ev->attrs[i].key || !*ev->attrs[i].key ||
       !text_ok(ev->attrs[i].key) || !text_ok(ev->attrs[i].value))
      return "an attribute without a key or not UTF-8";
  return NULL;
}

static tl_rc
h_emit(tl_input *in, const struct tl_artifact_event *ev)
{
  const char *why;
  tl_rc rc;
  if(!in)
    return TL_USAGE;
  if(in->stop)
    return TL_STOP;
  if((why = bad_event(ev))) {
    in->r->n_refused++;
    problem(in, "a malformed event: %s", why);
    return TL_USAGE;
  }
  if((rc = in->ops->on_event(in->ops->ectx, ev)) != TL_OK) {
    in->stop = 1;
    if(in->r->sink_rc == TL_OK)
      in->r->sink_rc = rc;
    return TL_STOP;
  }
  in->r->n_events++;
  return TL_OK;
}

static void
h_corrupt(tl_input *in, uint64_t off, const char *why)
{
  if(!in)
    return;
  in->r->n_corrupt++;
  problem(in, "a bad record at offset %llu: %s", (unsigned long long)off,
          why && text_ok(why) ? why : "(no reason given)");
}

static void
h_warn(tl_input *in, const char *msg)
{
  if(!in || !msg || !text_ok(msg))
    return;
  in->r->n_warn++;
  if(in->ops->on_warn)
    in->ops->on_warn(in->ops->ectx, msg);
}

/* A fact key: a lowercase word ([a-z0-9_-]) up to its first '.', then
** anything printable (share names keep their case). */
static int
fact_key_ok(const char *k)
{
  size_t i, n = k ? strlen(k) : 0;
  int dot = 0;
  if(!n || n > 128 || !text_ok(k))
    return 0;
  for(i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)k[i];
    if(ch < 0x20 || ch == 0x7f)
      return 0;
    if(ch == '.') {
      if(!i || i == n - 1)
        return 0;
      dot = 1;
    } else if(!dot && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                        || ch == '_' || ch == '-'))
      return 0;
  }
  return 1;
}

static tl_rc
h_fact(tl_input *in, const char *key, const char *value)
{
  tl_rc rc;
  if(!in)
    return TL_USAGE;
  if(!fact_key_ok(key) || !value || strlen(value) > 4096 ||
     !text_ok(value)) {
    in->r->n_refused++;
    problem(in, "a malformed fact%s%s", key && text_ok(key) ? ": " : "",
            key && text_ok(key) ? key : "");
    return TL_USAGE;
  }
  if(!in->ops->on_fact)
    return TL_OK;
  if((rc = in->ops->on_fact(in->ops->ectx, key, value)) != TL_OK) {
    if(in->r->sink_rc == TL_OK)
      in->r->sink_rc = rc;
    in->stop = 1;
    return TL_STOP;
  }
  in->r->n_facts++;
  return TL_OK;
}

static int64_t
h_filetime(uint64_t ft, int *clamped)
{
  return Tl_filetime_to_ns(ft, clamped);
}

static void *
h_alloc(size_t n)
{
  return malloc(n ? n : 1);
}

static void
h_free(void *p)
{
  free(p);
}

const struct tl_host_api Tl_host_api = {
  TL_PLUGIN_ABI_MAJOR, TL_PLUGIN_ABI_MINOR, sizeof(struct tl_host_api),
  h_register, h_size, h_read_at, h_path, h_profile, h_emit,
  h_corrupt, h_warn, h_filetime, h_alloc, h_free,
  h_fact
};

void
Tl_phost_parse(const Tl_preg *p, const Tl_pinput_ops *ops, Tl_presult *r)
{
  struct tl_input in;
  memset(r, 0, sizeof(*r));
  in.ops = ops;
  in.r = r;
  in.stop = 0;
  r->rc = p->p.parse(&Tl_host_api, &in);
  r->failed = !(r->rc == TL_OK || r->rc == TL_WARN || r->rc == TL_CORRUPT)
              || r->sink_rc != TL_OK;
}
