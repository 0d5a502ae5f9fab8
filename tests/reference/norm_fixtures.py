"""What this file is: the PyTorch fixtures of LayerNorm, GroupNorm and InstanceNorm2d, and of two
whole models that mix them with BatchNorm (issue #11). make_fixtures.py calls make() after its
own fixtures, so those stay byte-identical. It writes:
    tests/reference/fixtures/norms.json              per norm and shape, affine on and off: 3 steps
                                                     of forward, backward (dx, dgamma, dbeta) and an
                                                     SGD step on gamma and beta; eval()'s output
    tests/reference/fixtures/mixed_{a,b}.json        the bnlab config of each mixed model
    tests/reference/fixtures/mixed_{a,b}_init.safetensors   its Sequential's initial state_dict
    tests/reference/fixtures/mixed_steps.json        per model, SGD with momentum and Adam: the loss
                                                     and the whole state_dict after every step
Every fixture is checked against the same computation in float64 before it is written: PyTorch's
float32 values must be well inside the C++ tests' tolerance of it, or the generator stops.
and, with bnlab given, each model's bnlab-written checkpoint (mixed_{a,b}_written.safetensors)
loaded into the Sequential with load_state_dict(strict=True), and its eval() logits on the test
images (mixed_checkpoints_in_torch.json).
The Sequential is built from the config by DESIGN.md's naming rules (sequential(), with a block's
"bias" field deciding the op's bias where it is given), so a rule
bnlab breaks shows as a strict-load failure here or a name the C++ test cannot find.
"""
import copy
import json
import subprocess

import torch
from torch import nn

import make_fixtures as mf

# One case per norm and shape: (name, module factory, input shape (N, ...)).
NORM_CASES = [
    ("ln_dense", lambda affine: nn.LayerNorm(5, eps=1e-5, elementwise_affine=affine), (4, 5)),
    ("ln_conv", lambda affine: nn.LayerNorm([3, 4, 4], eps=1e-5, elementwise_affine=affine), (3, 3, 4, 4)),
    # Dense GN keeps 4 or more units a group: with 1 or 2, PyTorch's own float32 result is rounding
    # noise (its y = a·x + b with a = γ/√(σ² + ε) loses ~1e-4, and its dx for one unit a group,
    # exactly 0, comes out 6e-5), far past the tolerance; the gradient checks cover those groups.
    ("gn_dense_g1", lambda affine: nn.GroupNorm(1, 12, eps=1e-5, affine=affine), (4, 12)),
    ("gn_dense_g2", lambda affine: nn.GroupNorm(2, 12, eps=1e-5, affine=affine), (4, 12)),
    ("gn_dense_g3", lambda affine: nn.GroupNorm(3, 12, eps=1e-5, affine=affine), (4, 12)),
    ("gn_conv_g1", lambda affine: nn.GroupNorm(1, 4, eps=1e-5, affine=affine), (3, 4, 3, 3)),
    ("gn_conv_g2", lambda affine: nn.GroupNorm(2, 4, eps=1e-5, affine=affine), (3, 4, 3, 3)),
    ("gn_conv_g4", lambda affine: nn.GroupNorm(4, 4, eps=1e-5, affine=affine), (3, 4, 3, 3)),
    ("in_conv", lambda affine: nn.InstanceNorm2d(3, eps=1e-5, affine=affine), (4, 3, 5, 5)),
]
NORM_LR = 0.5  # large, so the steps move gamma and beta visibly


