"""The sample generator's verdict oracle (scripts/samplegen): samples/ is
what the scenario gives. Derives expected.json, the import files and
SCENARIO.md from the scenario alone (build facts -- inodes, image sizes and
hashes -- taken from the committed expected.json; no images are built) and
compares them byte for byte; then checks verdicts of the scenario by value
and that the verdict rules respond to the times. TAP on stdout.
usage: samples_oracle.py SRCDIR TMPDIR"""
import json
import os
import sys

src, tmp = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "scripts"))
samples = os.path.join(src, "samples")
n_tests = n_fail = 0


def ok(cond, what):
    global n_tests, n_fail
    n_tests += 1
    print("%sok %d - %s" % ("" if cond else "not ", n_tests, what))
    if not cond:
        n_fail += 1
    return cond


def is_(got, want, what):
    if not ok(got == want, what):
        print("#   got:  %r\n#   want: %r" % (got, want))


from samplegen import oracle, docs  # noqa: E402  (builds the scenario)

with open(os.path.join(samples, "expected.json"), encoding="utf-8") as f:
    committed_text = f.read()
committed = json.loads(committed_text)
oracle.apply_build_facts(committed)

text = oracle.expected_text()
if not ok(text == committed_text, "expected.json is what the oracle derives"):
    a, b = text.splitlines(), committed_text.splitlines()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("#   line %d differs:\n#   oracle:    %s\n#   committed: %s"
                  % (i + 1, x[:300], y[:300]))
            break
    else:
        print("#   %d lines, committed %d" % (len(a), len(b)))
oracle.write_inputs(tmp)
for name in ("targets.csv", "shares.csv", "evidence.tsv"):
    with open(os.path.join(tmp, name), "rb") as f1, \
            open(os.path.join(samples, name), "rb") as f2:
        ok(f1.read() == f2.read(), "%s is what the scenario gives" % name)
with open(os.path.join(samples, "SCENARIO.md"), encoding="utf-8") as f:
    ok(docs.scenario_md() == f.read(), "SCENARIO.md is what the scenario gives")

# verdicts of the scenario, by value
ex = oracle.expected_json()
is_(ex["totals"], {"targeted": 337, "found": 318, "exposed": 143,
                   "files_found": 363, "files_exposed": 173},
    "register: 337 rows, 318 found, 143 exposed; 363 files, 173 exposed")
by_v = {}
for e in ex["files"]:
    by_v[e["verdict"]] = by_v.get(e["verdict"], 0) + 1
is_(by_v, {"none": 297, "accessed": 136, "copied": 34, "modified": 16,
           "deleted": 9}, "files by verdict (copied: 31 copies and the "
    "intruder's 3 timestomped tools, $FN born in the window)")
by_x = {}
for e in ex["files"]:
    by_x[e["exposure_verdict"]] = by_x.get(e["exposure_verdict"], 0) + 1
is_(by_x.get("copied"), 65, "65 copied under the exposure verdict (31 copies"
    " + their sources, 3 tools)")
is_([(t["path"].rsplit("/", 1)[1], t["file_anomalies"]) for t in ex["tools"]],
    [(n, ["si-before-fs-created", "si-created-before-fn-created",
          "si-zero-subseconds"]) for n in ("rar.exe", "procdump64.exe",
                                          "dbgcore.dll")],
    "the intruder's tools: $SI before $FN, whole seconds, before the volume")
st = ex["timestomped"][0]
is_((st["evidence"], st["path"], st["verdict"], st["anomalies"]),
    ("WS22", "/ProgramData/Microsoft/DeviceSync/"
     "Kestrel_Injector_Performance_Spec_RevF.pdf", "copied",
     ["si-created-before-fn-created", "si-zero-subseconds"]),
    "the timestomped copy: copied, $SI created before $FN created")
is_((st["si_created"]["ns"], st["fn_created"]["ns"]),
    (1552291200000000000, 1686792610664880300), "... its two created times")
b = ex["burst"]
is_((b["max_targets_in_any_10_minutes"], b["files"], b["divisions"],
     b["others_max"]), (64, 70, {"Space Technology": 41, "Research": 23},
                        {"WS17": 16, "WS22": 10}),
    "burst on FS01: 64 targets in 10 minutes, none elsewhere above 16")
is_(ex["rows"][0], {"row": 1, "line": 2, "partner": "Orbitek", "matches": [
    {"evidence": "FS01", "path": "/Shares/SpaceTechnology/Partners/Orbitek/"
     "Drawings/Orbitek_Star_Tracker_CAD_Model_RevA.step"}],
    "verdict": "accessed"}, "register row 1: one file, accessed")

# the verdict rules respond to the times (on a copy of a 'none' file)
import copy  # noqa: E402
n = next(n for img, n in oracle.objects
         if oracle.file_verdict(n) == "none" and not n.deleted)
m = copy.copy(n)
m.at = oracle.W0
is_(oracle.file_verdict(m), "accessed", "accessed at the window start")
m.at = oracle.W1
is_(oracle.file_verdict(m), "none", "accessed at the window end: outside")
m.mt = oracle.W1 - 1
is_(oracle.file_verdict(m), "modified", "modified 100 ns before the end")
m.mt, m.cr, m.clock = oracle.W0, oracle.W1 - 1, oracle.W1 - 1
is_(oracle.file_verdict(m), "copied", "created after modified in the window:"
    " the copy signature")
m = copy.copy(n)
m.deleted = True
is_(oracle.file_verdict(m), "deleted", "an unallocated entry is deleted")

print("1..%d" % n_tests)
sys.exit(1 if n_fail else 0)
