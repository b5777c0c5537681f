package concepts

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"dnw/host/internal/config"
	"dnw/host/internal/imaging"
)

func TestDefaultSizesMatchConfig(t *testing.T) {
	d := config.Default().Data
	if got := (Sizes{Train: d.TrainConcepts, Heldout: d.HeldoutConcepts, Paraphrases: d.Paraphrases}); got != defaultSizes {
		t.Fatalf("config.Default sizes %+v, tests assume %+v", got, defaultSizes)
	}
}

// TestBuildSizes: rule 5, the catalogue has the sizes asked for, at the defaults and
// at a few hundred concepts.
func TestBuildSizes(t *testing.T) {
	for _, sizes := range []Sizes{defaultSizes, {Train: 300, Heldout: 60, Paraphrases: 3}, {Train: 2, Heldout: 1, Paraphrases: 5}} {
		cat := mustBuild(t, sizes, 7)
		if len(cat.Train()) != sizes.Train || len(cat.Heldout()) != sizes.Heldout {
			t.Errorf("%+v: %d training, %d held-out concepts", sizes, len(cat.Train()), len(cat.Heldout()))
		}
		for _, k := range cat.Concepts {
			if len(k.Prompts) != sizes.Paraphrases {
				t.Errorf("%+v: %s has %d prompts", sizes, k.ID, len(k.Prompts))
			}
		}
		if err := cat.validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestConceptKinds: rule 1, single-edit concepts of every category and combinations
// of two steps from different categories, in stepOrder, with the right category.
func TestConceptKinds(t *testing.T) {
	specs := specByName()
	singles := map[string]int{}
	combinations := map[string]int{}
	for _, k := range mustBuild(t, defaultSizes, 1).Train() {
		first := string(specs[k.Steps[0].Edit].Category)
		switch len(k.Steps) {
		case 1:
			if k.Category != first {
				t.Errorf("%s: category %q, its edit's is %q", k.ID, k.Category, first)
			}
			singles[k.Category]++
		case 2:
			second := string(specs[k.Steps[1].Edit].Category)
			if k.Category != CategoryCombination {
				t.Errorf("%s: category %q, want %q", k.ID, k.Category, CategoryCombination)
			}
			if order := func(c string) int { return slices.Index(stepOrder, imaging.Category(c)) }; order(first) >= order(second) {
				t.Errorf("%s: steps of categories %s then %s, want two categories in step order", k.ID, first, second)
			}
			combinations[first+"+"+second]++
		default:
			t.Errorf("%s: %d steps", k.ID, len(k.Steps))
		}
	}
	for _, c := range stepOrder {
		if singles[string(c)] == 0 {
			t.Errorf("no single-edit training concept of category %s", c)
		}
	}
	if len(combinations) < 3 {
		t.Errorf("combinations of only %v, want all three pairs of categories", combinations)
	}
}

// TestStrengths: rule 1, parameters are drawn in their range, strength parameters
// inside one strength's band read from their weakest end, and every prompt names that
// strength with one of its adjectives (or, for the middle band and edits without
// strength parameters, with none).
func TestStrengths(t *testing.T) {
	specs := specByName()
	seen := map[int]bool{}
	for _, k := range mustBuild(t, Sizes{Train: 200, Heldout: 30, Paraphrases: 3}, 3).Concepts {
		for _, step := range k.Steps {
			spec := specs[step.Edit]
			if len(step.Params) != len(spec.Params) {
				t.Fatalf("%s: %s has parameters %v, want %d", k.ID, step.Edit, step.Params, len(spec.Params))
			}
			band := -1
			for _, p := range spec.Params {
				v, ok := step.Params[p.Name]
				if !ok || v < p.Min || v > p.Max {
					t.Fatalf("%s: %s.%s = %v (set %v), range [%v, %v]", k.ID, step.Edit, p.Name, v, ok, p.Min, p.Max)
				}
				f := (v - p.Min) / (p.Max - p.Min)
				switch p.Grows {
				case imaging.Variant:
					continue
				case imaging.Down:
					f = 1 - f
				}
				b := slices.IndexFunc(strengths, func(s strength) bool { return f >= s.lo-0.01 && f <= s.hi+0.01 }) // 0.01: rounding to 3 digits
				if b < 0 || band >= 0 && b != band {
					t.Fatalf("%s: %s's parameters %v are not in one strength band", k.ID, step.Edit, step.Params)
				}
				band = b
			}
			if band < 0 && len(k.Steps) == 1 {
				for _, prompt := range k.Prompts {
					for _, s := range strengths {
						if slices.ContainsFunc(s.adjectives, func(a string) bool { return a != "" && slices.Contains(tokens(prompt), a) }) {
							t.Errorf("%s: prompt %q names a strength, but %s has no strength parameter", k.ID, prompt, step.Edit)
						}
					}
				}
			}
			if band < 0 {
				continue
			}
			seen[band] = true
			if len(k.Steps) > 1 {
				continue // a combination's prompts mix two steps' adjectives; singles check the wording
			}
			for _, prompt := range k.Prompts {
				words := tokens(prompt)
				named := slices.ContainsFunc(strengths[band].adjectives, func(a string) bool { return a != "" && slices.Contains(words, a) })
				other := false
				for b, s := range strengths {
					if b != band && slices.ContainsFunc(s.adjectives, func(a string) bool { return a != "" && slices.Contains(words, a) }) {
						other = true
					}
				}
				if other || named != (strengths[band].adjectives[0] != "") {
					t.Errorf("%s: prompt %q does not name strength %d (params %v)", k.ID, prompt, band, step.Params)
				}
			}
		}
	}
	if len(seen) != len(strengths) {
		t.Errorf("drew strengths %v, want all %d", seen, len(strengths))
	}
}

// TestDeterministic: rule 6, the same seed gives byte-identical JSON, another seed
// another catalogue.
func TestDeterministic(t *testing.T) {
	write := func(seed uint64) []byte {
		var buf bytes.Buffer
		if err := mustBuild(t, defaultSizes, seed).WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := write(11), write(11), write(12)
	if !bytes.Equal(a, b) {
		t.Error("seed 11 twice: the JSON differs")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 11 and 12: the same JSON")
	}
}

// TestMoreTrainingKeepsTheRest: asking for more training concepts with the same seed
// keeps the held-out concepts and the first training concepts, so a run's existing
// concepts (and the pairs seeded by their ids) survive a larger catalogue.
func TestMoreTrainingKeepsTheRest(t *testing.T) {
	small := mustBuild(t, defaultSizes, 5)
	large := mustBuild(t, Sizes{Train: 90, Heldout: defaultSizes.Heldout, Paraphrases: defaultSizes.Paraphrases}, 5)
	if !equalJSON(t, small.Heldout(), large.Heldout()) {
		t.Error("held-out concepts changed with more training concepts")
	}
	if !equalJSON(t, small.Train(), large.Train()[:defaultSizes.Train]) {
		t.Error("the first training concepts changed with more training concepts")
	}
}

func equalJSON(t *testing.T, a, b []Concept) bool {
	t.Helper()
	var x, y bytes.Buffer
	if err := (Catalogue{Concepts: a}).WriteJSON(&x); err != nil {
		t.Fatal(err)
	}
	if err := (Catalogue{Concepts: b}).WriteJSON(&y); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// TestIDs: ids are unique, readable and name the concept's edits in step order.
func TestIDs(t *testing.T) {
	for _, k := range mustBuild(t, defaultSizes, 2).Concepts {
		prefix := map[string]string{SplitTrain: "c", SplitHeldout: "h"}[k.Split]
		var names []string
		for _, s := range k.Steps {
			names = append(names, s.Edit)
		}
		if _, rest, ok := strings.Cut(k.ID, "-"); !strings.HasPrefix(k.ID, prefix) || !ok || rest != strings.Join(names, "+") {
			t.Errorf("id %q for %s concept of %v", k.ID, k.Split, names)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	oneEach := func() []imaging.EditSpec { // one edit per category, none with parameters
		var out []imaging.EditSpec
		for _, s := range fixtureSpecs() {
			if len(s.Params) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	twoEach := func() []imaging.EditSpec { // the first two edits of each category
		all := fixtureSpecs()
		return slices.Concat(all[0:2], all[8:10], all[16:18])
	}
	tests := []struct {
		name  string
		specs []imaging.EditSpec
		sizes Sizes
		want  string
	}{
		{"no training", fixtureSpecs(), Sizes{Train: 0, Heldout: 1, Paraphrases: 1}, "Train ≥ 1"},
		{"no paraphrases", fixtureSpecs(), Sizes{Train: 5, Heldout: 1, Paraphrases: 0}, "Paraphrases ≥ 1"},
		{"no edits", nil, defaultSizes, "no edits"},
		{"too many training", twoEach(), Sizes{Train: 500, Heldout: 3, Paraphrases: 3}, "supply only"},
		{"too many held-out", twoEach(), Sizes{Train: 20, Heldout: 13, Paraphrases: 3}, "supply only"},
		{"held-out edits outnumber training", fixtureSpecs(), Sizes{Train: 2, Heldout: 5, Paraphrases: 3}, "fit in 2 training concepts"},
		{"few edits", oneEach(), Sizes{Train: 10, Heldout: 1, Paraphrases: 3}, "supply only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.specs, tt.sizes, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSpecErrors(t *testing.T) {
	phrases := []string{"pixel art", "8-bit image", "blocky graphics"}
	good := func() imaging.EditSpec {
		return imaging.EditSpec{Name: "pixelate", Category: imaging.Style, Phrases: slices.Clone(phrases),
			Params: []imaging.ParamSpec{{Name: "block", Min: 2, Max: 16}}}
	}
	tests := []struct {
		name  string
		edit  func(*imaging.EditSpec)
		other *imaging.EditSpec
		want  string
	}{
		{"empty name", func(s *imaging.EditSpec) { s.Name = "" }, nil, "empty name"},
		{"repeated name", func(*imaging.EditSpec) {}, &imaging.EditSpec{Name: "pixelate", Category: imaging.Tone, Phrases: []string{"x", "y", "z"}}, "name repeated"},
		{"unknown category", func(s *imaging.EditSpec) { s.Category = "colour" }, nil, `category "colour"`},
		{"two phrases", func(s *imaging.EditSpec) { s.Phrases = s.Phrases[:2] }, nil, "distinct phrases"},
		{"repeated phrase", func(s *imaging.EditSpec) { s.Phrases[2] = "Pixel  Art" }, nil, "distinct phrases"},
		{"empty phrase", func(s *imaging.EditSpec) { s.Phrases[2] = " - " }, nil, "has no words"},
		{"filler phrase", func(s *imaging.EditSpec) { s.Phrases[2] = "a look" }, nil, "has no words"},
		{"inverted range", func(s *imaging.EditSpec) { s.Params[0].Max = 1 }, nil, "range [2, 1]"},
		{"repeated parameter", func(s *imaging.EditSpec) { s.Params = append(s.Params, s.Params[0]) }, nil, "empty or repeated"},
		{"no phrase to reserve", func(*imaging.EditSpec) {},
			&imaging.EditSpec{Name: "retro", Category: imaging.Tone, Phrases: []string{"retro pixel art", "8-bit image look", "blocky graphics style"}}, "none can be reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.edit(&s)
			specs := []imaging.EditSpec{s}
			if tt.other != nil {
				specs = append(specs, *tt.other)
			}
			_, err := Build(specs, Sizes{Train: 1, Heldout: 0, Paraphrases: 1}, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Build([]imaging.EditSpec{good()}, Sizes{Train: 1, Heldout: 0, Paraphrases: 1}, 1); err != nil {
		t.Fatalf("the good spec: %v", err)
	}
}
