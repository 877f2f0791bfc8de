#!/bin/sh
# Issue 9, part 3: timestomping indicators on every file in the window, not
# only on targets. An NTFS volume formatted 2021-03-01 (mkntfs under
# libfaketime) gets an intruder's tools written 2023-06-14 (ntfs-3g under
# libfaketime); then $STANDARD_INFORMATION is patched in the MFT, as a
# raw-writing timestomp tool does ($FILE_NAME untouched; samplegen.ntfs):
#   /Tools/rar.exe         $SI = 2010-01-01T00:00:00Z: before $FN, whole
#                          seconds, before the file system (rules 1, 2, 3)
#   /Tools/helper.dll      $SI = 2022-05-05T12:00:00.1234567Z: before $FN
#   /Tools/procdump64.exe  $SI = 2023-06-14T10:30:00Z: whole seconds only
#   /Docs/future.txt       $SI = 2031-01-01T00:00:00.5Z: after acquisition
#   /Docs/notes.txt        untouched: no finding
# None is a target. Times are compared with istat's.
. "$TL_SRCDIR/tests/lib.sh"
LIBFT=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
[ -f "$LIBFT" ] && command -v faketime >/dev/null || skip_all "libfaketime not installed"
command -v istat >/dev/null || skip_all "TSK's istat not installed"

V="$T_TMP/v.raw"
M="$T_TMP/mnt"
truncate -s 8M "$V"
LD_PRELOAD=$LIBFT FAKETIME="2021-03-01 10:00:00" FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=UTC \
  mkntfs -q -F -f -s 512 -c 4096 "$V" >/dev/null 2>&1
ok $? "volume formatted at 2021-03-01T10:00:00Z"
mkdir "$M"
faketime '2023-06-14 10:00:00' ntfs-3g -o no_detach "$V" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkdir "$M/Tools" "$M/Docs"
for f in Tools/rar.exe Tools/procdump64.exe Tools/helper.dll Docs/future.txt Docs/notes.txt; do
  head -c 3000 /dev/urandom >"$M/$f"
done
umount "$M"
wait $pid
ok $? "five files written at 2023-06-14 (ntfs-3g)"
inode() { # NAME -> its MFT entry, as fls lists it ("+ r/r 66-128-2:<TAB>rar.exe")
  fls -r "$V" | awk -F'\t' -v n="$1" '$2 == n { k = split($1, a, " "); split(a[k], b, "-"); print b[1] }'
}
"$PYTHON3" - "$TL_SRCDIR/scripts" "$V" "$(inode rar.exe)" "$(inode helper.dll)" \
  "$(inode procdump64.exe)" "$(inode future.txt)" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from samplegen import ntfs
vol = sys.argv[2]
for ino, t in zip(sys.argv[3:], (1262304000 * 10**7, 16517520001234567,
                                 1686738600 * 10**7, 19249920005000000)):
    ntfs.patch_si(vol, int(ino), t)    # 100 ns ticks since 1970
PY
ok $? "\$STANDARD_INFORMATION patched on four files"
is "$(istat "$V" "$(inode rar.exe)" | sed -n '/STANDARD_INFORMATION Attribute Values/,/FILE_NAME/p' | grep Created:)" \
   "Created:	2010-01-01 00:00:00.000000000 (UTC)" "istat: rar.exe's \$SI created is 2010"

CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest -q -l WS9 -d "Satellite Ops" "$CASE" "$V"
ok $? "ingested"
"$TOUCHLINE" anomalies "$CASE" --format json -o "$T_TMP/a.json"
ok $? "anomalies --format json (whole case)"
"$PYTHON3" - "$T_TMP/a.json" "$V" $(inode rar.exe) $(inode helper.dll) $(inode procdump64.exe) $(inode future.txt) >"$T_TMP/check" <<'PY'
import json, subprocess, sys, datetime
r = json.load(open(sys.argv[1]))
vol = sys.argv[2]
inos = dict(zip(("rar.exe", "helper.dll", "procdump64.exe", "future.txt"), sys.argv[3:]))
def say(c, what):
    print(("ok " if c else "not ok ") + what)
a = r["file_anomalies"]
got = [(x["path"], x["rule"]) for x in a]
want = [("/Tools/rar.exe", "si-before-fs-created"),
        ("/Tools/rar.exe", "si-created-before-fn-created"),
        ("/Tools/rar.exe", "si-zero-subseconds"),
        ("/Tools/helper.dll", "si-created-before-fn-created"),
        ("/Tools/procdump64.exe", "si-zero-subseconds"),
        ("/Docs/future.txt", "time-after-acquisition")]
