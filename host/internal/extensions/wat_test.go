package extensions

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"dnw/host/internal/extensions/exttest"
	"dnw/sdk/ext"
)

const watMSE = "plugins/examples/wat-mse/mse.wat"

// mseReference is the mean squared error of two batches, the Go reference of mse-wat.
func mseReference(pred, target ext.Images) float64 {
	s := 0.0
	for i, p := range pred.Pix {
		d := float64(p) - float64(target.Pix[i])
		s += d * d
	}
	return s / float64(len(pred.Pix))
}

func TestWATMetricMatchesGo(t *testing.T) {
	rt := testRuntime(t, Config{})
	e := mustOpen(t, rt, exttest.WAT(t, watMSE), nil)
	if e.Info.Name != "mse-wat" || e.Info.Kind != ext.KindMetric || e.Info.HigherIsBetter ||
		e.Info.Version != "1.0.0" || !strings.Contains(e.Info.Description, "mean squared error") {
		t.Errorf("metadata %+v; want mse-wat, a metric, lower is better, version 1.0.0, a description", e.Info)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][2]int{{1, 1}, {1, 8}, {4, 32}, {16, 64}, {3, 17}} {
		target := randomBatch(rng, shape[0], shape[1])
		for _, amp := range []float32{0, 0.05, 0.5, 2} {
			pred := nearBatch(rng, target, amp)
			got, err := e.Score(context.Background(), pred, target)
			if err != nil {
				t.Fatal(err)
			}
			if want := mseReference(pred, target); math.Abs(got.Value-want) > 1e-5 || len(got.Sub) != 0 {
				t.Errorf("%v amp %v: mse-wat %v %v, Go %v", shape, amp, got.Value, got.Sub, want)
			}
		}
	}
}

func TestWATMetricRefusesWhatItCannotScore(t *testing.T) {
	rt := testRuntime(t, Config{})
	path := exttest.WAT(t, watMSE)
	_, err := rt.Open(context.Background(), path, map[string]any{"window": 3})
	contained(t, err, ErrOptions, path, "takes no options")

	e := mustOpen(t, rt, path, nil)
	empty := ext.Images{N: 0, C: 3, H: 8, W: 8}
	_, err = e.Score(context.Background(), empty, empty)
	contained(t, err, ErrGuest, path, "mse-wat: the batch holds no values")
	// A guest's own error leaves its instance sound: the next batch scores.
	pred, target := smallBatch(2)
	if got, err := e.Score(context.Background(), pred, target); err != nil || math.Abs(got.Value-mseReference(pred, target)) > 1e-5 {
		t.Errorf("after its own error: %v, %v; want %v", got.Value, err, mseReference(pred, target))
	}
}

// The bump allocator starts over at every call: batches that each take most of
// the memory cap score one after another.
func TestWATMetricMemoryStaysAtTheLargestBatch(t *testing.T) {
	rt := testRuntime(t, Config{MemoryPages: 64}) // 4 MiB
	e := mustOpen(t, rt, exttest.WAT(t, watMSE), nil)
	rng := rand.New(rand.NewPCG(5, 6))
	target := randomBatch(rng, 24, 64) // 24·3·64·64 values: 2.25 MiB of input per call
	pred := nearBatch(rng, target, 0.2)
	for i := range 5 {
		got, err := e.Score(context.Background(), pred, target)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if want := mseReference(pred, target); math.Abs(got.Value-want) > 1e-5 {
			t.Fatalf("call %d: %v, want %v", i, got.Value, want)
		}
	}
	// A batch larger than the cap finds no room: dnw_alloc returns 0.
	big := randomBatch(rng, 48, 64)
	_, err := e.Score(context.Background(), big, big)
	contained(t, err, ErrMemory, e.Path, "dnw_alloc(4718608) found no room", "memory_pages = 64")
	if _, err := e.Score(context.Background(), pred, target); err != nil {
		t.Errorf("a batch that fits, after one that did not: %v", err)
	}
}
