package linear

import (
	"context"
	"fmt"

	"dnw/plugins/schedule/internal/tables"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "schedule.linear"

// The defaults are Ho et al.'s (2020, §4): "β_1 = 10⁻⁴ to β_T = 0.02", chosen small
// next to the data's [−1, 1] scale, for T = 1000.
var options = []sdk.OptionSpec{
	{Name: "beta_start", Type: sdk.OptionFloat, Default: 1e-4, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "β_1, the noise variance added at the first step; in (0, 1), below beta_end"},
	{Name: "beta_end", Type: sdk.OptionFloat, Default: 0.02, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "β_T, the noise variance added at the last step; in (0, 1), above beta_start"},
}

// Linear is the schedule.linear noise schedule.
type Linear struct{}

var _ sdk.NoiseSchedule = (*Linear)(nil)

// New returns the plugin, for `sdk.Serve(linear.New())` or the host's bundled registry.
func New() *Linear { return &Linear{} }

// Info describes schedule.linear and its options.
func (*Linear) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindNoiseSchedule, Version: "1.0.0",
		Doc:     "Ho et al. 2020: β linear from beta_start to beta_end over T steps, ᾱ_t = ∏(1 − β_s).",
		Options: options,
	}
}

// Tables returns the tables for T timesteps.
func (*Linear) Tables(ctx context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
	o, err := tables.Begin(ctx, ID, T, options, opts)
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	betas, err := Betas(T, o.Float("beta_start"), o.Float("beta_end"))
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	return tables.FromBetas(ID, betas)
}

// Betas returns β_t = start + (t − 1)·(end − start)/(T − 1) for t = 1..T at index
// t − 1 (numpy.linspace(start, end, T), as in Ho et al.'s code; [start] for T = 1). It
// requires 0 < start < end < 1.
func Betas(T int, start, end float64) ([]float64, error) {
	if !(start > 0 && start < end && end < 1) {
		return nil, fmt.Errorf("%s: beta_start %v and beta_end %v: want 0 < beta_start < beta_end < 1", ID, start, end)
	}
	return tables.Linspace(start, end, T), nil
}
