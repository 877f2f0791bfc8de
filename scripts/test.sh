#!/bin/sh
# Build touchline and run every test, on a fresh Debian 12 machine (as root):
# installs the packages, builds warning-free (-Werror), runs `make check`,
# then again under AddressSanitizer + UBSan, then `make distcheck`.
# Usage: sh scripts/test.sh            (set TL_SKIP_ASAN=1 / TL_SKIP_DISTCHECK=1
#                                        to skip those passes locally)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" -eq 0 ]; then
  sh scripts/install-deps.sh
fi
./autogen.sh >/dev/null 2>&1 || ./autogen.sh
: "${TL_CORPUS:=$top/../shared/corpus}"
export TL_CORPUS
jobs=$(nproc 2>/dev/null || echo 2)

build_and_check() { # DIR CONFIGURE-ARGS...
  dir=$1; shift
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs" >/dev/null &&
     make -j"$jobs" check) || {
    for f in $(find "$dir/tests" -name '*.log' 2>/dev/null); do
      grep -q '^not ok\|^ERROR\|^FAIL' "$f" && { echo "== $f"; cat "$f"; }
    done
    return 1
  }
}

echo "== build (-Werror) and make check"
build_and_check "$top/build/release" --enable-werror --enable-test-hooks
if [ -z "${TL_SKIP_ASAN:-}" ]; then
  echo "== make check under AddressSanitizer + UBSan"
  build_and_check "$top/build/asan" \
    --enable-sanitizers --enable-werror --enable-test-hooks
fi
if [ -z "${TL_SKIP_DISTCHECK:-}" ]; then
  echo "== make distcheck"
  # serial: a parallel distcheck raced on objects shared by two tests
  (cd "$top/build/release" && make distcheck >/dev/null)
  echo "distcheck: ok"
fi
# one plain closing line: the release build's counts
log="$top/build/release/test-suite.log"
pass=$(sed -n 's/^# PASS: *//p' "$log" | head -n 1)
fail=$(sed -n 's/^# FAIL: *//p' "$log" | head -n 1)
skip=$(sed -n 's/^# SKIP: *//p' "$log" | head -n 1)
echo "all tests passed"
echo "${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
