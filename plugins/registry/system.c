/*
** registry: the SYSTEM hive, facts about the machine (api->fact, ABI 1.1;
** keys in docs/PLUGIN-ABI.md) read from the current control set
** (Select\Current): host.name (Control\ComputerName\ComputerName),
** host.timezone (Control\TimeZoneInformation), ntfs.last_access
** (Control\FileSystem\NtfsDisableLastAccessUpdate: legacy 0/1 and the four
** values since Windows 10 1803) and share.<NAME> for each share of
** Services\LanmanServer\Shares (its "Path=" line).
*/
#include <stdio.h>
#include <string.h>

#include "regcommon.h"

static void
fact(tlp_reg *r, const char *key, const char *value)
{
  char msg[512];
  if(r->api->abi_minor < 1 ||
     r->api->struct_size < offsetof(struct tl_host_api, fact) +
     sizeof(r->api->fact) || !r->api->fact) {
    snprintf(msg, sizeof(msg), "registry: %s = %s (host of ABI 1.0: no "
             "facts)", key, value);
    r->api->warn(r->in, msg);
    return;
  }
  if(r->api->fact(r->in, key, value) != TL_OK) {
    snprintf(msg, sizeof(msg), "registry: the host refused fact %s", key);
    r->api->warn(r->in, msg);
  }
}

/* "off (0x80000003, system-managed)" */
static const char *
last_access_text(uint32_t v, char *out, size_t n)
{
  const char *state, *how;
  switch(v) {
  case 0: state = "on"; how = "legacy"; break;
  case 1: state = "off"; how = "legacy"; break;
  case 0x80000000u: state = "on"; how = "user-managed"; break;
  case 0x80000001u: state = "off"; how = "user-managed"; break;
  case 0x80000002u: state = "on"; how = "system-managed"; break;
  case 0x80000003u: state = "off"; how = "system-managed"; break;
  default:
    /* bit 0 is the setting in every documented value */
    state = (v & 1) ? "off" : "on";
    how = "undocumented value";
    break;
  }
  snprintf(out, n, "%s (0x%08x, %s)", state, (unsigned)v, how);
  return out;
}

static void
shares(tlp_reg *r, libregf_key_t *cs)
{
  libregf_key_t *k = tlp_key(cs, "Services\\LanmanServer\\Shares");
  int i, n;
  if(!k)
    return;
  n = tlp_n_values(k);
  for(i = 0; i < n; i++) {
    libregf_value_t *v = tlp_value_at(k, i);
    char name[256], key[300], line[TLP_REG_TEXT];
    uint8_t *d;
    size_t len, u = 0, units;
    uint64_t off;
    int found = 0;
    if(!v)
      continue;
    tlp_value_name(v, name, sizeof(name));
    off = tlp_value_offset(v);
    d = tlp_value_data(r, v, &len);
    tlp_value_free(&v);
    if(!d)
      continue;
    units = len / 2;
    /* REG_MULTI_SZ: NUL-separated lines, one of them Path=... */
    while(u < units) {
      size_t used = tlp_utf16(d + 2 * u, units - u, line, sizeof(line));
      if(!strncasecmp(line, "Path=", 5) && name[0]) {
        snprintf(key, sizeof(key), "share.%s", name);
        fact(r, key, line + 5);
        found = 1;
        break;
      }
      u += used + 1;
    }
    r->api->free(d);
    if(!found)
      tlp_corrupt(r, off, "registry: a share without a Path= line");
  }
  tlp_key_free(&k);
}

int
tlp_system(tlp_reg *r)
{
  libregf_key_t *sel = tlp_key(r->root, "Select"), *cs, *k;
  uint32_t cur = 0, v;
  char name[80], text[TLP_REG_TEXT], val[TLP_REG_TEXT + 64];
  if(!sel)
    return 0;
  if(!tlp_value_dword(r, sel, "Current", &cur) || !cur || cur > 999) {
    tlp_corrupt(r, tlp_key_offset(sel), "registry: Select\\Current missing "
                "or bad; using ControlSet001");
    cur = 1;
  }
  tlp_key_free(&sel);
  snprintf(name, sizeof(name), "ControlSet%03u", (unsigned)cur);
  if(!(cs = tlp_key(r->root, name))) {
    snprintf(val, sizeof(val), "registry: SYSTEM hive without %s", name);
    r->api->warn(r->in, val);
    return 1;
  }
  if((k = tlp_key(cs, "Control\\ComputerName\\ComputerName"))) {
    if(tlp_value_string(r, k, "ComputerName", text, sizeof(text)) && text[0])
      fact(r, "host.name", text);
    tlp_key_free(&k);
  }
  if((k = tlp_key(cs, "Control\\TimeZoneInformation"))) {
    uint32_t bias = 0;
    int has_bias = tlp_value_dword(r, k, "Bias", &bias);
    if(!tlp_value_string(r, k, "TimeZoneKeyName", text, sizeof(text)) ||
       !text[0])
      tlp_value_string(r, k, "StandardName", text, sizeof(text));
    if(text[0] || has_bias) {
      if(has_bias)
        snprintf(val, sizeof(val), "%s (bias %d min)", text[0] ? text :
                 "(no name)", (int)(int32_t)bias);
      else
        snprintf(val, sizeof(val), "%s", text);
      fact(r, "host.timezone", val);
    }
    tlp_key_free(&k);
  }
  if((k = tlp_key(cs, "Control\\FileSystem"))) {
    if(tlp_value_dword(r, k, "NtfsDisableLastAccessUpdate", &v))
      fact(r, "ntfs.last_access", last_access_text(v, val, sizeof(val)));
    else
      r->api->warn(r->in, "registry: NtfsDisableLastAccessUpdate absent "
                   "(the default depends on the Windows version: on for XP, "
                   "off for Vista to Windows 10 1709)");
    tlp_key_free(&k);
  }
  shares(r, cs);
  tlp_key_free(&cs);
  return 1;
}
