package pairstore

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

func set(n, size int, v float32) Set {
	s := Set{N: n, Size: size, Source: make([]float32, n*3*size*size), Target: make([]float32, n*3*size*size)}
	for i := range s.Source {
		s.Source[i], s.Target[i] = v+float32(i), -v-float32(i)
	}
	return s
}

func TestWriteReadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pairs.safetensors")
	in := []Concept{{ID: "a", Train: set(3, 4, 1), Test: set(1, 4, 2)}, {ID: "b", Train: set(2, 4, 3), Test: set(2, 4, 4)}}
	if err := Write(path, in, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	out, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range in {
		got := out[c.ID]
		if got.Train.N != c.Train.N || got.Test.Size != 4 || !slices.Equal(got.Train.Source, c.Train.Source) ||
			!slices.Equal(got.Test.Target, c.Test.Target) {
			t.Errorf("concept %s: %+v", c.ID, got.Train)
		}
	}
	if err := Write(path, []Concept{{ID: "x/y", Train: set(1, 2, 0), Test: set(1, 2, 0)}}, nil); err == nil {
		t.Error("an id with a slash was accepted")
	}
}

func TestBatchDrawsPairsTogether(t *testing.T) {
	s := set(5, 2, 0)
	src, tgt := s.Batch(rand.New(rand.NewPCG(1, 2)), 7)
	for i := range 7 * 12 {
		if src[i] != -tgt[i] {
			t.Fatalf("value %d: source %v and target %v are not from one pair", i, src[i], tgt[i])
		}
	}
}
