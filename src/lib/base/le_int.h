/*
** Little-endian integers read from on-disk structures (FAT boot sectors,
** NTFS MFT records): the one place the core spells them out. Plugins
** keep their own (they build against include/touchline/plugin.h only).
*/
#ifndef TL_LE_INT_H
#define TL_LE_INT_H

#include <stdint.h>

static inline uint16_t
Tl_le16(const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
Tl_le32(const uint8_t *p)
{
  return (uint32_t)Tl_le16(p) | ((uint32_t)Tl_le16(p + 2) << 16);
}

/* 48 bits: NTFS file references (the entry number part) */
static inline uint64_t
Tl_le48(const uint8_t *p)
{
  return (uint64_t)Tl_le32(p) | ((uint64_t)Tl_le16(p + 4) << 32);
}

#endif
