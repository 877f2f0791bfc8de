#!/bin/sh
# Every ingest is recorded as a run, in a transaction of its own before the
# item's: it ends complete, failed (with the error) or interrupted, and a
# run left 'running' by a killed process is shown as interrupted by `info`
# (which writes nothing) and marked so by the next writer.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
GOOD="$TL_CORPUS/sleuthkit/test/data/image.dd"
NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip" 7-ntfs-undel.dd)
CASE="$T_TMP/case.db"
q() { sqlite3 "$CASE" "$1"; }
sum() { sha256sum "$1" | cut -d' ' -f1; }
# run_pid FILE CMD...: run CMD recording its pid in FILE
run_pid() { f=$1; shift; sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$f" "$@"; }

run_pid "$T_TMP/pid1" "$TOUCHLINE" ingest -q -l GOOD "$CASE" "$GOOD"
ok $? "a good image ingests"
is "$(q "SELECT status || '|' || label || '|' || pid || '|' || host || '|' || (ended_ns >= started_ns) || '|' || evidence_id FROM run")" \
  "complete|GOOD|$(cat "$T_TMP/pid1")|$(hostname)|1|1" "its run: complete, label, pid, host, end, evidence"

# failed: an image that opens but holds no volume or file system
"$PYTHON3" -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(1<<20)))" >"$T_TMP/random.bin"
run_pid "$T_TMP/pid2" "$TOUCHLINE" ingest -q "$CASE" "$T_TMP/random.bin" 2>"$T_TMP/err"
is "$?" 1 "a bad image fails"
is "$(q "SELECT status || '|' || label || '|' || pid FROM run WHERE run_id=2")" \
  "failed|random|$(cat "$T_TMP/pid2")" "its run is recorded as failed"
is "touchline: $(q "SELECT message FROM run WHERE run_id=2")" "$(cat "$T_TMP/err")" "with the error message"
is "$(q 'SELECT count(*) FROM evidence')" 1 "and no item"

if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  # interrupted: SIGINT in the middle of the walk
  run_pid "$T_TMP/pid3" env TOUCHLINE_FAULT=INT:10 "$TOUCHLINE" ingest -q -l NTFS "$CASE" "$NTFS" 2>/dev/null
  is "$?" 130 "SIGINT: exit 130"
  is "$(q "SELECT status || '|' || label || '|' || pid || '|' || message FROM run WHERE run_id=3")" \
    "interrupted|NTFS|$(cat "$T_TMP/pid3")|$NTFS: interrupted; nothing of it was kept" "SIGINT: the run is interrupted, with why"
  # killed: SIGKILL leaves the run 'running'; its pid is gone
  run_pid "$T_TMP/pid4" env TOUCHLINE_FAULT=KILL:10 "$TOUCHLINE" ingest -q -l NTFS "$CASE" "$NTFS" 2>/dev/null
  is "$?" 137 "SIGKILL: killed"
  is "$(q "SELECT status || '|' || pid FROM run WHERE run_id=4")" "running|$(cat "$T_TMP/pid4")" "SIGKILL: the run row stays 'running' (committed before the item)"
  is "$(q 'SELECT count(*) FROM evidence; SELECT count(*) FROM object')" "1
9" "SIGKILL: nothing of the item is in the case"
  before=$(sum "$CASE")
  "$TOUCHLINE" info "$CASE" >"$T_TMP/info.txt"
  ok $? "info on the case"
  is "$(sum "$CASE")" "$before" "info does not write the case"
  is "$(sed -n 's/^runs that did not complete: //p' "$T_TMP/info.txt")" 3 "info: three runs did not complete"
  is "$(grep -A1 -- '- run: 2$' "$T_TMP/info.txt" | sed -n 's/^ *status: //p')" failed "info: run 2 failed"
  is "$(grep -A1 -- '- run: 3$' "$T_TMP/info.txt" | sed -n 's/^ *status: //p')" interrupted "info: run 3 interrupted"
  is "$(grep -A1 -- '- run: 4$' "$T_TMP/info.txt" | sed -n 's/^ *status: //p')" interrupted "info: run 4 (killed) shown as interrupted"
  grep -q "message: process $(cat "$T_TMP/pid4") is gone (killed or crashed)" "$T_TMP/info.txt"
  ok $? "info: says the killed process is gone"
  "$TOUCHLINE" info --json "$CASE" >"$T_TMP/info.json"
  is "$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%d:%s:%s:%s" % (r["run_id"], r["status"], r["label"], r["pid"]) for r in d["runs_not_complete"]))' "$T_TMP/info.json")" \
    "2:failed:random:$(cat "$T_TMP/pid2") 3:interrupted:NTFS:$(cat "$T_TMP/pid3") 4:interrupted:NTFS:$(cat "$T_TMP/pid4")" \
    "info --json: runs_not_complete lists the three with status, label and pid"
  is "$(q "SELECT status FROM run WHERE run_id=4")" running "info did not mark it (readers never write)"
  "$TOUCHLINE" ingest -q -l NTFS "$CASE" "$NTFS"
  ok $? "the next ingest completes"
  is "$(q "SELECT status FROM run WHERE run_id=4")" interrupted "the next writer marked the killed run interrupted"
  is "$(q "SELECT status || '|' || evidence_id FROM run WHERE run_id=5")" "complete|$(q "SELECT evidence_id FROM evidence WHERE label='NTFS'")" "its own run is complete"
else
  ok 0 "interrupted and killed runs # SKIP TOUCHLINE_FAULT needs configure --enable-test-hooks"
fi
"$TOUCHLINE" info --json "$CASE" | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print([r["status"] for r in d["runs_not_complete"]][0])' >"$T_TMP/s"
is "$(cat "$T_TMP/s")" failed "info --json lists the failed run first"
is "$(q 'PRAGMA integrity_check')" ok "integrity check"
done_testing
