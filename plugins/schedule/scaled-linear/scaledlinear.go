package scaledlinear

import (
	"context"
	"fmt"
	"math"

	"dnw/plugins/schedule/internal/tables"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "schedule.scaled-linear"

// The defaults are Stable Diffusion's (its v1 config: linear_start 0.00085,
// linear_end 0.012, schedule "linear" in the LDM code, which squares a linspace of the
// roots; diffusers calls it "scaled_linear").
var options = []sdk.OptionSpec{
	{Name: "beta_start", Type: sdk.OptionFloat, Default: 0.00085, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "β_1; in (0, 1), below beta_end"},
	{Name: "beta_end", Type: sdk.OptionFloat, Default: 0.012, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "β_T; in (0, 1), above beta_start"},
}

// ScaledLinear is the schedule.scaled-linear noise schedule.
type ScaledLinear struct{}

var _ sdk.NoiseSchedule = (*ScaledLinear)(nil)

// New returns the plugin, for `sdk.Serve(scaledlinear.New())` or the host's bundled registry.
func New() *ScaledLinear { return &ScaledLinear{} }

// Info describes schedule.scaled-linear and its options.
func (*ScaledLinear) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindNoiseSchedule, Version: "1.0.0",
		Doc:     "Stable Diffusion / diffusers scaled_linear: β = linspace(√beta_start, √beta_end, T)², ᾱ_t = ∏(1 − β_s).",
		Options: options,
	}
}

// Tables returns the tables for T timesteps.
func (*ScaledLinear) Tables(ctx context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
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

// Betas returns β_t = (√start + (t − 1)·(√end − √start)/(T − 1))² for t = 1..T at
// index t − 1 ([start] for T = 1). It requires 0 < start < end < 1.
func Betas(T int, start, end float64) ([]float64, error) {
	if !(start > 0 && start < end && end < 1) {
		return nil, fmt.Errorf("%s: beta_start %v and beta_end %v: want 0 < beta_start < beta_end < 1", ID, start, end)
	}
	betas := tables.Linspace(math.Sqrt(start), math.Sqrt(end), T)
	for i, r := range betas {
		betas[i] = r * r
	}
	return betas, nil
}
