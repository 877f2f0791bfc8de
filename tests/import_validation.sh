#!/bin/sh
# Input validation (issue 8): CSV imports (NUL bytes, non-UTF-8, UTF-16,
# BOM-only files, trailing commas, '..'), labels and divisions that are not
# UTF-8, exposure arguments, and `-o` that never empties an existing report.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest -q -l FS01 -d "Space Technology" "$CASE" \
  "$S/evidence/FS01.E01"
ok $? "ingest FS01"
q() { sqlite3 "$CASE" "$1"; }
imp() { # imp KIND FILE: import, stderr to $T_TMP/err, exit status printed
  "$TOUCHLINE" "$1" "$CASE" import "$2" 2>"$T_TMP/err"; echo $?
}
T="$T_TMP/t.csv"

# ---- CSV: a NUL byte never truncates a value ----------------------------
printf 'path,note\n/a.pdf\000/evil/other.pdf,x\n' >"$T"
is "$(imp targets "$T")" 1 "targets: a NUL inside a path is refused"
grep -q "t.csv:2: a NUL byte" "$T_TMP/err"
ok $? "... with FILE:LINE and the cause"
is "$(q "select count(*) from target")" 0 "... and nothing is stored"
printf 'path\000garbage\n/a.pdf\n' >"$T"
is "$(imp targets "$T")" 1 "targets: a NUL inside the header is refused"
grep -q "t.csv:1: a NUL byte" "$T_TMP/err"
ok $? "... at line 1"
printf 'evidence,path_prefix,division\nFS01,/Shares\000x,Evil\n' >"$T"
is "$(imp divisions "$T")" 1 "divisions: a NUL inside a prefix is refused"
grep -q "t.csv:2: a NUL byte" "$T_TMP/err"
ok $? "... with FILE:LINE"
is "$(q "select count(*) from division_map")" 0 "... nothing stored"

# ---- CSV: UTF-8 only, in both files -------------------------------------
printf 'evidence,path_prefix,division\nFS01,/Shares/Research,R\351search\n' \
  >"$T"
is "$(imp divisions "$T")" 1 "divisions: a Latin-1 byte is refused"
grep -q "t.csv:2: bytes that are not UTF-8" "$T_TMP/err"
ok $? "... with the line"
printf 'path,note\n/caf\351.pdf,x\n' >"$T"
is "$(imp targets "$T")" 1 "targets: a Latin-1 byte is refused"
grep -q "t.csv:2: bytes that are not UTF-8" "$T_TMP/err"
ok $? "... with the same words"
printf '\377\376p\000a\000t\000h\000\n\000' >"$T"
is "$(imp targets "$T")" 1 "UTF-16LE with BOM is refused"
grep -q "t.csv:1: file is UTF-16: save it as UTF-8" "$T_TMP/err"
ok $? "... and named as UTF-16"
printf 'p\000a\000t\000h\000\n\000' >"$T"
imp targets "$T" >/dev/null
grep -q "file is UTF-16: save it as UTF-8" "$T_TMP/err"
ok $? "UTF-16LE without BOM is named as UTF-16"
printf '\376\377\000p\000a\000t\000h\000\n' >"$T"
imp divisions "$T" >/dev/null
grep -q "file is UTF-16: save it as UTF-8" "$T_TMP/err"
ok $? "divisions: UTF-16BE is named as UTF-16"
printf '\357\273\277' >"$T"
is "$(imp targets "$T")" 1 "a file with only a BOM is refused"
grep -q "only a UTF-8 byte order mark" "$T_TMP/err"
ok $? "... and says so"
printf '\357\273\277path,note\n/bom.pdf,x\n' >"$T"
is "$(imp targets "$T")" 0 "a BOM before the header is fine"
is "$(q "select path from target")" "/bom.pdf" "... the first column is path"

