#!/bin/sh
# Benchmark: exposure analysis over a large case with 20,000 targets.
#
# usage: bench/exposure.sh TOUCHLINE [FILES]
#   TOUCHLINE  the built touchline binary
#   FILES      image size in files (default 1000000): uses
#              $BENCH_DIR/ntfs-FILES.raw, built by bench/run.sh
# The case is ingested once (--no-hash) and kept in $BENCH_DIR; 20,000
# targets (BENCH_TARGETS) are drawn from its paths (a quarter by path with
# the case and slashes changed, a quarter by glob, a quarter by name +
# size, a quarter by name only). Prints wall time and peak memory of import
# and of exposure in each format. Goal (issue 4): exposure under 10 s.
#
# BENCH_PG=1: then the same case on PostgreSQL (issue 13,
# docs/POSTGRESQL.md "What runs where"): copied (`case copy`) into a
# throwaway server of the script's own (initdb in $BENCH_DIR/pg-exposure,
# a Unix socket, fsync off, pg_stat_statements), `exposure` and
# `anomalies --format json` in a two-month window (2024-01-01 ..
# 2024-03-01) and one over the whole case (2020-01-01 .. 2027-01-01), on
# the SQLite case and on the server, BENCH_RUNS paired rounds (default 2);
# BENCH_BASE=another touchline runs on the server too in each round (before
# and after a change). A line per run: wall s, client CPU s (user+sys),
# server CPU s (the postmaster and its children, reaped ones included),
# bytes the client read from files (rchar) and from the socket (recv, by
# an LD_PRELOAD the script compiles), rows the server sent (COPY, from
# pg_stat_statements), the load average; and whether each report equals
# the SQLite case's (apart from the case name and generation time).
#   BENCH_TARGETS=200 BENCH_PG=1 bench/exposure.sh build/touchline 100000
set -eu
TL=${1:?usage: bench/exposure.sh TOUCHLINE [FILES]}
FILES=${2:-1000000}
BENCH_DIR=${BENCH_DIR:-/var/tmp/touchline-bench}
NT=${BENCH_TARGETS:-20000}
IMG=$BENCH_DIR/ntfs-$FILES.raw
CASE=$BENCH_DIR/exposure-$FILES.db
[ "$NT" = 20000 ] || CASE=$BENCH_DIR/exposure-$FILES-t$NT.db
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
python3 - "$CASE" "$BENCH_DIR/targets-$NT.csv" "$NT" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT path, name, size FROM object WHERE stream IS NULL "
                  "AND meta_type = 'r' AND size > 0").fetchall()
r = random.Random(4)
pick = r.sample(rows, min(int(sys.argv[3]), len(rows)))
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
measure "targets import ($NT rows) + matching" "$TL" targets "$CASE" import "$BENCH_DIR/targets-$NT.csv"
sqlite3 "$CASE" "SELECT 'occurrences: ' || count(*) || ', targets found: ' || count(DISTINCT target_id) FROM target_match"
for fmt in text csv json html; do
  measure "exposure --format $fmt (window 2023-06)" "$TL" exposure "$CASE" --from 2023-06-01 --to 2023-07-01 --format "$fmt" -o "$BENCH_DIR/report.$fmt"
done

