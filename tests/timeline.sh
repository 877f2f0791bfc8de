#!/bin/sh
# touchline timeline: every format against the real TSK tools and corpus
# images (docs/TIMELINE.md). TAP.
. "${TL_SRCDIR:-.}/tests/lib.sh"

for t in fls mactime istat sqlite3 unzip; do
  command -v $t >/dev/null 2>&1 || skip_all "$t not installed"
done
[ -n "$PYTHON3" ] || skip_all "python3 not found by configure"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
TZ=UTC
export TZ
CHECK="$PYTHON3 $TL_SRCDIR/tests/timeline_check.py"
tl() { "$TOUCHLINE" timeline "$@"; }
q() { sqlite3 "$1" "$2"; }

NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip")/7-undel-ntfs/7-ntfs-undel.dd
FAT=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/6-undel-fat.zip")/6-undel-fat/6-fat-undel.dd
EXT=$TL_CORPUS/sleuthkit/test/data/image.dd

for x in ntfs:$NTFS fat:$FAT ext:$EXT; do
  n=${x%%:*}
  "$TOUCHLINE" ingest --no-hash -q "$T_TMP/$n.db" "${x#*:}"
  ok $? "ingest $n"
done

# ---- bodyfile: mactime on ours == mactime on fls -r -m / --------------------

# Known, documented differences (docs/TIMELINE.md, "bodyfile"):
#  - fls prints an all-zero $FILE_NAME FILETIME as 3373865674 (2076-11-29,
#    a TSK artefact); the case has no event for a zero time.
# Symbolic links come out as fls writes them: "name -> target".
mac_cmp() { # NAME IMAGE: compare, print the diff
  fls -r -m / "$2" > "$T_TMP/$1.fls.body" &&
  tl "$T_TMP/$1.db" -f bodyfile -o "$T_TMP/$1.tl.body" &&
  awk -F'|' 'BEGIN { OFS = "|" }
    $2 ~ / \(\$FILE_NAME\)/ && $8 == 3373865674 && $9 == 3373865674 { next }
    { print }' "$T_TMP/$1.fls.body" > "$T_TMP/$1.fls.norm" &&
  mactime -b "$T_TMP/$1.fls.norm" -d -y > "$T_TMP/$1.fls.mac" &&
  mactime -b "$T_TMP/$1.tl.body" -d -y > "$T_TMP/$1.tl.mac" &&
  diff "$T_TMP/$1.fls.mac" "$T_TMP/$1.tl.mac"
}
for x in ntfs:$NTFS fat:$FAT ext:$EXT; do
  n=${x%%:*}
  d=$(mac_cmp "$n" "${x#*:}" 2>&1)
  ok $? "bodyfile $n: mactime -b gives the rows it gives on fls -r -m /"
  [ -n "$d" ] && echo "$d" | head -20 | sed 's/^/# /'
done
is "$(wc -l < "$T_TMP/ntfs.tl.mac" | tr -d ' ')" 66 "ntfs: 65 mactime rows + header"
is "$(wc -l < "$T_TMP/fat.tl.mac" | tr -d ' ')" 51 "fat: 50 mactime rows + header"
is "$(wc -l < "$T_TMP/ext.tl.mac" | tr -d ' ')" 17 "ext2: 16 mactime rows + header"
# exactly the one TSK 2076 line was set aside
is "$(grep -c '|3373865674|3373865674|3373865674|3373865674$' "$T_TMP/ntfs.fls.body")" 1 \
  "fls shows one all-zero \$FILE_NAME as 2076 (left out of the comparison)"
is "$(grep -F '/frag1.dat ($FILE_NAME) (deleted)|' "$T_TMP/ntfs.tl.body")" \
  '0|/frag1.dat ($FILE_NAME) (deleted)|29-48-2|-/rrwxrwxrwx|0|0|84|1078084817|1078084817|1078084817|1078084817' \
  "bodyfile \$FILE_NAME line of frag1.dat as fls prints it"
is "$(grep -F '/mult1.dat:ADS (deleted)|' "$T_TMP/ntfs.tl.body")" \
  "$(grep -F '/mult1.dat:ADS (deleted)|' "$T_TMP/ntfs.fls.body")" \
  "bodyfile ADS line identical to fls"
is "$(tl "$T_TMP/ntfs.db" -f bodyfile --fractional --path /frag1.dat | head -1)" \
  '0|/frag1.dat (deleted)|29-128-3|-/rrwxrwxrwx|0|0|1584|1078084840.6989152|1078084840.6989152|1078084840.6989152|1078084817.2151472' \
  "--fractional keeps the 100 ns of NTFS"
is "$(tl "$T_TMP/fat.db" -f bodyfile --fractional --path '/_rag1.dat')" \
  '0|/_rag1.dat (deleted)|4|r/rrwxrwxrwx|0|0|1584|1076716800.000000000|1076763076.000000000|0|1076763048.810000000' \
  "--fractional keeps FAT's 10 ms creation time"

# ---- csv ----------------------------------------------------------------

