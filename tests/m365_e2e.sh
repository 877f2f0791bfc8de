#!/bin/sh
# Issue 11, the Microsoft 365 audit log end to end: exports in both portal
# CSV layouts and as JSON lines (tests/m365_gen.py builds them from
# Microsoft's published AuditData schema; no public sample exists) added
# with `artifacts add`; a target register and a site-to-share map; the
# exposure report shows each target downloaded, deleted or previewed in the
# cloud with user, client IP, user agent and time, a name-only match marked
# as weaker. Then a 50,000-row export is imported and timed.
. "$TL_SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

CASE="$T_TMP/case.db"
GEN="$TL_SRCDIR/tests/m365_gen.py"
"$PYTHON3" "$GEN" case "$T_TMP"
ok $? "the exports were generated"

"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/audit_new.csv" \
  "$T_TMP/audit_old.csv" "$T_TMP/audit.jsonl" --label M365 \
  --division Cloud >"$T_TMP/add.out" 2>&1
ok $? "artifacts add: three exports, both layouts and JSON lines"
is "$(sqlite3 "$CASE" "SELECT group_concat(parser || ':' || n_events, ' ')
  FROM (SELECT parser, n_events FROM artifact_file ORDER BY
  artifact_file_id)")" "m365:4 m365:1 m365:2" \
  "each is taken by m365 (by its bid), with its events"
is "$(sqlite3 "$CASE" "SELECT e.kind || ' ' || e.actor || ' ' ||
  strftime('%Y-%m-%dT%H:%M:%f', e.t_ns / 1e9, 'unixepoch') || ' ' ||
  (SELECT value FROM artifact_attr a WHERE a.event_id = e.event_id AND
  a.key = 'ClientIP') FROM artifact_event e ORDER BY e.event_id LIMIT 1")" \
  "downloaded mallory@contoso.com 2023-06-05T08:12:34.500 198.51.100.23" \
  "the first event: kind, user, time, client IP"
is "$(sqlite3 "$CASE" "SELECT value FROM evidence_fact WHERE key =
  'm365.operations' ORDER BY fact_id LIMIT 1 OFFSET 1")" \
  "FileDownloaded:1 MailItemsAccessed:1" \
  "the old layout's operations counted (one mail operation not emitted)"
is "$(sqlite3 "$CASE" "SELECT count(*) FROM warning WHERE message LIKE
  '%MailItemsAccessed:1%'")" "1" "the other operation is a warning line"

# the file server, with the share a SYSTEM hive names (the fact a registry
# parser states: share.Space = C:\Shares\Space)
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/fs01.jsonl" --label FS01 \
  >/dev/null 2>&1
ok $? "an item labelled FS01"
sqlite3 "$CASE" "INSERT INTO evidence_fact(evidence_id, key, value, parser)
  SELECT evidence_id, 'share.Space', 'C:\\Shares\\Space', 'test' FROM
  evidence WHERE label = 'FS01'"
ok $? "its share fact"

cat >"$T_TMP/targets.csv" <<'EOF'
path,name,partner,classification,evidence
/sites/SpaceTech/Shared Documents/Projects/Orbit/Orbit Plan.docx,,ESA,secret,
\\fs01\space\Finance\budget.xlsx,,ESA,,
/Shares/Space/Finance/Q3.xlsx,,ESA,,FS01
,Supplier List.pdf,Partner2,,
,notes.docx,,,
https://contoso.sharepoint.com/sites/SpaceTech/Shared%20Documents/Projects/Orbit/notes.txt,,ESA,,
EOF
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" >/dev/null 2>&1
ok $? "targets import"
printf 'site_url,unc_prefix\r\nhttp://contoso.sharepoint.com/\r\n' \
  >"$T_TMP/bad.csv"
"$TOUCHLINE" targets "$CASE" sitemap import "$T_TMP/bad.csv" \
  >"$T_TMP/bad.out" 2>&1
