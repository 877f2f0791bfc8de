#!/bin/sh
# The plugin host (docs/PLUGIN-ABI.md): test plugins built as shared objects
# (tests/plugin/tp_*.c) loaded with --plugin; `touchline plugins`,
# `touchline artifacts CASE add` with values stored exactly, references
# resolved against an NTFS image (checked with istat), a wrong-major plugin
# refused with a clear message, a plugin failing on one file of two.
. "$TL_SRCDIR/tests/lib.sh"
B=$(dirname "$TOUCHLINE")
GOOD="$B/tests/plugin/.libs/tp_good.so"
MAJOR="$B/tests/plugin/.libs/tp_major.so"
FAILINIT="$B/tests/plugin/.libs/tp_failinit.so"
[ -f "$GOOD" ] || skip_all "test plugins not built"
unset TOUCHLINE_PLUGIN_PATH
q() { sqlite3 -batch "$DB" "$1"; }
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

# the list
out=$("$TOUCHLINE" plugins --plugin "$GOOD"); st=$?
is "$st" 0 "plugins --plugin loads a plugin built against the header"
is "$(echo "$out" | grep '^tltest' | cut -f1-3,5)" \
   "$(printf 'tltest\t0.9.1\t1.1\tglob:**/*.tltest')" \
   "plugins: name, version, ABI, claims"
is "$(echo "$out" | grep '^tltest' | cut -f4)" "$GOOD" "plugins: from the file"

# a wrong major, a failing init, an empty path, a missing file
err=$("$TOUCHLINE" plugins --plugin "$MAJOR" 2>&1); st=$?
is "$st" 1 "a plugin of another major is refused"
echo "$err" | grep -q "plugin $MAJOR: built for another plugin ABI than this host's 1.1: tpmajor needs plugin ABI 2, the host has 1"
ok $? "with a message naming the file, both majors ($err)"
err=$("$TOUCHLINE" plugins --plugin "$FAILINIT" 2>&1); st=$?
is "$st" 1 "a plugin whose init fails is refused"
echo "$err" | grep -q "plugin $FAILINIT: its init failed"
ok $? "said ($err)"
err=$("$TOUCHLINE" plugins --plugin "" 2>&1); st=$?
is "$st:$err" "1:touchline: plugin: an empty path" "an empty path is refused"
long=$(printf '%05000d' 0)
err=$("$TOUCHLINE" plugins --plugin "/$long.so" 2>&1); st=$?
is "$st:$err" "1:touchline: plugin: a path of 5004 bytes (at most 4095)" \
   "an overlong path is refused"
err=$("$TOUCHLINE" plugins --plugin "$T_TMP/none.so" 2>&1); st=$?
is "$st" 1 "a missing plugin file is an error"
echo "$err" | grep -q "plugin $T_TMP/none.so: cannot read it: No such file"
ok $? "naming it ($err)"
# TOUCHLINE_PLUGIN_PATH: a folder of plugins
mkdir -p "$T_TMP/pdir" && cp "$GOOD" "$T_TMP/pdir/good.so"
out=$(TOUCHLINE_PLUGIN_PATH="$T_TMP/pdir" "$TOUCHLINE" plugins | cut -f1,4)
is "$(echo "$out" | grep '^tltest')" "$(printf 'tltest\t%s' "$T_TMP/pdir/good.so")" \
   "TOUCHLINE_PLUGIN_PATH loads every .so of a folder"

# an NTFS image to resolve against
ZIP="$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip"
if [ ! -f "$ZIP" ]; then
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP corpus absent: $ZIP"
  echo "1..$T_N"; exit 0
fi
IMG=$(unzip_corpus "$ZIP" 7-ntfs-undel.dd)
DB="$T_TMP/case.db"
"$TOUCHLINE" ingest "$DB" "$IMG" -l ws01 --no-hash -q
ok $? "ingest the NTFS image"
# what istat says of entry 32 (mult1.dat, seq 1) and 36 (/dir1/mult2.dat)
# entry 32 is deleted: its header's sequence was bumped to 2 at deletion;
# references made during its life (USN records) carry 1, as fls shows
istat "$IMG" 32 | grep -q "^Entry: 32 *Sequence: 2"; ok $? "istat: entry 32 is now at sequence 2"
is "$(q "SELECT seq, deleted FROM object WHERE inode=32 AND stream IS NULL")" "1|1" \
   "the case keeps its sequence 1 of the name's reference"
