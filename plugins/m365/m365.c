/*
** m365: the Microsoft 365 unified audit log (README.md next to this file).
** Both CSV layouts the compliance portals export (RecordId, CreationDate,
** RecordType, Operation, UserId, AuditData, ...; and the older
** CreationDate, UserIds, Operations, AuditData) and JSON lines of AuditData
** objects. One event per file operation of SharePoint and OneDrive; other
** operations are counted per operation. Written against
** include/touchline/plugin.h only, with no dependency but libc; the JSON of
** AuditData is read by json.c (why: json.c).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <touchline/plugin.h>

#include "json.h"

#define M_CHUNK ((size_t)1 << 20)
#define M_MAX_RECORD ((size_t)16 << 20)   /* one CSV record or JSON line */
#define M_MAX_FIELDS 64
#define M_MAX_OPS 128                      /* operations counted by name */
#define M_OP_NAME 64

enum { L_JSONL, L_CSV, L_CSV_OLD };
static const char *const layout_name[] = { "jsonl", "csv", "csv-old" };

/* File operations and the event kinds they are (README.md). kind10 is the
** kind for a host of ABI 1.0, which lacks previewed and uploaded. */
struct m_op {
  const char *name;
  uint32_t kind, kind10;
};

static const struct m_op file_ops[] = {
  {"FileAccessed", TL_EV_ACCESSED, TL_EV_ACCESSED},
  {"FileAccessedExtended", TL_EV_ACCESSED, TL_EV_ACCESSED},
  {"FilePreviewed", TL_EV_PREVIEWED, TL_EV_ACCESSED},
  {"FileDownloaded", TL_EV_DOWNLOADED, TL_EV_DOWNLOADED},
  {"FileSyncDownloadedFull", TL_EV_DOWNLOADED, TL_EV_DOWNLOADED},
  {"FileSyncDownloadedPartial", TL_EV_DOWNLOADED, TL_EV_DOWNLOADED},
  {"FileCopied", TL_EV_COPIED, TL_EV_COPIED},
  {"FileModified", TL_EV_MODIFIED, TL_EV_MODIFIED},
  {"FileModifiedExtended", TL_EV_MODIFIED, TL_EV_MODIFIED},
  {"FileMoved", TL_EV_RENAMED, TL_EV_RENAMED},
  {"FileRenamed", TL_EV_RENAMED, TL_EV_RENAMED},
  {"FileDeleted", TL_EV_DELETED, TL_EV_DELETED},
  {"FileRecycled", TL_EV_DELETED, TL_EV_DELETED},
  {"FileDeletedFirstStageRecycleBin", TL_EV_DELETED, TL_EV_DELETED},
  {"FileDeletedSecondStageRecycleBin", TL_EV_DELETED, TL_EV_DELETED},
  {"FileUploaded", TL_EV_UPLOADED, TL_EV_MODIFIED},
  {"FileSyncUploadedFull", TL_EV_UPLOADED, TL_EV_MODIFIED},
  {"SharingSet", TL_EV_SHARED, TL_EV_SHARED},
  {"SharingInvitationCreated", TL_EV_SHARED, TL_EV_SHARED},
  {"AnonymousLinkCreated", TL_EV_SHARED, TL_EV_SHARED},
  {"AnonymousLinkUsed", TL_EV_SHARED, TL_EV_SHARED},
  {"CompanyLinkCreated", TL_EV_SHARED, TL_EV_SHARED},
  {"SecureLinkCreated", TL_EV_SHARED, TL_EV_SHARED},
  {"AddedToSecureLink", TL_EV_SHARED, TL_EV_SHARED},
  {NULL, 0, 0}
};

/* AuditData members kept as attributes, under their own names. */
static const char *const kept[] = {
  "Id", "RecordType", "Workload", "ClientIP", "UserAgent", "SiteUrl",
  "SourceRelativeUrl", "SourceFileName", "SourceFileExtension", "ObjectId",
  "DestinationRelativeUrl", "DestinationFileName", "ItemType", "UserType",
  "EventSource", "TargetUserOrGroupName", "TargetUserOrGroupType",
  "UserSharedWith", "SharingType", "ApplicationDisplayName", NULL
};

#define WEAK_PREVIEW "FilePreviewed: a preview is shown without the file " \
  "being opened, and Office Online, a browser or a thumbnail request may " \
  "fetch one without the user asking; Microsoft notes that previews are " \
  "logged in high volumes from one action (an image gallery)"
