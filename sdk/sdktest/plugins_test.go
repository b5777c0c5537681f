package sdktest_test

import (
	"context"
	"errors"
	"hash/fnv"
	"math"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// Small plugins that keep their kind's contract, one per kind. Each has a hook that
// breaks it in one way, so that a test can check that Conformance notices.

type arch struct {
	info    func(*sdk.Info)
	bug     func(*ir.Model, sdk.ArchRequest)
	anySize bool // build 16×16 where the request cannot be built, rather than fail
}

func (a arch) Info() sdk.Info {
	in := sdk.Info{ID: "arch.test", Kind: sdk.KindArchitecture, Version: "1.0.0", Doc: "a conv and a tanh",
		Options: []sdk.OptionSpec{
			{Name: "width", Type: sdk.OptionInt, Default: int64(4), Min: sdk.Float(1), Max: sdk.Float(64)},
			{Name: "norm", Type: sdk.OptionString, Default: "group", Enum: []string{"group", "none"}},
			{Name: "gain", Type: sdk.OptionFloat, Default: 1.0, Min: sdk.Float(0)}, // unused
		}}
	if a.info != nil {
		a.info(&in)
	}
	return in
}

func (a arch) Build(_ context.Context, req sdk.ArchRequest) (ir.Model, error) {
	c, s := req.Channels, req.ImageSize
	if a.anySize && s < 1 {
		s = 16
	}
	gb := ir.NewBuilder("generator")
	h := gb.Conv2d("conv", gb.Input("source", c, s, s), req.Options.Int("width"), 3, 1, 1)
	if req.Options.String("norm") == "group" {
		h = gb.GroupNorm("conv.norm", h, 1, ir.Tags(ir.TagNorm))
	}
	h = gb.Conv2d("head", h, c, 3, 1, 1)
	gen, err := gb.Graph(gb.Tanh("out", h))
	if err != nil {
		return ir.Model{}, err
	}
	db := ir.NewBuilder("discriminator")
	pair := db.Concat("pair", []ir.Value{db.Input("source", c, s, s), db.Input("target", c, s, s)})
	disc, err := db.Graph(db.Conv2d("logits", pair, 1, 4, 2, 1))
	if err != nil {
		return ir.Model{}, err
	}
	m := ir.Model{Version: ir.Version, Generator: gen, Discriminator: disc}
	if a.bug != nil {
		a.bug(&m, req)
	}
	return m, nil
}

type placement struct {
	info    func(*sdk.Info)
	bug     func(*sdk.Placement, ir.Graph)
	noError bool // return an empty placement rather than an error
}

func (p placement) Info() sdk.Info {
	in := sdk.Info{ID: "lora.test", Kind: sdk.KindLoRAPlacement, Version: "1.0.0", Doc: "every conv2d and linear"}
	if p.info != nil {
		p.info(&in)
	}
	return in
}

func (p placement) Place(_ context.Context, g ir.Graph, _ sdk.Options) (sdk.Placement, error) {
	var out sdk.Placement
	for _, n := range g.Nodes {
		if n.Op == ir.OpConv2d || n.Op == ir.OpLinear {
			out.Layers = append(out.Layers, sdk.LoRALayer{Node: n.Name, Rank: 4, Alpha: 4})
		}
	}
	if p.bug != nil {
		p.bug(&out, g)
	}
	if len(out.Layers) == 0 && !p.noError {
		return out, errors.New("selects no node")
	}
	return out, nil
}

type chunker struct {
	info func(*sdk.Info)
	bug  func(*sdk.ChunkLayout)
}

func (c chunker) Info() sdk.Info {
	in := sdk.Info{ID: "chunk.test", Kind: sdk.KindChunker, Version: "1.0.0", Doc: "one chunk per parameter piece"}
	if c.info != nil {
		c.info(&in)
	}
	return in
}

// Layout cuts each parameter into chunks of its own, in one group.
func (c chunker) Layout(_ context.Context, params []sdk.Param, size int, _ sdk.Options) (sdk.ChunkLayout, error) {
	l := sdk.ChunkLayout{ChunkSize: size, Groups: []string{"all"}}
	for i, p := range params {
		for off := 0; off < p.Size(); off += size {
			n := min(size, p.Size()-off)
			l.Chunks = append(l.Chunks, sdk.Chunk{Segments: []sdk.Segment{{Param: i, Offset: off, Len: n}}})
		}
	}
	if c.bug != nil {
		c.bug(&l)
	}
	return l, nil
}

type schedule struct {
	info func(*sdk.Info)
	bug  func(*sdk.ScheduleTables)
}

func (s schedule) Info() sdk.Info {
	in := sdk.Info{ID: "schedule.test", Kind: sdk.KindNoiseSchedule, Version: "1.0.0", Doc: "linear β"}
	if s.info != nil {
		s.info(&in)
	}
	return in
}

func (s schedule) Tables(_ context.Context, T int, _ sdk.Options) (sdk.ScheduleTables, error) {
	var tab sdk.ScheduleTables
	ab := 1.0
	for t := 1; t <= T; t++ {
		ab *= 1 - (1e-4 + 0.02*float64(t-1)/float64(max(T-1, 1)))
		tab.AlphaBar = append(tab.AlphaBar, ab)
		tab.Alpha = append(tab.Alpha, math.Sqrt(ab))
		tab.Sigma = append(tab.Sigma, math.Sqrt(1-ab))
	}
	if s.bug != nil {
		s.bug(&tab)
	}
	return tab, nil
}

type text struct {
	info func(*sdk.Info)
	bug  func(*sdk.Embeddings, []string)
}

func (x text) Info() sdk.Info {
	in := sdk.Info{ID: "text.test", Kind: sdk.KindTextEncoder, Version: "1.0.0", Doc: "hashed bytes"}
	if x.info != nil {
		x.info(&in)
	}
	return in
}

// Encode counts each prompt's bytes into 8 hashed buckets.
func (x text) Encode(_ context.Context, prompts []string, _ sdk.Options) (sdk.Embeddings, error) {
	const dim = 8
	e := sdk.Embeddings{Dim: dim, Data: make([]float32, dim*len(prompts))}
	for i, p := range prompts {
		for _, b := range []byte(p) {
			h := fnv.New32a()
			h.Write([]byte{b})
			e.Data[i*dim+int(h.Sum32()%dim)]++
		}
	}
	if x.bug != nil {
		x.bug(&e, prompts)
	}
	return e, nil
}
