#!/bin/sh
# `touchline case copy` between SQLite and PostgreSQL (docs/POSTGRESQL.md),
# on a throwaway server of the test's own (tests/pg_lib.sh). The sample
# case (samples/: three items, the share map and the register) goes into
# PostgreSQL and back into a new SQLite file: every row comes back (sorted
# dumps equal), and info --json, timeline --format csv and exposure
# --format json of the round trip equal the original's apart from the case
# name and the generation time; the PostgreSQL case holds the counts of
# the source (and WS17's 134 objects, as tests/unit/test_query.c), with
# one event partition per item; the same three outputs of the readers
# given the PostgreSQL case (read on the server, no temporary copy;
# tests/pg_reports.sh has more). Text with tabs, newlines, backslashes and
# carriage returns, NULLs and bytes 0-255 survive the COPY escaping. A
# destination that holds a case is refused unless --replace; a damaged
# one (a table dropped) and a copy that does not hash equal (a trigger
# that changes rows) fail naming the table and keep nothing; a password
# in the URI is never stored nor printed.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
[ -f "$S/evidence/WS17.E01" ] || skip_all "samples/evidence not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
. "$TL_SRCDIR/tests/pg_lib.sh"
pg_start
q() { sqlite3 "$1" "$2"; }

A="$T_TMP/a.db"
(cd "$S" && "$TOUCHLINE" ingest "$A" --manifest evidence.tsv -j 2 -q >/dev/null) &&
  "$TOUCHLINE" divisions "$A" import "$S/shares.csv" >/dev/null 2>&1 &&
  "$TOUCHLINE" targets "$A" import "$S/targets.csv" >/dev/null 2>&1
ok $? "the sample case in SQLite"

# SQLite -> PostgreSQL
pg_createdb c1
U1=$(pg_uri c1)
"$TOUCHLINE" case copy "$A" "$U1" >"$T_TMP/out1" 2>"$T_TMP/err1"
is "$?" 0 "case copy SQLite -> PostgreSQL: exit 0"
is "$(cat "$T_TMP/err1")" "" "nothing on stderr"
is "$(grep -c '	[0-9]*	[0-9a-f]\{64\}$' "$T_TMP/out1")" 21 "one line per table (21 of schema 4): name, rows, SHA-256"
grep -q '^copied [0-9]* rows of 21 tables in .* rows/s), checked in' "$T_TMP/out1"
ok $? "the summary line with the rate"
is "$(grep '^object	' "$T_TMP/out1" | cut -f2)" "$(q "$A" 'select count(*) from object')" "the object line has the source's count"
for t in evidence object event ntfs_filename target target_match division_map artifact_event run; do
  is "$(pg_sql c1 "select count(*) from $t")" "$(q "$A" "select count(*) from $t")" "PostgreSQL: $t rows as in the source"
done
is "$(pg_sql c1 "select o.n from evidence e, lateral (select count(*) n from object where evidence_id = e.evidence_id) o where label = 'WS17'")" 134 \
  "PostgreSQL: WS17 has its 134 objects"
is "$(pg_sql c1 "select n_objects || ' ' || n_events from evidence where label = 'WS17'")" "134 507" "PostgreSQL: WS17's counts on its row"
is "$(pg_sql c1 "select count(*) from pg_inherits where inhparent = 'event'::regclass")" 3 "event is partitioned: one partition per item"
is "$(pg_sql c1 "select count(*) from event_e$(q "$A" "select evidence_id from evidence where label='WS17'")")" 507 "WS17's partition holds its 507 events"
is "$(pg_sql c1 "select data_type from information_schema.columns where table_name = 'object' and column_name = 'path_bytes'")" bytea "BLOB is bytea"
is "$(pg_sql c1 "select value from case_meta where key = 'schema_version'")" 4 "case_meta came along"

