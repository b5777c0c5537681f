package weightgen

import (
	"fmt"

	"dnw/sdk/ir"
)

// Block-index encodings of the chunk position n (weightgen.block_index).
const (
	IndexSinusoidal = "sinusoidal" // emb_n = MLP(SinEnc(n, d)), the paper's choice
	IndexLearned    = "learned"    // emb_n = MLP(table[n]), a learned d-vector per chunk
	IndexNone       = "none"       // no emb_n: the ablation without block-index encoding
)

// What the network's last layer outputs (weightgen.output). The objective is the
// ε-prediction loss ‖ε − ε̂θ‖² either way (Trainer); only how ε̂θ is formed differs.
const (
	// OutputEpsilon: ε̂θ = F, the network predicts the noise (Ho et al. 2020).
	OutputEpsilon = "epsilon"
	// OutputV: ε̂θ = σ_t·w_t + α_t·F, the network predicts v = α_t·ε − σ_t·w
	// (Salimans & Ho 2022, §4): a fixed skip carries the noisy input, so at high noise
	// the network need not copy w_t into its output to within a small fraction, and
	// the one-step reconstruction ŵ = (w_t − σ_t·ε̂)/α_t = α_t·w_t − σ_t·F never
	// divides the network's error by a small α_t.
	OutputV = "v"
)

// Routes of the prompt straight into the output (weightgen.text_route).
const (
	RouteNone = "none" // the prompt enters only through the embedding and cross-attention (the paper's)
	// RouteLinear adds to the network's output a term linear in τ(T) (Spec.addLinearRoute).
	RouteLinear = "linear"
	// RouteLinearOnly: the prompt enters through the linear route alone; the UNet is
	// told the timestep and the chunk index but not the prompt. The ablation that
	// asks what the UNet's own, nonlinear text conditioning adds.
	RouteLinearOnly = "linear-only"
)

// positionChannels is P, the size of the sinusoidal encoding of a position within a
// chunk: 8 frequencies, periods from 2π to about 2π·3000 weights.
const positionChannels = 16

// Names of the denoiser's graph inputs.
const (
	InputChunk = "chunk" // (1, 1, b): the noisy chunk w_n^t, a row of b weights
	// (P, 1, b): SinEnc of every position along the chunk, P channels, the same for
	// every sample (positionInput)
	InputPosition = "position"
	InputTime     = "t"    // (1, d): SinEnc(t, d)
	InputIndex    = "n"    // (1, d): SinEnc(n, d); (1, N): one-hot of n for IndexLearned
	InputText     = "text" // (1, D): the prompt embedding τ(T), zeros for the null prompt
	// (1, N): one-hot of n, the linear text route's chunk gate (RouteLinear and RouteLinearOnly)
	InputIndexOneHot = "n.onehot"
)

// Spec sizes the denoiser ε̂θ(w_n^t, t, n, τ(T)).
type Spec struct {
	ChunkSize  int    // b, a multiple of 4 (two halvings)
	Widths     [3]int // channels at the three levels (lengths b, b/2, b/4)
	Depths     [3]int // ResBlocks per level on the way down (the way up has the same)
	Heads      int    // attention heads of the middle transformer block; divides Widths[2]
	TextDim    int    // D, the text encoder's embedding size
	SinDim     int    // d, the size of the sinusoidal encodings of t and n
	BlockIndex string // IndexSinusoidal, IndexLearned or IndexNone
	Output     string // OutputEpsilon or OutputV
	Chunks     int    // N, the chunks of a LoRA vector (positions n = 0…N−1; the one-hot size for IndexLearned)
	TextRoute  string // RouteNone (also "", as in files from before the option), RouteLinear or RouteLinearOnly
	RouteRank  int    // r, the channels of the linear text route
}

// HasLinearRoute says whether the denoiser has the linear text route.
func (s Spec) HasLinearRoute() bool {
	return s.TextRoute == RouteLinear || s.TextRoute == RouteLinearOnly
}

