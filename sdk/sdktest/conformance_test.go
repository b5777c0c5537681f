package sdktest_test

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"dnw/sdk"
	"dnw/sdk/ir"
	"dnw/sdk/sdktest"
)

// recorder records failures instead of reporting them, to test Conformance itself. A
// Fatal ends the goroutine Conformance runs in, as it ends a test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) FailNow()                          { r.Errorf("FailNow"); runtime.Goexit() }

// conform runs Conformance on p and returns the failures it reported.
func conform(t *testing.T, p sdk.Plugin) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sdktest.Conformance(r, p)
	}()
	<-done
	return r.failed
}

func TestConformancePassesPluginsThatKeepTheContract(t *testing.T) {
	for _, p := range []sdk.Plugin{arch{}, placement{}, chunker{}, schedule{}, text{}} {
		if failed := conform(t, p); len(failed) > 0 {
			t.Errorf("%s: %s", p.Info().ID, strings.Join(failed, "\n"))
		}
	}
	sdktest.Conformance(t, arch{}) // and on a real testing.T
}

func TestConformanceFailsABrokenPlugin(t *testing.T) {
	counter := 0
	for _, c := range []struct {
		p    sdk.Plugin
		want string // in one of the failures
	}{
		// The Info, for any kind.
		{arch{info: func(in *sdk.Info) { in.Doc = "" }}, "Info.Doc is empty"},
		{text{info: func(in *sdk.Info) { in.Version = "latest" }}, `Info.Version "latest" is not a version number`},
		{arch{info: func(in *sdk.Info) { in.Options[0].Default = 4 }}, "option width: default is int, want int64 (write Default: int64(4))"},
		{arch{info: func(in *sdk.Info) { in.Options[2].Name = "Gain" }}, `option "Gain": name is not snake_case`},
		{arch{info: func(in *sdk.Info) { in.Options[2].Max = sdk.Float(math.Inf(1)) }}, "option gain: bound +Inf is not finite"},
		{arch{info: func(in *sdk.Info) { in.Options[0].Min, in.Options[0].Max = sdk.Float(8), sdk.Float(2) }}, "option width: default: 4 is out of range [8, 2]"},
		{arch{info: func(in *sdk.Info) { in.Options[0].Enum = []string{"a"} }}, "option width: a int option has an Enum"},
		{arch{info: func(in *sdk.Info) { in.Options[1].Min = sdk.Float(0) }}, "option norm: a string option has Min or Max"},
		{arch{info: func(in *sdk.Info) { in.Options[1].Enum = []string{"group", "none", "group"} }}, `option norm: Enum lists "group" twice`},
		{schedule{info: func(in *sdk.Info) { in.ID = "arch.test" }}, `plugin id "arch.test" does not start with its kind "schedule"`},

		// Architectures: the graph contract.
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) {
			m.Generator.Inputs[0].Name = "image"
			m.Generator.Nodes[0].Inputs[0] = "image"
		}},
			"generator inputs [image [3 16 16]], want one input source [3 16 16]"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { m.Generator.Outputs = []string{"head"} }},
			"generator outputs [head], want one output, a tanh node of shape [3 16 16]"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) {
			m.Discriminator.Inputs[1].Name = "fake"
			m.Discriminator.Nodes[0].Inputs[1] = "fake"
		}},
			"discriminator inputs [source [3 16 16], fake [3 16 16]], want [source [3 16 16], target [3 16 16]]"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { m.Generator.Nodes[0].Shape = []int{4, 15, 15} }},
			"the model does not validate: ir: graph generator: node conv: "},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { m.Version = ir.Version + 1 }}, "the model does not validate"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { m.Generator.Nodes[1].Tags = nil }},
			"generator node conv.norm (group_norm) is not tagged norm"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { m.Generator.Nodes[0].Tags = []string{ir.TagAttnQ} }},
			"generator node conv is tagged attn.q but is a conv2d"},
		{arch{bug: func(m *ir.Model, _ sdk.ArchRequest) { counter++; m.Generator.Params[0].Init.Gain = float64(counter) }},
			"Build(16×16, 3 channels, default options) is not deterministic"},
		{arch{anySize: true}, "Build(0×0) returned no error"},

		// Placements.
		{placement{bug: func(p *sdk.Placement, _ ir.Graph) { p.Layers[0].Node = "nowhere" }}, `layer "nowhere": the graph has no such node`},
		{placement{bug: func(p *sdk.Placement, _ ir.Graph) { p.Layers[0].Node = "stem.act" }}, "layer stem.act is a silu"},
		{placement{bug: func(p *sdk.Placement, _ ir.Graph) { p.Layers = append(p.Layers, p.Layers[0]) }}, "node stem is placed twice"},
		{placement{bug: func(p *sdk.Placement, _ ir.Graph) { p.Layers[1].Rank = 0 }}, "layer down has rank 0"},
		{placement{bug: func(p *sdk.Placement, _ ir.Graph) { p.Layers[1].Alpha = math.Inf(1) }}, "layer down has alpha +Inf"},
		{placement{noError: true}, "Place on a graph without conv2d or linear nodes returned 0 layers and no error"},
		{placement{bug: func(p *sdk.Placement, g ir.Graph) {
			if len(g.Nodes) > 2 {
				p.Layers = nil
			}
		}, noError: true}, "Place(sdktest.ReferenceGenerator(), default options): no layers and no error"},

		// Chunkers.
		{chunker{bug: func(l *sdk.ChunkLayout) { l.Chunks = l.Chunks[:len(l.Chunks)-1] }}, "are in no chunk"},
		{chunker{bug: func(l *sdk.ChunkLayout) { l.Chunks = append(l.Chunks, l.Chunks[0]) }}, "is in two chunks"},
		{chunker{bug: func(l *sdk.ChunkLayout) { l.ChunkSize++ }}, "chunk size 8, want the 7 asked for"},
		{chunker{bug: func(l *sdk.ChunkLayout) { l.Groups = append(l.Groups, "all") }}, `group 1 is "all": groups need distinct names`},

		// Noise schedules.
		{schedule{bug: func(tab *sdk.ScheduleTables) { tab.AlphaBar = tab.AlphaBar[1:] }}, "want 10 each"},
		{schedule{bug: func(tab *sdk.ScheduleTables) {
			slices.Reverse(tab.AlphaBar)
			slices.Reverse(tab.Alpha)
			slices.Reverse(tab.Sigma)
		}}, "ᾱ_2 = 0.9218095426057689 > ᾱ_1 = 0.9032811707993929: ᾱ_t, a cumulative product of (1 − β_s), never increases"},
		{schedule{bug: func(tab *sdk.ScheduleTables) { tab.AlphaBar[0] = 1.5 }}, "ᾱ_1 = 1.5, want it in [0, 1]"},
		{schedule{bug: func(tab *sdk.ScheduleTables) { tab.Sigma[0] = 1 - tab.AlphaBar[0] }}, "σ_1 = "},
		{schedule{bug: func(tab *sdk.ScheduleTables) { tab.Alpha[len(tab.Alpha)-1] = tab.AlphaBar[len(tab.Alpha)-1] }}, "α_1000 = "},

		// A panic is a failure of the call, not the end of the test binary.
		{schedule{bug: func(*sdk.ScheduleTables) { panic("boom") }}, "NoiseSchedule/Tables panicked: boom"},

		// Text encoders.
		{text{bug: func(e *sdk.Embeddings, _ []string) { e.Data[0] = float32(math.NaN()) }}, "value 0 (prompt 0) is NaN"},
		{text{bug: func(e *sdk.Embeddings, _ []string) { e.Data = e.Data[1:] }}, "Dim 8 and 31 values, want Dim ≥ 1 and Dim·4 values"},
		{text{bug: func(e *sdk.Embeddings, p []string) {
			if len(p) > 1 {
				e.Data, e.Dim = append(e.Data, make([]float32, len(e.Data))...), 2*e.Dim
			}
		}},
			"Dim 8, but 16 in a batch of 4: Dim is fixed"},
		{text{bug: func(e *sdk.Embeddings, p []string) {
			for i := range e.Data {
				e.Data[i] += float32(len(p))
			}
		}}, "a prompt's embedding must not depend on the others"},
		{text{bug: func(e *sdk.Embeddings, _ []string) { clear(e.Data) }}, "have the same embedding"},
	} {
		failed := conform(t, c.p)
		if !slices.ContainsFunc(failed, func(f string) bool { return strings.Contains(f, c.want) }) {
			t.Errorf("%s: Conformance reported %q, want a failure containing %q", c.p.Info().ID, failed, c.want)
		}
		for _, f := range failed {
			if !strings.Contains(f, c.p.Info().ID) && !strings.Contains(f, "sdk: plugin") {
				t.Errorf("failure %q does not name the plugin", f)
			}
		}
	}
}
