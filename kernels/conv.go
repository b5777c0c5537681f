package kernels

import "fmt"

// ConvShape describes a 2-D convolution on NCHW tensors with a KH×KW kernel, strides
// SH (rows) and SW (columns), zero padding PH above and below and PW left and right,
// no dilation and no groups:
//
//	// x:    (N, C, H, W)
//	// w:    (F, C, KH, KW)
//	// bias: (F)
//	// y:    (N, F, OH, OW), OH = (H + 2·PH − KH)/SH + 1, OW = (W + 2·PW − KW)/SW + 1
//
// Square convolutions (conv2d) have KH = KW; 1-D convolutions along a row (conv1d on
// images of height 1) have KH = 1, SH = 1, PH = 0.
type ConvShape struct{ N, C, H, W, F, KH, KW, SH, SW, PH, PW int }

// Square is the shape of a convolution with a k×k kernel, the same stride and
// padding on both axes.
func Square(n, c, h, w, f, k, stride, pad int) ConvShape {
	return ConvShape{N: n, C: c, H: h, W: w, F: f, KH: k, KW: k, SH: stride, SW: stride, PH: pad, PW: pad}
}

// OutH is the output height (H + 2·PH − KH)/SH + 1 (integer division).
func (s ConvShape) OutH() int { return (s.H+2*s.PH-s.KH)/s.SH + 1 }

// OutW is the output width (W + 2·PW − KW)/SW + 1 (integer division).
func (s ConvShape) OutW() int { return (s.W+2*s.PW-s.KW)/s.SW + 1 }

// Check panics with a message naming the shape unless every size is positive, the
// paddings are ≥ 0, and the padded input is at least one kernel wide in each direction.
func (s ConvShape) Check() {
	switch {
	case s.N < 1 || s.C < 1 || s.H < 1 || s.W < 1 || s.F < 1 || s.KH < 1 || s.KW < 1:
		panic(fmt.Sprintf("kernels: conv shape %+v: N, C, H, W, F, KH and KW must be ≥ 1", s))
	case s.SH < 1 || s.SW < 1:
		panic(fmt.Sprintf("kernels: conv shape %+v: strides SH and SW must be ≥ 1", s))
	case s.PH < 0 || s.PW < 0:
		panic(fmt.Sprintf("kernels: conv shape %+v: paddings PH and PW must be ≥ 0", s))
	case s.H+2*s.PH < s.KH || s.W+2*s.PW < s.KW:
		panic(fmt.Sprintf("kernels: conv shape %+v: kernel %d×%d larger than padded input %d×%d",
			s, s.KH, s.KW, s.H+2*s.PH, s.W+2*s.PW))
	}
}

// colRows is C·KH·KW, the rows of one image's im2col matrix.
func (s ConvShape) colRows() int { return s.C * s.KH * s.KW }

// Im2col writes the im2col matrix of image n of x into dst, zero where the kernel
// window lies in the padding:
//
//	// x: (N, C, H, W); dst: (C·KH·KW, OH·OW)
//	for c, ki, kj, oh, ow:
//		ih, iw := oh·SH − PH + ki, ow·SW − PW + kj
//		dst[((c·KH+ki)·KW+kj)·OH·OW + oh·OW + ow] = x[n, c, ih, iw]  // 0 outside H×W
func Im2col[T Float](dst, x []T, s ConvShape, n int) {
	s.Check()
	checkImage("Im2col", n, s)
	needLen("Im2col", "x", len(x), s.N*s.C*s.H*s.W)
	oh, ow := s.OutH(), s.OutW()
	needLen("Im2col", "dst", len(dst), s.colRows()*oh*ow)
	img := x[n*s.C*s.H*s.W : (n+1)*s.C*s.H*s.W]
	r := 0
	for c := 0; c < s.C; c++ {
		plane := img[c*s.H*s.W : (c+1)*s.H*s.W]
		for ki := 0; ki < s.KH; ki++ {
			for kj := 0; kj < s.KW; kj++ {
				row := dst[r*oh*ow : (r+1)*oh*ow]
				r++
				off, lo, hi := s.inside(kj, ow)
				for y := 0; y < oh; y++ {
					out := row[y*ow : (y+1)*ow]
					ih := y*s.SH - s.PH + ki
					if ih < 0 || ih >= s.H {
						clear(out)
						continue
					}
					in := plane[ih*s.W : (ih+1)*s.W]
					for xo := range lo { // a few columns: a loop beats clear's call here
						out[xo] = 0
					}
					for xo := hi; xo < ow; xo++ {
						out[xo] = 0
					}
					if s.SW == 1 {
						copy(out[lo:hi], in[lo+off:hi+off])
						continue
					}
					for xo := lo; xo < hi; xo++ {
						out[xo] = in[xo*s.SW+off]
					}
				}
			}
		}
	}
}

