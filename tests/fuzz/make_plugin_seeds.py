#!/usr/bin/env python3
"""Write the seed corpora of the lnk and jumplist fuzz targets
(tests/fuzz/corpus/{lnk,jumplist}/): small Shell Links and jump lists made
here from [MS-SHLLINK] and [MS-CFB], so that no third-party file is copied.
Run from the source tree: python3 tests/fuzz/make_plugin_seeds.py"""
import os
import struct

CLSID = bytes.fromhex("0114020000000000c000000000000046")
FT = 0x01D9B2E0_12345678     # 2023-07-..., a FILETIME with 100 ns digits


def u16s(s):
    return s.encode("utf-16-le")


def sdata(s, uni=True):
    return struct.pack("<H", len(s)) + (u16s(s) if uni else s.encode("ascii"))


def idlist():
    items = b""
    root = b"\x1f\x50" + bytes.fromhex("e04fd020ea3a6910a2d808002b30309d")
    items += struct.pack("<H", 2 + len(root)) + root
    vol = b"\x2f" + b"C:\\" + b"\x00" * 20
    items += struct.pack("<H", 2 + len(vol)) + vol
    # file entry: type 0x32, size, dos times, attrs, short name, beef0004 v9
    short = b"LONGNA~1.DOC\x00"
    if len(short) % 2:
        short += b"\x00"
    lng = u16s("long name.docx") + b"\x00\x00"
    ext = struct.pack("<HHIII", 0, 9, 0xbeef0004, 0x4a2b3c4d, 0x4a2b3c4d)
    ext += struct.pack("<HH", 0x2e, 0) + struct.pack("<Q", 0x1000000000042)
    ext += b"\x00" * 8 + struct.pack("<H", 0) + b"\x00" * 8 + lng
    ext += struct.pack("<H", 0x14)
    ext = struct.pack("<H", len(ext)) + ext[2:]
    fe = b"\x32\x00" + struct.pack("<IHHH", 1234, 0x4a2b, 0x3c4d, 0x20)
    fe += short + ext
    items += struct.pack("<H", 2 + len(fe)) + fe
    items += b"\x00\x00"
    return struct.pack("<H", len(items)) + items


def linkinfo_local():
    label = b"DATA\x00"
    vid = struct.pack("<IIII", 16 + len(label), 3, 0x2ca3d1ae, 16) + label
    base = b"C:\\Users\\x\\long name.docx\x00"
    suffix = b"\x00"
    hdr = 0x1c
    off_vid = hdr
    off_base = off_vid + len(vid)
    off_suffix = off_base + len(base)
    body = vid + base + suffix
    li = struct.pack("<IIIIIII", hdr + len(body), hdr, 1, off_vid, off_base,
                     0, off_suffix)
    return li + body


def linkinfo_net():
    net = b"\\\\FS01\\share\x00"
    dev = b"Z:\x00"
    cnrl = struct.pack("<IIIII", 0x14 + len(net) + len(dev), 3, 0x14,
                       0x14 + len(net), 0x20000) + net + dev
    hdr = 0x24
    suffix_a = b"dir\\a.docx\x00"
    suffix_w = u16s("dir\\a.docx") + b"\x00\x00"
    off_cnrl = hdr
    off_sa = off_cnrl + len(cnrl)
    off_sw = off_sa + len(suffix_a)
    body = cnrl + suffix_a + suffix_w
    li = struct.pack("<IIIIIIIII", hdr + len(body), hdr, 2, 0, 0, off_cnrl,
                     off_sa, 0, off_sw)
    return li + body


def tracker(machine):
    m = machine.encode("ascii").ljust(16, b"\x00")
    return struct.pack("<IIII", 0x60, 0xa0000003, 0x58, 0) + m + b"\x11" * 64


def link(flags, parts, times=(FT, FT + 1, FT + 2), size=4096, extra=b""):
    hdr = struct.pack("<I", 0x4c) + CLSID + struct.pack(
        "<IIQQQIIIH", flags, 0x20, times[0], times[1], times[2], size, 0, 1,
        0) + b"\x00" * 10
    return hdr + b"".join(parts) + extra + b"\x00\x00\x00\x00"


def seeds_lnk():
    full = link(0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x80,
                [idlist(), linkinfo_local(), sdata("a description"),
                 sdata(".\\long name.docx"), sdata("C:\\Users\\x"),
                 sdata("/p x")],
                extra=tracker("ws17"))
    net = link(0x2 | 0x20 | 0x80, [linkinfo_net(), sdata("-x1")],
               extra=tracker("fs-client"))
    ansi = link(0x8 | 0x10, [sdata(".\\a.exe", False), sdata("C:\\t", False)])
    items = link(0x1, [idlist()], times=(0, 0, FT))
    # an unpaired surrogate in the relative path
    lone = struct.pack("<H", 3) + b"a\x00\x00\xd8b\x00"
    surr = link(0x8 | 0x80, [lone])
    return {"full.lnk": full, "network.lnk": net, "ansi.lnk": ansi,
            "idlist_only.lnk": items, "lone_surrogate.lnk": surr,
            "header_only.lnk": full[:0x4c]}


