package main

import (
	"math"
	"math/rand/v2"

	"dnw/sdk/ext"
)

func init() {
	ext.Metric(ext.Info{Name: "frd", Version: "1.0.0",
		Description: "Fréchet distance between Gaussian fits of 64 features from a fixed random conv net (a stand-in for FID, not comparable with it; lower is better, 0 for identical batches); needs batches of at least 2 RGB images"}, frd)
}

func main() {}

// The network's seeds and channels (host/internal/metrics.FRDSeed1, FRDSeed2).
const (
	seed1, seed2 = 0x646e77, 0x667264
	features     = 64
)

var channels = [4]int{3, 16, 32, 64}

// weights are the network's convolutions, each (Cout, Cin, 3, 3), and packed
// the same values laid out for conv4x4: (Cout/4, Cin, 9 taps, 4 outputs).
var weights, packed = drawWeights()

func drawWeights() (ws, ps [3][]float64) {
	rng := rand.New(rand.NewPCG(seed1, seed2))
	for l := range ws {
		cin, cout := channels[l], channels[l+1]
		std := math.Sqrt(2 / float64(cin*9))
		ws[l] = make([]float64, cout*cin*9)
		for i := range ws[l] {
			ws[l][i] = rng.NormFloat64() * std
		}
		ps[l] = make([]float64, len(ws[l]))
		for o := range cout {
			for i := range cin {
				for t := range 9 {
					ps[l][((o/4*cin+i)*9+t)*4+o%4] = ws[l][(o*cin+i)*9+t]
				}
			}
		}
	}
	return ws, ps
}

func frd(pred, target ext.Images) ext.Score {
	if pred.C != 3 || pred.N < 2 || pred.H < 1 || pred.W < 1 {
		ext.Errorf("frd: needs at least 2 RGB images of at least one pixel, got (%d, %d, %d, %d)", pred.N, pred.C, pred.H, pred.W)
	}
	return ext.Score{Value: frechet(featuresOf(pred), featuresOf(target))}
}

// featuresOf runs the network on each image: (N, 64). Activations live in
// zero-padded planes, (C, H+2, W+2), so that the convolutions need no bounds
// tests; only the interiors are ever written, so the borders stay 0.
func featuresOf(im ext.Images) [][]float64 {
	var acts [4][]float64
	hs, ws := [4]int{im.H}, [4]int{im.W}
	for l := range acts {
		if l > 0 {
			hs[l], ws[l] = (hs[l-1]+1)/2, (ws[l-1]+1)/2
		}
		acts[l] = make([]float64, channels[l]*(hs[l]+2)*(ws[l]+2))
	}
	feats := make([][]float64, im.N)
	for n := range feats {
		pix := im.At(n)
		h, w := im.H, im.W
		for r := range im.C * h {
			c, y := r/h, r%h
			widen(acts[0][(c*(h+2)+y+1)*(w+2)+1:][:w], pix[r*w:(r+1)*w])
		}
		for l := range 3 {
			if (ws[l]+1)/2 >= 4 {
				conv4x4(acts[l+1], acts[l], channels[l], hs[l], ws[l], packed[l], channels[l+1])
			} else {
				conv(acts[l+1], acts[l], channels[l], hs[l], ws[l], weights[l], channels[l+1])
			}
		}
		f := make([]float64, features)
		plane := (hs[3] + 2) * (ws[3] + 2)
		for c := range f {
			f[c] = sum(acts[3][c*plane:(c+1)*plane]) / float64(hs[3]*ws[3]) // the border adds 0
		}
		feats[n] = f
	}
	return feats
}

// widen is dst[i] = float64(src[i]), eight values per loop iteration: wazero's
// deadline check costs about 30 ns at every loop iteration of a guest (and at
// every taken jump and call of Go compiled to wasm: docs/benchmarks.md, "What
// the deadline costs").
func widen(dst []float64, src []float32) {
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		d, s := dst[i:i+8:i+8], src[i:i+8:i+8]
		d[0], d[1], d[2], d[3] = float64(s[0]), float64(s[1]), float64(s[2]), float64(s[3])
		d[4], d[5], d[6], d[7] = float64(s[4]), float64(s[5]), float64(s[6]), float64(s[7])
	}
	for ; i < len(src); i++ {
		dst[i] = float64(src[i])
	}
}

