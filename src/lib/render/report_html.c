/*
** Exposure report as one self-contained HTML file: inline CSS, inline SVG
** and a little inline JS (table sorting, opening a linked file entry);
** nothing is fetched, and a Content-Security-Policy forbids fetching.
**
** Every count links to the entries behind it: a link such as
** #partner-acme_exposed targets a hidden banner at the top of the Files
** section, and CSS rules built for each partner, division, verdict and
** burst (":target ~ ...") then show only the entries that match. The
** filters so work without JS.
**
** All text from the case (names, paths, notes) goes through esc().
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/observe_int.h"
#include "render/report_int.h"
#include "base/names_int.h"
#include "base/timeconv_int.h"

/* Tableau 10: calm, and distinguishable for most colour vision. */
static const char *const palette[] = {
  "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
  "#e15759", "#9c755f", "#ff9da7", "#bab0ac"
};
#define N_PALETTE (sizeof(palette) / sizeof(palette[0]))

/* Names (partners or divisions) and their slugs for ids and classes. */
struct names {
  int n;
  char **name;
  char **slug;
};

/* Text as HTML: controls and bidi controls made visible first (a TAB, LF
** or U+202E in a name never reaches the page raw; docs/OUTPUT-ESCAPING.md),
** then the five HTML specials as entities. */
static void
esc(FILE *o, const char *s)
{
  char *vis;
  for(s = Tl_visible(s, &vis); s && *s; s++) {
    const char *q = s;
    while(*q && !strchr("&<>\"'", *q))
      q++;
    if(q > s) {
      fwrite(s, 1, (size_t)(q - s), o);
      s = q;
      if(!*s)
        break;
    }
    switch(*s) {
    case '&': fputs("&amp;", o); break;
    case '<': fputs("&lt;", o); break;
    case '>': fputs("&gt;", o); break;
    case '"': fputs("&quot;", o); break;
    case '\'': fputs("&#39;", o); break;
    }
  }
  free(vis);
}

static void
esc_col(FILE *o, sqlite3_stmt *s, int i)
{
  esc(o, (const char *)sqlite3_column_text(s, i));
}

/* A path, escaped, with a line-break chance after each separator so
** long paths wrap at folders rather than anywhere. */
static void
esc_path(FILE *o, sqlite3_stmt *s, int i)
{
  const char *p = (const char *)sqlite3_column_text(s, i), *q;
  char *part;
  while(p && (q = strpbrk(p, "/\\"))) {
    if((part = strndup(p, (size_t)(q - p + 1)))) {
      esc(o, part);
      free(part);
    }
    if(q[1])
      fputs("<wbr>", o);
    p = q + 1;
  }
  esc(o, p);
}

static void
names_free(struct names *n)
{
  int i;
  for(i = 0; i < n->n; i++) {
    free(n->name[i]);
    free(n->slug[i]);
  }
  free(n->name);
  free(n->slug);
  memset(n, 0, sizeof(*n));
}