// unetSeesText says whether the prompt conditions the UNet itself.
func (s Spec) unetSeesText() bool { return s.TextRoute != RouteLinearOnly }

// embDim is the size of the conditioning embedding emb_t + emb_n: four times the first
// width, as in DDPM's UNet (Ho et al. 2020).
func (s Spec) embDim() int { return 4 * s.Widths[0] }

// Build returns the denoiser as an arch IR graph, which the engine compiles like any
// architecture. It is the paper's 1-D UNet over a chunk (Gong et al., ECCV 2024):
//
//   - the chunk is an image of height 1, (1, 1, b), so the IR's image ops apply;
//   - beside it, positionChannels channels encode each weight's position in the
//     chunk, a sinusoidal encoding plus a learned embedding of the same shape (as
//     ViT's): convolutions and attention are blind to absolute position, and at high
//     noise, where the input chunk is almost pure noise, the network must still write
//     out the chunk's own pattern of weights (CoordConv, Liu et al. 2018, makes the
//     same point for images). The learned part lets it keep a basis of patterns
//     along the chunk, which the conditioning then mixes;
//   - three levels of 1-D ResBlocks (GroupNorm, SiLU, conv1d k=3), halving the length
//     by a stride-2 conv1d between levels and doubling it back by upsample1d and a
//     conv1d, with a skip from each level down to the same level up;
//   - in the middle, at length b/4, a ResBlock, a transformer block (self-attention
//     along the chunk, cross-attention to the prompt embedding, an MLP) and a ResBlock;
//   - the timestep embedding emb_t = MLP(SinEnc(t)) plus the block-index embedding
//     emb_n (per Spec.BlockIndex) plus the prompt's emb_τ = MLP(τ(T)) is projected
//     into every ResBlock as the scale and shift of its second GroupNorm (upsample1d
//     of a (C, 1, 1) value broadcasts them along the row);
//   - the last conv1d starts at zero, so the untrained model predicts ε̂ = 0;
//   - with Spec.TextRoute = RouteLinear, a term linear in the prompt is added to the
//     output (Spec.addLinearRoute); with RouteLinearOnly that term is the only way
//     the prompt enters: no emb_τ, no cross-attention.
func Build(s Spec) (ir.Graph, error) {
	if err := s.check(); err != nil {
		return ir.Graph{}, err
	}
	b := ir.NewBuilder("denoiser")
	text := b.Input(InputText, 1, s.TextDim)
	timestep := b.Input(InputTime, 1, s.SinDim)
	emb := s.embedding(b, timestep, text)
	u := unet{b: b, emb: emb, spec: s}

	chunk := b.Input(InputChunk, 1, 1, s.ChunkSize)
	position := b.AddParam("in.position.learned", b.Input(InputPosition, positionChannels, 1, s.ChunkSize))
	h := b.Conv1d("in", b.Concat("in.position", []ir.Value{chunk, position}), s.Widths[0], 3, 1, 1)
	length := s.ChunkSize
	var skips []ir.Value
	for level, width := range s.Widths {
		for d := range s.Depths[level] {
			h = u.resBlock(fmt.Sprintf("down%d.res%d", level, d), h, width, length)
		}
		skips = append(skips, h)
		if level < 2 {
			h = b.Conv1d(fmt.Sprintf("down%d.resize", level), h, width, 3, 2, 1)
			length /= 2
		}
	}
	h = u.resBlock("mid.res0", h, s.Widths[2], length)
	h = u.transformer("mid.attn", h, text, s.Widths[2], length)
	h = u.resBlock("mid.res1", h, s.Widths[2], length)
	for level := 2; level >= 0; level-- {
		width := s.Widths[level]
		h = b.Concat(fmt.Sprintf("up%d.skip", level), []ir.Value{h, skips[level]})
		for d := range s.Depths[level] {
			h = u.resBlock(fmt.Sprintf("up%d.res%d", level, d), h, width, length)
		}
		if level > 0 {
			h = b.Upsample1d(fmt.Sprintf("up%d.resize", level), h, 2)
			h = b.Conv1d(fmt.Sprintf("up%d.resize.conv", level), h, s.Widths[level-1], 3, 1, 1)
			length *= 2
		}
	}
	h = b.GroupNorm("out.norm", h, groups(s.Widths[0]))
	h = b.SiLU("out.act", h)
	out := b.Conv1d("out", h, 1, 3, 1, 1, ir.WeightInit(ir.Init{Kind: ir.InitZeros}))
	if s.HasLinearRoute() {
		out = b.Add("out.with_route", out, s.addLinearRoute(b, timestep, text, position))
	}
	return b.Graph(out)
}

