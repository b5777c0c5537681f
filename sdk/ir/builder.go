package ir

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Builder writes a Graph a layer at a time, tracking shapes, so that an architecture
// is a few lines of Go:
//
//	b := ir.NewBuilder("generator")
//	x := b.Input("source", 3, 64, 64)
//	h := b.Conv2d("down1", x, 32, 3, 2, 1, ir.Tags("downsample"))
//	h = b.GroupNorm("down1.norm", h, 8, ir.Tags("norm"))
//	h = b.SiLU("down1.act", h)
//	g, err := b.Graph(h)
//
// Each method adds one node named name and returns its output as a Value (name and
// shape). A node's parameters are named after it: "down1.weight" and "down1.bias" for
// conv2d and linear, "down1.norm.scale" and "down1.norm.shift" for norms.
//
// Default initializations follow PyTorch's layer defaults, so that a graph behaves
// like the PyTorch model it transcribes:
//
//   - conv2d and linear weights: kaiming_uniform with Gain √(1/3), which is PyTorch's
//     kaiming_uniform_(a=√5) and gives U(−1/√fan_in, 1/√fan_in) (torch.nn.Conv2d and
//     torch.nn.Linear reset_parameters);
//   - their biases: zeros. PyTorch draws biases from the same U(±1/√fan_in) with the
//     weight's fan-in, which an Init cannot say (a bias's own fan-in is 1); zero biases
//     are what pix2pix's init_weights and nanoGPT use;
//   - norm scale ones and shift zeros, Eps 1e-5 (PyTorch's default for every norm).
//
// Options change them per node: WeightInit, BiasInit, NoBias, Eps; Tags adds tags.
//
// Mistakes (a repeated name, shapes that do not fit) do not stop the builder: it
// records an error naming the node, and the nodes that depend on a failed node are
// skipped silently, so each mistake is reported once. Graph returns every recorded
// error, then runs Validate.
type Builder struct {
	g      Graph
	shapes map[string][]int // value name → shape, for inputs and nodes built so far
	failed map[string]bool  // names of nodes that could not be built
	errs   []error
}

// NewBuilder starts an empty graph named name.
func NewBuilder(name string) *Builder {
	return &Builder{g: Graph{Name: name}, shapes: map[string][]int{}, failed: map[string]bool{}}
}

// NodeOption changes how a Builder method builds its node.
type NodeOption func(*nodeConfig)

type nodeConfig struct {
	tags       []string
	weightInit *Init // weight (conv2d, linear) or scale (norms)
	biasInit   *Init // bias (conv2d, linear) or shift (norms)
	noBias     bool
	eps        float64
}

// Tags adds tags to the node; placements select nodes by tag.
func Tags(tags ...string) NodeOption {
	return func(c *nodeConfig) { c.tags = append(c.tags, tags...) }
}

// WeightInit sets the initialization of the node's first parameter: the weight of a
// conv2d or linear, the scale of a norm.
func WeightInit(in Init) NodeOption { return func(c *nodeConfig) { c.weightInit = &in } }

// BiasInit sets the initialization of the node's second parameter: the bias of a
// conv2d or linear, the shift of a norm.
func BiasInit(in Init) NodeOption { return func(c *nodeConfig) { c.biasInit = &in } }

// NoBias leaves out the bias of a conv2d or linear (for example before a norm that
// would cancel it).
func NoBias() NodeOption { return func(c *nodeConfig) { c.noBias = true } }

// Eps sets the Eps of a norm (default 1e-5).
func Eps(eps float64) NodeOption { return func(c *nodeConfig) { c.eps = eps } }

// DefaultEps is the Eps of norms built without the Eps option: PyTorch's default.
const DefaultEps = 1e-5

// defaultWeightInit is PyTorch's default for conv and linear weights (see Builder).
var defaultWeightInit = Init{Kind: InitKaimingUniform, Gain: math.Sqrt(1.0 / 3)}

// Input declares a graph input of the given shape: (C, H, W) for images, (N, D) for
// tokens such as a context embedding.
func (b *Builder) Input(name string, shape ...int) Value {
	switch {
	case b.taken(name):
		b.errorf("input %s: name already used", name) // not marked failed: the name is a good value
	case checkName(name) != nil || checkDims(shape) != nil || len(shape) != 2 && len(shape) != 3:
		b.errorf("input %q: needs a name and a shape (C,H,W) or (N,D) of dimensions ≥ 1, got %v", name, shape)
		b.failed[name] = true
	default:
		b.g.Inputs = append(b.g.Inputs, Value{Name: name, Shape: slices.Clone(shape)})
		b.shapes[name] = slices.Clone(shape)
		return Value{Name: name, Shape: slices.Clone(shape)}
	}
	return Value{Name: name}
}

