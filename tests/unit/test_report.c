/* The exposure report renderers on a fixed fixture (tests/report_fixture.sql
** loaded into the x_* tables of an in-memory database): real values in each
** format, CSV formula neutralising, JSON validity, a self-contained HTML
** file whose every link lands somewhere.
**
**   test_report [FIXTURE.sql]              TAP tests
**   test_report --emit FORMAT OUT [FIXTURE.sql]
**                                          write one report (for
**                                          tests/report_browser.sh)
** Without FIXTURE, $TL_SRCDIR/tests/report_fixture.sql. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/case_int.h"
#include "analysis/exposure_int.h"
#include "render/report_int.h"
#include "tap.h"

#define N_OCC 30          /* occurrences in the fixture */
#define N_OCC_EXPOSED 24
#define N_TARGETS 22
#define N_FOUND 18
#define N_EXPOSED 15
#define N_TARGETS_BY_OWNER 22  /* each target has one owner division */
#define N_ROWS 81

static char tmpdir[64];

static char *
slurp(const char *path, size_t *lenp)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if(!f)
    return NULL;
  if(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
     fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
    if(fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    else {
      buf[n] = '\0';
      if(lenp)
        *lenp = (size_t)n;
    }
  }
  fclose(f);
  return buf;
}

static int
open_case(tl_case *c, const char *fixture)
{
  char *sql = NULL;
  memset(c, 0, sizeof(*c));
  c->magic = TL_CASE_MAGIC;
  c->path = (char *)":memory:";
  if(sqlite3_open(":memory:", &c->db) != SQLITE_OK)
    return -1;
  /* as tl_case_open() sets it: the x_* tables live in memory */
  if(Tl_exec(c, "PRAGMA temp_store = MEMORY") || Tl_exec(c, Tl_exposure_ddl))
    return -1;
  if(fixture) {
    if(!(sql = slurp(fixture, NULL)))
      return -1;
    if(Tl_exec(c, sql)) {
      free(sql);
      return -1;
    }
    free(sql);
  }
  return 0;
}

/* Render into a file and read it back; *rc gets the result. */
static char *
render(tl_case *c, const char *format, tl_rc *rc, size_t *len)
{
  char path[128];
  FILE *f;
  snprintf(path, sizeof(path), "%s/report.%s", tmpdir, format);
  if(!(f = fopen(path, "wb")))
    return NULL;
  *rc = Tl_report_write(c, f, format);
  fclose(f);
  return slurp(path, len);
}

static int64_t
count(tl_case *c, const char *sql)
{
  return Tl_report_count(c, sql);
}

static size_t
occurrences(const char *hay, const char *needle)
{
  size_t n = 0, l = strlen(needle);
  const char *p = hay;
  while((p = strstr(p, needle))) {
    n++;
    p += l;
  }
  return n;
}

/* ---- CSV: a strict RFC 4180 reader counting records and fields ---- */

struct csv_stats {
  int records;
  int bad_width;       /* records whose field count differs from the header */
  int formula;         /* fields a spreadsheet would run */
  int ok;              /* parsed to the end */
};

static void
csv_scan(const char *s, struct csv_stats *st, const char *want_cell,
         int *found_cell)
{
  int fields = 0, width = -1;
  char cell[512];
  size_t cl;
  memset(st, 0, sizeof(*st));
  *found_cell = 0;
  while(*s) {
    /* one field */
    cl = 0;
    if(*s == '"') {
      s++;
      for(;;) {
        if(!*s)
          return;
        if(*s == '"') {
          if(s[1] == '"')
            s++;
          else
            break;
        }
        if(cl + 1 < sizeof(cell))
          cell[cl++] = *s;
        s++;
      }
      s++;
    }
    else
      while(*s && *s != ',' && *s != '\r' && *s != '\n') {
        if(*s == '"')
          return;      /* a quote inside an unquoted field */
        if(cl + 1 < sizeof(cell))
          cell[cl++] = *s;
        s++;
      }
    cell[cl] = '\0';
    fields++;
    if(strchr("=+-@\t\r", cell[0]) && cell[0] &&
       !(cell[0] == '-' && cell[1] >= '0' && cell[1] <= '9'))
      st->formula++;
    if(want_cell && !strcmp(cell, want_cell))
      *found_cell = 1;
    if(*s == ',') {
      s++;
      continue;
    }
    if(s[0] != '\r' || s[1] != '\n')
      return;        /* records end in CRLF */
    s += 2;
    if(width < 0)
      width = fields;
    else if(fields != width)
      st->bad_width++;
    st->records++;
    fields = 0;
  }
  st->ok = 1;
}

