package imaging

import "math"

// Structure edits that move whole pixels: flips, quarter turns and blocks.

// mirrorTo flips left to right: dst(x, y) = src(W−1−x, y).
func mirrorTo(dst, src *Image) {
	w := src.W
	for row := range 3 * src.H {
		in, out := src.Pix[row*w:(row+1)*w], dst.Pix[row*w:(row+1)*w]
		for x := range w {
			out[x] = in[w-1-x]
		}
	}
}

// flipTo turns the image upside down: dst(x, y) = src(x, H−1−y).
func flipTo(dst, src *Image) {
	h, w := src.H, src.W
	for c := range 3 {
		for y := range h {
			copy(dst.Pix[(c*h+y)*w:(c*h+y+1)*w], src.Pix[(c*h+h-1-y)*w:(c*h+h-y)*w])
		}
	}
}

// rotate90To turns the image counter-clockwise by round(turns) quarter turns; an odd
// number swaps its height and width. One quarter turn is dst(x, y) = src(W−1−y, x),
// dst being W high and H wide.
func rotate90To(dst, src *Image, turns float64) {
	n := int(math.Round(turns)) % 4
	h, w := src.H, src.W
	p := h * w
	switch n {
	case 0:
		copy(dst.Pix, src.Pix)
	case 2: // half a turn: dst(x, y) = src(W−1−x, H−1−y)
		for c := range 3 {
			for k := range p {
				dst.Pix[c*p+k] = src.Pix[c*p+p-1-k]
			}
		}
	default:
		dst.H, dst.W = w, h
		for c := range 3 {
			in, out := src.Pix[c*p:(c+1)*p], dst.Pix[c*p:(c+1)*p]
			for y := range w { // dst rows
				for x := range h { // dst columns
					if n == 1 {
						out[y*h+x] = in[x*w+w-1-y] // src(W−1−y, x)
					} else {
						out[y*h+x] = in[(h-1-x)*w+y] // three quarters: src(y, H−1−x)
					}
				}
			}
		}
	}
}

// pixelateTo replaces each n×n block (n = round(block), blocks from the top-left
// corner, partial ones at the right and bottom edges) by its mean colour.
func pixelateTo(dst, src *Image, block float64) {
	n := int(math.Round(block))
	h, w := src.H, src.W
	p := h * w
	for c := range 3 {
		in, out := src.Pix[c*p:(c+1)*p], dst.Pix[c*p:(c+1)*p]
		for y0 := 0; y0 < h; y0 += n {
			for x0 := 0; x0 < w; x0 += n {
				y1, x1 := min(y0+n, h), min(x0+n, w)
				var sum float32
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						sum += in[y*w+x]
					}
				}
				mean := clamp1(sum / float32((y1-y0)*(x1-x0)))
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						out[y*w+x] = mean
					}
				}
			}
		}
	}
}
