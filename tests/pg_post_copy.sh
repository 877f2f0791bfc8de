#!/bin/sh
# What a PostgreSQL item copy does after its commit (docs/POSTGRESQL.md,
# "Ingest"), on a throwaway server (tests/pg_lib.sh), against SQLite cases
# ingested the same way, with FAT images built here (mkfs.fat, mtools):
# - content hashes: WS01 holds a copy of FS01's registered file under
#   another name (found only by its hash); WS01 ingested, the register
#   imported, then FS01: `ingest URI` hashes WS01's copy after FS01's copy
#   commits, as a SQLite ingest's match stage does, so the exposure report
#   (with the copy) and the hashes equal the SQLite case's without
#   `targets match`; when WS01's image cannot be opened any more, FS01 is
#   stored all the same, one warning line and its run's message count the
#   candidate left, `queue status` says `targets URI match` is needed, and
#   that command (the image back) makes the case equal again;
# - UNC links: WS02's `\\FS01\share\...` links and FS01 copied at the same
#   moment (test hooks: TOUCHLINE_PG_PAUSE holds one inside its copy
#   transaction while the other copies and commits), in either order of
#   commit: the links end resolved exactly as in a SQLite case ingested
#   one item after the other.
. "$TL_SRCDIR/tests/lib.sh"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null && command -v mmd >/dev/null ||
  skip_all "mkfs.fat and mtools (mcopy, mmd) not installed"
GOOD="$(dirname "$TOUCHLINE")/tests/plugin/.libs/tp_good.so"
[ -f "$GOOD" ] || skip_all "test plugin not built ($GOOD)"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
q() { sqlite3 "$1" "$2"; }
TMPDIR="$T_TMP/stage"
export TMPDIR
mkdir -p "$TMPDIR"
I="$T_TMP/img"
mkdir -p "$I"

# the files: plan (6173 bytes of a fixed pseudo-random sequence), a note
"$PYTHON3" -c '
import random, sys
r = random.Random(7)
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(6173)))' "$I/plan.bin"
printf 'hello\n' >"$I/note.txt"
PLAN_SHA=$(sha256sum "$I/plan.bin" | cut -c1-64)
# fat IMAGE LABEL: a 4 MiB FAT volume
fat() { dd if=/dev/zero of="$1" bs=1M count=4 2>/dev/null && mkfs.fat -n "$2" "$1" >/dev/null; }
fat "$I/fs01.img" FS01 && mmd -i "$I/fs01.img" ::/share &&
  mcopy -i "$I/fs01.img" "$I/plan.bin" ::/share/plan.docx &&
  mcopy -i "$I/fs01.img" "$I/note.txt" ::/share/note.txt &&
  fat "$I/ws01.img" WS01 && mmd -i "$I/ws01.img" ::/Users ::/Users/bob &&
  mcopy -i "$I/ws01.img" "$I/plan.bin" ::/Users/bob/copy.bin &&
  mcopy -i "$I/ws01.img" "$I/note.txt" ::/Users/bob/todo.txt
ok $? "FAT images: FS01 with /share/plan.docx, WS01 with a copy of it as /Users/bob/copy.bin"
printf 'path,name,size,md5,sha1,sha256,partner,classification,division,evidence,note\n/share/plan.docx,,6173,,,%s,Acme,Confidential,Eng,FS01,\n' \
  "$PLAN_SHA" >"$T_TMP/reg.csv"
FROM=2000-01-01 TO=2099-12-31
expo() { "$TOUCHLINE" exposure "$1" --from $FROM --to $TO --format json | norm_unordered; }
hashes() { # label:name of each hashed object
  echo "select e.label || ':' || o.name from object_hash h join object o using (object_id) join evidence e using (evidence_id) order by 1"
}

# ---- content hashes
A="$T_TMP/a.db"
"$TOUCHLINE" ingest "$A" "$I/ws01.img" -l WS01 -q &&
  "$TOUCHLINE" targets "$A" import "$T_TMP/reg.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" ingest "$A" "$I/fs01.img" -l FS01 -d Eng -q
ok $? "SQLite: WS01, the register, then FS01"
is "$(q "$A" "$(hashes)" | tr '\n' ' ')" "FS01:plan.docx WS01:copy.bin " \
  "SQLite: FS01's match stage hashed FS01's occurrence and WS01's copy candidate"
expo "$A" >"$T_TMP/exA"
grep -q '"copies": 1,' "$T_TMP/exA" && grep -q '"path": "/Users/bob/copy.bin"' "$T_TMP/exA"
ok $? "SQLite: the exposure report lists WS01's copy.bin as a copy (found by its hash only)"

pg_createdb h1
U=$(pg_uri h1)
"$TOUCHLINE" ingest "$U" "$I/ws01.img" -l WS01 -q &&
  "$TOUCHLINE" targets "$U" import "$T_TMP/reg.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" ingest "$U" "$I/fs01.img" -l FS01 -d Eng -q 2>"$T_TMP/e1"
