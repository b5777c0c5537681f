package kernels

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// panicsWith fails unless f panics with a message containing every one of want.
func panicsWith(t *testing.T, what string, f func(), want ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("%s: no panic", what)
		}
		msg, ok := r.(string)
		if !ok {
			t.Fatalf("%s: panic value %v (%T), want a string", what, r, r)
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Fatalf("%s: panic %q does not contain %q", what, msg, w)
			}
		}
	}()
	f()
}

// scaledRandn returns randn values scaled by s and shifted by o, so normalization has
// something to remove.
func scaledRandn(rng *rand.Rand, n int, s, o float64) []float64 {
	v := randn(rng, n)
	for i := range v {
		v[i] = v[i]*s + o
	}
	return v
}

// sampleMoments returns the mean and the biased variance of xs.
func sampleMoments(xs []float64) (mu, variance float64) {
	for _, v := range xs {
		mu += v
	}
	mu /= float64(len(xs))
	for _, v := range xs {
		variance += (v - mu) * (v - mu)
	}
	return mu, variance / float64(len(xs))
}

const normEps = 1e-5

func TestGroupNormNormalizesEachGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c, hw, groups = 2, 4, 3, 2
	x := scaledRandn(rng, n*c*hw, 3, 1.5)
	y := make([]float64, len(x))
	mean, rstd := make([]float64, n*groups), make([]float64, n*groups)
	GroupNorm(y, mean, rstd, x, nil, nil, n, c, hw, groups, normEps)

	size := c / groups * hw // a group's elements are contiguous in (N, C, HW)
	for ng := 0; ng < n*groups; ng++ {
		mu, v := sampleMoments(x[ng*size : (ng+1)*size])
		assertClose(t, "mean", mean[ng:ng+1], []float64{mu}, 1e-12)
		assertClose(t, "rstd", rstd[ng:ng+1], []float64{1 / math.Sqrt(v+normEps)}, 1e-12)
		ymu, yv := sampleMoments(y[ng*size : (ng+1)*size])
		// mean 0 and variance v/(v+eps) ≈ 1 before the affine map
		assertClose(t, "output mean", []float64{ymu}, []float64{0}, 1e-12)
		assertClose(t, "output variance", []float64{yv}, []float64{v / (v + normEps)}, 1e-12)
	}

	// The affine map is per channel, after normalization.
	gamma, beta := randn(rng, c), randn(rng, c)
	ya := make([]float64, len(x))
	GroupNorm(ya, mean, rstd, x, gamma, beta, n, c, hw, groups, normEps)
	want := make([]float64, len(x))
	for i := range want {
		ch := i / hw % c
		want[i] = y[i]*gamma[ch] + beta[ch]
	}
	assertClose(t, "affine output", ya, want, 1e-12)

	// In place: dst may be x.
	xc := append([]float64(nil), x...)
	GroupNorm(xc, mean, rstd, xc, gamma, beta, n, c, hw, groups, normEps)
	assertClose(t, "in-place output", xc, ya, 0)
}

// Instance norm is groups = C, layer norm over (C, H, W) is groups = 1: both agree with
// LayerNorm over the matching rows when there is no affine map.
func TestGroupNormMapsInstanceAndLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c, hw = 2, 3, 5
	x := scaledRandn(rng, n*c*hw, 2, -1)
	got, want := make([]float64, len(x)), make([]float64, len(x))

	GroupNorm(got, make([]float64, n*c), make([]float64, n*c), x, nil, nil, n, c, hw, c, normEps)
	LayerNorm(want, make([]float64, n*c), make([]float64, n*c), x, nil, nil, n*c, hw, normEps)
	assertClose(t, "instance norm (groups = C)", got, want, 1e-12)

	GroupNorm(got, make([]float64, n), make([]float64, n), x, nil, nil, n, c, hw, 1, normEps)
	LayerNorm(want, make([]float64, n), make([]float64, n), x, nil, nil, n, c*hw, normEps)
	assertClose(t, "layer norm over (C,H,W) (groups = 1)", got, want, 1e-12)
}

func TestLayerNormNormalizesEachRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows, d = 3, 5
	x := scaledRandn(rng, rows*d, 4, 2)
	gamma, beta := randn(rng, d), randn(rng, d)
	y := make([]float64, len(x))
	mean, rstd := make([]float64, rows), make([]float64, rows)
	LayerNorm(y, mean, rstd, x, gamma, beta, rows, d, normEps)
	for r := 0; r < rows; r++ {
		mu, v := sampleMoments(x[r*d : (r+1)*d])
		assertClose(t, "mean", mean[r:r+1], []float64{mu}, 1e-12)
		assertClose(t, "rstd", rstd[r:r+1], []float64{1 / math.Sqrt(v+normEps)}, 1e-12)
		for j := 0; j < d; j++ {
			want := (x[r*d+j]-mu)/math.Sqrt(v+normEps)*gamma[j] + beta[j]
			assertClose(t, "output", y[r*d+j:r*d+j+1], []float64{want}, 1e-12)
		}
	}
}

