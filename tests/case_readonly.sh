#!/bin/sh
# Readers never write: info, timeline and exposure leave the case file
# byte for byte as it was; exposure works on a read-only case in a
# read-only folder and gives the same report. Readers do not migrate an
# older case (they name the command that does); writers do, and say so.
# Files that are not touchline cases are refused by name and not touched.
. "$TL_SRCDIR/tests/lib.sh"
S="$TL_SRCDIR/samples"
D="$T_TMP/case"
CASE="$D/case.db"
mkdir -p "$D"
sum() { sha256sum "$1" | cut -d' ' -f1; }
q() { sqlite3 "$CASE" "$1"; }
while IFS="$(printf '\t')" read -r label division image; do
  case $label in ''|'#'*) continue ;; esac
  "$TOUCHLINE" ingest -q -l "$label" -d "$division" "$CASE" "$S/$image" || break
done <"$S/evidence.tsv"
"$TOUCHLINE" divisions "$CASE" import "$S/shares.csv" 2>/dev/null &&
  "$TOUCHLINE" targets "$CASE" import "$S/targets.csv" 2>/dev/null
ok $? "the sample case: three items, share map, register"
is "$(q 'PRAGMA application_id; PRAGMA user_version; PRAGMA journal_mode')" "1953260385
4
wal" "a version-4 case: application_id 'tlca', user_version 4, WAL"
hashed=$(q 'SELECT count(*) FROM object_hash')
ok "$([ "$hashed" -gt 0 ]; echo $?)" "copy candidates were hashed when the register was matched ($hashed)"

mkdir -m 777 "$T_TMP/out"
chmod 755 "$T_TMP"
before=$(sum "$CASE")
W="--from 2023-06-05 --to 2023-06-21"
"$TOUCHLINE" info "$CASE" >/dev/null && "$TOUCHLINE" info --json "$CASE" >/dev/null
ok $? "info, text and JSON"
is "$(sum "$CASE")" "$before" "info leaves the case file unchanged"
"$TOUCHLINE" timeline "$CASE" >"$T_TMP/tl.txt"
ok $? "timeline"
is "$(sum "$CASE")" "$before" "timeline leaves the case file unchanged"
for f in json text csv; do
  # shellcheck disable=SC2086
  "$TOUCHLINE" exposure "$CASE" $W --format $f -o "$T_TMP/out/rw.$f" || echo "exposure $f failed"
done >"$T_TMP/err"
is "$(cat "$T_TMP/err")" "" "exposure, json text csv"
is "$(sum "$CASE")" "$before" "exposure leaves the case file unchanged"
is "$(q 'SELECT count(*) FROM object_hash')" "$hashed" "exposure hashed nothing"

# the same case, read-only, in a read-only folder (as nobody when root:
# root ignores permissions)
ls "$D" | grep -v '^case.db$' >"$T_TMP/extra"
is "$(cat "$T_TMP/extra")" "" "no -wal or -shm file left beside the case"
chmod a-w "$CASE" "$D"
as_reader() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null; then
  for f in json text csv; do
    # shellcheck disable=SC2086
    as_reader "$TOUCHLINE" exposure "$CASE" $W --format $f -o "$T_TMP/out/ro.$f" 2>>"$T_TMP/err2" ||
      echo "exposure $f failed" >>"$T_TMP/err2"
  done
  is "$(cat "$T_TMP/err2")" "" "exposure on the read-only case"
  for f in ro rw; do
    sed 's/"generated_ns":[0-9]*,"generated":"[^"]*"//' "$T_TMP/out/$f.json" 2>&1 >"$T_TMP/$f.json.cmp"
    grep -v '^  Generated: ' "$T_TMP/out/$f.text" >"$T_TMP/$f.text.cmp" 2>&1
  done
  cmp -s "$T_TMP/ro.json.cmp" "$T_TMP/rw.json.cmp" && [ -s "$T_TMP/rw.json.cmp" ]
  ok $? "JSON report identical apart from its generation time"
  cmp -s "$T_TMP/ro.text.cmp" "$T_TMP/rw.text.cmp" && [ -s "$T_TMP/rw.text.cmp" ]
  ok $? "text report identical apart from its generation time"
  cmp -s "$T_TMP/out/ro.csv" "$T_TMP/out/rw.csv"
  ok $? "CSV report identical"
  as_reader "$TOUCHLINE" info "$CASE" >"$T_TMP/out/info.txt" 2>&1
  ok $? "info on the read-only case"
else
  ok 0 "read-only case # SKIP needs setpriv to drop root's privileges"
fi
is "$(sum "$CASE")" "$before" "the read-only case is unchanged"
chmod u+w "$CASE" "$D"

# a version-2 case (built from the version-1 and -2 schema of schema.c)
"$PYTHON3" - "$TL_SRCDIR/src/lib/store/schema.c" "$T_TMP/v2.sql" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
def lit(name):
    body = re.search(r"const char %s\[\] =(.*?);\n" % name, src, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return "".join(bytes(s, "ascii").decode("unicode_escape") for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body))
