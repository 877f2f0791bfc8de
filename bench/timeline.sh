#!/usr/bin/env bash
# Time `touchline timeline` in every format next to The Sleuth Kit's
# `fls -r -m / IMG | mactime -b - -d -y` on one image, in paired rounds, and
# print each format's speed-up with the goal of issue 12 (bench/README.md).
#
# usage: bench/timeline.sh [-t TOUCHLINE] [-b OLD_TOUCHLINE] [IMAGE]
#        bench/timeline.sh [-t TOUCHLINE] --make-ext4 NFILES
# -b: also time another build (the one before a change) in the same
# rounds, each format back to back with this one; its rows say "old".
# IMAGE defaults to $BENCH_DIR/ntfs-100000.raw (bench/run.sh builds it).
# --make-ext4 builds an ext4 image with NFILES files in 100 folders
# (mkfs.ext4 -d, no mount needed) in a temporary folder and times that.
# Environment: BENCH_RUNS (5) rounds; in each round every command runs once,
# back to back, so that a busy machine slows all of them alike; the table
# shows medians. BENCH_CASE: an ingested case of IMAGE to use (else one is
# ingested into a temporary folder). BENCH_OUT=file: write the outputs to
# files (default /dev/null for every command). TMPDIR: where the case goes.
# BENCH_SHA=FILE: also hash the output of 41 exports (sha256, one run each
# after the rounds: every format plain, with --tz (two zones), --from/--to,
# --source, --deleted, --allocated, --path, and the body file with
# --fractional): FILE missing, the sums are written to it; present,
# they are compared with it and the script exits 1 on a difference (run
# once with the old build and once with the new on the same case: the
# output must stay byte for byte the same).
# A benchmark, not a test: it prints figures and never fails on them.
set -euo pipefail
TL=${TOUCHLINE:-touchline}
OLD=
if [ "${1:-}" = "-t" ]; then TL=$2; shift 2; fi
if [ "${1:-}" = "-b" ]; then OLD=$2; shift 2; fi
DIR=${BENCH_DIR:-/var/tmp/touchline-bench}
RUNS=${BENCH_RUNS:-5}
for t in fls mactime /usr/bin/time bc; do
  command -v $t >/dev/null 2>&1 || { echo "bench: $t not found" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/tl-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

if [ "${1:-}" = "--make-ext4" ]; then
  n=$2
  echo "making an ext4 image with $n files..." >&2
  mkdir "$W/tree"
  i=0
  while [ $i -lt 100 ]; do mkdir "$W/tree/d$i"; i=$((i + 1)); done
  awk -v n="$n" -v w="$W" 'BEGIN { for(i = 0; i < n; i++)
    printf "%s/tree/d%d/file-%d.txt\n", w, i % 100, i }' | xargs touch
  mkfs.ext4 -q -N $((n + 1000)) -d "$W/tree" "$W/bench.img" \
    $((n * 3 / 10 + 32768))k
  rm -rf "$W/tree"
  IMG=$W/bench.img
else
  IMG=${1:-$DIR/ntfs-100000.raw}
fi
[ -r "$IMG" ] || { echo "bench: no image $IMG (bench/run.sh builds it)" >&2; exit 1; }
"$TL" --version >/dev/null 2>&1 || { echo "bench: cannot run $TL" >&2; exit 1; }

out() { # FORMAT -> where the output goes
  if [ "${BENCH_OUT:-}" = file ]; then echo "$W/out.$1"; else echo /dev/null; fi
}

# run KEY CMD...: one timed run; appends "wall cpu rss" to $W/KEY
run() {
  local key=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" || {
    echo "bench: '$*' failed:" >&2; tail -n 5 "$W/err" >&2; exit 1; }
  read -r w u s m < <(tail -n 1 "$W/time")
  echo "$w $(echo "$u + $s" | bc | sed 's/^\./0./') $m" >>"$W/$key"
}
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$W/$1" | median; }
maxcol() { awk -v c="$2" '{print $c}' "$W/$1" | sort -g | tail -n 1; }
ratio() { echo "scale=1; $1 / $2" | bc | sed 's/^\./0./'; }

CASE=${BENCH_CASE:-}
if [ -z "$CASE" ]; then
  CASE=$W/case.db
  echo "ingesting $IMG..." >&2
  "$TL" ingest --no-hash -q "$CASE" "$IMG"
fi
cat "$IMG" >/dev/null   # warm page cache for fls
FORMATS="bodyfile csv jsonl l2tcsv tln"
# one untimed warm-up of each, then the rounds
fls -r -m / "$IMG" >/dev/null
for f in $FORMATS; do "$TL" timeline -q "$CASE" -f $f -o /dev/null; done
if [ -n "$OLD" ]; then
  for f in $FORMATS; do "$OLD" timeline -q "$CASE" -f $f -o /dev/null; done
