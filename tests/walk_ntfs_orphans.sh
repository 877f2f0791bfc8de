#!/bin/sh
# NTFS: an allocated directory whose parent is gone or reused is listed by
# TSK nowhere (it finds allocated entries only through their parent, and
# orphans only among unallocated entries), nor anything in it. The loss
# must be counted in a warning. The image: /p/orph/{y.txt,sub/z.txt} made
# with ntfs-3g; then p's index entry for orph is pointed elsewhere and
# orph's $FILE_NAME parent reference gets another sequence number.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g fls
IMG="$T_TMP/o.raw"
MNT="$T_TMP/mnt"
ntfs_volume "$IMG" 8M
mkdir -p "$MNT/p/orph/sub" "$MNT/keep"
echo y >"$MNT/p/orph/y.txt"
echo z >"$MNT/p/orph/sub/z.txt"
ntfs_unmount
"$TOUCHLINE" ingest -q "$T_TMP/before.db" "$IMG" 2>/dev/null
ok $? "ingest the intact image"
is "$(sqlite3 "$T_TMP/before.db" "select count(*) from warning")" 0 \
  "intact: no warning"
P=$(ifind -n /p "$IMG")
O=$(ifind -n /p/orph "$IMG")
# the lost entries as the warning lists them: by MFT entry, dirs marked
LOST=$( (echo "$O (dir)"; echo "$(ifind -n /p/orph/sub "$IMG") (dir)"
         ifind -n /p/orph/y.txt "$IMG"; ifind -n /p/orph/sub/z.txt "$IMG") |
       sort -n | paste -s -d, - | sed 's/,/, /g')
"$PYTHON3" - "$IMG" "$P" "$O" <<'PY'
import struct, sys
img, p, o = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(img, "r+b") as f:
    bs = f.read(512)
    bps, spc = struct.unpack_from("<H", bs, 11)[0], bs[13]
    mft = struct.unpack_from("<Q", bs, 48)[0] * bps * spc
    rs = bs[64]
    rs = 2 ** (256 - rs) if rs > 127 else rs * bps * spc
    f.seek(mft + o * rs)
    ro = bytearray(f.read(rs))
    seq = struct.unpack_from("<H", ro, 16)[0]
    # p's index entry for orph: point it at entry 200
    f.seek(mft + p * rs)
    rp = bytearray(f.read(rs))
    i = rp.find(struct.pack("<Q", o | (seq << 48)))
    assert i > 0 and i % 512 < 504, i
    struct.pack_into("<Q", rp, i, 200 | (1 << 48))
    f.seek(mft + p * rs)
    f.write(rp)
    # orph's $FILE_NAME: parent reference with sequence 5
    a = struct.unpack_from("<H", ro, 20)[0]
    while struct.unpack_from("<I", ro, a)[0] != 0xFFFFFFFF:
        t, l = struct.unpack_from("<II", ro, a)
        if t == 0x30:
            q = a + struct.unpack_from("<H", ro, a + 20)[0]
            assert q % 512 < 504
            ref = struct.unpack_from("<Q", ro, q)[0]
            struct.pack_into("<Q", ro, q, (ref & 0xFFFFFFFFFFFF) | (5 << 48))
        a += l
    f.seek(mft + o * rs)
    f.write(ro)
PY
ok $? "orphan /p/orph"
is "$(fls -r "$IMG" | grep -c -e orph -e y.txt -e z.txt -e sub)" 0 \
  "fls lists nothing of /p/orph"
"$TOUCHLINE" ingest "$T_TMP/o.db" "$IMG" 2>"$T_TMP/err"
ok $? "ingest"
is "$(sqlite3 "$T_TMP/o.db" "select kind || ': ' || message from warning")" \
  "orphan: ntfs file system at offset 0: 2 directories and 2 files are allocated but not reachable from the root (their parent directory is gone or reused); TSK lists them nowhere: MFT entries $LOST" \
  "the two directories and two files are counted, by MFT entry"
ok $(grep -q "warnings: see" "$T_TMP/err"; echo $?) "the ingest says there are warnings"
is "$(sqlite3 "$T_TMP/o.db" "select count(*) from object where path like '/keep%' or path = '/p'")" 2 \
  "the rest is listed"
done_testing