// Conv2d adds a 2-D convolution with filters output channels, a square kernel,
// stride and zero padding. Its weight is (filters, C, kernel, kernel), its bias
// (filters) unless NoBias.
func (b *Builder) Conv2d(name string, x Value, filters, kernel, stride, padding int, opts ...NodeOption) Value {
	return b.withWeights(name, OpConv2d, x, Attrs{Kernel: kernel, Stride: stride, Padding: padding}, opts,
		func(in []int) []int { return []int{filters, in[0], kernel, kernel} }, filters)
}

// Conv1d adds a 1-D convolution along the row of an image of height 1, (C, 1, L) →
// (filters, 1, L'). Its weight is (filters, C, 1, kernel), its bias (filters) unless
// NoBias.
func (b *Builder) Conv1d(name string, x Value, filters, kernel, stride, padding int, opts ...NodeOption) Value {
	return b.withWeights(name, OpConv1d, x, Attrs{Kernel: kernel, Stride: stride, Padding: padding}, opts,
		func(in []int) []int { return []int{filters, in[0], 1, kernel} }, filters)
}

// Linear adds a linear layer over tokens (N, D) → (N, features). Its weight is
// (features, D), its bias (features) unless NoBias.
func (b *Builder) Linear(name string, x Value, features int, opts ...NodeOption) Value {
	return b.withWeights(name, OpLinear, x, Attrs{}, opts,
		func(in []int) []int { return []int{features, in[len(in)-1]} }, features)
}

// GroupNorm adds a group norm with groups groups over (C, H, W).
func (b *Builder) GroupNorm(name string, x Value, groups int, opts ...NodeOption) Value {
	return b.norm(name, OpGroupNorm, x, Attrs{Groups: groups}, 0, opts)
}

// InstanceNorm adds an instance norm over (C, H, W).
func (b *Builder) InstanceNorm(name string, x Value, opts ...NodeOption) Value {
	return b.norm(name, OpInstanceNorm, x, Attrs{}, 0, opts)
}

// BatchNorm adds a batch norm over (C, H, W).
func (b *Builder) BatchNorm(name string, x Value, opts ...NodeOption) Value {
	return b.norm(name, OpBatchNorm, x, Attrs{}, 0, opts)
}

// LayerNorm adds a layer norm over tokens (N, D).
func (b *Builder) LayerNorm(name string, x Value, opts ...NodeOption) Value {
	return b.norm(name, OpLayerNorm, x, Attrs{}, 1, opts)
}

// ReLU adds max(x, 0).
func (b *Builder) ReLU(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpReLU, []Value{x}, Attrs{}, opts)
}

// LeakyReLU adds a leaky ReLU with the given negative slope (pix2pix uses 0.2).
func (b *Builder) LeakyReLU(name string, x Value, slope float64, opts ...NodeOption) Value {
	return b.plain(name, OpLeakyReLU, []Value{x}, Attrs{Slope: slope}, opts)
}

// GELU adds x·Φ(x).
func (b *Builder) GELU(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpGELU, []Value{x}, Attrs{}, opts)
}

// SiLU adds x·sigmoid(x).
func (b *Builder) SiLU(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpSiLU, []Value{x}, Attrs{}, opts)
}

// Tanh adds tanh(x).
func (b *Builder) Tanh(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpTanh, []Value{x}, Attrs{}, opts)
}

// Sigmoid adds 1/(1+e^−x).
func (b *Builder) Sigmoid(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpSigmoid, []Value{x}, Attrs{}, opts)
}

// Dropout adds dropout with the given rate.
func (b *Builder) Dropout(name string, x Value, rate float64, opts ...NodeOption) Value {
	return b.plain(name, OpDropout, []Value{x}, Attrs{Rate: rate}, opts)
}

// Upsample adds a nearest-neighbour upsampling by scale.
func (b *Builder) Upsample(name string, x Value, scale int, opts ...NodeOption) Value {
	return b.plain(name, OpUpsample, []Value{x}, Attrs{Scale: scale}, opts)
}

// Upsample1d adds a nearest upsampling along rows by scale, (C, H, W) → (C, H, W·scale).
func (b *Builder) Upsample1d(name string, x Value, scale int, opts ...NodeOption) Value {
	return b.plain(name, OpUpsample1d, []Value{x}, Attrs{Scale: scale}, opts)
}

