package ir

import (
	"fmt"
	"math"
	"slices"
)

// This file is the op set: for every Op, its inputs, parameters (in order), the
// attributes it reads and the rule that gives its output shape. Validate and the
// Builder both go through InferShape, so a graph that builds is a graph that
// validates, and the host compiles each node from the same table.
//
// Shapes are per sample (the batch dimension is implicit). Image tensors are
// (C, H, W); token tensors are (N, D). Integer division rounds down, as in PyTorch.

// opRule describes one op.
type opRule struct {
	minInputs, maxInputs int      // maxInputs < 0: no upper bound
	params               []string // parameter roles, in the order of Node.Params
	required             int      // how many of params a node must give (the rest are optional)
	doc                  string   // one line: inputs → output; params; attrs
	// shape gives the output shape; declared is the node's declared output shape when
	// Validate checks a node (nil when the Builder adds one), from which the weight ops
	// take their output features F.
	shape func(in, p [][]int, a Attrs, declared []int) ([]int, error)
}

// opOrder fixes the order of Ops, the README table and error messages.
var opOrder = []Op{
	OpConv2d, OpConv1d, OpLinear,
	OpGroupNorm, OpInstanceNorm, OpBatchNorm, OpLayerNorm,
	OpReLU, OpLeakyReLU, OpGELU, OpSiLU, OpTanh, OpSigmoid, OpDropout,
	OpUpsample, OpUpsample1d, OpAvgPool, OpConcat, OpAdd, OpMul, OpAddParam,
	OpToTokens, OpFromTokens, OpAttention,
}