with open(sys.argv[2], "w") as f:
    f.write(lit("Tl_schema_v1") + lit("Tl_index_create") + lit("Tl_schema_v2_delta"))
    f.write("INSERT INTO case_meta VALUES('schema_version','2');PRAGMA user_version=2;\n")
PY
V2="$T_TMP/v2.db"
sqlite3 "$V2" <"$T_TMP/v2.sql"
v2sum=$(sum "$V2")
for cmd in "info" "timeline" "exposure $W"; do
  # shellcheck disable=SC2086
  "$TOUCHLINE" $cmd "$V2" >/dev/null 2>"$T_TMP/err"
  rc=$?
  c1=${cmd%% *}
  if [ "$c1" = timeline ]; then
    # the timeline (moving into the library) reads tables unchanged since v1
    ok "$([ $rc -eq 0 ] || grep -q "touchline upgrade" "$T_TMP/err"; echo $?)" "timeline on a v2 case: works or names the upgrade"
  else
    is "$rc" 1 "$c1 on a version-2 case: refused"
    grep -q "case schema version 2 is older .*\`touchline upgrade $V2\` upgrades it" "$T_TMP/err"
    ok $? "$c1: the message names the command that upgrades it"
  fi
  is "$(sum "$V2")" "$v2sum" "$c1 does not change the version-2 case"
done
"$TOUCHLINE" upgrade "$V2" 2>"$T_TMP/err"
ok $? "touchline upgrade"
is "$(cat "$T_TMP/err")" "touchline: $V2: upgraded the case from schema version 2 to 4" "upgrade says so on stderr"
is "$(sqlite3 "$V2" 'PRAGMA user_version; PRAGMA application_id')" "4
1953260385" "the case is now version 4"
"$TOUCHLINE" info "$V2" >/dev/null
ok $? "info reads the upgraded case"
sqlite3 "$T_TMP/v2b.db" <"$T_TMP/v2.sql"
"$TOUCHLINE" ingest -q "$T_TMP/v2b.db" "$S/evidence/WS17.E01" 2>"$T_TMP/err"
ok $? "ingest into a version-2 case"
is "$(cat "$T_TMP/err")" "touchline: $T_TMP/v2b.db: upgraded the case from schema version 2 to 4" "ingest says it upgraded the case"

# not a touchline case: another application's database, whatever its
# user_version; an empty file; a folder; a missing path
sqlite3 "$T_TMP/other.db" "PRAGMA application_id=1234; PRAGMA user_version=3; CREATE TABLE case_meta(key, value); INSERT INTO case_meta VALUES('schema_version','3')"
sqlite3 "$T_TMP/plain.db" "PRAGMA user_version=3; CREATE TABLE t(a)"
: >"$T_TMP/empty.db"
mkdir "$T_TMP/folder.db"
for f in other plain; do
  s0=$(sum "$T_TMP/$f.db")
  "$TOUCHLINE" info "$T_TMP/$f.db" >/dev/null 2>"$T_TMP/err"
  is "$?" 1 "info on $f.db: refused"
  grep -q "$f.db: not a touchline case" "$T_TMP/err"
  ok $? "$f.db: named, 'not a touchline case'"
  "$TOUCHLINE" ingest -q "$T_TMP/$f.db" "$S/evidence/WS17.E01" 2>"$T_TMP/err"
  is "$?" 1 "ingest into $f.db: refused"
  is "$(sum "$T_TMP/$f.db")" "$s0" "$f.db is not touched"
done
grep -q "another application, application_id 0x000004d2" "$T_TMP/err" ||
  "$TOUCHLINE" info "$T_TMP/other.db" 2>&1 | grep -q "another application, application_id 0x000004d2"
ok $? "another application's database: its application_id is named"
"$TOUCHLINE" info "$T_TMP/empty.db" >/dev/null 2>"$T_TMP/err"
is "$?" 1 "info on a 0-byte file: refused"
grep -q "empty.db: not a touchline case (an empty database)" "$T_TMP/err"
ok $? "0-byte file: says it is empty"
is "$(wc -c <"$T_TMP/empty.db" | tr -d ' ') $(ls "$T_TMP" | grep -c '^empty.db-')" "0 0" "the 0-byte file stays empty, nothing beside it"
"$TOUCHLINE" info "$T_TMP/missing.db" >/dev/null 2>"$T_TMP/err"
is "$?" 1 "info on a missing path: exit 1"
ok "$([ ! -e "$T_TMP/missing.db" ]; echo $?)" "a missing case is not created"
"$TOUCHLINE" info "$T_TMP/folder.db" >/dev/null 2>"$T_TMP/err"
is "$?" 1 "info on a folder: exit 1"
grep -q "folder.db: is a directory, not a case database" "$T_TMP/err"
ok $? "a folder: says it is a directory"
"$TOUCHLINE" ingest -q "$T_TMP/folder.db" "$S/evidence/WS17.E01" 2>"$T_TMP/err"
grep -q "folder.db: is a directory, not a case database" "$T_TMP/err"
ok $? "ingest into a folder: says it is a directory"
done_testing