n_ntfs=$(q "$T_TMP/ntfs.db" "select count(*) from event")
tl "$T_TMP/ntfs.db" -f csv -o "$T_TMP/ntfs.csv"
ok $? "csv export ntfs"
# istat is the reference for the sub-second $SI Created of MFT entry 29
cr=$(istat "$NTFS" 29 | awk -F'\t' '/^Created:/ { print $2; exit }' |
     sed 's/ (UTC)//; s/ /T/; s/00$/Z/')
is "$cr" "2004-02-29T20:00:17.2151472Z" "istat: frag1.dat \$SI Created"
$CHECK csv "$T_TMP/ntfs.csv" "$n_ntfs" \
  "path=/frag1.dat|source=\$SI|datetime=$cr|timestamp_desc=\$SI Created|macb=...b|inode=29|tsk_addr=29-128-3|size=1584|deleted=1|alloc=deleted|evidence=7-ntfs-undel|name=frag1.dat|t_ns=1078084817215147200" \
  'path=/frag1.dat|source=$SI|datetime=2004-02-29T20:00:40.6989152Z|timestamp_desc=$SI Modified; $SI Accessed; $SI Changed|macb=mac.' \
  'path=/frag1.dat|source=$FN|datetime=2004-02-29T20:00:17.2151472Z|timestamp_desc=$FN Modified; $FN Accessed; $FN Changed; $FN Created|macb=macb|tsk_addr=29-48-2' \
  'path=/mult1.dat:ADS|source=$SI|macb=mac.|tsk_addr=32-128-6|size=1234|description=[$SI Modified; $SI Accessed; $SI Changed] /mult1.dat:ADS (deleted)' \
  'path=/$Extend/$ObjId|source=$FN|tsk_addr=25-48-1|name=$ObjId' \
  'path=/$Secure:$SDS|source=$SI|macb=macb|datetime=2004-02-29T19:57:57.5130528Z'
ok $? "csv ntfs: exact values, order, every row"
n_fat=$(q "$T_TMP/fat.db" "select count(*) from event")
tl "$T_TMP/fat.db" -o "$T_TMP/fat.csv"
$CHECK csv "$T_TMP/fat.csv" "$n_fat" \
  'path=/_rag1.dat|macb=...b|datetime=2004-02-14T12:50:48.810000000Z|source=FAT entry|timestamp_desc=FAT entry Created|filesystem=fat16|deleted=1' \
  'path=/_rag1.dat|macb=.a..|datetime=2004-02-14T00:00:00.000000000Z'
ok $? "csv fat (default format): 9-digit times, FAT values"

# ---- jsonl --------------------------------------------------------------

tl "$T_TMP/ntfs.db" -f jsonl > "$T_TMP/ntfs.jsonl"
$CHECK jsonl "$T_TMP/ntfs.jsonl" "$n_ntfs"
ok $? "jsonl: every line parses, Timesketch fields agree"
l=$(grep '"tsk_addr":"29-128-3"' "$T_TMP/ntfs.jsonl" | grep '"macb":"...b"')
case $l in
  *'"datetime":"2004-02-29T20:00:17.215147+00:00","timestamp":1078084817215147,"timestamp_desc":"$SI Created"'*) r=0 ;;
  *) r=1; echo "# $l" ;;
esac
ok $r "jsonl frag1.dat \$SI Created"

# ---- l2tcsv -------------------------------------------------------------

tl "$T_TMP/ntfs.db" -f l2tcsv -o "$T_TMP/ntfs.l2t"
$CHECK l2tcsv "$T_TMP/ntfs.l2t" "$n_ntfs" \
  'date=02/29/2004|time=20:00:17|timezone=UTC|MACB=...B|source=FILE|sourcetype=ntfs $SI|type=$SI Created|user=0|host=7-ntfs-undel|short=/frag1.dat (deleted)|version=2|filename=/frag1.dat|inode=29|notes=deleted'
ok $? "l2tcsv: 17 columns, frag1.dat \$SI Created"
tl "$T_TMP/ntfs.db" -f l2tcsv --tz Europe/Berlin -o "$T_TMP/ntfs.l2t.cet"
$CHECK l2tcsv "$T_TMP/ntfs.l2t.cet" "$n_ntfs" \
  'date=02/29/2004|time=21:00:17|timezone=Europe/Berlin|MACB=...B|inode=29|type=$SI Created'
ok $? "l2tcsv --tz Europe/Berlin: local time and zone column"
tl "$T_TMP/ntfs.db" --tz America/New_York --path /frag1.dat --source '$SI' \
  -o "$T_TMP/ny.csv"
is "$(sed -n 2p "$T_TMP/ny.csv" | cut -d, -f1)" "2004-02-29T15:00:17.2151472-05:00" \
  "csv --tz: local time with its offset"
# the offsets come from the zone's TZif file (base/tz.c): the process TZ
# plays no part, neither for the output nor for --from without an offset
is "$(TZ=Asia/Tokyo tl "$T_TMP/ntfs.db" --tz America/New_York --path /frag1.dat --source '$SI' \
      --from 2004-02-29T15:00:17.2151472 | sed -n 2p | cut -d, -f1)" \
  "2004-02-29T15:00:17.2151472-05:00" "csv --tz with another TZ in the environment: the same"

