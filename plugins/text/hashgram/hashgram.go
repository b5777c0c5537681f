package hashgram

import (
	"context"
	"errors"
	"fmt"
	"math"

	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "text.hashgram"

// The defaults: 256 buckets, where a five-word prompt has about 70 features, so a
// few pairs share a bucket; signed hashing makes such collisions cancel in
// expectation, and a larger dim makes them rarer for long prompts. N-grams of 3 to 5
// characters are fastText's range minus its 6 (Bojanowski et al. 2017, §3.2: "all
// the n-grams for n greater or equal to 3 and smaller or equal to 6"), enough for
// English stems; char_weight 0.5 lets a word's spelling count, yet less per feature
// than the word itself.
var options = []sdk.OptionSpec{
	{Name: "dim", Type: sdk.OptionInt, Default: int64(256), Min: sdk.Float(16), Max: sdk.Float(65536),
		Doc: "embedding size: the number of hash buckets"},
	{Name: "ngram_min", Type: sdk.OptionInt, Default: int64(3), Min: sdk.Float(1), Max: sdk.Float(16),
		Doc: "shortest character n-gram, counting the boundary markers < and >"},
	{Name: "ngram_max", Type: sdk.OptionInt, Default: int64(5), Min: sdk.Float(1), Max: sdk.Float(16),
		Doc: "longest character n-gram; at least ngram_min"},
	{Name: "word_weight", Type: sdk.OptionFloat, Default: 1.0, Min: sdk.Float(0), Max: sdk.Float(1000),
		Doc: "weight of each word unigram and bigram feature"},
	{Name: "char_weight", Type: sdk.OptionFloat, Default: 0.5, Min: sdk.Float(0), Max: sdk.Float(1000),
		Doc: "weight of each character n-gram feature"},
}

// Hashgram is the text.hashgram text encoder.
type Hashgram struct{}

var _ sdk.TextEncoder = (*Hashgram)(nil)

// New returns the plugin, for `sdk.Serve(hashgram.New())` or the host's bundled registry.
func New() *Hashgram { return &Hashgram{} }

// Info describes text.hashgram and its options.
func (*Hashgram) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindTextEncoder, Version: "1.0.0",
		Doc: "signed feature hashing (FNV-1a 64) of word unigrams, bigrams and boundary-marked character " +
			"n-grams into dim buckets, L2-normalized; deterministic, no weights. A prompt without words is the zero vector.",
		Options: options,
	}
}

// config is the resolved options.
type config struct {
	dim                    int
	nMin, nMax             int
	wordWeight, charWeight float64
}

func configure(opts sdk.Options) (config, error) {
	o, errs := sdk.Resolve(options, opts) // also when called in process, without the gRPC server
	if len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", ID, e)
		}
		return config{}, errors.Join(out...)
	}
	c := config{
		dim: o.Int("dim"), nMin: o.Int("ngram_min"), nMax: o.Int("ngram_max"),
		wordWeight: o.Float("word_weight"), charWeight: o.Float("char_weight"),
	}
	if c.nMin > c.nMax {
		return config{}, fmt.Errorf("%s: ngram_min %d > ngram_max %d", ID, c.nMin, c.nMax)
	}
	if c.wordWeight == 0 && c.charWeight == 0 {
		return config{}, fmt.Errorf("%s: word_weight and char_weight are both 0; every prompt would embed to zero", ID)
	}
	return c, nil
}

// Encode embeds each prompt into a row of Dim = dim values, row-major: rows are
// independent, so a batch equals its prompts encoded one by one. Each row has unit L2
// norm, except for a prompt without any letter or digit, whose row is all zeros (there
// is no direction to give it; the host treats it like a dropped prompt).
func (*Hashgram) Encode(ctx context.Context, prompts []string, opts sdk.Options) (sdk.Embeddings, error) {
	if err := ctx.Err(); err != nil {
		return sdk.Embeddings{}, err
	}
	c, err := configure(opts)
	if err != nil {
		return sdk.Embeddings{}, err
	}
	e := sdk.Embeddings{Dim: c.dim, Data: make([]float32, len(prompts)*c.dim)}
	acc := make([]float64, c.dim)
	for i, p := range prompts {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return sdk.Embeddings{}, err
			}
		}
		embedTo(e.Data[i*c.dim:(i+1)*c.dim], acc, p, c)
	}
	return e, nil
}

// embedTo writes the embedding of prompt into dst (len c.dim), using acc (len c.dim)
// as float64 scratch so that the sums and the norm do not round in float32.
func embedTo(dst []float32, acc []float64, prompt string, c config) {
	clear(acc)
	add := func(h uint64, w float64) {
		// Weinberger et al. 2009, §2: bucket h mod dim, sign from an independent bit
		// (the top one, while the bucket uses the low bits), so collisions cancel in
		// expectation instead of piling up.
		if h>>63 != 0 {
			w = -w
		}
		acc[h%uint64(c.dim)] += w
	}
	words := Words(prompt)
	for i, w := range words {
		if c.wordWeight != 0 {
			add(hashString(wordSeed, w), c.wordWeight)
			if i > 0 {
				add(hashString(hashString(hashString(bigramSeed, words[i-1]), "\x00"), w), c.wordWeight)
			}
		}
		if c.charWeight != 0 {
			charGrams(w, c.nMin, c.nMax, func(g string) { add(hashString(charSeed, g), c.charWeight) })
		}
	}
	var sum float64
	for _, v := range acc {
		sum += v * v
	}
	if sum == 0 { // no words, or (rarely) every feature cancelled out
		clear(dst)
		return
	}
	inv := 1 / math.Sqrt(sum)
	for j, v := range acc {
		dst[j] = float32(v * inv)
	}
}
