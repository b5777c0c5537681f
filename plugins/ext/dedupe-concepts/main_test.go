package main

import (
	"testing"

	"dnw/sdk/ext"
)

func TestDedupeDropsLaterNearDuplicates(t *testing.T) {
	cs := []ext.Concept{
		{ID: "a", Embedding: []float32{1, 0, 0}},
		{ID: "b", Embedding: []float32{0, 1, 0}},
		{ID: "a2", Embedding: []float32{2, 0.1, 0}}, // cosine 0.9988 with a
		{ID: "c", Embedding: []float32{1, 1, 0}},    // cosine 0.707 with a and b
		{ID: "zero", Embedding: []float32{0, 0, 0}},
	}
	vs, err := ext.CallFilter(ext.Batch{Concepts: cs})
	if err != nil {
		t.Fatal(err)
	}
	keep := ""
	for i, v := range vs {
		if v.Keep {
			keep += cs[i].ID + " "
		}
	}
	if keep != "a b c zero " || vs[2].Reason != "cosine 0.999 with a, above 0.95" {
		t.Errorf("kept %q; a2: %q", keep, vs[2].Reason)
	}
	bad := []ext.Concept{{ID: "a", Embedding: []float32{1}}, {ID: "b", Embedding: []float32{1, 2}}}
	if _, err := ext.CallFilter(ext.Batch{Concepts: bad}); err == nil {
		t.Error("embeddings of different sizes were compared")
	}
}
