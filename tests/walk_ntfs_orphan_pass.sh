#!/bin/sh
# NTFS: libtsk's orphan search ($OrphanFiles) served from its parent-map
# pass over the MFT (walk/ntfsmeta.c) instead of a second full pass, and
# that pass with the allocated entries parsed by walk/ntfsmeta.c. The
# $OrphanFiles listing, every deleted object and the whole case must be
# what libtsk's own second pass gives (test builds:
# TOUCHLINE_NTFS_ORPHANS=tsk) and what libtsk's own walk gives
# (TOUCHLINE_NTFS_WALK=tsk), table by table with ids, and what
# `fls -r -p -m /` lists, line by line; the orphans' MFT entries are the
# ones ntfs-3g gave the files (st_ino) before they were deleted. The image:
# a deleted folder tree three levels deep (folders and files) whose top
# folder's MFT entry is reused by a new folder, so its entries are orphans
# (libtsk walks into the deleted subfolders to mark their contents seen),
# deleted files in a living folder, and MFT entries reused by new files.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g fls sqlite3
# TOUCHLINE_NTFS_ORPHANS, _PARENTS and _TAIL exist in test builds only
# (configure --enable-test-hooks); without them the checks that need one
# are skipped and the rest (fls, the cases compared) still run.
hooks() {
  [ "${TL_TEST_HOOKS:-}" = yes ] && return 0
  ok 0 "$1 # SKIP the switch needs configure --enable-test-hooks"
  return 1
}
IMG="$T_TMP/o.raw"
MNT="$T_TMP/mnt"
ntfs_volume "$IMG" 16M
(
  cd "$MNT" || exit 1
  mkdir keep gone
  for f in $(seq 1 12); do echo "g$f" >"gone/f$f.txt"; done
  mkdir gone/sub gone/sub/deeper gone/other
  for f in $(seq 1 5); do echo "s$f" >"gone/sub/s$f.txt"; done
  for f in $(seq 1 3); do echo "d$f" >"gone/sub/deeper/d$f.txt"; done
  echo o >gone/other/o.txt
  for f in $(seq 1 10); do echo "k$f" >"keep/k$f.txt"; done
  echo u >"keep/ünïcødé_日本語.txt"
  echo u >"gone/sub/ünïcødé_gone.txt"
  stat -c '%i gone' gone
  stat -c '%i gone/f12.txt' gone/f12.txt
  stat -c '%i gone/f2.txt' gone/f2.txt
  stat -c '%i gone/sub' gone/sub
  stat -c '%i gone/sub/deeper/d3.txt' gone/sub/deeper/d3.txt
  stat -c '%i keep/k9.txt' keep/k9.txt
  head -c 20000 /dev/zero | tr '\0' x >keep/big.bin
  stat -c '%i keep/k1.txt' keep/k1.txt
  stat -c '%i keep/k2.txt' keep/k2.txt
  stat -c '%i keep/big.bin' keep/big.bin
) >"$T_TMP/ino" || skip_all "could not fill the volume"
ntfs_unmount
# a second mount: the deletions and the reuse after the first write-out
ntfs-3g -o no_detach "$IMG" "$MNT" >/dev/null 2>&1 &
NPID=$!
wait_for 5 mountpoint -q "$MNT" || { kill $NPID; skip_all "ntfs-3g mount failed"; }
(
  cd "$MNT" || exit 1
  rm -rf gone
  rm keep/k9.txt keep/k10.txt
  # the lowest free entries first: gone's, then gone/f1.txt's and
  # gone/f2.txt's
  mkdir fresh && echo n1 >fresh/n1.txt && echo n2 >fresh/n2.txt
  stat -c '%i fresh' fresh
  stat -c '%i fresh/n2.txt' fresh/n2.txt
) >>"$T_TMP/ino" || skip_all "could not delete"
ntfs_unmount
ino() { sed -n "s|^\([0-9]*\) $1\$|\1|p" "$T_TMP/ino"; }
is "$(ino fresh)" "$(ino gone)" "the new folder has the deleted folder's MFT entry ($(ino gone))"
is "$(ino fresh/n2.txt)" "$(ino gone/f2.txt)" "a new file has a deleted file's MFT entry ($(ino gone/f2.txt))"

