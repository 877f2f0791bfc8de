#!/bin/sh
# Several item copies into one PostgreSQL case at the same time
# (docs/POSTGRESQL.md, "The work queue"; docs/internals/PG-SCALING.md): each
# item's ids are reserved in a short transaction, its COPY runs in its own
# transaction beside the others'. On a throwaway server (tests/pg_lib.sh):
# - a worker paused inside its copy transaction (test hooks:
#   TOUCHLINE_PG_PAUSE) while a second worker copies another item to the end:
#   the copies overlap in time; a reader meanwhile sees none of the paused
#   item; every item exactly once, ids disjoint between items, the case as
#   a SQLite case ingested one item after another (per item counts and
#   MD5, rows per table, the sorted timeline);
# - a worker killed inside its copy transaction: nothing of its item is
#   kept, the claim expires by heartbeat and the item is copied again,
#   once; its reserved ids are never given again, its empty partition is
#   dropped by the worker that takes the item again;
# - `ingest URI IMAGE --replace`: the item of the label replaced in one
#   transaction with the new copy (a REPEATABLE READ reader during the
#   copy sees the old item whole, after it the new one whole, never both
#   or neither), the old rows and event partition gone.
. "$TL_SRCDIR/tests/lib.sh"
S=$(cd "$TL_SRCDIR/samples" && pwd -P)
[ -f "$S/evidence/WS17.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ "${TL_TEST_HOOKS:-}" = yes ] || skip_all "TOUCHLINE_PG_PAUSE and TOUCHLINE_PG_FAULT need configure --enable-test-hooks"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
q() { sqlite3 "$1" "$2"; }
pg_createdb c1
U=$(pg_uri c1)
STAGE="$T_TMP/stage"
mkdir -p "$STAGE"
E=$S/evidence
# (wait_for, tests/lib.sh: a paused copy waits up to 600 s, longer than any
# wait here)

# ---- two copies at once
printf 'WS17\tAdministration\t%s\nWS22\tResearch\t%s\n' \
  "$E/WS17.E01" "$E/WS22.E01" >"$T_TMP/m.tsv"
"$TOUCHLINE" queue "$U" add --manifest "$T_TMP/m.tsv" >/dev/null
PAUSE="$T_TMP/pause"
TOUCHLINE_PG_PAUSE=$PAUSE "$TOUCHLINE" worker "$U" --drain --stale 30 --stage "$STAGE" -q 2>"$T_TMP/wa" & WA=$!
wait_for 60 test -f "$PAUSE"
ok $? "worker A is inside the copy transaction of its item (WS17), paused there"
"$TOUCHLINE" worker "$U" --drain --stale 30 --stage "$STAGE" -q 2>"$T_TMP/wb" & WB=$!
b_done() { [ "$(pg_sql c1 "select state from tl_queue where label = 'WS22'")" = done ]; }
wait_for 90 b_done
ok $? "meanwhile worker B copies WS22 to the end (its copy and commit do not wait for A's copy)"
is "$(pg_sql c1 "select string_agg(label || ' ' || state, ';' order by label) from tl_queue")" \
  "WS17 running;WS22 done" "... while WS17 is still being copied"
is "$(pg_sql c1 "begin isolation level repeatable read; select count(*) from evidence where label = 'WS17'; select count(*) from event e where not exists (select 1 from evidence v where v.evidence_id = e.evidence_id); commit" | tr '\n' ' ')" \
  "0 0 " "a reader sees nothing of the item in copy (no evidence row, no event without its item)"
rm -f "$PAUSE"
wait $WA; ra=$?
wait $WB; rb=$?
is "$ra $rb" "0 0" "both workers exit 0 once A's copy goes on"
is "$(pg_sql c1 "select string_agg(label || ' ' || state || ' ' || attempts, ';' order by label) from tl_queue")" \
  "WS17 done 1;WS22 done 1" "every item done, each at its first attempt"
is "$(pg_sql c1 "select count(*) || ' ' || count(distinct label) from evidence")" "2 2" "every item in the case exactly once"
for t in object:object_id event:event_id volume:volume_id filesystem:fs_id warning:warning_id; do
  tb=${t%%:*} col=${t#*:}
  is "$(pg_sql c1 "with r as (select evidence_id, min($col) lo, max($col) hi from $tb group by 1) select count(*) from r a join r b on a.evidence_id < b.evidence_id and a.lo <= b.hi and b.lo <= a.hi")" 0 \
    "$tb: the items' $col ranges are disjoint"
done
is "$(pg_sql c1 "select count(*) = count(distinct event_id) from event")" t "event ids unique across the partitions"
is "$(pg_sql c1 "select (select value::bigint from case_meta where key = 'next_object_id') > max(object_id) from object")" t \
  "the object-id high-water mark is past every object"

# the same items into a SQLite case, one after another
A="$T_TMP/a.db"
while IFS='	' read -r l d i; do
  "$TOUCHLINE" ingest "$A" "$i" -l "$l" -d "$d" -q 2>/dev/null
done <"$T_TMP/m.tsv"
is "$(pg_sql c1 "select string_agg(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';' order by label) from evidence")" \
  "$(q "$A" "select group_concat(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';') from (select * from evidence order by label)")" \
  "per item: division, objects, events and MD5 as the SQLite case"
for t in object event ntfs_filename volume filesystem evidence_meta evidence_file artifact_file warning object_hash; do
  is "$(pg_sql c1 "select count(*) from $t")" "$(q "$A" "select count(*) from $t")" "$t rows as the SQLite case"
done
B="$T_TMP/b.db"
"$TOUCHLINE" case copy "$U" "$B" -q
is "$?" 0 "the case copies out to a file (counts and hashes checked)"
"$TOUCHLINE" timeline "$A" --format csv | sort >"$T_TMP/tlA"
"$TOUCHLINE" timeline "$B" --format csv | sort >"$T_TMP/tlB"
cmp -s "$T_TMP/tlA" "$T_TMP/tlB" && [ "$(wc -l <"$T_TMP/tlA")" -gt 1000 ]
ok $? "its timeline has the lines of the SQLite case's ($(wc -l <"$T_TMP/tlA"))"

# ---- a worker killed inside its copy: the item copied again, once
dd if="$E/WS22.E01" of="$T_TMP/k.E01" bs=1M 2>/dev/null
printf 'KILLED\tResearch\t%s\n' "$T_TMP/k.E01" >"$T_TMP/k.tsv"
"$TOUCHLINE" queue "$U" add --manifest "$T_TMP/k.tsv" >/dev/null
nparts=$(pg_sql c1 "select count(*) from pg_inherits where inhparent = 'event'::regclass")
TOUCHLINE_PG_FAULT=KILL "$TOUCHLINE" worker "$U" --no-hash --stale 2 --stage "$STAGE" -q 2>/dev/null
is "$?" 137 "a worker killed inside the copy transaction of its item (SIGKILL before COMMIT)"
is "$(pg_sql c1 "select count(*) from evidence where label = 'KILLED'") $(pg_sql c1 "select count(*) from (select distinct evidence_id from event) x")" "0 2" \
  "nothing of its item is in the case"
kev=$(pg_sql c1 "select max(substr(c.relname, 8)::bigint) from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'event'::regclass")
"$TOUCHLINE" worker "$U" --no-hash --drain --stale 2 --stage "$STAGE" -q 2>"$T_TMP/wk"
is "$?" 0 "another worker takes the item when its heartbeat is stale: exit 0"
is "$(pg_sql c1 "select state || ' ' || attempts from tl_queue where label = 'KILLED'") $(pg_sql c1 "select count(*) || ' ' || sum(n_events) from evidence where label = 'KILLED'")" \
  "done 2 1 519" "the item is copied again exactly once (attempt 2, its 519 events)"
is "$(pg_sql c1 "select evidence_id > $kev from evidence where label = 'KILLED'")" t \
  "its evidence id is above the one reserved by the killed copy (reserved ids are never given again)"
is "$(pg_sql c1 "select to_regclass('event_e$kev') is null") $(pg_sql c1 "select count(*) from pg_inherits where inhparent = 'event'::regclass")" "t $((nparts + 1))" \
  "the killed copy's reserved partition, empty, dropped when the item was taken again (docs/POSTGRESQL.md, \"Tidy\")"

# ---- ingest --replace
old=$(pg_sql c1 "select evidence_id from evidence where label = 'WS17'")
counts() { pg_sql c1 "select (select count(*) from evidence) || ' ' || (select count(*) from object) || ' ' || (select count(*) from event) || ' ' || (select count(*) from ntfs_filename) || ' ' || (select count(*) from object_hash) || ' ' || (select count(*) from volume)"; }
before=$(counts)
# reader: one REPEATABLE READ snapshot: WS17's evidence rows, its id, its events
snap() { pg_sql c1 "begin isolation level repeatable read; select count(*) || ' ' || coalesce(min(v.evidence_id), 0) || ' ' || coalesce(sum((select count(*) from event e where e.evidence_id = v.evidence_id)), 0) from evidence v where v.label = 'WS17'; commit"; }
TOUCHLINE_PG_PAUSE=$PAUSE "$TOUCHLINE" ingest "$U" "$E/WS17.E01" -l WS17 -d Administration --replace -q 2>"$T_TMP/rep" & WR=$!
wait_for 60 test -f "$PAUSE"
ok $? "ingest --replace is inside its copy transaction (paused)"
is "$(snap)" "1 $old 507" "a reader meanwhile sees the old WS17 whole (evidence $old, 507 events)"
rm -f "$PAUSE"
wait $WR
is "$?" 0 "ingest URI IMAGE --replace: exit 0"
new=$(pg_sql c1 "select evidence_id from evidence where label = 'WS17'")
is "$(snap)" "1 $new 507" "after it, the new WS17 whole (evidence $new, 507 events), never both or neither"
[ "$new" -gt "$old" ]
ok $? "the new item has a new evidence id ($old -> $new)"
is "$(counts)" "$before" "every table holds as many rows as before the replace ($before)"
is "$(pg_sql c1 "select (select count(*) from object where evidence_id = $old) + (select count(*) from event where evidence_id = $old) + (select count(*) from volume where evidence_id = $old) + (select count(*) from evidence_meta where evidence_id = $old)")" 0 \
  "nothing of the old item is left"
is "$(pg_sql c1 "select (select count(*) from object_hash h where not exists (select 1 from object o where o.object_id = h.object_id)) + (select count(*) from ntfs_filename f where not exists (select 1 from object o where o.object_id = f.object_id)) + (select count(*) from target_match m where not exists (select 1 from object o where o.object_id = m.object_id))")" 0 \
  "no hash, \$FILE_NAME or match row names a deleted object"
is "$(pg_sql c1 "select to_regclass('event_e$old') is null")" t "the old item's event partition is dropped"
is "$(pg_sql c1 "select string_agg(status, ' ' order by run_id) from run where label = 'WS17'")" "complete complete" "the replacing run is complete"
"$TOUCHLINE" ingest "$U" "$E/WS17.E01" -l WS17 -q 2>/dev/null
is "$?" 3 "without --replace the same label is still refused (exit 3)"
done_testing
