package metrics

import (
	"math"
	"testing"
)

func TestPSNRAndL1(t *testing.T) {
	a := []float32{-1, 0, 1, 0.5}
	b := []float32{-1, 0.2, 1, 0.3} // differences 0, 0.2, 0, 0.2 → halved 0.1: MSE 0.005
	if got, want := PSNR(a, b), 10*math.Log10(1/0.005); math.Abs(got-want) > 1e-6 {
		t.Errorf("PSNR = %v, want %v", got, want)
	}
	if got := PSNR(a, a); got != 100 {
		t.Errorf("PSNR of identical images = %v, want the 100 dB cap", got)
	}
	if got := L1(a, b); math.Abs(got-0.1) > 1e-7 {
		t.Errorf("L1 = %v, want 0.1", got)
	}
}

func TestLookupAndDirections(t *testing.T) {
	psnr, err := Lookup("psnr")
	if err != nil || !psnr.Better(30, 20) || !psnr.Within(29.5, 30, 0.02) || psnr.Within(29, 30, 0.02) {
		t.Errorf("psnr: %v", err)
	}
	l1, _ := Lookup("l1")
	if !l1.Better(0.1, 0.2) || !l1.Within(0.101, 0.1, 0.02) || l1.Within(0.11, 0.1, 0.02) {
		t.Error("l1 directions")
	}
	if _, err := Lookup("fid"); err == nil || err.Error() != `metrics: unknown metric "fid" (built in: l1, psnr)` {
		t.Errorf("unknown: %v", err)
	}
}
