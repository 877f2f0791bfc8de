#!/bin/sh
# The target register: import (20,000 rows; every kind of malformed file),
# and matching by path, glob, name (+size), other $FILE_NAME names and
# content hash, checked against what TSK's own tools say of the image.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip" 7-ntfs-undel.dd)
JPEG=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/8-jpeg-search.zip" 8-jpeg-search.dd)
CASE="$T_TMP/case.db"
q() { sqlite3 "$CASE" "$1"; }
"$TOUCHLINE" ingest -q --no-hash -l NTFS7 -d Research "$CASE" "$NTFS" &&
  "$TOUCHLINE" ingest -q --no-hash -l JPEG -d Admin "$CASE" "$JPEG"
ok $? "two images ingested"

# -- malformed files: line number and cause, nothing imported -------------
bad() { # NAME WANT-PATTERN CSV-TEXT...
  name=$1 want=$2
  shift 2
  printf '%s\n' "$@" >"$T_TMP/bad.csv"
  "$TOUCHLINE" targets "$CASE" import "$T_TMP/bad.csv" 2>"$T_TMP/err"
  rc=$?
  is "$rc" 1 "$name: exit 1"
  grep -qE "$want" "$T_TMP/err"
  ok $? "$name: says '$want'"
  [ $? -eq 0 ] || sed 's/^/# /' "$T_TMP/err"
  is "$(q 'SELECT count(*) FROM target')" 0 "$name: nothing imported"
}
H="path,name,size,md5,sha1,sha256,partner"
bad "hash of the wrong length" "bad.csv:3: md5 must be 32 hexadecimal digits" \
  "$H" "/a.doc,,,,,,P1" "/b.doc,,,0123,,,P1"
bad "hash with a bad alphabet" "bad.csv:2: sha256 must be 64 hex" \
  "$H" ",,,,,zz$(printf '%062d' 0),P1"
bad "row with no path, name or hash" "bad.csv:2: needs a path, a name or a hash" \
  "$H" ",,,,,,P1"
bad "bad glob" "bad.csv:2: bad glob: '\*\*' must be a whole path component" \
  "$H" "/Projects/a**/x.pdf,,,,,,P1"
bad "size that is not a number" "bad.csv:2: size must be a whole number" \
  "$H" "/a.doc,,12kB,,,,P1"
bad "wrong number of fields" "bad.csv:2: 3 fields, the header has 7" \
  "$H" "/a.doc,x,1"
bad "unknown column" "bad.csv:1: unknown column 'owner'" \
  "path,owner" "/a.doc,me"
bad "no usable column" "the header needs a path, name" \
  "partner,note" "P1,x"
bad "unterminated quote" "bad.csv:2: a quoted field is not closed" \
  "$H" "\"/a.doc,,,,,,P1"
printf 'path,partner\n/caf\351.doc,P1\n' >"$T_TMP/latin1.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/latin1.csv" 2>"$T_TMP/err"
is "$?" 1 "bytes that are not UTF-8: exit 1"
grep -q "latin1.csv:2: bytes that are not UTF-8" "$T_TMP/err"
ok $? "bytes that are not UTF-8: line and cause"
: >"$T_TMP/empty.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/empty.csv" 2>"$T_TMP/err"
is "$?" 1 "empty file: exit 1"
grep -q "empty.csv: empty file" "$T_TMP/err"
ok $? "empty file: says so"
printf '%s\n' "$H" "/frag1.dat,,,,,,P1" "/x**y,,,,,,P1" >"$T_TMP/mixed.csv"
"$TOUCHLINE" targets "$CASE" import --skip-bad "$T_TMP/mixed.csv" 2>"$T_TMP/err"
ok $? "--skip-bad imports the good rows"
is "$(q 'SELECT count(*) FROM target')" 1 "--skip-bad: one row imported"

