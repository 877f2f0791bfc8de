#!/bin/sh
# The exposure report on the sample case (samples/): ingest the three
# images, import the share map and the register, analyse the intrusion
# window, and compare with samples/expected.json (tests/exposure_check.py).
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
CASE="$T_TMP/case.db"
while IFS="$(printf '\t')" read -r label division image; do
  case $label in ''|'#'*) continue ;; esac
  "$TOUCHLINE" ingest -q -l "$label" -d "$division" "$CASE" "$S/$image"
  ok $? "ingest $label"
done <"$S/evidence.tsv"
"$TOUCHLINE" divisions "$CASE" import "$S/shares.csv" 2>/dev/null
ok $? "share map imports"
"$TOUCHLINE" targets "$CASE" import "$S/targets.csv" 2>/dev/null
ok $? "register imports"
W="--from 2023-06-05 --to 2023-06-21"
for f in text csv json html; do
  # shellcheck disable=SC2086
  "$TOUCHLINE" exposure "$CASE" $W --format $f -o "$T_TMP/report.$f"
  ok $? "exposure --format $f"
done
grep -q "Bursts" "$T_TMP/report.text"
ok $? "text: has the bursts section"
grep -q "<svg" "$T_TMP/report.html"
ok $? "html: has the SVG histogram"
grep -Eq "(src|href)=\"https?:" "$T_TMP/report.html"
ok "$([ $? -ne 0 ]; echo $?)" "html: loads nothing from the network"
"$PYTHON3" "$TL_SRCDIR/tests/exposure_check.py" "$S/expected.json" \
  "$T_TMP/report.json" "$T_TMP/report.csv" | sed "s/^ok /ok /" >"$T_TMP/check.tap"
# renumber the Python checks after ours
while read -r line; do
  case $line in
    "ok "*) ok 0 "${line#ok [0-9]* - }" ;;
    "not ok "*) ok 1 "${line#not ok [0-9]* - }" ;;
    "#"*) echo "$line" ;;
  esac
done <"$T_TMP/check.tap"
"$TOUCHLINE" exposure "$CASE" --from 2023-06-21 --to 2023-06-05 2>"$T_TMP/err"
is "$?" 2 "an empty window is refused"
"$TOUCHLINE" exposure "$CASE" --from yesterday --to 2023-06-05 2>"$T_TMP/err"
is "$?" 2 "a time that is not ISO 8601 is refused"
done_testing
