#!/bin/sh
# What item copies that did not finish leave in a PostgreSQL case, removed
# (docs/POSTGRESQL.md, "Tidy"; src/lib/ingest/pgtidy.c), on a throwaway
# server (tests/pg_lib.sh), with the test hooks:
# - a worker held inside its copy (TOUCHLINE_PG_PAUSE): its partition is
#   never touched, neither by the tidy of a worker that starts meanwhile nor
#   by `case tidy` (in flight: its reservation's advisory lock is held);
# - a worker killed inside its copy (TOUCHLINE_PG_FAULT=KILL) leaves an
#   empty partition; while the held copy keeps `event` locked `case tidy`
#   leaves it (busy); the worker that takes the item again drops it and
#   copies the item once;
# - `ingest URI` killed inside its copy: `case tidy` drops its partition
#   (named), a second run drops nothing; the item ingested again once;
# - the case then equals a SQLite case ingested item after item;
# - the partial index artifact_event_unc of a new case, made by `upgrade`
#   in a case without it; the item copy's pending-UNC query uses it
#   (EXPLAIN, 300,000 artifact events); the same index in a SQLite case;
# - `case tidy` of a SQLite case, of a missing file, usage.
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
# the event partitions whose item is not in the case, by evidence id
orphans() { pg_sql c1 "select coalesce(string_agg(c.relname, ' ' order by substr(c.relname, 8)::bigint), '') from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'event'::regclass and not exists (select 1 from evidence v where v.evidence_id = substr(c.relname, 8)::bigint)"; }

# ---- a copy held in flight, a copy killed beside it
printf 'WS17\tAdministration\t%s\nWS22\tResearch\t%s\n' \
  "$E/WS17.E01" "$E/WS22.E01" >"$T_TMP/m.tsv"
"$TOUCHLINE" queue "$U" add --manifest "$T_TMP/m.tsv" >/dev/null
PAUSE="$T_TMP/pause"
TOUCHLINE_PG_PAUSE=$PAUSE "$TOUCHLINE" worker "$U" --drain --stale 2 --stage "$STAGE" -q 2>"$T_TMP/wp" & WP=$!
wait_for 60 test -f "$PAUSE"
ok $? "worker P is inside the copy transaction of WS17, held there"
pp=$(orphans)
is "$pp" "event_e1" "its reserved partition event_e1 exists, its item not yet in the case"
is "$(pg_sql c1 "select pg_try_advisory_lock(1953260388, 1)")" f \
  "the reservation's advisory lock on evidence 1 is held by P's session"
TOUCHLINE_PG_FAULT=KILL "$TOUCHLINE" worker "$U" --stale 2 --stage "$STAGE" -q 2>/dev/null
is "$?" 137 "worker K (started meanwhile: its own tidy ran) killed inside its copy of WS22"
is "$(orphans)" "event_e1 event_e2" "P's partition untouched by K's tidy; K's event_e2 left behind"
is "$(pg_sql c1 "select count(*) from event_e2")" 0 "... empty"
is "$(pg_sql c1 "select pg_try_advisory_lock(1953260388, 2)")" t \
  "K's lock went with its session"
"$TOUCHLINE" case tidy "$U" --wait 1 >"$T_TMP/t1" 2>&1
is "$? $(cat "$T_TMP/t1")" "0 tidy: 0 dropped, 1 in flight, 1 busy, 0 holding rows" \
  "case tidy: P's partition in flight, left alone; K's left too (P's copy holds event: busy)"
is "$(orphans)" "event_e1 event_e2" "both partitions still there"
is "$(pg_sql c1 "select state || ' ' || attempts from tl_queue where label = 'WS17'")" "running 1" \
  "P's item still in its copy"
# P pauses again in its copy of WS22 (the same hook): released each time
while kill -0 $WP 2>/dev/null; do rm -f "$PAUSE"; sleep 0.2; done
wait $WP
is "$?" 0 "P finishes WS17, then takes WS22 over from K (stale) and copies it: exit 0"
is "$(pg_sql c1 "select string_agg(label || ' ' || state || ' ' || attempts, ';' order by label) from tl_queue")" \
  "WS17 done 1;WS22 done 2" "WS17 at its first attempt, WS22 at its second"
is "$(pg_sql c1 "select string_agg(label || ' ' || evidence_id, ';' order by label) from evidence")" "WS17 1;WS22 3" \
  "each item once: WS17 evidence 1 (its reserved id), WS22 evidence 3 (id 2 stays unused)"
is "$(orphans)" "" "K's empty partition was dropped when its item was taken again"
is "$(pg_sql c1 "select string_agg(c.relname, ' ' order by c.relname) from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'event'::regclass")" \
  "event_e1 event_e3" "the event partitions: one per item"
is "$(pg_sql c1 "select string_agg(status, ' ' order by run_id) from run")" "complete interrupted complete" \
  "runs: WS17 complete, K's interrupted, WS22 complete"

