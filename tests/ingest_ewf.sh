#!/bin/sh
# Provenance: media hashes equal md5sum/sha256sum of the media stream; E01
# stored hashes are verified, acquisition metadata is kept, every segment of
# a split set is recorded; a damaged E01 never verifies silently.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
D="$TL_CORPUS/sleuthkit/test/data"
CASE="$T_TMP/case.db"
q() { sqlite3 "$CASE" "$1"; }

"$TOUCHLINE" ingest -q -d "Space Technology" -l RAW "$CASE" "$D/image.dd"
ok $? "raw image ingests"
is "$(q "SELECT md5 FROM evidence WHERE label='RAW'")" \
   "$(md5sum <"$D/image.dd" | cut -d' ' -f1)" "raw: MD5 equals md5sum"
is "$(q "SELECT sha256 FROM evidence WHERE label='RAW'")" \
   "$(sha256sum <"$D/image.dd" | cut -d' ' -f1)" "raw: SHA-256 equals sha256sum"
is "$(q "SELECT division||'|'||container_type||'|'||media_size||'|'||sector_size||'|'||verification FROM evidence WHERE label='RAW'")" \
   "Space Technology|raw|102400|512|no-stored-hash" "raw: division, container, sizes, verification"

"$TOUCHLINE" ingest -q -l E01 "$CASE" "$TL_CORPUS/sleuthkit/test/data/imageformat_mmls_1.E01"
ok $? "E01 with two NTFS partitions ingests"
is "$(q "SELECT verification FROM evidence WHERE label='E01'")" verified "E01: stored MD5 verified"
is "$(q "SELECT md5 = stored_md5 FROM evidence WHERE label='E01'")" 1 "E01: computed MD5 equals the stored one"
is "$(q "SELECT group_concat(key||'='||value, ';') FROM (SELECT key, value FROM evidence_meta m JOIN evidence e USING(evidence_id) WHERE label='E01' AND key IN ('case_number','examiner_name','evidence_number','acquiry_software_version') ORDER BY key)")" \
   "acquiry_software_version=ADI2.9.0.13;case_number=1;evidence_number=1;examiner_name=Rishwanth" "E01: acquisition metadata"
is "$(q "SELECT count(*) FROM volume v JOIN evidence e USING(evidence_id) WHERE label='E01'")" \
   "$(mmls "$TL_CORPUS/sleuthkit/test/data/imageformat_mmls_1.E01" | grep -c '^[0-9][0-9]*:')" "E01: every mmls row is a volume"
is "$(q "SELECT group_concat(fs_type||'@'||offset_bytes) FROM filesystem f JOIN evidence e USING(evidence_id) WHERE label='E01'")" \
   "ntfs@65536,ntfs@28377088" "E01: both NTFS file systems (mmls sectors 128 and 55424)"

"$TOUCHLINE" ingest -q -l SPLIT "$CASE" "$TL_CORPUS/dfvfs/test_data/ext2.split.E01"
ok $? "split E01 ingests from its first segment"
is "$(q "SELECT group_concat(substr(path, -14), ' ') FROM evidence_file f JOIN evidence e USING(evidence_id) WHERE label='SPLIT' ORDER BY seq")" \
   "ext2.split.E01 ext2.split.E02" "split E01: both segments recorded in order"
is "$(q "SELECT verification FROM evidence WHERE label='SPLIT'")" verified "split E01: verified"
is "$(q "SELECT group_concat(key||'='||value, ';') FROM (SELECT key, value FROM evidence_meta m JOIN evidence e USING(evidence_id) WHERE label='SPLIT' AND key IN ('case_number','examiner_name','notes') ORDER BY key)")" \
   "case_number=case;examiner_name=examiner;notes=notes" "split E01: acquisition metadata"

R="$TL_CORPUS/dfvfs/test_data/ext2.splitraw"
"$TOUCHLINE" ingest -q -l SPLITRAW "$T_TMP/split.db" "$R.000"
ok $? "split raw ingests from .000"
is "$(sqlite3 "$T_TMP/split.db" "SELECT count(*)||' '||sum(size) FROM evidence_file")" "2 4194304" "split raw: both segments, 4 MiB"
is "$(sqlite3 "$T_TMP/split.db" "SELECT md5 FROM evidence")" \
   "$(cat "$R.000" "$R.001" | md5sum | cut -d' ' -f1)" "split raw: MD5 over the joined stream"
cp "$R.000" "$T_TMP/seg.aa" && cp "$R.001" "$T_TMP/seg.ab"
"$TOUCHLINE" ingest -q "$T_TMP/aa.db" "$T_TMP/seg.aa"
is "$(sqlite3 "$T_TMP/aa.db" "SELECT label||' '||count(*)||' '||media_size FROM evidence JOIN evidence_file USING(evidence_id)")" \
   "seg 2 4194304" "split raw .aa/.ab: both segments found, label from the name"

# A copy of the E01 with bytes changed inside the compressed chunk data.
for off in 20000 50000 80000; do
  cp "$D/image.E01" "$T_TMP/bad.E01"
  printf '\336\255\276\357\336\255\276\357' |
    dd of="$T_TMP/bad.E01" bs=1 seek=$off conv=notrunc status=none
  rm -f "$T_TMP/bad.db"
  "$TOUCHLINE" ingest -q "$T_TMP/bad.db" "$T_TMP/bad.E01" 2>"$T_TMP/err"
  rc=$?
  if [ $rc -eq 0 ]; then
    v=$(sqlite3 "$T_TMP/bad.db" "SELECT verification FROM evidence")
    case $v in mismatch|read-errors) r=0 ;; *) r=1 ;; esac
    ok $r "E01 damaged at byte $off: ingested, verification says $v"
  else
    grep -q "bad.E01" "$T_TMP/err"
    ok $? "E01 damaged at byte $off: refused with an error naming it (exit $rc)"
  fi
done
"$TOUCHLINE" ingest -q --no-hash "$T_TMP/nohash.db" "$D/image.E01"
is "$(sqlite3 "$T_TMP/nohash.db" "SELECT coalesce(md5,'-')||' '||verification FROM evidence")" "- not-computed" "--no-hash: no hash, verification not-computed"
"$TOUCHLINE" info "$CASE" --json | "$PYTHON3" -c '
import json, sys
d = json.load(sys.stdin)
e = {x["label"]: x for x in d["evidence"]}
assert e["E01"]["verification"] == "verified"
assert len(e["E01"]["filesystems"]) == 2
assert e["RAW"]["division"] == "Space Technology"
assert e["RAW"]["n_objects"] == 9
assert d["first_event"].startswith("20")
print("ok")' >"$T_TMP/out" 2>&1
is "$(cat "$T_TMP/out")" ok "info --json parses and carries the items"
"$TOUCHLINE" info "$CASE" >"$T_TMP/info.txt"
grep -q "verification: verified" "$T_TMP/info.txt"
ok $? "info text shows the verification state"
done_testing
