package concepts

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	cat := mustBuild(t, defaultSizes, 3)
	var first bytes.Buffer
	if err := cat.WriteJSON(&first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "\n  \"concepts\": [\n    {\n      \"id\": ") {
		t.Errorf("not indented JSON:\n%.200s", first.String())
	}
	got, err := ReadJSON(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cat) {
		t.Error("read back a different catalogue")
	}
	var second bytes.Buffer
	if err := got.WriteJSON(&second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("writing the read catalogue gives other bytes")
	}
}

// TestReadJSONAcceptsFolderConcepts: concepts of real image folders have no steps.
func TestReadJSONAcceptsFolderConcepts(t *testing.T) {
	const in = `{"seed": 1, "concepts": [{"id": "cats", "category": "folder", "steps": null, "prompts": ["a cat"], "split": "train"}]}`
	if _, err := ReadJSON(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
}

func TestReadJSONErrors(t *testing.T) {
	concept := func(fields string) string {
		return `{"seed": 1, "concepts": [` + fields + `]}`
	}
	const ok = `{"id": "c000-sepia", "category": "tone", "steps": [{"edit": "sepia", "params": {"amount": 0.5}}], "prompts": ["sepia photograph"], "split": "train"}`
	tests := map[string]struct{ in, want string }{
		"not JSON":       {`{"seed": `, "reading catalogue"},
		"unknown key":    {`{"seed": 1, "concept": []}`, "unknown field"},
		"trailing data":  {concept(ok) + ` {}`, "trailing data"},
		"no concepts":    {`{"seed": 1, "concepts": []}`, "no concepts"},
		"empty id":       {concept(strings.Replace(ok, `"c000-sepia"`, `""`, 1)), "empty id"},
		"repeated id":    {concept(ok + ", " + ok), "id repeated"},
		"unknown split":  {concept(strings.Replace(ok, `"train"`, `"test"`, 1)), `split "test"`},
		"empty category": {concept(strings.Replace(ok, `"tone"`, `""`, 1)), "empty category"},
		"no prompts":     {concept(strings.Replace(ok, `["sepia photograph"]`, `[]`, 1)), "no prompts"},
		"empty prompt":   {concept(strings.Replace(ok, `"sepia photograph"`, `" , "`, 1)), "prompt 0 is empty"},
		"step, no edit":  {concept(strings.Replace(ok, `"edit": "sepia", `, ``, 1)), "step 0 has no edit"},
	}
	if _, err := ReadJSON(strings.NewReader(concept(ok))); err != nil {
		t.Fatalf("the valid catalogue: %v", err)
	}
	for name, tt := range tests {
		_, err := ReadJSON(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tt.want)
		}
	}
}

// FuzzReadJSON: ReadJSON never panics, and what it accepts writes back to JSON that
// it reads as the same catalogue.
func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := mustBuild(f, Sizes{Train: 3, Heldout: 1, Paraphrases: 2}, 1).WriteJSON(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"seed": 1, "concepts": [{"id": "x", "category": "folder", "prompts": ["a"], "split": "heldout"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := cat.WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		again, err := ReadJSON(&out)
		if err != nil {
			t.Fatalf("reading what was written: %v", err)
		}
		if !reflect.DeepEqual(again, cat) {
			t.Fatal("read back a different catalogue")
		}
	})
}
