#!/bin/sh
# Issue 8: an image shorter than its file system ingests with a warning that
# names the missing byte range, and the item is marked incomplete.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
B="$TL_CORPUS/sleuthkit_test_data/from_brian"
NTFS=$(unzip_corpus "$B/7-undel-ntfs.zip" 7-ntfs-undel.dd)
FAT=$(unzip_corpus "$B/6-undel-fat.zip" 6-fat-undel.dd)
[ -n "$NTFS" ] && [ -n "$FAT" ] || skip_all "DFTT images not in the corpus"
q() { sqlite3 "$1" "$2"; }

# the whole NTFS image: complete, no warning
"$TOUCHLINE" ingest -q "$T_TMP/full.db" "$NTFS" 2>/dev/null
ok $? "ingest the whole NTFS image"
is "$(q "$T_TMP/full.db" "select coalesce(incomplete, 'complete') from evidence;
  select count(*) from warning")" "complete
0" "the whole image is complete, no warning"

# NTFS cut at 5500000 bytes (the file system has 6160384)
head -c 5500000 "$NTFS" >"$T_TMP/ntfs-cut.dd"
"$TOUCHLINE" ingest "$T_TMP/ntfs.db" "$T_TMP/ntfs-cut.dd" 2>"$T_TMP/err"
ok $? "a truncated NTFS image ingests (exit 0)"
MSG="ntfs file system at offset 0 is 6160384 bytes long and ends at byte 6160384, but the image ends at byte 5500000: bytes 5500000-6160383 (660384 bytes) are missing"
is "$(q "$T_TMP/ntfs.db" "select kind || ': ' || message from warning")" \
  "truncated: $MSG" "warning names the missing byte range"
is "$(q "$T_TMP/ntfs.db" "select incomplete from evidence")" "$MSG" \
  "evidence.incomplete says why"
is "$(q "$T_TMP/ntfs.db" "select n_objects from evidence")" \
  "$(q "$T_TMP/full.db" "select n_objects from evidence")" \
  "what the image still holds is ingested (32 objects)"
ok $(grep -q "warnings: see" "$T_TMP/err"; echo $?) \
  "the ingest says there are warnings"

# FAT16 cut at 3000000 bytes
head -c 3000000 "$FAT" >"$T_TMP/fat-cut.dd"
"$TOUCHLINE" ingest -q "$T_TMP/fat.db" "$T_TMP/fat-cut.dd" 2>/dev/null
ok $? "a truncated FAT image ingests"
is "$(q "$T_TMP/fat.db" "select incomplete from evidence")" \
  "fat16 file system at offset 0 is 6160896 bytes long and ends at byte 6160896, but the image ends at byte 3000000: bytes 3000000-6160895 (3160896 bytes) are missing" \
  "FAT: the missing range"
# The DFTT FAT image itself is one sector shorter than its file system says
# (fsstat: total range 0-12032, in image 0-12031)
"$TOUCHLINE" ingest -q "$T_TMP/fatfull.db" "$FAT" 2>/dev/null
is "$(q "$T_TMP/fatfull.db" "select incomplete from evidence")" \
  "fat16 file system at offset 0 is 6160896 bytes long and ends at byte 6160896, but the image ends at byte 6160384: bytes 6160384-6160895 (512 bytes) are missing" \
  "the original DFTT FAT image lacks its last sector: said"
done_testing
