#!/usr/bin/env python3
"""Checks on `touchline timeline` output, used by tests/timeline.sh.

usage: timeline_check.py MODE FILE [ARGS...]
Prints '# ...' lines explaining a failure and exits 1; exits 0 when fine.
"""
import csv
import datetime
import json
import re
import sys

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)


def unneutralise(cell):
    """Undo the formula guard of docs/TIMELINE.md: drop one leading
    apostrophe when apostrophes and then one of = + - @ TAB CR start the
    cell."""
    if re.match(r"^'+[=+\-@\t\r]", cell):
        return cell[1:]
    return cell


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


CSV_HEADER = ["datetime", "timestamp_desc", "macb", "source", "division",
              "evidence", "volume", "filesystem", "path", "name", "inode",
              "tsk_addr", "size", "deleted", "alloc", "description", "t_ns",
              "clamped", "raw"]


def mode_csv(path, n_events, *expect):
    """Header, row count, order, then exact rows: each expect argument is
    'col=value|col=value' and must match exactly one row."""
    rows = read_csv(path)
    check(rows and rows[0] == CSV_HEADER, "header: %r" % (rows[:1],))
    body = [dict(zip(CSV_HEADER, r)) for r in rows[1:]]
    check(all(len(r) == len(CSV_HEADER) for r in rows),
          "a row does not have %d cells" % len(CSV_HEADER))
    check(len(body) == int(n_events),
          "rows: %d, events in the case: %s" % (len(body), n_events))
    keys = [(int(r["t_ns"]), r["evidence"], unneutralise(r["path"]))
            for r in body]
    check(keys == sorted(keys),
          "rows not sorted by time, evidence, path")
    for r in body:
        # datetime and t_ns must say the same instant
        t = int(r["t_ns"])
        m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{7}|\d{9})Z$",
                     r["datetime"])
        if not m:
            check(False, "datetime %r not ISO 8601 UTC with 7/9 digits"
                  % r["datetime"])
            continue
        sec = int(datetime.datetime.fromisoformat(m.group(1)).replace(
            tzinfo=datetime.timezone.utc).timestamp())
        frac = int(m.group(2).ljust(9, "0"))
        check(sec * 10**9 + frac == t, "datetime %s != t_ns %d"
              % (r["datetime"], t))
    for e in expect:
        want = dict(kv.split("=", 1) for kv in e.split("|"))
        hits = [r for r in body
                if all(r.get(k) == v for k, v in want.items())]
        check(len(hits) == 1, "expected exactly one row with %r, got %d"
              % (want, len(hits)))


def mode_jsonl(path, n_events):
    n = 0
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                o = json.loads(line)
            except ValueError as exc:
                check(False, "line %d: %s" % (i, exc))
                continue
            n += 1
            for k in ("message", "datetime", "timestamp_desc", "timestamp",
                      "path", "evidence", "macb", "t_ns", "timezone",
                      "clamped", "raw"):
                check(k in o, "line %d lacks %s" % (i, k))
            if "datetime" not in o:
                continue
            dt = datetime.datetime.fromisoformat(o["datetime"])
            us = (dt - datetime.datetime(1970, 1, 1,
                                         tzinfo=datetime.timezone.utc)) \
                // datetime.timedelta(microseconds=1)
            check(us == o["timestamp"], "line %d: datetime %s != timestamp %d"
                  % (i, o["datetime"], o["timestamp"]))
            check(o["timestamp"] == o["t_ns"] // 1000,
                  "line %d: timestamp is not t_ns in microseconds" % i)
            check(o["message"] and o["timestamp_desc"],
                  "line %d: empty message or timestamp_desc" % i)
    check(n == int(n_events), "lines: %d, events: %s" % (n, n_events))


L2T_HEADER = ["date", "time", "timezone", "MACB", "source", "sourcetype",
              "type", "user", "host", "short", "desc", "version", "filename",
              "inode", "notes", "format", "extra"]


def mode_l2tcsv(path, n_events, *expect):
    rows = read_csv(path)
    check(rows and rows[0] == L2T_HEADER, "header: %r" % (rows[:1],))
    check(all(len(r) == 17 for r in rows), "a row has not 17 columns")
    check(len(rows) - 1 == int(n_events),
          "rows: %d, events: %s" % (len(rows) - 1, n_events))
    body = [dict(zip(L2T_HEADER, r)) for r in rows[1:]]
    for e in expect:
        want = dict(kv.split("=", 1) for kv in e.split("|"))
        hits = [r for r in body
                if all(r.get(k) == v for k, v in want.items())]
        check(len(hits) == 1, "expected exactly one row with %r, got %d"
              % (want, len(hits)))


def mode_names(path, fmt, *names):
    """Hostile names: harmless in the file, real name recovered."""
    names = [n.replace("\\n", "\n") for n in names]
    if fmt == "csv" or fmt == "l2tcsv":
        rows = read_csv(path)
        for r in rows:
            for c in r:
                check(not c or c[0] not in "=+-@\t\r",
                      "cell %r would run as a formula" % c)
        # the hostile names are all in the root folder: path = "/" + name
        cols = rows[0]
        col = "path" if fmt == "csv" else "filename"
        got = set(unneutralise(r[cols.index(col)])[1:] for r in rows[1:])
        if fmt == "csv":
            names_col = set(unneutralise(r[cols.index("name")])
                            for r in rows[1:])
            for n in names:
                check(n in names_col, "csv name column: %r not recovered"
                      % n)
        for n in names:
            check(n in got, "%s: %r not recovered" % (fmt, n))
    elif fmt == "jsonl":
        got = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                got.add(o["name"])
        for n in names:
            check(n in got, "jsonl: %r not recovered" % n)
    elif fmt == "mactime":
        # mactime -d output of our body file: it decodes %XX, so the last
        # cell holds the real name
        got = set()
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.reader(f):
                if len(r) == 8 and r[0] != "Date":
                    got.add(r[7][1:])
        for n in names:
            check(n in got, "mactime: %r not recovered" % n)
    elif fmt == "bodyfile":
        with open(path, encoding="utf-8", newline="") as f:
            for i, line in enumerate(f.read().split("\n")[:-1], 1):
                check(len(line.split("|")) == 11,
                      "body line %d has not 11 fields: %r" % (i, line))
    elif fmt == "tln":
        with open(path, encoding="utf-8", newline="") as f:
            for i, line in enumerate(f.read().split("\n")[:-1], 1):
                check(len(line.split("|")) == 5,
                      "tln line %d has not 5 fields: %r" % (i, line))


def mode_tln(path, n_events, want_line):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")[:-1]
    check(len(lines) == int(n_events), "lines: %d, events: %s"
          % (len(lines), n_events))
    for i, line in enumerate(lines, 1):
        p = line.split("|")
        check(len(p) == 5 and p[0].lstrip("-").isdigit(),
              "line %d: %r" % (i, line))
    check(want_line in lines, "no line %r" % want_line)


def main():
    mode, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    {"csv": mode_csv, "jsonl": mode_jsonl, "l2tcsv": mode_l2tcsv,
     "names": mode_names, "tln": mode_tln}[mode](path, *args)
    for f in FAILS[:20]:
        print("# " + f.replace("\n", "\\n"))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
