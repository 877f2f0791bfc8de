#!/bin/sh
# Issue 11, observability: what parsers state about an evidence item (plugin
# ABI 1.1 facts) tells whether a read could have been seen. On the sample
# WS17 with facts "last-access updating off" and "no object-access
# auditing" (stated by the test plugin tp_good.so, as the SYSTEM hive and
# evtx parsers do), `info` and every report format show the item's
# observability, and each "none" verdict on WS17 says it was not
# observable; FS01, with no facts, stays "unknown" and its none verdicts
# keep their plain reason.
. "$TL_SRCDIR/tests/lib.sh"
GOOD="$(dirname "$TOUCHLINE")/tests/plugin/.libs/tp_good.so"
[ -f "$GOOD" ] || skip_all "test plugin not built ($GOOD)"
S="$TL_SRCDIR/samples"
CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest "$CASE" "$S/evidence/WS17.E01" --label WS17 \
  --division "Space Technology" -q &&
  "$TOUCHLINE" ingest "$CASE" "$S/evidence/FS01.E01" --label FS01 \
    --division "Space Technology" -q &&
  "$TOUCHLINE" targets "$CASE" import "$S/targets.csv" >/dev/null 2>&1
ok $? "the sample WS17 and FS01 ingested, register imported"
printf 'FACT ntfs.last_access off_(0x80000003)\nFACT audit.object_access absent\nFACT evtx.security.range 2023-06-01T00:00:00Z..2023-06-20T00:00:00Z\n' \
  > "$T_TMP/facts.tltest"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/facts.tltest" --evidence WS17 \
  --plugin "$GOOD" 2>/dev/null
ok $? "facts stated about WS17"
"$TOUCHLINE" info "$CASE" --json > "$T_TMP/info.json"
ok $? "info --json"
is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
for e in d["evidence"]:
    o = e["observability"][0]
    print(e["label"], o["last_access_updating"], o["object_access_auditing"], o["security_log_range"], o["note"])' "$T_TMP/info.json")" \
"WS17 off absent 2023-06-01T00:00:00Z..2023-06-20T00:00:00Z not observable: last-access updating off, no object-access auditing
FS01 None None None None" "info: WS17 off and not audited; FS01 unknown"
"$TOUCHLINE" info "$CASE" | grep -A3 "observability:" | grep -q "last_access_updating: unknown (no SYSTEM hive read)"
ok $? "info text: an item without a hive says unknown"
W="--from 2023-06-05 --to 2023-06-21"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/r.json" &&
  "$TOUCHLINE" exposure "$CASE" $W --format text -o "$T_TMP/r.txt" &&
  "$TOUCHLINE" exposure "$CASE" $W --format html -o "$T_TMP/r.html"
ok $? "exposure json, text, html"
is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
ob = {o["evidence"]: o for o in d["observability"]}
print(ob["WS17"]["last_access_updating"], ob["WS17"]["note"], ob["FS01"]["last_access_updating"], ob["FS01"]["note"])
occ = d["occurrences"]
none_ws = [o for o in occ if o["evidence"] == "WS17" and o["verdict"] == "none"]
none_fs = [o for o in occ if o["evidence"] == "FS01" and o["verdict"] == "none"]
seen_ws = [o for o in occ if o["evidence"] == "WS17" and o["verdict"] != "none"]
print(len(none_ws) > 0, all(o["reasons"].endswith("; not observable: last-access updating off, no object-access auditing") for o in none_ws))
print(len(none_fs) > 0, any("not observable" in o["reasons"] for o in none_fs))
print(any("not observable" in o["reasons"] for o in seen_ws))' "$T_TMP/r.json")" \
"off not observable: last-access updating off, no object-access auditing unknown (no SYSTEM hive read) None
True True
True False
False" "json: observability per item; WS17's none verdicts say not observable, FS01's and the exposed ones do not"
grep -q "WS17: last-access updating off; object-access auditing absent; share auditing unknown (no Security log read); Security log 2023-06-01T00:00:00Z..2023-06-20T00:00:00Z; no USN journal read; LNK files" "$T_TMP/r.txt"
ok $? "text report: the observability line of WS17"
grep -A4 "  Observability" "$T_TMP/r.txt" | grep -q "^    FS01: last-access updating unknown (no SYSTEM hive read)"
ok $? "text report: FS01's line, unknown"
grep -q '<section id="observability">' "$T_TMP/r.html" &&
  grep -q "<td>not observable: last-access updating off, no object-access auditing</td>" "$T_TMP/r.html"
ok $? "html report: the observability section with WS17's note"

# A SharePoint file that an artifact of WS17 names by URL (an Office MRU
# entry, here a tltest event) is a cloud occurrence on WS17: its none
# verdict is about the cloud, where WS17's last-access setting and Security
# log say nothing, so it carries no observability note
printf 'EV 4 1682928000000000000 0 path:https://contoso.sharepoint.com/sites/SpaceTech/Shared_Documents/Plan_Q3.docx alice k=v\n' \
  > "$T_TMP/url.tltest"
printf 'path,name,partner\n,Plan Q3.docx,ESA\n' > "$T_TMP/cloud.csv"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/url.tltest" --evidence WS17 \
  --plugin "$GOOD" 2>/dev/null &&
  "$TOUCHLINE" targets "$CASE" import "$T_TMP/cloud.csv" --append >/dev/null 2>&1 &&
  "$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/r2.json"
ok $? "an opened event naming a SharePoint URL on WS17, outside the window"
is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
for o in d["occurrences"]:
    if o["match"] == "cloud-name":
        print(o["evidence"], o["verdict"], "not observable" in o["reasons"], o["reasons"].endswith("no evidence in the window"))' "$T_TMP/r2.json")" \
"WS17 none False True" "json: the cloud occurrence on WS17 (none) has no last-access note"

# Two Security logs of one item (an archived one and the live one): both
# ranges, in time order, so the gap between them shows; the same log
# stated twice counts once.
printf 'FACT evtx.security.range 2023-01-01T00:00:00Z..2023-02-01T00:00:00Z\n' \
  > "$T_TMP/facts2.tltest"
printf 'FACT evtx.security.range 2023-06-01T00:00:00Z..2023-06-20T00:00:00Z\n' \
  > "$T_TMP/facts3.tltest"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/facts2.tltest" "$T_TMP/facts3.tltest" \
  --evidence WS17 --plugin "$GOOD" 2>/dev/null
ok $? "a second (archived) Security log range stated about WS17"
"$TOUCHLINE" info "$CASE" --json > "$T_TMP/info2.json"
is "$("$PYTHON3" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([e["observability"][0]["security_log_range"] for e in d["evidence"] if e["label"] == "WS17"][0])' "$T_TMP/info2.json")" \
"2023-01-01T00:00:00Z..2023-02-01T00:00:00Z; 2023-06-01T00:00:00Z..2023-06-20T00:00:00Z" \
  "info: every Security log range of the item, in time order, once each"
done_testing
