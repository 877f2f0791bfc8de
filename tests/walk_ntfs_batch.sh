#!/bin/sh
# NTFS: the walk of walk/ntfswalk.c lists libtsk's names and loads their
# MFT entries later, in batches, in MFT order. A wrong join of a name with
# an entry, or a wrong order, must show: the case is compared with libtsk's
# own walk (TOUCHLINE_NTFS_WALK=tsk) table by table with ids, with batches
# of 7 names (many flushes, one in the middle of every folder) and with the
# default, and line by line with `fls -r -p -m /`: path, inode-type-id,
# deleted, uid, size and the four $SI times of every object, in order. The
# image: a 12-level tree, 240 files in 6 folders, a file with two alternate
# data streams, a file with three hard links in three folders, deleted
# files, a deleted folder with a subfolder (its entries orphaned), MFT
# entries reused, an index entry patched to name another file's entry
# with a wrong sequence number, and a tree deeper than libtsk's walk goes.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g fls ifind sqlite3
IMG="$T_TMP/b.raw"
MNT="$T_TMP/mnt"
ntfs_volume "$IMG" 16M streams_interface=windows
(
  cd "$MNT" || exit 1
  p=deep
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do p="$p/level_$i"; done
  mkdir -p "$p" && echo leaf >"$p/leaf.txt"
  for d in 1 2 3 4 5 6; do
    mkdir "dir_$d"
    for f in $(seq 1 40); do echo "d$d f$f" >"dir_$d/file_$f.txt"; done
  done
  # deeper than libtsk walks (128 levels): it gives up on the rest of the
  # folder at that depth and keeps the loop-check stack one entry off
  q=abyss
  for i in $(seq 1 131); do
    q="$q/d$i" && mkdir -p "$q" && echo f >"$q/f.txt"
    [ "$i" -lt 125 ] || echo z >"$q/zz_after.txt"
  done
  echo body >dir_1/ads.txt
  echo secret >'dir_1/ads.txt:hidden'
  echo more >'dir_1/ads.txt:Zone.Identifier'
  mkdir links && echo shared >links/orig.txt
  ln links/orig.txt dir_2/hard_a.txt && ln links/orig.txt deep/level_1/hard_b.txt
  mkdir gone gone/sub
  for f in $(seq 1 15); do echo "g$f" >"gone/lost_$f.txt"; done
  echo s >gone/sub/inner.txt
  rm -rf gone
  for f in $(seq 1 20); do rm "dir_3/file_$f.txt"; done
  for f in $(seq 1 30); do echo "new$f" >"dir_4/new_$f.txt"; done
  rm dir_5/file_7.txt dir_5/file_9.txt
  mkdir small && echo a >small/a.txt && echo b >small/b.txt
)
ntfs_unmount
# small/b.txt's index entry (in small's MFT entry): point it at
# links/orig.txt's entry with a sequence number one too high
S=$(ifind -n /small "$IMG")
B=$(ifind -n /small/b.txt "$IMG")
L=$(ifind -n /links/orig.txt "$IMG")
"$PYTHON3" - "$IMG" "$S" "$B" "$L" <<'PY' || skip_all "could not patch the index entry"
import struct, sys
img, s, b, l = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(img, "r+b") as f:
    bs = f.read(512)
    bps, spc = struct.unpack_from("<H", bs, 11)[0], bs[13]
    mft = struct.unpack_from("<Q", bs, 48)[0] * bps * spc
    rs = bs[64]
    rs = 2 ** (256 - rs) if rs > 127 else rs * bps * spc
    def rec(n):
        f.seek(mft + n * rs)
        return bytearray(f.read(rs))
    bseq = struct.unpack_from("<H", rec(b), 16)[0]
    lseq = struct.unpack_from("<H", rec(l), 16)[0]
    r = rec(s)
    i = r.find(struct.pack("<Q", b | (bseq << 48)))
    assert i > 0 and i % 512 < 504, i
    struct.pack_into("<Q", r, i, l | ((lseq + 1) << 48))
    f.seek(mft + s * rs)
    f.write(r)
PY

"$TOUCHLINE" ingest -q "$T_TMP/new.db" "$IMG" 2>"$T_TMP/err"
ok $? "ingest (walk/ntfswalk.c, default batches)"
TOUCHLINE_NTFS_BATCH=7 "$TOUCHLINE" ingest -q "$T_TMP/b7.db" "$IMG" 2>/dev/null
ok $? "ingest with batches of 7 names"
TOUCHLINE_NTFS_WALK=tsk "$TOUCHLINE" ingest -q "$T_TMP/tsk.db" "$IMG" 2>/dev/null
ok $? "ingest with libtsk's walk (TOUCHLINE_NTFS_WALK=tsk)"
SAME="$TL_SRCDIR/bench/same-case.sh"
for c in new b7; do
  "$SAME" "$T_TMP/tsk.db" "$T_TMP/$c.db" >"$T_TMP/same.$c" 2>&1
  ok $? "$c: the same case as libtsk's walk"
  is "$(grep -c ' same$' "$T_TMP/same.$c")" 8 "$c: eight tables, ids included, the same"
  grep DIFFERS "$T_TMP/same.$c" | sed 's/^/#   /'
done