def norm_case(name, factory, input_shape, affine):
    norm = factory(affine)
    if affine:
        with torch.no_grad():
            norm.weight.copy_(torch.rand_like(norm.weight) * 1.5 + 0.5)
            norm.bias.copy_(torch.randn_like(norm.bias) * 0.5)
    channels = input_shape[1]
    view = (1, channels) + (1,) * (len(input_shape) - 2)
    offset, scale = torch.randn(channels) * 2.0, torch.rand(channels) * 2.0 + 0.5
    # Each sample gets its own offset too, so per-sample statistics differ from the batch's.
    sample_offset = torch.randn((input_shape[0],) + (1,) * (len(input_shape) - 1))

    def make_input():
        x = torch.randn(input_shape) * scale.view(view) + offset.view(view) + sample_offset
        return x.requires_grad_(True)

    case = {"name": name, "kind": type(norm).__name__, "affine": affine, "input_shape": list(input_shape),
            "groups": getattr(norm, "num_groups", None), "eps": 1e-5, "lr": NORM_LR, "steps": []}
    if affine:
        case["gamma"], case["beta"] = mf.t2j(norm.weight), mf.t2j(norm.bias)
    opt = torch.optim.SGD(norm.parameters(), lr=NORM_LR) if affine else None
    norm.train()
    for _ in range(3):
        x, dy = make_input(), torch.randn(input_shape)
        norm.zero_grad(set_to_none=True)
        y = norm(x)
        y.backward(dy)
        step = {"x": mf.t2j(x), "dy": mf.t2j(dy), "y": mf.t2j(y), "dx": mf.t2j(x.grad)}
        if affine:
            step["dgamma"], step["dbeta"] = mf.t2j(norm.weight.grad), mf.t2j(norm.bias.grad)
            opt.step()
            step["gamma_after"], step["beta_after"] = mf.t2j(norm.weight), mf.t2j(norm.bias)
        case["steps"].append(step)
    check_conditioning(name, factory, affine, case)
    norm.eval()  # no running statistics: eval() computes what train() does
    x = make_input()
    with torch.no_grad():
        case["eval"] = {"x": mf.t2j(x), "y": mf.t2j(norm(x))}
    return case


def check_conditioning(name, factory, affine, case):
    """Each step again in float64: PyTorch's float32 values must be within a tenth of the C++ test's
    tolerance of them, so a mismatch there is bnlab's, not the fixture's rounding."""
    norm = factory(affine).double()
    for s in case["steps"]:
        if affine:
            with torch.no_grad():  # the values this step started from
                norm.weight.copy_(torch.tensor(s["gamma_after"]["data"]).reshape(norm.weight.shape)
                                  + NORM_LR * torch.tensor(s["dgamma"]["data"]).reshape(norm.weight.shape))
                norm.bias.copy_(torch.tensor(s["beta_after"]["data"]).reshape(norm.bias.shape)
                                + NORM_LR * torch.tensor(s["dbeta"]["data"]).reshape(norm.bias.shape))
        x = torch.tensor(s["x"]["data"], dtype=torch.float64).reshape(s["x"]["shape"]).requires_grad_(True)
        y = norm(x)
        y.backward(torch.tensor(s["dy"]["data"], dtype=torch.float64).reshape(s["x"]["shape"]))
        for key, exact in (("y", y.detach()), ("dx", x.grad)):
            got = torch.tensor(s[key]["data"], dtype=torch.float64)
            exact = exact.reshape(-1)
            tol = 1e-5 * torch.maximum(exact.abs(), 0.1 * exact.pow(2).mean().sqrt()) + 1e-12
            if ((got - exact).abs() > tol).any():
                raise SystemExit(f"{name}: PyTorch's float32 {key} is not within 1e-5 of float64: ill-conditioned input")


def norms_fixture():
    torch.manual_seed(60)
    cases = [norm_case(name, factory, shape, affine) for name, factory, shape in NORM_CASES
             for affine in (True, False)]
    mf.write_json(mf.FIXTURES / "norms.json", {**mf.header(), "cases": cases})