# ---- CSV: trailing commas -----------------------------------------------
printf 'path,note,\n/a.pdf,x,\n' >"$T"
imp targets "$T" >/dev/null
grep -q "t.csv:1: column 3 has no name (a trailing comma?)" "$T_TMP/err"
ok $? "a trailing comma in the header is named"
printf 'path,note\n/a.pdf,x,\n' >"$T"
imp targets "$T" >/dev/null
grep -q "t.csv:2: 3 fields, the header has 2 (a trailing comma?)" \
  "$T_TMP/err"
ok $? "a trailing comma in a row is named"
printf 'evidence,path_prefix,division\nFS01,/Shares,X,\n' >"$T"
imp divisions "$T" >/dev/null
grep -q "t.csv:2: 4 fields, the header has 3 (a trailing comma?)" \
  "$T_TMP/err"
ok $? "divisions: a trailing comma in a row is named"

# ---- CSV: '..' is resolved (and said) or refused ------------------------
P=/Shares/SpaceTechnology/Partners/Orbitek/Drawings
printf 'path\n%s/../Drawings/./Orbitek_Star_Tracker_CAD_Model_RevE.step\n' \
  "$P" >"$T"
is "$(imp targets "$T")" 0 "targets: a path with '..' imports"
grep -q "t.csv:2: note: .* read as '$P/Orbitek_Star_Tracker_CAD_Model_RevE.step'" \
  "$T_TMP/err"
ok $? "... with a note saying how it was read"
is "$(q "select pattern from target")" \
  "$P/Orbitek_Star_Tracker_CAD_Model_RevE.step" "... stored resolved"
is "$(q "select count(*) from target_match")" 1 "... and it matches the file"
printf 'path\n/../../etc/passwd\n' >"$T"
is "$(imp targets "$T")" 1 "'..' above the root is refused"
grep -q "t.csv:2: '..' climbs above the root" "$T_TMP/err"
ok $? "... saying why"
printf 'path\n/a/*/../b.pdf\n' >"$T"
imp targets "$T" >/dev/null
grep -q "t.csv:2: '..' after a wildcard" "$T_TMP/err"
ok $? "'..' after a wildcard is refused"
printf 'evidence,path_prefix,division\nFS01,/Shares/Research/../Administration,Adm\n' >"$T"
is "$(imp divisions "$T")" 0 "divisions: a prefix with '..' imports"
is "$(q "select path_prefix from division_map")" "/Shares/Administration" \
  "... resolved"

# ---- division of a path: one rule, case-blind per file system ----------
# exposure (SQL) and matching used two rules: SQL lower() everywhere,
# strncasecmp only on some file systems
K=/Shares/Research/Partners/KestrelDynamics/Meetings/Kestrel_Progress_Meeting_2023-03-16.pptx
printf 'evidence,path_prefix,division\nFS01,/shares/RESEARCH,Res-lc\n' >"$T"
is "$(imp divisions "$T")" 0 "NTFS: a prefix in another case imports"
printf 'path,division\n%s,Res-lc\n' "$K" >"$T"
is "$(imp targets "$T")" 0 "a target scoped to that division imports"
is "$(q "select count(*) from target_match")" 1 \
  "NTFS: matching puts the file in the division (case-blind)"
"$TOUCHLINE" exposure "$CASE" --from 2023-01-01 --to 2024-01-01 \
  --format csv -o "$T_TMP/div.csv"
is "$("$PYTHON3" -c 'import csv,sys; print(";".join(r["division"] for r in csv.DictReader(open(sys.argv[1]))))' "$T_TMP/div.csv")" \
  "Res-lc" "NTFS: exposure puts it in the same division"
