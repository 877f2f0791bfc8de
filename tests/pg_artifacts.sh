#!/bin/sh
# `touchline artifacts URI add` and `touchline upgrade URI` on a PostgreSQL
# case (issue 13: every command on both backends with the same meaning).
# The sample WS17 and FS01 with the register in a SQLite case, copied into
# PostgreSQL; then the same artifacts commands on both: files attached to
# WS17 (an MFT reference, a Windows path, a UNC path to FS01 resolved
# through FS01's objects, an unresolved path, a corrupt record, a fact, and
# a file whose parse fails), a new item of artifacts alone with a UNC path
# to a host the case does not know yet, a fact on FS01 naming that host
# (the earlier event resolved again: a row changed in place), a Recycle Bin
# $I of a target; refusals (no such item, the label taken, a missing file).
# Each step: the same exit status and messages on both; at the end the case
# copied back out equals the SQLite case table by table (row counts and
# SHA-256 of `case copy`, the run and evidence rows without their times),
# and the timeline, info and exposure report are equal. Roles: an examiner
# adds artifacts, a reviewer is refused with one line. upgrade: a current
# case says so (exit 0), a newer or older version marker is refused.
# Item copies resolve UNC paths again: WS17 and WS22 with links to FS01,
# then FS01 by `ingest URI`: the links point at FS01's files as in a SQLite
# case ingested in the same order; an examiner who may not change them
# leaves them, counted in the run's message.
. "$TL_SRCDIR/tests/lib.sh"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
GOOD="$(dirname "$TOUCHLINE")/tests/plugin/.libs/tp_good.so"
[ -f "$GOOD" ] || skip_all "test plugin not built ($GOOD)"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
S="$TL_SRCDIR/samples"
# the staging cases of `artifacts URI add` go here
TMPDIR="$T_TMP/stage"
export TMPDIR
mkdir -p "$TMPDIR"
A="$T_TMP/a.db"

"$TOUCHLINE" ingest -q -l WS17 -d Administration "$A" "$S/evidence/WS17.E01" &&
  "$TOUCHLINE" ingest -q -l FS01 -d "Space Technology" "$A" "$S/evidence/FS01.E01" &&
  "$TOUCHLINE" targets "$A" import "$S/targets.csv" >/dev/null 2>&1
ok $? "the sample WS17 and FS01 in a SQLite case with the register"
pg_createdb c1
U=$(pg_uri c1)
"$TOUCHLINE" case copy "$A" "$U" -q >/dev/null
ok $? "copied into PostgreSQL"

# upgrade: a current case
"$TOUCHLINE" upgrade "$U" 2>"$T_TMP/up"
is "$?" 0 "upgrade URI: exit 0"
is "$(cat "$T_TMP/up")" "touchline: postgresql:///c1?host=$PG_DIR&user=postgres: already at schema version 4" \
  "upgrade URI: already at schema version 4"
"$TOUCHLINE" upgrade "$A" 2>"$T_TMP/upA"
is "$(sed 's/^touchline: [^:]*: //' "$T_TMP/upA")" "already at schema version 4" \
  "... as the SQLite case says"

# the artifact files (tests/plugin/tp_good.c's format: EV kind t_ns raw
# ref actor key=value)
printf '%s\n' \
  'EV 4 1686000000123456789 133304736001234567 mft:155:1 alice k=mft' \
  'EV 3 1686000001000000000 0 path:C:\Users\mbauer\Desktop\ToDo.txt bob k=path' \
  'EV 4 1686000002000000000 0 path:\\FS01\Shares\Administration\Procurement\Partners\Nordwind\Contracts\Nordwind_NDA_signed.pdf carol k=unc' \
  'EV 7 1686000003000000000 0 path:C:\nope\x_y.doc dave k=none' \
  'CORRUPT' \
  'FACT host.name WS17-PC' > "$T_TMP/f1.tltest"