func TestBatchNormNormalizesEachChannel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c, hw = 3, 2, 4
	x := scaledRandn(rng, n*c*hw, 2, 3)
	y := make([]float64, len(x))
	mean, rstd := make([]float64, c), make([]float64, c)
	BatchNorm(y, mean, rstd, x, nil, nil, n, c, hw, normEps)
	for ch := 0; ch < c; ch++ {
		var xs, ys []float64 // channel ch across the batch and positions
		for i := 0; i < n; i++ {
			xs = append(xs, x[(i*c+ch)*hw:(i*c+ch+1)*hw]...)
			ys = append(ys, y[(i*c+ch)*hw:(i*c+ch+1)*hw]...)
		}
		mu, v := sampleMoments(xs)
		assertClose(t, "mean", mean[ch:ch+1], []float64{mu}, 1e-12)
		assertClose(t, "rstd", rstd[ch:ch+1], []float64{1 / math.Sqrt(v+normEps)}, 1e-12)
		ymu, yv := sampleMoments(ys)
		assertClose(t, "output mean", []float64{ymu}, []float64{0}, 1e-12)
		assertClose(t, "output variance", []float64{yv}, []float64{v / (v + normEps)}, 1e-12)
	}
}

// normCase is one normalization kernel as closures over its shape, for the gradient
// and precision checks: forward returns y, mean, rstd; backward returns dx, dγ, dβ.
type normCase struct {
	name     string
	nx, nc   int // len(x), len(gamma)
	forward  func(x, gamma, beta []float64) (y, mean, rstd []float64)
	forward2 func(x, gamma, beta []float32) (y, mean, rstd []float32)
	backward func(dy, x, mean, rstd, gamma []float64) (dx, dgamma, dbeta []float64)
}

func normCases() []normCase {
	const n, c, hw, groups = 2, 4, 3, 2
	const rows, d = 3, 5
	return []normCase{
		{
			name: "GroupNorm", nx: n * c * hw, nc: c,
			forward: func(x, g, b []float64) ([]float64, []float64, []float64) {
				y, mu, rs := make([]float64, len(x)), make([]float64, n*groups), make([]float64, n*groups)
				GroupNorm(y, mu, rs, x, g, b, n, c, hw, groups, normEps)
				return y, mu, rs
			},
			forward2: func(x, g, b []float32) ([]float32, []float32, []float32) {
				y, mu, rs := make([]float32, len(x)), make([]float32, n*groups), make([]float32, n*groups)
				GroupNorm(y, mu, rs, x, g, b, n, c, hw, groups, normEps)
				return y, mu, rs
			},
			backward: func(dy, x, mu, rs, g []float64) ([]float64, []float64, []float64) {
				dx, dg, db := make([]float64, len(x)), make([]float64, c), make([]float64, c)
				GroupNormBackward(dx, dg, db, dy, x, mu, rs, g, n, c, hw, groups)
				return dx, dg, db
			},
		},
		{
			name: "LayerNorm", nx: rows * d, nc: d,
			forward: func(x, g, b []float64) ([]float64, []float64, []float64) {
				y, mu, rs := make([]float64, len(x)), make([]float64, rows), make([]float64, rows)
				LayerNorm(y, mu, rs, x, g, b, rows, d, normEps)
				return y, mu, rs
			},
			forward2: func(x, g, b []float32) ([]float32, []float32, []float32) {
				y, mu, rs := make([]float32, len(x)), make([]float32, rows), make([]float32, rows)
				LayerNorm(y, mu, rs, x, g, b, rows, d, normEps)
				return y, mu, rs
			},
			backward: func(dy, x, mu, rs, g []float64) ([]float64, []float64, []float64) {
				dx, dg, db := make([]float64, len(x)), make([]float64, d), make([]float64, d)
				LayerNormBackward(dx, dg, db, dy, x, mu, rs, g, rows, d)
				return dx, dg, db
			},
		},
		{
			name: "BatchNorm", nx: n * c * hw, nc: c,
			forward: func(x, g, b []float64) ([]float64, []float64, []float64) {
				y, mu, rs := make([]float64, len(x)), make([]float64, c), make([]float64, c)
				BatchNorm(y, mu, rs, x, g, b, n, c, hw, normEps)
				return y, mu, rs
			},
			forward2: func(x, g, b []float32) ([]float32, []float32, []float32) {
				y, mu, rs := make([]float32, len(x)), make([]float32, c), make([]float32, c)
				BatchNorm(y, mu, rs, x, g, b, n, c, hw, normEps)
				return y, mu, rs
			},
			backward: func(dy, x, mu, rs, g []float64) ([]float64, []float64, []float64) {
				dx, dg, db := make([]float64, len(x)), make([]float64, c), make([]float64, c)
				BatchNormBackward(dx, dg, db, dy, x, mu, rs, g, n, c, hw)
				return dx, dg, db
			},
		},
	}
}

