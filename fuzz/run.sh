#!/usr/bin/env bash
# What this file is: runs the harnesses one after the other, each for SECONDS, and prints a line
# per target (executions, coverage, time). A crash, a leak, an exception other than bnlab's
# Error, a single allocation or a resident size over 2 GB, or one input running over
# FUZZ_TIMEOUT (10) seconds fails the target; the other targets still run, and the script exits
# 1 at the end with the top of each report. A target stops at its first finding, unless
# FUZZ_KEEP_GOING=1: then it runs its whole time (libFuzzer's fork mode) and keeps every input
# that failed. FUZZ_JOBS targets (default: one per processor) run at a time, each on its own
# processor for its whole SECONDS, so 7 targets of 30 s take 2 minutes on 2 cores, not 3.5.
# Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...] (default: all of them).
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx idx_gz csv config checkpoint settings scene)
limits=(-timeout="${FUZZ_TIMEOUT:-10}" -malloc_limit_mb=2048 -rss_limit_mb=2048)
keep_going=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep_going=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)

mkdir -p "$build/logs" "$build/findings"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
# fuzz_target T: runs target T, prints its line of the table when it ends, and leaves
# logs/T.failed when it failed.
fuzz_target() {
  local t=$1 dict=() log=$build/logs/$1.log start=$SECONDS status found runs cov ft result
  case $t in
    config | settings | scene) dict=(-dict=fuzz/json.dict) ;;
    csv) dict=(-dict=fuzz/csv.dict) ;;
  esac
  # New inputs go to build/corpus/TARGET; the committed seeds in fuzz/corpus are only read.
  mkdir -p "$build/corpus/$t"
  rm -f "$build/logs/$t.failed"
  ls "$build/findings" | grep "^$t-" >"$build/logs/$t.before"
  "$build/fuzz_$t" -max_total_time="$seconds" "${limits[@]}" -print_final_stats=1 \
    -artifact_prefix="$build/findings/$t-" "${keep_going[@]}" "${dict[@]}" "$build/corpus/$t" "fuzz/corpus/$t" \
    >"$log" 2>&1
  status=$?
  ls "$build/findings" | grep "^$t-" | comm -13 "$build/logs/$t.before" - >"$build/logs/$t.found"
  found=$(wc -l <"$build/logs/$t.found")
  # The executions: libFuzzer's final statistics, or in fork mode its last progress line.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  result=ok
  if [ $status -ne 0 ] || [ "$found" -gt 0 ]; then
    result="FAILED: $found input(s) in $build/findings/$t-*"
    touch "$build/logs/$t.failed"
  fi
  printf '%-11s %12s %8s %8s %7s  %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" $((SECONDS - start)) "$result"
}

jobs=${FUZZ_JOBS:-$(nproc)}
printf '%-11s %12s %8s %8s %7s  %s\n' target executions cov ft seconds result
running=0
for t in "${targets[@]}"; do
  if [ $running -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz_target "$t" &
  running=$((running + 1))
done
wait
failed=()
for t in "${targets[@]}"; do
  [ -e "$build/logs/$t.failed" ] && failed+=("$t")
done
for t in "${failed[@]}"; do
  echo
  echo "=== fuzz_$t failed (its log: $build/logs/$t.log)"
  grep -o 'ERROR: libFuzzer.*' "$build/logs/$t.log" | sort | uniq -c | head -5
  # Each input it kept, replayed: the top of the report says what went wrong.
  head -5 "$build/logs/$t.found" | while read -r input; do
    echo "--- $build/fuzz_$t $build/findings/$input"
    "$build/fuzz_$t" "${limits[@]}" "$build/findings/$input" 2>&1 |
      grep -E '==bnlab fuzz==|ERROR: |runtime error:|SUMMARY:|^ +#[0-9]+ .* in (bnlab::|LLVMFuzzerTestOneInput|\(anonymous)' | head -12
  done
done
[ ${#failed[@]} -eq 0 ]
