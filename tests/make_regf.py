#!/usr/bin/env python3
"""A minimal writer of Windows registry hives (regf 1.5: base block, one or
more hive bins, nk/lh/vk cells), for test hives the corpus lacks: a SYSTEM
hive with a computer name, time zone, NtfsDisableLastAccessUpdate and
shares, and an NTUSER.DAT with an Office 2016 User MRU list. libregf's
regfexport reads what it writes (tests/registry_e2e.sh checks).

    make_regf.py OUTDIR     writes system_facts, system_la_<hex> and
                            ntuser_office16 into OUTDIR
"""
import os
import struct
import sys

FT_2024 = 133500000000000000  # 2024-01-20T...Z, every key's last-written time


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def multi_sz(lines):
    return b"".join(utf16z(x) for x in lines) + b"\0\0"


REG_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ = 1, 3, 4, 7


class Key:
    def __init__(self, name, ft=FT_2024):
        self.name, self.ft = name, ft
        self.subkeys, self.values = [], []

    def key(self, path):
        k = self
        for part in path.split("\\"):
            for s in k.subkeys:
                if s.name.lower() == part.lower():
                    k = s
                    break
            else:
                n = Key(part, self.ft)
                k.subkeys.append(n)
                k = n
        return k

    def set(self, name, typ, data):
        if typ == REG_DWORD:
            data = struct.pack("<I", data)
        elif typ == REG_SZ:
            data = utf16z(data)
        self.values.append((name, typ, data))
        return self


class Writer:
    def __init__(self):
        self.buf = bytearray()

    def cell(self, payload):
        size = (len(payload) + 4 + 7) & ~7
        off = len(self.buf)
        self.buf += struct.pack("<i", -size) + payload
        self.buf += b"\0" * (size - 4 - len(payload))
        return off + 0x20   # offsets count from the hive bins' start

    def patch(self, off, payload):
        at = off - 0x20 + 4
        self.buf[at:at + len(payload)] = payload


def lh_hash(name):
    h = 0
    for c in name.upper():
        h = (h * 37 + ord(c)) & 0xFFFFFFFF
    return h


def write_key(w, k, parent, root=False):
    name = k.name.encode("ascii")
    flags = 0x2C if root else 0x20
    nk = bytearray(76 + len(name))
    nk_off = w.cell(bytes(nk))
    sub_off, val_off = 0xFFFFFFFF, 0xFFFFFFFF
    if k.values:
        voffs = []
        for vname, typ, data in k.values:
            vn = vname.encode("ascii")
            if len(data) <= 4:
                size, doff = len(data) | 0x80000000, struct.unpack(
                    "<I", data.ljust(4, b"\0"))[0]
            else:
                size, doff = len(data), w.cell(data)
            vk = b"vk" + struct.pack("<HIIIHH", len(vn), size, doff, typ,
                                     1 if vn else 0, 0) + vn
            voffs.append(w.cell(vk))
        val_off = w.cell(struct.pack("<%dI" % len(voffs), *voffs))
    if k.subkeys:
        kids = sorted(k.subkeys, key=lambda s: s.name.upper())
        offs = [write_key(w, s, nk_off) for s in kids]
        lh = b"lh" + struct.pack("<H", len(kids)) + b"".join(
            struct.pack("<II", o, lh_hash(s.name)) for o, s in zip(offs, kids))
        sub_off = w.cell(lh)
    maxsub = max([len(s.name) * 2 for s in k.subkeys] or [0])
    maxvn = max([len(v[0]) * 2 for v in k.values] or [0])
    maxvd = max([len(v[2]) for v in k.values] or [0])
    nk = b"nk" + struct.pack(
        "<HQIIIIIIIIIIIIIIIHH", flags, k.ft, 0, parent, len(k.subkeys), 0,
        sub_off, 0xFFFFFFFF, len(k.values), val_off, 0xFFFFFFFF, 0xFFFFFFFF,
        maxsub, 0, maxvn, maxvd, 0, len(name), 0) + name
    w.patch(nk_off, nk)
    return nk_off