/* prefix + lower-case ASCII letters and digits of name, other runs as '-',
** made unique within n by a numeric suffix. */
static char *
make_slug(const struct names *n, const char *name)
{
  char buf[48];
  size_t len = 0;
  int i, dup, k = 1;
  const unsigned char *p;
  for(p = (const unsigned char *)name; *p && len < 32; p++) {
    int ch = *p;
    if(ch >= 'A' && ch <= 'Z')
      ch += 'a' - 'A';
    if((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
      buf[len++] = (char)ch;
    else if(len && buf[len - 1] != '-')
      buf[len++] = '-';
  }
  while(len && buf[len - 1] == '-')
    len--;
  if(!len) {
    memcpy(buf, "none", 4);
    len = 4;
  }
  buf[len] = '\0';
  do {
    dup = 0;
    for(i = 0; i < n->n; i++)
      if(!strcmp(n->slug[i], buf))
        dup = 1;
    if(dup)
      snprintf(buf + len, sizeof(buf) - len, "-%d", ++k);
  } while(dup);
  return strdup(buf);
}

static tl_rc
names_load(tl_case *c, struct names *n, const char *sql)
{
  sqlite3_stmt *s;
  int r, cap = 0;
  memset(n, 0, sizeof(*n));
  if(!(s = Tl_report_prep(c, sql)))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(n->n == cap) {
      char **a, **b;
      cap = cap ? 2 * cap : 16;
      a = realloc(n->name, cap * sizeof(*a));
      if(a)
        n->name = a;
      b = realloc(n->slug, cap * sizeof(*b));
      if(b)
        n->slug = b;
      if(!a || !b)
        goto nomem;
    }
    n->name[n->n] = strdup(Tl_report_col(s, 0));
    n->slug[n->n] = n->name[n->n] ? make_slug(n, n->name[n->n]) : NULL;
    if(!n->slug[n->n]) {
      free(n->name[n->n]);
      goto nomem;
    }
    n->n++;
  }
  return Tl_report_done(c, s, r);
nomem:
  sqlite3_finalize(s);
  names_free(n);
  return Tl_set_error(c, TL_NOMEM, "report: out of memory");
}

static int
names_find(const struct names *n, const char *name)
{
  int i;
  for(i = 0; i < n->n; i++)
    if(!strcmp(n->name[i], name ? name : ""))
      return i;
  return -1;
}

static const char *
slug_of(const struct names *n, const char *name)
{
  int i = names_find(n, name);
  return i < 0 ? "none" : n->slug[i];
}

static const char *
colour_of(const struct names *n, const char *name)
{
  int i = names_find(n, name);
  return i < 0 ? "#999" : palette[i % N_PALETTE];
}

/* <time> with the full ns timestamp as a tooltip, or "" for NULL; chars
** limits the visible text ("2023-03-14 09:12" is 16). */
static void
htime_n(FILE *o, sqlite3_stmt *s, int i, int chars)
{
  char full[48], shrt[48];
  int64_t ns;
  if(sqlite3_column_type(s, i) == SQLITE_NULL)
    return;
  ns = sqlite3_column_int64(s, i);
  Tl_format_ns(ns, full, sizeof(full));
  Tl_report_time_short(ns, shrt, sizeof(shrt));
  fprintf(o, "<time datetime=\"%s\" title=\"%s\">%.*s</time>", full, full,
          chars, shrt);
}

static void
htime(FILE *o, sqlite3_stmt *s, int i)
{
  htime_n(o, s, i, 19);
}

/* A count that links to its entries, or a muted 0. */
static void
count_link(FILE *o, int64_t v, const char *kind, const char *slug,
           const char *suffix)
{
  if(!v) {
    fputs("<span class=\"zero\">0</span>", o);
    return;
  }
  fprintf(o, "<a class=\"n\" href=\"#%s%s%s%s\">%lld</a>", kind,
          slug ? "-" : "", slug ? slug : "", suffix ? suffix : "",
          (long long)v);
}

static void
chip(FILE *o, const char *verdict)
{
  fputs("<span class=\"chip v-", o);
  esc(o, verdict);
  fputs("\">", o);
  esc(o, verdict);
  fputs("</span>", o);
}

static void
swatch(FILE *o, const char *colour)
{
  fprintf(o, "<span class=\"sw\" style=\"background:%s\"></span>", colour);
}

static const char css[] =
  ":root{--fg:#1f2933;--muted:#6b7785;--line:#e3e7ec;--bg:#f6f7f9;"
  "--card:#fff;--accent:#2f6690}\n"
  "*{box-sizing:border-box}\n"
  "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 "
  "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
  "sans-serif}\n"
  "header{background:#22313f;color:#f4f6f8;padding:28px 0 22px}\n"
  ".wrap{max-width:1240px;margin:0 auto;padding:0 28px}\n"
  "header h1{margin:0 0 6px;font-size:26px;font-weight:600;"
  "letter-spacing:.2px}\n"
  "header .meta{color:#c3ccd5;font-size:14px}\n"
  "header .meta b{color:#fff;font-weight:600}\n"
  "header .meta span+span:before{content:'\\00b7';margin:0 10px;"
  "color:#7d8b99}\n"
  "nav{background:#fff;border-bottom:1px solid var(--line);position:sticky;"
  "top:0;z-index:5}\n"
  "nav a{display:inline-block;padding:10px 14px 9px;color:var(--muted);"
  "text-decoration:none;font-size:14px;border-bottom:2px solid "
  "transparent}\n"
  "nav a:hover{color:var(--fg);border-bottom-color:var(--accent)}\n"
  "main{padding:8px 0 48px}\n"
  "section{margin-top:34px;scroll-margin-top:52px}\n"
  "h2{font-size:19px;font-weight:600;margin:0 0 12px}\n"
  "h2 small{font-weight:400;color:var(--muted);font-size:14px;"
  "margin-left:8px}\n"
  "h4{margin:16px 0 6px;font-size:13px;text-transform:uppercase;"
  "letter-spacing:.6px;color:var(--muted)}\n"
  "a{color:var(--accent)}\n"
  ".cards{display:grid;grid-template-columns:repeat(auto-fit,"
  "minmax(160px,1fr));gap:14px}\n"
  ".card{background:var(--card);border:1px solid var(--line);"
  "border-radius:10px;padding:16px 18px;text-decoration:none;"
  "color:inherit;display:block;transition:border-color .15s}\n"
  "a.card:hover{border-color:var(--accent)}\n"
  ".card .big{font-size:32px;font-weight:600;line-height:1.1;"
  "font-variant-numeric:tabular-nums}\n"
  ".card .big small{font-size:16px;color:var(--muted);font-weight:400}\n"
  ".card .lbl{color:var(--muted);font-size:13px;margin-top:4px}\n"
  ".card.hot .big{color:#b03a2e}\n"
  ".verdicts{margin-top:14px;display:flex;flex-wrap:wrap;gap:8px;"
  "align-items:center;color:var(--muted);font-size:13px}\n"
  ".verdicts a{text-decoration:none}\n"
  ".box{background:var(--card);border:1px solid var(--line);"
  "border-radius:10px;padding:4px 0;overflow-x:auto}\n"
  "table{border-collapse:collapse;width:100%;font-size:14px}\n"
  "th,td{text-align:left;padding:7px 14px;border-bottom:1px solid "
  "var(--line);vertical-align:top}\n"
  "tbody tr:last-child td{border-bottom:0}\n"
  "th{font-size:12px;text-transform:uppercase;letter-spacing:.5px;"
  "color:var(--muted);font-weight:600;white-space:nowrap;"
  "background:var(--card);position:sticky;top:0}\n"
  "table.sortable th{cursor:pointer;user-select:none}\n"
  "table.sortable th:hover{color:var(--fg)}\n"
  "th[aria-sort=ascending]:after{content:' \\25b2';font-size:9px}\n"
  "th[aria-sort=descending]:after{content:' \\25bc';font-size:9px}\n"
  "td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}\n"
  "tbody tr:hover td{background:#fafbfc}\n"
  "td time{white-space:nowrap}\n"
  "a.n{font-weight:600;text-decoration:none;padding:1px 6px;"
  "border-radius:4px}\n"
  "a.n:hover{background:#e5eef5}\n"
  ".zero{color:#b8c0c8;padding:1px 6px}\n"
  ".muted{color:var(--muted)}\n"
  "table.tt{width:auto;white-space:nowrap}\n"
  "table.tt td{padding:0 10px 0 0;border:0;font-size:12px}\n"
  ".path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
  "monospace;font-size:13px;overflow-wrap:break-word}\n"
  ".mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
  "monospace;font-size:13px;white-space:pre}\n"
  "td.path{min-width:180px}\n"
  "h3{font-size:14px;font-weight:600;margin:0 0 8px;color:var(--muted)}\n"
  ".sw{display:inline-block;width:11px;height:11px;border-radius:3px;"
  "margin-right:7px;vertical-align:-1px}\n"
  ".chip{display:inline-block;padding:1px 9px;border-radius:20px;"
  "font-size:12px;font-weight:600;letter-spacing:.2px;"
  "white-space:nowrap}\n"
  ".chip.v-copied{background:#fbe0de;color:#a1261b}\n"
  ".chip.v-deleted{background:#fce6d3;color:#964508}\n"
  ".chip.v-modified{background:#fbf0c4;color:#735600}\n"
  ".chip.v-renamed{background:#ebe3f8;color:#5a3a99}\n"
  ".chip.v-accessed{background:#dcebf8;color:#1f5a8f}\n"
  ".chip.v-none{background:#eceff2;color:#5a6672}\n"
  "figure{margin:0;background:var(--card);border:1px solid var(--line);"
  "border-radius:10px;padding:18px 18px 12px}\n"
  "figure svg{width:100%;height:auto;display:block}\n"
  "figure svg text{font-size:11px;fill:#6b7785}\n"
  "figure rect.bar:hover{opacity:.75}\n"
  ".legend{display:flex;flex-wrap:wrap;gap:6px 20px;margin-top:8px;"
  "font-size:13px;color:var(--muted)}\n"
  ".empty{color:var(--muted);background:var(--card);border:1px dashed "
  "var(--line);border-radius:10px;padding:16px 18px}\n"
  ".flt{display:none;background:#fff8e1;border:1px solid #f0dc9c;"
  "border-radius:8px;padding:9px 14px;margin-bottom:14px;"
  "scroll-margin-top:60px}\n"
  ".flt:target{display:block}\n"
  ".flt a{margin-left:10px}\n"
  ".tg{margin-bottom:24px}\n"
  ".tg .box{max-height:440px;overflow:auto}\n"
  ".tg table{font-size:13px}\n"
  ".tg th,.tg td{padding:6px 8px}\n"
  ".why{display:block}\n"
  ".tools{float:right;font-size:13px}\n"
  ".tools button{font:inherit;background:#fff;border:1px solid "
  "var(--line);border-radius:6px;padding:3px 10px;margin-left:6px;"
  "cursor:pointer;color:var(--fg)}\n"
  ".tools button:hover{border-color:var(--accent)}\n"
  "details.occ{background:var(--card);border:1px solid var(--line);"
  "border-radius:8px;margin-bottom:8px;scroll-margin-top:60px}\n"
  "details.occ[open]{border-color:#c9d3dd;box-shadow:0 1px 4px "
  "rgba(0,0,0,.05)}\n"
  "details.occ:target{border-color:var(--accent)}\n"
  "details.occ>summary{cursor:pointer;padding:10px 14px;display:flex;"
  "gap:12px;align-items:baseline;flex-wrap:wrap;list-style:none}\n"
  "details.occ>summary::-webkit-details-marker{display:none}\n"
  "details.occ>summary:before{content:'\\25b8';color:var(--muted);"
  "width:10px}\n"
  "details.occ[open]>summary:before{content:'\\25be'}\n"
  "details.occ>summary .chip{min-width:76px;text-align:center}\n"
  "details.occ>summary .path{flex:1 1 420px}\n"
  "details.occ>summary .muted{font-size:13px}\n"
  ".occ .body{padding:2px 18px 16px 38px;border-top:1px solid "
  "var(--line)}\n"
  ".occ dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;"
  "margin:12px 0 4px;font-size:14px}\n"
  ".occ dt{color:var(--muted)}\n"
  ".occ dd{margin:0}\n"
  ".occ table{font-size:13px}\n"
  ".occ th{position:static}\n"
  "footer{color:var(--muted);font-size:13px;padding:0 0 40px}\n"
  "@media print{nav,.tools{display:none}details.occ{break-inside:avoid}}\n";

static const char js[] =
  "(function(){\n"
  /* sortable tables: numbers numerically, text (ISO times too) by text */
  "function key(td){var v=td.getAttribute('data-v');"
  "return v!==null?v:td.textContent.trim();}\n"
  "document.querySelectorAll('table.sortable').forEach(function(t){\n"
  " t.querySelectorAll('th').forEach(function(th,i){\n"
  "  th.addEventListener('click',function(){\n"
  "   var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),"
  "asc=th.getAttribute('aria-sort')!=='ascending';\n"
  "   var num=rows.every(function(r){var k=key(r.cells[i]);"
  "return k===''||!isNaN(Number(k));});\n"
  "   rows.sort(function(x,y){var a=key(x.cells[i]),c=key(y.cells[i]);\n"
  "    if(a===''||c==='')return a===c?0:(a===''?1:-1);\n"
  "    var d=num?Number(a)-Number(c):a.localeCompare(c);"
  "return asc?d:-d;});\n"
  "   t.querySelectorAll('th').forEach(function(h){"
  "h.removeAttribute('aria-sort');});\n"
  "   th.setAttribute('aria-sort',asc?'ascending':'descending');\n"
  "   rows.forEach(function(r){b.appendChild(r);});\n"
  "  });\n"
  " });\n"
  "});\n"
  /* a link to one file entry opens it */
  "function reveal(){var id=decodeURIComponent(location.hash.slice(1));"
  "var e=id&&document.getElementById(id);"
  "if(e&&e.tagName==='DETAILS'){e.open=true;e.scrollIntoView();}}\n"
  "window.addEventListener('hashchange',reveal);reveal();\n"
  "function all(open){document.querySelectorAll('details.occ')"
  ".forEach(function(d){if(d.offsetParent!==null)d.open=open;});}\n"
  "var x=document.getElementById('expand'),y=document.getElementById"
  "('collapse');\n"
  "if(x){x.hidden=false;x.onclick=function(){all(true);};}\n"
  "if(y){y.hidden=false;y.onclick=function(){all(false);};}\n"
  "})();\n";

/* A filter: the banner a link targets and the CSS rule showing what
** matches. cls is the one class the entries that match carry; targets_too
** says whether the register table is filtered by it too (else it is
** hidden). */
struct filter {
  char id[96];
  char cls[96];
  int targets_too;
  char *label;      /* HTML, already escaped */
  int64_t n;        /* entries shown */
};

struct ctx {
  tl_case *c;
  FILE *o;
  struct names partners, divisions;
  struct filter *f;
  int nf, capf;
  sqlite3_stmt *rows, *copies;   /* an occurrence's, prepared once */
};

static struct filter *
add_filter(struct ctx *x)
{
  if(x->nf == x->capf) {
    struct filter *nf;
    x->capf = x->capf ? 2 * x->capf : 32;
    if(!(nf = realloc(x->f, x->capf * sizeof(*nf))))
      return NULL;
    x->f = nf;
  }
  memset(&x->f[x->nf], 0, sizeof(x->f[0]));
  return &x->f[x->nf++];
}

/* Escape s into a malloc'd string, for labels built before writing. */
static char *
esc_dup(const char *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if(!m)
    return NULL;
  esc(m, s);
  fclose(m);
  return buf;
}

static tl_rc
filter_add(struct ctx *x, const char *id, const char *cls, int targets_too,
           const char *what, const char *name, int64_t n)
{
  struct filter *f = add_filter(x);
  char *en, *label = NULL;
  size_t len = 0;
  FILE *m;
  if(!f || !(en = esc_dup(name)))
    return Tl_set_error(x->c, TL_NOMEM, "report: out of memory");
  if((m = open_memstream(&label, &len))) {
    fprintf(m, "%s <b>%s</b>", what, en);
    fclose(m);
  }
  free(en);
  if(!label)
    return Tl_set_error(x->c, TL_NOMEM, "report: out of memory");
  snprintf(f->id, sizeof(f->id), "%s", id);
  snprintf(f->cls, sizeof(f->cls), "%s", cls);
  f->targets_too = targets_too;
  f->label = label;
  f->n = n;
  return TL_OK;
}

/* Every filter a count in the report links to. */
static tl_rc
build_filters(struct ctx *x)
{
  sqlite3_stmt *s;
  char id[96], cls[96];
  int r, i;
  tl_rc rc;
  /* '_' never occurs in a slug: "partner-a_exposed" cannot be the id of
  ** a partner called "a exposed" */
  static const char *const st[3][2] = {
    {"", "Files of partner"},
    {"_found", "Found targets and files of partner"},
    {"_exposed", "Exposed targets and files of partner"}
  };

  if((rc = filter_add(x, "found", "f", 1, "Found", "targets and files",
                      Tl_report_count(x->c, "SELECT count(*) FROM x_occ"))) ||
     (rc = filter_add(x, "exposed", "x", 1, "Exposed",
                      "targets and files",
                      Tl_report_count(x->c, "SELECT count(*) FROM x_occ "
                                            "WHERE verdict <> 'none'"))))
    return rc;
  for(i = 0; i < TL_N_VERDICTS; i++) {
    char q[160];
    snprintf(id, sizeof(id), "verdict-%s", Tl_verdicts[i]);
    snprintf(cls, sizeof(cls), "v-%s", Tl_verdicts[i]);
    snprintf(q, sizeof(q), "SELECT count(*) FROM x_occ WHERE verdict = '%s'",
             Tl_verdicts[i]);
    if((rc = filter_add(x, id, cls, 1, "Targets and files with verdict",
                        Tl_verdicts[i], Tl_report_count(x->c, q))))
      return rc;
  }

  if(!(s = Tl_report_prep(x->c,
       "SELECT coalesce(t.partner, ''), count(o.occ_id), "
       "count(CASE WHEN o.verdict <> 'none' THEN 1 END) FROM x_target t "
       "LEFT JOIN x_occ o USING(target_id) GROUP BY 1")))
    return x->c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *p = Tl_report_col(s, 0), *slug = slug_of(&x->partners, p);
    for(i = 0; i < 3; i++) {
      snprintf(id, sizeof(id), "partner-%s%s", slug, st[i][0]);
      snprintf(cls, sizeof(cls), "p-%s%.2s", slug, st[i][0]);
      if((rc = filter_add(x, id, cls, 1, st[i][1],
                          Tl_report_name(p, "(no partner)"),
                          sqlite3_column_int64(s, i == 2 ? 2 : 1)))) {
        sqlite3_finalize(s);
        return rc;
      }
    }
  }
  if((rc = Tl_report_done(x->c, s, r)))
    return rc;

  if(!(s = Tl_report_prep(x->c,
       "SELECT coalesce(division, ''), count(*), sum(verdict <> 'none') "
       "FROM x_occ GROUP BY 1")))
    return x->c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *d = Tl_report_col(s, 0), *slug = slug_of(&x->divisions, d);
    for(i = 0; i < 3; i += 2) {
      snprintf(id, sizeof(id), "division-%s%s", slug, st[i][0]);
      snprintf(cls, sizeof(cls), "d-%s%.2s", slug, st[i][0]);
      if((rc = filter_add(x, id, cls, 0,
                          i ? "Exposed files in division" :
                              "Files in division",
                          Tl_report_name(d, "(no division)"),
                          sqlite3_column_int64(s, i ? 2 : 1)))) {
        sqlite3_finalize(s);
        return rc;
      }
    }
  }
  if((rc = Tl_report_done(x->c, s, r)))
    return rc;

  if(!(s = Tl_report_prep(x->c,
       "SELECT b.burst_id, b.evidence, (SELECT count(*) FROM x_occ o WHERE "
       "o.evidence IS b.evidence AND EXISTS(SELECT 1 FROM x_row r WHERE "
       "r.occ_id = o.occ_id AND r.t_ns BETWEEN b.start_ns AND b.end_ns)) "
       "FROM x_burst b")))
    return x->c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    char name[160];
    long long b = sqlite3_column_int64(s, 0);
    snprintf(id, sizeof(id), "burst-%lld", b);
    snprintf(cls, sizeof(cls), "b-%lld", b);
    snprintf(name, sizeof(name), "#%lld on %s", b, Tl_report_col(s, 1));
    if((rc = filter_add(x, id, cls, 0, "Files touched in burst", name,
                        sqlite3_column_int64(s, 2)))) {
      sqlite3_finalize(s);
      return rc;
    }
  }
  return Tl_report_done(x->c, s, r);
}

