#!/usr/bin/env python3
"""Time dnw's pix2pix GAN training step in PyTorch, for `dnw bench train --torch`.

The script interprets an arch IR model (the JSON of Go's `ir.Model`, sdk/ir/ir.go) with
torch functional ops, and runs the step of host/internal/engine/gan.go on random pairs:

  generator step      fake = G(source); logits = D(source, fake) with D frozen;
                      loss = adv(logits, 1) + 100 · mean|fake − target|; Adam on G
  discriminator step  logits = D([source; source], [target; fake.detach()]) on 2B;
                      loss = adv(logits, [1…1; 0…0]), the mean over the double
                      batch: pix2pix's ½(loss on real + loss on fake); Adam on D

where adv is LSGAN's mean((x − y)²) or the mean binary cross-entropy with logits, and
both Adams are torch.optim.Adam(lr 2e-4, betas (0.5, 0.999), eps 1e-8) as in
engine/adam.go. It prints one JSON line:

  {"torch_version", "threads", "batch", "steps", "ms_per_step" (median),
   "ms_per_step_mean", "ms_all", "generator_params", "discriminator_params"}

Usage (Debian's python3-torch runs under the system python, /usr/bin/python3):

  python3 bench/torch/gan_step.py --ir model.json --batch 8 --threads 2 \
      --warmup 1 --steps 5 [--loss lsgan|bce] [--seed 1]

Op semantics follow sdk/ir/ops.go; each op function below cites the rule it follows.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

IR_VERSIONS = (1, 2, 3)  # sdk/ir/ir.go: MinVersion..Version, the versions the host reads

DEFAULT_EPS = 1e-5  # sdk/ir/builder.go DefaultEps; compile.go uses it when Attrs.Eps is 0

LAMBDA_L1 = 100.0  # pix2pix's λ (Isola et al. 2017), GANConfig.LambdaL1 in the benchmark
LR, BETAS, ADAM_EPS = 2e-4, (0.5, 0.999), 1e-8  # engine/adam.go NewAdam(2e-4, 0.5)


# ---------------------------------------------------------------------------------
# Parameters: shapes and Init rules of ir.Param (sdk/ir/ir.go).


def fans(shape):
    """PyTorch's fan-in and fan-out, as engine/init.go: fan-in is the product of all
    dimensions but the first, fan-out the first times the receptive field."""
    receptive = math.prod(shape[2:])
    fan_in = receptive * (shape[1] if len(shape) > 1 else 1)
    return fan_in, shape[0] * receptive


def init_param(p, gen):
    """A tensor of ir.Param p's shape, filled by its Init rule (ir.go InitKind). The
    values differ from the Go engine's (another RNG); only the rule matters here."""
    shape, init = p["Shape"], p["Init"]
    kind = init["Kind"]
    gain = init.get("Gain") or 1.0  # "Gain 0 means 1"
    t = torch.empty(shape)
    fan_in, fan_out = fans(shape)
    if kind == "zeros":
        t.zero_()
    elif kind == "ones":
        t.fill_(1.0)
    elif kind == "normal":
        t.normal_(0.0, init["Std"], generator=gen)
    elif kind == "kaiming_uniform":
        bound = gain * math.sqrt(3.0 / fan_in)
        t.uniform_(-bound, bound, generator=gen)
    elif kind == "xavier_uniform":
        bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
        t.uniform_(-bound, bound, generator=gen)
    else:
        raise ValueError(f"param {p['Name']}: unknown init {kind!r}")
    return t


# ---------------------------------------------------------------------------------
# Ops: one function per ir.Op. Tensors carry the batch as dimension 0, so an IR shape
# (C, H, W) is (B, C, H, W) here and (N, D) is (B, N, D). Each function takes the
# node's inputs, its parameters in the op's order (None where an optional one is
# absent) and its Attrs, and returns the output.


def eps_of(a):
    return a.get("Eps") or DEFAULT_EPS


def op_conv2d(x, p, a, st):
    # ops.go conv2d: weight (F,C,k,k), bias optional; Stride, Padding (zeros each side).
    return F.conv2d(x[0], p[0], p[1], stride=a["Stride"], padding=a["Padding"])


def op_linear(x, p, a, st):
    # ops.go linear: y = x·Wᵀ + b on every token.
    return F.linear(x[0], p[0], p[1])


def op_group_norm(x, p, a, st):
    # ops.go group_norm: each group of C/Groups channels over (C/Groups, H, W).
    return F.group_norm(x[0], a["Groups"], p[0], p[1], eps_of(a))


def op_instance_norm(x, p, a, st):
    # ops.go instance_norm: "group_norm with Groups = C" (compile.go runs it that way).
    return F.group_norm(x[0], x[0].shape[1], p[0], p[1], eps_of(a))


