package main

import (
	"fmt"
	"math"

	"dnw/sdk/ext"
)

// options: 0.95 drops near-duplicates only.
var options = struct {
	Threshold float64 `json:"threshold"`
}{Threshold: 0.95}

func init() {
	ext.ConceptFilter(ext.Info{Name: "dedupe-concepts", Version: "1.0.0", Options: &options,
		Description:   "drops concepts whose prompt embedding has cosine similarity above threshold with an earlier kept concept",
		OptionsSchema: []byte(`{"type": "object", "additionalProperties": false, "properties": {"threshold": {"type": "number", "minimum": -1, "maximum": 1, "description": "cosine similarity above which a concept is a duplicate (default 0.95)"}}}`)},
		dedupe)
}

func main() {}

func dedupe(cs []ext.Concept) []ext.Verdict {
	vs := make([]ext.Verdict, len(cs))
	var kept []int
	for i, c := range cs {
		vs[i].Keep = true
		for _, j := range kept {
			if cos := cosine(c.Embedding, cs[j].Embedding); cos > options.Threshold {
				vs[i] = ext.Verdict{Reason: fmt.Sprintf("cosine %.3f with %s, above %.3g", cos, cs[j].ID, options.Threshold)}
				break
			}
		}
		if vs[i].Keep {
			kept = append(kept, i)
		}
	}
	return vs
}

// cosine is a·b/(|a||b|); 0 when either is zero. Embeddings of different sizes are
// an error of the host's.
func cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		ext.Errorf("embeddings of %d and %d values", len(a), len(b))
	}
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}
