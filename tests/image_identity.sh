#!/bin/sh
# Content read after ingest (hash targets) reopens the evidence by the
# real_path recorded at ingest, from any working directory, and only when
# the file is still the one ingested: size and mtime as recorded, or (mtime
# changed) the SHA-256 recorded at ingest. Another file now at that path is
# refused by name and nothing of it is hashed into the case.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
NTFS=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/7-undel-ntfs.zip" 7-ntfs-undel.dd)
JPEG=$(unzip_corpus "$TL_CORPUS/sleuthkit_test_data/from_brian/8-jpeg-search.zip" 8-jpeg-search.dd)
[ -f "$NTFS" ] && [ -f "$JPEG" ] || skip_all "test images not found in the corpus"
SING1=$(icat "$NTFS" 31 | sha256sum | cut -d' ' -f1)
printf 'name,sha256,partner\n,%s,Acme\n' "$SING1" >"$T_TMP/targets.csv"
mkdir -p "$T_TMP/a" "$T_TMP/b"
q() { sqlite3 "$1" "$2"; }
matched() { # CASE -> paths matched by content
  q "$1" "SELECT group_concat(o.path) FROM target_match m JOIN object o USING(object_id)"
}
hashed() { q "$1" "SELECT count(*) FROM object_hash"; }
import() { # CASE -> status; stderr in $T_TMP/err
  (cd "$T_TMP/b" && "$TOUCHLINE" targets "$1" import "$T_TMP/targets.csv" 2>"$T_TMP/err")
}
# setup CASE [--no-hash]: a case with the image ingested as a relative path
# from directory a
setup() {
  cp "$NTFS" "$T_TMP/a/ev.dd"
  (cd "$T_TMP/a" && "$TOUCHLINE" ingest -q ${2:-} -l EV "$1" ev.dd)
}

# -- from another directory: the recorded real path is used ---------------
setup "$T_TMP/c1.db"
ok $? "ingested as the relative path ev.dd from directory a"
is "$(q "$T_TMP/c1.db" "SELECT path||' '||real_path FROM evidence_file")" "ev.dd $T_TMP/a/ev.dd" \
   "the path as typed and the absolute real path are recorded"
import "$T_TMP/c1.db"
ok $? "targets imported from directory b"
is "$(matched "$T_TMP/c1.db")" "/sing1.dat" "the content target matches /sing1.dat (sha256 of icat inode 31)"
is "$(q "$T_TMP/c1.db" "SELECT sha256 FROM object_hash h JOIN object o USING(object_id) WHERE o.path='/sing1.dat'")" \
   "$SING1" "the content hash of /sing1.dat is kept"

# Since 2026-12-03 an image that is not at hand no longer fails the import:
# the register is imported and matched, its files are left unhashed, and a
# warning says which and why (docs/TARGETS.md, "Matching"; exit 0).

# -- another image now at that path: refused, nothing hashed ---------------
setup "$T_TMP/c2.db"
cp "$JPEG" "$T_TMP/a/ev.dd"
import "$T_TMP/c2.db"
rc=$?
is "$rc" 0 "another image at the path: the import goes on (exit 0)"
grep -qF "evidence EV: image file $T_TMP/a/ev.dd is not the file that was ingested: $(stat -c %s "$NTFS") bytes then, $(stat -c %s "$JPEG") now" "$T_TMP/err"
ok $? "another image: the message names the file and the sizes"
is "$(hashed "$T_TMP/c2.db")/$(matched "$T_TMP/c2.db")" "0/" "another image: nothing hashed, nothing matched"
(cd "$T_TMP/a" && "$TOUCHLINE" targets "$T_TMP/c2.db" import "$T_TMP/targets.csv" 2>/dev/null)
is "$(hashed "$T_TMP/c2.db")" 0 "another image: not hashed from the directory of the ingest either"

# -- the same size, one byte changed (mtime changes too) --------------------
setup "$T_TMP/c3.db"
printf 'x' | dd of="$T_TMP/a/ev.dd" bs=1 seek=6160000 conv=notrunc status=none
touch -d '2001-02-03 04:05:06' "$T_TMP/a/ev.dd"
import "$T_TMP/c3.db"
ok $? "one byte changed: the import goes on"
grep -q "image file $T_TMP/a/ev.dd is not the file that was ingested: SHA-256 $(sha256sum <"$NTFS" | cut -d' ' -f1) then, $(sha256sum <"$T_TMP/a/ev.dd" | cut -d' ' -f1) now (mtime .* then, 2001-02-03T04:05:06.000000000Z now)" "$T_TMP/err"
ok $? "one byte changed: the message gives both SHA-256 and both mtimes"
is "$(hashed "$T_TMP/c3.db")" 0 "one byte changed: nothing hashed"

# -- a copy with the same content and a new mtime: accepted by its SHA-256 -
setup "$T_TMP/c4.db"
cp "$NTFS" "$T_TMP/a/ev.dd.new" && mv "$T_TMP/a/ev.dd.new" "$T_TMP/a/ev.dd"
touch -d '2001-02-03 04:05:06' "$T_TMP/a/ev.dd"
import "$T_TMP/c4.db"
ok $? "same content, other mtime: imported (the recorded SHA-256 matches)"
is "$(matched "$T_TMP/c4.db")" "/sing1.dat" "same content, other mtime: the target matches"

# -- without a recorded SHA-256 a changed mtime is refused -----------------
setup "$T_TMP/c5.db" --no-hash
touch -d '2001-02-03 04:05:06' "$T_TMP/a/ev.dd"
import "$T_TMP/c5.db"
ok $? "--no-hash, mtime changed: the import goes on"
grep -q "image file $T_TMP/a/ev.dd was modified (mtime .* then, 2001-02-03T04:05:06.000000000Z now) and no SHA-256 was recorded at ingest (--no-hash)" "$T_TMP/err"
ok $? "--no-hash, mtime changed: says so, naming the file"
is "$(hashed "$T_TMP/c5.db")" 0 "--no-hash, mtime changed: nothing hashed"

# -- the file is gone ---------------------------------------------------------
setup "$T_TMP/c6.db"
rm "$T_TMP/a/ev.dd"
import "$T_TMP/c6.db"
ok $? "image file removed: the import goes on"
grep -qF "evidence EV: image file $T_TMP/a/ev.dd (ingested as ev.dd) cannot be opened: No such file or directory" "$T_TMP/err"
ok $? "image file removed: the message names it"
grep -q "warning: 1 hash row may match file(s) whose content could not be read" "$T_TMP/err"
ok $? "image file removed: the coverage says the content-only row may be on it"
is "$(hashed "$T_TMP/c6.db")/$(matched "$T_TMP/c6.db")" "0/" "image file removed: nothing hashed, nothing matched"
done_testing