# ---- ingest URI killed inside its copy; case tidy drops its partition
TMPDIR=$STAGE TOUCHLINE_PG_FAULT=KILL "$TOUCHLINE" ingest "$U" "$E/FS01.E01" -l FS01 -d "Space Technology" -q 2>/dev/null
is "$?" 137 "ingest URI killed inside its copy of FS01"
is "$(orphans)" "event_e4" "its empty partition event_e4 is left"
"$TOUCHLINE" case tidy "$U" >"$T_TMP/t2" 2>&1
is "$? $(cat "$T_TMP/t2")" "0 tidy: 1 dropped (event_e4), 0 in flight, 0 busy, 0 holding rows" \
  "case tidy drops it, by name"
is "$(pg_sql c1 "select to_regclass('event_e4') is null")" t "event_e4 is gone"
"$TOUCHLINE" case tidy "$U" >"$T_TMP/t3" 2>&1
is "$? $(cat "$T_TMP/t3")" "0 tidy: 0 dropped, 0 in flight, 0 busy, 0 holding rows" "a second run finds nothing"
TMPDIR=$STAGE "$TOUCHLINE" ingest "$U" "$E/FS01.E01" -l FS01 -d "Space Technology" -q 2>"$T_TMP/i2"
is "$?" 0 "FS01 ingested again: exit 0"
is "$(pg_sql c1 "select count(*) || ' ' || min(evidence_id) from evidence where label = 'FS01'")" "1 5" \
  "FS01 once, evidence 5 (id 4 stays unused: gaps are expected)"
# a partition holding rows without its item is never dropped
pg_sql c1 "create table event_e99 (like event); insert into event_e99 select * from event_e1 limit 1; update event_e99 set evidence_id = 99; alter table event attach partition event_e99 for values in (99)" >/dev/null
"$TOUCHLINE" case tidy "$U" >"$T_TMP/t4" 2>&1
is "$? $(cat "$T_TMP/t4")" "0 tidy: 0 dropped, 0 in flight, 0 busy, 1 holding rows" \
  "a partition without its item that holds rows is left, counted"
pg_sql c1 "drop table event_e99" >/dev/null

# ---- the case as a SQLite case ingested item after item
A="$T_TMP/a.db"
printf 'FS01\tSpace Technology\t%s\n' "$E/FS01.E01" >>"$T_TMP/m.tsv"
while IFS='	' read -r l d i; do
  "$TOUCHLINE" ingest "$A" "$i" -l "$l" -d "$d" -q 2>/dev/null
done <"$T_TMP/m.tsv"
is "$(pg_sql c1 "select string_agg(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';' order by label) from evidence")" \
  "$(q "$A" "select group_concat(label || ' ' || division || ' ' || n_objects || ' ' || n_events || ' ' || md5, ';') from (select * from evidence order by label)")" \
  "per item: division, objects, events and MD5 as the SQLite case"
is "$(pg_sql c1 "select n_events from evidence where label = 'WS22'")" 519 "WS22's 519 events"
for t in object event ntfs_filename volume filesystem evidence_meta evidence_file artifact_file artifact_event warning object_hash; do
  is "$(pg_sql c1 "select count(*) from $t")" "$(q "$A" "select count(*) from $t")" "$t rows as the SQLite case"
done
B="$T_TMP/b.db"
"$TOUCHLINE" case copy "$U" "$B" -q
is "$?" 0 "the case copies out to a file (counts and hashes checked)"
"$TOUCHLINE" timeline "$A" --format csv | sort >"$T_TMP/tlA"
"$TOUCHLINE" timeline "$B" --format csv | sort >"$T_TMP/tlB"
cmp -s "$T_TMP/tlA" "$T_TMP/tlB" && [ "$(wc -l <"$T_TMP/tlA")" -gt 3000 ]
ok $? "its timeline has the lines of the SQLite case's ($(wc -l <"$T_TMP/tlA"))"

# ---- the pending-UNC partial index: made with a case, again by upgrade
pg_createdb c2
U2=$(pg_uri c2)
"$TOUCHLINE" case copy "$A" "$U2" -q
is "$(pg_sql c2 "select indexdef from pg_indexes where indexname = 'artifact_event_unc'")" \
  "CREATE INDEX artifact_event_unc ON public.artifact_event USING btree (event_id) WHERE (((object_id IS NULL) OR (resolved_by = 'share'::text)) AND (ref_kind = 'path'::text) AND (substr(path, 1, 2) = ANY (ARRAY['\\\\'::text, '//'::text])))" \
  "a new case has the partial index artifact_event_unc of the pending UNC paths"
