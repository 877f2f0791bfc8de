/*
** plugins/evtx: Windows event logs (.evtx) through libevtx (README.md next
** to this file). The log is read through the host's read_at alone: a
** libbfio handle whose callbacks call api->read_at, handed to
** libevtx_file_open_file_io_handle, so a log inside an image is never
** copied out. Security records about file access (4656, 4658, 4660, 4663),
** share access (5140, 5145) and logons (4624, 4634) become events; every
** record is counted per event ID (fact evtx.<channel>.ids), with the first
** and last record time (evtx.<channel>.range) and, for the Security log,
** whether object access and file share auditing were on (audit.*).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libbfio.h>
#include <libevtx.h>

#include <touchline/plugin.h>

#include "evtx_int.h"

#define EVX_HEADER 4096u
#define EVX_CHUNK 65536u
#define EVX_MAX_DATA 64             /* EventData values kept per record */
#define EVX_MAX_XML (4u << 20)      /* a record's XML beyond this is bad */

/* ---- the log read through api->read_at, as a libbfio handle ----------- */

struct evx_io {
  const struct tl_host_api *api;
  tl_input *in;
  uint64_t size;
  uint64_t pos;
  int open;
};

static int
io_free(intptr_t **h, libbfio_error_t **e)
{
  (void)e;
  *h = NULL;                    /* lives in the parse state */
  return 1;
}

static int
io_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
  (void)e;
  *dst = src;                   /* CLONE_BY_REFERENCE: never called */
  return 1;
}

static int
io_open(intptr_t *h, int flags, libbfio_error_t **e)
{
  struct evx_io *io = (struct evx_io *)h;
  (void)e;
  if(flags & LIBBFIO_ACCESS_FLAG_WRITE)
    return -1;
  io->open = 1;
  io->pos = 0;
  return 1;
}

static int
io_close(intptr_t *h, libbfio_error_t **e)
{
  (void)e;
  ((struct evx_io *)h)->open = 0;
  return 0;
}

static ssize_t
io_read(intptr_t *h, uint8_t *buf, size_t size, libbfio_error_t **e)
{
  struct evx_io *io = (struct evx_io *)h;
  size_t got = 0;
  (void)e;
  if(io->pos >= io->size || !size)
    return 0;
  if(size > io->size - io->pos)
    size = (size_t)(io->size - io->pos);
  if(size > ((size_t)1 << 30))
    size = (size_t)1 << 30;
  /* the host may read less than asked before the end: libbfio callers
  ** take a short read as the end, so read on until size or the end */
  while(got < size) {
    size_t n = 0;
    if(io->api->read_at(io->in, io->pos + got, buf + got, size - got, &n) !=
       TL_OK)
      return -1;
    if(!n)
      break;
    got += n;
  }
  io->pos += got;
  return (ssize_t)got;
}

static ssize_t
io_write(intptr_t *h, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
  (void)h;
  (void)buf;
  (void)size;
  (void)e;
  return -1;
}

static off64_t
io_seek(intptr_t *h, off64_t off, int whence, libbfio_error_t **e)
{
  struct evx_io *io = (struct evx_io *)h;
  int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
    (int64_t)io->pos : whence == SEEK_END ? (int64_t)io->size : -1;
  (void)e;
  if(base < 0 || (off < 0 && -off > base))
    return -1;
  io->pos = (uint64_t)(base + off);
  return (off64_t)io->pos;
}

static int
io_exists(intptr_t *h, libbfio_error_t **e)
{
  (void)h;
  (void)e;
  return 1;
}

static int
io_is_open(intptr_t *h, libbfio_error_t **e)
{
  (void)e;
  return ((struct evx_io *)h)->open;
}

static int
io_get_size(intptr_t *h, size64_t *size, libbfio_error_t **e)
{
  (void)e;
  *size = ((struct evx_io *)h)->size;
  return 1;
}

/* ---- small helpers ---------------------------------------------------- */

static uint32_t
get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
    (uint32_t)p[3] << 24;
}

/* The last line of a libyal error (the innermost cause first is noise:
** the outermost names the record), or "unknown". */
static void
evx_error_text(libevtx_error_t *err, char *out, size_t n)
{
  char buf[2048];
  char *p, *line;
  snprintf(out, n, "libevtx: unknown error");
  if(!err || libevtx_error_sprint(err, buf, sizeof(buf)) < 0)
    return;
  buf[sizeof(buf) - 1] = '\0';
  /* the first line is the innermost cause ("invalid binary XML token") */
  line = buf;
  if((p = strchr(buf, '\n')))
    *p = '\0';
  for(p = line; *p; p++)
    if((unsigned char)*p < 0x20)
      *p = ' ';
  if(strlen(line) > n - 10)
    line[n - 10] = '\0';
  memcpy(out, "libevtx: ", 9);
  memcpy(out + 9, line, strlen(line) + 1);
}

