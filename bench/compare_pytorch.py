#!/usr/bin/env python3
"""What this file is: bnlab against PyTorch 1.13, side by side in one run, on the benchmark
workloads W1-W3 (core/train/workloads.cpp): steps/s of the training loop on Fashion-MNIST with
shuffled batches, one thread each. For each workload it alternates PyTorch and `bnlab bench`
`--rounds` times and reports the medians and their ratio, so a noisy shared machine affects
both sides alike.

Needs Debian's python3-torch and libopenblas0-pthread (so PyTorch's matrix products use
OpenBLAS, not the reference BLAS):
    /usr/bin/python3 bench/compare_pytorch.py --bnlab build/bnlab [--steps 2000] [--rounds 3]
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


def dense_net(bn):
    layers, width = [nn.Flatten()], 784
    for _ in range(3):
        layers += [nn.Linear(width, 100, bias=not bn)] + ([nn.BatchNorm1d(100)] if bn else []) + [nn.Sigmoid()]
        width = 100
    return nn.Sequential(*layers, nn.Linear(100, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, bias=False), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5, bias=False), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(256, 120, bias=False), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84, bias=False), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


WORKLOADS = {"W1": (lambda: dense_net(True), 60), "W2": (lambda: dense_net(False), 60), "W3": (lenet, 128)}


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
    t = time.perf_counter()
    run(steps, 50)
    return steps / (time.perf_counter() - t)


def bnlab_steps_per_second(exe, name, steps):
    out = subprocess.run([exe, "bench", "--workload", name, "--steps", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"([0-9.]+) steps/s", out).group(1)), out.strip()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bnlab", default="build/bnlab")
    p.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workloads", nargs="+", default=["W1", "W2", "W3"])
    args = p.parse_args()
    torch.set_num_threads(1)
    blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    print(f"PyTorch {torch.__version__}, BLAS {blas.group(1) if blas else '?'}, 1 thread")
    x = torch.tensor(read_idx(f"{args.dir}/train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    y = torch.tensor(read_idx(f"{args.dir}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    for name in args.workloads:
        steps = args.steps if name != "W3" else max(100, args.steps // 10)
        ours, theirs, line = [], [], ""
        for _ in range(args.rounds):
            theirs.append(torch_steps_per_second(name, x, y, steps))
            rate, line = bnlab_steps_per_second(args.bnlab, name, steps)
            ours.append(rate)
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{name}: bnlab {a:8.1f} steps/s   PyTorch {b:8.1f} steps/s   ratio {a / b:5.2f}x   ({line})", flush=True)


if __name__ == "__main__":
    main()
