#!/bin/sh
# run.sh - `make run`: create ./var/bloodops.db on first use, with the demo
# company (tools/load-demo.sh), then serve it.
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
  mkdir -p "$(dirname "$db")"
  BLOODOPS_ADMIN_PASSWORD=$password ./bloodops init --db "$db"
  tools/load-demo.sh "$db"
  echo "demo company loaded (books of 2003 and 2004Q1): try ./bloodops report quarterly --period 2004Q1 --db $db"
  login="admin, password $password"
else
  login="admin (the demo password is bloodops-demo unless you changed it)"
fi
echo
echo "  open http://$listen/ and log in as $login"
echo "  the API is at http://$listen/api/v1; stop with Ctrl-C"
echo
exec ./bloodops serve --db "$db" --listen "$listen"
