#!/usr/bin/env python3
"""Ingest corpus images and compare the case with The Sleuth Kit's own view.

For every file system in each image: every line of `fls -r -m /` must match
exactly one object in the case (same path, inode and attribute) with the
same $SI (or inode) times in whole seconds, and the case must hold nothing
that fls does not list. Each `($FILE_NAME)` line must match the $FILE_NAME
attribute of that id. For NTFS, every $SI and $FILE_NAME time is compared
with `istat` to the 100 ns. Prints TAP.
"""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

TOUCHLINE = os.environ["TOUCHLINE"]
CORPUS = os.environ["TL_CORPUS"]
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
n_test = 0
n_fail = 0


def ok(cond, desc, diag=None):
    global n_test, n_fail
    n_test += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_test, desc))
    if not cond:
        n_fail += 1
        for line in (diag or [])[:15]:
            print("#   " + line)
    sys.stdout.flush()


def run(args):
    return subprocess.run(args, env=ENV, check=True, capture_output=True).stdout


# (label, path relative to corpus, or (zip, member))
IMAGES = [
    ("dftt-ntfs-undel", ("sleuthkit_test_data/from_brian/7-undel-ntfs.zip",
                         "7-ntfs-undel.dd")),
    ("dftt-fat-undel", ("sleuthkit_test_data/from_brian/6-undel-fat.zip",
                        "6-fat-undel.dd")),
    ("dftt-fat-kw", ("sleuthkit_test_data/from_brian/2-kwsrch-fat.zip",
                     "fat-img-kw.dd")),
    ("dftt-ext3-kw", ("sleuthkit_test_data/from_brian/4-kwsrch-ext3.zip",
                      "ext3-img-kw-1.dd")),
    ("dftt-fat-daylight", ("sleuthkit_test_data/from_brian/5-fat-daylight.zip",
                           "daylight.dd")),
    ("dftt-fat-label", ("sleuthkit_test_data/from_brian/9-fat-label.zip",
                        "9-fat-label.dd")),
    ("dftt-ntfs-jpeg", ("sleuthkit_test_data/from_brian/8-jpeg-search.zip",
                        "8-jpeg-search.dd")),
    ("dftt-extended", ("sleuthkit_test_data/from_brian/1-extend-part.zip",
                       "ext-part-test-2.dd")),
    ("dftt-iso", ("sleuthkit_test_data/from_brian/14-iso9660-1.zip",
                  "iso-dirtree1.iso")),
    ("nps-hfsj", ("sleuthkit_test_data/nps-2009-hfsjtest1/image.gen1.zip",
                  "image.gen1.dmg")),
    ("tsk-ext2-e01", "sleuthkit/test/data/image.E01"),
    ("tsk-ext2-vhd", "sleuthkit/test/data/image.vhd"),
    ("tsk-ext2-vmdk", "sleuthkit/test/data/image.vmdk"),
    ("tsk-iso", "sleuthkit/test/data/image.iso"),
    ("tsk-mmls-ntfs2", "sleuthkit/test/data/imageformat_mmls_1.E01"),
    ("dfvfs-ext2-e01", "dfvfs/test_data/ext2.E01"),
    ("dfvfs-ext2-split-e01", "dfvfs/test_data/ext2.split.E01"),
    ("dfvfs-ext2-splitraw", "dfvfs/test_data/ext2.splitraw.000"),
    ("dfvfs-ext2-vhd", "dfvfs/test_data/ext2.vhd"),
    ("dfvfs-ext2-vmdk", "dfvfs/test_data/ext2.vmdk"),
    ("dfvfs-hfsplus", "dfvfs/test_data/hfsplus.raw"),
    ("dfvfs-apfs", "dfvfs/test_data/apfs.raw"),
    ("dfvfs-iso", "dfvfs/test_data/iso9660.raw"),
    ("dfvfs-imynd", "dfvfs/test_data/\u00edmynd.dd"),
    ("goext4-h32", "go-ext4/assets/hierarchy_32.ext4"),
    ("goext4-h64", "go-ext4/assets/hierarchy_64.ext4"),
    ("plaso-split-e01", "plaso/test_data/image-split.E01"),
    ("plaso-vmdk", "plaso/test_data/image.vmdk"),
]

