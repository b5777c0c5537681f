package concepts

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"dnw/host/internal/imaging"
)

// Build composes the catalogue of sizes.Train training and sizes.Heldout held-out
// concepts, each with sizes.Paraphrases prompts, from the edits in specs. The same
// specs, sizes and seed give the same catalogue; a larger sizes.Train with the same
// seed extends the training list (its first concepts stay the same) and keeps the
// held-out concepts (unless a smaller Train had limited the edits they could use).
// It fails, saying what ran out, when the specs cannot supply that many distinct
// concepts.
//
// Training concepts get ids "c000-…", held-out ones "h000-…", followed by the names of
// their edits in step order.
func Build(specs []imaging.EditSpec, sizes Sizes, seed uint64) (Catalogue, error) {
	if sizes.Train < 1 || sizes.Heldout < 0 || sizes.Paraphrases < 1 {
		return Catalogue{}, fmt.Errorf("concepts: sizes %+v: want Train ≥ 1, Heldout ≥ 0, Paraphrases ≥ 1", sizes)
	}
	v, err := newVocabulary(specs, stream(seed, "phrases"))
	if err != nil {
		return Catalogue{}, err
	}
	reg := newRegistry(v)
	held, needed, err := chooseHeldout(v, reg, sizes, stream(seed, "heldout"))
	if err != nil {
		return Catalogue{}, err
	}
	train, err := trainingConcepts(v, reg, sizes, held, needed, stream(seed, "train"))
	if err != nil {
		return Catalogue{}, err
	}
	cat := Catalogue{Seed: seed}
	for i, d := range train {
		cat.Concepts = append(cat.Concepts, d.concept(v, fmt.Sprintf("c%03d", i), SplitTrain))
	}
	for i, d := range held {
		cat.Concepts = append(cat.Concepts, d.concept(v, fmt.Sprintf("h%03d", i), SplitHeldout))
	}
	return cat, cat.validate()
}

// stream is the random stream of one part of Build, named so that drawing more in one
// part (more training concepts) does not shift the draws of another (the held-out ones).
func stream(seed uint64, part string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte("concepts/" + part))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}
