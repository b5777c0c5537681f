package ext

import "fmt"

// Images is a batch of N images of C channels and H×W pixels, float32 NCHW with
// values in [-1, 1].
type Images struct {
	N, C, H, W int
	Pix        []float32 // (N, C, H, W)
}

// Len is the number of values of one image, C·H·W.
func (im Images) Len() int { return im.C * im.H * im.W }

// At is image i, (C, H, W): a view, not a copy.
func (im Images) At(i int) []float32 { n := im.Len(); return im.Pix[i*n : (i+1)*n : (i+1)*n] }

// check reports a batch whose shape and data disagree.
func (im Images) check() error {
	if im.N < 0 || im.C < 0 || im.H < 0 || im.W < 0 || len(im.Pix) != im.N*im.Len() {
		return fmt.Errorf("ext: images (%d, %d, %d, %d) hold %d values", im.N, im.C, im.H, im.W, len(im.Pix))
	}
	return nil
}

// EncodeMetricBatch encodes a metric call's input: u32 N, C, H, W, then the
// predictions and the targets as N·C·H·W f32 each (ABI.md, "dnw_metric").
func EncodeMetricBatch(pred, target Images) ([]byte, error) {
	return AppendMetricBatch(nil, pred, target)
}

// AppendMetricBatch is EncodeMetricBatch appending to dst, so a host can encode
// straight into a buffer it owns.
func AppendMetricBatch(dst []byte, pred, target Images) ([]byte, error) {
	if err := pred.check(); err != nil {
		return nil, err
	}
	if pred.N != target.N || pred.C != target.C || pred.H != target.H || pred.W != target.W || len(target.Pix) != len(pred.Pix) {
		return nil, fmt.Errorf("ext: predictions (%d, %d, %d, %d) and targets (%d, %d, %d, %d) differ in shape",
			pred.N, pred.C, pred.H, pred.W, target.N, target.C, target.H, target.W)
	}
	w := writer{b: dst}
	for _, d := range []int{pred.N, pred.C, pred.H, pred.W} {
		w.u32(uint32(d))
	}
	w.floats(pred.Pix)
	w.floats(target.Pix)
	return w.b, nil
}

// MetricBatchSize is the encoded size of a metric batch of these images.
func MetricBatchSize(pred Images) int { return 16 + 8*len(pred.Pix) }

// DecodeMetricBatch decodes what EncodeMetricBatch encoded; the images are views of
// b where it is 4-aligned.
func DecodeMetricBatch(b []byte) (pred, target Images, err error) {
	r := reader{b: b}
	d := r.dims(4)
	pred.N, pred.C, pred.H, pred.W = d[0], d[1], d[2], d[3]
	n := pred.N * pred.Len()
	if r.err == nil && (n < 0 || 8*n != len(b)-16) {
		return pred, target, fmt.Errorf("ext: metric batch (%d, %d, %d, %d) needs %d bytes of pixels, has %d",
			pred.N, pred.C, pred.H, pred.W, 8*n, len(b)-16)
	}
	target = pred
	pred.Pix, target.Pix = r.floats(n), r.floats(n)
	return pred, target, r.done()
}

// Score is what a metric returns: one number in the metric's direction, and
// optional named sub-scores reported beside it.
type Score struct {
	Value float64
	Sub   []SubScore
}

// SubScore is a named part of a Score.
type SubScore struct {
	Name  string
	Value float64
}

// EncodeScore encodes a Score: f64 value, u32 K, then K × (string name, f64 value).
func EncodeScore(s Score) []byte {
	var w writer
	w.f64(s.Value)
	w.u32(uint32(len(s.Sub)))
	for _, sub := range s.Sub {
		w.str(sub.Name)
		w.f64(sub.Value)
	}
	return w.b
}

// DecodeScore decodes what EncodeScore encoded.
func DecodeScore(b []byte) (Score, error) {
	r := reader{b: b}
	s := Score{Value: r.f64()}
	for k := r.count(12); k > 0 && r.err == nil; k-- {
		s.Sub = append(s.Sub, SubScore{Name: r.str(), Value: r.f64()})
	}
	return s, r.done()
}
