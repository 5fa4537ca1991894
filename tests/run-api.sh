#!/usr/bin/env bash
# run-api.sh - run the HTTP API tests (tests/api/*.test.js) against the real
# server, which must already be built (./bloodops; `make api` builds it
# first). This script builds nothing.
#
#   tests/run-api.sh                       every file
#   tests/run-api.sh tests/api/auth.test.js   only these files
#   API_SUITE=web API_JOBS=1 tests/run-api.sh tests/web/*.test.js
#                                          the browser tests (tools/test.sh)
#
# Shows the spec reporter's output, then ends with exactly one summary line
#   api: N passed, N failed        (the label is API_SUITE, default "api")
# which tools/test.sh greps. The counts come from a TAP report written
# alongside ("# pass N", "# fail N"; cancelled tests count as failed). A run
# that dies or exits non-zero without a counted failure counts as one more
# failure, and a run that passed nothing is a failure too: a suite that ran
# nothing has proved nothing. Exit status 0 only when nothing failed.
#
# Each test file starts its own server on a free port with a temporary
# database, so files run in parallel: API_JOBS of them at once (default 2,
# for a 2-core machine). API_TEST_TIMEOUT (ms, default 600000: the demo
# company's file builds fifteen months) bounds each test; API_TIMEOUT (s,
# default 900) bounds the whole run when timeout(1) is available.
#
# BLOODOPS_TEST_BINARY picks the binary every server and command of the
# suites runs (default ./bloodops); `make test` runs the API suite on SQLite
# with build/asan/bloodops, built with AddressSanitizer and UBSan. Whatever
# the binary, the sanitizers are told to stop the process at the first
# report (abort, so no exit status a test expects can hide it) and ASan
# writes its reports, leaks at exit included, to a folder of this run:
# tests/api/lib/server.js fails the test whose server or command reported,
# and every report file left there at the end is printed here and counted as
# one more failure, so a report from a process no test looked at still
# fails the run. UBSan writes its reports to the process's stderr, which
# server.js reads too. tests/api/lsan.supp lists the leaks at exit that are
# not ours to fix (see docs/DESIGN.md, "Tests"). A normal binary ignores
# all of this.
set -u
cd "$(dirname "$0")/.."

jobs="${API_JOBS:-2}"
passed=0
failed=0

binary="${BLOODOPS_TEST_BINARY:-./bloodops}"
report="$(mktemp)"
sanitizer_dir="$(mktemp -d)"
trap 'rm -f "$report"; rm -rf "$sanitizer_dir"' EXIT

# The caller's own settings come last, so they win.
export BLOODOPS_TEST_SANITIZER_LOG="$sanitizer_dir/report"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:disable_coredump=1:log_path=$BLOODOPS_TEST_SANITIZER_LOG${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$PWD/tests/api/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

if [[ $# -gt 0 ]]; then
    files=("$@")
else
    shopt -s nullglob
    files=(tests/api/*.test.js)
    shopt -u nullglob
fi

if ! command -v node >/dev/null 2>&1; then
    echo "run-api.sh: node is not installed" >&2
    echo "${API_SUITE:-api}: 0 passed, 1 failed"
    exit 1
fi
if [[ ! -x "$binary" ]]; then
    echo "run-api.sh: $binary is missing: build it with make" >&2
    echo "${API_SUITE:-api}: 0 passed, 1 failed"
    exit 1
fi
if [[ ${#files[@]} -eq 0 ]]; then
    echo "run-api.sh: no test files in tests/api" >&2
    echo "${API_SUITE:-api}: 0 passed, 1 failed"
    exit 1
fi

runner=()
if command -v timeout >/dev/null 2>&1; then
    runner=(timeout --kill-after=30 "${API_TIMEOUT:-900}")
fi

"${runner[@]}" node --test \
    --test-concurrency="$jobs" \
    --test-timeout="${API_TEST_TIMEOUT:-600000}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$report" \
    "${files[@]}"
status=$?

p="$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$report" | tail -n 1)"
f="$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$report" | tail -n 1)"
c="$(sed -n 's/^# cancelled \([0-9][0-9]*\)$/\1/p' "$report" | tail -n 1)"
passed=${p:-0}
failed=$(( ${f:-0} + ${c:-0} ))

# Every sanitizer report of the run, whoever started the process.
reports=("$sanitizer_dir"/report.*)
if [[ -e "${reports[0]}" ]]; then
    for file in "${reports[@]}"; do
        echo "run-api.sh: sanitizer report of process ${file##*.}:" >&2
        head -n 200 "$file" >&2
    done
    echo "run-api.sh: ${#reports[@]} process(es) wrote a sanitizer report" >&2
    failed=$((failed + ${#reports[@]}))
fi

if [[ -z "$p" ]]; then
    echo "run-api.sh: node --test reported no results (exit $status)" >&2
    failed=$((failed + 1))
elif [[ "$status" -ne 0 && "$failed" -eq 0 ]]; then
    echo "run-api.sh: node --test exited with status $status without a counted failure" >&2
    failed=1
fi
if [[ "$passed" -eq 0 && "$failed" -eq 0 ]]; then
    echo "run-api.sh: no test passed" >&2
    failed=1
fi

echo "${API_SUITE:-api}: $passed passed, $failed failed"
[[ "$failed" -eq 0 && "$passed" -gt 0 ]]
