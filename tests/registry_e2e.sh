#!/bin/sh
# Issue 11, registry end to end. (1) An NTFS image holding plaso's
# NTUSER-WIN7.DAT as /Users/nfury/NTUSER.DAT and the files it names, ingested:
# the built-in registry parser claims the hive during the walk, and its Office
# File MRU and ComDlg32 "opened" events resolve to those files. (2) A SYSTEM
# hive (tests/make_regf.py; the corpus has none) added to a file server's item
# states host.name FS01 and share "Space Tech" = C:\Shares\Space; an Office
# 2016 MRU naming \\FS01\Space Tech\Budget.xlsx then resolves, through the
# share's local path, to /Shares/Space/Budget.xlsx on that item.
. "$TL_SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
HIVE="$TL_CORPUS/plaso/test_data/NTUSER-WIN7.DAT"
[ -f "$HIVE" ] || skip_all "corpus hive $HIVE not found (set TL_CORPUS)"

CASE="$T_TMP/case.db"
M="$T_TMP/mnt"
mkdir "$M"

# mkimage IMAGE: an empty 16 MiB NTFS volume mounted on $M
mkimage() {
  truncate -s 16M "$1" && mkntfs -F -q -Q "$1" >/dev/null 2>&1 || return 1
  ntfs-3g -o no_detach "$1" "$M" >/dev/null 2>&1 &
  pid=$!
  i=0
  while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  mountpoint -q "$M"
}
unmount() {
  umount "$M" && wait $pid
}

mkimage "$T_TMP/ws.raw"
ok $? "WS01: mkntfs and ntfs-3g"
D="$M/Users/nfury/Documents"
mkdir -p "$D/StarFury/StarFury" "$D/Alloy Research"
cp "$HIVE" "$M/Users/nfury/NTUSER.DAT"
for f in VIBRANIUM.docx ADAMANTIUM-Background.docx StarFury.zip \
         "StarFury/StarFury/StarFury.docx" \
         "StarFury/StarFury/SA-23E Mitchell-Hyundyne Starfury.docx"; do
  echo x >"$D/$f"
done
unmount
ok $? "WS01: the hive and the files it names written"

"$TOUCHLINE" ingest -q "$CASE" "$T_TMP/ws.raw" --label WS01 --division Admin 2>"$T_TMP/err"
ok $? "ingest WS01"
sed 's/^/# /' "$T_TMP/err"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || path || '|' || status || '|' || n_events || '|' || n_corrupt FROM artifact_file WHERE parser = 'registry'")" \
  "registry|/Users/nfury/NTUSER.DAT|ok|111|0" \
  "artifact_file: the hive claimed by registry, 111 events, none corrupt"
q() { sqlite3 -separator '|' "$CASE" "$1"; }
is "$(q "SELECT o.path, e.t_ns, e.resolved_by FROM artifact_event e JOIN object o ON o.object_id = e.object_id WHERE e.parser = 'registry' AND e.what LIKE 'Office%' ORDER BY o.path")" \
"/Users/nfury/Documents/ADAMANTIUM-Background.docx|1331163058035000000|path
/Users/nfury/Documents/StarFury/StarFury/SA-23E Mitchell-Hyundyne Starfury.docx|1331663235083000000|path
/Users/nfury/Documents/StarFury/StarFury/StarFury.docx|1331585547092000000|path
/Users/nfury/Documents/VIBRANIUM.docx|1331307706975000000|path" \
  "Office File MRU: four of the five items resolve to their files at their [T] times (the fifth is not on the image)"
is "$(q "SELECT count(*) FROM artifact_event WHERE parser = 'registry' AND what LIKE 'Office%' AND object_id IS NULL AND path LIKE '%Earthforce SA-26 Thunderbolt Star Fury.docx'")" 1 \
  "Office File MRU: the item absent from the image kept unresolved with its path"
is "$(q "SELECT o.path || '|' || e.kind || '|' || e.actor FROM artifact_event e JOIN object o ON o.object_id = e.object_id WHERE e.parser = 'registry' AND e.what LIKE 'ComDlg32 OpenSave%' ORDER BY o.path")" \
  "/Users/nfury/Documents/StarFury.zip|opened|nfury" \
  "OpenSavePidlMRU: StarFury.zip opened by nfury resolves"
