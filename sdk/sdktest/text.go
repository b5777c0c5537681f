package sdktest

import (
	"fmt"
	"math"
	"slices"

	"dnw/sdk"
)

// prompts are what Conformance embeds: two prompts of dnw's concepts, an empty one
// and one beyond ASCII.
var prompts = []string{"a person with grey hair", "a person with blond hair", "", "Ünïcode prompt ✓ 日本"}

// rowTolerance is how far a prompt's row may differ between a batch and a call of its
// own (relative to the row's largest value): an encoder that pads a batch may round
// differently, but must not mix prompts.
const rowTolerance = 1e-5

// textEncoder checks Encode on prompts, together and one at a time.
func (c *checker) textEncoder(enc sdk.TextEncoder) {
	c.t.Helper()
	call := fmt.Sprintf("Encode(%d prompts, default options)", len(prompts))
	e, err := enc.Encode(c.ctx(), prompts, nil)
	if err != nil {
		c.errorf("%s: %v", call, err)
		return
	}
	if !c.embeddings(call, e, len(prompts)) {
		return
	}
	if again, err := enc.Encode(c.ctx(), prompts, nil); err == nil {
		c.deterministic(call, e, again)
	}
	row := func(e sdk.Embeddings, i int) []float32 { return e.Data[i*e.Dim : (i+1)*e.Dim] }
	if slices.Equal(row(e, 0), row(e, 1)) {
		c.errorf("%s: prompts %q and %q have the same embedding", call, prompts[0], prompts[1])
	}
	for i, p := range prompts {
		one := fmt.Sprintf("Encode(%q)", p)
		alone, err := enc.Encode(c.ctx(), []string{p}, nil)
		if err != nil {
			c.errorf("%s: %v", one, err)
			continue
		}
		if !c.embeddings(one, alone, 1) {
			continue
		}
		if alone.Dim != e.Dim {
			c.errorf("%s: Dim %d, but %d in a batch of %d: Dim is fixed", one, alone.Dim, e.Dim, len(prompts))
			continue
		}
		want := row(e, i)
		scale := 1.0
		for _, x := range want {
			scale = max(scale, math.Abs(float64(x)))
		}
		for j, x := range alone.Data {
			if math.Abs(float64(x-want[j])) > rowTolerance*scale {
				c.errorf("%s: value %d is %v alone, %v in a batch: a prompt's embedding must not depend on the others", one, j, x, want[j])
				break
			}
		}
	}
}

// embeddings checks the shape and values of the embeddings of n prompts.
func (c *checker) embeddings(call string, e sdk.Embeddings, n int) bool {
	c.t.Helper()
	if e.Dim < 1 || len(e.Data) != n*e.Dim {
		c.errorf("%s: Dim %d and %d values, want Dim ≥ 1 and Dim·%d values", call, e.Dim, len(e.Data), n)
		return false
	}
	for i, x := range e.Data {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			c.errorf("%s: value %d (prompt %d) is %v", call, i, i/e.Dim, x)
			return false
		}
	}
	return true
}