/* With any filter targeted, entries are hidden, then those carrying the
** filter's class shown again. Each rule ends in one class, so a browser
** tries only the few rules an element's own classes name: cheap with
** thousands of entries and filters (":not()" rules would try all). */
static void
filter_css(struct ctx *x)
{
  int i;
  fputs(".flt:target~.occs>.occ,.flt:target~.tg tbody>tr{display:none}\n"
        ".notg:target~.tg{display:none}\n", x->o);
  for(i = 0; i < x->nf; i++) {
    const struct filter *f = &x->f[i];
    fprintf(x->o, "#%s:target~.occs>.%s{display:block}\n", f->id, f->cls);
    if(f->targets_too)
      fprintf(x->o, "#%s:target~.tg tbody>.%s{display:table-row}\n", f->id,
              f->cls);
  }
}

static void
filter_banners(struct ctx *x)
{
  int i;
  for(i = 0; i < x->nf; i++)
    fprintf(x->o, "<p class=\"flt%s\" id=\"%s\">%s &mdash; %lld file%s"
            "<a href=\"#files\">show all</a></p>\n",
            x->f[i].targets_too ? "" : " notg", x->f[i].id, x->f[i].label,
            (long long)x->f[i].n, x->f[i].n == 1 ? "" : "s");
}

