package hashgram_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/text/hashgram"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

func TestInfo(t *testing.T) {
	if err := hashgram.New().Info().Check(); err != nil {
		t.Fatal(err)
	}
	if err := sdk.Check(hashgram.New()); err != nil {
		t.Fatal(err)
	}
}

func encode(t *testing.T, enc sdk.TextEncoder, opts sdk.Options, prompts ...string) sdk.Embeddings {
	t.Helper()
	e, err := enc.Encode(context.Background(), prompts, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Data) != len(prompts)*e.Dim {
		t.Fatalf("%d values for %d prompts of dim %d", len(e.Data), len(prompts), e.Dim)
	}
	return e
}

func row(e sdk.Embeddings, i int) []float32 { return e.Data[i*e.Dim : (i+1)*e.Dim] }

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

var prompts = []string{
	"sepia photograph", "old sepia photo", "pixel art robot", "sketch", "sketched", "ocean",
	"Grey hair", "a watercolor painting of a smiling face", "VAN GOGH style, starry!",
}

func TestDeterministicAndUnitNorm(t *testing.T) {
	enc := sdktest.Connect(t, hashgram.New()).(sdk.TextEncoder) // as the host calls it
	a := encode(t, enc, nil, prompts...)
	b := encode(t, hashgram.New(), nil, prompts...)
	if a.Dim != 256 || !slices.Equal(a.Data, b.Data) {
		t.Fatalf("dim %d; over gRPC and in process differ: %v", a.Dim, !slices.Equal(a.Data, b.Data))
	}
	for i := range prompts {
		var n float64
		for _, v := range row(a, i) {
			n += float64(v) * float64(v)
		}
		if math.Abs(math.Sqrt(n)-1) > 1e-6 {
			t.Errorf("%q: norm %v", prompts[i], math.Sqrt(n))
		}
	}
}

func TestBatchEqualsOneByOne(t *testing.T) {
	opts := sdk.Options{"dim": int64(64), "ngram_min": int64(2)}
	batch := encode(t, hashgram.New(), opts, prompts...)
	for i, p := range prompts {
		if one := encode(t, hashgram.New(), opts, p); !slices.Equal(one.Data, row(batch, i)) {
			t.Errorf("%q encodes differently alone", p)
		}
	}
}

func TestSharedWordsAreCloser(t *testing.T) {
	e := encode(t, hashgram.New(), nil, "sepia photograph", "old sepia photo", "pixel art robot")
	related, unrelated := cosine(row(e, 0), row(e, 1)), cosine(row(e, 0), row(e, 2))
	if !(related > unrelated+0.2) || related < 0.3 {
		t.Errorf("cos(sepia photograph, old sepia photo) = %.3f, cos(sepia photograph, pixel art robot) = %.3f", related, unrelated)
	}
}

// "sketch" and "sketched" share no word but most character n-grams.
func TestSpellingVariantsAreClose(t *testing.T) {
	e := encode(t, hashgram.New(), nil, "sketch", "sketched", "ocean")
	variant, unrelated := cosine(row(e, 0), row(e, 1)), cosine(row(e, 0), row(e, 2))
	if !(variant > 0.3 && variant > unrelated+0.2) {
		t.Errorf("cos(sketch, sketched) = %.3f, cos(sketch, ocean) = %.3f", variant, unrelated)
	}
	// Without character n-grams only the words count, and the variants are strangers.
	w := encode(t, hashgram.New(), sdk.Options{"char_weight": 0.0}, "sketch", "sketched")
	if c := cosine(row(w, 0), row(w, 1)); math.Abs(c) > 0.01 {
		t.Errorf("words only: cos(sketch, sketched) = %.3f, want ≈ 0", c)
	}
}

func TestCaseAndPunctuationAreIgnored(t *testing.T) {
	e := encode(t, hashgram.New(), nil, "Van Gogh, starry-night!", "van gogh starry night")
	if !slices.Equal(row(e, 0), row(e, 1)) {
		t.Error("case or punctuation changed the embedding")
	}
	if got := hashgram.Words("Héllo, WORLD_2 x"); !slices.Equal(got, []string{"héllo", "world", "2", "x"}) {
		t.Errorf("Words = %q", got)
	}
}

func TestWordOrderMattersThroughBigrams(t *testing.T) {
	e := encode(t, hashgram.New(), nil, "dog bites man", "man bites dog")
	if c := cosine(row(e, 0), row(e, 1)); c > 0.99 || c < 0.5 {
		t.Errorf("cos(dog bites man, man bites dog) = %.3f; want high but below 1", c)
	}
}

func TestNoWordsIsZero(t *testing.T) {
	e := encode(t, hashgram.New(), nil, "", "  ,;!? ", "x")
	for i := range 2 {
		for _, v := range row(e, i) {
			if v != 0 {
				t.Fatalf("prompt %d: non-zero embedding", i)
			}
		}
	}
	if cosine(row(e, 2), row(e, 2)) < 0.99 {
		t.Error("a one-letter word embedded to zero")
	}
	empty := encode(t, hashgram.New(), nil)
	if empty.Dim != 256 || len(empty.Data) != 0 {
		t.Errorf("no prompts: %+v", empty)
	}
}

func TestRejects(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		opts sdk.Options
		want string
	}{
		{sdk.Options{"dim": int64(8)}, "text.hashgram: option dim: 8 is out of range"},
		{sdk.Options{"ngram_min": int64(5), "ngram_max": int64(3)}, "text.hashgram: ngram_min 5 > ngram_max 3"},
		{sdk.Options{"word_weight": 0.0, "char_weight": 0.0}, "text.hashgram: word_weight and char_weight are both 0"},
		{sdk.Options{"dims": int64(64)}, "text.hashgram: option dims: unknown option; did you mean dim?"},
	} {
		if _, err := hashgram.New().Encode(ctx, []string{"a"}, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.opts, err, tc.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := hashgram.New().Encode(cancelled, []string{"a"}, nil); err == nil {
		t.Error("a cancelled context was ignored")
	}
}

func ExampleHashgram_Encode() {
	e, err := hashgram.New().Encode(context.Background(),
		[]string{"sepia photograph", "old sepia photo", "pixel art robot", "sketch", "sketched"}, nil)
	if err != nil {
		panic(err)
	}
	cos := func(i, j int) float64 { // rows have unit norm, so the dot product
		var dot float64
		for k := range e.Dim {
			dot += float64(e.Data[i*e.Dim+k]) * float64(e.Data[j*e.Dim+k])
		}
		return dot
	}
	fmt.Printf("dim %d\n", e.Dim)
	fmt.Printf("sepia photograph ~ old sepia photo: %.2f\n", cos(0, 1))
	fmt.Printf("sepia photograph ~ pixel art robot: %.2f\n", cos(0, 2))
	fmt.Printf("sketch ~ sketched: %.2f\n", cos(3, 4))
	// Output:
	// dim 256
	// sepia photograph ~ old sepia photo: 0.46
	// sepia photograph ~ pixel art robot: -0.02
	// sketch ~ sketched: 0.55
}