// inside returns, for kernel column kj, the offset off such that output column xo
// reads input column xo·SW + off, and the range [lo, hi) of output columns whose
// input column lies in [0, W) rather than in the padding. Im2col and Col2im treat a
// row as three runs (padding, inside, padding) instead of testing every element.
func (s ConvShape) inside(kj, ow int) (off, lo, hi int) {
	off = kj - s.PW
	if off < 0 {
		lo = min((-off+s.SW-1)/s.SW, ow)
	}
	if last := s.W - 1 - off; last >= 0 {
		hi = min(last/s.SW+1, ow)
	}
	return off, lo, max(hi, lo)
}

// Col2im is the adjoint of Im2col: it ACCUMULATES the im2col matrix cols into image
// n of dst (the rest of dst is untouched), dropping entries that fall in the padding:
//
//	// cols: (C·KH·KW, OH·OW); dst: (N, C, H, W)
//	for c, ki, kj, oh, ow:
//		ih, iw := oh·SH − PH + ki, ow·SW − PW + kj
//		if 0 ≤ ih < H && 0 ≤ iw < W {
//			dst[n, c, ih, iw] += cols[((c·KH+ki)·KW+kj)·OH·OW + oh·OW + ow]
//		}
func Col2im[T Float](dst, cols []T, s ConvShape, n int) {
	s.Check()
	checkImage("Col2im", n, s)
	needLen("Col2im", "dst", len(dst), s.N*s.C*s.H*s.W)
	oh, ow := s.OutH(), s.OutW()
	needLen("Col2im", "cols", len(cols), s.colRows()*oh*ow)
	img := dst[n*s.C*s.H*s.W : (n+1)*s.C*s.H*s.W]
	r := 0
	for c := 0; c < s.C; c++ {
		plane := img[c*s.H*s.W : (c+1)*s.H*s.W]
		for ki := 0; ki < s.KH; ki++ {
			for kj := 0; kj < s.KW; kj++ {
				row := cols[r*oh*ow : (r+1)*oh*ow]
				r++
				off, lo, hi := s.inside(kj, ow)
				for y := 0; y < oh; y++ {
					ih := y*s.SH - s.PH + ki
					if ih < 0 || ih >= s.H {
						continue
					}
					out := plane[ih*s.W : (ih+1)*s.W]
					in := row[y*ow : (y+1)*ow]
					if s.SW == 1 {
						out := out[lo+off : hi+off]
						for i, v := range in[lo:hi] {
							out[i] += v
						}
						continue
					}
					for xo := lo; xo < hi; xo++ {
						out[xo*s.SW+off] += in[xo]
					}
				}
			}
		}
	}
}

// Conv2d computes the convolution (cross-correlation, as in PyTorch) of x with w plus
// bias, which may be nil:
//
//	// dst: (N, F, OH, OW); x: (N, C, H, W); w: (F, C, KH, KW); bias: (F)
//	dst[n, f, oh, ow] = bias[f] + Σ_{c, ki, kj} w[f, c, ki, kj] · x[n, c, oh·SH−PH+ki, ow·SW−PW+kj]
//
// with x zero outside H×W. Per image it runs Im2col, then
// Gemm: dst[n] (F, OH·OW) = w (F, C·KH·KW) · cols (C·KH·KW, OH·OW).
func Conv2d[T Float](dst, x, w, bias []T, s ConvShape) {
	s.Check()
	oh, ow := s.OutH(), s.OutW()
	needLen("Conv2d", "dst", len(dst), s.N*s.F*oh*ow)
	needLen("Conv2d", "x", len(x), s.N*s.C*s.H*s.W)
	needLen("Conv2d", "w", len(w), s.F*s.colRows())
	if bias != nil {
		needLen("Conv2d", "bias", len(bias), s.F)
	}
	p, kk := oh*ow, s.colRows()
	cols := scratch[T](workers(s.N), kk*p)
	forEach(s.N, func(wk, n int) {
		Im2col(cols[wk], x, s, n)
		y := dst[n*s.F*p : (n+1)*s.F*p]
		gemm(false, false, s.F, p, kk, 1, w, cols[wk], 0, y)
		if bias != nil {
			for f, bv := range bias {
				yf := y[f*p : (f+1)*p]
				for i := range yf {
					yf[i] += bv
				}
			}
		}
	})
}