// AvgPool adds an average pooling over non-overlapping scale×scale windows.
func (b *Builder) AvgPool(name string, x Value, scale int, opts ...NodeOption) Value {
	return b.plain(name, OpAvgPool, []Value{x}, Attrs{Scale: scale, Kernel: scale}, opts)
}

// Concat adds a concatenation of images along channels, in the order of xs.
func (b *Builder) Concat(name string, xs []Value, opts ...NodeOption) Value {
	return b.plain(name, OpConcat, xs, Attrs{}, opts)
}

// Add adds x + y.
func (b *Builder) Add(name string, x, y Value, opts ...NodeOption) Value {
	return b.plain(name, OpAdd, []Value{x, y}, Attrs{}, opts)
}

// Mul adds the element-wise product x ⊙ y of two values of the same shape.
func (b *Builder) Mul(name string, x, y Value, opts ...NodeOption) Value {
	return b.plain(name, OpMul, []Value{x, y}, Attrs{}, opts)
}

// AddParam adds x + P for a learned weight P of x's shape (name.weight), the same for
// every sample; it starts from N(0, 0.02²), as ViT's position embeddings, unless
// WeightInit says otherwise.
func (b *Builder) AddParam(name string, x Value, opts ...NodeOption) Value {
	c := configure(opts)
	switch {
	case c.noBias || c.biasInit != nil:
		return b.fail(name, "%s has no bias", OpAddParam)
	case c.eps != 0:
		return b.fail(name, "%s has no Eps", OpAddParam)
	}
	in, ok := b.inputs(name, []Value{x})
	if !ok {
		return Value{Name: name}
	}
	w := Param{Name: name + ".weight", Shape: slices.Clone(in[0]), Init: pick(c.weightInit, Init{Kind: InitNormal, Std: 0.02})}
	return b.add(name, OpAddParam, []Value{x}, in, []Param{w}, Attrs{}, c)
}

// ToTokens turns an image (C, H, W) into tokens (H·W, C).
func (b *Builder) ToTokens(name string, x Value, opts ...NodeOption) Value {
	return b.plain(name, OpToTokens, []Value{x}, Attrs{}, opts)
}

// FromTokens turns tokens (height·width, C) back into an image (C, height, width).
func (b *Builder) FromTokens(name string, x Value, height, width int, opts ...NodeOption) Value {
	return b.plain(name, OpFromTokens, []Value{x}, Attrs{Height: height, Width: width}, opts)
}

// Attention adds multi-head scaled dot-product attention of q (N, D) over k, v (M, D).
// The q, k, v and output projections are Linear nodes of their own.
func (b *Builder) Attention(name string, q, k, v Value, heads int, opts ...NodeOption) Value {
	return b.plain(name, OpAttention, []Value{q, k, v}, Attrs{Heads: heads}, opts)
}

// Err returns the errors recorded so far, joined, or nil.
func (b *Builder) Err() error { return errors.Join(b.errs...) }

// Graph finishes the graph with the given outputs and returns it, with every error
// the builder recorded, or else the result of Validate.
func (b *Builder) Graph(outputs ...Value) (Graph, error) {
	g := b.g
	g.Inputs = slices.Clone(g.Inputs)
	g.Nodes = slices.Clone(g.Nodes)
	g.Params = slices.Clone(g.Params)
	g.Outputs = nil
	errs := slices.Clone(b.errs)
	for _, o := range outputs {
		if _, ok := b.shapes[o.Name]; !ok && !b.failed[o.Name] {
			errs = append(errs, fmt.Errorf("ir: graph %s: output %q: not a value of this builder", g.Name, o.Name))
		}
		g.Outputs = append(g.Outputs, o.Name)
	}
	if len(errs) > 0 {
		return Graph{}, errors.Join(errs...)
	}
	if err := g.Validate(); err != nil {
		return Graph{}, err
	}
	return g, nil
}

// withWeights adds a conv2d or linear: weightShape gives the weight's shape from the
// input's shape; features is the bias's length.
func (b *Builder) withWeights(name string, op Op, x Value, a Attrs, opts []NodeOption,
	weightShape func(in []int) []int, features int) Value {
	c := configure(opts)
	in, ok := b.inputs(name, []Value{x})
	if !ok {
		return Value{Name: name}
	}
	params := []Param{{Name: name + ".weight", Shape: weightShape(in[0]), Init: pick(c.weightInit, defaultWeightInit)}}
	if !c.noBias {
		params = append(params, Param{Name: name + ".bias", Shape: []int{features}, Init: pick(c.biasInit, Init{Kind: InitZeros})})
	} else if c.biasInit != nil {
		return b.fail(name, "BiasInit and NoBias contradict each other")
	}
	return b.add(name, op, []Value{x}, in, params, a, c)
}