CONTROL = re.compile("[\x00-\x1f]")
SUFFIXES = (" (deleted-realloc)", " (deleted)")


def parse_fls(text):
    """fls -m lines -> list of dicts (name, inode, attr, fn, times)."""
    out = []
    for raw in text.split(b"\n"):
        if not raw:
            continue
        f = raw.split(b"|")
        if len(f) != 11:
            continue  # a '|' inside a name: fls cannot express it either
        name = f[1].decode("utf-8", "surrogateescape")
        deleted = None
        for s in SUFFIXES:
            if name.endswith(s):
                deleted = s.strip(" ()")
                name = name[: -len(s)]
                break
        fn = name.endswith(" ($FILE_NAME)")
        if fn:
            name = name[: -len(" ($FILE_NAME)")]
        link = None
        if " -> " in name and f[3].startswith(b"l"):
            name, link = name.split(" -> ", 1)
        ino = f[2].decode().split("-")
        out.append(dict(name=name, inode=int(ino[0]),
                        atype=int(ino[1]) if len(ino) > 1 else None,
                        aid=int(ino[2]) if len(ino) > 2 else None,
                        fn=fn, deleted=deleted, size=int(f[6]), link=link,
                        times=[int(f[7]), int(f[8]), int(f[9]), int(f[10])]))
    return out


def secs(ns):
    return ns // 1000000000


