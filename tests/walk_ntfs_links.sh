#!/bin/sh
# An NTFS file with 100 hard links: its $FILE_NAME attributes sit in
# attribute-list extension records and 94 of them share attribute id 0.
# Every name must be kept (ntfs_filename keyed by ord) with its four times
# equal to istat to 100 ns, under the link it names, and each $FN time must
# make its events once.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g istat ifind

IMG="$T_TMP/links.raw"
MNT="$T_TMP/mnt"
ntfs_volume "$IMG" 8M
mkdir "$MNT/d" "$MNT/e"
echo hello >"$MNT/d/orig.txt"
i=1
while [ $i -le 79 ]; do ln "$MNT/d/orig.txt" "$MNT/d/link_$i.txt"; i=$((i + 1)); done
while [ $i -le 99 ]; do ln "$MNT/d/orig.txt" "$MNT/e/link_$i.txt"; i=$((i + 1)); done
ntfs_unmount

INODE=$(ifind -n /d/orig.txt "$IMG")
CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest "$CASE" "$IMG" >/dev/null 2>"$T_TMP/err"
ok $? "ingest the hard-link image"
istat "$IMG" "$INODE" >"$T_TMP/istat"
is "$(grep -c '^Name: ' "$T_TMP/istat")" 100 "istat lists 100 names"
is "$(sed -n '/^Attributes:/,$p' "$T_TMP/istat" | grep -c '\$FILE_NAME (48-0)')" 94 \
  "94 of them share attribute id 0"
PYTHONPATH="$TL_SRCDIR/tests" PYTHONDONTWRITEBYTECODE=1 "$PYTHON3" - "$CASE" "$T_TMP/istat" "$INODE" "$T_N" "$T_TMP/n" <<'PY'
import re, sqlite3, sys
from datetime import datetime, timedelta
db = sqlite3.connect(sys.argv[1])
inode = int(sys.argv[3])
from tapcont import Tap
tap = Tap(int(sys.argv[4]), sys.argv[5], diag_max=5)
ok = tap.ok
# istat: per $FILE_NAME its name, parent and the four times to 100 ns
fns, cur = [], None
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("$FILE_NAME Attribute Values"):
        cur = {}; fns.append(cur)
    elif line.startswith("Attributes:"):
        cur = None
    elif cur is not None:
        m = re.match(r"^(Created|File Modified|MFT Modified|Accessed):\s+"
                     r"(\S+ \S+) \(UTC\)", line)
        if m:
            cur[m.group(1)] = m.group(2)
        elif line.startswith("Name: "):
            cur["name"] = line[6:].rstrip("\n")
        elif line.startswith("Parent MFT Entry: "):
            cur["parent"] = int(line.split()[3])
def ft(v):
    d = datetime(1970, 1, 1) + timedelta(microseconds=(v - 116444736000000000) // 10)
    return "%s.%07d00" % (d.strftime("%Y-%m-%d %H:%M:%S"), (v - 116444736000000000) % 10000000)
want = sorted((f["name"], f["parent"], f["Created"], f["File Modified"],
               f["MFT Modified"], f["Accessed"]) for f in fns)
rows = db.execute(
    "SELECT f.name, f.parent_inode, f.crtime_raw, f.mtime_raw, f.ctime_raw,"
    " f.atime_raw, f.ord, o.path, o.object_id FROM ntfs_filename f "
    "JOIN object o USING(object_id) WHERE o.inode=?", (inode,)).fetchall()
got = sorted((r[0], r[1], ft(r[2]), ft(r[3]), ft(r[4]), ft(r[5])) for r in rows)
ok(len(rows) == 100, "100 names stored for the entry (got %d)" % len(rows))
ok(got == want, "names, parents and the four times equal istat to 100 ns",
   [x for x in want if x not in got])
ok(sorted(r[6] for r in rows) == list(range(100)), "ord 0..99, each once")
ok(all(r[7].endswith("/" + r[0]) for r in rows),
   "each name is stored under the link it names",
   [(r[7], r[0]) for r in rows if not r[7].endswith("/" + r[0])])
parents = {r[7].rsplit("/", 1)[0] for r in rows}
ok(parents == {"/d", "/e"}, "links in two directories: %s" % sorted(parents))
# events: each $FN time once; distinct instants of one $FN merge like mactime
ev = db.execute(
    "SELECT e.object_id, e.fn_ord, e.macb, e.raw FROM event e JOIN object o "
    "USING(object_id) WHERE o.inode=? AND e.source='$FN'", (inode,)).fetchall()
expect = sum(len({r[2], r[3], r[4], r[5]} - {0}) for r in rows)
ok(len(ev) == expect, "%d $FN events, want %d" % (len(ev), expect))
letters = {}
for oid, ordv, macb, raw in ev:
    for c in macb.replace(".", ""):
        letters[(ordv, c)] = letters.get((ordv, c), 0) + 1
ok(len(letters) == 400 and set(letters.values()) == {1},
   "each of the 100 x 4 $FN times is in exactly one event")
byord = {r[6]: r for r in rows}
bad = [(o, m) for oid, o, m, raw in ev
       if byord[o][8] != oid or
       raw != byord[o][2 + {"b": 0, "m": 1, "c": 2, "a": 3}[m.replace(".", "")[0]]]]
ok(not bad, "every $FN event sits on its name's object with its raw value", bad)
tap.finish()
PY
[ $? -eq 0 ] || T_FAIL=$((T_FAIL + 1))
T_N=$(cat "$T_TMP/n")
done_testing
