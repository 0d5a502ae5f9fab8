#!/usr/bin/python3
"""What this file is: the generator of bnlab's PyTorch reference fixtures.

Run from the repository root with Debian's PyTorch 1.13 (the system interpreter):
    /usr/bin/python3 tests/reference/make_fixtures.py --bnlab build/bnlab
It writes, deterministically (fixed seeds, one thread, float32):
    tests/reference/fixtures/bn1d.json, bn2d.json      BatchNorm1d/2d: 3 training steps, eval, affine=False
    tests/reference/fixtures/conv2d.json               Conv2d cases: y, dx, dweight, dbias
    tests/data/tiny8/{train,t10k}-{images-idx3,labels-idx1}-ubyte   a tiny 8x8 MNIST-format set
    tests/reference/fixtures/tiny_model.json           the bnlab config of the whole-model test
    tests/reference/fixtures/torch_init.safetensors    the equivalent Sequential's initial state_dict
    tests/reference/fixtures/model_steps.json          5 SGD steps and 5 Adam steps from that state
    LayerNorm, GroupNorm, InstanceNorm2d and two models mixing them: see norm_fixtures.py
    a model whose blocks set "bias" (kept before BN, dropped before LN): see bias_fixtures.py
and, with --bnlab, trains bnlab for 3 steps, loads its checkpoint into PyTorch with
load_state_dict(strict=True), and writes bnlab_written.safetensors and
bnlab_checkpoint_in_torch.json (PyTorch's eval() logits on the test images).

Tensor layout in the JSON files: {"shape": [...], "data": [...]} with data in PyTorch's
row-major order, so a batch (N, C, H, W) is sample after sample, each in C-major order: exactly
bnlab's (features, batch) column-major matrix. Floats are repr(float(x)) of float32 values, so
they read back bit-exact. Torch is used here only; the C++ tests read the committed files.
"""
import argparse
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "reference" / "fixtures"
TINY8 = ROOT / "tests" / "data" / "tiny8"


def t2j(t):
    """A tensor as {"shape", "data"} with exact float32 (or int64) values."""
    t = t.detach().cpu()
    data = t.reshape(-1).tolist()
    if t.dtype.is_floating_point:
        data = [float(x) for x in data]
    return {"shape": list(t.shape), "data": data}


