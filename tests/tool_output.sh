#!/bin/sh
# The commands write through a struct tl_sink over stdio: a write that
# fails (a full disk: /dev/full) is an error with a message and status 1,
# for every command that writes a report, never a silent loss. TAP.
. "${TL_SRCDIR:-.}/tests/lib.sh"

[ -w /dev/full ] || skip_all "no /dev/full"
IMG=$TL_SRCDIR/samples/evidence/WS17.E01
[ -r "$IMG" ] || skip_all "sample image $IMG not found"

"$TOUCHLINE" ingest --no-hash -q -l WS17 "$T_TMP/c.db" "$IMG"
ok $? "ingest the WS17 sample"

for cmd in "info" "info --json" "exposure --from 2022-01-01 --to 2024-01-01" \
           "exposure --from 2022-01-01 --to 2024-01-01 --format html" \
           "timeline" "timeline -f bodyfile" "targets list" "targets stats"; do
  set -- $cmd
  c=$1
  shift
  "$TOUCHLINE" $c "$T_TMP/c.db" "$@" > /dev/full 2> "$T_TMP/err"
  is "$?" 1 "$cmd > /dev/full: status 1"
  grep -q 'No space left on device\|refused a write\|write failed' "$T_TMP/err"
  ok $? "$cmd > /dev/full: says why ($(head -1 "$T_TMP/err"))"
done

# and the same commands to a file give what they give on a pipe
"$TOUCHLINE" info --json "$T_TMP/c.db" > "$T_TMP/info.json"
grep -q '"label":"WS17"' "$T_TMP/info.json"
ok $? "info --json through the sink: the evidence label"
n=$("$TOUCHLINE" timeline "$T_TMP/c.db" | wc -l | tr -d ' ')
is "$n" 508 "timeline csv: 507 events and a header"

done_testing
