/*
** registry: Windows registry hives as evidence of use (README.md next to
** this file). NTUSER.DAT (RecentDocs, ComDlg32 PIDL MRUs, Office File MRU,
** UserAssist, XP ShellBags), UsrClass.dat (ShellBags) and the SYSTEM hive
** (computer name, time zone, NTFS last-access updating, shares: facts about
** the evidence item). Which parts apply is decided by the keys the hive
** holds, not by its name.
**
** libregf opens files by path, descriptor or libbfio handle; the host
** gives read_at only. The hive is read whole into memory (hives are small:
** a few MiB; the cap is TLP_REG_MAX_HIVE) and handed to libregf as a
** libbfio handle of our own over that buffer (libbfio_handle_initialize
** with the callbacks below): no temporary file, nothing written, nothing to
** clean up after a crash. Not libbfio's own memory range: Debian's libbfio
** 20170123 libbfio_memory_range_read() reads past the end of the range when
** asked to read at its end (tests/fuzz/corpus/registry/read_at_end, found
** by fuzz_registry under ASan).
*/
#include <stdio.h>
#include <string.h>

#include "regcommon.h"

#define TLP_REG_MAX_HIVE ((uint64_t)1 << 30)

static const char *const reg_globs[] = {
  "/Users/*/NTUSER.DAT",
  "/Documents and Settings/*/NTUSER.DAT",
  "/Users/*/AppData/Local/Microsoft/Windows/UsrClass.dat",
  "/Windows/System32/config/SYSTEM",
  NULL
};
static const uint8_t reg_sig[] = {'r', 'e', 'g', 'f'};

static int
reg_bid(const uint8_t *head, size_t len)
{
  if(len < 4 || memcmp(head, reg_sig, 4))
    return 0;
  /* base block: major version 1 and the hive bins signature at 4096 */
  if(len >= 24 && tlp_get32(head + 20) == 1)
    return 64;
  return 32;
}

/* The hive's owner from the file name its base block records: the last
** 31 characters of the path, "\??\C:\Users\x\ntuser.dat" or, cut,
** "nts and Settings\joe\ntuser.dat": the folder that holds ntuser.dat,
** when a "Users\" or "Settings\" folder holds that. */
static const char *
reg_owner(const uint8_t *hdr, size_t len, char *out, size_t outsz)
{
  char name[512], *end, *p, *q;
  size_t n;
  if(len < 48 + 64)
    return NULL;
  tlp_utf16(hdr + 48, 32, name, sizeof(name));
  for(p = name; *p; p++)
    if(*p == '/')
      *p = '\\';
  n = strlen(name);
  if(n < 12 || strcasecmp(name + n - 11, "\\ntuser.dat"))
    return NULL;
  end = name + n - 11;
  *end = '\0';
  if(!(q = strrchr(name, '\\')) || !q[1])
    return NULL;
  *q = '\0';
  p = strrchr(name, '\\');
  p = p ? p + 1 : name;
  if(strcasecmp(p, "Users") && strcasecmp(p, "Settings") &&
     strcasecmp(p, "and Settings") && !strstr(p, "Settings"))
    return NULL;
  if(strlen(q + 1) >= outsz)
    return NULL;
  snprintf(out, outsz, "%s", q + 1);
  return out;
}

/* ---- a libbfio handle over a buffer, bounds checked ---- */

typedef struct {
  const uint8_t *data;
  size_t size;
  off64_t off;
  int open;
} reg_mem;

static int
mem_free(intptr_t **io, libbfio_error_t **e)
{
  (void)e;
  *io = NULL;     /* the reg_mem lives on reg_parse's stack */
  return 1;
}

static int
mem_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
  (void)dst, (void)src, (void)e;
  return -1;
}

static int
mem_open(intptr_t *io, int flags, libbfio_error_t **e)
{
  (void)e;
  if(flags & LIBBFIO_ACCESS_FLAG_WRITE)
    return -1;
  ((reg_mem *)io)->open = 1;
  ((reg_mem *)io)->off = 0;
  return 1;
}

static int
mem_close(intptr_t *io, libbfio_error_t **e)
{
  (void)e;
  ((reg_mem *)io)->open = 0;
  return 0;
}

static ssize_t
mem_read(intptr_t *io, uint8_t *buf, size_t size, libbfio_error_t **e)
{
  reg_mem *m = (reg_mem *)io;
  size_t n;
  (void)e;
  if(!m->open || m->off < 0)
    return -1;
  if((uint64_t)m->off >= m->size)
    return 0;
  n = m->size - (size_t)m->off;
  if(n > size)
    n = size;
  memcpy(buf, m->data + m->off, n);
  m->off += (off64_t)n;
  return (ssize_t)n;
}

static ssize_t
mem_write(intptr_t *io, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
  (void)io, (void)buf, (void)size, (void)e;
  return -1;
}

static off64_t
mem_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **e)
{
  reg_mem *m = (reg_mem *)io;
  off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->off :
                 whence == SEEK_END ? (off64_t)m->size : -1;
  (void)e;
  if(base < 0 || (off < 0 && -off > base) ||
     (off > 0 && off > INT64_MAX - base))
    return -1;
  m->off = base + off;
  return m->off;
}

