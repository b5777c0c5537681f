package cosine

import (
	"context"
	"fmt"
	"math"

	"dnw/plugins/schedule/internal/tables"
	"dnw/sdk"
)

// ID is the plugin's id.
const ID = "schedule.cosine"

// The defaults are Nichol & Dhariwal's (2021, §3.2): the offset s = 0.008 makes √β_1
// slightly smaller than the pixel bin size 1/127.5, and β is clipped at 0.999.
var options = []sdk.OptionSpec{
	{Name: "s", Type: sdk.OptionFloat, Default: 0.008, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "small offset that keeps β_t from being too small near t = 0"},
	{Name: "max_beta", Type: sdk.OptionFloat, Default: 0.999, Min: sdk.Float(0), Max: sdk.Float(1),
		Doc: "upper clip of β_t, in (0, 1); avoids the singularity of β near t = T"},
}

// Cosine is the schedule.cosine noise schedule.
type Cosine struct{}

var _ sdk.NoiseSchedule = (*Cosine)(nil)

// New returns the plugin, for `sdk.Serve(cosine.New())` or the host's bundled registry.
func New() *Cosine { return &Cosine{} }

// Info describes schedule.cosine and its options.
func (*Cosine) Info() sdk.Info {
	return sdk.Info{
		ID: ID, Kind: sdk.KindNoiseSchedule, Version: "1.0.0",
		Doc: "Nichol & Dhariwal 2021 eq. 17: ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T)+s)/(1+s)·π/2), " +
			"β_t = 1 − ᾱ_t/ᾱ_{t−1} clipped at max_beta.",
		Options: options,
	}
}

// Tables returns the tables for T timesteps.
func (*Cosine) Tables(ctx context.Context, T int, opts sdk.Options) (sdk.ScheduleTables, error) {
	o, err := tables.Begin(ctx, ID, T, options, opts)
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	betas, err := Betas(T, o.Float("s"), o.Float("max_beta"))
	if err != nil {
		return sdk.ScheduleTables{}, err
	}
	return tables.FromBetas(ID, betas)
}

// Betas returns β_t = min(1 − f(t)/f(t − 1), maxBeta) for t = 1..T at index t − 1,
// f as in the package doc (improved-diffusion's betas_for_alpha_bar). It requires
// s ≥ 0 and 0 < maxBeta < 1.
func Betas(T int, s, maxBeta float64) ([]float64, error) {
	if !(s >= 0) {
		return nil, fmt.Errorf("%s: s %v, want ≥ 0", ID, s)
	}
	if !(maxBeta > 0 && maxBeta < 1) {
		return nil, fmt.Errorf("%s: max_beta %v, want it in (0, 1)", ID, maxBeta)
	}
	f := func(t int) float64 {
		c := math.Cos((float64(t)/float64(T) + s) / (1 + s) * math.Pi / 2)
		return c * c
	}
	betas := make([]float64, T)
	for t := 1; t <= T; t++ {
		betas[t-1] = min(1-f(t)/f(t-1), maxBeta)
	}
	return betas, nil
}
