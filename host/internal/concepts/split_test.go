package concepts

import (
	"slices"
	"strings"
	"testing"
)

// TestHeldoutAreUnseenCombinationsOfSeenEdits: rule 4, every held-out concept is a
// combination whose edit set no training concept has, of edits that training
// concepts do have.
func TestHeldoutAreUnseenCombinationsOfSeenEdits(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cat := mustBuild(t, defaultSizes, seed)
		trainSets := map[string]bool{}
		trainEdits := map[string]bool{}
		for _, k := range cat.Train() {
			trainSets[stepSet(k)] = true
			for _, s := range k.Steps {
				trainEdits[s.Edit] = true
			}
		}
		heldSets := map[string]bool{}
		for _, k := range cat.Heldout() {
			if len(k.Steps) != 2 || k.Category != CategoryCombination {
				t.Errorf("seed %d: held-out %s is not a combination", seed, k.ID)
			}
			if trainSets[stepSet(k)] {
				t.Errorf("seed %d: held-out %s: edit set %s also in training", seed, k.ID, stepSet(k))
			}
			if heldSets[stepSet(k)] {
				t.Errorf("seed %d: held-out %s: edit set %s held out twice", seed, k.ID, stepSet(k))
			}
			heldSets[stepSet(k)] = true
			for _, s := range k.Steps {
				if !trainEdits[s.Edit] {
					t.Errorf("seed %d: held-out %s: edit %s in no training concept", seed, k.ID, s.Edit)
				}
			}
		}
	}
}

// TestHeldoutUseUnseenParaphrases: rule 4, no held-out prompt is a training prompt;
// every held-out prompt writes each of its edits with a phrase that no training prompt
// uses; and each edit has such a reserved phrase while training prompts still use
// another of its phrases.
func TestHeldoutUseUnseenParaphrases(t *testing.T) {
	specs := specByName()
	for _, seed := range []uint64{1, 2, 3} {
		cat := mustBuild(t, Sizes{Train: 120, Heldout: 24, Paraphrases: 4}, seed)
		trainPrompts := map[string]bool{}
		trainPhrases := map[string]bool{} // phrases found in training prompts
		for _, k := range cat.Train() {
			for _, p := range k.Prompts {
				trainPrompts[normalized(p)] = true
				for _, s := range specs {
					for _, ph := range s.Phrases {
						if containsPhrase(tokens(p), tokens(ph)) {
							trainPhrases[normalized(ph)] = true
						}
					}
				}
			}
		}
		for _, k := range cat.Heldout() {
			for _, p := range k.Prompts {
				if trainPrompts[normalized(p)] {
					t.Errorf("seed %d: held-out %s: prompt %q is also a training prompt", seed, k.ID, p)
				}
				for _, step := range k.Steps {
					unseen := slices.ContainsFunc(specs[step.Edit].Phrases, func(ph string) bool {
						return containsPhrase(tokens(p), tokens(ph)) && !trainPhrases[normalized(ph)]
					})
					if !unseen {
						t.Errorf("seed %d: held-out %s: prompt %q writes %s with no unseen phrase", seed, k.ID, p, step.Edit)
					}
				}
			}
		}
		for name, s := range specs {
			unseen := 0
			for _, ph := range s.Phrases {
				if !trainPhrases[normalized(ph)] {
					unseen++
				}
			}
			if unseen == 0 || unseen == len(s.Phrases) {
				t.Errorf("seed %d: edit %s: %d of %d phrases unseen in training, want some but not all", seed, name, unseen, len(s.Phrases))
			}
		}
	}
}

// TestNoTrainingPromptUsesReservedPhrase: rule 4 against the reserved phrases
// themselves, including a reserved phrase hidden inside a longer phrase's words.
func TestNoTrainingPromptUsesReservedPhrase(t *testing.T) {
	const seed = 4
	cat := mustBuild(t, defaultSizes, seed)
	v, err := newVocabulary(fixtureSpecs(), stream(seed, "phrases"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range cat.Train() {
		for _, p := range k.Prompts {
			if v.usesReserved(p) {
				t.Errorf("training %s: prompt %q uses a reserved phrase", k.ID, p)
			}
		}
	}
	for i, reserved := range v.heldout {
		if len(reserved) != 1 || slices.Contains(v.train[i], reserved[0]) {
			t.Errorf("edit %s: reserved %q, training %q", v.specs[i].Name, reserved, v.train[i])
		}
	}
	// An edit with six phrases reserves two, and none that occurs inside another phrase.
	specs := fixtureSpecs()
	specs[0].Phrases = append(specs[0].Phrases, "retro game sprite", "chunky pixels", "low-res mosaic of squares")
	specs[1].Phrases = append(specs[1].Phrases, "retro game")
	v, err = newVocabulary(specs, stream(seed, "phrases"))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.heldout[0]) != 2 || len(v.train[0]) != 4 {
		t.Errorf("six phrases: reserved %q, training %q", v.heldout[0], v.train[0])
	}
	if slices.Contains(v.heldout[1], "retro game") {
		t.Errorf("reserved %q, which occurs inside %q", "retro game", "retro game sprite")
	}
}

// stepSet is a concept's edits regardless of parameters and order.
func stepSet(k Concept) string {
	var names []string
	for _, s := range k.Steps {
		names = append(names, s.Edit)
	}
	slices.Sort(names)
	return strings.Join(names, "+")
}
