"""Self-check of gan_step.py: python3 -m unittest discover -s bench/torch

It builds a tiny IR model by hand that uses every op of sdk/ir/ops.go, runs training
steps on it, and checks the ops whose layout is easy to get wrong (to_tokens order,
attention heads) against plain loops.
"""

import json
import math
import os
import re
import tempfile
import unittest

import torch

import gan_step as gs

# Debian's torch 1.13 CPU build returns non-finite weight gradients from its oneDNN
# (mkldnn) convolution backward on this test's tiny shapes in about 5% of runs (first
# conv, 3→8 channels at 8×8; measured over 200 seeds, none with oneDNN off). The test
# checks the interpreter, not oneDNN, so it runs without it. The benchmark keeps
# oneDNN on (torch's fast path at real sizes) and refuses non-finite losses.
torch.backends.mkldnn.enabled = False

HERE = os.path.dirname(os.path.abspath(__file__))
IR_GO = os.path.join(HERE, "..", "..", "sdk", "ir", "ir.go")

ATTR_NAMES = ("Kernel", "Stride", "Padding", "Groups", "Heads", "Scale", "Slope", "Eps", "Rate", "Height", "Width")


class GraphBuilder:
    """Just enough of ir.Builder to write graphs in Python: nodes with shapes, and
    parameters named after their node with the builder's default inits."""

    def __init__(self, name):
        self.g = {"Name": name, "Inputs": [], "Outputs": [], "Nodes": [], "Params": []}

    def input(self, name, *shape):
        self.g["Inputs"].append({"Name": name, "Shape": list(shape)})
        return name

    def param(self, name, shape, kind, gain=0.0, std=0.0):
        self.g["Params"].append({"Name": name, "Shape": list(shape), "Init": {"Kind": kind, "Std": std, "Gain": gain}})
        return name

    def node(self, name, op, inputs, shape, params=(), **attrs):
        a = {k: 0 for k in ATTR_NAMES}
        a.update(attrs)
        self.g["Nodes"].append({"Name": name, "Op": op, "Inputs": list(inputs), "Params": list(params) or None,
                                "Attrs": a, "Tags": None, "Shape": list(shape)})
        return name

    def weight(self, name, shape):  # the builder's default: kaiming_uniform, gain √(1/3)
        return self.param(name + ".weight", shape, "kaiming_uniform", gain=math.sqrt(1 / 3))

    def affine(self, name, c):
        return [self.param(name + ".scale", [c], "ones"), self.param(name + ".shift", [c], "zeros")]


def tiny_model():
    """A generator (3, 8, 8) → (3, 8, 8) through every op, and a one-conv PatchGAN."""
    b = GraphBuilder("generator")
    x = b.input("source", 3, 8, 8)
    concept = b.input("concept", 1, 6)
    c1 = b.node("c1", "conv2d", [x], [8, 8, 8], [b.weight("c1", [8, 3, 3, 3]), b.param("c1.bias", [8], "zeros")],
                Kernel=3, Stride=1, Padding=1)
    h = b.node("gn", "group_norm", [c1], [8, 8, 8], b.affine("gn", 8), Groups=2, Eps=1e-5)
    h = b.node("in", "instance_norm", [h], [8, 8, 8], b.affine("in", 8), Eps=1e-5)
    h = b.node("bn", "batch_norm", [h], [8, 8, 8], b.affine("bn", 8), Eps=1e-5)
    h = b.node("relu", "relu", [h], [8, 8, 8])
    h = b.node("lrelu", "leaky_relu", [h], [8, 8, 8], Slope=0.2)
    h = b.node("silu", "silu", [h], [8, 8, 8])
    h = b.node("gate", "mul", [h, c1], [8, 8, 8])
    h = b.node("sig", "sigmoid", [h], [8, 8, 8])
    h = b.node("drop", "dropout", [h], [8, 8, 8], Rate=0.5)
    h = b.node("pool", "avg_pool", [h], [8, 4, 4], Scale=2, Kernel=2)
    t = b.node("tok", "to_tokens", [h], [16, 8])
    t = b.node("pos", "add_param", [t], [16, 8], [b.param("pos.weight", [16, 8], "normal", std=0.02)])
    n = b.node("ln", "layer_norm", [t], [16, 8], b.affine("ln", 8), Eps=1e-5)
    q, k, v = (b.node(f"attn.{r}", "linear", [n], [16, 8], [b.weight(f"attn.{r}", [8, 8])]) for r in "qkv")
    a = b.node("attn", "attention", [q, k, v], [16, 8], Heads=2)
    t = b.node("attn.add", "add", [t, a], [16, 8])
    r = b.node("row", "from_tokens", [t], [8, 1, 16], Height=1, Width=16)
    r = b.node("c1d", "conv1d", [r], [8, 1, 8], [b.weight("c1d", [8, 8, 1, 3])], Kernel=3, Stride=2, Padding=1)
    r = b.node("up1d", "upsample1d", [r], [8, 1, 16], Scale=2)
    t = b.node("row.add", "add", [t, b.node("row.tok", "to_tokens", [r], [16, 8])], [16, 8])
    kc, vc = (b.node(f"cross.{r}", "linear", [concept], [1, 8], [b.weight(f"cross.{r}", [8, 6])]) for r in "kv")
    a = b.node("cross", "attention", [t, kc, vc], [16, 8], Heads=2)
    a = b.node("gelu", "gelu", [a], [16, 8])
    t = b.node("cross.add", "add", [t, a], [16, 8])
    h = b.node("img", "from_tokens", [t], [8, 4, 4], Height=4, Width=4)
    h = b.node("up", "upsample", [h], [8, 8, 8], Scale=2)
    h = b.node("skip", "concat", [h, c1], [16, 8, 8])
    h = b.node("head", "conv2d", [h], [3, 8, 8], [b.weight("head", [3, 16, 1, 1])], Kernel=1, Stride=1, Padding=0)
    b.g["Outputs"] = [b.node("out", "tanh", [h], [3, 8, 8])]

    d = GraphBuilder("discriminator")
    pair = d.node("pair", "concat", [d.input("source", 3, 8, 8), d.input("target", 3, 8, 8)], [6, 8, 8])
    d.g["Outputs"] = [d.node("logits", "conv2d", [pair], [1, 8, 8],
                             [d.param("logits.weight", [1, 6, 3, 3], "normal", std=0.02)], Kernel=3, Stride=1, Padding=1)]
    return {"Version": gs.IR_VERSIONS[-1], "Generator": b.g, "Discriminator": d.g}


