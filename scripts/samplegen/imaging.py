"""Building the images: mkntfs and ntfs-3g under libfaketime (the scripted
clock), the MBR disk around the volume, the checks against TSK and the MFT,
and the E01 acquisition. Needs root (FUSE). configure() first.
"""
import hashlib
import os
import random
import struct
import subprocess
import sys
import time

from .scenario import *  # noqa: F401,F403
from .scenario import S  # noqa: F401
from .ntfs import read_mft, patch_si

OUT = LIBFT = WORK = None


def configure(out, libft, work):
    global OUT, LIBFT, WORK
    OUT, LIBFT, WORK = out, libft, work


def run(cmd, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, env=e, check=True, **kw)


def ft_env(spec=None, file=None):
    e = {"LD_PRELOAD": LIBFT, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC"}
    if spec:
        e["FAKETIME"] = spec
    if file:
        e["FAKETIME_TIMESTAMP_FILE"] = file
        e["FAKETIME_NO_CACHE"] = "1"
    return e


def log(*a):
    print("[make-samples]", *a, file=sys.stderr, flush=True)


def build(img):
    vol = os.path.join(WORK, img.label + ".vol")
    mnt = os.path.join(WORK, "mnt-" + img.label)
    clockf = os.path.join(WORK, "clock-" + img.label)
    os.makedirs(mnt, exist_ok=True)
    vol_bytes = img.size_mib * 1048576 - 1048576
    with open(vol, "wb") as f:
        f.truncate(vol_bytes)
    run(["mkntfs", "-q", "-F", "-f", "-L", img.vol_label, "-c", "4096", "-s", "512", "-p", "2048",
         "-H", "255", "-S", "63", vol], env=ft_env(spec=fake(img.fmt_time)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def clock(t):
        with open(clockf + ".new", "w") as f:
            f.write(fake(t) + "\n")
        os.replace(clockf + ".new", clockf)

    clock(img.fmt_time)
    logf = open(os.path.join(WORK, img.label + ".ntfs-3g.log"), "w")
    p = subprocess.Popen(["ntfs-3g", "-o", "no_detach,noatime,big_writes", vol, mnt],
                         env=dict(os.environ, **ft_env(file=clockf)), stdout=logf, stderr=logf)
    for _ in range(100):
        if os.path.ismount(mnt):
            break
        if p.poll() is not None:
            raise SystemExit("ntfs-3g exited early")
        time.sleep(0.1)
    else:
        raise SystemExit("mount timed out")

    def P(path):
        return mnt + path

    def barrier():
        os.getxattr(mnt, "system.ntfs_times")   # a request ntfs-3g must answer

    def create(n):
        barrier()
        clock(n.clock)
        fd = os.open(P(n.path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, n.content)
        finally:
            os.close(fd)
        barrier()
        clock(n.ct if not n.stomped else n.clock + 2 * ms(random.Random(n.path)))
        if n.stomped and n.copy_of is not None:
            os.utime(P(n.path), ns=(n.clock * 100, n.copy_of.mt * 100))
        elif n.stomped:
            pass                        # a tool: all $SI times patched below
        else:
            os.utime(P(n.path), ns=(n.at * 100, n.mt * 100))
        n.ino = os.stat(P(n.path)).st_ino

    def mkdir(n):
        barrier()
        clock(n.clock)
        os.mkdir(P(n.path))
        n.ino = os.stat(P(n.path)).st_ino

    try:
        pre = sorted([n for n in img.nodes.values() if n.phase == "pre" and n.path != "/"],
                     key=lambda n: (not n.is_dir, n.clock if not n.is_dir else n.path.count("/"), n.path))
        # folders parents first, in order of their creation inside each depth
        dirs = sorted([n for n in pre if n.is_dir], key=lambda n: (n.clock, n.path))
        for d in dirs:
            mkdir(d)
        for n in sorted([n for n in pre if not n.is_dir], key=lambda n: (n.clock, n.path)):
            create(n)
        for d in sorted([n for n in img.nodes.values() if n.is_dir and n.phase == "pre"],
                        key=lambda n: -n.path.count("/")):
            barrier()
            clock(d.ct)
            os.utime(P(d.path) if d.path != "/" else mnt, ns=(d.at * 100, d.mt * 100))
        for t, kind, n in img.ops:
            if kind == "mkdir":
                mkdir(n)
            elif kind == "create":
                create(n)
        for t, kind, n in img.ops:
            if kind == "delete":
                barrier()
                clock(t)
                os.unlink(P(n.path))
        barrier()
        st = os.statvfs(mnt)
        log("%s: %d files, %d folders, %.1f of %.1f MiB used" % (
            img.label, len(img.files()), sum(1 for n in img.nodes.values() if n.is_dir),
            (st.f_blocks - st.f_bfree) * st.f_frsize / 1048576, st.f_blocks * st.f_frsize / 1048576))
    finally:
        subprocess.run(["umount", mnt])
        p.wait()
        logf.close()
    if p.returncode != 0:
        raise SystemExit("ntfs-3g failed for " + img.label)
    for n in img.nodes.values():
        if n.stomped:
            patch_si(vol, n.ino, n.stomp_value)
    return vol




def mbr(img, vol_sectors):
    b = bytearray(512)
    struct.pack_into("<I", b, 0x1B8, img.sig)
    e = bytearray(16)
    e[0] = 0x00
    e[1:4] = b"\xfe\xff\xff"
    e[4] = 0x07
    e[5:8] = b"\xfe\xff\xff"
    struct.pack_into("<II", e, 8, 2048, vol_sectors)
    b[0x1BE:0x1CE] = e
    b[510:512] = b"\x55\xaa"
    return bytes(b)


def disk(img, vol):
    raw = os.path.join(WORK, img.label + ".raw")
    size = os.path.getsize(vol)
    with open(raw, "wb") as o:
        o.write(mbr(img, size // 512))
        o.write(b"\0" * (1048576 - 512))
        with open(vol, "rb") as i:
            while True:
                b = i.read(1 << 20)
                if not b:
                    break
                o.write(b)
    return raw


def verify(img, raw, vol):
    """check the image with TSK against the plan"""
    out = subprocess.run(["fls", "-r", "-m", "/", "-o", "2048", raw], check=True,
                         capture_output=True).stdout.decode("utf-8")
    seen = {}
    for line in out.splitlines():
        f = line.split("|")
        name = f[1]
        if name.endswith(" ($FILE_NAME)"):
            continue
        dele = name.endswith(" (deleted)")
        if dele:
            name = name[:-len(" (deleted)")]
        seen[name] = (f[2], dele, int(f[6]), int(f[7]), int(f[8]), int(f[9]), int(f[10]))
    bad = 0
    for n in img.files():
        s = seen.get(n.path)
        if not s:
            log("MISSING in fls:", img.label, n.path)
            bad += 1
            continue
        inode, dele, size, a, m, c, b = s
        want = (n.deleted, len(n.content), n.at // S, n.mt // S, n.ct // S, n.cr // S)
        if (dele, size, a, m, c, b) != want:
            log("MISMATCH", img.label, n.path, (dele, size, a, m, c, b), want)
            bad += 1
        data = subprocess.run(["icat", "-o", "2048", raw, inode.split("-")[0]], check=True,
                              capture_output=True).stdout
        if data != n.content:
            log("CONTENT MISMATCH", img.label, n.path)
            bad += 1
        n.inode = int(inode.split("-")[0])
    if bad:
        raise SystemExit("%s: %d check(s) failed" % (img.label, bad))
    for n in img.files():
        if n.stomped:
            ist = subprocess.run(["istat", "-o", "2048", raw, str(n.inode)], check=True,
                                 capture_output=True).stdout.decode()
            si, fn = ist.split("$FILE_NAME Attribute Values:")[:2]
            assert "Created:\t" + iso(n.stomp_value)[:-1].replace("T", " ") + "00" in si, si
            want = "Created:\t" + iso(n.clock)[:-1].replace("T", " ") + "00"
            assert want in fn, (want, fn)
    # every $SI and $FN time of every file and folder, to 100 ns
    mft = read_mft(vol)
    win_dir = {}
    for t, kind, n in img.ops:
        if kind in ("create", "delete", "mkdir"):
            win_dir[n.parent] = max(win_dir.get(n.parent, 0), t)
    bad = 0
    for n in img.nodes.values():
        ino = n.inode if not n.is_dir else n.ino
        if n.path == "/":
            ino = 5
        in_use, si, fns = mft[ino]
        want_si = (n.cr, n.mt, n.ct, n.at)
        if n.is_dir:
            mt = max(n.mt or 0, win_dir.get(n.path, 0))
            at = n.at if n.phase == "pre" else n.clock
            want_si = (n.cr, mt, mt, at)
            n.mt, n.ct, n.at = want_si[1:]
        fn_want = (n.clock,) * 4 if n.path != "/" else None
        ok = in_use == (not getattr(n, "deleted", False)) and si == want_si
        if fn_want:
            ok = ok and len(fns) == 1 and fns[0][2] == fn_want and fns[0][0] == n.name
        if not ok:
            log("MFT MISMATCH", img.label, n.path, ino, in_use, [iso(x) for x in si],
                [iso(x) for x in want_si], fns and [iso(x) for x in fns[0][2]])
            bad += 1
    if bad:
        raise SystemExit("%s: %d MFT check(s) failed" % (img.label, bad))
    log("%s: %d files checked with fls/icat, %d files and folders against the MFT" % (
        img.label, len(img.files()), len(img.nodes)))


def acquire(img, raw):
    tgt = os.path.join(OUT, "evidence", img.label)
    for ext in (".E01", ".E02"):
        if os.path.exists(tgt + ext):
            os.unlink(tgt + ext)
    with open(os.path.join(WORK, img.label + ".ewf.log"), "w") as lg:
        run(["ewfacquire", "-u", "-q", "-c", "best", "-d", "sha1", "-f", "encase6",
             "-m", "fixed", "-M", "physical", "-b", "64",
             "-C", "IR-2023-0611", "-E", img.ev_no, "-e", "R. Okafor (touchline IR team)",
             "-D", img.desc,
             "-N", "Synthetic sample evidence for touchline, built by scripts/make-samples.sh",
             "-t", tgt, raw], env=ft_env(spec=fake(img.acq_time)),
            stdin=subprocess.DEVNULL, stdout=lg, stderr=lg)
    md5 = hashlib.md5()
    sha1 = hashlib.sha1()
    with open(raw, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            md5.update(b)
            sha1.update(b)
    img.media_size = os.path.getsize(raw)
    img.md5, img.sha1 = md5.hexdigest(), sha1.hexdigest()
    img.e01_size = os.path.getsize(tgt + ".E01")
    info = subprocess.run(["ewfinfo", tgt + ".E01"], capture_output=True, check=True).stdout.decode()
    assert img.md5 in info, info
    log("%s: %s.E01 %d bytes, media %d bytes, md5 %s" % (img.label, tgt, img.e01_size, img.media_size, img.md5))


