/*
** registry: helpers shared by the parts of the registry parser: UTF-16,
** keys and values through libregf, MRUListEx, building and emitting events.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "regcommon.h"

uint16_t
tlp_get16(const uint8_t *p)
{
  return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
tlp_get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
    (uint32_t)p[3] << 24;
}

uint64_t
tlp_get64(const uint8_t *p)
{
  return (uint64_t)tlp_get32(p) | (uint64_t)tlp_get32(p + 4) << 32;
}

size_t
tlp_utf16(const uint8_t *p, size_t n, char *out, size_t outsz)
{
  size_t i, o = 0;
  if(!outsz)
    return 0;
  for(i = 0; i < n; i++) {
    uint32_t c = tlp_get16(p + 2 * i);
    char tmp[8];
    size_t k = 0;
    if(!c)
      break;
    if(c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t d = tlp_get16(p + 2 * i + 2);
      if(d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if(c >= 0xd800 && c < 0xe000) {
      k = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)c);
    } else if(c < 0x20 || c == 0x7f) {
      k = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02X", (unsigned)c);
    } else if(c < 0x80) {
      tmp[k++] = (char)c;
    } else if(c < 0x800) {
      tmp[k++] = (char)(0xc0 | c >> 6);
      tmp[k++] = (char)(0x80 | (c & 0x3f));
    } else if(c < 0x10000) {
      tmp[k++] = (char)(0xe0 | c >> 12);
      tmp[k++] = (char)(0x80 | (c >> 6 & 0x3f));
      tmp[k++] = (char)(0x80 | (c & 0x3f));
    } else {
      tmp[k++] = (char)(0xf0 | c >> 18);
      tmp[k++] = (char)(0x80 | (c >> 12 & 0x3f));
      tmp[k++] = (char)(0x80 | (c >> 6 & 0x3f));
      tmp[k++] = (char)(0x80 | (c & 0x3f));
    }
    if(o + k >= outsz) {
      /* cut: count the rest as consumed up to the NUL */
      while(i < n && tlp_get16(p + 2 * i))
        i++;
      break;
    }
    memcpy(out + o, tmp, k);
    o += k;
  }
  out[o] = '\0';
  return i;
}

