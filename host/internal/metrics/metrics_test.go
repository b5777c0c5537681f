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
