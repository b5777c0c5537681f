package place

import (
	"errors"
	"fmt"

	"dnw/sdk"
	"dnw/sdk/ir"
)

// DefaultRank and DefaultAlpha: a small rank, as Hu et al. found ranks 1 to 8 enough
// to adapt GPT-3 (LoRA, ICLR 2022, Table 6), and small matters here because the weight
// generator predicts every LoRA weight of a concept; alpha = rank makes the scale
// alpha/rank 1 at the defaults.
const (
	DefaultRank  = 4
	DefaultAlpha = 4.0
)

// Options are the options every bundled placement takes; trainNorms is the default of
// train_norms.
func Options(trainNorms bool) []sdk.OptionSpec {
	return []sdk.OptionSpec{
		{Name: "rank", Type: sdk.OptionInt, Default: int64(DefaultRank), Min: sdk.Float(1), Max: sdk.Float(1024),
			Doc: "LoRA rank r of every adapted layer: ΔW = (alpha/r)·B·A with B (out, r) and A (r, in)"},
		{Name: "alpha", Type: sdk.OptionFloat, Default: DefaultAlpha, Min: sdk.Float(0),
			Doc: "LoRA alpha; the update is scaled by alpha/rank (alpha = rank gives scale 1)"},
		{Name: "train_norms", Type: sdk.OptionBool, Default: trainNorms,
			Doc: "also train the parameters of the norm nodes (tag norm) along with LoRA"},
	}
}

// Resolve checks opts against specs and fills in defaults, so that a placement called
// in process without the gRPC server (which resolves first) sees complete options.
// Errors are prefixed with the placement's id.
func Resolve(id string, specs []sdk.OptionSpec, opts sdk.Options) (sdk.Options, error) {
	o, errs := sdk.Resolve(specs, opts)
	if len(errs) == 0 {
		return o, nil
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s: %w", id, e)
	}
	return nil, errors.Join(out...)
}

// Adaptable reports whether LoRA can adapt a node: it must be a conv2d or a linear.
func Adaptable(n ir.Node) bool { return n.Op == ir.OpConv2d || n.Op == ir.OpLinear }

// Select validates g and returns a Placement with one layer, of the options' rank and
// alpha, for each adaptable node keep accepts, in graph order. If none is selected it
// returns an error naming the placement id and the graph, and saying what was sought
// (want, e.g. "conv2d nodes").
func Select(id string, g ir.Graph, opts sdk.Options, want string, keep func(ir.Node) bool) (sdk.Placement, error) {
	if err := g.Validate(); err != nil {
		return sdk.Placement{}, fmt.Errorf("%s: %w", id, err)
	}
	p := sdk.Placement{TrainNorms: opts.Bool("train_norms")}
	rank, alpha := opts.Int("rank"), opts.Float("alpha")
	for _, n := range g.Nodes {
		if Adaptable(n) && keep(n) {
			p.Layers = append(p.Layers, sdk.LoRALayer{Node: n.Name, Rank: rank, Alpha: alpha})
		}
	}
	if len(p.Layers) == 0 {
		return sdk.Placement{}, fmt.Errorf("%s: graph %s: selects no node: the graph has no %s", id, g.Name, want)
	}
	return p, nil
}
