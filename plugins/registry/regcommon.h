/*
** registry: code shared by the files of the registry parser (README.md
** next to this file). The hive is read whole through api->read_at and
** opened with libregf over a libbfio memory range; ntuser.c, usrclass.c and
** system.c each read their part of it; shellitem.c turns shell item lists
** (PIDLs) into paths with libfwsi.
*/
#ifndef TLP_REGCOMMON_H
#define TLP_REGCOMMON_H

#include <stddef.h>
#include <stdint.h>

#include <touchline/plugin.h>

#define LIBREGF_HAVE_BFIO
#include <libbfio.h>
#include <libregf.h>

#pragma GCC visibility push(hidden)

#define TLP_REG_TEXT 4096         /* names, paths and strings we keep */
#define TLP_REG_MAX_DATA (1u << 20) /* a value's data we look at */
#define TLP_REG_MAX_ATTRS 16

/* One parse of one hive. */
typedef struct tlp_reg {
  const struct tl_host_api *api;
  tl_input *in;
  libregf_file_t *file;
  libregf_key_t *root;
  const char *actor;        /* the profile, the hive's owner, or NULL */
  size_t n_events;
  size_t n_corrupt;
  int stopped;              /* the host said TL_STOP */
} tlp_reg;

/* An event under construction. */
typedef struct tlp_ev {
  struct tl_artifact_event ev;
  struct tl_attr attrs[TLP_REG_MAX_ATTRS];
  char vals[TLP_REG_MAX_ATTRS][256];
} tlp_ev;

/* Little-endian readers. */
uint16_t tlp_get16(const uint8_t *p);
uint32_t tlp_get32(const uint8_t *p);
uint64_t tlp_get64(const uint8_t *p);

/* UTF-16LE of at most n units up to the first NUL into UTF-8 out (size
** outsz, always terminated, cut at a character boundary); unpaired
** surrogates become the text \uXXXX. Returns the units consumed before the
** NUL (n when none). */
size_t tlp_utf16(const uint8_t *p, size_t n, char *out, size_t outsz);
/* Bytes that are not valid UTF-8 become \xNN. */
void tlp_utf8_clean(const char *in, char *out, size_t outsz);

/* Sub key by a '\\'-separated path, case-blind; NULL when absent.
** Free with tlp_key_free. */
libregf_key_t *tlp_key(libregf_key_t *parent, const char *path);
void tlp_key_free(libregf_key_t **k);
uint64_t tlp_key_time(libregf_key_t *k);          /* FILETIME, 0 unknown */
uint64_t tlp_key_offset(libregf_key_t *k);
const char *tlp_key_name(libregf_key_t *k, char *buf, size_t n);
int tlp_n_subkeys(libregf_key_t *k);
libregf_key_t *tlp_subkey(libregf_key_t *k, int i);
int tlp_n_values(libregf_key_t *k);
libregf_value_t *tlp_value_at(libregf_key_t *k, int i);
libregf_value_t *tlp_value(libregf_key_t *k, const char *name);
void tlp_value_free(libregf_value_t **v);
const char *tlp_value_name(libregf_value_t *v, char *buf, size_t n);
uint32_t tlp_value_type(libregf_value_t *v);
uint64_t tlp_value_offset(libregf_value_t *v);
/* The value's data, allocated with api->alloc (free with api->free),
** *len its size; NULL when empty, unreadable or larger than
** TLP_REG_MAX_DATA (then counted as corrupt when unreadable). */
uint8_t *tlp_value_data(tlp_reg *r, libregf_value_t *v, size_t *len);
/* A string value (REG_SZ/REG_EXPAND_SZ as UTF-16) into out; 0 when absent. */
int tlp_value_string(tlp_reg *r, libregf_key_t *k, const char *name,
                     char *out, size_t outsz);
/* A REG_DWORD; 0 when absent or not 4 bytes. */
int tlp_value_dword(tlp_reg *r, libregf_key_t *k, const char *name,
                    uint32_t *out);
/* MRUListEx of k: up to max entry numbers in order; -1 when absent. */
int tlp_mrulistex(tlp_reg *r, libregf_key_t *k, uint32_t *order, int max);

/* Events: start one of kind at FILETIME ft (0: no time known, t_ns 0). */
void tlp_ev_init(tlp_reg *r, tlp_ev *e, uint32_t kind, uint64_t ft,
                 const char *what);
void tlp_ev_attr(tlp_ev *e, const char *key, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* The event names a file: a Windows or UNC path (TL_REF_PATH) or, when
** path is NULL, the name alone. */
void tlp_ev_emit(tlp_reg *r, tlp_ev *e, const char *path, const char *name);
void tlp_corrupt(tlp_reg *r, uint64_t off, const char *why);

/* FILETIME as ISO 8601 UTC with 7 digits; FAT date-time likewise (no
** fraction). Into buf (40 bytes). */
const char *tlp_ft_text(uint64_t ft, char *buf);
const char *tlp_fat_text(uint32_t fat, char *buf);

/* ---- the parts of a hive ---- */
int tlp_ntuser(tlp_reg *r);     /* 1 when the hive had user keys */
int tlp_usrclass(tlp_reg *r);
int tlp_system(tlp_reg *r);
/* ShellBags under key path (NTUSER.DAT and UsrClass.dat); 1 when found. */
int tlp_shellbags(tlp_reg *r, const char *path);

/* ---- shell items (shellitem.c) ---- */
typedef struct tlp_pidl {
  char display[TLP_REG_TEXT];   /* all items: "<My Computer> C:\\Users\\x" */
  char path[TLP_REG_TEXT];      /* a Windows or UNC path, "" when none */
  char name[512];               /* the last item's name */
  int n_items;
  int state;                    /* 0 no path yet, 1 building, -1 none */
  int is_dir;                   /* the last item is a folder (-1 unknown) */
  uint32_t mtime, ctime, atime; /* the last file entry's FAT times, 0 none */
  uint64_t mft_ref;             /* its NTFS file reference, 0 none */
} tlp_pidl;

/* Parse a shell item list of len bytes. base (may be NULL) is the parent
** path state the items continue (shellbags pass the folder above). 0 on
** success, -1 when libfwsi refused the data. */
int tlp_pidl_parse(const uint8_t *data, size_t len, const tlp_pidl *base,
                   tlp_pidl *out);

#pragma GCC visibility pop

#endif
