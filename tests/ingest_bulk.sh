#!/bin/sh
# A new case's first item (TL_OPEN_BULK, docs/internals/WRITE-PATH.md "A
# new case's first item"): built in a private CASE.new-XXXXXX file with no
# journal on disk, published (WAL, synced, linked) when the item ends. The
# case it makes holds exactly the rows an ingest into an existing empty
# case writes; a failed, interrupted or killed first item, and another
# process creating the case meanwhile, each end as documented.
. "$TL_SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
IMG="$TL_SRCDIR/samples/evidence/WS17.E01"
IMG2="$TL_SRCDIR/samples/evidence/WS22.E01"
q() { sqlite3 "$1" "$2"; }
leftovers() { ls "$1" | grep -c '\.new-'; }
# rows CASE: every row an ingest writes for an item, in id order (run
# times, run ids and the evidence's own times left out)
rows() {
  for t in "object ORDER BY object_id" "event ORDER BY event_id" \
    "ntfs_filename ORDER BY object_id, attr_id" "volume ORDER BY volume_id" \
    "filesystem ORDER BY fs_id" "warning ORDER BY warning_id" \
    "evidence_meta ORDER BY 1, 2"; do
    q "$1" "SELECT * FROM $t" | md5sum | cut -c1-32
  done
  q "$1" "SELECT evidence_id, label, container_type, media_size, md5, sha256, n_objects, n_events FROM evidence"
}

# 1. a new case, one item
D="$T_TMP/a"; mkdir -p "$D"
"$TOUCHLINE" ingest -q -l WS17 "$D/case.db" "$IMG"
is "$?" 0 "ingest into a new case succeeds"
is "$(q "$D/case.db" 'PRAGMA journal_mode')" wal "the published case runs in WAL mode"
is "$(q "$D/case.db" 'PRAGMA page_size')" 8192 "with 8 KiB pages"
is "$(q "$D/case.db" 'PRAGMA integrity_check')" ok "and passes the integrity check"
is "$(q "$D/case.db" "SELECT status FROM run")" complete "one run, complete"
is "$(q "$D/case.db" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('event_time', 'event_object', 'object_name', 'object_fs_inode')")" 4 "the four object and event indexes are built"
is "$(leftovers "$D")" 0 "no private file left"
is "$(ls "$D" | grep -c 'case.db-journal')" 0 "no rollback journal file"

# 2. the same item into an existing empty case (the WAL path): the same rows
E="$T_TMP/b"; mkdir -p "$E"
head -c 1048576 /dev/urandom >"$T_TMP/noise.raw"
"$TOUCHLINE" ingest -q -l NOISE "$E/case.db" "$T_TMP/noise.raw" 2>"$T_TMP/err"
st=$?
ok "$([ $st -ne 0 ]; echo $?)" "an image that cannot be read fails (exit $st)"
is "$(wc -l <"$T_TMP/err" | tr -d ' ')" 1 "with one line"
ok "$([ -f "$E/case.db" ]; echo $?)" "a failed first item still leaves the case, as before"
is "$(q "$E/case.db" 'SELECT count(*) FROM evidence')" 0 "with no item"
is "$(q "$E/case.db" 'PRAGMA integrity_check')" ok "and intact"
is "$(leftovers "$E")" 0 "no private file left after the failure"
"$TOUCHLINE" ingest -q -l WS17 "$E/case.db" "$IMG"
is "$?" 0 "the item into the existing empty case"
is "$(rows "$D/case.db")" "$(rows "$E/case.db")" "the bulk-built case holds the same rows (objects, events, \$FILE_NAMEs, volumes, file systems, warnings, item)"
is "$(q "$D/case.db" 'SELECT count(*) FROM event')" "$(q "$E/case.db" 'SELECT count(*) FROM event')" "the same number of events"
ok "$([ "$(q "$D/case.db" 'SELECT count(*) FROM event')" -gt 400 ]; echo $?)" "and there are events to compare ($(q "$D/case.db" 'SELECT count(*) FROM event'))"

# 3. a second item into the published case takes the ordinary path
"$TOUCHLINE" ingest -q -l WS22 "$D/case.db" "$IMG2"
is "$?" 0 "a second item into the published case"
is "$(q "$D/case.db" "SELECT group_concat(label, ' ') FROM (SELECT label FROM evidence ORDER BY 1)")" "WS17 WS22" "both items in the case"
is "$(q "$D/case.db" 'PRAGMA integrity_check')" ok "integrity check after the second item"

# 4. the same image twice at once into a new case: one in, one refused
R="$T_TMP/r"; mkdir -p "$R"
"$TOUCHLINE" ingest -q -l A "$R/case.db" "$IMG" 2>"$R/e1" & p1=$!
"$TOUCHLINE" ingest -q -l B "$R/case.db" "$IMG" 2>"$R/e2" & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
is "$(echo "$s1 $s2" | tr ' ' '\n' | sort | tr '\n' ' ')" "0 3 " "the same image twice at once into a new case: one ingested, one refused (exit 3)"
grep -q "already in the case" "$R/e1" "$R/e2"
ok $? "the refusal says it is already in the case"
is "$(q "$R/case.db" 'SELECT count(*) FROM evidence')" 1 "one item in the case"
is "$(q "$R/case.db" "SELECT count(*) FROM run WHERE status = 'complete'")" 1 "one complete run"
is "$(leftovers "$R")" 0 "no private file left"

