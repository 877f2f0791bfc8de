#!/bin/sh
# Issue 9: a register's division names the owner of a file, not where it
# is. A file server (one folder per division, built here by
# make-ntfs-image.sh) ingested as "File Server" and a register whose
# division column names the owners: every target on the server is found
# with no share map and with one; owner and location roll-ups equal counts
# made from the builder's manifest; every target not found has a reason,
# in the report, `targets stats` and the import/ingest warnings. A
# version-2 case keeps its meaning after the upgrade (division -> scope).
. "$TL_SRCDIR/tests/lib.sh"
SHARED=$(dirname "$TL_CORPUS")
MK="$SHARED/tools/make-ntfs-image.sh"
q() { sqlite3 "$CASE" "$1"; }

# -- a version-2 case keeps its meaning (no image builder needed) ----------
"$PYTHON3" - "$TL_SRCDIR/src/lib/store/schema.c" "$T_TMP/v2.sql" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
def lit(name):
    body = re.search(r"const char %s\[\] =(.*?);\n" % name, src, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return "".join(bytes(s, "ascii").decode("unicode_escape") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body))
with open(sys.argv[2], "w") as f:
    f.write(lit("Tl_schema_v1") + lit("Tl_index_create") + lit("Tl_schema_v2_delta"))
    f.write("INSERT INTO case_meta VALUES('schema_version','2');PRAGMA user_version=2;\n")
    # a register as version 2 imported it: division scoped the rows
    f.write("INSERT INTO target(line, path, division, pattern) VALUES"
            "(2, '/Users/mbauer/Desktop/ToDo.txt', 'Administration', '/Users/mbauer/Desktop/ToDo.txt'),"
            "(3, '/Users/mbauer/Desktop/ToDo.txt', 'Research', '/Users/mbauer/Desktop/ToDo.txt'),"
            "(4, '/Users/mbauer/Desktop/ToDo.txt', NULL, '/Users/mbauer/Desktop/ToDo.txt');\n")
PY
CASE="$T_TMP/v2.db"
sqlite3 "$CASE" <"$T_TMP/v2.sql"
"$TOUCHLINE" ingest -q -l WS17 -d Administration "$CASE" "$TL_SRCDIR/samples/evidence/WS17.E01" 2>"$T_TMP/err"
ok $? "a version-2 case with a register: ingest upgrades it"
is "$(q "SELECT line || ':' || coalesce(division, '-') || ':' || coalesce(scope, '-') FROM target ORDER BY line" | tr '\n' ' ')" \
   "2:Administration:Administration 3:Research:Research 4:-:- " \
   "migration: each division is kept and copied into scope"
is "$(q "SELECT group_concat(t.line) FROM target t JOIN target_match m USING(target_id) ORDER BY t.line")" "2,4" \
   "migration: the row scoped to Research by version 2 still does not match an Administration file"
grep -q "v2.db: warning: 1 row is scoped to 'Research', which no evidence item or share map names (first: line 3); it matches nothing" "$T_TMP/err"
ok $? "ingest warns about the row scoped to a division the case lacks"

# -- the file server -------------------------------------------------------
[ -f "$MK" ] || { echo "# SKIP: no image builder at $MK"; done_testing; exit $?; }
[ "$(id -u)" = 0 ] || { echo "# SKIP: building an NTFS image needs root (FUSE)"; done_testing; exit $?; }
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null ||
  { echo "# SKIP: mkntfs/ntfs-3g not installed"; done_testing; exit $?; }
MANIFEST="$T_TMP/fs.tsv" bash "$MK" "$T_TMP/fs.raw" 240 7 >/dev/null 2>&1
ok $? "file server image built (240 files, 12 division folders)"
MANIFEST="$T_TMP/ws.tsv" bash "$MK" "$T_TMP/ws.raw" 30 8 >/dev/null 2>&1
ok $? "workstation image built"
CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest -q -l FS -d "File Server" "$CASE" "$T_TMP/fs.raw" &&
  "$TOUCHLINE" ingest -q -l WS -d "Finance Dept" "$CASE" "$T_TMP/ws.raw"
ok $? "file server ingested as 'File Server', workstation as 'Finance Dept'"

