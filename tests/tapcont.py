"""TAP lines from a Python block inside a shell test (tests/lib.sh).

The block continues the shell's numbering: it is given the shell's count
($T_N) and a file to write its own count to, which the shell reads back.
Used as `PYTHONPATH="$TL_SRCDIR/tests" "$PYTHON3" - ... <<'PY'`.
"""
import sys


class Tap:
    def __init__(self, n, count_file, diag_max=8):
        self.n = n
        self.fail = 0
        self.count_file = count_file
        self.diag_max = diag_max

    def ok(self, c, d, diag=()):
        """One test line; on failure up to diag_max diagnostic lines."""
        self.n += 1
        self.fail += not c
        print("%sok %d - %s" % ("" if c else "not ", self.n, d))
        for x in (list(diag)[:self.diag_max] if not c else []):
            print("#   %s" % (x,))

    def finish(self):
        """Write the count back for the shell and exit 1 if any failed."""
        open(self.count_file, "w").write("%d\n" % self.n)
        sys.exit(1 if self.fail else 0)