EXT=$TL_CORPUS/sleuthkit/test/data/image.dd
if [ -f "$EXT" ]; then
  "$TOUCHLINE" ingest -q -l EXT -d Base "$CASE" "$EXT"
  ok $? "ingest an ext2 image"
  printf 'evidence,path_prefix,division\nEXT,/A_DIRECTORY,Upper\nEXT,/a_directory,Lower\n' >"$T"
  imp divisions "$T" >/dev/null
  printf 'path\n/a_directory/a_file\n' >"$T"
  imp targets "$T" >/dev/null
  "$TOUCHLINE" exposure "$CASE" --from 1970-01-01 --to 2100-01-01 \
    --format csv -o "$T_TMP/div.csv"
  is "$("$PYTHON3" -c 'import csv,sys; print(";".join(r["division"] for r in csv.DictReader(open(sys.argv[1]))))' "$T_TMP/div.csv")" \
    "Lower" "ext2: exposure keeps case (the prefix in another case is not it)"
  printf 'evidence,path_prefix,division\nEXT,/A_DIRECTORY,Upper\n' >"$T"
  imp divisions "$T" >/dev/null
  "$TOUCHLINE" exposure "$CASE" --from 1970-01-01 --to 2100-01-01 \
    --format csv -o "$T_TMP/div.csv"
  is "$("$PYTHON3" -c 'import csv,sys; print(";".join(r["division"] for r in csv.DictReader(open(sys.argv[1]))))' "$T_TMP/div.csv")" \
    "Base" "ext2: ... and falls back to the item's division"
  printf 'evidence,path_prefix,division\n' >"$T"
  imp divisions "$T" >/dev/null
  printf 'path\n/x\n' >"$T"
  imp targets "$T" >/dev/null
else
  ok 0 "# SKIP ext2 image not in $TL_CORPUS"
  ok 0 "# SKIP ext2 image not in $TL_CORPUS"
  ok 0 "# SKIP ext2 image not in $TL_CORPUS"
fi

# ---- labels and divisions are text --------------------------------------
"$TOUCHLINE" ingest -q -l "$(printf 'bad\377')" "$T_TMP/l.db" \
  "$S/evidence/WS17.E01" 2>"$T_TMP/err"
is "$?" 2 "ingest: a label that is not UTF-8 is refused"
grep -q -- "--label is not valid UTF-8" "$T_TMP/err"
ok $? "... naming --label"
[ ! -e "$T_TMP/l.db" ]
ok $? "... before a case file is created"
"$TOUCHLINE" ingest -q -d "$(printf 'R\351search')" "$T_TMP/l.db" \
  "$S/evidence/WS17.E01" 2>"$T_TMP/err"
is "$?" 2 "ingest: a division that is not UTF-8 is refused"
grep -q -- "--division is not valid UTF-8" "$T_TMP/err"
ok $? "... naming --division"
"$TOUCHLINE" ingest -q -d "" "$T_TMP/l.db" "$S/evidence/WS17.E01" \
  2>"$T_TMP/err"
is "$?" 2 "ingest: an empty --division is refused"
"$TOUCHLINE" ingest -q --fat-tz Europe/Berln "$T_TMP/l.db" \
  "$S/evidence/WS17.E01" 2>"$T_TMP/err"
is "$?" 2 "ingest: an unknown --fat-tz is refused (was read as UTC)"
grep -q -- "--fat-tz Europe/Berln: unknown time zone" "$T_TMP/err"
ok $? "... naming --fat-tz and the cause"
[ ! -e "$T_TMP/l.db" ]
ok $? "... before a case file is created"
cp "$S/evidence/WS17.E01" "$T_TMP/$(printf 'ws\37717').E01"
"$TOUCHLINE" ingest -q "$T_TMP/l.db" "$T_TMP/$(printf 'ws\37717').E01"
ok $? "ingest: an image whose file name is not UTF-8"
is "$(sqlite3 "$T_TMP/l.db" "select label from evidence")" 'ws\xff17' \
  "... gets a text label, the byte escaped"
"$TOUCHLINE" info "$T_TMP/l.db" --json | "$PYTHON3" -c 'import json,sys; json.load(sys.stdin)'
ok $? "... and info --json is valid JSON"

# ---- exposure arguments -------------------------------------------------
ex() { "$TOUCHLINE" exposure "$CASE" "$@" 2>"$T_TMP/err"; echo $?; }
W="--from 2023-06-05 --to 2023-06-21"
for a in abc -5 0 99999999999 1.5 ''; do
  # shellcheck disable=SC2086
  is "$(ex $W --burst-count "$a")" 2 "--burst-count '$a' refused"
  grep -q -- "--burst-count $a: not a whole number" "$T_TMP/err"
  ok $? "... naming --burst-count"
