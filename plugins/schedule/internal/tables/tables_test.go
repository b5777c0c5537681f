package tables_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/schedule/internal/tables"
	"dnw/sdk"
)

func TestFromBetas(t *testing.T) {
	tab, err := tables.FromBetas("schedule.x", []float64{0.5, 0.5, 0.75})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.5, 0.25, 0.0625}; !slices.Equal(tab.AlphaBar, want) {
		t.Errorf("ᾱ = %v, want %v", tab.AlphaBar, want)
	}
	if tab.Alpha[1] != 0.5 || math.Abs(tab.Sigma[1]-math.Sqrt(0.75)) > 1e-15 {
		t.Errorf("α, σ = %v, %v", tab.Alpha, tab.Sigma)
	}
}

func TestRejectsUnusableTables(t *testing.T) {
	for _, tc := range []struct {
		betas []float64
		want  string
	}{
		{[]float64{0.1, 0}, "schedule.x: β at t=2 is 0"},
		{[]float64{1}, "schedule.x: β at t=1 is 1"},
		{[]float64{math.NaN()}, "β at t=1 is NaN"},
		{slices.Repeat([]float64{0.9}, 400), "ᾱ at t=324 is 0"}, // 0.1^324 underflows
		{[]float64{0.5, 1e-17}, "ᾱ does not fall from t=1 to t=2"},
	} {
		if _, err := tables.FromBetas("schedule.x", tc.betas); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	if _, err := tables.FromAlphaBar("schedule.x", []float64{1.5}); err == nil {
		t.Error("ᾱ > 1 accepted")
	}
}

func TestBegin(t *testing.T) {
	specs := []sdk.OptionSpec{{Name: "s", Type: sdk.OptionFloat, Default: 0.5, Min: sdk.Float(0)}}
	o, err := tables.Begin(context.Background(), "schedule.x", 1, specs, nil)
	if err != nil || o.Float("s") != 0.5 {
		t.Errorf("options %v, err %v", o, err)
	}
	if _, err := tables.Begin(context.Background(), "schedule.x", 0, specs, nil); err == nil ||
		err.Error() != "schedule.x: 0 timesteps, want ≥ 1" {
		t.Errorf("err = %v", err)
	}
	if _, err := tables.Begin(context.Background(), "schedule.x", 5, specs, sdk.Options{"s": -1.0}); err == nil ||
		!strings.HasPrefix(err.Error(), "schedule.x: option s: ") {
		t.Errorf("err = %v", err)
	}
}

func TestLinspace(t *testing.T) {
	if got := tables.Linspace(1, 2, 1); !slices.Equal(got, []float64{1}) {
		t.Errorf("n=1: %v", got)
	}
	if got := tables.Linspace(0, 1, 5); !slices.Equal(got, []float64{0, 0.25, 0.5, 0.75, 1}) {
		t.Errorf("n=5: %v", got)
	}
}
