#!/usr/bin/env python3
"""What this file is: bnlab against PyTorch 1.13, side by side in one run, on the benchmark
workloads W1-W3, W1-LN, W1-GN, W3-LN and W3-GN (core/train/workloads.cpp): steps/s of the training loop on Fashion-MNIST with
shuffled batches, one thread each. For each workload it alternates PyTorch and `bnlab bench`
`--rounds` times (paired rounds) and reports the medians, their ratio, and the median of the
rounds' own ratios, so a noisy shared machine affects both sides alike. Both sides count steps
per CPU second of the training thread (Python's thread_time, bnlab's CLOCK_THREAD_CPUTIME_ID),
not per wall second, which on a shared machine mostly measures the wait for a core.

Needs Debian's python3-torch and libopenblas0-pthread (so PyTorch's matrix products use
OpenBLAS, not the reference BLAS, which is 15 times slower; the first line says which is loaded):
    /usr/bin/python3 bench/compare_pytorch.py --bnlab build/bnlab [--steps 2000] [--rounds 3]
Without installing it: `apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb
DIR`, then run with LD_LIBRARY_PATH=DIR/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1.
"""
import argparse
import gzip
import re
import statistics
import struct
import subprocess
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = struct.unpack(">I", data[:4])[0] & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def norm_module(kind, shape, groups):
    """The norm bnlab puts after an op whose output has `shape` (C,) or (C, H, W)."""
    if kind == "BN":
        return nn.BatchNorm1d(shape[0]) if len(shape) == 1 else nn.BatchNorm2d(shape[0])
    if kind == "LN":
        return nn.LayerNorm(list(shape))
    return nn.GroupNorm(groups, shape[0])


def dense_net(norm):
    """W1 (norm "BN"), W2 (None), W1-LN, W1-GN: dense 100/100/100 sigmoid, dense 10. The op
    before BN has no bias; before LN and GN it keeps it, as bnlab's does."""
    layers, width = [nn.Flatten()], 784
    for _ in range(3):
        layers += [nn.Linear(width, 100, bias=norm != "BN")]
        layers += [norm_module(norm, (100,), 25)] if norm else []
        layers += [nn.Sigmoid()]
        width = 100
    return nn.Sequential(*layers, nn.Linear(100, 10))


def lenet(norm="BN"):
    """W3 and W3-LN, W3-GN: LeNet with the norm after every op but the last; GroupNorm's groups
    are bnlab's default_groups of the channels (3, 8, 30, 28)."""
    bias = norm != "BN"
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, bias=bias), norm_module(norm, (6, 24, 24), 3), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5, bias=bias), norm_module(norm, (16, 8, 8), 8), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(256, 120, bias=bias), norm_module(norm, (120,), 30), nn.Sigmoid(),
        nn.Linear(120, 84, bias=bias), norm_module(norm, (84,), 28), nn.Sigmoid(),
        nn.Linear(84, 10))


WORKLOADS = {"W1": (lambda: dense_net("BN"), 60), "W2": (lambda: dense_net(None), 60), "W3": (lenet, 128),
             "W1-LN": (lambda: dense_net("LN"), 60), "W1-GN": (lambda: dense_net("GN"), 60),
             "W3-LN": (lambda: lenet("LN"), 128), "W3-GN": (lambda: lenet("GN"), 128)}


def torch_steps_per_second(name, x, y, steps):
    make, batch = WORKLOADS[name]
    torch.manual_seed(1)
    net = make()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x))

    def run(n, start):
        for i in range(n):
            j = ((start + i) * batch) % (len(x) - batch)
            idx = order[j:j + batch]
            opt.zero_grad()
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()

    run(50, 0)  # warm-up
    t = time.thread_time()
    run(steps, 50)
    return steps / (time.thread_time() - t)


def bnlab_steps_per_second(exe, name, steps):
    """One round of `bnlab bench --compare NAME`: steps per CPU second of its training thread."""
    out = subprocess.run([exe, "bench", "--compare", name, "--rounds", "1", "--steps", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.split()[:1] == [name])
    return float(re.search(r"([0-9.]+) steps/s", line).group(1)), line


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bnlab", default="build/bnlab")
    p.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workloads", nargs="+", default=["W1", "W2", "W3", "W1-LN", "W3-GN"],
                   choices=sorted(WORKLOADS))
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS
    with open("/proc/self/maps") as maps:  # the library loaded, not the build's "generic"
        blas = sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1]})
    print(f"PyTorch {torch.__version__}, BLAS {', '.join(blas) or '?'}, 1 thread")
    x = torch.tensor(read_idx(f"{args.dir}/train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    y = torch.tensor(read_idx(f"{args.dir}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    for name in args.workloads:
        steps = args.steps if not name.startswith("W3") else max(100, args.steps // 10)
        ours, theirs, line = [], [], ""
        for _ in range(args.rounds):
            theirs.append(torch_steps_per_second(name, x, y, steps))
            rate, line = bnlab_steps_per_second(args.bnlab, name, steps)
            ours.append(rate)
        a, b = statistics.median(ours), statistics.median(theirs)
        paired = statistics.median(o / t for o, t in zip(ours, theirs))
        print(f"{name}: bnlab {a:8.1f} steps/s   PyTorch {b:8.1f} steps/s   ratio {a / b:5.2f}x "
              f"(rounds' median {paired:5.2f}x)   ({line.strip()})", flush=True)


if __name__ == "__main__":
    main()
