/* walk/claimindex.c: the one index of every parser's claims decides as the
** matcher it replaced, which ran every glob (kept below, as it was in
** walk/claims.c), for the built-in parsers and for made-up claim sets, over
** the corpus's file names, the names of a file list ($TL_CLAIMS_LIST, one
** path a line: `fls -r -p` of an image), every claim instantiated with case
** variants and near misses, and random paths. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "tap.h"
#include "base/pathglob_int.h"
#include "base/strmap_int.h"
#include "plugin/host_int.h"
#include "walk/claimindex_int.h"

/* ---- the linear matcher, as walk/claims.c had it ------------------------ */

typedef struct gclaim {
  Tl_glob g;
  char suffix[64];          /* the literal end of the pattern, or "" */
  int parser;
} gclaim;

typedef struct old_claims {
  Tl_strmap keys;           /* "n:" folded name, "s:" folded path:stream */
  gclaim *globs;
  int n_globs;
  unsigned char name_len[256];
  int names_any;
} old_claims;

static int
add_key(old_claims *cl, const char *pre, const char *s, int parser)
{
  char fold[1024], key[1100];
  if(strlen(s) >= sizeof(fold))
    return 0;
  Tl_fold(s, fold, sizeof(fold));
  snprintf(key, sizeof(key), "%s%s", pre, fold);
  return Tl_strmap_add(&cl->keys, key, parser);
}

static old_claims *
old_new(const Tl_phost *h)
{
  old_claims *cl = calloc(1, sizeof(*cl));
  int i, k;
  if(!cl)
    abort();
  for(i = 0; i < h->n_parsers; i++) {
    const struct tl_claim *c = &h->parsers[i].p.claim;
    for(k = 0; c->names && c->names[k]; k++) {
      const unsigned char *u = (const unsigned char *)c->names[k];
      size_t nl = strlen(c->names[k]);
      if(add_key(cl, "n:", c->names[k], i))
        abort();
      for(; *u && *u < 0x80; u++)
        ;
      if(*u || nl > 255)
        cl->names_any = 1;
      else
        cl->name_len[nl] = 1;
    }
    for(k = 0; c->streams && c->streams[k]; k++) {
      char norm[1024];
      const char *s = c->streams[k];
      if(Tl_path_normalize(s, norm, sizeof(norm)) >= 0)
        s = norm;
      if(add_key(cl, "s:", s, i))
        abort();
    }
    for(k = 0; c->globs && c->globs[k]; k++) {
      gclaim *ng = realloc(cl->globs, sizeof(*ng) * (size_t)(cl->n_globs
                                                             + 1));
      const char *p = c->globs[k], *e;
      size_t l;
      if(!ng)
        abort();
      cl->globs = ng;
      ng = &cl->globs[cl->n_globs];
      memset(ng, 0, sizeof(*ng));
      if(Tl_glob_check(p) || Tl_glob_compile(&ng->g, p, 1))
        continue;
      ng->parser = i;
      e = p + strlen(p);
      l = 0;
      while(e > p && e[-1] != '*' && e[-1] != '?' && e[-1] != '/' &&
            e[-1] != '\\') {
        e--;
        l++;
      }
      if(e > p && e[-1] != '/' && e[-1] != '\\' && l < sizeof(ng->suffix))
        memcpy(ng->suffix, e, l + 1);
      cl->n_globs++;
    }
  }
  return cl;
}

static void
old_free(old_claims *cl)
{
  int k;
  Tl_strmap_free(&cl->keys);
  for(k = 0; k < cl->n_globs; k++)
    Tl_glob_free(&cl->globs[k].g);
  free(cl->globs);
  free(cl);
}

static int
ascii(const char *s)
{
  const unsigned char *u = (const unsigned char *)s;
  for(; *u; u++)
    if(*u >= 0x80)
      return 0;
  return 1;
}

