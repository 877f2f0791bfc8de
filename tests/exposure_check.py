#!/usr/bin/env python3
"""The exposure report on the sample case against its ground truth.

samples/expected.json is written by scripts/make-samples.sh with every
value the scenario put into the images. Per partner: targets, found and
exposed; per file: the verdict; the burst; the timestomped copy; the
division roll-up. Prints TAP.

The ground truth lists the *source* of a staging copy as "accessed" (the
copy read it); touchline's verdict for it is "copied" (issue 4: a copy of
it was created in the window), so those files are mapped before comparing.
A register's division names the owner and scopes nothing (issue 9); rows
scoped by their evidence column do not match copies placed on another item
(docs/TARGETS.md); the copies are still found as copies.
"""
import csv
import io
import json
import os
import sys

n = 0
fails = 0


def ok(cond, desc, diag=()):
    global n, fails
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond:
        fails += 1
        for d in list(diag)[:12]:
            print("#   %s" % (d,))


def main():
    exp = json.load(open(sys.argv[1]))
    rep = json.load(open(sys.argv[2]))
    csv_text = open(sys.argv[3], encoding="utf-8").read()

    # -- per partner ---------------------------------------------------
    got = {p["partner"]: p for p in rep["partners"]}
    bad = []
    for name, want in exp["partners"].items():
        g = got.get(name, {})
        for k, gk in (("targeted", "targets"), ("found", "found"),
                      ("exposed", "exposed")):
            if g.get(gk) != want[k]:
                bad.append("%s %s: got %s want %s" % (name, k, g.get(gk),
                                                      want[k]))
    ok(not bad, "per partner: targeted, found and exposed equal the ground "
       "truth for all %d partners" % len(exp["partners"]), bad)
    t = exp["totals"]
    s = rep["summary"]
    ok((s["targets"], s["targets_found"], s["targets_exposed"]) ==
       (t["targeted"], t["found"], t["exposed"]),
       "totals: %d targeted, %d found, %d exposed" % (
           t["targeted"], t["found"], t["exposed"]),
       [(s["targets"], s["targets_found"], s["targets_exposed"])])

    # -- per file verdicts ---------------------------------------------
    occ = {}
    for o in rep["occurrences"]:
        occ.setdefault((o["evidence"], o["path"]), set()).add(o["verdict"])
    bad, checked = [], 0
    for f in exp["files"]:
        key = (f["evidence"], f["path"])
        want = f["verdict"]
        if f["role"].startswith("copied to"):
            want = "copied"
        if key not in occ:
            if f["target"] and f["verdict"] != "copied":
                bad.append("not an occurrence: %s %s" % key)
            if not f["target"] and key in occ:
                bad.append("decoy matched: %s %s" % key)
            continue
        if not f["target"]:
            bad.append("a file that is no target is an occurrence: %s %s"
                       % key)
            continue
        checked += 1
        if occ[key] != {want}:
            bad.append("%s %s: got %s want %s (%s)" % (
                key[0], key[1], sorted(occ[key]), want, f["role"]))
    ok(checked > 300 and not bad,
       "the verdict of each of %d target files equals the ground truth"
       % checked, bad)
    for role, verdict in (("deleted by the intruder", "deleted"),
                          ("modified by the intruder", "modified"),
                          ("burst", "accessed"),
                          ("copied to FS01 staging", "copied")):
        files = [f for f in exp["files"] if f["role"].startswith(role)]
        hit = [f for f in files
               if occ.get((f["evidence"], f["path"])) == {verdict}]
        ok(files and len(hit) == len(files), "%d file(s) '%s' are %s" % (
            len(files), role, verdict))

    # -- the staging copies are listed under their sources --------------
    copies = {(c["evidence"], c["path"]) for o in rep["occurrences"]
              for c in o.get("copies", [])}
    want = {(f["evidence"], f["path"]) for f in exp["files"]
            if f["verdict"] == "copied" and f["target"]}
    ok(want <= copies, "all %d staging copies are listed as copies of "
       "their sources" % len(want), sorted(want - copies))

    # -- burst ------------------------------------------------------------
    b = exp["burst"]
    bursts = rep["bursts"]
    ok(len(bursts) == 1, "one burst (%d)" % len(bursts))
    if bursts:
        g = bursts[0]
        ok(g["evidence"] == b["evidence"] and
           g["n_targets"] == b["targets"] and
           g["start_ns"] == b["start"]["ns"] and
           g["end_ns"] == b["end"]["ns"],
           "burst on %s: %d targets from %s to %s" % (
               b["evidence"], b["targets"], b["start"]["iso"],
               b["end"]["iso"]), [g])
        ok("Space Technology" in g["division"] and "Research" in
           g["division"], "the burst names both divisions whose shares it "
           "crossed", [g["division"]])

    # -- timestomped copy -------------------------------------------------
    ts = exp["timestomped"][0]
    kinds = {a["kind"] for a in rep["anomalies"]
             if a["path"] == ts["path"] and a["evidence"] == ts["evidence"]}
    ok({"si-created-before-fn-created", "si-zero-subseconds"} <= kinds,
       "timestomped %s: $SI created before $FN created, zero sub-seconds"
       % ts["path"], [kinds])
    other = [a for a in rep["anomalies"]
             if a["kind"] == "si-created-before-fn-created" and
             a["path"] != ts["path"]]
    ok(not other, "no other file is flagged as timestomped", other)
    sig = [a for a in rep["anomalies"] if a["kind"] == "copy-signature"]
    ok(len(sig) == len(want), "the copy signature on each of the %d copies"
       % len(want), [len(sig)])

    # -- timestomping indicators on every file (issue 9) -----------------
    want = {(a["evidence"], a["path"], r) for a in exp["file_anomalies"]
            for r in a["rules"]}
    fa = rep["file_anomalies"]
    got = {(a["evidence"], a["path"], a["rule"]) for a in fa}
    ok(got == want, "timestomping indicators on every file in the window: "
       "the %d findings of the ground truth, no other" % len(want),
       sorted(got ^ want))
    tools = {(t["evidence"], t["path"]) for t in exp["tools"]}
    order = [(a["evidence"], a["path"]) for a in fa]
    ok(tools and set(order[:3 * len(tools)]) == tools and
       all(a["executable"] for a in fa[:3 * len(tools)]),
       "the intruder's %d tools (not targets) come first" % len(tools),
       order[:6])
    bad = [t for t in exp["tools"] for a in fa
           if (a["evidence"], a["path"]) == (t["evidence"], t["path"]) and
           (a["si_created_ns"] != t["si_created"]["ns"] or
            a["fn_created_ns"] != t["fn_created"]["ns"])]
    ok(not bad, "each tool's $SI and $FN created times, side by side", bad)
    acq = {e["label"]: e["acquiry_date"].replace("Z", ".000000000Z")
           for e in exp["evidence"]}
    bad = [(a["evidence"], a["acquired"], a["acquired_from"]) for a in fa
           if a["acquired_from"] != "acquiry_date" or
           a["acquired"] != acq[a["evidence"]]]
    ok(fa and not bad, "the acquisition is the E01's acquiry_date", bad[:3])

    # -- divisions: the longest share prefix wins -----------------------
    divs = {(o["evidence"], o["path"]): o["division"]
            for o in rep["occurrences"]}
    jp = [d for (e, p), d in divs.items()
          if p.startswith("/Shares/Research/Joint-Propulsion/")]
    rs = [d for (e, p), d in divs.items()
          if p.startswith("/Shares/Research/Partners/")]
    ok(jp and set(jp) == {"Space Technology"}, "/Shares/Research/Joint-"
       "Propulsion belongs to Space Technology (%d files)" % len(jp), set(jp))
    ok(rs and set(rs) == {"Research"}, "/Shares/Research/Partners belongs "
       "to Research (%d files)" % len(rs), set(rs))

    # -- csv carries every occurrence --------------------------------------
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    ok(len(rows) == len(rep["occurrences"]), "csv: one row per occurrence "
       "(%d)" % len(rows), [len(rows), len(rep["occurrences"])])
    print("1..%d" % n)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
