package concepts

import (
	"testing"

	"dnw/host/internal/imaging"
)

// TestBuildWithImagingSpecs: rule 5 on dnw's own edit list, at the experiment
// defaults, with the split rules checked as for the fixtures.
func TestBuildWithImagingSpecs(t *testing.T) {
	specs := imaging.Specs()
	cat, err := Build(specs, defaultSizes, 1)
	if err != nil {
		t.Fatalf("%d edits: %v", len(specs), err)
	}
	if len(cat.Train()) != defaultSizes.Train || len(cat.Heldout()) != defaultSizes.Heldout {
		t.Fatalf("%d training, %d held-out concepts", len(cat.Train()), len(cat.Heldout()))
	}
	trainSets, trainEdits, trainPrompts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, k := range cat.Train() {
		trainSets[stepSet(k)] = true
		for _, s := range k.Steps {
			trainEdits[s.Edit] = true
		}
		for _, p := range k.Prompts {
			trainPrompts[normalized(p)] = true
		}
	}
	for _, k := range cat.Heldout() {
		if trainSets[stepSet(k)] {
			t.Errorf("held-out %s: edit set in training", k.ID)
		}
		for _, s := range k.Steps {
			if !trainEdits[s.Edit] {
				t.Errorf("held-out %s: edit %s in no training concept", k.ID, s.Edit)
			}
		}
		for _, p := range k.Prompts {
			if trainPrompts[normalized(p)] {
				t.Errorf("held-out %s: prompt %q also in training", k.ID, p)
			}
		}
	}
}
