#!/usr/bin/env bash
# bench/run.sh -- time `touchline ingest` next to The Sleuth Kit on large
# synthetic NTFS images (raw and E01). A benchmark, not a test: it never
# fails on slow numbers, it prints them (bench/README.md).
#
# usage: bench/run.sh [TOUCHLINE]        (or: make bench)
#   TOUCHLINE  the touchline program (default: `touchline` on PATH); a libtool
#              wrapper from the build tree works too
#
# Environment knobs:
#   BENCH_FILES="100000 1000000"  image sizes (files per image)
#   BENCH_VARIANTS="raw e01"      containers to time
#   BENCH_CMDS="fls loaddb tl tl-nohash"  commands to time (subset allowed)
#   BENCH_RUNS=3                  timed rounds; a round runs every command once,
#                                 back to back (paired); medians are shown
#   BENCH_WARMUP=1                untimed warm-up runs per command
#   BENCH_LONG=120                a command whose warm-up takes >= this many
#                                 seconds is not run again: the warm-up is its
#                                 single sample (n=1 in the table)
#   BENCH_DIR=/var/tmp/touchline-bench  cached images, scratch DBs, results;
#                                 images are built only when missing
#   BENCH_SEED=1                  make-ntfs-image.sh seed
#   BENCH_TOOLS=<tree>/../shared/tools  where make-ntfs-image.sh and
#                                 make-variants.sh live (default: the shared
#                                 folder next to the source tree)
#   BENCH_BUILD_ONLY=1            build the missing images and stop
#   BENCH_MANIFEST=1              also time `ingest --manifest -j 2` on four
#                                 copies of the 100,000-file image against
#                                 the four one after another (=only: just
#                                 that); BENCH_MANIFEST_RUNS (3),
#                                 BENCH_MANIFEST_JOBS (2), BENCH_MANIFEST_FILES
# Building an image needs root, FUSE, ntfs-3g and mkntfs; the E01 needs
# ewfacquire (scripts/install-deps.sh installs all of them).
#
# Timing: /usr/bin/time, warm page cache (the first command of each image
# reads it into RAM, and every command has a warm-up run). "wall" is the
# median wall time; "cpu" the median user+sys time (touchline hashes in a
# thread of its own, so cpu > wall is expected); "peak RSS" the largest
# maximum resident set size seen over the timed runs. Every command gets a
# fresh database. Results also go to $BENCH_DIR/results-<date>.tsv.
set -euo pipefail

TL=${1:-touchline}
FILES=${BENCH_FILES:-"100000 1000000"}
VARIANTS=${BENCH_VARIANTS:-"raw e01"}
CMDS=${BENCH_CMDS:-"fls loaddb tl tl-nohash"}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-1}
LONG=${BENCH_LONG:-120}
DIR=${BENCH_DIR:-/var/tmp/touchline-bench}
SEED=${BENCH_SEED:-1}
TOOLS=${BENCH_TOOLS:-$(cd "$(dirname "$0")" && pwd)/../../shared/tools}
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "[bench] $*" >&2; }

