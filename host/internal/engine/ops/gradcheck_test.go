package ops

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// buildFunc builds the expression under test from its input nodes (in the order of
// the values given to checkGrad).
type buildFunc func(g *G.ExprGraph, in []*G.Node) (*G.Node, error)

// randDense returns a float64 tensor of the given shape with entries uniform in [-1, 1).
func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = 2*rng.Float64() - 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// checkGrad checks the symbolic gradient of an expression against central finite
// differences in float64, for every input node. It builds out = build(g, inputs) from
// float64 input nodes bound to the given values, the scalar loss L = Σ out ⊙ R with a
// fixed random R (so every output element matters with a different weight), takes
// dL/dinput from G.Grad and one TapeMachine run, then for every element of every input
// compares it with (L(x+h) − L(x−h))/2h, h = 1e-6, requiring both to be finite and
// |analytic − numeric| ≤ tol·max(1, |numeric|): a NaN or an infinity fails, where a
// bare `d > tol·…` would let it through (any comparison with NaN is false). The
// values are copied, not mutated.
//
// Use it for any op of the package:
//
//	checkGrad(t, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
//		return GELU(in[0])
//	}, 1e-6, randDense(rng, 2, 3))
func checkGrad(t *testing.T, build buildFunc, tol float64, values ...*tensor.Dense) {
	t.Helper()
	checkGradTB(t, build, tol, values...)
}