# -- matching ---------------------------------------------------------------
SING1=$(icat "$NTFS" 31 | sha256sum | cut -d' ' -f1)
cat >"$T_TMP/targets.csv" <<CSV
path,name,size,sha256,partner,classification,division,evidence,note,scope
FRAG1.DAT,,,,Orbitek,NDA,,,case and no leading slash,
\\dir1\\dir2\\frag3.dat,,,,Orbitek,NDA,,,back slashes,
C:\\dir1\\*.dat,,,,Orbitek,NDA,,,drive letter and a glob,
/**/frag?.dat,,,,Helios,NDA,,,recursive glob,
,mult1.dat,,,Helios,NDA,,,by name,
,frag2.dat,3873,,Helios,NDA,,,name and the right size,
,frag2.dat,1,,Helios,NDA,,,name and a wrong size,
,,,$SING1,Acme,secret,,,by content,
/res1.dat,,,,Acme,,,,scoped to a division it is not in,Admin
/res1.dat,,,,Acme,,Research,NTFS7,scoped to its own item,
/res1.dat,,,,Acme,,Satellite Ops,,owned by a division no item has,
/res1.dat,,,,Acme,,,,scope = the item's label,ntfs7
/res1.dat,,,,Acme,,,,scope = the item's division,Research
/res1.dat,,,,Acme,,,,scoped to a division the case lacks,Satellite Ops
CSV
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" 2>"$T_TMP/err"
ok $? "a register of every kind imports"
grep -q "warning: 1 row is scoped to 'Satellite Ops', which no evidence item or share map names (first: line 15); it matches nothing" "$T_TMP/err"
ok $? "import warns about the scope the case lacks"
grep -q "warning: 1 row names a file that exists only outside its evidence or scope column (first: line 10)" "$T_TMP/err"
ok $? "import warns about the row whose file is outside its scope"
grep -q "warning: 1 row matches no file on any evidence item (first: line 8)" "$T_TMP/err"
ok $? "import warns about the row that matches nothing"
m() { # LINE -> matched paths, sorted
  q "SELECT group_concat(path, ' ') FROM (SELECT o.path FROM target t JOIN target_match m USING(target_id) JOIN object o USING(object_id) WHERE t.line=$1 ORDER BY o.path)"
}
is "$(m 2)" "/frag1.dat" "path, any case, no leading slash"
is "$(m 3)" "/dir1/dir2/frag3.dat" "back-slashed path"
is "$(m 4)" "/dir1/mult2.dat" "drive letter + '*' stays in its folder"
is "$(m 5)" "/dir1/dir2/frag3.dat /frag1.dat /frag2.dat" "'**' spans folders, '?' one character"
is "$(m 6)" "/mult1.dat" "by name (the ADS mult1.dat:ADS is not a target)"
is "$(m 7)" "/frag2.dat" "by name with the size fls gives (3873)"
is "$(m 8)" "" "a wrong size does not match"
is "$(m 9)" "/sing1.dat" "by content: sha256 of icat inode 31"
is "$(q "SELECT sha256 FROM object_hash h JOIN object o USING(object_id) WHERE o.path='/sing1.dat'")" "$SING1" "the content hash is kept"
ok "$([ "$(q 'SELECT count(*) FROM object_hash')" -lt "$(q 'SELECT count(*) FROM object')" ]; echo $?)" "only candidates are hashed, not every file"
is "$(m 10)" "" "scope excludes another division"
is "$(m 11)" "/res1.dat" "evidence scope includes its own item"
is "$(m 12)" "/res1.dat" "a division names the owner: it does not scope (issue 9)"
is "$(m 13)" "/res1.dat" "scope: the item's label, any case"
is "$(m 14)" "/res1.dat" "scope: the item's division"
is "$(q "SELECT count(*) FROM target_match m JOIN object o USING(object_id) WHERE o.deleted=1")" \
   "$(q "SELECT count(*) FROM target_match")" "deleted objects are matched (all of these are deleted)"
"$TOUCHLINE" targets "$CASE" stats >"$T_TMP/stats"
grep -q "^Orbitek	3	3	0	0	0	0	0	0	0$" "$T_TMP/stats"
ok $? "stats: per partner targeted, found, not found by cause"
grep -q "^Helios	4	3	1	0	0	0	0	0	1$" "$T_TMP/stats"
ok $? "stats: the name row with a wrong size is not found, not on evidence"
grep -q "^Acme	7	5	2	1	1	0	0	0	0$" "$T_TMP/stats"
ok $? "stats: a row scoped to a division the case lacks, one to a division the file is not in"
grep -q "^10	/res1.dat	Acme	outside-scope	the file is on NTFS7 (/res1.dat), outside the row's scope (scope Admin)$" "$T_TMP/stats"
ok $? "stats: outside-scope names the item and path"
grep -q "^15	/res1.dat	Acme	scope-not-in-case	scoped to 'Satellite Ops', which no evidence item or share map names$" "$T_TMP/stats"
ok $? "stats: scope-not-in-case names the scope"

# matching re-runs when evidence is added
"$TOUCHLINE" ingest -q --no-hash -l NTFS7B "$T_TMP/case2.db" "$NTFS"
"$TOUCHLINE" targets "$T_TMP/case2.db" import "$T_TMP/targets.csv" 2>/dev/null
n1=$(sqlite3 "$T_TMP/case2.db" "SELECT count(*) FROM target_match")
cp "$NTFS" "$T_TMP/copy-of-ntfs.dd" && printf 'x' | dd of="$T_TMP/copy-of-ntfs.dd" bs=1 seek=6160000 conv=notrunc status=none
"$TOUCHLINE" ingest -q --no-hash -l NTFS7C "$T_TMP/case2.db" "$T_TMP/copy-of-ntfs.dd"
n2=$(sqlite3 "$T_TMP/case2.db" "SELECT count(*) FROM target_match")
is "$n2" "$((n1 * 2))" "ingesting another item matches the register against it"

# -- 20,000 rows -------------------------------------------------------------
"$PYTHON3" - "$T_TMP/big.csv" <<'PY'
import sys, random
r = random.Random(1)
with open(sys.argv[1], "w") as f:
    f.write("path,name,size,sha256,partner,classification\n")
    for i in range(20000):
        k = i % 4
        if k == 0:
            f.write("/Shares/Div%02d/Project%03d/doc%05d.docx,,,,Partner%02d,NDA\n" % (i % 12, i % 500, i, i % 40))
        elif k == 1:
            f.write("\\\\fs01\\Shares\\Div%02d\\p%d\\*.xlsx,,,,Partner%02d,NDA\n" % (i % 12, i, i % 40))
        elif k == 2:
            f.write(",report%05d.pdf,%d,,Partner%02d,NDA\n" % (i, r.randint(1, 10**6), i % 40))
        else:
            f.write(",,,%064x,Partner%02d,NDA\n" % (r.getrandbits(256), i % 40))
PY
start=$(date +%s.%N)
"$TOUCHLINE" targets "$CASE" import "$T_TMP/big.csv" 2>"$T_TMP/err"
rc=$?
end=$(date +%s.%N)
is "$rc" 0 "20,000-row register imports"
is "$(q 'SELECT count(*) FROM target')" 20000 "all 20,000 rows are in the register"
echo "# 20,000 rows imported and matched in $(awk "BEGIN{print $end - $start}") s"
done_testing
