#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the line that exports its URL:
#   eval "$(scripts/ensure-postgres.sh)"   # then TROVATO_TEST_POSTGRES=postgres://...
# The cluster lives in a temp folder, listens on 127.0.0.1 on a free port, trusts local
# connections, and is never the machine's own. Installs Debian's `postgresql` when it is missing
# and we are root (CI); otherwise says which command to run. Stop it (and remove its folder) with
#   scripts/ensure-postgres.sh --stop             (uses $TROVATO_TEST_POSTGRES_DIR)
set -euo pipefail

run_as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-}" == "--stop" ]]; then
  data="${TROVATO_TEST_POSTGRES_DIR:-}"
  # Only a cluster this script made: never the machine's own.
  if [[ "$data" != /tmp/trovato-pg.*/data || ! -d "$data" ]]; then
    echo "ensure-postgres --stop: TROVATO_TEST_POSTGRES_DIR is not a cluster this script started ('$data'); nothing stopped" >&2
    exit 1
  fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  run_as_postgres "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2
  rm -rf "$(dirname "$data")"
  exit 0
fi

if [[ -n "${TROVATO_TEST_POSTGRES:-}" ]]; then
  echo "export TROVATO_TEST_POSTGRES='${TROVATO_TEST_POSTGRES}'"
  exit 0
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "ensure-postgres: installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "ensure-postgres: PostgreSQL is not installed; run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
fi

dir=$(mktemp -d /tmp/trovato-pg.XXXXXX)
chmod 755 "$dir"
[[ $(id -u) -eq 0 ]] && chown postgres "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run_as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >&2
run_as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
run_as_postgres "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres trovato_test >&2
echo "export TROVATO_TEST_POSTGRES='postgres://postgres@127.0.0.1:${port}/trovato_test'"
echo "export TROVATO_TEST_POSTGRES_DIR='$dir/data'"