fi
for ((r = 1; r <= RUNS; r++)); do
  echo "round $r/$RUNS" >&2
  run pipe sh -c 'fls -r -m / "$1" | mactime -b - -d -y > "$2"' sh "$IMG" "$(out mactime)"
  run fls sh -c 'fls -r -m / "$1" > "$2"' sh "$IMG" "$(out fls)"
  for f in $FORMATS; do
    [ -z "$OLD" ] || run "old-$f" "$OLD" timeline -q "$CASE" -f $f -o "$(out $f)"
    run "$f" "$TL" timeline -q "$CASE" -f $f -o "$(out $f)"
  done
done

ev=$(sqlite3 "$CASE" "select count(*) from event" 2>/dev/null || echo "?")
ob=$(sqlite3 "$CASE" "select count(*) from object" 2>/dev/null || echo "?")
P=$(col pipe 1)
F=$(col fls 1)
echo
echo "touchline timeline benchmark $(date -u +%Y-%m-%dT%H:%MZ), $("$TL" --version 2>&1 | head -n 1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image $(basename "$IMG") ($(wc -c < "$IMG") bytes), case: $ob objects, $ev events; median of $RUNS paired rounds; output to $(out csv | sed "s#$W/##")"
echo
printf '%-44s %7s %7s %9s %9s  %s\n' command "wall s" "cpu s" "peak MiB" "speed-up" "goal"
printf '%-44s %7s %7s %9s %9s  %s\n' "fls -r -m / IMG | mactime -b - -d -y" "$P" "$(col pipe 2)" \
  "$(( $(maxcol pipe 3) / 1024 ))" "1.0x" ""
printf '%-44s %7s %7s %9s %9s  %s\n' "fls -r -m / IMG" "$F" "$(col fls 2)" \
  "$(( $(maxcol fls 3) / 1024 ))" "$(ratio "$P" "$F")x" ""
for f in $FORMATS; do
  if [ -n "$OLD" ]; then
    t=$(col "old-$f" 1)
    [ "$(echo "$t > 0" | bc)" = 1 ] || t=0.01
    printf '%-44s %7s %7s %9s %9s  %s\n' "old: touchline timeline -f $f" "$t" \
      "$(col "old-$f" 2)" "$(( $(maxcol "old-$f" 3) / 1024 ))" \
      "$(ratio "$P" "$t")x" ""
  fi
  t=$(col "$f" 1)
  [ "$(echo "$t > 0" | bc)" = 1 ] || t=0.01
  x=$(ratio "$P" "$t")
  goal=10
  [ "$f" = bodyfile ] && goal=20
  ok=$([ "$(echo "$x >= $goal" | bc)" = 1 ] && echo met || echo "NOT met")
  extra=""
  [ "$f" = bodyfile ] && extra=" ($(ratio "$F" "$t")x fls -r -m alone)"
  printf '%-44s %7s %7s %9s %9s  %s\n' "touchline timeline -f $f" "$t" "$(col "$f" 2)" \
    "$(( $(maxcol "$f" 3) / 1024 ))" "${x}x" ">= ${goal}x faster than the pipeline: $ok$extra"
done
if [ -n "${BENCH_SHA:-}" ]; then
  echo
  # 41 exports: every format plain and with each filter and zone, and the
  # body file's fractional seconds
  set -f                    # the glob below is touchline's, not the shell's
  for f in $FORMATS; do
    for v in "" "--tz Europe/Berlin" "--tz America/New_York" \
             "--from 2024-01-01T00:00:00Z --to 2025-06-01T12:00:00Z" \
             "--source \$FN" "--deleted" "--allocated" "--path **/Div04*/**"; do
      # shellcheck disable=SC2086
      echo "$f ${v:-plain} $("$TL" timeline -q "$CASE" -f $f $v | sha256sum | cut -d' ' -f1)"
    done
  done >"$W/sha"
  echo "bodyfile --fractional $("$TL" timeline -q "$CASE" -f bodyfile --fractional |
    sha256sum | cut -d' ' -f1)" >>"$W/sha"
  set +f
  if [ -f "$BENCH_SHA" ]; then
    if cmp -s "$W/sha" "$BENCH_SHA"; then
      echo "output: the sha256 of all $(wc -l < "$W/sha") exports are those in $BENCH_SHA"
    else
      echo "output: DIFFERENT from $BENCH_SHA:"
      diff "$BENCH_SHA" "$W/sha" || true
      exit 1
    fi
  else
    cp "$W/sha" "$BENCH_SHA"
    echo "output: sha256 of $(wc -l < "$W/sha") exports written to $BENCH_SHA"
  fi
fi
if [ "${BENCH_OUT:-}" = file ]; then
  echo
  for f in $FORMATS; do echo "$f: $(wc -l < "$W/out.$f") lines, $(wc -c < "$W/out.$f") bytes"; done
  echo "mactime: $(wc -l < "$W/out.mactime") lines"
fi
