#!/usr/bin/env bash
# bench/pg.sh -- many machines, one case (issue 13): four copies of the
# 100,000-file image ingested by one SQLite process one after another, and
# by two `touchline worker --drain` processes into a PostgreSQL case of a
# throwaway server started here; then the server alone (COPY of prepared
# event files by N parallel psql clients). A benchmark, not a test: it
# prints figures and never fails on slow ones (bench/README.md, "pg.sh";
# the figures and the 20-worker estimate: docs/internals/PG-SCALING.md).
#
# usage: bench/pg.sh [TOUCHLINE]          (or: make bench-pg)
#        bench/pg.sh --help
#   TOUCHLINE  the touchline program, built with PostgreSQL support
#              (default: `touchline` on PATH; a libtool wrapper works)
#
# Environment knobs:
#   BENCH_RUNS=3              timed paired rounds (each runs every variant
#                             once, back to back); medians are shown
#   BENCH_WARMUP=1            untimed rounds first
#   BENCH_PG_VARIANTS="sqlite pg pg-j2 manifest"   what a round runs:
#       sqlite    four `touchline ingest` into one SQLite case, in turn
#       pg        `queue add` of the four, two `worker --drain` processes
#       pg-j2     the same with one `worker -j 2 --drain`
#       manifest  `ingest --manifest -j 2` into one SQLite case
#   BENCH_PG_CLIENTS="1 2 4"  the server alone: N psql clients each COPY one
#                             item's events (a file) into the case at once;
#                             "" skips it
#   BENCH_PG_FSYNC=on         the server's fsync (and synchronous_commit)
#   BENCH_PG_SETTINGS=""      more server settings, "name=value ..."
#   BENCH_PG_NOHASH=0         1: --no-hash for every ingest and worker
#   BENCH_PG_TCP=0            1: the server listens on 127.0.0.1 (and its
#                             socket) and every client -- workers, queue,
#                             psql -- connects by TCP (host=127.0.0.1)
#   BENCH_PG_PORT=55432       the TCP port with BENCH_PG_TCP=1
#   BENCH_PG_KEEP=0           1: leave the server's data folder behind
#   BENCH_PG_BIN              folder of initdb/pg_ctl (default: the newest
#                             /usr/lib/postgresql/*/bin)
#   BENCH_DIR=/var/tmp/touchline-bench  images, scratch cases, the server
#   BENCH_FILES=100000        the image (BENCH_DIR/ntfs-N.raw, as run.sh
#                             builds it; `BENCH_FILES=N BENCH_BUILD_ONLY=1
#                             bench/run.sh` builds a missing one)
#
# Exit status: 0 figures printed; 1 a command failed or something is
# missing; 2 usage (a bad argument or knob).
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}
die() { echo "bench/pg.sh: $*" >&2; exit 1; }
bad() { echo "bench/pg.sh: $*" >&2; echo "usage: bench/pg.sh [TOUCHLINE] (bench/pg.sh --help)" >&2; exit 2; }
log() { echo "[bench-pg] $*" >&2; }

# ---- arguments and knobs (checked before anything runs) -----------------

case ${1:-} in
-h|--help) usage; exit 0;;
-*) bad "unknown option: $1";;
esac
[ $# -le 1 ] || bad "one argument at most (TOUCHLINE)"
TL=${1:-touchline}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-1}
VARIANTS=${BENCH_PG_VARIANTS-"sqlite pg pg-j2 manifest"}
CLIENTS=${BENCH_PG_CLIENTS-"1 2 4"}
FSYNC=${BENCH_PG_FSYNC:-on}
SETTINGS=${BENCH_PG_SETTINGS:-}
NOHASH=${BENCH_PG_NOHASH:-0}
KEEP=${BENCH_PG_KEEP:-0}
TCP=${BENCH_PG_TCP:-0}
PORT=${BENCH_PG_PORT:-55432}
DIR=${BENCH_DIR:-/var/tmp/touchline-bench}
FILES=${BENCH_FILES:-100000}