/* In-place XML unescape of the five entities and &#N; / &#xN; (UTF-8). */
static void
xml_unescape(char *s)
{
  char *r = s, *w = s;
  while(*r) {
    if(*r == '&') {
      static const struct { const char *e; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
        {"&apos;", '\''}
      };
      size_t i;
      int done = 0;
      for(i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
        size_t l = strlen(ents[i].e);
        if(!strncmp(r, ents[i].e, l)) {
          *w++ = ents[i].c;
          r += l;
          done = 1;
          break;
        }
      }
      if(!done && r[1] == '#') {
        char *end;
        unsigned long c = r[2] == 'x' || r[2] == 'X' ?
          strtoul(r + 3, &end, 16) : strtoul(r + 2, &end, 10);
        if(*end == ';' && c > 0 && c < 0x110000 &&
           !(c >= 0xd800 && c < 0xe000) && (size_t)(end + 1 - r) >= 4) {
          if(c < 0x80)
            *w++ = (char)c;
          else if(c < 0x800) {
            *w++ = (char)(0xc0 | c >> 6);
            *w++ = (char)(0x80 | (c & 0x3f));
          } else if(c < 0x10000) {
            *w++ = (char)(0xe0 | c >> 12);
            *w++ = (char)(0x80 | (c >> 6 & 0x3f));
            *w++ = (char)(0x80 | (c & 0x3f));
          } else {
            *w++ = (char)(0xf0 | c >> 18);
            *w++ = (char)(0x80 | (c >> 12 & 0x3f));
            *w++ = (char)(0x80 | (c >> 6 & 0x3f));
            *w++ = (char)(0x80 | (c & 0x3f));
          }
          r = end + 1;
          done = 1;
        }
      }
      if(done)
        continue;
    }
    *w++ = *r++;
  }
  *w = '\0';
}

/* ---- one record's XML, cut into named values -------------------------- */

struct evx_rec {
  char *xml;                    /* malloc'd, cut in place */
  size_t cap;
  const char *channel;
  uint64_t keywords;            /* System/Keywords: audit success/failure */
  const char *names[EVX_MAX_DATA], *values[EVX_MAX_DATA];
  size_t n;
};

static const char *
rec_get(const struct evx_rec *r, const char *name)
{
  size_t i;
  for(i = 0; i < r->n; i++)
    if(!strcmp(r->names[i], name))
      return r->values[i];
  return NULL;
}

/* A value that says something: not NULL, not empty, not "-". */
static const char *
rec_val(const struct evx_rec *r, const char *name)
{
  const char *v = rec_get(r, name);
  return v && *v && strcmp(v, "-") ? v : NULL;
}

/* Cut the XML text of a record (libevtx's rendering) into the channel and
** the <Data Name="..">..</Data> values of EventData. */
static void
rec_cut(struct evx_rec *r)
{
  char *p = r->xml, *q;
  r->n = 0;
  r->channel = NULL;
  r->keywords = tlp_evtx_keywords(p);
  if((q = strstr(p, "<Channel>"))) {
    char *e = strstr(q + 9, "</Channel>");
    if(e) {
      *e = '\0';
      r->channel = q + 9;
      p = e + 1;
    }
  }
  while(r->n < EVX_MAX_DATA && (q = strstr(p, "<Data Name=\""))) {
    char *name = q + 12, *ne = strchr(name, '"'), *v, *ve;
    if(!ne)
      break;
    *ne = '\0';
    v = ne + 1;
    if(!strncmp(v, "/>", 2)) {
      r->names[r->n] = name;
      r->values[r->n++] = "";
      p = v + 2;
      continue;
    }
    if(*v != '>')
      break;
    v++;
    if(!(ve = strstr(v, "</Data>")))
      break;
    *ve = '\0';
    xml_unescape(name);
    xml_unescape(v);
    r->names[r->n] = name;
    r->values[r->n++] = v;
    p = ve + 7;
  }
}

/* ---- access masks ----------------------------------------------------- */

static const struct {
  uint32_t bit;
  const char *name;
  unsigned code;                /* %%NNNN in AccessList (msobjs.dll) */
} evx_rights[] = {
  {0x1, "ReadData/ListDirectory", 4416},
  {0x2, "WriteData/AddFile", 4417},
  {0x4, "AppendData", 4418},
  {0x8, "ReadEA", 4419},
  {0x10, "WriteEA", 4420},
  {0x20, "Execute", 4421},
  {0x40, "DeleteChild", 4422},
  {0x80, "ReadAttributes", 4423},
  {0x100, "WriteAttributes", 4424},
  {0x10000, "DELETE", 1537},
  {0x20000, "READ_CONTROL", 1538},
  {0x40000, "WRITE_DAC", 1539},
  {0x80000, "WRITE_OWNER", 1540},
  {0x100000, "SYNCHRONIZE", 1541},
  {0x1000000, "ACCESS_SYS_SEC", 1542},
};
#define EVX_N_RIGHTS (sizeof(evx_rights) / sizeof(evx_rights[0]))

