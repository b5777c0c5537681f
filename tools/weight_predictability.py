"""How predictable a run's LoRA weight dataset is from what each concept is.

For every held-out concept, the L2 distance from its own fine-tuned LoRA
(stages/collect/heldout.safetensors) to: the mean of the training LoRAs; the nearest
training LoRA (an oracle: it knows the answer); and a ridge regression from the
concept's set of edits (a bag of edit names, from stages/concepts/catalogue.json) to
the training LoRAs. If the ridge on the edits cannot beat the mean, no predictor
from text can: the dataset's LoRAs do not follow from their concepts.

    .venv/bin/python tools/weight_predictability.py runs/weightgen-check
"""
import json
import sys

import numpy as np
from safetensors.numpy import load_file


def main(run):
    weights = load_file(f"{run}/stages/collect/weights.safetensors")
    heldout = load_file(f"{run}/stages/collect/heldout.safetensors")
    with open(f"{run}/stages/concepts/catalogue.json") as f:
        edits = {k["id"]: [s["edit"] for s in k["steps"]] for k in json.load(f)["concepts"]}
    names = sorted(weights)
    X = np.stack([weights[n].ravel() for n in names]).astype(np.float64)
    concept = [n.split("/")[0] for n in names]  # tensors are CONCEPT/step-S
    mean = X.mean(0)
    vocab = sorted({e for es in edits.values() for e in es})

    def bag(c):
        v = np.zeros(len(vocab) + 1)
        v[-1] = 1  # intercept
        for e in edits[c]:
            v[vocab.index(e)] = 1
        return v

    B = np.stack([bag(c) for c in concept])

    def ridge(c, lam):
        coef = np.linalg.solve(B.T @ B + lam * np.eye(B.shape[1]), B.T @ (X - mean))
        return mean + bag(c) @ coef

    rows = {"training mean": [], "nearest training LoRA (oracle)": [], "ridge on edits, λ=1": [], "ridge on edits, λ=10": []}
    for c in sorted(heldout):
        own = heldout[c].ravel().astype(np.float64)
        rows["training mean"].append(np.linalg.norm(mean - own))
        rows["nearest training LoRA (oracle)"].append(np.linalg.norm(X - own, axis=1).min())
        rows["ridge on edits, λ=1"].append(np.linalg.norm(ridge(c, 1) - own))
        rows["ridge on edits, λ=10"].append(np.linalg.norm(ridge(c, 10) - own))
    base = np.array(rows["training mean"])
    print(f"{len(names)} training LoRAs of {X.shape[1]} weights, {len(heldout)} held-out concepts")
    print("| predictor | mean L2 to the own LoRA | concepts nearer than the mean |")
    print("|---|---|---|")
    for name, d in rows.items():
        d = np.array(d)
        print(f"| {name} | {d.mean():.3f} | {(d < base).sum()} of {len(d)} |")
    structure(X, concept)


def structure(X, concept, chunk=256):
    """How low-rank the training concepts' LoRAs are, two ways: the share of their
    deviation from the mean that the top k principal directions over concepts hold,
    and, cutting each vector into chunks, the share the top k patterns along a chunk
    hold (a denoiser that mixes k learned patterns can at best write that much)."""
    names = sorted(set(concept))
    means = np.stack([X[[i for i, c in enumerate(concept) if c == n]].mean(0) for n in names])
    dev = means - X.mean(0)

    def share(m, ks):
        s = np.linalg.svd(m, compute_uv=False) ** 2
        cum = np.cumsum(s) / s.sum()
        return ", ".join(f"top {k}: {cum[min(k, len(cum)) - 1]:.2f}" for k in ks)

    whole = dev.shape[1] // chunk * chunk
    print(f"concepts × weights ({dev.shape[0]} × {dev.shape[1]}), variance held by the {share(dev, (4, 8, 16))}")
    rows = dev[:, :whole].reshape(-1, chunk)
    print(f"chunks × positions ({rows.shape[0]} × {chunk}), variance held by the {share(rows, (16, 32, 64))}")


if __name__ == "__main__":
    main(sys.argv[1])
