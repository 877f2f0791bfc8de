#!/bin/sh
# Issue 10 end to end for the USN journal: an NTFS image whose real
# $Extend/$UsnJrnl:$J (written here, V2 records and one V3, after a sparse
# start) names files of the image by MFT reference; `touchline ingest`
# hands it to the built-in usnjrnl parser during the walk. The register
# names five files; the exposure report (json and text) must show
#   Created.docx  created (modified verdict) at the journal's create time;
#   Report.docx   modified: a data overwrite and an overwrite+extend (V3);
#   Draft.docx    renamed twice (Draft.docx -> Draft v2.docx -> Final.docx):
#                 the register names the old name, the image has the new;
#   Secret.docx   deleted, its MFT entry reused since: no object is that
#                 file, the path comes from the record's name and its
#                 folder (the parent reference);
#   Plan.docx     copied: a same-name file created in bob's Desktop;
#   Projects/Budget 2024.xlsx  deleted with its folder, whose MFT entry
#                 was reused: the file is an orphan (/$OrphanFiles/...),
#                 found by the path the journal gave it, the folder's
#                 path from the journal's own record of the folder;
#   bob's Notes.txt  deleted and written again (same entry, next sequence):
#                 the file there now (no evidence) and, apart, the path
#                 of the one the journal saw deleted;
# each at the record's time to 100 ns, with the parser and the artifact
# path; and the timeline (jsonl, l2tcsv) carries the events.
# The times are the journal's; the image's own file-system times (now)
# are outside the window.
. "$TL_SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "building an NTFS image needs root (FUSE)"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null || skip_all "mkntfs/ntfs-3g not installed"
command -v istat >/dev/null && command -v fls >/dev/null || skip_all "TSK tools (istat, fls) not installed"
[ -c /dev/fuse ] || skip_all "no /dev/fuse"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

V="$T_TMP/v.raw"
M="$T_TMP/mnt"
CASE="$T_TMP/case.db"
D="$M/Users/alice/Documents"
trap 'umount "$M" 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$T_TMP"' EXIT

mount_v() {
  ntfs-3g -o streams_interface=windows,no_detach "$V" "$M" >/dev/null 2>&1 &
  pid=$!
  i=0
  while ! mountpoint -q "$M" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  mountpoint -q "$M"
}
umount_v() {
  umount "$M" && wait $pid
}

truncate -s 16M "$V" && mkntfs -F -q -Q "$V" >/dev/null 2>&1
ok $? "mkntfs"
mkdir "$M"
mount_v
ok $? "ntfs-3g mounted the volume"
mkdir -p "$D/Projects" "$M/Users/bob/Desktop"
for f in Created Report Draft Secret Plan; do
  echo "the $f document" >"$D/$f.docx"
done
cp "$D/Plan.docx" "$M/Users/bob/Desktop/Plan.docx"
echo budget >"$D/Projects/Budget 2024.xlsx"
echo notes >"$M/Users/bob/Desktop/Notes.txt"
# MFT entries (st_ino under ntfs-3g) of the files and folders
for p in "$D/Created.docx" "$D/Report.docx" "$D/Draft.docx" "$D/Secret.docx" \
         "$D/Plan.docx" "$M/Users/bob/Desktop/Plan.docx" "$D" "$M/Users/bob/Desktop" \
         "$D/Projects" "$D/Projects/Budget 2024.xlsx" "$M/Users/bob/Desktop/Notes.txt"; do
  stat -c %i "$p"
done >"$T_TMP/inodes"
umount_v
ok $? "first session written"
# their sequence numbers, from the MFT entries as TSK reads them
while read -r ino; do
  seq=$(istat "$V" "$ino" | sed -n 's/.*Sequence: \([0-9]*\).*/\1/p' | head -n 1)
  echo "$ino $seq"
done <"$T_TMP/inodes" >"$T_TMP/refs"
is "$(wc -l <"$T_TMP/refs" | tr -d ' ')" 11 "eleven MFT references"
sed 's/^/# ref /' "$T_TMP/refs"

