package sigmoid_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"dnw/plugins/schedule/internal/scheduletest"
	"dnw/plugins/schedule/sigmoid"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := sigmoid.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(sigmoid.New()); err != nil {
		t.Fatal(err)
	}
}

// The closed form, with the logistic written through tanh (sig(x) = (1 + tanh(x/2))/2)
// so that it shares no code path with the plugin.
func TestClosedForm(t *testing.T) {
	sched := sdktest.Connect(t, sigmoid.New()).(sdk.NoiseSchedule)
	sig := func(x float64) float64 { return (1 + math.Tanh(x/2)) / 2 }
	for _, o := range []struct{ start, end, tau float64 }{{-3, 3, 1}, {0, 3, 0.3}, {-3, 3, 1.1}, {-10, 2, 5}} {
		for _, T := range scheduletest.Ts {
			tab, err := sched.Tables(context.Background(), T, sdk.Options{"start": o.start, "end": o.end, "tau": o.tau})
			if err != nil {
				t.Fatal(err)
			}
			scheduletest.Check(t, tab, T, func(t int) float64 {
				u := float64(t) / float64(T)
				g := (sig(o.end/o.tau) - sig((o.start+u*(o.end-o.start))/o.tau)) / (sig(o.end/o.tau) - sig(o.start/o.tau))
				return math.Max(1e-9, math.Min(1, g))
			})
			if tab.AlphaBar[T-1] != 1e-9 {
				t.Errorf("%+v T=%d: ᾱ_T = %v, want the clip 1e-9", o, T, tab.AlphaBar[T-1])
			}
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
		{0, nil, "schedule.sigmoid: 0 timesteps"},
		{10, sdk.Options{"start": 3.0}, "schedule.sigmoid: start 3 and end 3: want start < end"},
		{10, sdk.Options{"start": 1.0, "end": -1.0}, "want start < end"},
		{10, sdk.Options{"tau": 0.0}, "schedule.sigmoid: tau 0, want > 0"},
		{10, sdk.Options{"tau": -1.0}, "schedule.sigmoid: option tau: -1 is out of range"},
		{1000, sdk.Options{"tau": 1e-3}, "schedule.sigmoid: ᾱ does not fall"}, // saturated sigmoid
	} {
		if _, err := sigmoid.New().Tables(ctx, tc.T, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("T=%d %v: err = %v, want %q", tc.T, tc.opts, err, tc.want)
		}
	}
}
