package conceptdirs

import (
	"image"
	"math"

	"dnw/host/internal/imaging"
)

// square returns the centre square of src (side min(W, H); the odd pixel left over
// goes to the right or bottom) converted as imaging.FromGo does and resized to
// size×size: area averaging when shrinking, bilinear when enlarging, one axis after
// the other.
//
//	row[c, x]       = src[c, y, x] for one source row y of the square (side s)
//	h[c, ox]        = Σ_k wx[ox][k].w · row[c, wx[ox][k].i]
//	dst[c, oy, ox] += w · h[c, ox] for each (oy, w) that row y feeds
//
// It reads src one row at a time and keeps only the output and two rows, never a
// full-size copy: an 8000×8000 photo made a 768 MB float copy when converted
// first. For each output row the terms are summed in source-row order, the order
// of the column-wise pass that this replaces, so the results are the same.
func square(src image.Image, size int) *imaging.Image {
	b := src.Bounds()
	s := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-s)/2, b.Min.Y+(b.Dy()-s)/2
	wx, feeds := taps(s, size), transpose(taps(s, size), s)
	dst := imaging.New(size, size)
	row := make([]float32, 3*s)  // (3, s)
	h := make([]float32, 3*size) // (3, size)
	for y := range s {
		if len(feeds[y]) == 0 {
			continue // a row between the samples of an enlargement
		}
		readRow(row, src, x0, y0+y, s)
		for c := range 3 {
			in, out := row[c*s:][:s], h[c*size:][:size]
			for ox, ts := range wx {
				var v float32
				for _, t := range ts {
					v += t.w * in[t.i]
				}
				out[ox] = v
			}
		}
		for _, f := range feeds[y] {
			for c := range 3 {
				in := h[c*size:][:size]
				out := dst.Pix[(c*size+f.i)*size:][:size]
				for x := range out {
					out[x] += f.w * in[x]
				}
			}
		}
	}
	return dst
}

// readRow writes row y of src, columns x0 … x0+n−1, into dst (3, n) as
// imaging.FromGo converts: 16-bit levels to [-1, 1]. The standard image types have
// RGBA64At, which returns what At(x, y).RGBA() does without allocating a color.
func readRow(dst []float32, src image.Image, x0, y, n int) {
	r, g, b := dst[:n], dst[n:2*n], dst[2*n:3*n]
	if m, ok := src.(image.RGBA64Image); ok {
		for x := range n {
			c := m.RGBA64At(x0+x, y)
			r[x], g[x], b[x] = float32(c.R)/32767.5-1, float32(c.G)/32767.5-1, float32(c.B)/32767.5-1
		}
		return
	}
	for x := range n {
		cr, cg, cb, _ := src.At(x0+x, y).RGBA()
		r[x], g[x], b[x] = float32(cr)/32767.5-1, float32(cg)/32767.5-1, float32(cb)/32767.5-1
	}
}

// transpose turns taps (for each output sample, the source samples it reads) into
// the output samples each of the in source samples feeds, with the same weights;
// each list is in output order, and each output's terms stay in source order.
func transpose(ts [][]tap, in int) [][]tap {
	feeds := make([][]tap, in)
	for o, t := range ts {
		for _, k := range t {
			feeds[k.i] = append(feeds[k.i], tap{o, k.w})
		}
	}
	return feeds
}

// tap is one source sample and its weight in an output sample.
type tap struct {
	i int
	w float32
}

// taps returns, for each of the out samples of an axis resized from in samples,
// the source samples it reads and their weights, which sum to 1.
//
// Shrinking (out < in) averages areas: measured in units of 1/out of a source pixel,
// output o covers [o·in, (o+1)·in) and source i covers [i·out, (i+1)·out), so the
// weight of i is their overlap over in, exactly in integers.
//
// Enlarging (out > in) is bilinear with pixel centres aligned: output o samples the
// source at x = (o + ½)·in/out − ½, clamped to [0, in−1].
func taps(in, out int) [][]tap {
	ts := make([][]tap, out)
	for o := range ts {
		switch {
		case out == in:
			ts[o] = []tap{{o, 1}}
		case out < in:
			lo, hi := o*in, (o+1)*in
			for i := lo / out; i < in && i*out < hi; i++ {
				if overlap := min(hi, (i+1)*out) - max(lo, i*out); overlap > 0 {
					ts[o] = append(ts[o], tap{i, float32(overlap) / float32(in)})
				}
			}
		default:
			x := (float64(o)+0.5)*float64(in)/float64(out) - 0.5
			x = min(max(x, 0), float64(in-1))
			i := int(math.Floor(x))
			f := float32(x - float64(i))
			ts[o] = []tap{{i, 1 - f}}
			if f > 0 {
				ts[o] = append(ts[o], tap{i + 1, f})
			}
		}
	}
	return ts
}
