package pipeline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"

	"dnw/host/internal/conceptdirs"
	"dnw/host/internal/concepts"
	"dnw/host/internal/config"
	"dnw/host/internal/imaging"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/stage"
)

// conceptsStage writes the concept catalogue: procedural concepts composed from
// dnw's parameterized edits (data.source = "procedural"), or one concept per folder
// of real pairs (data.source = "folders"); either way split deterministically into
// training and held-out concepts; then filters.concepts, which see each concept's
// prompts and the text encoder's embedding of its first prompt.
var conceptsStage = stage.Stage{
	Name:    "concepts",
	Doc:     "the concept catalogue: prompts, edits, train/held-out split",
	Keys:    []string{"data", "filters.concepts", "extensions.options", "weightgen.options"},
	Plugins: []string{"weightgen.text_encoder"},
	Data:    folderData,
	Outputs: []string{"catalogue.json", "dropped.json"},
	Run:     runConcepts,
}

// pairsStage renders (or reads) every concept's paired images: data.pairs_per_concept
// training pairs and data.test_pairs test pairs, used only for evaluation; then
// filters.pairs over each concept's training pairs (test pairs are never dropped:
// every method is scored on the same ones).
var pairsStage = stage.Stage{
	Name:    "pairs",
	Doc:     "paired source/target images per concept",
	Keys:    []string{"data", "filters.pairs", "extensions.options"},
	Inputs:  []string{"concepts/catalogue.json"},
	Data:    folderData,
	Outputs: []string{"pairs.safetensors", "dropped.json"},
	Run:     runPairs,
}

func runConcepts(ctx context.Context, env *stage.Env) error {
	d := env.Config.Data
	var cat concepts.Catalogue
	switch d.Source {
	case "procedural":
		var err error
		cat, err = concepts.Build(imaging.Specs(), concepts.Sizes{Train: d.TrainConcepts, Heldout: d.HeldoutConcepts,
			Paraphrases: d.Paraphrases}, uint64(env.Config.Experiment.Seed))
		if err != nil {
			return err
		}
	case "folders":
		dirs, err := loadFolders(ctx, env)
		if err != nil {
			return err
		}
		named, from, err := namedHeldout(d)
		if err != nil {
			return err
		}
		if named != nil {
			env.Log.Info("held-out concepts named", "by", from, "concepts", len(named))
		}
		if cat, err = folderCatalogue(dirs, d.HeldoutConcepts, named, uint64(env.Config.Experiment.Seed)); err != nil {
			if from != "" {
				err = fmt.Errorf("%s: %w", from, err)
			}
			return err
		}
	}
	cat, dropped, err := filterConcepts(ctx, env, cat)
	if err != nil {
		return err
	}
	env.Log.Info("concept catalogue", "source", d.Source, "train", len(cat.Train()), "heldout", len(cat.Heldout()), "dropped", len(dropped))
	if err := writeDropped(env, dropped); err != nil {
		return err
	}
	return env.Write("catalogue.json", cat.WriteJSON)
}

// folderData lists the files under data.dir that the data stages read when
// data.source = "folders", so that their fingerprints cover the data set and not
// only its path: a changed image or prompt.txt reruns them (and misses the stage
// cache). Procedural data is all in the config.
func folderData(c *config.Config) (string, []string) {
	if c.Data.Source != "folders" {
		return "", nil
	}
	return c.Data.Dir, conceptdirs.Files(c.Data.Dir)
}

// loadFolders reads data.dir, with bad files skipped and warned about under data.skip_bad.
func loadFolders(ctx context.Context, env *stage.Env) ([]conceptdirs.Concept, error) {
	d := env.Config.Data
	return conceptdirs.Load(ctx, d.Dir, conceptdirs.Options{Size: d.ImageSize, MaxPixels: int64(d.MaxPixels), SkipBad: d.SkipBad,
		Warn: func(msg string) { env.Log.Warn(msg) }})
}

// folderCatalogue makes a catalogue of folder concepts: no edits, the folder's
// prompts, and the concepts named held out, or without names heldout of them (a
// seeded draw).
func folderCatalogue(dirs []conceptdirs.Concept, heldout int, named []string, seed uint64) (concepts.Catalogue, error) {
	held := map[string]bool{}
	if named != nil {
		var ids []string
		for _, d := range dirs {
			ids = append(ids, d.ID)
		}
		if msg := unknownHeldout(named, ids); msg != "" {
			return concepts.Catalogue{}, errors.New(msg)
		}
		for _, id := range named {
			held[id] = true
		}
	} else {
		if heldout >= len(dirs) {
			return concepts.Catalogue{}, fmt.Errorf("data.heldout_concepts = %d, but data.dir has only %d concepts", heldout, len(dirs))
		}
		for _, i := range rand.New(rand.NewPCG(seed, 0x666f6c64)).Perm(len(dirs))[:heldout] {
			held[dirs[i].ID] = true
		}
	}
	cat := concepts.Catalogue{Seed: seed}
	for _, dir := range dirs {
		split := concepts.SplitTrain
		if held[dir.ID] {
			split = concepts.SplitHeldout
		}
		cat.Concepts = append(cat.Concepts, concepts.Concept{ID: dir.ID, Category: "folder", Prompts: dir.Prompts, Split: split})
	}
	return cat, nil
}