isnum() { case $1 in ''|*[!0-9]*) return 1;; esac; }
isnum "$RUNS" && [ "$RUNS" -ge 1 ] || bad "BENCH_RUNS: not a number >= 1: '$RUNS'"
isnum "$WARMUP" || bad "BENCH_WARMUP: not a number: '$WARMUP'"
isnum "$FILES" || bad "BENCH_FILES: not a number: '$FILES'"
for v in $VARIANTS; do
    case $v in sqlite|pg|pg-j2|manifest) ;; *) bad "BENCH_PG_VARIANTS: unknown variant '$v' (sqlite pg pg-j2 manifest)";; esac
done
[ -n "${VARIANTS// /}" ] || [ -n "${CLIENTS// /}" ] || bad "BENCH_PG_VARIANTS and BENCH_PG_CLIENTS are both empty: nothing to do"
for c in $CLIENTS; do
    isnum "$c" && [ "$c" -ge 1 ] && [ "$c" -le 64 ] || bad "BENCH_PG_CLIENTS: not a number 1-64: '$c'"
done
case $FSYNC in on|off) ;; *) bad "BENCH_PG_FSYNC: on or off, not '$FSYNC'";; esac
case $NOHASH in 0|1) ;; *) bad "BENCH_PG_NOHASH: 0 or 1, not '$NOHASH'";; esac
case $TCP in 0|1) ;; *) bad "BENCH_PG_TCP: 0 or 1, not '$TCP'";; esac
isnum "$PORT" && [ "$PORT" -ge 1024 ] && [ "$PORT" -le 65535 ] || bad "BENCH_PG_PORT: not a port 1024-65535: '$PORT'"
for s in $SETTINGS; do
    case $s in [a-z]*=*) ;; *) bad "BENCH_PG_SETTINGS: not name=value: '$s'";; esac
done

# ---- what it needs ------------------------------------------------------

case $TL in */*) [ -d "$(dirname "$TL")" ] && TL=$(cd "$(dirname "$TL")" && pwd)/$(basename "$TL");; esac
"$TL" --version >/dev/null 2>&1 || die "cannot run touchline: $TL"
"$TL" case --help 2>&1 | grep -q "PostgreSQL support in this build: yes" ||
    die "$TL was built without PostgreSQL support (libpq-dev at configure time)"
PG_BIN=
for d in /usr/lib/postgresql/*/bin ${BENCH_PG_BIN:-}; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; fi
done
[ -n "$PG_BIN" ] || die "no PostgreSQL server binaries (initdb, pg_ctl; Debian: postgresql; or BENCH_PG_BIN)"
PSQL=$(command -v psql || echo "$PG_BIN/psql")
[ -x "$PSQL" ] || die "no psql"
for t in sqlite3 bc; do command -v "$t" >/dev/null || die "missing $t"; done
TIME=/usr/bin/time
[ -x "$TIME" ] || die "missing $TIME (apt-get install time)"
SRC=$DIR/ntfs-$FILES.raw
[ -f "$SRC" ] || die "no $SRC: build it with BENCH_FILES=$FILES BENCH_BUILD_ONLY=1 BENCH_VARIANTS=raw bench/run.sh"
NH=(); [ "$NOHASH" = 1 ] && NH=(--no-hash)

W=$DIR/work/pgbench           # scratch: cases, staging, logs, the server
PGD=$W/pg                     # the server: data/, its socket, its log
MD=$DIR/work/manifest         # the four copies (shared with run.sh)
mkdir -p "$W" "$MD"

# ---- the four images ----------------------------------------------------

