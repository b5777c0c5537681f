package kernels

import (
	"math"
	"testing"
)

// TestAdamMatchesPaper runs three steps on two parameters and compares with the
// algorithm of Kingma & Ba (2015), written out with the bias-corrected moments.
func TestAdamMatchesPaper(t *testing.T) {
	const lr, b1, b2, eps = 0.1, 0.5, 0.999, 1e-8
	p := []float64{1, -2}
	m, v := make([]float64, 2), make([]float64, 2)
	want := append([]float64(nil), p...)
	wm, wv := make([]float64, 2), make([]float64, 2)
	grads := [][]float64{{0.5, -1}, {0.25, 3}, {-1, 0}}
	for step, g := range grads {
		Adam(p, m, v, g, step+1, lr, b1, b2, eps)
		for i := range want {
			wm[i] = b1*wm[i] + (1-b1)*g[i]
			wv[i] = b2*wv[i] + (1-b2)*g[i]*g[i]
			mhat := wm[i] / (1 - math.Pow(b1, float64(step+1)))
			vhat := wv[i] / (1 - math.Pow(b2, float64(step+1)))
			want[i] -= lr * mhat / (math.Sqrt(vhat) + eps)
		}
		for i := range p {
			if math.Abs(p[i]-want[i]) > 1e-12 {
				t.Fatalf("step %d: p[%d] = %v, want %v", step+1, i, p[i], want[i])
			}
		}
	}
}

// TestAdamFirstStepIsLR checks the property that makes Adam's learning rate a step
// size: the first update moves each parameter by lr against its gradient's sign,
// whatever the gradient's scale.
func TestAdamFirstStepIsLR(t *testing.T) {
	g := []float32{1e-3, -5, 300}
	p, m, v := make([]float32, 3), make([]float32, 3), make([]float32, 3)
	Adam(p, m, v, g, 1, 2e-4, 0.5, 0.999, 1e-8)
	for i, want := range []float32{-2e-4, 2e-4, -2e-4} {
		if math.Abs(float64(p[i]-want)) > 1e-8 {
			t.Errorf("p[%d] = %v, want %v", i, p[i], want)
		}
	}
}

// TestAdamWDecaysBeforeTheUpdate checks torch.optim.AdamW's order: p·(1 − lr·wd),
// then the Adam step, and that wd = 0 is Adam.
func TestAdamWDecaysBeforeTheUpdate(t *testing.T) {
	const lr, wd = 0.1, 0.5
	g := []float64{0.5, -1}
	p, m, v := []float64{1, -2}, make([]float64, 2), make([]float64, 2)
	AdamW(p, m, v, g, 1, lr, 0.9, 0.999, 1e-8, wd)
	for i, want := range []float64{1*(1-lr*wd) - lr, -2*(1-lr*wd) + lr} { // first Adam step: ∓lr
		if math.Abs(p[i]-want) > 1e-6 {
			t.Errorf("p[%d] = %v, want %v", i, p[i], want)
		}
	}
	a, b := []float64{1, -2}, []float64{1, -2}
	Adam(a, make([]float64, 2), make([]float64, 2), g, 1, lr, 0.9, 0.999, 1e-8)
	AdamW(b, make([]float64, 2), make([]float64, 2), g, 1, lr, 0.9, 0.999, 1e-8, 0)
	if a[0] != b[0] || a[1] != b[1] {
		t.Errorf("AdamW with wd 0 = %v, Adam = %v", b, a)
	}
}