[ "${BENCH_PG:-0}" = 1 ] || exit 0
# ---- the same case on PostgreSQL ----
PG_BIN=${BENCH_PG_BIN:-}
for d in /usr/lib/postgresql/*/bin; do
  [ -n "$PG_BIN" ] || { [ -x "$d/initdb" ] && PG_BIN=$d; } || true
done
[ -n "$PG_BIN" ] || { echo "no PostgreSQL server binaries (initdb)" >&2; exit 1; }
PGD=$BENCH_DIR/pg-exposure
PG_AS=
pg_run() { if [ -n "$PG_AS" ]; then runuser -u "$PG_AS" -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && PG_AS=postgres
[ -f "$PGD/data/postmaster.pid" ] && pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1 || true
rm -rf "$PGD" && mkdir -p "$PGD"
[ -n "$PG_AS" ] && chown "$PG_AS" "$PGD" && chmod 755 "$BENCH_DIR"
pg_run "$PG_BIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGD/initdb.log" 2>&1 ||
  pg_run "$PG_BIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 --locale=C >"$PGD/initdb.log" 2>&1
pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -o "-c listen_addresses='' -k $PGD -c fsync=off -c shared_buffers=1GB -c work_mem=64MB -c shared_preload_libraries=pg_stat_statements" start >/dev/null
trap 'pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1' EXIT
psql_() { psql -X -q -A -t -h "$PGD" -U postgres "$@"; }
psql_ -d postgres -c "CREATE DATABASE bench"
psql_ -d bench -c "CREATE EXTENSION pg_stat_statements"
URI="postgresql:///bench?host=$PGD&user=postgres"
measure "case copy into PostgreSQL" "$TL" case copy -q "$CASE" "$URI"
psql_ -d bench -c "VACUUM ANALYZE"
# bytes read: rchar (read-like calls: files) and recv (libpq's socket)
cat >"$PGD/io.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
static unsigned long long g_recv;
ssize_t recv(int fd, void *buf, size_t n, int flags) {
  static ssize_t (*real)(int, void *, size_t, int);
  ssize_t r;
  if(!real) real = (ssize_t (*)(int, void *, size_t, int))dlsym(RTLD_NEXT, "recv");
  r = real(fd, buf, n, flags);
  if(r > 0) g_recv += (unsigned long long)r;
  return r;
}
__attribute__((destructor)) static void io_stats(void) {
  char line[128];
  FILE *io = fopen("/proc/self/io", "r");
  if(io) {
    while(fgets(line, sizeof(line), io))
      if(!strncmp(line, "rchar:", 6)) fprintf(stderr, "bench-io %s", line);
    fclose(io);
  }
  fprintf(stderr, "bench-io recv: %llu\n", g_recv);
}
EOF
cc -shared -fPIC -O2 -o "$PGD/io.so" "$PGD/io.c" -ldl
PM=$(head -n 1 "$PGD/data/postmaster.pid")
TCK=$(getconf CLK_TCK)
server_cpu() {
  { cat "/proc/$PM/stat"; for c in $(pgrep -P "$PM"); do cat "/proc/$c/stat" 2>/dev/null || true; done; } |
    awk -v t="$TCK" '{ sub(/^.*\) /, ""); s += $12 + $13 + $14 + $15 } END { printf "%.2f", s / t }'
}
# run LABEL BIN CMD CASE WINDOW...
run() {
  label=$1 bin=$2 cmd=$3 c=$4; shift 4
  psql_ -d bench -c "SELECT pg_stat_statements_reset()" >/dev/null
  sleep 0.3
  s0=$(server_cpu)
  LD_PRELOAD=$PGD/io.so /usr/bin/time -f "%e %U %S" -o "$PGD/time" "$bin" "$cmd" "$c" "$@" --format json -o "$PGD/out.$label.$cmd.json" 2>"$PGD/err" ||
    { cat "$PGD/err" >&2; exit 1; }
  sleep 0.3
  s1=$(server_cpu)
  read -r wall u s <"$PGD/time"
  rows=$(psql_ -d bench -c "SELECT coalesce(sum(rows), 0) FROM pg_stat_statements WHERE toplevel AND query ILIKE 'copy%'")
  case $c in postgres*) ;; *) rows=-; s1=$s0 ;; esac
  printf '%-8s %-9s %-24s %7.2f s  cpu %6.2f s  server %6.2f s  rchar %11s  recv %11s  rows %8s  load %s\n' \
    "$label" "$cmd" "$*" "$wall" "$(echo "$u $s" | awk '{print $1 + $2}')" "$(echo "$s0 $s1" | awk '{print $2 - $1}')" \
    "$(sed -n 's/^bench-io rchar: //p' "$PGD/err" | head -n 1)" "$(sed -n 's/^bench-io recv: //p' "$PGD/err" | head -n 1)" \
    "$rows" "$(cut -d' ' -f1 /proc/loadavg)"
}
same() { # REPORT REPORT: equal apart from the case and the generation time
  python3 - "$1" "$2" <<'PY'
import json, sys
def n(f):
    d = json.load(open(f)); d.pop("case", None)
    for k in ("case_path", "generated_ns", "generated"):
        d.get("params", {}).pop(k, None)
    return d
print("equal" if n(sys.argv[1]) == n(sys.argv[2]) else "DIFFERENT")
PY
}
for r in $(seq 1 "${BENCH_RUNS:-2}"); do
  echo "round $r"
  for cmd in exposure anomalies; do
    for w in "--from 2024-01-01 --to 2024-03-01" "--from 2020-01-01 --to 2027-01-01"; do
      # shellcheck disable=SC2086
      run sqlite "$TL" $cmd "$CASE" $w
      # shellcheck disable=SC2086
      [ -z "${BENCH_BASE:-}" ] || { run base "$BENCH_BASE" $cmd "$URI" $w &&
        echo "         base on PostgreSQL: $(same "$PGD/out.sqlite.$cmd.json" "$PGD/out.base.$cmd.json")"; }
      # shellcheck disable=SC2086
      run pg "$TL" $cmd "$URI" $w
      echo "         on PostgreSQL: $(same "$PGD/out.sqlite.$cmd.json" "$PGD/out.pg.$cmd.json") to the SQLite case's report"
    done
  done
done