def hive(root, filename):
    w = Writer()
    root_off = write_key(w, root, 0xFFFFFFFF, root=True)
    data = bytes(w.buf)
    size = (len(data) + 32 + 4095) & ~4095
    free = size - 32 - len(data)
    data += struct.pack("<i", free) + b"\0" * (free - 4)   # one free cell
    hbin = b"hbin" + struct.pack("<IIQQI", 0, size, 0, FT_2024, 0) + data
    base = bytearray(4096)
    base[0:4] = b"regf"
    struct.pack_into("<IIQIIIIII", base, 4, 1, 1, FT_2024, 1, 5, 0, 1,
                     root_off, size)
    struct.pack_into("<I", base, 44, 1)
    fn = filename.encode("utf-16-le")[:64]
    base[48:48 + len(fn)] = fn
    csum = 0
    for i in range(0, 508, 4):
        csum ^= struct.unpack_from("<I", base, i)[0]
    struct.pack_into("<I", base, 508, csum)
    return bytes(base) + hbin


def system_hive(last_access, full=True):
    root = Key("CMI-CreateHive{2A7FB991-7BBE-4F9D-B91E-7CB51D4737F5}")
    root.key("Select").set("Current", REG_DWORD, 2).set(
        "Default", REG_DWORD, 2).set("LastKnownGood", REG_DWORD, 1)
    # ControlSet001 is not current: what it says must not be read
    old = root.key("ControlSet001\\Control")
    old.key("ComputerName\\ComputerName").set("ComputerName", REG_SZ, "OLD")
    old.key("FileSystem").set("NtfsDisableLastAccessUpdate", REG_DWORD, 0)
    cs = root.key("ControlSet002")
    ctl = cs.key("Control")
    ctl.key("FileSystem").set("NtfsDisableLastAccessUpdate", REG_DWORD,
                              last_access)
    if full:
        ctl.key("ComputerName\\ComputerName").set("ComputerName", REG_SZ,
                                                  "FS01")
        ctl.key("TimeZoneInformation").set(
            "Bias", REG_DWORD, 0xFFFFFFC4).set(
            "StandardName", REG_SZ, "@tzres.dll,-322").set(
            "TimeZoneKeyName", REG_SZ, "W. Europe Standard Time")
        sh = cs.key("Services\\LanmanServer\\Shares")
        sh.set("Space Tech", REG_MULTI_SZ, multi_sz([
            "CSCFlags=0", "MaxUses=4294967295", "Path=C:\\Shares\\Space",
            "Permissions=0", "Remark=", "ShareName=Space Tech", "Type=0"]))
        sh.set("ADMIN", REG_MULTI_SZ, multi_sz([
            "MaxUses=4294967295", "Path=D:\\Admin", "Type=0"]))
    return hive(root, "\\SystemRoot\\System32\\Config\\SYSTEM")


def ntuser_office16():
    root = Key("CMI-CreateHive{D43B12B8-09B5-40DB-B4F6-F6DFEB78DAEC}")
    mru = root.key("Software\\Microsoft\\Office\\16.0\\Word\\User MRU\\"
                   "ADAL_B7C22499E768F03875FA6C268E771D1493149B23934326A96F6"
                   "CDFEEEE7F68DA72\\File MRU")
    # 0x01DA4B9D5A7C1230 = 2024-01-20T12:36:56.0880176Z
    mru.set("Item 1", REG_SZ, "[F00000000][T01DA4B9D5A7C1230][O00000000]*"
            "C:\\Users\\x\\Documents\\Plan.docx")
    mru.set("Item Metadata 1", REG_SZ, "<Metadata><AccountName /></Metadata>")
    mru.set("Item 2", REG_SZ, "[F00000000][T01DA4A0000000000][O00000000]*"
            "\\\\FS01\\Space Tech\\Budget.xlsx")
    # the item's label and a share fact; the label and no such share
    mru.set("Item 3", REG_SZ, "[F00000000][T01DA490000000000][O00000000]*"
            "\\\\srv\\space tech\\budget.xlsx")
    mru.set("Item 4", REG_SZ, "[F00000000][T01DA480000000000][O00000000]*"
            "\\\\SRV\\Public\\Notes.txt")
    return hive(root, "\\??\\C:\\Users\\x\\ntuser.dat")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {"system_facts": system_hive(0x80000003),
             "ntuser_office16": ntuser_office16()}
    for v in (0, 1, 0x80000000, 0x80000001, 0x80000002):
        files["system_la_%x" % v] = system_hive(v, full=False)
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
