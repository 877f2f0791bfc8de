/*
** A reader of OLE compound files ([MS-CFB]) in memory, for the DestList
** and LNK streams of automatic jump lists. Every sector number, chain and
** size is checked against the buffer; chains are followed at most as many
** steps as there are sectors.
*/
#ifndef TLP_CFB_H
#define TLP_CFB_H

#include <stddef.h>
#include <stdint.h>

/* shared between the files of a plugin, never exported from it */
#pragma GCC visibility push(hidden)

#define TLP_CFB_STREAM 2
#define TLP_CFB_ROOT 5

struct tlp_cfb {
  const uint8_t *p;
  size_t len;
  uint32_t ssz, mssz, cutoff;
  uint32_t *fat, *minifat;
  size_t nfat, nminifat;
  uint8_t *dir;                 /* the directory stream, 128 bytes an entry */
  size_t ndir;
  uint8_t *mini;                /* the mini stream (the root's data) */
  size_t nmini;
};

/* 1 when p starts with the compound file signature. */
int tlp_cfb_is(const uint8_t *p, size_t len);

/* Open the compound file in [p, p + len) (borrowed while it is open).
** 0, or -1 with *why set (not a compound file, damaged header, no
** memory). tlp_cfb_close in both cases. */
int tlp_cfb_open(struct tlp_cfb *c, const uint8_t *p, size_t len,
                 const char **why);
void tlp_cfb_close(struct tlp_cfb *c);

/* Directory entry i: its object type (TLP_CFB_*; 0 unused) and name as
** UTF-8 into name (namesz bytes). */
int tlp_cfb_entry(const struct tlp_cfb *c, size_t i, char *name,
                  size_t namesz);

/* The data of stream entry i (malloc'd into *out, *n bytes). 0: whole;
** 1: its chain broke or the file ends early, *out has what was read and
** *why says so; -1: no memory. */
int tlp_cfb_read(const struct tlp_cfb *c, size_t i, uint8_t **out,
                 size_t *n, const char **why);

#pragma GCC visibility pop

#endif
