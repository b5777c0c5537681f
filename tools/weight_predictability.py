"""How predictable a run's LoRA weight dataset is from what each concept is.

For every held-out concept, the L2 distance from its own fine-tuned LoRA
(stages/collect/heldout.safetensors) to: the mean of the training LoRAs; the nearest
training LoRA (an oracle: it knows the answer); and a ridge regression from the
concept's set of edits (a bag of edit names, from stages/concepts/catalogue.json) to
the training LoRAs. If the ridge on the edits cannot beat the mean, no predictor
from text can: the dataset's LoRAs do not follow from their concepts. Then, per
held-out prompt, a ridge regression from the prompt's text features, and from
text.hashgram's embeddings of them (the weight generator's input) at 256 and 4096
buckets: what a model linear in the prompt can reach. With --dnw, also from text
.minilm's embeddings: their kernel is the cosine similarity matrix that
`dnw text similarity --json` prints (the embeddings have unit norm).

    .venv/bin/python tools/weight_predictability.py runs/weightgen-check [--dnw bin/dnw]
"""
import collections
import json
import re
import subprocess
import sys

import numpy as np
from safetensors.numpy import load_file


def main(run, dnw=None):
    weights = load_file(f"{run}/stages/collect/weights.safetensors")
    heldout = load_file(f"{run}/stages/collect/heldout.safetensors")
    with open(f"{run}/stages/concepts/catalogue.json") as f:
        catalogue = {k["id"]: k for k in json.load(f)["concepts"]}
    edits = {c: [s["edit"] for s in k["steps"]] for c, k in catalogue.items()}
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
    prompts(X, concept, mean, catalogue, heldout, dnw)
    structure(X, concept)


def features(prompt):
    """text.hashgram's features of a prompt as (kind, text, weight): words ("w"),
    bigrams ("b", the two words joined by a NUL) and the 3- to 5-grams of each
    boundary-marked word ("c", weight 0.5), with the plugin's default options."""
    words = re.findall(r"[^\W_]+", prompt.lower())
    for i, w in enumerate(words):
        yield "w", w, 1.0
        if i > 0:
            yield "b", words[i - 1] + "\0" + w, 1.0
        padded = "<" + w + ">"
        for n in range(3, 6):
            for j in range(len(padded) - n + 1):
                yield "c", padded[j:j + n], 0.5


def normalized(f):
    norm = np.sqrt(sum(v * v for v in f.values()))
    return {k: v / norm for k, v in f.items() if v} if norm else {}


def prompt_features(prompt):
    """text.hashgram's features of a prompt, unhashed and L2-normalized."""
    f = collections.Counter()
    for kind, text, weight in features(prompt):
        f[kind, text] += weight
    return normalized(f)


FNV_OFFSET, FNV_PRIME, MASK = 14695981039346656037, 1099511628211, (1 << 64) - 1


def fnv(h, text):
    for byte in text.encode():
        h = ((h ^ byte) * FNV_PRIME) & MASK
    return h


def hashgram(prompt, dim):
    """text.hashgram's embedding of a prompt, the plugin's own numbers: each feature
    hashed by FNV-1a 64 from its kind's seed, into bucket h mod dim with the sign of
    h's top bit, then L2-normalized."""
    seeds = {kind: fnv(FNV_OFFSET, kind + "\0") for kind in "wbc"}
    f = collections.Counter()
    for kind, text, weight in features(prompt):
        h = fnv(seeds[kind], text)
        f[h % dim] += -weight if h >> 63 else weight
    return normalized(f)


def prompts(X, concept, mean, catalogue, heldout, dnw, lams=(0.1, 1, 10)):
    """Kernel ridge from prompt features, one row per (checkpoint, training prompt):
    on the features themselves, and on text.hashgram's embeddings of them at its
    default 256 buckets (what the weight generator is given) and at 4096; with dnw,
    on text.minilm's embeddings."""
    for name, features in [("prompt features", prompt_features),
                           ("text.hashgram, dim 256", lambda p: hashgram(p, 256)),
                           ("text.hashgram, dim 4096", lambda p: hashgram(p, 4096))]:
        ridge_rows(X, concept, mean, catalogue, heldout, lams, name, feature_kernel(features))
    if dnw:
        every = sorted({p for k in catalogue.values() for p in k["prompts"]})
        ridge_rows(X, concept, mean, catalogue, heldout, lams, "text.minilm", encoder_kernel(dnw, "text.minilm", every))


def feature_kernel(features):
    """The kernel of sparse feature vectors: kernel(a, b) is the matrix of their dot
    products, for lists of prompts a and b."""
    def kernel(a, b):
        fa, fb = [features(p) for p in a], [features(p) for p in b]
        return np.array([[sum(v * r.get(k, 0.0) for k, v in x.items()) for r in fb] for x in fa])
    return kernel


def encoder_kernel(dnw, encoder, prompts):
    """The kernel of a text encoder's unit-norm embeddings of prompts: their cosine
    similarities, as `dnw text similarity --json` prints them."""
    out = subprocess.run([dnw, "text", "similarity", "--json", "--encoder", encoder, "--", *prompts],
                         check=True, capture_output=True, text=True).stdout
    sim = np.array(json.loads(out)["similarity"])
    index = {p: i for i, p in enumerate(prompts)}

    def kernel(a, b):
        return sim[np.ix_([index[p] for p in a], [index[p] for p in b])]
    return kernel


def ridge_rows(X, concept, mean, catalogue, heldout, lams, name, kernel):
    rows, Y = [], []
    for i, c in enumerate(concept):
        for p in catalogue[c]["prompts"]:
            rows.append(p)
            Y.append(X[i] - mean)
    Y = np.stack(Y)
    K = kernel(rows, rows)
    tests = [(c, p) for c in sorted(heldout) for p in catalogue[c]["prompts"]]
    Kt = kernel([p for _, p in tests], rows)
    print(f"| ridge on {name} | mean L2 to the own LoRA | prompts nearer than the mean |")
    print("|---|---|---|")
    for lam in lams:
        pred = mean + Kt @ np.linalg.solve(K + lam * np.eye(len(K)), Y)
        d = np.array([np.linalg.norm(pred[i] - heldout[c].ravel()) for i, (c, _) in enumerate(tests)])
        base = np.array([np.linalg.norm(mean - heldout[c].ravel()) for c, _ in tests])
        print(f"| λ={lam} | {d.mean():.3f} (mean: {base.mean():.3f}) | {(d < base).sum()} of {len(d)} |")


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
    if len(sys.argv) == 2:
        main(sys.argv[1])
    elif len(sys.argv) == 4 and sys.argv[2] == "--dnw":
        main(sys.argv[1], sys.argv[3])
    else:
        sys.exit(__doc__)