fls -r -p -m / "$IMG" >"$T_TMP/fls.m" 2>/dev/null
ok $? "fls -r -p -m /"
PYTHONPATH="$TL_SRCDIR/tests" PYTHONDONTWRITEBYTECODE=1 "$PYTHON3" - "$T_TMP/new.db" "$T_TMP/fls.m" "$T_N" "$T_TMP/n" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
from tapcont import Tap
tap = Tap(int(sys.argv[3]), sys.argv[4])
ok = tap.ok
# fls: every line but the ($FILE_NAME) ones, in order
from flsm import fls_m_entries
want = []
for path, dele, f in fls_m_entries(sys.argv[2]):
    want.append((path, f[2], dele, int(f[4]), int(f[6]), int(f[7]),
                 int(f[8]), int(f[9]), int(f[10])))
si = {}
for oid, t, macb in db.execute("SELECT object_id, t_ns, macb FROM event "
                               "WHERE source='$SI'"):
    for c in macb.replace(".", ""):
        si[(oid, c)] = t // 1000000000
got = []
for (oid, path, ino, at, aid, dele, uid, size) in db.execute(
        "SELECT object_id, path, inode, attr_type, attr_id, deleted, uid, "
        "size FROM object ORDER BY object_id"):
    addr = "%d-%d-%d" % (ino, at, aid) if at is not None else "%d" % ino
    t = tuple(si.get((oid, c), 0) for c in "amcb")
    if ino < 64:
        # mkntfs's own files: an $SI time of 0 is no event in the case
        # (never set), where fls prints its own conversion of it
        t = tuple(b if a == 0 else a
                  for a, b in zip(t, want[len(got)][5:9] if len(got) <
                                  len(want) else (0, 0, 0, 0)))
    got.append((path, addr, dele, uid or 0, size or 0) + t)
ok(len(want) > 300, "fls lists %d objects" % len(want))
ok(len(got) == len(want), "as many objects as fls lines (%d, %d)"
   % (len(got), len(want)))
bad = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
ok(not bad, "each object equals its fls line, in fls's order", bad)
paths = [w[0] for w in want]
for p, what in (("/dir_1/ads.txt:hidden", "an alternate data stream"),
                ("/deep/level_1/hard_b.txt", "a hard link"),
                ("/$OrphanFiles/lost_15.txt", "an orphan of the deleted folder"),
                ("/dir_5/file_7.txt", "a deleted file"),
                ("/deep/level_1/level_2/level_3/level_4/level_5/level_6/"
                 "level_7/level_8/level_9/level_10/level_11/level_12/leaf.txt",
                 "the deepest file"),
                ("/small/b.txt", "the patched name"),
                ("/abyss" + "".join("/d%d" % i for i in range(1, 127)) +
                 "/f.txt", "the deepest file libtsk lists")):
    ok(p in paths, "fls and the case list %s: %s" % (what, p))
# the patched name: the entry it names, with a sequence the entry lacks
r = db.execute("SELECT o.seq, l.seq FROM object o, object l WHERE "
               "o.path='/small/b.txt' AND l.path='/links/orig.txt'").fetchone()
ok(r is not None and r[0] == r[1] + 1,
   "/small/b.txt names orig.txt's entry with its sequence + 1: %s" % (r,))
lvl = lambda k: "/abyss" + "".join("/d%d" % i for i in range(1, k + 1))
ok([p for p in paths if p.startswith(lvl(127) + "/")] == [lvl(128)],
   "in the 127th level of /abyss only d128 (libtsk stops there)",
   [p for p in paths if p.startswith(lvl(127) + "/")])
ok(lvl(126) + "/zz_after.txt" in paths,
   "the 126th level is listed to its end (an error below is passed over)")
ok(db.execute("SELECT count(*) FROM ntfs_filename f JOIN object o "
              "USING(object_id) WHERE o.inode=(SELECT inode FROM object "
              "WHERE path='/links/orig.txt')").fetchone()[0] == 3,
   "the three names of the hard-linked file are stored once each")
tap.finish()
PY
[ $? -eq 0 ] || T_FAIL=$((T_FAIL + 1))
T_N=$(cat "$T_TMP/n")

# The same volume in an E01 (image/ewfimg.c): the MFT's blocks pinned and
# shared with the hashing thread, each directory's index reads stopped at
# the end of its runs; every table the walk fills is the raw image's.
if command -v ewfacquire >/dev/null 2>&1; then
  ewfacquire -q -u -t "$T_TMP/b" -c deflate:fast -f encase6 "$IMG" \
    >/dev/null 2>&1
  ok $? "ewfacquire makes an E01 of the volume"
  TOUCHLINE_TIMING=1 "$TOUCHLINE" ingest -q "$T_TMP/e01.db" "$T_TMP/b.E01" \
    2>"$T_TMP/e01.err"
  ok $? "ingest the E01 (hashed)"
  "$SAME" "$T_TMP/tsk.db" "$T_TMP/e01.db" >"$T_TMP/same.e01" 2>&1
  is "$(grep -cE '^(object|event|ntfs_filename|volume|filesystem|warning) .* same$' "$T_TMP/same.e01")" 6 \
     "E01: object, event, ntfs_filename, volume, filesystem, warning as the raw image's with libtsk's walk"
  grep DIFFERS "$T_TMP/same.e01" | grep -v '^evidence' | sed 's/^/#   /'
  is "$(sqlite3 "$T_TMP/e01.db" "SELECT verification FROM evidence")" verified \
     "E01: the media hash verified against the stored one"
  grep -q 'EWF MFT blocks pinned [1-9][0-9]*, .*; [1-9][0-9]* index reads stopped at their run.s end$' "$T_TMP/e01.err"
  ok $? "E01: the MFT pinned and index reads stopped at their runs' end ($(grep -o 'pinned.*' "$T_TMP/e01.err"))"
fi
done_testing