fls -r -p "$IMG" | grep -q "36-128-[0-9]*:	dir1/mult2.dat"
ok $? "fls: entry 36 is dir1/mult2.dat"
o_mult1=$(q "SELECT object_id FROM object WHERE inode=32 AND stream IS NULL")
o_mult2=$(q "SELECT object_id FROM object WHERE path='/dir1/mult2.dat'")
o_frag3=$(q "SELECT object_id FROM object WHERE path='/dir1/dir2/frag3.dat'")

A="$T_TMP/a.tltest"
cat > "$A" <<'X'
EV 4 1686000000123456789 133304736001234567 mft:32:1 alice mask=0x1
EV 2 -1 0 mft:32:5 bob k=v
EV 7 1 2 path:C:\DIR1\MULT2.DAT S-1-5-21-1 reason=delete
EV 6 3 4 path:\\ws01\dir1\dir2\frag3.dat carol old=a
EV 3 5 6 path:C:\nope\x_y.doc dave k=v
CORRUPT
BAD
EV 12 7 8 name:lost.txt eve k=v
FACT host.name WS01
FACT share.Space+Tech C:\Shares\Space
X
Bf="$T_TMP/b.tltest"
printf 'EV 4 9 9 mft:32:1 zed k=v\nEV 4 10 10 mft:32:1 zed k=v\nFAIL\n' > "$Bf"
err=$("$TOUCHLINE" artifacts "$DB" add "$A" "$Bf" --evidence ws01 \
      --plugin "$GOOD" 2>&1); st=$?
is "$st" 4 "artifacts add: exit 4 when records or files were lost"
echo "$err" | grep -q "b.tltest: tltest failed (input cannot be processed); none of its events are kept"
ok $? "the failed file is named ($err)"
echo "$err" | grep -q "2 file(s), 6 event(s) (3 naming a file of the case), 1 corrupt record(s), 1 refused event(s), 1 file(s) failed"
ok $? "the summary counts"
is "$(q "SELECT count(*) FROM artifact_event")" 6 "a.tltest's 6 events kept, none of b's"
is "$(q "SELECT t_ns, raw, clamped, kind, object_id, resolved_by, ref_kind, mft_entry, mft_seq, actor, parser, parser_version, record_offset FROM artifact_event WHERE actor='alice'")" \
   "1686000000123456789|133304736001234567|0|opened|$o_mult1|mft|mft|32|1|alice|tltest|0.9.1|0" \
   "an MFT reference: values exact, resolved to entry 32 seq 1"
is "$(q "SELECT t_ns, object_id IS NULL, mft_seq FROM artifact_event WHERE actor='bob'")" \
   "-1|1|5" "a wrong sequence number stays unresolved"
is "$(q "SELECT kind, object_id, resolved_by, path FROM artifact_event WHERE actor='S-1-5-21-1'")" \
   "deleted|$o_mult2|path|C:\\DIR1\\MULT2.DAT" "a drive-letter path resolves case-blind, kept as written"
is "$(q "SELECT kind, object_id, resolved_by FROM artifact_event WHERE actor='carol'")" \
   "renamed|$o_frag3|share" "a UNC path resolves on the item labelled as its host"
is "$(q "SELECT object_id IS NULL, path FROM artifact_event WHERE actor='dave'")" \
   "1|C:\\nope\\x y.doc" "an unresolved path is kept as text"
is "$(q "SELECT kind, name, object_id IS NULL, ref_kind IS NULL FROM artifact_event WHERE actor='eve'")" \
   "observed|lost.txt|1|1" "a name-only event"
is "$(q "SELECT group_concat(key || '=' || value, ',') FROM (SELECT key, value FROM artifact_attr a JOIN artifact_event e USING(event_id) WHERE e.actor='alice' ORDER BY ord)")" \
   "mask=0x1,profile=-" "attributes in order"
is "$(q "SELECT what, artifact_path FROM artifact_event WHERE actor='S-1-5-21-1'")" \
   "tltest: line at $(head -n 2 "$A" | wc -c)|$A" "what and the artifact's path"
