#!/usr/bin/env bash
# make-samples.sh -- rebuild samples/: a small multi-division intrusion case.
# usage: sudo sh scripts/make-samples.sh [OUTDIR]     (default: samples/)
#        sh scripts/make-samples.sh --oracle-only [OUTDIR]
#
# The generator is the Python package scripts/samplegen/ (scenario, oracle,
# docs, ntfs, imaging, cli); this wrapper checks the tools and runs it.
# --oracle-only rewrites only what the scenario gives (targets.csv,
# shares.csv, evidence.tsv, expected.json, SCENARIO.md), taking the build
# facts (inodes, image sizes and hashes) from OUTDIR/expected.json: no root,
# no images (tests/samples_oracle.sh checks that this changes nothing).
#
# Builds three NTFS disk images (MBR, one NTFS partition at sector 2048):
#   FS01  file server data disk, per-division shares   (16 MiB)
#   WS17  workstation of the Administration division   (12 MiB)
#   WS22  workstation of the Research division         (12 MiB)
# populates them through ntfs-3g (FUSE) with a scripted intrusion, acquires
# each one with ewfacquire (E01, deflate best, case metadata), and writes
#   OUTDIR/evidence/{FS01,WS17,WS22}.E01   the evidence
#   OUTDIR/evidence.tsv                    label, division, image (demo.sh)
#   OUTDIR/targets.csv                     the register of targeted files
#   OUTDIR/shares.csv                      share path prefix -> division
#   OUTDIR/expected.json                   ground truth, machine-readable
#   OUTDIR/SCENARIO.md                     ground truth, for people
#
# Every time is scripted: the clock of mkntfs, ntfs-3g and ewfacquire is
# libfaketime's, frozen and moved by this script before each file-system
# operation, so $FILE_NAME times, $STANDARD_INFORMATION "MFT modified" times,
# folder times and the volume serial are scripted too. Names, sizes,
# contents and times come from a fixed seed. The one timestomp is a raw
# patch of the $STANDARD_INFORMATION attribute after unmounting (ntfs-3g's
# system.ntfs_times would rewrite $FILE_NAME as well).
#
# Needs root (FUSE mount), mkntfs + ntfs-3g, ewfacquire (ewf-tools),
# fls/istat/icat (sleuthkit), libfaketime (package faketime, installed with
# apt-get when missing), python3 (stdlib only).
# Environment: KEEP_WORK=1 keeps the raw images in the work folder.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export PYTHONPATH="$top/scripts${PYTHONPATH:+:$PYTHONPATH}"
if [ "${1:-}" = --oracle-only ]; then
    exec python3 -m samplegen.cli --oracle-only "${2:-$top/samples}"
fi
OUT=${1:-$top/samples}

if [ "$(id -u)" -ne 0 ]; then
    echo "make-samples.sh: must run as root (ntfs-3g FUSE mount)" >&2; exit 1
fi

find_faketime() {
    for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
             /usr/lib/*/faketime/libfaketime.so.1 \
             /usr/lib/faketime/libfaketime.so.1 \
             /usr/local/lib/faketime/libfaketime.so.1; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}
LIBFT=$(find_faketime || true)
if [ -z "$LIBFT" ] && command -v apt-get >/dev/null; then
    echo "[make-samples] installing faketime" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime >/dev/null 2>&1; } || true
    LIBFT=$(find_faketime || true)
fi
[ -n "$LIBFT" ] || { echo "make-samples.sh: libfaketime not found (apt-get install faketime)" >&2; exit 1; }

for t in mkntfs ntfs-3g ewfacquire ewfinfo fls istat icat python3 mountpoint umount truncate; do
    command -v "$t" >/dev/null || { echo "make-samples.sh: missing tool: $t" >&2; exit 1; }
done

WORK=$(mktemp -d -t touchline-samples.XXXXXX)
cleanup() {
    set +e
    for m in "$WORK"/mnt-*; do
        [ -d "$m" ] && mountpoint -q "$m" && { umount "$m" || umount -l "$m"; }
    done
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        echo "[make-samples] work folder kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$OUT/evidence"
python3 -m samplegen.cli "$OUT" "$LIBFT" "$WORK"
ls -l "$OUT" "$OUT/evidence" >&2
