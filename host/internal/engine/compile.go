package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dnw/host/internal/device"
	"dnw/host/internal/engine/ops"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// Model is an arch IR graph compiled into a gorgonia expression graph for a fixed
// batch size: one node per IR node, parameters as nodes holding their values. It is
// built once and run many times; nothing is rebuilt per step.
type Model struct {
	G         *G.ExprGraph
	Inputs    map[string]*G.Node             // by IR input name, each (B, …)
	Outputs   []*G.Node                      // the IR graph's outputs, in order
	Params    map[string]*G.Node             // base parameters, by IR name
	LoRA      map[string]*G.Node             // LoRA tensors by the names lora.Params gives them
	Trainable G.Nodes                        // what an optimizer updates: every base parameter, or with LoRA only A, B (and norms if the placement trains them)
	BatchNorm map[string]*ops.BatchNormState // running statistics of each batch_norm node, by IR name (state a checkpoint keeps)
	Dropout   map[string]*ops.DropoutState   // the random stream of each dropout node, by IR name
	adapters  map[string]sdk.LoRALayer
	placement *sdk.Placement
	mode      *ops.Mode

	dev *onDevice // set for a model on a GPU: the fields above are then unused
}

// SetTraining switches the model between training (batch_norm uses the batch's
// statistics and updates the running ones; dropout drops) and evaluation (running
// statistics; no dropout), as torch's train() and eval(). A model starts training.
func (m *Model) SetTraining(on bool) {
	if m.dev != nil {
		m.dev.model.SetTraining(on)
		return
	}
	m.mode.Training = on
}

// Compile builds g into a new expression graph for batches of batch samples, with
// float32 parameters initialized by their IR rules from seed. Ops the engine cannot
// run yet are an error naming the node.
func Compile(g ir.Graph, batch int, seed uint64) (*Model, error) {
	return compile(g, batch, seed, into{})
}

// CompileOn is Compile on dev: the CPU, or a GPU through the tape engine.
func CompileOn(dev device.Name, g ir.Graph, batch int, seed uint64) (*Model, error) {
	if !dev.IsCPU() {
		return compileOnDevice(dev, g, batch, seed)
	}
	return Compile(g, batch, seed)
}

// CompileLoRA is Compile with LoRA on the placement's layers: each placed conv2d or
// linear uses W + (α/r)·B·A, where W is fixed and only A and B train (and, if the
// placement says so, the norms that read the placed layers). A starts Kaiming-uniform
// from loraSeed (the same for every concept, as the paper has it) and B at zero, so
// the model starts as the base model.
func CompileLoRA(g ir.Graph, batch int, seed uint64, p sdk.Placement, loraSeed uint64) (*Model, error) {
	return compile(g, batch, seed, into{placement: &p, loraSeed: loraSeed})
}

// into says where and how a graph is compiled: into an existing expression graph with
// some inputs already given (a discriminator reading a generator's output), under a
// name prefix that keeps its nodes apart, with or without LoRA.
type into struct {
	graph     *G.ExprGraph
	inputs    map[string]*G.Node
	prefix    string
	placement *sdk.Placement
	loraSeed  uint64
	statsOf   *Model // batch_norm layers use this model's running statistics instead of their own
}

