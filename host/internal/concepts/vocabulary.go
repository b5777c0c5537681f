package concepts

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"dnw/host/internal/imaging"
)

// stepOrder is the order of a combination's steps by category: geometry first, then
// colour, then the rendering style, which should see the finished scene (pixelating
// and then toning sepia would tint the pixels, toning and then pixelating is pixel
// art of a sepia photo; the prompt "sepia photograph as pixel art" means the latter).
var stepOrder = []imaging.Category{imaging.Structure, imaging.Tone, imaging.Style}

// minPhrases is the fewest phrases an edit may have: at least one reserved for
// held-out prompts and two for training prompts, so that training paraphrases vary.
const minPhrases = 3

// vocabulary is the validated edit list with each edit's phrases split into those
// training prompts may use and those reserved for held-out prompts.
type vocabulary struct {
	specs      []imaging.EditSpec
	byCategory map[imaging.Category][]int // spec indices, in spec order
	train      [][]string                 // per spec: phrases for training prompts
	heldout    [][]string                 // per spec: phrases reserved for held-out prompts
	reserved   [][]string                 // tokens of every reserved phrase
}

// newVocabulary validates the specs and reserves a third of each edit's phrases (at
// least one) for held-out prompts, drawn with rng. A reserved phrase must not occur
// inside any other phrase of any edit, or a training prompt could contain it; a third
// leaves at least two thirds, two or more, to vary the training prompts.
func newVocabulary(specs []imaging.EditSpec, rng *rand.Rand) (*vocabulary, error) {
	if len(specs) == 0 {
		return nil, errors.New("concepts: no edits to compose concepts from")
	}
	v := &vocabulary{specs: specs, byCategory: map[imaging.Category][]int{}}
	names := map[string]bool{}
	for i, s := range specs {
		if err := checkSpec(s, names); err != nil {
			return nil, err
		}
		names[s.Name] = true
		v.byCategory[s.Category] = append(v.byCategory[s.Category], i)
	}
	for i, s := range specs {
		var eligible, others []string
		for _, p := range s.Phrases {
			if occursInOtherPhrase(specs, i, p) {
				others = append(others, p)
			} else {
				eligible = append(eligible, p)
			}
		}
		if len(eligible) == 0 {
			return nil, fmt.Errorf("concepts: edit %q: each of its phrases occurs inside another phrase, so none can be reserved for held-out prompts; add a phrase of its own words", s.Name)
		}
		n := min(max(1, len(s.Phrases)/3), len(eligible))
		rng.Shuffle(len(eligible), func(a, b int) { eligible[a], eligible[b] = eligible[b], eligible[a] })
		v.heldout = append(v.heldout, eligible[:n])
		v.train = append(v.train, append(others, eligible[n:]...))
		for _, p := range eligible[:n] {
			v.reserved = append(v.reserved, tokens(p))
		}
	}
	return v, nil
}

func checkSpec(s imaging.EditSpec, names map[string]bool) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("concepts: edit %q: %s", s.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case s.Name == "":
		return fail("empty name")
	case names[s.Name]:
		return fail("name repeated")
	case s.Category != imaging.Style && s.Category != imaging.Tone && s.Category != imaging.Structure:
		return fail("category %q, want %q, %q or %q", s.Category, imaging.Style, imaging.Tone, imaging.Structure)
	}
	distinct := map[string]bool{}
	for _, p := range s.Phrases {
		if len(wordSet(p)) == 0 {
			return fail("phrase %q has no words", p)
		}
		distinct[normalized(p)] = true
	}
	if len(distinct) < minPhrases || len(distinct) < len(s.Phrases) {
		return fail("%d distinct phrases of %d, want %d or more, all distinct", len(distinct), len(s.Phrases), minPhrases)
	}
	params := map[string]bool{}
	for _, p := range s.Params {
		finite := !math.IsNaN(p.Min) && !math.IsInf(p.Min, 0) && !math.IsNaN(p.Max) && !math.IsInf(p.Max, 0)
		switch {
		case p.Name == "" || params[p.Name]:
			return fail("parameter name %q empty or repeated", p.Name)
		case !finite || p.Min > p.Max:
			return fail("parameter %s: range [%v, %v]", p.Name, p.Min, p.Max)
		}
		params[p.Name] = true
	}
	return nil
}

// occursInOtherPhrase reports whether phrase (of spec i) occurs inside a different
// phrase of any spec.
func occursInOtherPhrase(specs []imaging.EditSpec, i int, phrase string) bool {
	words := tokens(phrase)
	for j, s := range specs {
		for _, p := range s.Phrases {
			if (j != i || normalized(p) != normalized(phrase)) && containsPhrase(tokens(p), words) {
				return true
			}
		}
	}
	return false
}

// usesReserved reports whether a prompt contains a phrase reserved for held-out prompts.
func (v *vocabulary) usesReserved(prompt string) bool {
	words := tokens(prompt)
	for _, r := range v.reserved {
		if containsPhrase(words, r) {
			return true
		}
	}
	return false
}

// categories returns the categories that have edits, in step order.
func (v *vocabulary) categories() []imaging.Category {
	var out []imaging.Category
	for _, c := range stepOrder {
		if len(v.byCategory[c]) > 0 {
			out = append(out, c)
		}
	}
	return out
}