def to_text(obj, indent=0):
    """JSON with one key per line, but every list of numbers on a single line."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = [f'{pad} {json.dumps(k)}: {to_text(v, indent + 1).lstrip()}' for k, v in obj.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return pad + "[\n" + ",\n".join(to_text(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return pad + json.dumps(obj, allow_nan=False)


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.write(to_text(obj) + "\n")
    print("wrote", path.relative_to(ROOT))


def header():
    return {"generator": "tests/reference/make_fixtures.py", "torch": torch.__version__}


# ---------------------------------------------------------------------------------------------
# BatchNorm
# ---------------------------------------------------------------------------------------------
def bn_fixture(kind, bn_cls, channels, input_shape):
    torch.manual_seed(10 if kind == "bn1d" else 20)
    momentum, eps = 0.1, 1e-5
    bn = bn_cls(channels, momentum=momentum, eps=eps)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(channels) * 1.5 + 0.5)
        bn.bias.copy_(torch.randn(channels) * 0.5)
    out = {**header(), "channels": channels, "momentum": momentum, "eps": eps, "input_shape": list(input_shape),
           "gamma": t2j(bn.weight), "beta": t2j(bn.bias), "steps": []}
    bn.train()
    # Each feature / channel gets its own offset and scale, so the statistics differ per channel.
    offset = torch.randn(channels) * 2.0
    scale = torch.rand(channels) * 2.0 + 0.5
    view = (1, channels) + (1,) * (len(input_shape) - 2)

    def make_input():
        return (torch.randn(input_shape) * scale.view(view) + offset.view(view)).requires_grad_(True)

    for _ in range(3):
        x = make_input()
        dy = torch.randn(input_shape)
        bn.zero_grad(set_to_none=True)
        y = bn(x)
        y.backward(dy)
        out["steps"].append({
            "x": t2j(x), "dy": t2j(dy), "y": t2j(y), "dx": t2j(x.grad),
            "dgamma": t2j(bn.weight.grad), "dbeta": t2j(bn.bias.grad),
            "running_mean": t2j(bn.running_mean), "running_var": t2j(bn.running_var),
            "num_batches_tracked": int(bn.num_batches_tracked.item()),
        })
    bn.eval()
    x = make_input()
    dy = torch.randn(input_shape)
    bn.zero_grad(set_to_none=True)
    y = bn(x)
    y.backward(dy)
    out["eval"] = {"x": t2j(x), "y": t2j(y), "dy": t2j(dy), "dx": t2j(x.grad)}

    plain = bn_cls(channels, momentum=momentum, eps=eps, affine=False)
    plain.train()
    x = make_input()
    dy = torch.randn(input_shape)
    y = plain(x)
    y.backward(dy)
    out["no_affine"] = {"x": t2j(x), "dy": t2j(dy), "y": t2j(y), "dx": t2j(x.grad),
                        "running_mean": t2j(plain.running_mean), "running_var": t2j(plain.running_var)}
    write_json(FIXTURES / f"{kind}.json", out)


# ---------------------------------------------------------------------------------------------
# Conv2d
# ---------------------------------------------------------------------------------------------
CONV_CASES = [
    # name, in_c, h, w, out_c, kernel, stride, padding, bias
    ("k3_s1_p0_bias", 2, 7, 7, 3, 3, 1, 0, True),
    ("k3_s2_p1_bias", 2, 7, 7, 3, 3, 2, 1, True),
    ("k5_s1_p2_nobias", 2, 7, 7, 3, 5, 1, 2, False),
    ("k3_s2_p0_nobias_nonsquare", 3, 8, 6, 4, 3, 2, 0, False),
    ("k1_s1_p0_bias", 2, 5, 5, 2, 1, 1, 0, True),
    ("k4_s3_p2_bias", 1, 9, 9, 2, 4, 3, 2, True),
]


def conv_fixture():
    torch.manual_seed(30)
    cases = []
    for name, in_c, h, w, out_c, k, stride, pad, bias in CONV_CASES:
        conv = nn.Conv2d(in_c, out_c, k, stride=stride, padding=pad, bias=bias)
        with torch.no_grad():  # larger than the default init, so outputs are O(1)
            conv.weight.copy_(torch.randn_like(conv.weight) * 0.5)
            if bias:
                conv.bias.copy_(torch.randn_like(conv.bias))
        x = torch.randn(2, in_c, h, w, requires_grad=True)
        y = conv(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        case = {"name": name, "in_shape": [in_c, h, w], "out_channels": out_c, "kernel": k, "stride": stride,
                "padding": pad, "bias": bias, "out_shape": list(y.shape[1:]),
                "weight": t2j(conv.weight), "x": t2j(x), "dy": t2j(dy), "y": t2j(y), "dx": t2j(x.grad),
                "dweight": t2j(conv.weight.grad)}
        if bias:
            case["bias_value"] = t2j(conv.bias)
            case["dbias"] = t2j(conv.bias.grad)
        cases.append(case)
    write_json(FIXTURES / "conv2d.json", {**header(), "cases": cases})


# ---------------------------------------------------------------------------------------------
# The tiny8 dataset (MNIST-format IDX files)
# ---------------------------------------------------------------------------------------------
def make_images(n, gen):
    """n 8x8 uint8 images, n/10 per class: a class-dependent blob plus noise, labels shuffled."""
    labels = torch.arange(n) % 10
    labels = labels[torch.randperm(n, generator=gen)]
    yy, xx = torch.meshgrid(torch.arange(8.0), torch.arange(8.0), indexing="ij")
    images = torch.empty(n, 8, 8)
    for i, label in enumerate(labels.tolist()):
        angle = 2 * np.pi * label / 10
        cy = 3.5 + 2.5 * np.sin(angle) + (torch.rand(1, generator=gen).item() - 0.5)
        cx = 3.5 + 2.5 * np.cos(angle) + (torch.rand(1, generator=gen).item() - 0.5)
        blob = 230 * torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.3 ** 2))
        noise = torch.randn(8, 8, generator=gen) * 20 + 15
        images[i] = blob + noise
    return images.round().clamp(0, 255).to(torch.uint8), labels.to(torch.uint8)


def write_idx(path, magic, dims, data):
    with open(path, "wb") as f:
        f.write(struct.pack(">I", magic))
        for d in dims:
            f.write(struct.pack(">I", d))
        f.write(data.numpy().astype(np.uint8).tobytes())
    print("wrote", path.relative_to(ROOT))


def tiny8():
    gen = torch.Generator().manual_seed(40)
    TINY8.mkdir(parents=True, exist_ok=True)
    split = {}
    for prefix, n in (("train", 60), ("t10k", 20)):
        images, labels = make_images(n, gen)
        write_idx(TINY8 / f"{prefix}-images-idx3-ubyte", 0x00000803, [n, 8, 8], images)
        write_idx(TINY8 / f"{prefix}-labels-idx1-ubyte", 0x00000801, [n], labels)
        # As bnlab sees them: (N, 1, 8, 8) float32, pixels / 255 ("normalize": "scale").
        split[prefix] = (images.to(torch.float32).unsqueeze(1) / 255.0, labels.to(torch.int64))
    return split


# ---------------------------------------------------------------------------------------------
# The whole model
# ---------------------------------------------------------------------------------------------
TINY_CONFIG = {
    "seed": 1,
    "data": {"dataset": "mnist", "dir": "tests/data/tiny8", "normalize": "scale", "shuffle": False},
    "model": {
        "blocks": [
            {"op": "conv", "channels": 3, "kernel": 3, "stride": 1, "padding": 1, "norm": "batch",
             "activation": "sigmoid", "pool": {"type": "avg", "size": 2}},
            {"op": "dense", "units": 6, "norm": "batch", "activation": "sigmoid"},
            {"op": "dense", "units": 10, "norm": "none", "activation": "none"},
        ],
        "bn": {"momentum": 0.1, "eps": 1e-5, "affine": True, "position": "before_activation"},
        "init": {"scheme": "torch_default", "scale": 1.0},
    },
    "train": {"batch_size": 6, "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3},
}
SGD = {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3}
ADAM = {"optimizer": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-3}
STEPS = 5
BATCH = 6


def tiny_sequential():
    """The Sequential that DESIGN.md's naming rules make of TINY_CONFIG."""
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1, bias=False),  # 0
        nn.BatchNorm2d(3, momentum=0.1, eps=1e-5),   # 1
        nn.Sigmoid(),                                # 2
        nn.AvgPool2d(2),                             # 3
        nn.Flatten(),                                # 4
        nn.Linear(48, 6, bias=False),                # 5
        nn.BatchNorm1d(6, momentum=0.1, eps=1e-5),   # 6
        nn.Sigmoid(),                                # 7
        nn.Linear(6, 10),                            # 8
    )


