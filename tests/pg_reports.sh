#!/bin/sh
# The readers on a PostgreSQL case give what they give on the SQLite case
# it was copied from (issue 13, docs/POSTGRESQL.md "What runs where"), on
# a throwaway server of the test's own (tests/pg_lib.sh). Two cases: the
# sample case (samples/: three items, the share map and the register) and
# a larger generated one (an NTFS volume written by ntfs-3g: 3,000 files in
# 60 folders, streams, deleted files, UTF-8 names, and prefetch files from
# the corpus, so artifact events with attributes). For each: `info --json`
# and `info`, `timeline` in the five formats with and without --from/--to,
# --evidence, --division, --source, --deleted/--allocated, --path and
# --tz, also in windows of 97 events (test hook TOUCHLINE_EXPORT_WINDOW),
# `exposure --format json` (two windows) and `anomalies --format json`
# (with and without one): equal apart from the case name and the
# generation time. No temporary copy: every reader succeeds with TMPDIR
# naming a folder that does not exist.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
[ -f "$S/evidence/WS17.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
set -f                      # filters such as --path *.exe stay as written
q() { sqlite3 "$1" "$2"; }
norm() { # JSON without the case name and the generation time
  "$PYTHON3" -c '
import json, sys
d = json.load(sys.stdin)
d.pop("case", None)
p = d.get("params", {})
for k in ("case_path", "generated_ns", "generated"):
    p.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
NOTMP="$T_TMP/no/such/dir"

# compare NAME SQLITE URI WINDOW: the readers on both; the timeline also
# with --from WINDOW's two dates
compare() {
  name=$1 a=$2 u=$3 from=$4 to=$5
  "$TOUCHLINE" info "$a" --json | norm >"$T_TMP/iA"
  TMPDIR=$NOTMP "$TOUCHLINE" info "$u" --json >"$T_TMP/iP.raw" 2>"$T_TMP/err"
  is "$?" 0 "$name: info --json on PostgreSQL, no temporary copy (TMPDIR does not exist): exit 0"
  norm <"$T_TMP/iP.raw" >"$T_TMP/iP" 2>/dev/null
  cmp -s "$T_TMP/iA" "$T_TMP/iP" && [ -s "$T_TMP/iA" ]
  ok $? "$name: info --json equal"
  "$TOUCHLINE" info "$a" | sed 1d >"$T_TMP/iA"
  TMPDIR=$NOTMP "$TOUCHLINE" info "$u" >"$T_TMP/iP"
  is "$(head -1 "$T_TMP/iP")" "case: $(echo "$u" | sed 's/password=[^&]*/password=***/')" "$name: info names the case by its URI"
  sed -i 1d "$T_TMP/iP"
  cmp -s "$T_TMP/iA" "$T_TMP/iP"
  ok $? "$name: info (text) equal apart from the case line"
  i=0
  for filt in "" "--from $from --to $to" "--evidence $6" "--division=$7" \
      "--source \$FN --to $to" "--deleted" "--allocated --path *.exe" \
      "--from $from --tz Europe/Berlin" "--evidence NOSUCH"; do
    i=$((i + 1))
    for f in csv bodyfile jsonl l2tcsv tln; do
      # shellcheck disable=SC2086
      "$TOUCHLINE" timeline "$a" -q -f $f $filt >"$T_TMP/tA" 2>"$T_TMP/eA"
      ra=$?
      # shellcheck disable=SC2086
      TMPDIR=$NOTMP "$TOUCHLINE" timeline "$u" -q -f $f $filt >"$T_TMP/tP" 2>"$T_TMP/eP"
      rp=$?
      [ $ra -eq 0 ] && [ $rp -eq 0 ] && cmp -s "$T_TMP/tA" "$T_TMP/tP"
      ok $? "$name: timeline -f $f ${filt:-(no filter)}: equal ($(wc -l <"$T_TMP/tA") lines)"
      eval "L_${i}_$f=\$(wc -l <\"\$T_TMP/tA\")"
    done
  done
  for f in csv bodyfile; do
    TOUCHLINE_EXPORT_WINDOW=97 "$TOUCHLINE" timeline "$a" -q -f $f >"$T_TMP/tA"
    TOUCHLINE_EXPORT_WINDOW=97 TMPDIR=$NOTMP "$TOUCHLINE" timeline "$u" -q -f $f >"$T_TMP/tP"
    cmp -s "$T_TMP/tA" "$T_TMP/tP" && [ "$(wc -l <"$T_TMP/tA")" -gt 97 ]
    ok $? "$name: timeline -f $f in windows of 97 events: equal"
  done
  "$TOUCHLINE" exposure "$a" --from "$from" --to "$to" --format json | norm >"$T_TMP/xA"
  TMPDIR=$NOTMP "$TOUCHLINE" exposure "$u" --from "$from" --to "$to" --format json >"$T_TMP/xP.raw"
  is "$?" 0 "$name: exposure on PostgreSQL, no temporary file: exit 0"
  norm <"$T_TMP/xP.raw" >"$T_TMP/xP" 2>/dev/null
  cmp -s "$T_TMP/xA" "$T_TMP/xP" && [ -s "$T_TMP/xA" ]
  ok $? "$name: exposure --format json equal"
  "$TOUCHLINE" anomalies "$a" --format json | norm >"$T_TMP/aA"
  TMPDIR=$NOTMP "$TOUCHLINE" anomalies "$u" --format json | norm >"$T_TMP/aP"
  cmp -s "$T_TMP/aA" "$T_TMP/aP" && [ -s "$T_TMP/aA" ]
  ok $? "$name: anomalies --format json equal"
  "$TOUCHLINE" anomalies "$a" --from "$from" --to "$to" --format json | norm >"$T_TMP/aA"
  TMPDIR=$NOTMP "$TOUCHLINE" anomalies "$u" --from "$from" --to "$to" --format json | norm >"$T_TMP/aP"
  cmp -s "$T_TMP/aA" "$T_TMP/aP" && [ -s "$T_TMP/aA" ]
  ok $? "$name: anomalies --from --to --format json equal"
  "$TOUCHLINE" exposure "$a" --from "$8" --to "$9" --format json | norm >"$T_TMP/xA"
  TMPDIR=$NOTMP "$TOUCHLINE" exposure "$u" --from "$8" --to "$9" --format json | norm >"$T_TMP/xP"
  cmp -s "$T_TMP/xA" "$T_TMP/xP" && [ -s "$T_TMP/xA" ]
  ok $? "$name: exposure --from $8 --to $9 (a narrow window) equal"
}

# ---- the sample case ----
A="$T_TMP/a.db"
(cd "$S" && "$TOUCHLINE" ingest "$A" --manifest evidence.tsv -j 2 -q >/dev/null) &&
  "$TOUCHLINE" divisions "$A" import "$S/shares.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" targets "$A" import "$S/targets.csv" >/dev/null 2>&1
ok $? "the sample case in SQLite"
pg_createdb c1
U1=$(pg_uri c1)
"$TOUCHLINE" case copy "$A" "$U1" -q
ok $? "... copied into PostgreSQL"
compare sample "$A" "$U1" 2023-06-05 2023-06-21 WS17 Research 2023-06-12 2023-06-13
"$TOUCHLINE" timeline "$A" -q -f csv >"$T_TMP/tl_sample.csv"
# the sample's counts (docs/POSTGRESQL.md, tests/pg_case_copy.sh): 3,180
# events, 507 of them WS17's
is "$L_1_csv" 3181 "sample: the timeline has its 3,180 events and a header"
is "$L_1_jsonl" 3180 "sample: jsonl a line per event"
is "$L_3_jsonl" 507 "sample: --evidence WS17 has WS17's 507 events"
is "$L_9_jsonl" 0 "sample: --evidence NOSUCH: no events"
is "$(TMPDIR=$NOTMP "$TOUCHLINE" info "$U1" --json | "$PYTHON3" -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted("%s:%d/%d" % (e["label"], e["n_objects"], e["n_events"]) for e in d["evidence"])))')" \
  "FS01:498/2154 WS17:134/507 WS22:139/519" "sample: info --json on PostgreSQL: each item's objects and events"

# the reader reads in one read-only transaction: a reviewer who may only
# SELECT runs both
pg_sql c1 "CREATE ROLE rev LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO rev" >/dev/null
UR="postgresql:///c1?host=$PG_DIR&user=rev"
TMPDIR=$NOTMP "$TOUCHLINE" timeline "$UR" -q -f csv >"$T_TMP/tR" && cmp -s "$T_TMP/tR" "$T_TMP/tl_sample.csv"
ok $? "a role with SELECT only: timeline equal"
TMPDIR=$NOTMP "$TOUCHLINE" info "$UR" --json >/dev/null
ok $? "... and info"
# the writing commands refuse it with one line (tests/pg_artifacts.sh)
"$TOUCHLINE" artifacts "$UR" add "$S/targets.csv" --evidence WS17 2>"$T_TMP/err"
is "$?$(grep -c . "$T_TMP/err")" 11 "a role with SELECT only: artifacts add refused (exit 1), one line"
grep -q "the role rev may only read this case; adding artifacts needs an examiner" "$T_TMP/err"
ok $? "... saying why"
"$TOUCHLINE" upgrade "$UR" 2>"$T_TMP/err"
is "$?$(grep -c . "$T_TMP/err")" 11 "... upgrade of a case without this version's functions refused (exit 1), one line"
grep -q "made by the owner of the case" "$T_TMP/err"
ok $? "... saying who makes them"

# the register's reads work on the server's case; writes are refused
"$TOUCHLINE" targets "$A" list >"$T_TMP/lA"
TMPDIR=$NOTMP "$TOUCHLINE" targets "$U1" list >"$T_TMP/lP"
cmp -s "$T_TMP/lA" "$T_TMP/lP" && [ "$(wc -l <"$T_TMP/lA")" -gt 300 ]
ok $? "sample: targets list equal, matches counted ($(wc -l <"$T_TMP/lA") lines)"
# a write the library's reader refuses (the tool's targets command takes
# the register path of cmd_pgwrite.c instead, tests/pg_ingest.sh)
TMPDIR=$NOTMP "$TOUCHLINE" targets "$U1" stats >"$T_TMP/sP" &&
  "$TOUCHLINE" targets "$A" stats >"$T_TMP/sA" && cmp -s "$T_TMP/sA" "$T_TMP/sP"
ok $? "sample: targets stats equal, read in place (no temporary copy)"
"$TOUCHLINE" targets "$U1" match >/dev/null 2>"$T_TMP/err"
is "$?" 0 "targets match on a PostgreSQL case works (tests/pg_ingest.sh checks its results)"

# ---- a larger generated case ----
# under the sanitizers the sample case above is enough: the larger case
# (3,000 files, 45 exports on two backends) took 10 of the CI's 30 minutes
# there; the release pass runs it
if [ "${TL_SANITIZERS:-}" = yes ]; then
  echo "# SKIP the larger case under the sanitizers (the release pass runs it)"
  done_testing
  exit $?
fi
if [ "$(id -u)" != 0 ] || ! command -v mkntfs >/dev/null || ! command -v ntfs-3g >/dev/null || [ ! -c /dev/fuse ]; then
  echo "# SKIP the larger case: needs root, /dev/fuse, mkntfs and ntfs-3g"
  done_testing
  exit $?
fi
V="$T_TMP/big.raw"
M="$T_TMP/mnt"
truncate -s 96M "$V" && mkntfs -F -q -Q "$V" >/dev/null 2>&1
ok $? "mkntfs a 96 MB volume"
mkdir "$M"
ntfs-3g -o no_detach,streams_interface=windows "$V" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PF="${TL_CORPUS:-/nonexistent}/plaso/test_data/winprefetch"
"$PYTHON3" - "$M" "$PF" <<'PY'
import os, sys, shutil
m, pf = sys.argv[1], sys.argv[2]
for d in range(60):
    dd = os.path.join(m, "Data", "dir%02d" % d, "sub")
    os.makedirs(dd)
    for f in range(50):
        name = ("f%04d.txt" if f % 7 else "tool%04d.exe") % (d * 50 + f)
        if f == 3:
            name = "r\u00e9sum\u00e9 %d \u20ac.docx" % d
        p = os.path.join(dd, name)
        with open(p, "wb") as o:
            o.write(b"x" * (f * 37 % 5000))
        if f == 5:
            with open(p + ":Zone.Identifier", "wb") as o:
                o.write(b"[ZoneTransfer]\r\nZoneId=3\r\n")
    for f in range(0, 50, 10):
        name = ("f%04d.txt" if f % 7 else "tool%04d.exe") % (d * 50 + f)
        os.unlink(os.path.join(dd, name))
if os.path.isdir(pf):
    os.makedirs(os.path.join(m, "Windows", "Prefetch"))
    os.makedirs(os.path.join(m, "Windows", "System32"))
    for f in sorted(os.listdir(pf)):
        if f.endswith(".pf"):
            shutil.copy(os.path.join(pf, f), os.path.join(m, "Windows", "Prefetch", f))
    for f in ("cmd.exe", "notepad.exe", "locale.nls", "ping.exe"):
        with open(os.path.join(m, "Windows", "System32", f), "w") as o:
            o.write(f)
PY
ok $? "3,000 files in 60 folders, streams, deleted files, UTF-8 names, prefetch files"
umount "$M"
wait $pid
ok $? "ntfs-3g wrote the volume"
B="$T_TMP/b.db"
(cd "$S" && "$TOUCHLINE" ingest "$B" --manifest evidence.tsv -j 2 -q >/dev/null) &&
  "$TOUCHLINE" ingest -q "$B" "$V" --label BIG --division Research 2>/dev/null &&
  printf 'path\n/Data/dir01/sub/f0051.txt\nresum*\n/Windows/System32/cmd.exe\n' >"$T_TMP/t.csv" &&
  "$TOUCHLINE" targets "$B" import "$T_TMP/t.csv" >/dev/null 2>&1
ok $? "the larger case: the volume and the three sample items, and a register"
nobj=$(q "$B" "select count(*) from object")
[ "$nobj" -gt 3000 ]
ok $? "... $nobj objects"
if [ -d "$PF" ]; then
  [ "$(q "$B" "select count(*) from artifact_event")" -gt 100 ] &&
    [ "$(q "$B" "select count(*) from artifact_attr")" -gt 100 ]
  ok $? "... $(q "$B" "select count(*) from artifact_event") artifact events with attributes"
else
  echo "# no corpus prefetch files under $PF: the larger case has no artifact events"
fi
pg_createdb c2
U2=$(pg_uri c2)
"$TOUCHLINE" case copy "$B" "$U2" -q
ok $? "... copied into PostgreSQL"
today=$(date -u +%Y-%m-%d)
compare larger "$B" "$U2" 2000-01-01 "$today" BIG Research 2023-06-12 2023-06-13
is "$L_1_jsonl" "$(q "$B" "select (select count(*) from event) + (select count(*) from artifact_event)")" \
  "larger: the timeline has a line per event and artifact event of the case"
is "$L_3_jsonl" "$(q "$B" "select (select count(*) from event e join evidence v using(evidence_id) where v.label = 'BIG') + (select count(*) from artifact_event e join evidence v using(evidence_id) where v.label = 'BIG')")" \
  "larger: --evidence BIG has BIG's events"
done_testing