TOUCHLINE_TIMING=1 "$TOUCHLINE" ingest -q --no-hash "$T_TMP/new.db" "$IMG" \
  2>"$T_TMP/new.err"
ok $? "ingest (the orphan search from the first pass)"
TOUCHLINE_TIMING=1 TOUCHLINE_NTFS_ORPHANS=tsk "$TOUCHLINE" ingest -q \
  --no-hash "$T_TMP/orp.db" "$IMG" 2>"$T_TMP/orp.err"
ok $? "ingest with libtsk's second pass (TOUCHLINE_NTFS_ORPHANS=tsk)"
TOUCHLINE_NTFS_WALK=tsk "$TOUCHLINE" ingest -q --no-hash "$T_TMP/tsk.db" \
  "$IMG" 2>/dev/null
ok $? "ingest with libtsk's walk (TOUCHLINE_NTFS_WALK=tsk)"
K=$(sed -n 's/^timing: NTFS MFT passes .* \([0-9][0-9]*\) of them kept and \([0-9][0-9]*\) handed to its orphan search (second pass from the first); .*$/\1 \2/p' "$T_TMP/new.err")
case "$K" in
  "0 0"|"") ok 1 "the orphan search was served from the first pass: '$K'" ;;
  *) set -- $K
     is "$1" "$2" "every kept entry handed to libtsk's orphan callback ($1)" ;;
esac
! hooks "TOUCHLINE_NTFS_ORPHANS=tsk: libtsk's own passes" ||
ok "$(grep -c 'NTFS MFT passes' "$T_TMP/orp.err")" \
  "TOUCHLINE_NTFS_ORPHANS=tsk: libtsk's own passes"
# the first pass with the allocated entries parsed by walk/ntfsmeta.c (all
# but the last 4 here: the volume is smaller than the 256 left to libtsk
# by default), each callback's entry, names and parents compared with
# libtsk's own pass; and with libtsk's pass only
TOUCHLINE_NTFS_TAIL=4 TOUCHLINE_NTFS_PARENTS=check TOUCHLINE_TIMING=1 \
  "$TOUCHLINE" ingest -q --no-hash "$T_TMP/chk.db" "$IMG" 2>"$T_TMP/chk.err"
ok $? "ingest, the first pass checked against libtsk's"
L=$(sed -n 's/^timing: NTFS MFT passes .*first pass: \([0-9][0-9]*\) entries parsed here, \([0-9][0-9]*\) left to libtsk$/\1 \2/p' "$T_TMP/chk.err")
set -- $L 0 0
! hooks "allocated entries parsed by walk/ntfsmeta.c" ||
ok $([ "$1" -ge 20 ] && [ "$2" -ge 4 ]; echo $?) \
   "allocated entries parsed by walk/ntfsmeta.c ($1), the rest by libtsk ($2)"
# check: ENTRY COUNTS as libtsk's (callbacks, differ, only libtsk's, only ours)
check() {
  hooks "$TXT: each of libtsk's entries as libtsk gives it" || return 0
  C=$(sed -n 's/^check: NTFS first pass at offset 0: libtsk.s \([0-9]*\) callbacks, ours \([0-9]*\), \([0-9]*\) of them differ, \([0-9]*\) only libtsk.s, \([0-9]*\) only ours.*$/\1 \2 \3 \4 \5/p' "$1")
  set -- $C x y z u v
  is "$2 $3 $4 $5" "$1 0 0 0" "$TXT: each of libtsk's $1 entries (entry, sequence, type, flags, names, parents) as libtsk gives it"
}
TXT="the parent map's pass" check "$T_TMP/chk.err"
TOUCHLINE_NTFS_PARENTS=tsk "$TOUCHLINE" ingest -q --no-hash "$T_TMP/par.db" \
  "$IMG" 2>/dev/null
ok $? "ingest with libtsk's first pass (TOUCHLINE_NTFS_PARENTS=tsk)"
SAME="$TL_SRCDIR/bench/same-case.sh"
for c in new orp chk par; do
  "$SAME" "$T_TMP/tsk.db" "$T_TMP/$c.db" >"$T_TMP/same.$c" 2>&1
  is "$(grep -c ' same$' "$T_TMP/same.$c")" 8 \
     "$c: eight tables, ids included, those of libtsk's walk"
  grep DIFFERS "$T_TMP/same.$c" | sed 's/^/#   /'
