/*
** Cloud matching (cloud_int.h): targets against the files that artifact
** events name by URL (SharePoint and OneDrive in the Microsoft 365 audit
** log), which no image holds; and the site-to-share map that ties a
** SharePoint library to the file share it was copied from.
**
** A target matches a cloud file, best first:
**   cloud-path     its path is the file's path within the site
**                  ("/sites/Space/Shared Documents/a.docx") or its URL;
**   cloud-sitemap  the site map turns the URL into a UNC path
**                  (\\fs01\space\a.docx) that is the target's path: as
**                  written, as the register reads UNC paths (/space/a.docx),
**                  or through the share's local folder that a SYSTEM hive
**                  stated (fact share.space of the item labelled fs01,
**                  or whose host.name fact is fs01:
**                  C:\Shares\Space\a.docx = /Shares/Space/a.docx);
**   cloud-name     only its file name is the target's name or the last
**                  component of its path: weaker, the name may be another
**                  file's.
** Names and paths are compared without regard to case (SharePoint is
** case-blind). Each (target, evidence item, URL) is one occurrence; its
** events in the window are its rows and give its verdict.
*/
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/cloud_int.h"
#include "base/abi_int.h"
#include "base/csv_int.h"
#include "base/names_int.h"
#include "base/pathglob_int.h"
#include "base/strmap_int.h"
#include "base/timeconv_int.h"
#include "store/store_int.h"

#define KMAX 4096

enum { R_PATH, R_SITEMAP, R_NAME };
static const char *const rank_how[] = { "cloud-path", "cloud-sitemap",
                                        "cloud-name" };

typedef struct ctgt {
  int64_t id;
  char *evidence, *scope;
} ctgt;

typedef struct cglob {
  int t;
  int path;               /* a path glob, else a name glob */
  Tl_glob g;
} cglob;

typedef struct cmap {
  char *site;             /* folded host + normalised path of the site */
  char *unc;              /* \\host\share[\...] as given */
} cmap;

typedef struct cocc {
  int t;
  int rank;
  int64_t evid;
  char *label, *division, *url, *detail;
  int64_t *ev, *ts;
  size_t n, cap;
} cocc;

typedef struct cloud {
  ctgt *t;
  int nt;
  Tl_strmap by_path, by_name;
  cglob *globs;
  int ng;
  cmap *maps;
  int nm;
  Tl_strmap shares;
  char **share_local;
  int nsh;
  Tl_strmap host_items;   /* folded host.name -> host_labels[] */
  char **host_labels;
  int nhl;
  Tl_strmap occ_map;
  cocc *occ;
  int nocc, cap_occ;
} cloud;

static void
cloud_free(cloud *k)
{
  int i;
  for(i = 0; i < k->nt; i++) {
    free(k->t[i].evidence);
    free(k->t[i].scope);
  }
  free(k->t);
  for(i = 0; i < k->ng; i++)
    Tl_glob_free(&k->globs[i].g);
  free(k->globs);
  for(i = 0; i < k->nm; i++) {
    free(k->maps[i].site);
    free(k->maps[i].unc);
  }
  free(k->maps);
  for(i = 0; i < k->nsh; i++)
    free(k->share_local[i]);
  free(k->share_local);
  for(i = 0; i < k->nhl; i++)
    free(k->host_labels[i]);
  free(k->host_labels);
  Tl_strmap_free(&k->host_items);
  for(i = 0; i < k->nocc; i++) {
    free(k->occ[i].label);
    free(k->occ[i].division);
    free(k->occ[i].url);
    free(k->occ[i].detail);
    free(k->occ[i].ev);
    free(k->occ[i].ts);
  }
  free(k->occ);
  Tl_strmap_free(&k->by_path);
  Tl_strmap_free(&k->by_name);
  Tl_strmap_free(&k->shares);
  Tl_strmap_free(&k->occ_map);
}

static int
table_exists(tl_case *c, const char *name)
{
  sqlite3_stmt *s;
  int have = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT 1 FROM main.sqlite_master WHERE "
                        "type = 'table' AND name = ?", -1, &s, NULL) !=
     SQLITE_OK)
    return 0;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  have = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return have;
}

