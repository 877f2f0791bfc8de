#!/bin/sh
# Time `touchline timeline` in every format next to The Sleuth Kit's
# `fls -r -m / IMG | mactime -b - -d` on one image; wall time and peak RSS
# from /usr/bin/time -v.
#
# usage: bench/timeline.sh [-t TOUCHLINE] IMAGE
#        bench/timeline.sh [-t TOUCHLINE] --make-ext4 NFILES
# --make-ext4 builds an ext4 image with NFILES files in 100 folders (mkfs.ext4
# -d, no mount needed) in a temporary folder and benchmarks that.
# TMPDIR chooses where the case (and a made image) go.
set -eu
TL=${TOUCHLINE:-touchline}
if [ "${1:-}" = "-t" ]; then TL=$2; shift 2; fi
[ $# -ge 1 ] || { sed -n '2,11p' "$0"; exit 2; }
for t in fls mactime /usr/bin/time; do
  command -v $t >/dev/null 2>&1 || { echo "bench: $t not found" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/tl-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

if [ "$1" = "--make-ext4" ]; then
  n=$2
  echo "making an ext4 image with $n files..." >&2
  mkdir "$W/tree"
  i=0
  while [ $i -lt 100 ]; do mkdir "$W/tree/d$i"; i=$((i + 1)); done
  # one awk process writes the names; touch in batches sets them up
  awk -v n="$n" -v w="$W" 'BEGIN { for(i = 0; i < n; i++)
    printf "%s/tree/d%d/file-%d.txt\n", w, i % 100, i }' | xargs touch
  # 256-byte inodes plus room for the directories
  mkfs.ext4 -q -N $((n + 1000)) -d "$W/tree" "$W/bench.img" \
    $((n * 3 / 10 + 32768))k
  rm -rf "$W/tree"
  IMG=$W/bench.img
else
  IMG=$1
fi

# measure LABEL CMD...: one line with wall seconds and peak RSS
measure() {
  label=$1
  shift
  /usr/bin/time -v -o "$W/time" "$@" > /dev/null
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$W/time")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/time")
  printf '%-42s %10s %10s KB\n' "$label" "$wall" "$rss"
}

printf '%-42s %10s %13s\n' "image: $(basename "$IMG") ($(wc -c < "$IMG") bytes)" "wall" "peak RSS"
measure "touchline ingest --no-hash" "$TL" ingest --no-hash -q "$W/case.db" "$IMG"
ev=$(sqlite3 "$W/case.db" "select count(*) from event" 2>/dev/null || echo "?")
ob=$(sqlite3 "$W/case.db" "select count(*) from object" 2>/dev/null || echo "?")
echo "case: $ob objects, $ev events"
for f in bodyfile csv jsonl l2tcsv tln; do
  measure "touchline timeline -f $f" "$TL" timeline -q "$W/case.db" -f $f -o "$W/out.$f"
  echo "    $(wc -l < "$W/out.$f") lines, $(wc -c < "$W/out.$f") bytes"
done
measure "fls -r -m /" sh -c 'fls -r -m / "$1" > "$2"' sh "$IMG" "$W/fls.body"
measure "mactime -b - -d (on that)" sh -c 'mactime -b - -d < "$1"' sh "$W/fls.body"
measure "fls -r -m / IMG | mactime -b - -d" sh -c 'fls -r -m / "$1" | mactime -b - -d' sh "$IMG"
measure "mactime -b - -d (on our bodyfile)" sh -c 'mactime -b - -d < "$1"' sh "$W/out.bodyfile"