done

fls -r -p -m / "$IMG" >"$T_TMP/fls.m" 2>/dev/null
ok $? "fls -r -p -m /"
PYTHONPATH="$TL_SRCDIR/tests" PYTHONDONTWRITEBYTECODE=1 "$PYTHON3" - "$T_TMP/new.db" "$T_TMP/fls.m" "$T_TMP/ino" "$T_N" "$T_TMP/n" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
from tapcont import Tap
tap = Tap(int(sys.argv[4]), sys.argv[5])
ok = tap.ok
ino = {}
for line in open(sys.argv[3]):
    a, b = line.split(" ", 1)
    ino[b.strip()] = int(a)
from flsm import fls_m_entries
want = []
for path, dele, f in fls_m_entries(sys.argv[2]):
    want.append((path, f[2], dele, int(f[6])))
got = []
for (path, i, at, aid, dele, size) in db.execute(
        "SELECT path, inode, attr_type, attr_id, deleted, size FROM object "
        "ORDER BY object_id"):
    addr = "%d-%d-%d" % (i, at, aid) if at is not None else "%d" % i
    got.append((path, addr, dele, size or 0))
ok(len(got) == len(want), "as many objects as fls lines (%d, %d)"
   % (len(got), len(want)))
bad = [(k, w, g) for k, (w, g) in enumerate(zip(want, got)) if w != g]
ok(not bad, "each object equals its fls line (path, inode-type-id, "
   "deleted, size), in fls's order", bad)
orph = [w for w in want if w[0].startswith("/$OrphanFiles/")]
ok(len(orph) >= 10, "fls lists %d objects under $OrphanFiles" % len(orph))
gorph = [g for g in got if g[0].startswith("/$OrphanFiles/")]
ok(gorph == orph, "the case's $OrphanFiles listing is fls's, in order",
   [x for x in zip(orph, gorph) if x[0] != x[1]])
def paths_of(i):
    return sorted(g[0] for g in got if g[1].split("-")[0] == str(i))
for name, path in (("gone/f12.txt", "/$OrphanFiles/f12.txt"),
                   ("gone/sub", "/$OrphanFiles/sub"),
                   ("gone/sub/deeper/d3.txt",
                    "/$OrphanFiles/sub/deeper/d3.txt")):
    ok(path in paths_of(ino[name]),
       "%s (MFT entry %d) is %s" % (name, ino[name], path), paths_of(ino[name]))
ok(paths_of(ino["keep/k9.txt"]) == ["/keep/k9.txt"],
   "keep/k9.txt (MFT entry %d, deleted, its folder alive) is listed there "
   "only" % ino["keep/k9.txt"], paths_of(ino["keep/k9.txt"]))
for p in ("/keep/\u00fcn\u00efc\u00f8d\u00e9_\u65e5\u672c\u8a9e.txt",
          "/$OrphanFiles/sub/\u00fcn\u00efc\u00f8d\u00e9_gone.txt"):
    ok(p in [g[0] for g in got] and p in [w[0] for w in want],
       "a name past ASCII, in fls and the case: %s" % p)
r = db.execute("SELECT count(*), sum(deleted) FROM object WHERE path LIKE "
               "'/$OrphanFiles/%'").fetchone()
ok(r[0] == r[1] == len(orph), "every object under $OrphanFiles is deleted "
   "(%s)" % (r,))
tap.finish()
PY
[ $? -eq 0 ] || T_FAIL=$((T_FAIL + 1))
T_N=$(cat "$T_TMP/n")

# The volume damaged: bytes changed at random (a fixed seed) in 30 more
# of its MFT records (attribute headers, $FILE_NAME fields, run lists, entry
# headers, the update sequence): what libtsk stops at, calls corrupt or
# takes must go to libtsk, and the case stay that of libtsk's own passes.
# Three records damaged where libtsk 4.11.1 (Debian's build) rejects what
# its later sources accept, found with the check on damaged copies of the
# 10,000-file image: keep/k1.txt's update sequence count 0, keep/k2.txt's
# $FILE_NAME attribute name offset past the attribute, keep/big.bin's
# $DATA size larger than its allocation.
cp "$IMG" "$T_TMP/d.raw"
PYTHONPATH="$TL_SRCDIR/tests" PYTHONDONTWRITEBYTECODE=1 "$PYTHON3" - "$T_TMP/d.raw" "$(ino keep/k1.txt)" "$(ino keep/k2.txt)" \
  "$(ino keep/big.bin)" <<'PY'