is "$(q "SELECT path, status, n_events, n_corrupt, n_refused FROM artifact_file ORDER BY artifact_file_id")" \
   "$A|corrupt|6|1|1
$Bf|failed|0|0|0" "artifact_file: statuses and counts"
is "$(q "SELECT message FROM artifact_file WHERE status='failed'")" \
   "tltest failed (input cannot be processed)" "the failure's message"
SHA=$(sha256sum "$GOOD" | cut -d' ' -f1)
is "$(q "SELECT name, version, abi, sha256, path, builtin FROM plugin WHERE name='tltest'")" \
   "tltest|0.9.1|1.1|$SHA|$GOOD|0" "plugin row: name, version, ABI, SHA-256 of the file"
is "$(q "SELECT status, plugins FROM run ORDER BY run_id DESC LIMIT 1")" \
   'complete|{"tltest":{"files":2,"events":6,"corrupt":1,"refused":1,"failed":1}}' \
   "the run row counts per parser"
is "$(q "SELECT n_events - (SELECT count(*) FROM event WHERE evidence_id=1) FROM evidence WHERE label='ws01'")" \
   6 "the item's event count grew by 6"

is "$(q "SELECT key, value, parser, artifact_path FROM evidence_fact ORDER BY fact_id")" \
   "host.name|WS01|tltest|$A
share.Space Tech|C:\\Shares\\Space|tltest|$A" "api->fact (ABI 1.1): facts stored with parser and source"
"$TOUCHLINE" info "$DB" | grep -A1 "key: share.Space Tech" | grep -q "value: C:.Shares.Space"
ok $? "info lists the facts"
# info: per parser and the files with problems
info=$("$TOUCHLINE" info "$DB")
echo "$info" | grep -A6 "^  artifacts:" | tr -d ' ' | tr '\n' ' ' | grep -q "^artifacts: -parser:tltest files:2 events:6 corrupt_records:1 refused_events:1 failed_files:1"
ok $? "info: artifacts per parser"
echo "$info" | grep -q "message: tltest failed (input cannot be processed)"
ok $? "info: the failed file and why"
is "$("$TOUCHLINE" info "$DB" --json | "$PYTHON3" -c 'import json,sys; e=json.load(sys.stdin)["evidence"][0]; a=e["artifacts"][0]; print(a["files"], a["events"], a["failed_files"], [p["status"] for p in e["artifact_problems"]])')" \
   "2 6 1 ['corrupt', 'failed']" "info --json: artifacts and artifact_problems"

# the timeline carries artifact events, the parser as their source
tl=$("$TOUCHLINE" timeline "$DB" --format jsonl)
is "$(printf "%s\n" "$tl" | grep '"actor":"alice"' | "$PYTHON3" -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["t_ns"], d["source"], d["parser"], d["kind"], d["path"], d["evidence"], json.dumps(d["attributes"], sort_keys=True), d["timestamp_desc"], d["data_type"], d["raw"])')" \
   '1686000000123456789 tltest tltest opened /mult1.dat ws01 {"mask": "0x1", "profile": "-"} tltest: opened touchline:artifact 133304736001234567' \
   "jsonl: an artifact event on its object, with parser, kind, attributes"
is "$(printf "%s\n" "$tl" | grep '"actor":"dave"' | "$PYTHON3" -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["path"], d["inode"], d["artifact"] == sys.argv[1])' "$A")" \
   'C:\nope\x y.doc 0 True' "jsonl: an unresolved one with the path as written"
is "$(printf "%s\n" "$tl" | grep -c '"data_type":"touchline:artifact"')" 6 "jsonl: all 6 artifact events"
is "$(printf "%s\n" "$tl" | grep -c '"data_type":"fs:stat"')" "$(q "SELECT count(*) FROM event")" "jsonl: and every file-system event"
is "$(printf "%s\n" "$tl" | "$PYTHON3" -c 'import json,sys; t=[json.loads(x)["t_ns"] for x in sys.stdin]; print(t == sorted(t))')" True "in time order"
is "$("$TOUCHLINE" timeline "$DB" --format l2tcsv | grep -c ',LOG,tltest,tltest: ')" 6 "l2tcsv: source LOG, the parser as source type"
is "$("$TOUCHLINE" timeline "$DB" --source tltest | tail -n +2 | wc -l)" 6 "--source tltest selects the parser's events"

