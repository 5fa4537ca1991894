#!/bin/sh
# load-demo.sh - load the demo company into a fresh database: the markets and
# their time zones, the four donor centers (two closed by the 2003
# restructuring plan), a hospital,
# the books of 2003 and the first quarter of 2004 that reproduce the published
# figures (docs/reports.md, tests/fixtures/ledger), the weighted shares, the
# demo product catalog and the blood-products chain
# (tools/load-demo-chain.sh).
#
#   tools/load-demo.sh DB [BLOODOPS]
#
# DB is a database created by `bloodops init` (a SQLite path or a
# postgresql:// URL); BLOODOPS is the program (default ./bloodops). Used by
# `make run` (tools/run.sh) and by the browser tests (tests/web), which set
# BLOODOPS_DEMO_CHAIN=no to leave out the donors, collections and units.
set -eu
cd "$(dirname "$0")/.."
db=$1
program=${2:-./bloodops}
bo() { "$program" "$@" --db "$db" >/dev/null; }
bo company set --name "Demo Blood Services"
# The western market keeps the default zone (America/Los_Angeles); the
# eastern ones are on New York's clock. Centers take their market's zone.
bo market add --code LA --name "Los Angeles"
bo market add --code NY --name "New York" --time-zone America/New_York
bo market add --code PA --name "Pennsylvania" --time-zone America/New_York
bo market add --code NC --name "North Carolina" --time-zone America/New_York
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
bo catalog import data/catalog-demo.csv
[ "${BLOODOPS_DEMO_CHAIN:-yes}" = no ] || tools/load-demo-chain.sh "$db" "$program"
