#!/bin/sh
# Issue 11 (prefetch) end to end: an NTFS image holding two real prefetch
# files under /Windows/Prefetch (plaso's CMD.EXE-087B4001.pf, version 17 of
# XP, and NOTEPAD.EXE-D8414F97.pf, the MAM-compressed version 30 of Windows
# 10) and the files they name (/Windows/System32/cmd.exe, notepad.exe,
# locale.nls), ingested: the built-in prefetch parser claims both during the
# walk, the executed events resolve to the executables' objects, and a
# target register naming them shows them accessed (executed) in `touchline
# exposure --format json` at the prefetch files' run times (to the 100 ns:
# plaso asserts 2013-03-10T10:11:49.2812500Z and 2019-06-05T19:55:04.8777787Z,
# 19:23:00.8157052Z); locale.nls, in both file lists, shows loaded. A copy
# under another name given to `artifacts add` is taken by its signature.
. "$TL_SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
PF="$TL_CORPUS/plaso/test_data/winprefetch"
[ -f "$PF/CMD.EXE-087B4001.pf" ] && [ -f "$PF/NOTEPAD.EXE-D8414F97.pf" ] ||
  skip_all "corpus prefetch files not found under $PF"

V="$T_TMP/v.raw"
M="$T_TMP/mnt"
CASE="$T_TMP/case.db"
truncate -s 16M "$V" && mkntfs -F -q -Q "$V" >/dev/null 2>&1
ok $? "mkntfs"
mkdir "$M"
ntfs-3g -o no_detach "$V" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mountpoint -q "$M"
ok $? "ntfs-3g mounted the volume"
mkdir -p "$M/Windows/Prefetch" "$M/Windows/System32"
cp "$PF/CMD.EXE-087B4001.pf" "$PF/NOTEPAD.EXE-D8414F97.pf" "$M/Windows/Prefetch/" &&
  echo cmd >"$M/Windows/System32/cmd.exe" &&
  echo notepad >"$M/Windows/System32/notepad.exe" &&
  echo nls >"$M/Windows/System32/locale.nls"
ok $? "write the prefetch files and the files they name"
umount "$M"
wait $pid
ok $? "ntfs-3g wrote the volume"

"$TOUCHLINE" ingest -q "$CASE" "$V" --label WS01 2>"$T_TMP/err"
ok $? "ingest WS01"
sed 's/^/# /' "$T_TMP/err"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || path || '|' || status || '|' || n_events || '|' || n_corrupt FROM artifact_file ORDER BY path")" \
"prefetch|/Windows/Prefetch/CMD.EXE-087B4001.pf|ok|33|0
prefetch|/Windows/Prefetch/NOTEPAD.EXE-D8414F97.pf|ok|57|0" \
  "artifact_file: both prefetch files by the prefetch parser (33 = 1 run + 32 files, 57 = 2 runs + 55 files)"
is "$(sqlite3 "$CASE" "SELECT a.t_ns || '|' || o.path || '|' || a.resolved_by FROM artifact_event a JOIN object o ON o.object_id = a.object_id WHERE a.kind = 'executed' ORDER BY a.t_ns")" \
"1362910309281250000|/Windows/System32/cmd.exe|path
1559762580815705200|/Windows/System32/notepad.exe|path
1559764504877778700|/Windows/System32/notepad.exe|path" \
  "executed events resolve to the executables' objects at the run times"
is "$(sqlite3 "$CASE" "SELECT o.path || '|' || f.path FROM artifact_event a JOIN object o ON o.object_id = a.object_id JOIN artifact_file f ON f.artifact_file_id = a.artifact_file_id WHERE a.kind = 'loaded' ORDER BY f.path, o.path")" \
"/\$MFT|/Windows/Prefetch/CMD.EXE-087B4001.pf
/Windows/System32/locale.nls|/Windows/Prefetch/CMD.EXE-087B4001.pf
/\$MFT|/Windows/Prefetch/NOTEPAD.EXE-D8414F97.pf
/Windows/System32/locale.nls|/Windows/Prefetch/NOTEPAD.EXE-D8414F97.pf" \
  "loaded: locale.nls and \$MFT (both on the image) resolve, from both file lists"
is "$(sqlite3 "$CASE" "SELECT count(*) FROM artifact_event WHERE kind = 'loaded' AND object_id IS NULL AND path LIKE 'C:\\%'")" 83 \
  "loaded: the other 83 files (32 + 55 - 4, not on the image) kept with their C: paths"

printf 'path,partner\n%s,P1\n%s,P2\n%s,P3\n' 'C:\Windows\System32\cmd.exe' \
  'C:\Windows\System32\notepad.exe' 'C:\Windows\System32\locale.nls' \
  >"$T_TMP/targets.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" >/dev/null 2>&1
ok $? "register imports"
"$TOUCHLINE" exposure "$CASE" --from 2013-01-01 --to 2020-01-01 --format json -o "$T_TMP/exp.json"
ok $? "exposure --format json"
"$PYTHON3" - "$T_TMP/exp.json" >"$T_TMP/check" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for name in ("cmd.exe", "notepad.exe", "locale.nls"):
    o = [x for x in r["occurrences"] if x["path"] == "/Windows/System32/" + name]
    if len(o) != 1:
        print(name, "occurrences", len(o))
        continue
    o = o[0]
    print(name, "verdict", o["verdict"])
    for x in sorted(o["rows"], key=lambda x: x["t_ns"]):
        if x["source"] == "prefetch":
            print(name, "row", x["kind"], x["t_ns"], x["object_id"] == o["object_id"])
    print(name, "why", " | ".join(w for w in o.get("reasons", []) if "prefetch" in w)
          if isinstance(o.get("reasons"), list) else o.get("reasons", o.get("why", "")))
PY
ok $? "the check script runs"
sed 's/^/# /' "$T_TMP/check"
is "$(sed -n 's/^cmd.exe verdict //p' "$T_TMP/check")" accessed \
  "cmd.exe: verdict accessed (its own times are outside the window)"
is "$(sed -n 's/^cmd.exe row //p' "$T_TMP/check")" "accessed 1362910309281250000 True" \
  "cmd.exe: one prefetch row at the last run time 2013-03-10T10:11:49.2812500Z"
is "$(sed -n 's/^notepad.exe row //p' "$T_TMP/check")" "accessed 1559762580815705200 True
accessed 1559764504877778700 True" \
  "notepad.exe (v30, compressed): rows at both run times"
grep -q '^cmd.exe why.*accessed: executed.*prefetch: executed' "$T_TMP/check"
ok $? "cmd.exe: the reason says executed, by the prefetch parser"
is "$(sed -n 's/^locale.nls verdict //p' "$T_TMP/check")" accessed \
  "locale.nls: verdict accessed"
grep -q '^locale.nls why.*accessed: loaded by a program as it ran' "$T_TMP/check"
ok $? "locale.nls: the reason says loaded"

# artifacts add: a copy under another name is the prefetch parser's by its
# content (SCCA at 4; MAM\x04 by bid)
cp "$PF/CMD.EXE-087B4001.pf" "$T_TMP/copy.bin"
cp "$PF/NOTEPAD.EXE-D8414F97.pf" "$T_TMP/copy2.bin"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/copy.bin" "$T_TMP/copy2.bin" --evidence WS01 >/dev/null 2>"$T_TMP/err"
ok $? "artifacts add: two copies under other names"
sed 's/^/# /' "$T_TMP/err"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || n_events FROM artifact_file WHERE path LIKE '%copy%' ORDER BY path")" \
"prefetch|33
prefetch|57" "artifacts add: both taken by the prefetch parser (signature, bid)"
done_testing
