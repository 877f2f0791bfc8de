"""The verdict oracle: what touchline must find in the sample case, derived
from the scenario alone (docs/EXPOSURE.md, docs/TARGETS.md): which files each
register row matches, every file's verdict and anomalies, the burst, and the
contents of samples/expected.json and the import files.

Only a few facts come from building the images: the MFT entry (inode) of
every file and the size and hashes of each image and E01. expected_json()
reads them from the Node and Image objects (set by imaging.verify/acquire,
or by apply_build_facts() from an existing expected.json).
"""
import csv
import hashlib
import io
import json
import os

from .scenario import *  # noqa: F401,F403 (the model, by name)

# --------------------------------------------------------------- match ----
objects = [(img, n) for img in IMAGES for n in img.files()]
for img, n in objects:
    n.deleted = n.del_t is not None
    n.h = hashes(n.content)
    n.division = division_of(img, n.path)


def norm_user_path(p):
    p = p.replace("\\", "/")
    if len(p) >= 2 and p[1] == ":" and p[0].isalpha():
        p = p[2:]                          # drive letter
    elif p.startswith("//"):
        p = "/" + p[2:].split("/", 1)[1]   # UNC host
    return p.lstrip("/").lower()


def row_matches(row, semantics, scope_division=True):
    """semantics: 'first' (docs/TARGETS.md: path, else name, else content;
    size restricts), 'and' / 'or' (all / any identifier), 'plus' ('**/'
    needs at least one folder)"""
    f = row.f
    hits = []
    for img, n in objects:
        if f["evidence"] and f["evidence"] != img.label:
            continue
        if scope_division and f["division"] and f["division"].lower() != n.division.lower():
            continue
        ids = []
        if f["path"]:
            p = f["path"]
            if "*" in p or "?" in p:
                ids.append(bool(glob_re(norm_user_path(p), semantics == "plus").match(n.path.lstrip("/").lower())))
            else:
                ids.append(norm_user_path(p) == n.path.lstrip("/").lower())
        if f["name"]:
            ids.append(f["name"].lower() == n.name.lower())
        hs = [f[k].lower() == n.h[i] for i, k in enumerate(("md5", "sha1", "sha256")) if f[k]]
        size_ok = not f["size"] or int(f["size"]) == len(n.content)
        if semantics == "first":
            ok = (ids[0] and size_ok) if ids else (any(hs) and size_ok)
        else:
            ids += hs
            if not ids:
                continue
            ok = (all(ids) if semantics == "and" else any(ids)) and size_ok
        if ok:
            hits.append(n)
    return hits


for row in rows:
    row.hits = row_matches(row, "first", scope_division=False)
    assert row.hits == row_matches(row, "and", False), ("and/first differ", row.f)
    assert row.hits == row_matches(row, "or", False), ("or/first differ", row.f)
    assert row.hits == row_matches(row, "plus", False), ("** differs", row.f)
    for d in row.intended:
        assert d in row.hits, ("intended not matched", row.f, d.path)
    # the division column scopes a row: give it only where every match agrees
    divs = {n.division for n in row.hits}
    if row.hits:
        row.f["division"] = divs.pop() if len(divs) == 1 and rr.random() < 0.9 else ""
    assert row.hits == row_matches(row, "first"), ("division scope", row.f)

for img, n in objects:
    n.rows = []
for i, row in enumerate(rows, 1):
    row.no = i
    for n in row.hits:
        n.rows.append(i)
for img, n in objects:
    n.target = bool(n.rows)
    ps = sorted({rows[i - 1].f["partner"] for i in n.rows})
    assert len(ps) <= 1, (n.path, ps)
    if ps:
        n.partner = ps[0]
    n.row_hashes = {rows[i - 1].f[k].lower() for i in n.rows for k in ("md5", "sha1", "sha256")} - {""}


