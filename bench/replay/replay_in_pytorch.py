#!/usr/bin/env python3
"""What this file is: the PyTorch half of a replay. Loads bnlab's initial weights and batch order
(written by build/bnlab_replay_dump) into the equivalent torch.nn.Sequential (dense 100/100/100
sigmoid + BN, dense 10), trains with SGD lr 0.1 on the same batches and prints the test accuracy
after each epoch, BN in eval mode. Equal numbers on both sides mean bnlab trains as PyTorch does.
    /usr/bin/python3 bench/replay/replay_in_pytorch.py DIR SEED
"""
import gzip, json, struct, sys
import numpy as np, torch
from torch import nn
torch.set_num_threads(1)
def read_idx(path):
    with gzip.open(path, "rb") as f: data = f.read()
    dims = struct.unpack(">I", data[:4])[0] & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
def read_st(path):
    b = open(path, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8+n]); out = {}
    for k, v in h.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]; raw = b[8+n+s:8+n+e]
        arr = np.frombuffer(raw, dtype=np.float32 if v["dtype"] == "F32" else np.int64).reshape(v["shape"])
        out[k] = torch.tensor(arr.copy())
    return out
d = "/usr/share/datasets/fashion-mnist"
xtr = torch.tensor(read_idx(f"{d}/train-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
ytr = torch.tensor(read_idx(f"{d}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
xte = torch.tensor(read_idx(f"{d}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
yte = torch.tensor(read_idx(f"{d}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
layers = [nn.Flatten()]; w = 784
for _ in range(3):
    layers += [nn.Linear(w, 100, bias=False), nn.BatchNorm1d(100), nn.Sigmoid()]; w = 100
net = nn.Sequential(*layers, nn.Linear(100, 10))
net.load_state_dict(read_st(sys.argv[1] + "/init.safetensors"), strict=True)
order = [list(map(int, l.split())) for l in open(sys.argv[1] + "/order.txt")]
opt = torch.optim.SGD(net.parameters(), lr=0.1); loss_fn = nn.CrossEntropyLoss()
accs = []
for step, idx in enumerate(order, 1):
    net.train(); opt.zero_grad(); loss_fn(net(xtr[idx]), ytr[idx]).backward(); opt.step()
    if step % 1000 == 0:
        net.eval()
        with torch.no_grad(): accs.append((net(xte).argmax(1) == yte).float().mean().item())
print("torch from bnlab seed", sys.argv[2], "init and batches:", " ".join(f"{a:.4f}" for a in accs))
