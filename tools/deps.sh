#!/bin/sh
# deps.sh - install the Debian packages that building and testing bloodops
# need, when they are missing (idempotent: dpkg is asked first, apt-get runs
# only for what is absent). Called by `make deps`, `make run` and `make test`.
# The npm packages of the front end (package-lock.json) are installed by the
# Makefile (npm ci) when the build needs them; Chromium runs the browser
# tests (tests/web).
set -eu

packages="gcc make pkg-config libsqlite3-dev libpq-dev libmicrohttpd-dev libjansson-dev
libsodium-dev libmimalloc-dev libcmocka-dev libzint-dev libcairo2-dev libicu-dev sqlite3 postgresql chromium
fonts-dejavu-core zbar-tools clang libclang-rt-14-dev hledger"

missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $package"
  fi
done
# Node.js runs the API tests; any node >= 18 will do, Debian's or another.
# npm builds the front end (Chart.js) and installs playwright-core.
if ! command -v node >/dev/null 2>&1; then
  missing="$missing nodejs"
fi
if ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "deps: these packages are missing and I am not root:$missing" >&2
  echo "deps: install them with: apt-get install$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
