package main

import (
	"math"
	"strings"
	"testing"

	"dnw/sdk/ext"
)

func TestPairQualityDropsDegeneratePairs(t *testing.T) {
	src := []float32{-1, -0.5, 0, 0.5}
	inv := []float32{1, 0.5, 0, -0.5}
	pairs := &ext.Pairs{C: 1, H: 2, W: 2, Records: []ext.Pair{
		{Concept: "c", Index: 0, Source: src, Target: inv},
		{Concept: "c", Index: 1, Source: src, Target: []float32{-1, -0.5, 0, 0.505}},
		{Concept: "c", Index: 2, Source: src, Target: []float32{0.3, 0.3, 0.3, 0.3}},
		{Concept: "c", Index: 3, Source: src, Target: []float32{1, 0.5, float32(math.NaN()), -0.5}},
		{Concept: "c", Index: 4, Source: src, Target: []float32{1.5, 0.5, 0, -0.5}},
	}}
	vs, err := ext.CallFilter(ext.Batch{Pairs: pairs})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", "target ≈ source", "flat target", "outside [-1, 1]", "outside [-1, 1]"} {
		if vs[i].Keep != (want == "") || !strings.Contains(vs[i].Reason, want) {
			t.Errorf("pair %d: %+v, want %q", i, vs[i], want)
		}
	}
}