# bob's Notes.txt deleted and written again: on a fresh mount ntfs-3g
# takes the lowest free entry, its own (a session of its own: after it,
# the search goes on from there)
mount_v
ok $? "ntfs-3g mounted the volume again"
rm "$M/Users/bob/Desktop/Notes.txt" && echo "notes again" >"$M/Users/bob/Desktop/Notes.txt"
umount_v
ok $? "Notes.txt written again"

# third session: the renames, the deletes (their entries reused: Other.txt
# and $UsnJrnl take the lowest free ones)
# and the journal, written into $UsnJrnl:$J before the file is moved into
# $Extend (ntfs-3g does not create files there)
mount_v
ok $? "ntfs-3g mounted the volume again"
mv "$D/Draft.docx" "$D/Draft v2.docx" && mv "$D/Draft v2.docx" "$D/Final.docx"
rm "$D/Secret.docx"
rm -r "$D/Projects"
echo other >"$D/Other.txt"
touch "$M/\$UsnJrnl"
"$PYTHON3" - "$T_TMP/refs" "$M/\$UsnJrnl:\$J" "$(stat -c %i "$D/Other.txt")" <<'PY'
import struct, sys
refs = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
created, report, draft, secret, plan, bobplan, docs, desktop, proj, budget, notes = refs
EPOCH = 116444736000000000  # FILETIME of 1970-01-01
def ft(s, frac):            # "2023-06-14T09:00:00", 100-ns units
    import calendar, time
    t = calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))
    return t * 10**7 + frac + EPOCH
def ref(r):
    return r[0] | r[1] << 48
R = dict(OVERWRITE=0x1, EXTEND=0x2, CREATE=0x100, DELETE=0x200,
         OLD=0x1000, NEW=0x2000, CLOSE=0x80000000)
def reason(*names):
    v = 0
    for n in names:
        v |= R[n]
    return v
START = 0x20000             # the sparse start: nothing written before
out = bytearray()
def rec(v, f, parent, t, why, name, attrs=0x20):
    usn = START + len(out)
    n = name.encode("utf-16-le")
    if v == 2:
        body = struct.pack("<QQqQIIIIHH", ref(f), ref(parent), usn, t, why,
                           0, 0, attrs, len(n), 60) + n
    else:                   # V3: 128-bit ids, the high halves zero
        body = struct.pack("<QQQQqQIIIIHH", ref(f), 0, ref(parent), 0, usn,
                           t, why, 0, 0, attrs, len(n), 76) + n
    length = (8 + len(body) + 7) & ~7
    out.extend(struct.pack("<IHH", length, v, 0) + body)
    out.extend(b"\0" * (length - 8 - len(body)))
