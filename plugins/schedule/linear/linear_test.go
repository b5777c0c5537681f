package linear_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"dnw/plugins/schedule/internal/scheduletest"
	"dnw/plugins/schedule/linear"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := linear.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(linear.New()); err != nil {
		t.Fatal(err)
	}
}

func TestClosedForm(t *testing.T) {
	s := sdktest.Connect(t, linear.New()).(sdk.NoiseSchedule)
	for _, opts := range []struct{ start, end float64 }{{1e-4, 0.02}, {0.001, 0.05}} {
		for _, T := range scheduletest.Ts {
			tab, err := s.Tables(context.Background(), T, sdk.Options{"beta_start": opts.start, "beta_end": opts.end})
			if err != nil {
				t.Fatal(err)
			}
			scheduletest.Check(t, tab, T, scheduletest.CumProd(T, func(s int) float64 {
				if T == 1 {
					return opts.start
				}
				return opts.start + float64(s-1)/float64(T-1)*(opts.end-opts.start)
			}))
		}
	}
}

// Ho et al.'s defaults at T = 1000 leave ᾱ_T ≈ 4.0e-5 (so w_T is almost pure noise).
func TestDefaultsEndNearNoise(t *testing.T) {
	tab, err := linear.New().Tables(context.Background(), 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.AlphaBar[999]; got < 3.9e-5 || got > 4.1e-5 {
		t.Errorf("ᾱ_1000 = %v, want ≈ 4.0e-5", got)
	}
	if tab.AlphaBar[0] != 1-1e-4 {
		t.Errorf("ᾱ_1 = %v, want 1 − 1e-4", tab.AlphaBar[0])
	}
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		T    int
		opts sdk.Options
		want string
	}{
		{0, nil, "schedule.linear: 0 timesteps"},
		{-5, nil, "schedule.linear: -5 timesteps"},
		{10, sdk.Options{"beta_start": 0.02, "beta_end": 0.02}, "want 0 < beta_start < beta_end < 1"},
		{10, sdk.Options{"beta_start": 0.03}, "want 0 < beta_start < beta_end < 1"},
		{10, sdk.Options{"beta_start": 0.0}, "want 0 < beta_start"},
		{10, sdk.Options{"beta_end": 1.0}, "beta_end < 1"},
		{10, sdk.Options{"beta_end": 2.0}, "schedule.linear: option beta_end: 2 is out of range"},
		{10, sdk.Options{"beta": 0.1}, "schedule.linear: option beta: unknown option"},
		{100000, nil, "fewer timesteps or gentler options"}, // ᾱ underflows
	} {
		if _, err := linear.New().Tables(ctx, tc.T, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("T=%d %v: err = %v, want %q", tc.T, tc.opts, err, tc.want)
		}
	}
}

func ExampleLinear_Tables() {
	tab, err := linear.New().Tables(context.Background(), 1000, nil)
	if err != nil {
		panic(err)
	}
	for _, t := range []int{1, 500, 1000} {
		fmt.Printf("t=%d ᾱ=%.4g α=%.4f σ=%.4f\n", t, tab.AlphaBar[t-1], tab.Alpha[t-1], tab.Sigma[t-1])
	}
	// Output:
	// t=1 ᾱ=0.9999 α=0.9999 σ=0.0100
	// t=500 ᾱ=0.07859 α=0.2803 σ=0.9599
	// t=1000 ᾱ=4.036e-05 α=0.0064 σ=1.0000
}