// sum is Σx, eight values per loop iteration.
func sum(x []float64) float64 {
	s := 0.0
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s += v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7]
	}
	for ; i < len(x); i++ {
		s += x[i]
	}
	return s
}

// conv is a 3×3 convolution of stride 2 and padding 1 without bias, then ReLU,
// on padded planes: in (cin, h+2, w+2), w (cout, cin, 3, 3), out (cout, oh+2,
// ow+2) with oh = ⌈h/2⌉, ow = ⌈w/2⌉, interior only:
//
//	out[o][y+1][x+1] = max(0, Σ_{i,ky,kx} w[o][i][ky][kx] · in[i][2y+ky][2x+kx])
//
// The plain loops, for outputs narrower than conv4x4 needs.
func conv(out, in []float64, cin, h, w int, wt []float64, cout int) {
	oh, ow := (h+1)/2, (w+1)/2
	for o := range cout {
		for y := range oh {
			for x := range ow {
				s := 0.0
				for i := range cin {
					for ky := range 3 {
						for kx := range 3 {
							s += wt[((o*cin+i)*3+ky)*3+kx] * in[(i*(h+2)+2*y+ky)*(w+2)+2*x+kx]
						}
					}
				}
				out[(o*(oh+2)+y+1)*(ow+2)+x+1] = relu(s)
			}
		}
	}
}

// relu is max(0, x) without a branch: (x + |x|)/2 is exactly x for x ≥ 0 and 0
// below, and math.Abs is one wasm instruction, where Go's max of floats calls
// the runtime (its NaN and ±0 rules), a function call and taken branches that
// each cost a deadline check.
func relu(x float64) float64 { return (x + math.Abs(x)) / 2 }

