/*
** registry: NTUSER.DAT. RecentDocs (per extension, MRUListEx order),
** ComDlg32 OpenSavePidlMRU and LastVisitedPidlMRU (shell item lists),
** Office File MRU (2010: <ver>\<App>\File MRU; 2013 and later: <ver>\<App>\
** User MRU\<id>\File MRU, each value with its [T<FILETIME>] time),
** UserAssist (ROT13 names; XP 16-byte and Windows 7+ 72-byte values), and
** the XP ShellBags of Software\Microsoft\Windows\Shell.
**
** Times of MRU lists: a key's last-written time is when its most recent
** entry (position 1) was opened; the entries below were opened at or before
** it. Every event says which (attributes position and time_exact).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regcommon.h"

#define EXPLORER "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer"
#define MRU_MAX 1024

/* ---- a small set of strings (dedupe across the MRU lists) ---- */
typedef struct {
  char **s;
  size_t n, cap;
} strset;

static int
set_has(const strset *s, const char *x)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    if(!strcasecmp(s->s[i], x))
      return 1;
  return 0;
}

static void
set_add(tlp_reg *r, strset *s, const char *x)
{
  size_t len = strlen(x) + 1;
  char *c;
  if(s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **n = r->api->alloc(cap * sizeof(*n));
    if(!n)
      return;
    if(s->n)
      memcpy(n, s->s, s->n * sizeof(*n));
    r->api->free(s->s);
    s->s = n;
    s->cap = cap;
  }
  if(!(c = r->api->alloc(len)))
    return;
  memcpy(c, x, len);
  s->s[s->n++] = c;
}

static void
set_free(tlp_reg *r, strset *s)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    r->api->free(s->s[i]);
  r->api->free(s->s);
  memset(s, 0, sizeof(*s));
}

/* The data of value "<num>" of k. */
static uint8_t *
mru_value(tlp_reg *r, libregf_key_t *k, uint32_t num, size_t *len,
          uint64_t *off)
{
  char name[16];
  libregf_value_t *v;
  uint8_t *d;
  snprintf(name, sizeof(name), "%u", (unsigned)num);
  if(!(v = tlp_value(k, name))) {
    *len = 0;
    return NULL;
  }
  *off = tlp_value_offset(v);
  d = tlp_value_data(r, v, len);
  tlp_value_free(&v);
  return d;
}

static void
mru_time_attrs(tlp_ev *e, int pos, uint64_t key_ft)
{
  char t[40];
  tlp_ev_attr(e, "position", "%d", pos);
  tlp_ev_attr(e, "time_exact", "%s", pos == 1 ? "yes" :
              "no: opened at or before this time (key last written)");
  tlp_ev_attr(e, "key_last_written", "%s", tlp_ft_text(key_ft, t));
}

/* ---- RecentDocs ---- */

static void
recentdocs_key(tlp_reg *r, libregf_key_t *k, const char *keyname,
               strset *seen, int emit_seen)
{
  uint32_t order[MRU_MAX];
  int n = tlp_mrulistex(r, k, order, MRU_MAX), i;
  uint64_t ft = tlp_key_time(k);
  for(i = 0; i < n && !r->stopped; i++) {
    size_t len = 0, units;
    uint64_t off = 0;
    uint8_t *d = mru_value(r, k, order[i], &len, &off);
    char name[1024], lnk[512];
    tlp_ev e;
    if(!d) {
      tlp_corrupt(r, tlp_key_offset(k), "registry: RecentDocs lists an "
                  "entry that has no value");
      continue;
    }
    units = tlp_utf16(d, len / 2, name, sizeof(name));
    lnk[0] = '\0';
    /* after the name's NUL: a shell item (the shortcut's 8.3 and long
    ** names); keep the long name of the .lnk when it is there */
    if((units + 1) * 2 + 2 <= len) {
      tlp_pidl sp;
      if(!tlp_pidl_parse(d + (units + 1) * 2, len - (units + 1) * 2, NULL,
                         &sp))
        snprintf(lnk, sizeof(lnk), "%s", sp.name);
    }
    r->api->free(d);
    if(!name[0]) {
      tlp_corrupt(r, off, "registry: RecentDocs entry without a name");
      continue;
    }
    if(seen) {
      if(!emit_seen && set_has(seen, name))
        continue;
      if(emit_seen)
        set_add(r, seen, name);
    }
    tlp_ev_init(r, &e, TL_EV_OPENED, ft, "RecentDocs: opened");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "mru", "RecentDocs%s%s", keyname[0] ? "\\" : "",
                keyname);
    mru_time_attrs(&e, i + 1, ft);
    tlp_ev_attr(&e, "entry", "%u", (unsigned)order[i]);
    if(lnk[0])
      tlp_ev_attr(&e, "shortcut", "%s", lnk);
    tlp_ev_emit(r, &e, NULL, name);
  }
}