class TestGanStep(unittest.TestCase):
    def test_every_ir_op_is_interpreted(self):
        with open(IR_GO, encoding="utf-8") as f:
            ops = set(re.findall(r'\bOp\w+\s+Op\s*=\s*"(\w+)"', f.read()))
        self.assertTrue(ops, "no Op constants found in sdk/ir/ir.go")
        self.assertEqual(ops, set(gs.OPS))
        used = {n["Op"] for g in ("Generator", "Discriminator") for n in tiny_model()[g]["Nodes"]}
        self.assertEqual(used, ops, "tiny_model should use every op")

    def test_steps_run_and_count_params(self):
        for loss in ("lsgan", "bce"):
            s = gs.GANStep(tiny_model(), batch=2, loss=loss, seed=1)
            self.assertEqual(s.G.num_params(), s.G.ir_param_count)
            self.assertEqual(s.D.num_params(), 6 * 9)
            before = {k: v.detach().clone() for k, v in s.D.params.items()}
            for _ in range(2):
                losses = s.step()
                self.assertTrue(all(math.isfinite(v) for v in losses.values()), losses)
            self.assertFalse(torch.equal(before["logits.weight"], s.D.params["logits.weight"]))

    def test_cli_prints_one_json_line(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(tiny_model(), f)
            args = gs.parse_args(["--ir", path, "--batch", "2", "--threads", "1", "--steps", "3"])
            out = gs.run(args)
        self.assertEqual(len(out["ms_all"]), 3)
        self.assertEqual(out["discriminator_params"], 54)

    def test_to_tokens_is_row_major_and_from_tokens_inverts_it(self):
        x = torch.randn(2, 5, 3, 4)
        t = gs.op_to_tokens([x], None, {}, None)
        self.assertEqual(tuple(t.shape), (2, 12, 5))
        for i in range(3):
            for j in range(4):
                self.assertTrue(torch.equal(t[:, i * 4 + j, :], x[:, :, i, j]))
        back = gs.op_from_tokens([t], None, {"Height": 3, "Width": 4}, None)
        self.assertTrue(torch.equal(back, x))

    def test_attention_matches_a_loop_over_heads(self):
        b, n, m, d, heads = 2, 5, 3, 8, 4
        q, k, v = torch.randn(b, n, d), torch.randn(b, m, d), torch.randn(b, m, d)
        got = gs.op_attention([q, k, v], None, {"Heads": heads}, None)
        dh = d // heads
        want = torch.empty(b, n, d)
        for h in range(heads):  # ops.go: head h takes columns h·D/Heads … (h+1)·D/Heads − 1
            cols = slice(h * dh, (h + 1) * dh)
            w = torch.softmax(q[..., cols] @ k[..., cols].transpose(1, 2) / math.sqrt(dh), dim=-1)
            want[..., cols] = w @ v[..., cols]
        self.assertTrue(torch.allclose(got, want, atol=1e-6))

    def test_init_rules(self):
        g = torch.Generator().manual_seed(0)
        p = {"Name": "w", "Shape": [16, 4, 3, 3], "Init": {"Kind": "kaiming_uniform", "Std": 0, "Gain": 0}}
        w = gs.init_param(p, g)
        self.assertLessEqual(w.abs().max().item(), math.sqrt(3 / 36))  # gain 0 means 1
        p["Init"] = {"Kind": "xavier_uniform", "Std": 0, "Gain": 2}
        self.assertLessEqual(gs.init_param(p, g).abs().max().item(), 2 * math.sqrt(6 / (36 + 144)))
        p["Init"] = {"Kind": "bogus"}
        with self.assertRaises(ValueError):
            gs.init_param(p, g)


if __name__ == "__main__":
    unittest.main()
