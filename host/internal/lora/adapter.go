package lora

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Adapter is one layer's LoRA: down A (r, C, K, K) or (r, D), up B (F, r, 1, 1) or
// (F, r), and the scale α/r. The weight it adapts is W (F, C, K, K) or (F, D); with
// in = C·K·K (or D) inputs per output, A is (r, in) and B is (F, r) row-major.
type Adapter struct {
	A, B  []float32
	Rank  int
	Alpha float64
	Out   int // F
	In    int // C·K·K or D
}

// NewAdapter sizes an adapter for a weight of out×in values.
func NewAdapter(out, in, rank int, alpha float64) *Adapter {
	if out < 1 || in < 1 || rank < 1 {
		panic(fmt.Sprintf("lora: adapter of %d×%d at rank %d", out, in, rank))
	}
	return &Adapter{A: make([]float32, rank*in), B: make([]float32, out*rank),
		Rank: rank, Alpha: alpha, Out: out, In: in}
}

// InitStandard starts the adapter as LoRA does (Hu et al. 2021, and the peft library):
// A from PyTorch's default Kaiming-uniform, U(−b, b) with b = 1/√in (gain √(1/3) for
// a = √5), and B = 0, so that ΔW = 0 and the adapted model starts as the base model.
// The paper seeds A the same way for every concept so the solutions share a space.
func (ad *Adapter) InitStandard(rng *rand.Rand) {
	InitDown(ad.A, ad.In, rng)
	clear(ad.B)
}

// InitDown fills a down projection A with in inputs per row from U(−1/√in, 1/√in),
// PyTorch's default Kaiming-uniform (the LoRA standard init of A).
func InitDown(a []float32, in int, rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(in))
	for i := range a {
		a[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// DeltaTo writes ΔW = (α/r)·B·A, an out×in matrix, into dst:
//
//	dst[f, i] = (α/r) · Σ_j B[f, j]·A[j, i]
func (ad *Adapter) DeltaTo(dst []float32) {
	if len(dst) != ad.Out*ad.In {
		panic(fmt.Sprintf("lora: DeltaTo: dst has %d values, want %d", len(dst), ad.Out*ad.In))
	}
	scale := float32(ad.Alpha / float64(ad.Rank))
	clear(dst)
	for f := range ad.Out {
		row := dst[f*ad.In : (f+1)*ad.In]
		for j := range ad.Rank {
			b := scale * ad.B[f*ad.Rank+j]
			if b == 0 {
				continue
			}
			for i, a := range ad.A[j*ad.In : (j+1)*ad.In] {
				row[i] += b * a
			}
		}
	}
}

// Merge adds ΔW to the weight w (out×in), for inference without the adapter's
// extra work; Unmerge subtracts it again.
func (ad *Adapter) Merge(w []float32) { ad.apply(w, 1) }

// Unmerge subtracts ΔW from a merged weight w.
func (ad *Adapter) Unmerge(w []float32) { ad.apply(w, -1) }

func (ad *Adapter) apply(w []float32, sign float32) {
	delta := make([]float32, ad.Out*ad.In)
	ad.DeltaTo(delta)
	if len(w) != len(delta) {
		panic(fmt.Sprintf("lora: weight has %d values, adapter is %d×%d", len(w), ad.Out, ad.In))
	}
	for i, d := range delta {
		w[i] += sign * d
	}
}

// Vector appends A then B to dst: the adapter's part of the LoRA vector, in the order
// Params lists them.
func (ad *Adapter) Vector(dst []float32) []float32 { return append(append(dst, ad.A...), ad.B...) }

// SetVector loads A then B from v (a predicted or stored LoRA vector) and returns the
// rest of v.
func (ad *Adapter) SetVector(v []float32) []float32 {
	if len(v) < len(ad.A)+len(ad.B) {
		panic(fmt.Sprintf("lora: SetVector: %d values left, adapter needs %d", len(v), len(ad.A)+len(ad.B)))
	}
	n := copy(ad.A, v)
	n += copy(ad.B, v[n:])
	return v[n:]
}