done
for a in nan 1e300 -1 0 inf abc 5x; do
  # shellcheck disable=SC2086
  is "$(ex $W --burst-window "$a")" 2 "--burst-window '$a' refused"
  grep -q -- "--burst-window $a: not a number of minutes" "$T_TMP/err"
  ok $? "... naming --burst-window"
done
is "$(ex --from 2023-02-30 --to 2023-03-05)" 2 "--from 2023-02-30 refused"
grep -q -- "--from 2023-02-30: no such day" "$T_TMP/err"
ok $? "... naming --from and the cause"
is "$(ex --from 2023-06-05 --to 2023-06-05T24:59)" 2 "--to T24:59 refused"
is "$(ex --from 2023-06-05T10:00+99:99 --to 2023-06-06)" 2 "+99:99 refused"
is "$(ex --from 2023-06-05 --to 9999-12-31)" 2 "year 9999 refused"
grep -q -- "--to 9999-12-31: out of range" "$T_TMP/err"
ok $? "... as out of range"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-05T10:00 --to 2023-06-21 \
  --tz Europe/Berlin --format json -o "$T_TMP/tz.json"
is "$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; print(w["from"], w["to"])' "$T_TMP/tz.json")" \
  "2023-06-05T08:00:00.000000000Z 2023-06-20T22:00:00.000000000Z" \
  "--tz Europe/Berlin: times without an offset are Berlin summer time"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-05T10:00Z --to 2023-06-21 \
  --tz Europe/Berlin --format json -o "$T_TMP/tz.json"
is "$("$PYTHON3" -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; print(w["from"])' "$T_TMP/tz.json")" \
  "2023-06-05T10:00:00.000000000Z" "... an explicit Z wins"
is "$(ex $W --tz Europe/Berln)" 2 "an unknown --tz is refused"
grep -q -- "--tz Europe/Berln: unknown time zone" "$T_TMP/err"
ok $? "... naming --tz and the cause"
is "$(ex --from 2023-06-05T12:00 --to 2023-06-05T12:00)" 2 \
  "--from equal to --to refused"
grep -q "the window \[from, to) is empty" "$T_TMP/err"
ok $? "... saying the window is empty"
is "$(ex $W --burst-count 3 --burst-window 0.5 -o "$T_TMP/ok.txt")" 0 \
  "good --burst-count and --burst-window accepted"
grep -q "Bursts (at least 3 targets touched within 30 seconds)" "$T_TMP/ok.txt"
ok $? "... and used in the report"

# ---- -o never empties an existing report ----------------------------------
echo "the old report" >"$T_TMP/report.txt"
chmod 640 "$T_TMP/report.txt"
ex --from 2023-06-21 --to 2023-06-05 -o "$T_TMP/report.txt" >/dev/null
is "$(cat "$T_TMP/report.txt")" "the old report" \
  "a refused run leaves the existing report"
ex $W --format nope -o "$T_TMP/report.txt" >/dev/null
is "$(cat "$T_TMP/report.txt")" "the old report" \
  "... also for a bad --format"
cp "$CASE" "$T_TMP/c2.db"
sqlite3 "$T_TMP/c2.db" "DROP TABLE target_match"
"$TOUCHLINE" exposure "$T_TMP/c2.db" $W -o "$T_TMP/report.txt" 2>/dev/null
is "$?" 1 "a run that fails inside the library fails"
is "$(cat "$T_TMP/report.txt")" "the old report" \
  "... and leaves the existing report"
is "$(ex $W -o "$T_TMP/report.txt")" 0 "a good run"
grep -q "Bursts" "$T_TMP/report.txt"
ok $? "... replaces the report"
is "$(stat -c %a "$T_TMP/report.txt")" 640 "... keeping its mode"
is "$(ls -A "$T_TMP" | grep -c '^\.report')" 0 "no temporary file is left"
done_testing
