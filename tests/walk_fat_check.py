#!/usr/bin/env python3
"""Compare the FAT/exFAT times of a case with TSK run in a time zone.

usage: walk_fat_check.py CASE IMAGE ZONE START_N

For every line of `fls -z ZONE -r -m /` the object with that path and inode
must have FAT-entry events with the same m, a, b seconds (TSK converts the
local times with mktime() in ZONE; touchline with base/tz.c), and every
"Created" time of `istat -z ZONE` must equal the case's creation instant
shown in ZONE to the 10 ms. Prints TAP lines numbered from START_N + 1 and
exits 1 on any failure; the last line of stdout is the number of tests.
"""
import re
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

db_path, img, zone, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fail = 0


def ok(cond, desc, diag=()):
    global n, fail
    n += 1
    fail += not cond
    print("%sok %d - %s" % ("" if cond else "not ", n, desc))
    for d in list(diag)[:8]:
        print("#   %s" % (d,))


def run(args):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout


db = sqlite3.connect(db_path)
fs_type, off = db.execute("SELECT fs_type, offset_bytes FROM filesystem "
                          "LIMIT 1").fetchone()
tz_row = db.execute("SELECT time_zone FROM filesystem LIMIT 1").fetchone()[0]
ok(tz_row == zone, "filesystem.time_zone is %s" % zone)


def times(oid):
    t = {}
    for t_ns, macb, raw in db.execute(
            "SELECT t_ns, macb, raw FROM event WHERE object_id=? AND "
            "source='FAT entry'", (oid,)):
        for letter in macb.replace(".", ""):
            t[letter] = t_ns
    return t


fls = run(["fls", "-z", zone, "-o", str(off // 512), "-r", "-m", "/", img])
bad, n_cmp, inodes = [], 0, {}
for line in fls.decode("utf-8", "surrogateescape").splitlines():
    f = line.split("|")
    if len(f) != 11:
        continue
    name = re.sub(r" \((deleted|deleted-realloc)\)$", "", f[1])
    inode = int(f[2].split("-")[0])
    row = db.execute("SELECT object_id FROM object WHERE path=? AND inode=?",
                     (name, inode)).fetchone()
    if not row:
        bad.append("%s (%d) not in case" % (name, inode))
        continue
    t = times(row[0])
    inodes[inode] = row[0]
    a, m, c, b = (int(x) for x in f[7:11])
    # TSK gives 0 for an unset time (and for a year past 2037)
    for letter, want in (("m", m), ("a", a), ("b", b)):
        got = t.get(letter)
        got_s = got // 1000000000 if got is not None else 0
        if want and got_s != want:
            bad.append("%s %s: got %s want %s" % (name, letter, got_s, want))
        n_cmp += want != 0
ok(n_cmp > 0 and not bad, "%s in %s: %d m/a/b times equal fls -z to the "
   "second" % (fs_type, zone, n_cmp), bad)

# istat prints FAT times to the second, or with 9 digits when it has them
ISTAT = re.compile(r"^Created:\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d{9})? "
                   r"\((\S+)\)")
bad, n_cr = [], 0
zi = ZoneInfo(zone)
for inode, oid in sorted(inodes.items()):
    try:
        text = run(["istat", "-z", zone, "-o", str(off // 512), img,
                    str(inode)]).decode("utf-8", "replace")
    except subprocess.CalledProcessError:
        continue
    for line in text.splitlines():
        m = ISTAT.match(line)
        if not m or m.group(1).startswith("0000"):
            continue
        got = times(oid).get("b")
        if got is None:
            bad.append("inode %d: no creation event, istat %s" % (
                inode, m.group(1)))
            continue
        d = datetime.fromtimestamp(got // 10**9, timezone.utc).astimezone(zi)
        mine = d.strftime("%Y-%m-%d %H:%M:%S")
        if m.group(2):
            mine += ".%09d" % (got % 10**9)
        want = m.group(1) + (m.group(2) or "")
        n_cr += 1
        if mine != want:
            bad.append("inode %d Created: got %s want %s" % (inode, mine,
                                                             want))
ok(n_cr > 0 and not bad, "%s in %s: %d creation times equal istat -z to "
   "the second (10 ms where istat shows it)" % (fs_type, zone, n_cr), bad)
print(n)
sys.exit(1 if fail else 0)