printf 'EV 4 9 9 mft:155:1 zed k=v\nFAIL\n' > "$T_TMP/f2.tltest"
printf '%s\n' \
  'EV 4 1686000004000000000 0 path:\\NEWHOST\Shares\Administration\Procurement\Partners\LumenOrbital\Contracts\Lumen_NDA_signed.pdf erin k=later' \
  > "$T_TMP/u1.tltest"
printf 'FACT host.name NEWHOST\n' > "$T_TMP/h.tltest"
TGT='\Users\mbauer\Documents\Contracts\LumenOrbital\Contracts\Lumen_Master_Services_Agreement.pdf'
"$PYTHON3" - "$T_TMP/\$IAB12CD.pdf" "C:$TGT" 1686565230 1234567 <<'PY'
import struct, sys
out, path, secs, frac = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ft = secs * 10000000 + frac + 116444736000000000
p = (path + "\0").encode("utf-16-le")
with open(out, "wb") as f:
    f.write(struct.pack("<qqqI", 2, 4096, ft, len(p) // 2) + p)
PY
ok $? "the artifact files written"

# both NAME WANT_EXIT ARGS...: the command on the SQLite case and on the
# PostgreSQL case: the same exit status and messages
both() {
  name=$1 want=$2
  shift 2
  "$TOUCHLINE" artifacts "$A" add "$@" >/dev/null 2>"$T_TMP/eA"
  sa=$?
  "$TOUCHLINE" artifacts "$U" add "$@" >/dev/null 2>"$T_TMP/eP"
  sp=$?
  is "$sa $sp" "$want $want" "$name: exit $want on both"
  if cmp -s "$T_TMP/eA" "$T_TMP/eP"; then ok 0 "$name: the same messages"
  else ok 1 "$name: the same messages"; diff "$T_TMP/eA" "$T_TMP/eP" | sed 's/^/# /'; fi
}
both "attached to WS17 (one file fails)" 4 "$T_TMP/f1.tltest" "$T_TMP/f2.tltest" \
  --evidence WS17 --plugin "$GOOD"
grep -q "^touchline: 2 file(s), 4 event(s) (3 naming a file of the case), 1 corrupt record(s), 0 refused event(s), 1 file(s) failed$" "$T_TMP/eP"
ok $? "... 4 events, 3 resolved (MFT, path, UNC through FS01), 1 corrupt, 1 failed"
both "a new item of artifacts" 0 "$T_TMP/u1.tltest" --label USB1 --division Research \
  --plugin "$GOOD"
both "a fact on FS01" 0 "$T_TMP/h.tltest" --evidence FS01 --plugin "$GOOD"
both "a Recycle Bin \$I" 0 "$T_TMP/\$IAB12CD.pdf" --evidence WS17 --parser recyclebin
if [ "${TL_SANITIZERS:-}" != yes ]; then   # (release pass only)
both "no such item" 2 "$T_TMP/h.tltest" --evidence NOPE --plugin "$GOOD"
both "the label is taken" 3 "$T_TMP/h.tltest" --label USB1 --plugin "$GOOD"
both "a missing file" 1 "$T_TMP/none.tltest" --evidence WS17 --plugin "$GOOD"
grep -c . "$T_TMP/eP" | grep -qx 1
ok $? "... one line"
fi

# the values the parse gave, read on the server
is "$(pg_sql c1 "SELECT actor || ':' || coalesce(resolved_by, '-') || ':' || coalesce(o.path, '-') FROM artifact_event a LEFT JOIN object o USING (object_id) WHERE parser = 'tltest' ORDER BY a.event_id" | tr '\n' ' ')" \
  "alice:mft:/Users/mbauer/Desktop/Lumen_Laser_Terminal_Performance_Spec_RevF.pdf bob:path:/Users/mbauer/Desktop/ToDo.txt carol:share:/Shares/Administration/Procurement/Partners/Nordwind/Contracts/Nordwind NDA signed.pdf dave:-:- erin:share:/Shares/Administration/Procurement/Partners/LumenOrbital/Contracts/Lumen NDA signed.pdf " \
  "PostgreSQL: each event resolved as on SQLite (USB1's UNC path once NEWHOST was named)"
is "$(pg_sql c1 "SELECT label || ':' || n_events || ':' || n_corrupt FROM evidence ORDER BY evidence_id" | tr '\n' ' ')" \
  "WS17:512:1 FS01:2154:0 USB1:1:0 " "PostgreSQL: the items' event and corrupt counts"
is "$(pg_sql c1 "SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'failed') || ' ' || count(*) FILTER (WHERE status = 'complete') FROM run")" \
  "6 0 6" "PostgreSQL: a run row each of the four commands (the refused ones are refused before it; a file that fails fails alone)"

# the case copied back out equals the SQLite case
"$TOUCHLINE" case copy "$U" "$T_TMP/b.db" >"$T_TMP/hP"
ok $? "copied back out of PostgreSQL"
"$TOUCHLINE" case copy "$A" "$T_TMP/a2.db" >"$T_TMP/hA"
grep -v -e '^run	' -e '^evidence	' -e '^copied ' "$T_TMP/hA" >"$T_TMP/hA2"
grep -v -e '^run	' -e '^evidence	' -e '^copied ' "$T_TMP/hP" >"$T_TMP/hP2"
if cmp -s "$T_TMP/hA2" "$T_TMP/hP2"; then ok 0 "every table but run and evidence: the same rows and SHA-256"
else ok 1 "every table but run and evidence: the same rows and SHA-256"; diff "$T_TMP/hA2" "$T_TMP/hP2" | sed 's/^/# /'; fi
RUNQ="SELECT run_id, tool_version, host, status, message, label, evidence_id, plugins FROM run ORDER BY run_id"
EVQ="SELECT evidence_id, label, division, container_type, media_size, md5, verification, run_id, n_objects, n_events, n_corrupt FROM evidence ORDER BY evidence_id"
is "$(sqlite3 "$T_TMP/b.db" "$RUNQ" | md5sum)" "$(sqlite3 "$A" "$RUNQ" | md5sum)" \
  "run rows equal but for their times, process and command line"
is "$(sqlite3 "$T_TMP/b.db" "$EVQ")" "$(sqlite3 "$A" "$EVQ")" \
  "evidence rows equal but for the new item's time"
# the readers (release pass only; pg_reports.sh runs them under the
# sanitizers)
if [ "${TL_SANITIZERS:-}" != yes ]; then
"$TOUCHLINE" timeline "$A" -q -f csv >"$T_TMP/tA" &&
  "$TOUCHLINE" timeline "$U" -q -f csv >"$T_TMP/tP" && cmp -s "$T_TMP/tA" "$T_TMP/tP"
ok $? "timeline csv equal ($(wc -l <"$T_TMP/tA") lines)"
normrun() { # info JSON without the runs' times, process and command line
  norm | "$PYTHON3" -c '
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in
                ("command_line", "started_ns", "ended_ns", "pid", "ingested_ns", "ingested")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(sys.stdin)), sort_keys=True))'
}
"$TOUCHLINE" info "$A" --json | normrun >"$T_TMP/iA" &&
  "$TOUCHLINE" info "$U" --json | normrun >"$T_TMP/iP" && cmp -s "$T_TMP/iA" "$T_TMP/iP"
