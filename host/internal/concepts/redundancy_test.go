package concepts

import (
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/imaging"
)

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"sepia photograph, pixel art", "pixel art with sepia photograph", 1},
		{"strong sepia photograph, subtle pixel art", "strong sepia photograph, mild pixel art", 5.0 / 7},
		{"subtle sepia photograph", "strong sepia photograph", 2.0 / 4},
		{"sepia photograph look", "sepia photograph", 1}, // frames are filler
		{"pixel art", "charcoal drawing", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		if got := jaccard(wordSet(tt.a), wordSet(tt.b)); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("jaccard(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParamDistance(t *testing.T) {
	specs := specByName()
	step := func(edit string, params map[string]float64) imaging.Step {
		return imaging.Step{Edit: edit, Params: params}
	}
	tests := []struct {
		name string
		a, b []imaging.Step
		want float64
	}{
		{"same", []imaging.Step{step("sepia", map[string]float64{"amount": 0.3})}, []imaging.Step{step("sepia", map[string]float64{"amount": 0.3})}, 0},
		{"a fifth of the range", []imaging.Step{step("sepia", map[string]float64{"amount": 0.3})}, []imaging.Step{step("sepia", map[string]float64{"amount": 0.5})}, 0.2},
		{"range-normalized", []imaging.Step{step("pixelate", map[string]float64{"block": 2})}, []imaging.Step{step("pixelate", map[string]float64{"block": 9})}, 0.5},
		{"rms over two steps", []imaging.Step{step("sepia", map[string]float64{"amount": 0.2}), step("pixelate", map[string]float64{"block": 2})},
			[]imaging.Step{step("sepia", map[string]float64{"amount": 0.2}), step("pixelate", map[string]float64{"block": 16})}, math.Sqrt(0.5)},
		{"no parameters", []imaging.Step{step("invert", nil)}, []imaging.Step{step("invert", nil)}, 0},
	}
	for _, tt := range tests {
		if got := paramDistance(specs, tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRegistryDropsRedundant: rule 3 on hand-made concepts.
func TestRegistryDropsRedundant(t *testing.T) {
	v, err := newVocabulary(fixtureSpecs(), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	for i, s := range v.specs {
		index[s.Name] = i
	}
	d := func(prompt string, steps ...imaging.Step) draft {
		var edits []int
		for _, s := range steps {
			edits = append(edits, index[s.Edit])
		}
		return draft{edits: edits, set: editSetOf(v, edits...), steps: steps, prompts: []string{prompt}, words: [][]string{wordSet(prompt)}}
	}
	sepia := func(amount float64) imaging.Step {
		return imaging.Step{Edit: "sepia", Params: map[string]float64{"amount": amount}}
	}
	reg := newRegistry(v)
	if !reg.add(d("subtle sepia photograph", sepia(0.2))) {
		t.Fatal("the first concept was dropped")
	}
	tests := []struct {
		name      string
		d         draft
		redundant bool
	}{
		{"same edit, parameters too close", d("slight antique sepia print", sepia(0.3)), true},
		{"same edit, parameters apart", d("strong antique sepia print", sepia(0.8)), false},
		{"other edit, prompt alike", d("sepia photograph subtle", imaging.Step{Edit: "invert"}), true},
		{"combination, prompt different enough", d("subtle sepia photograph, negative film", sepia(0.2), imaging.Step{Edit: "invert"}), false},
	}
	for _, tt := range tests {
		if got := reg.redundant(tt.d); got != tt.redundant {
			t.Errorf("%s: redundant %v, want %v", tt.name, got, tt.redundant)
		}
	}
}

// TestCatalogueHasNoRedundantConcepts: rule 3 on built catalogues, both splits
// together: no two concepts of the same edit set closer than minParamDistance, no two
// prompts of different concepts more alike than maxPromptJaccard.
func TestCatalogueHasNoRedundantConcepts(t *testing.T) {
	specs := specByName()
	for _, sizes := range []Sizes{defaultSizes, {Train: 300, Heldout: 60, Paraphrases: 3}} {
		cs := mustBuild(t, sizes, 8).Concepts
		for i, a := range cs {
			for _, b := range cs[:i] {
				if stepSet(a) == stepSet(b) {
					if dist := paramDistance(specs, a.Steps, b.Steps); dist < minParamDistance {
						t.Errorf("%s and %s: parameter distance %.3f", a.ID, b.ID, dist)
					}
				}
				for _, pa := range a.Prompts {
					for _, pb := range b.Prompts {
						if j := jaccard(wordSet(pa), wordSet(pb)); j > maxPromptJaccard {
							t.Errorf("%s %q and %s %q: Jaccard %.2f", a.ID, pa, b.ID, pb, j)
						}
					}
				}
			}
		}
	}
}