func compile(g ir.Graph, batch int, seed uint64, o into) (*Model, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if o.graph == nil {
		o.graph = G.NewGraph()
	}
	m := &Model{G: o.graph, Inputs: map[string]*G.Node{}, Params: map[string]*G.Node{},
		LoRA: map[string]*G.Node{}, BatchNorm: map[string]*ops.BatchNormState{}, Dropout: map[string]*ops.DropoutState{},
		adapters: map[string]sdk.LoRALayer{}, placement: o.placement, mode: &ops.Mode{Training: true}}
	values := map[string]*G.Node{}
	for _, in := range g.Inputs {
		n, given := o.inputs[in.Name]
		if !given {
			shape := append([]int{batch}, in.Shape...)
			n = G.NewTensor(m.G, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(o.prefix+in.Name))
		}
		m.Inputs[in.Name], values[in.Name] = n, n
	}
	for _, p := range g.Params {
		data := make([]float32, size(p.Shape))
		if err := InitParam(data, p, seed); err != nil {
			return nil, err
		}
		t := tensor.New(tensor.WithShape(p.Shape...), tensor.WithBacking(data))
		m.Params[p.Name] = G.NewTensor(m.G, tensor.Float32, len(p.Shape), G.WithShape(p.Shape...),
			G.WithName(o.prefix+p.Name), G.WithValue(t))
	}
	if err := m.addLoRA(g, o.placement, o.loraSeed); err != nil {
		return nil, err
	}
	for i, n := range g.Nodes {
		in := make([]*G.Node, len(n.Inputs))
		for i, name := range n.Inputs {
			in[i] = values[name]
		}
		par := make([]*G.Node, 2)
		for i, name := range n.Params {
			par[i] = m.Params[name]
		}
		if l, ok := m.adapters[n.Name]; ok {
			w, err := m.adaptedWeight(n.Name, par[0], l)
			if err != nil {
				return nil, fmt.Errorf("engine: graph %s: node %s: LoRA: %w", g.Name, n.Name, err)
			}
			par[0] = w
		}
		out, err := m.node(n, in, par, o, seed+uint64(i))
		if err != nil {
			return nil, fmt.Errorf("engine: graph %s: node %s (%s): %w", g.Name, n.Name, n.Op, err)
		}
		values[n.Name] = out
	}
	for _, name := range g.Outputs {
		m.Outputs = append(m.Outputs, values[name])
	}
	return m, nil
}

// node applies one IR op. in are its inputs; par its parameters in the op's order
// (nil where an optional one is absent); o.prefix names the graph's nodes; a dropout
// node draws its masks from seed.
func (m *Model) node(n ir.Node, in, par []*G.Node, o into, seed uint64) (*G.Node, error) {
	prefix := o.prefix
	a := n.Attrs
	eps := a.Eps
	if eps == 0 {
		eps = ir.DefaultEps
	}
	switch n.Op {
	case ir.OpConv2d:
		return ops.Conv2d(in[0], par[0], par[1], a.Stride, a.Padding)
	case ir.OpConv1d:
		return ops.Conv1d(in[0], par[0], par[1], a.Stride, a.Padding)
	case ir.OpLinear:
		return ops.Linear(in[0], par[0], par[1])
	case ir.OpGroupNorm:
		return ops.GroupNorm(in[0], par[0], par[1], a.Groups, eps)
	case ir.OpInstanceNorm:
		return ops.GroupNorm(in[0], par[0], par[1], in[0].Shape()[1], eps)
	case ir.OpBatchNorm:
		st := ops.NewBatchNormState(in[0].Shape()[1])
		if o.statsOf != nil {
			st = o.statsOf.BatchNorm[n.Name]
		}
		m.BatchNorm[n.Name] = st
		return ops.BatchNorm(in[0], par[0], par[1], prefix+n.Name, eps, st, m.mode)
	case ir.OpDropout:
		st := ops.NewDropoutState(m.mode, a.Rate, seed)
		m.Dropout[n.Name] = st
		return ops.Dropout(in[0], prefix+n.Name, st)
	case ir.OpLayerNorm:
		return ops.LayerNorm(in[0], par[0], par[1], eps)
	case ir.OpReLU:
		return ops.ReLU(in[0])
	case ir.OpLeakyReLU:
		return ops.LeakyReLU(in[0], a.Slope)
	case ir.OpGELU:
		return ops.GELU(in[0])
	case ir.OpSiLU:
		return ops.SiLU(in[0])
	case ir.OpTanh:
		return G.Tanh(in[0])
	case ir.OpSigmoid:
		return G.Sigmoid(in[0])
	case ir.OpUpsample:
		return ops.UpsampleNearest(in[0], a.Scale, a.Scale)
	case ir.OpUpsample1d:
		return ops.UpsampleNearest(in[0], 1, a.Scale)
	case ir.OpAvgPool:
		return ops.AvgPool(in[0], a.Scale)
	case ir.OpConcat:
		return ops.ConcatChannels(in...)
	case ir.OpAdd:
		return G.Add(in[0], in[1])
	case ir.OpMul:
		return G.HadamardProd(in[0], in[1])
	case ir.OpAddParam:
		return ops.AddParam(in[0], par[0])
	case ir.OpToTokens:
		return ops.ToTokens(in[0])
	case ir.OpFromTokens:
		return ops.FromTokens(in[0], a.Height, a.Width)
	case ir.OpAttention:
		return ops.Attention(in[0], in[1], in[2], a.Heads)
	}
	return nil, fmt.Errorf("op not supported by the engine yet")
}
