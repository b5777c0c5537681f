package main

import (
	"context"
	"math"
	"testing"

	"dnw/sdk"
	"dnw/sdk/sdktest"
)

// Conformance checks what the host relies on from every noise schedule: the Info and
// its options, T entries per table, ᾱ_t in [0, 1] never increasing, α_t = √ᾱ_t,
// σ_t = √(1 − ᾱ_t), determinism; through the same gRPC adapters.
func TestConformance(t *testing.T) { sdktest.Conformance(t, Polynomial{}) }

// The plugin's own test runs it in process through sdktest, over the same gRPC
// adapters the host uses.
func TestTablesMatchTheClosedForm(t *testing.T) {
	s := sdktest.Connect(t, Polynomial{}).(sdk.NoiseSchedule)
	tab, err := s.Tables(context.Background(), 10, sdk.Options{"power": 1.0})
	if err != nil {
		t.Fatal(err)
	}
	for i, ab := range tab.AlphaBar {
		want := max(1-float64(i+1)/10, 1e-4)
		if math.Abs(ab-want) > 1e-12 || math.Abs(tab.Alpha[i]*tab.Alpha[i]+tab.Sigma[i]*tab.Sigma[i]-1) > 1e-12 {
			t.Errorf("t=%d: ᾱ=%v want %v", i+1, ab, want)
		}
	}
	if _, err := s.Tables(context.Background(), 10, sdk.Options{"power": 50.0}); err == nil {
		t.Error("power out of range accepted")
	}
}
