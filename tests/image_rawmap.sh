#!/bin/sh
# Issue 12: raw images are read through read-only memory maps (rawimg.c)
# instead of libtsk's raw reader and its 64 KiB cache fills. The cases must
# be the same item for item as through libtsk's reader: a single raw NTFS
# image, the same cut short (the truncation warning), a split raw set, with
# the mapped pages bounded to one 2 MiB piece (every change of piece drops
# one), with a segment read by pread (as when mmap fails), and a map that
# cannot be read (SIGBUS) fails the read.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
command -v bash >/dev/null && command -v sqlite3 >/dev/null ||
  skip_all "needs bash and the sqlite3 shell (bench/same-case.sh)"
SAME="$TL_SRCDIR/bench/same-case.sh"
B="$TL_CORPUS/sleuthkit_test_data/from_brian"
NTFS=$(unzip_corpus "$B/7-undel-ntfs.zip" 7-ntfs-undel.dd)
SPLIT="$TL_CORPUS/dfvfs/test_data/ext2.splitraw.000"
[ -n "$NTFS" ] && [ -f "$SPLIT" ] || skip_all "raw images not in the corpus"
head -c 5500000 "$NTFS" >"$T_TMP/cut.dd"

# ingest NAME IMAGE [VAR=VALUE...]: the case $T_TMP/NAME.db, TOUCHLINE_TIMING
# lines in $T_TMP/NAME.err
ingest() {
  n=$1 img=$2
  shift 2
  env TOUCHLINE_TIMING=1 "$@" "$TOUCHLINE" ingest -q "$T_TMP/$n.db" "$img" \
    2>"$T_TMP/$n.err"
}
# the raw image line of TOUCHLINE_TIMING as "reads mapped/segments
# fills-refused preads pieces-dropped"
counts() {
  sed -n 's/^timing: raw image: \([0-9]*\) reads ([0-9]* bytes) from \([0-9]*\) of \([0-9]*\) segments mapped, \([0-9]*\) libtsk cache fills refused, \([0-9]*\) preads, \([0-9]*\) map pieces dropped$/\1 \2\/\3 \4 \5 \6/p' \
    "$T_TMP/$1.err"
}
same() {  # OLD NEW what
  bash "$SAME" "$T_TMP/$1.db" "$T_TMP/$2.db" >"$T_TMP/same" 2>&1
  ok $? "$3: the case equals the one read through libtsk's raw reader"
}

ingest ntfs "$NTFS"
ok $? "NTFS raw image ingests"
set -- $(counts ntfs)
is "$2 $4" "1/1 0" "NTFS: its one file mapped, nothing read with pread"
ok "$([ "${1:-0}" -gt 100 ] && [ "${3:-0}" -gt 100 ] && echo 0 || echo 1)" \
  "NTFS: libtsk's reads served from the map (${1:-0}), its cache fills refused (${3:-0})"
is "$(sqlite3 "$T_TMP/ntfs.db" "select n_objects || ' ' || container_type || ' ' || media_size from evidence")" \
  "32 raw 6160384" "NTFS: 32 objects, container raw, 6160384 bytes"

if [ "${TL_TEST_HOOKS:-}" = yes ]; then
  ingest ntfs_tsk "$NTFS" TOUCHLINE_TEST_RAWMAP_OFF=1
  is "$(counts ntfs_tsk)" "" "the hook off: no raw image line (libtsk's reader)"
  same ntfs_tsk ntfs "NTFS"
  ingest ntfs_1 "$NTFS" TOUCHLINE_TEST_RAWMAP_RESIDENT=1
  set -- $(counts ntfs_1)
  ok "$([ "${5:-0}" -gt 0 ] && echo 0 || echo 1)" \
    "NTFS, one piece mapped at a time: pieces dropped (${5:-0})"
  same ntfs_tsk ntfs_1 "NTFS, one piece mapped at a time"

  ingest cut_tsk "$T_TMP/cut.dd" TOUCHLINE_TEST_RAWMAP_OFF=1
  ingest cut "$T_TMP/cut.dd"
  same cut_tsk cut "NTFS cut at 5500000 bytes"
  is "$(sqlite3 "$T_TMP/cut.db" "select kind from warning")" "truncated" \
    "cut: the truncation warning"

  ingest split_tsk "$SPLIT" TOUCHLINE_TEST_RAWMAP_OFF=1
  ingest split "$SPLIT"
  set -- $(counts split)
  is "$2 $4" "2/2 0" "split raw: both segments mapped, nothing read with pread"
  same split_tsk split "split raw"
  is "$(sqlite3 "$T_TMP/split.db" "select container_type from evidence")" \
    "raw (split)" "split raw: container raw (split)"
  ingest split_p0 "$SPLIT" TOUCHLINE_TEST_RAWMAP_NOMAP=0
  set -- $(counts split_p0)
  ok "$([ "$2" = 1/2 ] && [ "${4:-0}" -gt 0 ] && [ "${3:-1}" -eq 0 ] && echo 0 || echo 1)" \
    "split raw, first segment not mapped: read with pread (${4:-0}), libtsk's cache kept"
  same split_tsk split_p0 "split raw, first segment not mapped"
  ingest split_p1 "$SPLIT" TOUCHLINE_TEST_RAWMAP_NOMAP=1 \
    TOUCHLINE_TEST_RAWMAP_RESIDENT=1
  same split_tsk split_p1 "split raw, second segment not mapped, one piece"

  # a map whose file ends early (the file shrank, or an I/O error): the
  # SIGBUS becomes a read error, as libtsk's reader reports one
  head -c 3000000 "$NTFS" >"$T_TMP/short.dd"
  TOUCHLINE_TEST_RAWMAP_BUSFILE="$T_TMP/short.dd" "$TOUCHLINE" ingest -q \
    "$T_TMP/bus.db" "$NTFS" 2>"$T_TMP/bus.err"
  is "$?" 1 "a map that cannot be read: exit 1, not a crash"
  ok "$(grep -q 'offset: 2949120 read len: 65536 - bus error reading the mapped file' "$T_TMP/bus.err" && echo 0 || echo 1)" \
    "a map that cannot be read: the read at 2949120 fails with a bus error"
else
  echo "# without configure --enable-test-hooks: not compared with libtsk's reader"
fi
done_testing