var rules = map[Op]opRule{
	// conv2d: input (C, H, W); weight (F, C, k, k), optional bias (F); attrs Kernel = k,
	// Stride ≥ 1, Padding ≥ 0 (zeros on each side); out (F, (H+2P−k)/S+1, (W+2P−k)/S+1).
	// There is no transposed convolution: upsample with OpUpsample and a conv2d
	// (resize-convolution, which also avoids checkerboard artifacts; Odena et al. 2016).
	OpConv2d: {1, 1, []string{"weight", "bias"}, 1,
		"(C,H,W) → (F,(H+2P−k)/S+1,(W+2P−k)/S+1); weight (F,C,k,k), bias (F) optional; Kernel=k, Stride=S, Padding=P (zeros)",
		conv2dShape},
	// conv1d: a 1-D convolution along the row of an image of height 1, so that 1-D
	// networks (the weight generator's UNet over chunks) use the image ops (norms,
	// concat, add, to_tokens) unchanged. Input (C, 1, L); weight (F, C, 1, k), optional
	// bias (F); attrs Kernel = k, Stride ≥ 1, Padding ≥ 0 (zeros at each end of the
	// row); out (F, 1, (L+2P−k)/S+1). In PyTorch: Conv2d with kernel (1, k), stride
	// (1, S), padding (0, P), or Conv1d on the input squeezed to (C, L).
	OpConv1d: {1, 1, []string{"weight", "bias"}, 1,
		"(C,1,L) → (F,1,(L+2P−k)/S+1); weight (F,C,1,k), bias (F) optional; Kernel=k, Stride=S, Padding=P (zeros) along L",
		conv1dShape},
	// linear: input (N, D); weight (F, D), optional bias (F); out (N, F): y = x·Wᵀ + b
	// on every token.
	OpLinear: {1, 1, []string{"weight", "bias"}, 1,
		"(N,D) → (N,F); weight (F,D), bias (F) optional",
		linearShape},
	// group_norm: input (C, H, W); scale (C), shift (C); attrs Groups (C divisible by
	// Groups), Eps > 0. Normalizes each group of C/Groups channels over (C/Groups, H, W).
	OpGroupNorm: {1, 1, []string{"scale", "shift"}, 2,
		"(C,H,W) → (C,H,W); scale (C), shift (C); Groups dividing C, Eps",
		groupNormShape},
	// instance_norm: input (C, H, W); scale (C), shift (C); attr Eps > 0. Normalizes
	// each channel over (H, W): group_norm with Groups = C.
	OpInstanceNorm: {1, 1, []string{"scale", "shift"}, 2,
		"(C,H,W) → (C,H,W); scale (C), shift (C); Eps",
		imageNormShape},
	// batch_norm: input (C, H, W); scale (C), shift (C); attr Eps > 0. Normalizes each
	// channel over (batch, H, W); the running statistics used at inference are the
	// host's state, not parameters.
	OpBatchNorm: {1, 1, []string{"scale", "shift"}, 2,
		"(C,H,W) → (C,H,W); scale (C), shift (C); Eps; running statistics are host state",
		imageNormShape},
	// layer_norm: input (N, D); scale (D), shift (D); attr Eps > 0. Normalizes each
	// token over D.
	OpLayerNorm: {1, 1, []string{"scale", "shift"}, 2,
		"(N,D) → (N,D); scale (D), shift (D); Eps",
		layerNormShape},
	// Elementwise ops: one input of any shape, no parameters, same shape out.
	OpReLU:      {1, 1, nil, 0, "x → x: max(x, 0)", same},
	OpLeakyReLU: {1, 1, nil, 0, "x → x: x if x ≥ 0 else Slope·x; Slope ≥ 0", leakyShape},
	OpGELU:      {1, 1, nil, 0, "x → x: x·Φ(x) (exact, erf form)", same},
	OpSiLU:      {1, 1, nil, 0, "x → x: x·sigmoid(x)", same},
	OpTanh:      {1, 1, nil, 0, "x → x: tanh(x)", same},
	OpSigmoid:   {1, 1, nil, 0, "x → x: 1/(1+e^−x)", same},
	OpDropout:   {1, 1, nil, 0, "x → x: zero with probability Rate in training, scale by 1/(1−Rate); 0 ≤ Rate < 1", dropoutShape},
	// upsample: input (C, H, W); attr Scale ≥ 1; nearest neighbour; out (C, H·s, W·s).
	OpUpsample: {1, 1, nil, 0, "(C,H,W) → (C,H·s,W·s); nearest; Scale=s", upsampleShape},
	// upsample1d: input (C, H, W); attr Scale ≥ 1; nearest neighbour along rows only;
	// out (C, H, W·s). On (C, 1, L) it upsamples a 1-D signal; on (C, 1, 1) it
	// broadcasts a per-channel value along a row of s (a conditioning vector added to
	// every position). In PyTorch: Upsample(scale_factor=(1, s)).
	OpUpsample1d: {1, 1, nil, 0, "(C,H,W) → (C,H,W·s); nearest, along rows only; Scale=s", upsample1dShape},
	// avg_pool: input (C, H, W) with H, W divisible by s; attrs Scale = s and Kernel = s
	// (non-overlapping windows, stride = kernel); out (C, H/s, W/s).
	OpAvgPool: {1, 1, nil, 0, "(C,H,W) → (C,H/s,W/s); Scale=s, Kernel=s, H and W divisible by s", avgPoolShape},
	// concat: two or more inputs (Cᵢ, H, W) with equal H, W; out (ΣCᵢ, H, W), in the
	// order of the inputs.
	OpConcat: {2, -1, nil, 0, "(C₁,H,W), (C₂,H,W), … → (C₁+C₂+…,H,W) along channels", concatShape},
	// add: two inputs of the same shape; out that shape.
	OpAdd: {2, 2, nil, 0, "x, y → x + y; same shape", addShape},
	// mul: two inputs of the same shape; out that shape, their element-wise product
	// (a conditioning scale, as in adaptive group norm).
	OpMul: {2, 2, nil, 0, "x, y → x ⊙ y (element-wise); same shape", addShape},
	// add_param: input x of any shape; weight P of the same shape; out x + P, the same
	// P for every sample: a learned embedding (of the positions along a row, say).
	OpAddParam: {1, 1, []string{"weight"}, 1, "x → x + P; weight P of x's shape, shared by every sample", addParamShape},
	// to_tokens: (C, H, W) → (H·W, C); token n is pixel (n / W, n mod W) (row-major).
	OpToTokens: {1, 1, nil, 0, "(C,H,W) → (H·W,C); row-major pixels", toTokensShape},
	// from_tokens: (N, C) → (C, Height, Width) with N = Height·Width; inverse of to_tokens.
	OpFromTokens: {1, 1, nil, 0, "(N,C) → (C,Height,Width); N = Height·Width", fromTokensShape},
	// attention: inputs q (N, D), k (M, D), v (M, D); attr Heads with D divisible by
	// Heads; no parameters; out (N, D). Multi-head scaled dot-product attention:
	// each head h takes D/Heads columns, softmax(q_h·k_hᵀ/√(D/Heads))·v_h, and the heads
	// are concatenated. The projections are separate linear nodes (so LoRA can adapt
	// them): self-attention projects q, k, v from the same tokens, cross-attention takes
	// k, v from projections of a context input (M, E).
	OpAttention: {3, 3, nil, 0, "q (N,D), k (M,D), v (M,D) → (N,D); Heads dividing D; softmax(q·kᵀ/√(D/Heads))·v per head", attentionShape},
}

