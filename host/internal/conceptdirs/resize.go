package conceptdirs

import (
	"image"
	"image/color"
	"math"

	"dnw/host/internal/imaging"
)

// square returns the centre square of src (side min(W, H); the odd pixel left over
// goes to the right or bottom) converted with imaging.FromGo and resized to
// size×size.
func square(src image.Image, size int) *imaging.Image {
	b := src.Bounds()
	s := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-s)/2, b.Min.Y+(b.Dy()-s)/2
	return resize(imaging.FromGo(window{src, image.Rect(x0, y0, x0+s, y0+s)}), size)
}

// window is src seen through r, for any image type (not all have SubImage).
type window struct {
	src image.Image
	r   image.Rectangle
}

func (w window) ColorModel() color.Model { return w.src.ColorModel() }
func (w window) Bounds() image.Rectangle { return w.r }
func (w window) At(x, y int) color.Color { return w.src.At(x, y) }

// resize returns the square image src (3, n, n) resized to (3, size, size): area
// averaging when shrinking, bilinear when enlarging, one axis after the other.
//
//	tmp[c, y, ox] = Σ_k wx[ox][k].w · src[c, y, wx[ox][k].i]
//	dst[c, oy, ox] = Σ_k wy[oy][k].w · tmp[c, wy[oy][k].i, ox]
func resize(src *imaging.Image, size int) *imaging.Image {
	if src.H == size && src.W == size {
		return src.Clone()
	}
	wx, wy := taps(src.W, size), taps(src.H, size)
	tmp := make([]float32, 3*src.H*size) // (3, H, size)
	for c := range 3 {
		for y := range src.H {
			row := src.Pix[(c*src.H+y)*src.W:][:src.W]
			out := tmp[(c*src.H+y)*size:][:size]
			for ox, ts := range wx {
				var v float32
				for _, t := range ts {
					v += t.w * row[t.i]
				}
				out[ox] = v
			}
		}
	}
	dst := imaging.New(size, size)
	for c := range 3 {
		plane := tmp[c*src.H*size:][:src.H*size]
		for oy, ts := range wy {
			out := dst.Pix[(c*size+oy)*size:][:size]
			for _, t := range ts {
				in := plane[t.i*size:][:size]
				for x := range out {
					out[x] += t.w * in[x]
				}
			}
		}
	}
	return dst
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