# ---------------------------------------------------------------------------------------------
# Two whole models mixing the norms, one per position
# ---------------------------------------------------------------------------------------------
def mixed_config(position):
    """Smooth activations only, as tiny_model.json: at a ReLU's kink a float32 difference between
    PyTorch and bnlab would flip a unit on or off, and the steps after it would part."""
    before = position == "before_activation"
    return {
        "seed": 3,
        "data": {"dataset": "mnist", "dir": "tests/data/tiny8", "normalize": "scale", "shuffle": False},
        "model": {
            "blocks": [
                {"op": "conv", "channels": 4, "kernel": 3, "stride": 1, "padding": 1,
                 **({"norm": "group", "groups": 2} if before else {"norm": "instance"}),
                 "activation": "tanh", "pool": {"type": "avg", "size": 2}},
                {"op": "conv", "channels": 4, "kernel": 3, "stride": 1, "padding": 1, "norm": "instance" if before else "layer",
                 "activation": "tanh"},
                {"op": "dense", "units": 6, "norm": "layer", "activation": "sigmoid"},
                {"op": "dense", "units": 6, "norm": "batch", "activation": "tanh"},
                {"op": "dense", "units": 8, "norm": "group", "groups": 2, "activation": "sigmoid"},
                {"op": "dense", "units": 10, "norm": "none", "activation": "none"},
            ],
            "bn": {"momentum": 0.1, "eps": 1e-5, "affine": True, "position": position},
            "init": {"scheme": "torch_default", "scale": 1.0},
        },
        "train": {"batch_size": 6, "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3},
    }


MIXED = {"mixed_a": mixed_config("before_activation"), "mixed_b": mixed_config("after_activation")}
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU}


def sequential(cfg, in_shape=(1, 8, 8)):
    """The Sequential DESIGN.md's "Checkpoints" rules make of a config."""
    bn, layers = cfg["model"]["bn"], []
    c, h, w = in_shape
    image = True
    for b in cfg["model"]["blocks"]:
        norm = b.get("norm", "none")
        norm_first = norm != "none" and bn["position"] == "before_activation"
        op_bias = b["bias"] if "bias" in b else not (norm in ("batch", "instance") and norm_first)
        if b["op"] == "dense":
            if image:
                layers.append(nn.Flatten())
            layers.append(nn.Linear(c * h * w, b["units"], bias=op_bias))
            c, h, w, image = b["units"], 1, 1, False
        else:
            k, s, p = b["kernel"], b["stride"], b["padding"]
            layers.append(nn.Conv2d(c, b["channels"], k, stride=s, padding=p, bias=op_bias))
            c, h, w = b["channels"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        if norm == "batch":
            module = (nn.BatchNorm2d if image else nn.BatchNorm1d)(c, momentum=bn["momentum"], eps=bn["eps"],
                                                                  affine=bn["affine"])
        elif norm == "layer":
            module = nn.LayerNorm([c, h, w] if image else c, eps=bn["eps"], elementwise_affine=bn["affine"])
        elif norm == "group":
            module = nn.GroupNorm(b["groups"], c, eps=bn["eps"], affine=bn["affine"])
        elif norm == "instance":
            module = nn.InstanceNorm2d(c, eps=bn["eps"], affine=bn["affine"])
        if norm_first:
            layers.append(module)
        if b.get("activation", "none") != "none":
            layers.append(ACTIVATIONS[b["activation"]]())
        if norm != "none" and not norm_first:
            layers.append(module)
        pool = b.get("pool", {"type": "none"})
        if pool["type"] != "none":
            layers.append((nn.AvgPool2d if pool["type"] == "avg" else nn.MaxPool2d)(pool["size"]))
            h, w = h // pool["size"], w // pool["size"]
    return nn.Sequential(*layers)


def initial_state(cfg):
    """The default init, with every norm's gamma and beta moved off 1 and 0 so loading them counts."""
    model = sequential(cfg)
    with torch.no_grad():
        for m in model:
            if isinstance(m, (nn.BatchNorm1d, nn.LayerNorm, nn.GroupNorm, nn.InstanceNorm2d)) and m.weight is not None:
                m.weight.copy_(1.0 + 0.2 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))
    return model.state_dict()


# SGD with momentum at a smaller rate than tiny_model's 0.1: at 0.1 (and 0.05) the model with its
# norms after the activations is so ill-conditioned that PyTorch's own float32 run parts from its
# float64 run by up to 11 times the C++ tests' tolerance within 5 steps (check_steps_conditioning).
MIXED_SGD = {**mf.SGD, "lr": 0.02}
MIXED_SEEDS = {"mixed_a": 70, "mixed_b": 72}


