#!/bin/sh
# NTFS owner SIDs (object.owner_sid) against istat's "Security ID: N (SID)"
# for every object. The walk asks libtsk once per security id and file
# system (walk/ntfs.c, owner_sid): two NTFS partitions made with ntfs-3g
# -o permissions, whose files are created in the same order with other
# owners, so the same security ids stand for other SIDs in each; 40 files
# share one security id, and a few have one of their own.
. "$TL_SRCDIR/tests/lib.sh"
need_ntfs3g istat sqlite3
MNT="$T_TMP/mnt"
# vol IMG UID1 UID2: a volume with /d/f1..f40 owned by UID1, /g owned by
# UID2, /h (mode 600) by UID1, /d/s owned by UID2 with group 100
vol() {
  ntfs_volume "$1" 8M permissions
  mkdir "$MNT/d"
  i=1
  while [ $i -le 40 ]; do
    echo $i >"$MNT/d/f$i"; chown "$2" "$MNT/d/f$i"; i=$((i + 1))
  done
  echo g >"$MNT/g"; chown "$3" "$MNT/g"
  echo h >"$MNT/h"; chown "$2" "$MNT/h"; chmod 600 "$MNT/h"
  echo s >"$MNT/d/s"; chown "$3:100" "$MNT/d/s"
  ntfs_unmount
}
vol "$T_TMP/v1.raw" 1000 1001
vol "$T_TMP/v2.raw" 2000 2001
# a disk: an MBR with the two volumes at sectors 2048 and 2048 + 16384
IMG="$T_TMP/disk.raw"
"$PYTHON3" - "$IMG" "$T_TMP/v1.raw" "$T_TMP/v2.raw" <<'PY'
import struct, sys
out, v1, v2 = sys.argv[1:]
mbr = bytearray(512)
for k, (start, n) in enumerate([(2048, 16384), (2048 + 16384, 16384)]):
    struct.pack_into("<B3xB3xII", mbr, 446 + 16 * k, 0, 0x07, start, n)
mbr[510:512] = b"\x55\xaa"
with open(out, "wb") as f:
    f.write(mbr)
    f.write(bytes(2048 * 512 - 512))
    for v in (v1, v2):
        f.write(open(v, "rb").read())
PY
ok $? "a disk with two NTFS volumes"
"$TOUCHLINE" ingest -q "$T_TMP/c.db" "$IMG" 2>/dev/null
ok $? "ingest"
is "$(sqlite3 "$T_TMP/c.db" "select count(*) from filesystem where fs_type = 'ntfs'")" 2 \
  "two NTFS file systems"
# every object: file system offset in sectors, inode, owner_sid
sqlite3 -separator ' ' "$T_TMP/c.db" "select f.offset_bytes / 512, o.inode,
  coalesce(o.owner_sid, '-'), o.path from object o join filesystem f
  using (fs_id) order by o.object_id" >"$T_TMP/objs"
: >"$T_TMP/bad"
: >"$T_TMP/ids"
while read -r off inum sid path; do
  line=$(istat -o "$off" "$IMG" "$inum" 2>/dev/null | grep '^Security ID:')
  want=$(echo "$line" | sed -n 's/^Security ID: [0-9]*  (\(.*\))$/\1/p')
  [ -n "$want" ] || want=-
  echo "$off $(echo "$line" | awk '{print $3}') $want" >>"$T_TMP/ids"
  [ "$sid" = "$want" ] || echo "$off $inum $path: $sid, istat $want" >>"$T_TMP/bad"
done <"$T_TMP/objs"
n=$(wc -l <"$T_TMP/objs")
ok $([ "$n" -gt 100 ]; echo $?) "objects to compare ($n)"
is "$(cat "$T_TMP/bad")" "" "every object's owner SID is istat's"
ok $([ "$(grep -c 'S-1-' "$T_TMP/objs")" -gt 90 ]; echo $?) \
  "most objects have a SID ($(grep -c 'S-1-' "$T_TMP/objs"))"
# the same security id, another SID in the other volume
is "$(sort -u "$T_TMP/ids" | awk '$3 != "-" { if(($2 in s) && s[$2] != $3) d[$2] = 1; s[$2] = $3 }
  END { for(k in d) c++; print (c > 0) }')" 1 \
  "a security id stands for another SID in each volume"
is "$(sqlite3 "$T_TMP/c.db" "select count(distinct owner_sid) from object where path like '/d/f%'")" 2 \
  "/d/f1..f40: one SID in each volume"
is "$(sqlite3 "$T_TMP/c.db" "select o.owner_sid <> p.owner_sid from object o, object p where o.path = '/g' and p.path = '/d/f1' and o.fs_id = p.fs_id limit 1")" 1 \
  "/g's owner is not /d/f1's"
done_testing