uint32_t
tlp_evtx_access_list_mask(const char *list, int *unknown)
{
  uint32_t m = 0;
  const char *p = list;
  *unknown = 0;
  while(p && (p = strstr(p, "%%"))) {
    char *end;
    unsigned long code = strtoul(p + 2, &end, 10);
    size_t i;
    int hit = 0;
    for(i = 0; i < EVX_N_RIGHTS; i++)
      if(evx_rights[i].code == code) {
        m |= evx_rights[i].bit;
        hit = 1;
      }
    if(!hit)
      (*unknown)++;
    p = end > p + 2 ? end : p + 2;
  }
  return m;
}

size_t
tlp_evtx_access_names(uint32_t mask, char *out, size_t n)
{
  size_t i, o = 0;
  uint32_t left = mask;
  out[0] = '\0';
  for(i = 0; i < EVX_N_RIGHTS && o < n; i++) {
    if(!(mask & evx_rights[i].bit))
      continue;
    left &= ~evx_rights[i].bit;
    o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "",
                          evx_rights[i].name);
  }
  if(left && o < n)
    o += (size_t)snprintf(out + o, n - o, "%s0x%x", o ? " " : "",
                          (unsigned)left);
  return o < n ? o : n - 1;
}

/* DELETE (0x10000) alone is not a deletion: Windows asks for it to rename
** or move a file and for rename-style saves (Office) too; the deletion is
** the 4660 that follows on the same handle. So it is changed here, and
** deleted only from a 4660 (on_object). */
int
tlp_evtx_access_kind(uint32_t mask)
{
  if(mask & (0x2 | 0x4))
    return TL_EV_MODIFIED;
  if(mask & 0x1)
    return TL_EV_ACCESSED;
  if(mask & (0x10 | 0x100 | 0x10000 | 0x40000 | 0x80000))
    return TL_EV_CHANGED;
  return TL_EV_OBSERVED;
}

/* <Keywords>0x8010000000000000</Keywords> of the System element: the
** number, 0 when the record has none. libevtx has no accessor for it, so
** it is read from the record's XML rendering like the EventData values. */
uint64_t
tlp_evtx_keywords(const char *xml)
{
  const char *k = strstr(xml, "<Keywords>");
  const char *end = k ? strstr(k, "</Keywords>") : NULL;
  if(!k || !end)
    return 0;
  return (uint64_t)strtoull(k + 10, NULL, 16);
}

/* "\??\C:\Shares\Space" + "docs\a.docx" -> "C:\Shares\Space\docs\a.docx";
** a relative target of "\" or "" names the share's folder itself. */
void
tlp_evtx_share_path(const char *local, const char *rel, char *out, size_t n)
{
  size_t l;
  if(!strncmp(local, "\\??\\", 4) || !strncmp(local, "\\\\?\\", 4))
    local += 4;
  snprintf(out, n, "%s", local);
  l = strlen(out);
  while(l > 3 && out[l - 1] == '\\')
    out[--l] = '\0';
  while(rel && *rel == '\\')
    rel++;
  if(rel && *rel && l + 1 < n)
    snprintf(out + l, n - l, "%s%s", l && out[l - 1] == '\\' ? "" : "\\",
             rel);
}

/* A kernel object name "\Device\HarddiskVolume2\x\y" as a path on the
** volume ("\x\y"); drive letter paths as they are. */
static const char *
object_path(const char *name)
{
  static const char dev[] = "\\Device\\HarddiskVolume";
  if(!strncmp(name, dev, sizeof(dev) - 1)) {
    const char *p = name + sizeof(dev) - 1;
    while(*p >= '0' && *p <= '9')
      p++;
    if(*p == '\\')
      return p;
  }
  return name;
}

/* ---- sessions and handles --------------------------------------------- */

struct evx_logon {
  uint64_t id;                  /* 0: free slot */
  char *account, *address, *type;
};

struct evx_handle {
  uint64_t key;                 /* process id << 32 ^ handle id; 0: free */
  uint64_t handle, process;
  char *object, *type;
};

struct evx_map {
  void *slots;
  size_t cap, used, size;       /* size: bytes of one slot */
};

