package sweep

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"dnw/host/internal/config"
)

// Trial is one combination of the axes' variants.
type Trial struct {
	Index  int
	Name   string   // the variants' labels: "chunk_size=128, cosine"
	Values []string // each axis's value, in axis order: "128", "cosine"
	Sets   []config.Set
}

// Trials combines the axes: grid is every combination (the first axis slowest),
// zip takes the i-th variant of every axis (all must have as many), random draws
// f.Draws distinct combinations of the grid with f.Seed.
func (f *File) Trials() ([]Trial, error) {
	var picks [][]int // per trial, the variant index of each axis
	switch f.Combine {
	case Zip:
		n := len(f.Axes[0].Variants)
		for _, a := range f.Axes {
			if len(a.Variants) != n {
				return nil, fmt.Errorf("%s: sweep.combine = \"zip\": axis %s has %d values, axis %s has %d; zipped axes need as many",
					f.Path, f.Axes[0].Name, n, a.Name, len(a.Variants))
			}
		}
		for i := range n {
			pick := make([]int, len(f.Axes))
			for j := range pick {
				pick[j] = i
			}
			picks = append(picks, pick)
		}
	default:
		picks = grid(f.Axes)
		if f.Combine == Random {
			if f.Draws > len(picks) {
				return nil, fmt.Errorf("%s: sweep.trials = %d, but the grid has only %d combinations", f.Path, f.Draws, len(picks))
			}
			rng := rand.New(rand.NewPCG(f.Seed, 0x7377656570)) // "sweep"
			order := rng.Perm(len(picks))[:f.Draws]
			slices.Sort(order) // trials keep the grid's order
			var drawn [][]int
			for _, i := range order {
				drawn = append(drawn, picks[i])
			}
			picks = drawn
		}
	}
	trials := make([]Trial, len(picks))
	for i, pick := range picks {
		t := Trial{Index: i}
		var labels []string
		for j, v := range pick {
			variant := f.Axes[j].Variants[v]
			t.Values = append(t.Values, variant.Value)
			labels = append(labels, variant.Label)
			t.Sets = append(t.Sets, variant.Sets...)
		}
		t.Name = strings.Join(labels, ", ")
		trials[i] = t
	}
	return trials, nil
}

// grid lists every combination of the axes' variant indices, the first axis
// slowest.
func grid(axes []Axis) [][]int {
	picks := [][]int{{}}
	for _, a := range axes {
		var next [][]int
		for _, p := range picks {
			for v := range a.Variants {
				next = append(next, append(slices.Clone(p), v))
			}
		}
		picks = next
	}
	return picks
}

// ExperimentName is trial t's experiment.name: the sweep's name and its index.
func (f *File) ExperimentName(t Trial) string { return fmt.Sprintf("%s-%03d", f.Name, t.Index) }

// Resolve is trial t's experiment: the base with t's keys set, experiment.name
// the trial's, then the overrides (--set); validated like any experiment, with a
// problem in a key an axis sets reported at the sweep file's line.
func (f *File) Resolve(t Trial, overrides []string) (*config.Resolved, error) {
	sets := append(slices.Clone(t.Sets), config.Set{Key: "experiment.name", Value: f.ExperimentName(t), Pos: config.Pos{File: f.Path}})
	return config.LoadSettings(f.Base, sets, overrides)
}

// Changes describes what trial t changes from the base experiment, key by key:
// "weightgen.chunk_size = 128 (base 256)", or "(as the base)" where it sets the
// base's own value.
func (f *File) Changes(t Trial, base, trial *config.Config) []string {
	var out []string
	for _, s := range t.Sets {
		was, set := base.Value(s.Key)
		now, _ := trial.Value(s.Key)
		note := fmt.Sprintf("(base %s)", label(was))
		switch {
		case !set:
			note = "(the base leaves it to the plugin's default)"
		case fmt.Sprint(was) == fmt.Sprint(now):
			note = "(as the base)"
		}
		out = append(out, fmt.Sprintf("%s = %s %s", s.Key, label(now), note))
	}
	return out
}