other = (int(sys.argv[3]), secret[1] + 1)
recs = [
  # created before the window: Draft.docx and Secret.docx
  (2, draft, docs, ft("2023-05-20T08:00:00", 0), reason("CREATE", "CLOSE"), "Draft.docx"),
  (2, secret, docs, ft("2023-05-22T07:00:00", 0), reason("CREATE", "EXTEND", "CLOSE"), "Secret.docx"),
  (2, proj, docs, ft("2023-05-25T10:00:00", 0), reason("CREATE", "CLOSE"), "Projects", 0x10),
  (2, budget, proj, ft("2023-05-25T10:05:00", 0), reason("CREATE", "EXTEND", "CLOSE"), "Budget 2024.xlsx"),
  (2, notes, desktop, ft("2023-05-26T09:00:00", 0), reason("CREATE", "EXTEND", "CLOSE"), "Notes.txt"),
  (2, created, docs, ft("2023-06-14T09:00:00", 1234567), reason("CREATE"), "Created.docx"),
  (2, created, docs, ft("2023-06-14T09:00:00", 1256789), reason("CREATE", "EXTEND", "CLOSE"), "Created.docx"),
  (2, report, docs, ft("2023-06-15T10:30:05", 5000001), reason("OVERWRITE"), "Report.docx"),
  (3, report, docs, ft("2023-06-15T10:30:05", 7654321), reason("OVERWRITE", "EXTEND", "CLOSE"), "Report.docx"),
  (2, draft, docs, ft("2023-06-16T11:00:00", 1111111), reason("OLD"), "Draft.docx"),
  (2, draft, docs, ft("2023-06-16T11:00:00", 1111112), reason("NEW"), "Draft v2.docx"),
  (2, draft, docs, ft("2023-06-16T11:00:00", 1111113), reason("NEW", "CLOSE"), "Draft v2.docx"),
  (2, draft, docs, ft("2023-06-17T12:00:00", 2222222), reason("OLD"), "Draft v2.docx"),
  (2, draft, docs, ft("2023-06-17T12:00:00", 2222223), reason("NEW"), "Final.docx"),
  (2, draft, docs, ft("2023-06-17T12:00:00", 2222224), reason("NEW", "CLOSE"), "Final.docx"),
  (2, secret, docs, ft("2023-06-18T13:14:15", 3333333), reason("EXTEND", "CLOSE"), "Secret.docx"),
  (2, secret, docs, ft("2023-06-19T14:15:16", 4444444), reason("DELETE", "CLOSE"), "Secret.docx"),
  (2, other, docs, ft("2023-06-19T14:20:00", 5555555), reason("CREATE"), "Other.txt"),
  (2, other, docs, ft("2023-06-19T14:20:00", 5555556), reason("CREATE", "EXTEND", "CLOSE"), "Other.txt"),
  (2, bobplan, desktop, ft("2023-06-20T15:16:17", 6666666), reason("CREATE"), "Plan.docx"),
  (2, bobplan, desktop, ft("2023-06-20T15:16:17", 6777777), reason("CREATE", "EXTEND", "CLOSE"), "Plan.docx"),
  (2, budget, proj, ft("2023-06-21T16:00:00", 7777777), reason("DELETE", "CLOSE"), "Budget 2024.xlsx"),
  (2, proj, docs, ft("2023-06-21T16:00:00", 8888888), reason("DELETE", "CLOSE"), "Projects", 0x10),
  (2, notes, desktop, ft("2023-06-22T08:00:00", 9999999), reason("DELETE", "CLOSE"), "Notes.txt"),
]
for r in recs:
    rec(*r)
out.extend(b"\0" * (-len(out) % 4096))  # the page's unused tail
with open(sys.argv[2], "wb") as f:
    f.seek(START)
    f.write(out)
PY
ok $? "write the journal (24 records, V2 and V3) after a sparse start"
mv "$M/\$UsnJrnl" "$M/\$Extend/"
ok $? "move \$UsnJrnl into \$Extend"
umount_v
ok $? "ntfs-3g wrote the volume"
fls -r "$V" | grep -q 'r/r [0-9]*-128-[0-9]*:.*\$UsnJrnl:\$J$'
ok $? "TSK sees \$Extend/\$UsnJrnl:\$J"
# the entries of Secret.docx and Projects hold other files now (ntfs-3g
# takes the lowest free entry: Other.txt and $UsnJrnl), one sequence
# later; Budget 2024.xlsx's entry is free, not reused
entry() { sed -n "$1p" "$T_TMP/refs"; }
istat_seq() { istat "$V" "$1" | sed -n 's/.*Sequence: \([0-9]*\).*/\1/p' | head -n 1; }
set -- $(entry 4); is "$(istat_seq "$1")" "$(($2 + 1))" "Secret.docx's MFT entry ($1) reused"
set -- $(entry 9); is "$(istat_seq "$1")" "$(($2 + 1))" "Projects' MFT entry ($1) reused"
set -- $(entry 10)
istat "$V" "$1" | grep -qx 'Not Allocated File'
ok $? "Budget 2024.xlsx's MFT entry ($1) is free"
set -- $(entry 11); is "$(istat_seq "$1")" "$(($2 + 1))" "Notes.txt's MFT entry ($1) holds the new Notes.txt"