def op_batch_norm(x, p, a, st):
    # ops.go batch_norm: each channel over (batch, H, W). A training step always uses
    # the batch's statistics; the running ones are host state, kept in st but unused.
    return F.batch_norm(x[0], st["mean"], st["var"], p[0], p[1], training=True, eps=eps_of(a))


def op_layer_norm(x, p, a, st):
    # ops.go layer_norm: each token over D.
    return F.layer_norm(x[0], (x[0].shape[-1],), p[0], p[1], eps_of(a))


def op_gelu(x, p, a, st):
    # ops.go gelu: exact x·Φ(x), the erf form (torch's approximate="none").
    return F.gelu(x[0], approximate="none")


def op_dropout(x, p, a, st):
    # ops.go dropout: zero with probability Rate in training, scale by 1/(1−Rate).
    return F.dropout(x[0], a.get("Rate") or 0.0, training=True)


def op_upsample(x, p, a, st):
    # ops.go upsample: nearest neighbour by the integer Scale.
    return F.interpolate(x[0], scale_factor=a["Scale"], mode="nearest")


def op_conv1d(x, p, a, st):
    # ops.go conv1d: along the row of (C,1,L); weight (F,C,1,k); Stride, Padding along L.
    return F.conv2d(x[0], p[0], p[1], stride=(1, a["Stride"]), padding=(0, a["Padding"]))


def op_upsample1d(x, p, a, st):
    # ops.go upsample1d: nearest neighbour along rows only, by the integer Scale.
    return F.interpolate(x[0], scale_factor=(1, a["Scale"]), mode="nearest")


def op_avg_pool(x, p, a, st):
    # ops.go avg_pool: non-overlapping Scale×Scale windows (Kernel = Scale = stride).
    return F.avg_pool2d(x[0], a["Scale"])


def op_to_tokens(x, p, a, st):
    # ops.go to_tokens: (C, H, W) → (H·W, C), token n is pixel (n / W, n mod W).
    return x[0].flatten(2).transpose(1, 2)


def op_from_tokens(x, p, a, st):
    # ops.go from_tokens: (N, C) → (C, Height, Width), the inverse of to_tokens.
    b, _, c = x[0].shape
    return x[0].transpose(1, 2).reshape(b, c, a["Height"], a["Width"])


def op_attention(x, p, a, st):
    # ops.go attention: q (N,D), k (M,D), v (M,D), no parameters (the projections are
    # linear nodes of their own). Head h takes columns h·D/Heads … (h+1)·D/Heads − 1;
    # softmax(q_h·k_hᵀ/√(D/Heads))·v_h; heads concatenated back along D. Self- and
    # cross-attention differ only in where k and v come from. torch 1.13 has no
    # F.scaled_dot_product_attention, so this is the plain formula.
    q, k, v = x
    heads = a["Heads"]
    b, n, d = q.shape
    m, dh = k.shape[1], d // heads
    q = q.reshape(b, n, heads, dh).transpose(1, 2)  # (B, heads, N, dh)
    k = k.reshape(b, m, heads, dh).transpose(1, 2)  # (B, heads, M, dh)
    v = v.reshape(b, m, heads, dh).transpose(1, 2)
    w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(dh), dim=-1)  # (B, heads, N, M)
    return (w @ v).transpose(1, 2).reshape(b, n, d)


OPS = {
    "conv2d": op_conv2d,
    "conv1d": op_conv1d,
    "linear": op_linear,
    "group_norm": op_group_norm,
    "instance_norm": op_instance_norm,
    "batch_norm": op_batch_norm,
    "layer_norm": op_layer_norm,
    "relu": lambda x, p, a, st: F.relu(x[0]),
    "leaky_relu": lambda x, p, a, st: F.leaky_relu(x[0], a["Slope"]),
    "gelu": op_gelu,
    "silu": lambda x, p, a, st: F.silu(x[0]),
    "tanh": lambda x, p, a, st: torch.tanh(x[0]),
    "sigmoid": lambda x, p, a, st: torch.sigmoid(x[0]),
    "dropout": op_dropout,
    "upsample": op_upsample,
    "upsample1d": op_upsample1d,
    "avg_pool": op_avg_pool,
    "concat": lambda x, p, a, st: torch.cat(x, dim=1),  # ops.go concat: channels, input order
    "add": lambda x, p, a, st: x[0] + x[1],
    "mul": lambda x, p, a, st: x[0] * x[1],  # ops.go mul: element-wise (IR 3)
    "add_param": lambda x, p, a, st: x[0] + p[0],  # ops.go add_param: one tensor added to every sample (IR 3)
    "to_tokens": op_to_tokens,
    "from_tokens": op_from_tokens,
    "attention": op_attention,
}


# ---------------------------------------------------------------------------------
# Graphs: ir.Graph interpreted node by node.


