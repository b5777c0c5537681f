package pairstore

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"dnw/host/internal/safetensors"
)

// Set is N (source, target) pairs of size×size RGB images, each (N, 3, size, size).
type Set struct {
	N, Size        int
	Source, Target []float32
}

// Concept is one concept's pairs: Train for fitting, Test only for evaluation.
type Concept struct {
	ID          string
	Train, Test Set
}

// imageLen is the number of floats of one image.
func (s Set) imageLen() int { return 3 * s.Size * s.Size }

// Pair returns pair i's source and target (views, not copies).
func (s Set) Pair(i int) (src, tgt []float32) {
	n := s.imageLen()
	return s.Source[i*n : (i+1)*n], s.Target[i*n : (i+1)*n]
}

// Batch draws n pairs uniformly with replacement into new (n, 3, S, S) slices.
func (s Set) Batch(rng *rand.Rand, n int) (src, tgt []float32) {
	l := s.imageLen()
	src, tgt = make([]float32, n*l), make([]float32, n*l)
	for i := range n {
		a, b := s.Pair(rng.IntN(s.N))
		copy(src[i*l:], a)
		copy(tgt[i*l:], b)
	}
	return src, tgt
}

// Tensor names: "ID/train/source", "ID/train/target", "ID/test/source", "ID/test/target".
var parts = []string{"train/source", "train/target", "test/source", "test/target"}

// Write saves concepts to path (atomically), with meta as the file's metadata.
func Write(path string, concepts []Concept, meta map[string]string) error {
	f := safetensors.File{Tensors: map[string]safetensors.Tensor{}, Metadata: map[string]string{}}
	maps.Copy(f.Metadata, meta)
	for _, c := range concepts {
		if strings.Contains(c.ID, "/") {
			return fmt.Errorf("pairstore: concept id %q contains a slash", c.ID)
		}
		for i, data := range [][]float32{c.Train.Source, c.Train.Target, c.Test.Source, c.Test.Target} {
			set := c.Train
			if i >= 2 {
				set = c.Test
			}
			if len(data) != set.N*set.imageLen() {
				return fmt.Errorf("pairstore: %s %s: %d values, want %d", c.ID, parts[i], len(data), set.N*set.imageLen())
			}
			f.Tensors[c.ID+"/"+parts[i]] = safetensors.Tensor{Shape: []int{set.N, 3, set.Size, set.Size}, Data: data}
		}
	}
	f.Metadata["dnw.concepts"] = strconv.Itoa(len(concepts))
	return safetensors.WriteFile(path, f)
}

// Read loads every concept of a file Write wrote, by id.
func Read(path string) (map[string]Concept, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]Concept{}
	for _, name := range slices.Sorted(maps.Keys(f.Tensors)) {
		id, part, ok := strings.Cut(name, "/")
		i := slices.Index(parts, part)
		if !ok || i < 0 {
			return nil, fmt.Errorf("pairstore: %s: unexpected tensor %s", path, name)
		}
		t := f.Tensors[name]
		if len(t.Shape) != 4 || t.Shape[1] != 3 || t.Shape[2] != t.Shape[3] {
			return nil, fmt.Errorf("pairstore: %s: tensor %s has shape %v, want (N, 3, S, S)", path, name, t.Shape)
		}
		c := out[id]
		c.ID = id
		set := &c.Train
		if i >= 2 {
			set = &c.Test
		}
		set.N, set.Size = t.Shape[0], t.Shape[2]
		if i%2 == 0 {
			set.Source = t.Data
		} else {
			set.Target = t.Data
		}
		out[id] = c
	}
	for id, c := range out {
		if c.Train.Source == nil || c.Train.Target == nil || c.Test.Source == nil || c.Test.Target == nil {
			return nil, fmt.Errorf("pairstore: %s: concept %s lacks some of %v", path, id, parts)
		}
	}
	return out, nil
}
