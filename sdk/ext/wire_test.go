package ext

import (
	"errors"
	"reflect"
	"testing"
)

func TestMetricBatchRoundTrips(t *testing.T) {
	pred := Images{N: 2, C: 3, H: 2, W: 1, Pix: []float32{-1, -0.5, 0, 0.25, 0.5, 1, 1, 0.5, 0.25, 0, -0.5, -1}}
	target := pred
	target.Pix = make([]float32, len(pred.Pix))
	for i, v := range pred.Pix {
		target.Pix[i] = v / 2
	}
	b, err := EncodeMetricBatch(pred, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != MetricBatchSize(pred) {
		t.Errorf("encoded %d bytes, MetricBatchSize says %d", len(b), MetricBatchSize(pred))
	}
	p, q, err := DecodeMetricBatch(b)
	if err != nil || !reflect.DeepEqual(p, pred) || !reflect.DeepEqual(q, target) {
		t.Errorf("decoded %+v %+v, %v", p, q, err)
	}
	if got := p.At(1); !reflect.DeepEqual(got, pred.Pix[6:]) {
		t.Errorf("At(1) = %v", got)
	}
	short := target
	short.Pix = short.Pix[:6]
	if _, err := EncodeMetricBatch(pred, short); err == nil {
		t.Error("targets of another size were encoded")
	}
	if _, _, err := DecodeMetricBatch(b[:len(b)-4]); err == nil {
		t.Error("a truncated batch decoded")
	}
}

func TestFilterBatchesRoundTrip(t *testing.T) {
	for name, b := range map[string]Batch{
		"checkpoints": {Checkpoints: &Checkpoints{Metric: "psnr", HigherIsBetter: true, Records: []Checkpoint{
			{Concept: "c0", Step: 100, Metric: 20.5, Best: 21}, {Concept: "c1", Step: -1, Metric: -3, Best: 0}}}},
		"concepts": {Concepts: []Concept{{ID: "c0", Prompts: []string{"a", "bé"}, Embedding: []float32{1, 2}}, {ID: "c1", Prompts: []string{}}}},
		"pairs": {Pairs: &Pairs{C: 1, H: 1, W: 2, Records: []Pair{
			{Concept: "c0", Index: 3, Source: []float32{0, 1}, Target: []float32{1, 0}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := EncodeBatch(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBatch(data)
			if err != nil {
				t.Fatal(err)
			}
			if got.Records() != name || got.Len() != b.Len() {
				t.Fatalf("decoded %s of %d records", got.Records(), got.Len())
			}
			// Empty and nil slices decode alike; compare re-encodings instead.
			again, _ := EncodeBatch(got)
			if !reflect.DeepEqual(again, data) {
				t.Errorf("re-encoding differs:\n%v\n%v", again, data)
			}
		})
	}
}

func TestScoresVerdictsAndEnvelopesRoundTrip(t *testing.T) {
	s := Score{Value: 0.5, Sub: []SubScore{{"luminance", 0.9}, {"structure", 0.1}}}
	if got, err := DecodeScore(EncodeScore(s)); err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("score: %+v, %v", got, err)
	}
	vs := []Verdict{{Keep: true}, {Keep: false, Reason: "flat"}}
	if got, err := DecodeVerdicts(EncodeVerdicts(vs)); err != nil || !reflect.DeepEqual(got, vs) {
		t.Errorf("verdicts: %+v, %v", got, err)
	}
	if body, err := DecodeEnvelope(EncodeOK([]byte{7})); err != nil || !reflect.DeepEqual(body, []byte{7}) {
		t.Errorf("ok envelope: %v, %v", body, err)
	}
	var ge *GuestError
	if _, err := DecodeEnvelope(EncodeError("too small")); !errors.As(err, &ge) || ge.Msg != "too small" {
		t.Errorf("error envelope: %v", err)
	}
	if _, err := DecodeEnvelope([]byte{2, 0, 0, 0}); err == nil {
		t.Error("status 2 was accepted")
	}
}

func TestPackUnpack(t *testing.T) {
	if p, n := Unpack(Pack(0xdeadbeef, 12)); p != 0xdeadbeef || n != 12 {
		t.Errorf("Unpack(Pack) = %#x, %d", p, n)
	}
}

// FuzzDecoders feeds arbitrary bytes to every decoder: they may refuse, never
// panic or allocate beyond what the input can hold.
func FuzzDecoders(f *testing.F) {
	b, _ := EncodeBatch(Batch{Concepts: []Concept{{ID: "c", Prompts: []string{"p"}, Embedding: []float32{1}}}})
	f.Add(b)
	m, _ := EncodeMetricBatch(Images{N: 1, C: 1, H: 1, W: 1, Pix: []float32{1}}, Images{N: 1, C: 1, H: 1, W: 1, Pix: []float32{0}})
	f.Add(m)
	f.Add(EncodeScore(Score{Value: 1, Sub: []SubScore{{"a", 2}}}))
	f.Add([]byte{3, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		DecodeBatch(data)
		DecodeMetricBatch(data)
		DecodeScore(data)
		DecodeVerdicts(data)
		DecodeEnvelope(data)
	})
}
