#!/bin/sh
# An earlier item's image moved away (archived, unplugged): an ingest, a
# register import or `targets match` that would hash a file of that item
# (a copy candidate, a hash target's candidate) still stores and matches
# the rest, says in one warning line (even with -q) which item, which file
# and why, records it as a warning row of the new item, and leaves the file
# unhashed; the coverage gives a hash-only target that may be that file
# the reason content-not-hashed; `targets match` hashes it once the image
# is back, and the case is then the one ingested with the image at hand
# all along. The sample's three E01s and share map (samples/), and a
# register of two rows written here:
#   - WS22's Chapter2_Background.docx (699 bytes) by path, with a SHA-256:
#     an occurrence of known content, so every file of 699 bytes in the case
#     is a copy candidate, among them FS01's IAC2022_Paper_Draft.docx;
#   - a hash-only row: that FS01 file's SHA-256 and size.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
[ -f "$S/evidence/FS01.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
q() { sqlite3 "$1" "$2"; }
D="$T_TMP/ev"
mkdir -p "$D"
cp "$S/evidence/FS01.E01" "$S/evidence/WS17.E01" "$S/evidence/WS22.E01" "$D/"
cd "$T_TMP" || exit 1
F=/Shares/Research/Publications/IAC2022_Paper_Draft.docx
FSHA=b8de29177ceaab78566e06f5ffb8f917d2ff46848d86d0a7ea293b62ff3083f0
cat >reg.csv <<EOF
path,name,size,md5,sha1,sha256,partner,classification,division,evidence,note
/Users/lchen/Documents/Thesis/Chapter2_Background.docx,,699,,,1111111111111111111111111111111111111111111111111111111111111111,Kappa,Partner Confidential,,WS22,
,,699,,,$FSHA,Zeta,Partner Confidential,,,
EOF

# FS01 and WS17 with the share map: the case before the move
setup() {
  "$TOUCHLINE" ingest "$1" "$D/FS01.E01" -l FS01 -d "Space Technology" -q &&
  "$TOUCHLINE" divisions "$1" import "$S/shares.csv" 2>/dev/null &&
  "$TOUCHLINE" ingest "$1" "$D/WS17.E01" -l WS17 -d Administration -q
}
hashes() { q "$1" "SELECT object_id, md5, sha1, sha256, error FROM object_hash ORDER BY object_id"; }
found() { q "$1" "SELECT t.partner || '|' || o.evidence_id || '|' || o.path || '|' || m.how FROM target_match m JOIN target t USING(target_id) JOIN object o USING(object_id) ORDER BY t.partner, o.object_id" | tr '\n' ' '; }

# the reference: every image at hand
setup ref.db
"$TOUCHLINE" targets ref.db import reg.csv >/dev/null 2>&1
"$TOUCHLINE" ingest ref.db "$D/WS22.E01" -l WS22 -d Research -q 2>/dev/null
is "$(found ref.db)" "Kappa|3|/Users/lchen/Documents/Thesis/Chapter2_Background.docx|path Zeta|1|$F|sha256 " \
   "reference case: both rows found, the hash-only one by its SHA-256"
is "$(q ref.db "SELECT h.sha256 FROM object_hash h JOIN object o USING(object_id) WHERE o.evidence_id = 1 AND o.path = '$F'")" \
   "$FSHA" "reference case: FS01's file hashed"

# FS01's image moved before the register and WS22 come
setup case.db
mv "$D/FS01.E01" "$D/FS01.moved"
"$TOUCHLINE" targets case.db import reg.csv >/dev/null 2>err.txt
ok $? "the register is imported though FS01's image is gone (exit 0)"
grep -q "^touchline: case.db: warning: 1 file(s) of the case that may match a hash target or be a copy were not hashed: evidence FS01: image file $D/FS01.E01 (ingested as $D/FS01.E01) cannot be opened: No such file or directory; \`touchline targets case.db match\` hashes them once the image can be read$" err.txt
ok $? "the import names the item, the file, the cause and the remedy"
grep -q "^touchline: reg.csv: warning: 1 hash row may match file(s) whose content could not be read .*(first: line 3)$" err.txt
ok $? "its coverage: the hash-only row's content could not be read"
"$TOUCHLINE" targets case.db stats >stats.txt
grep -q "^3	$FSHA	Zeta	content-not-hashed	1 file(s) of its size could not be hashed" stats.txt
ok $? "stats: the row's reason and how many files"
grep -q "^Zeta	1	0	1	0	0	0	1	0	0$" stats.txt
ok $? "stats: Zeta's row counted under content-not-hashed"

"$TOUCHLINE" ingest case.db "$D/WS22.E01" -l WS22 -d Research -q 2>err.txt
ok $? "WS22 is ingested though FS01's image is gone (exit 0)"
is "$(q case.db "SELECT label FROM evidence ORDER BY evidence_id" | tr '\n' ' ')" \
   "FS01 WS17 WS22 " "all three items in the case"
is "$(grep -c 'not hashed' err.txt)" 1 "one line about it on stderr, with -q"
is "$(grep 'not hashed' err.txt)" "touchline: $D/WS22.E01: warning: 1 file(s) of the case that may match a hash target or be a copy were not hashed: evidence FS01: image file $D/FS01.E01 (ingested as $D/FS01.E01) cannot be opened: No such file or directory; \`touchline targets case.db match\` hashes them once the image can be read" \
   "the ingest's warning names the item, the file, the cause and the remedy"
is "$(q case.db "SELECT count(*) FROM object_hash h JOIN object o USING(object_id) WHERE o.evidence_id = 1 AND o.path = '$F'")" \
   0 "FS01's file has no object_hash row (left for later)"
is "$(q case.db 'SELECT count(*) FROM object_hash')" \
   "$(($(q ref.db 'SELECT count(*) FROM object_hash') - 1))" "every other hash is there"
is "$(q case.db "SELECT e.label || '|' || w.kind FROM warning w JOIN evidence e USING(evidence_id) WHERE w.kind = 'unhashed'")" \
   "WS22|unhashed" "a warning row of WS22 records it"
"$TOUCHLINE" info case.db >info.txt 2>&1
grep -q "evidence FS01: image file .* cannot be opened" info.txt
ok $? "info shows the warning"
is "$(found case.db)" "Kappa|3|/Users/lchen/Documents/Thesis/Chapter2_Background.docx|path " \
   "the path row is found; the hash-only row not yet"

# targets match while the image is still away: matched, the file still left
"$TOUCHLINE" targets case.db match >out.txt 2>err.txt
ok $? "targets match without the image: exit 0"
grep -q "^touchline: case.db: warning: 1 file(s) of the case .* evidence FS01: image file" err.txt
ok $? "targets match says which file it could not hash"

# the image back: targets match hashes it; the case is the reference's
mv "$D/FS01.moved" "$D/FS01.E01"
is "$("$TOUCHLINE" targets case.db match 2>err.txt)" \
   "2 target occurrence(s), 1 file(s) hashed" "image back: targets match hashes the one file"
is "$(grep -c 'not hashed' err.txt)" 0 "no warning then"
is "$(found case.db)" "$(found ref.db)" "the hash-only row is found, as in the reference case"
is "$(hashes case.db | sha256sum)" "$(hashes ref.db | sha256sum)" \
   "object_hash is the reference case's, row for row"

# a manifest ingest says it per item
setup man.db
mv "$D/FS01.E01" "$D/FS01.moved"
"$TOUCHLINE" targets man.db import reg.csv >/dev/null 2>&1
printf 'WS22\tResearch\tWS22.E01\n' >"$D/m.tsv"
"$TOUCHLINE" ingest man.db --manifest "$D/m.tsv" -j 1 -q 2>err.txt
ok $? "manifest ingest without FS01's image: exit 0"
grep -q "^touchline: WS22: warning: 1 file(s) of the case .* evidence FS01: image file" err.txt
ok $? "the manifest names the item and the file (with -q)"
is "$(q man.db "SELECT count(*) FROM warning WHERE kind = 'unhashed'")" 1 "and records it"
mv "$D/FS01.moved" "$D/FS01.E01"
done_testing
