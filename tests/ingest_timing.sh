#!/bin/sh
# TOUCHLINE_TIMING: one line per ingest stage on stderr, and nothing else
# changes; bench/same-case.sh tells equal cases from different ones; a new
# case has 8 KiB pages and runs in WAL mode (docs/internals/WRITE-PATH.md).
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
command -v sqlite3 >/dev/null || skip_all "sqlite3 shell not installed"
D="$TL_CORPUS/sleuthkit/test/data"
SAME="$TL_SRCDIR/bench/same-case.sh"

TOUCHLINE_TIMING=1 "$TOUCHLINE" ingest -q "$T_TMP/a.db" "$D/image.dd" 2>"$T_TMP/err"
ok $? "ingest with TOUCHLINE_TIMING=1"
for st in open walk drain index verify match finish commit; do
    is "$(grep -c "^timing: $st  *wall  *[0-9][0-9]*\.[0-9][0-9][0-9] s  cpu  *[0-9][0-9]*\.[0-9][0-9][0-9] s  main thread  *[0-9][0-9]*\.[0-9][0-9][0-9] s\$" "$T_TMP/err")" 1 \
       "one '$st' line with wall, process and main thread CPU"
done
is "$(grep -c '^timing: hashwait ' "$T_TMP/err")" 1 "hashed: the wait for the hash thread"
is "$(grep -c '^timing: total .* writer thread [0-9][0-9]*\.[0-9][0-9][0-9] s$' "$T_TMP/err")" 1 \
   "the totals with the writer thread's CPU time"
is "$(grep -c 'EWF cache' "$T_TMP/err")" 0 "raw: no EWF cache line"
is "$(grep -vc '^timing: ' "$T_TMP/err")" 0 "nothing else on stderr"

TOUCHLINE_TIMING=0 "$TOUCHLINE" ingest -q "$T_TMP/b.db" "$D/image.dd" 2>"$T_TMP/err0"
ok $? "ingest with TOUCHLINE_TIMING=0"
is "$(grep -c '^timing:' "$T_TMP/err0")" 0 "TOUCHLINE_TIMING=0: no timing lines"
"$SAME" "$T_TMP/a.db" "$T_TMP/b.db" >"$T_TMP/same" 2>&1
ok $? "same-case.sh: the case timed equals the case not timed"
is "$(grep -c ' same$' "$T_TMP/same")" 8 "same-case.sh: eight tables compared, all the same"
is "$(sqlite3 "$T_TMP/a.db" 'SELECT count(*) FROM object')" \
   "$(sqlite3 "$T_TMP/b.db" 'SELECT count(*) FROM object')" "same object count"

"$TOUCHLINE" ingest -q "$T_TMP/c.db" "$TL_CORPUS/dfvfs/test_data/ext2.vmdk" 2>/dev/null
"$SAME" "$T_TMP/a.db" "$T_TMP/c.db" >"$T_TMP/diff" 2>&1
is $? 1 "same-case.sh: another image's case differs (exit 1)"
grep -q '^object .* DIFFERS$' "$T_TMP/diff"
ok $? "same-case.sh names the table that differs"

is "$(sqlite3 "$T_TMP/a.db" 'PRAGMA page_size')" 8192 "a new case has 8 KiB pages"
is "$(sqlite3 "$T_TMP/a.db" 'PRAGMA journal_mode')" wal "a new case runs in WAL mode"
is "$(sqlite3 "$T_TMP/a.db" 'PRAGMA integrity_check')" ok "a new case passes the integrity check"
is "$(ls "$T_TMP" | grep -c '\.new-')" 0 "no temporary case file is left behind"

TOUCHLINE_TIMING=1 "$TOUCHLINE" ingest -q "$T_TMP/e.db" "$D/imageformat_mmls_1.E01" 2>"$T_TMP/erre"
ok $? "E01 ingest with TOUCHLINE_TIMING=1"
grep -q '^timing: EWF cache [0-9][0-9]* x 32768 bytes ([0-9][0-9]* filled), [0-9][0-9]* hits, [1-9][0-9]* misses, [0-9][0-9]* bytes read around it$' "$T_TMP/erre"
ok $? "E01: the chunk cache's size, hits and misses"

done_testing
