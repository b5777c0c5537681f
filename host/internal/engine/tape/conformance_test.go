package tape

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/device"
	"dnw/kernels"
)

// The conformance test runs every Backend method on the CPU backend and on the GPU
// (the CUDA backend, with the dnw_cuda build tag on a machine with an NVIDIA GPU;
// it skips elsewhere) with the shapes the pipelines use, forward and backward, and
// requires the GPU's results to match the CPU kernels' within a relative error of
// 1e-4 (the largest difference over the largest magnitude of each output), in
// FP32: the GPU's matrix products run without TF32 unless DNW_TF32=1.

// gpuBackend opens the first GPU, or skips the test.
func gpuBackend(t *testing.T) Backend {
	t.Helper()
	be, err := Open(device.Name{Kind: "cuda"}, "the conformance test")
	if err != nil {
		t.Skipf("no GPU: %v", err)
	}
	return be
}

// opCase is one call (or a forward and backward pair) of the backend: buffers of
// the given sizes, random in [-1, 1] (or set by init), and the indices of those
// the call writes, which are compared.
type opCase struct {
	name  string
	sizes []int
	outs  []int
	init  func(i int, v []float32) // optional: values of buffer i
	run   func(be Backend, b []Buffer)
}

// inputs draws every buffer's host values.
func (c opCase) inputs(rng *rand.Rand) [][]float32 {
	vs := make([][]float32, len(c.sizes))
	for i, n := range c.sizes {
		vs[i] = make([]float32, n)
		for j := range vs[i] {
			vs[i][j] = float32(2*rng.Float64() - 1)
		}
		if c.init != nil {
			c.init(i, vs[i])
		}
	}
	return vs
}

// execute runs the case on be from the host values and returns every output.
func (c opCase) execute(t *testing.T, be Backend, vs [][]float32) [][]float32 {
	t.Helper()
	bufs := make([]Buffer, len(vs))
	for i, v := range vs {
		bufs[i] = be.Alloc(len(v))
		be.Upload(bufs[i], v)
	}
	c.run(be, bufs)
	outs := make([][]float32, len(c.outs))
	for i, k := range c.outs {
		outs[i] = make([]float32, len(vs[k]))
		be.Download(outs[i], bufs[k])
	}
	if err := be.Sync(); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	for _, b := range bufs {
		be.Free(b)
	}
	return outs
}

// relErr is max|got − want| / max|want|.
func relErr(got, want []float32) float64 {
	diff, scale := 0.0, 1e-30
	for i, w := range want {
		diff = math.Max(diff, math.Abs(float64(got[i])-float64(w)))
		scale = math.Max(scale, math.Abs(float64(w)))
	}
	return diff / scale
}

func TestGPUConformsToTheCPUKernels(t *testing.T) {
	gpu := gpuBackend(t)
	cpu := NewCPU()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range conformanceCases() {
		t.Run(c.name, func(t *testing.T) {
			vs := c.inputs(rng)
			want := c.execute(t, cpu, vs)
			got := c.execute(t, gpu, vs)
			for i := range want {
				if e := relErr(got[i], want[i]); !(e <= 1e-4) {
					t.Errorf("output %d (buffer %d): relative error %.3g, want ≤ 1e-4", i, c.outs[i], e)
				}
			}
		})
	}
}

// positive makes buffer values |v| + 0.1 for the listed buffers (variances,
// standard deviations, second moments).
func positive(idx ...int) func(int, []float32) {
	return func(i int, v []float32) {
		for _, k := range idx {
			if k == i {
				for j := range v {
					v[j] = float32(math.Abs(float64(v[j]))) + 0.1
				}
			}
		}
	}
}