ok $? "info --json equal but for the runs' times and command lines"
cmp -s "$T_TMP/iA" "$T_TMP/iP" ||
  "$PYTHON3" -c 'import sys, difflib, json
a, b = (json.dumps(json.load(open(p)), indent=1, sort_keys=True).splitlines() for p in sys.argv[1:3])
print("\n".join("# " + l for l in list(difflib.unified_diff(a, b, lineterm=""))[:40]))' "$T_TMP/iA" "$T_TMP/iP"
W="--from 2023-06-05 --to 2023-06-21"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$A" $W --format json | norm >"$T_TMP/xA" &&
  "$TOUCHLINE" exposure "$U" $W --format json | norm >"$T_TMP/xP" &&
  cmp -s "$T_TMP/xA" "$T_TMP/xP" && grep -q '"recyclebin"' "$T_TMP/xP"
ok $? "exposure --format json equal, the \$I's row in it"
fi

# a password in the URI is in no run row and no message
"$TOUCHLINE" artifacts "$(pg_uri c1 password=Art1factPW)" add "$T_TMP/h.tltest" \
  --evidence WS17 --plugin "$GOOD" 2>"$T_TMP/e"
is "$?" 0 "a URI with a password: added"
is "$(pg_sql c1 "SELECT count(*) FILTER (WHERE command_line LIKE '%Art1factPW%') || ' ' || count(*) FILTER (WHERE command_line LIKE '%password=***%') FROM run") $(grep -c Art1factPW "$T_TMP/e")" \
  "0 1 0" "... the run row has it as ***, no message has it"