// addLinearRoute adds the output term R = Σ_j A_j · (g_n ⊙ s_t ⊙ P·τ)_j, linear in the
// prompt embedding τ: P·τ is a rank-r projection of the prompt, g_n a learned gate
// per chunk, s_t one per timestep (through SinEnc(t)), and A_j, j = 1…r, learned
// patterns along the chunk (a 1×1 conv1d of the position channels plus a free
// table). It is the model a ridge regression from the prompt fits
// (docs/benchmarks.md, "Does the generator learn from the prompt?": from the same
// text.hashgram features, ridge beats the training mean on held-out prompts where the
// UNet alone did not at text.hashgram's default 256 buckets), factored so that each
// chunk mixes its own share of the r patterns. The UNet's text path scales and shifts its activations by an MLP of τ,
// which can fit the training prompts without the additive structure that lets a
// linear model combine them for a new one. P starts at zero, so the route starts
// silent; it is regularized with the rest by weightgen.weight_decay.
func (s Spec) addLinearRoute(b *ir.Builder, timestep, text, position ir.Value) ir.Value {
	r := s.RouteRank
	chunk := b.Linear("route.chunk", b.Input(InputIndexOneHot, 1, s.Chunks), r, ir.NoBias(),
		ir.WeightInit(ir.Init{Kind: ir.InitNormal, Std: 1})) // a one-hot picks row n of an N×r table
	gate := b.Mul("route.gate", chunk, b.Linear("route.t", timestep, r))
	prompt := b.Linear("route.text", text, r, ir.NoBias(), ir.WeightInit(ir.Init{Kind: ir.InitZeros}))
	coef := b.FromTokens("route.coef", b.Mul("route.mul", gate, prompt), 1, 1) // (r, 1, 1)
	along := b.Upsample1d("route.row", coef, s.ChunkSize)                      // (r, 1, b)
	patterns := b.AddParam("route.patterns", b.Conv1d("route.basis", position, r, 1, 1, 0))
	return b.Conv1d("route.out", b.Mul("route.mix", patterns, along), 1, 1, 1, 0, ir.NoBias())
}

func (s Spec) check() error {
	switch {
	case s.ChunkSize < 4 || s.ChunkSize%4 != 0:
		return fmt.Errorf("weightgen: chunk size %d: need a positive multiple of 4 (the UNet halves it twice)", s.ChunkSize)
	case s.Widths[0] < 1 || s.Widths[1] < 1 || s.Widths[2] < 1:
		return fmt.Errorf("weightgen: widths %v: need three positive widths", s.Widths)
	case s.Depths[0] < 1 || s.Depths[1] < 1 || s.Depths[2] < 1:
		return fmt.Errorf("weightgen: depths %v: need at least one ResBlock per level", s.Depths)
	case s.Heads < 1 || s.Widths[2]%s.Heads != 0:
		return fmt.Errorf("weightgen: %d heads do not divide the middle width %d", s.Heads, s.Widths[2])
	case s.TextDim < 1 || s.SinDim < 2 || s.SinDim%2 != 0:
		return fmt.Errorf("weightgen: text dim %d, sinusoidal dim %d: need ≥ 1 and an even ≥ 2", s.TextDim, s.SinDim)
	case s.Chunks < 1:
		return fmt.Errorf("weightgen: %d chunks: need at least one", s.Chunks)
	case s.BlockIndex != IndexSinusoidal && s.BlockIndex != IndexLearned && s.BlockIndex != IndexNone:
		return fmt.Errorf("weightgen: block index %q: want %s, %s or %s", s.BlockIndex, IndexSinusoidal, IndexLearned, IndexNone)
	case s.Output != OutputEpsilon && s.Output != OutputV:
		return fmt.Errorf("weightgen: output %q: want %s or %s", s.Output, OutputEpsilon, OutputV)
	case s.TextRoute != "" && s.TextRoute != RouteNone && !s.HasLinearRoute():
		return fmt.Errorf("weightgen: text route %q: want %s, %s or %s", s.TextRoute, RouteNone, RouteLinear, RouteLinearOnly)
	case s.HasLinearRoute() && s.RouteRank < 1:
		return fmt.Errorf("weightgen: text route rank %d: need at least 1", s.RouteRank)
	}
	return nil
}

