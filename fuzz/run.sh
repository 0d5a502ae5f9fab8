#!/usr/bin/env bash
# What this file is: runs the harnesses one after the other, each for SECONDS, and prints a line
# per target (executions, coverage, time). A crash, a leak, an exception other than bnlab's
# Error, a single allocation or a resident size over 2 GB, or one input running over TIMEOUT
# seconds fails the run; it goes on with the other targets, and exits 1 at the end naming the
# input libFuzzer kept. Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...] (default: all of them).
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx idx_gz csv config checkpoint settings scene)
timeout=${FUZZ_TIMEOUT:-10}

mkdir -p "$build/logs" "$build/findings"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
failed=()
printf '%-11s %12s %8s %8s %7s  %s\n' target executions cov ft seconds result
for t in "${targets[@]}"; do
  dict=()
  case $t in
    config | settings | scene) dict=(-dict=fuzz/json.dict) ;;
    csv) dict=(-dict=fuzz/csv.dict) ;;
  esac
  # New inputs go to build/corpus/TARGET; the committed seeds in fuzz/corpus are only read.
  mkdir -p "$build/corpus/$t"
  log=$build/logs/$t.log
  start=$SECONDS
  "$build/fuzz_$t" -max_total_time="$seconds" -timeout="$timeout" -malloc_limit_mb=2048 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$t-" "${dict[@]}" "$build/corpus/$t" "fuzz/corpus/$t" \
    >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  result=ok
  if [ $status -ne 0 ]; then
    result="FAILED: $(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')"
    failed+=("$t")
  fi
  printf '%-11s %12s %8s %8s %7s  %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" $((SECONDS - start)) "$result"
done
for t in "${failed[@]}"; do
  echo
  echo "=== fuzz_$t failed: the report's top (all of it in $build/logs/$t.log); replay: $build/fuzz_$t FILE"
  grep -E '==bnlab fuzz==|ERROR:|runtime error:|SUMMARY:|^ +#[0-9]+ .* in (bnlab::|LLVMFuzzerTestOneInput|\(anonymous)' \
    "$build/logs/$t.log" | head -20
done
[ ${#failed[@]} -eq 0 ]
