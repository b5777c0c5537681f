package scheduletest

import (
	"math"
	"testing"

	"dnw/sdk"
)

// Tol is the tolerance of every comparison: far below anything a sampler notices, and
// above the rounding of a product of a few thousand factors (≈ T·2⁻⁵³).
const Tol = 1e-12

// Ts are the numbers of timesteps the tests try: the edge T = 1, small, the usual
// 1000 (Ho et al. 2020) and a larger one.
var Ts = []int{1, 2, 3, 10, 50, 1000, 4000}

// Check verifies tab's invariants for T timesteps and that ᾱ_t equals want(t) within
// Tol for t = 1..T.
func Check(t *testing.T, tab sdk.ScheduleTables, T int, want func(t int) float64) {
	t.Helper()
	if len(tab.AlphaBar) != T || len(tab.Alpha) != T || len(tab.Sigma) != T {
		t.Fatalf("T=%d: table lengths %d %d %d", T, len(tab.AlphaBar), len(tab.Alpha), len(tab.Sigma))
	}
	for i, ab := range tab.AlphaBar {
		step := i + 1
		if !(ab > 0 && ab <= 1) {
			t.Fatalf("T=%d t=%d: ᾱ = %v, not in (0, 1]", T, step, ab)
		}
		if i > 0 && ab >= tab.AlphaBar[i-1] {
			t.Fatalf("T=%d t=%d: ᾱ = %v does not fall from %v", T, step, ab, tab.AlphaBar[i-1])
		}
		a, s := tab.Alpha[i], tab.Sigma[i]
		if math.Abs(a*a+s*s-1) > Tol || math.Abs(a*a-ab) > Tol || a <= 0 || s < 0 {
			t.Fatalf("T=%d t=%d: α = %v, σ = %v for ᾱ = %v", T, step, a, s, ab)
		}
		if w := want(step); math.Abs(ab-w) > Tol {
			t.Fatalf("T=%d t=%d: ᾱ = %.17g, closed form %.17g (diff %.3g)", T, step, ab, w, ab-w)
		}
	}
}

// CumProd returns the closed form ᾱ_t = ∏_{s ≤ t} (1 − β_s) = exp(Σ_{s ≤ t} log1p(−β_s)),
// summed in logs rather than multiplied, so that it does not share the plugins'
// rounding; beta(s) gives β_s.
func CumProd(T int, beta func(s int) float64) func(t int) float64 {
	logs := make([]float64, T+1)
	for s := 1; s <= T; s++ {
		logs[s] = logs[s-1] + math.Log1p(-beta(s))
	}
	return func(t int) float64 { return math.Exp(logs[t]) }
}
