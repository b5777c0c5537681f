package minilm

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// requireEnv makes the tests that need the model files (make deps) and the Python
// reference (Debian's python3-torch) fail instead of skipping without them; make test
// sets it.
const requireEnv = "DNW_REQUIRE_MINILM"

// needModel returns the model this process would use, or skips (fails under
// DNW_REQUIRE_MINILM) when its files are not installed.
func needModel(t testing.TB) *model {
	t.Helper()
	m, err := load("")
	if err != nil {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%v (%s is set)", err, requireEnv)
		}
		t.Skipf("no model files (run make deps, or set %s=1 to fail here): %v", requireEnv, err)
	}
	return m
}

// testdata/prompts.json holds 194 prompts: the 168 of the procedural catalogue of
// experiments/weightgen-check.toml at seed 1 (48 training and 8 held-out concepts, 3
// paraphrases each: `dnw run experiments/weightgen-check.toml --until concepts`,
// stages/concepts/catalogue.json), and 26 odd ones: empty and blank, accents,
// Greek, CJK, Hangul, Cyrillic, emoji, ligatures, zero-width and control characters,
// punctuation and symbol runs, the added tokens [MASK] and [SEP] written inline, a
// word over WordPiece's 100 characters, words without a vocabulary piece, and 500
// words (cut at 128 tokens).
func readPrompts(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/prompts.json")
	if err != nil {
		t.Fatal(err)
	}
	var prompts []string
	if err := json.Unmarshal(data, &prompts); err != nil {
		t.Fatal(err)
	}
	return prompts
}

// TestMatchesReference compares text.minilm with independent code on the same files:
// its token ids with the tokenizers package reading tokenizer.json (identical), its
// embeddings with transformers' BertModel on PyTorch followed by the model card's mean
// pooling and normalization (cosine ≥ 0.9999 for every prompt). tools/minilm_reference.py
// computes the references.
func TestMatchesReference(t *testing.T) {
	m := needModel(t)
	prompts := readPrompts(t)
	if len(prompts) < 50 {
		t.Fatalf("%d prompts; the reference check wants at least 50", len(prompts))
	}
	out := filepath.Join(t.TempDir(), "reference.json")
	cmd := exec.Command("/usr/bin/python3", "../../../tools/minilm_reference.py", m.dir, "testdata/prompts.json", out)
	msg, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 || errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("the Python reference cannot run (%s is set): %v\n%s", requireEnv, err, msg)
		}
		t.Skipf("the Python reference cannot run: %v\n%s", err, msg)
	}
	if err != nil {
		t.Fatalf("tools/minilm_reference.py: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Versions   map[string]string
		IDs        [][]int32
		Embeddings [][]float32
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.IDs) != len(prompts) || len(ref.Embeddings) != len(prompts) {
		t.Fatalf("the reference has %d token lists and %d embeddings for %d prompts", len(ref.IDs), len(ref.Embeddings), len(prompts))
	}
	for i, p := range prompts {
		if got := m.tok.Encode(p); !slices.Equal(got, ref.IDs[i]) {
			t.Errorf("prompt %d %.60q: token ids\n got  %v\n want %v (tokenizers)", i, p, got, ref.IDs[i])
		}
	}
	e, err := New().Encode(context.Background(), prompts, nil)
	if err != nil {
		t.Fatal(err)
	}
	worst, worstAt := 1.0, 0
	for i, p := range prompts {
		c := cosine(e.Data[i*e.Dim:(i+1)*e.Dim], ref.Embeddings[i])
		if c < worst {
			worst, worstAt = c, i
		}
		if c < 0.9999 {
			t.Errorf("prompt %d %.60q: cosine %.6f to the reference embedding, want ≥ 0.9999", i, p, c)
		}
	}
	t.Logf("%d prompts against %v: token ids identical; lowest cosine 1 − %.1e (prompt %d)", len(prompts), ref.Versions, 1-worst, worstAt)
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}