# ------------------------------------------------------------- verdicts ----
# verdict: what a file's own times show, most serious first (docs/EXPOSURE.md
# order). exposure_verdict: touchline exposure's, which also calls a file
# copied when a copy of it was created in the window elsewhere.
def copies_of(n, fn_creation=True):
    """objects created in the window elsewhere with n's name and size or n's
    content (or the content of one of n's rows)"""
    out = []
    for img, x in objects:
        if x is n:
            continue
        if not inw(x.clock if fn_creation else x.cr):   # clock: $FN created
            continue
        if (x.name.lower() == n.name.lower() and len(x.content) == len(n.content)) or \
                x.h[2] == n.h[2] or any(h in n.row_hashes for h in x.h):
            out.append(x)
    return out


def self_copy(n):
    """created in the window after its last modification (the copy
    signature), or $FN born in the window while $SI claims an earlier birth"""
    return (inw(n.cr) and n.cr > n.mt) or (inw(n.clock) and n.cr < n.clock)


def file_verdict(n, copied_elsewhere=False):
    if self_copy(n) or copied_elsewhere:
        return "copied"
    if n.deleted:
        return "deleted"
    if inw(n.mt):
        return "modified"
    if inw(n.clock) and n.cr < W0:      # a $FILE_NAME written in the window
        return "renamed"
    if inw(n.at):
        return "accessed"
    return "none"


def anomalies(n):
    a = []
    if n.cr < n.clock:
        a.append("si-created-before-fn-created")
    if all(t % S == 0 for t in (n.cr, n.mt, n.ct, n.at)):
        a.append("si-zero-subseconds")
    if n.cr > n.mt:
        a.append("copy-signature")
    return a


def file_anomaly_rules(img, n):
    """touchline's timestomping rules on every file (docs/EXPOSURE.md,
    "Anomalies on every file"), for a file with a $SI or $FN time in the
    window; all four $FN times are n.clock (no file is renamed)"""
    si = (n.cr, n.mt, n.ct, n.at)
    if not any(inw(t) for t in si + (n.clock,)):
        return []
    a = []
    if n.cr < n.clock:
        a.append("si-created-before-fn-created")
    if all(t % S == 0 for t in si) and n.clock % S != 0:
        a.append("si-zero-subseconds")
    if n.cr < img.fmt_time:
        a.append("si-before-fs-created")
    if max(si + (n.clock,)) > img.acq_time:
        a.append("time-after-acquisition")
    return sorted(a)


for img, n in objects:
    n.file_anomalies = file_anomaly_rules(img, n)
    n.copies = copies_of(n)
    n.verdict = file_verdict(n)
    n.exposure_verdict = file_verdict(n, bool(n.copies))
    n.exposure_verdict_si = file_verdict(n, bool(copies_of(n, False)))
    n.anomalies = anomalies(n)
    if n.intent == "accessed":          # a read moves only $SI accessed
        assert max(n.cr, n.mt, n.ct, n.clock) < W0 and inw(n.at), n.path
    if n.intent == "copied" and not n.stomped:
        assert inw(n.cr) and inw(n.ct) and inw(n.at) and n.mt < W0, n.path
    assert n.target == (n.partner is not None)

# what the scenario did, against the verdicts
copy_src = {id(c.copy_of): c for img, c in objects if c.copy_of is not None}
for img, n in objects:
    if not n.target:
        continue
    assert n.verdict == n.intent, (n.path, n.verdict, n.intent)
    if id(n) in copy_src:
        assert n.exposure_verdict == "copied" and n.role.startswith("copied to"), n.path
    else:
        assert n.exposure_verdict == n.verdict, (n.path, n.exposure_verdict, n.verdict)
    if n.exposure_verdict_si != n.exposure_verdict:   # only the timestomped copy's source
        assert copy_src[id(n)].stomped, n.path

# intended roles vs the register
for img, n in objects:
    if n.role.startswith("decoy") or n in (phish, fs_zip, ws17_zip, nm_trap, party, leave):
        assert not n.target, n.path
for c in fs_copies + ws17_copies + ws22_copies + legit_dups:
    assert c.target, c.path