say(got == want, "each rule on its file, programs first, most rules first, nothing on notes.txt")
if got != want:
    print("#  got %s" % got)
say(r["summary"] == {"files": 4, "findings": 6, "programs": 3}, "summary: 4 files, 6 findings, 3 programs")
def fn_created(ino):
    out = subprocess.run(["istat", vol, ino], capture_output=True, text=True).stdout
    fn = out.split("$FILE_NAME Attribute Values:")[1]
    line = [l for l in fn.splitlines() if l.startswith("Created:")][0]
    return line.split("\t")[1].replace(" (UTC)", "").replace(" ", "T") + "Z"
byname = {}
for x in a:
    byname.setdefault(x["path"].rsplit("/", 1)[1], x)
for name, si in (("rar.exe", "2010-01-01T00:00:00.000000000Z"),
                 ("helper.dll", "2022-05-05T12:00:00.123456700Z"),
                 ("procdump64.exe", "2023-06-14T10:30:00.000000000Z"),
                 ("future.txt", "2031-01-01T00:00:00.500000000Z")):
    x = byname[name]
    say(x["si_created"] == si and x["si_modified"] == si and x["si_accessed"] == si,
        "%s: $SI times as patched (%s)" % (name, si))
    fn = fn_created(inos[name])
    say(x["fn_created"] == fn, "%s: $FN created %s, as istat says" % (name, fn))
x = byname["rar.exe"]
say(x["fs_created"] == "2021-03-01T10:00:00.000000000Z", "the file system was created 2021-03-01T10:00:00Z ($MFT/$Volume)")
say(byname["future.txt"]["acquired_from"] == "ingest", "no acquisition date in a raw image: the ingest counts")
say(all(x["executable"] == (x["path"].startswith("/Tools/")) for x in a), "programs and libraries are marked")
PY
while read -r line; do
  case $line in
    "ok "*) ok 0 "${line#ok }" ;;
    "not ok "*) ok 1 "${line#not ok }" ;;
    *) echo "$line" ;;
  esac
done <"$T_TMP/check"

# the window selects files by their $SI or $FN times
"$TOUCHLINE" anomalies "$CASE" --to 2023-06-14 --format csv -o "$T_TMP/a.csv"
is "$(cut -d, -f2,6 "$T_TMP/a.csv" | tail -n +2 | tr '\n' ' ')" \
   "/Tools/rar.exe,si-before-fs-created /Tools/rar.exe,si-created-before-fn-created /Tools/rar.exe,si-zero-subseconds /Tools/helper.dll,si-created-before-fn-created " \
   "--to 2023-06-14: only the files with a \$SI time before it (csv)"
"$TOUCHLINE" anomalies "$CASE" --from 2024-01-01 --to 2030-01-01 >"$T_TMP/a.txt"
grep -q "Timestomping indicators on every file in the window: 0 file(s)" "$T_TMP/a.txt"
ok $? "a window with no file times: none"
"$TOUCHLINE" anomalies "$CASE" >"$T_TMP/a.txt"
grep -q "^    files per rule: si-before-fs-created 1, si-created-before-fn-created 2, si-zero-subseconds 2, time-after-acquisition 1$" "$T_TMP/a.txt" &&
  grep -q "^    WS9  /Tools/rar.exe  \[program\]$" "$T_TMP/a.txt" &&
  grep -q '^        \$SI  created 2010-01-01T00:00:00.000000000Z modified 2010-01-01T00:00:00.000000000Z' "$T_TMP/a.txt"
ok $? "text: the file, marked as a program, with its \$SI times"
"$TOUCHLINE" anomalies "$CASE" --from 2023-06-15 --to 2023-06-14 2>"$T_TMP/err"
is "$?" 2 "an empty window is refused"
"$TOUCHLINE" anomalies "$CASE" --format html 2>"$T_TMP/err"
is "$?" 2 "an unknown format is refused"
sum1=$(sum "$CASE")
"$TOUCHLINE" anomalies "$CASE" >/dev/null
is "$(sum "$CASE")" "$sum1" "anomalies does not write the case"

# the exposure report lists them too, with no register at all
"$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-07-01 --format json -o "$T_TMP/e.json"
ok $? "exposure with no target"
is "$("$PYTHON3" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["file_anomalies"]), r["summary"]["file_anomaly_files"], r["summary"]["targets"])' "$T_TMP/e.json")" \
   "6 4 0" "exposure json: the 6 findings on 4 files, no target needed"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-07-01 --format html -o "$T_TMP/e.html"
grep -q "/<wbr>Tools/<wbr>rar.exe <b>(program)</b>" "$T_TMP/e.html"
ok $? "exposure html: the tool, marked as a program"
done_testing
