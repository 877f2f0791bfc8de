/*
** prefetch: Windows Prefetch files (README.md next to this file): format
** versions 17 (XP, 2003), 23 (Vista, 7), 26 (8, 8.1) and the MAM-compressed
** 30 and 31 (10, 11). "executed" on the executable at the last run time and
** at each earlier run time stored; "loaded" (ABI 1.1) on each other file of
** the file list at the last run time.
**
** Read with Debian's libscca (libscca-dev) through a libbfio memory range
** over the file read whole with api->read_at: the host hands out read_at
** only, and a memory range needs no temporary file (nothing written, nothing
** left behind by a crash, no temporary folder needed, thread-safe). A
** compressed file (MAM\x04, LZXPRESS Huffman) is decompressed here with
** libfwnt (libfwnt-dev) before libscca sees it: libscca 20200717
** decompresses version 30 itself but refuses version 31 after decompressing
** it; version 31 has the layout of version 30 (variant 2), so the
** decompressed header's version is rewritten to 30 for libscca and the
** events say 31.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libbfio.h>
#include <libfwnt.h>
#include <libscca.h>

#include <touchline/plugin.h>

#define PF_MAX_FILE (UINT64_C(64) << 20)    /* larger files are refused */
#define PF_MAX_PLAIN (UINT32_C(64) << 20)   /* decompressed size limit */
#define PF_MAX_RUNS 8
#define PF_MAX_VOLS 64
#define PF_NAME_MAX 29                      /* executable names are cut here */
#define PF_TEXT 4096

struct pf_vol {
  char dev[512];
  uint32_t serial;
  uint64_t ctime;
  int ok, system;
};

struct pf_file {
  char *path;            /* as written, UTF-8 (api->alloc) */
  uint64_t ref;          /* NTFS file reference; has_ref */
  int has_ref;
};

struct pf_state {
  const struct tl_host_api *api;
  tl_input *in;
  libscca_file_t *f;
  uint32_t version, hash, run_count;
  char exe[256];
  struct pf_vol vols[PF_MAX_VOLS];
  int n_vols;
  struct pf_file *files;
  int n_files;
  size_t n_bad;
};

static uint32_t
get32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
    (uint32_t)p[3] << 24;
}

