package concepts

import (
	"fmt"
	"math/rand/v2"
)

// chooseHeldout draws the held-out concepts first, so that they do not depend on how
// many training concepts follow: combinations of two edits of different categories,
// each edit set at most once, prompts written only with reserved phrases (unseen
// paraphrases). Training must later contain every edit they use but none of their
// edit sets (trainingConcepts sees to it); to make that possible the held-out
// concepts use at most sizes.Train distinct edits, one training concept each at
// worst. It returns the held-out drafts and the edits they use.
func chooseHeldout(v *vocabulary, reg *registry, sizes Sizes, rng *rand.Rand) ([]draft, map[int]bool, error) {
	if sizes.Heldout == 0 {
		return nil, map[int]bool{}, nil
	}
	pairs := crossPairs(v)
	rng.Shuffle(len(pairs), func(a, b int) { pairs[a], pairs[b] = pairs[b], pairs[a] })
	var held []draft
	used := map[int]bool{}
	for _, pair := range pairs {
		if len(held) == sizes.Heldout {
			break
		}
		grown := len(used)
		for _, e := range pair {
			if !used[e] {
				grown++
			}
		}
		if grown > sizes.Train {
			continue
		}
		d, ok := v.newDraft(rng, pair[:], v.heldout, sizes.Paraphrases, func(string) bool { return true })
		if !ok || !reg.add(d) {
			continue
		}
		held = append(held, d)
		for _, e := range pair {
			used[e] = true
		}
	}
	if len(held) < sizes.Heldout {
		return nil, nil, fmt.Errorf("concepts: the %d edits supply only %d distinct held-out concepts (combinations of two categories whose edits fit in %d training concepts, with %d distinct prompts from reserved phrases), want %d",
			len(v.specs), len(held), sizes.Train, sizes.Paraphrases, sizes.Heldout)
	}
	return held, used, nil
}

// crossPairs lists every pair of edits of different categories, in spec order.
func crossPairs(v *vocabulary) [][2]int {
	var pairs [][2]int
	for i := range v.specs {
		for j := i + 1; j < len(v.specs); j++ {
			if v.specs[i].Category != v.specs[j].Category {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	return pairs
}