case $TL in */*) TL=$(cd "$(dirname "$TL")" && pwd)/$(basename "$TL");; esac
for t in fls tsk_loaddb bc; do
    command -v "$t" >/dev/null || die "missing $t (scripts/install-deps.sh)"
done
[ -x "$TIME" ] || die "missing $TIME (apt-get install time)"
"$TL" --version >/dev/null 2>&1 || die "cannot run touchline: $TL"
for n in $FILES; do
    case $n in ''|*[!0-9]*) die "BENCH_FILES: not a number: $n";; esac
done
mkdir -p "$DIR/work"

# ---- images -------------------------------------------------------------

img_base() {   # N -> path without extension
    if [ "$SEED" = 1 ]; then echo "$DIR/ntfs-$1"; else echo "$DIR/ntfs-$1-s$SEED"; fi
}

build_images() {
    local n=$1 base t0 tmp
    base=$(img_base "$n")
    if [ ! -f "$base.raw" ]; then
        [ "$(id -u)" = 0 ] || die "$base.raw missing; building it needs root"
        [ -x "$TOOLS/make-ntfs-image.sh" ] || [ -f "$TOOLS/make-ntfs-image.sh" ] ||
            die "no $TOOLS/make-ntfs-image.sh (set BENCH_TOOLS)"
        log "building $base.raw ($n files); this is done once and cached"
        t0=$(date +%s)
        tmp=$(mktemp -d "$DIR/build.XXXXXX")
        bash "$TOOLS/make-ntfs-image.sh" "$tmp/$(basename "$base").raw" "$n" "$SEED"
        mv "$tmp/$(basename "$base").raw" "$base.raw"
        rmdir "$tmp"
        log "built $base.raw in $(( $(date +%s) - t0 )) s"
    fi
    case " $VARIANTS " in *" e01 "*)
        if [ ! -f "$base.E01" ]; then
            command -v ewfacquire >/dev/null || die "missing ewfacquire (ewf-tools)"
            log "building $base.E01"
            tmp=$(mktemp -d "$DIR/build.XXXXXX")
            VARIANTS=e01 bash "$TOOLS/make-variants.sh" "$base.raw" "$tmp"
            mv "$tmp"/*.E[0-9][0-9] "$DIR/"
            rmdir "$tmp"
        fi;;
    esac
}

# ---- many images at once (BENCH_MANIFEST=1, or =only) -------------------

# Four copies of the 100,000-file raw image, ingested with `ingest
# --manifest -j J` against the same four ingested one after another, each
# into a fresh case. The copies differ in one appended sector, so their
# media hashes differ and none is refused as already in the case; the walk
# is the same. Paired runs (one after another, then the manifest), median.
bench_manifest() {
    local n=${BENCH_MANIFEST_FILES:-100000} j=${BENCH_MANIFEST_JOBS:-2}
    local runs=${BENCH_MANIFEST_RUNS:-3} src md=$DIR/work/manifest k i
    local db=$DIR/work/manifest.db seqs=() pars=() seq_cpu=() par_cpu=() rsss=()
    local w u s r
    build_images "$n"
    src=$(img_base "$n").raw
    mkdir -p "$md"
    : >"$md/items.tsv"
    for k in 1 2 3 4; do
        if [ ! -f "$md/copy$k.raw" ] ||
           [ "$(stat -c %s "$md/copy$k.raw")" != $(( $(stat -c %s "$src") + 512 )) ]; then
            log "manifest: making $md/copy$k.raw (a copy plus one sector)"
            cp --reflink=auto "$src" "$md/copy$k.raw.tmp"
            printf 'touchline bench copy %d\n' "$k" | dd of="$md/copy$k.raw.tmp" \
                bs=512 conv=sync,notrunc oflag=append status=none
            mv "$md/copy$k.raw.tmp" "$md/copy$k.raw"
        fi
        printf 'COPY%d\tbench\tcopy%d.raw\n' "$k" "$k" >>"$md/items.tsv"
    done
    cat "$md"/copy*.raw >/dev/null
    for ((i = 0; i < runs; i++)); do
        rm -f "$db" "$db-wal" "$db-shm"
        "$TIME" -f "%e %U %S %M" -o "$TOUT" bash -c '
            for k in 1 2 3 4; do
                "$1" ingest -q -l COPY$k -d bench "$2" "$3/copy$k.raw" || exit
            done' sh "$TL" "$db" "$md" >/dev/null 2>"$ERR" ||
            { tail -n 20 "$ERR" >&2; die "manifest: one after another failed"; }
        read -r w u s r < <(tail -n 1 "$TOUT")
        seqs+=("$w"); seq_cpu+=("$(echo "$u + $s" | bc)")
        local seq_counts
        seq_counts=$(sqlite3 "$db" "select group_concat(label || '=' || n_objects || '/' || n_events, ' ') from (select * from evidence order by label)")
        rm -f "$db" "$db-wal" "$db-shm"
        "$TIME" -f "%e %U %S %M" -o "$TOUT" "$TL" ingest "$db" --manifest "$md/items.tsv" \
            -j "$j" -q >/dev/null 2>"$ERR" ||
            { tail -n 20 "$ERR" >&2; die "manifest: ingest --manifest failed"; }
        read -r w u s r < <(tail -n 1 "$TOUT")
        pars+=("$w"); par_cpu+=("$(echo "$u + $s" | bc)"); rsss+=("$r")
        log "manifest run $((i + 1)): one after another ${seqs[-1]} s, --manifest -j $j $w s (load $(cut -d' ' -f1 /proc/loadavg))"
        [ "$(sqlite3 "$db" "select group_concat(label || '=' || n_objects || '/' || n_events, ' ') from (select * from evidence order by label)")" = "$seq_counts" ] ||
            die "manifest: the items differ from one after another ($seq_counts)"
    done
    rm -f "$db" "$db-wal" "$db-shm"
    local ws wp
    ws=$(median "${seqs[@]}"); wp=$(median "${pars[@]}")
    MANIFEST_REPORT=$(printf 'many images at once: 4 x %s-file raw (%s)\n  one after another: %s s wall (cpu %s s); ingest --manifest -j %s: %s s wall (cpu %s s, peak %s MiB): %sx the wall time\n  median of %s paired runs; load average now %s on %s cores: the machine is shared, figures are noisy' \
        "$n" "$seq_counts" "$ws" "$(median "${seq_cpu[@]}")" "$j" "$wp" \
        "$(median "${par_cpu[@]}")" "$(( $(maxof "${rsss[@]}") / 1024 ))" \
        "$(echo "scale=2; $wp / $ws" | bc | sed 's/^\./0./')" "$runs" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)")
    printf '%s\tmanifest\t%s\t%s\t%s\t-\t%s\t-\t-\n' "$n" "4 items one after another" "$runs" "$ws" \
        "$(median "${seq_cpu[@]}")" >>"${TSV:-/dev/null}"
    printf '%s\tmanifest\t%s\t%s\t%s\t-\t%s\t-\t%s\n' "$n" "4 items --manifest -j $j" "$runs" "$wp" \
        "$(median "${par_cpu[@]}")" "$(( $(maxof "${rsss[@]}") / 1024 ))" >>"${TSV:-/dev/null}"
}

for n in $FILES; do build_images "$n"; done
[ "${BENCH_BUILD_ONLY:-0}" = 1 ] && exit 0

# ---- measuring ----------------------------------------------------------

DB_TL=$DIR/work/touchline.db
DB_TSK=$DIR/work/loaddb.db
ERR=$DIR/work/stderr
TOUT=$DIR/work/time

cmd_line() {   # KEY IMAGE -> the shell command (printed and run)
    case $1 in
    fls)       echo "fls -r -m / $2 > /dev/null";;
    loaddb)    echo "tsk_loaddb -d $DB_TSK $2";;
    tl)        echo "touchline ingest $DB_TL $2 -q";;
    tl-nohash) echo "touchline ingest $DB_TL $2 -q --no-hash";;
    *) die "unknown command key $1 (BENCH_CMDS)";;
    esac
}

# one run: sets R_WALL R_CPU R_RSS (KiB)
run_once() {
    local key=$1 img=$2
    # only this command's database: the others stay for the counts below
    case $key in
    loaddb) rm -f "$DB_TSK" "$DB_TSK-journal";;
    tl*)    rm -f "$DB_TL" "$DB_TL-journal" "$DB_TL-wal" "$DB_TL-shm";;
    esac
    local rc=0
    case $key in
    fls)       "$TIME" -f "%e %U %S %M" -o "$TOUT" fls -r -m / "$img" \
                   >/dev/null 2>"$ERR" || rc=$?;;
    loaddb)    "$TIME" -f "%e %U %S %M" -o "$TOUT" tsk_loaddb -d "$DB_TSK" "$img" \
                   >/dev/null 2>"$ERR" || rc=$?;;
    tl)        "$TIME" -f "%e %U %S %M" -o "$TOUT" "$TL" ingest "$DB_TL" "$img" -q \
                   >/dev/null 2>"$ERR" || rc=$?;;
    tl-nohash) "$TIME" -f "%e %U %S %M" -o "$TOUT" "$TL" ingest "$DB_TL" "$img" -q \
                   --no-hash >/dev/null 2>"$ERR" || rc=$?;;
    esac
    if [ "$rc" != 0 ]; then
        echo "bench: '$(cmd_line "$key" "$img")' exited $rc:" >&2
        tail -n 20 "$ERR" >&2
        exit 1
    fi
    # the last line: /usr/bin/time prepends "Command exited..." on failure only
    read -r R_WALL u s R_RSS < <(tail -n 1 "$TOUT")
    R_CPU=$(echo "$u + $s" | bc)
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
maxof()  { printf '%s\n' "$@" | sort -g | tail -n 1; }

STAMP=$(date +%Y%m%d-%H%M%S)
TSV=$DIR/results-$STAMP.tsv
printf 'files\tvariant\tcommand\tn\twall_s\tmin_wall_s\tcpu_s\tratio_vs_fls_raw\tpeak_rss_mib\n' >"$TSV"
if [ "${BENCH_MANIFEST:-0}" = only ]; then bench_manifest; echo "$MANIFEST_REPORT"; echo "results: $TSV"; exit 0; fi

ROWS=()        # formatted table rows
COUNTS=()      # object counts per image
declare -A WALL RSS CPU CNT TLCNT SAMPLES_W SAMPLES_C SAMPLES_R SINGLE

# One image variant, every command in paired rounds: round i runs each
# command once, one after the other (fls, then touchline, ...), so a burst
# of load from elsewhere falls on all of them alike; the medians are taken
# over the rounds. Warm-up rounds first. A command whose warm-up takes
# BENCH_LONG seconds or more keeps that warm-up as its single sample.
measure_variant() {
    local n=$1 v=$2 img=$3 key i
    for key in $CMDS; do
        SAMPLES_W[$key]=""; SAMPLES_C[$key]=""; SAMPLES_R[$key]=""; SINGLE[$key]=0
    done
    for ((i = 0; i < WARMUP; i++)); do
        for key in $CMDS; do
            [ "${SINGLE[$key]}" = 1 ] && continue
            log "$n files, $v, warm-up: $(cmd_line "$key" "$img")"
            run_once "$key" "$img"
            if [ "$(echo "$R_WALL >= $LONG" | bc)" = 1 ]; then
                log "  warm-up: ${R_WALL} s, cpu ${R_CPU} s, $((R_RSS / 1024)) MiB; >= BENCH_LONG=$LONG s, so it is the single sample"
                SAMPLES_W[$key]=$R_WALL; SAMPLES_C[$key]=$R_CPU; SAMPLES_R[$key]=$R_RSS
                SINGLE[$key]=1
            fi
        done
    done
    for ((i = 0; i < RUNS; i++)); do
        for key in $CMDS; do
            [ "${SINGLE[$key]}" = 1 ] && continue
            run_once "$key" "$img"
            SAMPLES_W[$key]+=" $R_WALL"; SAMPLES_C[$key]+=" $R_CPU"; SAMPLES_R[$key]+=" $R_RSS"
            log "  round $((i + 1)) $key: ${R_WALL} s, cpu ${R_CPU} s, $((R_RSS / 1024)) MiB"
        done
    done
}

for n in $FILES; do
    base=$(img_base "$n")
    for v in $VARIANTS; do
        case $v in raw) img=$base.raw;; e01) img=$base.E01;;
                   *) die "unknown variant $v (BENCH_VARIANTS)";; esac
        # read the image once so that the first command is not charged for it
        cat "$base".* >/dev/null 2>&1 || true
        measure_variant "$n" "$v" "$img"
        for key in $CMDS; do
            # shellcheck disable=SC2206
            walls=(${SAMPLES_W[$key]}); cpus=(${SAMPLES_C[$key]}); rsss=(${SAMPLES_R[$key]})
            w=$(median "${walls[@]}"); c=$(median "${cpus[@]}")
            lo=$(printf '%s\n' "${walls[@]}" | sort -g | head -n 1)
            r=$(maxof "${rsss[@]}")
            WALL[$n,$v,$key]=$w; RSS[$n,$v,$key]=$r; CPU[$n,$v,$key]=$c
            ref=${WALL[$n,raw,fls]:-}
            if [ -n "$ref" ] && [ "$(echo "$ref > 0" | bc)" = 1 ]; then
                ratio=$(echo "scale=2; $w / $ref" | bc | sed 's/^\./0./')
            else ratio=-; fi
            mib=$(echo "scale=1; $r / 1024" | bc | sed 's/^\./0./')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$v" \
                "$(cmd_line "$key" IMG)" "${#walls[@]}" "$w" "$lo" "$c" "$ratio" "$mib" >>"$TSV"
            ROWS+=("$(printf '%-8s %-4s %-48s %2s %8.2f %8.2f %8.2f %7s %9s' "$n" "$v" \
                "$(cmd_line "$key" IMG | sed "s#$DIR/work/##g")" "${#walls[@]}" \
                "$w" "$lo" "$c" "${ratio}x" "$mib")")
            # what the tools stored, to show that they did comparable work
            if [ "$v" = raw ] && command -v sqlite3 >/dev/null; then
                case $key in
                fls) CNT[$n]="fls -r -m entries=$(fls -r -m / "$img" | grep -vc ' (\$FILE_NAME)' || true) (without the (\$FILE_NAME) lines);${CNT[$n]:-}";;
                loaddb) CNT[$n]="${CNT[$n]:-} tsk_loaddb tsk_files=$(sqlite3 "$DB_TSK" 'select count(*) from tsk_files');";;
                tl*) [ -n "${TLCNT[$n]:-}" ] || { TLCNT[$n]=1
                     CNT[$n]="${CNT[$n]:-} touchline objects=$(sqlite3 "$DB_TL" 'select count(*) from object') events=$(sqlite3 "$DB_TL" 'select count(*) from event');"; };;
                esac
            fi
        done
    done
    if [ -n "${CNT[$n]:-}" ]; then COUNTS+=("$n files: ${CNT[$n]}"); fi
done
rm -f "$DB_TL" "$DB_TL-journal" "$DB_TSK" "$DB_TSK-journal" "$ERR" "$TOUT"

# ---- report -------------------------------------------------------------

echo
echo "touchline benchmark $(date -u +%Y-%m-%dT%H:%MZ), $("$TL" --version 2>&1 | head -n 1), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
echo "$(fls -V 2>&1 | head -n 1), images in $DIR, median of $RUNS paired rounds after $WARMUP warm-up round(s) (n=1: the warm-up took >= BENCH_LONG=$LONG s and is the sample)"
echo
printf '%-8s %-4s %-48s %2s %8s %8s %8s %7s %9s\n' files img command n "wall s" "min s" "cpu s" "vs fls" "peak MiB"
printf '%s\n' "${ROWS[@]}"
echo
for l in "${COUNTS[@]+"${COUNTS[@]}"}"; do echo "$l"; done

# ---- the ingest goals of issue 12 ------------------------------------------
# Every ingest row of the issue's table next to its goal, from this run's
# medians: touchline on the raw image against fls -r -m on the same image
# (wall time; the CPU ratio beside it, which load elsewhere disturbs less),
# the E01 against the raw image, and peak memory at 1,000,000 files.
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }
verdict() { [ "$(echo "$1 $2 $3" | bc)" = 1 ] && echo PASS || echo FAIL; }

report_ingest_goals() {
    local n key name r rc m x v ok
    echo
    echo "ingest goals (issue 12); wall = median wall time, cpu = median user+sys"
    printf '  %-8s %-40s %-34s %-10s %s\n' files work measured goal ""
    for n in $FILES; do
        for key in tl tl-nohash; do
            name="ingest raw, media hashed"; local goal=1.0
            if [ "$key" = tl-nohash ]; then name="ingest --no-hash raw"; goal=0.6; fi
            if [ -n "${WALL[$n,raw,$key]:-}" ] && [ -n "${WALL[$n,raw,fls]:-}" ]; then
                r=$(ratio "${WALL[$n,raw,$key]}" "${WALL[$n,raw,fls]}")
                rc=$(ratio "${CPU[$n,raw,$key]}" "${CPU[$n,raw,fls]}")
                printf '  %-8s %-40s %-34s %-10s %s\n' "$n" "$name" \
                    "${WALL[$n,raw,$key]} s = ${r}x fls (cpu ${rc}x)" "<= ${goal}x" \
                    "$(verdict "$r" "<=" "$goal")"
            else
                printf '  %-8s %-40s %-34s %-10s %s\n' "$n" "$name" "not measured" "<= ${goal}x" "-"
            fi
        done
        for key in tl tl-nohash; do
            name="ingest E01 against raw"
            if [ "$key" = tl-nohash ]; then name="ingest --no-hash E01 against raw"; fi
            if [ -n "${WALL[$n,e01,$key]:-}" ] && [ -n "${WALL[$n,raw,$key]:-}" ]; then
                r=$(ratio "${WALL[$n,e01,$key]}" "${WALL[$n,raw,$key]}")
                printf '  %-8s %-40s %-34s %-10s %s\n' "$n" "$name" \
                    "${WALL[$n,e01,$key]} s = ${r}x raw" "<= 1.2x" "$(verdict "$r" "<=" 1.2)"
            else
                printf '  %-8s %-40s %-34s %-10s %s\n' "$n" "$name" "not measured" "<= 1.2x" "-"
            fi
        done
        for v in raw e01; do
            m=0
            for key in tl tl-nohash; do
                x=${RSS[$n,$v,$key]:-0}; [ "$x" -gt "$m" ] && m=$x
            done
            [ "$m" -gt 0 ] || continue
            if [ "$n" -ge 1000000 ]; then
                ok=$([ "$m" -lt $((300 * 1024)) ] && echo PASS || echo FAIL)
            else ok="(goal is at 1,000,000 files)"; fi
            printf '  %-8s %-40s %-34s %-10s %s\n' "$n" "peak memory, $v" "$((m / 1024)) MiB" "< 300 MiB" "$ok"
        done
    done
    case " $FILES " in *" 1000000 "*) ;; *)
        echo "  (the memory goal is for 1,000,000 files: BENCH_FILES=1000000 measures it)";;
    esac
}
report_ingest_goals
if [ "${BENCH_MANIFEST:-0}" = 1 ]; then bench_manifest; echo; echo "$MANIFEST_REPORT"; fi
echo
echo "results: $TSV"