"$TOUCHLINE" ingest -q "$CASE" "$V" --label WS01 --division Admin 2>"$T_TMP/err"
ok $? "ingest WS01"
sed 's/^/# /' "$T_TMP/err"
is "$(sqlite3 "$CASE" "SELECT parser || '|' || path || '|' || status || '|' || n_events || '|' || n_corrupt FROM artifact_file")" \
  'usnjrnl|/$Extend/$UsnJrnl:$J|ok|24|0' \
  "artifact_file: the journal, claimed by usnjrnl during the walk, 24 events"
is "$(sqlite3 "$CASE" "SELECT count(*), sum(object_id IS NULL) FROM artifact_event")" "24|7" \
  "artifact_event: 24 events, 7 of them (Secret.docx's, Projects' and the first Notes.txt's) on no object"

printf 'path,partner\n%s,P1\n%s,P2\n%s,P3\n%s,P4\n%s,P5\n%s,P6\n%s,P7\n' \
  'C:\Users\alice\Documents\Created.docx' 'C:\Users\alice\Documents\Report.docx' \
  'C:\Users\alice\Documents\Draft.docx' 'C:\Users\alice\Documents\Secret.docx' \
  'C:\Users\alice\Documents\Plan.docx' 'C:\Users\alice\Documents\Projects\Budget 2024.xlsx' \
  'C:\Users\bob\Desktop\Notes.txt' >"$T_TMP/targets.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" >/dev/null 2>&1
ok $? "register imports"
W="--from 2023-06-01 --to 2023-07-01"
"$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/exp.json"
ok $? "exposure --format json"
"$TOUCHLINE" exposure "$CASE" $W -o "$T_TMP/exp.txt"
ok $? "exposure (text)"
"$TOUCHLINE" timeline "$CASE" --source usnjrnl --format jsonl >"$T_TMP/tl.jsonl"
ok $? "timeline --format jsonl"
"$TOUCHLINE" timeline "$CASE" --source usnjrnl --format l2tcsv >"$T_TMP/tl.csv"
ok $? "timeline --format l2tcsv"

"$PYTHON3" - "$T_TMP/exp.json" "$T_TMP/tl.jsonl" "$T_TMP/tl.csv" >"$T_TMP/check" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
for o in sorted(r["occurrences"], key=lambda o: (o["target_id"], o["occ_id"])):
    t = o["target_id"]
    print("occ", t, o["path"], "object" if o["object_id"] else "no-object",
          o["verdict"])
    for x in o["rows"]:
        print("row", t, x["t_ns"], x["kind"], x["source"], x["path"])
        print("note", t, x["t_ns"], x["note"])
    for c in o["copies"]:
        print("copy", t, c["path"], c["created_ns"], c["how"])
    print("why", t, o["reasons"])
for x in r["targets"]:
    print("target", x["line"], x["found"], x["verdict"])
for line in open(sys.argv[2]):
    e = json.loads(line)
    print("jsonl", e["t_ns"], e["parser"], e["kind"], e["path"], e["inode"],
          e["artifact"], e["attributes"]["reason"],
          e["attributes"]["version"], e["data_type"])
rows = list(csv.reader(open(sys.argv[3])))
for x in rows[1:]:
    d = dict(zip(rows[0], x))
    t = [v for v in d["extra"].split("; ") if v.startswith("t_ns: ")]
    print("l2t", d["date"], d["time"], d["source"], d["sourcetype"],
          d["type"], d["filename"], t[0] if t else "-")
PY
ok $? "the check script runs"
sed 's/^/# /' "$T_TMP/check"
J='/$Extend/$UsnJrnl:$J'
A=/Users/alice/Documents
set -- $(cat "$T_TMP/inodes")
I_CREATED=$1 I_REPORT=$2 I_DRAFT=$3 I_BOBPLAN=$6 I_BUDGET=${10}
I_OTHER=$(sqlite3 "$CASE" "SELECT inode FROM object WHERE path = '$A/Other.txt'")
O='/$OrphanFiles/Budget 2024.xlsx'

