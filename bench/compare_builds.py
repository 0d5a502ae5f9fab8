#!/usr/bin/env python3
"""What this file is: two builds of bnlab side by side on the whole training steps of the
benchmark workloads, to see whether a change made the step slower. It runs the two builds'
bnlab_bench (Google Benchmark, bench/bench_layers.cpp: BM_WorkloadStep, random data of
Fashion-MNIST's shape) in turn, `--rounds` times (which goes first alternates), and reports each
side's median CPU time per step and the median of the rounds' new/old ratios. CPU time, not wall
time: on a shared machine the wall time mostly measures the wait for a core. A build from
before a change can be made in its own worktree:
    git worktree add --detach ../bench-old f7f352f
    cmake -S ../bench-old -B ../bench-old/build -DCMAKE_BUILD_TYPE=Release
    cmake --build ../bench-old/build --target bnlab_bench
    python3 bench/compare_builds.py --old ../bench-old/build/bnlab_bench
"""
import argparse
import json
import statistics
import subprocess


def cpu_ms_per_step(exe, names):
    """CPU milliseconds per step of each workload in one run of `exe`."""
    pattern = "BM_WorkloadStep/(" + "|".join(names) + ")$"
    out = subprocess.run([exe, f"--benchmark_filter={pattern}", "--benchmark_format=json",
                          "--benchmark_min_time=1"], check=True, capture_output=True, text=True).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        result[b["name"].split("/")[1]] = b["cpu_time"] * scale
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--old", required=True, help="the old build's bnlab_bench")
    p.add_argument("--new", default="build/bnlab_bench")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--workloads", nargs="+", default=["W1", "W2", "W3"])
    args = p.parse_args()
    old, new = [], []
    for r in range(args.rounds):
        pair = [(args.old, old), (args.new, new)]
        for exe, results in (pair if r % 2 == 0 else pair[::-1]):
            results.append(cpu_ms_per_step(exe, args.workloads))
    for name in args.workloads:
        o, n = [x[name] for x in old], [x[name] for x in new]
        ratio = [b / a for a, b in zip(o, n)]
        print(f"{name}: old {statistics.median(o):7.3f} ms/step   new {statistics.median(n):7.3f} ms/step   "
              f"new/old {statistics.median(ratio):5.3f} (rounds {min(ratio):.3f}-{max(ratio):.3f})", flush=True)


if __name__ == "__main__":
    main()
