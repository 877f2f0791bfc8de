#!/usr/bin/env bash
# bench/fn-derive-check.sh -- can a case's $FILE_NAME event rows be derived
# from its ntfs_filename rows, exactly? The groundwork for schema version 5
# (docs/internals/WRITE-PATH.md, "the next lever, $FILE_NAME events
# derived"): run on a case made by the current ingest,
#
#     bench/fn-derive-check.sh CASE.db
#
# it builds the derived rows with the SQL a schema-5 view would use (four
# positions per $FILE_NAME, m a c b as Tl_walk_emit orders them, one row
# per distinct non-zero raw FILETIME, its letters the positions holding
# that value, the ns and `clamped` as Tl_filetime_to_ns computes them,
# `k` the row's rank among its $FILE_NAME's rows) and compares them with
# the stored '$FN' rows, every column but event_id; event_id is checked as
# "first id of the $FILE_NAME's rows + k", and the ids of one $FILE_NAME
# as contiguous and after every other event row of its object (so a
# stored first id per $FILE_NAME gives every id back). Prints the counts
# and exits 1 on any difference. Needs the sqlite3 shell; reads only.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 CASE.db" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "$0: needs sqlite3" >&2; exit 2; }
[ -f "$1" ] || { echo "$0: $1: no such case" >&2; exit 2; }

cols="object_id, evidence_id, t_ns, source, macb, attr_id, raw, clamped,
fn_ord, tz_offset_s, k"
out=$(sqlite3 -readonly -separator ' ' "$1" <<SQL
CREATE TEMP VIEW fn_derived AS
WITH p(pos) AS (VALUES(0),(1),(2),(3)),
x AS (SELECT n.object_id, o.evidence_id, n.ord, n.attr_id, n.mtime_raw m,
        n.atime_raw a, n.ctime_raw c, n.crtime_raw b, pos,
        CASE pos WHEN 0 THEN n.mtime_raw WHEN 1 THEN n.atime_raw
          WHEN 2 THEN n.ctime_raw ELSE n.crtime_raw END r
      FROM ntfs_filename n JOIN object o USING(object_id), p)
SELECT object_id, evidence_id,
  CASE WHEN r < 0 OR r - 116444736000000000 > 92233720368547758
         THEN 9223372036854775807
       WHEN r - 116444736000000000 < -92233720368547758
         THEN -9223372036854775807 - 1
       ELSE (r - 116444736000000000) * 100 END t_ns,
  '\$FN' source,
  iif(m = r, 'm', '.') || iif(a = r, 'a', '.') || iif(c = r, 'c', '.') ||
    iif(b = r, 'b', '.') macb,
  attr_id, r raw,
  (r < 0 OR r - 116444736000000000 > 92233720368547758 OR
   r - 116444736000000000 < -92233720368547758) clamped,
  ord fn_ord, NULL tz_offset_s,
  (pos > 0 AND m <> 0) + (pos > 1 AND a <> 0 AND a <> m) +
    (pos > 2 AND c <> 0 AND c <> m AND c <> a) k
FROM x
WHERE r <> 0 AND NOT (pos > 0 AND r = m) AND NOT (pos > 1 AND r = a)
  AND NOT (pos > 2 AND r = c);
CREATE TEMP TABLE fn_stored AS
SELECT e.*, e.event_id - min(e.event_id) OVER
  (PARTITION BY e.object_id, e.fn_ord) k
FROM event e WHERE source = '\$FN';
SELECT 'stored', count(*) FROM fn_stored;
SELECT 'derived', count(*) FROM fn_derived;
SELECT 'stored-not-derived', count(*) FROM
  (SELECT $cols FROM fn_stored EXCEPT SELECT $cols FROM fn_derived);
SELECT 'derived-not-stored', count(*) FROM
  (SELECT $cols FROM fn_derived EXCEPT SELECT $cols FROM fn_stored);
SELECT 'ids-not-contiguous', count(*) FROM
  (SELECT max(event_id) - min(event_id) + 1 - count(*) d FROM fn_stored
   GROUP BY object_id, fn_ord) WHERE d <> 0;
SELECT 'ids-before-other-rows', count(*) FROM fn_stored f WHERE EXISTS
  (SELECT 1 FROM event s WHERE s.object_id = f.object_id
   AND s.source <> '\$FN' AND s.event_id > f.event_id);
SQL
)
printf '%s\n' "$out"
printf '%s\n' "$out" | awk '
  $1 == "stored" { s = $2 } $1 == "derived" { d = $2 }
  $1 ~ /not|before/ && $2 != 0 { bad = 1 }
  END { exit (bad || s != d) }'