# As bench/run.sh's bench_manifest: copies of the raw image, each with one
# sector appended so that the media hashes differ (no item is refused as
# already in the case); the walk is the same.
ITEMS=$W/items.tsv
: >"$ITEMS"
for k in 1 2 3 4; do
    if [ ! -f "$MD/copy$k.raw" ] ||
       [ "$(stat -L -c %s "$MD/copy$k.raw")" != $(( $(stat -L -c %s "$SRC") + 512 )) ]; then
        log "making $MD/copy$k.raw (a copy plus one sector)"
        cp --reflink=auto "$SRC" "$MD/copy$k.raw.tmp"
        printf 'touchline bench copy %d\n' "$k" | dd of="$MD/copy$k.raw.tmp" \
            bs=512 conv=sync,notrunc oflag=append status=none
        mv "$MD/copy$k.raw.tmp" "$MD/copy$k.raw"
    fi
    printf 'COPY%d\tbench\t%s\n' "$k" "$MD/copy$k.raw" >>"$ITEMS"
done

# ---- the server ---------------------------------------------------------

PG_AS=
pg_run() { if [ -n "$PG_AS" ]; then runuser -u "$PG_AS" -- "$@"; else "$@"; fi; }
stop_server() {
    if [ -f "$PGD/data/postmaster.pid" ]; then
        pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [ "$KEEP" = 1 ] || rm -rf "$PGD"
    rm -rf "$W/stage" "$W"/*.db "$W"/*.db-* "$W/events" 2>/dev/null || true
}
trap stop_server EXIT
trap 'exit 130' INT TERM
if [ -f "$PGD/data/postmaster.pid" ]; then
    pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1 || true
fi
rm -rf "$PGD"
mkdir -p "$PGD"
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no postgres OS user to run the server"
    PG_AS=postgres
    chown postgres "$PGD"
    chmod 755 "$W"
fi
pg_run "$PG_BIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$W/initdb.log" 2>&1 ||
    pg_run "$PG_BIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 \
        --locale=C >"$W/initdb.log" 2>&1 ||
    { cat "$W/initdb.log" >&2; die "initdb failed"; }
# A server as one would set one up for bulk loading, not the tests' one:
# durable (fsync and synchronous_commit on unless BENCH_PG_FSYNC=off), WAL
# for replication (wal_level=replica, full_page_writes), a quarter of the
# RAM (at most 4 GiB) as shared_buffers, WAL room enough that no
# checkpoint is forced in the middle of a round. pg_stat_statements counts
# the COPY statements on the server's side.
ram_mib=$(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo)
sb=$(( ram_mib / 4 )); [ "$sb" -gt 4096 ] && sb=4096
{
    echo "# bench/pg.sh"
    if [ "$TCP" = 1 ]; then
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PORT"
    else
        echo "listen_addresses = ''"
    fi
    echo "unix_socket_directories = '$PGD'"
    echo "fsync = $FSYNC"
    echo "synchronous_commit = $FSYNC"
    echo "full_page_writes = on"
    echo "wal_level = replica"
    echo "shared_buffers = ${sb}MB"
    echo "max_wal_size = 16GB"
    echo "min_wal_size = 1GB"
    echo "checkpoint_timeout = 30min"
    echo "maintenance_work_mem = 256MB"
    echo "work_mem = 64MB"
    echo "shared_preload_libraries = 'pg_stat_statements'"
    echo "pg_stat_statements.track_utility = on"
    for s in $SETTINGS; do echo "${s%%=*} = '${s#*=}'"; done
} >>"$PGD/data/postgresql.conf"
pg_run "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w start >/dev/null 2>&1 ||
    { tail -n 20 "$PGD/server.log" >&2; die "the server did not start"; }
# the clients' way to the server: its Unix socket, or TCP on 127.0.0.1
if [ "$TCP" = 1 ]; then PGH=(-h 127.0.0.1 -p "$PORT"); else PGH=(-h "$PGD"); fi
psql_() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 "${PGH[@]}" -U postgres "$@"; }
sql() { local db=$1; shift; psql_ -d "$db" -c "$*"; }
DB=bench_pg
if [ "$TCP" = 1 ]; then
    URI="postgresql://postgres@127.0.0.1:$PORT/$DB"
else
    URI="postgresql:///$DB?host=$PGD&user=postgres"
fi
[ "$(sql postgres "SELECT CASE WHEN inet_client_addr() IS NULL THEN 'socket' ELSE 'tcp' END")" = "$([ "$TCP" = 1 ] && echo tcp || echo socket)" ] ||
    die "the clients do not reach the server the way asked (BENCH_PG_TCP=$TCP)"
PM=$(head -n 1 "$PGD/data/postmaster.pid")
TCK=$(getconf CLK_TCK)

# CPU seconds the server has used: the postmaster, its live children and
# the children it has reaped (the backends of finished connections).
server_cpu() {
    { cat "/proc/$PM/stat"; for c in $(pgrep -P "$PM"); do cat "/proc/$c/stat" 2>/dev/null || true; done; } |
        awk -v t="$TCK" '{ sub(/^.*\) /, ""); s += $12 + $13 + $14 + $15 } END { printf "%.2f", s / t }'
}
fresh_db() {
    sql postgres "DROP DATABASE IF EXISTS $DB" >/dev/null
    sql postgres "CREATE DATABASE $DB" >/dev/null
    sql "$DB" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
}
SETTINGS_SHOWN=$(sql postgres "SELECT name || ' = ' || current_setting(name) FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'wal_buffers', 'max_wal_size', 'checkpoint_timeout', 'maintenance_work_mem', 'work_mem', 'wal_compression', 'max_connections') ORDER BY name" | paste -sd';' | sed 's/;/; /g')
log "server $PG_BIN in $PGD: $SETTINGS_SHOWN"

# ---- one variant once ---------------------------------------------------

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
sumof() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.2f", s}'; }
fsz() { local f s=0; for f; do [ -f "$f" ] && s=$((s + $(stat -c %s "$f"))); done; echo "$s"; }
SQ=$W/case.db
ERR=$W/stderr
TOUT=$W/time
mkdir -p "$W/stage"

# the rows of a SQLite case: "objects events other per-item" (tables of
# the case, sqlite_* left out)
sqlite_rows() {
    local t q=""
    for t in $(sqlite3 "$SQ" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
        q+="${q:+ + }(SELECT count(*) FROM \"$t\")"
    done
    echo "$(sqlite3 "$SQ" "SELECT count(*) FROM object") $(sqlite3 "$SQ" "SELECT count(*) FROM event") $(sqlite3 "$SQ" "SELECT $q") $(sqlite3 "$SQ" "SELECT group_concat(label || '=' || n_objects || '/' || n_events, ' ') FROM (SELECT * FROM evidence ORDER BY label)")"
}
# the same for the PostgreSQL case (partitions counted through event;
# tl_queue, the queue, is not a case table in SQLite)
pg_rows() {
    local t q=""
    for t in $(sql "$DB" "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'tl_queue'"); do
        q+="${q:+ + }(SELECT count(*) FROM \"$t\")"
    done
    echo "$(sql "$DB" "SELECT count(*) FROM object") $(sql "$DB" "SELECT count(*) FROM event") $(sql "$DB" "SELECT $q") $(sql "$DB" "SELECT string_agg(label || '=' || n_objects || '/' || n_events, ' ' ORDER BY label) FROM evidence")"
}

# Sets R_WALL R_CPU R_ROWS R_OBJ R_EV R_ITEMS R_SIZE (and for PostgreSQL:
# R_WAL R_SCPU R_COPYN R_COPYT R_PHASES: one line per item, from the
# workers' TOUCHLINE_WORKER_TIMING lines).
run_sqlite() {   # one after another
    rm -f "$SQ" "$SQ"-*
    "$TIME" -f "%e %U %S %M" -o "$TOUT" bash -c '
        tl=$1 db=$2 items=$3; shift 3
        while IFS="	" read -r l d img; do
            "$tl" ingest -q -l "$l" -d "$d" "$@" "$db" "$img" || exit
        done <"$items"' sh "$TL" "$SQ" "$ITEMS" "${NH[@]+"${NH[@]}"}" >/dev/null 2>"$ERR" ||
        { tail -n 20 "$ERR" >&2; die "sqlite: touchline ingest failed"; }
    local u s r
    read -r R_WALL u s r < <(tail -n 1 "$TOUT")
    R_CPU=$(echo "$u + $s" | bc)
    R_SIZE=$(fsz "$SQ" "$SQ-wal")
    read -r R_OBJ R_EV R_ROWS R_ITEMS < <(sqlite_rows)
}
run_manifest() {
    rm -f "$SQ" "$SQ"-*
    "$TIME" -f "%e %U %S %M" -o "$TOUT" "$TL" ingest "$SQ" --manifest "$ITEMS" -j 2 -q \
        "${NH[@]+"${NH[@]}"}" >/dev/null 2>"$ERR" ||
        { tail -n 20 "$ERR" >&2; die "manifest: ingest --manifest failed"; }
    local u s r
    read -r R_WALL u s r < <(tail -n 1 "$TOUT")
    R_CPU=$(echo "$u + $s" | bc)
    R_SIZE=$(fsz "$SQ" "$SQ-wal")
    read -r R_OBJ R_EV R_ROWS R_ITEMS < <(sqlite_rows)
}
run_pg() {   # $1: 2 (two worker processes) or j2 (one worker -j 2)
    local lsn0 cpu0 t0 t1 k u s r n pids=() cpu=0 jobs=()
    rm -f "$ERR".[0-9] "$TOUT".[0-9]
    fresh_db
    "$TL" queue "$URI" add --manifest "$ITEMS" >/dev/null 2>"$ERR" ||
        { tail -n 20 "$ERR" >&2; die "queue add failed"; }
    sql "$DB" "CHECKPOINT" >/dev/null
    sql "$DB" "SELECT pg_stat_statements_reset()" >/dev/null
    lsn0=$(sql "$DB" "SELECT pg_current_wal_lsn()")
    cpu0=$(server_cpu)
    if [ "$1" = j2 ]; then n=1; jobs=(-j 2); else n=2; fi
    t0=$(date +%s.%N)
    for ((k = 0; k < n; k++)); do
        TOUCHLINE_WORKER_TIMING=1 "$TIME" -f "%e %U %S %M" -o "$TOUT.$k" \
            "$TL" worker "$URI" --drain --stage "$W/stage" "${jobs[@]+"${jobs[@]}"}" \
            "${NH[@]+"${NH[@]}"}" 2>"$ERR.$k" &
        pids+=($!)
    done
    for k in "${!pids[@]}"; do
        wait "${pids[$k]}" || { tail -n 20 "$ERR.$k" >&2; die "worker $k failed"; }
    done
    t1=$(date +%s.%N)
    sleep 0.3   # the backends' exit, reaped by the postmaster
    R_SCPU=$(echo "$(server_cpu) - $cpu0" | bc)
    R_WAL=$(sql "$DB" "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")
    R_WALL=$(echo "scale=2; ($t1 - $t0) / 1" | bc | sed 's/^\./0./')
    for ((k = 0; k < n; k++)); do
        read -r _ u s r < <(tail -n 1 "$TOUT.$k")
        cpu=$(echo "$cpu + $u + $s" | bc)
    done
    R_CPU=$cpu
    R_SIZE=$(sql "$DB" "SELECT pg_database_size('$DB')")
    read -r R_COPYN R_COPYT < <(sql "$DB" "SELECT coalesce(sum(rows), 0), coalesce(sum(total_exec_time) / 1000, 0) FROM pg_stat_statements WHERE query ILIKE 'COPY%FROM STDIN%'" | tr '|' ' ')
    R_PHASES=$(cat "$ERR".[0-9] | sed -n 's/^touchline worker timing: //p')
    [ "$(printf '%s\n' "$R_PHASES" | grep -c 'label=')" = 4 ] ||
        die "pg: expected 4 timing lines (TOUCHLINE_WORKER_TIMING), got: $R_PHASES"
    read -r R_OBJ R_EV R_ROWS R_ITEMS < <(pg_rows)
    [ "$(sql "$DB" "SELECT count(*) FROM tl_queue WHERE state = 'done'")" = 4 ] ||
        die "pg: not every item is done: $(sql "$DB" "SELECT label, state, message FROM tl_queue")"
}

# ---- paired rounds ------------------------------------------------------

declare -A S_WALL S_CPU S_SCPU S_WAL S_ROWS S_SIZE S_COPYN S_COPYT PH ITEMS_OF
REF_ITEMS=
cat "$MD"/copy[1-4].raw >/dev/null   # a warm page cache for every variant
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < WARMUP + RUNS; i++)); do
    for v in $VARIANTS; do
        case $v in
        sqlite)   run_sqlite;;
        manifest) run_manifest;;
        pg)       run_pg 2;;
        pg-j2)    run_pg j2;;
        esac
        # every variant must have stored the same four items
        if [ -z "$REF_ITEMS" ]; then REF_ITEMS=$R_ITEMS
        elif [ "$R_ITEMS" != "$REF_ITEMS" ]; then
            die "$v stored other items ($R_ITEMS) than the first variant ($REF_ITEMS)"
        fi
        ITEMS_OF[$v]="$R_OBJ $R_EV $R_ROWS"
        if [ "$i" -lt "$WARMUP" ]; then
            log "warm-up $v: ${R_WALL} s"
            continue
        fi
        S_WALL[$v]+=" $R_WALL"; S_CPU[$v]+=" $R_CPU"; S_ROWS[$v]=$R_ROWS
        S_SIZE[$v]+=" $R_SIZE"
        msg="round $((i - WARMUP + 1)) $v: ${R_WALL} s wall, cpu ${R_CPU} s"
        case $v in pg*)
            S_SCPU[$v]+=" $R_SCPU"; S_WAL[$v]+=" $R_WAL"
            S_COPYN[$v]+=" $R_COPYN"; S_COPYT[$v]+=" $R_COPYT"
            PH[$v]+="$R_PHASES"$'\n'
            msg+=", server cpu ${R_SCPU} s, WAL $((R_WAL / 1048576)) MiB";;
        esac
        log "$msg (load $(cut -d' ' -f1 /proc/loadavg))"
    done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the server alone ---------------------------------------------------

# One item's events (the first item of the last PostgreSQL round) written
# to a file per client, each with an evidence id of its own; then N psql
# clients COPY their file into `event` at once (each into a new partition,
# with the case's indexes), N in BENCH_PG_CLIENTS. Measured: wall time,
# rows/s, WAL bytes, server CPU. Fresh partitions and a CHECKPOINT before
# each N.
SA=()
if [ -n "${CLIENTS// /}" ]; then
    case " $VARIANTS " in *" pg "*|*" pg-j2 "*) ;; *)
        log "server alone: a PostgreSQL case first (one worker -j 2)"
        run_pg j2;;
    esac
    maxc=$(printf '%s\n' $CLIENTS | sort -n | tail -n 1)
    ev1=$(sql "$DB" "SELECT min(evidence_id) FROM evidence")
    cols=$(sql "$DB" "SELECT string_agg(CASE WHEN attname = 'evidence_id' THEN '%EV% AS evidence_id' ELSE quote_ident(attname) END, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'event'::regclass AND attnum > 0 AND NOT attisdropped")
    mkdir -p "$W/events"
    for ((c = 1; c <= maxc; c++)); do
        psql_ -d "$DB" -c "\\copy (SELECT ${cols//%EV%/$((100000 + c))} FROM event WHERE evidence_id = $ev1 ORDER BY event_id) TO '$W/events/ev$c.txt'"
    done
    sa_rows=$(wc -l <"$W/events/ev1.txt")
    sa_bytes=$(stat -c %s "$W/events/ev1.txt")
    obj_bytes=$(psql_ -d "$DB" -c "\\copy (SELECT * FROM object WHERE evidence_id = $ev1) TO STDOUT" | wc -c)
    obj_rows=$(sql "$DB" "SELECT count(*) FROM object WHERE evidence_id = $ev1")
    cat "$W"/events/*.txt >/dev/null
    for n in $CLIENTS; do
        s_w=(); s_wal=(); s_cpu=()
        for ((i = 0; i < RUNS; i++)); do
            for ((c = 1; c <= maxc; c++)); do
                sql "$DB" "DROP TABLE IF EXISTS event_sa$c" >/dev/null
            done
            for ((c = 1; c <= n; c++)); do
                sql "$DB" "CREATE TABLE event_sa$c PARTITION OF event FOR VALUES IN ($((100000 + c)))" >/dev/null
            done
            sql "$DB" "CHECKPOINT" >/dev/null
            lsn0=$(sql "$DB" "SELECT pg_current_wal_lsn()")
            cpu0=$(server_cpu)
            t0=$(date +%s.%N)
            pids=()
            for ((c = 1; c <= n; c++)); do
                psql_ -d "$DB" -c "\\copy event FROM '$W/events/ev$c.txt'" >/dev/null 2>"$ERR.sa$c" &
                pids+=($!)
            done
            for p in "${pids[@]}"; do wait "$p" || { cat "$ERR".sa* >&2; die "server alone: a COPY failed"; }; done
            t1=$(date +%s.%N)
            sleep 0.3
            s_cpu+=("$(echo "$(server_cpu) - $cpu0" | bc)")
            s_wal+=("$(sql "$DB" "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")")
            s_w+=("$(echo "$t1 - $t0" | bc)")
            [ "$(sql "$DB" "SELECT count(*) FROM event WHERE evidence_id > 100000")" = $((n * sa_rows)) ] ||
                die "server alone: rows missing after the COPY"
            log "server alone, $n client(s), round $((i + 1)): ${s_w[-1]} s, WAL $((s_wal[-1] / 1048576)) MiB, server cpu ${s_cpu[-1]} s"
        done
        w=$(median "${s_w[@]}"); wal=$(median "${s_wal[@]}"); scpu=$(median "${s_cpu[@]}")
        SA+=("$(printf '%3s %10.2f %12.0f %10.1f %10.1f %9.2f %12.0f' "$n" "$w" \
            "$(echo "$n * $sa_rows / $w" | bc -l)" \
            "$(echo "$wal / 1048576" | bc -l)" "$(echo "$wal / 1048576 / $w" | bc -l)" \
            "$scpu" "$(echo "$n * $sa_rows / $scpu" | bc -l)")")
    done
    for ((c = 1; c <= maxc; c++)); do sql "$DB" "DROP TABLE IF EXISTS event_sa$c" >/dev/null; done
fi

# ---- report -------------------------------------------------------------

echo
echo "touchline PostgreSQL benchmark $(date -u +%Y-%m-%dT%H:%MZ), $("$TL" --version 2>&1 | head -n 1), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
echo "4 items: $REF_ITEMS (copies of $(basename "$SRC"), media ${NH[*]:-hashed})"
echo "server: $SETTINGS_SHOWN; clients connect by $([ "$TCP" = 1 ] && echo "TCP to 127.0.0.1:$PORT" || echo "the Unix socket")"
echo "median of $RUNS paired rounds after $WARMUP warm-up round(s); load average $LOAD0 before, $LOAD1 after"
echo
if [ -n "${VARIANTS// /}" ]; then
    printf '%-44s %8s %10s %8s %9s %8s %8s %9s\n' "4 items" "wall s" "rows/s" "cpu s" "srv cpu s" "WAL MiB" "WAL/row" "size MiB"
    for v in $VARIANTS; do
        # shellcheck disable=SC2206
        ws=(${S_WALL[$v]}); cs=(${S_CPU[$v]}); zs=(${S_SIZE[$v]})
        w=$(median "${ws[@]}"); rows=${S_ROWS[$v]}
        case $v in
        sqlite)   name="sqlite: 4 x ingest, one after another";;
        manifest) name="sqlite: ingest --manifest -j 2";;
        pg)       name="pg: 2 x worker --drain";;
        pg-j2)    name="pg: 1 x worker -j 2 --drain";;
        esac
        if [ "${v#pg}" != "$v" ]; then
            # shellcheck disable=SC2206
            wa=(${S_WAL[$v]}); sc=(${S_SCPU[$v]})
            wal=$(median "${wa[@]}")
            extra=$(printf '%9.1f %8.0f %8.0f' "$(median "${sc[@]}")" "$(echo "$wal / 1048576" | bc -l)" "$(echo "$wal / $rows" | bc -l)")
        else
            extra=$(printf '%9s %8s %8s' - - -)
        fi
        printf '%-44s %8.2f %10.0f %8.2f %s %9.0f\n' "$name" "$w" "$(echo "$rows / $w" | bc -l)" \
            "$(median "${cs[@]}")" "$extra" "$(echo "$(median "${zs[@]}") / 1048576" | bc -l)"
    done
    echo
    echo "rows: every row of the case's tables (object, event and the rest; the queue not counted):"
    for v in $VARIANTS; do
        read -r o e r <<<"${ITEMS_OF[$v]}"
        echo "  $v: $r rows = $o objects + $e events + $((r - o - e)) other"
    done
    for v in pg pg-j2; do
        [ -n "${PH[$v]:-}" ] || continue
        echo
        echo "$v: per item, each worker job (TOUCHLINE_WORKER_TIMING), medians over items and rounds:"
        st=$(printf '%s' "${PH[$v]}" | sed -n 's/.*stage_s=\([0-9.]*\).*/\1/p')
        lw=$(printf '%s' "${PH[$v]}" | sed -n 's/.*lockwait_s=\([0-9.]*\).*/\1/p')
        cp=$(printf '%s' "${PH[$v]}" | sed -n 's/.*copy_s=\([0-9.]*\).*/\1/p')
        # shellcheck disable=SC2086
        ms=$(median $st); ml=$(median $lw); mc=$(median $cp)
        read -r o e r <<<"${ITEMS_OF[$v]}"
        per=$(( (o + e) / 4 ))
        printf '  staging walk (SQLite file): %6.2f s   lock wait: %5.2f s   copy into PostgreSQL: %5.2f s   (%s objects+events per item)\n' "$ms" "$ml" "$mc" "$per"
        printf '  per job: %.0f rows/s over the whole item, %.0f rows/s in its copy phase\n' \
            "$(echo "$per / ($ms + $ml + $mc)" | bc -l)" "$(echo "$per / $mc" | bc -l)"
        # how many copies ran at once: all items' copy time over all rounds' wall
        # shellcheck disable=SC2206
        wl=(${S_WALL[$v]})
        printf '  copies in flight: %.2f on average (%.1f s of copies per round in %.1f s of wall); lock wait %.1f s per round\n' \
            "$(echo "$(sumof $cp) / $(sumof "${wl[@]}")" | bc -l)" "$(echo "$(sumof $cp) / $RUNS" | bc -l)" \
            "$(echo "$(sumof "${wl[@]}") / $RUNS" | bc -l)" "$(echo "$(sumof $lw) / $RUNS" | bc -l)"
        # shellcheck disable=SC2206
        cn=(${S_COPYN[$v]}); ct=(${S_COPYT[$v]})
        printf '  server side (pg_stat_statements): %s rows in COPY statements, %.2f s in them, %.0f rows/s\n' \
            "$(median "${cn[@]}")" "$(median "${ct[@]}")" "$(echo "$(median "${cn[@]}") / $(median "${ct[@]}")" | bc -l)"
    done
fi
if [ "${#SA[@]}" -gt 0 ]; then
    echo
    echo "the server alone: N psql clients each COPY one item's events ($sa_rows rows, $sa_bytes bytes of COPY text, $((sa_bytes / sa_rows)) bytes/row) into a partition of its own"
    echo "  (one item's objects: $obj_rows rows, $obj_bytes bytes of COPY text)"
    printf '%3s %10s %12s %10s %10s %9s %12s\n' N "wall s" "rows/s" "WAL MiB" "WAL MiB/s" "srv cpu s" "rows/cpu s"
    printf '%s\n' "${SA[@]}"
fi
