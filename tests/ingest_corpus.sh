#!/bin/sh
# Every object fls lists is in the case, with fls's times; NTFS times to
# 100 ns as istat prints them (tests/ingest_corpus.py).
. "$TL_SRCDIR/tests/lib.sh"
[ -d "$TL_CORPUS" ] || skip_all "corpus not found at $TL_CORPUS"
command -v fls >/dev/null || skip_all "fls (sleuthkit) not installed"
exec "${PYTHON3:-python3}" "$TL_SRCDIR/tests/ingest_corpus.py"