class Graph:
    """An ir.Graph with its parameters as leaf tensors (requires_grad) by IR name."""

    def __init__(self, g, gen, device):
        self.name = g["Name"]
        self.inputs = g["Inputs"]
        self.outputs = g["Outputs"]
        self.nodes = g["Nodes"] or []
        self.params = {}
        for p in g["Params"] or []:
            if p["Name"] in self.params:
                raise ValueError(f"graph {self.name}: duplicate param {p['Name']}")
            self.params[p["Name"]] = init_param(p, gen).to(device).requires_grad_()
        self.ir_param_count = sum(math.prod(p["Shape"]) for p in g["Params"] or [])
        self.state = {}  # batch_norm running statistics by node: host state, not parameters
        for n in self.nodes:
            if n["Op"] not in OPS:
                raise ValueError(f"graph {self.name}: node {n['Name']}: unknown op {n['Op']!r}")
            if n["Op"] == "batch_norm":
                c = n["Shape"][0]
                self.state[n["Name"]] = {"mean": torch.zeros(c, device=device), "var": torch.ones(c, device=device)}

    def parameters(self):
        return list(self.params.values())

    def num_params(self):
        return sum(t.numel() for t in self.params.values())

    def requires_grad(self, on):
        for t in self.params.values():
            t.requires_grad_(on)

    def __call__(self, inputs):
        """Runs the graph on inputs (a dict by input name of (B, …) tensors) and
        returns its outputs in order. Every node's output shape is checked against
        the IR's per-sample Shape, so a wrong op reading fails loudly."""
        values = dict(inputs)
        for n in self.nodes:
            x = [values[name] for name in n["Inputs"]]
            p = [self.params[name] for name in n["Params"] or []]
            p += [None] * (2 - len(p))  # optional params (conv2d/linear bias) absent
            a = n["Attrs"]
            try:
                y = OPS[n["Op"]](x, p, a, self.state.get(n["Name"]))
            except Exception as e:
                raise RuntimeError(f"graph {self.name}: node {n['Name']} ({n['Op']}): {e}") from e
            if n.get("Shape") and list(y.shape[1:]) != n["Shape"]:
                raise RuntimeError(f"graph {self.name}: node {n['Name']} ({n['Op']}): "
                                   f"output {list(y.shape[1:])}, IR says {n['Shape']}")
            values[n["Name"]] = y
        return [values[name] for name in self.outputs]


def load_model(path):
    """Reads the JSON of an ir.Model and checks what this script relies on."""
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    if m.get("Version") not in IR_VERSIONS:
        raise ValueError(f"{path}: IR version {m.get('Version')}, want one of {IR_VERSIONS}")
    disc_inputs = {v["Name"] for v in m["Discriminator"]["Inputs"]}
    if disc_inputs != {"source", "target"}:  # gan.go feeds exactly these two by name
        raise ValueError(f"{path}: discriminator inputs {sorted(disc_inputs)}, want source and target")
    if "source" not in {v["Name"] for v in m["Generator"]["Inputs"]}:
        raise ValueError(f"{path}: generator has no input named source")
    return m


# ---------------------------------------------------------------------------------
# The training step of engine/gan.go.


def adversarial(logits, labels, kind):
    """gan.go advLossLabels: mean((x − y)²) for LSGAN, or mean(softplus(x) − y·x), the
    mean binary cross-entropy with logits, for BCE."""
    if kind == "lsgan":
        return F.mse_loss(logits, labels)
    return F.binary_cross_entropy_with_logits(logits, labels)


