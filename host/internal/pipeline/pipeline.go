package pipeline

import (
	"fmt"

	"dnw/host/internal/stage"
)

// For returns the pipeline named by experiment.pipeline.
func For(name string) (stage.Pipeline, error) {
	switch name {
	case "paper":
		return Paper(), nil
	case "base":
		return Base(), nil
	case "selftest":
		return Selftest(), nil
	}
	return stage.Pipeline{}, fmt.Errorf("pipeline: unknown pipeline %q (known: paper, base, selftest)", name)
}