# roles: the owner made the functions (above); an examiner adds, a
# reviewer is refused
pg_sql c1 "CREATE ROLE tl_examiner NOLOGIN; CREATE ROLE tl_reviewer NOLOGIN;
  CREATE ROLE alice LOGIN IN ROLE tl_examiner; CREATE ROLE bob LOGIN IN ROLE tl_reviewer;
  GRANT USAGE ON SCHEMA public TO tl_examiner, tl_reviewer;
  GRANT SELECT ON ALL TABLES IN SCHEMA public TO tl_examiner, tl_reviewer;
  GRANT INSERT ON ALL TABLES IN SCHEMA public TO tl_examiner;
  GRANT UPDATE (status, ended_ns, message, evidence_id, plugins) ON run TO tl_examiner" >/dev/null
UA="postgresql:///c1?host=$PG_DIR&user=alice"
UB="postgresql:///c1?host=$PG_DIR&user=bob"
"$TOUCHLINE" artifacts "$UA" add "$T_TMP/f1.tltest" --evidence FS01 --plugin "$GOOD" 2>"$T_TMP/e"
is "$?" 4 "an examiner adds artifacts (exit 4: the corrupt record)"
is "$(pg_sql c1 "SELECT n_events || ':' || n_corrupt FROM evidence WHERE label = 'FS01'")" "2158:1" \
  "... FS01's counts moved through the owner's function"
"$TOUCHLINE" artifacts "$UB" add "$T_TMP/f1.tltest" --evidence FS01 --plugin "$GOOD" 2>"$T_TMP/e"
is "$?" 1 "a reviewer is refused (exit 1)"
is "$(cat "$T_TMP/e")" "touchline: postgresql:///c1?host=$PG_DIR&user=bob: the role bob may only read this case; adding artifacts needs an examiner (INSERT; docs/POSTGRESQL.md, \"Roles\")" \
  "... with one line"
"$PSQL" -X -q -A -t -h "$PG_DIR" -U bob -d c1 -c "SELECT tl_artifacts_counts(1, 100, 0)" >/dev/null 2>"$T_TMP/e"
grep -q "permission denied for table artifact_event" "$T_TMP/e"
ok $? "... nor can call the owner's functions directly"
"$TOUCHLINE" upgrade "$UB" 2>"$T_TMP/e"
is "$?" 0 "upgrade by a reviewer: nothing to do on a current case (as on a read-only SQLite file)"

"$TOUCHLINE" ingest -q -l WS22 "$UB" "$S/evidence/WS22.E01" 2>"$T_TMP/e"
is "$?$(grep -c . "$T_TMP/e")" 11 "a reviewer's ingest URI: refused (exit 1), one line"
grep -q "permission denied" "$T_TMP/e"
ok $? "... permission denied"

