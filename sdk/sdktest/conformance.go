package sdktest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"dnw/sdk"
)

// Conformance checks that p keeps the contract of its kind, the one the host relies
// on, by calling it the way the host does: through Connect, with default options, at
// the sizes an experiment can ask for. It reports every broken rule through t and
// returns; a plugin that passes can be served as it is.
//
// For every kind it checks the Info: sdk.Check (a lowercase id KIND.NAME whose prefix
// is the kind, a version, option defaults of their option's Go type — int64 for int
// options — within their ranges and enums, the interface of the kind); a doc line; a
// version number such as 1.0.0; option names in snake_case, as experiment files
// write them; bounds only on numbers, and finite; enums only on strings,
// without repeats; and that the Info arrives unchanged over gRPC. Every call is made
// twice and must give the same answer: the host's stage cache and resume rely on it.
// Then, per kind:
//
//   - architecture: Build at 16×16 and 64×64 with 3 channels returns a model that
//     validates (ir.Model.Validate); the generator has one input "source" (C, S, S)
//     and one output (C, S, S) from a tanh, and at least one conv2d or linear node for
//     LoRA; the discriminator has the inputs "source" and "target", both (C, S, S),
//     and one output; norm nodes are tagged norm and attention roles tag linear nodes
//     only; an image size of 0 is an error;
//   - LoRA placement: Place on a small generator that carries the well-known tags
//     selects at least one node, each once, existing, a conv2d or linear, with rank ≥
//     1 and a finite alpha ≥ 0; Place on a graph with nothing to adapt is an error;
//   - chunker: Layout of a set of LoRA parameters, at chunk sizes 7 and 256, keeps the
//     chunk size, names its groups once each, covers every weight of every parameter
//     exactly once (sdk.ChunkLayout.Validate), and flattens and unflattens exactly;
//   - noise schedule: Tables for T = 1, 10 and 1000 has T entries in each table,
//     finite, with ᾱ_t in [0, 1] and never increasing, α_t = √ᾱ_t and σ_t = √(1 − ᾱ_t);
//   - text encoder: Encode gives Dim ≥ 1 finite values per prompt, the same Dim for
//     any batch, the same row for a prompt alone as within a batch, and different rows
//     for different prompts.
func Conformance(t testing.TB, p sdk.Plugin) {
	t.Helper()
	c := &checker{t: t, id: p.Info().ID}
	if err := sdk.Check(p); err != nil {
		t.Fatalf("conformance: %v", err)
	}
	c.info(p.Info())
	remote := Connect(t, p)
	if got, want := normalize(remote.Info()), normalize(p.Info()); !reflect.DeepEqual(got, want) {
		c.errorf("Info changes over gRPC:\n got %+v\nwant %+v", got, want)
	}
	switch r := remote.(type) {
	case sdk.Architecture:
		c.architecture(r)
	case sdk.LoRAPlacement:
		c.placement(r)
	case sdk.Chunker:
		c.chunker(r)
	case sdk.NoiseSchedule:
		c.schedule(r)
	case sdk.TextEncoder:
		c.textEncoder(r)
	}
}

// callTimeout is the host's default deadline for one plugin call
// (pluginhost.DefaultCallTimeout).
const callTimeout = 2 * time.Minute

// checker reports the failures of one plugin's conformance, each prefixed with its id.
type checker struct {
	t  testing.TB
	id string
}

func (c *checker) errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("conformance of %s: "+format, append([]any{c.id}, args...)...)
}

// ctx is the context of one call: the host's deadline. The cancel function is
// dropped, as the timer ends with the test at the latest.
func (c *checker) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	c.t.Cleanup(cancel)
	return ctx
}

// deterministic reports a call whose two answers differ.
func (c *checker) deterministic(call string, first, second any) {
	c.t.Helper()
	if !reflect.DeepEqual(first, second) {
		c.errorf("%s is not deterministic: two calls gave different answers (dnw's stage cache and resume rely on the same request giving the same answer)", call)
	}
}

var (
	versionPattern = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$`)
	optionPattern  = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
)

// info checks what sdk.Check leaves to convention: the doc, the form of the version,
// and the option specs' names, bounds and enums.
func (c *checker) info(in sdk.Info) {
	c.t.Helper()
	if strings.TrimSpace(in.Doc) == "" {
		c.errorf("Info.Doc is empty: `dnw plugins describe` shows it as the plugin's description")
	}
	if !versionPattern.MatchString(in.Version) {
		c.errorf("Info.Version %q is not a version number such as 1.0.0", in.Version)
	}
	for _, o := range in.Options {
		numeric := o.Type == sdk.OptionInt || o.Type == sdk.OptionFloat || o.Type == sdk.OptionInts || o.Type == sdk.OptionFloats
		textual := o.Type == sdk.OptionString || o.Type == sdk.OptionStrings
		if !optionPattern.MatchString(o.Name) {
			c.errorf("option %q: name is not snake_case (lowercase words joined by _), as experiment files write keys", o.Name)
		}
		for _, b := range []*float64{o.Min, o.Max} {
			if b != nil && (math.IsNaN(*b) || math.IsInf(*b, 0)) {
				c.errorf("option %s: bound %v is not finite (leave Min or Max nil for no bound)", o.Name, *b)
			}
		}
		if (o.Min != nil || o.Max != nil) && !numeric {
			c.errorf("option %s: a %s option has Min or Max; bounds apply to numbers only", o.Name, o.Type)
		}
		if o.Enum != nil && !textual {
			c.errorf("option %s: a %s option has an Enum; enums apply to strings only", o.Name, o.Type)
		}
		for i, e := range o.Enum {
			if slices.Index(o.Enum, e) != i {
				c.errorf("option %s: Enum lists %q twice", o.Name, e)
			}
		}
	}
}

// normalize makes empty lists nil, which is how they arrive over protobuf.
func normalize(in sdk.Info) sdk.Info {
	out := in
	out.Options = nil
	for _, o := range in.Options {
		if len(o.Enum) == 0 {
			o.Enum = nil
		}
		if v := reflect.ValueOf(o.Default); v.Kind() == reflect.Slice && v.Len() == 0 {
			o.Default = fmt.Sprintf("empty %T", o.Default)
		}
		out.Options = append(out.Options, o)
	}
	return out
}