# ---- tln ----------------------------------------------------------------

tl "$T_TMP/ntfs.db" -f tln -o "$T_TMP/ntfs.tln"
$CHECK tln "$T_TMP/ntfs.tln" "$n_ntfs" \
  '1078084817|FILE|7-ntfs-undel|0|[$SI Created] /frag1.dat (deleted)'
ok $? "tln: 5 fields, frag1.dat line"

# ---- filters ------------------------------------------------------------

cnt() { tl "$@" -f tln | wc -l | tr -d ' '; }
T0=1078084817215147200
is "$(cnt "$T_TMP/ntfs.db" --from 2004-02-29T20:00:17.2151472Z --to 2004-02-29T20:00:17.2151473Z)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event where t_ns=$T0")" "--from/--to: one instant"
is "$(cnt "$T_TMP/ntfs.db" --from 2004-02-29T21:00:17.2151472+01:00 --to 2004-02-29T20:00:17.2151473Z)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event where t_ns=$T0")" "--from with an offset"
is "$(cnt "$T_TMP/ntfs.db" --to 2004-02-29T20:00:17.2151472Z)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event where t_ns<$T0")" "--to is exclusive"
is "$(cnt "$T_TMP/ntfs.db" --from 2004-03-01)" 0 "--from a date after every event"
# an empty window is refused, as exposure refuses it (issue 8)
for w in "2004-03-01 2004-02-29" "2004-02-29T20:00:17Z 2004-02-29T20:00:17Z"; do
  set -- $w
  "$TOUCHLINE" timeline "$T_TMP/ntfs.db" --from "$1" --to "$2" >"$T_TMP/ew.out" 2>"$T_TMP/ew.err"
  rc=$?
  is "$rc:$(wc -c <"$T_TMP/ew.out" | tr -d ' '):$(grep -c 'is not before --to' "$T_TMP/ew.err")" \
    "2:0:1" "--from $1 --to $2: refused (exit 2), nothing written, says why"
done
is "$(cnt "$T_TMP/ntfs.db" --from 2004-02-29 --to 2004-03-01)" "$n_ntfs" "--from/--to dates"
is "$(cnt "$T_TMP/ntfs.db" --from 2004-02-29T21:00 --tz Europe/Berlin --to 2004-02-29T20:00:17.2151473Z)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event where t_ns>=1078084800000000000 and t_ns<=$T0")" \
  "--from without offset is read in --tz"
is "$(cnt "$T_TMP/ntfs.db" --source '$FN')" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event where source='\$FN'")" "--source \$FN"
is "$(cnt "$T_TMP/ntfs.db" --source '$FN,$SI')" "$n_ntfs" "--source list"
is "$(cnt "$T_TMP/ntfs.db" --deleted)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event join object using(object_id) where deleted")" "--deleted"
is "$(cnt "$T_TMP/ntfs.db" --allocated)" \
  "$(q "$T_TMP/ntfs.db" "select count(*) from event join object using(object_id) where not deleted")" "--allocated"
paths() { tl "$@" -f jsonl | $PYTHON3 -c 'import sys,json; print(" ".join(sorted(set(json.loads(l)["path"] for l in sys.stdin))))'; }
is "$(paths "$T_TMP/ntfs.db" --path '/DIR1/**/*.DAT')" "/dir1/dir2/frag3.dat /dir1/mult2.dat" \
  "--path ** and * without case on NTFS"
is "$(paths "$T_TMP/ntfs.db" --path '\dir1\*')" "/dir1/dir2 /dir1/mult2.dat" \
  "--path with backslashes; * stays in one folder"
is "$(paths "$T_TMP/ntfs.db" --path 'mult?.dat')" "/dir1/mult2.dat /mult1.dat /mult1.dat:ADS" \
  "--path relative matches at any depth, streams follow their file"
is "$(paths "$T_TMP/ext.db" --path '/A_DIRECTORY/*')" "" "--path keeps case on ext2"
is "$(paths "$T_TMP/ext.db" --path '/a_directory/*_file')" "/a_directory/a_file /a_directory/another_file" \
  "--path on ext2"
# "/dir1/**" is /dir1 and everything below it (the glob of targets,
# docs/TIMELINE.md)
is "$(tl "$T_TMP/ntfs.db" -f bodyfile --path '/dir1/**' --source '$FN' | cut -d'|' -f2 | tr '\n' ' ')" \
  "/dir1 (\$FILE_NAME) (deleted) /dir1/dir2 (\$FILE_NAME) (deleted) /dir1/dir2/frag3.dat (\$FILE_NAME) (deleted) /dir1/mult2.dat (\$FILE_NAME) (deleted) " \
  "bodyfile with filters: only lines with a time that passed"