# (the release pass only: under the sanitizers each PostgreSQL run costs
# seconds of CPU, CI time)
if [ "${TL_SANITIZERS:-}" != yes ]; then
# two at once: they take turns on the case's lock, each its own ids
printf 'EV 4 1 1 mft:155:1 c1 k=v\nEV 4 2 2 mft:155:1 c1 k=v\n' >"$T_TMP/c1.tltest"
printf 'EV 4 3 3 mft:155:1 c2 k=v\n' >"$T_TMP/c2.tltest"
before=$(pg_sql c1 "SELECT n_events FROM evidence WHERE label = 'WS17'")
"$TOUCHLINE" artifacts "$U" add "$T_TMP/c1.tltest" --evidence WS17 --plugin "$GOOD" 2>/dev/null &
p1=$!
"$TOUCHLINE" artifacts "$U" add "$T_TMP/c2.tltest" --evidence WS17 --plugin "$GOOD" 2>/dev/null
s2=$?
wait $p1
is "$? $s2" "0 0" "two artifacts add at once: both exit 0"
is "$(pg_sql c1 "SELECT (SELECT n_events FROM evidence WHERE label = 'WS17') - $before, (SELECT count(*) FROM artifact_event WHERE actor IN ('c1', 'c2') AND object_id = (SELECT object_id FROM object WHERE path = '/Users/mbauer/Desktop/Lumen_Laser_Terminal_Performance_Spec_RevF.pdf')), (SELECT count(DISTINCT artifact_file_id) FROM artifact_event WHERE actor IN ('c1', 'c2'))")" \
  "3|3|2" "... WS17 has their 3 events, resolved, in 2 artifact files"
fi

# ids reserved for an item copy in flight (case_meta next_<table>_id,
# pgqueue.c's tl_reserve_ids: not in the table until the copy commits)
# are not given to new artifact rows
mark=$(pg_sql c1 "SELECT max(event_id) + 1000 FROM artifact_event")
pg_sql c1 "INSERT INTO case_meta VALUES('next_artifact_event_id', '$mark') ON CONFLICT (key) DO UPDATE SET value = excluded.value" >/dev/null
printf 'EV 4 5 5 mft:155:1 r1 k=v\n' >"$T_TMP/r1.tltest"
"$TOUCHLINE" artifacts "$U" add "$T_TMP/r1.tltest" --evidence WS17 --plugin "$GOOD" 2>/dev/null
is "$?" 0 "artifacts add beside a reservation: exit 0"
is "$(pg_sql c1 "SELECT min(event_id) >= $mark FROM artifact_event WHERE actor = 'r1'")" t \
  "... its event ids above the reserved range (from $mark)"

# queue and worker take a PostgreSQL case only, and say why
for c in "queue $A status" "worker $A --drain"; do
  # shellcheck disable=SC2086
  "$TOUCHLINE" $c 2>"$T_TMP/e"
  is "$?$(grep -c . "$T_TMP/e")" 21 "${c%% *} given a SQLite case: exit 2, one line"
  grep -q "the work queue lives in a PostgreSQL case .*touchline ingest $A --manifest FILE -j N" "$T_TMP/e"
  ok $? "... saying why and what to use"
done

# upgrade: the version marker newer, older
# (a case without this version's functions: as one made by case copy)
pg_sql c1 "DROP FUNCTION tl_artifacts_resolve, tl_artifacts_counts, tl_artifacts_lock, tl_artifacts_run_lock, tl_artifacts_may" >/dev/null
U2=$U
"$TOUCHLINE" upgrade "$UB" 2>"$T_TMP/e"
is "$?" 1 "upgrade by a reviewer of a case without this version's functions: refused"
grep -c . "$T_TMP/e" | grep -qx 1 && grep -q "made by the owner of the case" "$T_TMP/e"
ok $? "... with one line naming the owner"
"$TOUCHLINE" upgrade "$U2" 2>"$T_TMP/e"
is "$? $(pg_sql c1 "SELECT to_regproc('tl_artifacts_resolve') IS NOT NULL")" "0 t" \
  "upgrade by the owner makes them"
pg_sql c1 "UPDATE case_meta SET value = '5' WHERE key = 'schema_version'" >/dev/null
"$TOUCHLINE" upgrade "$U2" 2>"$T_TMP/e"
is "$?" 1 "a newer case: refused"
is "$(cat "$T_TMP/e")" "touchline: postgresql:///c1?host=$PG_DIR&user=postgres: case schema version 5 is newer than this touchline (4); upgrade touchline" \
  "... as SQLite says it"
