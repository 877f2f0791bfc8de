#!/usr/bin/env bash
# bench/same-case.sh -- are two cases the same item for item? For a change
# to the ingest's write path (docs/internals/WRITE-PATH.md): ingest one
# image with the old build and with the new one, then
#
#     bench/same-case.sh OLD.db NEW.db
#
# dumps the tables an ingest fills (object, event, ntfs_filename, volume,
# filesystem, warning, evidence_meta) of each case, every column with its
# ids, ordered by primary key, and compares them table by table. Prints one
# line per table (rows, MD5 of the dump, "same" or "DIFFERS") and exits 1
# when any table differs. Times of the run itself (evidence.ingested_ns,
# run.*) are not compared. Needs the sqlite3 shell.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 OLD.db NEW.db" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "$0: needs sqlite3" >&2; exit 2; }
for f in "$1" "$2"; do
    [ -f "$f" ] || { echo "$0: $f: no such case" >&2; exit 2; }
done

# table -> ORDER BY (its primary key)
tables="object:object_id event:event_id ntfs_filename:object_id,attr_id
volume:volume_id filesystem:fs_id warning:warning_id
evidence_meta:evidence_id,key"
evidence_cols="evidence_id, label, division, container_type, media_size,
sector_size, md5, sha1, sha256, stored_md5, stored_sha1, verification,
read_errors, fat_tz, n_objects, n_events, n_corrupt"

dump() {   # DB TABLE ORDER
    sqlite3 -readonly -batch -noheader -separator '|' -nullvalue '<NULL>' "$1" \
        "SELECT * FROM $2 ORDER BY $3" | md5sum | cut -d' ' -f1
}
count() { sqlite3 -readonly -batch "$1" "SELECT count(*) FROM $2"; }

bad=0
for t in $tables evidence; do
    if [ "$t" = evidence ]; then
        a=$(sqlite3 -readonly -batch -separator '|' -nullvalue '<NULL>' "$1" \
            "SELECT $evidence_cols FROM evidence ORDER BY evidence_id" | md5sum | cut -d' ' -f1)
        b=$(sqlite3 -readonly -batch -separator '|' -nullvalue '<NULL>' "$2" \
            "SELECT $evidence_cols FROM evidence ORDER BY evidence_id" | md5sum | cut -d' ' -f1)
        name=evidence
    else
        name=${t%%:*}
        a=$(dump "$1" "$name" "${t#*:}")
        b=$(dump "$2" "$name" "${t#*:}")
    fi
    na=$(count "$1" "$name"); nb=$(count "$2" "$name")
    if [ "$a" = "$b" ] && [ "$na" = "$nb" ]; then
        printf '%-14s %9s rows  %s  same\n' "$name" "$na" "$a"
    else
        printf '%-14s %9s/%s rows  %s/%s  DIFFERS\n' "$name" "$na" "$nb" "$a" "$b"
        bad=1
    fi
done
exit $bad