// checkGradTB is checkGrad for any testing.TB.
func checkGradTB(t testing.TB, build buildFunc, tol float64, values ...*tensor.Dense) {
	t.Helper()
	g, in, out := buildOver(t, build, values)
	rng := rand.New(rand.NewSource(7))
	r := G.NodeFromAny(g, randDense(rng, out.Shape()...), G.WithName("r"))
	prod, err := G.HadamardProd(out, r)
	if err != nil {
		t.Fatalf("loss: %v", err)
	}
	loss, err := G.Sum(prod)
	if err != nil {
		t.Fatalf("loss: %v", err)
	}
	grads, err := G.Grad(loss, in...)
	if err != nil {
		t.Fatalf("G.Grad: %v", err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	run := func() float64 {
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatalf("RunAll: %v", err)
		}
		return loss.Value().Data().(float64)
	}
	run()
	analytic := make([][]float64, len(in))
	for i, gn := range grads {
		analytic[i] = append([]float64(nil), gn.Value().Data().([]float64)...)
	}
	const h = 1e-6
	for i, n := range in {
		x := n.Value().Data().([]float64) // the bound backing slice: perturb in place
		if len(analytic[i]) != len(x) {
			t.Fatalf("input %d: gradient has %d elements, input %d", i, len(analytic[i]), len(x))
		}
		bad := 0
		for j := range x {
			orig := x[j]
			x[j] = orig + h
			lp := run()
			x[j] = orig - h
			lm := run()
			x[j] = orig
			num := (lp - lm) / (2 * h)
			if !gradClose(analytic[i][j], num, tol) {
				if bad < 5 {
					t.Errorf("input %d element %d: analytic %.9g, numeric %.9g", i, j, analytic[i][j], num)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("input %d: %d of %d gradient elements wrong", i, bad, len(x))
		}
	}
}

// gradClose reports whether an analytic gradient element matches its numeric
// estimate: both finite and |analytic − numeric| ≤ tol·max(1, |numeric|).
func gradClose(analytic, numeric, tol float64) bool {
	if math.IsNaN(analytic) || math.IsInf(analytic, 0) || math.IsNaN(numeric) || math.IsInf(numeric, 0) {
		return false
	}
	return math.Abs(analytic-numeric) <= tol*math.Max(1, math.Abs(numeric))
}

// toFloat32 returns a float32 copy of a float64 tensor.
func toFloat32(d *tensor.Dense) *tensor.Dense {
	src := d.Data().([]float64)
	dst := make([]float32, len(src))
	for i, v := range src {
		dst[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(d.Shape().Clone()...), tensor.WithBacking(dst))
}

// buildOver builds out = build(g, in) in a new graph whose input nodes hold copies of
// values, named in0, in1, …
func buildOver(t testing.TB, build buildFunc, values []*tensor.Dense) (*G.ExprGraph, []*G.Node, *G.Node) {
	t.Helper()
	g := G.NewGraph()
	in := make([]*G.Node, len(values))
	for i, v := range values {
		in[i] = G.NodeFromAny(g, v.Clone().(*tensor.Dense), G.WithName(fmt.Sprintf("in%d", i)))
	}
	out, err := build(g, in)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return g, in, out
}

// forward builds out = build(g, inputs) over nodes bound to copies of values (any float
// dtype), runs it once on a TapeMachine and returns a copy of the output's data.
func forward(t *testing.T, build buildFunc, values ...*tensor.Dense) any {
	t.Helper()
	g, _, out := buildOver(t, build, values)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("RunAll: %v", err)
	}
	return out.Value().(*tensor.Dense).Clone().(*tensor.Dense).Data()
}

// sink is where leakyBuild appends, to prove checkRepeat catches a per-step leak.
var sink [][]float64

// checkRepeat builds loss = Σ build(inputs)², its gradients w.r.t. every input, and
// runs one TapeMachine 200 times (RunAll + Reset). Every run must give bit-identical
// loss and gradients, and the heap after a GC at run 200 may exceed that at run 100
// by at most repeatLeakBound bytes (the graph's values are ~KiB; a per-step leak of even one
// small tensor per run adds 100 of them). It returns the growth, for tests of the
// checker itself.
func checkRepeat(t testing.TB, build buildFunc, values ...*tensor.Dense) int64 {
	t.Helper()

	g, in, out := buildOver(t, build, values)
	sq, err := G.Square(out)
	if err != nil {
		t.Fatalf("square: %v", err)
	}
	loss, err := G.Sum(sq)
	if err != nil {
		t.Fatalf("sum: %v", err)
	}
	grads, err := G.Grad(loss, in...)
	if err != nil {
		t.Fatalf("G.Grad: %v", err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	snapshot := func() []string {
		s := []string{fmt.Sprint(loss.Value().Data())}
		for _, gn := range grads {
			s = append(s, fmt.Sprint(gn.Value().Data()))
		}
		return s
	}
	var first []string
	var heap100 uint64
	var ms runtime.MemStats
	for i := 1; i <= 200; i++ {
		if err := m.RunAll(); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		snap := snapshot()
		if first == nil {
			first = snap
		} else {
			for j := range snap {
				if snap[j] != first[j] {
					t.Fatalf("run %d: value %d differs from run 1", i, j)
				}
			}
		}
		m.Reset()
		if i == 100 || i == 200 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if i == 100 {
				heap100 = ms.HeapAlloc
			}
		}
	}
	growth := int64(ms.HeapAlloc) - int64(heap100)
	t.Logf("heap growth from run 100 to run 200: %d bytes", growth)
	if growth > repeatLeakBound {
		t.Errorf("heap grew by %d bytes from run 100 to run 200 (bound %d): a per-run leak", growth, repeatLeakBound)
	}
	return growth
}

// repeatLeakBound is checkRepeat's allowed heap growth from run 100 to run 200.
const repeatLeakBound = 256 << 10

// leakOp is the identity that appends 16 KiB to a global on every Do: a real
// per-step leak, to prove that checkRepeat catches one.
type leakOp struct{ opBase }

func (op leakOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}

func (op leakOp) Do(in ...G.Value) (G.Value, error) {
	sink = append(sink, make([]float64, 2048))
	return in[0].(*tensor.Dense).Clone().(*tensor.Dense), nil
}

func (op leakOp) DiffWRT(n int) []bool { return []bool{true} }

func (op leakOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{grad}, nil
}

// quietTB records failures instead of reporting them.
type quietTB struct {
	testing.TB
	failed bool
}

func (q *quietTB) Errorf(string, ...any) { q.failed = true }
func (q *quietTB) Helper()               {}

func TestCheckRepeatCatchesLeak(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	q := &quietTB{TB: t}
	growth := checkRepeat(q, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		return G.ApplyOp(leakOp{newOpBase("leak", []int{2}, 2)}, in[0])
	}, randDense(rng, 2, 2))
	sink = nil
	if !q.failed || growth <= repeatLeakBound {
		t.Errorf("a 16 KiB-per-run leak went unnoticed: growth %d, failed %v", growth, q.failed)
	}
}

func TestCheckGradCatchesWrongGradient(t *testing.T) {
	rng := rand.New(rand.NewSource(10))
	q := &quietTB{TB: t}
	checkGradTB(q, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		return G.ApplyOp(wrongOp{newOpBase("wrong", []int{2}, 2)}, in[0])
	}, 1e-6, randDense(rng, 2, 2))
	if !q.failed {
		t.Error("a doubled gradient went unnoticed")
	}
}

// wrongOp is the identity with a gradient twice too large.
type wrongOp struct{ opBase }

func (op wrongOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}

func (op wrongOp) Do(in ...G.Value) (G.Value, error) {
	return in[0].(*tensor.Dense).Clone().(*tensor.Dense), nil
}

func (op wrongOp) DiffWRT(n int) []bool { return []bool{true} }

func (op wrongOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	two := G.NewConstant(2.0)
	d, err := G.Mul(grad, two)
	return G.Nodes{d}, err
}

// The checker fails on non-finite values: a NaN or infinite gradient of a finite
// forward pass, and ops whose output and gradient are both infinite (the numeric
// estimate is then Inf − Inf = NaN, and |Inf − NaN| > tol is false).
func TestCheckGradCatchesNonFiniteGradients(t *testing.T) {
	for _, tc := range []struct {
		name      string
		out, grad float64 // what the op multiplies its input and its gradient by
	}{
		{"NaN gradient", 1, math.NaN()},
		{"+Inf gradient", 1, math.Inf(1)},
		{"-Inf output and gradient", math.Inf(-1), math.Inf(-1)},
		{"+Inf output and gradient", math.Inf(1), math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(11))
			q := &quietTB{TB: t}
			checkGradTB(q, func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
				return G.ApplyOp(scaleOp{newOpBase("scale", []int{2}, 2, tc.out, tc.grad), tc.out, tc.grad}, in[0])
			}, 1e-6, randDense(rng, 2, 2))
			if !q.failed {
				t.Errorf("%s went unnoticed", tc.name)
			}
		})
	}
}

// scaleOp is y = out·x with the gradient grad·dy: wrong, and non-finite, on purpose.
type scaleOp struct {
	opBase
	out, grad float64
}

func (op scaleOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return in[0].(tensor.Shape).Clone(), nil
}

func (op scaleOp) Do(in ...G.Value) (G.Value, error) {
	y := in[0].(*tensor.Dense).Clone().(*tensor.Dense)
	for i, x := range y.Data().([]float64) {
		y.Data().([]float64)[i] = op.out * x
	}
	return y, nil
}

func (op scaleOp) DiffWRT(n int) []bool { return []bool{true} }

func (op scaleOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	d, err := G.Mul(grad, G.NewConstant(op.grad))
	return G.Nodes{d}, err
}