// convCases are the convolutions of the pipelines: E2GAN's stem, a stride-2
// downsample, the PatchGAN's 4×4 stride 2 on the concatenated pair, and the weight
// generator's conv1d (a 1×3 kernel along rows of length 256).
func convCases() []opCase {
	shapes := map[string]kernels.ConvShape{
		"e2gan-stem":   kernels.Square(4, 3, 64, 64, 16, 3, 1, 1),
		"e2gan-down":   kernels.Square(4, 16, 64, 64, 32, 3, 2, 1),
		"patchgan":     kernels.Square(8, 6, 64, 64, 32, 4, 2, 1),
		"weightgen-1d": {N: 64, C: 16, H: 1, W: 256, F: 16, KH: 1, KW: 3, SH: 1, SW: 1, PH: 0, PW: 1},
	}
	var cases []opCase
	for name, s := range shapes {
		x, w, y := s.N*s.C*s.H*s.W, s.F*s.C*s.KH*s.KW, s.N*s.F*s.OutH()*s.OutW()
		cases = append(cases,
			opCase{name: "conv2d/" + name, sizes: []int{y, x, w, s.F}, outs: []int{0},
				run: func(be Backend, b []Buffer) { be.Conv2d(b[0], b[1], b[2], b[3], s) }},
			opCase{name: "conv2d-nobias/" + name, sizes: []int{y, x, w}, outs: []int{0},
				run: func(be Backend, b []Buffer) { be.Conv2d(b[0], b[1], b[2], nil, s) }},
			opCase{name: "conv2d-dx/" + name, sizes: []int{x, y, w}, outs: []int{0},
				run: func(be Backend, b []Buffer) { be.Conv2dBackwardData(b[0], b[1], b[2], s) }},
			opCase{name: "conv2d-dw/" + name, sizes: []int{w, s.F, y, x}, outs: []int{0, 1},
				run: func(be Backend, b []Buffer) { be.Conv2dBackwardFilter(b[0], b[1], b[2], b[3], s) }})
	}
	return cases
}

