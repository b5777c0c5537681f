package main

import (
	"context"
	"fmt"
	"math"

	"dnw/sdk"
)

// Polynomial is the schedule.
type Polynomial struct{}

var _ sdk.NoiseSchedule = Polynomial{}

func (Polynomial) Info() sdk.Info {
	return sdk.Info{
		ID: "schedule.polynomial", Kind: sdk.KindNoiseSchedule, Version: "0.1.0",
		Doc: "ᾱ_t = max((1 − t/T)^power, min_alpha_bar): power 1 removes signal linearly in t, larger powers faster early on.",
		Options: []sdk.OptionSpec{
			{Name: "power", Type: sdk.OptionFloat, Default: 2.0, Min: sdk.Float(0.1), Max: sdk.Float(10),
				Doc: "exponent of the decay"},
			{Name: "min_alpha_bar", Type: sdk.OptionFloat, Default: 1e-4, Min: sdk.Float(1e-9), Max: sdk.Float(0.5),
				Doc: "floor of ᾱ_t, so that α_t stays positive and w_0 = (w_t − σ_t·ε)/α_t is defined"},
		},
	}
}

// Tables computes ᾱ_t for t = 1..T, with α_t = √ᾱ_t and σ_t = √(1 − ᾱ_t).
func (Polynomial) Tables(_ context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
	if T < 1 {
		return sdk.ScheduleTables{}, fmt.Errorf("schedule.polynomial: %d timesteps; need at least 1", T)
	}
	p, floor := opts.Float("power"), opts.Float("min_alpha_bar")
	var tab sdk.ScheduleTables
	for t := 1; t <= T; t++ {
		ab := max(math.Pow(1-float64(t)/float64(T), p), floor)
		tab.AlphaBar = append(tab.AlphaBar, ab)
		tab.Alpha = append(tab.Alpha, math.Sqrt(ab))
		tab.Sigma = append(tab.Sigma, math.Sqrt(1-ab))
	}
	return tab, nil
}

func main() { sdk.Serve(Polynomial{}) }
