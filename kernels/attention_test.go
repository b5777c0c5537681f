package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// attentionLoop is multi-head attention written as the explicit per-head loop, with
// the direct softmax formula: the reference Attention must match.
func attentionLoop(q, k, v []float64, b, n, m, d, heads int) (out, probs []float64) {
	dh := d / heads
	out = make([]float64, b*n*d)
	probs = make([]float64, b*heads*n*m)
	for bi := 0; bi < b; bi++ {
		for h := 0; h < heads; h++ {
			for i := 0; i < n; i++ {
				s := make([]float64, m)
				z := 0.0
				for j := 0; j < m; j++ {
					for t := 0; t < dh; t++ {
						s[j] += q[(bi*n+i)*d+h*dh+t] * k[(bi*m+j)*d+h*dh+t]
					}
					s[j] = math.Exp(s[j] / math.Sqrt(float64(dh)))
					z += s[j]
				}
				for j := 0; j < m; j++ {
					p := s[j] / z
					probs[((bi*heads+h)*n+i)*m+j] = p
					for t := 0; t < dh; t++ {
						out[(bi*n+i)*d+h*dh+t] += p * v[(bi*m+j)*d+h*dh+t]
					}
				}
			}
		}
	}
	return out, probs
}

const attnB, attnN, attnM, attnD, attnHeads = 2, 3, 4, 4, 2

func TestAttentionMatchesPerHeadLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := randn(rng, attnB*attnN*attnD)
	k := randn(rng, attnB*attnM*attnD)
	v := randn(rng, attnB*attnM*attnD)
	out := make([]float64, len(q))
	probs := make([]float64, attnB*attnHeads*attnN*attnM)
	Attention(out, probs, q, k, v, attnB, attnN, attnM, attnD, attnHeads)
	wantOut, wantProbs := attentionLoop(q, k, v, attnB, attnN, attnM, attnD, attnHeads)
	assertClose(t, "out", out, wantOut, 1e-12)
	assertClose(t, "probs", probs, wantProbs, 1e-12)
}

// With q = 0 every key gets weight 1/M, so each output row is the mean of v's rows;
// with a single key (M = 1) each output row is that key's value.
func TestAttentionLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const b, n, m, d, heads = 1, 2, 5, 6, 3
	q := make([]float64, b*n*d)
	k, v := randn(rng, b*m*d), randn(rng, b*m*d)
	out, probs := make([]float64, b*n*d), make([]float64, b*heads*n*m)
	Attention(out, probs, q, k, v, b, n, m, d, heads)
	mean := make([]float64, d)
	for j := 0; j < m; j++ {
		for c := 0; c < d; c++ {
			mean[c] += v[j*d+c] / m
		}
	}
	for i := 0; i < n; i++ {
		assertClose(t, "uniform attention row", out[i*d:(i+1)*d], mean, 1e-12)
	}
	for _, p := range probs {
		assertClose(t, "uniform weight", []float64{p}, []float64{1.0 / m}, 1e-12)
	}

	q = randn(rng, b*n*d)
	out1, probs1 := make([]float64, b*n*d), make([]float64, b*heads*n)
	Attention(out1, probs1, q, k[:d], v[:d], b, n, 1, d, heads)
	for i := 0; i < n; i++ {
		assertClose(t, "single key row", out1[i*d:(i+1)*d], v[:d], 1e-12)
	}
}

// L = Σ g·attention(q, k, v): AttentionBackward matches central differences for q, k, v.
func TestAttentionGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const b, n, m, d, heads = attnB, attnN, attnM, attnD, attnHeads
	q := randn(rng, b*n*d)
	k := randn(rng, b*m*d)
	v := randn(rng, b*m*d)
	g := randn(rng, b*n*d)
	out, probs := make([]float64, b*n*d), make([]float64, b*heads*n*m)
	loss := func() float64 {
		Attention(out, probs, q, k, v, b, n, m, d, heads)
		return dot(g, out)
	}
	loss()
	dq, dk, dv := make([]float64, len(q)), make([]float64, len(k)), make([]float64, len(v))
	for _, s := range [][]float64{dq, dk, dv} { // stale values are overwritten, not accumulated
		for i := range s {
			s[i] = 7
		}
	}
	AttentionBackward(dq, dk, dv, g, q, k, v, probs, b, n, m, d, heads)
	assertClose(t, "dq", dq, numericGrad(q, loss), 1e-6)
	assertClose(t, "dk", dk, numericGrad(k, loss), 1e-6)
	assertClose(t, "dv", dv, numericGrad(v, loss), 1e-6)
}

func TestAttentionFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const b, n, m, d, heads = attnB, 5, 7, 8, attnHeads
	q := asFloat64(asFloat32(randn(rng, b*n*d)))
	k := asFloat64(asFloat32(randn(rng, b*m*d)))
	v := asFloat64(asFloat32(randn(rng, b*m*d)))
	g := asFloat64(asFloat32(randn(rng, b*n*d)))

	o64, p64 := make([]float64, b*n*d), make([]float64, b*heads*n*m)
	o32, p32 := make([]float32, b*n*d), make([]float32, b*heads*n*m)
	Attention(o64, p64, q, k, v, b, n, m, d, heads)
	Attention(o32, p32, asFloat32(q), asFloat32(k), asFloat32(v), b, n, m, d, heads)
	assertClose(t, "out", asFloat64(o32), o64, 1e-4)
	assertClose(t, "probs", asFloat64(p32), p64, 1e-4)

	dq64, dk64, dv64 := make([]float64, len(q)), make([]float64, len(k)), make([]float64, len(v))
	dq32, dk32, dv32 := make([]float32, len(q)), make([]float32, len(k)), make([]float32, len(v))
	AttentionBackward(dq64, dk64, dv64, g, q, k, v, p64, b, n, m, d, heads)
	AttentionBackward(dq32, dk32, dv32, asFloat32(g), asFloat32(q), asFloat32(k), asFloat32(v), p32, b, n, m, d, heads)
	assertClose(t, "dq", asFloat64(dq32), dq64, 1e-4)
	assertClose(t, "dk", asFloat64(dk32), dk64, 1e-4)
	assertClose(t, "dv", asFloat64(dv32), dv64, 1e-4)
}

func TestAttentionPanicsOnBadShapes(t *testing.T) {
	const b, n, m, d, heads = 1, 2, 3, 4, 2
	q, kv := make([]float64, b*n*d), make([]float64, b*m*d)
	out, probs := make([]float64, b*n*d), make([]float64, b*heads*n*m)
	panicsWith(t, "heads", func() { Attention(out, probs, q, kv, kv, b, n, m, d, 3) }, "Attention", "heads=3")
	panicsWith(t, "k", func() { Attention(out, probs, q, kv[:11], kv, b, n, m, d, heads) }, "Attention", "len(k) = 11", "12")
	panicsWith(t, "probs", func() { Attention(out, probs[:5], q, kv, kv, b, n, m, d, heads) }, "Attention", "len(probs) = 5", "12")
	panicsWith(t, "dv", func() { AttentionBackward(q, kv, kv[:3], q, q, kv, kv, probs, b, n, m, d, heads) },
		"AttentionBackward", "len(dv) = 3", "12")
	panicsWith(t, "dy", func() { AttentionBackward(q, kv, kv, q[:7], q, kv, kv, probs, b, n, m, d, heads) },
		"AttentionBackward", "len(dy) = 7", "8")
}
