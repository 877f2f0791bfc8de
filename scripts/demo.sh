#!/bin/sh
# The main job on the sample evidence (samples/, see samples/SCENARIO.md):
# install, build, ingest the three division images into a fresh case, map
# the file server's shares to divisions, import the target register, and
# write the exposure report for the intrusion window.
# Usage: sh scripts/demo.sh [OUTDIR]   (default: build/demo)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" -eq 0 ]; then
  sh scripts/install-deps.sh
fi
./autogen.sh >/dev/null 2>&1 || ./autogen.sh
out=${1:-$top/build/demo}
mkdir -p "$out"
(cd "$out" && "$top/configure" -q && make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null)
tl="$out/touchline"
case_db="$out/case.db"
rm -f "$case_db" "$case_db-wal" "$case_db-shm"
# samples/evidence.tsv: label<TAB>division<TAB>image, one item per line
while IFS="$(printf '\t')" read -r label division image; do
  case $label in ''|'#'*) continue ;; esac
  "$tl" ingest "$case_db" "samples/$image" --label "$label" --division "$division"
done <samples/evidence.tsv
"$tl" divisions "$case_db" import samples/shares.csv
"$tl" targets "$case_db" import samples/targets.csv
"$tl" info "$case_db"
# the intrusion window of the sample scenario (samples/SCENARIO.md)
from=2023-06-05T00:00:00Z to=2023-06-21T00:00:00Z
"$tl" exposure "$case_db" --from "$from" --to "$to"
"$tl" exposure "$case_db" --from "$from" --to "$to" --format html -o "$out/report.html"
"$tl" exposure "$case_db" --from "$from" --to "$to" --format csv -o "$out/report.csv"
"$tl" anomalies "$case_db" --from "$from" --to "$to"
"$tl" timeline "$case_db" --from "$from" --to "$to" --format csv -o "$out/timeline.csv"
echo
echo "case:     $case_db"
echo "report:   $out/report.html (open it in a browser), $out/report.csv"
echo "timeline: $out/timeline.csv"