// Ops lists every op of the IR, in a fixed order.
func Ops() []Op { return slices.Clone(opOrder) }

// Known reports whether op is part of the op set.
func (op Op) Known() bool {
	_, ok := rules[op]
	return ok
}

// Doc is a one-line description of the op: shapes in and out, parameters, attributes.
func (op Op) Doc() string { return rules[op].doc }

// ParamRoles lists the op's parameters in the order of Node.Params and how many of
// them a node must give: conv2d has [weight bias] with 1 required (the bias is
// optional); norms have [scale shift] with both required; other ops have none.
func (op Op) ParamRoles() (roles []string, required int) {
	r := rules[op]
	return slices.Clone(r.params), r.required
}

// InferShape returns the output shape of op applied to inputs of the given shapes,
// with parameters of the given shapes (in the op's order) and attributes a, or an
// error saying what does not fit.
func InferShape(op Op, inputs, params [][]int, a Attrs) ([]int, error) {
	out, err := inferShape(op, inputs, params, a, nil)
	if err != nil {
		return nil, fmt.Errorf("ir: %w", err)
	}
	return out, nil
}

// inferShape is InferShape without the package prefix, for callers that add context,
// and with the node's declared output shape, if any (see opRule.shape).
func inferShape(op Op, in, p [][]int, a Attrs, declared []int) ([]int, error) {
	r, ok := rules[op]
	if !ok {
		return nil, fmt.Errorf("unknown op %q", op)
	}
	if len(in) < r.minInputs || r.maxInputs >= 0 && len(in) > r.maxInputs {
		return nil, fmt.Errorf("%s takes %s, got %d", op, countText(r.minInputs, r.maxInputs, "input"), len(in))
	}
	if len(p) < r.required || len(p) > len(r.params) {
		return nil, fmt.Errorf("%s takes %s (%v), got %d", op, countText(r.required, len(r.params), "param"), r.params, len(p))
	}
	for i, s := range in {
		if err := checkDims(s); err != nil {
			return nil, fmt.Errorf("%s: input %d: %w", op, i, err)
		}
	}
	for i, s := range p {
		if err := checkDims(s); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", op, r.params[i], err)
		}
	}
	out, err := r.shape(in, p, a, declared)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

func countText(lo, hi int, what string) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d %ss", lo, what)
	case lo == hi && lo == 1:
		return "1 " + what
	case lo == hi:
		return fmt.Sprintf("%d %ss", lo, what)
	}
	return fmt.Sprintf("%d to %d %ss", lo, hi, what)
}

func checkDims(s []int) error {
	if len(s) == 0 {
		return fmt.Errorf("empty shape")
	}
	for _, d := range s {
		if d < 1 {
			return fmt.Errorf("shape %v has a dimension below 1", s)
		}
	}
	return nil
}

func rank(s []int, want int, what string) error {
	if len(s) != want {
		return fmt.Errorf("%s must have rank %d, got shape %v", what, want, s)
	}
	return nil
}

func wantShape(got []int, what string, want ...int) error {
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s has shape %v, want %v", what, got, want)
	}
	return nil
}

// features gives F, the output features of a weight op (conv2d, conv1d, linear),
// whose weight and bias both carry it. When Validate passes the node's declared
// output shape, F is the declared one (at index at of a shape of that rank): a weight
// or bias of the wrong size is then the fault named, with the shape it should have,
// and why. Otherwise (the Builder, InferShape) F is the weight's own first dimension.
// check wraps the weight's and the bias's shape checks with that reason.
func features(w, declared []int, rank, at int) (f int, check func(error) error) {
	if len(declared) != rank || declared[at] < 1 {
		return w[0], func(err error) error { return err }
	}
	f = declared[at]
	return f, func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("%w: F = %d, the output features of the node's declared shape %v", err, f, declared)
	}
}