# a new item holding only artifacts
err=$("$TOUCHLINE" artifacts "$DB" add "$A" --label usb-stick --division Legal \
      --plugin "$GOOD" 2>&1); st=$?
is "$st" 4 "artifacts add --label"
is "$(q "SELECT container_type, division FROM evidence WHERE label='usb-stick'")" \
   "artifacts|Legal" "a new item of container type artifacts"
is "$(q "SELECT count(*), count(object_id) FROM artifact_event e JOIN evidence v USING(evidence_id) WHERE v.label='usb-stick'")" \
   "6|1" "its events: only the UNC one resolves (on ws01)"
err=$("$TOUCHLINE" artifacts "$DB" add "$A" --label usb-stick --plugin "$GOOD" 2>&1); st=$?
is "$st" 3 "--label of an existing item: exit 3"

# checked before anything is written
n0=$(q "SELECT count(*) FROM run")
printf 'x' > "$T_TMP/unknown.bin"
err=$("$TOUCHLINE" artifacts "$DB" add "$A" "$T_TMP/unknown.bin" --evidence ws01 --plugin "$GOOD" 2>&1); st=$?
is "$st:$err" "2:touchline: $T_TMP/unknown.bin: no parser claims this file (name one with --parser; \`touchline plugins\` lists them)" \
   "a file no parser claims"
err=$("$TOUCHLINE" artifacts "$DB" add "$T_TMP/missing.lnk" --evidence ws01 2>&1); st=$?
is "$st:$err" "1:touchline: $T_TMP/missing.lnk: No such file or directory" "a missing file"
err=$("$TOUCHLINE" artifacts "$DB" add "$A" --evidence nope --plugin "$GOOD" 2>&1); st=$?
is "$st" 2 "an unknown --evidence label"
err=$("$TOUCHLINE" artifacts "$DB" add "$A" --evidence ws01 --plugin "$MAJOR" 2>&1); st=$?
is "$st" 1 "a wrong-major plugin stops artifacts add"
is "$(q "SELECT count(*) FROM run")" "$n0" "none of these wrote a run"
# --parser on a file whose name claims nothing
cp "$A" "$T_TMP/renamed.dat"
err=$("$TOUCHLINE" artifacts "$DB" add "$T_TMP/renamed.dat" --evidence ws01 --parser tltest --plugin "$GOOD" 2>&1); st=$?
is "$st" 4 "--parser names the parser"
is "$(q "SELECT parser, n_events FROM artifact_file WHERE path='$T_TMP/renamed.dat'")" "tltest|6" "parsed by it"
is "$(q "PRAGMA integrity_check")" ok "integrity check"

# in-image claims during the ingest's one walk: tracking.log by name and
# the stream mult1.dat:ADS, read through TSK (compared with icat)
CLAIM="$B/tests/plugin/.libs/tp_claim.so"
DB2="$T_TMP/case2.db"
TOUCHLINE_PLUGIN_PATH="$CLAIM" "$TOUCHLINE" ingest "$DB2" "$IMG" -l ws02 --no-hash -q
ok $? "ingest with a plugin that claims files in the image"
sum_of() { "$PYTHON3" -c 'import sys; d=sys.stdin.buffer.read(); print(len(d), d[:16].hex(), sum(d))'; }
want_log=$(icat "$IMG" 28 | sum_of)
want_ads=$(icat "$IMG" 32-128-6 | sum_of)
q2() { sqlite3 -batch "$DB2" "$1"; }
is "$(q2 "SELECT e.t_ns || ' ' || (SELECT value FROM artifact_attr WHERE event_id=e.event_id AND key='head') || ' ' || (SELECT value FROM artifact_attr WHERE event_id=e.event_id AND key='sum') FROM artifact_event e WHERE artifact_path='/System Volume Information/tracking.log'")" \
   "$want_log" "tracking.log: size, first bytes and byte sum as icat reads it"
is "$(q2 "SELECT e.t_ns || ' ' || (SELECT value FROM artifact_attr WHERE event_id=e.event_id AND key='head') || ' ' || (SELECT value FROM artifact_attr WHERE event_id=e.event_id AND key='sum') FROM artifact_event e WHERE artifact_path='/mult1.dat:ADS'")" \
   "$want_ads" "the stream mult1.dat:ADS: as icat 32-128-6 reads it"