// embedding adds the input n (per BlockIndex) and returns emb = emb_t (+ emb_n) + emb_τ,
// (1, E), without emb_τ for RouteLinearOnly.
// emb_τ = MLP(τ(T)) puts the prompt into every ResBlock at every level, as unCLIP adds
// its projected CLIP embedding to the timestep embedding besides cross-attending to it
// (Ramesh et al. 2022, §2.1): cross-attention to one context token alone reaches only
// the middle of the UNet, and as one added vector there.
func (s Spec) embedding(b *ir.Builder, timestep, text ir.Value) ir.Value {
	e := s.embDim()
	mlp := func(name string, x ir.Value) ir.Value {
		x = b.Linear(name+".0", x, e)
		return b.Linear(name+".1", b.SiLU(name+".act", x), e)
	}
	emb := mlp("emb.t", timestep)
	switch s.BlockIndex {
	case IndexSinusoidal:
		emb = b.Add("emb", emb, mlp("emb.n", b.Input(InputIndex, 1, s.SinDim)))
	case IndexLearned:
		table := b.Linear("emb.n.table", b.Input(InputIndex, 1, s.Chunks), s.SinDim, ir.NoBias(),
			ir.WeightInit(ir.Init{Kind: ir.InitNormal, Std: 1})) // a one-hot picks row n of an N×d table
		emb = b.Add("emb", emb, mlp("emb.n", table))
	}
	if !s.unetSeesText() {
		return emb
	}
	return b.Add("emb.with_text", emb, mlp("emb.text", text))
}

// unet carries what every block reads: the builder, the embedding and the spec.
type unet struct {
	b    *ir.Builder
	emb  ir.Value
	spec Spec
}

// resBlock is x + F(x, emb) at one length: GroupNorm, SiLU, conv1d, GroupNorm scaled
// and shifted by projections of the embedding, SiLU, conv1d; a 1×1 conv1d on the skip
// when the width changes.
//
// The embedding enters as ADM's adaptive GroupNorm (Dhariwal & Nichol 2021, §3):
// GroupNorm(h)·(1 + y_s) + y_b, and not added before the norm as in DDPM's block. A
// GroupNorm subtracts each group's mean over its channels and positions, so a
// per-channel constant added before it survives only as its differences between the
// channels of a group, and with one channel per group (the 8 channels of the
// default's first level) not at all. The scale y_s multiplies patterns along the chunk
// by what the prompt, timestep and block index ask for: the output becomes a sum of
// such patterns weighted by the conditioning, the shape of the LoRA data (its
// concepts-by-weights matrix is close to low rank, docs/benchmarks.md).
func (u unet) resBlock(name string, x ir.Value, width, length int) ir.Value {
	b := u.b
	h := b.Conv1d(name+".conv0", b.SiLU(name+".act0", b.GroupNorm(name+".norm0", x, groups(x.Shape[0]))), width, 3, 1, 1)
	act := b.SiLU(name+".emb.act", u.emb)
	row := func(part string) ir.Value { // a projection of emb, the same at every position
		e := b.Linear(name+part, act, width)
		return b.Upsample1d(name+part+".row", b.FromTokens(name+part+".img", e, 1, 1), length)
	}
	n := b.GroupNorm(name+".norm1", h, groups(width))
	h = b.Add(name+".emb.add", b.Add(name+".emb.scaled", n, b.Mul(name+".emb.mul", n, row(".emb.scale"))), row(".emb"))
	h = b.Conv1d(name+".conv1", b.SiLU(name+".act1", h), width, 3, 1, 1)
	skip := x
	if x.Shape[0] != width {
		skip = b.Conv1d(name+".skip", x, width, 1, 1, 0)
	}
	return b.Add(name+".add", skip, h)
}