is "$(q "SELECT o.path FROM artifact_event e JOIN object o ON o.object_id = e.object_id WHERE e.parser = 'registry' AND e.what LIKE 'ComDlg32 LastVisited%' ORDER BY o.path")" \
"/Users/nfury/Documents
/Users/nfury/Documents/Alloy Research" \
  "LastVisitedPidlMRU: the two folders on the image resolve"

# (2) the SYSTEM hive's facts and a UNC path through a share
"$PYTHON3" "$TL_SRCDIR/tests/make_regf.py" "$T_TMP/hives"
ok $? "make_regf.py writes the test hives"
if command -v regfexport >/dev/null; then
  regfexport "$T_TMP/hives/system_facts" >"$T_TMP/export" 2>&1
  ok $? "regfexport (libregf-utils) reads the SYSTEM hive make_regf.py wrote"
  is "$(grep -A1 '^Value: ' "$T_TMP/export" | grep -c 'REG_MULTI_SZ')" 2 \
    "regfexport: the two shares as REG_MULTI_SZ values"
  is "$(grep -c '^Data: FS01$' "$T_TMP/export")" 1 "regfexport: ComputerName FS01"
else
  ok 1 "# SKIP regfexport (libregf-utils) not installed"
  ok 1 "# SKIP regfexport (libregf-utils) not installed"
  ok 1 "# SKIP regfexport (libregf-utils) not installed"
fi
mkimage "$T_TMP/srv.raw"
ok $? "SRV: mkntfs and ntfs-3g"
mkdir -p "$M/Shares/Space" "$M/Space Tech" "$M/Public"
echo notes >"$M/Public/Notes.txt"
echo budget >"$M/Shares/Space/Budget.xlsx"
echo decoy >"$M/Space Tech/Budget.xlsx"
unmount
ok $? "SRV: the shared folder written"
"$TOUCHLINE" ingest -q "$CASE" "$T_TMP/srv.raw" --label SRV --division IT 2>"$T_TMP/err"
ok $? "ingest SRV (labelled SRV, not FS01)"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/hives/system_facts" --evidence SRV >"$T_TMP/out" 2>&1
ok $? "artifacts add the SYSTEM hive to SRV (by its regf signature)"
sed 's/^/# /' "$T_TMP/out"
is "$(q "SELECT f.key || '=' || f.value || '|' || f.parser FROM evidence_fact f JOIN evidence e ON e.evidence_id = f.evidence_id WHERE e.label = 'SRV' ORDER BY f.key")" \
"host.name=FS01|registry
host.timezone=W. Europe Standard Time (bias -60 min)|registry
ntfs.last_access=off (0x80000003, system-managed)|registry
share.ADMIN=D:\\Admin|registry
share.Space Tech=C:\\Shares\\Space|registry" \
  "evidence_fact: SRV's computer name, time zone, last access and shares"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/hives/ntuser_office16" --evidence WS01 >"$T_TMP/out" 2>&1
ok $? "artifacts add an Office 2016 NTUSER.DAT to WS01"
is "$(q "SELECT e.path || '|' || ev.label || '|' || o.path || '|' || e.resolved_by || '|' || e.t_ns FROM artifact_event e JOIN object o ON o.object_id = e.object_id JOIN evidence ev ON ev.evidence_id = o.evidence_id WHERE e.path LIKE '\\\\%' ORDER BY e.t_ns DESC")" \
"\\\\FS01\\Space Tech\\Budget.xlsx|SRV|/Shares/Space/Budget.xlsx|share|1705576682130636800
\\\\srv\\space tech\\budget.xlsx|SRV|/Shares/Space/Budget.xlsx|share|1705466730967859200
\\\\SRV\\Public\\Notes.txt|SRV|/Public/Notes.txt|share|1705356779805081600" \
  "UNC paths: \\\\FS01 (host.name) and \\\\srv (label, case-blind) through share.Space Tech = C:\\Shares\\Space; \\\\SRV\\Public without a share fact as /Public/... as before"
# observability from the real parser's fact (not a test plugin's)
"$TOUCHLINE" info "$CASE" --json >"$T_TMP/info.json"
is "$("$PYTHON3" -c 'import json,sys
for e in json.load(open(sys.argv[1]))["evidence"]:
    if e["label"] == "SRV":
        o = e["observability"][0]
        print(o["last_access_updating"])' "$T_TMP/info.json")" \
  "off" "info: SRV's last-access updating is off, from the SYSTEM hive's value"