is "$?" "1" "sitemap import: a bad row refuses the file"
grep -q "bad.csv:2: 1 fields, the header has 2" "$T_TMP/bad.out"
ok $? "  naming its line"
printf 'site_url,unc_prefix\r\n%s,%s\r\n' \
  "https://contoso.sharepoint.com/sites/SpaceTech/Shared%20Documents/" \
  '\\fs01\space\' >"$T_TMP/sitemap.csv"
"$TOUCHLINE" targets "$CASE" sitemap import "$T_TMP/sitemap.csv" \
  >"$T_TMP/map.out" 2>&1
ok $? "sitemap import"
grep -q "1 site(s) mapped" "$T_TMP/map.out"
ok $? "  one site mapped"
is "$(sqlite3 "$CASE" "SELECT site_url || ' ' || unc_prefix FROM
  cloud_sitemap")" \
  "https://contoso.sharepoint.com/sites/SpaceTech/Shared%20Documents \\\\fs01\\space" \
  "  stored without trailing separators"

"$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-06-30 \
  --format json -o "$T_TMP/x.json" 2>"$T_TMP/x.err"
ok $? "exposure --format json"
"$PYTHON3" - "$T_TMP/x.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
def ok(c, what):
    # comments in the shell test's TAP: one ok line below counts them all
    global n
    n += 1
    print("# %s %d - %s" % ("passed" if c else "FAILED", n, what))
    if not c:
        sys.exit(1)
occ = {o["path"].rsplit("/", 1)[1]: o for o in d["occurrences"]}
plan = occ.get("Orbit Plan.docx")
ok(plan and plan["verdict"] == "copied" and plan["match"] == "cloud-path"
   and plan["evidence"] == "M365", "Orbit Plan: downloaded -> copied, by "
   "path in the site, on the M365 item")
ok(plan["first"] == "2023-06-05T08:12:34.500000000Z" and
   plan["n_evidence"] == 1 and len(plan["rows"]) == 2, "Orbit Plan: first "
   "touch, two rows in the window (the July download is outside), one "
   "counted (the other is automation)")
r0 = plan["rows"][0]
ok(r0["kind"] == "copied" and r0["source"] == "m365" and
   "by mallory@contoso.com from 198.51.100.23" in r0["note"] and
   "Chrome/114.0.0.0" in r0["note"] and "[FileDownloaded]" in r0["note"],
   "Orbit Plan: the row has user, client IP, user agent, operation")
r1 = plan["rows"][1]
ok("app@sharepoint" in r1["note"] and "not counted" in r1["note"] and
   r1["kind"] == "observed",
   "Orbit Plan: app@sharepoint is automation, not counted")
ok(plan["reasons"].startswith("downloaded 2023-06-05T08:12:34.500000000Z "
   "by mallory@contoso.com from 198.51.100.23 (M365: cloud, path match)"),
   "Orbit Plan: the first reason says who, from where, when, how matched")
b = occ.get("budget.xlsx")
ok(b and b["verdict"] == "copied" and b["match"] == "cloud-sitemap" and
   "\\\\fs01\\space\\Finance\\budget.xlsx" in b["reasons"] and
   "Microsoft SkyDriveSync" in b["rows"][0]["note"],
   "budget.xlsx: synced down (FileSyncDownloadedFull) through the site map")
q = occ.get("Q3.xlsx")
ok(q and q["verdict"] == "deleted" and q["match"] == "cloud-sitemap" and
   q["first"] == "2023-06-07T23:59:59.000000000Z" and
   "from 2001:db8::7" in q["rows"][0]["note"],
   "Q3.xlsx: deleted, through the site map and FS01's share folder, in "
   "scope FS01")
s = occ.get("Supplier List.pdf")
ok(s and s["verdict"] == "accessed" and s["match"] == "cloud-name" and
   "file name match only: weaker than a path match" in s["reasons"] and
   "weight weak" in s["rows"][0]["note"],
   "Supplier List: previewed -> accessed, weak, a name-only match marked "
   "weaker")
n_ = occ.get("notes.txt")
ok(n_ and n_["verdict"] == "modified" and n_["match"] == "cloud-path" and
   "by alice@contoso.com from 203.0.113.7" in n_["reasons"],
   "notes.txt: a URL in the register (%20 decoded), modified")
