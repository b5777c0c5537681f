package concepts

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"dnw/host/internal/imaging"
)

// drawsPerKind is how many redundant draws in a row exhaust a kind of concept: the
// schedule drops it and goes on with the others; with every kind dropped the specs
// cannot supply more. A kind whose draws still succeed one time in twenty survives
// 200 draws but for 0.95^200 ≈ 0.004%; one at one in fifty (dropped with 0.98^200 ≈
// 2%) is nearly full anyway. A draw is cheap (about 0.1 ms at 300 concepts).
const drawsPerKind = 200

// kind is what the training schedule draws next: a single edit of a category, or a
// combination of two categories (combination true).
type kind struct {
	category    imaging.Category
	combination bool
}

// trainingConcepts draws the training concepts after the held-out ones. First come
// concepts that cover every edit the held-out concepts use (combinations of two such
// edits where one is allowed, else single edits), then a schedule that alternates a
// single edit of each category in turn with a combination, until sizes.Train. No
// training concept has a held-out edit set or a prompt with a reserved phrase.
func trainingConcepts(v *vocabulary, reg *registry, sizes Sizes, held []draft, needed map[int]bool, rng *rand.Rand) ([]draft, error) {
	banned := map[string]bool{}
	for _, h := range held {
		banned[h.set] = true
	}
	usable := func(prompt string) bool { return !v.usesReserved(prompt) }
	var train []draft
	try := func(edits ...int) bool {
		if banned[editSetOf(v, edits...)] {
			return false
		}
		d, ok := v.newDraft(rng, edits, v.train, sizes.Paraphrases, usable)
		if !ok || !reg.add(d) {
			return false
		}
		train = append(train, d)
		return true
	}

	covered := map[int]bool{}
	for _, e := range sortedKeys(needed) {
		if covered[e] {
			continue
		}
		var partners []int
		for _, f := range sortedKeys(needed) {
			if !covered[f] && v.specs[f].Category != v.specs[e].Category && !banned[editSetOf(v, e, f)] {
				partners = append(partners, f)
			}
		}
		done := false
		for n := 0; n < 2*drawsPerKind && !done; n++ {
			if n < drawsPerKind && len(partners) > 0 {
				f := partners[rng.IntN(len(partners))]
				if done = try(e, f); done {
					covered[f] = true
				}
			} else {
				done = try(e)
			}
		}
		if !done {
			return nil, fmt.Errorf("concepts: no training concept with edit %q is distinct from the kept ones, but held-out concepts use it", v.specs[e].Name)
		}
		covered[e] = true
	}
	// Each covering concept covers at least one new edit, and chooseHeldout keeps
	// len(needed) ≤ sizes.Train, so the cover fits.

	kinds := schedule(v)
	for next, misses := 0, 0; len(train) < sizes.Train; {
		if len(kinds) == 0 {
			return nil, fmt.Errorf("concepts: the %d edits supply only %d distinct training concepts besides %d held-out ones (every kind of concept drew %d redundant ones in a row), want %d; add edits or phrases, or ask for fewer concepts",
				len(v.specs), len(train), len(held), drawsPerKind, sizes.Train)
		}
		next %= len(kinds)
		if try(drawEdits(v, rng, kinds[next])...) {
			next, misses = next+1, 0
			continue
		}
		if misses++; misses == drawsPerKind {
			kinds, misses = slices.Delete(kinds, next, next+1), 0 // exhausted
		}
	}
	return train, nil
}

// schedule alternates a single edit of each category with a combination:
// structure, combination, tone, combination, style, combination.
func schedule(v *vocabulary) []kind {
	var kinds []kind
	categories := v.categories()
	for _, c := range categories {
		kinds = append(kinds, kind{category: c})
		if len(categories) > 1 {
			kinds = append(kinds, kind{combination: true})
		}
	}
	return kinds
}

// drawEdits draws the edits of a concept of kind k: one edit of its category, or one
// edit of each of two different categories.
func drawEdits(v *vocabulary, rng *rand.Rand, k kind) []int {
	pick := func(c imaging.Category) int { return v.byCategory[c][rng.IntN(len(v.byCategory[c]))] }
	if !k.combination {
		return []int{pick(k.category)}
	}
	categories := v.categories()
	i := rng.IntN(len(categories))
	j := (i + 1 + rng.IntN(len(categories)-1)) % len(categories)
	return []int{pick(categories[i]), pick(categories[j])}
}

func sortedKeys(set map[int]bool) []int {
	var keys []int
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