if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  # 4. interrupted (SIGINT) in the walk: the case appears with the run row
  F="$T_TMP/c"; mkdir -p "$F"
  TOUCHLINE_FAULT=INT:50 "$TOUCHLINE" ingest -q -l WS17 "$F/case.db" "$IMG" 2>"$T_TMP/err"
  is "$?" 130 "an interrupted first item exits 130"
  is "$(q "$F/case.db" "SELECT status FROM run")" interrupted "the new case holds its run row, interrupted"
  is "$(q "$F/case.db" 'SELECT count(*) FROM object')" 0 "and nothing of the item"
  is "$(q "$F/case.db" 'PRAGMA integrity_check')" ok "intact"
  is "$(leftovers "$F")" 0 "no private file left"

  # 5. killed outright: no case, the private file stays; the path is free
  G="$T_TMP/d"; mkdir -p "$G"
  TOUCHLINE_FAULT=KILL:50 "$TOUCHLINE" ingest -q -l WS17 "$G/case.db" "$IMG" 2>/dev/null
  is "$?" 137 "a first item killed in its walk (SIGKILL)"
  ok "$([ ! -e "$G/case.db" ]; echo $?)" "leaves no case at the path"
  is "$(leftovers "$G")" 1 "but its private CASE.new-HOST-PID-XXXXXX file"
  host=$(hostname)
  ls "$G" | grep -q "^case.db.new-$host-[0-9]*-......$"
  ok $? "named with this host and the pid of the killed ingest"
  dead=$(ls "$G" | grep '\.new-')
  # two that are not a killed ingest's of this host: another host's, and
  # one of a process still alive
  : >"$G/case.db.new-otherhost-1-abcdef"
  : >"$G/case.db.new-$host-$$-abcdef"
  "$TOUCHLINE" ingest -q -l WS17 "$G/case.db" "$IMG" 2>"$T_TMP/err"
  is "$?" 0 "the next ingest makes the case"
  grep -q "case.db: note: 1 private file(s) of a new case left by an ingest that was killed (.*/$dead, [0-9.]* MiB): nothing of it is in any case; delete to free the space" "$T_TMP/err"
  ok $? "it names the killed ingest's private file, and only that one, in a note"
  [ $? -eq 0 ] || sed 's/^/# /' "$T_TMP/err"
  is "$(leftovers "$G")" 3 "and removes nothing (the same host name may be another machine's)"
  rm -f "$G"/case.db.new-*
  "$TOUCHLINE" ingest -q -l WS22 "$G/case.db" "$IMG2" 2>"$T_TMP/err"
  is "$(cat "$T_TMP/err")" "" "an ingest into the existing case says nothing of private files"
  is "$(q "$G/case.db" "SELECT group_concat(status, ' ') FROM run")" "complete complete" "two complete runs"

  # 6. stopped in its walk: no case yet; another ingest creates the case
  # meanwhile; the stopped one, let go, puts its item into that case
  H="$T_TMP/e"; mkdir -p "$H"
  TOUCHLINE_FAULT=STOP:50 "$TOUCHLINE" ingest -q -l WS17 "$H/case.db" "$IMG" 2>"$T_TMP/err1" & A=$!
  n=0
  while [ "$(ps -o stat= -p $A | cut -c1)" != T ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  is "$(ps -o stat= -p $A | cut -c1)" T "a first item stopped in its walk"
  ok "$([ ! -e "$H/case.db" ]; echo $?)" "no case at the path while it is private"
  "$TOUCHLINE" info "$H/case.db" >/dev/null 2>"$T_TMP/err"
  ok "$([ $? -ne 0 ]; echo $?)" "info finds no case then"
  grep -q "case.db: No such file or directory" "$T_TMP/err"
  ok $? "and says so, naming the case"
  "$TOUCHLINE" ingest -q -l WS22 "$H/case.db" "$IMG2"
  is "$?" 0 "another ingest creates the case meanwhile"
  # let go; it stops once more in the walk of its second try (the same
  # TOUCHLINE_FAULT), which shows that it ingests the item again
  kill -CONT $A
  n=0
  while [ "$(ps -o stat= -p $A | cut -c1)" != T ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  is "$(ps -o stat= -p $A | cut -c1)" T "let go, it finds the case made and walks its item again"
  kill -CONT $A
  wait $A
  is "$?" 0 "the stopped one, let go, ends well"
  is "$(q "$H/case.db" "SELECT group_concat(label, ' ') FROM (SELECT label FROM evidence ORDER BY 1)")" "WS17 WS22" "both items in the case, each once"
  is "$(q "$H/case.db" "SELECT count(*) FROM run WHERE status = 'complete'") $(q "$H/case.db" "SELECT count(*) FROM run")" "2 2" "two runs, both complete"
  is "$(q "$H/case.db" 'SELECT count(*) FROM object WHERE evidence_id = (SELECT evidence_id FROM evidence WHERE label = '"'WS17'"')')" \
    "$(q "$D/case.db" 'SELECT count(*) FROM object WHERE evidence_id = (SELECT evidence_id FROM evidence WHERE label = '"'WS17'"')')" \
    "the item holds all its objects"
  is "$(q "$H/case.db" 'PRAGMA integrity_check')" ok "integrity check"
  is "$(leftovers "$H")" 0 "no private file left"
else
  ok 0 "interrupted, killed and raced first items # SKIP TOUCHLINE_FAULT needs configure --enable-test-hooks"
fi
done_testing
