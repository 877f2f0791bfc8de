#!/usr/bin/env python3
"""Add empty files with chosen exFAT times to the root directory of an image
made by mkfs.exfat (no kernel driver needed).

usage: walk_exfat_image.py IMAGE NAME:CREATE:MODIFY:ACCESS ...
where each time is YYYYMMDDhhmmss[.cc]@OFF: cc hundredths (create and
modify only), OFF the UTC offset byte in hex (80+n valid, 00 none).
"""
import struct
import sys


def dos(ts):
    """'20230615103000.57' -> (date, time, 10ms count)."""
    base, _, frac = ts.partition(".")
    y, mo, d = int(base[0:4]), int(base[4:6]), int(base[6:8])
    h, mi, s = int(base[8:10]), int(base[10:12]), int(base[12:14])
    tenms = (s % 2) * 100 + (int(frac) if frac else 0)
    date = ((y - 1980) << 9) | (mo << 5) | d
    time = (h << 11) | (mi << 5) | (s // 2)
    return date, time, tenms


def rot(c, b):
    return ((((c & 1) << 15) | (c >> 1)) + b) & 0xFFFF


def entry_set(name, create, modify, access):
    units = name.encode("utf-16-le")
    n = len(units) // 2
    assert n <= 15
    f = bytearray(32)
    f[0], f[1] = 0x85, 2
    struct.pack_into("<H", f, 4, 0x20)
    for ts_off, tenms_off, utc_off, spec in ((8, 20, 22, create),
                                             (12, 21, 23, modify),
                                             (16, None, 24, access)):
        ts, _, off = spec.partition("@")
        date, time, tenms = dos(ts)
        struct.pack_into("<HH", f, ts_off, time, date)
        if tenms_off is not None:
            f[tenms_off] = tenms
        f[utc_off] = int(off, 16)
    s = bytearray(32)
    s[0], s[1], s[3] = 0xC0, 0x01, n
    h = 0
    for ch in name.upper().encode("utf-16-le"):
        h = rot(h, ch)
    struct.pack_into("<H", s, 4, h)
    nm = bytearray(32)
    nm[0] = 0xC1
    nm[2:2 + len(units)] = units
    es = f + s + nm
    c = 0
    for i, b in enumerate(es):
        if i not in (2, 3):
            c = rot(c, b)
    struct.pack_into("<H", es, 2, c)
    return es


img = sys.argv[1]
with open(img, "r+b") as fp:
    bs = fp.read(512)
    ssh, csh = bs[108], bs[109]
    heap, root = struct.unpack_from("<II", bs, 88)[0], \
        struct.unpack_from("<I", bs, 96)[0]
    rootoff = (heap << ssh) + ((root - 2) << (ssh + csh))
    fp.seek(rootoff)
    clus = bytearray(fp.read(1 << (ssh + csh)))
    pos = 0
    while clus[pos] != 0:
        pos += 32
    for spec in sys.argv[2:]:
        name, cr, mo, ac = spec.split(":")
        es = entry_set(name, cr, mo, ac)
        clus[pos:pos + len(es)] = es
        pos += len(es)
    fp.seek(rootoff)
    fp.write(clus)
