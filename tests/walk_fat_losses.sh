#!/bin/sh
# Losses inherited from TSK on FAT are counted as warnings, never silent:
# long names over ~195 characters cut short (two files then share a path),
# and directories whose own entry is gone (TSK lists neither them nor their
# contents). Images are made with mkfs.vfat and mtools.
. "$TL_SRCDIR/tests/lib.sh"
for t in mkfs.vfat mcopy mmd fls; do
  command -v $t >/dev/null || skip_all "$t not installed (dosfstools, mtools, sleuthkit)"
done
q() { sqlite3 "$1" "$2"; }
echo x >"$T_TMP/x"
A=$("$PYTHON3" -c "print('a' * 200)")
Bn=$("$PYTHON3" -c "print('b' * 190)")

# 1. long names
IMG="$T_TMP/long.img"
truncate -s 16M "$IMG"
mkfs.vfat -F 16 "$IMG" >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" "::${A}1.txt"
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" "::${A}2.txt"
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" "::${Bn}.txt"
CUT="/$(echo "$A" | cut -c1-195)"
is "$(fls "$IMG" | grep -c "	$(echo "$CUT" | cut -c2-)\$")" 2 \
  "fls shows both 205-character names cut to the same 195"
"$TOUCHLINE" ingest "$T_TMP/long.db" "$IMG" 2>"$T_TMP/err"
ok $? "ingest"
is "$(q "$T_TMP/long.db" "select count(*) from object where path='$CUT'")" 2 \
  "two objects share the cut path"
is "$(q "$T_TMP/long.db" "select message from warning where kind='name-cut' order by message")" \
"fat16 file system at offset 0: inode 19: TSK cut a long name of 205 characters short; stored as $CUT, the full name is ${A}1.txt
fat16 file system at offset 0: inode 36: TSK cut a long name of 205 characters short; stored as $CUT, the full name is ${A}2.txt" \
  "one warning per cut name, with the full name"
is "$(q "$T_TMP/long.db" "select count(*) from warning where message like '%${Bn}%'")" 0 \
  "a 194-character name is whole: no warning"
ok $(grep -q "warnings: see" "$T_TMP/err"; echo $?) "the ingest says so"

# 2. a directory whose entry is gone: /orph (with y.txt and sub/z.txt)
IMG="$T_TMP/orph.img"
truncate -s 16M "$IMG"
mkfs.vfat -F 16 "$IMG" >/dev/null
MTOOLS_SKIP_CHECK=1 mmd -i "$IMG" ::keep ::orph ::orph/sub
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" ::orph/y.txt
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" ::orph/sub/z.txt
MTOOLS_SKIP_CHECK=1 mcopy -i "$IMG" "$T_TMP/x" ::keep/k.txt
"$TOUCHLINE" ingest -q "$T_TMP/before.db" "$IMG" 2>/dev/null
is "$(q "$T_TMP/before.db" "select count(*) from warning")" 0 \
  "intact image: no warning"
# wipe the root entry of ORPH (and its long-name entries), closing the gap
"$PYTHON3" - "$IMG" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    bs = f.read(512)
    ss, res, nf = struct.unpack_from("<H", bs, 11)[0], struct.unpack_from("<H", bs, 14)[0], bs[16]
    spf, nroot = struct.unpack_from("<H", bs, 22)[0], struct.unpack_from("<H", bs, 17)[0]
    root = (res + nf * spf) * ss
    f.seek(root)
    d = bytearray(f.read(nroot * 32))
    ents, lfn = [], []
    for i in range(0, len(d), 32):
        e = bytes(d[i:i + 32])
        if e[0] == 0:
            break
        if e[11] & 0x3f == 0x0f:
            lfn.append(e)
            continue
        if e[:11] != b"ORPH       ":
            ents += lfn + [e]
        lfn = []
    nd = b"".join(ents)
    f.seek(root)
    f.write(nd + bytes(len(d) - len(nd)))
PY
is "$(fls -r "$IMG" | grep -c -e orph -e y.txt -e z.txt)" 0 \
  "fls lists nothing of /orph"
"$TOUCHLINE" ingest -q "$T_TMP/orph.db" "$IMG" 2>/dev/null
ok $? "ingest"
is "$(q "$T_TMP/orph.db" "select kind || ': ' || message from warning")" \
  "orphan: fat16 file system at offset 0: 2 directories are not reachable from the root (their entry is gone), with 3 entries in their first clusters; TSK lists neither them nor their contents: clusters 3, 4" \
  "the two unlisted directories and their 3 entries are counted"
is "$(q "$T_TMP/orph.db" "select path from object where path like '/keep%' order by path")" \
  "/keep
/keep/k.txt" "the rest is listed"
done_testing
