#!/bin/sh
# run.sh - `make run`: create ./var/bloodops.db on first use, then serve it.
#
# The first run creates the database with an administrator whose password
# is BLOODOPS_ADMIN_PASSWORD, or "bloodops-demo" for this local demo
# database (the server listens on 127.0.0.1 only unless told otherwise).
set -eu
cd "$(dirname "$0")/.."
db=${BLOODOPS_DB:-./var/bloodops.db}
listen=${BLOODOPS_LISTEN:-127.0.0.1:8080}
password=${BLOODOPS_ADMIN_PASSWORD:-bloodops-demo}

if [ ! -f "$db" ]; then
  BLOODOPS_ADMIN_PASSWORD=$password ./bloodops init --db "$db"
  # A small registry to look at: the markets and centers of the seeds.
  ./bloodops market add --db "$db" --code LA --name "Los Angeles" >/dev/null
  ./bloodops market add --db "$db" --code NY --name "New York" >/dev/null
  ./bloodops center add --db "$db" --code LA-SHERMAN --name "Sherman Oaks Donor Center" \
    --market LA --fin W0001 --opened 1998-01-05 >/dev/null
  ./bloodops center add --db "$db" --code NY-MAIN --name "New York Donor Center" \
    --market NY --fin W0002 --opened 1999-06-01 >/dev/null
  ./bloodops hospital add --db "$db" --code CEDARS --name "Cedars-Sinai Medical Center" \
    --market LA --terms 30 >/dev/null
  echo "log in as admin with password: $password"
else
  echo "using $db (log in as admin; the demo password is bloodops-demo unless you changed it)"
fi
echo "the API is at http://$listen/api/v1 (try: curl http://$listen/health); stop with Ctrl-C"
exec ./bloodops serve --db "$db" --listen "$listen"