"$TOUCHLINE" info "$U2" 2>"$T_TMP/e" >/dev/null
is "$?" 1 "... and by a reader"
is "$(cat "$T_TMP/e")" "touchline: postgresql:///c1?host=$PG_DIR&user=postgres: case schema version 5 is newer than this touchline (4); upgrade touchline" \
  "... in the same words"
"$TOUCHLINE" artifacts "$U2" add "$T_TMP/h.tltest" --evidence FS01 --plugin "$GOOD" 2>"$T_TMP/e"
is "$?$(grep -c 'is newer than this touchline' "$T_TMP/e")" 11 "... and by artifacts add"
pg_sql c1 "UPDATE case_meta SET value = '3' WHERE key = 'schema_version'" >/dev/null
"$TOUCHLINE" upgrade "$U2" 2>"$T_TMP/e"
is "$?" 1 "an older version marker: refused (PostgreSQL cases are made at version 4)"
grep -q "no migration of a PostgreSQL case applies" "$T_TMP/e"
ok $? "... saying so"
"$TOUCHLINE" info "$U2" 2>"$T_TMP/e" >/dev/null
is "$?$(grep -c 'case schema version 3: PostgreSQL cases are made at version 4' "$T_TMP/e")" 11 \
  "... a reader refuses it too"
pg_sql c1 "UPDATE case_meta SET value = '4' WHERE key = 'schema_version'" >/dev/null
"$TOUCHLINE" info "$U2" >/dev/null
ok $? "the marker back at 4: read again"
# an item copied in resolves the case's UNC paths again, as a SQLite
# ingest does in the item's transaction: WS17 and WS22 ingested, links to
# \\FS01\... attached to them (FS01 not in the case yet: unresolved), then
# FS01 ingested (`ingest URI`): the links point at FS01's objects, the same
# on both backends; a path FS01 has no file at stays unresolved
printf '%s\n' \
  'EV 4 1686000005000000000 0 path:\\FS01\Shares\Administration\Procurement\Partners\Nordwind\Contracts\Nordwind_NDA_signed.pdf ws17 k=unc1' \
  'EV 4 1686000006000000000 0 path:\\fs01\shares\Administration\Procurement\Partners\Nordwind\Contracts\no_such.pdf ws17 k=unc2' \
  > "$T_TMP/w17.tltest"
printf '%s\n' \
  'EV 4 1686000007000000000 0 path:\\FS01\Shares\Research\Joint-Propulsion\MeridianPropulsion\Meetings\Meridian_Design_Review_Minutes_2022-05-23.docx ws22 k=unc3' \
  > "$T_TMP/w22.tltest"
B="$T_TMP/unc.db"
pg_createdb c3
U3=$(pg_uri c3)
for C in "$B" "$U3"; do
  "$TOUCHLINE" ingest -q -l WS17 -d Administration "$C" "$S/evidence/WS17.E01" &&
    "$TOUCHLINE" ingest -q -l WS22 -d Research "$C" "$S/evidence/WS22.E01" &&
    "$TOUCHLINE" artifacts "$C" add "$T_TMP/w17.tltest" --evidence WS17 \
      --plugin "$GOOD" >/dev/null 2>&1 &&
    "$TOUCHLINE" artifacts "$C" add "$T_TMP/w22.tltest" --evidence WS22 \
      --plugin "$GOOD" >/dev/null 2>&1 &&
    "$TOUCHLINE" ingest -q -l FS01 -d "Space Technology" "$C" "$S/evidence/FS01.E01"
  ok $? "WS17, WS22, their links to FS01, then FS01: ${C##*/}"
done
UNC="SELECT w.label, a.path, coalesce(a.resolved_by, '-'), coalesce(e.label, '-'),
  coalesce(o.path, '-') FROM artifact_event a JOIN evidence w ON
  w.evidence_id = a.evidence_id LEFT JOIN object o ON o.object_id =
  a.object_id LEFT JOIN evidence e ON e.evidence_id = o.evidence_id WHERE
  substr(a.path, 1, 2) = '\\\\' ORDER BY a.path"