static int
recentdocs(tlp_reg *r)
{
  libregf_key_t *k = tlp_key(r->root, EXPLORER "\\RecentDocs");
  strset seen = {0};
  int i, n;
  char name[256];
  if(!k)
    return 0;
  n = tlp_n_subkeys(k);
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_key_t *s = tlp_subkey(k, i);
    if(!s)
      continue;
    recentdocs_key(r, s, tlp_key_name(s, name, sizeof(name)), &seen, 1);
    tlp_key_free(&s);
  }
  /* the list of all extensions: only what no extension's list holds */
  recentdocs_key(r, k, "", &seen, 0);
  set_free(r, &seen);
  tlp_key_free(&k);
  return 1;
}

/* ---- ComDlg32 ---- */

static void
pidl_attrs(tlp_ev *e, const tlp_pidl *p)
{
  char t[40];
  tlp_ev_attr(e, "shell_path", "%s", p->display);
  if(p->mtime)
    tlp_ev_attr(e, "item_modified", "%s", tlp_fat_text(p->mtime, t));
  if(p->ctime)
    tlp_ev_attr(e, "item_created", "%s", tlp_fat_text(p->ctime, t));
  if(p->atime)
    tlp_ev_attr(e, "item_accessed", "%s", tlp_fat_text(p->atime, t));
  if(p->mft_ref)
    tlp_ev_attr(e, "mft_reference", "%llu-%u",
                (unsigned long long)(p->mft_ref & 0xffffffffffffull),
                (unsigned)(p->mft_ref >> 48));
}

static void
opensave_key(tlp_reg *r, libregf_key_t *k, const char *ext, strset *seen,
             int emit_seen)
{
  uint32_t order[MRU_MAX];
  int n = tlp_mrulistex(r, k, order, MRU_MAX), i;
  uint64_t ft = tlp_key_time(k);
  for(i = 0; i < n && !r->stopped; i++) {
    size_t len = 0;
    uint64_t off = 0;
    uint8_t *d = mru_value(r, k, order[i], &len, &off);
    tlp_pidl p;
    tlp_ev e;
    if(!d) {
      tlp_corrupt(r, tlp_key_offset(k), "registry: OpenSavePidlMRU lists an "
                  "entry that has no value");
      continue;
    }
    if(tlp_pidl_parse(d, len, NULL, &p) || !p.n_items) {
      r->api->free(d);
      tlp_corrupt(r, off, "registry: OpenSavePidlMRU entry is not a shell "
                  "item list");
      continue;
    }
    r->api->free(d);
    if(!emit_seen && set_has(seen, p.display))
      continue;
    if(emit_seen)
      set_add(r, seen, p.display);
    tlp_ev_init(r, &e, TL_EV_OPENED, ft,
                "ComDlg32 OpenSavePidlMRU: opened or saved in a dialog");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "mru", "OpenSavePidlMRU\\%s", ext);
    mru_time_attrs(&e, i + 1, ft);
    tlp_ev_attr(&e, "entry", "%u", (unsigned)order[i]);
    pidl_attrs(&e, &p);
    tlp_ev_emit(r, &e, p.path[0] ? p.path : NULL, p.name);
  }
}

