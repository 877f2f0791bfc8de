/*
** registry: ShellBags. UsrClass.dat (Vista and later: Local Settings\
** Software\Microsoft\Windows\Shell\BagMRU) and NTUSER.DAT (XP: Software\
** Microsoft\Windows\Shell\BagMRU, ShellNoRoam\BagMRU). Each BagMRU key
** holds numbered values, one shell item each, and a sub key of the same
** number for the folder's own children: the path of a folder is the items
** from the root down. One "opened" event per folder, at its parent key's
** last-written time (exact for the parent's most recent entry, position
** 1; the others were opened at or before it), with the times the shell item
** recorded (FAT times of the folder: modified, created, accessed).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regcommon.h"

#define BAG_MAX_DEPTH 64
#define BAG_MAX_ENTRIES 4096

static void
bag_walk(tlp_reg *r, libregf_key_t *k, const tlp_pidl *parent,
         const char *keypath, int depth)
{
  uint32_t *order;
  int n, i;
  uint64_t ft = tlp_key_time(k);
  if(depth > BAG_MAX_DEPTH) {
    tlp_corrupt(r, tlp_key_offset(k), "registry: BagMRU nested deeper than "
                "64 levels");
    return;
  }
  if(!(order = r->api->alloc(BAG_MAX_ENTRIES * sizeof(*order))))
    return;
  n = tlp_mrulistex(r, k, order, BAG_MAX_ENTRIES);
  if(n < 0) {
    /* no MRUListEx: the numbered values in their own order */
    int nv = tlp_n_values(k), j;
    n = 0;
    for(j = 0; j < nv && n < BAG_MAX_ENTRIES; j++) {
      libregf_value_t *v = tlp_value_at(k, j);
      char name[64], *end;
      unsigned long x;
      if(!v)
        continue;
      tlp_value_name(v, name, sizeof(name));
      tlp_value_free(&v);
      x = strtoul(name, &end, 10);
      if(name[0] && !*end)
        order[n++] = (uint32_t)x;
    }
  }
  for(i = 0; i < n && !r->stopped; i++) {
    char vname[16], sub[TLP_REG_TEXT], t[40];
    libregf_value_t *v;
    libregf_key_t *child;
    uint8_t *d;
    size_t len = 0;
    uint64_t off;
    tlp_pidl p;
    tlp_ev e;
    snprintf(vname, sizeof(vname), "%u", (unsigned)order[i]);
    if(!(v = tlp_value(k, vname))) {
      tlp_corrupt(r, tlp_key_offset(k), "registry: BagMRU lists an entry "
                  "that has no value");
      continue;
    }
    off = tlp_value_offset(v);
    d = tlp_value_data(r, v, &len);
    tlp_value_free(&v);
    if(!d || tlp_pidl_parse(d, len, parent, &p) || p.n_items <= (parent ?
                                                                 parent->n_items
                                                                 : 0)) {
      if(d)
        r->api->free(d);
      tlp_corrupt(r, off, "registry: BagMRU entry is not a shell item");
      continue;
    }
    r->api->free(d);
    snprintf(sub, sizeof(sub), "%s\\%s", keypath, vname);
    tlp_ev_init(r, &e, TL_EV_OPENED, ft, "ShellBags: folder opened");
    e.ev.record_offset = off;
    tlp_ev_attr(&e, "bag_key", "%s", sub);
    tlp_ev_attr(&e, "position", "%d", i + 1);
    tlp_ev_attr(&e, "time_exact", "%s", i == 0 ? "yes" :
                "no: opened at or before this time (key last written)");
    tlp_ev_attr(&e, "key_last_written", "%s", tlp_ft_text(ft, t));
    tlp_ev_attr(&e, "shell_path", "%s", p.display);
    if(p.mtime)
      tlp_ev_attr(&e, "item_modified", "%s", tlp_fat_text(p.mtime, t));
    if(p.ctime)
      tlp_ev_attr(&e, "item_created", "%s", tlp_fat_text(p.ctime, t));
    if(p.atime)
      tlp_ev_attr(&e, "item_accessed", "%s", tlp_fat_text(p.atime, t));
    if(p.mft_ref)
      tlp_ev_attr(&e, "mft_reference", "%llu-%u",
                  (unsigned long long)(p.mft_ref & 0xffffffffffffull),
                  (unsigned)(p.mft_ref >> 48));
    if((child = tlp_key(k, vname))) {
      tlp_ev_attr(&e, "folder_key_last_written", "%s",
                  tlp_ft_text(tlp_key_time(child), t));
    }
    tlp_ev_emit(r, &e, p.path[0] ? p.path : NULL, p.name);
    if(child) {
      bag_walk(r, child, &p, sub, depth + 1);
      tlp_key_free(&child);
    }
  }
  r->api->free(order);
}

int
tlp_shellbags(tlp_reg *r, const char *path)
{
  libregf_key_t *k = tlp_key(r->root, path);
  if(!k)
    return 0;
  bag_walk(r, k, NULL, "BagMRU", 0);
  tlp_key_free(&k);
  return 1;
}

int
tlp_usrclass(tlp_reg *r)
{
  int any = 0;
  any |= tlp_shellbags(r, "Local Settings\\Software\\Microsoft\\Windows\\"
                       "Shell\\BagMRU");
  any |= tlp_shellbags(r, "Wow6432Node\\Local Settings\\Software\\Microsoft\\"
                       "Windows\\Shell\\BagMRU");
  return any;
}
