package sdktest

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"dnw/sdk"
)

// chunkSizes are the chunk sizes Conformance lays parameters out at: 256, the paper's
// best b (Gong et al., ECCV 2024), and 7, which divides no parameter's size, so that
// chunks straddle parameters or end in padding.
var chunkSizes = []int{7, 256}

// chunker checks Layout on the LoRA parameters of a rank-4 LoRA on every conv2d and
// linear node of ReferenceGenerator, with the norms after them, one group per layer,
// in the order the host gives them.
func (c *checker) chunker(ch sdk.Chunker) {
	c.t.Helper()
	params := referenceParams()
	for _, size := range chunkSizes {
		call := fmt.Sprintf("Layout(%d params, chunk size %d, default options)", len(params), size)
		l, err := ch.Layout(c.ctx(), params, size, nil)
		if err != nil {
			c.errorf("%s: %v", call, err)
			continue
		}
		c.layout(call, l, params, size)
		if again, err := ch.Layout(c.ctx(), params, size, nil); err == nil {
			c.deterministic(call, l, again)
		}
	}
}

// layout checks one layout of params at chunk size size.
func (c *checker) layout(call string, l sdk.ChunkLayout, params []sdk.Param, size int) {
	c.t.Helper()
	if l.ChunkSize != size {
		c.errorf("%s: chunk size %d, want the %d asked for", call, l.ChunkSize, size)
		return
	}
	if err := l.Validate(params); err != nil {
		c.errorf("%s: %v", call, err)
		return
	}
	for i, g := range l.Groups {
		if g == "" || slices.Index(l.Groups, g) != i {
			c.errorf("%s: group %d is %q: groups need distinct names", call, i, g)
		}
	}
	// Validate proves the round trip; running it also proves Flatten and Unflatten
	// accept what Validate did.
	r := rand.New(rand.NewPCG(1, 2))
	vec := make([][]float32, len(params))
	back := make([][]float32, len(params))
	for i, p := range params {
		vec[i], back[i] = make([]float32, p.Size()), make([]float32, p.Size())
		for j := range vec[i] {
			vec[i][j] = r.Float32() + 1 // never 0, so that a weight left out shows
		}
	}
	flat := make([]float32, l.Len())
	l.Flatten(flat, vec)
	l.Unflatten(back, flat)
	for i := range vec {
		if !slices.Equal(vec[i], back[i]) {
			c.errorf("%s: param %s does not survive Flatten then Unflatten", call, params[i].Name)
		}
	}
}

// referenceParams are the parameters the host would hand a chunker for a rank-4 LoRA
// on every conv2d and linear node of ReferenceGenerator, training the norms that read
// them: per layer, lora_down and lora_up, then the norm's scale and shift, all in the
// layer's group.
func referenceParams() []sdk.Param {
	const rank = 4
	g := ReferenceGenerator()
	var params []sdk.Param
	for _, n := range g.Nodes {
		if !adaptable(n) {
			continue
		}
		w, _ := g.Param(n.Params[0])
		if len(w.Shape) == 4 { // conv2d (F, C, k, k)
			params = append(params,
				sdk.Param{Name: n.Name + ".lora_down", Shape: []int{rank, w.Shape[1], w.Shape[2], w.Shape[3]}, Group: n.Name},
				sdk.Param{Name: n.Name + ".lora_up", Shape: []int{w.Shape[0], rank, 1, 1}, Group: n.Name})
		} else { // linear (F, D)
			params = append(params,
				sdk.Param{Name: n.Name + ".lora_down", Shape: []int{rank, w.Shape[1]}, Group: n.Name},
				sdk.Param{Name: n.Name + ".lora_up", Shape: []int{w.Shape[0], rank}, Group: n.Name})
		}
		for _, m := range g.Nodes {
			if isNorm(m.Op) && m.Inputs[0] == n.Name {
				for _, name := range m.Params {
					p, _ := g.Param(name)
					params = append(params, sdk.Param{Name: name, Shape: p.Shape, Group: n.Name})
				}
			}
		}
	}
	return params
}
