package imaging

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Category groups edits as the paper's prompt categories: artistic styles, colour and
// tone characteristics, structural modifications (Gong et al., ECCV 2024, on its prompt dataset).
type Category string

// The three categories.
const (
	Style     Category = "style"
	Tone      Category = "tone"
	Structure Category = "structure"
)

// ParamSpec is one numeric parameter of an edit, its allowed range, and how it sets
// the edit's strength.
type ParamSpec struct {
	Name     string
	Min, Max float64
	Grows    Grows
}

// Grows says which way a parameter makes its edit stronger, so that a concept's
// "subtle" and "strong" mean what they say. Every edit grows one way only: an
// adjustment that goes both ways from neutral is two edits (brighten and darken), so
// that a prompt always says which way it goes.
type Grows int

const (
	Up      Grows = iota // weakest at Min (often no change at all), strongest at Max
	Down                 // weakest at Max, strongest at Min (fewer posterize levels)
	Variant              // picks a variant (a hue, a frequency), not a strength
)

// EditSpec describes an edit: its name, category, parameters and how prompts say it.
type EditSpec struct {
	Name     string // e.g. "sepia"
	Category Category
	Doc      string // one line: what it does, the formula or source
	Params   []ParamSpec
	Phrases  []string // ≥ 3 distinct ways a prompt says it, free of parameter values
}

// Step is one edit with parameter values, as a concept stores it (JSON).
type Step struct {
	Edit   string             `json:"edit"`
	Params map[string]float64 `json:"params,omitempty"`
}

// edit is an entry of the edit table: its spec and the function that applies it.
// apply writes the edited src into dst, which Apply has given src's size (and
// rotate90 turns); p holds the step's parameter values in spec.Params order.
type edit struct {
	spec  EditSpec
	apply func(dst, src *Image, p []float64)
}

// editIndex finds an edit of the table by name.
var editIndex = func() map[string]int {
	idx := make(map[string]int, len(edits))
	for i, e := range edits {
		if _, dup := idx[e.spec.Name]; dup {
			panic("imaging: edit " + e.spec.Name + " listed twice")
		}
		idx[e.spec.Name] = i
	}
	return idx
}()

// Specs returns every edit's spec, in the table's fixed order. The slices are copies:
// changing them does not change the edits.
func Specs() []EditSpec {
	out := make([]EditSpec, len(edits))
	for i, e := range edits {
		out[i] = e.spec.clone()
	}
	return out
}

// Lookup returns the spec of the named edit.
func Lookup(name string) (EditSpec, bool) {
	i, ok := editIndex[name]
	if !ok {
		return EditSpec{}, false
	}
	return edits[i].spec.clone(), true
}

func (s EditSpec) clone() EditSpec {
	s.Params, s.Phrases = slices.Clone(s.Params), slices.Clone(s.Phrases)
	return s
}

// Validate checks that the step names a known edit and gives each of its parameters
// exactly once, within range; the error names the edit and the parameter.
func (s Step) Validate() error {
	if _, err := s.values(); err != nil {
		return fmt.Errorf("imaging: %w", err)
	}
	return nil
}

// values returns the step's parameter values in the order of its edit's spec.
func (s Step) values() ([]float64, error) {
	i, ok := editIndex[s.Edit]
	if !ok {
		return nil, fmt.Errorf("unknown edit %q (known: %s)", s.Edit, strings.Join(editNames(), ", "))
	}
	spec := edits[i].spec
	known := make(map[string]bool, len(spec.Params))
	out := make([]float64, len(spec.Params))
	for k, p := range spec.Params {
		known[p.Name] = true
		v, ok := s.Params[p.Name]
		switch {
		case !ok:
			return nil, fmt.Errorf("edit %q: parameter %q missing (range [%g, %g])", s.Edit, p.Name, p.Min, p.Max)
		case math.IsNaN(v) || v < p.Min || v > p.Max:
			return nil, fmt.Errorf("edit %q: parameter %q = %g outside [%g, %g]", s.Edit, p.Name, v, p.Min, p.Max)
		}
		out[k] = v
	}
	var unknown []string
	for name := range s.Params {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("edit %q: unknown parameter %q (has %s)", s.Edit, unknown[0], paramNames(spec))
	}
	return out, nil
}

func editNames() []string {
	out := make([]string, len(edits))
	for i, e := range edits {
		out[i] = e.spec.Name
	}
	return out
}

func paramNames(s EditSpec) string {
	if len(s.Params) == 0 {
		return "no parameters"
	}
	var names []string
	for _, p := range s.Params {
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	return strings.Join(names, ", ")
}

// Apply applies the steps in order to a copy of src and returns it; src is unchanged.
// It checks every step first, so a bad step anywhere fails before any work is done.
func Apply(src *Image, steps []Step) (*Image, error) {
	values := make([][]float64, len(steps))
	for k, s := range steps {
		v, err := s.values()
		if err != nil {
			return nil, fmt.Errorf("imaging: step %d: %w", k+1, err)
		}
		values[k] = v
	}
	cur := src.Clone()
	next := &Image{Pix: make([]float32, len(src.Pix))}
	for k, s := range steps {
		next.H, next.W = cur.H, cur.W
		edits[editIndex[s.Edit]].apply(next, cur, values[k])
		cur, next = next, cur
	}
	return cur, nil
}
