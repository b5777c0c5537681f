package tables

import (
	"context"
	"errors"
	"fmt"
	"math"

	"dnw/sdk"
)

// Resolve checks opts against specs and fills in defaults, so that a schedule called
// in process without the gRPC server (which resolves first) sees complete, typed
// options. Errors are prefixed with the schedule's id.
func Resolve(id string, specs []sdk.OptionSpec, opts sdk.Options) (sdk.Options, error) {
	o, errs := sdk.Resolve(specs, opts)
	if len(errs) == 0 {
		return o, nil
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s: %w", id, e)
	}
	return nil, errors.Join(out...)
}

// Begin is the start of every Tables call: the context is live, T ≥ 1, and opts
// resolve against specs.
func Begin(ctx context.Context, id string, T int, specs []sdk.OptionSpec, opts sdk.Options) (sdk.Options, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("%s: %d timesteps, want ≥ 1", id, T)
	}
	return Resolve(id, specs, opts)
}

// FromBetas returns the tables of ᾱ_t = ∏_{s ≤ t} (1 − β_s) (Ho et al. 2020, §2),
// betas[t-1] being β_t. Every β_t must lie in (0, 1).
func FromBetas(id string, betas []float64) (sdk.ScheduleTables, error) {
	alphaBar := make([]float64, len(betas))
	prod := 1.0
	for i, b := range betas {
		if !(b > 0 && b < 1) {
			return sdk.ScheduleTables{}, fmt.Errorf("%s: β at t=%d is %v, want it in (0, 1)", id, i+1, b)
		}
		prod *= 1 - b
		alphaBar[i] = prod
	}
	return FromAlphaBar(id, alphaBar)
}

// FromAlphaBar returns the tables for alphaBar[t-1] = ᾱ_t, which must lie in (0, 1]
// and fall strictly with t (a step where ᾱ does not fall adds no noise, and ᾱ = 0
// leaves nothing of w_0 to recover); an error names the first t where it does not,
// which for sane options means T is so large that ᾱ underflows.
func FromAlphaBar(id string, alphaBar []float64) (sdk.ScheduleTables, error) {
	tab := sdk.ScheduleTables{
		AlphaBar: alphaBar,
		Alpha:    make([]float64, len(alphaBar)),
		Sigma:    make([]float64, len(alphaBar)),
	}
	for i, ab := range alphaBar {
		switch {
		case !(ab > 0 && ab <= 1):
			return sdk.ScheduleTables{}, fmt.Errorf("%s: ᾱ at t=%d is %v, want it in (0, 1]; fewer timesteps or gentler options", id, i+1, ab)
		case i > 0 && ab >= alphaBar[i-1]:
			return sdk.ScheduleTables{}, fmt.Errorf("%s: ᾱ does not fall from t=%d to t=%d (%v, %v); fewer timesteps or gentler options",
				id, i, i+1, alphaBar[i-1], ab)
		}
		tab.Alpha[i] = math.Sqrt(ab)
		tab.Sigma[i] = math.Sqrt(1 - ab)
	}
	return tab, nil
}

// Linspace returns n points from a to b inclusive, as numpy.linspace does (and so
// diffusers and Ho et al.'s code): a + i·(b − a)/(n − 1), with the last exactly b; for
// n = 1 it returns [a].
func Linspace(a, b float64, n int) []float64 {
	out := make([]float64, n)
	if n == 1 {
		out[0] = a
		return out
	}
	step := (b - a) / float64(n-1)
	for i := range out {
		out[i] = a + float64(i)*step
	}
	out[n-1] = b
	return out
}