func runPairs(ctx context.Context, env *stage.Env) error {
	d := env.Config.Data
	cat, err := concepts.ReadFile(env.Input("concepts/catalogue.json"))
	if err != nil {
		return err
	}
	var out []pairstore.Concept
	bar := env.Progress(int64(len(cat.Concepts)), "concepts", 0)
	switch d.Source {
	case "procedural":
		for _, k := range cat.Concepts {
			if err := ctx.Err(); err != nil {
				return err
			}
			c, err := renderPairs(k, d.ImageSize, d.PairsPerConcept, d.TestPairs, uint64(env.Config.Experiment.Seed), d.SharedSources)
			if err != nil {
				return err
			}
			out = append(out, c)
			bar.Add(1)
		}
	case "folders":
		dirs, err := loadFolders(ctx, env)
		if err != nil {
			return err
		}
		for _, dir := range dirs {
			if !slices.ContainsFunc(cat.Concepts, func(k concepts.Concept) bool { return k.ID == dir.ID }) {
				continue // dropped by filters.concepts
			}
			c, err := folderPairs(dir, d.ImageSize, d.TestPairs)
			if err != nil {
				return err
			}
			out = append(out, c)
			bar.Add(1)
		}
	}
	var dropped []droppedRecord
	for i := range out {
		var d []droppedRecord
		if out[i].Train, d, err = filterPairs(ctx, env, out[i].ID, out[i].Train); err != nil {
			return err
		}
		dropped = append(dropped, d...)
	}
	if err := writeDropped(env, dropped); err != nil {
		return err
	}
	return pairstore.Write(env.Path("pairs.safetensors"), out, map[string]string{"dnw.source": d.Source})
}

// renderPairs draws a concept's scenes and applies its edits: train pairs, then test
// pairs. With shared sources every concept draws the same training scenes (and the
// same test scenes, from another stream): common random numbers, so that two concepts'
// LoRA weights differ by what their edits do and not by which pictures each happened
// to get — the difference the weight generator learns. Otherwise the scenes come from
// a stream of the concept's own. Either way a concept's pairs do not depend on the
// rest of the catalogue.
func renderPairs(k concepts.Concept, size, train, test int, seed uint64, shared bool) (pairstore.Concept, error) {
	own := conceptStream(seed, k.ID)
	trainRng, testRng := own, own
	if shared {
		trainRng, testRng = conceptStream(seed, "sources/train"), conceptStream(seed, "sources/test")
	}
	set := func(rng *rand.Rand, n int) (pairstore.Set, error) {
		s := pairstore.Set{N: n, Size: size}
		for range n {
			src := imaging.Scene(rng, size)
			tgt, err := imaging.Apply(src, k.Steps)
			if err != nil {
				return s, fmt.Errorf("concept %s: %w", k.ID, err)
			}
			s.Source, s.Target = append(s.Source, src.Pix...), append(s.Target, tgt.Pix...)
		}
		return s, nil
	}
	trainSet, err := set(trainRng, train)
	if err != nil {
		return pairstore.Concept{}, err
	}
	testSet, err := set(testRng, test)
	return pairstore.Concept{ID: k.ID, Train: trainSet, Test: testSet}, err
}

// conceptStream is the random stream of one concept's work, seeded by the experiment's
// seed and the concept's id, so that it does not depend on the other concepts. The
// streams that all concepts share are named with a "/", which no concept id has.
func conceptStream(seed uint64, id string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// folderPairs splits a folder concept's pairs: the last test of them (in name order)
// are its test pairs, the rest train.
func folderPairs(dir conceptdirs.Concept, size, test int) (pairstore.Concept, error) {
	if len(dir.Pairs) <= test {
		return pairstore.Concept{}, fmt.Errorf("%s: %d pairs, need more than data.test_pairs = %d", dir.Dir, len(dir.Pairs), test)
	}
	c := pairstore.Concept{ID: dir.ID, Train: pairstore.Set{Size: size}, Test: pairstore.Set{Size: size}}
	for i, p := range dir.Pairs {
		s := &c.Train
		if i >= len(dir.Pairs)-test {
			s = &c.Test
		}
		s.N++
		s.Source, s.Target = append(s.Source, p.Source.Pix...), append(s.Target, p.Target.Pix...)
	}
	return c, nil
}
