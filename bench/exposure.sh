#!/bin/sh
# Benchmark: exposure analysis over a large case with 20,000 targets.
#
# usage: bench/exposure.sh TOUCHLINE [FILES]
#   TOUCHLINE  the built touchline binary
#   FILES      image size in files (default 1000000): uses
#              $BENCH_DIR/ntfs-FILES.raw, built by bench/run.sh
# The case is ingested once (--no-hash) and kept in $BENCH_DIR; 20,000
# targets are drawn from its paths (a quarter by path with the case and
# slashes changed, a quarter by glob, a quarter by name + size, a quarter by
# name only). Prints wall time and peak memory of import and of exposure in
# each format. Goal (issue 4): exposure under 10 s.
set -eu
TL=${1:?usage: bench/exposure.sh TOUCHLINE [FILES]}
FILES=${2:-1000000}
BENCH_DIR=${BENCH_DIR:-/var/tmp/touchline-bench}
IMG=$BENCH_DIR/ntfs-$FILES.raw
CASE=$BENCH_DIR/exposure-$FILES.db
[ -f "$IMG" ] || { echo "missing $IMG: run bench/run.sh first" >&2; exit 1; }
measure() { # LABEL CMD...
  label=$1; shift
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/exp.time" "$@" >/dev/null 2>"$BENCH_DIR/exp.err" ||
    { cat "$BENCH_DIR/exp.err" >&2; exit 1; }
  read -r wall kb <"$BENCH_DIR/exp.time"
  printf '%-44s %8.2f s %8.1f MiB\n' "$label" "$wall" "$(echo "$kb" | awk '{print $1/1024}')"
}
if [ ! -f "$CASE" ]; then
  measure "ingest --no-hash ($FILES files)" "$TL" ingest -q --no-hash -l FS01 -d "Space Technology" "$CASE" "$IMG"
fi
python3 - "$CASE" "$BENCH_DIR/targets-20000.csv" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT path, name, size FROM object WHERE stream IS NULL "
                  "AND meta_type = 'r' AND size > 0").fetchall()
r = random.Random(4)
pick = r.sample(rows, min(20000, len(rows)))
with open(sys.argv[2], "w") as f:
    f.write("path,name,size,partner,classification\n")
    for i, (path, name, size) in enumerate(pick):
        k, partner = i % 4, "Partner%02d" % (i % 40)
        q = lambda s: '"' + s.replace('"', '""') + '"'
        if k == 0:
            f.write("%s,,,%s,NDA\n" % (q(path.upper().replace("/", "\\")), partner))
        elif k == 1:
            d = path.rsplit("/", 1)[0]
            f.write("%s,,,%s,NDA\n" % (q(d + "/*" + name[-4:]), partner))
        elif k == 2:
            f.write(",%s,%d,%s,NDA\n" % (q(name), size, partner))
        else:
            f.write(",%s,,%s,NDA\n" % (q(name), partner))
PY
measure "targets import (20,000 rows) + matching" "$TL" targets "$CASE" import "$BENCH_DIR/targets-20000.csv"
sqlite3 "$CASE" "SELECT 'occurrences: ' || count(*) || ', targets found: ' || count(DISTINCT target_id) FROM target_match"
for fmt in text csv json html; do
  measure "exposure --format $fmt (window 2023-06)" "$TL" exposure "$CASE" --from 2023-06-01 --to 2023-07-01 --format "$fmt" -o "$BENCH_DIR/report.$fmt"
done