# PostgreSQL -> a new SQLite file
B="$T_TMP/b.db"
"$TOUCHLINE" case copy "$U1" "$B" -q >"$T_TMP/out2" 2>"$T_TMP/err2"
is "$?" 0 "case copy PostgreSQL -> new SQLite: exit 0"
is "$(cat "$T_TMP/out2" "$T_TMP/err2")" "" "-q: no output"
is "$(q "$B" 'pragma user_version')" 4 "the new SQLite file is a schema-4 case"
sqlite3 "$A" .dump | sort >"$T_TMP/dumpA"
sqlite3 "$B" .dump | sort >"$T_TMP/dumpB"
cmp -s "$T_TMP/dumpA" "$T_TMP/dumpB"
ok $? "every row and every table of the round trip equals the original (sorted .dump)"
[ "$(wc -l <"$T_TMP/dumpA")" -gt 3000 ]
ok $? "... and the dump is not empty ($(wc -l <"$T_TMP/dumpA") lines)"

"$TOUCHLINE" info "$A" --json | norm >"$T_TMP/infoA"
"$TOUCHLINE" info "$B" --json | norm >"$T_TMP/infoB"
cmp -s "$T_TMP/infoA" "$T_TMP/infoB" && [ -s "$T_TMP/infoA" ]
ok $? "info --json of the round trip equals the original's"
"$TOUCHLINE" timeline "$A" --format csv >"$T_TMP/tlA"
"$TOUCHLINE" timeline "$B" --format csv >"$T_TMP/tlB"
cmp -s "$T_TMP/tlA" "$T_TMP/tlB"
ok $? "timeline --format csv equal ($(wc -l <"$T_TMP/tlA") lines)"
is "$(($(wc -l <"$T_TMP/tlB") - 1))" "$(q "$A" 'select (select count(*) from event) + (select count(*) from artifact_event)')" \
  "the round trip's timeline has a line per event of the source"
W="--from 2023-06-05 --to 2023-06-21"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$A" $W --format json | norm >"$T_TMP/exA"
# shellcheck disable=SC2086
"$TOUCHLINE" exposure "$B" $W --format json | norm >"$T_TMP/exB"
cmp -s "$T_TMP/exA" "$T_TMP/exB" && [ -s "$T_TMP/exA" ]
ok $? "exposure --format json equal"
is "$("$PYTHON3" -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["targets"], s["targets_exposed"], s["evidence_items"])' <"$T_TMP/exB")" \
  "337 143 3" "the round trip's report: 337 targets, 143 exposed, 3 items"

# the readers given the PostgreSQL case read it on the server: nothing is
# written to TMPDIR
mkdir -p "$T_TMP/tmpdir"
"$TOUCHLINE" info "$U1" --json | norm >"$T_TMP/infoP"
cmp -s "$T_TMP/infoA" "$T_TMP/infoP"
ok $? "info --json of the PostgreSQL case equals the SQLite case's"
"$TOUCHLINE" timeline "$U1" --format csv >"$T_TMP/tlP"
cmp -s "$T_TMP/tlA" "$T_TMP/tlP"
ok $? "timeline --format csv of the PostgreSQL case equal"
# shellcheck disable=SC2086
TMPDIR="$T_TMP/tmpdir" "$TOUCHLINE" exposure "$U1" $W --format json >"$T_TMP/exP.raw"
ok $? "exposure on the PostgreSQL case: exit 0"
norm <"$T_TMP/exP.raw" >"$T_TMP/exP" 2>/dev/null
cmp -s "$T_TMP/exA" "$T_TMP/exP"
ok $? "exposure --format json of the PostgreSQL case equal"
is "$(ls -A "$T_TMP/tmpdir" 2>/dev/null | wc -l)" 0 "nothing was written to TMPDIR"
"$TOUCHLINE" info "$(pg_uri nosuchdb)" 2>"$T_TMP/errP"
is "$?" 1 "info on a database that does not exist: exit 1"
grep -q "^touchline: postgresql:///nosuchdb?.*: cannot connect: .*does not exist" "$T_TMP/errP"
ok $? "... saying so"

