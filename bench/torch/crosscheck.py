#!/usr/bin/env python3
"""PyTorch's losses and gradients of dnw's GAN step, for the engine's cross-check.

host/internal/engine/torch_test.go writes an arch IR model (JSON), the engine's initial
weights and one batch (safetensors), and runs

  python3 bench/torch/crosscheck.py --ir model.json --in in.safetensors \
      --out out.safetensors --steps 3 --loss lsgan|bce

This script runs the same steps as gan_step.py (engine/gan.go's GAN.Step: generator
step, then discriminator step, Adam on each) from those weights on that batch, and
writes:

  loss/<step>/{L1,GenAdv,Disc}   each step's losses (scalars, shape [1])
  grad/gen/<param>               the generator's gradients at the first step
  grad/disc/<param>              the discriminator's gradients at the first step

The input file holds gen/<param>, disc/<param> (every parameter of each graph, by IR
name), source and target ((B, C, H, W)). The Go test compares. Dropout must be off
in the IR (rate 0): the two sides draw their masks from different streams.
"""

import argparse
import json
import struct
import sys

import torch

import gan_step as gs


def read_safetensors(path):
    """The tensors of a safetensors file of F32 tensors (what dnw writes), by name."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] != "F32":
            raise ValueError(f"{path}: {name}: dtype {e['dtype']}, want F32")
        lo, hi = e["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[lo:hi]), dtype=torch.float32).reshape(e["shape"])
    return out


def write_safetensors(path, tensors):
    """Writes F32 tensors in name order, as dnw's safetensors.Write."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        b = tensors[name].detach().to("cpu", torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # the format's 8-byte alignment of the data
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def load_into(graph, prefix, tensors):
    """Sets every parameter of graph from tensors[prefix + name]; every one must be there."""
    with torch.no_grad():
        for name, p in graph.params.items():
            t = tensors.get(prefix + name)
            if t is None:
                raise ValueError(f"no tensor {prefix + name} in the input")
            if list(t.shape) != list(p.shape):
                raise ValueError(f"{prefix + name}: shape {list(t.shape)}, the IR says {list(p.shape)}")
            p.copy_(t)


def run(args):
    torch.set_num_threads(1)
    # Numbers, not speed: torch 1.13's oneDNN convolution backward returns non-finite
    # gradients on tiny shapes now and then (test_gan_step.py measured it).
    torch.backends.mkldnn.enabled = False
    model = gs.load_model(args.ir)
    for g in ("Generator", "Discriminator"):
        for n in model[g]["Nodes"]:
            if n["Op"] == "dropout" and n["Attrs"].get("Rate"):
                raise ValueError(f"{g} node {n['Name']}: dropout rate {n['Attrs']['Rate']}, want 0 (masks differ)")
    t = read_safetensors(args.inp)
    s = gs.GANStep(model, t["source"].shape[0], args.loss, seed=1)
    load_into(s.G, "gen/", t)
    load_into(s.D, "disc/", t)
    s.set_batch(t["source"], t["target"])
    out = {}
    for i in range(args.steps):
        grads = {}
        losses = s.step(grads if i == 0 else None)
        for k, v in losses.items():
            out[f"loss/{i}/{k}"] = torch.tensor([v])
        out.update(grads)
    write_safetensors(args.out, out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ir", required=True, help="JSON of an ir.Model")
    ap.add_argument("--in", dest="inp", required=True, help="safetensors: gen/*, disc/*, source, target")
    ap.add_argument("--out", required=True, help="safetensors to write: loss/*, grad/*")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--loss", choices=("lsgan", "bce"), default="lsgan")
    args = ap.parse_args(argv)
    try:
        run(args)
    except Exception as e:  # one line for the caller's error message, not a traceback
        print(f"crosscheck: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
