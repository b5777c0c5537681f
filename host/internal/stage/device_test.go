package stage

import (
	"context"
	"slices"
	"testing"

	"dnw/host/internal/config"
)

// The device is part of every stage's fingerprint, whatever keys the stage declares
// (diamond's c and d declare none): a GPU rounds differently from the CPU, so a
// stage computed on one is not up to date on the other. Only the canonical name
// counts: "cuda" is "cuda:0".
func TestDeviceIsInEveryFingerprint(t *testing.T) {
	h := newHarness(t)
	c := newCounts()
	p := diamond(c)
	h.mustExecute(p)

	fingerprints := func(dev string) map[string]string {
		t.Helper()
		h.cfg.Experiment.Device = dev
		out := map[string]string{}
		for i := range p.Stages {
			fp, err := h.runner().fingerprint(context.Background(), &p.Stages[i])
			if err != nil {
				t.Fatal(err)
			}
			out[p.Stages[i].Name] = fp
		}
		return out
	}
	cpu, empty, cuda, cuda0, cuda1 := fingerprints("cpu"), fingerprints(""), fingerprints("cuda"), fingerprints("cuda:0"), fingerprints("cuda:1")
	for _, s := range p.Stages {
		n := s.Name
		if cpu[n] != h.record(n).Fingerprint || empty[n] != cpu[n] {
			t.Errorf("%s: the CPU's fingerprint changed: ran with %s, cpu %s, \"\" %s", n, h.record(n).Fingerprint, cpu[n], empty[n])
		}
		if cuda[n] == cpu[n] {
			t.Errorf("%s: the same fingerprint on cuda as on the CPU", n)
		}
		if cuda[n] != cuda0[n] {
			t.Errorf("%s: cuda and cuda:0 have different fingerprints", n)
		}
		if cuda1[n] == cuda0[n] {
			t.Errorf("%s: the same fingerprint on cuda:1 as on cuda:0", n)
		}
	}

	// So a run resumed on another device computes every stage again.
	h.cfg.Experiment.Device = "cuda:0"
	before := len(c.order)
	h.mustExecute(p)
	if ran := c.order[before:]; !slices.Equal(ran, []string{"a", "b", "c", "d"}) {
		t.Errorf("on another device ran %v, want every stage", ran)
	}
}

// Trials that differ only in their device share no stage.
func TestSharedPrefixDependsOnDevice(t *testing.T) {
	p := diamond(newCounts())
	on := func(dev string) *config.Config {
		c := config.Default()
		c.Experiment.Device = dev
		return &c
	}
	if got := p.SharedPrefix([]*config.Config{on("cpu"), on("cuda")}); got != "" {
		t.Errorf("cpu and cuda share up to %q, want nothing", got)
	}
	if got := p.SharedPrefix([]*config.Config{on("cuda"), on("cuda:0")}); got != "d" {
		t.Errorf("cuda and cuda:0 share up to %q, want every stage (d)", got)
	}
}
