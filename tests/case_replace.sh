#!/bin/sh
# ingest --replace deletes everything derived from the replaced item: no
# content hash or target match may keep naming an object that is gone, new
# object ids are above every old one (never reused), and a hash target
# matches the one file icat says has that content.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip" 7-ntfs-undel.dd)
JPEG=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/8-jpeg-search.zip" 8-jpeg-search.dd)
CASE="$T_TMP/case.db"
q() { sqlite3 "$CASE" "$1"; }
orphans() {
  q "SELECT (SELECT count(*) FROM object_hash WHERE object_id NOT IN (SELECT object_id FROM object)) || ' ' ||
            (SELECT count(*) FROM target_match WHERE object_id NOT IN (SELECT object_id FROM object)) || ' ' ||
            (SELECT count(*) FROM ntfs_filename WHERE object_id NOT IN (SELECT object_id FROM object)) || ' ' ||
            (SELECT count(*) FROM event WHERE object_id NOT IN (SELECT object_id FROM object))"
}
SHA=$(icat "$NTFS" 31 | sha256sum | cut -d' ' -f1)
MD5=$(icat "$NTFS" 31 | md5sum | cut -d' ' -f1)
"$TOUCHLINE" ingest -q --no-hash -l A "$CASE" "$NTFS" &&
  "$TOUCHLINE" ingest -q --no-hash -l B "$CASE" "$JPEG"
ok $? "two images ingested"
printf 'path,name,size,sha256,partner\n,,,%s,P1\n/sing1.dat,,,,P2\n' "$SHA" >"$T_TMP/t.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/t.csv" 2>/dev/null
ok $? "a register with a content target and a path target imports"
old_max=$(q "SELECT max(object_id) FROM object")
n_a=$(q "SELECT count(*) FROM object o JOIN evidence e USING(evidence_id) WHERE e.label='A'")
ok "$([ "$(q 'SELECT count(*) FROM object_hash')" -gt 0 ]; echo $?)" "content hashes are stored before the replace"

"$TOUCHLINE" ingest -q --no-hash --replace -l A "$CASE" "$NTFS"
ok $? "--replace ingests A again"
is "$(orphans)" "0 0 0 0" "--replace: no object_hash, target_match, \$FILE_NAME or event row names a deleted object"
is "$(q "SELECT count(*) FROM object o JOIN evidence e USING(evidence_id) WHERE e.label='A'")" "$n_a" "--replace: A has as many objects as before ($n_a)"
is "$(q "SELECT min(object_id) > $old_max FROM object o JOIN evidence e USING(evidence_id) WHERE e.label='A'")" 1 \
  "--replace: every new object id is above every old one (max was $old_max)"
is "$(q "SELECT value > (SELECT max(object_id) FROM object) FROM case_meta WHERE key='next_object_id'")" 1 \
  "the high-water mark is above every object id"
is "$(q "SELECT o.path || ' ' || h.md5 || ' ' || h.sha256 FROM target_match m JOIN target t USING(target_id) JOIN object o USING(object_id) JOIN object_hash h USING(object_id) WHERE t.partner='P1'")" \
  "/sing1.dat $MD5 $SHA" "the content target matches exactly /sing1.dat, with icat's MD5 and SHA-256"
is "$(q "SELECT count(*) || ' ' || min(o.path) FROM target_match m JOIN target t USING(target_id) JOIN object o USING(object_id) WHERE t.partner='P2'")" \
  "1 /sing1.dat" "the path target matches once"
is "$(q "SELECT count(*) FROM object_hash h JOIN object o USING(object_id) WHERE h.md5 IS NOT NULL AND h.md5 <> '$MD5' AND o.path = '/sing1.dat'")" 0 \
  "no object carries another file's MD5"

# the same media under another path and label, replaced by its hash
cp "$NTFS" "$T_TMP/copy.dd"
old_max=$(q "SELECT max(object_id) FROM object")
"$TOUCHLINE" ingest -q --replace -l A "$CASE" "$NTFS" &&
  "$TOUCHLINE" ingest -q --replace -l C "$CASE" "$T_TMP/copy.dd"
ok $? "--replace of the same media found by its hash"
is "$(q "SELECT group_concat(label) FROM evidence ORDER BY label")" "B,C" "A was replaced by C"
is "$(orphans)" "0 0 0 0" "replace by hash: no row names a deleted object"
is "$(q "SELECT min(object_id) > $old_max FROM object o JOIN evidence e USING(evidence_id) WHERE e.label='C'")" 1 \
  "replace by hash: new ids above the old ones"
is "$(q "SELECT o.path || ' ' || h.sha256 FROM target_match m JOIN target t USING(target_id) JOIN object o USING(object_id) JOIN object_hash h USING(object_id) WHERE t.partner='P1'")" \
  "/sing1.dat $SHA" "the content target still matches /sing1.dat only"
is "$(q 'PRAGMA integrity_check')" ok "integrity check"
done_testing