is "$(q2 "SELECT count(*), count(DISTINCT artifact_object_id) FROM artifact_event e JOIN object o ON o.object_id = e.artifact_object_id AND o.path = e.artifact_path")" \
   "2|2" "the artifacts' own objects are recorded"
is "$(q2 "SELECT DISTINCT o.path, e.resolved_by FROM artifact_event e JOIN object o ON o.object_id = e.object_id")" \
   "/dir1/mult2.dat|mft" "the MFT reference resolves on the same file system"
is "$(q2 "SELECT name, version, abi, sha256 FROM plugin WHERE NOT builtin")" \
   "tlclaim|1.2.3|1.1|$(sha256sum "$CLAIM" | cut -d' ' -f1)" "the run's plugin recorded"
is "$(q2 "SELECT group_concat(name) FROM plugin WHERE builtin AND sha256 IS NULL")" \
   "usnjrnl,recyclebin,lnk,jumplist,prefetch,registry,evtx,m365" "the built-in parsers recorded too (no file of their own)"
is "$(q2 "SELECT plugins FROM run")" \
   '{"tlclaim":{"files":2,"events":2,"corrupt":0,"refused":0,"failed":0}}' \
   "the run row counts the claimed files"
is "$(q2 "SELECT count(*) FROM object")" "$(q "SELECT count(*) FROM object WHERE evidence_id=1")" \
   "the same objects as without the plugin"
"$TOUCHLINE" ingest "$DB2" "$IMG" -l ws02 --no-hash -q --replace --plugin "$CLAIM"
ok $? "ingest --replace with the plugin given by --plugin"
err=$("$TOUCHLINE" ingest "$T_TMP/case3.db" "$IMG" -l ws03 --no-hash -q --plugin "$MAJOR" 2>&1); st=$?
is "$st" 1 "ingest --plugin of another major fails"
echo "$err" | grep -q "plugin $MAJOR: built for another plugin ABI than this host's 1.1"
ok $? "saying so ($err)"
is "$(sqlite3 "$T_TMP/case3.db" "SELECT count(*) FROM evidence; SELECT status FROM run")" "0
failed" "and keeps nothing of the item; its run failed"
is "$(q2 "SELECT count(*), count(DISTINCT evidence_id) FROM artifact_event")|$(q2 "SELECT count(*) FROM artifact_file")|$(q2 "SELECT count(*) FROM artifact_attr")" \
   "2|1|2|6" "--replace: the old item's artifact rows are gone, the new ones there"
is "$(q2 "PRAGMA integrity_check")" ok "integrity check"

# A built-in parser that fails on one file of an image (the sample WS17 has
# an Outlook.lnk that is no shell link): the failure is kept with the
# parser's reason, as an artifact file row and as a warning row, even
# though the file's own savepoint is rolled back.
WS17=$TL_SRCDIR/samples/evidence/WS17.E01
"$TOUCHLINE" ingest -q "$T_TMP/ws17.db" "$WS17" -l ws17 --no-hash
ok $? "ingest of the sample WS17"
is "$(sqlite3 -batch "$T_TMP/ws17.db" "SELECT parser, status, message FROM artifact_file")" \
   "lnk|failed|lnk failed (input cannot be processed): not parsed: not a Shell Link header" \
   "the failed link file, with the parser's reason"
is "$(sqlite3 -batch "$T_TMP/ws17.db" "SELECT kind, message FROM warning")" \
   "artifact|lnk: /ProgramData/Microsoft/Windows/Start Menu/Programs/Outlook.lnk: not parsed: not a Shell Link header" \
   "its warning row survives the rolled-back savepoint"
printf 'XXXXnot a link' >"$T_TMP/bad.lnk"
"$TOUCHLINE" artifacts "$T_TMP/ws17.db" add "$T_TMP/bad.lnk" --evidence ws17 --parser lnk 2>/dev/null
is "$?:$(sqlite3 -batch "$T_TMP/ws17.db" "SELECT count(*) FROM warning WHERE message = 'lnk: $T_TMP/bad.lnk: not parsed: not a Shell Link header'")" \
   "4:1" "artifacts add: a failed file keeps its warning too (exit 4)"
done_testing