# escaping: tabs, newlines, backslashes, CR, NULLs, every byte value
E="$T_TMP/e.db"
cp "$A" "$E"
q "$E" "insert into warning(evidence_id, kind, message) values(1, 'a' || char(9) || 'b', 'line1' || char(10) || 'line2\\N\\t\\\\x' || char(13) || 'é€𝄞');
insert into evidence_meta(evidence_id, key, value) values(1, 'k\\', NULL);
update object set path_bytes = X'$(i=0; while [ $i -lt 256 ]; do printf %02x $i; i=$((i + 1)); done)' where object_id = (select min(object_id) from object);"
is "$(q "$E" "select length(path_bytes) from object where object_id = (select min(object_id) from object)")" 256 "a 256-byte blob in the source"
pg_createdb c2
"$TOUCHLINE" case copy "$E" "$(pg_uri c2)" -q && "$TOUCHLINE" case copy "$(pg_uri c2)" "$T_TMP/e2.db" -q
ok $? "the escaping case there and back"
is "$(q "$T_TMP/e2.db" "select hex(kind) || ' ' || hex(message) from warning where kind like 'a%b'")" \
  "$(q "$E" "select hex(kind) || ' ' || hex(message) from warning where kind like 'a%b'")" "tab, newline, backslashes, CR and UTF-8 text byte for byte"
is "$(q "$T_TMP/e2.db" "select hex(path_bytes) from object where object_id = (select min(object_id) from object)")" \
  "$(q "$E" "select hex(path_bytes) from object where object_id = (select min(object_id) from object)")" "the bytea of bytes 0-255 byte for byte"
is "$(pg_sql c2 "select length(path_bytes) from object where path_bytes is not null and length(path_bytes) = 256")" 256 "PostgreSQL holds it as 256 bytes"
is "$(q "$T_TMP/e2.db" "select count(*) from evidence_meta where key = 'k\\' and value is null")" 1 "NULL stays NULL, a trailing backslash stays"

# roles (docs/POSTGRESQL.md): an examiner adds rows and reads, a reviewer
# only reads; nobody but the owner updates or deletes
pg_sql c1 "CREATE ROLE tl_examiner NOLOGIN; CREATE ROLE tl_reviewer NOLOGIN;
CREATE ROLE alice LOGIN IN ROLE tl_examiner; CREATE ROLE bob LOGIN IN ROLE tl_reviewer;
GRANT USAGE ON SCHEMA public TO tl_examiner, tl_reviewer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO tl_examiner, tl_reviewer;
GRANT INSERT ON ALL TABLES IN SCHEMA public TO tl_examiner;
GRANT UPDATE (status, ended_ns, message, evidence_id, plugins) ON run TO tl_examiner;" >/dev/null
ok $? "the GRANT statements of docs/POSTGRESQL.md"
is "$(pg_sql c1 "SET ROLE bob; SELECT count(*) FROM evidence")" 3 "the reviewer reads"
pg_sql c1 "SET ROLE bob; INSERT INTO warning(warning_id, evidence_id, kind, message) VALUES(999, 1, 'x', 'y')" >/dev/null 2>&1
is "$?" 1 "the reviewer cannot insert"
is "$(pg_sql c1 "SET ROLE alice; BEGIN; INSERT INTO warning(warning_id, evidence_id, kind, message) VALUES(999, 1, 'x', 'y'); SELECT count(*) FROM warning WHERE warning_id = 999; ROLLBACK")" 1 "the examiner inserts"
pg_sql c1 "SET ROLE alice; UPDATE evidence SET division = 'x'" >/dev/null 2>&1
is "$?" 1 "the examiner cannot update an evidence row"
pg_sql c1 "SET ROLE alice; DELETE FROM event" >/dev/null 2>&1
is "$?" 1 "... nor delete events"
"$TOUCHLINE" case copy "$(pg_uri c1 | sed 's/user=postgres/user=bob/')" "$T_TMP/bob.db" -q
is "$?" 0 "the reviewer copies the case out to a file"
is "$(q "$T_TMP/bob.db" "select count(*) from object")" "$(q "$A" "select count(*) from object")" "... all of it"
"$TOUCHLINE" case copy "$A" "$(pg_uri c1 | sed 's/user=postgres/user=bob/')" -q --replace 2>"$T_TMP/errbob"
is "$?" 1 "the reviewer cannot copy into the case"
grep -q 'permission denied' "$T_TMP/errbob"
ok $? "... PostgreSQL says why: $(cat "$T_TMP/errbob")"

# a destination that holds a case
"$TOUCHLINE" case copy "$A" "$U1" -q 2>"$T_TMP/err3"
is "$?" 3 "a PostgreSQL case with rows is refused: exit 3"
grep -q "holds a case.*--replace" "$T_TMP/err3"
ok $? "... saying so: $(cat "$T_TMP/err3")"
"$TOUCHLINE" case copy "$U1" "$B" -q 2>/dev/null
is "$?" 3 "a SQLite case with rows is refused too"
"$TOUCHLINE" case copy "$A" "$U1" -q --replace
is "$?" 0 "--replace empties it and copies"
is "$(pg_sql c1 "select count(*) from evidence")" 3 "still three items, not six"

