#!/bin/sh
# FAT local times converted in the --fat-tz zone by the library (base/tz.c)
# from the raw directory entries, without the process TZ: compared with
# `fls -z ZONE` and `istat -z ZONE` on the corpus FAT images in two zones,
# exact instants and raw values of the DST test image, and an unknown zone
# refused before anything is written.
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
command -v fls >/dev/null || skip_all "fls (sleuthkit) not installed"
[ -f /usr/share/zoneinfo/Europe/Berlin ] || skip_all "no tzdata"
B="$TL_CORPUS/sleuthkit_test_data/from_brian"
DAY=$(unzip_corpus "$B/5-fat-daylight.zip" daylight.dd)
[ -n "$DAY" ] || skip_all "daylight.dd not in the corpus"
q() { sqlite3 "$1" "$2"; }

# an unknown zone: refused, the case untouched (not even created)
"$TOUCHLINE" ingest --fat-tz Europe/Berln "$T_TMP/bad.db" "$DAY" \
  >/dev/null 2>"$T_TMP/err"
rc=$?
ok $((rc == 0)) "unknown zone: non-zero exit ($rc)"
is "$(cat "$T_TMP/err")" "touchline ingest: --fat-tz Europe/Berln: unknown time zone" \
  "unknown zone: one line naming the option, the zone and the cause"
ok $(test ! -e "$T_TMP/bad.db"; echo $?) "unknown zone: no case file created"
"$TOUCHLINE" ingest -q "$T_TMP/one.db" "$DAY" 2>/dev/null
"$TOUCHLINE" ingest -q --fat-tz ../../etc/passwd --label x "$T_TMP/one.db" \
  "$DAY" 2>"$T_TMP/err"
ok $((rc == 0)) "path-like zone refused"
is "$(q "$T_TMP/one.db" "select count(*) from evidence; select count(*) from run")" \
  "1
1" "an existing case is left as it was"

# exact instants: winter.txt created 2004-01-01 14:00 EST, summer.txt
# 2004-06-01 15:00 EDT (README of the image): 19:00:01.34Z and 19:00:01.62Z,
# accessed (a date only) 05:00Z and 04:00Z; raw = 10ms<<32 | date<<16 | time
# The process TZ must not matter.
TZ=Asia/Tokyo "$TOUCHLINE" ingest -q --fat-tz America/New_York \
  "$T_TMP/ny.db" "$DAY" 2>/dev/null
is "$(q "$T_TMP/ny.db" "select o.name, e.macb, e.t_ns, e.raw, coalesce(e.tz_offset_s, 'null')
  from event e join object o using(object_id) order by o.name, e.macb")" \
"summer.txt|...b|1086116401620000000|696602687488|null
summer.txt|.a..|1086062400000000000|817954816|null
summer.txt|m...|1086116404000000000|817985538|null
winter.txt|...b|1072983601340000000|576333115392|null
winter.txt|.a..|1072933200000000000|807469056|null
winter.txt|m...|1072983602000000000|807497729|null" \
  "daylight.dd in America/New_York: EST and EDT instants to 10 ms, raw values"

# A wall-clock time in the autumn overlap (02:30 on 2021-10-31 happened
# twice in Berlin): the documented rule takes the offset before the change,
# the earlier instant 00:30Z, for every time of the entry. (TSK's mktime()
# gives 01:30Z for the modified and 00:30Z for the created time of the same
# entry: its answer depends on the calls before.)
if command -v mcopy >/dev/null && command -v mkfs.vfat >/dev/null; then
  IMG="$T_TMP/overlap.img"
  truncate -s 16M "$IMG"
  mkfs.vfat -F 16 "$IMG" >/dev/null
  echo x >"$T_TMP/ov"
  touch -d "2021-10-31T00:30:00Z" "$T_TMP/ov"
  TZ=Europe/Berlin MTOOLS_SKIP_CHECK=1 mcopy -m -i "$IMG" "$T_TMP/ov" ::
  "$TOUCHLINE" ingest -q --fat-tz Europe/Berlin "$T_TMP/ov.db" "$IMG" \
    2>/dev/null
  is "$(q "$T_TMP/ov.db" "select e.t_ns, printf('%x', e.raw) from event e
    join object o using(object_id) where o.name='ov' and e.macb like 'm%'")" \
    "1635640200000000000|535f13c0" \
    "DST overlap: 02:30 on 2021-10-31 in Berlin is the earlier 00:30Z"
  # FAT32 (the root is a cluster chain), files two directories down,
  # written in New York time
  IMG="$T_TMP/f32.img"
  truncate -s 40M "$IMG"
  mkfs.vfat -F 32 "$IMG" >/dev/null
  echo a >"$T_TMP/fa"
  touch -d "2019-07-04T12:34:56Z" "$T_TMP/fa"
  MTOOLS_SKIP_CHECK=1 mmd -i "$IMG" ::d1 ::d1/d2
  TZ=America/New_York MTOOLS_SKIP_CHECK=1 mcopy -m -i "$IMG" "$T_TMP/fa" \
    ::d1/d2/
  "$TOUCHLINE" ingest -q --fat-tz America/New_York "$T_TMP/f32.db" "$IMG" \
    2>/dev/null
  is "$(q "$T_TMP/f32.db" "select e.t_ns from event e join object o
    using(object_id) where o.path='/d1/d2/fa' and e.macb like 'm%'")" \
    "1562243696000000000" "FAT32: /d1/d2/fa modified 2019-07-04T12:34:56Z"
else
  ok 0 "DST overlap # SKIP mtools or dosfstools not installed"
  ok 0 "FAT32 # SKIP mtools or dosfstools not installed"
fi

n=$T_N
for spec in 5-fat-daylight.zip:daylight.dd 6-undel-fat.zip:6-fat-undel.dd \
            2-kwsrch-fat.zip:fat-img-kw.dd 9-fat-label.zip:9-fat-label.dd; do
  img=$(unzip_corpus "$B/${spec%%:*}" "${spec##*:}")
  for zone in America/New_York Europe/Berlin; do
    db="$T_TMP/$(basename "$img" .dd)-$(echo $zone | tr / _).db"
    TZ=Pacific/Auckland "$TOUCHLINE" ingest -q --fat-tz "$zone" "$db" "$img" \
      2>/dev/null
    ok $? "ingest ${spec##*:} with --fat-tz $zone"
    n=$((n + 1))
    T_N=$n
    "$PYTHON3" "$TL_SRCDIR/tests/walk_fat_check.py" "$db" "$img" "$zone" "$n" \
      >"$T_TMP/out" || T_FAIL=$((T_FAIL + 1))
    sed '$d' "$T_TMP/out"
    n=$(tail -n 1 "$T_TMP/out")
    T_N=$n
  done
done
done_testing