# one engine, linear time: 30 stars against a long path that almost
# matches took the old backtracking matcher minutes
long=$(printf 'a%.0s' $(seq 1 200))
star=$(printf '*a%.0s' $(seq 1 30))
sqlite3 "$T_TMP/ntfs.db" "UPDATE object SET path = '/$long' || 'b' WHERE path = '/mult1.dat'"
t0=$(date +%s)
is "$(cnt "$T_TMP/ntfs.db" --path "/${star}c")" 0 "--path of 30 stars: no match"
[ $(( $(date +%s) - t0 )) -lt 10 ]
ok $? "... in under 10 s ($(( $(date +%s) - t0 )) s)"
sqlite3 "$T_TMP/ntfs.db" "UPDATE object SET path = '/mult1.dat' WHERE path = '/$long' || 'b'"
# ISO 9660 compares names without case, as exposure does (Tl_fs_case_blind)
cp "$T_TMP/ext.db" "$T_TMP/iso.db"
sqlite3 "$T_TMP/iso.db" "UPDATE filesystem SET fs_type = 'iso9660'"
is "$(paths "$T_TMP/iso.db" --path '/A_DIRECTORY/*_FILE')" "/a_directory/a_file /a_directory/another_file" \
  "--path without case on ISO 9660"
sqlite3 "$T_TMP/iso.db" "UPDATE filesystem SET fs_type = 'apfs'"
is "$(paths "$T_TMP/iso.db" --path '/A_DIRECTORY/*_FILE')" "/a_directory/a_file /a_directory/another_file" \
  "--path without case on APFS"

# division / evidence, on a case with two items
"$TOUCHLINE" ingest --no-hash -q -l FS01 -d "Space Technology" "$T_TMP/two.db" "$EXT" &&
"$TOUCHLINE" ingest --no-hash -q -l LAPTOP2 -d "Finance" "$T_TMP/two.db" "$FAT"
ok $? "ingest two evidence items"
n_fs01=$(q "$T_TMP/two.db" "select count(*) from event e join evidence v using(evidence_id) where v.label='FS01'")
is "$(cnt "$T_TMP/two.db" --division "Space Technology")" "$n_fs01" "--division"
is "$(cnt "$T_TMP/two.db" --evidence FS01)" "$n_fs01" "--evidence"
is "$(cnt "$T_TMP/two.db" --evidence FS01 --division Finance)" 0 "filters combine"
is "$(cnt "$T_TMP/two.db" --evidence FS01 --evidence LAPTOP2)" \
  "$(q "$T_TMP/two.db" "select count(*) from event")" "--evidence repeated"
tl "$T_TMP/two.db" -o "$T_TMP/two.csv"
$CHECK csv "$T_TMP/two.csv" "$(q "$T_TMP/two.db" "select count(*) from event")" \
  'evidence=FS01|division=Space Technology|path=/passwords.txt|macb=ma..|filesystem=ext2'
ok $? "csv of two items: sorted by time, evidence, path; division column"
is "$(tl "$T_TMP/two.db" -f bodyfile | grep -c '^0|FS01/\|^0|LAPTOP2/')" \
  "$(tl "$T_TMP/two.db" -f bodyfile | wc -l | tr -d ' ')" \
  "bodyfile of several file systems: names carry label/ in front"

# ---- the division of a path ---------------------------------------------

# A division map (touchline divisions) puts /a_directory of FS01 in
# Research: --division and the division column follow it, as exposure does
# (one function, Tl_divmap_lookup); before, the timeline used the item's
# division only.
"$TOUCHLINE" ingest --no-hash -q -l FS01 -d "Space Technology" "$T_TMP/div.db" "$EXT"
printf 'evidence,path_prefix,division\nFS01,/a_directory,Research\n' > "$T_TMP/map.csv"
printf 'path\n/a_directory/a_file\n/passwords.txt\n' > "$T_TMP/tg.csv"
"$TOUCHLINE" divisions "$T_TMP/div.db" import "$T_TMP/map.csv" 2> /dev/null &&
"$TOUCHLINE" targets "$T_TMP/div.db" import "$T_TMP/tg.csv" 2> /dev/null
ok $? "case with a division map and two targets"
n_res=$(q "$T_TMP/div.db" "select count(*) from event e join object o using(object_id) where o.path = '/a_directory' or o.path like '/a_directory/%'")
n_all=$(q "$T_TMP/div.db" "select count(*) from event")
is "$(cnt "$T_TMP/div.db" --division Research)" "$n_res" "--division Research: the events under /a_directory ($n_res)"
is "$(cnt "$T_TMP/div.db" --division "Space Technology")" "$((n_all - n_res))" "--division of the item: the rest"
is "$(cnt "$T_TMP/div.db" --division Research --division "Space Technology")" "$n_all" "both: all"
"$TOUCHLINE" exposure "$T_TMP/div.db" --from 2000-01-01 --to 2030-01-01 --format csv > "$T_TMP/div.exp"
ex=$($PYTHON3 -c 'import csv,sys; print(" ".join(sorted(r["path"] + "=" + r["division"] for r in csv.DictReader(open(sys.argv[1])))))' "$T_TMP/div.exp")
tlx=$(for p in /a_directory/a_file /passwords.txt; do tl "$T_TMP/div.db" --path "$p" | sed -n 2p | cut -d, -f5,9 | awk -F, '{ print $2 "=" $1 }'; done | sort | tr '\n' ' ' | sed 's/ $//')
is "$tlx" "$ex" "exposure and timeline give each target the same division ($ex)"
is "$ex" "/a_directory/a_file=Research /passwords.txt=Space Technology" "... the mapped one and the item's"
# on a case-blind file system the prefix matches without case, in both
cp "$T_TMP/div.db" "$T_TMP/divci.db"
printf 'evidence,path_prefix,division\nFS01,/A_DIRECTORY,Research\n' > "$T_TMP/map2.csv"
"$TOUCHLINE" divisions "$T_TMP/divci.db" import "$T_TMP/map2.csv" 2> /dev/null
is "$(cnt "$T_TMP/divci.db" --division Research)" 0 "ext2: /A_DIRECTORY is not /a_directory"
sqlite3 "$T_TMP/divci.db" "UPDATE filesystem SET fs_type = 'ntfs'"
is "$(cnt "$T_TMP/divci.db" --division Research)" "$n_res" "a case-blind fs: /A_DIRECTORY covers /a_directory"
"$TOUCHLINE" exposure "$T_TMP/divci.db" --from 2000-01-01 --to 2030-01-01 --format csv > "$T_TMP/divci.exp"
grep -q ',FS01,Research,/a_directory/a_file,' "$T_TMP/divci.exp"
ok $? "... and exposure says the same"

