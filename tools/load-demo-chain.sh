#!/bin/sh
# load-demo-chain.sh - the blood-products chain of the demo company
# (docs/donors.md, docs/collections.md, docs/testing.md), through the same
# commands staff would use: a lab user, eleven donors, collections at the two
# open centers over the last days, their components, the laboratory's results
# and the release of most units under an electronic signature; one donation
# stays untested (in the release queue), one donor's ABO typing disagrees with
# the history (held), and one repeat donor's reactive HCV result opens a
# lookback case that holds the earlier donation's unit.
#
#   tools/load-demo-chain.sh DB [BLOODOPS]
#
# Run by tools/load-demo.sh after the registry and the catalog are loaded.
# The demo lab user is "lab.demo" with the password "lab-demo-password".
set -eu
cd "$(dirname "$0")/.."
db=$1
program=${2:-./bloodops}
bo() { "$program" "$@" --db "$db" >/dev/null; }
# The first field of the CSV answer's data row (a DIN, a donor number, an id).
first_field() { "$program" "$@" --db "$db" --format csv | sed -n 2p | cut -d, -f1; }
# Days of the demo's open centers, on Los Angeles time (their zone): a
# collection at 09:30 UTC is early that day there.
day() { TZ=America/Los_Angeles date -d "$1 days ago" +%Y-%m-%d; }

echo lab-demo-password | bo user add lab.demo --name "Demo Laboratory" --roles lab --password-stdin

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "din,test,result,date" >"$results"
# Every test of the panel for one donation: its group, the rest negative,
# with an optional TEST=RESULT override.
panel() {
  din=$1 abo=$2 rhd=$3 on=$4 override=${5:-}
  for row in ABO=$abo RHD=$rhd ABSCREEN=negative HIV=NR HBSAG=NR ANTIHBC=NR HCV=NR HTLV=NR \
             SYPHILIS=NR NAT_HIV=NR NAT_HCV=NR NAT_HBV=NR; do
    test=${row%%=*} result=${row#*=}
    [ -n "$override" ] && [ "${override%%=*}" = "$test" ] && result=${override#*=}
    echo "$din,$test,$result,$on" >>"$results"
  done
}
collect() { # DONOR CENTER DAYS_AGO PROCEDURE -> DIN
  first_field collection record --donor "$1" --center "$2" --procedure "$4" --volume-ml 500 \
    --collected-at "$(day "$3")T09:30:00Z" --device "demo scale" --weight-lb 172 --height-in 68 \
    --hemoglobin 14.2 --hematocrit 42 --temperature 36.7 --systolic 122 --diastolic 78 \
    --pulse 68 --platelet-count 240
}

n=0
for person in "Alvarez Lucia 1984-02-11 F O POS" "Nguyen Thanh 1979-07-30 M A POS" \
              "Okafor Chidi 1992-12-05 M B POS" "Johansson Anna 1968-03-22 F O NEG" \
              "Haddad Leila 1990-09-14 F A NEG" "Kowalski Piotr 1975-05-02 M AB POS" \
              "Smith Jordan 2001-01-19 M O POS" "Tanaka Yui 1988-10-08 F A POS" \
              "Brown Ashley 1996-06-27 F O POS" "Rossi Marco 1982-04-16 M B NEG"; do
  set -- $person
  n=$((n + 1))
  donor=$(first_field donor register --family-name "$1" --given-name "$2" --birth-date "$3" \
          --sex "$4" --home-center LA-01)
  center=LA-01
  [ $((n % 3)) -eq 0 ] && center=OC-01
  if [ "$n" -eq 9 ]; then # an earlier donation typed O POS establishes the group
    earlier=$(collect "$donor" $center 70 whole_blood)
    bo collection process "$earlier" E0500
    panel "$earlier" O POS "$(day 69)"
  fi
  if [ $((n % 4)) -eq 0 ]; then
    din=$(collect "$donor" $center $((n % 5 + 1)) plateletpheresis)
    bo collection process "$din" E0400 E0400
  else
    din=$(collect "$donor" $center $((n % 5 + 1)) whole_blood)
    bo collection process "$din" E0300 E0500 E0400
  fi
  if [ "$n" -eq 10 ]; then
    continue # collected today: the laboratory has not reported yet
  elif [ "$n" -eq 9 ]; then
    panel "$din" A "$6" "$(day 1)" # typed A, history O: a discrepancy holds the units
  else
    panel "$din" "$5" "$6" "$(day 1)"
  fi
done
# A repeat donor: a donation 60 days ago, released; today's is HCV reactive.
repeat=$(first_field donor register --family-name Moreau --given-name Claire --birth-date 1986-08-03 \
         --sex F --home-center LA-01)
earlier=$(collect "$repeat" LA-01 60 whole_blood)
bo collection process "$earlier" E0500
panel "$earlier" O POS "$(day 59)"
latest=$(collect "$repeat" LA-01 1 whole_blood)
bo collection process "$latest" E0300 E0500

bo results import "$results"
ready=$("$program" release queue --db "$db" --format csv | awk -F, 'NR > 1 && $0 ~ /,ready,/ { printf "%s%s", sep, $1; sep = "," }')
[ -n "$ready" ] && echo lab-demo-password | bo release sign --unit "$ready" --user lab.demo --password-stdin
# The reactive result comes a day later: discard, deferral and lookback.
echo "din,test,result,date" >"$results"
panel "$latest" O POS "$(day 0)" HCV=R
bo results import "$results"
