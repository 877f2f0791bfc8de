#!/bin/sh
# targets/divisions import while an ingest holds the case's write lock
# (issue 8): the import says who holds it (pid, host, command, start) and
# waits (--wait SECONDS, default 600), or gives up naming the holder and
# --wait, having changed nothing. The holder is an ingest stopped in its
# walk with TOUCHLINE_FAULT=STOP:N (configure --enable-test-hooks).
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
CASE="$T_TMP/case.db"
q() { sqlite3 "$CASE" "$1"; }

# without a holder: --wait is parsed, bad values are usage errors
"$TOUCHLINE" ingest -q "$CASE" "$S/evidence/WS17.E01" || exit 1
"$TOUCHLINE" targets "$CASE" import "$S/targets.csv" --wait 0 2>"$T_TMP/e0"
is "$?" 0 "targets import --wait 0 with the lock free"
is "$(q 'SELECT count(*) FROM target')" 337 "... the register's 337 rows"
for bad in x -2 1.5 ""; do
  "$TOUCHLINE" targets "$CASE" import "$S/targets.csv" --wait "$bad" 2>"$T_TMP/eu"
  is "$?" 2 "targets import --wait '$bad' is a usage error"
done
"$TOUCHLINE" divisions "$CASE" import "$S/shares.csv" --wait=-5 2>"$T_TMP/eu"
is "$?" 2 "divisions import --wait=-5 is a usage error"
grep -q "^touchline divisions: --wait takes seconds" "$T_TMP/eu"
ok $? "... saying what --wait takes"

if [ "${TL_TEST_HOOKS:-}" != yes ]; then
  ok 0 "imports wait for an ingest # SKIP TOUCHLINE_FAULT needs configure --enable-test-hooks"
  done_testing
  exit $?
fi

# an ingest of FS01 stopped after 5 objects holds the write lock
TOUCHLINE_FAULT=STOP:5 "$TOUCHLINE" ingest -q "$CASE" "$S/evidence/FS01.E01" 2>/dev/null & A=$!
n=0
while [ "$(ps -o stat= -p $A | cut -c1)" != T ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
is "$(ps -o stat= -p $A | cut -c1)" T "an ingest stopped in its walk holds the write lock"
before=$(q "SELECT count(*), sum(line) FROM target; SELECT count(*) FROM target_match; SELECT count(*) FROM division_map")

# --wait 1: gives up after about a second, naming the holder
printf 'path,partner\n/Windows/*.ini,P9\n' >"$T_TMP/t1.csv"
t0=$(date +%s)
"$TOUCHLINE" targets "$CASE" import "$T_TMP/t1.csv" --wait 1 2>"$T_TMP/e1"
is "$?" 1 "targets import --wait 1 while the ingest holds the lock: exit 1"
ok "$([ $(( $(date +%s) - t0 )) -le 5 ]; echo $?)" "... within a few seconds"
grep -q "^touchline: $CASE: waiting for the write lock (up to 1 s more): held by pid $A on $(hostname) (\`.*ingest -q $CASE .*FS01.E01\`, started 20" "$T_TMP/e1"
ok $? "... while waiting it says who holds the lock: pid, host, command, start"
grep -q "^touchline: $CASE: the case is busy: its write lock is held by pid $A .*gave up after 1 s (--wait)$" "$T_TMP/e1"
ok $? "... giving up, it names the holder and --wait"
[ $? -eq 0 ] || sed 's/^/# /' "$T_TMP/e1"
"$TOUCHLINE" divisions "$CASE" import "$S/shares.csv" --wait 0 2>"$T_TMP/e2"
is "$?" 1 "divisions import --wait 0: exit 1 at once"
grep -q "the case is busy: its write lock is held by pid $A .*gave up after 0 s (--wait)" "$T_TMP/e2"
ok $? "... naming the holder"
grep -q "waiting for the write lock" "$T_TMP/e2"
is "$?" 1 "... without a 'waiting' line"
is "$(q "SELECT count(*), sum(line) FROM target; SELECT count(*) FROM target_match; SELECT count(*) FROM division_map")" \
  "$before" "the imports that gave up changed nothing"

# the default wait: both imports wait, then run once the ingest is done
"$TOUCHLINE" targets "$CASE" import "$S/targets.csv" 2>"$T_TMP/e3" & B=$!
"$TOUCHLINE" divisions "$CASE" import "$S/shares.csv" --wait -1 2>"$T_TMP/e4" & C=$!
n=0
while { ! grep -q waiting "$T_TMP/e3" || ! grep -q waiting "$T_TMP/e4"; } && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
grep -q "^touchline: $CASE: waiting for the write lock (up to 600 s more): held by pid $A on $(hostname)" "$T_TMP/e3"
ok $? "targets import (default --wait 600) says it waits and for whom"
grep -q "^touchline: $CASE: waiting for the write lock: held by pid $A on $(hostname)" "$T_TMP/e4"
ok $? "divisions import --wait -1 says it waits, with no limit"
is "$(q "SELECT count(*) FROM evidence")" 1 "the ingest's item is not visible while it runs"
kill -CONT $A
wait $A; sa=$?; wait $B; sb=$?; wait $C; sc=$?
is "$sa $sb $sc" "0 0 0" "once the ingest goes on, it and both imports finish"
is "$(q "SELECT group_concat(label, ' ') FROM (SELECT label FROM evidence ORDER BY 1)")" "FS01 WS17" "both items present"
is "$(q 'SELECT count(*) FROM target')" 337 "the register imported after the ingest"
is "$(q 'SELECT count(*) FROM division_map')" 4 "the division map imported"
# the imports matched the register against FS01, which was committed first
is "$(q "SELECT count(*) > 0 FROM target_match m JOIN object o USING(object_id) JOIN evidence e USING(evidence_id) WHERE e.label = 'FS01'")" 1 \
  "the register is matched against the item that held the lock"
is "$(q 'PRAGMA integrity_check')" ok "integrity check"
done_testing
