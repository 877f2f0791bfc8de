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
NOTMP="$T_TMP/no/such/dir"
normtext() { # a text, csv or html report without the case name (CASE: the
  # SQLite path or the URI, also HTML-escaped) and the generation time
  "$PYTHON3" -c '
import re, sys
t = sys.stdin.read()
c = sys.argv[1]
b = c.rsplit("/", 1)[-1]       # the HTML title names the last part
for s in (c, c.replace("&", "&amp;"), b, b.replace("&", "&amp;")):
    t = t.replace(s, "CASE")
t = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by touchline", "X", t)
sys.stdout.write(t)' "$1"
}
iso() { # nanoseconds since 1970 as ISO 8601 UTC with nine decimals
  "$PYTHON3" -c '
import sys, time
n = int(sys.argv[1])
print(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(n // 10**9)) + ".%09dZ" % (n % 10**9))' "$1"
}
# xeq NAME SQLITE URI CMD ARGS...: exposure or anomalies in JSON on both
# backends equal (apart from the case and the generation time); the
# SQLite report stays in $T_TMP/xA
xeq() {
  xn=$1 xa=$2 xu=$3 xc=$4
  shift 4
  "$TOUCHLINE" "$xc" "$xa" "$@" --format json | norm >"$T_TMP/xA"
  TMPDIR=$NOTMP "$TOUCHLINE" "$xc" "$xu" "$@" --format json | norm >"$T_TMP/xP"
  cmp -s "$T_TMP/xA" "$T_TMP/xP" && [ -s "$T_TMP/xA" ]
  ok $? "$xn: $xc $* --format json equal"
}
# the reductions on the server (docs/POSTGRESQL.md "What runs where"):
# the other formats, bursts (also a window cutting through one), windows
# whose edges fall on an event time to the 100 ns (few runs: each is two
# commands, one on the server)
reductions() {
  name=$1 a=$2 u=$3 from=$4 to=$5 fmts=$6
  for f in $fmts; do
    "$TOUCHLINE" exposure "$a" --from "$from" --to "$to" --format $f | normtext "$a" >"$T_TMP/fA"
    TMPDIR=$NOTMP "$TOUCHLINE" exposure "$u" --from "$from" --to "$to" --format $f | normtext "$u" >"$T_TMP/fP"
    cmp -s "$T_TMP/fA" "$T_TMP/fP" && [ -s "$T_TMP/fA" ]
    ok $? "$name: exposure --format $f equal apart from the case and the generation time"
  done
  for f in csv; do
    "$TOUCHLINE" anomalies "$a" --from "$from" --to "$to" --format $f | normtext "$a" >"$T_TMP/fA"
    TMPDIR=$NOTMP "$TOUCHLINE" anomalies "$u" --from "$from" --to "$to" --format $f | normtext "$u" >"$T_TMP/fP"
    cmp -s "$T_TMP/fA" "$T_TMP/fP" && [ "$(wc -l <"$T_TMP/fA")" -gt 1 ]
    ok $? "$name: anomalies --format $f equal ($(wc -l <"$T_TMP/fA") lines)"
  done
  xeq "$name" "$a" "$u" exposure --from "$from" --to "$to" --burst-count 2 --burst-window 1
  # the burst with the most events; a window from its second event to
  # its last (excluded) cuts through it
  set -- $("$PYTHON3" -c '
import json, sys
b = json.load(open(sys.argv[1]))["bursts"]
b = sorted(b, key=lambda x: (-x["n_events"], x["start_ns"]))
print(len(b), b[0]["start_ns"], b[0]["end_ns"], b[0]["n_events"]) if b else print(0)' "$T_TMP/xA")
  ok "$([ "${1:-0}" -gt 0 ] && [ "${4:-0}" -gt 2 ]; echo $?)" "$name: --burst-count 2 --burst-window 1 finds bursts ($1, the largest of $4 events)"
  if [ "${1:-0}" -gt 0 ]; then
    xeq "$name" "$a" "$u" exposure --from "$(iso $(($2 + 100)))" --to "$(iso "$3")" --burst-count 2 --burst-window 1
  fi
  # an occurrence's event time t (the first $SI created of the window):
  # windows [t, t + 100 ns) and [..., t)
  t=$(sqlite3 "$a" "SELECT min(t_ns) FROM event WHERE t_ns >= (SELECT min(t_ns) FROM event e JOIN target_match m USING(object_id) WHERE e.source = '\$SI' AND substr(e.macb, 4, 1) = 'b' AND e.t_ns >= strftime('%s', '$from') * 1000000000 AND e.t_ns < strftime('%s', '$to') * 1000000000) AND object_id IN (SELECT object_id FROM target_match)")
  [ -n "$t" ]
  ok $? "$name: an occurrence's event time in the window: $(iso "$t")"
  xeq "$name" "$a" "$u" exposure --from "$(iso "$t")" --to "$(iso $((t + 100)))"
  n_in=$("$PYTHON3" -c 'import json,sys; print(sum(o["n_evidence"] for o in json.load(open(sys.argv[1]))["occurrences"]))' "$T_TMP/xA")
  xeq "$name" "$a" "$u" exposure --from "$from" --to "$(iso "$t")"
  [ "$n_in" -gt 0 ]
  ok $? "$name: the window [t, t + 100 ns) holds the occurrence's row ($n_in rows)"
  xeq "$name" "$a" "$u" anomalies --from "$(iso "$t")" --to "$(iso $((t + 100)))"
  # the earliest $SI/$FN time in the window of a file with findings: the
  # window [t, t + 100 ns) keeps the file (all its times count)
  "$TOUCHLINE" anomalies "$a" --from "$from" --to "$to" --format json >"$T_TMP/xA"
  t=$("$PYTHON3" -c '
import json, sys
lo, hi = int(sys.argv[2]), int(sys.argv[3])
ts = [f[k] for f in json.load(open(sys.argv[1]))["file_anomalies"]
      for k in ("si_created_ns", "si_modified_ns", "si_changed_ns", "si_accessed_ns",
                "fn_created_ns", "fn_modified_ns", "fn_changed_ns", "fn_accessed_ns")
      if f.get(k) is not None and lo <= f[k] < hi]
print(min(ts) if ts else "")' "$T_TMP/xA" "$(sqlite3 "$a" "SELECT strftime('%s', '$from') * 1000000000")" "$(sqlite3 "$a" "SELECT strftime('%s', '$to') * 1000000000")")
  [ -n "$t" ]
  ok $? "$name: a file anomaly's time in the window: $(iso "${t:-0}")"
  xeq "$name" "$a" "$u" anomalies --from "$(iso "$t")" --to "$(iso $((t + 100)))"
  n_in=$("$PYTHON3" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["file_anomalies"]))' "$T_TMP/xA")
  [ "$n_in" -gt 0 ]
  ok $? "$name: the window [t, t + 100 ns) holds that file's findings ($n_in)"
}

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
reductions sample "$A" "$U1" 2023-06-05 2023-06-21 "csv html"
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
  printf 'path\n/Data/dir01/sub/f0051.txt\nresum*\n/Windows/System32/cmd.exe\n/Data/dir0*/sub/*.txt\n/Data/dir02/sub/f0100.txt\n/No/Such/folder/file.txt\n' >"$T_TMP/t.csv" &&
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
reductions larger "$B" "$U2" 2023-06-01 "$(date -u -d tomorrow +%Y-%m-%d)" csv
is "$L_1_jsonl" "$(q "$B" "select (select count(*) from event) + (select count(*) from artifact_event)")" \
  "larger: the timeline has a line per event and artifact event of the case"
is "$L_3_jsonl" "$(q "$B" "select (select count(*) from event e join evidence v using(evidence_id) where v.label = 'BIG') + (select count(*) from artifact_event e join evidence v using(evidence_id) where v.label = 'BIG')")" \
  "larger: --evidence BIG has BIG's events"
done_testing