def train_steps(cfg, init_state, train, hp):
    model = sequential(cfg)
    model.load_state_dict(init_state, strict=True)
    model.train()
    opt = mf.make_optimizer(model, hp)
    loss_fn = nn.CrossEntropyLoss()
    images, labels = train
    steps = []
    for i in range(mf.STEPS):
        x, y = images[mf.BATCH * i:mf.BATCH * (i + 1)], labels[mf.BATCH * i:mf.BATCH * (i + 1)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        steps.append({"loss": float(loss.item()), "state": {k: mf.t2j(v) for k, v in model.state_dict().items()}})
    return {"hyper": hp, "steps": steps}


def check_steps_conditioning(name, cfg, init_state, train, hp, run):
    """The same steps in float64: PyTorch's float32 state must stay within a quarter of the C++
    tests' tolerance of it after every step, so a mismatch there is bnlab's, not the fixture's."""
    torch.set_default_dtype(torch.float64)
    try:
        init64 = {k: v.double() if v.is_floating_point() else v for k, v in init_state.items()}
        exact = train_steps(cfg, init64, (train[0].double(), train[1]), hp)
    finally:
        torch.set_default_dtype(torch.float32)
    for i, (got, want) in enumerate(zip(run["steps"], exact["steps"])):
        for k, t in want["state"].items():
            if k.endswith("num_batches_tracked"):
                continue
            a, b = torch.tensor(got["state"][k]["data"], dtype=torch.float64), torch.tensor(t["data"], dtype=torch.float64)
            tol = 1e-4 * torch.maximum(b.abs(), 0.1 * b.pow(2).mean().sqrt()) + 1e-12
            ratio = ((a - b).abs() / tol).max().item()
            if ratio > 0.25:
                raise SystemExit(f"{name} {hp['optimizer']} step {i + 1}: PyTorch's float32 {k} is {ratio:.2f} times the "
                                 "tolerance from float64: an ill-conditioned fixture")


def mixed_models(split):
    out = {**mf.header(), "steps": mf.STEPS, "batch_size": mf.BATCH, "models": {}}
    for name, cfg in MIXED.items():
        mf.write_json(mf.FIXTURES / f"{name}.json", cfg)
        torch.manual_seed(MIXED_SEEDS[name])
        path = mf.FIXTURES / f"{name}_init.safetensors"
        mf.write_safetensors(path, initial_state(cfg), {"format": "pt", "bnlab_config": json.dumps(cfg)})
        init_state, _ = mf.read_safetensors(path)  # train from exactly what bnlab loads
        out["models"][name] = {}
        for key, hp in (("sgd", MIXED_SGD), ("adam", mf.ADAM)):
            run = train_steps(cfg, init_state, split["train"], hp)
            check_steps_conditioning(name, cfg, init_state, split["train"], hp, run)
            out["models"][name][key] = run
    mf.write_json(mf.FIXTURES / "mixed_steps.json", out)


def mixed_interop(bnlab, split):
    """bnlab trains each mixed model 3 steps and saves; PyTorch loads it strictly and gives its logits."""
    result = {**mf.header(), "models": {}}
    failed = []
    for name, cfg in MIXED.items():
        ckpt = f"tests/reference/fixtures/{name}_written.safetensors"
        cmd = [str(bnlab), "train", f"tests/reference/fixtures/{name}.json", "--steps", "3", "--save", ckpt]
        print("running", " ".join(cmd))
        subprocess.run(cmd, cwd=mf.ROOT, check=True)
        state, metadata = mf.read_safetensors(mf.ROOT / ckpt)
        model = sequential(copy.deepcopy(cfg))
        entry = {"strict_load": True, "error": "", "metadata_keys": sorted(metadata),
                 "names": sorted(state)}
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as e:
            entry["strict_load"], entry["error"] = False, str(e)
            failed.append(f"{name}: {e}")
        if entry["strict_load"]:
            model.eval()
            with torch.no_grad():
                entry["logits"] = mf.t2j(model(split["t10k"][0]))
        result["models"][name] = entry
    mf.write_json(mf.FIXTURES / "mixed_checkpoints_in_torch.json", result)
    if failed:
        raise SystemExit("PyTorch could not load bnlab's checkpoints strictly:\n" + "\n".join(failed))


def make(split, bnlab):
    norms_fixture()
    mixed_models(split)
    if bnlab:
        mixed_interop(bnlab, split)
