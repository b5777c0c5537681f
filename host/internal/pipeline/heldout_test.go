package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"dnw/host/internal/concepts"
	"dnw/host/internal/pairstore"
	"dnw/host/internal/stage"
)

// TestHeldoutConceptsStayOutOfTraining runs the pipeline up to the weight generator
// twice: as is, and with every held-out concept's prompts replaced and its pairs
// swapped (targets for sources) as stages concepts and pairs write them. Whatever
// base, collect and weightgen train on must not change: the base generator, its
// discriminator and loss curve (which evaluates on test pairs), the weight dataset and
// the denoiser must be the same bit for bit. Only what describes the held-out concepts
// may change: collect's reference LoRAs (heldout.safetensors) and weightgen's
// predictions from their prompts (heldout.json), which the test requires to change,
// so that it knows the changes reached the stages.
func TestHeldoutConceptsStayOutOfTraining(t *testing.T) {
	same, changed := t.TempDir(), t.TempDir()
	if err := runPipeline(t, same, heldoutChanged(weightgenPipeline(), false), 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := runPipeline(t, changed, heldoutChanged(weightgenPipeline(), true), 1, nil); err != nil {
		t.Fatal(err)
	}
	read := func(dir, name string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, "stages", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, name := range []string{"concepts/catalogue.json", "pairs/pairs.safetensors",
		"collect/heldout.safetensors", "weightgen/heldout.json"} {
		if bytes.Equal(read(same, name), read(changed, name)) {
			t.Errorf("%s is the same with the held-out concepts changed: the test changed nothing", name)
		}
	}
	for _, name := range []string{"base/generator.safetensors", "base/discriminator.safetensors", "base/loss.csv",
		"collect/weights.safetensors", "collect/index.json", "collect/curves.csv",
		"weightgen/denoiser.safetensors", "weightgen/loss.csv"} {
		if !bytes.Equal(read(same, name), read(changed, name)) {
			// The later stages' files then change too: name the first.
			t.Fatalf("%s changes with the held-out concepts' prompts and pairs: its stage, or one before it, trains on them", name)
		}
	}
	// The fit to the training concepts, in heldout.json beside the held-out
	// predictions, is measured on training concepts alone.
	var a, b HeldoutCheck
	if err := json.Unmarshal(read(same, "weightgen/heldout.json"), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(read(changed, "weightgen/heldout.json"), &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Training, b.Training) {
		t.Errorf("the training fit changes with the held-out concepts: %+v, then %+v", a.Training, b.Training)
	}
	// And the weight dataset names no held-out concept or prompt.
	cat, err := concepts.ReadFile(filepath.Join(changed, "stages/concepts/catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	index := string(read(changed, "collect/index.json"))
	for _, k := range cat.Heldout() {
		for _, s := range append([]string{k.ID}, k.Prompts...) {
			if bytes.Contains([]byte(index), []byte(s)) {
				t.Errorf("collect/index.json names held-out %q", s)
			}
		}
	}
}

// heldoutChanged returns p with its concepts and pairs stages wrapped: when change is
// set, the catalogue's held-out concepts get new prompts, and their pairs, train and
// test, have source and target swapped. Either way both files are read and written
// again, so that the two runs differ only in the change.
func heldoutChanged(p stage.Pipeline, change bool) stage.Pipeline {
	stages := append([]stage.Stage(nil), p.Stages...)
	for i, s := range stages {
		switch s.Name {
		case conceptsStage.Name:
			stages[i].Run = func(ctx context.Context, env *stage.Env) error {
				if err := s.Run(ctx, env); err != nil {
					return err
				}
				cat, err := concepts.ReadFile(env.Path("catalogue.json"))
				if err != nil {
					return err
				}
				for j, k := range cat.Concepts {
					if change && k.Split == concepts.SplitHeldout {
						for n := range k.Prompts {
							cat.Concepts[j].Prompts[n] = fmt.Sprintf("held out %s prompt %d, never trained on", k.ID, n)
						}
					}
				}
				return env.Write("catalogue.json", cat.WriteJSON)
			}
		case pairsStage.Name:
			stages[i].Run = func(ctx context.Context, env *stage.Env) error {
				if err := s.Run(ctx, env); err != nil {
					return err
				}
				cat, err := concepts.ReadFile(env.Input("concepts/catalogue.json"))
				if err != nil {
					return err
				}
				pairs, err := pairstore.Read(env.Path("pairs.safetensors"))
				if err != nil {
					return err
				}
				var out []pairstore.Concept
				for _, k := range cat.Concepts {
					c := pairs[k.ID]
					if change && k.Split == concepts.SplitHeldout {
						c.Train.Source, c.Train.Target = c.Train.Target, c.Train.Source
						c.Test.Source, c.Test.Target = c.Test.Target, c.Test.Source
					}
					out = append(out, c)
				}
				return pairstore.Write(env.Path("pairs.safetensors"), out, map[string]string{"dnw.source": env.Config.Data.Source})
			}
		}
	}
	return stage.Pipeline{Name: p.Name, Stages: stages}
}
