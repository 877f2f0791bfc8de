#!/bin/sh
# Artifact events as exposure evidence (issue 10): a Recycle Bin $I record
# naming a target's path with a deletion time in the window makes that
# occurrence "deleted" and lists the recyclebin row at the exact time in the
# JSON report; a record for a path that is no target changes nothing.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
CASE="$T_TMP/case.db"
TGT='\Users\mbauer\Documents\Contracts\LumenOrbital\Contracts\Lumen_Master_Services_Agreement.pdf'
OTHER='\Users\mbauer\Desktop\Phone_List.pdf'
W="--from 2023-06-05 --to 2023-06-21"
"$TOUCHLINE" ingest -q -l WS17 -d Administration "$CASE" "$S/evidence/WS17.E01"
ok $? "ingest WS17"
printf 'path,partner\n%s,Lumen Orbital\n' "$TGT" >"$T_TMP/targets.csv"
"$TOUCHLINE" targets "$CASE" import "$T_TMP/targets.csv" 2>/dev/null
ok $? "register imports"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/before.json"
ok $? "report before the artifacts"
# $I v2: version 2, size, FILETIME of the deletion, path length in
# characters (with the NUL), UTF-16LE path with NUL
mk_i() { # mk_i FILE WINPATH UNIX_SECONDS HUNDREDS_OF_NS
  "$PYTHON3" - "$@" <<'PY'
import struct, sys
out, path, secs, frac = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ft = secs * 10000000 + frac + 116444736000000000
p = (path + "\0").encode("utf-16-le")
with open(out, "wb") as f:
    f.write(struct.pack("<qqqI", 2, 4096, ft, len(p) // 2) + p)
PY
}
# 2023-06-12T10:20:30.1234567Z
mk_i "$T_TMP/\$IAB12CD.pdf" "C:$TGT" 1686565230 1234567
ok $? "write the target's \$I"
mk_i "$T_TMP/\$IZZ99YY.pdf" "C:$OTHER" 1686565290 0
ok $? "write the other \$I"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/\$IZZ99YY.pdf" --evidence WS17 \
  --parser recyclebin >/dev/null 2>"$T_TMP/err"
ok $? "attach the other \$I"
# the target deleted after the window (2023-07-01T00:00:00Z): not evidence
mk_i "$T_TMP/\$ILATE01.pdf" "C:$TGT" 1688169600 0
ok $? "write the target's late \$I"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/\$ILATE01.pdf" --evidence WS17 \
  --parser recyclebin >/dev/null 2>"$T_TMP/err"
ok $? "attach the target's late \$I"
is "$(sqlite3 "$CASE" "SELECT count(*) FROM artifact_event WHERE kind = 'deleted' AND object_id IS NOT NULL")" 2 \
  "both \$I records resolve to objects of the case"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/other.json"
ok $? "report after the other \$I"
"$PYTHON3" - "$T_TMP/before.json" "$T_TMP/other.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a["occurrences"] == b["occurrences"] else 1)
PY
ok $? "a \$I of a path that is no target, or of a target outside the window, changes no occurrence"
"$TOUCHLINE" artifacts "$CASE" add "$T_TMP/\$IAB12CD.pdf" --evidence WS17 \
  --parser recyclebin >/dev/null 2>"$T_TMP/err"
ok $? "attach the target's \$I"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$CASE" $W --format json -o "$T_TMP/after.json"
ok $? "report after the target's \$I"
for f in text html; do
  # shellcheck disable=SC2086
  "$TOUCHLINE" exposure "$CASE" $W --format $f -o "$T_TMP/after.$f"
  ok $? "exposure --format $f"
  grep -q 'recyclebin: deleted' "$T_TMP/after.$f"
  ok $? "$f: lists the recyclebin row"
done
"$PYTHON3" - "$T_TMP/before.json" "$T_TMP/after.json" "$TGT" >"$T_TMP/check" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
want = sys.argv[3].replace("\\", "/").lower()
def occ(r):
    o = [x for x in r["occurrences"] if x["path"].lower() == want]
    return o[0] if len(o) == 1 else None
o0, o1 = occ(a), occ(b)
print("found", o0 is not None and o1 is not None)
print("before", o0["verdict"] if o0 else None)
print("after", o1["verdict"] if o1 else None)
print("deleted_in_window", o1["deleted_in_window"] if o1 else None)
rows = [r for r in (o1 or {}).get("rows", []) if r["source"] == "recyclebin"]
print("rc", len(rows))
for r in rows:
    print("row", r["t_ns"], r["kind"], r["object_id"] == o1["object_id"])
    print("note", r["note"])
print("n_evidence", (o1["n_evidence"] - o0["n_evidence"]) if o0 and o1 else None)
PY
ok $? "the check script runs"
sed 's/^/# /' "$T_TMP/check"
is "$(sed -n 's/^found //p' "$T_TMP/check")" True "the target has one occurrence"
before=$(sed -n 's/^before //p' "$T_TMP/check")
case $before in copied) want=copied ;; *) want=deleted ;; esac
is "$(sed -n 's/^after //p' "$T_TMP/check")" "$want" \
  "the verdict is deleted (was $before)"
is "$(sed -n 's/^deleted_in_window //p' "$T_TMP/check")" 1 \
  "deleted in the window"
is "$(sed -n 's/^rc //p' "$T_TMP/check")" 1 "one recyclebin row"
is "$(sed -n 's/^row //p' "$T_TMP/check")" "1686565230123456700 deleted True" \
  "the row: the exact deletion time, kind deleted, the occurrence's object"
is "$(sed -n 's/^note //p' "$T_TMP/check")" \
  "recyclebin: deleted, original path C:$TGT ($T_TMP/\$IAB12CD.pdf) [Recycle Bin: deleted]" \
  "the row's note: parser, kind, original path, the \$I file"
is "$(sed -n 's/^n_evidence //p' "$T_TMP/check")" 1 \
  "n_evidence grows by that row"
done_testing
