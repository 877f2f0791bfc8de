#!/bin/sh
# The writing commands on a PostgreSQL case (docs/POSTGRESQL.md, "Ingest"
# and "The register") on a throwaway server (tests/pg_lib.sh): `targets URI
# import`, `divisions URI import` into a case, `ingest URI IMAGE` item by
# item (matched against the register as it is copied in), a duplicate
# refused, a failing image and a process killed inside the copy losing
# nothing of the case; then the register imported into a case that has its
# items already (matched on the server's items), `targets list|stats|match`;
# every result compared with the SQLite case built the same way; `ingest
# URI --manifest F -j 2`.
. "$TL_SRCDIR/tests/lib.sh"
S=$(cd "$TL_SRCDIR/samples" && pwd -P)
[ -f "$S/evidence/WS17.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
q() { sqlite3 "$1" "$2"; }
PW=Ing3stS3cretPW
export TMPDIR="$T_TMP"
expo() { "$TOUCHLINE" exposure "$1" --from 2023-06-05 --to 2023-06-21 --format json | norm_unordered; }
per_item_pg() { pg_sql "$1" "select string_agg(e.label || ' ' || n, ';' order by e.label) from (select o.evidence_id, count(*) n from target_match m join object o using (object_id) group by 1) x join evidence e using (evidence_id)"; }
per_item_sq() { q "$1" "select group_concat(label || ' ' || n, ';') from (select e.label, count(*) n from target_match m join object o using (object_id) join evidence e using (evidence_id) group by 1 order by 1)"; }

# ---- the reference: SQLite, register first, then the items one by one
A="$T_TMP/a.db"
pg_createdb e0
"$TOUCHLINE" worker "$(pg_uri e0)" --drain -q 2>/dev/null
"$TOUCHLINE" case copy "$(pg_uri e0)" "$A" -q
"$TOUCHLINE" divisions "$A" import "$S/shares.csv" 2>/dev/null
"$TOUCHLINE" targets "$A" import "$S/targets.csv" 2>/dev/null
while IFS='	' read -r l d i; do
  case "$l" in \#*) continue;; esac
  "$TOUCHLINE" ingest "$A" "$S/$i" --label "$l" --division "$d" -q 2>/dev/null
done <"$S/evidence.tsv"
is "$(q "$A" "select count(*) from evidence")" 3 "the SQLite reference case has the three items"

# ---- a PostgreSQL case built the same way
pg_createdb i1
U="postgresql://postgres:$PW@/i1?host=$PG_DIR"
"$TOUCHLINE" divisions "$U" import "$S/shares.csv" 2>"$T_TMP/d1"
is "$?" 0 "divisions URI import: exit 0 (into a database without a case: the schema made)"
"$TOUCHLINE" targets "$U" import "$S/targets.csv" 2>"$T_TMP/t1"
is "$?" 0 "targets URI import: exit 0"
grep -q "targets.csv: $(q "$A" "select count(*) from target") row(s) imported, 0 skipped; 0 target occurrence(s) in the case" "$T_TMP/t1"
ok $? "... every row imported, nothing to match yet: $(head -n 1 "$T_TMP/t1")"
is "$(pg_sql i1 "select count(*) || ' ' || count(distinct pattern) from target")" "$(q "$A" "select count(*) || ' ' || count(distinct pattern) from target")" \
  "the register is on the server: rows and patterns as the SQLite import"
is "$(pg_sql i1 "select string_agg(evidence || ':' || path_prefix || ':' || division, ';' order by evidence, path_prefix) from division_map")" \
  "$(q "$A" "select group_concat(evidence || ':' || path_prefix || ':' || division, ';') from (select * from division_map order by evidence, path_prefix)")" \
  "the division map is on the server"

"$TOUCHLINE" ingest "$U" "$S/evidence/FS01.E01" --label FS01 --division "Space Technology" 2>"$T_TMP/i1"
is "$?" 0 "ingest URI IMAGE: exit 0"
grep -q "FS01.E01: evidence 1: 498 objects, 2154 events, " "$T_TMP/i1"
ok $? "... it says what it stored: $(tail -n 1 "$T_TMP/i1")"
"$TOUCHLINE" ingest "$U" "$S/evidence/WS17.E01" -l WS17 -d Administration -q &&
  "$TOUCHLINE" ingest "$U" "$S/evidence/WS22.E01" -l WS22 -d Research -q
is "$?" 0 "two more items"
is "$(pg_sql i1 "select string_agg(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';' order by label) from evidence")" \
  "$(q "$A" "select group_concat(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';') from (select * from evidence order by label)")" \
  "per item: division, objects, events, MD5 as the SQLite ingest"
is "$(pg_sql i1 "select count(*) from pg_inherits where inhparent = 'event'::regclass")" 3 "one event partition per item"
is "$(pg_sql i1 "select string_agg(status, ' ' order by run_id) from run")" "complete complete complete" "three complete runs"
! pg_sql i1 "select command_line from run" | grep -q "$PW" &&
  pg_sql i1 "select command_line from run" | grep -q 'postgres:\*\*\*@/i1'
ok $? "run rows record the command line without the password"
is "$(per_item_pg i1)" "$(per_item_sq "$A")" "each item matched as it was copied in: target occurrences per item as SQLite ($(per_item_sq "$A"))"
for t in object event target_match warning artifact_file; do
  is "$(pg_sql i1 "select count(*) from $t")" "$(q "$A" "select count(*) from $t")" "$t rows as the SQLite case"
done
# the copy candidates of items ingested before, hashed after each copy
is "$(pg_sql i1 "select count(*) from object_hash")|$(q "$A" "select count(*) from object_hash")" "513|513" \
  "object_hash rows as the SQLite case (513, folders not being copy candidates)"
expo "$A" >"$T_TMP/exA"
expo "$U" >"$T_TMP/exU"
cmp -s "$T_TMP/exA" "$T_TMP/exU" && grep -q '"targets_exposed": 143' "$T_TMP/exU"
ok $? "exposure of the PostgreSQL case equals the SQLite case's (143 targets exposed)"
diff "$T_TMP/exA" "$T_TMP/exU" | head -n 10 | sed 's/^/# /'

# ---- refused, failed, killed: the case keeps what it had
before=$(pg_sql i1 "select (select count(*) from evidence) || ' ' || (select count(*) from object) || ' ' || (select count(*) from event) || ' ' || (select count(*) from target_match)")
"$TOUCHLINE" ingest "$U" "$S/evidence/WS17.E01" -l WS17 -q 2>"$T_TMP/dup"
is "$?" 3 "the same label again: exit 3"
grep -q "^touchline: .*WS17.E01: an item labelled 'WS17' is already in the case (evidence 2)$" "$T_TMP/dup"
ok $? "... one line naming the input and the cause: $(cat "$T_TMP/dup")"
"$TOUCHLINE" ingest "$U" "$S/evidence/WS17.E01" -l WS17-again -q 2>"$T_TMP/dup2"
is "$?" 3 "the same media under another label: exit 3"
grep -q "WS17.E01: the same media (MD5 .*) is already in the case as evidence 2, labelled 'WS17'$" "$T_TMP/dup2"
ok $? "... $(cat "$T_TMP/dup2")"
head -c 1048576 /dev/urandom >"$T_TMP/junk.img"
"$TOUCHLINE" ingest "$U" "$T_TMP/junk.img" -l JUNK -q 2>"$T_TMP/junk"
is "$?" 1 "an image that is not one: exit 1"
is "$(wc -l <"$T_TMP/junk")" 1 "... one line"
grep -q "^touchline: $T_TMP/junk.img: no volume system or file system recognised" "$T_TMP/junk"
ok $? "... naming the input and the cause: $(cat "$T_TMP/junk")"
is "$(pg_sql i1 "select status || ' ' || (message <> '')::text from run where label = 'JUNK'")" "failed true" "its run is failed, with the reason"
if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  dd if="$S/evidence/WS22.E01" of="$T_TMP/ws22copy.E01" bs=1M 2>/dev/null
  TOUCHLINE_PG_FAULT=KILL "$TOUCHLINE" ingest "$U" "$T_TMP/ws22copy.E01" -l KILLED --no-hash -q 2>/dev/null
  is "$?" 137 "a process killed inside the item's copy transaction (before COMMIT)"
  is "$(pg_sql i1 "select count(*) from evidence where label = 'KILLED'") $(pg_sql i1 "select count(*) from (select distinct evidence_id from event) x") $(pg_sql i1 "select count(*) from pg_inherits where inhparent = 'event'::regclass")" "0 3 4" \
    "... nothing of its item is in the case (the event partition of its reserved evidence id stays, empty)"
else
  T_N=$((T_N + 1))
  echo "ok $T_N - a process killed inside the copy # SKIP TOUCHLINE_PG_FAULT needs configure --enable-test-hooks"
fi
is "$(pg_sql i1 "select (select count(*) from evidence) || ' ' || (select count(*) from object) || ' ' || (select count(*) from event) || ' ' || (select count(*) from target_match)")" \
  "$before" "the case is as it was (items, objects, events, matches: $before)"

# ---- the register imported into a case that has its items already
B="$T_TMP/b.db"
"$TOUCHLINE" case copy "$(pg_uri e0)" "$B" -q
pg_createdb i2
U2=$(pg_uri i2)
while IFS='	' read -r l d i; do
  case "$l" in \#*) continue;; esac
  "$TOUCHLINE" ingest "$B" "$S/$i" --label "$l" --division "$d" -q 2>/dev/null
  "$TOUCHLINE" ingest "$U2" "$S/$i" --label "$l" --division "$d" -q 2>/dev/null
done <"$S/evidence.tsv"
is "$(pg_sql i2 "select count(*) || ' ' || (select count(*) from target_match) from evidence")" "3 0" "a second case: three items, no register, no matches"
is "$(ls "$T_TMP" | grep -c '^tl-worker-\|^touchline-pg')" 0 "no staging or temporary case is left behind (the killed process's removed by the next ingest)"
"$TOUCHLINE" divisions "$U2" import "$S/shares.csv" 2>/dev/null
"$TOUCHLINE" divisions "$B" import "$S/shares.csv" 2>/dev/null
"$TOUCHLINE" targets "$B" import "$S/targets.csv" 2>"$T_TMP/tB"
"$TOUCHLINE" targets "$U2" import "$S/targets.csv" 2>"$T_TMP/tU"
is "$?" 0 "targets URI import into a case with items: exit 0"
is "$(cat "$T_TMP/tU")" "$(cat "$T_TMP/tB")" "... it says what the SQLite import says (occurrences, files hashed, coverage warnings)"
is "$(per_item_pg i2)" "$(per_item_sq "$B")" "the items on the server are matched: per item as SQLite"
for t in target_match object_hash; do
  is "$(pg_sql i2 "select count(*) from $t")" "$(q "$B" "select count(*) from $t")" "$t rows as the SQLite case ($(q "$B" "select count(*) from $t"))"
done
is "$(pg_sql i2 "select count(*) from target_match m left join object o using (object_id) where o.object_id is null")" 0 "every match names an object of the case"
expo "$B" >"$T_TMP/exB"
expo "$U2" >"$T_TMP/exU2"
cmp -s "$T_TMP/exB" "$T_TMP/exU2" && cmp -s "$T_TMP/exA" "$T_TMP/exU2"
ok $? "exposure equals the SQLite case's (and the register-first case's)"
for a in list stats match; do
  "$TOUCHLINE" targets "$B" $a >"$T_TMP/$a.B" 2>&1
  "$TOUCHLINE" targets "$U2" $a >"$T_TMP/$a.U" 2>&1
  is "$?" 0 "targets URI $a: exit 0"
  cmp -s "$T_TMP/$a.B" "$T_TMP/$a.U" && [ -s "$T_TMP/$a.U" ]
  ok $? "... the output of the SQLite case's ($(wc -l <"$T_TMP/$a.U") lines)"
done
# a register with a bad row: refused, the case's kept
printf 'path,name,size\n/a/b,,notanumber\n' >"$T_TMP/bad.csv"
"$TOUCHLINE" targets "$U2" import "$T_TMP/bad.csv" 2>"$T_TMP/tbad"
is "$?" 1 "a register with a bad row: exit 1"
grep -q "bad.csv:2: size must be a whole number of bytes" "$T_TMP/tbad"
ok $? "... saying which row and why, as on SQLite"
is "$(pg_sql i2 "select (select count(*) from target) || ' ' || (select count(*) from target_match)")" \
  "$(q "$B" "select (select count(*) from target) || ' ' || (select count(*) from target_match)")" "... the register and the matches on the server unchanged"

# artifacts URI add works (tests/pg_artifacts.sh); a file no parser takes
# is refused as on SQLite, the password in no message
"$TOUCHLINE" artifacts "$U" add "$T_TMP/junk.img" --evidence WS17 2>"$T_TMP/art"
is "$?" 2 "artifacts URI add of a file no parser takes: exit 2, as on SQLite"
grep -q "junk.img: no parser claims this file" "$T_TMP/art" && ! grep -qF "$PW" "$T_TMP/art"
ok $? "... saying so, the password hidden"

# ---- ingest URI --manifest: queued, then worked by this process
pg_createdb i3
U3=$(pg_uri i3)
"$TOUCHLINE" targets "$U3" import "$S/targets.csv" 2>/dev/null
"$TOUCHLINE" divisions "$U3" import "$S/shares.csv" 2>/dev/null
(cd "$S" && "$TOUCHLINE" ingest "$U3" --manifest evidence.tsv -j 2 -q)
is "$?" 0 "ingest URI --manifest F -j 2: exit 0"
is "$(pg_sql i3 "select string_agg(label || ' ' || state, ';' order by label) from tl_queue")" "FS01 done;WS17 done;WS22 done" "... every item through the queue, done"
is "$(per_item_pg i3)" "$(per_item_sq "$A")" "... and matched"
expo "$U3" >"$T_TMP/exU3"
cmp -s "$T_TMP/exA" "$T_TMP/exU3"
ok $? "... exposure equals the SQLite case's"
done_testing
