package weightgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"dnw/sdk"
)

// twoParams is a LoRA of two tensors, 10 and 6 weights, cut into chunks of 4 by a
// per-tensor layout (the second tensor's last chunk is half padding).
func twoParams() ([]sdk.Param, sdk.ChunkLayout) {
	params := []sdk.Param{{Name: "a", Shape: []int{2, 5}, Group: "l"}, {Name: "b", Shape: []int{6}, Group: "l"}}
	layout := sdk.ChunkLayout{ChunkSize: 4, Groups: []string{"a", "b"}}
	for _, r := range []struct{ p, off, n, group int }{{0, 0, 4, 0}, {0, 4, 4, 0}, {0, 8, 2, 0}, {1, 0, 4, 1}, {1, 4, 2, 1}} {
		layout.Chunks = append(layout.Chunks, sdk.Chunk{Group: r.group, Segments: []sdk.Segment{{Param: r.p, Offset: r.off, Len: r.n}}})
	}
	return params, layout
}

func TestCodecNormalizesAndRoundTrips(t *testing.T) {
	params, layout := twoParams()
	rng := rand.New(rand.NewPCG(1, 1))
	var vectors [][]float32
	for range 5 {
		v := make([]float32, 16)
		for j := range v {
			scale := 0.5 // tensor a varies by 0.5 around 3, tensor b by 0.01 around 0
			if j >= 10 {
				scale = 0.01
			} else {
				v[j] = 3
			}
			v[j] += float32(scale * rng.NormFloat64())
		}
		vectors = append(vectors, v)
	}
	c, err := NewCodec(layout, params, vectors)
	if err != nil {
		t.Fatal(err)
	}
	first := slices.Clone(vectors[0])
	// Normalized, both tensors have mean 0 and RMS 1 over the dataset.
	var sum, ss [2]float64
	for _, v := range vectors {
		ch := c.Chunks(v)
		if len(ch) != 20 || ch[18] != 0 || ch[19] != 0 || ch[10] != 0 || ch[11] != 0 {
			t.Fatalf("chunks %v: want 5 chunks of 4 with zero padding", ch)
		}
		for n, x := range ch {
			tensor := 0
			if n >= 12 {
				tensor = 1
			}
			sum[tensor] += float64(x)
			ss[tensor] += float64(x * x)
		}
		back := c.Vector(ch)
		for j := range v {
			if math.Abs(float64(back[j]-v[j])) > 1e-5 {
				t.Fatalf("weight %d: %v back as %v", j, v[j], back[j])
			}
		}
	}
	for tensor, n := range []float64{50, 30} {
		if mean, rms := sum[tensor]/n, math.Sqrt(ss[tensor]/n); math.Abs(mean) > 1e-5 || math.Abs(rms-1) > 1e-4 {
			t.Errorf("tensor %d normalized: mean %v, RMS %v; want 0, 1", tensor, mean, rms)
		}
	}
	if !slices.Equal(vectors[0], first) {
		t.Error("Chunks changed its argument")
	}
}

func TestSinEnc(t *testing.T) {
	d := make([]float32, 6)
	SinEnc(d, 0)
	for i, want := range []float32{0, 1, 0, 1, 0, 1} {
		if d[i] != want {
			t.Fatalf("SinEnc(0) = %v", d)
		}
	}
	SinEnc(d, 5)
	if math.Abs(float64(d[0])-math.Sin(5)) > 1e-6 || math.Abs(float64(d[5])-math.Cos(5/math.Pow(10000, 4.0/6))) > 1e-6 {
		t.Errorf("SinEnc(5) = %v", d)
	}
}
