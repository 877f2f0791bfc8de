#!/bin/sh
# exFAT stores a UTC offset with each time (and 10 ms counts); TSK ignores
# the offset. An image from mkfs.exfat gets files with chosen times and
# offsets (tests/walk_exfat_image.py writes the entry sets); the case must
# hold the exact UTC instants, the raw fields and the stored offsets, and
# use --fat-tz only where no valid offset is stored.
. "$TL_SRCDIR/tests/lib.sh"
command -v mkfs.exfat >/dev/null || skip_all "mkfs.exfat (exfatprogs) not installed"
command -v fls >/dev/null || skip_all "fls (sleuthkit) not installed"
[ -f /usr/share/zoneinfo/Europe/Berlin ] || skip_all "no tzdata"
IMG="$T_TMP/ex.img"
truncate -s 8M "$IMG"
mkfs.exfat "$IMG" >/dev/null 2>&1 || skip_all "mkfs.exfat failed"
# NAME:CREATE:MODIFY:ACCESS, each YYYYMMDDhhmmss[.cc]@OFFSET-BYTE (hex;
# 0x80 = valid, low 7 bits a signed count of 15 minutes)
"$PYTHON3" "$TL_SRCDIR/tests/walk_exfat_image.py" "$IMG" \
  "a.txt:20230615100003.50@88:20230615103000.57@88:20230615103000@88" \
  "b.txt:20231224235958.99@ec:20231225000000@ec:20231225000000@ec" \
  "c.txt:20200101000000@97:20200101000000@97:20200101000000@97" \
  "d.txt:20230110120000@00:20230710120000@08:20230710120000@00" \
  "e.txt:20230301100000@88:20230301100000@88:20230301090000@84"
ok $? "build the exFAT image"
if command -v fsck.exfat >/dev/null; then
  fsck.exfat -n "$IMG" >/dev/null 2>&1
  ok $? "fsck.exfat finds the image clean"
fi
is "$(fls "$IMG" | grep -c 'r/r .*[abcde]\.txt$')" 5 "fls lists the five files"

CASE="$T_TMP/case.db"
TZ=America/Los_Angeles "$TOUCHLINE" ingest -q --fat-tz Europe/Berlin \
  "$CASE" "$IMG" 2>"$T_TMP/err"
ok $? "ingest with --fat-tz Europe/Berlin"
# a: +02:00, create 10:00:03.50 (10 ms count 150), modify 10:30:00.57
# b: -05:00, create 23:59:58.99 on Dec 24 -> Dec 25 04:59:58.99Z
# c: +05:45 (Nepal), midnight -> 18:15Z the day before
# d: no valid offset (the modify byte 0x08 lacks the valid bit): Berlin,
#    CET in January, CEST in July; modify and access are one instant but
#    their raw values differ (that byte), so they stay two events
# e: modified 10:00 at +02:00 and accessed 09:00 at +01:00, one instant
#    from two wall times: not merged into one event (each keeps its raw
#    value and offset)
is "$(sqlite3 "$CASE" "select o.name, e.macb, e.t_ns, printf('%x', e.raw),
  coalesce(e.tz_offset_s, 'null') from event e join object o
  using(object_id) where o.name like '_.txt' order by o.name, e.macb")" \
"a.txt|...b|1686816003500000000|889656cf5001|7200
a.txt|.a..|1686817800000000000|880056cf53c0|7200
a.txt|m...|1686817800570000000|883956cf53c0|7200
b.txt|...b|1703480398990000000|ec635798bf7d|-18000
b.txt|ma..|1703480400000000000|ec0057990000|-18000
c.txt|ma.b|1577816100000000000|970050210000|20700
d.txt|...b|1673348400000000000|562a6000|null
d.txt|.a..|1688983200000000000|56ea6000|null
d.txt|m...|1688983200000000000|80056ea6000|null
e.txt|.a..|1677657600000000000|840056614800|3600
e.txt|m..b|1677657600000000000|880056615000|7200" \
  "exact UTC instants, raw fields and stored offsets"
is "$(sqlite3 "$CASE" "select count(*) from warning")" 0 "no warnings"
done_testing