# PostgreSQL -> PostgreSQL
pg_createdb c3
"$TOUCHLINE" case copy "$U1" "$(pg_uri c3)" -q
is "$?" 0 "PostgreSQL -> PostgreSQL"

# a copy that does not come out equal: nothing is kept
pg_sql c3 "create function tamper() returns trigger language plpgsql as \$\$begin new.name := new.name || 'x'; return new; end\$\$;
create trigger tamper before insert on object for each row execute function tamper(); delete from evidence where label = 'WS22';" >/dev/null
"$TOUCHLINE" case copy "$A" "$(pg_uri c3)" -q --replace 2>"$T_TMP/err4"
is "$?" 1 "a copy whose rows differ: exit 1"
is "$(wc -l <"$T_TMP/err4")" 1 "one line"
grep -q "^touchline case copy: table object differs after the copy: .* has $(q "$A" 'select count(*) from object') rows .*nothing was kept" "$T_TMP/err4"
ok $? "... naming the table: $(cat "$T_TMP/err4")"
is "$(pg_sql c3 "select count(*) from evidence")" 2 "rolled back: the destination is as before"

# a damaged case: a table dropped
pg_sql c1 "drop table evidence_fact" >/dev/null
"$TOUCHLINE" case copy "$A" "$U1" -q --replace 2>"$T_TMP/err5"
is "$?" 1 "a destination without a table: exit 1"
is "$(cat "$T_TMP/err5")" "touchline case copy: $(pg_uri c1): table 'evidence_fact' is missing (a damaged case?)" "the error names it"
"$TOUCHLINE" case copy "$U1" "$T_TMP/d.db" -q 2>"$T_TMP/err6"
is "$?" 1 "the damaged case as a source: exit 1"
grep -q "table 'evidence_fact' is missing" "$T_TMP/err6"
ok $? "... naming the table"
pg_createdb empty
"$TOUCHLINE" case copy "$(pg_uri empty)" "$T_TMP/x.db" -q 2>"$T_TMP/err7"
is "$?" 1 "an empty database is no case"
grep -q "not a touchline case" "$T_TMP/err7"
ok $? "... saying so"
"$TOUCHLINE" case copy "$A" "$(pg_uri nosuchdb)" -q 2>"$T_TMP/err8"
is "$?" 1 "a database that does not exist: exit 1"
grep -q 'cannot connect:.*nosuchdb' "$T_TMP/err8"
ok $? "... libpq's reason, one line"

# a password in the URI: never stored, never printed
PW=Sup3rS3cretPW
pg_createdb c4
U4="postgresql://postgres:$PW@/c4?host=$PG_DIR&password=$PW"
"$TOUCHLINE" case copy "$A" "$U4" >"$T_TMP/out9" 2>&1
is "$?" 0 "a URI with a password (user info and parameter)"
"$PG_BIN/pg_dump" -h "$PG_DIR" -U postgres c4 >"$T_TMP/dump4" 2>/dev/null ||
  pg_dump -h "$PG_DIR" -U postgres c4 >"$T_TMP/dump4"
[ "$(wc -l <"$T_TMP/dump4")" -gt 3000 ] && ! grep -q "$PW" "$T_TMP/dump4"
ok $? "the password is in no row of the case (pg_dump)"
"$TOUCHLINE" case copy "$A" "postgresql://postgres:$PW@/nosuchdb?host=$PG_DIR&password=$PW" 2>"$T_TMP/err10"
! grep -q "$PW" "$T_TMP/err10" "$T_TMP/out9" && grep -q 'postgres:\*\*\*@/nosuchdb?host=.*&password=\*\*\*' "$T_TMP/err10"
ok $? "... nor in a message: $(cat "$T_TMP/err10")"

# usage
"$TOUCHLINE" case copy "$A" 2>/dev/null
is "$?" 2 "one argument: usage, exit 2"
"$TOUCHLINE" case copy "$A" "$A" 2>/dev/null
is "$?" 2 "the same source and destination: exit 2"
done_testing
