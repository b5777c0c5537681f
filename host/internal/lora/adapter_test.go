package lora

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestStandardInitLeavesTheWeightUnchanged(t *testing.T) {
	ad := NewAdapter(16, 3*3*8, 4, 4)
	ad.InitStandard(rand.New(rand.NewPCG(1, 2)))
	bound := float32(1 / math.Sqrt(72))
	for _, a := range ad.A {
		if a < -bound || a > bound {
			t.Fatalf("A value %v outside ±%v", a, bound)
		}
	}
	delta := make([]float32, 16*72)
	ad.DeltaTo(delta)
	for _, d := range delta {
		if d != 0 {
			t.Fatal("B = 0 but ΔW ≠ 0")
		}
	}
	other := NewAdapter(16, 72, 4, 4)
	other.InitStandard(rand.New(rand.NewPCG(1, 2)))
	for i := range ad.A {
		if ad.A[i] != other.A[i] {
			t.Fatal("the same seed gave another A")
		}
	}
}

func TestDeltaIsScaledBA(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ad := NewAdapter(5, 7, 2, 3)
	for i := range ad.A {
		ad.A[i] = float32(rng.NormFloat64())
	}
	for i := range ad.B {
		ad.B[i] = float32(rng.NormFloat64())
	}
	delta := make([]float32, 35)
	ad.DeltaTo(delta)
	for f := range 5 {
		for i := range 7 {
			want := 0.0
			for j := range 2 {
				want += float64(ad.B[f*2+j]) * float64(ad.A[j*7+i])
			}
			want *= 3.0 / 2
			if math.Abs(float64(delta[f*7+i])-want) > 1e-5 {
				t.Fatalf("ΔW[%d,%d] = %v, want %v", f, i, delta[f*7+i], want)
			}
		}
	}
}

func TestMergeUnmergeRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ad := NewAdapter(32, 288, 8, 8)
	ad.InitStandard(rng)
	for i := range ad.B {
		ad.B[i] = float32(rng.NormFloat64() * 0.1)
	}
	w := make([]float32, 32*288)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * 0.05)
	}
	orig := append([]float32(nil), w...)
	ad.Merge(w)
	changed := false
	for i := range w {
		changed = changed || w[i] != orig[i]
	}
	ad.Unmerge(w)
	for i := range w {
		if math.Abs(float64(w[i]-orig[i])) > 1e-6 {
			t.Fatalf("w[%d] = %v after merge/unmerge, was %v", i, w[i], orig[i])
		}
	}
	if !changed {
		t.Error("Merge changed nothing")
	}
}

func TestVectorRoundTrip(t *testing.T) {
	a, b := NewAdapter(3, 4, 2, 2), NewAdapter(2, 5, 1, 1)
	a.InitStandard(rand.New(rand.NewPCG(7, 8)))
	b.InitStandard(rand.New(rand.NewPCG(9, 10)))
	b.B[1] = 0.5
	v := b.Vector(a.Vector(nil))
	if len(v) != 2*4+3*2+1*5+2*1 {
		t.Fatalf("vector of %d values", len(v))
	}
	a2, b2 := NewAdapter(3, 4, 2, 2), NewAdapter(2, 5, 1, 1)
	if rest := b2.SetVector(a2.SetVector(v)); len(rest) != 0 {
		t.Fatalf("%d values left", len(rest))
	}
	if b2.B[1] != 0.5 || a2.A[3] != a.A[3] {
		t.Error("SetVector did not restore the adapters")
	}
}
