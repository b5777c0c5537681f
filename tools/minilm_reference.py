"""Reference token ids and sentence embeddings of all-MiniLM-L6-v2, for text.minilm's
test (plugins/text/minilm/reference_test.go), computed by other people's code:

- token ids: the `tokenizers` package (Hugging Face's Rust tokenizer) reading the
  model's tokenizer.json;
- embeddings: `transformers`' BertModel on PyTorch, then the mean pooling over the
  attention mask and L2 normalization of the model card (sentence-transformers'
  Pooling and Normalize modules).

Run with Debian's /usr/bin/python3, which has PyTorch (python3-torch, 1.13); the pure-
Python packages (transformers, tokenizers: tools/requirements.txt) come from the
repository's .venv, appended to sys.path after Debian's own so that Debian's numpy,
which its torch is built against, stays first:

    /usr/bin/python3 tools/minilm_reference.py MODEL_DIR PROMPTS.json OUT.json

PROMPTS.json is a JSON list of strings; OUT.json gets {"versions", "ids",
"embeddings"}, a list per prompt. Exit status 3: a package is missing.
"""
import glob
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path += sorted(glob.glob(os.path.join(REPO, ".venv", "lib", "python3*", "site-packages")))

try:
    import tokenizers
    import torch
    import transformers
except ImportError as e:
    print(f"minilm_reference: {e} (torch: apt-get install python3-torch; the rest: make deps)", file=sys.stderr)
    sys.exit(3)


def main(model_dir, prompts_path, out_path):
    with open(prompts_path, encoding="utf-8") as f:
        prompts = json.load(f)
    tok = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()  # one prompt at a time: no padding, so the mask is all ones
    transformers.logging.set_verbosity_error()  # the unused pooler weights are expected
    model = transformers.BertModel.from_pretrained(model_dir, local_files_only=True, add_pooling_layer=False)
    model.eval()
    ids, embeddings = [], []
    with torch.no_grad():
        for p in prompts:
            enc = tok.encode(p)
            ids.append(enc.ids)
            mask = torch.tensor([enc.attention_mask], dtype=torch.float32)
            hidden = model(input_ids=torch.tensor([enc.ids]), attention_mask=mask.long()).last_hidden_state
            pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            embeddings.append(torch.nn.functional.normalize(pooled, p=2, dim=1)[0].tolist())
    versions = {"torch": torch.__version__, "transformers": transformers.__version__, "tokenizers": tokenizers.__version__}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "ids": ids, "embeddings": embeddings}, f)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