func conv2dShape(in, p [][]int, a Attrs, declared []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	if a.Kernel < 1 || a.Stride < 1 || a.Padding < 0 {
		return nil, fmt.Errorf("needs Kernel ≥ 1, Stride ≥ 1, Padding ≥ 0, got %d, %d, %d", a.Kernel, a.Stride, a.Padding)
	}
	w := p[0]
	if err := rank(w, 4, "weight (F,C,k,k)"); err != nil {
		return nil, err
	}
	f, why := features(w, declared, 3, 0)
	if err := why(wantShape(w, "weight", f, x[0], a.Kernel, a.Kernel)); err != nil {
		return nil, err
	}
	if len(p) > 1 {
		if err := why(wantShape(p[1], "bias", f)); err != nil {
			return nil, err
		}
	}
	h, wd := x[1]+2*a.Padding-a.Kernel, x[2]+2*a.Padding-a.Kernel
	if h < 0 || wd < 0 {
		return nil, fmt.Errorf("kernel %d is larger than the padded input %v", a.Kernel, x)
	}
	return []int{f, h/a.Stride + 1, wd/a.Stride + 1}, nil
}

func conv1dShape(in, p [][]int, a Attrs, declared []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,1,L)"); err != nil {
		return nil, err
	}
	if x[1] != 1 {
		return nil, fmt.Errorf("input %v must have height 1: (C,1,L)", x)
	}
	if a.Kernel < 1 || a.Stride < 1 || a.Padding < 0 {
		return nil, fmt.Errorf("needs Kernel ≥ 1, Stride ≥ 1, Padding ≥ 0, got %d, %d, %d", a.Kernel, a.Stride, a.Padding)
	}
	w := p[0]
	if err := rank(w, 4, "weight (F,C,1,k)"); err != nil {
		return nil, err
	}
	f, why := features(w, declared, 3, 0)
	if err := why(wantShape(w, "weight", f, x[0], 1, a.Kernel)); err != nil {
		return nil, err
	}
	if len(p) > 1 {
		if err := why(wantShape(p[1], "bias", f)); err != nil {
			return nil, err
		}
	}
	l := x[2] + 2*a.Padding - a.Kernel
	if l < 0 {
		return nil, fmt.Errorf("kernel %d is longer than the padded row %v", a.Kernel, x)
	}
	return []int{f, 1, l/a.Stride + 1}, nil
}

func linearShape(in, p [][]int, _ Attrs, declared []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 2, "input (N,D)"); err != nil {
		return nil, err
	}
	w := p[0]
	if err := rank(w, 2, "weight (F,D)"); err != nil {
		return nil, err
	}
	f, why := features(w, declared, 2, 1)
	if err := why(wantShape(w, "weight", f, x[1])); err != nil {
		return nil, err
	}
	if len(p) > 1 {
		if err := why(wantShape(p[1], "bias", f)); err != nil {
			return nil, err
		}
	}
	return []int{x[0], f}, nil
}

// affine checks the (scale, shift) pair of a norm over n features and Eps.
func affine(p [][]int, n int, eps float64) error {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return fmt.Errorf("needs Eps > 0, got %v", eps)
	}
	if err := wantShape(p[0], "scale", n); err != nil {
		return err
	}
	return wantShape(p[1], "shift", n)
}

