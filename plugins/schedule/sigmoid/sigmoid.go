package sigmoid

import (
	"context"
	"fmt"
	"math"

	"dnw/plugins/schedule/internal/tables"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "schedule.sigmoid"

// ClipMin is the floor of ᾱ, Algorithm 1's clip_min (Chen 2023): ᾱ_T would be 0.
const ClipMin = 1e-9

// The defaults are Algorithm 1's (Chen 2023): start −3, end 3, τ = 1.
var options = []sdk.OptionSpec{
	{Name: "start", Type: sdk.OptionFloat, Default: -3.0, Min: sdk.Float(-50), Max: sdk.Float(50),
		Doc: "where the sigmoid's input starts (at t = 0); below end"},
	{Name: "end", Type: sdk.OptionFloat, Default: 3.0, Min: sdk.Float(-50), Max: sdk.Float(50),
		Doc: "where the sigmoid's input ends (at t = T); above start"},
	{Name: "tau", Type: sdk.OptionFloat, Default: 1.0, Min: sdk.Float(0), Max: sdk.Float(100),
		Doc: "temperature τ > 0: the sigmoid is evaluated at x/τ; larger is closer to linear in t"},
}

// Sigmoid is the schedule.sigmoid noise schedule.
type Sigmoid struct{}

var _ sdk.NoiseSchedule = (*Sigmoid)(nil)

// New returns the plugin, for `sdk.Serve(sigmoid.New())` or the host's bundled registry.
func New() *Sigmoid { return &Sigmoid{} }

// Info describes schedule.sigmoid and its options.
func (*Sigmoid) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindNoiseSchedule, Version: "1.0.0",
		Doc: "Chen 2023 Algorithm 1 (after Jabri et al. 2022): ᾱ_t = clip((v_end − sig((t/T·(end−start)+start)/tau))" +
			" / (v_end − v_start), 1e-9, 1), v = sig(start/tau), sig(end/tau).",
		Options: options,
	}
}

// Tables returns the tables for T timesteps.
func (*Sigmoid) Tables(ctx context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
	o, err := tables.Begin(ctx, ID, T, options, opts)
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	ab, err := AlphaBar(T, o.Float("start"), o.Float("end"), o.Float("tau"))
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	return tables.FromAlphaBar(ID, ab)
}

// AlphaBar returns ᾱ_t for t = 1..T at index t − 1, by the formula of the package
// doc. It requires start < end and tau > 0.
func AlphaBar(T int, start, end, tau float64) ([]float64, error) {
	if !(start < end) {
		return nil, fmt.Errorf("%s: start %v and end %v: want start < end", ID, start, end)
	}
	if !(tau > 0) {
		return nil, fmt.Errorf("%s: tau %v, want > 0", ID, tau)
	}
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	vStart, vEnd := sig(start/tau), sig(end/tau)
	out := make([]float64, T)
	for t := 1; t <= T; t++ {
		u := float64(t) / float64(T)
		g := (vEnd - sig((u*(end-start)+start)/tau)) / (vEnd - vStart)
		out[t-1] = min(max(g, ClipMin), 1)
	}
	return out, nil
}
