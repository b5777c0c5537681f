package cli

import (
	"log/slog"

	"dnw/host/internal/config"
	"dnw/host/internal/estimate"
	"dnw/host/internal/stage"
)

// machineMemory is the host memory the estimates are held against: a variable so
// that tests can pretend to be a smaller or larger machine.
var machineMemory = estimate.Memory

// resourceWarnings estimates the memory and time of p's stages under cfg, with jobs
// concepts trained at once, and says which would not fit this machine
// (experiments/README.md, "Memory and time").
func resourceWarnings(cfg *config.Config, p stage.Pipeline, jobs int) []string {
	return estimate.Warnings(estimates(cfg, p, jobs), machineMemory(), cfg.Device().IsCPU())
}

func estimates(cfg *config.Config, p stage.Pipeline, jobs int) []estimate.Stage {
	names := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		names[i] = s.Name
	}
	return estimate.Of(cfg, names, jobs)
}

// logResources records each stage's estimate in the run's log (debug) and warns on
// the console about the stages that would not fit this machine. The run goes on: the
// estimate is rough, and the user may know better.
func logResources(log *slog.Logger, cfg *config.Config, p stage.Pipeline, jobs int) {
	cpu := cfg.Device().IsCPU()
	for _, s := range estimates(cfg, p, jobs) {
		log.Debug("estimate", "stage", s.Name, "memory", estimate.Bytes(s.HostBytes(cpu)),
			"time_on_2_cores", estimate.Duration(s.Seconds))
	}
	for _, w := range resourceWarnings(cfg, p, jobs) {
		log.Warn(w)
	}
}