func imageNormShape(in, p [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	if err := affine(p, x[0], a.Eps); err != nil {
		return nil, err
	}
	return slices.Clone(x), nil
}

func groupNormShape(in, p [][]int, a Attrs, _ []int) ([]int, error) {
	out, err := imageNormShape(in, p, a, nil)
	if err != nil {
		return nil, err
	}
	if a.Groups < 1 || out[0]%a.Groups != 0 {
		return nil, fmt.Errorf("attr Groups %d does not divide %d channels", a.Groups, out[0])
	}
	return out, nil
}

func layerNormShape(in, p [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 2, "input (N,D)"); err != nil {
		return nil, err
	}
	if err := affine(p, x[1], a.Eps); err != nil {
		return nil, err
	}
	return slices.Clone(x), nil
}

func same(in, _ [][]int, _ Attrs, _ []int) ([]int, error) { return slices.Clone(in[0]), nil }

func leakyShape(in, p [][]int, a Attrs, _ []int) ([]int, error) {
	if !(a.Slope >= 0) || math.IsInf(a.Slope, 0) {
		return nil, fmt.Errorf("needs a finite Slope ≥ 0, got %v", a.Slope)
	}
	return same(in, p, a, nil)
}

func dropoutShape(in, p [][]int, a Attrs, _ []int) ([]int, error) {
	if !(a.Rate >= 0 && a.Rate < 1) {
		return nil, fmt.Errorf("needs 0 ≤ Rate < 1, got %v", a.Rate)
	}
	return same(in, p, a, nil)
}

func upsampleShape(in, _ [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	if a.Scale < 1 {
		return nil, fmt.Errorf("needs Scale ≥ 1, got %d", a.Scale)
	}
	return []int{x[0], x[1] * a.Scale, x[2] * a.Scale}, nil
}

func upsample1dShape(in, _ [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	if a.Scale < 1 {
		return nil, fmt.Errorf("needs Scale ≥ 1, got %d", a.Scale)
	}
	return []int{x[0], x[1], x[2] * a.Scale}, nil
}

func avgPoolShape(in, _ [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	if a.Scale < 1 || a.Kernel != a.Scale {
		return nil, fmt.Errorf("needs Scale ≥ 1 and Kernel = Scale, got Scale %d, Kernel %d", a.Scale, a.Kernel)
	}
	if x[1]%a.Scale != 0 || x[2]%a.Scale != 0 {
		return nil, fmt.Errorf("input %v is not divisible by Scale %d", x, a.Scale)
	}
	return []int{x[0], x[1] / a.Scale, x[2] / a.Scale}, nil
}

func concatShape(in, _ [][]int, _ Attrs, _ []int) ([]int, error) {
	c := 0
	for i, x := range in {
		if err := rank(x, 3, fmt.Sprintf("input %d (C,H,W)", i)); err != nil {
			return nil, err
		}
		if x[1] != in[0][1] || x[2] != in[0][2] {
			return nil, fmt.Errorf("input %d is %v, but input 0 is %v: H and W must agree", i, x, in[0])
		}
		c += x[0]
	}
	return []int{c, in[0][1], in[0][2]}, nil
}

func addShape(in, _ [][]int, _ Attrs, _ []int) ([]int, error) {
	if !slices.Equal(in[0], in[1]) {
		return nil, fmt.Errorf("inputs have shapes %v and %v, want equal", in[0], in[1])
	}
	return slices.Clone(in[0]), nil
}

func addParamShape(in, p [][]int, _ Attrs, _ []int) ([]int, error) {
	if !slices.Equal(in[0], p[0]) {
		return nil, fmt.Errorf("weight has shape %v, input %v: want equal", p[0], in[0])
	}
	return slices.Clone(in[0]), nil
}

func toTokensShape(in, _ [][]int, _ Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 3, "input (C,H,W)"); err != nil {
		return nil, err
	}
	return []int{x[1] * x[2], x[0]}, nil
}

func fromTokensShape(in, _ [][]int, a Attrs, _ []int) ([]int, error) {
	x := in[0]
	if err := rank(x, 2, "input (N,C)"); err != nil {
		return nil, err
	}
	if a.Height < 1 || a.Width < 1 || a.Height*a.Width != x[0] {
		return nil, fmt.Errorf("attrs Height %d × Width %d must equal the %d tokens", a.Height, a.Width, x[0])
	}
	return []int{x[1], a.Height, a.Width}, nil
}

func attentionShape(in, _ [][]int, a Attrs, _ []int) ([]int, error) {
	for i, what := range []string{"q (N,D)", "k (M,D)", "v (M,D)"} {
		if err := rank(in[i], 2, what); err != nil {
			return nil, err
		}
	}
	q, k, v := in[0], in[1], in[2]
	if k[1] != q[1] || !slices.Equal(v, k) {
		return nil, fmt.Errorf("q %v, k %v, v %v: want q (N,D), k and v (M,D)", q, k, v)
	}
	if a.Heads < 1 || q[1]%a.Heads != 0 {
		return nil, fmt.Errorf("attr Heads %d does not divide D = %d", a.Heads, q[1])
	}
	return slices.Clone(q), nil
}