// conv4x4 is conv for outputs at least 4 wide, with the packed weights
// (Cout/4, Cin, 9, 4): each innermost iteration adds one input channel's 3×3
// taps to a block of 4 output channels × 4 neighbouring outputs, 144
// multiply-adds. Where ow is not a multiple of 4 the last block of a row overlaps
// the one before and rewrites the same values.
func conv4x4(out, in []float64, cin, h, w int, wp []float64, cout int) {
	oh, ow := (h+1)/2, (w+1)/2
	iw, ip := w+2, (h+2)*(w+2)
	op := (oh + 2) * (ow + 2)
	for g := range cout / 4 {
		wg := wp[g*cin*36 : (g+1)*cin*36]
		for y := range oh {
			for x := 0; x < ow; x += 4 {
				x = min(x, ow-4)
				var a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33 float64
				at := 2*y*iw + 2*x // the block's top left input, padded coordinates
				for i := range cin {
					o := i*ip + at
					x0 := (*[9]float64)(in[o : o+9])
					x1 := (*[9]float64)(in[o+iw : o+iw+9])
					x2 := (*[9]float64)(in[o+2*iw : o+2*iw+9])
					wk := (*[36]float64)(wg[i*36 : i*36+36])
					a00 += wk[0]*x0[0] + wk[4]*x0[1] + wk[8]*x0[2] + wk[12]*x1[0] + wk[16]*x1[1] + wk[20]*x1[2] + wk[24]*x2[0] + wk[28]*x2[1] + wk[32]*x2[2]
					a01 += wk[0]*x0[2] + wk[4]*x0[3] + wk[8]*x0[4] + wk[12]*x1[2] + wk[16]*x1[3] + wk[20]*x1[4] + wk[24]*x2[2] + wk[28]*x2[3] + wk[32]*x2[4]
					a02 += wk[0]*x0[4] + wk[4]*x0[5] + wk[8]*x0[6] + wk[12]*x1[4] + wk[16]*x1[5] + wk[20]*x1[6] + wk[24]*x2[4] + wk[28]*x2[5] + wk[32]*x2[6]
					a03 += wk[0]*x0[6] + wk[4]*x0[7] + wk[8]*x0[8] + wk[12]*x1[6] + wk[16]*x1[7] + wk[20]*x1[8] + wk[24]*x2[6] + wk[28]*x2[7] + wk[32]*x2[8]
					a10 += wk[1]*x0[0] + wk[5]*x0[1] + wk[9]*x0[2] + wk[13]*x1[0] + wk[17]*x1[1] + wk[21]*x1[2] + wk[25]*x2[0] + wk[29]*x2[1] + wk[33]*x2[2]
					a11 += wk[1]*x0[2] + wk[5]*x0[3] + wk[9]*x0[4] + wk[13]*x1[2] + wk[17]*x1[3] + wk[21]*x1[4] + wk[25]*x2[2] + wk[29]*x2[3] + wk[33]*x2[4]
					a12 += wk[1]*x0[4] + wk[5]*x0[5] + wk[9]*x0[6] + wk[13]*x1[4] + wk[17]*x1[5] + wk[21]*x1[6] + wk[25]*x2[4] + wk[29]*x2[5] + wk[33]*x2[6]
					a13 += wk[1]*x0[6] + wk[5]*x0[7] + wk[9]*x0[8] + wk[13]*x1[6] + wk[17]*x1[7] + wk[21]*x1[8] + wk[25]*x2[6] + wk[29]*x2[7] + wk[33]*x2[8]
					a20 += wk[2]*x0[0] + wk[6]*x0[1] + wk[10]*x0[2] + wk[14]*x1[0] + wk[18]*x1[1] + wk[22]*x1[2] + wk[26]*x2[0] + wk[30]*x2[1] + wk[34]*x2[2]
					a21 += wk[2]*x0[2] + wk[6]*x0[3] + wk[10]*x0[4] + wk[14]*x1[2] + wk[18]*x1[3] + wk[22]*x1[4] + wk[26]*x2[2] + wk[30]*x2[3] + wk[34]*x2[4]
					a22 += wk[2]*x0[4] + wk[6]*x0[5] + wk[10]*x0[6] + wk[14]*x1[4] + wk[18]*x1[5] + wk[22]*x1[6] + wk[26]*x2[4] + wk[30]*x2[5] + wk[34]*x2[6]
					a23 += wk[2]*x0[6] + wk[6]*x0[7] + wk[10]*x0[8] + wk[14]*x1[6] + wk[18]*x1[7] + wk[22]*x1[8] + wk[26]*x2[6] + wk[30]*x2[7] + wk[34]*x2[8]
					a30 += wk[3]*x0[0] + wk[7]*x0[1] + wk[11]*x0[2] + wk[15]*x1[0] + wk[19]*x1[1] + wk[23]*x1[2] + wk[27]*x2[0] + wk[31]*x2[1] + wk[35]*x2[2]
					a31 += wk[3]*x0[2] + wk[7]*x0[3] + wk[11]*x0[4] + wk[15]*x1[2] + wk[19]*x1[3] + wk[23]*x1[4] + wk[27]*x2[2] + wk[31]*x2[3] + wk[35]*x2[4]
					a32 += wk[3]*x0[4] + wk[7]*x0[5] + wk[11]*x0[6] + wk[15]*x1[4] + wk[19]*x1[5] + wk[23]*x1[6] + wk[27]*x2[4] + wk[31]*x2[5] + wk[35]*x2[6]
					a33 += wk[3]*x0[6] + wk[7]*x0[7] + wk[11]*x0[8] + wk[15]*x1[6] + wk[19]*x1[7] + wk[23]*x1[8] + wk[27]*x2[6] + wk[31]*x2[7] + wk[35]*x2[8]
				}
				o := (4*g*(oh+2)+y+1)*(ow+2) + x + 1
				o0, o1, o2, o3 := out[o:o+4:o+4], out[o+op:o+op+4:o+op+4], out[o+2*op:o+2*op+4:o+2*op+4], out[o+3*op:o+3*op+4:o+3*op+4]
				o0[0], o0[1], o0[2], o0[3] = relu(a00), relu(a01), relu(a02), relu(a03)
				o1[0], o1[1], o1[2], o1[3] = relu(a10), relu(a11), relu(a12), relu(a13)
				o2[0], o2[1], o2[2], o2[3] = relu(a20), relu(a21), relu(a22), relu(a23)
				o3[0], o3[1], o3[2], o3[3] = relu(a30), relu(a31), relu(a32), relu(a33)
			}
		}
	}
}