/* ---- JSON: a strict recursive-descent validator ---- */

static const char *jv(const char *p, int depth);

static const char *
jws(const char *p)
{
  while(*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

static const char *
jstring(const char *p)
{
  if(*p++ != '"')
    return NULL;
  for(; *p != '"'; p++) {
    if((unsigned char)*p < 0x20)
      return NULL;
    if(*p == '\\') {
      p++;
      if(*p == 'u') {
        int i;
        for(i = 1; i <= 4; i++)
          if(!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
            return NULL;
        p += 4;
      }
      else if(!*p || !strchr("\"\\/bfnrt", *p))
        return NULL;
    }
  }
  return p + 1;
}

static const char *
jnumber(const char *p)
{
  const char *q = p;
  if(*p == '-')
    p++;
  if(*p == '0')
    p++;
  else if(*p >= '1' && *p <= '9')
    while(*p >= '0' && *p <= '9')
      p++;
  else
    return NULL;
  if(*p == '.') {
    p++;
    if(*p < '0' || *p > '9')
      return NULL;
    while(*p >= '0' && *p <= '9')
      p++;
  }
  if(*p == 'e' || *p == 'E') {
    p++;
    if(*p == '+' || *p == '-')
      p++;
    if(*p < '0' || *p > '9')
      return NULL;
    while(*p >= '0' && *p <= '9')
      p++;
  }
  return p > q ? p : NULL;
}

static const char *
jv(const char *p, int depth)
{
  if(depth > 64)
    return NULL;
  p = jws(p);
  switch(*p) {
  case '{':
    p = jws(p + 1);
    if(*p == '}')
      return p + 1;
    for(;;) {
      if(!(p = jstring(jws(p))))
        return NULL;
      p = jws(p);
      if(*p++ != ':' || !(p = jv(p, depth + 1)))
        return NULL;
      p = jws(p);
      if(*p == '}')
        return p + 1;
      if(*p++ != ',')
        return NULL;
    }
  case '[':
    p = jws(p + 1);
    if(*p == ']')
      return p + 1;
    for(;;) {
      if(!(p = jv(p, depth + 1)))
        return NULL;
      p = jws(p);
      if(*p == ']')
        return p + 1;
      if(*p++ != ',')
        return NULL;
    }
  case '"':
    return jstring(p);
  case 't':
    return strncmp(p, "true", 4) ? NULL : p + 4;
  case 'f':
    return strncmp(p, "false", 5) ? NULL : p + 5;
  case 'n':
    return strncmp(p, "null", 4) ? NULL : p + 4;
  default:
    return jnumber(p);
  }
}

static int
json_valid(const char *s)
{
  const char *end = jv(s, 0);
  return end && *jws(end) == '\0';
}

/* ---- HTML checks ---- */

/* Every href="#x" has an element with id="x". Returns the first dangling
** fragment (static buffer) or NULL. */
static const char *
dangling_link(const char *html)
{
  static char frag[200];
  const char *p = html;
  while((p = strstr(p, "href=\"#"))) {
    const char *q = strchr(p + 7, '"');
    char want[sizeof(frag) + 8];
    size_t n;
    if(!q)
      return "(unterminated href)";
    n = (size_t)(q - (p + 7));
    if(n >= sizeof(frag))
      n = sizeof(frag) - 1;
    memcpy(frag, p + 7, n);
    frag[n] = '\0';
    snprintf(want, sizeof(want), "id=\"%s\"", frag);
    if(!strstr(html, want))
      return frag;
    p = q;
  }
  return NULL;
}

/* "http://" and "https://" only where the fixture's own text has them. */
static int
foreign_urls(const char *html)
{
  static const char *const allowed[] = {
    "http://evil.example/x", "https://files.example.com/share"
  };
  const char *p = html;
  int bad = 0;
  while((p = strstr(p, "http"))) {
    size_t i;
    int ok_ = 1;
    if(!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
      ok_ = 0;
      for(i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if(!strncmp(p, allowed[i], strlen(allowed[i])))
          ok_ = 1;
    }
    if(!ok_) {
      printf("#   foreign URL: %.60s\n", p);
      bad++;
    }
    p += 4;
  }
  return bad;
}

static void
check_text(tl_case *c)
{
  tl_rc rc = TL_FATAL;
  char *t = render(c, "text", &rc, NULL);
  is_int(rc, TL_OK, "text report renders");
  ok(t && strstr(t, "Targets 22   found 18   exposed 15"),
     "text: target counts");
  ok(t && strstr(t, "(files 30, exposed files 24)"), "text: file counts");
  ok(t && strstr(t, "Top exposed files (20 of 24)"), "text: top files cut");
  ok(t && strstr(t, "Cobalt & Sons <Ltd>"), "text: partner row");
  ok(t && strstr(t, "2023-03-01 00:00:00 .. 2023-04-01 00:00:00"),
     "text: window");
  ok(t && strstr(t, "Anomalies: 2 "), "text: anomaly count");
  ok(t && strstr(t, "Coverage: 4 of 22 targets not found (scope-not-in-case"
                    " 1, folder-exists 1, not-on-evidence 2)"),
     "text: coverage counts by reason");
  ok(t && strstr(t, "line 21     board minutes*.docx\n              "
                    "scope-not-in-case: scoped to 'Board <Office>'"),
     "text: coverage lists the target with its reason, scope first");
  ok(t && strstr(t, "Owner divisions") && strstr(t, "Location divisions"),
     "text: owner and location divisions, each named");
  ok(t && strstr(t, "every file in the window: 2 file(s), 1 of them "
                    "programs") &&
     strstr(t, "    ENG-LT-207  /Users/Public/rar.exe  [program]\n"
               "      si-created-before-fn-created: $SI created is earlier "
               "than $FILE_NAME created\n      si-zero-subseconds: every "
               "$SI time is a whole second\n        $SI  created "
               "2010-11-20T09:00:00.000000000Z") &&
     strstr(t, "        $FN  created 2023-03-17T22:40:01.123456700Z") &&
     strstr(t, "  [deleted]") && strstr(t, "/Users/Public/rar.exe") <
     strstr(t, "/Users/mbrandt/a.txt"),
     "text: anomalies on every file, the program first, $SI and $FN times");
  ok(t && strstr(t, "2023-03-17 22:41:03  2023-03-17 22:44:47"),
     "text: the burst");
  ok(t && !strchr(t, '\033'), "text: no terminal escapes");
  free(t);
}

static void
check_csv(tl_case *c)
{
  tl_rc rc = TL_FATAL;
  struct csv_stats st;
  int found;
  char *t = render(c, "csv", &rc, NULL);
  is_int(rc, TL_OK, "csv report renders");
  if(!t) {
    ok(0, "csv read back");
    return;
  }
  csv_scan(t, &st, "'=HYPERLINK(\"http://evil.example/x\",\"Merger terms\")",
           &found);
  ok(st.ok, "csv: strict RFC 4180 parse to the end");
  is_int(st.records - 1, count(c, "SELECT count(*) FROM x_occ"),
         "csv: one record per occurrence");
  is_int(st.records - 1, N_OCC, "csv: 30 occurrences");
  is_int(st.bad_width, 0, "csv: every record as wide as the header");
  is_int(st.formula, 0, "csv: no cell starts a formula");
  ok(found, "csv: formula label kept, neutralised with a quote");
  ok(strstr(t, ",'+44 contracts.docx,") != NULL, "csv: '+' neutralised");
  ok(strstr(t, ",'@cobalt-rates.csv,") != NULL, "csv: '@' neutralised");
  ok(strstr(t, ",/Shares/Finance/@cobalt-rates.csv,") != NULL,
     "csv: '@' inside a cell left alone");
  ok(strstr(t, "\r\n5,3,4,Acme Aerospace,Export controlled,*.dwg,"
               "ENG-LT-207,Engineering,/Users/tli/Projects/acme/wing-root"
               ".dwg,2210443,copied,accessed;copied,"
               "2023-03-06T17:19:35.303208500Z,") != NULL,
     "csv: occurrence 5 in full");
  ok(strstr(t, ",deleted,accessed;deleted;deleted-in-window,") != NULL,
     "csv: deletion flags");
  ok(!strncmp(t, "occ_id,target_id,register_line,partner,", 39),
     "csv: header");
  free(t);
}

static void
check_json(tl_case *c)
{
  tl_rc rc = TL_FATAL;
  char path[96], cmd[2400];
  const char *py = getenv("PYTHON3");
  char *t = render(c, "json", &rc, NULL);
  is_int(rc, TL_OK, "json report renders");
  ok(t && json_valid(t), "json: valid (strict parser)");
  ok(t && strstr(t, "\"summary\":{\"targets\":22,\"targets_found\":18,"
                    "\"targets_exposed\":15,\"occurrences\":30,"
                    "\"occurrences_exposed\":24,"),
     "json: summary counts");
  ok(t && strstr(t, "<script>alert('x')</script>"),
     "json: text kept verbatim (escaping is the reader's business)");
  ok(t && strstr(t, "\"label\":\"=HYPERLINK(\\\"http://evil.example/x\\\","),
     "json: quotes escaped");
  ok(t && strstr(t, "\"first_ns\":1678123175303208500,"
                    "\"first\":\"2023-03-06T17:19:35.303208500Z\""),
     "json: times as ns and ISO 8601");
  free(t);

  /* python's parser as a second opinion, and a walk over the structure */
  if(!py || !*py || access(py, X_OK)) {
    printf("ok %d - # SKIP python3 not found\n", ++tap_n);
    return;
  }
  snprintf(path, sizeof(path), "%s/report.json", tmpdir);
  snprintf(cmd, sizeof(cmd), "'%s' -c 'import json,sys\n"
           "d=json.load(open(sys.argv[1]))\n"
           "o=d[\"occurrences\"]\n"
           "assert len(o)==%d, len(o)\n"
           "assert sum(len(x[\"rows\"]) for x in o)==%d\n"
           "assert sum(len(x[\"copies\"]) for x in o)==4\n"
           "assert len(d[\"targets\"])==%d and len(d[\"partners\"])==4\n"
           "assert len(d[\"location_divisions\"])==3\n"
           "assert len(d[\"evidence\"])==4\n"
           "assert sum(x[\"targets\"] for x in d[\"owner_divisions\"])"
           "==%d\n"
           "assert d[\"summary\"][\"not_found_reasons\"]=="
           "{\"scope-not-in-case\":1,\"outside-scope\":0,\"size-matches-no-file\":0,\"content-not-hashed\":0,\"folder-exists\":1,"
           "\"not-on-evidence\":2}\n"
           "t={x[\"target_id\"]:x for x in d[\"targets\"]}\n"
           "assert t[19][\"not_found_reason\"]==\"folder-exists\" and "
           "t[19][\"folder_modified\"]==\"2023-03-20T10:00:00.000000000Z\"\n"
           "assert t[1][\"not_found_reason\"] is None\n"
           "f=d[\"file_anomalies\"]\n"
           "assert [x[\"rule\"] for x in f]==[\"si-created-before-fn-created\","
           "\"si-zero-subseconds\",\"time-after-acquisition\"]\n"
           "assert d[\"summary\"][\"file_anomaly_files\"]==2 and "
           "f[0][\"fn_created\"]==\"2023-03-17T22:40:01.123456700Z\"\n"
           "assert len(d[\"anomalies\"])==2 and len(d[\"bursts\"])==1\n"
           "h=d[\"histogram\"]\n"
           "assert 20<=h[\"n_buckets\"]<=60 and h[\"total\"]==%d\n"
           "assert sum(b[\"total\"] for b in h[\"buckets\"])==%d\n"
           "' '%s'", py, N_OCC, N_ROWS, N_TARGETS, N_TARGETS_BY_OWNER, N_ROWS,
           N_ROWS, path);
  is_int(system(cmd), 0, "json: python3 parses it; counts add up");
}

static void
check_html(tl_case *c)
{
  tl_rc rc = TL_FATAL;
  const char *d;
  char *t = render(c, "html", &rc, NULL);
  is_int(rc, TL_OK, "html report renders");
  if(!t) {
    ok(0, "html read back");
    return;
  }
  ok(!strncmp(t, "<!DOCTYPE html>", 15), "html: doctype");
  ok(strstr(t, "<svg ") && strstr(t, "</svg>"), "html: inline SVG");
  ok(occurrences(t, "<rect class=\"bar\"") >= 20, "html: histogram bars");
  is_int(occurrences(t, "<details class=\"occ "), N_OCC,
         "html: one drill-down entry per occurrence");
  is_int(occurrences(t, "<script"), 1, "html: one (inline) script");
  is_int(foreign_urls(t), 0, "html: no URL but the fixture's own text");
  ok(!strstr(t, " src=") && !strstr(t, "url(") && !strstr(t, "@import"),
     "html: nothing loaded from anywhere");
  ok(strstr(t, "Content-Security-Policy") != NULL, "html: CSP forbids "
     "fetching");
  ok(!strstr(t, "<script>alert"), "html: markup in a note escaped");
  ok(strstr(t, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != NULL,
     "html: ... as text");
  ok(strstr(t, "Cobalt &amp; Sons &lt;Ltd&gt;") != NULL,
     "html: partner name escaped");
  d = dangling_link(t);
  ok(!d, "html: every #link has its target%s%s", d ? ": " : "",
     d ? d : "");
  ok(strstr(t, "href=\"#partner-cobalt-sons-ltd_exposed\">3</a>") != NULL,
     "html: partner counts link to their entries");
  ok(strstr(t, "#partner-cobalt-sons-ltd_exposed:target~.occs>"
               ".p-cobalt-sons-ltd_e{display:block}") != NULL,
     "html: ... through a CSS :target filter");
  is_int(occurrences(t, "<details class=\"occ p-cobalt-sons-ltd "),
         count(c, "SELECT count(*) FROM x_occ JOIN x_target USING(target_id) "
                  "WHERE partner LIKE 'Cobalt%'"),
         "html: ... which the partner's entries carry");
  is_int(occurrences(t, " p-cobalt-sons-ltd_e"),
         count(c, "SELECT count(*) FROM x_occ o JOIN x_target t "
                  "USING(target_id) WHERE t.partner LIKE 'Cobalt%' AND "
                  "o.verdict <> 'none'") +
         count(c, "SELECT count(*) FROM x_target WHERE partner LIKE 'Cobalt%' "
                  "AND exposed"),
         "html: ... the exposed ones and exposed targets marked");
  ok(strstr(t, "href=\"#division-engineering_exposed\"") != NULL,
     "html: division counts link too");
  ok(strstr(t, "Window <b>2023-03-01 00:00:00</b> to "
               "<b>2023-04-01 00:00:00</b> UTC") != NULL, "html: window");
  ok(strstr(t, "rar.exe <b>(program)</b></td><td style=\"white-space:"
               "nowrap\">si-created-before-fn-created<br>"
               "si-zero-subseconds</td>") != NULL &&
     strstr(t, "<tr><td class=\"muted\">created</td><td>2010-11-20 "
               "09:00:00.0000000</td><td>2023-03-17 22:40:01.1234567</td>"
               "</tr>") != NULL,
     "html: a file's rules, and its $SI and $FN times side by side");
  ok(strstr(t, "<section id=\"coverage\">") &&
     strstr(t, "4 of 22 targets were not found.") &&
     strstr(t, "scoped to &#39;Board &lt;Office&gt;&#39;") != NULL,
     "html: the coverage section, reasons escaped");
  free(t);
}

/* Hostile names (docs/OUTPUT-ESCAPING.md): ESC, TAB, LF, CR, DEL, a C1
** control and the bidi override U+202E in a path, a partner and a note
** reach no output raw; each output shows them as the same escapes. */
static void
check_hostile(tl_case *c)
{
  static const char *const fmts[] = {"text", "csv", "json", "html"};
  static const char *const raw[] = {
    "\033", "\177", "\xc2\x85", "\xe2\x80\xae", "\xe2\x81\xa6"
  };
  size_t i, k;
  ok(!Tl_exec(c, "UPDATE x_occ SET path = '/Users/tli/' || char(27) || "
                 "'[31mred' || char(9) || 'tab' || char(10) || 'lf' || "
                 "char(13) || 'cr' || char(127) || char(133) || "
                 "char(8238) || 'fdp.exe' || char(8294) "
                 "WHERE occ_id = 5;"
                 "UPDATE x_target SET partner = 'Evil' || char(27) || "
                 "']0;title' || char(7) || char(8238) || 'x' "
                 "WHERE target_id = 3;"
                 "UPDATE x_occ SET reasons = 'line1' || char(10) || "
                 "'line2' || char(27) || '[2J' WHERE occ_id = 5;"
                 "UPDATE x_row SET note = 'line1' || char(10) || 'line2' || "
                 "char(27) || '[2J' WHERE occ_id = 5;"
                 /* the coverage and the anomalies on every file too */
                 "UPDATE x_file_anomaly SET path = '/T/' || char(27) || "
                 "'[31mred' || char(9) || 'tab' || char(10) || 'lf' || "
                 "char(8238) || 'exe.txt' WHERE object_id = 2002;"
                 "UPDATE x_cover SET detail = 'line1' || char(10) || "
                 "'line2' || char(27) || '[2J' || char(8238) WHERE "
                 "target_id = 21"),
     "hostile names put into the fixture");
  for(i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
    tl_rc rc = TL_FATAL;
    size_t len = 0;
    char *t = render(c, fmts[i], &rc, &len);
    int raw_found = 0;
    is_int(rc, TL_OK, "%s: renders with hostile names", fmts[i]);
    if(!t)
      continue;
    for(k = 0; k < sizeof(raw) / sizeof(raw[0]); k++)
      if(strstr(t, raw[k]))
        raw_found++;
    /* TAB, LF, CR are part of some formats' layout: they are looked for
    ** inside the name below */
    is_int(raw_found, 0,
           "%s: no ESC, DEL, C1 or bidi control raw", fmts[i]);
    ok(!strstr(t, "red\ttab") && !strstr(t, "tab\nlf") &&
       !strstr(t, "lf\rcr") && !strstr(t, "line1\nline2"),
       "%s: no TAB, LF or CR raw inside a name", fmts[i]);
    if(!strcmp(fmts[i], "json"))
      ok(strstr(t, "/Users/tli/\\\\x1b[31mred\\\\x09tab\\\\x0alf"
                   "\\\\x0dcr\\\\x7f\\\\u0085\\\\u202efdp.exe"
                   "\\\\u2066") != NULL,
         "json: the path's escapes, backslashes JSON-escaped");
    else if(!strcmp(fmts[i], "text"))
      ok(strstr(t, "Evil\\x1b]0;title\\x07\\u202ex") != NULL,
         "text: the partner's escapes");
    else
      ok(strstr(t, "\\x1b[31mred\\x09tab\\x0alf\\x0dcr"
                   "\\x7f\\u0085\\u202efdp.exe\\u2066") != NULL,
         "%s: the path's escapes", fmts[i]);
    free(t);
  }
}

static void
check_buckets(void)
{
  /* windows from 20 ns to 200 years, off round boundaries */
  int64_t from = INT64_C(1677628800123456789), span = 20;
  int bad = 0, n = 0;
  while(span < INT64_C(200) * 365 * 86400 * 1000000000) {
    int64_t size = Tl_report_bucket_ns(from, from + span), start, nb;
    start = from / size * size;
    nb = (from + span - start + size - 1) / size;
    if(nb < 20 || nb > 60) {
      printf("#   span %lld ns: bucket %lld ns, %lld buckets\n",
               (long long)span, (long long)size, (long long)nb);
      bad++;
    }
    n++;
    span = span + span / 3 + 1;
  }
  is_int(bad, 0, "bucket sizes give 20-60 buckets over %d windows", n);
  is_int(Tl_report_bucket_ns(INT64_C(1677628800) * 1000000000,
                             INT64_C(1680307200) * 1000000000),
         INT64_C(86400) * 1000000000, "March: one bar a day");
}

static void
check_empty(void)
{
  tl_case c;
  tl_rc rc;
  static const char *const fmts[] = {"text", "csv", "json", "html"};
  int i, all = 1;
  char *t;
  if(open_case(&c, NULL)) {
    ok(0, "empty analysis: open");
    return;
  }
  for(i = 0; i < 4; i++) {
    rc = TL_FATAL;
    t = render(&c, fmts[i], &rc, NULL);
    if(rc || !t)
      all = 0;
    if(i == 2 && !(t && json_valid(t)))
      all = 0;
    free(t);
  }
  ok(all, "empty x_* tables: every format renders (json still valid)");
  rc = TL_OK;
  free(render(&c, "pdf", &rc, NULL));
  is_int(rc, TL_USAGE, "unknown format refused");
  sqlite3_close(c.db);

  memset(&c, 0, sizeof(c));
  c.magic = TL_CASE_MAGIC;
  c.path = (char *)":memory:";
  sqlite3_open(":memory:", &c.db);
  rc = TL_OK;
  free(render(&c, "html", &rc, NULL));
  ok(rc != TL_OK && strstr(c.errmsg, "no such table"),
     "no analysis ran: an error, not a crash");
  sqlite3_close(c.db);
}

static const char *
fixture_path(const char *arg)
{
  static char buf[4096];
  const char *src = getenv("TL_SRCDIR");
  if(arg)
    return arg;
  snprintf(buf, sizeof(buf), "%s/tests/report_fixture.sql",
           src && *src ? src : ".");
  return buf;
}

int
main(int argc, char **argv)
{
  tl_case c;
  char cmd[100];
  const char *fx;
  int r;

  if(argc >= 4 && !strcmp(argv[1], "--emit")) {
    FILE *f;
    tl_rc rc;
    double t0;
    fx = fixture_path(argc > 4 ? argv[4] : NULL);
    if(open_case(&c, fx)) {
      fprintf(stderr, "test_report: cannot load the fixture %s: %s\n", fx,
              *c.errmsg ? c.errmsg : "cannot read it");
      return 1;
    }
    if(!(f = fopen(argv[3], "wb"))) {
      perror(argv[3]);
      return 1;
    }
    t0 = Tl_mono_s();
    rc = Tl_report_write(&c, f, argv[2]);
    if(getenv("TL_REPORT_TIMING"))
      fprintf(stderr, "%s: %.3f s\n", argv[2], Tl_mono_s() - t0);
    if(fclose(f) || rc) {
      fprintf(stderr, "test_report: %s\n", c.errmsg);
      return 1;
    }
    sqlite3_close(c.db);
    return 0;
  }

  snprintf(tmpdir, sizeof(tmpdir), "%s/tl-report.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if(strlen(tmpdir) >= sizeof(tmpdir) - 1 || !mkdtemp(tmpdir)) {
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tl-report.XXXXXX");
    if(!mkdtemp(tmpdir)) {
      printf("1..0 # SKIP no temporary directory\n");
      return 0;
    }
  }
  fx = fixture_path(argc > 1 ? argv[1] : NULL);
  r = open_case(&c, fx);
  ok(!r, "fixture loads into the x_* tables%s%s%s", r ? ": " : "",
     r ? fx : "", r ? (*c.errmsg ? c.errmsg : ": cannot read it") : "");
  if(r)
    return done_testing();
  is_int(count(&c, "SELECT count(*) FROM x_occ"), N_OCC, "fixture: occurrences");
  is_int(count(&c, "SELECT count(*) FROM x_row"), N_ROWS, "fixture: rows");
  is_int(count(&c, "SELECT count(DISTINCT verdict) FROM x_occ"), 6,
         "fixture: every verdict");

  check_text(&c);
  check_csv(&c);
  check_json(&c);
  check_html(&c);
  check_hostile(&c);
  check_buckets();
  check_empty();
  sqlite3_close(c.db);

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
  if(system(cmd))
    printf("# could not remove %s\n", tmpdir);
  return done_testing();
}