class GANStep:
    """The two graphs, their optimizers and fixed inputs; step() is one GAN.Step."""

    def __init__(self, model, batch, loss, seed, device="cpu"):
        gen = torch.Generator().manual_seed(seed)  # on the CPU; tensors then move to device
        torch.manual_seed(seed)  # dropout draws from torch's global stream
        self.G = Graph(model["Generator"], gen, device)
        self.D = Graph(model["Discriminator"], gen, device)
        self.loss = loss
        shape = next(v["Shape"] for v in model["Generator"]["Inputs"] if v["Name"] == "source")
        # BenchmarkGANStep's data: uniform sources in [-1, 1], targets their negatives.
        self.source = (torch.rand([batch] + shape, generator=gen) * 2 - 1).to(device)
        self.target = -self.source
        # Other generator inputs (a cross-attention "concept" embedding) get N(0, 1)
        # values; gan.go feeds only "source" (see README).
        self.g_inputs = {"source": self.source}
        for v in model["Generator"]["Inputs"]:
            if v["Name"] != "source":
                self.g_inputs[v["Name"]] = torch.randn([batch] + v["Shape"], generator=gen).to(device)
        self.d_source = torch.cat([self.source, self.source])  # (2B, C, H, W)
        self.g_opt = torch.optim.Adam(self.G.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS)
        self.d_opt = torch.optim.Adam(self.D.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS)

    def set_batch(self, source, target):
        """Trains on the given pair batch instead of the benchmark's (crosscheck.py)."""
        self.source, self.target = source, target
        self.g_inputs["source"] = source
        self.d_source = torch.cat([source, source])

    def step(self, grads=None):
        """One GAN.Step; returns its losses as gan.go's StepLosses (L1, GenAdv, Disc).
        With a dict grads, it also stores each parameter's gradient there, before the
        update, as grad/gen/<name> and grad/disc/<name>."""
        # Generator step against the current discriminator. gan.go differentiates only
        # with respect to the generator's parameters (G.Grad(genLoss, gen.Trainable)):
        # the frozen copy gets no weight gradients, as pix2pix's set_requires_grad(D, False).
        self.D.requires_grad(False)
        fake = self.G(self.g_inputs)[0]
        logits = self.D({"source": self.source, "target": fake})[0]
        adv = adversarial(logits, torch.ones_like(logits), self.loss)
        l1 = (fake - self.target).abs().mean()
        g_loss = adv + LAMBDA_L1 * l1
        self.g_opt.zero_grad(set_to_none=False)  # engine/adam.go zeroes gradients in place
        g_loss.backward()
        if grads is not None:
            grads.update({"grad/gen/" + k: p.grad.clone() for k, p in self.G.params.items()})
        self.g_opt.step()
        self.D.requires_grad(True)

        # Discriminator step on the double batch: real pairs, then the fake generated
        # above (gan.go copies that fake; it does not rerun the updated generator).
        pair = torch.cat([self.target, fake.detach()])
        logits = self.D({"source": self.d_source, "target": pair})[0]
        labels = torch.zeros_like(logits)
        labels[: logits.shape[0] // 2] = 1  # real half 1, fake half 0
        d_loss = adversarial(logits, labels, self.loss)  # ½(real + fake), as gan.go
        self.d_opt.zero_grad(set_to_none=False)
        d_loss.backward()
        if grads is not None:
            grads.update({"grad/disc/" + k: p.grad.clone() for k, p in self.D.params.items()})
        self.d_opt.step()
        return {"L1": l1.item(), "GenAdv": adv.item(), "Disc": d_loss.item()}


def run(args):
    torch.set_num_threads(args.threads)
    if torch.get_num_interop_threads() != 1:  # settable once, before any parallel work
        torch.set_num_interop_threads(1)
    cuda = args.device.startswith("cuda")
    if cuda:
        # FP32 as dnw's CUDA backend computes by default; torch's default lets
        # cuDNN's convolutions use TF32 tensor cores (--tf32, against DNW_TF32=1).
        torch.backends.cudnn.allow_tf32 = args.tf32
        torch.backends.cuda.matmul.allow_tf32 = args.tf32
        torch.backends.cudnn.benchmark = True  # the fastest convolution algorithm per shape
    model = load_model(args.ir)
    s = GANStep(model, args.batch, args.loss, args.seed, args.device)
    for g in (s.G, s.D):
        if g.num_params() != g.ir_param_count:
            raise AssertionError(f"graph {g.name}: built {g.num_params()} parameters, the IR has {g.ir_param_count}")
    for _ in range(args.warmup):
        s.step()
    times = []
    for _ in range(args.steps):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        losses = s.step()  # .item() of the losses waits for the GPU
        times.append((time.perf_counter() - start) * 1000)
        if not all(math.isfinite(v) for v in losses.values()):
            raise RuntimeError(f"non-finite losses {losses}")
    return {
        "torch_version": torch.__version__,
        "device": torch.cuda.get_device_name(torch.device(args.device)) if cuda else "cpu",
        "tf32": bool(cuda and args.tf32),
        "threads": torch.get_num_threads(),
        "batch": args.batch,
        "steps": args.steps,
        "ms_per_step": statistics.median(times),
        "ms_per_step_mean": statistics.fmean(times),
        "ms_all": [round(t, 3) for t in times],
        "generator_params": s.G.num_params(),
        "discriminator_params": s.D.num_params(),
    }


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ir", required=True, help="JSON of an ir.Model")
    ap.add_argument("--batch", type=int, default=8, help="pairs per step")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    ap.add_argument("--steps", type=int, default=5, help="timed steps")
    ap.add_argument("--loss", choices=("lsgan", "bce"), default="lsgan")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    ap.add_argument("--tf32", action="store_true", help="on a GPU, let convolutions and products use TF32 (torch's default for cuDNN)")
    args = ap.parse_args(argv)
    if args.batch < 1 or args.threads < 1 or args.steps < 1 or args.warmup < 0:
        ap.error("--batch, --threads and --steps must be ≥ 1 and --warmup ≥ 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        out = run(args)
    except Exception as e:  # one line for the caller's error message, not a traceback
        print(f"gan_step: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
