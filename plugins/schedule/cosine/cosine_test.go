package cosine_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"dnw/plugins/schedule/cosine"
	"dnw/plugins/schedule/internal/scheduletest"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := cosine.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(cosine.New()); err != nil {
		t.Fatal(err)
	}
}

// f is eq. 17's f(t) for T steps.
func f(t, T int, s float64) float64 {
	return math.Pow(math.Cos((float64(t)/float64(T)+s)/(1+s)*math.Pi/2), 2)
}

// The closed form with clipping: ᾱ_t = ∏_{u ≤ t} (1 − min(1 − f(u)/f(u−1), max_beta)).
func TestClosedForm(t *testing.T) {
	sched := sdktest.Connect(t, cosine.New()).(sdk.NoiseSchedule)
	for _, opts := range []struct{ s, maxBeta float64 }{{0.008, 0.999}, {0, 0.5}, {0.1, 0.02}} {
		for _, T := range scheduletest.Ts {
			tab, err := sched.Tables(context.Background(), T, sdk.Options{"s": opts.s, "max_beta": opts.maxBeta})
			if err != nil {
				t.Fatal(err)
			}
			scheduletest.Check(t, tab, T, scheduletest.CumProd(T, func(u int) float64 {
				return min(1-f(u, T, opts.s)/f(u-1, T, opts.s), opts.maxBeta)
			}))
		}
	}
}

// At the defaults the clip bites only at t = T, so ᾱ_t is eq. 17 itself before that.
func TestDefaultsAreEq17UntilTheLastStep(t *testing.T) {
	for _, T := range []int{10, 1000, 4000} {
		tab, err := cosine.New().Tables(context.Background(), T, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < T-1; i++ {
			if want := f(i+1, T, 0.008) / f(0, T, 0.008); math.Abs(tab.AlphaBar[i]-want) > scheduletest.Tol {
				t.Fatalf("T=%d t=%d: ᾱ = %v, eq. 17 gives %v", T, i+1, tab.AlphaBar[i], want)
			}
		}
		if want := tab.AlphaBar[T-2] * (1 - 0.999); math.Abs(tab.AlphaBar[T-1]-want) > 1e-18 {
			t.Errorf("T=%d: ᾱ_T = %v, want ᾱ_{T−1}·0.001 = %v", T, tab.AlphaBar[T-1], want)
		}
	}
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		T    int
		opts sdk.Options
		want string
	}{
		{0, nil, "schedule.cosine: 0 timesteps"},
		{10, sdk.Options{"max_beta": 1.0}, "schedule.cosine: max_beta 1, want it in (0, 1)"},
		{10, sdk.Options{"max_beta": 0.0}, "schedule.cosine: max_beta 0, want it in (0, 1)"},
		{10, sdk.Options{"s": -0.1}, "schedule.cosine: option s: -0.1 is out of range"},
	} {
		if _, err := cosine.New().Tables(ctx, tc.T, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("T=%d %v: err = %v, want %q", tc.T, tc.opts, err, tc.want)
		}
	}
}
