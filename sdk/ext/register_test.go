package ext

import (
	"encoding/json"
	"strings"
	"testing"
)

// use registers e for one test and restores the module's registration after.
func use(t *testing.T, e *extension) {
	old := registered
	registered = nil
	register(e)
	t.Cleanup(func() { registered = old })
}

func TestHandleRunsTheRegisteredMetric(t *testing.T) {
	opts := struct {
		Scale float64 `json:"scale"`
	}{Scale: 1}
	use(t, &extension{info: Info{Name: "sum", Kind: KindMetric, Options: &opts,
		OptionsSchema: json.RawMessage(`{"type": "object"}`)},
		metric: func(pred, target Images) Score {
			if pred.N == 0 {
				Errorf("empty batch")
			}
			s := 0.0
			for i := range pred.Pix {
				s += float64(pred.Pix[i] - target.Pix[i])
			}
			return Score{Value: opts.Scale * s, Sub: []SubScore{{"n", float64(pred.N)}}}
		}})
	a := Images{N: 1, C: 1, H: 1, W: 2, Pix: []float32{1, 2}}
	b := Images{N: 1, C: 1, H: 1, W: 2, Pix: []float32{0, 0}}
	if s, err := CallMetric(a, b); err != nil || s.Value != 3 || s.Sub[0].Value != 1 {
		t.Errorf("score %+v, %v", s, err)
	}
	if err := Configure([]byte(`{"scale": 2}`)); err != nil {
		t.Fatal(err)
	}
	if s, _ := CallMetric(a, b); s.Value != 6 {
		t.Errorf("after configure: %v, want 6", s.Value)
	}
	if err := Configure([]byte(`{"scael": 2}`)); err == nil || !strings.Contains(err.Error(), "scael") {
		t.Errorf("an unknown option: %v", err)
	}
	empty := Images{C: 1, H: 1, W: 2}
	if _, err := CallMetric(empty, empty); err == nil || err.Error() != "empty batch" {
		t.Errorf("Errorf: %v", err)
	}
	if _, err := CallFilter(Batch{Concepts: []Concept{}}); err == nil || !strings.Contains(err.Error(), "not a filter") {
		t.Errorf("a filter call on a metric: %v", err)
	}
	var info Info
	if err := json.Unmarshal(InfoJSON(), &info); err != nil || info.ABI != ABIVersion || info.Name != "sum" || info.Check() != nil {
		t.Errorf("info %+v, %v", info, err)
	}
}

func TestHandleRunsTheRegisteredFilterAndRecoversPanics(t *testing.T) {
	use(t, &extension{info: Info{Name: "odd", Kind: KindFilter, Records: RecordsPairs}, filter: func(b Batch) []Verdict {
		vs := make([]Verdict, b.Len())
		for i, p := range b.Pairs.Records {
			if p.Index < 0 {
				panic("negative index")
			}
			vs[i] = Verdict{Keep: p.Index%2 == 1, Reason: "parity"}
		}
		return vs
	}})
	pairs := &Pairs{C: 1, H: 1, W: 1, Records: []Pair{
		{Concept: "c", Index: 1, Source: []float32{0}, Target: []float32{1}},
		{Concept: "c", Index: 2, Source: []float32{0}, Target: []float32{1}}}}
	vs, err := CallFilter(Batch{Pairs: pairs})
	if err != nil || len(vs) != 2 || !vs[0].Keep || vs[1].Keep {
		t.Errorf("verdicts %+v, %v", vs, err)
	}
	if _, err := CallFilter(Batch{Concepts: []Concept{}}); err == nil || !strings.Contains(err.Error(), "filters pairs, not concepts") {
		t.Errorf("records of another kind: %v", err)
	}
	pairs.Records[0].Index = -1
	if _, err := CallFilter(Batch{Pairs: pairs}); err == nil || err.Error() != "panic: negative index" {
		t.Errorf("a panic: %v", err)
	}
}

func TestRegisterRefusesASecondExtensionAndBadInfo(t *testing.T) {
	use(t, &extension{info: Info{Name: "one", Kind: KindMetric}, metric: func(Images, Images) Score { return Score{} }})
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"second", func() { Metric(Info{Name: "two"}, func(Images, Images) Score { return Score{} }) }},
		{"no name", func() { registered = nil; Metric(Info{}, func(Images, Images) Score { return Score{} }) }},
	} {
		name, f := c.name, c.f
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: registered", name)
				}
			}()
			f()
		}()
	}
}