void
tlp_utf8_clean(const char *in, char *out, size_t outsz)
{
  const unsigned char *p = (const unsigned char *)in;
  size_t o = 0;
  if(!outsz)
    return;
  while(*p) {
    int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 1 :
            (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 && *p < 0xf5 ? 3 :
            -1;
    int j, ok = n >= 0;
    for(j = 1; ok && j <= n; j++)
      if((p[j] & 0xc0) != 0x80)
        ok = 0;
    if(ok && n == 2 && ((p[0] == 0xe0 && p[1] < 0xa0) ||
                        (p[0] == 0xed && p[1] >= 0xa0)))
      ok = 0;
    if(ok && n == 3 && ((p[0] == 0xf0 && p[1] < 0x90) ||
                        (p[0] == 0xf4 && p[1] >= 0x90)))
      ok = 0;
    if(ok && n == 0 && (*p < 0x20 || *p == 0x7f))
      ok = 0, n = 0;
    if(!ok) {
      if(o + 4 >= outsz)
        break;
      snprintf(out + o, 5, "\\x%02X", (unsigned)*p);
      o += 4;
      p++;
      continue;
    }
    if(o + (size_t)n + 1 >= outsz)
      break;
    memcpy(out + o, p, (size_t)n + 1);
    o += (size_t)n + 1;
    p += n + 1;
  }
  out[o] = '\0';
}

/* ---- keys and values -------------------------------------------------- */

libregf_key_t *
tlp_key(libregf_key_t *parent, const char *path)
{
  libregf_key_t *k = NULL;
  libregf_error_t *err = NULL;
  if(!parent)
    return NULL;
  if(libregf_key_get_sub_key_by_utf8_path(parent, (const uint8_t *)path,
                                          strlen(path), &k, &err) != 1) {
    libregf_error_free(&err);
    return NULL;
  }
  return k;
}

void
tlp_key_free(libregf_key_t **k)
{
  if(*k)
    libregf_key_free(k, NULL);
  *k = NULL;
}

uint64_t
tlp_key_time(libregf_key_t *k)
{
  uint64_t t = 0;
  libregf_error_t *err = NULL;
  if(libregf_key_get_last_written_time(k, &t, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return t;
}

uint64_t
tlp_key_offset(libregf_key_t *k)
{
  off64_t off = 0;
  libregf_error_t *err = NULL;
  if(libregf_key_get_offset(k, &off, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return off < 0 ? 0 : (uint64_t)off;
}

const char *
tlp_key_name(libregf_key_t *k, char *buf, size_t n)
{
  libregf_error_t *err = NULL;
  char raw[1024];
  buf[0] = '\0';
  if(libregf_key_get_utf8_name(k, (uint8_t *)raw, sizeof(raw), &err) != 1) {
    libregf_error_free(&err);
    return buf;
  }
  raw[sizeof(raw) - 1] = '\0';
  tlp_utf8_clean(raw, buf, n);
  return buf;
}

int
tlp_n_subkeys(libregf_key_t *k)
{
  int n = 0;
  libregf_error_t *err = NULL;
  if(libregf_key_get_number_of_sub_keys(k, &n, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return n;
}

libregf_key_t *
tlp_subkey(libregf_key_t *k, int i)
{
  libregf_key_t *s = NULL;
  libregf_error_t *err = NULL;
  if(libregf_key_get_sub_key(k, i, &s, &err) != 1) {
    libregf_error_free(&err);
    return NULL;
  }
  return s;
}

int
tlp_n_values(libregf_key_t *k)
{
  int n = 0;
  libregf_error_t *err = NULL;
  if(libregf_key_get_number_of_values(k, &n, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return n;
}

libregf_value_t *
tlp_value_at(libregf_key_t *k, int i)
{
  libregf_value_t *v = NULL;
  libregf_error_t *err = NULL;
  if(libregf_key_get_value(k, i, &v, &err) != 1) {
    libregf_error_free(&err);
    return NULL;
  }
  return v;
}

libregf_value_t *
tlp_value(libregf_key_t *k, const char *name)
{
  libregf_value_t *v = NULL;
  libregf_error_t *err = NULL;
  if(!k || libregf_key_get_value_by_utf8_name(k, (const uint8_t *)name,
                                              strlen(name), &v, &err) != 1) {
    libregf_error_free(&err);
    return NULL;
  }
  return v;
}

void
tlp_value_free(libregf_value_t **v)
{
  if(*v)
    libregf_value_free(v, NULL);
  *v = NULL;
}

const char *
tlp_value_name(libregf_value_t *v, char *buf, size_t n)
{
  libregf_error_t *err = NULL;
  char raw[1024];
  size_t sz = 0;
  buf[0] = '\0';
  if(libregf_value_get_utf8_name_size(v, &sz, &err) != 1 || sz <= 1 ||
     sz > sizeof(raw) ||
     libregf_value_get_utf8_name(v, (uint8_t *)raw, sizeof(raw), &err) != 1) {
    libregf_error_free(&err);
    return buf;
  }
  raw[sizeof(raw) - 1] = '\0';
  tlp_utf8_clean(raw, buf, n);
  return buf;
}

uint32_t
tlp_value_type(libregf_value_t *v)
{
  uint32_t t = 0;
  libregf_error_t *err = NULL;
  if(libregf_value_get_value_type(v, &t, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return t;
}

uint64_t
tlp_value_offset(libregf_value_t *v)
{
  off64_t off = 0;
  libregf_error_t *err = NULL;
  if(libregf_value_get_offset(v, &off, &err) != 1) {
    libregf_error_free(&err);
    return 0;
  }
  return off < 0 ? 0 : (uint64_t)off;
}

uint8_t *
tlp_value_data(tlp_reg *r, libregf_value_t *v, size_t *len)
{
  libregf_error_t *err = NULL;
  size_t sz = 0;
  uint8_t *buf;
  *len = 0;
  if(libregf_value_get_value_data_size(v, &sz, &err) != 1) {
    libregf_error_free(&err);
    tlp_corrupt(r, tlp_value_offset(v), "registry: a value's data size "
                "cannot be read");
    return NULL;
  }
  if(!sz || sz > TLP_REG_MAX_DATA)
    return NULL;
  if(!(buf = r->api->alloc(sz + 2)))
    return NULL;
  if(libregf_value_get_value_data(v, buf, sz, &err) != 1) {
    libregf_error_free(&err);
    r->api->free(buf);
    tlp_corrupt(r, tlp_value_offset(v), "registry: a value's data cannot be "
                "read");
    return NULL;
  }
  buf[sz] = buf[sz + 1] = 0;
  *len = sz;
  return buf;
}

int
tlp_value_string(tlp_reg *r, libregf_key_t *k, const char *name, char *out,
                 size_t outsz)
{
  libregf_value_t *v = tlp_value(k, name);
  uint8_t *d;
  size_t len;
  out[0] = '\0';
  if(!v)
    return 0;
  d = tlp_value_data(r, v, &len);
  tlp_value_free(&v);
  if(!d)
    return 0;
  tlp_utf16(d, len / 2, out, outsz);
  r->api->free(d);
  return 1;
}

int
tlp_value_dword(tlp_reg *r, libregf_key_t *k, const char *name, uint32_t *out)
{
  libregf_value_t *v = tlp_value(k, name);
  uint8_t *d;
  size_t len;
  if(!v)
    return 0;
  d = tlp_value_data(r, v, &len);
  tlp_value_free(&v);
  if(!d)
    return 0;
  if(len != 4) {
    r->api->free(d);
    return 0;
  }
  *out = tlp_get32(d);
  r->api->free(d);
  return 1;
}

int
tlp_mrulistex(tlp_reg *r, libregf_key_t *k, uint32_t *order, int max)
{
  libregf_value_t *v = tlp_value(k, "MRUListEx");
  uint8_t *d;
  size_t len, i;
  int n = 0;
  if(!v)
    return -1;
  d = tlp_value_data(r, v, &len);
  tlp_value_free(&v);
  if(!d)
    return 0;
  for(i = 0; i + 4 <= len && n < max; i += 4) {
    uint32_t x = tlp_get32(d + i);
    if(x == 0xffffffffu)
      break;
    order[n++] = x;
  }
  r->api->free(d);
  return n;
}

/* ---- events ----------------------------------------------------------- */

void
tlp_ev_init(tlp_reg *r, tlp_ev *e, uint32_t kind, uint64_t ft,
            const char *what)
{
  memset(e, 0, sizeof(*e));
  e->ev.struct_size = sizeof(e->ev);
  e->ev.kind = kind;
  if(ft) {
    e->ev.t_ns = r->api->filetime_to_ns(ft, &e->ev.clamped);
    e->ev.has_raw = 1;
    e->ev.raw = (int64_t)ft;
  }
  e->ev.actor = r->actor;
  e->ev.what = what;
  e->ev.attrs = e->attrs;
}

void
tlp_ev_attr(tlp_ev *e, const char *key, const char *fmt, ...)
{
  va_list ap;
  char raw[256];
  size_t i = e->ev.n_attrs;
  if(i >= TLP_REG_MAX_ATTRS)
    return;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof(raw), fmt, ap);
  va_end(ap);
  tlp_utf8_clean(raw, e->vals[i], sizeof(e->vals[i]));
  e->attrs[i].key = key;
  e->attrs[i].value = e->vals[i];
  e->ev.n_attrs = i + 1;
}

void
tlp_ev_emit(tlp_reg *r, tlp_ev *e, const char *path, const char *name)
{
  tl_rc rc;
  if(r->stopped)
    return;
  if(path && *path) {
    e->ev.file.kind = TL_REF_PATH;
    e->ev.file.path = path;
  } else {
    e->ev.name = name && *name ? name : "(no name)";
  }
  rc = r->api->emit(r->in, &e->ev);
  if(rc == TL_STOP)
    r->stopped = 1;
  else if(rc == TL_OK)
    r->n_events++;
}

void
tlp_corrupt(tlp_reg *r, uint64_t off, const char *why)
{
  r->n_corrupt++;
  r->api->corrupt(r->in, off, why);
}

const char *
tlp_ft_text(uint64_t ft, char *buf)
{
  int64_t s = (int64_t)(ft / 10000000u) - INT64_C(11644473600);
  unsigned frac = (unsigned)(ft % 10000000u);
  time_t t = (time_t)s;
  struct tm tm;
  if(!gmtime_r(&t, &tm)) {
    snprintf(buf, 40, "0x%016llx", (unsigned long long)ft);
    return buf;
  }
  snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%07uZ",
           (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
           tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
           tm.tm_sec % 100, frac % 10000000u);
  return buf;
}

const char *
tlp_fat_text(uint32_t fat, char *buf)
{
  unsigned date = fat & 0xffff, tm = fat >> 16;
  snprintf(buf, 40, "%04u-%02u-%02uT%02u:%02u:%02u", 1980 + (date >> 9),
           date >> 5 & 15, date & 31, tm >> 11, tm >> 5 & 63, (tm & 31) * 2);
  return buf;
}
