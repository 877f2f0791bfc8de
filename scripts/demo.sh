#!/bin/sh
# The main job on the sample evidence: install, build, ingest every sample
# image into a fresh case, and describe the case.
# Usage: sh scripts/demo.sh [CASE.db]   (default: build/demo/case.db)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" -eq 0 ]; then
  sh scripts/install-deps.sh
fi
./autogen.sh >/dev/null 2>&1 || ./autogen.sh
mkdir -p build/demo
(cd build/demo && "$top/configure" -q && make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null)
tl="$top/build/demo/touchline"
case_db=${1:-$top/build/demo/case.db}
rm -f "$case_db"
# samples/evidence.tsv: label<TAB>division<TAB>image, one item per line
while IFS="$(printf '\t')" read -r label division image; do
  case $label in ''|'#'*) continue ;; esac
  "$tl" ingest "$case_db" "samples/$image" --label "$label" --division "$division"
done <samples/evidence.tsv
"$tl" info "$case_db"
echo "case: $case_db"