ok $? "PostgreSQL: WS01, the register, then FS01 (ingest URI)"
is "$(cat "$T_TMP/e1")" "" "... nothing said: every candidate could be hashed"
is "$(pg_sql h1 "$(hashes)" | tr '\n' ' ')" "FS01:plan.docx WS01:copy.bin " \
  "PostgreSQL: WS01's copy candidate hashed after FS01's copy, without targets match"
is "$(pg_sql h1 "select count(*) from object_hash")" "$(q "$A" "select count(*) from object_hash")" \
  "object_hash rows as the SQLite case (2)"
is "$(pg_sql h1 "select md5 || ' ' || sha256 from object_hash h join object o using (object_id) where o.name = 'copy.bin'")" \
  "$(q "$A" "select md5 || ' ' || sha256 from object_hash h join object o using (object_id) where o.name = 'copy.bin'")" \
  "... the copy's MD5 and SHA-256 as the SQLite case's"
expo "$U" >"$T_TMP/exU"
if cmp -s "$T_TMP/exA" "$T_TMP/exU"; then ok 0 "the exposure report JSON equals the SQLite case's (the copy in it)"
else ok 1 "the exposure report JSON equals the SQLite case's (the copy in it)"; diff "$T_TMP/exA" "$T_TMP/exU" | head -20 | sed 's/^/# /'; fi
is "$(pg_sql h1 "select count(*) from run where message is not null")" 0 "no run has a message"

# WS01's image not reachable from where FS01 is ingested
cp "$I/ws01.img" "$T_TMP/ws01-moved.img"
pg_createdb h2
U2=$(pg_uri h2)
"$TOUCHLINE" ingest "$U2" "$T_TMP/ws01-moved.img" -l WS01 -q &&
  "$TOUCHLINE" targets "$U2" import "$T_TMP/reg.csv" >/dev/null 2>&1
ok $? "PostgreSQL: WS01 (from another path) and the register"
mv "$T_TMP/ws01-moved.img" "$T_TMP/ws01-away.img"
printf 'FS01\tEng\t%s\n' "$I/fs01.img" >"$T_TMP/m.tsv"
"$TOUCHLINE" queue "$U2" add --manifest "$T_TMP/m.tsv" >/dev/null &&
  "$TOUCHLINE" worker "$U2" --drain -q 2>"$T_TMP/e2"
is "$?" 0 "FS01 worked (queue add, worker) while WS01's image cannot be opened: exit 0"
W="1 copy candidates of the case not hashed (evidence WS01: image file $T_TMP/ws01-moved.img (ingested as $T_TMP/ws01-moved.img) cannot be opened: No such file or directory): \`touchline targets URI match\` hashes them where every item's image can be opened"
is "$(cat "$T_TMP/e2")" "touchline worker: FS01: warning: $W" "... one warning line counts the candidate left and says why"
is "$(pg_sql h2 "select count(*) from evidence where label = 'FS01'")|$(pg_sql h2 "select status || '|' || message from run where label = 'FS01'")" \
  "1|complete|$W" "... FS01 is stored, its run complete, with the warning as its message"
is "$(pg_sql h2 "$(hashes)" | tr '\n' ' ')" "FS01:plan.docx " "... WS01's copy not hashed"
"$TOUCHLINE" queue "$U2" status >"$T_TMP/st"
is "$(awk -F'\t' '$1 == "FS01" {print $9}' "$T_TMP/st")|$(tail -n 1 "$T_TMP/st")" \
  "$W|1 copy candidates of the case have no content hash (an item's image could not be opened where it was copied): run \`touchline targets URI match\` where every item's image can be opened" \
  "queue status: the run's message as FS01's note, and a last line: targets URI match is needed"
expo "$U2" >"$T_TMP/exU2"
cmp -s "$T_TMP/exA" "$T_TMP/exU2"
is "$?" 1 "... meanwhile its exposure report lacks the copy"
pg_createdb h3
U3=$(pg_uri h3)
"$TOUCHLINE" ingest "$U3" "$I/ws01.img" -l WS01 -q &&
  "$TOUCHLINE" targets "$U3" import "$T_TMP/reg.csv" >/dev/null 2>&1 &&
  mv "$I/ws01.img" "$I/ws01-away.img" &&
  "$TOUCHLINE" ingest "$U3" "$I/fs01.img" -l FS01 -d Eng -q 2>"$T_TMP/e3"
is "$?" 0 "ingest URI of FS01 while WS01's image cannot be opened: exit 0"
mv "$I/ws01-away.img" "$I/ws01.img"
is "$(cat "$T_TMP/e3")" "touchline: $I/fs01.img: warning: 1 copy candidates of the case not hashed (evidence WS01: image file $I/ws01.img (ingested as $I/ws01.img) cannot be opened: No such file or directory): \`touchline targets URI match\` hashes them where every item's image can be opened" \
  "... one warning line (ingest URI), also with -q"
