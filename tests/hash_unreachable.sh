#!/bin/sh
# An earlier item's image moved away (archived, unplugged): an ingest, a
# register import or `targets match` that would hash a file of that item
# (a copy candidate, a hash target's candidate) still stores and matches
# the rest, says in one warning line (even with -q) which item, which file
# and why, records it as a warning row of the new item, and leaves the file
# unhashed; `targets match` hashes it once the image is back, and the case
# is then the one ingested with the image at hand all along. The sample's
# three E01s, the register and the share map (samples/).
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
[ -f "$S/evidence/FS01.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
q() { sqlite3 "$1" "$2"; }
D="$T_TMP/ev"
mkdir -p "$D"
cp "$S/evidence/FS01.E01" "$S/evidence/WS17.E01" "$S/evidence/WS22.E01" "$D/"
cd "$T_TMP" || exit 1

# FS01, the share map and the register, WS17: the case before the move
setup() {
  "$TOUCHLINE" ingest "$1" "$D/FS01.E01" -l FS01 -d "Space Technology" -q &&
  "$TOUCHLINE" divisions "$1" import "$S/shares.csv" 2>/dev/null &&
  "$TOUCHLINE" targets "$1" import "$S/targets.csv" 2>/dev/null &&
  "$TOUCHLINE" ingest "$1" "$D/WS17.E01" -l WS17 -d Administration -q
}
hashes() { q "$1" "SELECT object_id, md5, sha1, sha256, error FROM object_hash ORDER BY object_id"; }

# the reference: every image at hand
setup ref.db
"$TOUCHLINE" ingest ref.db "$D/WS22.E01" -l WS22 -d Research -q
is "$(q ref.db 'SELECT count(*) FROM object_hash')" 525 "reference case: 525 content hashes"

# FS01's image moved before WS22 comes
setup case.db
mv "$D/FS01.E01" "$D/FS01.moved"
"$TOUCHLINE" ingest case.db "$D/WS22.E01" -l WS22 -d Research -q 2>err.txt
ok $? "WS22 is ingested though FS01's image is gone (exit 0)"
is "$(q case.db "SELECT label FROM evidence ORDER BY evidence_id" | tr '\n' ' ')" \
   "FS01 WS17 WS22 " "all three items in the case"
is "$(grep -c 'not hashed' err.txt)" 1 "one line about it on stderr, with -q"
is "$(grep 'not hashed' err.txt)" "touchline: $D/WS22.E01: warning: 1 file(s) of the case that may match a hash target or be a copy were not hashed: evidence FS01: image file $D/FS01.E01 (ingested as $D/FS01.E01) cannot be opened: No such file or directory; \`touchline targets case.db match\` hashes them once the image can be read" \
   "the warning names the item, the file, the cause and the remedy"
is "$(q case.db 'SELECT count(*) FROM object_hash')" 524 "524 hashes: the one of FS01's file is missing"
is "$(q ref.db "ATTACH 'case.db' AS m; SELECT o.evidence_id || '|' || o.path || '|' || o.size FROM object_hash h JOIN object o USING(object_id) WHERE h.object_id NOT IN (SELECT object_id FROM m.object_hash)")" \
   "1|/Shares/Research/Labs/Propulsion Lab|432" "the file left unhashed is FS01's, not given a row"
is "$(q case.db "SELECT e.label || '|' || w.kind FROM warning w JOIN evidence e USING(evidence_id) WHERE w.kind = 'unhashed'")" \
   "WS22|unhashed" "a warning row of WS22 records it"
"$TOUCHLINE" info case.db >info.txt 2>&1
grep -q "evidence FS01: image file .* cannot be opened" info.txt
ok $? "info shows the warning"

# targets match while the image is still away: matched, the file still left
"$TOUCHLINE" targets case.db match >out.txt 2>err.txt
ok $? "targets match without the image: exit 0"
grep -q "^touchline: case.db: warning: 1 file(s) of the case .* evidence FS01: image file" err.txt
ok $? "targets match says which file it could not hash"
is "$(cat out.txt)" "377 target occurrence(s), 0 file(s) hashed" "377 occurrences, none hashed"
is "$(q case.db 'SELECT * FROM target_match ORDER BY 1, 2' | sha256sum)" \
   "$(q ref.db 'SELECT * FROM target_match ORDER BY 1, 2' | sha256sum)" \
   "the occurrences are the reference case's"
"$TOUCHLINE" targets case.db import "$S/targets.csv" >/dev/null 2>err.txt
ok $? "a register import without the image: exit 0"
grep -q "^touchline: case.db: warning: 1 file(s) of the case" err.txt
ok $? "the import says it too"

# the image back: targets match hashes it; the hashes are the reference's
mv "$D/FS01.moved" "$D/FS01.E01"
is "$("$TOUCHLINE" targets case.db match 2>err.txt)" \
   "377 target occurrence(s), 1 file(s) hashed" "image back: targets match hashes the one file"
is "$(grep -c warning: err.txt)" 0 "no warning then"
is "$(hashes case.db | sha256sum)" "$(hashes ref.db | sha256sum)" \
   "object_hash is the reference case's, row for row"

# a manifest ingest says it per item
setup man.db
mv "$D/FS01.E01" "$D/FS01.moved"
printf 'WS22\tResearch\tWS22.E01\n' >"$D/m.tsv"
"$TOUCHLINE" ingest man.db --manifest "$D/m.tsv" -j 1 -q 2>err.txt
ok $? "manifest ingest without FS01's image: exit 0"
grep -q "^touchline: WS22: warning: 1 file(s) of the case .* evidence FS01: image file" err.txt
ok $? "the manifest names the item and the file (with -q)"
is "$(q man.db "SELECT count(*) FROM warning WHERE kind = 'unhashed'")" 1 "and records it"
mv "$D/FS01.moved" "$D/FS01.E01"
done_testing