static tl_rc
head(struct ctx *x)
{
  FILE *o = x->o;
  char *case_path = Tl_report_param_str(x->c, "case_path");
  char *version = Tl_report_param_str(x->c, "tool_version");
  const char *cp = case_path ? case_path : x->c->path ? x->c->path : "";
  const char *base = strrchr(cp, '/');
  int64_t from, to, gen;
  char a[48], b[48];
  int has_from = Tl_report_param_i64(x->c, "from_ns", &from);
  int has_to = Tl_report_param_i64(x->c, "to_ns", &to);

  base = base ? base + 1 : cp;
  if(!Tl_report_param_i64(x->c, "generated_ns", &gen))
    gen = Tl_now_ns();
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n"
        /* no fetching of anything, whatever the evidence text holds */
        "<meta http-equiv=\"Content-Security-Policy\" content=\""
        "default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        "<meta name=\"generator\" content=\"touchline\">\n<title>", o);
  fputs("Exposure report", o);
  if(*base) {
    fputs(" &mdash; ", o);
    esc(o, base);
  }
  fputs("</title>\n<style>\n", o);
  fputs(css, o);
  filter_css(x);
  fputs("</style>\n</head>\n<body>\n<header><div class=\"wrap\">\n"
        "<h1>Exposure report</h1>\n<div class=\"meta\">", o);
  fputs("<span>Case <b title=\"", o);
  esc(o, cp);
  fputs("\">", o);
  esc(o, *base ? base : "(unnamed)");
  fputs("</b></span>", o);
  fprintf(o, "<span>Window <b>%s</b> to <b>%s</b> UTC</span>",
          has_from ? Tl_report_time_short(from, a, sizeof(a)) : "open",
          has_to ? Tl_report_time_short(to, b, sizeof(b)) : "open");
  fprintf(o, "<span>Generated %s UTC", Tl_report_time_short(gen, a,
                                                            sizeof(a)));
  if(version) {
    fputs(" by ", o);
    esc(o, version);
  }
  fputs("</span></div>\n</div></header>\n", o);
  fputs("<nav><div class=\"wrap\"><a href=\"#summary\">Summary</a>"
        "<a href=\"#observability\">Observability</a>"
        "<a href=\"#partners\">Partners</a>"
        "<a href=\"#divisions\">Divisions</a>"
        "<a href=\"#coverage\">Coverage</a>"
        "<a href=\"#activity\">Activity</a><a href=\"#bursts\">Bursts</a>"
        "<a href=\"#anomalies\">Anomalies</a><a href=\"#files\">Files</a>"
        "</div></nav>\n<main class=\"wrap\">\n", o);
  free(case_path);
  free(version);
  return TL_OK;
}

static void
card(FILE *o, const char *href, int64_t v, int64_t of, const char *label,
     int hot)
{
  fprintf(o, "<a class=\"card%s\" href=\"%s\"><div class=\"big\">%lld",
          hot && v ? " hot" : "", href, (long long)v);
  if(of >= 0)
    fprintf(o, " <small>of %lld</small>", (long long)of);
  fprintf(o, "</div><div class=\"lbl\">%s</div></a>\n", label);
}

static tl_rc
summary(struct ctx *x)
{
  FILE *o = x->o;
  tl_case *c = x->c;
  sqlite3_stmt *s;
  int r;
  int64_t targets = Tl_report_count(c, "SELECT count(*) FROM x_target");

  fputs("<section id=\"summary\">\n<h2>Summary</h2>\n"
        "<div class=\"cards\">\n", o);
  card(o, "#register", targets, -1, "targets in the register", 0);
  card(o, "#found", Tl_report_count(c, "SELECT count(*) FROM x_target "
                                       "WHERE found"),
       -1, "found in the evidence", 0);
  card(o, "#exposed", Tl_report_count(c, "SELECT count(*) FROM x_target "
                                         "WHERE exposed"),
       -1, "exposed in the window", 1);
  card(o, "#partners",
       Tl_report_count(c, "SELECT count(DISTINCT coalesce(partner, '')) "
                          "FROM x_target WHERE exposed"),
       Tl_report_count(c, "SELECT count(DISTINCT coalesce(partner, '')) "
                          "FROM x_target"),
       "partners affected", 1);
  card(o, "#coverage", Tl_report_count(c, "SELECT count(*) FROM x_cover"),
       -1, "not found (see why)", 1);
  card(o, "#bursts", Tl_report_count(c, "SELECT count(*) FROM x_burst"), -1,
       "bursts of activity", 0);
  card(o, "#anomalies", Tl_report_count(c, "SELECT count(*) FROM x_anomaly"),
       -1, "anomalies", 0);
  card(o, "#file-anomalies",
       Tl_report_count(c, "SELECT count(DISTINCT object_id) FROM "
                          "x_file_anomaly"), -1,
       "files timestomped (any file)", 1);
  fputs("</div>\n<div class=\"verdicts\">Files by verdict:", o);
  if(!(s = Tl_report_prep(c, "SELECT verdict, count(*) FROM x_occ "
                             "GROUP BY verdict ORDER BY "
                             TL_VRANK("verdict"))))
    return c->errcode;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *v = Tl_report_col(s, 0);
    fputs(" <a href=\"#verdict-", o);
    esc(o, v);
    fputs("\" class=\"chip v-", o);
    esc(o, v);
    fputs("\">", o);
    esc(o, v);
    fprintf(o, " %lld</a>", (long long)sqlite3_column_int64(s, 1));
  }
  fputs("</div>\n</section>\n", o);
  return Tl_report_done(c, s, r);
}

static tl_rc
partners(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r;
  if(!(s = Tl_report_prep(x->c,
       "SELECT coalesce(partner, ''), count(*), sum(found > 0), "
       "sum(exposed > 0), sum(n_occ), "
       "min(CASE WHEN exposed THEN first_ns END), "
       "max(CASE WHEN exposed THEN last_ns END), "
       "min(" TL_VRANK("verdict") ") FROM x_target "
       "GROUP BY 1 ORDER BY sum(exposed > 0) DESC, 1")))
    return x->c->errcode;
  fputs("<section id=\"partners\">\n<h2>Partners</h2>\n<div class=\"box\">"
        "<table class=\"sortable\"><thead><tr><th>Partner</th>"
        "<th class=\"r\">Targeted</th><th class=\"r\">Found</th>"
        "<th class=\"r\">Exposed</th><th class=\"r\">Files</th>"
        "<th>Worst</th><th>First exposure</th><th>Last exposure</th>"
        "</tr></thead>\n<tbody>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *p = Tl_report_col(s, 0), *slug = slug_of(&x->partners, p);
    int worst = sqlite3_column_int(s, 7);
    fputs("<tr><td>", o);
    esc(o, Tl_report_name(p, "(no partner)"));
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 1), "partner", slug, NULL);
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 2), "partner", slug, "_found");
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 3), "partner", slug, "_exposed");
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 4), "partner", slug, NULL);
    fprintf(o, "</td><td data-v=\"%d\">", worst);
    if(worst >= 0 && worst < TL_N_VERDICTS && sqlite3_column_int64(s, 2))
      chip(o, Tl_verdicts[worst]);
    fputs("</td><td>", o);
    htime(o, s, 5);
    fputs("</td><td>", o);
    htime(o, s, 6);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table></div>\n</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

