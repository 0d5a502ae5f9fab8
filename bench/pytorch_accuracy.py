#!/usr/bin/env python3
"""What this file is: the PyTorch side of issue 2's accuracy check. Trains dense 100/100/100
sigmoid (+ BN or not) + dense 10 on Fashion-MNIST with SGD lr 0.1, batch 60, PyTorch's default
init, one thread, and prints the test accuracy after each epoch (BN in eval mode: running
statistics), so bnlab's `bnlab train` numbers can be set beside it.

Run with Debian's PyTorch:  /usr/bin/python3 bench/pytorch_accuracy.py --seeds 1 2 3 --epochs 5
"""
import argparse
import gzip
import struct

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def model(bn):
    layers, width = [nn.Flatten()], 784
    for _ in range(3):
        layers.append(nn.Linear(width, 100, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm1d(100))
        layers.append(nn.Sigmoid())
        width = 100
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(1)
    x_train = torch.tensor(read_idx(f"{args.dir}/train-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    y_train = torch.tensor(read_idx(f"{args.dir}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    x_test = torch.tensor(read_idx(f"{args.dir}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    y_test = torch.tensor(read_idx(f"{args.dir}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    for bn in (True, False):
        for seed in args.seeds:
            torch.manual_seed(seed)
            net = model(bn)
            opt = torch.optim.SGD(net.parameters(), lr=0.1)
            loss_fn = nn.CrossEntropyLoss()
            accs = []
            for _ in range(args.epochs):
                net.train()
                order = torch.randperm(len(x_train))
                for i in range(0, len(order) - 59, 60):
                    idx = order[i:i + 60]
                    opt.zero_grad()
                    loss_fn(net(x_train[idx]), y_train[idx]).backward()
                    opt.step()
                net.eval()
                with torch.no_grad():
                    accs.append((net(x_test).argmax(1) == y_test).float().mean().item())
            print(f"{'bn' if bn else 'plain'} seed {seed}: " + " ".join(f"{a:.4f}" for a in accs), flush=True)


if __name__ == "__main__":
    main()
