#!/bin/sh
# bench/pg.sh (the PostgreSQL benchmark, bench/README.md) parses and checks
# its arguments and knobs before it starts anything: usage errors exit 2
# naming the argument, a missing image exits 1 naming it, and no server,
# image or folder is made on the way. Does not run the benchmark.
. "$TL_SRCDIR/tests/lib.sh"
B="$TL_SRCDIR/bench/pg.sh"
command -v bash >/dev/null || skip_all "bench/pg.sh needs bash"

bash -n "$B"
ok $? "bench/pg.sh parses (bash -n)"

out=$(bash "$B" --help 2>&1); st=$?
is "$st" 0 "--help exits 0"
printf '%s\n' "$out" | grep -q '^usage: bench/pg.sh \[TOUCHLINE\]'
ok $? "--help prints the usage line"
printf '%s\n' "$out" | grep -q 'BENCH_PG_FSYNC=on'
ok $? "--help lists the knobs (BENCH_PG_FSYNC)"

# check ARGS... : exit status and the first line of stderr
check() {
  want_st=$1 want=$2; shift 2
  err=$(env "$@" 2>&1 >/dev/null | head -n 1); st=$?
  env "$@" >/dev/null 2>&1; st=$?
  is "$st" "$want_st" "exit $want_st: $*"
  is "$err" "$want" "message: $*"
}
D="$T_TMP/bench"
check 2 "bench/pg.sh: unknown option: --bogus" BENCH_DIR="$D" bash "$B" --bogus
check 2 "bench/pg.sh: one argument at most (TOUCHLINE)" BENCH_DIR="$D" bash "$B" "$TOUCHLINE" extra
check 2 "bench/pg.sh: BENCH_RUNS: not a number >= 1: 'x'" BENCH_DIR="$D" BENCH_RUNS=x bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_RUNS: not a number >= 1: '0'" BENCH_DIR="$D" BENCH_RUNS=0 bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_VARIANTS: unknown variant 'sqlit' (sqlite pg pg-j2 manifest)" \
  BENCH_DIR="$D" BENCH_PG_VARIANTS="pg sqlit" bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_CLIENTS: not a number 1-64: '65'" BENCH_DIR="$D" BENCH_PG_CLIENTS="1 65" bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_FSYNC: on or off, not 'maybe'" BENCH_DIR="$D" BENCH_PG_FSYNC=maybe bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_TCP: 0 or 1, not 'yes'" BENCH_DIR="$D" BENCH_PG_TCP=yes bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_PORT: not a port 1024-65535: '80'" BENCH_DIR="$D" BENCH_PG_TCP=1 BENCH_PG_PORT=80 bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_SETTINGS: not name=value: 'fsync'" BENCH_DIR="$D" BENCH_PG_SETTINGS="wal_compression=on fsync" bash "$B" "$TOUCHLINE"
check 2 "bench/pg.sh: BENCH_PG_VARIANTS and BENCH_PG_CLIENTS are both empty: nothing to do" \
  BENCH_DIR="$D" BENCH_PG_VARIANTS= BENCH_PG_CLIENTS=" " bash "$B" "$TOUCHLINE"
check 1 "bench/pg.sh: cannot run touchline: $T_TMP/no/touchline" BENCH_DIR="$D" bash "$B" "$T_TMP/no/touchline"

# everything there but the image: it is named, nothing is made
pgbin=
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && pgbin=$d; done
if [ "${TL_HAVE_PQ:-}" = yes ] && [ -n "$pgbin" ] && command -v sqlite3 >/dev/null &&
   command -v bc >/dev/null && [ -x /usr/bin/time ] &&
   { command -v psql >/dev/null || [ -x "$pgbin/psql" ]; }; then
  check 1 "bench/pg.sh: no $D/ntfs-100000.raw: build it with BENCH_FILES=100000 BENCH_BUILD_ONLY=1 BENCH_VARIANTS=raw bench/run.sh" \
    BENCH_DIR="$D" bash "$B" "$TOUCHLINE"
  check 1 "bench/pg.sh: no $D/ntfs-20.raw: build it with BENCH_FILES=20 BENCH_BUILD_ONLY=1 BENCH_VARIANTS=raw bench/run.sh" \
    BENCH_DIR="$D" BENCH_FILES=20 bash "$B" "$TOUCHLINE"
else
  echo "# skipped the missing-image checks: no libpq build, PostgreSQL server, psql, sqlite3, bc or /usr/bin/time"
fi
[ ! -e "$D" ]
ok $? "nothing was made in BENCH_DIR"
done_testing