# bursts: target files touched (any $SI or $FN time in the window) within 10
# minutes, per evidence item
def max_burst(img):
    touches = sorted((t, id(n)) for x_img, n in objects if x_img is img and n.target
                     for t in {n.cr, n.mt, n.ct, n.at, n.clock} if inw(t))
    best_n, best_at = 0, None
    j = 0
    for i in range(len(touches)):
        while touches[i][0] - touches[j][0] >= 10 * MIN:
            j += 1
        k = len({o for _, o in touches[j:i + 1]})
        if k > best_n:
            best_n, best_at = k, (touches[j][0], touches[i][0])
    return best_n, best_at


bursts = {img.label: max_burst(img) for img in IMAGES}
burst_targets = [n for img, n in objects if img is FS01 and n.target and n.role == "burst"]
best = bursts["FS01"][0]
assert best == len(burst_targets) == 64, bursts
assert len({r_ for n in burst_targets for r_ in n.rows}) == 64
for k, v in bursts.items():
    assert k == "FS01" or v[0] < 50, (k, v)
burst_all = [n for img, n in objects if img is FS01 and B0 <= n.at < B0 + 10 * MIN]
burst_divs = {}
for n in burst_targets:
    burst_divs[n.division] = burst_divs.get(n.division, 0) + 1
stomped_src = stomped.copy_of



# -------------------------------------------------------------- outputs ----
VERDICT_RULES = [
    "verdict: what the file's own times show; the first that applies (the order of docs/EXPOSURE.md):",
    "copied: $SI created in the window and later than $SI modified (the copy signature), or $FN created in the window while $SI created is earlier (a timestomped copy)",
    "deleted: the file's MFT entry is unallocated (every deletion in this case happened inside the window)",
    "modified: $SI modified in the window",
    "renamed: $FN created in the window on a file whose $SI created is before the window (no file here: the timestomped copy is copied first)",
    "accessed: $SI accessed in the window",
    "none: none of these",
    "exposure_verdict: touchline exposure's (docs/EXPOSURE.md): the same, and also copied when another object with the file's name and size or its content (or the content its register row gives) was created ($FN created) in the window, in any evidence item: so the sources of the copies are copied there and accessed in verdict",
    "a target (register row) is found when it matches a file and exposed when one of its files is not none; its exposure verdict is the most serious of its files'",
]
MATCHING_RULES = [
    "docs/TARGETS.md: a row matches by the first of path, name, content (hashes) it has; a size restricts a path or name match and picks hash candidates",
    "a row applies to every evidence item, or only to the one named in its evidence column; a division column restricts it to files of that division (shares.csv, else the item's ingest division)",
    "path: '\\' and '/' are the same separator, a leading separator is optional, case is ignored, a drive letter (C:) or UNC host (\\\\FS01) is dropped; '*' and '?' stay within one path component, '**' spans components",
    "name: the file name, case ignored",
    "md5/sha1/sha256: hex digest of the file content, case ignored",
    "in this case every row matches the same files whether its identifiers are all required, any one suffices, or the first one decides",
    "directories never match; deleted files match (name, path and content are intact)",
]

FIELDS = ["path", "name", "size", "md5", "sha1", "sha256", "partner", "classification",
          "division", "evidence", "note"]


