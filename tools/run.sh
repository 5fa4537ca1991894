#!/bin/sh
# run.sh - `make run`: create ./var/bloodops.db on first use with the demo
# company built from its operations (`bloodops demo`, docs/demo.md), then
# serve it.
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
  echo "building the demo company: fifteen months of operations (docs/demo.md)"
  # A build that stops half way leaves no half-built company behind.
  BLOODOPS_ADMIN_PASSWORD=$password ./bloodops demo --db "$db" ||
    { rm -f "$db" "$db-wal" "$db-shm"; exit 1; }
  echo "demo company built (2003 to 2004Q1): try ./bloodops report quarterly --period 2004Q1 --compare 2003Q1 --db $db"
  login="admin, password $password"
else
  login="admin (the demo password is bloodops-demo unless you changed it)"
fi
echo
echo "  open http://$listen/ and log in as $login"
echo "  the API is at http://$listen/api/v1; stop with Ctrl-C"
echo
# The demo's books end on 2004-03-31: the server's clock starts that
# evening (BLOODOPS_AS_OF= empty serves on the real clock).
exec ./bloodops serve --db "$db" --listen "$listen" --as-of "${BLOODOPS_AS_OF-2004-03-31T23:55:00Z}"