static int
opensave(tlp_reg *r)
{
  libregf_key_t *k = tlp_key(r->root, EXPLORER "\\ComDlg32\\OpenSavePidlMRU");
  libregf_key_t *star = NULL;
  strset seen = {0};
  int i, n;
  char name[256];
  if(!k)
    return 0;
  n = tlp_n_subkeys(k);
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_key_t *s = tlp_subkey(k, i);
    if(!s)
      continue;
    tlp_key_name(s, name, sizeof(name));
    if(!strcmp(name, "*"))
      star = s;
    else {
      opensave_key(r, s, name, &seen, 1);
      tlp_key_free(&s);
    }
  }
  /* "*" lists every extension's entries again: only what is new */
  if(star) {
    opensave_key(r, star, "*", &seen, 0);
    tlp_key_free(&star);
  }
  set_free(r, &seen);
  tlp_key_free(&k);
  return 1;
}

static int
lastvisited(tlp_reg *r)
{
  libregf_key_t *k = tlp_key(r->root,
                             EXPLORER "\\ComDlg32\\LastVisitedPidlMRU");
  uint32_t order[MRU_MAX];
  int n, i;
  uint64_t ft;
  if(!k)
    return 0;
  n = tlp_mrulistex(r, k, order, MRU_MAX);
  ft = tlp_key_time(k);
  for(i = 0; i < n && !r->stopped; i++) {
    size_t len = 0, units;
    uint64_t off = 0;
    uint8_t *d = mru_value(r, k, order[i], &len, &off);
    char prog[512];
    tlp_pidl p;
    tlp_ev e;
    if(!d) {
      tlp_corrupt(r, tlp_key_offset(k), "registry: LastVisitedPidlMRU lists "
                  "an entry that has no value");
      continue;
    }
    units = tlp_utf16(d, len / 2, prog, sizeof(prog));
    if((units + 1) * 2 >= len ||
       tlp_pidl_parse(d + (units + 1) * 2, len - (units + 1) * 2, NULL, &p)) {
      r->api->free(d);
      tlp_corrupt(r, off, "registry: LastVisitedPidlMRU entry without a "
                  "shell item list");
      continue;
    }
    r->api->free(d);
    tlp_ev_init(r, &e, TL_EV_OPENED, ft,
                "ComDlg32 LastVisitedPidlMRU: folder used by a program's "
                "dialog");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "mru", "LastVisitedPidlMRU");
    mru_time_attrs(&e, i + 1, ft);
    tlp_ev_attr(&e, "entry", "%u", (unsigned)order[i]);
    tlp_ev_attr(&e, "program", "%s", prog);
    pidl_attrs(&e, &p);
    tlp_ev_emit(r, &e, p.path[0] ? p.path : NULL,
                p.n_items ? p.name : prog);
  }
  tlp_key_free(&k);
  return 1;
}

/* ---- Office File MRU ---- */

/* "[F00000000][T01CD0146EA1EADB0][O00000000]*C:\x.docx": the time and
** the path (after '*'). */
static int
office_item(const char *s, uint64_t *ft, const char **path)
{
  const char *t = strstr(s, "[T"), *star = strchr(s, '*');
  *ft = 0;
  if(!star || !star[1])
    return -1;
  *path = star + 1;
  if(t && t < star) {
    char *end;
    unsigned long long v = strtoull(t + 2, &end, 16);
    if(*end == ']' && end - (t + 2) == 16)
      *ft = v;
  }
  return 0;
}