static uint64_t
mix(uint64_t x)
{
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

/* The slot for key (its first uint64_t): found, or the free one it would
** take. Grows at half full. NULL when out of memory. */
static void *
map_slot(struct evx_map *m, uint64_t key, int insert)
{
  size_t i;
  if(insert && (m->used + 1) * 2 > m->cap) {
    size_t ncap = m->cap ? m->cap * 2 : 256, j;
    uint8_t *ns = calloc(ncap, m->size), *os = m->slots;
    if(!ns)
      return NULL;
    for(j = 0; j < m->cap; j++) {
      uint64_t k;
      memcpy(&k, os + j * m->size, 8);
      if(!k)
        continue;
      for(i = mix(k) & (ncap - 1);; i = (i + 1) & (ncap - 1)) {
        uint64_t k2;
        memcpy(&k2, ns + i * m->size, 8);
        if(!k2) {
          memcpy(ns + i * m->size, os + j * m->size, m->size);
          break;
        }
      }
    }
    free(os);
    m->slots = ns;
    m->cap = ncap;
  }
  if(!m->cap)
    return NULL;
  for(i = mix(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    uint8_t *s = (uint8_t *)m->slots + i * m->size;
    uint64_t k;
    memcpy(&k, s, 8);
    if(k == key)
      return s;
    if(!k) {
      if(!insert)
        return NULL;
      m->used++;
      memcpy(s, &key, 8);
      return s;
    }
  }
}

static char *
dup(const char *s)
{
  size_t n;
  char *d;
  if(!s)
    return NULL;
  n = strlen(s);
  if((d = malloc(n + 1)))
    memcpy(d, s, n + 1);
  return d;
}

static uint64_t
hexnum(const char *s)
{
  if(!s)
    return 0;
  return strtoull(s, NULL, 0);
}

/* ---- the parse -------------------------------------------------------- */

struct evx_state {
  const struct tl_host_api *api;
  tl_input *in;
  struct evx_rec rec;
  struct evx_map logons, handles;
  uint32_t *ids;                /* count per event ID (16 bits) */
  uint64_t n_ids_other;         /* IDs above 65535 (never seen) */
  int64_t first_ns, last_ns;
  int have_time;
  char channel[256];
  uint64_t n_records, n_bad, n_emitted, n_unpaired, n_other_objects;
  uint64_t n_denied;             /* audit failures listed as observed */
  int stop;
  tl_rc emit_rc;
};

static void
actor_of(const struct evx_rec *r, const char *dom_key, const char *user_key,
         const char *sid_key, char *out, size_t n)
{
  const char *d = rec_val(r, dom_key), *u = rec_val(r, user_key);
  out[0] = '\0';
  if(u && d)
    snprintf(out, n, "%s\\%s", d, u);
  else if(u)
    snprintf(out, n, "%s", u);
  else if(rec_val(r, sid_key))
    snprintf(out, n, "%s", rec_val(r, sid_key));
}

struct evx_attrs {
  struct tl_attr a[24];
  size_t n;
};

static void
add(struct evx_attrs *a, const char *k, const char *v)
{
  if(v && *v && a->n < sizeof(a->a) / sizeof(a->a[0])) {
    a->a[a->n].key = k;
    a->a[a->n++].value = v;
  }
}

static void
emit(struct evx_state *s, struct tl_artifact_event *ev, struct evx_attrs *a)
{
  tl_rc rc;
  ev->attrs = a->a;
  ev->n_attrs = a->n;
  rc = s->api->emit(s->in, ev);
  if(rc == TL_STOP)
    s->stop = 1;
  else if(rc == TL_OK)
    s->n_emitted++;
}

/* The session a logon id names, from a 4624 earlier in this log. */
static const struct evx_logon *
session(struct evx_state *s, const char *logon_id)
{
  uint64_t id = hexnum(logon_id);
  return id ? map_slot(&s->logons, id, 0) : NULL;
}

static void
on_logon(struct evx_state *s, struct tl_artifact_event *ev, uint32_t eid,
         struct evx_attrs *a)
{
  const struct evx_rec *r = &s->rec;
  char account[512], lid[32];
  const char *addr = rec_val(r, "IpAddress"), *port = rec_val(r, "IpPort");
  uint64_t id = hexnum(rec_val(r, "TargetLogonId"));
  actor_of(r, "TargetDomainName", "TargetUserName", "TargetUserSid", account,
           sizeof(account));
  if(!account[0])
    return;
  snprintf(lid, sizeof(lid), "0x%llx", (unsigned long long)id);
  ev->kind = eid == 4624 ? TL_EV_LOGON : TL_EV_LOGOFF;
  ev->name = account;
  ev->actor = account;
  ev->what = eid == 4624 ? "4624 logon" : "4634 logoff";
  add(a, "logon_id", lid);
  add(a, "logon_type", rec_val(r, "LogonType"));
  add(a, "user_sid", rec_val(r, "TargetUserSid"));
  add(a, "source_address", addr);
  add(a, "source_port", port && strcmp(port, "0") ? port : NULL);
  add(a, "workstation", rec_val(r, "WorkstationName"));
  add(a, "auth_package", rec_val(r, "AuthenticationPackageName"));
  if(eid == 4624 && id) {
    struct evx_logon *l = map_slot(&s->logons, id, 1);
    if(l) {
      free(l->account);
      free(l->address);
      free(l->type);
      l->account = dup(account);
      l->address = dup(addr);
      l->type = dup(rec_val(r, "LogonType"));
    }
  }
  emit(s, ev, a);
}

static uint64_t
handle_key(uint64_t process, uint64_t handle)
{
  uint64_t k = mix(process) ^ handle;
  return k ? k : 1;
}

/* 4656, 4663, 4658, 4660: object access. */
static void
on_object(struct evx_state *s, struct tl_artifact_event *ev, uint32_t eid,
          struct evx_attrs *a)
{
  const struct evx_rec *r = &s->rec;
  char account[512], names[256], what[512], path_buf[4096];
  const char *obj = rec_val(r, "ObjectName"), *type = rec_val(r, "ObjectType");
  const char *mask_s = rec_val(r, "AccessMask"), *list = rec_val(r,
                                                                 "AccessList");
  uint64_t handle = hexnum(rec_val(r, "HandleId")),
    process = hexnum(rec_val(r, "ProcessId"));
  const struct evx_logon *l = session(s, rec_val(r, "SubjectLogonId"));
  uint32_t mask = 0;
  int unknown = 0;

  if(eid == 4658 || eid == 4660) {
    struct evx_handle *h = handle ? map_slot(&s->handles,
                                             handle_key(process, handle), 0)
      : NULL;
    if(!h || h->handle != handle || h->process != process) {
      s->n_unpaired++;
      return;
    }
    obj = h->object;
    type = h->type;
  }
  if(type && strcmp(type, "File")) {
    s->n_other_objects++;
    return;
  }
  if(!obj) {
    s->n_unpaired++;
    return;
  }
  if(mask_s)
    mask = (uint32_t)hexnum(mask_s);
  else if(list)
    mask = tlp_evtx_access_list_mask(list, &unknown);
  tlp_evtx_access_names(mask, names, sizeof(names));
  actor_of(r, "SubjectDomainName", "SubjectUserName", "SubjectUserSid",
           account, sizeof(account));
  snprintf(path_buf, sizeof(path_buf), "%s", object_path(obj));
  ev->file.kind = TL_REF_PATH;
  ev->file.path = path_buf;
  ev->actor = account[0] ? account : NULL;
  if(eid == 4660) {
    ev->kind = TL_EV_DELETED;
    snprintf(what, sizeof(what), "4660 object deleted%s%s",
             l && l->address ? " from " : "", l && l->address ?
             l->address : "");
  } else if(eid == 4658) {
    ev->kind = TL_EV_OBSERVED;
    snprintf(what, sizeof(what), "4658 handle closed");
  } else {
    /* an audit failure: the access was asked for and refused; listed, but
    ** it proves no access (kind observed) */
    int denied = (r->keywords & TLP_EVTX_AUDIT_FAILURE) != 0;
    ev->kind = denied ? TL_EV_OBSERVED : (uint32_t)tlp_evtx_access_kind(mask);
    if(denied)
      s->n_denied++;
    snprintf(what, sizeof(what), "%u %s%s: %s%s%s%s", (unsigned)eid,
             eid == 4663 ? "object access" : "handle requested",
             denied ? " denied (audit failure)" : "",
             names[0] ? names : "no rights", (mask & 0x10000) && !denied ?
             " (DELETE: a deletion or a rename; a 4660 says deleted)" : "",
             l && l->address ? ", session from " : "",
             l && l->address ? l->address : "");
  }
  ev->what = what;
  add(a, "access", names);
  add(a, "access_mask", mask_s);
  add(a, "access_list", list);
  add(a, "audit", r->keywords & TLP_EVTX_AUDIT_FAILURE ? "failure" : NULL);
  add(a, "logon_id", rec_val(r, "SubjectLogonId"));
  add(a, "user_sid", rec_val(r, "SubjectUserSid"));
  add(a, "process", rec_val(r, "ProcessName"));
  add(a, "handle_id", rec_val(r, "HandleId"));
  add(a, "object_name", obj);
  if(l) {
    add(a, "logon_type", l->type);
    add(a, "source_address", l->address);
    add(a, "session_account", l->account);
  }
  if((eid == 4656 || eid == 4663) && handle) {
    struct evx_handle *h = map_slot(&s->handles, handle_key(process, handle),
                                    1);
    if(h && (!h->object || strcmp(h->object, obj))) {
      free(h->object);
      free(h->type);
      h->handle = handle;
      h->process = process;
      h->object = dup(obj);
      h->type = dup(type);
    }
  }
  emit(s, ev, a);
}

/* 5140 (a share was connected) and 5145 (a file on a share was checked). */
static void
on_share(struct evx_state *s, struct tl_artifact_event *ev, uint32_t eid,
         struct evx_attrs *a)
{
  const struct evx_rec *r = &s->rec;
  char account[512], names[256], what[1024], path[4096], client[128];
  const char *share = rec_val(r, "ShareName"),
    *local = rec_val(r, "ShareLocalPath"),
    *rel = rec_get(r, "RelativeTargetName"),
    *addr = rec_val(r, "IpAddress"), *port = rec_val(r, "IpPort"),
    *mask_s = rec_val(r, "AccessMask"), *list = rec_val(r, "AccessList"),
    *results = rec_val(r, "AccessReason");
  uint32_t mask = 0;
  int unknown = 0;
  if(!local) {
    s->n_unpaired++;
    return;
  }
  if(!results)
    results = rec_val(r, "AccessCheckResults");
  if(mask_s)
    mask = (uint32_t)hexnum(mask_s);
  else if(list)
    mask = tlp_evtx_access_list_mask(list, &unknown);
  tlp_evtx_access_names(mask, names, sizeof(names));
  actor_of(r, "SubjectDomainName", "SubjectUserName", "SubjectUserSid",
           account, sizeof(account));
  tlp_evtx_share_path(local, eid == 5145 ? rel : NULL, path, sizeof(path));
  if(addr && port && strcmp(port, "0"))
    snprintf(client, sizeof(client), strchr(addr, ':') ? "[%s]:%s" :
             "%s:%s", addr, port);
  else
    snprintf(client, sizeof(client), "%s", addr ? addr : "?");
  ev->file.kind = TL_REF_PATH;
  ev->file.path = path;
  ev->actor = account[0] ? account : NULL;
  if(eid == 5140) {
    ev->kind = TL_EV_OBSERVED;
    snprintf(what, sizeof(what), "5140 share %s connected from %s",
             share ? share : "?", client);
  } else {
    int denied = (r->keywords & TLP_EVTX_AUDIT_FAILURE) ||
      (results && strstr(results, "Denied") && !strstr(results, "Granted"));
    if(denied)
      s->n_denied++;
    ev->kind = denied ? TL_EV_OBSERVED :
      (uint32_t)tlp_evtx_access_kind(mask);
    snprintf(what, sizeof(what), "5145 share access%s from %s to %s: %s",
             denied ? " denied" : "", client, share ? share : "?",
             names[0] ? names : "no rights");
  }
  ev->what = what;
  add(a, "source_address", addr);
  add(a, "source_port", port);
  add(a, "share_name", share);
  add(a, "share_path", local);
  add(a, "relative_target", eid == 5145 && rel && *rel ? rel : NULL);
  add(a, "access", names);
  add(a, "access_mask", mask_s);
  add(a, "access_list", list);
  add(a, "access_check", results);
  add(a, "audit", r->keywords & TLP_EVTX_AUDIT_FAILURE ? "failure" : NULL);
  add(a, "logon_id", rec_val(r, "SubjectLogonId"));
  add(a, "user_sid", rec_val(r, "SubjectUserSid"));
  emit(s, ev, a);
}

static int
is_security(const char *channel)
{
  return channel && !strcmp(channel, "Security");
}

/* One record: count it, and for the Security events we read, emit. */
static void
on_record(struct evx_state *s, libevtx_record_t *rec, int index)
{
  libevtx_error_t *err = NULL;
  uint32_t eid = 0;
  uint64_t ft = 0, rid = 0;
  size_t xml_size = 0;
  struct tl_artifact_event ev;
  struct evx_attrs a;
  char eid_s[16], rid_s[24];
  int64_t t;
  int clamped = 0, want;

  if(libevtx_record_get_event_identifier(rec, &eid, &err) != 1 ||
     libevtx_record_get_written_time(rec, &ft, &err) != 1) {
    char why[256];
    evx_error_text(err, why, sizeof(why));
    libevtx_error_free(&err);
    s->api->corrupt(s->in, 0, why);
    s->n_bad++;
    return;
  }
  libevtx_record_get_identifier(rec, &rid, NULL);
  s->n_records++;
  if(eid < 65536)
    s->ids[eid]++;
  else
    s->n_ids_other++;
  t = s->api->filetime_to_ns(ft, &clamped);
  if(ft) {
    if(!s->have_time || t < s->first_ns)
      s->first_ns = t;
    if(!s->have_time || t > s->last_ns)
      s->last_ns = t;
    s->have_time = 1;
  }
  want = eid == 4624 || eid == 4634 || eid == 4656 || eid == 4658 ||
    eid == 4660 || eid == 4663 || eid == 5140 || eid == 5145;
  /* the channel from the first record; Security's events from each */
  if(!s->channel[0] || want) {
    if(libevtx_record_get_utf8_xml_string_size(rec, &xml_size, &err) != 1 ||
       !xml_size || xml_size > EVX_MAX_XML) {
      char why[256];
      if(err)
        evx_error_text(err, why, sizeof(why));
      else
        snprintf(why, sizeof(why), "record %llu: XML of %zu bytes",
                 (unsigned long long)rid, xml_size);
      libevtx_error_free(&err);
      s->api->corrupt(s->in, 0, why);
      s->n_bad++;
      return;
    }
    if(xml_size > s->rec.cap) {
      char *x = realloc(s->rec.xml, xml_size);
      if(!x)
        return;
      s->rec.xml = x;
      s->rec.cap = xml_size;
    }
    if(libevtx_record_get_utf8_xml_string(rec, (uint8_t *)s->rec.xml,
                                          xml_size, &err) != 1) {
      char why[256];
      evx_error_text(err, why, sizeof(why));
      libevtx_error_free(&err);
      s->api->corrupt(s->in, 0, why);
      s->n_bad++;
      return;
    }
    s->rec.xml[xml_size - 1] = '\0';
    rec_cut(&s->rec);
    if(!s->channel[0] && s->rec.channel && *s->rec.channel)
      snprintf(s->channel, sizeof(s->channel), "%s", s->rec.channel);
  }
  if(!want || !is_security(s->rec.channel) || s->stop)
    return;
  (void)index;
  memset(&ev, 0, sizeof(ev));
  memset(&a, 0, sizeof(a));
  ev.struct_size = sizeof(ev);
  ev.t_ns = t;
  ev.clamped = clamped;
  ev.has_raw = 1;
  ev.raw = (int64_t)ft;
  snprintf(eid_s, sizeof(eid_s), "%u", (unsigned)eid);
  snprintf(rid_s, sizeof(rid_s), "%llu", (unsigned long long)rid);
  add(&a, "event_id", eid_s);
  add(&a, "record_id", rid_s);
  if(eid == 4624 || eid == 4634)
    on_logon(s, &ev, eid, &a);
  else if(eid == 5140 || eid == 5145)
    on_share(s, &ev, eid, &a);
  else
    on_object(s, &ev, eid, &a);
}

/* Chunks libevtx passes over without a word: a chunk that is not all
** zeros (never used) but has no ElfChnk signature is reported here (its
** records are not read). */
static void
scan_chunks(struct evx_state *s, uint64_t size)
{
  uint8_t *h;
  uint64_t off;
  unsigned idx = 0;
  if(!(h = malloc(EVX_CHUNK)))
    return;
  for(off = EVX_HEADER; off + 512 <= size; off += EVX_CHUNK, idx++) {
    size_t got = 0, i;
    char why[160];
    if(s->api->read_at(s->in, off, h, 8, &got) != TL_OK || got < 8)
      break;
    if(!memcmp(h, "ElfChnk", 8))
      continue;
    if(s->api->read_at(s->in, off, h, EVX_CHUNK, &got) != TL_OK)
      break;
    for(i = 0; i < got && !h[i]; i++)
      ;
    if(i == got)
      continue;                 /* never used */
    snprintf(why, sizeof(why), "chunk %u: no ElfChnk signature (its "
             "records are not read)", idx);
    s->api->corrupt(s->in, off, why);
    s->n_bad++;
  }
  free(h);
}

static void
iso(int64_t ns, char *out, size_t n)
{
  int64_t secs = ns / 1000000000, frac = ns % 1000000000, days, rem;
  int y, m, d;
  unsigned yy, doe, yoe, doy, mp;
  int64_t era;
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
  /* civil from days (Howard Hinnant) */
  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = (unsigned)(days - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  yy = yoe;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = (int)(doy - (153 * mp + 2) / 5 + 1);
  m = (int)(mp < 10 ? mp + 3 : mp - 9);
  y = (int)(yy + era * 400 + (m <= 2));
  snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", y, m, d,
           (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
           (int)(frac / 100));
}

static void
state_facts(struct evx_state *s)
{
  char key[300], *ids, ch[256], a[48], b[48], range[100];
  size_t i, o = 0, cap = 4097;
  const char *base, *p;
  if(s->api->abi_minor < 1 || !s->api->fact)
    return;
  if(s->channel[0])
    snprintf(ch, sizeof(ch), "%s", s->channel);
  else {
    /* no record named it: the file's name without .evtx */
    base = s->api->input_path(s->in);
    base = base ? base : "unknown";
    for(p = base; *p; p++)
      if(*p == '/' || *p == '\\')
        base = p + 1;
    snprintf(ch, sizeof(ch), "%s", base);
    if(strlen(ch) > 5 && !strcasecmp(ch + strlen(ch) - 5, ".evtx"))
      ch[strlen(ch) - 5] = '\0';
  }
  for(i = 0; ch[i]; i++) {
    if(ch[i] >= 'A' && ch[i] <= 'Z')
      ch[i] = (char)(ch[i] - 'A' + 'a');
    else if((unsigned char)ch[i] < 0x20 || ch[i] == 0x7f)
      ch[i] = '_';
  }
  if(!(ids = malloc(cap)))
    return;
  ids[0] = '\0';
  for(i = 0; i < 65536; i++) {
    char one[32];
    int l;
    if(!s->ids[i])
      continue;
    l = snprintf(one, sizeof(one), "%s%u:%u", o ? " " : "", (unsigned)i,
                 (unsigned)s->ids[i]);
    if(o + (size_t)l + 4 >= cap) {
      memcpy(ids + o, " ...", 5);
      o += 4;
      break;
    }
    memcpy(ids + o, one, (size_t)l + 1);
    o += (size_t)l;
  }
  snprintf(key, sizeof(key), "evtx.%s.ids", ch);
  s->api->fact(s->in, key, ids);
  free(ids);
  if(s->have_time) {
    iso(s->first_ns, a, sizeof(a));
    iso(s->last_ns, b, sizeof(b));
    snprintf(range, sizeof(range), "%s %s", a, b);
    snprintf(key, sizeof(key), "evtx.%s.range", ch);
    s->api->fact(s->in, key, range);
  }
  if(is_security(s->channel)) {
    s->api->fact(s->in, "audit.object_access",
                 s->ids[4656] || s->ids[4663] ? "present" : "absent");
    s->api->fact(s->in, "audit.file_share",
                 s->ids[5140] || s->ids[5145] ? "present" : "absent");
  }
}

static void
map_free(struct evx_map *m, int handles)
{
  size_t i;
  for(i = 0; i < m->cap; i++) {
    uint8_t *p = (uint8_t *)m->slots + i * m->size;
    if(handles) {
      struct evx_handle *h = (struct evx_handle *)(void *)p;
      free(h->object);
      free(h->type);
    } else {
      struct evx_logon *l = (struct evx_logon *)(void *)p;
      free(l->account);
      free(l->address);
      free(l->type);
    }
  }
  free(m->slots);
}

static int
evtx_bid(const uint8_t *head, size_t len)
{
  if(len < 128 || memcmp(head, "ElfFile", 8))
    return 0;
  /* signature, and a header size of 128 bytes: 96 bits */
  return get32(head + 32) == 128 ? 96 : 64;
}

static tl_rc
evtx_parse(const struct tl_host_api *api, tl_input *in)
{
  struct evx_state s;
  struct evx_io io;
  libbfio_handle_t *bfio = NULL;
  libbfio_error_t *berr = NULL;
  libevtx_file_t *file = NULL;
  libevtx_error_t *err = NULL;
  uint8_t head[128];
  size_t got = 0;
  int n = 0, i;
  tl_rc rc = TL_OK;
  char why[300];

  memset(&s, 0, sizeof(s));
  s.api = api;
  s.in = in;
  s.logons.size = sizeof(struct evx_logon);
  s.handles.size = sizeof(struct evx_handle);
  memset(&io, 0, sizeof(io));
  io.api = api;
  io.in = in;
  io.size = api->input_size(in);

  if(io.size < EVX_HEADER ||
     api->read_at(in, 0, head, sizeof(head), &got) != TL_OK ||
     got < sizeof(head) || memcmp(head, "ElfFile", 8)) {
    api->warn(in, io.size < EVX_HEADER ? "evtx: shorter than the 4096-byte "
              "file header" : "evtx: no ElfFile signature");
    return TL_FAILED;
  }
  if(!(s.ids = calloc(65536, sizeof(uint32_t))))
    return TL_FAILED;
  if(libbfio_handle_initialize(&bfio, (intptr_t *)&io, io_free, io_clone,
                               io_open, io_close, io_read, io_write,
                               io_seek, io_exists, io_is_open, io_get_size,
                               LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED |
                               LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_REFERENCE,
                               &berr) != 1) {
    libbfio_error_free(&berr);
    free(s.ids);
    return TL_FAILED;
  }
  if(libevtx_file_initialize(&file, &err) != 1 ||
     libevtx_file_open_file_io_handle(file, bfio, LIBEVTX_OPEN_READ,
                                      &err) != 1) {
    evx_error_text(err, why, sizeof(why));
    libevtx_error_free(&err);
    api->warn(in, why);
    rc = TL_FAILED;
    goto out;
  }
  if(libevtx_file_get_number_of_records(file, &n, &err) != 1) {
    libevtx_error_free(&err);
    n = 0;
  }
  for(i = 0; i < n && !s.stop; i++) {
    libevtx_record_t *rec = NULL;
    if(libevtx_file_get_record_by_index(file, i, &rec, &err) != 1) {
      char inner[256];
      evx_error_text(err, inner, sizeof(inner));
      libevtx_error_free(&err);
      snprintf(why, sizeof(why), "record %d of the log: %s", i, inner);
      api->corrupt(in, 0, why);
      s.n_bad++;
      continue;
    }
    on_record(&s, rec, i);
    libevtx_record_free(&rec, NULL);
  }
  scan_chunks(&s, io.size);
  state_facts(&s);
  if(s.n_unpaired) {
    snprintf(why, sizeof(why), "evtx: %llu object or share access records "
             "name no object (4658/4660 whose handle was opened before the "
             "log begins): counted, not emitted",
             (unsigned long long)s.n_unpaired);
    api->warn(in, why);
  }
  if(s.n_denied) {
    snprintf(why, sizeof(why), "evtx: %llu object or share accesses were "
             "refused (audit failure): listed as observed, not as access",
             (unsigned long long)s.n_denied);
    api->warn(in, why);
  }
  if(!s.n_records && s.n_bad)
    rc = TL_FAILED;
  else if(s.n_bad)
    rc = TL_CORRUPT;
  libevtx_file_close(file, NULL);
out:
  libevtx_file_free(&file, NULL);
  libbfio_handle_free(&bfio, NULL);
  map_free(&s.logons, 0);
  map_free(&s.handles, 1);
  free(s.rec.xml);
  free(s.ids);
  return rc;
}

static const char *const evtx_globs[] = {
  "/Windows/System32/winevt/Logs/*.evtx", NULL
};
static const uint8_t evtx_signature[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e',
                                          0};

static const struct tl_parser evtx_parser = {
  TL_PARSER_STRUCT_VERSION,
  "evtx",
  "1.0.0",
  "Windows event log (.evtx, libevtx): Security object and share access "
  "(4656/4658/4660/4663, 5140/5145), logons (4624/4634); event IDs counted",
  TL_CAP_THREADSAFE,
  { evtx_globs, NULL, NULL, evtx_signature, sizeof(evtx_signature), 0 },
  evtx_bid,
  evtx_parse
};

TL_PLUGIN_EXPORT tl_rc TL_PLUGIN_ENTRY(evtx)(const struct tl_host_api *api,
                                            tl_plugin_ctx *ctx,
                                            char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(evtx)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                      char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &evtx_parser);
}