sqlite3 "$B" "$UNC" > "$T_TMP/uncA"
pg_sql c3 "$UNC" > "$T_TMP/uncP"
is "$(grep -c '|share|FS01|/Shares/' "$T_TMP/uncP")" 2 \
  "PostgreSQL: the two links to FS01's files resolved to them by the share"
is "$(grep 'Nordwind NDA signed' "$T_TMP/uncP" | cut -d'|' -f1,3-)" \
  'WS17|share|FS01|/Shares/Administration/Procurement/Partners/Nordwind/Contracts/Nordwind NDA signed.pdf' \
  "... WS17's link at FS01's Nordwind NDA signed.pdf"
is "$(grep 'Meridian Design' "$T_TMP/uncP" | cut -d'|' -f1,3-)" \
  'WS22|share|FS01|/Shares/Research/Joint-Propulsion/MeridianPropulsion/Meetings/Meridian Design Review Minutes 2022-05-23.docx' \
  "... WS22's link at FS01's Meridian Design Review Minutes"
is "$(grep -c '|-|-|-$' "$T_TMP/uncP")" 1 "... the link to no file of FS01 unresolved"
if cmp -s "$T_TMP/uncA" "$T_TMP/uncP"; then ok 0 "the same UNC resolutions as the SQLite case"
else ok 1 "the same UNC resolutions as the SQLite case"; diff "$T_TMP/uncA" "$T_TMP/uncP" | sed 's/^/# /'; fi
is "$(pg_sql c3 "SELECT count(*) FROM run WHERE status <> 'complete' OR message IS NOT NULL")" 0 \
  "every run complete, no message"
# an examiner's item copy: without EXECUTE on the owner's
# tl_artifacts_resolve (nor UPDATE) the paths are left, counted in the
# run's message; with it they are resolved by the next copy
pg_createdb c4
U4=$(pg_uri c4)
"$TOUCHLINE" ingest -q -l WS17 -d Administration "$U4" "$S/evidence/WS17.E01" &&
  "$TOUCHLINE" artifacts "$U4" add "$T_TMP/w17.tltest" --evidence WS17 \
    --plugin "$GOOD" >/dev/null 2>&1 &&
  pg_sql c4 "GRANT USAGE ON SCHEMA public TO tl_examiner;
  GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO tl_examiner;
  GRANT UPDATE (status, ended_ns, message, evidence_id, plugins) ON run TO tl_examiner;
  REVOKE EXECUTE ON FUNCTION tl_artifacts_resolve(bigint, bigint, text) FROM PUBLIC" >/dev/null
ok $? "a case with WS17's links, an examiner who may not resolve them again"
UA4="postgresql:///c4?host=$PG_DIR&user=alice"
"$TOUCHLINE" ingest -q -l FS01 -d "Space Technology" "$UA4" "$S/evidence/FS01.E01"
is "$?" 0 "the examiner's ingest URI of FS01: exit 0"
is "$(pg_sql c4 "SELECT count(*) FROM artifact_event WHERE object_id IS NULL")|$(pg_sql c4 "SELECT message FROM run WHERE evidence_id = (SELECT evidence_id FROM evidence WHERE label = 'FS01')")" \
  "2|1 UNC paths of other items not resolved again: this role may not change artifact events (\`artifacts URI add\` does it)" \
  "... the link to FS01's file left unresolved, counted in the run's message"
pg_sql c4 "GRANT EXECUTE ON FUNCTION tl_artifacts_resolve(bigint, bigint, text) TO tl_examiner" >/dev/null
"$TOUCHLINE" ingest -q -l WS22 -d Research "$UA4" "$S/evidence/WS22.E01"
is "$?$(pg_sql c4 "SELECT count(*) FROM artifact_event WHERE object_id IS NULL")$(pg_sql c4 "SELECT count(*) FROM run WHERE message IS NULL AND status = 'complete'")" "013" \
  "... with EXECUTE granted, the next copy resolves it (one left: no such file; 3 runs without a message)"

is "$(ls "$TMPDIR" | wc -l)" 0 "no staging case left behind (TMPDIR)"
done_testing