is "$(sed -n 's/^occ //p' "$T_TMP/check")" \
"1 $A/Created.docx object modified
2 $A/Report.docx object modified
3 $A/Final.docx object renamed
4 $A/Secret.docx no-object deleted
5 $A/Plan.docx object copied
6 $O object deleted
7 /Users/bob/Desktop/Notes.txt object none
7 /Users/bob/Desktop/Notes.txt no-object deleted" \
  "exposure: one occurrence per target: Draft.docx found as Final.docx, Secret.docx by its path alone, Budget 2024.xlsx as the orphan; verdicts"
is "$(sed -n 's/^target //p' "$T_TMP/check")" \
"2 1 modified
3 1 modified
4 1 renamed
5 1 deleted
6 1 copied
7 1 deleted
8 1 deleted" "exposure: every target found, with its verdict"
is "$(sed -n 's/^row //p' "$T_TMP/check")" \
"1 1686733200123456700 created usnjrnl $A/Created.docx
1 1686733200125678900 created usnjrnl $A/Created.docx
2 1686825005500000100 modified usnjrnl $A/Report.docx
2 1686825005765432100 modified usnjrnl $A/Report.docx
3 1686913200111111100 renamed usnjrnl $A/Final.docx
3 1686913200111111200 renamed usnjrnl $A/Final.docx
3 1686913200111111300 renamed usnjrnl $A/Final.docx
3 1687003200222222200 renamed usnjrnl $A/Final.docx
3 1687003200222222300 renamed usnjrnl $A/Final.docx
3 1687003200222222400 renamed usnjrnl $A/Final.docx
4 1687094055333333300 modified usnjrnl $A/Secret.docx
4 1687184116444444400 deleted usnjrnl $A/Secret.docx
5 1687274177666666600 copied usnjrnl /Users/bob/Desktop/Plan.docx
6 1687363200777777700 deleted usnjrnl $O
7 1687420800999999900 deleted usnjrnl /Users/bob/Desktop/Notes.txt" \
  "exposure rows: the journal's records in the window, to 100 ns, source usnjrnl (none from before the window, none of Other.txt)"
is "$(sed -n 's/^note 3 //p' "$T_TMP/check")" \
"1686913200111111100 usnjrnl: renamed from Draft.docx ($J) [USN: rename old name]
1686913200111111200 usnjrnl: renamed from Draft.docx to Draft v2.docx ($J) [USN: rename new name]
1686913200111111300 usnjrnl: renamed from Draft.docx to Draft v2.docx ($J) [USN: rename new name, close]
1687003200222222200 usnjrnl: renamed from Draft v2.docx ($J) [USN: rename old name]
1687003200222222300 usnjrnl: renamed from Draft v2.docx to Final.docx ($J) [USN: rename new name]
1687003200222222400 usnjrnl: renamed from Draft v2.docx to Final.docx ($J) [USN: rename new name, close]" \
  "Draft.docx rows: the rename chain, old name to new name, with the artifact path"
is "$(sed -n 's/^why 3 //p' "$T_TMP/check")" \
  "renamed: 2023-06-16T11:00:00.111111100Z .. 2023-06-17T12:00:00.222222400Z (6 usnjrnl records: from Draft.docx to Draft v2.docx, then from Draft v2.docx to Final.docx ($J))" \
  "Draft.docx reasons: renamed from and to, twice"
is "$(sed -n 's/^note 4 1687184116444444400 //p' "$T_TMP/check")" \
  "usnjrnl: deleted, original path $A/Secret.docx ($J) [USN: file delete, close]" \
  "Secret.docx: deleted, the original path from the record's name and folder"
is "$(sed -n 's/^why 4 //p' "$T_TMP/check")" \
  "deleted in the window: 2023-06-19T14:15:16.444444400Z (usnjrnl: deleted, original path $A/Secret.docx ($J) [USN: file delete, close]); modified: 2023-06-18T13:14:15.333333300Z (usnjrnl: modified ($J) [USN: data extend, close])" \
  "Secret.docx reasons: deleted at the record's time, modified before"
