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
  # The demo company of the seeds: markets, donor centers (two of them
  # closed by the 2003 restructuring plan), a hospital, and its books for
  # 2003 and the first quarter of 2004 (tests/fixtures/ledger).
  bo() { ./bloodops "$@" --db "$db" >/dev/null; }
  bo market add --code LA --name "Los Angeles"
  bo market add --code NY --name "New York"
  bo market add --code PA --name "Pennsylvania"
  bo market add --code NC --name "North Carolina"
  bo center add --code LA-01 --name "Los Angeles Donor Center" --market LA --fin W0001 --opened 1998-01-05
  bo center add --code OC-01 --name "Orange County Donor Center" --market LA --fin W0002 --opened 1999-06-01
  bo center add --code PA-01 --name "Philadelphia Donor Center" --market PA --fin W0003 --opened 2000-03-01
  bo center add --code NC-01 --name "Charlotte Donor Center" --market NC --fin W0004 --opened 2000-09-01
  bo center close PA-01 --date 2003-09-30 --reason "restructuring plan"
  bo center close NC-01 --date 2004-01-31 --reason "restructuring plan"
  bo hospital add --code CEDARS --name "Cedars-Sinai Medical Center" --market LA --terms 30
  bo journal import tests/fixtures/ledger/journal-2003-2004.csv
  bo shares set --period 2003Q1 --basic 7751000 --diluted 7834000
  bo shares set --period 2004Q1 --basic 7756000 --diluted 7947000
  echo "demo company loaded: try ./bloodops report quarterly --period 2004Q1 --db $db"
  echo "log in as admin with password: $password"
else
  echo "using $db (log in as admin; the demo password is bloodops-demo unless you changed it)"
fi
echo "the API is at http://$listen/api/v1 (try: curl http://$listen/health); stop with Ctrl-C"
exec ./bloodops serve --db "$db" --listen "$listen"