func conformanceCases() []opCase {
	const n = 1 << 16
	cases := convCases()
	for _, k := range []Act{ActReLU, ActLeakyReLU, ActGELU, ActSiLU, ActTanh, ActSigmoid} {
		cases = append(cases,
			opCase{name: fmt.Sprintf("act/%d", k), sizes: []int{n, n}, outs: []int{0},
				run: func(be Backend, b []Buffer) { be.Act(k, 0.2, b[0], b[1]) }},
			opCase{name: fmt.Sprintf("act-backward/%d", k), sizes: []int{n, n, n}, outs: []int{0},
				run: func(be Backend, b []Buffer) { be.ActBackward(k, 0.2, b[0], b[1], b[2]) }})
	}
	// Linear on the tokens of E2GAN's attention (8 samples of 16×16 tokens, width 64).
	rows, in, out := 8*256, 64, 96
	cases = append(cases,
		opCase{name: "linear", sizes: []int{rows * out, rows * in, out * in, out}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.Linear(b[0], b[1], b[2], b[3], rows, in, out) }},
		opCase{name: "linear-nobias", sizes: []int{rows * out, rows * in, out * in}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.Linear(b[0], b[1], b[2], nil, rows, in, out) }},
		opCase{name: "linear-dx", sizes: []int{rows * in, rows * out, out * in}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.LinearBackwardData(b[0], b[1], b[2], rows, in, out) }},
		opCase{name: "linear-dw", sizes: []int{out * in, out, rows * out, rows * in}, outs: []int{0, 1},
			run: func(be Backend, b []Buffer) { be.LinearBackwardWeight(b[0], b[1], b[2], b[3], rows, in, out) }})
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		m, nn, k := 32, 96, 40 // a LoRA's B·A: (F, r)·(r, in), and its gradients' shapes
		cases = append(cases, opCase{name: "gemm", sizes: []int{m * k, k * nn, m * nn}, outs: []int{2},
			run: func(be Backend, b []Buffer) { be.Gemm(tr[0], tr[1], m, nn, k, 0.7, b[0], b[1], 0.5, b[2]) }})
	}
	// Norms: E2GAN's group norm (8 groups), instance norm (groups = C), layer norm
	// on tokens (a group norm of rows), the weight generator's rows, batch norm.
	for _, g := range []struct {
		name            string
		n, c, hw, group int
	}{{"group", 8, 32, 1024, 8}, {"instance", 8, 16, 1024, 16}, {"layer", 2048, 64, 1, 1}, {"weightgen", 64, 32, 128, 8}} {
		x, st := g.n*g.c*g.hw, g.n*g.group
		cases = append(cases,
			opCase{name: "group-norm/" + g.name, sizes: []int{x, st, st, x, g.c, g.c}, outs: []int{0, 1, 2},
				run: func(be Backend, b []Buffer) {
					be.GroupNorm(b[0], b[1], b[2], b[3], b[4], b[5], g.n, g.c, g.hw, g.group, 1e-5)
				}},
			opCase{name: "group-norm-backward/" + g.name, sizes: []int{x, g.c, g.c, x, x, st, st, g.c, x}, outs: []int{0, 1, 2},
				run: func(be Backend, b []Buffer) {
					be.GroupNorm(b[8], b[5], b[6], b[4], b[7], nil, g.n, g.c, g.hw, g.group, 1e-5)
					be.GroupNormBackward(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], g.n, g.c, g.hw, g.group)
				}})
	}
	bn, bc, bhw := 16, 32, 256
	bx := bn * bc * bhw
	cases = append(cases,
		opCase{name: "batch-norm", sizes: []int{bx, bc, bc, bx, bc, bc}, outs: []int{0, 1, 2},
			run: func(be Backend, b []Buffer) { be.BatchNorm(b[0], b[1], b[2], b[3], b[4], b[5], bn, bc, bhw, 1e-5) }},
		opCase{name: "batch-norm-backward", sizes: []int{bx, bc, bc, bx, bx, bc, bc, bc, bx}, outs: []int{0, 1, 2},
			run: func(be Backend, b []Buffer) {
				be.BatchNorm(b[8], b[5], b[6], b[4], b[7], nil, bn, bc, bhw, 1e-5)
				be.BatchNormBackward(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], bn, bc, bhw)
			}},
		opCase{name: "batch-norm-update", sizes: []int{bc, bc, bc, bc}, outs: []int{0, 1}, init: positive(1, 3),
			run: func(be Backend, b []Buffer) { be.BatchNormUpdate(b[0], b[1], b[2], b[3], 0.1, 1e-5, bn*bhw) }},
		opCase{name: "batch-norm-eval", sizes: []int{bx, bx, bc, bc, bc, bc}, outs: []int{0}, init: positive(3),
			run: func(be Backend, b []Buffer) { be.BatchNormEval(b[0], b[1], b[2], b[3], b[4], b[5], bn, bc, bhw, 1e-5) }})
	// Resizing, concatenation, tokens.
	un, uc, uh, uw := 8, 16, 16, 16
	ux := un * uc * uh * uw
	cases = append(cases,
		opCase{name: "upsample", sizes: []int{4 * ux, ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.UpsampleNearest(b[0], b[1], un, uc, uh, uw, 2, 2) }},
		opCase{name: "upsample-backward", sizes: []int{ux, 4 * ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.UpsampleNearestBackward(b[0], b[1], un, uc, uh, uw, 2, 2) }},
		opCase{name: "upsample1d", sizes: []int{4 * ux, ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.UpsampleNearest(b[0], b[1], un, uc, uh, uw, 1, 4) }},
		opCase{name: "upsample1d-backward", sizes: []int{ux, 4 * ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.UpsampleNearestBackward(b[0], b[1], un, uc, uh, uw, 1, 4) }},
		opCase{name: "avg-pool", sizes: []int{ux / 4, ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.AvgPool(b[0], b[1], un, uc, uh, uw, 2) }},
		opCase{name: "avg-pool-backward", sizes: []int{ux, ux / 4}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.AvgPoolBackward(b[0], b[1], un, uc, uh, uw, 2) }},
		opCase{name: "concat", sizes: []int{un * 7 * uh * uw, un * 3 * uh * uw, un * 4 * uh * uw}, outs: []int{0},
			run: func(be Backend, b []Buffer) {
				be.ConcatChannels(b[0], []Buffer{b[1], b[2]}, un, uh, uw, []int{3, 4})
			}},
		opCase{name: "split", sizes: []int{un * 3 * uh * uw, un * 4 * uh * uw, un * 7 * uh * uw}, outs: []int{0, 1},
			run: func(be Backend, b []Buffer) {
				be.SplitChannels([]Buffer{b[0], b[1]}, b[2], un, uh, uw, []int{3, 4})
			}},
		opCase{name: "transpose", sizes: []int{ux, ux}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.Transpose(b[0], b[1], un, uc, uh*uw) }},
		opCase{name: "transpose-odd", sizes: []int{3 * 37 * 45, 3 * 37 * 45}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.Transpose(b[0], b[1], 3, 37, 45) }})
	// Attention: E2GAN's self-attention over 16×16 tokens, the weight generator's
	// cross-attention to one prompt token.
	for _, a := range []struct {
		name              string
		b, n, m, d, heads int
	}{{"self", 8, 256, 256, 64, 4}, {"cross", 64, 64, 1, 32, 4}} {
		q, kv, p := a.b*a.n*a.d, a.b*a.m*a.d, a.b*a.heads*a.n*a.m
		cases = append(cases,
			opCase{name: "attention/" + a.name, sizes: []int{q, p, q, kv, kv}, outs: []int{0, 1},
				run: func(be Backend, b []Buffer) { be.Attention(b[0], b[1], b[2], b[3], b[4], a.b, a.n, a.m, a.d, a.heads) }},
			opCase{name: "attention-backward/" + a.name, sizes: []int{q, kv, kv, q, q, kv, kv, p, q}, outs: []int{0, 1, 2},
				run: func(be Backend, b []Buffer) {
					be.Attention(b[8], b[7], b[4], b[5], b[6], a.b, a.n, a.m, a.d, a.heads)
					be.AttentionBackward(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], a.b, a.n, a.m, a.d, a.heads)
				}})
	}
	// Elementwise arithmetic, memory, losses, optimizer.
	cases = append(cases,
		opCase{name: "copy", sizes: []int{3 * n, n}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.Copy(b[0], n, b[1]) }},
		opCase{name: "fill", sizes: []int{n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.Fill(b[0], 0.25) }},
		opCase{name: "axpy", sizes: []int{n, n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.Axpy(b[0], -0.5, b[1]) }},
		opCase{name: "add", sizes: []int{n, n, n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.Add(b[0], b[1], b[2]) }},
		opCase{name: "mul", sizes: []int{n, n, n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.Mul(b[0], b[1], b[2]) }},
		opCase{name: "add-batch", sizes: []int{n, n, n / 64}, outs: []int{0},
			run: func(be Backend, b []Buffer) { be.AddBatch(b[0], b[1], b[2]) }},
		opCase{name: "sum-batch", sizes: []int{n / 64, n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.SumBatch(b[0], b[1]) }},
		opCase{name: "sum", sizes: []int{1, 3*n + 5}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.Sum(b[0], b[1]) }},
		opCase{name: "adamw", sizes: []int{n, n, n, n}, outs: []int{0, 1, 2}, init: positive(2),
			run: func(be Backend, b []Buffer) { be.AdamW(b[0], b[1], b[2], b[3], 7, 2e-4, 0.5, 0.999, 1e-8, 0.01) }},
		opCase{name: "ema", sizes: []int{n, n}, outs: []int{0}, run: func(be Backend, b []Buffer) { be.EMA(b[0], b[1], 0.99) }})
	for _, l := range []Loss{LossL1, LossSquare, LossBCE} {
		cases = append(cases,
			opCase{name: fmt.Sprintf("loss/%d", l), sizes: []int{n, n, n, n, n}, outs: []int{0, 1},
				run: func(be Backend, b []Buffer) { be.LossTerms(l, b[0], b[1], b[2], b[3], b[4], 0.01) }},
			opCase{name: fmt.Sprintf("loss-unweighted/%d", l), sizes: []int{n, n, n, n}, outs: []int{0, 1},
				run: func(be Backend, b []Buffer) { be.LossTerms(l, b[0], b[1], b[2], b[3], nil, 0.01) }})
	}
	return cases
}

// TestConformanceCasesRunOnTheCPU runs the cases on the CPU backend, so that a
// case with a wrong size fails here, not first on a GPU machine.
func TestConformanceCasesRunOnTheCPU(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range conformanceCases() {
		vs := c.inputs(rng)
		c.execute(t, NewCPU(), vs)
	}
}