def write_inputs(OUT):
    """targets.csv, shares.csv and evidence.tsv into OUT"""
    with open(os.path.join(OUT, "targets.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FIELDS)
        for row in rows:
            w.writerow([row.f[k] for k in FIELDS])
    with open(os.path.join(OUT, "shares.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["evidence", "path_prefix", "division"])
        for s in SHARES:
            w.writerow(s)
    with open(os.path.join(OUT, "evidence.tsv"), "w", encoding="utf-8") as f:
        f.write("# label\tdivision\timage (relative to samples/); read by scripts/demo.sh\n")
        for img in IMAGES:
            f.write("%s\t%s\tevidence/%s.E01\n" % (img.label, img.division, img.label))



def tdict(t):
    return {"iso": iso(t), "ns": t * 100}


VERDICTS = ("copied", "deleted", "modified", "renamed", "accessed", "none")
SEVERITY = {v: i for i, v in enumerate(VERDICTS)}


def row_verdict(row):
    return min((n.exposure_verdict for n in row.hits), key=SEVERITY.get) if row.hits else None


partners_json = {}
for p in PARTNERS:
    prs = [row for row in rows if row.f["partner"] == p[0]]
    hit_files = {id(n): n for row in prs for n in row.hits}
    v = {k: 0 for k in VERDICTS}
    for n in hit_files.values():
        v[n.verdict] += 1
    tv = {k: 0 for k in VERDICTS}
    for row in prs:
        if row.hits:
            tv[row_verdict(row)] += 1
    partners_json[p[0]] = {
        "targeted": len(prs),
        "found": sum(1 for row in prs if row.hits),
        "exposed": sum(1 for row in prs if row.hits and row_verdict(row) != "none"),
        "targets_by_exposure_verdict": tv,
        "files_found": len(hit_files),
        "files_exposed": sum(1 for n in hit_files.values() if n.exposure_verdict != "none"),
        "files_by_verdict": v,
    }
tot = {k: sum(pj[k] for pj in partners_json.values()) for k in ("targeted", "found", "exposed", "files_found", "files_exposed")}

rows_json = [{"row": row.no, "line": row.no + 1, "partner": row.f["partner"],
              "matches": [{"evidence": n.img.label, "path": n.path} for n in row.hits],
              "verdict": row_verdict(row)} for row in rows]

divisions_json = {}
for img, n in objects:
    if n.target:
        d = divisions_json.setdefault(n.division, {"files": 0, "exposed": 0})
        d["files"] += 1
        d["exposed"] += n.exposure_verdict != "none"

stage_info = [
    {"evidence": "FS01", "folder": STAGE, "created": tdict(FS01.nodes[STAGE].cr),
     "copies": len(fs_copies), "archive": fs_zip.path, "archive_created": tdict(fs_zip.cr)},
    {"evidence": "WS17", "folder": "/Users/Public/Libraries", "created": None,
     "copies": len(ws17_copies), "archive": ws17_zip.path, "archive_created": tdict(ws17_zip.cr)},
    {"evidence": "WS22", "folder": DS, "created": tdict(WS22.nodes[DS].cr),
     "copies": len(ws22_copies), "archive": None, "archive_created": None},
]
bt0 = min(n.at for n in burst_targets)
bt1 = max(n.at for n in burst_targets)


def expected_json():
    """samples/expected.json as a dict (needs the build facts)"""
    files_json = []
    for img, n in sorted(objects, key=lambda x: (IMAGES.index(x[0]), x[1].path)):
        e = {"evidence": img.label, "path": n.path, "name": n.name, "inode": n.inode,
             "size": len(n.content), "deleted": n.deleted, "division": n.division,
             "target": n.target, "partner": n.partner, "rows": n.rows,
             "verdict": n.verdict, "exposure_verdict": n.exposure_verdict,
             "anomalies": n.anomalies, "role": n.role,
             "md5": n.h[0], "sha1": n.h[1], "sha256": n.h[2],
             "si": {"created": tdict(n.cr), "modified": tdict(n.mt), "changed": tdict(n.ct),
                    "accessed": tdict(n.at)},
             "fn_created": tdict(n.clock), "timestomped": n.stomped}
        if n.exposure_verdict_si != n.exposure_verdict:
            e["exposure_verdict_if_only_si_creations"] = n.exposure_verdict_si
        if n.copies:
            e["copies"] = [{"evidence": c.img.label, "path": c.path, "created": tdict(c.clock)} for c in n.copies]
        if n.copy_of is not None:
            e["copy_of"] = {"evidence": n.copy_of.img.label, "path": n.copy_of.path}
        if n.deleted:
            e["deleted_at"] = tdict(n.del_t)
        if n.orig is not None:
            e["before_sha256"] = hashlib.sha256(n.orig).hexdigest()
            e["before_size"] = len(n.orig)
        files_json.append(e)

    expected = {
        "scenario": "touchline sample case IR-2023-0611: intrusion at a space-technology company",
        "generator": "scripts/make-samples.sh",
        "window": {"start": tdict(W0), "end": tdict(W1), "end_exclusive": True},
        "evidence": [{"label": img.label, "division": img.division, "image": "evidence/%s.E01" % img.label,
                      "e01_size": img.e01_size, "media_size": img.media_size, "md5": img.md5, "sha1": img.sha1,
                      "partition_offset_bytes": 1048576, "fs": "ntfs", "volume_label": img.vol_label,
                      "case_number": "IR-2023-0611", "evidence_number": img.ev_no,
                      "examiner_name": "R. Okafor (touchline IR team)", "description": img.desc,
                      "acquiry_date": iso(img.acq_time)[:19] + "Z",
                      "n_files": len(img.files()), "n_deleted": sum(1 for n in img.files() if n.deleted)}
                     for img in IMAGES],
        "shares": [{"evidence": a, "path_prefix": b, "division": c} for a, b, c in SHARES],
        "verdict_rules": VERDICT_RULES,
        "matching_rules": MATCHING_RULES,
        "partners": partners_json,
        "totals": tot,
        "divisions": divisions_json,
        "burst": {"evidence": "FS01", "divisions": burst_divs,
                  "start": tdict(bt0), "end": tdict(bt1), "window_minutes": 10,
                  "targets": len(burst_targets), "files": len(burst_all),
                  "max_targets_in_any_10_minutes": best,
                  "others_max": {k: v[0] for k, v in bursts.items() if k != "FS01"}},
        "timestomped": [{"evidence": "WS22", "path": stomped.path, "si_created": tdict(stomped.cr),
                         "fn_created": tdict(stomped.clock), "copy_of": stomped.copy_of.path,
                         "stomped_at": tdict(stomped.stomp_t), "verdict": stomped.verdict,
                         "exposure_verdict": stomped.exposure_verdict,
                         "anomalies": stomped.anomalies}],
        "tools": [{"evidence": "WS22", "path": n.path, "si_created": tdict(n.cr),
                   "fn_created": tdict(n.clock), "stomped_at": tdict(n.stomp_t),
                   "file_anomalies": n.file_anomalies} for n in tools],
        "file_anomalies": [{"evidence": img.label, "path": n.path, "rules": n.file_anomalies,
                            "program": n.name.lower().endswith((".exe", ".dll"))}
                           for img, n in sorted(objects, key=lambda x: (IMAGES.index(x[0]), x[1].path))
                           if n.file_anomalies],
        "staging": stage_info,
        "files": files_json,
        "rows": rows_json,
    }

    return expected


def dump_json(obj, f):
    """indented, but one line per entry of the long lists"""
    f.write("{\n")
    keys = list(obj)
    for i, k in enumerate(keys):
        v = obj[k]
        f.write("  %s: " % json.dumps(k))
        if k in ("files", "rows", "evidence", "staging", "shares", "timestomped", "tools",
                 "file_anomalies"):
            f.write("[\n" + ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in v) + "\n  ]")
        elif k == "partners":
            f.write("{\n" + ",\n".join("    %s: %s" % (json.dumps(p_, ensure_ascii=False), json.dumps(e))
                                        for p_, e in v.items()) + "\n  }")
        else:
            f.write(json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        f.write(",\n" if i < len(keys) - 1 else "\n")
    f.write("}\n")



def apply_build_facts(old):
    """take the build facts (inodes, image sizes and hashes) from a parsed
    expected.json, for deriving the rest without building the images"""
    ino = {(f["evidence"], f["path"]): f["inode"] for f in old["files"]}
    for img, n in objects:
        n.inode = ino[(img.label, n.path)]
    ev = {e["label"]: e for e in old["evidence"]}
    for img in IMAGES:
        e = ev[img.label]
        img.e01_size, img.media_size = e["e01_size"], e["media_size"]
        img.md5, img.sha1 = e["md5"], e["sha1"]


def expected_text():
    f = io.StringIO()
    dump_json(expected_json(), f)
    return f.getvalue()