#define WEAK_BROWSER "FileAccessed from a browser: Office Online or the " \
  "browser may fetch a file (a preview, a pre-fetch) without the user " \
  "opening it"
#define AUTO_APP "app@sharepoint: an application with organisation-wide " \
  "permissions acting for a user, an admin or a service (Microsoft: \"The " \
  "app@sharepoint user in audit records\"), not a person"
#define AUTO_SYSTEM "a system account: SharePoint's own processing, not a " \
  "person"

struct m_count {
  char name[M_OP_NAME];
  uint64_t n;
};

typedef struct m_state {
  const struct tl_host_api *api;
  tl_input *in;
  uint64_t size;
  /* the window of the file in memory: buf[0] is at file offset base */
  unsigned char *buf;
  size_t cap, len, pos;
  uint64_t base;
  int eof;
  long line;                      /* line of the next record (1-based) */
  /* decoded CSV fields */
  char *fb;
  size_t fb_cap;
  size_t fo[M_MAX_FIELDS];
  int nf;
  char *arena;                    /* decoded JSON */
  size_t arena_cap;
  struct tlp_jmember mem[TLP_JSON_MAX_MEMBERS];
  int layout;
  int col_time, col_op, col_user, col_data, col_rt, col_id, n_cols;
  /* counts */
  uint64_t n_rows, n_bad, n_events, n_refused, n_other;
  struct m_count ops[M_MAX_OPS];
  int n_ops;
  uint64_t ops_overflow;
  int64_t first_ns, last_ns;
  tl_rc stop;                     /* the host wants no more, or I/O */
} m_state;

/* ---- small helpers ---------------------------------------------------- */

