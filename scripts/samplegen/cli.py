"""make-samples: build samples/ (see scripts/make-samples.sh for what and
how). usage: python3 -m samplegen.cli OUTDIR LIBFAKETIME WORKDIR

  --oracle-only  write only what the scenario gives (targets.csv, shares.csv,
                 evidence.tsv, expected.json, SCENARIO.md) into OUTDIR, taking
                 the build facts (inodes, image sizes and hashes) from the
                 expected.json already there: no root, no images.
"""
import json
import os
import sys


def main(argv):
    oracle_only = "--oracle-only" in argv
    args = [a for a in argv if a != "--oracle-only"]
    if len(args) != (1 if oracle_only else 3):
        sys.stderr.write(__doc__)
        return 2
    out = args[0]
    from . import oracle, docs
    if oracle_only:
        with open(os.path.join(out, "expected.json"), encoding="utf-8") as f:
            oracle.apply_build_facts(json.load(f))
    else:
        from . import imaging
        imaging.configure(out, args[1], args[2])
        for img in oracle.IMAGES:
            vol = imaging.build(img)
            raw = imaging.disk(img, vol)
            imaging.verify(img, raw, vol)
            imaging.acquire(img, raw)
    oracle.write_inputs(out)
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        oracle.dump_json(oracle.expected_json(), f)
    json.load(open(os.path.join(out, "expected.json"), encoding="utf-8"))
    with open(os.path.join(out, "SCENARIO.md"), "w", encoding="utf-8") as f:
        f.write(docs.scenario_md())
    log = lambda *a: print("[make-samples]", *a, file=sys.stderr, flush=True)
    log("register: %d rows; totals %s" % (len(oracle.rows), oracle.tot))
    log("burst %d targets, %d files; timestomped %s" % (
        len(oracle.burst_targets), len(oracle.burst_all), oracle.stomped.path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
