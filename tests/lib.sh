# Shared helpers for shell tests (sourced). TAP output.
# Environment from the harness: TOUCHLINE, TL_SRCDIR, TL_CORPUS, PYTHON3.
: "${TOUCHLINE:?run through make check}"
T_N=0
T_FAIL=0
ok() { # ok COND_STATUS DESCRIPTION
  T_N=$((T_N + 1))
  if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAIL=$((T_FAIL + 1)); fi
}
is() { # is GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; fi
}
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
# A fresh temporary directory, removed on exit.
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tl-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
# need_ntfs3g TOOL...: skip_all unless the test can build NTFS volumes with
# ntfs_volume (root, /dev/fuse, mkntfs and ntfs-3g) and has each TOOL.
need_ntfs3g() {
  [ "$(id -u)" = 0 ] || skip_all "needs root to mount NTFS with ntfs-3g"
  for _t in mkntfs ntfs-3g "$@"; do
    command -v "$_t" >/dev/null || skip_all "$_t not installed"
  done
  [ -c /dev/fuse ] || skip_all "no /dev/fuse"
}
# ntfs_volume IMG SIZE [NTFS3G_OPTS]: a fresh NTFS volume (mkntfs, 4 KiB
# clusters, 512-byte sectors) in the file IMG, mounted with ntfs-3g on
# $MNT (made here; $NPID: the ntfs-3g process); skip_all when it cannot be.
# ntfs_unmount: unmount it and wait for ntfs-3g to write it out.
ntfs_volume() {
  mkdir -p "$MNT"
  truncate -s "$2" "$1"
  mkntfs -q -F -f -c 4096 -s 512 "$1" >/dev/null 2>&1 || skip_all "mkntfs failed"
  ntfs-3g -o "no_detach${3:+,$3}" "$1" "$MNT" >/dev/null 2>&1 &
  NPID=$!
  _n=0
  while ! mountpoint -q "$MNT"; do
    _n=$((_n + 1)); [ $_n -gt 50 ] && { kill $NPID; skip_all "ntfs-3g mount failed"; }
    sleep 0.1
  done
}
ntfs_unmount() { umount "$MNT"; wait $NPID; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS of
# wall time (polled every 0.2 s); its status
wait_for() {
  end=$(($(date +%s) + $1)); shift
  while [ "$(date +%s)" -le "$end" ]; do "$@" && return 0; sleep 0.2; done
  return 1
}
# unzip_corpus ZIP [NAME]: unpack a corpus archive into $T_TMP; print the
# path of the file called NAME inside it, or without NAME the folder.
unzip_corpus() {
  d="$T_TMP/$(basename "$1" .zip)"
  mkdir -p "$d" && unzip -o -q "$1" -d "$d" || return 1
  if [ -n "${2:-}" ]; then find "$d" -name "$2" | head -n 1; else echo "$d"; fi
}
