#!/bin/sh
# Install every Debian 12 package that building, testing, benchmarking and the
# demo of touchline need. Run as root. Idempotent: re-running is cheap.
set -eu

BUILD="build-essential autoconf automake libtool pkg-config
  libtsk-dev libewf-dev libsqlite3-dev zlib1g-dev libssl-dev
  libscca-dev libbfio-dev libfwnt-dev libregf-dev libfwsi-dev libevtx-dev
  libpq-dev libdeflate-dev"
TEST="sleuthkit ewf-tools sqlite3 unzip python3 xxd chromium exfatprogs tzdata
  dosfstools mtools libregf-utils libevtx-utils
  postgresql"
BENCH="hyperfine ntfs-3g time"

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: must run as root (apt-get)" >&2
  exit 1
fi
missing=""
for p in $BUILD $TEST $BENCH; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -z "$missing" ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
