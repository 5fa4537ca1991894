#!/usr/bin/env bash
# run-unit.sh - run every cmocka unit-test binary in a directory and sum up.
#
#   tests/run-unit.sh build/debug/tests [SUITE-NAME]
#
# Shows each binary's output, then ends with exactly one summary line
#   SUITE-NAME: N passed, N failed     (SUITE-NAME defaults to "unit")
# which tools/test.sh greps. The counts are test cases as cmocka reports
# them ("[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed
# below:"), summed over the binaries. A binary that dies or exits non-zero
# without a FAILED summary (a crash, a sanitizer report, a leak found at
# exit) counts as one more failure, so nothing goes green by falling over.
# An empty or missing directory is a failure too: a suite that ran nothing
# has proved nothing. Exit status is 0 only when nothing failed.
#
# UNIT_TIMEOUT (seconds, default 300) bounds each binary when timeout(1)
# is available, so one hung test cannot hang CI.
set -u

dir="${1:-}"
passed=0
failed=0
ran=0

# The standard cmocka output format is the one parsed below, whatever the
# caller's environment asks for.
export CMOCKA_MESSAGE_OUTPUT=stdout
unset CMOCKA_XML_FILE

output="$(mktemp)"
trap 'rm -f "$output"' EXIT

if [[ -z "$dir" || ! -d "$dir" ]]; then
    echo "run-unit.sh: no test directory '${dir}'" >&2
    failed=1
else
    for binary in "$dir"/*; do
        # Only executables: the build also leaves .d dependency files here.
        [[ -f "$binary" && -x "$binary" ]] || continue
        ran=$((ran + 1))
        echo "== $(basename "$binary")"
        if command -v timeout >/dev/null 2>&1; then
            timeout "${UNIT_TIMEOUT:-300}" "$binary" >"$output" 2>&1
        else
            "$binary" >"$output" 2>&1
        fi
        status=$?
        cat "$output"

        p="$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\.$/\1/p' "$output" | tail -n 1)"
        f="$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:$/\1/p' "$output" | tail -n 1)"
        passed=$((passed + ${p:-0}))
        if [[ -n "$f" ]]; then
            failed=$((failed + f))
        elif [[ "$status" -ne 0 ]]; then
            echo "run-unit.sh: $(basename "$binary") exited with status $status without a cmocka failure summary" >&2
            failed=$((failed + 1))
        elif [[ -z "$p" ]]; then
            echo "run-unit.sh: $(basename "$binary") reported no cmocka results" >&2
            failed=$((failed + 1))
        fi
    done
    if [[ "$ran" -eq 0 ]]; then
        echo "run-unit.sh: no test binaries in $dir" >&2
        failed=$((failed + 1))
    fi
fi

echo "${2:-unit}: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