def make_optimizer(model, hp):
    if hp["optimizer"] == "sgd":
        return torch.optim.SGD(model.parameters(), lr=hp["lr"], momentum=hp["momentum"],
                               weight_decay=hp["weight_decay"])
    return torch.optim.Adam(model.parameters(), lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"],
                            weight_decay=hp["weight_decay"])


def train_steps(init_state, train, hp):
    model = tiny_sequential()
    model.load_state_dict(init_state, strict=True)
    model.train()
    opt = make_optimizer(model, hp)
    loss_fn = nn.CrossEntropyLoss()
    images, labels = train
    losses = []
    for i in range(STEPS):
        x, y = images[BATCH * i:BATCH * (i + 1)], labels[BATCH * i:BATCH * (i + 1)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return {"hyper": hp, "losses": losses, "state": {k: t2j(v) for k, v in model.state_dict().items()}}


# safetensors by hand: 8-byte little-endian header length, JSON header, raw little-endian data.
def write_safetensors(path, state, metadata):
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        t = t.detach().cpu().contiguous()
        if t.dtype == torch.float32:
            dtype, raw = "F32", t.numpy().astype("<f4").tobytes()
        elif t.dtype == torch.int64:
            dtype, raw = "I64", t.numpy().astype("<i8").tobytes()
        else:
            raise SystemExit(f"{path}: tensor {name} has unsupported dtype {t.dtype}")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    print("wrote", path.relative_to(ROOT))


def read_safetensors(path):
    blob = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    state = {}
    for name, h in header.items():
        begin, end = h["data_offsets"]
        np_dtype = {"F32": "<f4", "I64": "<i8"}[h["dtype"]]
        arr = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(h["shape"]).copy()
        state[name] = torch.from_numpy(arr)
    return state, metadata


def whole_model(split):
    write_json(FIXTURES / "tiny_model.json", TINY_CONFIG)
    torch.manual_seed(50)
    init_state = tiny_sequential().state_dict()
    write_safetensors(FIXTURES / "torch_init.safetensors", init_state,
                      {"format": "pt", "bnlab_config": json.dumps(TINY_CONFIG)})
    # Train from the file just written, so the fixture is exactly what bnlab loads.
    init_state, _ = read_safetensors(FIXTURES / "torch_init.safetensors")
    out = {**header(), "steps": STEPS, "batch_size": BATCH,
           "sgd": train_steps(init_state, split["train"], SGD),
           "adam": train_steps(init_state, split["train"], ADAM)}
    write_json(FIXTURES / "model_steps.json", out)


def interop(bnlab, split):
    """bnlab writes a checkpoint; PyTorch must load it strictly and give its logits."""
    ckpt = FIXTURES / "bnlab_written.safetensors"
    cmd = [str(bnlab), "train", "tests/reference/fixtures/tiny_model.json", "--steps", "3", "--save",
           "tests/reference/fixtures/bnlab_written.safetensors"]
    print("running", " ".join(cmd))
    subprocess.run(cmd, cwd=ROOT, check=True)
    state, metadata = read_safetensors(ckpt)
    model = tiny_sequential()
    result = {**header(), "strict_load": True, "error": "", "metadata_keys": sorted(metadata)}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        result["strict_load"] = False
        result["error"] = str(e)
    if result["strict_load"]:
        model.eval()
        with torch.no_grad():
            result["logits"] = t2j(model(split["t10k"][0]))  # (20, 10): per test image, its 10 logits
    write_json(FIXTURES / "bnlab_checkpoint_in_torch.json", result)
    if not result["strict_load"]:
        sys.exit(f"PyTorch could not load bnlab's checkpoint {ckpt} strictly:\n{result['error']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bnlab", help="path of the bnlab executable, for the checkpoint interop fixture")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    bn_fixture("bn1d", nn.BatchNorm1d, 5, (8, 5))
    bn_fixture("bn2d", nn.BatchNorm2d, 3, (4, 3, 5, 5))
    conv_fixture()
    split = tiny8()
    whole_model(split)
    if args.bnlab:
        interop(Path(args.bnlab).resolve(), split)
    else:
        print("no --bnlab given: bnlab_written.safetensors and bnlab_checkpoint_in_torch.json left as they are")
    # After every fixture above, with seeds of its own, so those stay byte-identical.
    import norm_fixtures
    norm_fixtures.make(split, Path(args.bnlab).resolve() if args.bnlab else None)
    import bias_fixtures
    bias_fixtures.make(split, Path(args.bnlab).resolve() if args.bnlab else None)


if __name__ == "__main__":
    main()
