package stage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"dnw/host/internal/config"
	"dnw/host/internal/pluginhost"
)

// Stage is one step of a pipeline.
type Stage struct {
	Name    string
	Doc     string   // one line, shown by dnw status and --help
	Inputs  []string // artifacts of earlier stages it reads, as "stage/file"
	Outputs []string // files it must leave in its own directory
	Keys    []string // config keys or whole sections it depends on (experiment.seed and experiment.device always count)
	Plugins []string // config keys naming the plugins it calls ("model.arch"); their ids, versions and checksums count too
	// Data, when set, lists the files outside the run that the stage reads (a data
	// set the user brings, such as data.dir): a root and slash-separated names under
	// it. Their names and contents count too, so editing, adding or removing one
	// reruns the stage and misses the stage cache; no names add nothing.
	Data func(c *config.Config) (root string, names []string)
	Run  func(ctx context.Context, env *Env) error
}

// configValues are the config values the stage's result depends on: those of its
// keys, experiment.seed, and experiment.device (canonical, "cuda:0") when it is a GPU.
// Every stage depends on the device, since devices round differently; the CPU adds
// nothing, so that runs made before experiment.device existed keep their fingerprints.
func (s *Stage) configValues(c *config.Config) map[string]any {
	v := c.Values(append([]string{"experiment.seed"}, s.Keys...)...)
	if d := c.Device(); !d.IsCPU() {
		v["experiment.device"] = d.String()
	}
	return v
}

// Pipeline is an ordered list of stages.
type Pipeline struct {
	Name   string
	Stages []Stage
}

// Check reports the first structural problem: a duplicate name, a config key the
// schema lacks, an input that no earlier stage declares as output, or a stage without
// Run (not implemented in this build).
func (p Pipeline) Check() error {
	outputs := map[string]bool{}
	var missing []string
	for i, s := range p.Stages {
		for _, prev := range p.Stages[:i] {
			if prev.Name == s.Name {
				return fmt.Errorf("stage: pipeline %s has two stages named %s", p.Name, s.Name)
			}
		}
		for _, k := range s.Keys {
			if !config.Known(k) {
				return fmt.Errorf("stage: %s depends on %s, which is not a config key or section", s.Name, k)
			}
		}
		for _, k := range s.Plugins {
			if !pluginhost.IsPluginKey(k) {
				return fmt.Errorf("stage: %s calls the plugin named by %s, which is not a plugin key", s.Name, k)
			}
		}
		for _, in := range s.Inputs {
			if !outputs[in] {
				return fmt.Errorf("stage: %s reads %s, which no earlier stage of %s writes", s.Name, in, p.Name)
			}
		}
		for _, out := range s.Outputs {
			outputs[s.Name+"/"+out] = true
		}
		if s.Run == nil {
			missing = append(missing, s.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("stage: pipeline %s: stages not implemented in this build of dnw: %s",
			p.Name, strings.Join(missing, ", "))
	}
	return nil
}

// DependsOn reports whether a stage of p depends on the config key, on a
// section holding it, or on a key inside it.
func (p Pipeline) DependsOn(key string) bool {
	for _, s := range p.Stages {
		for _, k := range s.Keys {
			if k == key || strings.HasPrefix(key, k+".") || strings.HasPrefix(k, key+".") {
				return true
			}
		}
	}
	return false
}

// SharedPrefix is the last stage up to which every config would compute the same
// thing: it and every stage before it depend on the same config values, seed and
// plugins in all of them (so, given the same build, the same fingerprints); "" when
// the first stage already differs. A sweep computes that prefix once and lets the
// other trials restore it from the stage cache.
func (p Pipeline) SharedPrefix(configs []*config.Config) string {
	last := ""
	for _, s := range p.Stages {
		same := func(c *config.Config) string {
			var ids []string
			for _, u := range pluginhost.Uses(c) {
				if slices.Contains(s.Plugins, u.Key) {
					ids = append(ids, u.ID)
				}
			}
			return fmt.Sprint(s.configValues(c), ids)
		}
		want := same(configs[0])
		for _, c := range configs[1:] {
			if same(c) != want {
				return last
			}
		}
		last = s.Name
	}
	return last
}

// Until returns p cut after the stage named last: what `dnw run --until` runs. A later
// run of the whole pipeline finds those stages done and goes on from there.
func (p Pipeline) Until(last string) (Pipeline, error) {
	var names []string
	for i, s := range p.Stages {
		if s.Name == last {
			return Pipeline{Name: p.Name, Stages: p.Stages[:i+1]}, nil
		}
		names = append(names, s.Name)
	}
	return p, fmt.Errorf("pipeline %s has no stage %q (its stages: %s)", p.Name, last, strings.Join(names, ", "))
}