// norm adds a norm whose scale and shift have the length of the input's dimension dim.
func (b *Builder) norm(name string, op Op, x Value, a Attrs, dim int, opts []NodeOption) Value {
	c := configure(opts)
	if c.noBias {
		return b.fail(name, "NoBias applies to conv2d and linear, not %s", op)
	}
	a.Eps = DefaultEps
	if c.eps != 0 {
		a.Eps = c.eps
	}
	in, ok := b.inputs(name, []Value{x})
	if !ok {
		return Value{Name: name}
	}
	if len(in[0]) <= dim {
		return b.fail(name, "%s: input has shape %v", op, in[0])
	}
	n := in[0][dim]
	params := []Param{
		{Name: name + ".scale", Shape: []int{n}, Init: pick(c.weightInit, Init{Kind: InitOnes})},
		{Name: name + ".shift", Shape: []int{n}, Init: pick(c.biasInit, Init{Kind: InitZeros})},
	}
	return b.add(name, op, []Value{x}, in, params, a, c)
}

// plain adds a node without parameters.
func (b *Builder) plain(name string, op Op, xs []Value, a Attrs, opts []NodeOption) Value {
	c := configure(opts)
	switch {
	case c.noBias || c.weightInit != nil || c.biasInit != nil:
		return b.fail(name, "%s has no parameters to initialize", op)
	case c.eps != 0:
		return b.fail(name, "%s has no Eps", op)
	}
	in, ok := b.inputs(name, xs)
	if !ok {
		return Value{Name: name}
	}
	return b.add(name, op, xs, in, nil, a, c)
}

// inputs looks up the shapes of xs for node name. It reports false, after recording
// an error where one is due, when the node cannot be built.
func (b *Builder) inputs(name string, xs []Value) ([][]int, bool) {
	if b.taken(name) || checkName(name) != nil {
		// Not marked failed: the name may belong to a good value built before.
		b.errorf("node %q: needs a new name without spaces (names of inputs and nodes are unique)", name)
		return nil, false
	}
	in := make([][]int, len(xs))
	for i, x := range xs {
		if b.failed[x.Name] {
			b.failed[name] = true // reported where it failed
			return nil, false
		}
		s, ok := b.shapes[x.Name]
		if !ok {
			b.fail(name, "input %q is not a value of this builder", x.Name)
			return nil, false
		}
		in[i] = s
	}
	return in, true
}

// add checks the node's shape rule and appends the node and its parameters.
func (b *Builder) add(name string, op Op, xs []Value, in [][]int, params []Param, a Attrs, c nodeConfig) Value {
	pshapes := make([][]int, len(params))
	for i, p := range params {
		pshapes[i] = p.Shape
	}
	out, err := inferShape(op, in, pshapes, a, nil)
	if err != nil {
		return b.fail(name, "%v", err)
	}
	for _, p := range params {
		if slices.ContainsFunc(b.g.Params, func(q Param) bool { return q.Name == p.Name }) {
			return b.fail(name, "param %s already exists", p.Name)
		}
	}
	n := Node{Name: name, Op: op, Attrs: a, Shape: out}
	for _, x := range xs {
		n.Inputs = append(n.Inputs, x.Name)
	}
	for _, p := range params {
		n.Params = append(n.Params, p.Name)
	}
	if len(c.tags) > 0 {
		n.Tags = slices.Clone(c.tags)
	}
	b.g.Nodes = append(b.g.Nodes, n)
	b.g.Params = append(b.g.Params, params...)
	b.shapes[name] = out
	return Value{Name: name, Shape: slices.Clone(out)}
}

// fail records an error for node name and marks it failed.
func (b *Builder) fail(name, format string, args ...any) Value {
	b.failed[name] = true
	b.errorf("node %s: "+format, append([]any{name}, args...)...)
	return Value{Name: name}
}

func (b *Builder) errorf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("ir: graph %s: "+format, append([]any{b.g.Name}, args...)...))
}

func (b *Builder) taken(name string) bool {
	_, ok := b.shapes[name]
	return ok || b.failed[name]
}

func configure(opts []NodeOption) nodeConfig {
	var c nodeConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

func pick(in *Init, def Init) Init {
	if in != nil {
		return *in
	}
	return def
}
