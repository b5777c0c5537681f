package concepts

import (
	"math/rand/v2"
	"slices"
	"strings"

	"dnw/host/internal/imaging"
)

// draft is a concept before it has an id and a split.
type draft struct {
	edits   []int  // spec indices, in step order
	set     string // editSetOf(edits): the edits regardless of parameters and order
	steps   []imaging.Step
	prompts []string
	words   [][]string // wordSet of each prompt
}

// newDraft draws the steps of a concept of the given edits (sorted into stepOrder
// here) and writes its n prompts from phrases (per spec: the phrases its split may
// use), each accepted by usable. ok is false when the prompts cannot be written.
func (v *vocabulary) newDraft(rng *rand.Rand, edits []int, phrases [][]string, n int, usable func(string) bool) (d draft, ok bool) {
	d.edits = slices.Clone(edits)
	slices.SortStableFunc(d.edits, func(a, b int) int {
		return slices.Index(stepOrder, v.specs[a].Category) - slices.Index(stepOrder, v.specs[b].Category)
	})
	d.set = editSetOf(v, d.edits...)
	parts := make([]promptPart, len(d.edits))
	for k, e := range d.edits {
		step, s := drawStep(rng, v.specs[e])
		d.steps = append(d.steps, step)
		parts[k] = promptPart{phrases: phrases[e], strength: s, style: v.specs[e].Category == imaging.Style}
	}
	if d.prompts, ok = writePrompts(rng, parts, n, usable); !ok {
		return draft{}, false
	}
	for _, p := range d.prompts {
		d.words = append(d.words, wordSet(p))
	}
	return d, true
}

// editSetOf names edits regardless of parameters and order: "pixelate+sepia".
func editSetOf(v *vocabulary, edits ...int) string {
	names := make([]string, len(edits))
	for i, e := range edits {
		names[i] = v.specs[e].Name
	}
	slices.Sort(names)
	return strings.Join(names, "+")
}

// concept gives the draft its id (prefix, then its edits in step order: "c017-sepia+pixelate")
// and split.
func (d draft) concept(v *vocabulary, prefix, split string) Concept {
	names := make([]string, len(d.edits))
	for i, e := range d.edits {
		names[i] = idSafe(v.specs[e].Name)
	}
	category := string(v.specs[d.edits[0]].Category)
	if len(d.edits) > 1 {
		category = CategoryCombination
	}
	return Concept{ID: prefix + "-" + strings.Join(names, "+"), Category: category,
		Steps: d.steps, Prompts: d.prompts, Split: split}
}

// idSafe keeps ids to lowercase letters, digits, '_' and '-', since they name files
// and tensors downstream.
func idSafe(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return '-'
	}, name)
}
