#!/bin/bash
# fuzz-smoke.sh - `make fuzz-smoke`: build every libFuzzer target of fuzz/
# and run each for FUZZ_SMOKE_SECONDS (default 5) on its committed seeds
# (fuzz/corpus/NAME, never written: what the run finds goes to a scratch
# folder), with its dictionary. A target passes when it built and ended
# clean; one that could not build or crashed (a broken property, a
# sanitizer report, a timeout, a leak) fails, its input saved under
# build/fuzz/artifacts/NAME/ and its log under build/fuzz/smoke/. The last
# line is "fuzz: N passed, N failed"; exit status 0 only when none failed.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SMOKE_SECONDS:-5}
out=build/fuzz/smoke
rm -rf "$out"
mkdir -p "$out"

start=$(date +%s)
echo "=== fuzz: building the targets"
make --no-print-directory -k -j"$(nproc 2>/dev/null || echo 2)" fuzz-build >"$out/build.log" 2>&1
grep -E "error|Error" "$out/build.log" | head -20

passed=0
failed=0
for source in fuzz/fuzz_*.c; do
  name=$(basename "$source" .c)
  name=${name#fuzz_}
  target=build/fuzz/fuzz_$name
  if [ ! -x "$target" ] || ! make --no-print-directory -q "$target" 2>/dev/null; then
    echo "fuzz_$name: failed (does not build; see $out/build.log)"
    failed=$((failed + 1))
    continue
  fi
  scratch="$out/corpus/$name"
  mkdir -p "$scratch" "build/fuzz/artifacts/$name"
  seeds=
  [ -d "fuzz/corpus/$name" ] && seeds="fuzz/corpus/$name"
  dict=
  [ -f "fuzz/fuzz_$name.dict" ] && dict="-dict=fuzz/fuzz_$name.dict"
  log="$out/$name.log"
  "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 $dict \
    -artifact_prefix="build/fuzz/artifacts/$name/" "$scratch" $seeds >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz_$name: passed (${runs:-?} runs in ${seconds} s)"
    passed=$((passed + 1))
  else
    why=$(grep -m 1 -E "^fuzz[_a-z ]*: |runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$log")
    input=$(grep -m 1 -o "Test unit written to [^ ]*" "$log" | sed 's/Test unit written to //')
    echo "fuzz_$name: failed (${why:-exit $rc}${input:+; input $input}; log $log)"
    failed=$((failed + 1))
  fi
done
echo "fuzz: smoke took $(( $(date +%s) - start )) s"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
