package imaging

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPairs64 measures what the pairs stage does per training pair, on one
// goroutine: draw a 64×64 scene and apply a two-step composition to it, cycling
// through the edits (step k pairs edit k with edit 3k+1, so every edit meets several
// others) at 0.7 of their ranges. The target is ≥ 200 pairs/s on one core
// (docs/benchmarks.md).
//
//	go test ./host/internal/imaging -run '^$' -bench Pairs64 -benchtime 2000x
func BenchmarkPairs64(b *testing.B) {
	specs := Specs()
	n := len(specs)
	var pairs [][]Step
	for k := range n {
		pairs = append(pairs, []Step{stepAt(specs[k], 0.7), stepAt(specs[(3*k+1)%n], 0.7)})
	}
	rng := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	for i := range b.N {
		src := Scene(rng, 64)
		if _, err := Apply(src, pairs[i%n]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkScene64 measures the scene generator alone.
func BenchmarkScene64(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := New(64, 64)
	for b.Loop() {
		SceneTo(m, rng)
	}
}

// BenchmarkEdit64 measures each edit on a 64×64 scene, to find the slow ones.
func BenchmarkEdit64(b *testing.B) {
	src := Scene(rand.New(rand.NewPCG(1, 1)), 64)
	for _, s := range Specs() {
		steps := []Step{stepAt(s, 0.7)}
		b.Run(s.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Apply(src, steps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
