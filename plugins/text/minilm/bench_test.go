package minilm

import (
	"context"
	"encoding/json"
	"os"
	"syscall"
	"testing"
	"time"
)

// BenchmarkEncode embeds the catalogue's 168 short prompts (testdata/prompts.json:
// 4 to 13 words, 7 to 20 tokens) in one call and reports the time per prompt. On one
// core, as docs/benchmarks.md records it (cpu-ms/prompt is the process's CPU time,
// which other processes on a shared machine inflate less than the wall time):
//
//	go test -tags openblas ./plugins/text/minilm -run '^$' -bench Encode -cpu 1
func BenchmarkEncode(b *testing.B) {
	needModel(b)
	data, err := os.ReadFile("testdata/prompts.json")
	if err != nil {
		b.Fatal(err)
	}
	var prompts []string
	if err := json.Unmarshal(data, &prompts); err != nil {
		b.Fatal(err)
	}
	prompts = prompts[:168] // the catalogue's; the odd ones follow
	enc, ctx := New(), context.Background()
	if _, err := enc.Encode(ctx, prompts[:1], nil); err != nil { // read the weights outside the timing
		b.Fatal(err)
	}
	tokens := 0
	m, _ := load("")
	for _, p := range prompts {
		tokens += len(m.tok.Encode(p))
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for range b.N {
		if _, err := enc.Encode(ctx, prompts, nil); err != nil {
			b.Fatal(err)
		}
	}
	n := time.Duration(b.N * len(prompts))
	b.ReportMetric(float64((time.Since(start)/n).Microseconds())/1000, "ms/prompt")
	b.ReportMetric(float64(((cpuTime()-cpu0)/n).Microseconds())/1000, "cpu-ms/prompt")
	b.ReportMetric(float64(tokens)/float64(len(prompts)), "tokens/prompt")
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