# The register: every file on the server, its owner the division of its
# folder ("Div07_Finance" -> "Finance"); one workstation file; one row of
# each reason a target is not found. Expected counts from the manifest.
"$PYTHON3" - "$T_TMP" <<'PY'
import csv, json, sys, collections
d = sys.argv[1]
fs = [r for r in csv.DictReader(open(d + "/fs.tsv"), delimiter="\t")]
ws = [r for r in csv.DictReader(open(d + "/ws.tsv"), delimiter="\t") if r["deleted"] == "0"]
owner = lambda p: p.split("/")[1].split("_", 1)[1]
rows = [(r["path"], "", "P%d" % (i % 5), owner(r["path"]), "", "") for i, r in enumerate(fs)]
rows.append((ws[0]["path"], "", "P9", "Finance", "", ""))
folder = fs[0]["path"].rsplit("/", 1)[0]
extra = [
  (folder + "/gone.docx", "", "P8", "Legal", "", ""),                 # folder-exists
  ("", "1234567", "P8", "Legal", "", ""),                             # size-matches-no-file
  (fs[1]["path"], "", "P8", "Legal", "Satellite Ops", ""),            # scope-not-in-case
  (fs[2]["path"], "", "P8", "Legal", "Finance Dept", ""),             # outside-scope
  ("/Nowhere/at/all.pdf", "", "P8", "Legal", "", ""),                 # not-on-evidence
]
with open(d + "/targets.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["path", "size", "partner", "division", "scope", "sha256"])
    for p, size, partner, div, scope, _ in rows + extra:
        w.writerow([p, size, partner, div, scope,
                    "ab" * 32 if size else ""])
with open(d + "/shares.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["evidence", "path_prefix", "division"])
    for top in sorted({r["path"].split("/")[1] for r in fs}):
        w.writerow(["FS", "/" + top, top.split("_", 1)[1] + " share"])
# hand counts: nothing happens in the window (2030), so a file is exposed
# only when it is deleted (time unknown)
own = collections.defaultdict(lambda: [0, 0, 0])
loc = collections.defaultdict(lambda: [0, 0])
for r in fs:
    o = own[owner(r["path"])]
    o[0] += 1; o[1] += 1; o[2] += r["deleted"] == "1"
    l = loc[owner(r["path"]) + " share"]
    l[0] += 1; l[1] += r["deleted"] == "1"
own["Finance"][0] += 1; own["Finance"][1] += 1
own["Legal"][0] += len(extra)
json.dump({"n_fs": len(fs), "n_rows": len(rows) + len(extra),
           "deleted": sum(r["deleted"] == "1" for r in fs),
           "owner": own, "location": loc, "folder": folder,
           "scope_path": fs[2]["path"]}, open(d + "/want.json", "w"))
PY
ok $? "register and share map written from the manifest"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" 2>"$T_TMP/err"
ok $? "register imports"
for w in "warning: 1 row is scoped to 'Satellite Ops', which no evidence item or share map names (first: line 245); it matches nothing" \
         "warning: 1 row names a file that exists only outside its evidence or scope column (first: line 246)" \
         "warning: 1 hash row gives a size that no file in the case has (first: line 244)" \
         "warning: 1 row names a file whose folder exists but the file does not: deleted? (first: line 243)" \
         "warning: 1 row matches no file on any evidence item (first: line 247)"; do
  grep -qF "$w" "$T_TMP/err"
  ok $? "import: $(echo "$w" | cut -c10-60)..."
done
is "$(grep -c warning "$T_TMP/err")" 5 "import: one warning line per cause, no more"

# checks of a JSON report against want.json: prints TAP-less lines
check() { # LABEL SHARE(0/1)
  "$TOUCHLINE" exposure "$CASE" --from 2030-01-01 --to 2030-02-01 --format json -o "$T_TMP/r.json" &&
  "$PYTHON3" - "$T_TMP" "$2" <<'PY'
import json, sys
d, share = sys.argv[1], sys.argv[2] == "1"
w = json.load(open(d + "/want.json"))
r = json.load(open(d + "/r.json"))
s = r["summary"]
def say(cond, what):
    print(("ok " if cond else "not ok ") + what)
say(s["targets"] == w["n_rows"] and s["targets_found"] == w["n_fs"] + 1,
    "all %d files on the server and the workstation's are found (%s of %s)" % (w["n_fs"] + 1, s["targets_found"], s["targets"]))
got = {x["division"]: [x["targets"], x["found"], x["exposed"]] for x in r["owner_divisions"]}
say(got == w["owner"], "owner divisions: targeted/found/exposed equal the manifest's counts")
if got != w["owner"]:
    print("#  got  %s\n#  want %s" % (sorted(got.items()), sorted(w["owner"].items())))
loc = {x["division"]: [x["occurrences"], x["occurrences_exposed"]] for x in r["location_divisions"]}
want = dict(w["location"]) if share else {"File Server": [w["n_fs"], w["deleted"]]}
want["Finance Dept"] = [1, 0]
say(loc == want, "location divisions: files/exposed equal the manifest's counts")
if loc != want:
    print("#  got  %s\n#  want %s" % (sorted(loc.items()), sorted(want.items())))
occ = [o for o in r["occurrences"] if o["evidence"] == "FS"]
say(all(o["owner_division"] == o["path"].split("/")[1].split("_", 1)[1] and
        o["location_division"] == (o["path"].split("/")[1].split("_", 1)[1] + " share" if share else "File Server")
        for o in occ), "each occurrence names its owner and its location division")
say(s["not_found_reasons"] == {"scope-not-in-case": 1, "outside-scope": 1, "size-matches-no-file": 1,
                               "content-not-hashed": 0, "folder-exists": 1, "not-on-evidence": 1},
    "summary: one target not found for each reason %s" % s["not_found_reasons"])
t = {x["line"]: x for x in r["targets"]}
say(t[243]["not_found_reason"] == "folder-exists" and t[243]["folder_path"] == w["folder"] and
    t[243]["folder_evidence"] == "FS" and t[243]["folder_modified_ns"] > 0,
    "folder-exists: with the folder, its item and its last modification")
say(t[246]["not_found_reason"] == "outside-scope" and w["scope_path"] in t[246]["not_found_detail"],
    "outside-scope: names where the file is")
say(all(t[l]["not_found_reason"] is None for l in range(2, 243)), "found targets carry no reason")
say(t[247]["not_found_reason"] == "not-on-evidence" and
    t[247]["not_found_detail"] == "no file on any evidence item matches it",
    "not-on-evidence: said in words")
say(t[245]["not_found_detail"] == "scoped to 'Satellite Ops', which no evidence item or share map names",
    "scope-not-in-case: names the scope")
PY
}
check_tap() {
  check "$@" >"$T_TMP/check.out"
  while read -r line; do
    case $line in
      "ok "*) ok 0 "$1: ${line#ok }" ;;
      "not ok "*) ok 1 "$1: ${line#not ok }" ;;
      *) echo "$line" ;;
    esac
  done <"$T_TMP/check.out"
}
check_tap "no share map" 0
"$TOUCHLINE" divisions "$CASE" import "$T_TMP/shares.csv" 2>"$T_TMP/err"
ok $? "share map (one share per division) imports"
is "$(grep -c "shares.csv: warning: " "$T_TMP/err")" 5 "divisions import: the same five causes, one line each"
check_tap "share map" 1

