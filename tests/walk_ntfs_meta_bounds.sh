#!/bin/sh
# NTFS: walk/ntfsmeta.c's record parser on a damaged MFT record at the end
# of its 256-record read buffer: the update sequence array placed at the
# record's last 4 bytes, with a first-attribute offset of 0xFFFF, so the
# array's last value would lie past the record (and, for the buffer's last
# record, past the buffer; AddressSanitizer builds of the suite catch such
# a read). The record must go to libtsk like any damaged one, the case be
# the one libtsk's own first pass gives (TOUCHLINE_NTFS_PARENTS=tsk).
# TOUCHLINE_NTFS_TAIL=1: all but the last entry parsed here.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g sqlite3
[ "${TL_TEST_HOOKS:-}" = yes ] ||
  skip_all "TOUCHLINE_NTFS_TAIL needs configure --enable-test-hooks"
IMG="$T_TMP/b.raw"
MNT="$T_TMP/mnt"
ntfs_volume "$IMG" 16M
(
  cd "$MNT" || exit 1
  mkdir d
  for f in $(seq 1 300); do echo "$f" >"d/f$f.txt"; done
) || skip_all "could not fill the volume"
ntfs_unmount
"$TOUCHLINE" ingest -q --no-hash "$T_TMP/good.db" "$IMG" 2>/dev/null
ok $? "ingest the undamaged volume"
# entry 255: the last record of the first 256-record buffer
D=$(PYTHONPATH="$TL_SRCDIR/tests" PYTHONDONTWRITEBYTECODE=1 "$PYTHON3" - "$IMG" <<'PY'
import struct, sys
from ntfsimg import mft_geometry
with open(sys.argv[1], "r+b") as f:
    mft, rs = mft_geometry(f)
    f.seek(mft + 255 * rs)
    r = bytearray(f.read(rs))
    if r[:4] != b"FILE" or not struct.unpack_from("<H", r, 22)[0] & 1:
        raise SystemExit("entry 255 is not in use")
    cnt = struct.unpack_from("<H", r, 6)[0]
    assert cnt == rs // 512 + 1, cnt
    usn = r[rs - 2:rs]              # the value every sector ends with
    struct.pack_into("<H", r, 4, rs - 4)     # the array at the end
    struct.pack_into("<H", r, 20, 0xFFFF)    # attributes "after" it
    r[rs - 4:rs - 2] = usn
    f.seek(mft + 255 * rs)
    f.write(r)
print(rs)
PY
)
ok $? "entry 255 damaged (record size $D)"
TOUCHLINE_NTFS_TAIL=1 TOUCHLINE_TIMING=1 "$TOUCHLINE" ingest -q --no-hash \
  "$T_TMP/new.db" "$IMG" 2>"$T_TMP/new.err"
ok $? "ingest the damaged volume, the first pass parsed here"
L=$(sed -n 's/^timing: NTFS MFT passes .*first pass: \([0-9][0-9]*\) entries parsed here, \([0-9][0-9]*\) left to libtsk$/\1 \2/p' "$T_TMP/new.err")
set -- $L 0 0
ok $([ "$1" -ge 250 ] && [ "$2" -ge 1 ]; echo $?) \
   "entries parsed by walk/ntfsmeta.c ($1), left to libtsk ($2: the damaged one among them)"
TOUCHLINE_NTFS_TAIL=1 TOUCHLINE_NTFS_PARENTS=tsk "$TOUCHLINE" ingest -q \
  --no-hash "$T_TMP/par.db" "$IMG" 2>/dev/null
ok $? "ingest the damaged volume with libtsk's first pass"
"$TL_SRCDIR/bench/same-case.sh" "$T_TMP/par.db" "$T_TMP/new.db" \
  >"$T_TMP/same" 2>&1
is "$(grep -c ' same$' "$T_TMP/same")" 8 "eight tables, ids included, those of libtsk's first pass"
grep DIFFERS "$T_TMP/same" | sed 's/^/#   /'
q() { sqlite3 "$1" "SELECT count(*) FROM object WHERE path LIKE '/d/f%.txt' AND deleted = 0"; }
is "$(q "$T_TMP/good.db")" 300 "the undamaged volume: 300 files in /d"
is "$(q "$T_TMP/new.db")" "$(q "$T_TMP/par.db")" "the damaged volume: the files libtsk's own pass gives ($(q "$T_TMP/par.db"))"
done_testing
