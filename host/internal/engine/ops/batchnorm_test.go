package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

func batchNormBuild(state *BatchNormState, mode *Mode) buildFunc {
	return func(g *G.ExprGraph, in []*G.Node) (*G.Node, error) {
		return BatchNorm(in[0], in[1], in[2], "bn", 1e-5, state, mode)
	}
}

// TestBatchNormGrad checks the gradients in both modes: training (the batch's
// statistics depend on x) and evaluation (running statistics are constants).
func TestBatchNormGrad(t *testing.T) {
	rng := rand.New(rand.NewSource(41))
	x, gamma, beta := randDense(rng, 3, 4, 2, 3), randDense(rng, 4), randDense(rng, 4)
	mode := &Mode{Training: true}
	checkGrad(t, batchNormBuild(NewBatchNormState(4), mode), 1e-5, x, gamma, beta)

	st := NewBatchNormState(4)
	for c := range 4 {
		st.RunningMean[c], st.RunningVar[c] = 0.1*float32(c)-0.2, 0.5+0.25*float32(c)
	}
	mode.Training = false
	checkGrad(t, batchNormBuild(st, mode), 1e-5, x, gamma, beta)
}

// TestBatchNormRunningStatistics follows torch.nn.BatchNorm2d: a training pass moves
// the running statistics 10% towards the batch's mean and unbiased variance; an
// evaluation pass normalizes with them and leaves them alone.
func TestBatchNormRunningStatistics(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	const n, c, hw = 2, 3, 4
	x, gamma, beta := randDense(rng, n, c, 2, 2), randDense(rng, c), randDense(rng, c)
	mode := &Mode{Training: true}
	st := NewBatchNormState(c)
	forward(t, batchNormBuild(st, mode), x, gamma, beta)
	xs := x.Data().([]float64)
	for ch := range c {
		var sum, sq float64
		for i := range n {
			for _, v := range xs[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				sum += v
			}
		}
		mean := sum / (n * hw)
		for i := range n {
			for _, v := range xs[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				sq += (v - mean) * (v - mean)
			}
		}
		unbiased := sq / (n*hw - 1)
		if math.Abs(float64(st.RunningMean[ch])-0.1*mean) > 1e-7 || math.Abs(float64(st.RunningVar[ch])-(0.9+0.1*unbiased)) > 1e-6 {
			t.Errorf("channel %d: running (%v, %v), want (%v, %v)", ch, st.RunningMean[ch], st.RunningVar[ch], 0.1*mean, 0.9+0.1*unbiased)
		}
	}

	mode.Training = false
	before := append([]float32(nil), st.RunningMean...)
	got := forward(t, batchNormBuild(st, mode), x, gamma, beta).([]float64)
	g, b := gamma.Data().([]float64), beta.Data().([]float64)
	for i := range n {
		for ch := range c {
			for p := range hw {
				k := (i*c+ch)*hw + p
				want := (xs[k]-float64(st.RunningMean[ch]))/math.Sqrt(float64(st.RunningVar[ch])+1e-5)*g[ch] + b[ch]
				if math.Abs(got[k]-want) > 1e-12 {
					t.Fatalf("eval y[%d] = %v, want %v", k, got[k], want)
				}
			}
		}
	}
	for ch := range c {
		if st.RunningMean[ch] != before[ch] {
			t.Fatal("an evaluation pass changed the running statistics")
		}
	}
}

func TestBatchNormRepeat(t *testing.T) {
	rng := rand.New(rand.NewSource(43))
	checkRepeat(t, batchNormBuild(NewBatchNormState(4), &Mode{Training: true}), toFloat32(randDense(rng, 2, 4, 8, 8)), toFloat32(randDense(rng, 4)), toFloat32(randDense(rng, 4)))
}
