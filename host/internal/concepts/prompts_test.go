package concepts

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestParaphrases: rule 2, a concept's prompts are distinct (also after case and
// spacing), and each writes every step of the concept with one of its edit's phrases.
func TestParaphrases(t *testing.T) {
	specs := specByName()
	for _, sizes := range []Sizes{defaultSizes, {Train: 60, Heldout: 12, Paraphrases: 8}} {
		for _, k := range mustBuild(t, sizes, 9).Concepts {
			seen := map[string]bool{}
			for _, p := range k.Prompts {
				if seen[normalized(p)] {
					t.Errorf("%s: prompt %q twice", k.ID, p)
				}
				seen[normalized(p)] = true
				for _, step := range k.Steps {
					if !slices.ContainsFunc(specs[step.Edit].Phrases, func(ph string) bool { return containsPhrase(tokens(p), tokens(ph)) }) {
						t.Errorf("%s: prompt %q has no phrase of %s", k.ID, p, step.Edit)
					}
				}
			}
		}
	}
}

// TestParaphrasesVaryWording: paraphrase i uses the i-th phrase of a shuffled order,
// so a concept's first paraphrases use different phrases where the edit has them.
func TestParaphrasesVaryWording(t *testing.T) {
	part := promptPart{phrases: []string{"pixel art", "8-bit image", "blocky graphics"}, strength: unparameterized}
	prompts, ok := writePrompts(rand.New(rand.NewPCG(1, 2)), []promptPart{part}, 3, func(string) bool { return true })
	if !ok {
		t.Fatal("no prompts")
	}
	for _, ph := range part.phrases {
		if !slices.Contains(prompts, ph) {
			t.Errorf("prompts %q: phrase %q unused", prompts, ph)
		}
	}
}

// TestParaphrasesRunOut: an edit without parameters and two usable phrases has six
// single-edit prompts (two phrases × three frames), not seven.
func TestParaphrasesRunOut(t *testing.T) {
	part := promptPart{phrases: []string{"pencil sketch", "charcoal drawing"}, strength: unparameterized}
	for n, want := range map[int]bool{6: true, 7: false} {
		prompts, ok := writePrompts(rand.New(rand.NewPCG(1, 2)), []promptPart{part}, n, func(string) bool { return true })
		if ok != want || ok && len(prompts) != n {
			t.Errorf("%d prompts: ok %v with %q, want ok %v", n, ok, prompts, want)
		}
	}
}

// TestStyleConnector: "as" joins two phrases only when the second is a style, so a
// tone and a style without adjectives have seven prompts: three connectors in either
// order, and "as" in one.
func TestStyleConnector(t *testing.T) {
	tone := promptPart{phrases: []string{"sepia photograph"}, strength: unparameterized}
	style := promptPart{phrases: []string{"pixel art"}, strength: unparameterized, style: true}
	prompts, ok := writePrompts(rand.New(rand.NewPCG(3, 4)), []promptPart{tone, style}, 7, func(string) bool { return true })
	if !ok {
		t.Fatal("7 prompts of a tone and a style: not found")
	}
	slices.Sort(prompts)
	want := []string{"pixel art and sepia photograph", "pixel art with sepia photograph", "pixel art, sepia photograph",
		"sepia photograph and pixel art", "sepia photograph as pixel art", "sepia photograph with pixel art", "sepia photograph, pixel art"}
	if !slices.Equal(prompts, want) {
		t.Errorf("prompts %q, want %q", prompts, want)
	}
	if _, ok := writePrompts(rand.New(rand.NewPCG(3, 4)), []promptPart{tone, style}, 8, func(string) bool { return true }); ok {
		t.Error("8 prompts of a tone and a style: found")
	}
}

// TestUsableRejects: writePrompts never returns a prompt that usable rejects.
func TestUsableRejects(t *testing.T) {
	part := promptPart{phrases: []string{"pixel art", "8-bit image", "blocky graphics"}, strength: strengths[2]}
	prompts, ok := writePrompts(rand.New(rand.NewPCG(5, 6)), []promptPart{part}, 10,
		func(p string) bool { return !containsPhrase(tokens(p), tokens("pixel art")) })
	if !ok {
		t.Fatal("10 prompts without \"pixel art\": not found")
	}
	for _, p := range prompts {
		if containsPhrase(tokens(p), tokens("pixel art")) {
			t.Errorf("prompt %q was rejected", p)
		}
	}
}