// Conv2dBackwardData computes dx = ∂L/∂x of Conv2d given dy = ∂L/∂y:
//
//	// dx: (N, C, H, W); dy: (N, F, OH, OW); w: (F, C, KH, KW)
//	dx[n, c, ih, iw] = Σ_{f, oh, ow, ki, kj : oh·SH−PH+ki = ih, ow·SW−PW+kj = iw}
//	                   w[f, c, ki, kj] · dy[n, f, oh, ow]
//
// Per image: dcols (C·KH·KW, OH·OW) = wᵀ · dy[n] by Gemm, then Col2im into a zeroed dx.
func Conv2dBackwardData[T Float](dx, dy, w []T, s ConvShape) {
	s.Check()
	oh, ow := s.OutH(), s.OutW()
	needLen("Conv2dBackwardData", "dx", len(dx), s.N*s.C*s.H*s.W)
	needLen("Conv2dBackwardData", "dy", len(dy), s.N*s.F*oh*ow)
	needLen("Conv2dBackwardData", "w", len(w), s.F*s.colRows())
	p, kk := oh*ow, s.colRows()
	dcols := scratch[T](workers(s.N), kk*p)
	clear(dx)
	forEach(s.N, func(wk, n int) { // Col2im writes only image n of dx
		gemm(true, false, kk, p, s.F, 1, w, dy[n*s.F*p:(n+1)*s.F*p], 0, dcols[wk])
		Col2im(dx, dcols[wk], s, n)
	})
}

// Conv2dBackwardFilter computes dw = ∂L/∂w and dbias = ∂L/∂bias of Conv2d given
// dy = ∂L/∂y; dbias may be nil:
//
//	// dw: (F, C, KH, KW); dbias: (F); dy: (N, F, OH, OW); x: (N, C, H, W)
//	dw[f, c, ki, kj] = Σ_{n, oh, ow} dy[n, f, oh, ow] · x[n, c, oh·SH−PH+ki, ow·SW−PW+kj]
//	dbias[f]         = Σ_{n, oh, ow} dy[n, f, oh, ow]
//
// Per image: dw (F, C·KH·KW) += dy[n] (F, OH·OW) · colsᵀ (OH·OW, C·KH·KW) by Gemm. The images
// are split over the workers of forEach, so dw is summed in an order fixed by GOMAXPROCS.
func Conv2dBackwardFilter[T Float](dw, dbias, dy, x []T, s ConvShape) {
	s.Check()
	oh, ow := s.OutH(), s.OutW()
	needLen("Conv2dBackwardFilter", "dw", len(dw), s.F*s.colRows())
	if dbias != nil {
		needLen("Conv2dBackwardFilter", "dbias", len(dbias), s.F)
	}
	needLen("Conv2dBackwardFilter", "dy", len(dy), s.N*s.F*oh*ow)
	needLen("Conv2dBackwardFilter", "x", len(x), s.N*s.C*s.H*s.W)
	p, kk := oh*ow, s.colRows()
	nw := workers(s.N)
	cols := scratch[T](nw, kk*p)
	// Each worker sums its images into its own (dw, dbias) partials; worker 0's are
	// dw itself and the first of dbs. The partials are added in worker order.
	dws, dbs := append([][]T{dw}, scratch[T](nw-1, len(dw))...), scratch[T](nw, s.F)
	clear(dw)
	forEach(s.N, func(wk, n int) {
		Im2col(cols[wk], x, s, n)
		g := dy[n*s.F*p : (n+1)*s.F*p]
		gemm(false, true, s.F, kk, p, 1, g, cols[wk], 1, dws[wk])
		for f := range s.F {
			var sum T
			for _, v := range g[f*p : (f+1)*p] {
				sum += v
			}
			dbs[wk][f] += sum
		}
	})
	for wk := 1; wk < nw; wk++ {
		for i, v := range dws[wk] {
			dw[i] += v
		}
		for f, v := range dbs[wk] {
			dbs[0][f] += v
		}
	}
	if dbias != nil {
		copy(dbias, dbs[0])
	}
}

// checkImage panics unless 0 ≤ n < s.N.
func checkImage(kernel string, n int, s ConvShape) {
	if n < 0 || n >= s.N {
		panic(fmt.Sprintf("kernels: %s: image %d out of range [0, %d)", kernel, n, s.N))
	}
}