static int
lc(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ieq(const char *a, const char *b)
{
  while(*a && lc((unsigned char)*a) == lc((unsigned char)*b)) {
    a++;
    b++;
  }
  return !*a && !*b;
}

static int
iprefix(const char *s, const char *pre)
{
  while(*pre && lc((unsigned char)*s) == lc((unsigned char)*pre)) {
    s++;
    pre++;
  }
  return !*pre;
}

static int
utf8_ok(const char *str)
{
  const unsigned char *s = (const unsigned char *)str;
  while(*s) {
    unsigned c = *s;
    size_t n, k;
    if(c < 0x80) {
      s++;
      continue;
    }
    n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
        c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if(!n)
      return 0;
    for(k = 1; k < n; k++)
      if((s[k] & 0xc0) != 0x80)
        return 0;
    if((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
       (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
      return 0;
    s += n;
  }
  return 1;
}

static void *
grow(m_state *s, void *old, size_t used, size_t *cap, size_t want)
{
  size_t nc = *cap ? *cap : 4096;
  void *n;
  while(nc < want)
    nc *= 2;
  if(nc == *cap)
    return old;
  if(!(n = s->api->alloc(nc)))
    return NULL;
  if(used)
    memcpy(n, old, used);
  s->api->free(old);
  *cap = nc;
  return n;
}

/* ---- time: ISO 8601 as AuditData writes it, no zone = UTC ------------- */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char **p, int n, int *v)
{
  int k;
  *v = 0;
  for(k = 0; k < n; k++) {
    if((*p)[k] < '0' || (*p)[k] > '9')
      return -1;
    *v = *v * 10 + ((*p)[k] - '0');
  }
  *p += n;
  return 0;
}

/* 2023-06-05T08:12:34[.fffffff][Z|+hh:mm|+hhmm]; a space may stand for
** the T. Returns 0 and the time, or -1. */
static int
parse_time(const char *t, int64_t *ns)
{
  static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                   30, 31};
  const char *p = t;
  int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0, k;
  int64_t frac = 0, secs;
  unsigned dim;
  while(*p == ' ')
    p++;
  if(digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-'
     || digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
    return -1;
  p++;
  if(digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
     *p++ != ':' || digits(&p, 2, &se))
    return -1;
  if(*p == '.' || *p == ',') {
    p++;
    if(*p < '0' || *p > '9')
      return -1;
    for(k = 0; *p >= '0' && *p <= '9'; p++, k++)
      if(k < 9)
        frac = frac * 10 + (*p - '0');
    for(; k < 9; k++)
      frac *= 10;
  }
  if(*p == 'Z' || *p == 'z')
    p++;
  else if(*p == '+' || *p == '-') {
    sign = *p++ == '-' ? -1 : 1;
    if(digits(&p, 2, &oh))
      return -1;
    if(*p == ':')
      p++;
    if(digits(&p, 2, &om) || oh > 23 || om > 59)
      return -1;
  }
  while(*p == ' ')
    p++;
  if(*p)
    return -1;
  if(mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
    return -1;
  dim = mdays[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100) ||
                                     y % 400 == 0));
  if((unsigned)d > dim)
    return -1;
  /* what int64 nanoseconds hold: 1677-09-21 to 2262-04-11 */
  if(y < 1678 || y > 2261)
    return -1;
  secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
         h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
  *ns = secs * INT64_C(1000000000) + frac;
  return 0;
}

/* ---- reading the file in a window ------------------------------------ */

/* More bytes after the window (keeping buf[pos..len)): 1 read some, 0 at
** the end of the file, -1 a record too large or an I/O error (s->stop). */
static int
refill(m_state *s)
{
  size_t got = 0, want, step;
  uint64_t remain;
  if(s->eof)
    return 0;
  if(s->pos) {
    memmove(s->buf, s->buf + s->pos, s->len - s->pos);
    s->base += s->pos;
    s->len -= s->pos;
    s->pos = 0;
  }
  /* a chunk, or what is left of a smaller file (and one byte to see its
  ** end) */
  remain = s->size > s->base + s->len ? s->size - (s->base + s->len) : 0;
  step = remain < M_CHUNK ? (size_t)remain + 1 : M_CHUNK;
  if(s->len + step > s->cap) {
    unsigned char *nb;
    if(s->len >= M_MAX_RECORD)
      return -1;
    if(!(nb = grow(s, s->buf, s->len, &s->cap, s->len + step))) {
      s->stop = TL_FAILED;
      return -1;
    }
    s->buf = nb;
  }
  want = s->cap - s->len;
  if(s->api->read_at(s->in, s->base + s->len, s->buf + s->len, want, &got)
     != TL_OK) {
    s->api->warn(s->in, "read error");
    s->stop = TL_IO;
    return -1;
  }
  s->len += got;
  if(!got || s->base + s->len >= s->size)
    s->eof = 1;
  return got ? 1 : 0;
}

static int
field_add(m_state *s, size_t start)
{
  if(s->nf >= M_MAX_FIELDS)
    return -1;
  s->fo[s->nf++] = start;
  return 0;
}

/* One CSV record from buf[pos..): fields decoded into fb. Returns 1 (a
** record ending at *end), 0 (more bytes needed) or -1 (malformed: *why,
** and *end just after the line the problem is on). *nl: line breaks in
** it. */
static int
csv_record(m_state *s, size_t *end, long *nl, const char **why)
{
  size_t i = s->pos, o = 0;
  const unsigned char *b = s->buf;
  *nl = 0;
  s->nf = 0;
  if(!s->fb && !(s->fb = grow(s, NULL, 0, &s->fb_cap, 4096)))
    return *why = "out of memory", -1;
  if(s->len - s->pos + 1 > s->fb_cap) {
    char *nb = grow(s, s->fb, 0, &s->fb_cap, s->len - s->pos + 1);
    if(!nb)
      return *why = "out of memory", -1;
    s->fb = nb;
  }
  for(;;) {
    if(field_add(s, o)) {
      *why = "more than 64 fields";
      goto bad;
    }
    if(i < s->len && b[i] == '"') {
      i++;
      for(;;) {
        if(i >= s->len) {
          if(!s->eof)
            return 0;
          *why = "a quoted field without its closing quote (to the end "
                 "of the file)";
          *end = s->len;
          return -1;
        }
        if(b[i] == '"') {
          if(i + 1 >= s->len && !s->eof)
            return 0;
          if(i + 1 < s->len && b[i + 1] == '"') {
            s->fb[o++] = '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if(!b[i]) {
          *why = "a NUL byte inside a field";
          goto bad;
        }
        if(b[i] == '\n')
          (*nl)++;
        s->fb[o++] = (char)b[i++];
      }
      if(i < s->len && b[i] != ',' && b[i] != '\r' && b[i] != '\n') {
        *why = "text after a closing quote";
        goto bad;
      }
    } else {
      while(i < s->len && b[i] != ',' && b[i] != '\r' && b[i] != '\n') {
        if(b[i] == '"') {
          *why = "a quote inside an unquoted field";
          goto bad;
        }
        if(!b[i]) {
          *why = "a NUL byte inside a field";
          goto bad;
        }
        s->fb[o++] = (char)b[i++];
      }
    }
    s->fb[o++] = '\0';
    if(i >= s->len) {
      if(!s->eof)
        return 0;
      *end = i;
      return 1;
    }
    if(b[i] == ',') {
      i++;
      continue;
    }
    if(b[i] == '\r') {
      if(i + 1 >= s->len && !s->eof)
        return 0;
      i++;
      if(i < s->len && b[i] == '\n')
        i++;
    } else
      i++;
    (*nl)++;
    *end = i;
    return 1;
  }
bad:
  while(i < s->len && b[i] != '\n')
    i++;
  if(i >= s->len && !s->eof)
    return 0;
  if(i < s->len) {
    i++;
  }
  *end = i;
  /* the line breaks up to the end of the skipped line */
  {
    size_t k;
    *nl = 0;
    for(k = s->pos; k < i; k++)
      if(b[k] == '\n')
        (*nl)++;
  }
  return -1;
}

/* ---- one record ------------------------------------------------------- */

static void
count_op(m_state *s, const char *op)
{
  int k;
  for(k = 0; k < s->n_ops; k++)
    if(!strcmp(s->ops[k].name, op)) {
      s->ops[k].n++;
      return;
    }
  if(s->n_ops < M_MAX_OPS && strlen(op) < M_OP_NAME) {
    snprintf(s->ops[s->n_ops].name, M_OP_NAME, "%s", op);
    s->ops[s->n_ops++].n = 1;
  } else
    s->ops_overflow++;
}

static void
bad_row(m_state *s, uint64_t off, long line, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void
bad_row(m_state *s, uint64_t off, long line, const char *fmt, ...)
{
  char why[320];
  va_list ap;
  snprintf(why, sizeof(why), "line %ld: ", line);
  va_start(ap, fmt);
  vsnprintf(why + strlen(why), sizeof(why) - strlen(why), fmt, ap);
  va_end(ap);
  s->n_bad++;
  s->api->corrupt(s->in, off, why);
}

static const char *
jstr(const struct tlp_jmember *m, size_t n, const char *key)
{
  const struct tlp_jmember *v = tlp_json_get(m, n, key);
  if(!v || !v->val || v->type == TLP_J_NULL || !*v->val)
    return NULL;
  return v->val;
}

/* site + "/" + folder + "/" + name, without doubled slashes */
static void
join_url(char *out, size_t cap, const char *site, const char *folder,
         const char *name)
{
  size_t n;
  snprintf(out, cap, "%s", site);
  n = strlen(out);
  while(n && out[n - 1] == '/')
    out[--n] = '\0';
  if(folder) {
    while(*folder == '/')
      folder++;
    if(*folder) {
      snprintf(out + n, cap - n, "/%s", folder);
      n = strlen(out);
      while(n && out[n - 1] == '/')
        out[--n] = '\0';
    }
  }
  if(name)
    snprintf(out + n, cap - n, "/%s", name);
}

static int
is_url(const char *s)
{
  return s && (iprefix(s, "https://") || iprefix(s, "http://"));
}

/* One AuditData object (members m), with the CSV's own columns as
** fallbacks (NULL for JSON lines). */
static void
record(m_state *s, const struct tlp_jmember *m, size_t n,
       const char *csv_time, const char *csv_op, const char *csv_user,
       const char *csv_rt, const char *csv_id, uint64_t off, long line)
{
  const char *op = jstr(m, n, "Operation"), *t = jstr(m, n, "CreationTime");
  const char *user = jstr(m, n, "UserId"), *ua, *site, *folder, *name, *oid;
  const char *weight = NULL, *why_w = NULL, *path;
  const struct m_op *fo;
  struct tl_artifact_event ev;
  struct tl_attr at[32];
  char url[4096], newp[4096], what[160], line_s[24];
  size_t na = 0, k;
  int64_t ns;
  tl_rc rc;

  s->n_rows++;
  if(!op)
    op = csv_op;
  if(!t)
    t = csv_time;
  if(!user)
    user = csv_user;
  if(!op || !*op) {
    bad_row(s, off, line, "no Operation");
    return;
  }
  for(fo = file_ops; fo->name; fo++)
    if(ieq(fo->name, op))
      break;
  count_op(s, fo->name ? fo->name : op);
  if(!fo->name) {
    s->n_other++;
    return;
  }
  if(!t || parse_time(t, &ns)) {
    bad_row(s, off, line, "%s: no CreationTime, or not an ISO 8601 time in "
            "range", op);
    return;
  }
  site = jstr(m, n, "SiteUrl");
  folder = jstr(m, n, "SourceRelativeUrl");
  name = jstr(m, n, "SourceFileName");
  oid = jstr(m, n, "ObjectId");
  path = NULL;
  if(is_url(oid))
    path = oid;
  else if(is_url(site) && name) {
    join_url(url, sizeof(url), site, folder, name);
    path = url;
  }
  if(!path && !name) {
    bad_row(s, off, line, "%s: names no file (no ObjectId URL, no "
            "SourceFileName)", op);
    return;
  }

  memset(&ev, 0, sizeof(ev));
  ev.struct_size = sizeof(ev);
  ev.kind = s->api->abi_minor >= 1 ? fo->kind : fo->kind10;
  ev.t_ns = ns;
  if(path) {
    ev.file.kind = TL_REF_PATH;
    ev.file.path = path;
  }
  ev.name = name ? name : NULL;
  ev.actor = user;
  ev.record_offset = off;

  at[na].key = "Operation";
  at[na++].value = fo->name;
  at[na].key = "CreationTime";
  at[na++].value = t;
  for(k = 0; kept[k]; k++) {
    const char *v = jstr(m, n, kept[k]);
    if(!v && !strcmp(kept[k], "RecordType"))
      v = csv_rt;
    if(!v && !strcmp(kept[k], "Id"))
      v = csv_id;
    if(v) {
      at[na].key = kept[k];
      at[na++].value = v;
    }
  }
  if(fo->kind == TL_EV_RENAMED || fo->kind == TL_EV_COPIED) {
    const char *dn = jstr(m, n, "DestinationFileName");
    const char *dr = jstr(m, n, "DestinationRelativeUrl");
    if(name) {
      at[na].key = "old_name";
      at[na++].value = name;
    }
    if(dn) {
      at[na].key = "new_name";
      at[na++].value = dn;
    }
    if(is_url(site) && (dn || dr)) {
      join_url(newp, sizeof(newp), site, dr ? dr : folder, dn ? dn : name);
      at[na].key = "new_path";
      at[na++].value = newp;
    }
  }
  /* Microsoft's caveats, as the weight of the evidence */
  if(user && ieq(user, "app@sharepoint")) {
    weight = "automation";
    why_w = AUTO_APP;
  } else if(user && (ieq(user, "SHAREPOINT\\system") ||
                     ieq(user, "NT AUTHORITY\\SYSTEM"))) {
    weight = "automation";
    why_w = AUTO_SYSTEM;
  } else if(!strcmp(fo->name, "FilePreviewed")) {
    weight = "weak";
    why_w = WEAK_PREVIEW;
  } else if(!strcmp(fo->name, "FileAccessed") &&
            (ua = jstr(m, n, "UserAgent")) && strstr(ua, "Mozilla/")) {
    weight = "weak";
    why_w = WEAK_BROWSER;
  }
  if(weight) {
    at[na].key = "weight";
    at[na++].value = weight;
    at[na].key = "weight_reason";
    at[na++].value = why_w;
  }
  if(!strcmp(fo->name, "AnonymousLinkUsed")) {
    at[na].key = "anonymous";
    at[na++].value = "yes";
  }
  at[na].key = "layout";
  at[na++].value = layout_name[s->layout];
  snprintf(line_s, sizeof(line_s), "%ld", line);
  at[na].key = "line";
  at[na++].value = line_s;
  ev.attrs = at;
  ev.n_attrs = na;
  snprintf(what, sizeof(what), "M365 %s%s%s%s", fo->name,
           jstr(m, n, "Workload") ? " (" : "",
           jstr(m, n, "Workload") ? jstr(m, n, "Workload") : "",
           jstr(m, n, "Workload") ? ")" : "");
  if(!strcmp(fo->name, "AnonymousLinkUsed"))
    snprintf(what, sizeof(what), "M365 AnonymousLinkUsed: accessed by an "
             "anonymous user");
  ev.what = what;
  rc = s->api->emit(s->in, &ev);
  if(rc == TL_OK) {
    s->n_events++;
    if(s->n_events == 1 || ns < s->first_ns)
      s->first_ns = ns;
    if(s->n_events == 1 || ns > s->last_ns)
      s->last_ns = ns;
  } else if(rc == TL_USAGE) {
    s->n_refused++;
    s->n_bad++;
  } else
    s->stop = rc == TL_STOP ? TL_STOP : rc;
}

/* Parse the AuditData text (len bytes at d) and hand it on. */
static void
audit_data(m_state *s, const char *d, size_t len, const char *csv_time,
           const char *csv_op, const char *csv_user, const char *csv_rt,
           const char *csv_id, uint64_t off, long line)
{
  const char *why = NULL;
  size_t n = 0, at = 0;
  if(len + 1 > s->arena_cap) {
    char *na = grow(s, s->arena, 0, &s->arena_cap, len + 1);
    if(!na) {
      s->stop = TL_FAILED;
      return;
    }
    s->arena = na;
  }
  if(tlp_json_object(d, len, s->arena, s->arena_cap, s->mem,
                     TLP_JSON_MAX_MEMBERS, &n, &why, &at)) {
    char msg[200];
    s->n_rows++;
    snprintf(msg, sizeof(msg), "AuditData is not a valid JSON object: %s "
             "(at byte %zu of it)", why, at);
    bad_row(s, off, line, "%s", msg);
    return;
  }
  record(s, s->mem, n, csv_time, csv_op, csv_user, csv_rt, csv_id, off,
         line);
}

/* ---- the two formats -------------------------------------------------- */

static const char *
fld(m_state *s, int col)
{
  const char *v;
  if(col < 0 || col >= s->nf)
    return NULL;
  v = s->fb + s->fo[col];
  return *v ? v : NULL;
}

/* The header of a CSV export: which column is which. */
static int
csv_header(m_state *s)
{
  int k, has_ids = 0;
  s->col_time = s->col_op = s->col_user = s->col_data = s->col_rt =
    s->col_id = -1;
  s->n_cols = s->nf;
  for(k = 0; k < s->nf; k++) {
    const char *h = s->fb + s->fo[k];
    while(*h == ' ')
      h++;
    if(ieq(h, "CreationDate") || ieq(h, "CreationTime"))
      s->col_time = k;
    else if(ieq(h, "Operation") || ieq(h, "Operations"))
      s->col_op = k;
    else if(ieq(h, "UserId") || ieq(h, "UserIds")) {
      s->col_user = k;
      has_ids |= ieq(h, "UserIds");
    } else if(ieq(h, "AuditData"))
      s->col_data = k;
    else if(ieq(h, "RecordType"))
      s->col_rt = k;
    else if(ieq(h, "RecordId") || ieq(h, "Id"))
      s->col_id = k;
  }
  s->layout = has_ids || s->col_id < 0 ? L_CSV_OLD : L_CSV;
  return s->col_data >= 0 ? 0 : -1;
}

static void
csv_rows(m_state *s)
{
  int header = 1;
  while(!s->stop) {
    size_t end = 0;
    long nl = 0;
    const char *why = NULL;
    uint64_t off = s->base + s->pos;
    int r = csv_record(s, &end, &nl, &why);
    if(r == 0) {
      int f = refill(s);
      if(f < 0) {
        if(!s->stop) {
          bad_row(s, off, s->line, "a record longer than %s: the rest of "
                  "the file is not read", "16 MiB");
          s->stop = TL_CORRUPT;
        }
        return;
      }
      if(f == 0 && s->pos >= s->len)
        return;
      continue;
    }
    s->pos = end;
    if(r < 0) {
      s->n_rows++;
      bad_row(s, off, s->line, "%s", why);
      s->line += nl;
      if(header)
        return;
      continue;
    }
    if(header) {
      header = 0;
      if(csv_header(s)) {
        s->api->corrupt(s->in, 0, "line 1: no AuditData column in the "
                        "header: not an audit log export");
        s->stop = TL_FAILED;
        return;
      }
      s->line += nl;
      continue;
    }
    if(s->nf == 1 && !s->fb[0]) {
      s->line += nl;          /* an empty line is no row */
      if(s->pos >= s->len && s->eof)
        return;
      continue;
    }
    if(s->nf != s->n_cols) {
      char msg[80];
      s->n_rows++;
      snprintf(msg, sizeof(msg), "%d fields, the header has %d", s->nf,
               s->n_cols);
      bad_row(s, off, s->line, "%s", msg);
    } else {
      int k, ok = 1;
      for(k = 0; k < s->nf && ok; k++)
        ok = utf8_ok(s->fb + s->fo[k]);
      if(!ok) {
        s->n_rows++;
        bad_row(s, off, s->line, "bytes that are not UTF-8");
      } else {
        const char *d = fld(s, s->col_data);
        if(!d) {
          s->n_rows++;
          bad_row(s, off, s->line, "an empty AuditData cell");
        } else
          audit_data(s, d, strlen(d), fld(s, s->col_time),
                     fld(s, s->col_op), fld(s, s->col_user),
                     fld(s, s->col_rt), fld(s, s->col_id), off, s->line);
      }
    }
    s->line += nl;
    if(s->pos >= s->len && s->eof)
      return;
  }
}

static void
json_lines(m_state *s)
{
  while(!s->stop) {
    unsigned char *nlp = memchr(s->buf + s->pos, '\n', s->len - s->pos);
    size_t e, l;
    uint64_t off = s->base + s->pos;
    int blank = 1;
    if(!nlp && !s->eof) {
      int f = refill(s);
      if(f < 0) {
        if(!s->stop) {
          bad_row(s, off, s->line, "a line longer than %s: the rest of the "
                  "file is not read", "16 MiB");
          s->stop = TL_CORRUPT;
        }
        return;
      }
      continue;
    }
    e = nlp ? (size_t)(nlp - s->buf) : s->len;
    l = e;
    if(l > s->pos && s->buf[l - 1] == '\r')
      l--;
    for(size_t k = s->pos; k < l && blank; k++)
      blank = s->buf[k] == ' ' || s->buf[k] == '\t';
    if(!blank)
      audit_data(s, (const char *)s->buf + s->pos, l - s->pos, NULL, NULL,
                 NULL, NULL, NULL, off, s->line);
    s->line++;
    s->pos = nlp ? e + 1 : e;
    if(s->pos >= s->len && s->eof)
      return;
  }
}

/* ---- parse ------------------------------------------------------------ */

static int
cmp_count(const void *a, const void *b)
{
  const struct m_count *x = a, *y = b;
  if(x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return strcmp(x->name, y->name);
}

static void
iso(int64_t ns, char *out, size_t cap)
{
  int64_t secs = ns / 1000000000, days, rem, frac = ns % 1000000000;
  int64_t z, era, doe, yoe, y, doy, mp, d, m;
  if(frac < 0) {
    frac += 1000000000;
    secs--;
  }
  days = secs / 86400;
  rem = secs % 86400;
  if(rem < 0) {
    rem += 86400;
    days--;
  }
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(out, cap, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09lldZ",
           (long long)y, (long long)m, (long long)d, (long long)(rem / 3600),
           (long long)(rem / 60 % 60), (long long)(rem % 60),
           (long long)frac);
}

/* The operations counted, as facts and one warning line. */
static void
summary(m_state *s)
{
  char buf[4096], t1[48], t2[48];
  size_t o = 0;
  int k;
  qsort(s->ops, (size_t)s->n_ops, sizeof(s->ops[0]), cmp_count);
  buf[0] = '\0';
  for(k = 0; k < s->n_ops && o + M_OP_NAME + 24 < sizeof(buf); k++)
    o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s:%llu", k ? " " :
                          "", s->ops[k].name,
                          (unsigned long long)s->ops[k].n);
  if(s->ops_overflow && o + 40 < sizeof(buf))
    snprintf(buf + o, sizeof(buf) - o, "%s(others):%llu", o ? " " : "",
             (unsigned long long)s->ops_overflow);
  if(s->api->abi_minor >= 1 && s->api->struct_size >=
     offsetof(struct tl_host_api, fact) + sizeof(s->api->fact)) {
    if(buf[0])
      s->api->fact(s->in, "m365.operations", buf);
    if(s->n_events) {
      iso(s->first_ns, t1, sizeof(t1));
      iso(s->last_ns, t2, sizeof(t2));
      snprintf(buf, sizeof(buf), "%s %s", t1, t2);
      s->api->fact(s->in, "m365.range", buf);
    }
  }
  if(s->n_other) {
    char msg[4200];
    o = 0;
    buf[0] = '\0';
    for(k = 0; k < s->n_ops && o + M_OP_NAME + 24 < sizeof(buf); k++) {
      const struct m_op *fo;
      for(fo = file_ops; fo->name; fo++)
        if(!strcmp(fo->name, s->ops[k].name))
          break;
      if(fo->name)
        continue;
      o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s:%llu", o ?
                            " " : "", s->ops[k].name,
                            (unsigned long long)s->ops[k].n);
    }
    snprintf(msg, sizeof(msg), "%llu record(s) of operations that are "
             "not file operations, counted and not emitted: %s",
             (unsigned long long)s->n_other, buf);
    s->api->warn(s->in, msg);
  }
}

static tl_rc
m_parse(const struct tl_host_api *api, tl_input *in)
{
  m_state *s;
  tl_rc rc;
  size_t k;
  if(!(s = api->alloc(sizeof(*s))))
    return TL_FAILED;
  memset(s, 0, sizeof(*s));
  s->api = api;
  s->in = in;
  s->size = api->input_size(in);
  s->line = 1;
  if(refill(s) < 0 && s->stop) {
    rc = s->stop;
    goto out;
  }
  if(s->len >= 3 && s->buf[0] == 0xef && s->buf[1] == 0xbb &&
     s->buf[2] == 0xbf)
    s->pos = 3;
  for(k = s->pos; k < s->len && (s->buf[k] == ' ' || s->buf[k] == '\t' ||
                                  s->buf[k] == '\r' || s->buf[k] == '\n');
      k++)
    ;
  if(k >= s->len) {
    api->corrupt(in, 0, "an empty file: no header, no records");
    rc = TL_FAILED;
    goto out;
  }
  if(s->buf[k] == '{') {
    s->layout = L_JSONL;
    json_lines(s);
  } else
    csv_rows(s);
  if(s->stop == TL_FAILED || s->stop == TL_IO) {
    rc = s->stop;
    goto out;
  }
  summary(s);
  if(!s->n_rows)
    api->warn(in, "no records after the header");
  if(s->n_bad && !s->n_events && s->n_bad == s->n_rows)
    rc = TL_FAILED;
  else
    rc = s->n_bad || s->stop == TL_CORRUPT ? TL_CORRUPT : TL_OK;
out:
  api->free(s->buf);
  api->free(s->fb);
  api->free(s->arena);
  api->free(s);
  return rc;
}

/* ---- claims ------------------------------------------------------------ */

/* The first line of head names AuditData and the time and operation
** columns of an export: the bits of that line, 0 when not. */
static int
m_bid(const uint8_t *head, size_t len)
{
  size_t i = 0, e, st;
  int has_data = 0, has_time = 0, has_op = 0;
  if(len >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
    i = 3;
  for(e = i; e < len && head[e] != '\n' && head[e] != '\r'; e++)
    ;
  if(i < len && head[i] == '{') {
    /* a JSON line: an AuditData object */
    static const char *const keys[] = {"\"CreationTime\"", "\"Operation\"",
                                       "\"RecordType\"", "\"Workload\"",
                                       NULL};
    int k, hit = 0;
    for(k = 0; keys[k]; k++) {
      size_t n = strlen(keys[k]), j;
      for(j = i; j + n <= e; j++)
        if(!memcmp(head + j, keys[k], n)) {
          hit++;
          break;
        }
    }
    return hit >= 3 ? 100 * hit : 0;
  }
  for(st = i; st <= e; st++) {
    if(st == e || head[st] == ',') {
      char name[32];
      size_t a = i, b = st;
      if(a < b && head[a] == '"' && head[b - 1] == '"' && b - a >= 2) {
        a++;
        b--;
      }
      if(b - a < sizeof(name)) {
        memcpy(name, head + a, b - a);
        name[b - a] = '\0';
        has_data |= ieq(name, "AuditData");
        has_time |= ieq(name, "CreationDate");
        has_op |= ieq(name, "Operation") || ieq(name, "Operations");
      }
      i = st + 1;
    }
  }
  if(!has_data || !has_time || !has_op)
    return 0;
  return (int)(8 * (e > 400 ? 400 : e));
}

static const struct tl_parser m_parser = {
  TL_PARSER_STRUCT_VERSION,
  "m365",
  "1.0.0",
  "Microsoft 365 unified audit log: portal CSV exports (both layouts) and "
  "JSON lines of AuditData; SharePoint and OneDrive file operations",
  TL_CAP_THREADSAFE,
  { NULL, NULL, NULL, NULL, 0, 0 },
  m_bid,
  m_parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(m365)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                      char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(m365)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                      char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &m_parser);
}
