"""What this file is: the PyTorch fixture of a checkpoint whose blocks set the config's "bias" field
(issue #12 §4): a conv and a Linear that keep their bias before BatchNorm ("bias": true, PyTorch's
bias=True: `{index}.bias` exists) and a Linear that drops it before LayerNorm ("bias": false).
make_fixtures.py calls make() last, so the other fixtures stay byte-identical. With bnlab given,
bnlab trains the model 3 steps from torch_default weights (its biases non-zero) and saves; PyTorch
loads the checkpoint into the Sequential with load_state_dict(strict=True) and writes its eval()
logits on the test images:
    tests/reference/fixtures/bias_kept.json                     the bnlab config
    tests/reference/fixtures/bias_kept_written.safetensors      bnlab's checkpoint
    tests/reference/fixtures/bias_checkpoint_in_torch.json      strict load, names, logits
Run alone after a build: /usr/bin/python3 tests/reference/bias_fixtures.py --bnlab build/bnlab
"""
import argparse
import copy
import subprocess
from pathlib import Path

import torch

import make_fixtures as mf
import norm_fixtures as nf

CONFIG = {
    "seed": 5,
    "data": {"dataset": "mnist", "dir": "tests/data/tiny8", "normalize": "scale", "shuffle": False},
    "model": {
        "blocks": [
            {"op": "conv", "channels": 4, "kernel": 3, "stride": 1, "padding": 1, "norm": "batch", "bias": True,
             "activation": "tanh", "pool": {"type": "avg", "size": 2}},
            {"op": "dense", "units": 6, "norm": "batch", "bias": True, "activation": "sigmoid"},
            {"op": "dense", "units": 6, "norm": "layer", "bias": False, "activation": "tanh"},
            {"op": "dense", "units": 10, "norm": "none", "activation": "none"},
        ],
        "bn": {"momentum": 0.1, "eps": 1e-5, "affine": True, "position": "before_activation"},
        "init": {"scheme": "torch_default", "scale": 1.0},
    },
    "train": {"batch_size": 6, "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3},
}


def make(split, bnlab):
    mf.write_json(mf.FIXTURES / "bias_kept.json", CONFIG)
    if not bnlab:
        print("no --bnlab given: bias_kept_written.safetensors and bias_checkpoint_in_torch.json left as they are")
        return
    ckpt = "tests/reference/fixtures/bias_kept_written.safetensors"
    cmd = [str(bnlab), "train", "tests/reference/fixtures/bias_kept.json", "--steps", "3", "--save", ckpt]
    print("running", " ".join(cmd))
    subprocess.run(cmd, cwd=mf.ROOT, check=True)
    state, metadata = mf.read_safetensors(mf.ROOT / ckpt)
    model = nf.sequential(copy.deepcopy(CONFIG))
    result = {**mf.header(), "strict_load": True, "error": "", "metadata_keys": sorted(metadata), "names": sorted(state)}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        result["strict_load"], result["error"] = False, str(e)
    if result["strict_load"]:
        model.eval()
        with torch.no_grad():
            result["logits"] = mf.t2j(model(split["t10k"][0]))
    mf.write_json(mf.FIXTURES / "bias_checkpoint_in_torch.json", result)
    if not result["strict_load"]:
        raise SystemExit("PyTorch could not load bnlab's checkpoint with kept biases strictly:\n" + result["error"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bnlab", required=True, help="path of the bnlab executable")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    make(mf.tiny8(), Path(args.bnlab).resolve())