# (3) a share fact that names the share's folder is the share: a file the
# MRU names through it that is not in that folder stays unresolved, and is
# not taken for a file of the same name elsewhere on the item (/NAME/rest,
# /rest are for shares without a fact)
CASE2="$T_TMP/case2.db"
mkimage "$T_TMP/srv2.raw"
ok $? "SRV2: mkntfs and ntfs-3g"
mkdir -p "$M/Shares/Space" "$M/Space Tech"
echo decoy >"$M/Space Tech/Budget.xlsx"
echo decoy >"$M/Budget.xlsx"
unmount
ok $? "SRV2: the share's folder without Budget.xlsx, two other Budget.xlsx"
"$TOUCHLINE" ingest -q "$CASE2" "$T_TMP/srv2.raw" --label SRV 2>"$T_TMP/err" &&
  "$TOUCHLINE" artifacts "$CASE2" add "$T_TMP/hives/system_facts" --evidence SRV >/dev/null 2>&1 &&
  "$TOUCHLINE" artifacts "$CASE2" add "$T_TMP/hives/ntuser_office16" --label WS02 >/dev/null 2>&1
ok $? "ingest SRV2 as SRV, its SYSTEM hive, an Office 2016 NTUSER.DAT as WS02"
is "$(sqlite3 -separator '|' "$CASE2" "SELECT e.path || '|' || coalesce(o.path, '-') || '|' || coalesce(e.resolved_by, '-') FROM artifact_event e LEFT JOIN object o ON o.object_id = e.object_id WHERE e.path LIKE '%Budget.xlsx' ORDER BY e.t_ns DESC")" \
"\\\\FS01\\Space Tech\\Budget.xlsx|-|-
\\\\srv\\space tech\\budget.xlsx|-|-" \
  "UNC paths through share.Space Tech = C:\\Shares\\Space whose file is not there: unresolved, not /Space Tech/Budget.xlsx or /Budget.xlsx"
# (4) the workstation before the server: UNC paths that named no item yet
# resolve when the item comes (ingest), and when its host.name and share
# facts come (artifacts add)
C4="$T_TMP/case4.db"
unc4() { sqlite3 -separator '|' "$C4" "SELECT e.path || '|' || coalesce(o.path, '-') || '|' || coalesce(e.resolved_by, '-') FROM artifact_event e LEFT JOIN object o ON o.object_id = e.object_id WHERE e.path LIKE '\\\\%' ORDER BY e.t_ns DESC"; }
"$TOUCHLINE" artifacts "$C4" add "$T_TMP/hives/ntuser_office16" --label WS03 >/dev/null 2>&1
ok $? "an Office 2016 NTUSER.DAT as WS03, before any server"
is "$(unc4)" "\\\\FS01\\Space Tech\\Budget.xlsx|-|-
\\\\srv\\space tech\\budget.xlsx|-|-
\\\\SRV\\Public\\Notes.txt|-|-" "no server yet: the UNC paths are unresolved"
"$TOUCHLINE" ingest -q "$C4" "$T_TMP/srv.raw" --label SRV 2>/dev/null
ok $? "ingest SRV after"
is "$(unc4)" "\\\\FS01\\Space Tech\\Budget.xlsx|-|-
\\\\srv\\space tech\\budget.xlsx|/Space Tech/Budget.xlsx|share
\\\\SRV\\Public\\Notes.txt|/Public/Notes.txt|share" \
  "SRV ingested: its paths resolve (by label; no share fact yet: /NAME/rest)"
"$TOUCHLINE" artifacts "$C4" add "$T_TMP/hives/system_facts" --evidence SRV >/dev/null 2>&1
ok $? "SRV's SYSTEM hive after"
is "$(unc4)" "\\\\FS01\\Space Tech\\Budget.xlsx|/Shares/Space/Budget.xlsx|share
\\\\srv\\space tech\\budget.xlsx|/Shares/Space/Budget.xlsx|share
\\\\SRV\\Public\\Notes.txt|/Public/Notes.txt|share" \
  "its host.name and share facts: \\\\FS01\\Space Tech and \\\\srv\\space tech resolve to the share's folder now (not /Space Tech/)"
done_testing
