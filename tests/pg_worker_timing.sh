#!/bin/sh
# TOUCHLINE_WORKER_TIMING (bench/pg.sh reads it; bench/README.md, "pg.sh"):
# a worker prints one line per item with the item's phases -- staging
# ingest, reserving its ids and waiting for the item-copy lock, the copy --
# and its counts;
# without the variable it prints none. One sample item (WS17: 134 objects,
# 507 events) on a throwaway server (tests/pg_lib.sh).
. "$TL_SRCDIR/tests/lib.sh"
S=$(cd "$TL_SRCDIR/samples" && pwd -P)
[ -f "$S/evidence/WS17.E01" ] || skip_all "samples/evidence not found"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
STAGE="$T_TMP/stage"
mkdir -p "$STAGE"
printf 'WS17\tAdministration\t%s\n' "$S/evidence/WS17.E01" >"$T_TMP/items.tsv"

pg_createdb t1
"$TOUCHLINE" queue "$(pg_uri t1)" add --manifest "$T_TMP/items.tsv" >/dev/null
t0=$(date +%s)
TOUCHLINE_WORKER_TIMING=1 "$TOUCHLINE" worker "$(pg_uri t1)" --drain --stage "$STAGE" 2>"$T_TMP/w1"
is "$?" 0 "worker with TOUCHLINE_WORKER_TIMING: exit 0"
t1=$(date +%s)
line=$(grep '^touchline worker timing:' "$T_TMP/w1")
is "$(grep -c '^touchline worker timing:' "$T_TMP/w1")" 1 "one timing line for the one item"
printf '%s\n' "$line" | grep -Eq '^touchline worker timing: label=WS17 job=0 start=[0-9]+\.[0-9]{3} stage_s=[0-9]+\.[0-9]{3} lockwait_s=[0-9]+\.[0-9]{3} copy_s=[0-9]+\.[0-9]{3} objects=134 events=507$'
ok $? "the line names the item, its phases and WS17's 134 objects and 507 events"
start=$(printf '%s\n' "$line" | sed -n 's/.* start=\([0-9]*\)\..*/\1/p')
[ -n "$start" ] && [ "$start" -ge "$t0" ] && [ "$start" -le "$t1" ]
ok $? "start is the wall clock of the staging ingest ($t0 <= ${start:-?} <= $t1)"
sum=$(printf '%s\n' "$line" | awk '{for(i=1;i<=NF;i++){split($i,a,"="); if(a[1] ~ /_s$/) s += a[2]}} END {printf "%d", s}')
[ "$sum" -le $((t1 - t0 + 1)) ]
ok $? "the phases add up to no more than the worker's run (${sum} s <= $((t1 - t0 + 1)) s)"
is "$(pg_sql t1 "select state || ' ' || n_objects || ' ' || n_events from tl_queue")" "done 134 507" "the item is done"

pg_createdb t2
"$TOUCHLINE" queue "$(pg_uri t2)" add --manifest "$T_TMP/items.tsv" >/dev/null
"$TOUCHLINE" worker "$(pg_uri t2)" --drain --stage "$STAGE" 2>"$T_TMP/w2"
is "$?" 0 "worker without the variable: exit 0"
is "$(grep -c 'timing' "$T_TMP/w2")" 0 "no timing line without TOUCHLINE_WORKER_TIMING"
is "$(grep -c 'WS17: done: 134 objects, 507 events' "$T_TMP/w2")" 1 "the ordinary done line"
done_testing