# ---- hostile names ------------------------------------------------------

cp "$T_TMP/ext.db" "$T_TMP/names.db"
sqlite3 "$T_TMP/names.db" <<'EOF'
UPDATE object SET name = '=HYPERLINK("http://x","y")', path = '/=HYPERLINK("http://x","y")' WHERE path = '/passwords.txt';
UPDATE object SET name = '+cmd|'' /C calc''!A0', path = '/+cmd|'' /C calc''!A0' WHERE path = '/a_directory/a_file';
UPDATE object SET name = 'a|b', path = '/a|b' WHERE path = '/a_directory/another_file';
UPDATE object SET name = '''=quoted', path = '/''=quoted' WHERE path = '/lost+found';
UPDATE object SET name = 'two' || char(10) || 'lines%41', path = '/two' || char(10) || 'lines%41' WHERE path = '/a_directory';
UPDATE object SET name = 'a' || char(27) || '[31mb' || char(9) || 'c' || char(8238) || 'fdp.exe', path = '/a' || char(27) || '[31mb' || char(9) || 'c' || char(8238) || 'fdp.exe' WHERE path = '/a_link';
UPDATE evidence SET label = '-evil', division = '@SUM(1)';
EOF
ok $? "case with hostile names"
H1='=HYPERLINK("http://x","y")'
H2="+cmd|' /C calc'!A0"
# ESC, TAB, U+202E and LF are shown as in the reports (Tl_visible,
# docs/OUTPUT-ESCAPING.md), then quoted as the format needs
H3='a\x1b[31mb\x09c\u202efdp.exe'
H4='two\x0alines%41'
for f in csv l2tcsv jsonl; do
  tl "$T_TMP/names.db" -f $f -o "$T_TMP/names.$f"
  $CHECK names "$T_TMP/names.$f" $f "$H1" "$H2" "a|b" "'=quoted" "$H3" "$H4"
  ok $? "$f: hostile names harmless and shown as in the reports"
done
for f in csv l2tcsv jsonl bodyfile tln; do
  tl "$T_TMP/names.db" -f $f -o "$T_TMP/names.any"
  $CHECK clean "$T_TMP/names.any"
  ok $? "$f: no raw control or bidi character in the file"
done
is "$(sed -n 2p "$T_TMP/names.csv" | cut -d, -f5,6)" "'@SUM(1),'-evil" \
  "csv: division and evidence cells neutralised"
tl "$T_TMP/names.db" -f bodyfile -o "$T_TMP/names.body"
$CHECK names "$T_TMP/names.body" bodyfile && grep -q '^0|/a%7Cb|16|' "$T_TMP/names.body"
ok $? "bodyfile: 11 fields per line, | as %7C"
mactime -b "$T_TMP/names.body" -d -y > "$T_TMP/names.mac"
$CHECK names "$T_TMP/names.mac" mactime "$H1" "$H2" "a|b" "$H4"
ok $? "mactime decodes our %XX: names as the reports show them"
grep -q '^0|/a%5Cx1b\[31mb%5Cx09c%5Cu202efdp.exe -> ' "$T_TMP/names.body"
ok $? "bodyfile: the escapes' backslashes as %5C"
grep -q ',"/a\\x1b\[31mb\\x09c\\u202efdp.exe -> a_directory/another_file"$' "$T_TMP/names.mac"
ok $? "mactime shows a\\x1b[31mb\\x09c\\u202efdp.exe as the reports do"
tl "$T_TMP/names.db" -f tln -o "$T_TMP/names.tln"
$CHECK names "$T_TMP/names.tln" tln
ok $? "tln: 5 fields per line"

# ---- clamped times ------------------------------------------------------

# A timestomped $SI Created of FILETIME 1 (1601-01-01) lies before what ns
# since 1970 in int64 can hold: the case has t_ns = INT64_MIN, clamped = 1,
# raw = 1. Printed, that is a plausible 1677 date: every format but the
# body file must mark it.
cp "$T_TMP/ntfs.db" "$T_TMP/clamp.db"
eid=$(q "$T_TMP/clamp.db" "select event_id from event join object using(object_id) where path='/frag1.dat' and source='\$SI' and macb='...b'")
q "$T_TMP/clamp.db" "update event set t_ns=-9223372036854775808, raw=1, clamped=1 where event_id=$eid"
is "$(q "$T_TMP/clamp.db" "select count(*) from event where clamped")" 1 "case with one clamped event"
tl "$T_TMP/clamp.db" -o "$T_TMP/clamp.csv"
$CHECK csv "$T_TMP/clamp.csv" "$n_ntfs" \
  'path=/frag1.dat|source=$SI|macb=...b|datetime=1677-09-21T00:12:43.145224192Z|t_ns=-9223372036854775808|clamped=1|raw=1|description=[$SI Created] /frag1.dat (deleted) (time clamped; on-disk FILETIME 1)' \
  'path=/frag1.dat|source=$SI|macb=mac.|clamped=0|raw=127225584406989152' \
  'path=/frag1.dat|source=$FN|macb=macb|clamped=0|raw=127225584172151472'
ok $? "csv: the clamped row says clamped=1 and the raw FILETIME; others 0 and theirs"
is "$(awk -F, 'NR > 1 && $18 == 1' "$T_TMP/clamp.csv" | wc -l | tr -d ' ')" 1 "csv: exactly one row clamped"
head -2 "$T_TMP/clamp.csv" | tail -1 | grep -q '^1677-09-21T00:12:43.145224192Z,'
ok $? "csv: the clamped time sorts first"
l=$(tl "$T_TMP/clamp.db" -f jsonl --path /frag1.dat --source '$SI' | head -1)
case $l in
  *'"t_ns":-9223372036854775808,'*'"clamped":true,"raw":1,'*) r=0 ;;
  *) r=1; echo "# $l" ;;
esac
ok $r "jsonl: clamped true, raw 1"
is "$(tl "$T_TMP/clamp.db" -f jsonl | grep -c '"clamped":false')" "$((n_ntfs - 1))" "jsonl: the others clamped false"
is "$(tl "$T_TMP/clamp.db" -f l2tcsv --path /frag1.dat --source '$SI' | sed -n 2p | awk -F, '{ print $NF }')" \
  'division: ; volume: ; tsk_addr: 29-128-3; size: 1584; t_ns: -9223372036854775808; clamped: 1; raw: 1' \
  "l2tcsv: extra says clamped and raw"
is "$(tl "$T_TMP/clamp.db" -f tln --path /frag1.dat --source '$SI' | head -1)" \
  '-9223372037|FILE|7-ntfs-undel|0|[$SI Created] /frag1.dat (deleted) (time clamped; on-disk FILETIME 1)' \
  "tln: the description says so"
tl "$T_TMP/clamp.db" -f bodyfile -o "$T_TMP/clamp.body" 2> "$T_TMP/clamp.err"
is "$?:$(cat "$T_TMP/clamp.err")" \
  "0:touchline timeline: 1 clamped time(s) in the body file show as 1677-09-21 or 2262-04-11, unmarked (csv, jsonl, l2tcsv and tln mark them)" \
  "bodyfile: cannot mark it, says so on stderr"
is "$(grep -F '0|/frag1.dat (deleted)|' "$T_TMP/clamp.body")" \
  '0|/frag1.dat (deleted)|29-128-3|-/rrwxrwxrwx|0|0|1584|1078084840|1078084840|1078084840|-9223372037' \
  "bodyfile: the clamped crtime as seconds"
# the other end: FILETIME 0xFFFFFFFFFFFFFFFF (year 60056), INT64_MAX; raw is
# unsigned (SQLite holds it as -1)
cp "$T_TMP/clamp.db" "$T_TMP/clamp2.db"
q "$T_TMP/clamp2.db" "update event set t_ns=9223372036854775807, raw=-1, clamped=1 where event_id=$eid"
is "$(tl "$T_TMP/clamp2.db" --path /frag1.dat --source '$SI' | tail -1 | tr -d '\r' | cut -d, -f1,16-19)" \
  '2262-04-11T23:47:16.854775807Z,[$SI Created] /frag1.dat (deleted) (time clamped; on-disk FILETIME 18446744073709551615),9223372036854775807,1,18446744073709551615' \
  "csv: a time clamped to INT64_MAX, the raw FILETIME unsigned, sorted last"
is "$(tl "$T_TMP/clamp2.db" -f bodyfile --fractional --path /frag1.dat 2>/dev/null | head -1 | cut -d'|' -f11)" \
  '9223372036.8547758' "bodyfile --fractional: INT64_MAX as seconds, 7 digits"
is "$(tl "$T_TMP/clamp.db" -f bodyfile --fractional --path /frag1.dat 2>/dev/null | head -1 | cut -d'|' -f11)" \
  '-9223372037.1452241' "bodyfile --fractional: INT64_MIN as seconds (floor), 7 digits"
tl "$T_TMP/ntfs.db" -f bodyfile -o /dev/null 2> "$T_TMP/clamp.err"
is "$(cat "$T_TMP/clamp.err")" "" "bodyfile without clamped times: nothing on stderr"

# ---- an older case ---------------------------------------------------------

# The timeline opens the case TL_OPEN_READONLY, which never migrates: a
# version-2 case (no event.fn_ord, ntfs_filename keyed on attr_id; made here
# from a version-3 one) is refused with the command that upgrades it, and
# left byte for byte unchanged (docs/internals/SCHEMA.md: readers refuse an
# older case rather than guess at columns it lacks).
cp "$T_TMP/ntfs.db" "$T_TMP/v2.db"
sqlite3 "$T_TMP/v2.db" "ALTER TABLE event DROP COLUMN fn_ord;
  ALTER TABLE event DROP COLUMN tz_offset_s;
  CREATE TABLE nf2 AS SELECT object_id, attr_id, namespace, name, parent_inode,
    parent_seq, flags, alloc_size, real_size, crtime_raw, mtime_raw, ctime_raw,
    atime_raw FROM ntfs_filename;
  DROP TABLE ntfs_filename; ALTER TABLE nf2 RENAME TO ntfs_filename;
  PRAGMA user_version = 2;"
ok $? "a version-2 case"
sum=$(cksum < "$T_TMP/v2.db")
v2err=$(tl "$T_TMP/v2.db" -f bodyfile 2>&1 >/dev/null; echo "exit=$?")
case $v2err in *"touchline upgrade"*"exit=1") r=0 ;; *) r=1 ;; esac
ok $r "version 2, read-only: refused, naming 'touchline upgrade' ($v2err)"
is "$(tl "$T_TMP/v2.db" 2>/dev/null | wc -c)" "0" \
  "version 2, read-only: nothing written to the output"
is "$(cksum < "$T_TMP/v2.db"):$(q "$T_TMP/v2.db" 'pragma user_version')" "$sum:2" \
  "version 2: not migrated, not changed"

# ---- streaming, pipes, errors -------------------------------------------

# a case with many events: copies of the ext2 events, spread in time
cp "$T_TMP/ext.db" "$T_TMP/big.db"
sqlite3 "$T_TMP/big.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000)
  INSERT INTO event(object_id, evidence_id, t_ns, source, macb)
  SELECT e.object_id, e.evidence_id, e.t_ns + n.i * 1000000007, e.source, e.macb FROM event e, n;"
n_big=$(q "$T_TMP/big.db" "select count(*) from event")
for f in csv jsonl l2tcsv tln bodyfile; do
  rm -f "$T_TMP/rc" "$T_TMP/err"
  { tl "$T_TMP/big.db" -f $f 2> "$T_TMP/err"; echo $? > "$T_TMP/rc"; } | head -c 100 > /dev/null
  is "$(cat "$T_TMP/rc"):$(cat "$T_TMP/err")" "0:" "$f | head: exit 0, nothing on stderr"
done
is "$(cnt "$T_TMP/big.db")" "$n_big" "all $n_big events streamed"
if [ "${TL_SANITIZERS:-no}" = yes ]; then
  # AddressSanitizer's shadow memory makes peak RSS meaningless
  ok 0 "csv peak RSS # SKIP sanitizer build"
elif [ -x /usr/bin/time ]; then
  /usr/bin/time -f %M -o "$T_TMP/rss" "$TOUCHLINE" timeline "$T_TMP/big.db" -f csv -o /dev/null
  rss=$(tail -1 "$T_TMP/rss")
  [ "$rss" -lt 40000 ]
  ok $? "csv of $n_big events in $rss KB peak RSS"
fi

tl "$T_TMP/ntfs.db" -f xml > /dev/null 2>&1
is $? 2 "unknown format: usage error"
tl "$T_TMP/ntfs.db" --tz Mars/Olympus > /dev/null 2>&1
is $? 2 "unknown zone refused"
tl "$T_TMP/ntfs.db" --from yesterday > /dev/null 2>&1
is $? 2 "bad --from refused"
tl "$T_TMP/ntfs.db" --deleted --allocated > /dev/null 2>&1
is $? 2 "--deleted with --allocated refused"
tl "$NTFS" > /dev/null 2>&1
is $? 1 "an image is not a case"
tl "$T_TMP/missing.db" > /dev/null 2>&1
is $? 1 "missing case"
[ ! -e "$T_TMP/missing.db" ]
ok $? "a missing case is not created"
tl "$T_TMP/ntfs.db" -o /dev/full > /dev/null 2>&1
is $? 1 "write error reported"
# a device is written in place: a temporary file renamed over it would
# replace /dev/full (and the RSS run above /dev/null) with a regular file
[ -c /dev/full ] && [ -c /dev/null ]
ok $? "-o /dev/full and -o /dev/null leave the devices as they were"

# -o FILE through the tool's output.c: a temporary file beside FILE,
# renamed over it only when the export succeeds
mkdir "$T_TMP/o"
echo "an earlier timeline" > "$T_TMP/o/t.csv"
tl "$T_TMP/ntfs.db" --from yesterday -o "$T_TMP/o/t.csv" > /dev/null 2>&1
is "$?:$(cat "$T_TMP/o/t.csv")" "2:an earlier timeline" "a bad --from leaves an existing -o FILE as it was"
# a run the library refuses once the output is open (the case has no
# event table): before, fopen("w") had emptied FILE by then
cp "$T_TMP/ntfs.db" "$T_TMP/noev.db"
sqlite3 "$T_TMP/noev.db" "DROP TABLE event"
tl "$T_TMP/noev.db" -o "$T_TMP/o/t.csv" 2> "$T_TMP/o.err"
is "$?:$(cat "$T_TMP/o/t.csv")" "1:an earlier timeline" "a refused export leaves an existing -o FILE as it was"
grep -q 'no such table: event' "$T_TMP/o.err"
ok $? "... and says why ($(head -1 "$T_TMP/o.err"))"
is "$(ls -A "$T_TMP/o")" "t.csv" "... no temporary file left behind"
chmod 640 "$T_TMP/o/t.csv"
tl "$T_TMP/ntfs.db" -o "$T_TMP/o/t.csv"
is "$?:$(wc -l < "$T_TMP/o/t.csv" | tr -d ' '):$(stat -c %a "$T_TMP/o/t.csv")" "0:$((n_ntfs + 1)):640" \
  "a good run replaces it (all $n_ntfs events and the header), mode kept"
is "$(ls -A "$T_TMP/o")" "t.csv" "... no temporary file left behind"

# The export reads the events in windows of bounded size, ordered in memory
# (store/query.c); windows of three events (a test hook) must give the
# bytes of one window, in every format, with and without a filter
if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  for db in ntfs fat two; do
    for f in bodyfile csv jsonl l2tcsv tln; do
      tl "$T_TMP/$db.db" -f $f -o "$T_TMP/win1.$f" &&
      TOUCHLINE_EXPORT_WINDOW=3 tl "$T_TMP/$db.db" -f $f -o "$T_TMP/win3.$f" &&
      tl "$T_TMP/$db.db" -f $f --source '$FN,inode' -o "$T_TMP/win1f.$f" &&
      TOUCHLINE_EXPORT_WINDOW=3 tl "$T_TMP/$db.db" -f $f --source '$FN,inode' -o "$T_TMP/win3f.$f" &&
      [ -s "$T_TMP/win1.$f" ] &&
      cmp -s "$T_TMP/win1.$f" "$T_TMP/win3.$f" &&
      cmp -s "$T_TMP/win1f.$f" "$T_TMP/win3f.$f"
      ok $? "$db, $f: windows of 3 events export the same bytes as one"
    done
  done
else
  ok 0 "export windows # SKIP TOUCHLINE_EXPORT_WINDOW needs configure --enable-test-hooks"
fi

# lines formatted in batches by two threads (render/timeline.c): the bytes
# of one thread, with batches of 1 and 2 lines (every slot of the ring
# full, both threads formatting) and windows of 3 events
if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  for db in ntfs fat two names; do
    for f in csv jsonl l2tcsv tln; do
      TOUCHLINE_EXPORT_THREADS=1 tl "$T_TMP/$db.db" -f $f -o "$T_TMP/th1.$f" &&
      TOUCHLINE_EXPORT_THREADS=2 TOUCHLINE_EXPORT_BATCH=1 \
        tl "$T_TMP/$db.db" -f $f -o "$T_TMP/th2.$f" &&
      TOUCHLINE_EXPORT_THREADS=2 TOUCHLINE_EXPORT_BATCH=2 \
        TOUCHLINE_EXPORT_WINDOW=3 tl "$T_TMP/$db.db" -f $f --tz Europe/Berlin \
        --source '$FN,inode' -o "$T_TMP/th2f.$f" &&
      TOUCHLINE_EXPORT_THREADS=1 tl "$T_TMP/$db.db" -f $f --tz Europe/Berlin \
        --source '$FN,inode' -o "$T_TMP/th1f.$f" &&
      [ -s "$T_TMP/th1.$f" ] &&
      cmp -s "$T_TMP/th1.$f" "$T_TMP/th2.$f" &&
      cmp -s "$T_TMP/th1f.$f" "$T_TMP/th2f.$f"
      ok $? "$db, $f: two formatting threads export the bytes of one"
    done
  done
else
  ok 0 "two formatting threads # SKIP TOUCHLINE_EXPORT_THREADS needs configure --enable-test-hooks"
fi

done_testing