static int
hexv(int ch)
{
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ?
         ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* http(s)://host/path?query -> host (folded) and the path, %XX decoded
** when that gives UTF-8 (else as written). 0, or -1 when not a URL. */
static int
url_split(const char *url, char *host, size_t hcap, char *path,
          size_t pcap)
{
  const char *p, *h, *e;
  size_t o = 0;
  char tmp[KMAX];
  if(!strncasecmp(url, "https://", 8))
    h = url + 8;
  else if(!strncasecmp(url, "http://", 7))
    h = url + 7;
  else
    return -1;
  for(e = h; *e && *e != '/' && *e != '?' && *e != '#'; e++)
    ;
  if(e == h || (size_t)(e - h) >= hcap || (size_t)(e - h) >= sizeof(tmp))
    return -1;
  memcpy(tmp, h, (size_t)(e - h));
  tmp[e - h] = '\0';
  Tl_fold(tmp, host, hcap);
  for(p = e; *p && *p != '?' && *p != '#' && o + 1 < pcap; p++) {
    int a, b;
    if(*p == '%' && (a = hexv(p[1])) >= 0 && (b = hexv(p[2])) >= 0) {
      path[o++] = (char)(a * 16 + b);
      p += 2;
    } else
      path[o++] = *p;
  }
  path[o] = '\0';
  if(!Tl_utf8_valid(path, o) || memchr(path, '\0', o)) {
    size_t n = (size_t)(p - e);
    if(n >= pcap)
      n = pcap - 1;
    memcpy(path, e, n);
    path[n] = '\0';
  }
  if(!path[0])
    snprintf(path, pcap, "/");
  return 0;
}

/* A path normalised (Tl_path_normalize) and folded; NULL when too long. */
static char *
normfold(const char *in, char *out, size_t cap)
{
  char n[KMAX];
  if(Tl_path_normalize(in, n, sizeof(n)) < 0)
    return NULL;
  return Tl_fold(n, out, cap);
}

/* ---- loading ---------------------------------------------------------- */

static int
add_key(Tl_strmap *m, const char *prefix, const char *key, int t)
{
  char k[2 * KMAX];
  snprintf(k, sizeof(k), "%s%s", prefix, key);
  return Tl_strmap_add(m, k, t);
}

static tl_rc
load_targets(tl_case *c, cloud *k)
{
  sqlite3_stmt *s;
  int oom = 0, st, cap = 0;
  if(sqlite3_prepare_v2(c->db, "SELECT target_id, path, pattern, name, "
                        "is_glob, evidence, scope FROM target ORDER BY "
                        "target_id", -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query targets");
  while(!oom && (st = sqlite3_step(s)) == SQLITE_ROW) {
    const char *path = (const char *)sqlite3_column_text(s, 1);
    const char *pat = (const char *)sqlite3_column_text(s, 2);
    const char *name = (const char *)sqlite3_column_text(s, 3);
    int glob = sqlite3_column_int(s, 4), t;
    char f[KMAX], host[512], up[KMAX];
    if(k->nt == cap) {
      ctgt *nt = realloc(k->t, sizeof(*nt) * (size_t)(cap = cap * 2 + 64));
      if(!nt) {
        oom = 1;
        break;
      }
      k->t = nt;
    }
    t = k->nt++;
    memset(&k->t[t], 0, sizeof(k->t[t]));
    k->t[t].id = sqlite3_column_int64(s, 0);
    k->t[t].evidence = Tl_col_dup(s, 5, &oom);
    k->t[t].scope = Tl_col_dup(s, 6, &oom);
    if(glob && (pat || name)) {
      cglob *ng = realloc(k->globs, sizeof(*ng) * (size_t)(k->ng + 1));
      if(!ng) {
        oom = 1;
        break;
      }
      k->globs = ng;
      ng[k->ng].t = t;
      ng[k->ng].path = pat != NULL;
      if(Tl_glob_compile(&ng[k->ng].g, pat ? pat : name, 0)) {
        oom = 1;
        break;
      }
      k->ng++;
      continue;
    }
    if(path && !url_split(path, host, sizeof(host), up, sizeof(up))) {
      /* a URL in the register: its host and path */
      char hk[KMAX + 600];
      if(normfold(up, f, sizeof(f))) {
        snprintf(hk, sizeof(hk), "%s%s", host, f);
        oom |= add_key(&k->by_path, "url:", hk, t);
        oom |= add_key(&k->by_name, "", strrchr(f, '/') + 1, t);
      }
      continue;
    }
    if(path && (path[0] == '\\' || path[0] == '/') &&
       (path[1] == '\\' || path[1] == '/') && pat) {
      /* a UNC path: also kept with its host */
      const char *h = path + 2, *e = h;
      char hk[KMAX + 600], hf[512];
      while(*e && *e != '\\' && *e != '/')
        e++;
      if(e > h && (size_t)(e - h) < sizeof(host)) {
        memcpy(host, h, (size_t)(e - h));
        host[e - h] = '\0';
        snprintf(hk, sizeof(hk), "%s%s", Tl_fold(host, hf, sizeof(hf)),
                 Tl_fold(pat, f, sizeof(f)));
        oom |= add_key(&k->by_path, "unc:", hk, t);
      }
    }
    if(pat) {
      oom |= add_key(&k->by_path, "", Tl_fold(pat, f, sizeof(f)), t);
      oom |= add_key(&k->by_name, "", strrchr(f, '/') + 1, t);
    } else if(name)
      oom |= add_key(&k->by_name, "", Tl_fold(name, f, sizeof(f)), t);
  }
  sqlite3_finalize(s);
  if(oom)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  return TL_OK;
}

static tl_rc
load_maps(tl_case *c, cloud *k)
{
  sqlite3_stmt *s;
  int oom = 0, cap = 0;
  if(!table_exists(c, "cloud_sitemap"))
    return TL_OK;
  if(sqlite3_prepare_v2(c->db, "SELECT site_url, unc_prefix FROM "
                        "cloud_sitemap", -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query cloud_sitemap");
  while(sqlite3_step(s) == SQLITE_ROW) {
    const char *u = (const char *)sqlite3_column_text(s, 0);
    const char *unc = (const char *)sqlite3_column_text(s, 1);
    char host[512], up[KMAX], f[KMAX], site[KMAX + 600];
    if(!u || !unc || url_split(u, host, sizeof(host), up, sizeof(up)) ||
       !normfold(up, f, sizeof(f)))
      continue;
    snprintf(site, sizeof(site), "%s%s", host, strcmp(f, "/") ? f : "");
    if(k->nm == cap) {
      cmap *nm = realloc(k->maps, sizeof(*nm) * (size_t)(cap = cap * 2 + 8));
      if(!nm) {
        oom = 1;
        break;
      }
      k->maps = nm;
    }
    k->maps[k->nm].site = strdup(site);
    k->maps[k->nm].unc = strdup(unc);
    if(!k->maps[k->nm].site || !k->maps[k->nm].unc)
      oom = 1;
    k->nm++;
  }
  sqlite3_finalize(s);
  if(oom)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  /* the shares the SYSTEM hives of the items stated: share.NAME = path,
  ** by the item's label and, as the resolver of UNC paths does
  ** (plugin/artifacts.c), by the host name its hive states (host.name) */
  if(!table_exists(c, "evidence_fact"))
    return TL_OK;
  if(sqlite3_prepare_v2(c->db, "SELECT h.value, e.label FROM evidence_fact "
                        "h JOIN evidence e USING(evidence_id) WHERE h.key = "
                        "'host.name' ORDER BY h.fact_id", -1, &s, NULL) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "query evidence_fact");
  while(!oom && sqlite3_step(s) == SQLITE_ROW) {
    const char *hn = (const char *)sqlite3_column_text(s, 0);
    const char *label = (const char *)sqlite3_column_text(s, 1);
    char hf[600];
    char **nl;
    if(!hn || !label || strlen(hn) >= 512)
      continue;
    Tl_fold(hn, hf, sizeof(hf));
    if(!(nl = realloc(k->host_labels, sizeof(*nl) * (size_t)(k->nhl + 1))) ||
       !(nl[k->nhl] = strdup(label))) {
      if(nl)
        k->host_labels = nl;
      oom = 1;
      break;
    }
    k->host_labels = nl;
    oom = Tl_strmap_add(&k->host_items, hf, k->nhl++);
  }
  sqlite3_finalize(s);
  if(oom)
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  if(sqlite3_prepare_v2(c->db, "SELECT name, share, value FROM (SELECT "
                        "e.label AS name, substr(f.key, 7) AS share, "
                        "f.value, 0 AS pri, f.fact_id FROM evidence_fact f "
                        "JOIN evidence e USING(evidence_id) WHERE f.key LIKE "
                        "'share.%' UNION ALL SELECT h.value, substr(f.key, "
                        "7), f.value, 1, f.fact_id FROM evidence_fact f JOIN "
                        "evidence_fact h ON h.evidence_id = f.evidence_id "
                        "AND h.key = 'host.name' WHERE f.key LIKE 'share.%') "
                        "ORDER BY pri, fact_id", -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query evidence_fact");
  while(!oom && sqlite3_step(s) == SQLITE_ROW) {
    const char *label = (const char *)sqlite3_column_text(s, 0);
    const char *share = (const char *)sqlite3_column_text(s, 1);
    const char *local = (const char *)sqlite3_column_text(s, 2);
    char key[1200], fk[1200], n[KMAX];
    char **nl;
    if(!label || !share || !local || strlen(label) + strlen(share) > 1000 ||
       Tl_path_normalize(local, n, sizeof(n)) < 0)
      continue;
    snprintf(key, sizeof(key), "%s\x1f%s", label, share);
    Tl_fold(key, fk, sizeof(fk));
    if(Tl_strmap_get(&k->shares, fk))
      continue;               /* the first statement of it */
    if(!(nl = realloc(k->share_local, sizeof(*nl) * (size_t)(k->nsh + 1))) ||
       !(nl[k->nsh] = strdup(n))) {
      if(nl)
        k->share_local = nl;
      oom = 1;
      break;
    }
    k->share_local = nl;
    oom = Tl_strmap_add(&k->shares, fk, k->nsh++);
  }
  sqlite3_finalize(s);
  return oom ? Tl_set_error(c, TL_NOMEM, "out of memory") : TL_OK;
}

/* ---- matching one event ----------------------------------------------- */

typedef struct hit {
  int t, rank;
  char detail[KMAX];
} hit;

typedef struct hits {
  hit *h;
  int n, cap;
} hits;

static void
hit_add(hits *hs, int t, int rank, const char *detail)
{
  int i;
  for(i = 0; i < hs->n; i++)
    if(hs->h[i].t == t)
      return;                 /* found before, by a better way */
  if(hs->n == hs->cap) {
    hit *nh = realloc(hs->h, sizeof(*nh) * (size_t)(hs->cap = hs->cap * 2 +
                                                     8));
    if(!nh)
      return;
    hs->h = nh;
  }
  hs->h[hs->n].t = t;
  hs->h[hs->n].rank = rank;
  snprintf(hs->h[hs->n].detail, sizeof(hs->h[hs->n].detail), "%s",
           detail ? detail : "");
  hs->n++;
}

static void
hits_of(hits *hs, const Tl_strmap_ent *e, int rank, const char *detail)
{
  int i;
  for(i = 0; e && i < e->n; i++)
    hit_add(hs, e->vals[i], rank, detail);
}

static void
lookup(cloud *k, hits *hs, const char *prefix, const char *key, int rank,
       const char *detail)
{
  char kk[2 * KMAX];
  snprintf(kk, sizeof(kk), "%s%s", prefix, key);
  hits_of(hs, Tl_strmap_get(&k->by_path, kk), rank, detail);
}

static void
path_globs(cloud *k, hits *hs, const char *path, int rank,
           const char *detail)
{
  int i;
  for(i = 0; i < k->ng; i++)
    if(k->globs[i].path && Tl_glob_exec(&k->globs[i].g, path, strlen(path),
                                        1))
      hit_add(hs, k->globs[i].t, rank, detail);
}

static void match_name(cloud *k, const char *bn, const char *bf, hits *hs);

/* Every target the URL matches, best way first. */
static void
match_url(cloud *k, const char *url, hits *hs)
{
  char host[512], up[KMAX], f[KMAX], n[KMAX], hk[KMAX + 600];
  const char *base;
  int i, best = -1;
  size_t best_len = 0;
  hs->n = 0;
  if(url_split(url, host, sizeof(host), up, sizeof(up)) ||
     Tl_path_normalize(up, n, sizeof(n)) < 0)
    return;
  Tl_fold(n, f, sizeof(f));
  /* the path within the site, or the whole URL */
  lookup(k, hs, "", f, R_PATH, NULL);
  snprintf(hk, sizeof(hk), "%s%s", host, f);
  lookup(k, hs, "url:", hk, R_PATH, NULL);
  path_globs(k, hs, n, R_PATH, NULL);
  /* the site map: the longest site that holds the URL */
  for(i = 0; i < k->nm; i++) {
    size_t l = strlen(k->maps[i].site);
    if(l > best_len && !strncmp(hk, k->maps[i].site, l) &&
       (hk[l] == '/' || !hk[l])) {
      best = i;
      best_len = l;
    }
  }
  if(best >= 0) {
    /* the rest of the path, as written (not folded), after the site */
    char unc[KMAX], m[KMAX], mf[KMAX], hf[512], key[KMAX + 600];
    const char *rest = n, *uh, *ue, *sp;
    size_t j;
    /* skip as many components of the path as the site has (folding may
    ** change byte lengths, components it keeps) */
    for(sp = k->maps[best].site + strlen(host); *sp; sp++)
      if(*sp == '/') {
        const char *nx = strchr(rest + 1, '/');
        rest = nx ? nx : rest + strlen(rest);
      }
    snprintf(unc, sizeof(unc), "%s%s", k->maps[best].unc, rest);
    for(j = 0; unc[j]; j++)
      if(unc[j] == '/')
        unc[j] = '\\';
    /* as written in the register, with its host */
    uh = unc + 2;
    for(ue = uh; *ue && *ue != '\\'; ue++)
      ;
    if(ue > uh && (size_t)(ue - uh) < sizeof(hf) &&
       Tl_path_normalize(unc, m, sizeof(m)) >= 0) {
      char h[512];
      memcpy(h, uh, (size_t)(ue - uh));
      h[ue - uh] = '\0';
      Tl_fold(m, mf, sizeof(mf));
      snprintf(key, sizeof(key), "%s%s", Tl_fold(h, hf, sizeof(hf)), mf);
      lookup(k, hs, "unc:", key, R_SITEMAP, unc);
      /* as the register reads a UNC path: the host dropped */
      lookup(k, hs, "", mf, R_SITEMAP, unc);
      path_globs(k, hs, m, R_SITEMAP, unc);
      /* through the share's local folder (fact share.NAME of the item
      ** labelled as the host) */
      {
        const char *sh = m + 1, *se = strchr(sh, '/');
        char sk[1200], skf[1200], loc[KMAX + 10], lf[KMAX];
        const Tl_strmap_ent *e;
        size_t sl = se ? (size_t)(se - sh) : strlen(sh);
        if(sl && sl < 512) {
          snprintf(sk, sizeof(sk), "%s\x1f%.*s", h, (int)sl, sh);
          Tl_fold(sk, skf, sizeof(skf));
          if((e = Tl_strmap_get(&k->shares, skf)) && e->n) {
            snprintf(loc, sizeof(loc), "%s%s", k->share_local[e->vals[0]],
                     se ? se : "");
            if(normfold(loc, lf, sizeof(lf))) {
              lookup(k, hs, "", lf, R_SITEMAP, unc);
              if(Tl_path_normalize(loc, m, sizeof(m)) >= 0)
                path_globs(k, hs, m, R_SITEMAP, unc);
            }
          }
        }
      }
    }
  }
  /* the file name only */
  base = strrchr(f, '/');
  if(base && base[1])
    match_name(k, strrchr(n, '/') + 1, base + 1, hs);
}

/* Targets by file name only: bn as written, bf folded. */
static void
match_name(cloud *k, const char *bn, const char *bf, hits *hs)
{
  int i;
  hits_of(hs, Tl_strmap_get(&k->by_name, bf), R_NAME, NULL);
  for(i = 0; i < k->ng; i++)
    if(!k->globs[i].path && Tl_glob_exec(&k->globs[i].g, bn, strlen(bn), 1))
      hit_add(hs, k->globs[i].t, R_NAME, NULL);
}

/* A record that names its file by name alone (SourceFileName, no URL):
** name matches only, its occurrence's path "name (no URL in the log)". */
static void
match_bare_name(cloud *k, const char *name, hits *hs)
{
  char f[KMAX];
  hs->n = 0;
  if(strchr(name, '/') || strchr(name, '\\'))
    return;
  Tl_fold(name, f, sizeof(f));
  match_name(k, name, f, hs);
}

/* Is name the host, or the label of an item whose host.name it is? */
static int
names_host(const cloud *k, const char *name, const char *host)
{
  char hf[600];
  const Tl_strmap_ent *e;
  int i;
  if(!*host)
    return 0;
  if(!strcasecmp(name, host))
    return 1;
  if(strlen(host) >= 512 || !(e = Tl_strmap_get(&k->host_items,
                                                 Tl_fold(host, hf,
                                                         sizeof(hf)))))
    return 0;
  for(i = 0; i < e->n; i++)
    if(!strcasecmp(name, k->host_labels[e->vals[i]]))
      return 1;
  return 0;
}

/* The evidence and scope columns, as for image matches (match.c): the
** cloud item's label or division, or the host the site map names (or the
** label of the item whose host name it is). */
static int
in_scope(const cloud *k, const ctgt *t, const char *label,
         const char *division, const char *unc)
{
  char host[512] = "";
  if(unc && unc[0] == '\\' && unc[1] == '\\') {
    const char *h = unc + 2, *e = strchr(h, '\\');
    size_t l = e ? (size_t)(e - h) : strlen(h);
    if(l < sizeof(host)) {
      memcpy(host, h, l);
      host[l] = '\0';
    }
  }
  if(t->evidence && strcasecmp(t->evidence, label) &&
     !names_host(k, t->evidence, host))
    return 0;
  if(t->scope && strcasecmp(t->scope, label) &&
     (!division || strcasecmp(t->scope, division)) &&
     !names_host(k, t->scope, host))
    return 0;
  return 1;
}

static int
occ_add(cloud *k, const hit *h, int64_t evid, const char *label,
        const char *division, const char *url, int64_t event_id,
        int64_t t_ns)
{
  char key[KMAX + 64];
  const Tl_strmap_ent *e;
  cocc *o;
  snprintf(key, sizeof(key), "%d\x1f%lld\x1f%s", h->t, (long long)evid,
           url);
  if((e = Tl_strmap_get(&k->occ_map, key)) && e->n)
    o = &k->occ[e->vals[0]];
  else {
    if(k->nocc == k->cap_occ) {
      cocc *no = realloc(k->occ, sizeof(*no) *
                         (size_t)(k->cap_occ = k->cap_occ * 2 + 64));
      if(!no)
        return -1;
      k->occ = no;
    }
    o = &k->occ[k->nocc];
    memset(o, 0, sizeof(*o));
    o->t = h->t;
    o->rank = h->rank;
    o->evid = evid;
    o->label = strdup(label);
    o->division = division ? strdup(division) : NULL;
    o->url = strdup(url);
    o->detail = h->detail[0] ? strdup(h->detail) : NULL;
    if(!o->label || !o->url || Tl_strmap_add(&k->occ_map, key, k->nocc))
      return -1;
    k->nocc++;
  }
  if(o->n == o->cap) {
    size_t nc = o->cap * 2 + 8;
    int64_t *ne = realloc(o->ev, sizeof(*ne) * nc), *nt;
    if(!ne)
      return -1;
    o->ev = ne;
    if(!(nt = realloc(o->ts, sizeof(*nt) * nc)))
      return -1;
    o->ts = nt;
    o->cap = nc;
  }
  o->ev[o->n] = event_id;
  o->ts[o->n++] = t_ns;
  return 0;
}

/* ---- rows and verdicts ------------------------------------------------ */

struct cfind {
  int acc, cop, mod, ren, del;
  char *why;
  size_t len, cap;
  int listed, more;
};

static void
say(struct cfind *f, const char *fmt, ...) __attribute__((format(printf, 2,
                                                                  3)));

static void
say(struct cfind *f, const char *fmt, ...)
{
  char line[2400];
  size_t tl;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  tl = strlen(line);
  if(f->len + tl + 3 > f->cap) {
    size_t nc = (f->len + tl + 3) * 2;
    char *ns = realloc(f->why, nc);
    if(!ns)
      return;
    f->why = ns;
    f->cap = nc;
  }
  if(f->len) {
    memcpy(f->why + f->len, "; ", 2);
    f->len += 2;
  }
  memcpy(f->why + f->len, line, tl + 1);
  f->len += tl;
}

struct evinfo {
  const char *kind, *actor, *parser, *artifact;
  const char *op, *ip, *ua, *weight, *wreason, *anon, *new_name;
};

/* The row kind (x_row.kind) of a cloud event and the verdict flag it sets
** (NULL: none). */
static const char *
row_kind(const struct evinfo *v, int **flag, struct cfind *f,
         const char **verb)
{
  const char *k = v->kind ? v->kind : "";
  *flag = NULL;
  if(!strcmp(k, "accessed") || !strcmp(k, "opened")) {
    *flag = &f->acc;
    *verb = "accessed";
    return "accessed";
  }
  if(!strcmp(k, "previewed")) {
    *flag = &f->acc;
    *verb = "previewed";
    return "accessed";
  }
  if(!strcmp(k, "downloaded")) {
    *flag = &f->cop;
    *verb = "downloaded (a copy left the cloud)";
    return "copied";
  }
  if(!strcmp(k, "copied")) {
    *flag = &f->cop;
    *verb = "copied";
    return "copied";
  }
  if(!strcmp(k, "modified")) {
    *flag = &f->mod;
    *verb = "modified";
    return "modified";
  }
  if(!strcmp(k, "uploaded") || !strcmp(k, "created")) {
    *flag = &f->mod;
    *verb = "uploaded (written into the cloud)";
    return "modified";
  }
  if(!strcmp(k, "renamed")) {
    *flag = &f->ren;
    *verb = "renamed or moved";
    return "renamed";
  }
  if(!strcmp(k, "deleted")) {
    *flag = &f->del;
    *verb = "deleted";
    return "deleted";
  }
  if(!strcmp(k, "shared") && v->anon && !strcmp(v->anon, "yes")) {
    *flag = &f->acc;
    *verb = "accessed by an anonymous user through a sharing link";
    return "accessed";
  }
  if(!strcmp(k, "shared")) {
    *verb = "shared (made available to others; not itself a read)";
    return "changed";
  }
  *verb = k;
  return "changed";
}

static tl_rc
emit_occ(tl_case *c, cloud *k, cocc *o, int64_t from, int64_t to,
         sqlite3_stmt *ins_occ, sqlite3_stmt *ins_row, sqlite3_stmt *q_ev,
         sqlite3_stmt *q_attr, sqlite3_stmt *upd)
{
  struct cfind f;
  char lead[5][600], *why;
  int64_t occ_id, first = 0, last = 0;
  size_t i, j, n_rows = 0;
  const char *verdict;
  tl_rc rc = TL_OK;

  memset(&f, 0, sizeof(f));
  sqlite3_bind_int64(ins_occ, 1, k->t[o->t].id);
  sqlite3_bind_int64(ins_occ, 2, o->evid);
  Tl_bind_text(ins_occ, 3, o->label);
  Tl_bind_text(ins_occ, 4, o->division);
  Tl_bind_text(ins_occ, 5, o->url);
  Tl_bind_text(ins_occ, 6, rank_how[o->rank]);
  if(sqlite3_step(ins_occ) != SQLITE_DONE) {
    sqlite3_reset(ins_occ);
    return Tl_set_sqlite_error(c, "insert cloud occurrence");
  }
  sqlite3_reset(ins_occ);
  occ_id = sqlite3_last_insert_rowid(c->db);
  if(o->rank == R_PATH)
    say(&f, "in the cloud (%s): matched by its path in the site", o->label);
  else if(o->rank == R_SITEMAP)
    say(&f, "in the cloud (%s): matched through the site map as %s",
        o->label, o->detail ? o->detail : "?");
  else
    say(&f, "in the cloud (%s): matched by file name only, weaker than a "
        "path match (the name may be another file's)", o->label);
  /* events in time order (insertion sort: few per occurrence) */
  for(i = 1; i < o->n; i++)
    for(j = i; j > 0 && (o->ts[j] < o->ts[j - 1] ||
                         (o->ts[j] == o->ts[j - 1] &&
                          o->ev[j] < o->ev[j - 1])); j--) {
      int64_t a = o->ts[j], b = o->ev[j];
      o->ts[j] = o->ts[j - 1];
      o->ev[j] = o->ev[j - 1];
      o->ts[j - 1] = a;
      o->ev[j - 1] = b;
    }
  for(i = 0; i < o->n && !rc; i++) {
    struct evinfo v;
    const char *rk, *verb;
    int *flag, automation;
    char note[3000], t[48], extra[1400], *a[7] = {NULL};
    size_t ai;
    if(o->ts[i] < from || o->ts[i] >= to)
      continue;
    memset(&v, 0, sizeof(v));
    sqlite3_bind_int64(q_ev, 1, o->ev[i]);
    if(sqlite3_step(q_ev) != SQLITE_ROW) {
      sqlite3_reset(q_ev);
      continue;
    }
    v.kind = (const char *)sqlite3_column_text(q_ev, 0);
    v.actor = (const char *)sqlite3_column_text(q_ev, 1);
    v.parser = (const char *)sqlite3_column_text(q_ev, 2);
    v.artifact = (const char *)sqlite3_column_text(q_ev, 3);
    /* each attribute copied: a column's text lives until the next step */
    sqlite3_bind_int64(q_attr, 1, o->ev[i]);
    while(sqlite3_step(q_attr) == SQLITE_ROW) {
      const char *key = (const char *)sqlite3_column_text(q_attr, 0);
      const char *val = (const char *)sqlite3_column_text(q_attr, 1);
      char **slot = NULL;
      if(!key || !val)
        continue;
      if(!strcmp(key, "Operation"))
        slot = &a[0];
      else if(!strcmp(key, "ClientIP"))
        slot = &a[1];
      else if(!strcmp(key, "UserAgent"))
        slot = &a[2];
      else if(!strcmp(key, "weight"))
        slot = &a[3];
      else if(!strcmp(key, "weight_reason"))
        slot = &a[4];
      else if(!strcmp(key, "anonymous"))
        slot = &a[5];
      else if(!strcmp(key, "new_path") || (!strcmp(key, "new_name") &&
                                            !a[6]))
        slot = &a[6];
      if(slot) {
        free(*slot);
        *slot = strdup(val);
      }
    }
    sqlite3_reset(q_attr);
    v.op = a[0];
    v.ip = a[1];
    v.ua = a[2];
    v.weight = a[3];
    v.wreason = a[4];
    v.anon = a[5];
    v.new_name = a[6];
    rk = row_kind(&v, &flag, &f, &verb);
    automation = v.weight && !strcmp(v.weight, "automation");
    /* an automation account's row is listed, as observed: no verdict, no
    ** touch, no burst (a SharePoint sweep is not a person collecting) */
    if(automation)
      rk = "observed";
    Tl_format_ns(o->ts[i], t, sizeof(t));
    extra[0] = '\0';
    if(v.new_name)
      snprintf(extra, sizeof(extra), " to %s", v.new_name);
    snprintf(note, sizeof(note), "%s: %s%s by %s from %s (%s) [%s]%s%s%s "
             "(%s)", v.parser ? v.parser : "cloud", verb, extra,
             v.actor ? v.actor : "(unknown user)", v.ip ? v.ip :
             "(no client IP)", v.ua && *v.ua ? v.ua : "no user agent",
             v.op ? v.op : v.kind ? v.kind : "?",
             v.weight ? "; weight " : "", v.weight ? v.weight : "",
             automation ? ": not a person, not counted towards the verdict" :
             v.weight ? ": supports, does not prove, a read" : "",
             v.artifact ? v.artifact : "?");
    sqlite3_bind_int64(ins_row, 1, occ_id);
    sqlite3_bind_int64(ins_row, 2, o->ts[i]);
    Tl_bind_text(ins_row, 3, rk);
    Tl_bind_text(ins_row, 4, v.parser);
    Tl_bind_text(ins_row, 5, o->label);
    Tl_bind_text(ins_row, 6, o->url);
    Tl_bind_text(ins_row, 7, note);
    sqlite3_bind_int64(ins_row, 8, o->ev[i]);
    if(sqlite3_step(ins_row) != SQLITE_DONE)
      rc = Tl_set_sqlite_error(c, "insert cloud row");
    sqlite3_reset(ins_row);
    if(flag && !automation) {
      char *l = lead[flag == &f.cop ? 0 : flag == &f.del ? 1 : flag ==
                     &f.mod ? 2 : flag == &f.ren ? 3 : 4];
      if(!*flag)
        snprintf(l, sizeof(lead[0]), "%.*s %s by %s from %s",
                 (int)strcspn(verb, " "), verb, t,
                 v.actor ? v.actor : "(unknown user)", v.ip ? v.ip :
                 "(no client IP)");
      *flag = 1;
    }
    if(!automation) {
      if(!n_rows++)
        first = o->ts[i];
      last = o->ts[i];
    }
    if(f.listed < 20) {
      f.listed++;
      say(&f, "%s%s: %s by %s from %s (%s) [%s]%s%s", verb, extra, t,
          v.actor ? v.actor : "(unknown user)", v.ip ? v.ip :
          "(no client IP)", v.ua && *v.ua ? v.ua : "no user agent",
          v.op ? v.op : "?", automation ? " automation (" : v.weight ?
          " weak evidence (" : "", automation || v.weight ?
          (v.wreason ? v.wreason : v.weight) : "");
      if(automation || v.weight)
        say(&f, "%s", automation ? "not counted towards the verdict)" :
            "supports, does not prove, a read)");
    } else
      f.more++;
    sqlite3_reset(q_ev);
    for(ai = 0; ai < 7; ai++)
      free(a[ai]);
  }
  if(f.more)
    say(&f, "and %d more row(s)", f.more);
  if(!n_rows)
    say(&f, "no evidence in the window");
  verdict = f.cop ? "copied" : f.del ? "deleted" : f.mod ? "modified" :
            f.ren ? "renamed" : f.acc ? "accessed" : "none";
  /* the first reason says what weighs most, who, from where, when, and
  ** how strong the match is: a report that shows one line shows that */
  {
    const char *l = f.cop ? lead[0] : f.del ? lead[1] : f.mod ? lead[2] :
                    f.ren ? lead[3] : f.acc ? lead[4] : NULL;
    size_t need = (f.why ? f.len : 0) + 1200;
    if((why = malloc(need)))
      snprintf(why, need, "%s%s(%s: %s)%s%s", l ? l : "", l ? " " : "",
               o->label, o->rank == R_PATH ? "cloud, path match" :
               o->rank == R_SITEMAP ? "cloud, site-map match" :
               "cloud, file name match only: weaker than a path match",
               f.why ? "; " : "", f.why ? f.why : "");
    free(f.why);
    f.why = why;
  }
  sqlite3_bind_text(upd, 1, verdict, -1, SQLITE_STATIC);
  sqlite3_bind_int(upd, 2, f.acc);
  sqlite3_bind_int(upd, 3, f.cop);
  sqlite3_bind_int(upd, 4, f.mod);
  sqlite3_bind_int(upd, 5, f.ren);
  sqlite3_bind_int(upd, 6, f.del);
  Tl_bind_opt_int(upd, 7, n_rows > 0, first);
  Tl_bind_opt_int(upd, 8, n_rows > 0, last);
  sqlite3_bind_int64(upd, 9, (int64_t)n_rows);
  Tl_bind_text(upd, 10, f.why ? f.why : "");
  sqlite3_bind_int64(upd, 11, occ_id);
  if(!rc && sqlite3_step(upd) != SQLITE_DONE)
    rc = Tl_set_sqlite_error(c, "update cloud occurrence");
  sqlite3_reset(upd);
  free(f.why);
  return rc;
}

static int
occ_cmp(const void *a, const void *b, void *ctx)
{
  const cloud *k = ctx;
  const cocc *x = &k->occ[*(const int *)a];
  const cocc *y = &k->occ[*(const int *)b];
  int r;
  if(k->t[x->t].id != k->t[y->t].id)
    return k->t[x->t].id < k->t[y->t].id ? -1 : 1;
  if((r = strcmp(x->label, y->label)))
    return r;
  return strcmp(x->url, y->url);
}

tl_rc
Tl_cloud_collect(tl_case *c, int64_t from, int64_t to)
{
  cloud k;
  hits hs;
  sqlite3_stmt *s = NULL, *ins_occ = NULL, *ins_row = NULL, *q_ev = NULL,
               *q_attr = NULL, *upd = NULL;
  int *order = NULL, i, st;
  tl_rc rc = TL_OK;

  memset(&k, 0, sizeof(k));
  memset(&hs, 0, sizeof(hs));
  if(!table_exists(c, "artifact_event") || !table_exists(c, "target"))
    return TL_OK;
  if((rc = load_targets(c, &k)) || !k.nt || (rc = load_maps(c, &k)))
    goto out;
  /* events naming a file by URL, and M365 records naming it by name
  ** alone (no URL in the record: matched by name, not dropped) */
  if(sqlite3_prepare_v2(c->db, "SELECT a.event_id, a.evidence_id, e.label, "
                        "e.division, coalesce(a.path, a.name), a.t_ns, "
                        "a.path IS NULL FROM artifact_event a "
                        "JOIN evidence e USING(evidence_id) WHERE "
                        "a.object_id IS NULL AND ((a.ref_kind = 'path' AND "
                        "(a.path LIKE 'https://%' OR a.path LIKE "
                        "'http://%')) OR (a.parser = 'm365' AND a.path IS "
                        "NULL AND a.name IS NOT NULL AND a.name <> '')) "
                        "ORDER BY a.event_id", -1, &s, NULL) !=
     SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "query cloud events");
    goto out;
  }
  while((st = sqlite3_step(s)) == SQLITE_ROW) {
    const char *label = (const char *)sqlite3_column_text(s, 2);
    const char *div = (const char *)sqlite3_column_text(s, 3);
    const char *url = (const char *)sqlite3_column_text(s, 4);
    int h;
    char bare[KMAX];
    if(!label || !url || strlen(url) >= KMAX - 32)
      continue;
    if(sqlite3_column_int(s, 6)) {
      match_bare_name(&k, url, &hs);
      snprintf(bare, sizeof(bare), "%s (no URL in the log)", url);
      url = bare;
    } else
      match_url(&k, url, &hs);
    for(h = 0; h < hs.n; h++) {
      if(!in_scope(&k, &k.t[hs.h[h].t], label, div,
                   hs.h[h].rank == R_SITEMAP ? hs.h[h].detail : NULL))
        continue;
      if(occ_add(&k, &hs.h[h], sqlite3_column_int64(s, 1), label, div, url,
                 sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 5))) {
        rc = Tl_set_error(c, TL_NOMEM, "out of memory");
        goto out;
      }
    }
  }
  if(st != SQLITE_DONE) {
    rc = Tl_set_sqlite_error(c, "query cloud events");
    goto out;
  }
  if(!k.nocc)
    goto out;
  if(sqlite3_prepare_v2(c->db, "INSERT INTO x_occ(target_id, object_id, "
                        "evidence_id, evidence, division, path, deleted, "
                        "size, match) VALUES(?1, NULL, ?2, ?3, ?4, ?5, 0, "
                        "NULL, ?6)", -1, &ins_occ, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "INSERT INTO x_row(occ_id, t_ns, kind, "
                        "source, macb, object_id, evidence, path, note, "
                        "artifact) VALUES(?1, ?2, ?3, ?4, '....', NULL, ?5, "
                        "?6, ?7, ?8)", -1, &ins_row, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT kind, actor, parser, artifact_path "
                        "FROM artifact_event WHERE event_id = ?", -1, &q_ev,
                        NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT key, value FROM artifact_attr WHERE "
                        "event_id = ? ORDER BY ord", -1, &q_attr, NULL) !=
     SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "UPDATE x_occ SET verdict = ?1, accessed = "
                        "?2, copied = ?3, modified = ?4, renamed = ?5, "
                        "deleted_in_window = ?6, first_ns = ?7, last_ns = "
                        "?8, n_evidence = ?9, reasons = ?10 WHERE occ_id = "
                        "?11", -1, &upd, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare cloud occurrences");
    goto out;
  }
  if(!(order = malloc(sizeof(*order) * (size_t)k.nocc))) {
    rc = Tl_set_error(c, TL_NOMEM, "out of memory");
    goto out;
  }
  for(i = 0; i < k.nocc; i++)
    order[i] = i;
  qsort_r(order, (size_t)k.nocc, sizeof(*order), occ_cmp, &k);
  for(i = 0; i < k.nocc && !rc; i++)
    rc = emit_occ(c, &k, &k.occ[order[i]], from, to, ins_occ, ins_row, q_ev,
                  q_attr, upd);
out:
  free(order);
  free(hs.h);
  sqlite3_finalize(s);
  sqlite3_finalize(ins_occ);
  sqlite3_finalize(ins_row);
  sqlite3_finalize(q_ev);
  sqlite3_finalize(q_attr);
  sqlite3_finalize(upd);
  cloud_free(&k);
  return rc;
}

/* ---- the site map: `touchline targets CASE sitemap import FILE` -------- */

/* A value without the blanks around it, or NULL when empty. */
static char *
trimmed(char *v)
{
  size_t n;
  while(*v == ' ' || *v == '\t')
    v++;
  n = strlen(v);
  while(n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    v[--n] = '\0';
  return *v ? v : NULL;
}

static tl_rc
sitemap_import(tl_case *c, const char *csv_path,
               const struct tl_import_opts *o, struct tl_import_result *res)
{
  Tl_csv r;
  sqlite3_stmt *ins = NULL;
  int col_site = -1, col_unc = -1, got, i, in_tx = 0;
  tl_rc rc = TL_OK;

  memset(res, 0, sizeof(*res));
  memset(&r, 0, sizeof(r));
  if(!(r.f = fopen(csv_path, "rb")))
    return Tl_set_error(c, TL_IO, "%s: %s", csv_path, strerror(errno));
  if((got = Tl_csv_next(&r)) <= 0) {
    rc = Tl_set_error(c, TL_FAILED, "%s:%ld: %s", csv_path, got ? r.line :
                      1, got ? r.error : "empty file: no header line");
    goto out;
  }
  for(i = 0; i < r.n; i++) {
    char *h = trimmed(r.field[i]);
    if(h && !strcasecmp(h, "site_url") && col_site < 0)
      col_site = i;
    else if(h && !strcasecmp(h, "unc_prefix") && col_unc < 0)
      col_unc = i;
    else {
      rc = Tl_set_error(c, TL_FAILED, "%s:1: column %d: '%.60s' (the "
                        "columns are site_url and unc_prefix, once each)",
                        csv_path, i + 1, h ? h : "");
      goto out;
    }
  }
  if(col_site < 0 || col_unc < 0) {
    rc = Tl_set_error(c, TL_FAILED, "%s:1: the header needs site_url and "
                      "unc_prefix", csv_path);
    goto out;
  }
  if((rc = Tl_begin_write(c, o->wait_s, o->on_wait, o->wait_ctx)))
    goto out;
  in_tx = 1;
  if(!o->append && (rc = Tl_exec(c, "DELETE FROM cloud_sitemap")))
    goto out;
  if(sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO cloud_sitemap("
                        "site_url, unc_prefix, line) VALUES(?,?,?)", -1,
                        &ins, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  while((got = Tl_csv_next(&r)) != 0) {
    char host[512], up[KMAX], *site, *unc;
    const char *bad = NULL, *h;
    size_t n;
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
    if(r.n != 2) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%d fields, the header has 2", r.n);
      continue;
    }
    site = trimmed(r.field[col_site]);
    unc = trimmed(r.field[col_unc]);
    if(!site || !unc)
      bad = "site_url and unc_prefix must both be given";
    else if(url_split(site, host, sizeof(host), up, sizeof(up)))
      bad = "site_url is not an http:// or https:// URL with a host";
    else if(!((unc[0] == '\\' || unc[0] == '/') &&
              (unc[1] == '\\' || unc[1] == '/')))
      bad = "unc_prefix is not a UNC path (\\\\host\\share)";
    else {
      for(h = unc + 2; *h && *h != '\\' && *h != '/'; h++)
        ;
      if(h == unc + 2 || !*h || !h[1])
        bad = "unc_prefix names no host and share (\\\\host\\share)";
    }
    if(bad) {
      res->n_bad++;
      Tl_import_report(o, csv_path, r.line, "%s", bad);
      continue;
    }
    /* kept without a trailing separator, back slashes in the UNC path */
    n = strlen(site);
    while(n > 8 && site[n - 1] == '/')
      site[--n] = '\0';
    for(n = 0; unc[n]; n++)
      if(unc[n] == '/')
        unc[n] = '\\';
    while(n > 2 && unc[n - 1] == '\\')
      unc[--n] = '\0';
    Tl_bind_text(ins, 1, site);
    Tl_bind_text(ins, 2, unc);
    sqlite3_bind_int64(ins, 3, r.line);
    if(sqlite3_step(ins) != SQLITE_DONE) {
      rc = Tl_set_sqlite_error(c, "insert cloud_sitemap");
      goto out;
    }
    sqlite3_reset(ins);
    res->n_imported++;
  }
  if(res->n_bad && !o->skip_bad) {
    rc = Tl_set_error(c, TL_FAILED, "%s: %llu malformed row(s); nothing "
                      "imported (fix them, or --skip-bad to import the %llu"
                      " good rows)", csv_path,
                      (unsigned long long)res->n_bad,
                      (unsigned long long)res->n_imported);
    res->n_imported = 0;
    goto out;
  }
  if(!(rc = Tl_exec(c, "COMMIT")))
    in_tx = 0;
out:
  sqlite3_finalize(ins);
  if(in_tx)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  fclose(r.f);
  Tl_csv_free(&r);
  return rc;
}

tl_rc
tl_sitemap_import(tl_case *c, const char *csv_path,
                  const struct tl_import_opts *opts,
                  struct tl_import_result *result)
{
  struct tl_import_opts o;
  struct tl_import_result res;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC || !csv_path || !opts)
    return TL_USAGE;
  if(!Tl_result_ok(result))
    return Tl_set_error(c, TL_USAGE, "import: result struct_size not set");
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "import: options struct_size not "
                        "understood");
  if(c->readonly)
    return Tl_set_error(c, TL_USAGE, "sitemap: the case is read-only");
  rc = sitemap_import(c, csv_path, &o, &res);
  res.struct_size = sizeof(res);
  Tl_result_out(result, &res, sizeof(res));
  return rc;
}