// transformer is a pre-norm transformer block over the chunk's positions as tokens:
// self-attention, cross-attention to the prompt embedding (one context token), and
// an MLP of four times the width, each added to its input.
func (u unet) transformer(name string, x, text ir.Value, width, length int) ir.Value {
	b, heads := u.b, u.spec.Heads
	t := b.ToTokens(name+".tokens", x)
	// attend adds an attention sub-block; context nil is self-attention.
	attend := func(part string, t ir.Value, context *ir.Value) ir.Value {
		p := name + "." + part
		n := b.LayerNorm(p+".norm", t)
		kv, tag := n, func(role string) ir.NodeOption { return ir.Tags(role) }
		if context != nil {
			kv, tag = *context, func(role string) ir.NodeOption { return ir.Tags(role, ir.TagCross) }
		}
		q := b.Linear(p+".q", n, width, tag(ir.TagAttnQ))
		k := b.Linear(p+".k", kv, width, tag(ir.TagAttnK))
		v := b.Linear(p+".v", kv, width, tag(ir.TagAttnV))
		a := b.Attention(p, q, k, v, heads)
		return b.Add(p+".add", t, b.Linear(p+".out", a, width, tag(ir.TagAttnOut)))
	}
	t = attend("self", t, nil)
	if u.spec.unetSeesText() {
		t = attend("cross", t, &text)
	}
	m := b.GELU(name+".mlp.act", b.Linear(name+".mlp.0", b.LayerNorm(name+".mlp.norm", t), 4*width, ir.Tags(ir.TagMLP)))
	t = b.Add(name+".mlp.add", t, b.Linear(name+".mlp.1", m, width, ir.Tags(ir.TagMLP)))
	return b.FromTokens(name+".image", t, 1, length)
}

// groups is GroupNorm's group count for c channels: the largest of 8, 4, 2, 1 that
// divides c (32 groups is the image-diffusion default; chunks have fewer channels).
func groups(c int) int {
	for _, g := range []int{8, 4, 2} {
		if c%g == 0 {
			return g
		}
	}
	return 1
}

// MultiplyAdds counts the multiply-adds of one sample's forward pass through g in its
// matrix products (conv1d, conv2d, linear and attention's two products): the cost
// that sets how fast a denoiser can be.
func MultiplyAdds(g ir.Graph) int {
	shapes := map[string][]int{}
	for _, in := range g.Inputs {
		shapes[in.Name] = in.Shape
	}
	total := 0
	for _, n := range g.Nodes {
		shapes[n.Name] = n.Shape
		switch n.Op {
		case ir.OpConv1d, ir.OpConv2d:
			w, _ := g.Param(n.Params[0])
			perOutput := w.Shape[1] * w.Shape[2] * w.Shape[3]
			total += n.Shape[0] * n.Shape[1] * n.Shape[2] * perOutput
		case ir.OpLinear:
			total += n.Shape[0] * n.Shape[1] * shapes[n.Inputs[0]][1]
		case ir.OpAttention:
			q, k := shapes[n.Inputs[0]], shapes[n.Inputs[1]]
			total += 2 * q[0] * k[0] * q[1]
		}
	}
	return total
}