ok(len(d["occurrences"]) == 5, "five cloud occurrences, no other")
t = {x["label"]: x for x in d["targets"]}
ok(t["notes.docx"]["found"] == 0 and
   t["notes.docx"]["not_found_reason"] == "not-on-evidence" and
   t["Supplier List.pdf"]["not_found_reason"] is None,
   "coverage: only the target found nowhere is not found")
ok(d["summary"]["targets_found"] == 5 and
   d["summary"]["occurrence_verdicts"]["copied"] == 2,
   "summary: five targets found, two copied")
PY
ok $? "the cloud verdicts (python checks above)"
for f in text csv html; do
  "$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-06-30 \
    --format $f -o "$T_TMP/x.$f" 2>/dev/null
  ok $? "exposure --format $f with cloud occurrences"
done
grep -q "Partner2: previewed 2023-06-06T10:00:00.000000000Z by bob@contoso.com from 192.0.2.10" "$T_TMP/x.text"
ok $? "the text report names user, IP and time"

# 50,000 rows: the import is timed (issue 11: under 5 s; asserted with a
# wide margin, the machine is shared). A sanitizer build reads 5,000 and
# asserts no time.
N=50000
[ "${TL_SANITIZERS:-no}" = yes ] && N=5000
BIG="$T_TMP/big.csv"
"$PYTHON3" "$GEN" big "$BIG" $N
ok $? "a $N-row export ($(wc -c <"$BIG") bytes)"
# wall time, and the CPU time of the import (what the load of a shared
# machine does not stretch)
times=$("$PYTHON3" - "$TOUCHLINE" "$T_TMP/big.db" "$BIG" "$T_TMP/big.out" <<'PY'
import os, subprocess, sys, time
t0 = time.monotonic()
with open(sys.argv[4], "w") as out:
    p = subprocess.Popen([sys.argv[1], "artifacts", sys.argv[2], "add",
                          sys.argv[3], "--label", "M365"], stdout=out,
                         stderr=subprocess.STDOUT)
    _, status, ru = os.wait4(p.pid, 0)
print("%d %.2f %.2f" % (os.waitstatus_to_exitcode(status),
                        time.monotonic() - t0, ru.ru_utime + ru.ru_stime))
PY
)
st=${times%% *}
secs=$(echo "$times" | cut -d' ' -f2)
cpu=$(echo "$times" | cut -d' ' -f3)
echo "# $N rows imported in $secs s ($cpu s of CPU; load: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null))"
ok $st "the $N-row import"
if [ $N = 50000 ]; then
  # the CPU time is what the import costs; the wall time on a 2-core
  # machine shared by up to 8 builds stretches with the load
  ok "$(echo "$cpu" | awk '{print ($1 < 30) ? 0 : 1}')" \
    "  in under 30 s of CPU ($cpu s)"
  ok "$(echo "$secs" | awk '{print ($1 < 120) ? 0 : 1}')" \
    "  in under 120 s of wall time ($secs s)"
fi
# 14 operations in turn (m365_gen.py OPS), those at 8, 9, 10 not file
# operations, 12 a rename: 50000 rows give 50000 - 3 * 3571 = 39287 events
full=$((N / 14)) rem=$((N % 14))
other=$((3 * full + (rem > 8) + (rem > 9) + (rem > 10)))
renames=$((full + (rem > 12)))
pages=$((full + (rem > 8)))
is "$(sqlite3 "$T_TMP/big.db" "SELECT count(*) FROM artifact_event")" \
  "$((N - other))" "  $((N - other)) file events"
is "$(sqlite3 "$T_TMP/big.db" "SELECT count(*) FROM artifact_event WHERE
  kind = 'renamed' AND name LIKE 'report_%'")" "$renames" \
  "  $renames renames"
is "$(sqlite3 "$T_TMP/big.db" "SELECT n_corrupt FROM artifact_file")" "0" \
  "  nothing corrupt"