is "$(sed -n 's/^why 2 //p' "$T_TMP/check")" \
  "modified: 2023-06-15T10:30:05.500000100Z .. 2023-06-15T10:30:05.765432100Z (2 usnjrnl records; first: usnjrnl: modified ($J) [USN: data overwrite])" \
  "Report.docx reasons: modified by a data overwrite (and a V3 overwrite+extend)"
is "$(sed -n 's/^why 1 //p' "$T_TMP/check")" \
  "created in the window: 2023-06-14T09:00:00.123456700Z .. 2023-06-14T09:00:00.125678900Z (2 usnjrnl records; first: usnjrnl: created ($J) [USN: file create])" \
  "Created.docx reasons: created at the record's time"
is "$(sed -n 's/^note 6 //p' "$T_TMP/check")" \
  "1687363200777777700 usnjrnl: deleted, original path $A/Projects/Budget 2024.xlsx ($J) [USN: file delete, close]" \
  "Budget 2024.xlsx: deleted, its folder's path from the journal's record of the folder"
is "$(sed -n 's/^copy //p' "$T_TMP/check")" "5 /Users/bob/Desktop/Plan.docx 1687274177666666600 name+size" \
  "Plan.docx: the copy in bob's Desktop, created at the journal's file create"
is "$(sed -n 's/^note 5 //p' "$T_TMP/check")" \
  "1687274177666666600 a copy (name+size) created here (usnjrnl: created ($J) [USN: file create])" \
  "Plan.docx: the copy row names the parser and the journal"

# the text report
for v in "copied .* $A/Plan.docx" "deleted .* $A/Secret.docx" \
         "modified .* $A/Created.docx" "modified .* $A/Report.docx" \
         "renamed .* $A/Final.docx"; do
  grep -q "^    $v\$" "$T_TMP/exp.txt"
  ok $? "text report: $v"
done
grep -qF "P3: renamed: 2023-06-16T11:00:00.111111100Z .. 2023-06-17T12:00:00.222222400Z (6 usnjrnl records: from" "$T_TMP/exp.txt"
ok $? "text report: Draft.docx renamed, with the journal's times"
grep -qF "P4: deleted in the window: 2023-06-19T14:15:16.444444400Z (usnjrnl: deleted, original path /Users/alice" "$T_TMP/exp.txt"
ok $? "text report: Secret.docx deleted at the journal's time, by usnjrnl"
grep -q "Coverage: 0 of 7 targets not found" "$T_TMP/exp.txt"
ok $? "text report: no target in the coverage list (found through the journal)"

# the timeline: every record, with the parser, time, path and artifact
is "$(sed -n 's/^jsonl //p' "$T_TMP/check")" \
"1684569600000000000 usnjrnl created $A/Final.docx $I_DRAFT $J FILE_CREATE|CLOSE 2.0 touchline:artifact
1684738800000000000 usnjrnl created $A/Secret.docx 0 $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1685008800000000000 usnjrnl created $A/Projects 0 $J FILE_CREATE|CLOSE 2.0 touchline:artifact
1685009100000000000 usnjrnl created $O $I_BUDGET $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1685091600000000000 usnjrnl created /Users/bob/Desktop/Notes.txt 0 $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1686733200123456700 usnjrnl created $A/Created.docx $I_CREATED $J FILE_CREATE 2.0 touchline:artifact
1686733200125678900 usnjrnl created $A/Created.docx $I_CREATED $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1686825005500000100 usnjrnl modified $A/Report.docx $I_REPORT $J DATA_OVERWRITE 2.0 touchline:artifact
1686825005765432100 usnjrnl modified $A/Report.docx $I_REPORT $J DATA_OVERWRITE|DATA_EXTEND|CLOSE 3.0 touchline:artifact
1686913200111111100 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_OLD_NAME 2.0 touchline:artifact
1686913200111111200 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_NEW_NAME 2.0 touchline:artifact
1686913200111111300 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_NEW_NAME|CLOSE 2.0 touchline:artifact
1687003200222222200 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_OLD_NAME 2.0 touchline:artifact
1687003200222222300 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_NEW_NAME 2.0 touchline:artifact
1687003200222222400 usnjrnl renamed $A/Final.docx $I_DRAFT $J RENAME_NEW_NAME|CLOSE 2.0 touchline:artifact
1687094055333333300 usnjrnl modified $A/Secret.docx 0 $J DATA_EXTEND|CLOSE 2.0 touchline:artifact
1687184116444444400 usnjrnl deleted $A/Secret.docx 0 $J FILE_DELETE|CLOSE 2.0 touchline:artifact
1687184400555555500 usnjrnl created $A/Other.txt $I_OTHER $J FILE_CREATE 2.0 touchline:artifact
1687184400555555600 usnjrnl created $A/Other.txt $I_OTHER $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1687274177666666600 usnjrnl created /Users/bob/Desktop/Plan.docx $I_BOBPLAN $J FILE_CREATE 2.0 touchline:artifact
1687274177677777700 usnjrnl created /Users/bob/Desktop/Plan.docx $I_BOBPLAN $J DATA_EXTEND|FILE_CREATE|CLOSE 2.0 touchline:artifact
1687363200777777700 usnjrnl deleted $O $I_BUDGET $J FILE_DELETE|CLOSE 2.0 touchline:artifact
1687363200888888800 usnjrnl deleted $A/Projects 0 $J FILE_DELETE|CLOSE 2.0 touchline:artifact
1687420800999999900 usnjrnl deleted /Users/bob/Desktop/Notes.txt 0 $J FILE_DELETE|CLOSE 2.0 touchline:artifact" \
  "timeline jsonl: the 24 records in order, exact times, path (the file's now, else the record's), inode, reason, version"