mv "$T_TMP/ws01-away.img" "$T_TMP/ws01-moved.img"
"$TOUCHLINE" targets "$U2" match >/dev/null 2>&1
is "$?" 0 "targets URI match with the image back: exit 0"
is "$(pg_sql h2 "$(hashes)" | tr '\n' ' ')" "FS01:plan.docx WS01:copy.bin " "... it hashed WS01's copy"
"$TOUCHLINE" queue "$U2" status >"$T_TMP/st2"
is "$(grep -c 'copy candidates of the case have no content hash' "$T_TMP/st2")|$(tail -n 1 "$T_TMP/st2" | cut -c1-15)" "0|1 items: 0 wait" \
  "queue status: no candidate left, no such line"
expo "$U2" >"$T_TMP/exU2b"
cmp -s "$T_TMP/exA" "$T_TMP/exU2b"
ok $? "... and the exposure report equals the SQLite case's"

# ---- UNC links of items copied at the same moment
[ "${TL_TEST_HOOKS:-}" = yes ] || { done_testing; exit; }
printf '%s\n' \
  'EV 4 1686000005000000000 0 path:\\FS01\share\plan.docx bob k=unc1' \
  'EV 4 1686000006000000000 0 path:\\fs01\SHARE\note.txt bob k=unc2' \
  'EV 4 1686000007000000000 0 path:\\FS01\share\missing.txt bob k=unc3' \
  >"$I/links.tltest"
fat "$I/ws02.img" WS02 && mmd -i "$I/ws02.img" ::/Users ::/Users/bob &&
  mcopy -i "$I/ws02.img" "$I/links.tltest" ::/Users/bob/links.tltest
ok $? "WS02: a FAT image with three links to \\\\FS01\\share\\... (tltest records)"
B="$T_TMP/b.db"
"$TOUCHLINE" ingest "$B" "$I/ws02.img" -l WS02 --plugin "$GOOD" -q &&
  "$TOUCHLINE" ingest "$B" "$I/fs01.img" -l FS01 --plugin "$GOOD" -q
ok $? "SQLite: WS02, then FS01"
UNC="SELECT w.label, a.path, coalesce(a.resolved_by, '-'), coalesce(e.label, '-'),
  coalesce(o.path, '-'), coalesce(o.size, -1) FROM artifact_event a JOIN evidence w ON
  w.evidence_id = a.evidence_id LEFT JOIN object o ON o.object_id =
  a.object_id LEFT JOIN evidence e ON e.evidence_id = o.evidence_id WHERE
  substr(a.path, 1, 2) = '\\\\' ORDER BY a.path"
q "$B" "$UNC" >"$T_TMP/uncB"
is "$(cut -d'|' -f3-6 "$T_TMP/uncB" | sort | tr '\n' ';')" \
  "-|-|-|-1;share|FS01|/share/note.txt|6;share|FS01|/share/plan.docx|6173;" \
  "SQLite: two links resolved to FS01's files by the share, one to no file unresolved"
PAUSE="$T_TMP/pause"
# held HELD NEXT DB: HELD's ingest paused inside its copy transaction
# while NEXT is ingested and committed, then HELD let go
held() {
  pg_createdb "$3"
  UC=$(pg_uri "$3")
  rm -f "$PAUSE"
  TOUCHLINE_PG_PAUSE=$PAUSE "$TOUCHLINE" ingest "$UC" "$I/$(echo "$1" | tr 'A-Z' 'a-z').img" \
    -l "$1" --plugin "$GOOD" -q 2>"$T_TMP/h-$3" & HP=$!
  wait_for 60 test -f "$PAUSE"
  ok $? "$3: $1 inside its copy transaction, paused"
  "$TOUCHLINE" ingest "$UC" "$I/$(echo "$2" | tr 'A-Z' 'a-z').img" -l "$2" --plugin "$GOOD" -q
  is "$?" 0 "$3: meanwhile $2 copied and committed"
  is "$(pg_sql "$3" "select string_agg(label, ' ') from evidence")" "$2" "$3: ... $1 not in the case yet"
  rm -f "$PAUSE"
  wait $HP
  is "$?" 0 "$3: $1 let go: committed after $2"
  pg_sql "$3" "$UNC" >"$T_TMP/unc-$3"
  if cmp -s "$T_TMP/uncB" "$T_TMP/unc-$3"; then ok 0 "$3: the links resolved as in the SQLite case (label, path, resolved_by, object)"
  else ok 1 "$3: the links resolved as in the SQLite case (label, path, resolved_by, object)"; diff "$T_TMP/uncB" "$T_TMP/unc-$3" | sed 's/^/# /'; fi
}
held WS02 FS01 u1
held FS01 WS02 u2
done_testing
