package scaledlinear_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"dnw/plugins/schedule/internal/scheduletest"
	scaledlinear "dnw/plugins/schedule/scaled-linear"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := scaledlinear.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(scaledlinear.New()); err != nil {
		t.Fatal(err)
	}
}

func TestClosedForm(t *testing.T) {
	s := sdktest.Connect(t, scaledlinear.New()).(sdk.NoiseSchedule)
	for _, opts := range []struct{ start, end float64 }{{0.00085, 0.012}, {1e-4, 0.02}} {
		for _, T := range scheduletest.Ts {
			tab, err := s.Tables(context.Background(), T, sdk.Options{"beta_start": opts.start, "beta_end": opts.end})
			if err != nil {
				t.Fatal(err)
			}
			scheduletest.Check(t, tab, T, scheduletest.CumProd(T, func(s int) float64 {
				if T == 1 {
					return opts.start
				}
				u := float64(s-1) / float64(T-1) // β_s^{1/2} = (1−u)√start + u√end
				r := (1-u)*math.Sqrt(opts.start) + u*math.Sqrt(opts.end)
				return r * r
			}))
		}
	}
}

// Stable Diffusion's defaults at T = 1000 end at ᾱ ≈ 4.7e-3, much less noisy than
// Ho et al.'s linear schedule (≈ 4.0e-5).
func TestDefaults(t *testing.T) {
	tab, err := scaledlinear.New().Tables(context.Background(), 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.AlphaBar[999]; got < 4.6e-3 || got > 4.8e-3 {
		t.Errorf("ᾱ_1000 = %v, want ≈ 4.7e-3", got)
	}
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		T    int
		opts sdk.Options
		want string
	}{
		{0, nil, "schedule.scaled-linear: 0 timesteps"},
		{10, sdk.Options{"beta_start": 0.012}, "want 0 < beta_start < beta_end < 1"},
		{10, sdk.Options{"beta_start": 0.1, "beta_end": 0.05}, "want 0 < beta_start < beta_end < 1"},
		{10, sdk.Options{"beta_start": -1.0}, "schedule.scaled-linear: option beta_start: -1 is out of range"},
	} {
		if _, err := scaledlinear.New().Tables(ctx, tc.T, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("T=%d %v: err = %v, want %q", tc.T, tc.opts, err, tc.want)
		}
	}
}