static int
mem_exists(intptr_t *io, libbfio_error_t **e)
{
  (void)io, (void)e;
  return 1;
}

static int
mem_is_open(intptr_t *io, libbfio_error_t **e)
{
  (void)e;
  return ((reg_mem *)io)->open;
}

static int
mem_size(intptr_t *io, size64_t *size, libbfio_error_t **e)
{
  (void)e;
  *size = ((reg_mem *)io)->size;
  return 1;
}

static tl_rc
reg_parse(const struct tl_host_api *api, tl_input *in)
{
  uint64_t size = api->input_size(in);
  uint8_t *buf = NULL;
  size_t got = 0, done = 0;
  libbfio_handle_t *bh = NULL;
  libbfio_error_t *berr = NULL;
  libregf_error_t *err = NULL;
  tlp_reg r;
  reg_mem mem = {NULL, 0, 0, 0};
  char owner[256], msg[512];
  int any = 0, corrupted = 0;
  tl_rc rc = TL_FAILED;

  memset(&r, 0, sizeof(r));
  r.api = api;
  r.in = in;
  if(size < 4096 + 32) {
    api->corrupt(in, 0, "registry: too short for a hive (base block and "
                 "one hive bin)");
    return TL_FAILED;
  }
  if(size > TLP_REG_MAX_HIVE) {
    api->warn(in, "registry: hive larger than 1 GiB, not read");
    return TL_FAILED;
  }
  if(!(buf = api->alloc((size_t)size)))
    return TL_FAILED;
  while(done < size) {
    tl_rc e = api->read_at(in, done, buf + done, (size_t)size - done, &got);
    if(e != TL_OK) {
      api->free(buf);
      return e;
    }
    if(!got)
      break;
    done += got;
  }
  if(done < 4096 + 32 || memcmp(buf, reg_sig, 4)) {
    api->corrupt(in, 0, "registry: no regf signature");
    api->free(buf);
    return TL_FAILED;
  }
  r.actor = api->input_profile(in);
  if(!r.actor)
    r.actor = reg_owner(buf, done, owner, sizeof(owner));

  mem.data = buf;
  mem.size = done;
  if(libbfio_handle_initialize(&bh, (intptr_t *)&mem, mem_free, mem_clone,
                               mem_open, mem_close, mem_read, mem_write,
                               mem_seek, mem_exists, mem_is_open, mem_size,
                               0, &berr) != 1 ||
     libregf_file_initialize(&r.file, &err) != 1 ||
     libregf_file_open_file_io_handle(r.file, bh, LIBREGF_OPEN_READ,
                                      &err) != 1) {
    api->corrupt(in, 0, "registry: libregf cannot open the hive");
    goto out;
  }
  if(libregf_file_get_root_key(r.file, &r.root, &err) != 1 || !r.root) {
    libregf_error_free(&err);
    api->corrupt(in, 0, "registry: the hive has no root key");
    goto out;
  }
  if(!r.actor) {
    /* UsrClass.dat: the root key is "<SID>_Classes" */
    char *u;
    tlp_key_name(r.root, owner, sizeof(owner));
    if(!strncmp(owner, "S-1-", 4) && (u = strstr(owner, "_Classes")) &&
       !u[8]) {
      *u = '\0';
      r.actor = owner;
    }
  }
  if(libregf_file_is_corrupted(r.file, &err) == 1)
    corrupted = 1;
  libregf_error_free(&err);
  any |= tlp_ntuser(&r);
  any |= tlp_usrclass(&r);
  any |= tlp_system(&r);
  if(!any) {
    char root[256];
    snprintf(msg, sizeof(msg), "registry: hive with root key '%s' holds "
             "none of the keys read (NTUSER.DAT, UsrClass.dat, SYSTEM)",
             tlp_key_name(r.root, root, sizeof(root)));
    api->warn(in, msg);
  }
  if(corrupted) {
    tlp_corrupt(&r, 0, "registry: libregf found the hive corrupted (some "
                "keys or values could not be read)");
  }
  rc = r.n_corrupt ? TL_CORRUPT : TL_OK;
out:
  libregf_error_free(&err);
  libbfio_error_free(&berr);
  tlp_key_free(&r.root);
  if(r.file) {
    libregf_file_close(r.file, NULL);
    libregf_file_free(&r.file, NULL);
  }
  if(bh)
    libbfio_handle_free(&bh, NULL);
  api->free(buf);
  return rc;
}

static const struct tl_parser reg_parser = {
  TL_PARSER_STRUCT_VERSION,
  "registry",
  "1.0.0",
  "Windows registry hives: NTUSER.DAT MRUs and UserAssist, UsrClass.dat "
  "ShellBags, SYSTEM facts (computer name, time zone, last access, shares)",
  0,
  {reg_globs, NULL, NULL, reg_sig, sizeof(reg_sig), 0},
  reg_bid,
  reg_parse
};

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(registry)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg);

TL_PLUGIN_EXPORT tl_rc
TL_PLUGIN_ENTRY(registry)(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                          char **errmsg)
{
  (void)errmsg;
  if(api->abi_major != TL_PLUGIN_ABI_MAJOR)
    return TL_ABI;
  return api->register_parser(ctx, &reg_parser);
}