is "$(sqlite3 "$T_TMP/big.db" "SELECT (' ' || value || ' ') LIKE
  '% PageViewed:$pages %' FROM evidence_fact WHERE key =
  'm365.operations'")" "1" \
  "  other operations counted per operation"

# The file server's item labelled otherwise than its host name (SRV, whose
# SYSTEM hive says host.name FS01, as tests/registry_e2e.sh): the site map's
# \\fs01\space reaches SRV's share folder through host.name, as UNC paths
# of artifacts do (plugin/artifacts.c), and a target scoped to SRV matches
H="$T_TMP/host.db"
"$TOUCHLINE" artifacts "$H" add "$T_TMP/audit_new.csv" "$T_TMP/audit_old.csv" \
  "$T_TMP/audit.jsonl" --label M365 --division Cloud >/dev/null 2>&1 &&
  "$TOUCHLINE" artifacts "$H" add "$T_TMP/fs01.jsonl" --label SRV >/dev/null 2>&1
ok $? "the exports and an item labelled SRV"
sqlite3 "$H" "INSERT INTO evidence_fact(evidence_id, key, value, parser)
  SELECT evidence_id, 'share.Space', 'C:\\Shares\\Space', 'test' FROM
  evidence WHERE label = 'SRV'; INSERT INTO evidence_fact(evidence_id, key,
  value, parser) SELECT evidence_id, 'host.name', 'FS01', 'test' FROM
  evidence WHERE label = 'SRV'"
ok $? "its share and host name facts"
printf 'path,partner,evidence\n/Shares/Space/Finance/Q3.xlsx,ESA,SRV\n' \
  >"$T_TMP/host.csv"
"$TOUCHLINE" targets "$H" import "$T_TMP/host.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" targets "$H" sitemap import "$T_TMP/sitemap.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" exposure "$H" --from 2023-06-01 --to 2023-06-30 \
    --format json -o "$T_TMP/host.json"
ok $? "register, site map, exposure"
is "$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
for o in d["occurrences"]:
    print(o["path"].rsplit("/", 1)[1], o["evidence"], o["match"], o["verdict"], o["first"])' "$T_TMP/host.json")" \
  "Q3.xlsx M365 cloud-sitemap deleted 2023-06-07T23:59:59.000000000Z" \
  "Q3.xlsx: through the site map and SRV's share folder (host.name FS01), in scope SRV"
# a record that names its file by SourceFileName alone (no ObjectId URL, no
# SiteUrl) is matched by name, not dropped
C3="$T_TMP/bare.db"
printf '%s\n' '{"CreationTime":"2023-06-07T11:22:33","Id":"5b1c0c53-0000-4000-8000-000000000001","Operation":"FileDownloaded","OrganizationId":"4a3b","RecordType":6,"UserKey":"i:0h.f|membership|1003","UserType":0,"Version":1,"Workload":"OneDrive","ClientIP":"203.0.113.9","UserId":"eve@contoso.com","SourceFileName":"Launch Budget.xlsx","SourceFileExtension":"xlsx"}' >"$T_TMP/bare.jsonl"
"$TOUCHLINE" artifacts "$C3" add "$T_TMP/bare.jsonl" --label M365 --division Cloud >/dev/null 2>&1
ok $? "a record with a file name and no URL imported"
printf 'path,name,partner\n,launch budget.xlsx,P9\n' >"$T_TMP/bare_t.csv"
"$TOUCHLINE" targets "$C3" import "$T_TMP/bare_t.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" exposure "$C3" --from 2023-06-01 --to 2023-06-30 --format json -o "$T_TMP/bare.json" 2>/dev/null
ok $? "its exposure report"
is "$("$PYTHON3" -c 'import json,sys
for o in json.load(open(sys.argv[1]))["occurrences"]:
    print(o["path"], o["match"], o["verdict"], o["first"])' "$T_TMP/bare.json")" \
  "Launch Budget.xlsx (no URL in the log) cloud-name copied 2023-06-07T11:22:33.000000000Z" \
  "matched by name (case-blind), downloaded -> copied, at the record's time"
done_testing
