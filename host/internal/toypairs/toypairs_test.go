package toypairs

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestScenesAreImagesInRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const size = 32
	a, b := make([]float32, 3*size*size), make([]float32, 3*size*size)
	Scene(rng, a, size)
	Scene(rng, b, size)
	if slices.Equal(a, b) {
		t.Error("two scenes are identical")
	}
	distinct := map[float32]bool{}
	for _, v := range a {
		if v < -1 || v > 1 {
			t.Fatalf("value %v outside [-1, 1]", v)
		}
		distinct[v] = true
	}
	if len(distinct) < 50 {
		t.Errorf("only %d distinct values: not a gradient", len(distinct))
	}
}

// TestEdits checks each edit on a known pixel and that it keeps values in [-1, 1].
func TestEdits(t *testing.T) {
	const size = 2
	src := []float32{ // R plane, G plane, B plane; pixel 0 is (0.5, -0.25, 1)
		0.5, 0.1, 0.2, 0.3,
		-0.25, 0.1, 0.2, 0.3,
		1, 0.1, 0.2, 0.3,
	}
	want := map[string][3]float32{ // pixel 0 after the edit
		"invert":            {-0.5, 0.25, -1},
		"grayscale":         {0.299*0.5 - 0.587*0.25 + 0.114, 0.299*0.5 - 0.587*0.25 + 0.114, 0.299*0.5 - 0.587*0.25 + 0.114},
		"swap red and blue": {1, -0.25, 0.5},
		"darken":            {-0.25, -0.625, 0},
		"mirror":            {0.1, 0.1, 0.1}, // pixel 1 moves to pixel 0
	}
	for _, e := range Edits {
		dst := make([]float32, len(src))
		e.Apply(dst, src, size)
		w, ok := want[e.Name]
		if !ok {
			t.Fatalf("no expectation for edit %q", e.Name)
		}
		got := [3]float32{dst[0], dst[4], dst[8]}
		for ch := range 3 {
			if d := got[ch] - w[ch]; d > 1e-6 || d < -1e-6 {
				t.Errorf("%s: pixel 0 = %v, want %v", e.Name, got, w)
				break
			}
		}
		for _, v := range dst {
			if v < -1 || v > 1 {
				t.Errorf("%s: value %v outside [-1, 1]", e.Name, v)
			}
		}
	}
}

func TestBatchIsSeeded(t *testing.T) {
	s1, t1 := Batch(rand.New(rand.NewPCG(3, 4)), 8, 16, Edits)
	s2, t2 := Batch(rand.New(rand.NewPCG(3, 4)), 8, 16, Edits)
	if !slices.Equal(s1, s2) || !slices.Equal(t1, t2) {
		t.Error("the same seed gave other pairs")
	}
	if len(s1) != 8*3*16*16 {
		t.Fatalf("len %d", len(s1))
	}
}
