#!/bin/sh
# Issue 10 end to end: an NTFS image holding a Recent-folder Shell Link and a
# Recycle Bin $I file that name two targets, ingested with the built-in lnk
# and recyclebin parsers (they claim **/*.lnk and /$Recycle.Bin/**/$I* during
# the walk); the exposure report shows Plan.docx opened at the link's stored
# access time and Budget.xlsx deleted at the $I deletion time, each with its
# source, and the timeline carries both artifact events.
. "$TL_SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

V="$T_TMP/v.raw"
M="$T_TMP/mnt"
CASE="$T_TMP/case.db"
LNK='Users/alice/AppData/Roaming/Microsoft/Windows/Recent/Plan.lnk'
IFILE='$Recycle.Bin/S-1-5-21-1-2-3-1001/$IABC123.xlsx'
truncate -s 16M "$V" && mkntfs -F -q -Q "$V" >/dev/null 2>&1
ok $? "mkntfs"
mkdir "$M"
ntfs-3g -o no_detach "$V" "$M" >/dev/null 2>&1 &
pid=$!
i=0
while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mountpoint -q "$M"
ok $? "ntfs-3g mounted the volume"
mkdir -p "$M/Users/alice/Documents" "$M/$(dirname "$LNK")" "$M/$(dirname "$IFILE")"
echo plan >"$M/Users/alice/Documents/Plan.docx"
echo budget >"$M/Users/alice/Documents/Budget.xlsx"
# the Shell Link: header times (created, accessed, written), LinkInfo with a
# local base path; the access FILETIME is 2023-06-12T10:20:30.1234567Z.
# The $I v2: version 2, size, deletion FILETIME 2023-06-13T08:00:00Z, path
# length in UTF-16 units with the NUL, UTF-16LE path with NUL.
"$PYTHON3" - "$TL_SRCDIR/tests/fuzz" "$M/$LNK" "$M/$IFILE" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from make_plugin_seeds import link
EPOCH = 116444736000000000
acc = 1686565230 * 10**7 + 1234567 + EPOCH
def linkinfo(base):
    label = b"DATA\x00"
    vid = struct.pack("<IIII", 16 + len(label), 3, 0x2ca3d1ae, 16) + label
    base = base.encode("ascii") + b"\x00"
    hdr = 0x1c
    body = vid + base + b"\x00"
    return struct.pack("<IIIIIII", hdr + len(body), hdr, 1, hdr,
                       hdr + len(vid), 0, hdr + len(vid) + len(base)) + body
with open(sys.argv[2], "wb") as f:
    f.write(link(0x2, [linkinfo("C:\\Users\\alice\\Documents\\Plan.docx")],
                 times=(acc - 10**9, acc, acc - 10**8)))
p = "C:\\Users\\alice\\Documents\\Budget.xlsx\0".encode("utf-16-le")
with open(sys.argv[3], "wb") as f:
    f.write(struct.pack("<qqqI", 2, 7, 1686643200 * 10**7 + EPOCH, len(p) // 2) + p)
PY
ok $? "write the link and the \$I file"
umount "$M"
wait $pid
ok $? "ntfs-3g wrote the volume"

"$TOUCHLINE" ingest -q "$CASE" "$V" --label WS01 --division Admin 2>"$T_TMP/err"
ok $? "ingest WS01"
sed 's/^/# /' "$T_TMP/err"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || path || '|' || status || '|' || n_events || '|' || n_corrupt FROM artifact_file ORDER BY path")" \
"recyclebin|/\$Recycle.Bin/S-1-5-21-1-2-3-1001/\$IABC123.xlsx|ok|1|0
lnk|/$LNK|ok|4|0" "artifact_file: the two artifact files by their parsers, status ok, 1 and 4 events"
printf 'path,partner\n%s,P1\n%s,P2\n' 'C:\Users\alice\Documents\Plan.docx' \
  'C:\Users\alice\Documents\Budget.xlsx' >"$T_TMP/targets.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" >/dev/null 2>&1
ok $? "register imports"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-07-01 --format json -o "$T_TMP/exp.json"
ok $? "exposure --format json"
"$TOUCHLINE" timeline "$CASE" --format jsonl >"$T_TMP/tl.jsonl"
ok $? "timeline --format jsonl"
"$PYTHON3" - "$T_TMP/exp.json" "$T_TMP/tl.jsonl" >"$T_TMP/check" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def occ(name):
    o = [x for x in r["occurrences"]
         if x["path"] == "/Users/alice/Documents/" + name]
    return o[0] if len(o) == 1 else {"verdict": None, "rows": [], "object_id": None}
for name, src in (("Plan.docx", "lnk"), ("Budget.xlsx", "recyclebin")):
    o = occ(name)
    print(name, "verdict", o["verdict"])
    for x in o["rows"]:
        if x["source"] == src:
            print(name, "row", x["source"], x["kind"], x["t_ns"],
                  x["object_id"] == o["object_id"])
arts = []
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("data_type") == "touchline:artifact" and e["kind"] in ("opened", "deleted"):
        arts.append("%s %s %s %s %s" % (e["parser"], e["kind"], e["t_ns"],
                                        e["path"], e["artifact"]))
for a in sorted(arts):
    print("tl", a)
PY
ok $? "the check script runs"
sed 's/^/# /' "$T_TMP/check"
is "$(sed -n 's/^Plan.docx verdict //p' "$T_TMP/check")" accessed \
  "Plan.docx: verdict accessed (its own atime is outside the window)"
is "$(sed -n 's/^Plan.docx row //p' "$T_TMP/check")" "lnk accessed 1686565230123456700 True" \
  "Plan.docx: one lnk row, kind accessed, at the link's stored access time to 100 ns"
is "$(sed -n 's/^Budget.xlsx verdict //p' "$T_TMP/check")" deleted \
  "Budget.xlsx: verdict deleted"
is "$(sed -n 's/^Budget.xlsx row //p' "$T_TMP/check")" "recyclebin deleted 1686643200000000000 True" \
  "Budget.xlsx: one recyclebin row, kind deleted, at the \$I deletion time"
is "$(sed -n 's/^tl //p' "$T_TMP/check")" \
"lnk opened 1686565230123456700 /Users/alice/Documents/Plan.docx /$LNK
recyclebin deleted 1686643200000000000 /Users/alice/Documents/Budget.xlsx /$IFILE" \
  "timeline jsonl: both artifact events with parser, time, target and artifact file"
done_testing
