#!/bin/sh
# The timeline export's second reader (store/query.c, Tl_export_pair and
# read_window): a second read-only connection on the same snapshot reads
# the lower event_id chunks in a thread. The bytes are those of one
# connection in every format, with filters and windows; an ingest that
# commits between the two snapshots is seen (PRAGMA data_version) and the
# export reads on one connection; one that commits after them is not in the
# export at all, and all of it is in the next one. TAP.
. "${TL_SRCDIR:-.}/tests/lib.sh"

[ "${TL_TEST_HOOKS:-}" = yes ] || skip_all "needs configure --enable-test-hooks"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
TZ=UTC
export TZ
tl() { "$TOUCHLINE" timeline -q "$@"; }
# the case's connection waits for the second reader's first chunk (test
# hook): on cases this small it could read every chunk before the thread
# runs
TOUCHLINE_EXPORT_PAIR_WAIT=1
export TOUCHLINE_EXPORT_PAIR_WAIT

NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip" 7-ntfs-undel.dd)
FAT=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/6-undel-fat.zip" 6-fat-undel.dd)
JPEG=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/8-jpeg-search.zip" 8-jpeg-search.dd)
EXT=$TL_CORPUS/sleuthkit/test/data/image.dd
CASE="$T_TMP/case.db"
"$TOUCHLINE" ingest -q -l NTFS "$CASE" "$NTFS" &&
"$TOUCHLINE" ingest -q -l FAT "$CASE" "$FAT" &&
"$TOUCHLINE" ingest -q -l EXT "$CASE" "$EXT"
ok $? "three items into one case"
n_ev=$(sqlite3 "$CASE" "SELECT count(*) FROM event")

# rows the second reader read, from TOUCHLINE_TIMING's line
rows2() { sed -n 's/^timing: second reader on, \([0-9]*\) event rows$/\1/p' "$1"; }

# ---- the bytes of one connection -----------------------------------------
for f in bodyfile csv jsonl l2tcsv tln; do
  TOUCHLINE_EXPORT_THREADS=1 tl "$CASE" -f $f -o "$T_TMP/one.$f" &&
  TOUCHLINE_TIMING=1 tl "$CASE" -f $f -o "$T_TMP/two.$f" 2>"$T_TMP/two.err" &&
  [ -s "$T_TMP/one.$f" ] && cmp -s "$T_TMP/one.$f" "$T_TMP/two.$f"
  ok $? "$f: two connections export the bytes of one"
  n2=$(rows2 "$T_TMP/two.err")
  [ -n "$n2" ] && [ "$n2" -gt 0 ] && [ "$n2" -le "$n_ev" ]
  ok $? "... and the second one read events ($n2 of $n_ev rows)"
  set -f
  for opt in "--source \$FN,inode" --deleted "--path **/*.dat" "--tz Europe/Berlin"; do
    # shellcheck disable=SC2086
    TOUCHLINE_EXPORT_THREADS=1 tl "$CASE" -f $f $opt -o "$T_TMP/one.f" &&
    tl "$CASE" -f $f $opt -o "$T_TMP/two.f" &&
    TOUCHLINE_EXPORT_WINDOW=5 tl "$CASE" -f $f $opt -o "$T_TMP/win.f" &&
    [ -s "$T_TMP/one.f" ] && cmp -s "$T_TMP/one.f" "$T_TMP/two.f" &&
    cmp -s "$T_TMP/one.f" "$T_TMP/win.f"
    ok $? "$f $opt: the same bytes on two connections, also in windows of 5 events"
  done
  set +f
done

