#!/bin/sh
# Issue 11 end to end, Windows event logs: file server FS01 (an NTFS image
# holding C:\Shares\Space) and its Security log, written by
# tests/evtx_writer.py (no corpus log holds 4663 or 5145 records: checked
# with evtxexport) and attached with `artifacts add --evidence FS01`. The
# 5145 and 4663 records name targeted files: the exposure report shows them
# accessed, with the account, the client address and the record time to
# 100 ns; the facts say object access and file share auditing were on.
. "$TL_SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

V="$T_TMP/v.raw"
M="$T_TMP/mnt"
CASE="$T_TMP/case.db"
LOG="$T_TMP/Security.evtx"
"$PYTHON3" "$TL_SRCDIR/tests/evtx_writer.py" --fixture "$LOG"
ok $? "evtx_writer.py writes the Security log"
if command -v evtxexport >/dev/null; then
  # libevtx's own tool reads what the writer wrote
  is "$(evtxexport -f xml "$LOG" 2>/dev/null | grep -c '<Event ')" 14 \
    "evtxexport: 14 records"
  is "$(evtxexport -f xml "$LOG" 2>/dev/null | grep -c '<EventID>5145</EventID>')" 2 \
    "evtxexport: 2 of 5145"
fi

truncate -s 16M "$V" && mkntfs -F -q -Q "$V" >/dev/null 2>&1
ok $? "mkntfs"
mkdir "$M"
ntfs-3g -o no_detach "$V" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mountpoint -q "$M"
ok $? "ntfs-3g mounted the volume"
mkdir -p "$M/Shares/Space/Finance"
echo budget >"$M/Shares/Space/Finance/budget.xlsx"
echo payroll >"$M/Shares/Space/Finance/payroll.csv"
echo plans >"$M/Shares/Space/plans.docx"
echo old >"$M/Shares/Space/old.txt"
umount "$M"
wait $pid
ok $? "ntfs-3g wrote the volume"

"$TOUCHLINE" ingest -q "$CASE" "$V" --label FS01 --division IT 2>"$T_TMP/err"
ok $? "ingest FS01"
sed 's/^/# /' "$T_TMP/err"
"$TOUCHLINE" artifacts "$CASE" add "$LOG" --evidence FS01 >"$T_TMP/out" 2>&1
ok $? "artifacts add Security.evtx --evidence FS01 (found by its signature)"
sed 's/^/# /' "$T_TMP/out"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || status || '|' || n_events || '|' || n_corrupt FROM artifact_file")" \
  "evtx|ok|11|0" "artifact_file: evtx, ok, 11 events, nothing corrupt"
is "$(sqlite3 "$CASE" "SELECT key || '=' || value FROM evidence_fact ORDER BY key")" \
"audit.file_share=present
audit.object_access=present
evtx.security.ids=4624:1 4634:1 4656:1 4658:2 4660:1 4663:4 4672:1 5140:1 5145:2
evtx.security.range=2024-03-05T09:00:01.0000000Z 2024-03-05T10:00:01.0000000Z" \
  "facts: auditing present, IDs counted, record time range"
is "$(sqlite3 "$CASE" "SELECT a.kind || '|' || o.path || '|' || a.resolved_by FROM artifact_event a JOIN object o ON o.object_id = a.object_id ORDER BY a.t_ns")" \
"observed|/Shares/Space|path
accessed|/Shares/Space/Finance/budget.xlsx|path
modified|/Shares/Space/Finance/payroll.csv|path
accessed|/Shares/Space/plans.docx|path
accessed|/Shares/Space/plans.docx|path
changed|/Shares/Space/old.txt|path
deleted|/Shares/Space/old.txt|path
observed|/Shares/Space/old.txt|path" \
  "the share and object accesses resolve to the files of FS01 (\\??\\C:\\Shares\\Space + relative target)"

printf 'path,partner\n%s,P1\n%s,P2\n%s,P3\n' 'C:\Shares\Space\Finance\budget.xlsx' \
  'C:\Shares\Space\plans.docx' 'C:\Shares\Space\Finance\payroll.csv' >"$T_TMP/targets.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" >/dev/null 2>&1
