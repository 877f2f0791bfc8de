#!/bin/sh
# The sample generator's oracle (scripts/samplegen) against samples/:
# tests/samples_oracle.py does the work.
. "$TL_SRCDIR/tests/lib.sh"
command -v "${PYTHON3:-python3}" >/dev/null 2>&1 || skip_all "no python3"
"${PYTHON3:-python3}" -B "$TL_SRCDIR/tests/samples_oracle.py" \
  "$TL_SRCDIR" "$T_TMP"