def ft_secs(ft):
    # TSK's nt2unixtime(): uint64 arithmetic truncated to uint32 seconds, so
    # an unset (0) FILETIME shows as 3373865674 (2076-11-29); the case keeps
    # the raw 0 and creates no event for it.
    return (((ft - 116444736000000000) % 2**64) // 10000000) & 0xFFFFFFFF


def object_times(db, object_id, sources):
    """a, m, c, b whole seconds of one object's events of these sources."""
    t = [0, 0, 0, 0]
    q = "SELECT t_ns, macb FROM event WHERE object_id=? AND source IN (%s)" % (
        ",".join("?" * len(sources)))
    for t_ns, macb in db.execute(q, (object_id, *sources)):
        for i, letter in enumerate("macb"):
            if macb[i] == letter:
                t[[1, 0, 2, 3][i]] = secs(t_ns)
    return t


def check_fs(db, img, fs_row, label):
    fs_id, fs_type, off, pool_block = fs_row
    args = ["fls", "-r", "-m", "/"]
    if pool_block is not None:
        args += ["-P", "apfs", "-B", str(pool_block)]
    elif off:
        args += ["-o", str(off // 512)]
    fls = parse_fls(run(args + [img]))
    objs = {}
    for row in db.execute(
            "SELECT object_id, path, inode, attr_type, attr_id, alloc, "
            "coalesce(size, 0), link_target FROM object WHERE fs_id=?",
            (fs_id,)):
        # fls shows control characters as '^'; the case keeps them. A size
        # the file system does not give (no metadata) is NULL, fls prints 0.
        objs.setdefault((CONTROL.sub("^", row[1]), row[2]), []).append(row)
    where = "%s fs %d (%s @%d)" % (label, fs_id, fs_type, off)
    seen = set()
    missing, badtime, badfn, badsize, baddel = [], [], [], [], []
    n_fn = 0
    for e in fls:
        cands = objs.get((e["name"], e["inode"]), [])
        if e["fn"]:
            n_fn += 1
            got = db.execute(
                "SELECT f.crtime_raw, f.mtime_raw, f.ctime_raw, f.atime_raw "
                "FROM ntfs_filename f JOIN object o USING(object_id) "
                "WHERE o.fs_id=? AND o.inode=? AND f.attr_id=? AND "
                "(o.path=? OR o.path LIKE ? || ':%')",
                (fs_id, e["inode"], e["aid"], e["name"], e["name"])).fetchone()
            if not got:
                badfn.append("no $FILE_NAME %s for %s" % (e["aid"], e["name"]))
                continue
            b, m, c, a = (ft_secs(x) for x in got)
            if [a, m, c, b] != e["times"]:
                badfn.append("%s FN %s: got %s want %s" % (
                    e["name"], e["aid"], [a, m, c, b], e["times"]))
            continue
        match = [o for o in cands if o[3] == e["atype"] and o[4] == e["aid"]]
        if len(match) != 1:
            missing.append("%s inode %s-%s-%s (%d candidates)" % (
                e["name"], e["inode"], e["atype"], e["aid"], len(match)))
            continue
        o = match[0]
        seen.add(o[0])
        want_alloc = e["deleted"] or "allocated"
        if o[5] != want_alloc:
            baddel.append("%s: alloc %s, fls says %s" % (e["name"], o[5],
                                                         want_alloc))
        if e["link"] is not None and o[7] != e["link"]:
            badsize.append("%s: link target %s, fls %s" % (e["name"], o[7],
                                                            e["link"]))
        if o[6] != e["size"]:
            badsize.append("%s: size %s, fls %s" % (e["name"], o[6],
                                                    e["size"]))
        got = object_times(db, o[0], ("$SI", "inode", "FAT entry",
                                      "HFS+ catalog", "ISO9660 record"))
        if got != e["times"]:
            badtime.append("%s: got %s want %s" % (e["name"], got,
                                                   e["times"]))
    extra = [k for rows in objs.values() for r in rows
             if r[0] not in seen for k in [r[1]]]
    n_obj = sum(1 for e in fls if not e["fn"])
    ok(n_obj > 0, "%s: fls lists %d objects" % (where, n_obj))
    ok(not missing, "%s: every fls object is in the case" % where, missing)
    ok(not extra, "%s: the case has nothing fls does not list" % where,
       extra)
    ok(not badtime, "%s: times equal fls to the second" % where, badtime)
    ok(not baddel, "%s: allocation state equals fls" % where, baddel)
    ok(not badsize, "%s: sizes and link targets equal fls" % where, badsize)
    if "ntfs" in fs_type:
        ok(n_fn > 0 and not badfn,
           "%s: %d $FILE_NAME lines match the case" % (where, n_fn), badfn)
        check_istat(db, img, fs_row, where)


ISTAT_TIME = re.compile(
    r"^(Created|File Modified|MFT Modified|Accessed):\s+"
    r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{9}) \(UTC\)")


# How istat prints a FILETIME of 0 (see ft_secs).
TSK_ZERO_FILETIME = "2076-11-29 08:54:34.000000000"


def ft_text(ft):
    import datetime
    if ft == 0:
        return TSK_ZERO_FILETIME
    ns100 = ft - 116444736000000000
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(
        microseconds=ns100 // 10)
    return "%s.%07d00" % (d.strftime("%Y-%m-%d %H:%M:%S"), ns100 % 10000000)


def parse_istat(text):
    """$SI times and each $FILE_NAME (name, times) from istat output."""
    si, fns, cur = {}, [], None
    for line in text.decode("utf-8", "replace").split("\n"):
        if line.startswith("$STANDARD_INFORMATION Attribute Values"):
            cur = si
        elif line.startswith("$FILE_NAME Attribute Values"):
            cur = {}
            fns.append(cur)
        elif line.startswith("Attributes:") or line.startswith("$OBJECT_ID"):
            cur = None
        elif cur is not None:
            m = ISTAT_TIME.match(line)
            if m:
                cur[m.group(1)] = "%s.%s" % (m.group(2), m.group(3))
            elif line.startswith("Name: "):
                cur["name"] = line[6:]
    return si, fns


def check_istat(db, img, fs_row, where):
    """Every $SI and $FILE_NAME time of every MFT entry, to 100 ns."""
    fs_id, _, off, _ = fs_row
    bad, n = [], 0
    rows = db.execute(
        "SELECT DISTINCT inode FROM object WHERE fs_id=? AND inode < "
        "(SELECT last_inum FROM filesystem WHERE fs_id=?) ORDER BY inode",
        (fs_id, fs_id)).fetchall()
    for (inode,) in rows:
        try:
            text = run(["istat", "-o", str(off // 512), img, str(inode)])
        except subprocess.CalledProcessError:
            continue
        si, fns = parse_istat(text)
        oid = db.execute("SELECT min(object_id) FROM object WHERE fs_id=? "
                         "AND inode=?", (fs_id, inode)).fetchone()[0]
        ev = db.execute("SELECT raw, macb FROM event WHERE object_id=? AND "
                        "source='$SI'", (oid,)).fetchall()
        mine = {}
        for raw, macb in ev:
            for letter, key in zip(macb, ("File Modified", "Accessed",
                                          "MFT Modified", "Created")):
                if letter != ".":
                    mine[key] = ft_text(raw)
        for key, val in si.items():
            if key != "name":
                n += 1
                if mine.get(key) != val:
                    bad.append("inode %d $SI %s: got %s want %s" % (
                        inode, key, mine.get(key), val))
        fnrows = db.execute(
            "SELECT f.name, crtime_raw, mtime_raw, ctime_raw, atime_raw FROM "
            "ntfs_filename f JOIN object o USING(object_id) WHERE o.fs_id=? "
            "AND o.inode=?", (fs_id, inode)).fetchall()
        have = {(r[0], ft_text(r[1]), ft_text(r[2]), ft_text(r[3]),
                 ft_text(r[4])) for r in fnrows}
        for fn in fns:
            n += 4
            key = (fn.get("name"), fn.get("Created"), fn.get("File Modified"),
                   fn.get("MFT Modified"), fn.get("Accessed"))
            if key not in have:
                bad.append("inode %d $FILE_NAME %s not in case (have %s)" % (
                    inode, key, sorted(have)[:2]))
    ok(n > 0 and not bad, "%s: %d $SI/$FILE_NAME times equal istat to 100 ns"
       % (where, n), bad)


# The DFTT undelete answer keys (results.txt / index.html): the deleted names
# each image must show. FAT overwrites a deleted name's first byte (TSK and
# the case show '_'), so those names are compared from the second character.
UNDELETE_KEYS = {
    "dftt-ntfs-undel": ["/frag1.dat", "/frag2.dat", "/sing1.dat",
                        "/mult1.dat", "/mult1.dat:ADS", "/dir1/mult2.dat",
                        "/dir1/dir2/frag3.dat", "/res1.dat",
                        "/$OrphanFiles/sing2.dat"],
    "dftt-fat-undel": ["/_rag1.dat", "/_rag2.dat", "/_ing.dat", "/_ult1.dat",
                       "/_ir1", "/_ir1/dir2", "/_ir1/mult2.dat",
                       "/_ir1/dir2/frag3.dat"],
}


def check_undelete(db, label):
    want = UNDELETE_KEYS.get(label)
    if not want:
        return
    got = {p for (p,) in db.execute(
        "SELECT path FROM object o JOIN evidence e USING(evidence_id) "
        "WHERE e.label=? AND o.deleted=1", (label,))}
    miss = [p for p in want if p not in got]
    ok(not miss, "%s: the answer key's %d deleted names are deleted objects"
       % (label, len(want)), miss)


def main():
    tmp = tempfile.mkdtemp(prefix="tl-corpus.")
    for label, spec in IMAGES:
        # a case per image: several corpus images hold the same media, which
        # one case rightly refuses to take twice
        db_path = os.path.join(tmp, label + ".db")
        if isinstance(spec, tuple):
            zpath = os.path.join(CORPUS, spec[0])
            if not os.path.exists(zpath):
                print("ok %d - %s # SKIP corpus file missing" % (n_test + 1,
                                                                label))
                continue
            with zipfile.ZipFile(zpath) as z:
                member = [m for m in z.namelist()
                          if m.endswith("/" + spec[1]) or m == spec[1]][0]
                z.extract(member, tmp)
            img = os.path.join(tmp, member)
        else:
            img = os.path.join(CORPUS, spec)
        r = subprocess.run([TOUCHLINE, "ingest", "-q", "--no-hash", "-l",
                            label, db_path, img], env=ENV,
                           capture_output=True)
        ok(r.returncode == 0, "%s: ingest exits 0" % label,
           [r.stderr.decode(errors="replace")])
        if r.returncode:
            continue
        db = sqlite3.connect(db_path)
        fss = db.execute(
            "SELECT fs_id, fs_type, offset_bytes, pool_block FROM filesystem "
            "f JOIN evidence e USING(evidence_id) WHERE e.label=?",
            (label,)).fetchall()
        ok(len(fss) > 0, "%s: %d file system(s) found" % (label, len(fss)))
        for fs_row in fss:
            check_fs(db, img, fs_row, label)
        check_undelete(db, label)
        db.close()
    shutil.rmtree(tmp)
    print("1..%d" % n_test)
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