static int
old_match(old_claims *cl, const char *path, size_t len, const char *name,
          int stream)
{
  char fold[1100], key[1200];
  const Tl_strmap_ent *e;
  size_t nl = strlen(name);
  int k;
  if(nl < 1000 && !stream && (cl->names_any || nl > 255 || cl->name_len[nl]
                               || !ascii(name))) {
    memcpy(key, "n:", 2);
    Tl_fold(name, key + 2, sizeof(key) - 2);
    if((e = Tl_strmap_get(&cl->keys, key)))
      return e->vals[0];
  }
  if(stream && len < 1000) {
    memcpy(key, "s:", 2);
    memcpy(fold, path, len);
    fold[len] = 0;
    Tl_fold(fold, key + 2, sizeof(key) - 2);
    if((e = Tl_strmap_get(&cl->keys, key)))
      return e->vals[0];
  }
  if(stream)
    return -1;
  for(k = 0; k < cl->n_globs; k++) {
    gclaim *g = &cl->globs[k];
    size_t sl = strlen(g->suffix);
    if(sl && (nl < sl || strcasecmp(name + nl - sl, g->suffix)))
      continue;
    if(Tl_glob_exec(&g->g, path, len, 1) == 1)
      return g->parser;
  }
  return -1;
}

/* ---- the names --------------------------------------------------------- */

typedef struct item {
  char *path;
  char *name;               /* NULL: the path's last component */
  int stream;
} item;

static item *items;
static size_t n_items, cap_items;

static void
add3(const char *path, const char *name, int stream)
{
  item *it;
  if(n_items == cap_items) {
    cap_items = cap_items ? cap_items * 2 : 4096;
    if(!(items = realloc(items, cap_items * sizeof(*items))))
      abort();
  }
  it = &items[n_items++];
  it->path = strdup(path);
  it->name = name ? strdup(name) : NULL;
  it->stream = stream;
  if(!it->path || (name && !it->name))
    abort();
}

static void
add(const char *path)
{
  add3(path, NULL, 0);
}

