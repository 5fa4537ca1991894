#!/bin/bash
# test.sh - `make test`: build, then every suite, then one summary line.
#
#   unit        cmocka tests of base and domain code
#   unit-asan   the same tests built with AddressSanitizer + UBSan
#   api-sqlite    node:test suites against the real server (tests/api) on
#               SQLite, the server and every command they run built with
#               AddressSanitizer + UBSan (build/asan/bloodops): any sanitizer
#               report, a leak at exit included, fails the suite (see
#               tests/run-api.sh). Includes the crash test (kill -9 under
#               write load, tests/api/crash.test.js).
#   api-postgres  the same suites on a throwaway PostgreSQL cluster, with
#               the normal ./bloodops
#   web         the web application in headless Chromium (tests/web), on
#               SQLite: the pages use the same API the suites above test on
#               both backends. Screenshots go to tests/out/web/.
#   fuzz        every libFuzzer target (fuzz/) for FUZZ_SMOKE_SECONDS on its
#               committed seeds: a target that does not build or crashes fails
#   web-postgres  the browser tests that must hold on both backends (a
#               deferred donor shown deferred wherever a donor is chosen;
#               the billing cycle: an invoice issued, a payment applied, the
#               aging tied to the ledger; distribution from order to
#               shipment and return; an apheresis procedure booked,
#               recorded from its booking, signed and invoiced), again on a
#               throwaway PostgreSQL cluster.
#
# Before the suites, three checks of the source, each counted as one failure
# when it finds something: tools/check-layers.sh (the layering of
# docs/DESIGN.md), tools/check-citations.sh (every rule cited by the
# docs/ page that states it) and tools/check-openapi.sh (the API's
# description, written from the route declarations, passes Redocly's lint).
#
# Each suite prints a last line "<suite>: N passed, N failed"; this script
# adds them up and ends with "N passed, N failed". Exit status 0 only when
# every suite ran and nothing failed.
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# Only api-sqlite picks its binary (below); the other suites run ./bloodops.
unset BLOODOPS_TEST_BINARY

# The sanitizer build of the server (make asan-server: the flags of
# unit-asan, so both share build/asan/libbloodops.a).
ASAN_BINARY=build/asan/bloodops

# Start from an empty output folder: the summary below reads these logs, and
# one left by an earlier run must not speak for this one.
rm -rf tests/out
mkdir -p tests/out
passed=0
failed=0
status=0

run_suite() {
  local name=$1
  shift
  local log="tests/out/$name.log"
  echo "=== $name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: did not report its results (exit $rc): counted as 1 failed"
    failed=$((failed + 1))
    status=1
    return
  fi
  local p f
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/')
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    status=1
  fi
}

echo "=== build"
if ! make -j"$jobs" --no-print-directory bloodops unit-build >tests/out/build.log 2>&1 ||
   ! make -j"$jobs" --no-print-directory asan-server >>tests/out/build.log 2>&1; then
  cat tests/out/build.log
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

if ! tools/check-layers.sh; then
  echo "layers: 0 passed, 1 failed" | tee tests/out/layers.log
  failed=$((failed + 1))
  status=1
fi

# Every rule cited by its docs/ page, none by a document outside the repository.
if ! tools/check-citations.sh; then
  echo "citations: 0 passed, 1 failed" | tee tests/out/citations.log
  failed=$((failed + 1))
  status=1
fi

# The API's description passes a linter nobody here wrote.
if ! tools/check-openapi.sh >tests/out/openapi-lint.log 2>&1; then
  cat tests/out/openapi-lint.log
  echo "openapi: 0 passed, 1 failed" | tee tests/out/openapi.log
  failed=$((failed + 1))
  status=1
fi

run_suite unit make --no-print-directory unit
run_suite unit-asan make --no-print-directory -j"$jobs" unit-asan
run_suite api-sqlite env API_SUITE=api-sqlite BLOODOPS_TEST_BINARY="$ASAN_BINARY" tests/run-api.sh
run_suite api-postgres env API_SUITE=api-postgres tests/with-postgres.sh tests/run-api.sh
# One browser at a time: Chromium wants both cores of this machine.
run_suite web env API_SUITE=web API_JOBS=1 tests/run-api.sh tests/web/*.test.js
run_suite web-postgres env API_SUITE=web-postgres API_JOBS=1 tests/with-postgres.sh \
  tests/run-api.sh tests/web/donor_standing.test.js tests/web/billing.test.js \
  tests/web/distribution.test.js tests/web/apheresis_flow.test.js
# Every libFuzzer target a few seconds on its committed seeds (make fuzz runs them long).
run_suite fuzz tools/fuzz-smoke.sh

echo
grep -hE "^(layers|citations|openapi|unit|unit-asan|api-sqlite|api-postgres|web|web-postgres|fuzz): " tests/out/*.log 2>/dev/null | sed 's/^/  /'
echo "$passed passed, $failed failed"
exit $status
