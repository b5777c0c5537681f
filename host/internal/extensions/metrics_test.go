package extensions

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"dnw/host/internal/metrics"
	"dnw/sdk/ext"
)

// randomBatch draws n images of 3×s×s uniform in [-1, 1].
func randomBatch(rng *rand.Rand, n, s int) ext.Images {
	im := ext.Images{N: n, C: 3, H: s, W: s, Pix: make([]float32, n*3*s*s)}
	for i := range im.Pix {
		im.Pix[i] = 2*rng.Float32() - 1
	}
	return im
}

// nearBatch is target plus uniform noise of amplitude amp, clipped to [-1, 1]: a
// prediction of realistic quality.
func nearBatch(rng *rand.Rand, target ext.Images, amp float32) ext.Images {
	im := target
	im.Pix = make([]float32, len(target.Pix))
	for i, v := range target.Pix {
		im.Pix[i] = max(-1, min(1, v+amp*(2*rng.Float32()-1)))
	}
	return im
}

// reference is the host's native reference of a built-in metric extension, with
// the agreement the extension promises.
type reference struct {
	name           string
	higherIsBetter bool
	native         func(pred, target ext.Images) float64
	// tol is the largest absolute difference allowed between the extension and
	// the reference. For frd it is absolute too: their difference comes from the
	// square roots of eigenvalues that are zero but for rounding noise (a batch
	// of 16 has 64 features but a covariance of rank 15), noise of about 1e-8 of
	// the covariance's scale whatever the distance, and FRD of identical batches
	// is 0, where a relative tolerance would mean nothing (measured: up to 2e-7
	// for batches of 2, 4e-5 of the value there; 7e-9 at batch 16, 64×64).
	tol float64
}

// references are those of every built-in metric.
var references = []reference{
	{"psnr", true, flat(metrics.PSNR), 1e-5},
	{"ssim", true, metrics.SSIM, 1e-5},
	{"l1", false, flat(metrics.L1), 1e-5},
	{"frd", false, metrics.FRD, 1e-5},
}

// flat adapts a reference over flat slices to images.
func flat(score func(pred, target []float32) float64) func(pred, target ext.Images) float64 {
	return func(pred, target ext.Images) float64 { return score(pred.Pix, target.Pix) }
}

// referenceOf is the reference of the metric called name.
func referenceOf(t testing.TB, name string) reference {
	t.Helper()
	for _, r := range references {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("no native reference of %s", name)
	return reference{}
}

func TestBuiltinMetricsMatchTheNativeReference(t *testing.T) {
	rt := testRuntime(t, Config{})
	for _, ref := range references {
		t.Run(ref.name, func(t *testing.T) {
			wasm := builtin(t, rt, ref.name, nil)
			if wasm.Info.HigherIsBetter != ref.higherIsBetter {
				t.Errorf("higher is better: wasm %v, native %v", wasm.Info.HigherIsBetter, ref.higherIsBetter)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			// (N, side): windows of 7, 11 (plain loops) and 9 for ssim, odd numbers
			// of valid positions; batches of 70 take frd's d×d route, smaller ones
			// its N×N route.
			for _, shape := range [][2]int{{1, 8}, {1, 11}, {2, 9}, {3, 17}, {4, 32}, {16, 64}, {70, 16}} {
				if ref.name == "frd" && shape[0] < 2 {
					continue // a covariance needs two images
				}
				target := randomBatch(rng, shape[0], shape[1])
				for _, amp := range []float32{0, 0.05, 0.5, 2} {
					pred := nearBatch(rng, target, amp)
					got, err := wasm.Score(context.Background(), pred, target)
					if err != nil {
						t.Fatal(err)
					}
					want := ref.native(pred, target)
					if math.Abs(got.Value-want) > ref.tol {
						t.Errorf("%v amp %v: wasm %v, native %v", shape, amp, got.Value, want)
					}
				}
			}
		})
	}
}