static const char *
base_of(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned
rnd(unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* Pieces of names: ASCII, the letters folding treats specially (long s,
** capital sharp s, final sigma, Kelvin sign (not folded), dotted I, micro
** sign, full-width A, Cyrillic), invalid and cut UTF-8. */
static const char *const pieces[] = {
  "a", "B", "x", ".", "-", "_", " ", "$", "1", "lnk", "LNK", ".Lnk", "pf",
  "evtx", "DAT", "dat", "info", "INFO2", "Destinations-ms", "ms", "$I",
  "$i", "$R", "ntuser", "NTUSER", "SYSTEM", "Users", "Windows", "\xc5\xbf",
  "\xe1\xba\x9e", "\xc3\x9f", "\xcf\x82", "\xce\xa3", "\xe2\x84\xaa",
  "\xc4\xb0", "\xc2\xb5", "\xce\xbc", "\xef\xbc\xa1", "\xd0\x96", "\xff",
  "\x80", "\xc3", "\xe2\x84", "\xf0\x9f\x98\x80", "\xc3\xa9", "\xc3\x89",
  ":", "\\", "?", "*"
};

static void
rand_word(char *out, size_t cap, unsigned max_pieces)
{
  unsigned n = rnd(max_pieces + 1), i;
  out[0] = 0;
  for(i = 0; i < n; i++) {
    const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
    if(strlen(out) + strlen(p) + 1 < cap)
      strcat(out, p);
  }
}

/* Change the case of ASCII letters and of some others (both ways). */
static void
vary_case(char *s, int how)
{
  static const char *const pairs[][2] = {
    {"\xc3\xa9", "\xc3\x89"}, {"\xcf\x83", "\xce\xa3"},
    {"\xd0\xb6", "\xd0\x96"}, {"\xef\xbd\x81", "\xef\xbc\xa1"}
  };
  size_t i, k;
  for(i = 0; s[i]; i++) {
    int up = how == 0 ? 1 : how == 1 ? 0 : (int)rnd(2);
    if(s[i] >= 'a' && s[i] <= 'z' && up)
      s[i] = (char)(s[i] - 32);
    else if(s[i] >= 'A' && s[i] <= 'Z' && !up)
      s[i] = (char)(s[i] + 32);
    for(k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
      const char *from = pairs[k][up ? 0 : 1], *to = pairs[k][up ? 1 : 0];
      size_t l = strlen(from);
      if(!strncmp(s + i, from, l) && strlen(to) == l) {
        memcpy(s + i, to, l);
        i += l - 1;
        break;
      }
    }
  }
}

/* A path a glob should match: its wildcards filled in. */
static void
instantiate(const char *pat, char *out, size_t cap)
{
  size_t o = 0;
  const char *p = pat;
  char w[64];
  if(*p != '/' && *p != '\\' && rnd(2)) {
    /* relative: at any depth */
    rand_word(w, sizeof(w), 2);
    o += (size_t)snprintf(out + o, cap - o, "/%s/", w);
  }
  while(*p && o + 80 < cap) {
    if(p[0] == '*' && p[1] == '*') {
      unsigned n = rnd(3), i;
      while(*p == '*')
        p++;
      for(i = 0; i < n; i++) {
        rand_word(w, sizeof(w), 2);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "/" : "", w);
      }
      if(!n && (*p == '/' || *p == '\\'))
        p++;             /* "**" "/" as nothing */
      continue;
    }
    if(*p == '*') {
      rand_word(w, sizeof(w), 3);
      /* no separator inside one '*' */
      o += (size_t)snprintf(out + o, cap - o, "%s", strchr(w, '/') ? "" :
                            strchr(w, '\\') ? "" : w);
      p++;
      continue;
    }
    if(*p == '?') {
      out[o++] = "aZ.$9"[rnd(5)];
      p++;
      continue;
    }
    out[o++] = *p == '\\' ? '/' : *p;
    p++;
  }
  out[o] = 0;
}

/* Near misses: one byte dropped, changed or added, a suffix added. */
static void
mutate_add(const char *s)
{
  char buf[1200];
  size_t l = strlen(s), at;
  if(!l || l + 8 >= sizeof(buf))
    return;
  at = rnd((unsigned)l);
  memcpy(buf, s, at);
  memcpy(buf + at, s + at + 1, l - at);
  add(buf);
  memcpy(buf, s, l + 1);
  buf[at] = "xY/.\x80*"[rnd(6)];
  add(buf);
  memcpy(buf, s, at);
  buf[at] = "q/.\xc5"[rnd(4)];
  memcpy(buf + at + 1, s + at, l - at + 1);
  add(buf);
  snprintf(buf, sizeof(buf), "%s%s", s, rnd(2) ? "x" : ".bak");
  add(buf);
  snprintf(buf, sizeof(buf), "%s/child", s);
  add(buf);
}

static void
add_claims_of(const Tl_phost *h)
{
  char buf[1200], w[64];
  int i, k, rep, how;
  for(i = 0; i < h->n_parsers; i++) {
    const struct tl_claim *c = &h->parsers[i].p.claim;
    for(k = 0; c->globs && c->globs[k]; k++)
      for(rep = 0; rep < 40; rep++) {
        instantiate(c->globs[k], buf, sizeof(buf));
        vary_case(buf, rep % 3);
        add(buf);
        mutate_add(buf);
      }
    for(k = 0; c->names && c->names[k]; k++)
      for(how = 0; how < 3; how++) {
        rand_word(w, sizeof(w), 2);
        snprintf(buf, sizeof(buf), "/%s/%s", w, c->names[k]);
        vary_case(buf, how);
        add(buf);
        mutate_add(buf);
      }
    for(k = 0; c->streams && c->streams[k]; k++)
      for(how = 0; how < 3; how++) {
        const char *colon = strrchr(c->streams[k], ':');
        char file[1024];
        snprintf(buf, sizeof(buf), "%s", c->streams[k]);
        vary_case(buf, how);
        snprintf(file, sizeof(file), "%.*s", colon ? (int)(colon -
                 c->streams[k]) : (int)strlen(buf), buf);
        add3(buf, base_of(file), 1);
        add3(buf, base_of(file), 0);
        buf[strlen(buf) - 1] ^= 1;
        add3(buf, base_of(file), 1);
      }
  }
}

static void
add_tree(const char *root, const char *rel)
{
  char full[4096], sub[4096];
  struct dirent *d;
  DIR *dir;
  snprintf(full, sizeof(full), "%s%s", root, rel);
  if(!(dir = opendir(full)))
    return;
  while((d = readdir(dir))) {
    struct stat st;
    if(!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
      continue;
    snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name);
    snprintf(full, sizeof(full), "%s%s", root, sub);
    add(sub);
    if(!lstat(full, &st) && S_ISDIR(st.st_mode))
      add_tree(root, sub);
  }
  closedir(dir);
}

/* Paths of a list: one a line, or a bodyfile's second field; "C:" and
** fls's "r/r 123-128-1:\t" dropped. */
static size_t
add_list(const char *file)
{
  char line[4096];
  size_t n = 0;
  FILE *f = fopen(file, "r");
  if(!f)
    return 0;
  while(fgets(line, sizeof(line), f)) {
    char *p = line, *e, *tab;
    line[strcspn(line, "\r\n")] = 0;
    if(!strncmp(p, "0|", 2)) {
      p += 2;
      if((e = strchr(p, '|')))
        *e = 0;
    }
    if((tab = strchr(p, '\t')))
      p = tab + 1;
    if(p[0] && p[1] == ':')
      p += 2;
    if(*p != '/') {
      char b[4100];
      snprintf(b, sizeof(b), "/%s", p);
      add(b);
    } else
      add(p);
    n++;
  }
  fclose(f);
  return n;
}

/* ---- comparing --------------------------------------------------------- */

/* Both matchers over items[from..): the number of differing decisions
** (the first few shown) and of claims. */
static size_t
compare(const Tl_phost *h, size_t from, size_t *n_claimed)
{
  old_claims *o = old_new(h);
  Tl_claimix *x;
  size_t i, bad = 0;
  *n_claimed = 0;
  if(Tl_claimix_new(h, &x) || !x)
    return (size_t)-1;
  for(i = from; i < n_items; i++) {
    const item *it = &items[i];
    const char *nm = it->name ? it->name : base_of(it->path);
    size_t len = strlen(it->path);
    int a = old_match(o, it->path, len, nm, it->stream);
    int b = Tl_claimix_match(x, it->path, len, nm, it->stream);
    if(a != b && ++bad <= 5)
      printf("#   '%s' (name '%s'%s): linear %d, index %d\n", it->path, nm,
             it->stream ? ", stream" : "", a, b);
    if(a >= 0)
      (*n_claimed)++;
  }
  Tl_claimix_free(x);
  old_free(o);
  return bad;
}

/* A made-up registry: parsers with the given claims. */
static Tl_phost *
fake_host(const struct tl_claim *claims, int n)
{
  Tl_phost *h = calloc(1, sizeof(*h));
  int i;
  if(!h || !(h->parsers = calloc((size_t)n, sizeof(*h->parsers))))
    abort();
  for(i = 0; i < n; i++)
    h->parsers[i].p.claim = claims[i];
  h->n_parsers = n;
  return h;
}

static void
free_fake(Tl_phost *h)
{
  free(h->parsers);
  free(h);
}

static int
claim_of(Tl_claimix *x, const char *path, int stream)
{
  return Tl_claimix_match(x, path, strlen(path), base_of(path), stream);
}

static const char *const f_globs1[] = {
  "**/*.lnk", "/a/**/b?c", "*.TXT", "x/**", "/\xc3\x9cn\xc3\xaf" "code/*\xc5\xbf",
  "/exact/path/FILE", "/p/**", "**/*Destinations-ms", "a**b", "/q/a**",
  "/r/**x/y", "\\win\\*.Dll", "/Users/*/NTUSER.DAT", NULL
};
static const char *const f_names1[] = { "INFO2", "\xc3\x89t\xc3\xa9", NULL };
static const char *const f_streams1[] = { "C:\\$Extend\\$UsnJrnl:$J",
                                          "/a/b:Zone.Identifier", NULL };
static const char *const f_globs2[] = {
  "/$Recycle.Bin/**/$I*", "/RECYCLER/**/INFO2", "/RECYCLED/INFO", "??",
  "/\xff\xfe/*", "**/\xc3\xa9*\xce\xa3", "*.txt", NULL
};
static const char *const f_names2[] = { "$J", "thumbs.db", "info2", NULL };
static const char *const f_globs3[] = { "**/*", NULL };

int
main(void)
{
  Tl_phost *h = NULL, *f;
  Tl_claimix *x;
  const char *corpus = getenv("TL_CORPUS"), *list = getenv("TL_CLAIMS_LIST");
  size_t i, n0, claimed, bad;
  int p_evtx = -1, p_reg = -1, p_rb = -1, p_lnk = -1, p_jl = -1, p_pf = -1,
      p_usn = -1;
  char buf[512], w[64];
  clock_t t0;
  double t_old, t_new;

  if(Tl_phost_new(&h) || !h) {
    printf("Bail out! no plugin host\n");
    return 1;
  }
  for(i = 0; i < (size_t)h->n_parsers; i++) {
    const char *n = h->parsers[i].name;
    int k = (int)i;
    if(!strcmp(n, "evtx")) p_evtx = k;
    if(!strcmp(n, "registry")) p_reg = k;
    if(!strcmp(n, "recyclebin")) p_rb = k;
    if(!strcmp(n, "lnk")) p_lnk = k;
    if(!strcmp(n, "jumplist")) p_jl = k;
    if(!strcmp(n, "prefetch")) p_pf = k;
    if(!strcmp(n, "usnjrnl")) p_usn = k;
  }

  /* the built-in parsers claim what their READMEs say */
  if(Tl_claimix_new(h, &x) || !x) {
    printf("Bail out! no index\n");
    return 1;
  }
  is_int(claim_of(x, "/Windows/System32/winevt/Logs/Security.evtx", 0),
         p_evtx, "evtx: Security.evtx");
  is_int(claim_of(x, "/WINDOWS/system32/WINEVT/logs/Microsoft-Windows-"
                  "SMBServer%4Security.EVTX", 0), p_evtx,
         "evtx: case-blind");
  is_int(claim_of(x, "/Windows/System32/winevt/Logs/old/Security.evtx", 0),
         -1, "evtx: not below Logs");
  is_int(claim_of(x, "/Users/alice/NTUSER.DAT", 0), p_reg,
         "registry: NTUSER.DAT");
  is_int(claim_of(x, "/users/Alice/ntuser.dat", 0), p_reg,
         "registry: ntuser.dat");
  is_int(claim_of(x, "/Users/alice/x/NTUSER.DAT", 0), -1,
         "registry: not deeper");
  is_int(claim_of(x, "/Users/alice/NTUSER.DAT.LOG1", 0), -1,
         "registry: not NTUSER.DAT.LOG1");
  is_int(claim_of(x, "/Windows/System32/config/SYSTEM", 0), p_reg,
         "registry: SYSTEM");
  is_int(claim_of(x, "/Users/bob/AppData/Local/Microsoft/Windows/"
                  "UsrClass.dat", 0), p_reg, "registry: UsrClass.dat");
  is_int(claim_of(x, "/$Recycle.Bin/S-1-5-21-1-2-3-1001/$IABC123.docx", 0),
         p_rb, "recyclebin: $I file");
  is_int(claim_of(x, "/$RECYCLE.BIN/S-1-5-21-1-2-3-1001/$iabc123.docx", 0),
         p_rb, "recyclebin: case-blind");
  is_int(claim_of(x, "/$Recycle.Bin/S-1-5-21-1-2-3-1001/$RABC123.docx", 0),
         -1, "recyclebin: not $R");
  is_int(claim_of(x, "/RECYCLER/S-1-5-21/INFO2", 0), p_rb,
         "recyclebin: INFO2");
  is_int(claim_of(x, "/Users/a/Desktop/Report.LNK", 0), p_lnk, "lnk");
  is_int(claim_of(x, "/Users/a/AppData/Roaming/Microsoft/Windows/Recent/"
                  "AutomaticDestinations/5f7b5f1e01b83767.automatic"
                  "Destinations-ms", 0), p_jl, "jumplist: automatic");
  is_int(claim_of(x, "/x/1.customDestinations-ms", 0), p_jl,
         "jumplist: custom");
  is_int(claim_of(x, "/Windows/Prefetch/CMD.EXE-087B4001.pf", 0), p_pf,
         "prefetch");
  is_int(claim_of(x, "/Windows/Prefetch/sub/CMD.EXE-087B4001.pf", 0), -1,
         "prefetch: not below");
  is_int(claim_of(x, "/$Extend/$UsnJrnl:$J", 1), p_usn, "usnjrnl: stream");
  is_int(claim_of(x, "/$Extend/$UsnJrnl:$Max", 1), -1,
         "usnjrnl: not $Max");
  is_int(claim_of(x, "/Windows/System32/kernel32.dll", 0), -1,
         "a DLL: no claim");
  {
    /* files no parser claims are rejected without running a glob */
    static const char *const miss[] = {
      "/Windows/System32/kernel32.dll", "/Users/a/Documents/report.docx",
      "/Program Files/x/y.exe", "/a/b/c", "/$MFT", "/Users/a/ntuser.ini",
      "/Windows/Prefetch/Layout.ini", "/Windows/inf/setupapi.dev.log"
    };
    unsigned long r0 = Tl_claimix_glob_runs(x);
    for(i = 0; i < sizeof(miss) / sizeof(miss[0]); i++)
      if(claim_of(x, miss[i], 0) >= 0)
        break;
    is_int(i, sizeof(miss) / sizeof(miss[0]), "unclaimed files: no claim");
    is_int(Tl_claimix_glob_runs(x) - r0, 0,
           "unclaimed files: no glob run in full");
  }
  Tl_claimix_free(x);

  /* the names: the corpus, a file list, the claims, random ones */
  if(corpus && *corpus) {
    n0 = n_items;
    add_tree(corpus, "");
    snprintf(buf, sizeof(buf), "%s/dfvfs/test_data/fls_bodyfile.txt", corpus);
    add_list(buf);
    printf("# %zu names from the corpus\n", n_items - n0);
  } else
    printf("# no corpus (TL_CORPUS): its names are not compared\n");
  if(list && *list)
    printf("# %zu names from %s\n", add_list(list), list);
  {
    static const char *const given[] = {
      "/Windows/System32/winevt/Logs/Security.evtx",
      "/Windows/System32/winevt/Logs/System.evtx",
      "/Windows/System32/winevt/Logs/Application.evtx",
      "/Windows/System32/winevt/Logs/Microsoft-Windows-TerminalServices-"
      "LocalSessionManager%4Operational.evtx",
      "/Users/alice/NTUSER.DAT", "/Users/Default/NTUSER.DAT",
      "/Documents and Settings/bob/NTUSER.DAT",
      "/Users/alice/NTUSER.DAT.LOG1", "/Users/alice/ntuser.dat.LOG2",
      "/$Recycle.Bin/S-1-5-21-3623811015-3361044348-30300820-1013/$I9WKQ2M.pdf",
      "/$Recycle.Bin/S-1-5-21-3623811015-3361044348-30300820-1013/$R9WKQ2M.pdf",
      "/$Recycle.Bin/desktop.ini", "/RECYCLER/S-1-5-21-1/INFO2",
      "/RECYCLED/INFO2", "/RECYCLED/INFO", "/Recycled/Info2",
      "/Users/alice/Desktop/Notes.lnk",
      "/Users/alice/AppData/Roaming/Microsoft/Windows/Recent/a.docx.lnk",
      "/Users/alice/AppData/Roaming/Microsoft/Windows/Recent/"
      "AutomaticDestinations/1b4dd67f29cb1962.automaticDestinations-ms",
      "/Users/alice/AppData/Roaming/Microsoft/Windows/Recent/"
      "CustomDestinations/28c8b86deab549a1.customDestinations-ms",
      "/Windows/Prefetch/CMD.EXE-4A81B364.pf", "/Windows/Prefetch/Layout.ini",
      "/Windows/System32/config/SYSTEM", "/Windows/System32/config/SOFTWARE",
      "/Windows/System32/config/SYSTEM.LOG1", "/$Extend/$UsnJrnl",
      "/$Extend/$J", "/$MFT", "/", "", "a", "/.lnk", "lnk", "/pf"
    };
    for(i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
      int how;
      add(given[i]);
      for(how = 0; how < 3; how++) {
        snprintf(buf, sizeof(buf), "%s", given[i]);
        vary_case(buf, how);
        add(buf);
        mutate_add(buf);
      }
    }
    add3("/$Extend/$UsnJrnl:$J", "$UsnJrnl", 1);
    add3("/$Extend/$UsnJrnl:$j", "$UsnJrnl", 1);
    add3("/$EXTEND/$USNJRNL:$J", "$USNJRNL", 1);
    add3("/$Extend/$UsnJrnl:$Max", "$UsnJrnl", 1);
    add3("/$Extend/$UsnJrnl:$J", "$J", 0);
    add3("/a/b:Zone.Identifier", "b", 1);
    add3("/a/x.lnk:Zone.Identifier", "x.lnk", 1);
    add3("/a/x.lnk:Zone.Identifier", "x.lnk", 0);
    add3("/a/other", "INFO2", 0);
    add3("/a/other.lnk", "x.LNK", 0);
    add3("/a/x.lnk", "other", 0);
  }
  add_claims_of(h);
  for(i = 0; i < 20000; i++) {
    unsigned d = rnd(5), k;
    buf[0] = 0;
    for(k = 0; k < d + 1; k++) {
      rand_word(w, sizeof(w), 4);
      if(strlen(buf) + strlen(w) + 2 < sizeof(buf)) {
        if(k || rnd(8))
          strcat(buf, "/");
        strcat(buf, w);
      }
    }
    add(buf);
    if(!rnd(4))
      add3(buf, w, 1);
  }
  n0 = n_items;

  bad = compare(h, 0, &claimed);
  is_int(bad, 0, "built-in parsers: %zu names, the index decides as the "
         "linear matcher", n_items);
  ok(claimed > 1000, "built-in parsers: %zu of them claimed", claimed);

  /* timing, for the record (not a test) */
  {
    old_claims *o = old_new(h);
    int sink = 0, rep;
    if(Tl_claimix_new(h, &x) || !x)
      return 1;
    t0 = clock();
    for(rep = 0; rep < 5; rep++)
      for(i = 0; i < n_items; i++)
        sink += old_match(o, items[i].path, strlen(items[i].path),
                          items[i].name ? items[i].name :
                          base_of(items[i].path), items[i].stream);
    t_old = (double)(clock() - t0) / CLOCKS_PER_SEC;
    t0 = clock();
    for(rep = 0; rep < 5; rep++)
      for(i = 0; i < n_items; i++)
        sink -= Tl_claimix_match(x, items[i].path, strlen(items[i].path),
                                 items[i].name ? items[i].name :
                                 base_of(items[i].path), items[i].stream);
    t_new = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("# 5 x %zu names: linear %.3f s, index %.3f s (%d)\n", n_items,
           t_old, t_new, sink);
    Tl_claimix_free(x);
    old_free(o);
  }

  /* made-up registries: odd globs, non-ASCII, overlaps, order */
  {
    struct tl_claim c[3];
    memset(c, 0, sizeof(c));
    c[0].globs = f_globs1;
    c[0].names = f_names1;
    c[0].streams = f_streams1;
    c[1].globs = f_globs2;
    c[1].names = f_names2;
    c[2].globs = f_globs3;
    f = fake_host(c, 3);
    add_claims_of(f);
    bad = compare(f, 0, &claimed);
    is_int(bad, 0, "made-up claims: %zu names, same decisions", n_items);
    ok(claimed > 1000, "made-up claims: %zu claimed", claimed);
    /* without the catch-all "**" "/" "*" of the last */
    f->n_parsers = 2;
    bad = compare(f, 0, &claimed);
    is_int(bad, 0, "made-up claims, two parsers: same decisions");
    /* order: the second parser's glob is shadowed by the first's */
    if(Tl_claimix_new(f, &x) || !x)
      return 1;
    is_int(claim_of(x, "/d/notes.txt", 0), 0, "order: *.TXT of the first");
    is_int(claim_of(x, "/d/thumbs.db", 0), 1, "a name of the second");
    is_int(claim_of(x, "/x/INFO2", 0), 0, "a name before any glob");
    is_int(claim_of(x, "/\xc3\x9cN\xc3\x8f" "CODE/a\xc5\xbf", 0), 0,
           "a non-ASCII glob, case-blind");
    is_int(claim_of(x, "/q/abc/d", 0), -1, "invalid globs "
           "(a** inside a component) claim nothing");
    is_int(claim_of(x, "/p", 0), 0, "'/p/**' matches /p");
    Tl_claimix_free(x);
    free_fake(f);
  }
  (void)n0;

  for(i = 0; i < n_items; i++) {
    free(items[i].path);
    free(items[i].name);
  }
  free(items);
  Tl_phost_free(h);
  return done_testing();
}