# ---- a commit between the two snapshots ----------------------------------
# the replaced item's events are deleted and written again under new
# event_ids: a second reader on the new state would find none of them in
# the chunks of the old event_id range (objects read on the old state)
for f in bodyfile csv; do
  id0=$(sqlite3 "$CASE" "SELECT min(object_id) FROM object o JOIN evidence v ON
    v.evidence_id = o.evidence_id WHERE v.label = 'NTFS'")
  tl "$CASE" -f $f -o "$T_TMP/pre.$f"
  TOUCHLINE_TIMING=1 TOUCHLINE_EXPORT_PAIR_PAUSE=5000 \
    tl "$CASE" -f $f -o "$T_TMP/gap.$f" 2>"$T_TMP/gap.err" & pid=$!
  wait_for 10 grep -qs "pause between the snapshots" "$T_TMP/gap.err"
  ok $? "$f: the export waits between its two snapshots (test hook)"
  "$TOUCHLINE" ingest -q --replace -l NTFS "$CASE" "$NTFS"
  s=$?
  grep -q "^timing: total" "$T_TMP/gap.err"
  is "$s:$?" "0:1" "... an ingest --replace of an item commits meanwhile"
  wait $pid
  is "$?" 0 "... the export ends well"
  cmp -s "$T_TMP/pre.$f" "$T_TMP/gap.$f"
  ok $? "... and has the bytes of the case before the commit"
  grep -q "^timing: second reader off, 0 event rows" "$T_TMP/gap.err"
  ok $? "... read on one connection (the second saw a commit)"
  id1=$(sqlite3 "$CASE" "SELECT min(object_id) FROM object o JOIN evidence v ON
    v.evidence_id = o.evidence_id WHERE v.label = 'NTFS'")
  tl "$CASE" -f $f -o "$T_TMP/post.$f"
  [ "$id0" != "$id1" ] &&
  [ "$(sort "$T_TMP/pre.$f" | cksum)" = "$(sort "$T_TMP/post.$f" | cksum)" ]
  ok $? "... the next export has the item again, its objects from id $id1 (were from $id0)"
done

# ---- a commit after the two snapshots: none of the new item, then all ----
tl "$CASE" -f csv -o "$T_TMP/pre.csv"
TOUCHLINE_TIMING=1 TOUCHLINE_EXPORT_PAIR_HOLD=5000 \
  tl "$CASE" -f csv -o "$T_TMP/hold.csv" 2>"$T_TMP/hold.err" & pid=$!
wait_for 10 grep -qs "pause after the snapshots" "$T_TMP/hold.err"
ok $? "csv: the export waits after its two snapshots (test hook)"
"$TOUCHLINE" ingest -q -l JPEG "$CASE" "$JPEG"
s=$?
grep -q "^timing: total" "$T_TMP/hold.err"
is "$s:$?" "0:1" "... a new item is ingested meanwhile"
wait $pid
is "$?" 0 "... the export ends well"
cmp -s "$T_TMP/pre.csv" "$T_TMP/hold.csv"
ok $? "... with the bytes of the case before the new item: none of its events"
n2=$(rows2 "$T_TMP/hold.err")
[ -n "$n2" ] && [ "$n2" -gt 0 ]
ok $? "... read on two connections ($n2 rows by the second)"
n_jpeg=$(sqlite3 "$CASE" "SELECT count(*) FROM event e JOIN evidence v ON
  v.evidence_id = e.evidence_id WHERE v.label = 'JPEG'")
tl "$CASE" -f csv -o "$T_TMP/post.csv"
is "$(grep -c ',JPEG,' "$T_TMP/post.csv"):$(grep -c ',JPEG,' "$T_TMP/hold.csv")" \
  "$n_jpeg:0" "the next export has all $n_jpeg events of the new item"
[ "$n_jpeg" -gt 0 ]
ok $? "... which has events"
is "$(($(wc -l < "$T_TMP/post.csv") - $(wc -l < "$T_TMP/pre.csv")))" "$n_jpeg" \
  "... and nothing else changed in number"

# ---- a read-only case: the second reader never writes --------------------
sum_before=$(cat "$CASE" "$CASE-wal" 2>/dev/null | cksum)
TOUCHLINE_TIMING=1 tl "$CASE" -f bodyfile -o "$T_TMP/ro.body" 2>"$T_TMP/ro.err"
is "$(cat "$CASE" "$CASE-wal" 2>/dev/null | cksum)" "$sum_before" \
  "an export on two connections leaves the case file and its WAL as they were"

done_testing
