/*
** The Windows Shell Link (.lnk) reader shared by plugins/lnk and
** plugins/jumplist ([MS-SHLLINK]). It works on bytes in memory, checks
** every read against the buffer and never includes anything of
** libtouchline: only the plugin ABI (touchline/plugin.h).
*/
#ifndef TLP_LNKPARSE_H
#define TLP_LNKPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <touchline/plugin.h>

/* shared between the files of a plugin, never exported from it */
#pragma GCC visibility push(hidden)

#define TLP_LNK_HEADER_SIZE 0x4c

/* LinkFlags bits used here */
#define TLP_LNK_HAS_IDLIST 0x1u
#define TLP_LNK_HAS_LINKINFO 0x2u
#define TLP_LNK_HAS_NAME 0x4u
#define TLP_LNK_HAS_RELPATH 0x8u
#define TLP_LNK_HAS_WORKDIR 0x10u
#define TLP_LNK_HAS_ARGS 0x20u
#define TLP_LNK_HAS_ICON 0x40u
#define TLP_LNK_UNICODE 0x80u

/* One parsed link. Strings are UTF-8 (malloc'd), NULL when absent. */
struct tlp_lnk {
  uint32_t flags, attrs, file_size;
  uint64_t ctime, atime, mtime;          /* the target's FILETIMEs */
  int has_volume;                        /* drive_type, serial are set */
  uint32_t drive_type, serial;
  char *volume_label, *local_base, *common_suffix, *net_name, *device_name;
  char *description, *relative_path, *working_dir, *arguments, *icon;
  char *idlist_path;                     /* from the shell item list */
  char *machine_id;                      /* TrackerDataBlock */
  char *target;                          /* the target path (the rule in
                                         ** plugins/lnk/README.md) */
  size_t size;                           /* bytes the link spans */
  const char *problem;                   /* the first part that was bad and
                                         ** skipped, NULL when none */
};

/* 1 when p starts with the 0x4C header size and the Shell Link CLSID. */
int tlp_lnk_is_header(const uint8_t *p, size_t len);

/* Parse the link at p (len bytes available). 0: parsed whole; 1: the
** header was good but a later part was bad (l->problem says which; what
** came before is kept); -1: not a link (l->problem says why) or out of
** memory. Free with tlp_lnk_free whatever it returned. */
int tlp_lnk_parse(const uint8_t *p, size_t len, struct tlp_lnk *l);
void tlp_lnk_free(struct tlp_lnk *l);

/* n UTF-16LE code units at p to UTF-8 (malloc'd); stops at a NUL unit
** when stop_at_nul. Unpaired surrogates come out as the six characters
** \uXXXX (lower-case hex, like the rest of touchline), and so does a NUL
** unit when not stop_at_nul (it would cut the string). NULL: no memory. */
char *tlp_utf16_to_utf8(const uint8_t *p, size_t n, int stop_at_nul);

/* The link's attributes (plugins/lnk/README.md), appended to at from
** index n up to max; returns the new count. Values point into l and b
** (free b with tlp_lnk_attrbuf_free after the emit). */
struct tlp_lnk_attrbuf {
  char flags[16], fattrs[16], size[24], dtype[16], serial[16];
  char *local, *net;
};
size_t tlp_lnk_attrs(const struct tlp_lnk *l, struct tlp_lnk_attrbuf *b,
                     struct tl_attr *at, size_t n, size_t max);
void tlp_lnk_attrbuf_free(struct tlp_lnk_attrbuf *b);

/* Emit the link's events: a TL_EV_OBSERVED event for each of the three
** target times it stores (attribute time = target_created,
** target_modified, target_accessed; a zero FILETIME is not a time) and,
** when opened, a TL_EV_OPENED event at the stored access time. src is
** the prefix of `what` ("LNK", "Jump list"); extra attributes are added
** to each event. off is where the link starts in the file. */
tl_rc tlp_lnk_emit(const struct tl_host_api *api, tl_input *in,
                   const struct tlp_lnk *l, uint64_t off, const char *src,
                   int opened, const struct tl_attr *extra, size_t n_extra);

/* Read the whole claimed file (at most max bytes) into memory from
** api->alloc; TL_FAILED with a warning when it is larger or unreadable. */
tl_rc tlp_read_all(const struct tl_host_api *api, tl_input *in, size_t max,
                   uint8_t **buf, size_t *len);

#pragma GCC visibility pop

#endif
