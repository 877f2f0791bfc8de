"""Raw NTFS: read every $STANDARD_INFORMATION and $FILE_NAME time of an
unmounted volume from its MFT, and patch a $STANDARD_INFORMATION created time
(the timestomp: ntfs-3g's system.ntfs_times would rewrite $FILE_NAME too).
"""
import struct

NT_EPOCH = 116444736000000000  # 1601 -> 1970 in 100 ns ticks

def mft_layout(f):
    """(record size, [(byte offset, byte length)] of the $MFT data runs)"""
    f.seek(0)
    bs = f.read(512)
    bps = struct.unpack_from("<H", bs, 11)[0]
    cl = bps * bs[13]
    mft_lcn = struct.unpack_from("<q", bs, 0x30)[0]
    cpr = struct.unpack_from("<b", bs, 0x40)[0]
    rsz = cl * cpr if cpr > 0 else 1 << -cpr
    f.seek(mft_lcn * cl)
    rec0 = fixup(bytearray(f.read(rsz)), bps)
    runs = None
    for typ, a in attrs(rec0):
        if typ == 0x80 and rec0[a + 8]:
            ro = struct.unpack_from("<H", rec0, a + 0x20)[0]
            runs = rec0[a + ro:a + struct.unpack_from("<I", rec0, a + 4)[0]]
            break
    assert runs is not None
    extents, i, lcn = [], 0, 0
    while runs[i]:
        h = runs[i]
        nl, no = h & 15, h >> 4
        length = int.from_bytes(runs[i + 1:i + 1 + nl], "little")
        lcn += int.from_bytes(runs[i + 1 + nl:i + 1 + nl + no], "little", signed=True)
        extents.append((lcn * cl, length * cl))
        i += 1 + nl + no
    return rsz, bps, extents


def fixup(rec, bps):
    uo, un = struct.unpack_from("<HH", rec, 4)
    for k in range(1, un):
        rec[k * bps - 2:k * bps] = rec[uo + 2 * k:uo + 2 * k + 2]
    return rec


def attrs(rec):
    off = struct.unpack_from("<H", rec, 0x14)[0]
    while off + 8 <= len(rec):
        typ, ln = struct.unpack_from("<II", rec, off)
        if typ == 0xFFFFFFFF or ln == 0:
            break
        yield typ, off
        off += ln


def record_at(extents, rsz, ino):
    pos = ino * rsz
    for start, length in extents:
        if pos < length:
            return start + pos
        pos -= length
    raise IndexError(ino)


def read_mft(vol):
    """{inode: (in_use, (si cr, mt, ct, at), [(name, parent, (fn cr, mt, ct, at))])}"""
    out = {}
    with open(vol, "rb") as f:
        rsz, bps, extents = mft_layout(f)
        n = sum(l for _, l in extents) // rsz
        for ino in range(n):
            f.seek(record_at(extents, rsz, ino))
            rec = bytearray(f.read(rsz))
            if rec[:4] != b"FILE":
                continue
            rec = fixup(rec, bps)
            in_use = bool(struct.unpack_from("<H", rec, 0x16)[0] & 1)
            si, fns = None, []
            for typ, a in attrs(rec):
                vo = a + struct.unpack_from("<H", rec, a + 0x14)[0]
                if typ == 0x10:
                    c, m, ch, ac = struct.unpack_from("<4Q", rec, vo)
                    si = (c - NT_EPOCH, m - NT_EPOCH, ch - NT_EPOCH, ac - NT_EPOCH)
                elif typ == 0x30:
                    parent = struct.unpack_from("<Q", rec, vo)[0] & 0xFFFFFFFFFFFF
                    c, m, ch, ac = struct.unpack_from("<4Q", rec, vo + 8)
                    nl = rec[vo + 0x40]
                    name = rec[vo + 0x42:vo + 0x42 + 2 * nl].decode("utf-16-le")
                    fns.append((name, parent, (c - NT_EPOCH, m - NT_EPOCH, ch - NT_EPOCH, ac - NT_EPOCH)))
            out[ino] = (in_use, si, fns)
    return out


def patch_si(vol, ino, t):
    """timestomp: write t into all four $STANDARD_INFORMATION times of MFT
    entry `ino`, as a raw-writing timestomp tool does ($FILE_NAME untouched)"""
    with open(vol, "r+b") as f:
        rsz, bps, extents = mft_layout(f)
        at = record_at(extents, rsz, ino)
        f.seek(at)
        rec = bytearray(f.read(rsz))
        assert rec[:4] == b"FILE"
        off = struct.unpack_from("<H", rec, 0x14)[0]
        assert struct.unpack_from("<I", rec, off)[0] == 0x10
        vo = off + struct.unpack_from("<H", rec, off + 0x14)[0]
        assert vo + 32 < bps - 2          # clear of the sector's fix-up bytes
        for k in range(4):
            struct.pack_into("<Q", rec, vo + 8 * k, t + NT_EPOCH)
        f.seek(at)
        f.write(rec[:vo + 32])