static void
office_list(tlp_reg *r, libregf_key_t *k, const char *ver, const char *app,
            const char *where)
{
  int n = tlp_n_values(k), i;
  uint64_t kft = tlp_key_time(k);
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_value_t *v = tlp_value_at(k, i);
    char vname[256], text[TLP_REG_TEXT], t[40];
    uint8_t *d;
    size_t len;
    uint64_t off, ft;
    const char *path;
    int pos;
    tlp_ev e;
    if(!v)
      continue;
    tlp_value_name(v, vname, sizeof(vname));
    off = tlp_value_offset(v);
    if(strncasecmp(vname, "Item ", 5) || (pos = atoi(vname + 5)) <= 0) {
      tlp_value_free(&v);
      continue;
    }
    d = tlp_value_data(r, v, &len);
    tlp_value_free(&v);
    if(!d)
      continue;
    tlp_utf16(d, len / 2, text, sizeof(text));
    r->api->free(d);
    if(office_item(text, &ft, &path)) {
      tlp_corrupt(r, off, "registry: Office File MRU item without a path");
      continue;
    }
    /* the item's own time when it has one, else the key's */
    tlp_ev_init(r, &e, TL_EV_OPENED, ft ? ft : kft,
                "Office File MRU: opened");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "mru", "Office %s %s%s", ver, app, where);
    tlp_ev_attr(&e, "position", "%d", pos);
    tlp_ev_attr(&e, "time_exact", "%s", ft ? "yes: the item's [T] time" :
                pos == 1 ? "yes" :
                "no: opened at or before this time (key last written)");
    tlp_ev_attr(&e, "key_last_written", "%s", tlp_ft_text(kft, t));
    tlp_ev_attr(&e, "value", "%s", text);
    tlp_ev_emit(r, &e, path, NULL);
  }
}

static int
office(tlp_reg *r)
{
  libregf_key_t *k = tlp_key(r->root, "Software\\Microsoft\\Office");
  int i, n, found = 0;
  if(!k)
    return 0;
  n = tlp_n_subkeys(k);
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_key_t *vk = tlp_subkey(k, i);
    char ver[64], app[128];
    int j, m;
    if(!vk)
      continue;
    tlp_key_name(vk, ver, sizeof(ver));
    if(!(ver[0] >= '0' && ver[0] <= '9')) {
      tlp_key_free(&vk);
      continue;
    }
    m = tlp_n_subkeys(vk);
    for(j = 0; j < m && !r->stopped; j++) {
      libregf_key_t *ak = tlp_subkey(vk, j), *f, *um;
      if(!ak)
        continue;
      tlp_key_name(ak, app, sizeof(app));
      if((f = tlp_key(ak, "File MRU"))) {
        office_list(r, f, ver, app, "\\File MRU");
        tlp_key_free(&f);
        found = 1;
      }
      if((um = tlp_key(ak, "User MRU"))) {
        int u, nu = tlp_n_subkeys(um);
        for(u = 0; u < nu && !r->stopped; u++) {
          libregf_key_t *id = tlp_subkey(um, u);
          char idn[256], where[400];
          if(!id)
            continue;
          if((f = tlp_key(id, "File MRU"))) {
            snprintf(where, sizeof(where), "\\User MRU\\%s\\File MRU",
                     tlp_key_name(id, idn, sizeof(idn)));
            office_list(r, f, ver, app, where);
            tlp_key_free(&f);
            found = 1;
          }
          tlp_key_free(&id);
        }
        tlp_key_free(&um);
      }
      tlp_key_free(&ak);
    }
    tlp_key_free(&vk);
  }
  tlp_key_free(&k);
  return found;
}

/* ---- UserAssist ---- */

static const struct {
  const char *guid, *path;
} ua_folders[] = {
  {"{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}", "C:\\Windows\\System32"},
  {"{D65231B0-B2F1-4857-A4CE-A8E7C6EA7D27}", "C:\\Windows\\SysWOW64"},
  {"{F38BF404-1D43-42F2-9305-67DE0B28FC23}", "C:\\Windows"},
  {"{6D809377-6AF0-444B-8957-A3773F02200E}", "C:\\Program Files"},
  {"{7C5A40EF-A0FB-4BFC-874A-C0F2E0B9FA8E}", "C:\\Program Files (x86)"},
  {"{905E63B6-C1BF-494E-B29C-65B732D3D21A}", "C:\\Program Files"},
  {NULL, NULL}
};

static void
rot13(char *s)
{
  for(; *s; s++) {
    char c = *s;
    if(c >= 'a' && c <= 'z')
      *s = (char)('a' + (c - 'a' + 13) % 26);
    else if(c >= 'A' && c <= 'Z')
      *s = (char)('A' + (c - 'A' + 13) % 26);
  }
}