static tl_rc
location_divisions(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r;
  if(!(s = Tl_report_prep(x->c,
       TL_LOCATION_ROLLUP)))
    return x->c->errcode;
  fputs("<h3>Location divisions</h3>\n<p class=\"muted\">Where the "
        "files are: the share map's division for the path, else the "
        "evidence item's; the exposures seen there.</p>\n<div class=\"box\">"
        "<table class=\"sortable\"><thead><tr><th>Location division</th>"
        "<th class=\"r\">Evidence items</th><th class=\"r\">Files</th>"
        "<th class=\"r\">Exposed files</th><th class=\"r\">Targets found"
        "</th><th class=\"r\">Targets exposed</th><th>First exposure</th>"
        "<th>Last exposure</th></tr></thead>\n<tbody>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *d = Tl_report_col(s, 0), *slug = slug_of(&x->divisions, d);
    fputs("<tr><td>", o);
    swatch(o, colour_of(&x->divisions, d));
    esc(o, Tl_report_name(d, "(no division)"));
    fprintf(o, "</td><td class=\"r\">%lld</td><td class=\"r\">",
            (long long)sqlite3_column_int64(s, 1));
    count_link(o, sqlite3_column_int64(s, 2), "division", slug, NULL);
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 3), "division", slug, "_exposed");
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 4), "division", slug, NULL);
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 5), "division", slug, "_exposed");
    fputs("</td><td>", o);
    htime(o, s, 6);
    fputs("</td><td>", o);
    htime(o, s, 7);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table></div>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* Owner divisions: whose files (the register's division, else where
** the file is), counted like partners. */
static tl_rc
owner_divisions(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r;
  if(!(s = Tl_report_prep(x->c, TL_OWNER_ROLLUP)))
    return x->c->errcode;
  fputs("<section id=\"divisions\">\n<h2>Divisions</h2>\n"
        "<h3>Owner divisions</h3>\n<p class=\"muted\">Whose files: the "
        "division the register names, else the division where the file "
        "is. Told like partners.</p>\n<div class=\"box\">"
        "<table class=\"sortable\"><thead><tr><th>Owner division</th>"
        "<th class=\"r\">Targeted</th><th class=\"r\">Found</th>"
        "<th class=\"r\">Exposed</th><th class=\"r\">Files</th>"
        "<th>First exposure</th><th>Last exposure</th></tr></thead>\n"
        "<tbody>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("<tr><td>", o);
    esc(o, Tl_report_name(Tl_report_col(s, 0), "(no division)"));
    fprintf(o, "</td><td class=\"r\">%lld</td><td class=\"r\">%lld</td>"
            "<td class=\"r\">%lld</td><td class=\"r\">%lld</td><td>",
            (long long)sqlite3_column_int64(s, 1),
            (long long)sqlite3_column_int64(s, 2),
            (long long)sqlite3_column_int64(s, 3),
            (long long)sqlite3_column_int64(s, 4));
    htime(o, s, 5);
    fputs("</td><td>", o);
    htime(o, s, 6);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table></div>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* Coverage: every target not found, with its reason. */
static tl_rc
coverage(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, n = 0;
  if(!(s = Tl_report_prep(x->c, TL_COVER_COUNTS)))
    return x->c->errcode;
  fprintf(o, "<section id=\"coverage\">\n<h2>Coverage</h2>\n<p>%lld of "
          "%lld targets were not found.",
          (long long)Tl_report_count(x->c, "SELECT count(*) FROM x_cover"),
          (long long)Tl_report_count(x->c, "SELECT count(*) FROM "
                                           "x_target"));
  while((r = sqlite3_step(s)) == SQLITE_ROW)
    if(sqlite3_column_int64(s, 1)) {
      fputs(n++ ? ", " : " By reason: ", o);
      esc(o, Tl_report_col(s, 0));
      fprintf(o, " <b>%lld</b>", (long long)sqlite3_column_int64(s, 1));
    }
  fputs("</p>\n", o);
  if(Tl_report_done(x->c, s, r))
    return x->c->errcode;
  if(!(s = Tl_report_prep(x->c,
       "SELECT t.line, t.label, coalesce(t.partner, ''), x.reason, "
       "x.detail FROM x_cover x JOIN x_target t USING(target_id) ORDER BY "
       TL_COVER_RANK("x.reason") ", t.line")))
    return x->c->errcode;
  n = 0;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++)
      fputs("<div class=\"box\"><table class=\"sortable\"><thead><tr>"
            "<th class=\"r\">Line</th><th>Target</th><th>Partner</th>"
            "<th>Reason</th><th>Detail</th></tr></thead>\n<tbody>\n", o);
    fprintf(o, "<tr><td class=\"r\">%lld</td><td class=\"path\">",
            (long long)sqlite3_column_int64(s, 0));
    esc_col(o, s, 1);
    fputs("</td><td>", o);
    esc(o, Tl_report_name(Tl_report_col(s, 2), "(no partner)"));
    fputs("</td><td>", o);
    esc_col(o, s, 3);
    fputs("</td><td>", o);
    esc_col(o, s, 4);
    fputs("</td></tr>\n", o);
  }
  if(n)
    fputs("</tbody></table></div>\n", o);
  fputs("</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* Could access have been seen on each item (analysis/observe.c): a
** "none" verdict means little where nothing records reads. */
static tl_rc
observability(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, i;
  char t[48];
  if(!(s = Tl_report_prep(x->c, Tl_observe_select)))
    return x->c->errcode;
  fputs("<section id=\"observability\">\n<h2>Observability</h2>\n<p>"
        "Whether a read of a file on each evidence item could have left a "
        "trace: NTFS last-access updating (SYSTEM hive), Security auditing "
        "of object and share access (event logs), the USN journal, and LNK "
        "files and jump lists per profile.</p>\n<div class=\"box\"><table>"
        "<thead><tr><th>Evidence</th><th>Last-access updating</th>"
        "<th>Object-access auditing</th><th>Share auditing</th>"
        "<th>Security log</th><th>USN journal from</th><th class=\"r\">"
        "LNK</th><th class=\"r\">Jump lists</th><th>Per profile</th>"
        "<th>Note</th></tr></thead>\n<tbody>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    fputs("<tr><td>", o);
    esc_col(o, s, 0);
    for(i = 2; i <= 5; i++) {
      fputs("</td><td>", o);
      esc_col(o, s, i);
    }
    fputs("</td><td>", o);
    if(sqlite3_column_type(s, 6) != SQLITE_NULL)
      fprintf(o, "%s (%lld records)",
              Tl_report_time_short(sqlite3_column_int64(s, 6), t,
                                   sizeof(t)),
              (long long)sqlite3_column_int64(s, 7));
    else
      fputs("none read", o);
    fprintf(o, "</td><td class=\"r\">%lld</td><td class=\"r\">%lld"
            "</td><td>", (long long)sqlite3_column_int64(s, 8),
            (long long)sqlite3_column_int64(s, 9));
    esc_col(o, s, 10);
    fputs("</td><td>", o);
    esc_col(o, s, 11);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table></div>\n</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* Divisions, both ways, then the coverage. */
static tl_rc
divisions(struct ctx *x)
{
  tl_rc rc;
  if((rc = owner_divisions(x)) || (rc = location_divisions(x)))
    return rc;
  fputs("</section>\n", x->o);
  return coverage(x);
}

/* Label of a bucket start, as precise as the bucket size needs. */
static void
tick_label(int64_t t, int64_t bucket_ns, char *buf, size_t len)
{
  char full[48];
  Tl_format_ns(t, full, sizeof(full));
  if(bucket_ns >= INT64_C(86400000000000))
    snprintf(buf, len, "%.10s", full);                    /* 2023-03-14 */
  else if(bucket_ns >= INT64_C(60000000000))
    snprintf(buf, len, "%.5s %.5s", full + 5, full + 11); /* 03-14 09:15 */
  else if(bucket_ns >= INT64_C(1000000000))
    snprintf(buf, len, "%.8s", full + 11);                /* 09:15:30 */
  else
    snprintf(buf, len, "%.18s", full + 11);               /* with ns */
}

/* Stacked bars of touches per bucket, one colour per division. */
static tl_rc
activity(struct ctx *x)
{
  FILE *o = x->o;
  struct tl_histo h;
  const double W = 1100, H = 300, L = 52, R = 12, T = 14, B = 44;
  double pw = W - L - R, ph = H - T - B, bw;
  int64_t step, top;
  int b, d, every;
  char a[64], e[64];
  tl_rc rc;

  if((rc = Tl_report_histo(x->c, &h)))
    return rc;
  fputs("<section id=\"activity\">\n<h2>Target touches over time", o);
  if(h.n_buckets)
    fprintf(o, "<small>%lld touches in the window, %s per bar</small>",
            (long long)h.total, Tl_report_duration(h.bucket_ns, a, sizeof(a)));
  fputs("</h2>\n", o);
  if(!h.n_buckets || !h.total) {
    fputs("<p class=\"empty\">No evidence rows fall in the window.</p>\n"
          "</section>\n", o);
    Tl_report_histo_free(&h);
    return TL_OK;
  }

  /* y axis: a 1-2-5 step giving at most 5 gridlines */
  for(step = 1;; step *= 10) {
    if(h.max_total <= step * 5)
      break;
    if(h.max_total <= step * 10) {
      step *= 2;
      break;
    }
    if(h.max_total <= step * 25) {
      step *= 5;
      break;
    }
  }
  top = (h.max_total + step - 1) / step * step;
  bw = pw / h.n_buckets;

  fprintf(o, "<figure><svg "
          "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Target "
          "touches over time, stacked by division\">\n", W, H);
  for(b = 0; (int64_t)b * step <= top; b++) {
    double y = T + ph - ph * (double)(b * step) / (double)top;
    fprintf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-width=\"1\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%lld</text>\n",
            L, W - R, y, y, b ? "#edf0f3" : "#c4ccd4", L - 8, y + 4,
            (long long)(b * step));
  }
  fprintf(o, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
          "text-anchor=\"middle\">touches</text>\n", T + ph / 2, T + ph / 2);

  for(b = 0; b < h.n_buckets; b++) {
    int64_t t0 = h.start_ns + (int64_t)b * h.bucket_ns, acc = 0;
    double gap = bw > 6 ? 2 : bw > 3 ? 1 : 0;
    Tl_report_time_short(t0, a, sizeof(a));
    Tl_report_time_short(t0 + h.bucket_ns, e, sizeof(e));
    for(d = 0; d < h.n_div; d++) {
      int64_t n = h.count ? h.count[b * h.n_div + d] : 0;
      double y0, y1;
      if(!n)
        continue;
      y0 = T + ph - ph * (double)acc / (double)top;
      acc += n;
      y1 = T + ph - ph * (double)acc / (double)top;
      fprintf(o, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
              "height=\"%.2f\" fill=\"%s\"><title>", L + b * bw + gap / 2,
              y1, bw - gap, y0 - y1, palette[d % N_PALETTE]);
      esc(o, Tl_report_name(h.div[d], "(no division)"));
      fprintf(o, ": %lld touch%s, %s to %s UTC</title></rect>\n",
              (long long)n, n == 1 ? "" : "es", a, e);
    }
  }

  /* x labels: at most ~8, on bucket boundaries */
  every = (h.n_buckets + 7) / 8;
  for(b = 0; b <= h.n_buckets; b += every) {
    double xx = L + b * bw;
    tick_label(h.start_ns + (int64_t)b * h.bucket_ns, h.bucket_ns, a,
               sizeof(a));
    /* the last label ends at the axis end, not past the picture */
    fprintf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#c4ccd4\"/><text x=\"%.1f\" y=\"%.1f\" "
            "text-anchor=\"%s\">%s</text>\n", xx, xx, T + ph, T + ph + 5, xx,
            T + ph + 19, xx > W - R - 40 ? "end" : "middle", a);
  }
  fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
          "time (UTC)</text>\n", L + pw / 2, H - 6);
  fputs("</svg>\n<div class=\"legend\">", o);
  for(d = 0; d < h.n_div; d++) {
    int64_t n = 0;
    for(b = 0; b < h.n_buckets; b++)
      n += h.count ? h.count[b * h.n_div + d] : 0;
    fputs("<span>", o);
    swatch(o, palette[d % N_PALETTE]);
    esc(o, Tl_report_name(h.div[d], "(no division)"));
    fprintf(o, " <span class=\"muted\">%lld</span></span>", (long long)n);
  }
  fputs("</div></figure>\n</section>\n", o);
  Tl_report_histo_free(&h);
  return TL_OK;
}

/* A burst's divisions: one name, or "Finance (12), Legal (3)" (files
** touched per division); each known name gets its colour. */
static void
burst_divisions(struct ctx *x, const char *d)
{
  const char *p = d;
  if(!*d) {
    fputs("<span class=\"muted\">(no division)</span>", x->o);
    return;
  }
  while(p && *p) {
    const char *end = strstr(p, ", "), *paren;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *part = strndup(p, n), *name;
    if(!part)
      return;
    paren = strstr(part, " (");
    name = paren ? strndup(part, (size_t)(paren - part)) : strdup(part);
    if(name && names_find(&x->divisions, name) >= 0)
      swatch(x->o, colour_of(&x->divisions, name));
    esc(x->o, part);
    free(name);
    free(part);
    p = end ? end + 2 : NULL;
    if(p)
      fputs("<br>", x->o);
  }
}

static tl_rc
bursts(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, n = 0;
  int64_t cnt, win;
  char w[64];
  if(!(s = Tl_report_prep(x->c,
       "SELECT burst_id, start_ns, end_ns, evidence, division, n_targets, "
       "n_events, end_ns - start_ns FROM x_burst "
       "ORDER BY start_ns, burst_id")))
    return x->c->errcode;
  fputs("<section id=\"bursts\">\n<h2>Bursts", o);
  if(Tl_report_param_i64(x->c, "burst_count", &cnt) &&
     Tl_report_param_i64(x->c, "burst_window_ns", &win) && win > 0)
    fprintf(o, "<small>at least %lld targets touched within %s</small>",
            (long long)cnt, Tl_report_duration(win, w, sizeof(w)));
  fputs("</h2>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(s, 0);
    char idb[32];
    if(!n++)
      fputs("<div class=\"box\"><table class=\"sortable\"><thead><tr>"
            "<th>Start</th><th>End</th><th class=\"r\">Seconds</th>"
            "<th>Evidence</th><th>Divisions</th><th class=\"r\">Targets</th>"
            "<th class=\"r\">Events</th></tr></thead>\n<tbody>\n", o);
    fputs("<tr><td>", o);
    htime(o, s, 1);
    fputs("</td><td>", o);
    htime(o, s, 2);
    fprintf(o, "</td><td class=\"r\">%.1f</td><td>",
            (double)sqlite3_column_int64(s, 7) / 1e9);
    esc_col(o, s, 3);
    fputs("</td><td>", o);
    burst_divisions(x, Tl_report_col(s, 4));
    snprintf(idb, sizeof(idb), "%lld", (long long)id);
    fputs("</td><td class=\"r\">", o);
    count_link(o, sqlite3_column_int64(s, 5), "burst", idb, NULL);
    fprintf(o, "</td><td class=\"r\">%lld</td></tr>\n",
            (long long)sqlite3_column_int64(s, 6));
  }
  if(n)
    fputs("</tbody></table></div>\n", o);
  else if(r == SQLITE_DONE)
    fputs("<p class=\"empty\">No bursts.</p>\n", o);
  fputs("</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* A time of column i for the side-by-side table: "2023-06-15
** 01:30:00.4371951" (UTC, said in the heading; NTFS's 100 ns, the last
** two digits dropped when they are zero). */
static void
side_time(FILE *o, sqlite3_stmt *s, int i)
{
  char buf[48];
  size_t n;
  if(sqlite3_column_type(s, i) == SQLITE_NULL)
    return;
  Tl_format_ns(sqlite3_column_int64(s, i), buf, sizeof(buf));
  n = strlen(buf);
  if(n > 20 && buf[10] == 'T' && buf[n - 1] == 'Z') {
    buf[10] = ' ';
    buf[--n] = '\0';
    if(n > 2 && !strcmp(buf + n - 2, "00") && strchr(buf, '.'))
      buf[n - 2] = '\0';
  }
  fputs(buf, o);
}

/* The four $SI times (columns i..i+3) next to the four $FN times
** (i+4..i+7), as a small table. */
static void
four_times(FILE *o, sqlite3_stmt *s, int i)
{
  static const char *const lbl[4] = {"created", "modified", "changed",
                                     "accessed"};
  int k;
  fputs("<table class=\"tt mono\"><tr><td></td>"
        "<td class=\"muted\">$SI</td><td class=\"muted\">$FN</td></tr>", o);
  for(k = 0; k < 4; k++) {
    fprintf(o, "<tr><td class=\"muted\">%s</td><td>", lbl[k]);
    side_time(o, s, i + k);
    fputs("</td><td>", o);
    side_time(o, s, i + 4 + k);
    fputs("</td></tr>", o);
  }
  fputs("</table>", o);
}

#define HTML_FILE_ANOMALIES 1000
#define HTML_FILE_ANOMALIES_S "1000"

/* Timestomping indicators on every file with a time in the window, one
** row per file with its rules and its $SI and $FN times side by side,
** programs first (inside the anomalies section). */
static tl_rc
file_anomalies(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, n = 0;
  if(!(s = Tl_report_prep(x->c,
       "SELECT evidence, path, group_concat(rule, '|'), max(executable), "
       "max(deleted), si_created_ns, si_modified_ns, si_changed_ns, "
       "si_accessed_ns, fn_created_ns, fn_modified_ns, fn_changed_ns, "
       "fn_accessed_ns FROM (SELECT * FROM x_file_anomaly"
       TL_FILE_ANOMALY_ORDER ") GROUP BY object_id ORDER BY max(executable)"
       " DESC, max(n_rules) DESC, evidence, path, object_id LIMIT "
       HTML_FILE_ANOMALIES_S)))
    return x->c->errcode;
  fputs("<h3 id=\"file-anomalies\">Timestomping indicators on every file "
        "in the window</h3>\n"
        "<p class=\"muted\">Any file with a $SI or $FN time in the window, "
        "on every evidence item, target or not; programs, libraries and "
        "scripts first.</p>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++)
      fputs("<div class=\"box\"><table class=\"sortable\"><thead><tr>"
            "<th>Evidence and path</th><th>Rules</th>"
            "<th>$STANDARD_INFORMATION and $FILE_NAME times (UTC)</th>"
            "</tr></thead>\n<tbody>\n", o);
    fputs("<tr><td class=\"path\">", o);
    esc_col(o, s, 0);
    fputs("<br>", o);
    esc_path(o, s, 1);
    if(sqlite3_column_int(s, 3))
      fputs(" <b>(program)</b>", o);
    if(sqlite3_column_int(s, 4))
      fputs(" <span class=\"muted\">(deleted)</span>", o);
    fputs("</td><td style=\"white-space:nowrap\">", o);
    {
      /* one rule a line */
      const char *p = Tl_report_col(s, 2), *bar;
      char part[64];
      for(; (bar = strchr(p, '|')); p = bar + 1) {
        snprintf(part, sizeof(part), "%.*s", (int)(bar - p), p);
        esc(o, part);
        fputs("<br>", o);
      }
      esc(o, p);
    }
    fputs("</td><td>", o);
    four_times(o, s, 5);
    fputs("</td></tr>\n", o);
  }
  if(n)
    fputs("</tbody></table></div>\n", o);
  else if(r == SQLITE_DONE)
    fputs("<p class=\"empty\">None.</p>\n", o);
  if(n == HTML_FILE_ANOMALIES) {
    /* a migrated volume can flag every file: the report stays readable */
    int64_t all = Tl_report_count(x->c, "SELECT count(DISTINCT object_id) "
                                        "FROM x_file_anomaly");
    if(all > n)
      fprintf(o, "<p class=\"muted\">The first %d of %lld files; the JSON "
              "report and <code>touchline anomalies</code> list them all."
              "</p>\n", n, (long long)all);
  }
  return Tl_report_done(x->c, s, r);
}

static tl_rc
anomalies(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, n = 0;
  if(!(s = Tl_report_prep(x->c,
       "SELECT kind, occ_id, object_id, evidence, path, detail "
       "FROM x_anomaly ORDER BY kind, rowid")))
    return x->c->errcode;
  fputs("<section id=\"anomalies\">\n<h2>Anomalies</h2>\n", o);
  /* every file first: the intruder's tools are no targets */
  if(file_anomalies(x)) {
    sqlite3_finalize(s);
    return x->c->errcode;
  }
  fputs("<h3>On targets and their copies</h3>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++)
      fputs("<div class=\"box\"><table class=\"sortable\"><thead><tr>"
            "<th>Kind</th><th>Evidence</th><th>Path</th><th>Detail</th>"
            "<th>File</th></tr></thead>\n<tbody>\n", o);
    fputs("<tr><td>", o);
    esc_col(o, s, 0);
    fputs("</td><td>", o);
    esc_col(o, s, 3);
    fputs("</td><td class=\"path\">", o);
    esc_path(o, s, 4);
    fputs("</td><td>", o);
    esc_col(o, s, 5);
    fputs("</td><td>", o);
    if(sqlite3_column_type(s, 1) != SQLITE_NULL)
      fprintf(o, "<a href=\"#occ-%lld\">entry</a>",
              (long long)sqlite3_column_int64(s, 1));
    fputs("</td></tr>\n", o);
  }
  if(n)
    fputs("</tbody></table></div>\n", o);
  else if(r == SQLITE_DONE)
    fputs("<p class=\"empty\">No anomalies.</p>\n", o);
  fputs("</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

/* The register: every target, with classes for the filters. */
static tl_rc
register_table(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r;
  if(!(s = Tl_report_prep(x->c,
       "SELECT target_id, line, label, coalesce(partner, ''), "
       "classification, division, n_occ, found, exposed, verdict, "
       "first_ns, last_ns, " TL_VRANK("verdict") " FROM x_target "
       "ORDER BY found DESC, " TL_VRANK("verdict") ", partner, line")))
    return x->c->errcode;
  fputs("<div class=\"tg\" id=\"register\"><h3>Register</h3>"
        "<div class=\"box\"><table class=\"sortable\">", o);
  fputs("<thead><tr><th class=\"r\">Line</th><th>Target</th>"
        "<th>Partner</th><th>Classification</th><th>Division</th>"
        "<th class=\"r\">Files</th><th>Verdict</th><th>First touch</th>"
        "<th>Last touch</th></tr></thead>\n<tbody>\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    const char *v = Tl_report_col(s, 9), *ps;
    int found = sqlite3_column_int(s, 7);
    /* the classes the filters show rows by (filter_css) */
    ps = slug_of(&x->partners, Tl_report_col(s, 3));
    fprintf(o, "<tr class=\"p-%s v-%s", ps, *v ? v : "none");
    if(found)
      fprintf(o, " f p-%s_f", ps);
    if(sqlite3_column_int(s, 8))
      fprintf(o, " x p-%s_e", ps);
    fprintf(o, "\"><td class=\"r\">%lld</td><td class=\"path\">",
            (long long)sqlite3_column_int64(s, 1));
    esc_path(o, s, 2);
    fputs("</td><td>", o);
    esc(o, Tl_report_name(Tl_report_col(s, 3), "(no partner)"));
    fputs("</td><td>", o);
    esc_col(o, s, 4);
    fputs("</td><td>", o);
    esc_col(o, s, 5);
    /* sort by severity, not found last */
    fprintf(o, "</td><td class=\"r\">%lld</td><td data-v=\"%d\">",
            (long long)sqlite3_column_int64(s, 6),
            found ? sqlite3_column_int(s, 12) : TL_N_VERDICTS);
    if(found)
      chip(o, *v ? v : "none");
    else
      fputs("<span class=\"muted\">not found</span>", o);
    fputs("</td><td>", o);
    htime_n(o, s, 10, 16);
    fputs("</td><td>", o);
    htime_n(o, s, 11, 16);
    fputs("</td></tr>\n", o);
  }
  fputs("</tbody></table></div></div>\n", o);
  return Tl_report_done(x->c, s, r);
}

static void
flag_list(FILE *o, sqlite3_stmt *s, int i)
{
  static const char *const names[] = {
    "accessed", "copied", "modified", "renamed", "deleted"
  };
  int k, n = 0;
  for(k = 0; k < 5; k++)
    if(sqlite3_column_int64(s, i + k))
      fprintf(o, "%s%s", n++ ? ", " : "", names[k]);
  switch(sqlite3_column_int(s, i + 5)) {
  case 1:
    fprintf(o, "%sdeleted in the window", n++ ? ", " : "");
    break;
  case 2:
    fprintf(o, "%sdeletion time unknown", n++ ? ", " : "");
    break;
  }
  if(!n)
    fputs("<span class=\"muted\">none</span>", o);
}

/* The reasons, one a line. They are joined with "; ", which also occurs
** inside one, so a break only comes before a reason's leading word. */
static void
reasons(FILE *o, const char *s)
{
  static const char *const lead[] = {
    "accessed", "copied", "modified", "renamed", "deleted", "no evidence"
  };
  const char *p = s, *q;
  char *part;
  fputs("<span class=\"why\">", o);
  while((q = strstr(p, "; "))) {
    size_t i, n = sizeof(lead) / sizeof(lead[0]);
    for(i = 0; i < n; i++)
      if(!strncmp(q + 2, lead[i], strlen(lead[i])))
        break;
    if(i < n) {
      if((part = strndup(s, (size_t)(q - s)))) {
        esc(o, part);
        free(part);
      }
      fputs("</span><span class=\"why\">", o);
      s = q + 2;
    }
    p = q + 2;
  }
  esc(o, s);
  fputs("</span>", o);
}

/* One occurrence's evidence rows and copies, inside its <details>. */
static tl_rc
occ_body(struct ctx *x, int64_t occ_id)
{
  FILE *o = x->o;
  sqlite3_stmt *s = x->rows;
  int r, n = 0;
  sqlite3_bind_int64(s, 1, occ_id);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++)
      fputs("<h4>Evidence rows</h4><table><thead><tr><th>Time (UTC)</th>"
            "<th>Kind</th><th>Source</th><th>MACB</th><th>Evidence</th>"
            "<th>Path</th><th>Note</th></tr></thead><tbody>\n", o);
    fputs("<tr><td>", o);
    htime(o, s, 0);
    fputs("</td><td>", o);
    esc_col(o, s, 1);
    fputs("</td><td>", o);
    esc_col(o, s, 2);
    fputs("</td><td class=\"mono\">", o);
    esc_col(o, s, 3);
    fputs("</td><td>", o);
    esc_col(o, s, 4);
    fputs("</td><td class=\"path\">", o);
    esc_path(o, s, 5);
    fputs("</td><td>", o);
    esc_col(o, s, 6);
    fputs("</td></tr>\n", o);
  }
  if(n)
    fputs("</tbody></table>\n", o);
  sqlite3_reset(s);
  if(r != SQLITE_DONE)
    return Tl_set_sqlite_error(x->c, "report query");

  s = x->copies;
  sqlite3_bind_int64(s, 1, occ_id);
  n = 0;
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    if(!n++)
      fputs("<h4>Copies</h4><table><thead><tr><th>Evidence</th>"
            "<th>Division</th><th>Path</th><th>Created</th><th>Modified</th>"
            "<th>How</th><th>Signature</th></tr></thead><tbody>\n", o);
    fputs("<tr><td>", o);
    esc_col(o, s, 0);
    fputs("</td><td>", o);
    swatch(o, colour_of(&x->divisions, Tl_report_col(s, 1)));
    esc(o, Tl_report_name(Tl_report_col(s, 1), "(no division)"));
    fputs("</td><td class=\"path\">", o);
    esc_path(o, s, 2);
    fputs("</td><td>", o);
    htime(o, s, 3);
    fputs("</td><td>", o);
    htime(o, s, 4);
    fputs("</td><td>", o);
    esc_col(o, s, 5);
    fputs("</td><td>", o);
    if(sqlite3_column_type(s, 6) != SQLITE_NULL)
      fputs(sqlite3_column_int(s, 6) ? "matches" : "differs", o);
    fputs("</td></tr>\n", o);
  }
  if(n)
    fputs("</tbody></table>\n", o);
  sqlite3_reset(s);
  if(r != SQLITE_DONE)
    return Tl_set_sqlite_error(x->c, "report query");
  return TL_OK;
}

static tl_rc
files(struct ctx *x)
{
  FILE *o = x->o;
  sqlite3_stmt *s;
  int r, n = 0;
  tl_rc rc;
  char sz[32];

  fputs("<section id=\"files\">\n<h2>Targets and files<span class=\"tools\">"
        "<button id=\"expand\" type=\"button\" hidden>Expand all</button>"
        "<button id=\"collapse\" type=\"button\" hidden>Collapse all"
        "</button></span></h2>\n", o);
  filter_banners(x);
  if((rc = register_table(x)))
    return rc;
  if(!(x->rows = Tl_report_prep(x->c,
       "SELECT t_ns, kind, source, macb, evidence, path, note, object_id "
       "FROM x_row WHERE occ_id = ?1 ORDER BY t_ns, rowid")) ||
     !(x->copies = Tl_report_prep(x->c,
       "SELECT evidence, division, path, created_ns, modified_ns, how, "
       "signature, object_id FROM x_copy WHERE occ_id = ?1 ORDER BY rowid")))
    return x->c->errcode;
  if(!(s = Tl_report_prep(x->c,
       "SELECT o.occ_id, coalesce(t.partner, ''), coalesce(o.division, ''), "
       "o.verdict, o.path, o.evidence, o.first_ns, o.last_ns, "
       /* 8 */ "o.n_evidence, o.size, o.deleted, o.reasons, t.label, "
       /* 13 */ "t.classification, t.line, o.object_id, "
       /* 16 */ "o.accessed, o.copied, o.modified, o.renamed, o.deleted, "
       "o.deleted_in_window, "
       /* 22 */ "(SELECT count(*) FROM x_row r WHERE r.occ_id = o.occ_id), "
       "(SELECT count(*) FROM x_copy k WHERE k.occ_id = o.occ_id), "
       /* 24 */ "(SELECT group_concat(' b-' || b.burst_id, '') "
       "FROM x_burst b WHERE b.evidence IS o.evidence AND EXISTS("
       "SELECT 1 FROM x_row r WHERE r.occ_id = o.occ_id AND "
       "r.t_ns BETWEEN b.start_ns AND b.end_ns)) "
       "FROM x_occ o LEFT JOIN x_target t ON t.target_id = o.target_id "
       "ORDER BY " TL_VRANK("o.verdict") ", o.first_ns, o.occ_id")))
    return x->c->errcode;
  fputs("<div class=\"occs\"><h3>Files found, most serious first</h3>\n",
        o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(s, 0);
    const char *v = Tl_report_col(s, 3), *ps, *ds;
    int exposed = *v && strcmp(v, "none");
    n++;
    /* the classes the filters show entries by (filter_css) */
    ps = slug_of(&x->partners, Tl_report_col(s, 1));
    ds = slug_of(&x->divisions, Tl_report_col(s, 2));
    fprintf(o, "<details class=\"occ p-%s p-%s_f d-%s v-%s f", ps, ps, ds,
            *v ? v : "none");
    if(exposed)
      fprintf(o, " x p-%s_e d-%s_e", ps, ds);
    fprintf(o, "%s\" id=\"occ-%lld\"><summary>", Tl_report_col(s, 24),
            (long long)id);
    chip(o, *v ? v : "none");
    fputs("<span class=\"path\">", o);
    esc_path(o, s, 4);
    fputs("</span><span class=\"muted\">", o);
    esc(o, Tl_report_name(Tl_report_col(s, 1), "(no partner)"));
    fputs(" &middot; ", o);
    esc_col(o, s, 5);
    fputs(" &middot; ", o);
    swatch(o, colour_of(&x->divisions, Tl_report_col(s, 2)));
    esc(o, Tl_report_name(Tl_report_col(s, 2), "(no division)"));
    if(sqlite3_column_type(s, 6) != SQLITE_NULL) {
      fputs(" &middot; ", o);
      htime(o, s, 6);
    }
    fprintf(o, " &middot; %lld row%s", (long long)sqlite3_column_int64(s, 22),
            sqlite3_column_int64(s, 22) == 1 ? "" : "s");
    if(sqlite3_column_int64(s, 23))
      fprintf(o, ", %lld cop%s", (long long)sqlite3_column_int64(s, 23),
              sqlite3_column_int64(s, 23) == 1 ? "y" : "ies");
    fputs("</span></summary>\n<div class=\"body\"><dl>"
          "<dt>Target</dt><dd>", o);
    esc_col(o, s, 12);
    fprintf(o, " <span class=\"muted\">(register line %lld)</span></dd>",
            (long long)sqlite3_column_int64(s, 14));
    fputs("<dt>Classification</dt><dd>", o);
    esc_col(o, s, 13);
    fputs("</dd><dt>Why</dt><dd>", o);
    reasons(o, Tl_report_col(s, 11));
    fputs("</dd><dt>Activity</dt><dd>", o);
    flag_list(o, s, 16);
    fputs("</dd><dt>First / last</dt><dd>", o);
    htime(o, s, 6);
    fputs(" &ndash; ", o);
    htime(o, s, 7);
    snprintf(sz, sizeof(sz), "%lld", (long long)sqlite3_column_int64(s, 9));
    fprintf(o, "</dd><dt>Size</dt><dd>%s bytes%s</dd>"
            "<dt>Object</dt><dd>%lld in ",
            sqlite3_column_type(s, 9) == SQLITE_NULL ? "?" : sz,
            sqlite3_column_int(s, 10) ? " (deleted)" : "",
            (long long)sqlite3_column_int64(s, 15));
    esc_col(o, s, 5);
    fputs("</dd></dl>\n", o);
    if((rc = occ_body(x, id))) {
      sqlite3_finalize(s);
      return rc;
    }
    fputs("</div></details>\n", o);
  }
  fputs("</div>\n", o);
  if(!n && r == SQLITE_DONE)
    fputs("<p class=\"empty\">No target was found in the evidence.</p>\n",
          o);
  fputs("</section>\n", o);
  return Tl_report_done(x->c, s, r);
}

tl_rc
Tl_report_html(tl_case *c, FILE *o)
{
  struct ctx x;
  tl_rc rc;
  int i;

  memset(&x, 0, sizeof(x));
  x.c = c;
  x.o = o;
  /* same order as the histogram's divisions, so colours agree */
  if((rc = names_load(c, &x.partners, "SELECT DISTINCT coalesce(partner, "
                                      "'') FROM x_target ORDER BY 1")) ||
     (rc = names_load(c, &x.divisions,
                      "SELECT DISTINCT coalesce(division, '') FROM x_occ "
                      "ORDER BY 1")) ||
     (rc = build_filters(&x)) || (rc = head(&x)) || (rc = summary(&x)) ||
     (rc = observability(&x)) ||
     (rc = partners(&x)) || (rc = divisions(&x)) || (rc = activity(&x)) ||
     (rc = bursts(&x)) || (rc = anomalies(&x)) || (rc = files(&x)))
    goto out;
  fputs("</main>\n<footer class=\"wrap\">Times are UTC. Hover a time for "
        "its full precision. Counts link to the entries behind them; "
        "click a column heading to sort.</footer>\n<script>\n", o);
  fputs(js, o);
  fputs("</script>\n</body>\n</html>\n", o);
out:
  sqlite3_finalize(x.rows);
  sqlite3_finalize(x.copies);
  for(i = 0; i < x.nf; i++)
    free(x.f[i].label);
  free(x.f);
  names_free(&x.partners);
  names_free(&x.divisions);
  return rc;
}
