#!/usr/bin/env bash
# Runs the whole example: a throwaway PostgreSQL on 127.0.0.1, the cached HTTP service in front of it, and the
# bounded load test against the service. Arguments go to main.js (`--seconds 5`, `--concurrency 32`, see --help).
#
#   bash examples/postgres/run.sh --seconds 5
#
# PostgreSQL comes from Debian's `postgresql` package (binaries under /usr/lib/postgresql/<version>/bin; set
# PG_BIN to use others). The cluster lives in a temporary folder (data, log and unix socket), listens on a free
# port, and is stopped and removed when the run ends: normally, on an error, on Ctrl-C or kill, and (through a
# watchdog) even when this script is killed with SIGKILL. PostgreSQL refuses to run as root, so as root the
# server runs as the `postgres` user that the Debian package creates.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

die() { echo "run.sh: $*" >&2; exit 2; }
for arg in "$@"; do
  case "$arg" in -h | --help) exec node "$here/main.js" --help ;; esac
done

# --- the PostgreSQL binaries
pg_bin="${PG_BIN:-}"
if [ -z "$pg_bin" ]; then
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && pg_bin="$dir"; done
fi
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] ||
  die "no PostgreSQL server found: apt-get install -y postgresql (or set PG_BIN to the folder of initdb)"

# --- who runs the server: never root
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, and there is no 'postgres' user to run the server as"
  as_server=(runuser -u postgres --)
fi

# --- the library's build and the example's dependencies, when missing or out of date
built="$repo/dist/esm/index.mjs"
if [ ! -f "$built" ] || [ -n "$(find "$repo/lib" -newer "$built" -print -quit)" ]; then
  echo "building best-simple-cache (npm run build in the repository)"
  npm --prefix "$repo" run --silent build >/dev/null
fi
if [ ! -d "$here/node_modules/pg" ]; then
  echo "installing the example's dependencies (npm ci)"
  npm --prefix "$here" ci --no-audit --no-fund --silent
fi

# --- a temporary cluster, and its removal however the run ends
tmp="$(mktemp -d "${TMPDIR:-/tmp}/bsc-postgres.XXXXXX")"
data="$tmp/data"
log="$tmp/postgres.log"
node_pid=
cleanup() {
  trap - EXIT INT TERM HUP
  set +e # every step runs, whatever the one before it did
  if [ -n "$node_pid" ]; then kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null; fi
  if [ -f "$data/postmaster.pid" ]; then
    "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 ||
      "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# A SIGKILL runs no trap: a detached watchdog stops the server and removes the folder once this script is gone.
# shellcheck disable=SC2016 # expanded by the inner shell
setsid bash -c '
  parent="$1" tmp="$2" data="$3"
  shift 3 # the rest: the pg_ctl command
  while kill -0 "$parent" 2>/dev/null; do sleep 1; done
  if [ -f "$data/postmaster.pid" ]; then "$@" -D "$data" -m immediate -w stop; fi
  rm -rf "$tmp"
' watchdog "$$" "$tmp" "$data" "${as_server[@]}" "$pg_bin/pg_ctl" </dev/null >/dev/null 2>&1 &

if [ "${#as_server[@]}" -gt 0 ]; then chown postgres: "$tmp"; fi
port="$(node -e '
  const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })
')"

started=$(date +%s%N)
# Durability is off (fsync, synchronous_commit): the data is thrown away. It changes nothing that a client can
# see: a transaction's changes are visible to everyone once its COMMIT returns, either way.
(cd "$tmp" && "${as_server[@]}" "$pg_bin/initdb" -D "$data" -U example --auth=trust --encoding=UTF8 --locale=C \
  --no-sync >"$tmp/initdb.log" 2>&1) || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }
(cd "$tmp" && "${as_server[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 30 start -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null) || { cat "$log" >&2; die "PostgreSQL did not start"; }
echo "PostgreSQL (initdb, pg_ctl start) on 127.0.0.1:$port in $(( ($(date +%s%N) - started) / 1000000 )) ms"

# In the background, so that a signal reaches the traps at once (they stop node first, then PostgreSQL).
PGHOST=127.0.0.1 PGPORT="$port" PGUSER=example PGDATABASE=postgres node "$here/main.js" "$@" &
node_pid=$!
status=0
wait "$node_pid" || status=$?
node_pid=
if [ "$status" -ge 2 ] && [ -s "$log" ]; then # not for failed checks: the run itself went wrong
  echo "--- the last lines of the PostgreSQL log" >&2
  tail -n 20 "$log" >&2
fi
exit "$status"