# the text and HTML reports show both roll-ups and the coverage
"$TOUCHLINE" exposure "$CASE" --from 2030-01-01 --to 2030-02-01 -o "$T_TMP/r.txt"
grep -q "Coverage: 5 of 246 targets not found (scope-not-in-case 1, outside-scope 1, size-matches-no-file 1, folder-exists 1, not-on-evidence 1)" "$T_TMP/r.txt"
ok $? "text: the coverage line counts each reason"
grep -q "Owner divisions" "$T_TMP/r.txt" && grep -q "Location divisions" "$T_TMP/r.txt"
ok $? "text: owner and location divisions"
"$TOUCHLINE" exposure "$CASE" --from 2030-01-01 --to 2030-02-01 --format html -o "$T_TMP/r.html"
grep -q '<section id="coverage">' "$T_TMP/r.html" && grep -q "<th>Owner division</th>" "$T_TMP/r.html" &&
  grep -q "<th>Location division</th>" "$T_TMP/r.html"
ok $? "html: coverage section, owner and location tables"
"$TOUCHLINE" targets "$CASE" stats >"$T_TMP/stats"
grep -q "^P8	5	0	5	1	1	1	0	1	1$" "$T_TMP/stats"
ok $? "stats: partner P8's five targets not found, one per cause"
done_testing