def cfb(streams):
    """A version 3 compound file (512-byte sectors) holding small streams
    (all in the mini stream): root + the streams, one directory level."""
    mini = b""
    minifat = []
    ents = []
    for name, data in streams:
        start = len(mini) // 64
        n = max(1, (len(data) + 63) // 64)
        for i in range(n):
            minifat.append(start + i + 1 if i + 1 < n else 0xfffffffe)
        mini += data.ljust(n * 64, b"\x00")
        ents.append((name, start, len(data)))
    nmini = (len(mini) + 511) // 512
    ndir = (len(ents) + 1 + 3) // 4
    # sectors: 0 FAT, 1.. directory, then the mini FAT, then the mini stream
    sdir, smf, sms = 1, 1 + ndir, 2 + ndir
    fat = [0xfffffffd]
    fat += [sdir + i + 1 if i + 1 < ndir else 0xfffffffe for i in range(ndir)]
    fat += [0xfffffffe]
    fat += [sms + i + 1 if i + 1 < nmini else 0xfffffffe
            for i in range(nmini)]
    fat += [0xffffffff] * (128 - len(fat))

    def dirent(name, typ, left, right, child, start, size):
        nm = u16s(name) + b"\x00\x00"
        return (nm.ljust(64, b"\x00") + struct.pack("<HBB", len(nm), typ, 1) +
                struct.pack("<III", left, right, child) + b"\x00" * 36 +
                struct.pack("<IQ", start, size))
    d = dirent("Root Entry", 5, 0xffffffff, 0xffffffff, 1, sms, len(mini))
    for i, (name, start, size) in enumerate(ents):
        right = i + 2 if i + 1 < len(ents) else 0xffffffff
        d += dirent(name, 2, 0xffffffff, right, 0xffffffff, start, size)
    d = d.ljust(ndir * 512, b"\x00")
    hdr = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16
    hdr += struct.pack("<HHHHH", 0x3e, 3, 0xfffe, 9, 6) + b"\x00" * 6
    hdr += struct.pack("<IIIIIIIII", 0, 1, sdir, 0, 4096, smf, 1,
                       0xfffffffe, 0)
    hdr += struct.pack("<I", 0) + struct.pack("<I", 0xffffffff) * 108
    mf = struct.pack("<%dI" % len(minifat), *minifat).ljust(
        512, b"\xff")
    return (hdr + struct.pack("<128I", *fat) + d + mf +
            mini.ljust(nmini * 512, b"\x00"))


def destlist(version, entries):
    out = struct.pack("<IIIfIIII", version, len(entries),
                      sum(1 for e in entries if e[2] >= 0), 1.0,
                      max(e[0] for e in entries), 0, 1, 0)
    for num, path, pin, host in entries:
        e = b"\x00" * 8 + b"\x22" * 64 + host.encode().ljust(16, b"\x00")
        e += struct.pack("<IIfQi", num, 0, 1.0, FT + num, pin)
        if version >= 3:
            e += struct.pack("<iIQ", -1, 3, 0)
        e += struct.pack("<H", len(path)) + u16s(path)
        if version >= 3:
            e += b"\x00" * 4
        out += e
    return out


def seeds_jumplist():
    lk = seeds_lnk()
    auto3 = cfb([("DestList", destlist(4, [(1, "C:\\a.docx", -1, "ws17"),
                                            (2, "\\\\FS01\\s\\b.xlsx", 0,
                                             "ws17")])),
                 ("1", lk["full.lnk"]), ("2", lk["network.lnk"])])
    auto1 = cfb([("DestList", destlist(1, [(10, "C:\\c.txt", -1, "pc")])),
                 ("a", lk["ansi.lnk"])])
    empty = cfb([("DestList", b"")])
    custom = struct.pack("<III", 2, 1, 0) + struct.pack("<HH", 0, 2)
    custom += sdata("Tasks") + struct.pack("<I", 2)
    custom += lk["full.lnk"] + lk["network.lnk"] + struct.pack("<I",
                                                               0xbabffbab)
    return {"auto_v3.automaticDestinations-ms": auto3,
            "auto_v1.automaticDestinations-ms": auto1,
            "auto_empty.automaticDestinations-ms": empty,
            "custom.customDestinations-ms": custom,
            "custom_empty.customDestinations-ms": struct.pack("<III", 2, 0,
                                                              0)}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for sub, seeds in (("lnk", seeds_lnk()), ("jumplist", seeds_jumplist())):
        d = os.path.join(here, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
