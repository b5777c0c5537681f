package ir

// Version is the version of the IR that this package writes. The host reads every
// version from MinVersion to Version: a version only adds ops (2 added conv1d and
// upsample1d, 3 mul and add_param), so an older graph means the same under the newer
// rules.
const Version = 3

// MinVersion is the oldest IR version the host reads.
const MinVersion = 1

// Model is what an architecture plugin returns.
type Model struct {
	Version       int
	Generator     Graph // source image(s) → target image, in [-1, 1]
	Discriminator Graph // (source, target) → patch logits
}

// Graph is a directed acyclic graph of nodes over per-sample tensors: the batch
// dimension is implicit and never appears in a shape. Image tensors are (C, H, W);
// token tensors are (N, D).
type Graph struct {
	Name    string
	Inputs  []Value  // graph inputs with their shapes
	Outputs []string // names of nodes (or inputs) that are the graph's outputs
	Nodes   []Node   // in topological order: a node reads only inputs and earlier nodes
	Params  []Param  // every parameter tensor a node uses
}

// Value is a named tensor with its per-sample shape.
type Value struct {
	Name  string
	Shape []int
}

// Node is one operation. Its output is the tensor named after the node.
type Node struct {
	Name   string
	Op     Op
	Inputs []string // names of graph inputs or earlier nodes, in the op's order
	Params []string // names of parameters, in the op's order (e.g. weight, bias)
	Attrs  Attrs
	Tags   []string // what LoRA placements select on: "downsample", "transformer", …
	Shape  []int    // output shape per sample; Validate recomputes and checks it
}

// Attrs are the op's attributes; each op reads the ones its documentation lists.
type Attrs struct {
	Kernel  int     // conv2d, conv1d, avg_pool: kernel side (conv1d: length)
	Stride  int     // conv2d, conv1d: stride
	Padding int     // conv2d: zero padding on each side; conv1d: at each end of the row
	Groups  int     // group_norm: number of groups
	Heads   int     // attention: number of heads
	Scale   int     // upsample, upsample1d, avg_pool: factor
	Slope   float64 // leaky_relu: negative slope
	Eps     float64 // norms: added to the variance
	Rate    float64 // dropout: probability of dropping
	Height  int     // from_tokens: image height
	Width   int     // from_tokens: image width
}

// Param is a named parameter tensor and how to initialize it.
type Param struct {
	Name  string
	Shape []int
	Init  Init
}

// Init says how a parameter starts. Fan-in is the product of all dimensions but the
// first (a conv weight (F, C, k, k) has fan-in C·k·k).
type Init struct {
	Kind InitKind
	Std  float64 // normal: standard deviation
	Gain float64 // kaiming_uniform, xavier_uniform: gain (0 means 1)
}

// InitKind names an initialization rule.
type InitKind string

const (
	InitZeros          InitKind = "zeros"
	InitOnes           InitKind = "ones"
	InitNormal         InitKind = "normal"          // N(0, Std²); pix2pix uses Std = 0.02
	InitKaimingUniform InitKind = "kaiming_uniform" // U(−b, b), b = Gain·√(3/fan_in)
	InitXavierUniform  InitKind = "xavier_uniform"  // U(−b, b), b = Gain·√(6/(fan_in+fan_out))
)

// Op names an operation of the IR's op set; ops.go documents each.
type Op string

const (
	OpConv2d       Op = "conv2d"
	OpConv1d       Op = "conv1d"
	OpLinear       Op = "linear"
	OpGroupNorm    Op = "group_norm"
	OpInstanceNorm Op = "instance_norm"
	OpBatchNorm    Op = "batch_norm"
	OpLayerNorm    Op = "layer_norm"
	OpReLU         Op = "relu"
	OpLeakyReLU    Op = "leaky_relu"
	OpGELU         Op = "gelu"
	OpSiLU         Op = "silu"
	OpTanh         Op = "tanh"
	OpSigmoid      Op = "sigmoid"
	OpDropout      Op = "dropout"
	OpUpsample     Op = "upsample"
	OpUpsample1d   Op = "upsample1d"
	OpAvgPool      Op = "avg_pool"
	OpConcat       Op = "concat"
	OpAdd          Op = "add"
	OpMul          Op = "mul"
	OpAddParam     Op = "add_param"
	OpToTokens     Op = "to_tokens"
	OpFromTokens   Op = "from_tokens"
	OpAttention    Op = "attention"
)
