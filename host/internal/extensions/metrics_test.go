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

func TestBuiltinMetricsMatchTheNativeReference(t *testing.T) {
	rt := testRuntime(t, Config{})
	for _, name := range []string{"psnr", "l1"} {
		t.Run(name, func(t *testing.T) {
			native, err := metrics.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			wasm := builtin(t, rt, name, nil)
			if wasm.Info.HigherIsBetter != native.HigherIsBetter {
				t.Errorf("higher is better: wasm %v, native %v", wasm.Info.HigherIsBetter, native.HigherIsBetter)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for _, shape := range [][2]int{{1, 8}, {4, 32}, {16, 64}, {3, 17}} {
				target := randomBatch(rng, shape[0], shape[1])
				for _, amp := range []float32{0.05, 0.5, 2} {
					pred := nearBatch(rng, target, amp)
					got, err := wasm.Score(context.Background(), pred, target)
					if err != nil {
						t.Fatal(err)
					}
					want := native.Score(pred.Pix, target.Pix)
					if math.Abs(got.Value-want) > 1e-5 {
						t.Errorf("%v amp %v: wasm %v, native %v", shape, amp, got.Value, want)
					}
				}
			}
		})
	}
}