import random, struct, sys
from ntfsimg import mft_geometry
random.seed(12)
k1, k2, big = (int(x) for x in sys.argv[2:5])
with open(sys.argv[1], "r+b") as f:
    mft, rs = mft_geometry(f)
    def attr(r, want):
        a = struct.unpack_from("<H", r, 20)[0]
        while a + 16 <= rs:
            t, l = struct.unpack_from("<II", r, a)
            if t == 0xFFFFFFFF or l == 0:
                break
            if t == want:
                return a
            a += l
        raise SystemExit("no attribute %x" % want)
    for e in (k1, k2, big):
        f.seek(mft + e * rs)
        r = bytearray(f.read(rs))
        if e == k1:
            struct.pack_into("<H", r, 6, 0)
        elif e == k2:
            struct.pack_into("<H", r, attr(r, 0x30) + 10, 0xE7)
        else:
            a = attr(r, 0x80)
            assert r[a + 8] == 1, "big.bin's $DATA is resident"
            r[a + 54] = 0xB2
        f.seek(mft + e * rs)
        f.write(r)
with open(sys.argv[1], "r+b") as f:
    n = 0
    for e in range(16, 120):
        f.seek(mft + e * rs)
        r = bytearray(f.read(rs))
        if r[:4] != b"FILE" or n == 30 or e % 3 or e in (k1, k2, big):
            continue
        ao = struct.unpack_from("<H", r, 20)[0]
        attrs, a = [], ao
        while a + 16 <= rs:
            t, l = struct.unpack_from("<II", r, a)
            if t == 0xFFFFFFFF or l == 0 or a + l > rs:
                break
            attrs.append((a, t))
            a += l
        k = n % 5
        if k == 0 and attrs:        # an attribute header field
            a, t = random.choice(attrs)
            r[a + random.randrange(4, 24)] = random.randrange(256)
        elif k == 1:                # a $FILE_NAME field
            for a, t in attrs:
                if t == 0x30 and r[a + 8] == 0:
                    so = struct.unpack_from("<H", r, a + 20)[0]
                    r[a + so + random.choice([0, 6, 64, 65])] = random.randrange(256)
                    break
        elif k == 2:                # a non-resident attribute's sizes or runs
            for a, t in attrs:
                if r[a + 8] == 1:
                    r[a + random.randrange(16, 72)] = random.randrange(256)
                    break
        elif k == 3:                # the entry header (not where attributes start)
            r[random.choice([4, 6, 16, 22, 32, 33])] = random.randrange(256)
        else:                       # any byte after the header
            r[random.randrange(ao, rs)] = random.randrange(256)
        f.seek(mft + e * rs)
        f.write(r)
        n += 1
    print("# %d MFT records damaged" % n)
PY
ok $? "damage a copy of the volume"
TOUCHLINE_NTFS_ORPHANS=tsk "$TOUCHLINE" ingest -q --no-hash "$T_TMP/d0.db" \
  "$T_TMP/d.raw" 2>/dev/null
ok $? "damaged: ingest with libtsk's passes"
TOUCHLINE_NTFS_TAIL=4 TOUCHLINE_NTFS_PARENTS=check TOUCHLINE_TIMING=1 \
  "$TOUCHLINE" ingest -q --no-hash "$T_TMP/d1.db" "$T_TMP/d.raw" \
  2>"$T_TMP/d1.err"
ok $? "damaged: ingest, the first pass checked against libtsk's"
TXT="damaged: the parent map's pass" check "$T_TMP/d1.err"
"$TOUCHLINE" ingest -q --no-hash "$T_TMP/d2.db" "$T_TMP/d.raw" 2>/dev/null
ok $? "damaged: ingest"
for c in d1 d2; do
  "$SAME" "$T_TMP/d0.db" "$T_TMP/$c.db" >"$T_TMP/same.$c" 2>&1
  is "$(grep -c ' same$' "$T_TMP/same.$c")" 8 \
     "damaged, $c: eight tables, ids included, those of libtsk's passes"
  grep DIFFERS "$T_TMP/same.$c" | sed 's/^/#   /'
done
done_testing