is "$(pg_sql c1 "select count(*) from pg_indexes where indexname = 'artifact_event_unc'")" 1 "... and the workers' case too"
# a case made before it: 300,000 artifact events, 3 of them UNC paths
# pending (one resolved through a share), 2 resolved or not UNC
pg_sql c2 "drop index artifact_event_unc; insert into artifact_event(event_id, evidence_id, artifact_file_id, object_id, resolved_by, t_ns, kind, parser, parser_version, artifact_path, ref_kind, path) select 10000000 + g, 1, 1, null, null, g, 'x', 'p', '1', 'a', 'path', 'C:\\Users\\u\\f' || g from generate_series(1, 300000) g; insert into artifact_event(event_id, evidence_id, artifact_file_id, object_id, resolved_by, t_ns, kind, parser, parser_version, artifact_path, ref_kind, path) values (20000001, 1, 1, null, null, 1, 'x', 'p', '1', 'a', 'path', '\\\\FS01\\Shares\\a'), (20000002, 1, 1, 5, 'share', 1, 'x', 'p', '1', 'a', 'path', '\\\\FS01\\Shares\\b'), (20000003, 1, 1, null, null, 1, 'x', 'p', '1', 'a', 'path', '//FS01/Shares/c'), (20000004, 1, 1, 5, 'path', 1, 'x', 'p', '1', 'a', 'path', '\\\\FS01\\Shares\\d'), (20000005, 1, 1, null, null, 1, 'x', 'p', '1', 'a', 'mft', '\\\\FS01\\Shares\\e'); analyze artifact_event" >/dev/null
is "$(pg_sql c2 "select count(*) from artifact_event where event_id > 10000000")" 300005 "300,005 artifact events added"
UNCQ="from artifact_event where (object_id is null or resolved_by = 'share') and ref_kind = 'path' and substr(path, 1, 2) in ('\\\\', '//')"
is "$(pg_sql c2 "explain (costs off) select exists (select 1 $UNCQ)" | grep -c artifact_event_unc)" 0 "without the index the item copy's query reads the table"
"$TOUCHLINE" upgrade "$U2" >"$T_TMP/up" 2>&1
is "$? $(sed "s|$U2|URI|; s|postgresql:///c2?host=[^:]*|URI|" "$T_TMP/up")" "0 touchline: URI: already at schema version 4" "upgrade: the schema version stays 4"
is "$(pg_sql c2 "select count(*) from pg_indexes where indexname = 'artifact_event_unc'")" 1 "... and the index is made"
pg_sql c2 "analyze artifact_event" >/dev/null
pg_sql c2 "explain (costs off) select exists (select 1 $UNCQ)" >"$T_TMP/plan"
grep -q "Index Only Scan using artifact_event_unc" "$T_TMP/plan"
ok $? "the item copy's pending-UNC query (pgartifacts.c, unc_where) is an index-only scan of artifact_event_unc"
is "$(pg_sql c2 "select string_agg(event_id::text, ' ' order by event_id) $UNCQ")" "20000001 20000002 20000003" \
  "the pending UNC paths: unresolved, resolved through a share, and // (not a resolved path, not an MFT reference)"

# SQLite: the same index in a new case, and made by the first writer that
# resolves UNC paths in a case without it; the same query uses it
is "$(q "$A" "select count(*) from sqlite_master where name = 'artifact_event_unc'")" 1 "a SQLite case has artifact_event_unc too"
D="$T_TMP/d.db"
"$TOUCHLINE" ingest "$D" "$E/WS17.E01" -l WS17 -q 2>/dev/null
q "$D" "drop index artifact_event_unc"
"$TOUCHLINE" ingest "$D" "$E/WS22.E01" -l WS22 -q 2>/dev/null
is "$? $(q "$D" "select count(*) from sqlite_master where name = 'artifact_event_unc'")" "0 1" "dropped, it is made again by the next ingest"
is "$(q "$D" "explain query plan select event_id, evidence_id, path, coalesce(object_id, 0) $UNCQ" | grep -c 'USING INDEX artifact_event_unc')" 1 \
  "Tl_resolve_unc_pending's query reads it (EXPLAIN QUERY PLAN)"

# ---- case tidy elsewhere
"$TOUCHLINE" case tidy "$A" >"$T_TMP/s1" 2>&1
is "$? $(cat "$T_TMP/s1")" "0 $A: a SQLite case has nothing to tidy (an ingest that fails or is killed leaves nothing in it)" \
  "case tidy of a SQLite case: nothing to tidy"
"$TOUCHLINE" case tidy "$T_TMP/none.db" >/dev/null 2>"$T_TMP/s2"
is "$? $(wc -l <"$T_TMP/s2")" "1 1" "of a missing file: exit 1, one line"
"$TOUCHLINE" case tidy >/dev/null 2>&1
is "$?" 2 "without a case: usage, exit 2"
"$TOUCHLINE" case tidy "$U" --wait x >/dev/null 2>&1
is "$?" 2 "--wait x: usage, exit 2"

done_testing
