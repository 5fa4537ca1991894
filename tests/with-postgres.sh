#!/usr/bin/env bash
# with-postgres.sh - run a command against a throwaway PostgreSQL cluster.
#
#   tests/with-postgres.sh tests/run-api.sh
#
# Creates a cluster in a temporary folder (initdb, trust authentication on
# loopback only, a free port, no TCP beyond 127.0.0.1), starts it, runs the
# command with BLOODOPS_TEST_POSTGRES=postgres://bloodops@127.0.0.1:PORT,
# then stops the cluster and removes the folder, also when the command fails
# or is interrupted. The server refuses to run as root, so as root the
# cluster runs as the `postgres` user that Debian's package creates.
# Exit status: the command's.
set -u

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "with-postgres.sh: PostgreSQL server binaries are not installed (make deps)" >&2
  exit 1
fi

folder=$(mktemp -d /tmp/bloodops-pg-XXXXXX)
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$folder"
  as_owner=(runuser -u postgres --)
fi
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

stop_cluster() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$folder"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

if ! "${as_owner[@]}" "$bin/initdb" -D "$folder/data" -A trust -U bloodops --locale=C.UTF-8 \
     -E UTF8 >"$folder/initdb.log" 2>&1; then
  cat "$folder/initdb.log" >&2
  exit 1
fi
# fsync stays on: the durability the product promises is what is tested.
if ! "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
     -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c max_connections=200" \
     start >/dev/null; then
  cat "$folder/server.log" >&2
  exit 1
fi

export BLOODOPS_TEST_POSTGRES="postgres://bloodops@127.0.0.1:$port"
echo "with-postgres.sh: throwaway cluster at $BLOODOPS_TEST_POSTGRES"
"$@"