ok $? "register imports"
"$TOUCHLINE" exposure "$CASE" --from 2024-03-01 --to 2024-03-10 --format json -o "$T_TMP/exp.json"
ok $? "exposure --format json"
"$PYTHON3" - "$T_TMP/exp.json" >"$T_TMP/check" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for name in ("Finance/budget.xlsx", "plans.docx", "Finance/payroll.csv"):
    o = [x for x in r["occurrences"] if x["path"] == "/Shares/Space/" + name]
    if len(o) != 1:
        print(name, "occurrences", len(o))
        continue
    o = o[0]
    print(name, "verdict", o["verdict"])
    for x in sorted(o["rows"], key=lambda x: x["t_ns"]):
        if x["source"] == "evtx":
            print(name, "row", x["kind"], x["t_ns"],
                  x["object_id"] == o["object_id"], x["note"])
PY
ok $? "the check script runs"
sed 's/^/# /' "$T_TMP/check"
is "$(sed -n 's/^Finance\/budget.xlsx verdict //p' "$T_TMP/check")" accessed \
  "budget.xlsx: verdict accessed (its own times are outside the window)"
is "$(sed -n 's/^Finance\/budget.xlsx row //p' "$T_TMP/check")" \
  "accessed 1709629204250000100 True evtx: accessed by CORP\\mallory ($LOG) [5145 share access from 10.20.30.40:49812 to \\\\*\\Space: ReadData/ListDirectory ReadEA ReadAttributes READ_CONTROL SYNCHRONIZE]" \
  "budget.xlsx: the 5145 row at 2024-03-05T09:00:04.2500001Z, by CORP\\mallory from 10.20.30.40"
is "$(sed -n 's/^plans.docx verdict //p' "$T_TMP/check")" accessed \
  "plans.docx: verdict accessed"
is "$(sed -n 's/^plans.docx row //p' "$T_TMP/check")" \
"accessed 1709629260000000000 True evtx: accessed by CORP\\mallory ($LOG) [4656 handle requested: ReadData/ListDirectory, session from 10.20.30.40]
accessed 1709629260123456700 True evtx: accessed by CORP\\mallory ($LOG) [4663 object access: ReadData/ListDirectory, session from 10.20.30.40]" \
  "plans.docx: the 4656 and 4663 rows to 100 ns, with the address of the logon session (4624)"
is "$(sed -n 's/^Finance\/payroll.csv verdict //p' "$T_TMP/check")" modified \
  "payroll.csv: a 5145 WriteData makes it modified"

# In an image: the log under windows/system32/winevt/logs (any case) is
# claimed during the walk and its events resolve on the same item.
V2="$T_TMP/v2.raw"
CASE2="$T_TMP/case2.db"
truncate -s 8M "$V2" && mkntfs -F -q -Q "$V2" >/dev/null 2>&1
ntfs-3g -o no_detach "$V2" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p "$M/windows/system32/winevt/logs" "$M/Shares/Space"
cp "$LOG" "$M/windows/system32/winevt/logs/Security.evtx"
echo plans >"$M/Shares/Space/plans.docx"
umount "$M"
wait $pid
ok $? "second volume with windows/system32/winevt/logs/Security.evtx"
"$TOUCHLINE" ingest -q "$CASE2" "$V2" --label FS02 2>"$T_TMP/err"
ok $? "ingest FS02"
is "$(sqlite3 "$CASE2" "SELECT parser || '|' || path || '|' || status || '|' || n_events FROM artifact_file")" \
  "evtx|/windows/system32/winevt/logs/Security.evtx|ok|11" \
  "the log is claimed in the image, case-blind, and parsed"
is "$(sqlite3 "$CASE2" "SELECT count(*) FROM artifact_event a JOIN object o ON o.object_id = a.object_id WHERE o.path = '/Shares/Space/plans.docx' AND a.kind = 'accessed'")" \
  2 "its 4656 and 4663 resolve to plans.docx on the same item"
is "$(sqlite3 "$CASE2" "SELECT value FROM evidence_fact WHERE key = 'audit.object_access'")" \
  present "audit.object_access stated for FS02"
# observability from the real parser's facts: auditing present, the log's range
"$TOUCHLINE" info "$CASE2" --json >"$T_TMP/info.json"
is "$("$PYTHON3" -c 'import json,sys
for e in json.load(open(sys.argv[1]))["evidence"]:
    o = e["observability"][0]
    print(e["label"], o["object_access_auditing"], o["file_share_auditing"], o["security_log_range"] is not None, o["note"])' "$T_TMP/info.json")" \
  "FS02 present present True None" "info: FS02 audited object and share access (Security.evtx), a log range, no not-observable note"
done_testing