static void
userassist_count(tlp_reg *r, libregf_key_t *count, const char *guid,
                 uint32_t version)
{
  int n = tlp_n_values(count), i;
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_value_t *v = tlp_value_at(count, i);
    char name[1024], path[1200];
    const char *base, *ref = NULL;
    uint8_t *d;
    size_t len;
    uint64_t off, ft = 0;
    uint32_t runs = 0, focus = 0, focus_ms = 0;
    int k, has_focus = 0;
    tlp_ev e;
    if(!v)
      continue;
    tlp_value_name(v, name, sizeof(name));
    off = tlp_value_offset(v);
    d = tlp_value_data(r, v, &len);
    tlp_value_free(&v);
    rot13(name);
    if(!d)
      continue;
    if(len == 16) {
      runs = tlp_get32(d + 4);
      ft = tlp_get64(d + 8);
      /* XP counts from 5 */
      if(version == 3 && runs >= 5)
        runs -= 5;
    } else if(len == 72) {
      runs = tlp_get32(d + 4);
      focus = tlp_get32(d + 8);
      focus_ms = tlp_get32(d + 12);
      ft = tlp_get64(d + 60);
      has_focus = 1;
    } else {
      r->api->free(d);
      if(strncmp(name, "UEME_CTL", 8)) {
        char why[128];
        snprintf(why, sizeof(why), "registry: UserAssist value of %zu bytes "
                 "(not 16 or 72)", len);
        tlp_corrupt(r, off, why);
      }
      continue;
    }
    r->api->free(d);
    /* session counters, and programs never run: no execution to show */
    if(!strncmp(name, "UEME_CTL", 8) || !ft)
      continue;
    base = strrchr(name, '\\');
    base = base ? base + 1 : name;
    for(k = 0; ua_folders[k].guid; k++) {
      size_t gl = strlen(ua_folders[k].guid);
      if(!strncasecmp(name, ua_folders[k].guid, gl) && name[gl] == '\\') {
        snprintf(path, sizeof(path), "%s%s", ua_folders[k].path, name + gl);
        ref = path;
      }
    }
    if(!ref && ((name[0] && name[1] == ':' && name[2] == '\\') ||
                (name[0] == '\\' && name[1] == '\\')))
      ref = name;
    tlp_ev_init(r, &e, TL_EV_EXECUTED, ft, "UserAssist: last run");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "value_name", "%s", name);
    tlp_ev_attr(&e, "run_count", "%u", (unsigned)runs);
    if(has_focus) {
      tlp_ev_attr(&e, "focus_count", "%u", (unsigned)focus);
      tlp_ev_attr(&e, "focus_ms", "%u", (unsigned)focus_ms);
    }
    tlp_ev_attr(&e, "userassist_guid", "%s", guid);
    tlp_ev_attr(&e, "format", "%s", has_focus ? "72-byte (Windows 7+)" :
                "16-byte (Windows XP/2003)");
    tlp_ev_emit(r, &e, ref, base);
  }
}

static int
userassist(tlp_reg *r)
{
  libregf_key_t *k = tlp_key(r->root, EXPLORER "\\UserAssist");
  int i, n;
  if(!k)
    return 0;
  n = tlp_n_subkeys(k);
  for(i = 0; i < n && !r->stopped; i++) {
    libregf_key_t *g = tlp_subkey(k, i), *c;
    char guid[256];
    uint32_t ver = 0;
    if(!g)
      continue;
    tlp_key_name(g, guid, sizeof(guid));
    tlp_value_dword(r, g, "Version", &ver);
    if((c = tlp_key(g, "Count"))) {
      userassist_count(r, c, guid, ver);
      tlp_key_free(&c);
    }
    tlp_key_free(&g);
  }
  tlp_key_free(&k);
  return 1;
}

int
tlp_ntuser(tlp_reg *r)
{
  int any = 0;
  any |= recentdocs(r);
  any |= opensave(r);
  any |= lastvisited(r);
  any |= office(r);
  any |= userassist(r);
  any |= tlp_shellbags(r, "Software\\Microsoft\\Windows\\Shell\\BagMRU");
  any |= tlp_shellbags(r, "Software\\Microsoft\\Windows\\ShellNoRoam\\BagMRU");
  return any;
}