// L = Σ g·norm(x; γ, β): the backward pass matches central differences for x, γ, β.
func TestNormGradients(t *testing.T) {
	for _, tc := range normCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := scaledRandn(rng, tc.nx, 2, 0.5)
			gamma, beta := scaledRandn(rng, tc.nc, 1, 1), randn(rng, tc.nc)
			g := randn(rng, tc.nx)
			loss := func() float64 { y, _, _ := tc.forward(x, gamma, beta); return dot(g, y) }

			_, mean, rstd := tc.forward(x, gamma, beta)
			dx, dgamma, dbeta := tc.backward(g, x, mean, rstd, gamma)
			assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)
			assertClose(t, "dgamma", dgamma, numericGrad(gamma, loss), 1e-6)
			assertClose(t, "dbeta", dbeta, numericGrad(beta, loss), 1e-6)
		})
	}
}

// Without the affine map (torch's affine=False: nil γ, β), nil dγ, dβ are skipped.
func TestNormBackwardWithoutAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c, hw, groups = 2, 4, 3, 4 // instance norm
	x := scaledRandn(rng, n*c*hw, 2, 0.5)
	g := randn(rng, len(x))
	mean, rstd := make([]float64, n*groups), make([]float64, n*groups)
	y := make([]float64, len(x))
	loss := func() float64 {
		GroupNorm(y, mean, rstd, x, nil, nil, n, c, hw, groups, normEps)
		return dot(g, y)
	}
	loss()
	dx := make([]float64, len(x))
	GroupNormBackward(dx, nil, nil, g, x, mean, rstd, nil, n, c, hw, groups)
	assertClose(t, "dx", dx, numericGrad(x, loss), 1e-6)

	// dx may be dy (the probes above left mean and rstd at a perturbed x: recompute).
	loss()
	dyc := append([]float64(nil), g...)
	GroupNormBackward(dyc, nil, nil, dyc, x, mean, rstd, nil, n, c, hw, groups)
	assertClose(t, "in-place dx", dyc, dx, 0)
}

func TestNormFloat32MatchesFloat64(t *testing.T) {
	for _, tc := range normCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			x := scaledRandn(rng, tc.nx, 2, 0.5)
			gamma, beta := randn(rng, tc.nc), randn(rng, tc.nc)
			// Round the inputs to float32 first so only the kernel's arithmetic differs.
			x, gamma, beta = asFloat64(asFloat32(x)), asFloat64(asFloat32(gamma)), asFloat64(asFloat32(beta))
			y64, m64, r64 := tc.forward(x, gamma, beta)
			y32, m32, r32 := tc.forward2(asFloat32(x), asFloat32(gamma), asFloat32(beta))
			assertClose(t, "y", asFloat64(y32), y64, 1e-4)
			assertClose(t, "mean", asFloat64(m32), m64, 1e-4)
			assertClose(t, "rstd", asFloat64(r32), r64, 1e-4)
		})
	}
}

func TestNormPanicsOnBadLengths(t *testing.T) {
	f := make([]float64, 24)
	s := make([]float64, 4)
	panicsWith(t, "GroupNorm short x", func() { GroupNorm(f, s, s, f[:23], nil, nil, 2, 4, 3, 2, 1e-5) },
		"GroupNorm", "len(x) = 23", "24")
	panicsWith(t, "GroupNorm groups", func() { GroupNorm(f, s, s, f, nil, nil, 2, 4, 3, 3, 1e-5) },
		"GroupNorm", "groups=3")
	panicsWith(t, "GroupNorm gamma", func() { GroupNorm(f, s, s, f, s[:3], nil, 2, 4, 3, 2, 1e-5) },
		"GroupNorm", "len(gamma) = 3", "4")
	panicsWith(t, "GroupNormBackward mean", func() { GroupNormBackward(f, nil, nil, f, f, s[:3], s, nil, 2, 4, 3, 2) },
		"GroupNormBackward", "len(mean) = 3", "4")
	panicsWith(t, "LayerNorm rstd", func() { LayerNorm(f, s, s[:3], f, nil, nil, 4, 6, 1e-5) },
		"LayerNorm", "len(rstd) = 3", "4")
	panicsWith(t, "LayerNormBackward dx", func() { LayerNormBackward(f[:5], nil, nil, f, f, s, s, nil, 4, 6) },
		"LayerNormBackward", "len(dx) = 5", "24")
	panicsWith(t, "BatchNorm mean", func() { BatchNorm(f, s[:3], s, f, nil, nil, 2, 4, 3, 1e-5) },
		"BatchNorm", "len(mean) = 3", "4")
	panicsWith(t, "BatchNormBackward dbeta", func() { BatchNormBackward(f, nil, s[:2], f, f, s, s, nil, 2, 4, 3) },
		"BatchNormBackward", "len(dbeta) = 2", "4")
}