is "$(sed -n 's/^l2t //p' "$T_TMP/check" | grep -e 07:00:00 -e 'modified.*Report' -e deleted)" \
"05/22/2023 07:00:00 LOG usnjrnl usnjrnl: created $A/Secret.docx t_ns: 1684738800000000000
06/15/2023 10:30:05 LOG usnjrnl usnjrnl: modified $A/Report.docx t_ns: 1686825005500000100
06/15/2023 10:30:05 LOG usnjrnl usnjrnl: modified $A/Report.docx t_ns: 1686825005765432100
06/19/2023 14:15:16 LOG usnjrnl usnjrnl: deleted $A/Secret.docx t_ns: 1687184116444444400
06/21/2023 16:00:00 LOG usnjrnl usnjrnl: deleted $O t_ns: 1687363200777777700
06/21/2023 16:00:00 LOG usnjrnl usnjrnl: deleted $A/Projects t_ns: 1687363200888888800
06/22/2023 08:00:00 LOG usnjrnl usnjrnl: deleted /Users/bob/Desktop/Notes.txt t_ns: 1687420800999999900" \
  "timeline l2tcsv: source LOG, source type usnjrnl, the exact time in extra"
is "$(grep -c '^l2t ' "$T_TMP/check")" 24 "timeline l2tcsv: 24 rows"

# a window before the deletions: the deleted occurrences stay deleted (the
# entry is gone), and the reason gives the time the journal recorded, not
# "unknown"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-01 --to 2023-06-10 --format json -o "$T_TMP/early.json"
ok $? "exposure --format json, a window before the deletions"
is "$("$PYTHON3" -c 'import json, sys
r = json.load(open(sys.argv[1]))
for o in sorted(r["occurrences"], key=lambda o: (o["target_id"], o["occ_id"])):
    if o["verdict"] != "none":
        print(o["target_id"], o["path"], o["verdict"], o["reasons"])' "$T_TMP/early.json")" \
"4 $A/Secret.docx deleted deleted: not in the window; deleted 2023-06-19T14:15:16.444444400Z, after the window (usnjrnl: deleted ($J))
6 $O deleted deleted: not in the window; deleted 2023-06-21T16:00:00.777777700Z, after the window (usnjrnl: deleted ($J))
7 /Users/bob/Desktop/Notes.txt deleted deleted: not in the window; deleted 2023-06-22T08:00:00.999999900Z, after the window (usnjrnl: deleted ($J))" \
  "deleted occurrences: the journal's deletion time after the window, not 'unknown'"
done_testing
