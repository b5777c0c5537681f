package minilm

import (
	"context"
	"fmt"
	"math"
	"slices"

	"dnw/kernels"
)

// bert is a BERT encoder's weights (Devlin et al., NAACL 2019; the layout of Hugging
// Face's BertModel): token, position and token-type embeddings with a layer norm,
// then post-norm transformer layers of self-attention and a GELU MLP.
type bert struct {
	cfg            bertConfig
	word, pos, typ []float32 // (vocab, D), (positions, D), (types, D)
	embNorm        layerNorm
	layers         []bertLayer
}

type bertLayer struct {
	q, k, v, out linear    // D → D
	attnNorm     layerNorm // after the attention's residual sum
	up, down     linear    // D → I, I → D
	mlpNorm      layerNorm // after the MLP's residual sum
}

// linear is y = x·Wᵀ + b, W (out, in) as torch.nn.Linear stores it.
type linear struct {
	w, b    []float32
	in, out int
}

type layerNorm struct{ gamma, beta []float32 }

// newBert picks the model's tensors out of a safetensors file's, checking each shape
// against cfg. A checkpoint of BertModel itself names them without the "bert."
// prefix that BertFor… checkpoints add; both are accepted.
func newBert(cfg bertConfig, tensors map[string]tensor) (*bert, error) {
	get := func(name string, shape ...int) ([]float32, error) {
		t, ok := tensors[name]
		if !ok {
			t, ok = tensors["bert."+name]
		}
		if !ok {
			return nil, fmt.Errorf("no F32 tensor %s", name)
		}
		if !slices.Equal(t.shape, shape) {
			return nil, fmt.Errorf("tensor %s has shape %v, config.json says %v", name, t.shape, shape)
		}
		return t.data, nil
	}
	var err error
	d, in := cfg.Hidden, cfg.Intermediate
	lin := func(name string, inDim, outDim int) linear {
		l := linear{in: inDim, out: outDim}
		if err == nil {
			l.w, err = get(name+".weight", outDim, inDim)
		}
		if err == nil {
			l.b, err = get(name+".bias", outDim)
		}
		return l
	}
	ln := func(name string) layerNorm {
		var n layerNorm
		if err == nil {
			n.gamma, err = get(name+".weight", d)
		}
		if err == nil {
			n.beta, err = get(name+".bias", d)
		}
		return n
	}
	m := &bert{cfg: cfg}
	for _, e := range []struct {
		dst  *[]float32
		name string
		rows int
	}{{&m.word, "word", cfg.VocabSize}, {&m.pos, "position", cfg.MaxPositions}, {&m.typ, "token_type", cfg.TypeVocab}} {
		if err == nil {
			*e.dst, err = get("embeddings."+e.name+"_embeddings.weight", e.rows, d)
		}
	}
	m.embNorm = ln("embeddings.LayerNorm")
	for i := range cfg.Layers {
		p := fmt.Sprintf("encoder.layer.%d.", i)
		m.layers = append(m.layers, bertLayer{
			q: lin(p+"attention.self.query", d, d), k: lin(p+"attention.self.key", d, d),
			v: lin(p+"attention.self.value", d, d), out: lin(p+"attention.output.dense", d, d),
			attnNorm: ln(p + "attention.output.LayerNorm"),
			up:       lin(p+"intermediate.dense", d, in), down: lin(p+"output.dense", in, d),
			mlpNorm: ln(p + "output.LayerNorm"),
		})
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// maxBatchTokens bounds the tokens of one forward pass, and so its buffers: about
// 4·(6·D + I) = 15 kB a token at D = 384, I = 1536, so 2 048 tokens hold 31 MB.
const maxBatchTokens = 2048

// embedTo writes the sentence embedding of each token sequence into dst (len(seqs)
// rows of D, row-major): the last layer's hidden states averaged over the sequence's
// tokens, [CLS] and [SEP] included (sentence-transformers' mean pooling under an
// attention mask of ones), then divided by their L2 norm (torch.nn.functional.normalize,
// whose eps 1e-12 only guards a zero vector). Sequences go through the layers together
// in batches of up to maxBatchTokens tokens.
func (m *bert) embedTo(ctx context.Context, dst []float32, seqs [][]int32) error {
	d := m.cfg.Hidden
	for lo := 0; lo < len(seqs); {
		hi, tokens := lo, 0
		for hi < len(seqs) && (hi == lo || tokens+len(seqs[hi]) <= maxBatchTokens) {
			tokens += len(seqs[hi])
			hi++
		}
		if err := m.forwardTo(ctx, dst[lo*d:hi*d], seqs[lo:hi], tokens); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// forwardTo runs one batch. The sequences are packed one after the other into a
// (tokens, D) matrix with no padding: every op but attention works token by token,
// so the linear layers see all tokens of the batch in one product, and attention runs
// per sequence over exactly its own tokens, which needs no attention mask.
func (m *bert) forwardTo(ctx context.Context, dst []float32, seqs [][]int32, tokens int) error {
	c := m.cfg
	d := c.Hidden
	eps := float32(c.LayerNormEps)
	x := make([]float32, tokens*d)    // (T, D) the hidden states
	q := make([]float32, tokens*d)    // (T, D) queries, then the MLP's output
	k := make([]float32, tokens*d)    // (T, D)
	v := make([]float32, tokens*d)    // (T, D)
	ctxv := make([]float32, tokens*d) // (T, D) attention output
	h := make([]float32, tokens*c.Intermediate)
	mean, rstd := make([]float32, tokens), make([]float32, tokens)
	longest := 0
	for _, s := range seqs {
		longest = max(longest, len(s))
	}
	probs := make([]float32, c.Heads*longest*longest)

	// Embeddings: word + position + token type 0 (one segment), then layer norm.
	t := 0
	for _, s := range seqs {
		if len(s) > c.MaxPositions {
			panic(fmt.Sprintf("minilm: a sequence of %d tokens, more than the %d positions", len(s), c.MaxPositions))
		}
		for p, id := range s {
			row := x[t*d : (t+1)*d]
			w, ps, ty := m.word[int(id)*d:][:d], m.pos[p*d:][:d], m.typ[:d]
			for j := range row {
				row[j] = w[j] + ps[j] + ty[j]
			}
			t++
		}
	}
	kernels.LayerNorm(x, mean, rstd, x, m.embNorm.gamma, m.embNorm.beta, tokens, d, eps)

	for _, l := range m.layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		kernels.Linear(q, x, l.q.w, l.q.b, tokens, d, d)
		kernels.Linear(k, x, l.k.w, l.k.b, tokens, d, d)
		kernels.Linear(v, x, l.v.w, l.v.b, tokens, d, d)
		off := 0
		for _, s := range seqs {
			n := len(s)
			r := off * d
			kernels.Attention(ctxv[r:r+n*d], probs[:c.Heads*n*n], q[r:r+n*d], k[r:r+n*d], v[r:r+n*d], 1, n, n, d, c.Heads)
			off += n
		}
		kernels.Linear(q, ctxv, l.out.w, l.out.b, tokens, d, d)
		kernels.Add(q, q, x)
		kernels.LayerNorm(x, mean, rstd, q, l.attnNorm.gamma, l.attnNorm.beta, tokens, d, eps)

		kernels.Linear(h, x, l.up.w, l.up.b, tokens, d, c.Intermediate)
		kernels.GELU(h, h)
		kernels.Linear(q, h, l.down.w, l.down.b, tokens, c.Intermediate, d)
		kernels.Add(q, q, x)
		kernels.LayerNorm(x, mean, rstd, q, l.mlpNorm.gamma, l.mlpNorm.beta, tokens, d, eps)
	}

	// Mean pooling and L2 normalization, summed in float64.
	off := 0
	acc := make([]float64, d)
	for i, s := range seqs {
		clear(acc)
		for t := off; t < off+len(s); t++ {
			for j, val := range x[t*d : (t+1)*d] {
				acc[j] += float64(val)
			}
		}
		off += len(s)
		var sq float64
		for j := range acc {
			acc[j] /= float64(len(s))
			sq += acc[j] * acc[j]
		}
		inv := 1 / math.Max(math.Sqrt(sq), 1e-12)
		for j, val := range acc {
			dst[i*d+j] = float32(val * inv)
		}
	}
	return nil
}