static int
pf_upper(int c)
{
  return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* a equals b for n bytes without regard to ASCII case */
static int
pf_eqn(const char *a, const char *b, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(pf_upper((unsigned char)a[i]) != pf_upper((unsigned char)b[i]))
      return 0;
  return 1;
}

/* libscca's error as one line into buf, then freed */
static const char *
pf_err(libscca_error_t **e, char *buf, size_t n)
{
  char *nl;
  buf[0] = '\0';
  if(*e) {
    libscca_error_sprint(*e, buf, n);
    libscca_error_free(e);
  }
  while((nl = strchr(buf, '\n')))
    *nl = ' ';
  if(!buf[0])
    snprintf(buf, n, "unknown libscca error");
  return buf;
}

/* FILETIME as ISO 8601 UTC with 7 fractional digits */
static void
pf_iso(uint64_t ft, char *out, size_t n)
{
  uint64_t secs = ft / 10000000u, frac = ft % 10000000u;
  int64_t days = (int64_t)(secs / 86400u), y, m, d, era, doe, yoe, doy, mp;
  unsigned sod = (unsigned)(secs % 86400u);
  /* days since 1601-01-01 to days since 1970-01-01, then civil_from_days */
  days -= 134774;
  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(out, n, "%04lld-%02lld-%02lldT%02u:%02u:%02u.%07lluZ", (long long)y,
           (long long)m, (long long)d, sod / 3600, sod / 60 % 60, sod % 60,
           (unsigned long long)frac);
}

/* The volume whose device path prefixes path (followed by '\'): its index,
** the rest of the path in *rest; -1 when none. The longest one wins
** (\DEVICE\HARDDISKVOLUME1 is a prefix of \DEVICE\HARDDISKVOLUME10...). */
static int
pf_vol_of(const struct pf_state *s, const char *path, const char **rest)
{
  int i, best = -1;
  size_t best_n = 0;
  for(i = 0; i < s->n_vols; i++) {
    size_t n = strlen(s->vols[i].dev);
    if(!s->vols[i].ok || !n || n <= best_n)
      continue;
    if(strlen(path) > n && path[n] == '\\' &&
       pf_eqn(path, s->vols[i].dev, n)) {
      best = i;
      best_n = n;
    }
  }
  if(best >= 0)
    *rest = path + best_n;
  return best;
}

/* The last component of a Windows path. */
static const char *
pf_base(const char *p)
{
  const char *b = p;
  for(; *p; p++)
    if(*p == '\\' || *p == '/')
      b = p + 1;
  return b;
}

/* Which volumes are the system volume: the one the prefetch file itself lies
** on (C:). It is the volume every process loads NTDLL.DLL from:
** <volume>\<windows folder>\SYSTEM32\NTDLL.DLL (or SYSWOW64). With no such
** entry, a file with one volume has that one. Volumes with the same serial
** number and creation time as the system volume are the system volume too
** (its shadow copies: \DEVICE\HARDDISKVOLUMESHADOWCOPY2). */
static void
pf_find_system(struct pf_state *s)
{
  int i, sys = -1;
  for(i = 0; i < s->n_files && sys < 0; i++) {
    const char *rest, *p = s->files[i].path;
    int v;
    size_t n;
    if(!p || (v = pf_vol_of(s, p, &rest)) < 0)
      continue;
    n = strlen(rest);
    /* \X\SYSTEM32\NTDLL.DLL: two folders deep */
    if(n > 20 && (pf_eqn(rest + n - 19, "\\SYSTEM32\\NTDLL.DLL", 19) ||
                  pf_eqn(rest + n - 19, "\\SYSWOW64\\NTDLL.DLL", 19)) &&
       rest[0] == '\\' && !memchr(rest + 1, '\\', n - 20))
      sys = v;
  }
  if(sys < 0 && s->n_vols == 1 && s->vols[0].ok)
    sys = 0;
  if(sys < 0)
    return;
  for(i = 0; i < s->n_vols; i++)
    if(s->vols[i].ok && (i == sys ||
                         (s->vols[i].serial == s->vols[sys].serial &&
                          s->vols[i].ctime == s->vols[sys].ctime)))
      s->vols[i].system = 1;
}

/* The path to emit for a path as written: C:\<rest> on the system volume,
** else as written. *vol gets the volume index or -1. */
static const char *
pf_map(const struct pf_state *s, const char *path, char *buf, size_t n,
       int *vol)
{
  const char *rest;
  int v = pf_vol_of(s, path, &rest);
  *vol = v;
  if(v >= 0 && s->vols[v].system && strlen(rest) + 3 <= n) {
    snprintf(buf, n, "C:%s", rest);
    return buf;
  }
  return path;
}

/* The file-list entry of the executable: the first whose name is the
** executable's, or starts with it when the header's name was cut to 29
** characters. -1 when none; *n_match counts them. */
static int
pf_find_exe(const struct pf_state *s, int *n_match)
{
  size_t en = strlen(s->exe);
  int i, first = -1;
  *n_match = 0;
  if(!en)
    return -1;
  for(i = 0; i < s->n_files; i++) {
    const char *b;
    size_t bn;
    if(!s->files[i].path)
      continue;
    b = pf_base(s->files[i].path);
    bn = strlen(b);
    if((bn == en || (en == PF_NAME_MAX && bn > en)) && pf_eqn(b, s->exe, en)) {
      if(first < 0)
        first = i;
      (*n_match)++;
    }
  }
  return first;
}

static tl_rc
pf_emit(struct pf_state *s, uint32_t kind, uint64_t ft, const char *path,
        const char *name, const char *what, const struct tl_attr *a, size_t n)
{
  struct tl_artifact_event ev;
  tl_rc rc;
  memset(&ev, 0, sizeof(ev));
  ev.struct_size = sizeof(ev);
  ev.kind = kind;
  ev.t_ns = s->api->filetime_to_ns(ft, &ev.clamped);
  ev.has_raw = 1;
  ev.raw = (int64_t)ft;
  if(path) {
    ev.file.kind = TL_REF_PATH;
    ev.file.path = path;
  } else
    ev.name = name;
  ev.what = what;
  ev.attrs = a;
  ev.n_attrs = n;
  rc = s->api->emit(s->in, &ev);
  if(rc == TL_USAGE) {
    s->api->corrupt(s->in, 0, "prefetch: an event the host refused");
    s->n_bad++;
    rc = TL_OK;
  }
  return rc;
}

/* Read what libscca gives: header, volumes, file list. */
static tl_rc
pf_read(struct pf_state *s)
{
  libscca_error_t *e = NULL;
  char eb[512];
  int i, n = 0;

  if(libscca_file_get_format_version(s->f, &s->version, &e) != 1 ||
     libscca_file_get_prefetch_hash(s->f, &s->hash, &e) != 1 ||
     libscca_file_get_run_count(s->f, &s->run_count, &e) != 1) {
    s->api->corrupt(s->in, 0, pf_err(&e, eb, sizeof(eb)));
    return TL_FAILED;
  }
  if(libscca_file_get_utf8_executable_filename(s->f, (uint8_t *)s->exe,
                                               sizeof(s->exe), &e) != 1) {
    s->api->corrupt(s->in, 0, "prefetch: executable name unreadable");
    libscca_error_free(&e);
    s->exe[0] = '\0';
    s->n_bad++;
  }
  if(libscca_file_get_number_of_volumes(s->f, &n, &e) != 1) {
    libscca_error_free(&e);
    n = 0;
  }
  if(n > PF_MAX_VOLS) {
    s->api->corrupt(s->in, 0, "prefetch: more than 64 volumes, the rest "
                    "skipped");
    s->n_bad++;
    n = PF_MAX_VOLS;
  }
  for(i = 0; i < n; i++) {
    libscca_volume_information_t *v = NULL;
    struct pf_vol *pv = &s->vols[s->n_vols++];
    if(libscca_file_get_volume_information(s->f, i, &v, &e) == 1 &&
       libscca_volume_information_get_serial_number(v, &pv->serial, &e) == 1 &&
       libscca_volume_information_get_creation_time(v, &pv->ctime, &e) == 1 &&
       libscca_volume_information_get_utf8_device_path(v, (uint8_t *)pv->dev,
                                                       sizeof(pv->dev), &e)
       == 1)
      pv->ok = 1;
    else {
      s->api->corrupt(s->in, 0, pf_err(&e, eb, sizeof(eb)));
      s->n_bad++;
    }
    libscca_volume_information_free(&v, NULL);
  }
  /* the file list: the file metrics entries (each names a file of the
  ** filename strings and, since version 23, its NTFS file reference) */
  n = 0;
  if(libscca_file_get_number_of_file_metrics_entries(s->f, &n, &e) != 1) {
    libscca_error_free(&e);
    n = 0;
  }
  if(n < 0 || n > 1000000)
    n = 0;
  if(n && !(s->files = s->api->alloc(sizeof(*s->files) * (size_t)n)))
    return TL_FAILED;
  if(n)
    memset(s->files, 0, sizeof(*s->files) * (size_t)n);
  s->n_files = n;
  for(i = 0; i < n; i++) {
    libscca_file_metrics_t *m = NULL;
    size_t sz = 0;
    int r;
    if(libscca_file_get_file_metrics_entry(s->f, i, &m, &e) != 1 ||
       libscca_file_metrics_get_utf8_filename_size(m, &sz, &e) != 1 ||
       sz < 2 || sz > PF_TEXT ||
       !(s->files[i].path = s->api->alloc(sz)) ||
       libscca_file_metrics_get_utf8_filename(m, (uint8_t *)s->files[i].path,
                                              sz, &e) != 1) {
      if(s->files[i].path) {
        s->api->free(s->files[i].path);
        s->files[i].path = NULL;
      }
      snprintf(eb, sizeof(eb), "prefetch: file list entry %d unreadable", i);
      libscca_error_free(&e);
      s->api->corrupt(s->in, 0, eb);
      s->n_bad++;
    } else {
      r = libscca_file_metrics_get_file_reference(m, &s->files[i].ref, &e);
      if(r == 1 && s->files[i].ref)
        s->files[i].has_ref = 1;    /* 0: none (entry 0 is $MFT's) */
      else if(r < 0)
        libscca_error_free(&e);
    }
    libscca_file_metrics_free(&m, NULL);
  }
  return TL_OK;
}

static void
pf_hex(uint32_t v, char *out)
{
  snprintf(out, 9, "%08X", (unsigned)v);
}

/* The events. */
static tl_rc
pf_events(struct pf_state *s, uint32_t version_shown)
{
  libscca_error_t *e = NULL;
  uint64_t runs[PF_MAX_RUNS];
  int n_runs = 0, i, exe_i, n_match, exe_vol = -1;
  char exe_map[PF_TEXT + 3], *exe_path = NULL;
  char rc_s[16], hash_s[16], ver_s[16], idx_s[16], ser_s[16], ct_s[48];
  char files_s[16], vols_s[16], cand_s[16];
  char vols_list[2048];
  const char *exe_ref;
  tl_rc rc = TL_OK;

  for(i = 0; i < PF_MAX_RUNS; i++) {
    uint64_t t = 0;
    if(libscca_file_get_last_run_time(s->f, i, &t, &e) != 1) {
      libscca_error_free(&e);
      break;
    }
    runs[i] = t;
    n_runs = i + 1;
  }
  exe_i = pf_find_exe(s, &n_match);
  if(exe_i >= 0)
    exe_path = s->files[exe_i].path;
  exe_ref = exe_path ? pf_map(s, exe_path, exe_map, sizeof(exe_map),
                              &exe_vol) : NULL;
  if(exe_vol < 0) {
    /* no path: the system volume's, else the first volume's details */
    for(i = 0; i < s->n_vols && exe_vol < 0; i++)
      if(s->vols[i].ok && s->vols[i].system)
        exe_vol = i;
    if(exe_vol < 0 && s->n_vols && s->vols[0].ok)
      exe_vol = 0;
  }
  snprintf(rc_s, sizeof(rc_s), "%u", (unsigned)s->run_count);
  pf_hex(s->hash, hash_s);
  snprintf(ver_s, sizeof(ver_s), "%u", (unsigned)version_shown);
  snprintf(files_s, sizeof(files_s), "%d", s->n_files);
  snprintf(vols_s, sizeof(vols_s), "%d", s->n_vols);
  snprintf(cand_s, sizeof(cand_s), "%d", n_match);
  vols_list[0] = '\0';
  for(i = 0; i < s->n_vols; i++) {
    char one[700], ct[48];
    if(!s->vols[i].ok)
      continue;
    pf_iso(s->vols[i].ctime, ct, sizeof(ct));
    snprintf(one, sizeof(one), "%s%s %08X %s", vols_list[0] ? "; " : "",
             s->vols[i].dev, (unsigned)s->vols[i].serial, ct);
    if(strlen(vols_list) + strlen(one) < sizeof(vols_list))
      strcat(vols_list, one);
  }

  for(i = 0; i < n_runs && rc == TL_OK; i++) {
    struct tl_attr a[16];
    size_t n = 0;
    if(!runs[i])
      continue;                 /* an unused slot */
    snprintf(idx_s, sizeof(idx_s), "%d", i);
    a[n].key = "executable";
    a[n++].value = s->exe;
    a[n].key = "run_count";
    a[n++].value = rc_s;
    a[n].key = "prefetch_hash";
    a[n++].value = hash_s;
    a[n].key = "version";
    a[n++].value = ver_s;
    a[n].key = "run_index";
    a[n++].value = idx_s;
    if(exe_vol >= 0) {
      pf_hex(s->vols[exe_vol].serial, ser_s);
      pf_iso(s->vols[exe_vol].ctime, ct_s, sizeof(ct_s));
      a[n].key = "volume_device";
      a[n++].value = s->vols[exe_vol].dev;
      a[n].key = "volume_serial";
      a[n++].value = ser_s;
      a[n].key = "volume_created";
      a[n++].value = ct_s;
    }
    a[n].key = "volumes";
    a[n++].value = vols_s;
    a[n].key = "volume_list";
    a[n++].value = vols_list;
    a[n].key = "files";
    a[n++].value = files_s;
    if(exe_path && exe_ref != exe_path) {
      a[n].key = "path_as_written";
      a[n++].value = exe_path;
    }
    if(n_match > 1) {
      a[n].key = "path_candidates";
      a[n++].value = cand_s;
    }
    rc = pf_emit(s, TL_EV_EXECUTED, runs[i], exe_ref, s->exe[0] ? s->exe :
                 "?", i ? "prefetch: executed (earlier run)" :
                 "prefetch: executed (last run)", a, n);
  }
  if(rc == TL_STOP)
    return TL_OK;
  if(rc != TL_OK)
    return rc;

  /* loaded: every other file of the list, at the last run time (ABI 1.1) */
  if(s->api->abi_minor < 1 || !n_runs || !runs[0])
    return TL_OK;
  for(i = 0; i < s->n_files && rc == TL_OK; i++) {
    struct tl_attr a[8];
    size_t n = 0;
    char map[PF_TEXT + 3], ref_s[48];
    const char *ref;
    int v;
    if(i == exe_i || !s->files[i].path)
      continue;
    ref = pf_map(s, s->files[i].path, map, sizeof(map), &v);
    a[n].key = "executable";
    a[n++].value = exe_ref ? exe_ref : s->exe;
    a[n].key = "prefetch_hash";
    a[n++].value = hash_s;
    if(s->files[i].has_ref) {
      snprintf(ref_s, sizeof(ref_s), "%llu-%u",
               (unsigned long long)(s->files[i].ref & UINT64_C(0xffffffffffff)),
               (unsigned)(s->files[i].ref >> 48));
      a[n].key = "file_reference";
      a[n++].value = ref_s;
    }
    if(ref != s->files[i].path) {
      a[n].key = "path_as_written";
      a[n++].value = s->files[i].path;
    }
    rc = pf_emit(s, TL_EV_LOADED, runs[0], ref, NULL,
                 "prefetch: loaded by the program as it ran", a, n);
  }
  return rc == TL_STOP ? TL_OK : rc;
}

/* MAM\x04 (LZXPRESS Huffman; MAM\x84 has a CRC32 after the size): the
** decompressed bytes in *out (api->alloc), or TL_FAILED reported. */
static tl_rc
pf_decompress(const struct tl_host_api *api, tl_input *in, const uint8_t *d,
              size_t len, uint8_t **out, size_t *out_len)
{
  libfwnt_error_t *e = NULL;
  size_t hdr = d[3] & 0x80 ? 12 : 8, got;
  uint32_t usize;
  uint8_t *u;
  if(len < hdr + 1) {
    api->corrupt(in, 0, "prefetch: compressed file cut after its header");
    return TL_FAILED;
  }
  usize = get32(d + 4);
  /* LZXPRESS Huffman packs a 64 KiB chunk into no less than its 256-byte
  ** table and a few bits: a size over 1024 times the stream is not one */
  if(usize < 84 || usize > PF_MAX_PLAIN ||
     (uint64_t)usize > (uint64_t)(len - hdr) * 1024) {
    api->corrupt(in, 0, "prefetch: implausible decompressed size");
    return TL_FAILED;
  }
  if(!(u = api->alloc(usize)))
    return TL_FAILED;
  memset(u, 0, usize);
  got = usize;
  if(libfwnt_lzxpress_huffman_decompress(d + hdr, len - hdr, u, &got, &e)
     != 1) {
    libfwnt_error_free(&e);
    api->free(u);
    api->corrupt(in, hdr, "prefetch: LZXPRESS Huffman data do not "
                 "decompress");
    return TL_FAILED;
  }
  if(got != usize) {
    api->free(u);
    api->corrupt(in, hdr, "prefetch: decompressed data shorter than the "
                 "header says");
    return TL_FAILED;
  }
  *out = u;
  *out_len = usize;
  return TL_OK;
}

static int
pf_is_mam(const uint8_t *d, size_t len)
{
  return len >= 8 && d[0] == 'M' && d[1] == 'A' && d[2] == 'M' &&
    (d[3] == 0x04 || d[3] == 0x84);
}

static tl_rc
pf_parse(const struct tl_host_api *api, tl_input *in)
{
  struct pf_state *s;
  uint64_t size = api->input_size(in);
  uint8_t *raw = NULL, *plain = NULL;
  size_t len, plen, got = 0;
  uint32_t shown;
  libbfio_handle_t *h = NULL;
  libbfio_error_t *be = NULL;
  libscca_error_t *e = NULL;
  char eb[512];
  tl_rc rc = TL_FAILED;
  int i;

  if(size > PF_MAX_FILE) {
    api->corrupt(in, 0, "prefetch: larger than any prefetch file (64 MiB)");
    return TL_FAILED;
  }
  len = (size_t)size;
  if(len < 8) {
    api->corrupt(in, 0, "prefetch: too short for a prefetch file");
    return TL_FAILED;
  }
  if(!(s = api->alloc(sizeof(*s))))
    return TL_FAILED;
  memset(s, 0, sizeof(*s));
  s->api = api;
  s->in = in;
  if(!(raw = api->alloc(len)))
    goto out;
  if(api->read_at(in, 0, raw, len, &got) != TL_OK || got != len) {
    api->warn(in, "prefetch: read error");
    rc = TL_IO;
    goto out;
  }
  if(pf_is_mam(raw, len)) {
    if((rc = pf_decompress(api, in, raw, len, &plain, &plen)) != TL_OK)
      goto out;
  } else {
    plain = raw;
    plen = len;
    raw = NULL;
  }
  rc = TL_FAILED;
  if(plen < 84 || memcmp(plain + 4, "SCCA", 4)) {
    api->corrupt(in, 0, "prefetch: no SCCA signature (not a prefetch file)");
    goto out;
  }
  shown = get32(plain);
  if(shown == 31) {
    /* the layout of 30 (variant 2): let libscca 20200717 read it as such */
    plain[0] = 30;
  }
  if(libbfio_memory_range_initialize(&h, &be) != 1 ||
     libbfio_memory_range_set(h, plain, plen, &be) != 1) {
    libbfio_error_free(&be);
    api->warn(in, "prefetch: libbfio memory range failed");
    goto out;
  }
  if(libscca_file_initialize(&s->f, &e) != 1) {
    libscca_error_free(&e);
    goto out;
  }
  if(libscca_file_open_file_io_handle(s->f, h, LIBSCCA_OPEN_READ, &e) != 1) {
    char msg[600];
    snprintf(msg, sizeof(msg), "prefetch: libscca cannot read it: %s",
             pf_err(&e, eb, sizeof(eb)));
    api->corrupt(in, 0, msg);
    goto out;
  }
  if((rc = pf_read(s)) == TL_OK) {
    pf_find_system(s);
    rc = pf_events(s, shown);
    if(rc == TL_OK && s->n_bad)
      rc = TL_CORRUPT;
  }
  libscca_file_close(s->f, NULL);
out:
  if(s->f)
    libscca_file_free(&s->f, NULL);
  if(h)
    libbfio_handle_free(&h, NULL);
  for(i = 0; i < s->n_files; i++)
    if(s->files[i].path)
      api->free(s->files[i].path);
  if(s->files)
    api->free(s->files);
  if(plain)
    api->free(plain);
  if(raw)
    api->free(raw);
  api->free(s);
  return rc;
}

static int
pf_bid(const uint8_t *head, size_t len)
{
  if(len >= 8 && !memcmp(head + 4, "SCCA", 4)) {
    uint32_t v = get32(head);
    return v == 17 || v == 23 || v == 26 || v == 30 || v == 31 ? 64 : 32;
  }
  if(pf_is_mam(head, len))
    return 32;
  return 0;
}

static const char *const pf_globs[] = { "/Windows/Prefetch/*.pf", NULL };
static const uint8_t pf_sig[] = { 'S', 'C', 'C', 'A' };

static const struct tl_parser pf_parser = {
  TL_PARSER_STRUCT_VERSION,
  "prefetch",
  "1.0.0",
  "Windows Prefetch files: versions 17, 23, 26 and the compressed 30 and "
  "31 (libscca)",
  TL_CAP_THREADSAFE,
  { pf_globs, NULL, NULL, pf_sig, sizeof(pf_sig), 4 },
  pf_bid,
  pf_parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(prefetch)(const struct tl_host_api *api,
                          tl_plugin_ctx *ctx, char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(prefetch)(const struct tl_host_api *api,
                          tl_plugin_ctx *ctx, char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &pf_parser);
}
