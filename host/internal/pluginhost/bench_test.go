package pluginhost

import (
	"context"
	"fmt"
	"testing"

	"dnw/sdk"
)

// Benchmarks of the plugin boundary (docs/benchmarks.md):
//
//	go test ./host/internal/pluginhost -run '^$' -bench . -benchtime 50x

// BenchmarkStartBundled starts the dnw binary as a bundled plugin and describes it:
// the cost a stage pays once per plugin it uses. Stopping it is not timed.
func BenchmarkStartBundled(b *testing.B) {
	ids := BundledIDs()
	if len(ids) == 0 {
		b.Skip("no bundled plugins")
	}
	m := &Manager{Exe: dnwBin, StartTimeout: DefaultStartTimeout, CallTimeout: DefaultCallTimeout}
	defer m.Close()
	for b.Loop() {
		c, err := m.Start(context.Background(), ids[0])
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		c.Kill()
		b.StartTimer()
	}
}

// BenchmarkStartExternal is the same for a locked external plugin, whose SHA-256 is
// checked before each start.
func BenchmarkStartExternal(b *testing.B) {
	m := newBenchManager(b)
	for b.Loop() {
		c, err := m.Start(context.Background(), "schedule.bench")
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		c.Kill()
		b.StartTimer()
	}
}

// BenchmarkCall1MiB is one call whose reply is 1 MiB: three float64 tables of 43 690
// entries.
func BenchmarkCall1MiB(b *testing.B) {
	m := newBenchManager(b)
	c, err := m.Start(context.Background(), "schedule.bench")
	if err != nil {
		b.Fatal(err)
	}
	s := c.Plugin.(sdk.NoiseSchedule)
	const T = 1 << 20 / (3 * 8)
	b.SetBytes(3 * 8 * T)
	for b.Loop() {
		if _, err := s.Tables(context.Background(), T, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchManager(b *testing.B) *Manager {
	m := newManager(b, "schedule.bench")
	if _, err := m.Relock(); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkEncode1MiBBundled asks the bundled text.hashgram for 1 024 embeddings of 256
// float32 values, a 1 MiB reply, including the plugin's own hashing work.
func BenchmarkEncode1MiBBundled(b *testing.B) {
	m := &Manager{Exe: dnwBin, StartTimeout: DefaultStartTimeout, CallTimeout: DefaultCallTimeout}
	defer m.Close()
	c, err := m.Start(context.Background(), "text.hashgram")
	if err != nil {
		b.Fatal(err)
	}
	prompts := make([]string, 1024)
	for i := range prompts {
		prompts[i] = fmt.Sprintf("concept %d in the style of an old sepia photograph", i)
	}
	b.SetBytes(1024 * 256 * 4)
	for b.Loop() {
		if _, err := c.Plugin.(sdk.TextEncoder).Encode(context.Background(), prompts, sdk.Options{"dim": int64(256)}); err != nil {
			b.Fatal(err)
		}
	}
}
