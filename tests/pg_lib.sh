# A throwaway PostgreSQL server for one test (sourced after tests/lib.sh):
# initdb into a folder of $T_TMP, a Unix socket in that folder, no TCP
# port, trust authentication for local connections; run as the `postgres`
# OS user through runuser when the test runs as root (PostgreSQL refuses
# root); stopped on exit. Skips the whole test (skip_all) when this build
# has no libpq or the PostgreSQL server binaries are not installed.
#   pg_start            start it; sets PG_DIR (socket folder) and PG_BIN
#   pg_uri DB [PARAMS]  a case URI for database DB on it
#   pg_sql DB SQL       run SQL with psql (unaligned, tuples only)
#   pg_createdb DB      a new database
#   norm                a report's JSON (stdin) without the case name and
#                       the generation time, keys sorted: equal reports of
#                       two backends print the same
#   norm_unordered      the same without ids, every list as a multiset (ids
#                       and item order follow which item was stored first)
[ "${TL_HAVE_PQ:-}" = yes ] || skip_all "touchline built without PostgreSQL support (libpq-dev not installed at configure time)"
PG_BIN=
for d in ${TL_PG_BIN:-} /usr/lib/postgresql/*/bin; do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; fi
done
[ -n "$PG_BIN" ] || skip_all "PostgreSQL server binaries (initdb, pg_ctl) not installed (Debian: postgresql)"
command -v psql >/dev/null || [ -x "$PG_BIN/psql" ] || skip_all "psql not installed"
PSQL=$(command -v psql || echo "$PG_BIN/psql")
PG_DIR="$T_TMP/pg"
PG_AS=
pg_run() { # run a server command as the server's user
  if [ -n "$PG_AS" ]; then runuser -u "$PG_AS" -- "$@"; else "$@"; fi
}
pg_stop() {
  [ -f "$PG_DIR/data/postmaster.pid" ] &&
    pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$T_TMP"
}
pg_start() {
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || skip_all "running as root and there is no postgres OS user to run the server"
    command -v runuser >/dev/null || skip_all "running as root without runuser"
    PG_AS=postgres
    chmod 711 "$T_TMP"
    chown postgres "$PG_DIR"
  fi
  trap pg_stop EXIT
  pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
    -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
      -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
    { sed 's/^/# /' "$PG_DIR/initdb.log"; echo "Bail out! initdb failed"; exit 1; }
  pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses='' -k $PG_DIR -c fsync=off" start >/dev/null 2>&1 ||
    { sed 's/^/# /' "$PG_DIR/server.log"; echo "Bail out! the test server did not start"; exit 1; }
}
pg_uri() { echo "postgresql:///$1?host=$PG_DIR&user=postgres${2:+&$2}"; }
pg_sql() { "$PSQL" -X -q -A -t -h "$PG_DIR" -U postgres -d "$1" -c "$2"; }
pg_createdb() { pg_sql postgres "CREATE DATABASE \"$1\"" >/dev/null; }

norm() {
  "$PYTHON3" -c '
import json, sys
d = json.load(sys.stdin)
d.pop("case", None)
p = d.get("params", {})
for k in ("case_path", "generated_ns", "generated"):
    p.pop(k, None)
print(json.dumps(d, sort_keys=True))'
}
norm_unordered() {
  "$PYTHON3" -c '
import json, sys
def n(x):
    if isinstance(x, dict):
        return {k: n(v) for k, v in x.items() if not k.endswith("_id")}
    if isinstance(x, list):
        return sorted((n(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    return x
d = json.load(sys.stdin)
for k in ("case_path", "generated_ns", "generated"):
    d["params"].pop(k, None)
print(json.dumps(n(d), sort_keys=True, indent=0))'
}
