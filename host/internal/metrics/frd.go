package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"

	"dnw/sdk/ext"
)

// The feature network of FRD. Its weights are drawn once from
// rand.New(rand.NewPCG(FRDSeed1, FRDSeed2)): the ASCII codes of "dnw" and "frd",
// fixed so that every host and every build of the frd extension compute the same
// network (the guest in plugins/ext/frd draws the same weights the same way).
const (
	FRDSeed1    = 0x646e77 // "dnw"
	FRDSeed2    = 0x667264 // "frd"
	frdFeatures = 64       // features per image: the last layer's channels
)

// frdChannels are the channels of the network's activations: the RGB input, then
// the outputs of its three convolutions.
var frdChannels = [4]int{3, 16, 32, 64}

// frdWeights are the network's convolution weights, layer by layer, each
// (Cout, Cin, 3, 3) row-major: every value, in that order (layer 1 first), is
// rng.NormFloat64()·√(2/fan_in) with fan_in = Cin·9 (He et al., "Delving deep
// into rectifiers", ICCV 2015, eq. 10: He-normal initialization for ReLU).
var frdWeights = sync.OnceValue(func() [3][]float64 {
	rng := rand.New(rand.NewPCG(FRDSeed1, FRDSeed2))
	var ws [3][]float64
	for l := range ws {
		cin, cout := frdChannels[l], frdChannels[l+1]
		std := math.Sqrt(2 / float64(cin*9))
		ws[l] = make([]float64, cout*cin*9)
		for i := range ws[l] {
			ws[l][i] = rng.NormFloat64() * std
		}
	}
	return ws
})

// FRD is the Fréchet distance between Gaussians fitted to features of the
// predictions and of the targets, lower is better:
//
//	FRD = ‖μp − μt‖² + Tr(Σp + Σt − 2·(Σp^½ Σt Σp^½)^½)
//
// the formula of FID (Heusel et al., "GANs trained by a two time-scale update
// rule converge to a local Nash equilibrium", NeurIPS 2017, section 3; the
// Fréchet distance of two Gaussians, Dowson and Landau 1982), with μ the mean and
// Σ the sample covariance (dividing by N−1) of the batch's features.
//
// FRD is a stand-in for FID, not FID: FID's features come from Inception-v3's
// pool3 layer, pretrained on ImageNet, and those weights cannot be downloaded
// here. FRD's features come from a fixed random network instead ("random
// features", in the spirit of the random-network baselines of Naeem et al.,
// "Reliable fidelity and diversity metrics for generative models", ICML 2020):
// three 3×3 convolutions of stride 2 and zero padding 1 (3 → 16 → 32 → 64
// channels, no biases, He-normal weights drawn from a PCG seeded with FRDSeed1
// and FRDSeed2 in the order frdWeights documents), each followed by ReLU, then
// global average pooling: 64 features per image, in float64, from the images'
// values in [-1, 1] as they are. Its values are not comparable with FID's; it compares
// models with each other on the same data.
//
// This reference computes the matrix square roots literally, with gonum's
// symmetric eigendecomposition: Σp^½ = V·diag(√max(λ, 0))·Vᵀ, then the
// eigenvalues of Σp^½ Σt Σp^½ (negative rounding noise clamped to 0). The result
// is clamped at 0, which it is mathematically. pred and target must have the same
// shape, 3 channels, at least one pixel and N ≥ 2 images; FRD panics otherwise.
func FRD(pred, target ext.Images) float64 {
	if pred.N != target.N || pred.C != target.C || pred.H != target.H || pred.W != target.W ||
		len(pred.Pix) != pred.N*pred.Len() || len(target.Pix) != len(pred.Pix) ||
		pred.C != 3 || pred.N < 2 || pred.H < 1 || pred.W < 1 {
		panic(fmt.Sprintf("metrics: FRD of images (%d, %d, %d, %d) and (%d, %d, %d, %d) holding %d and %d values (needs N ≥ 2 and 3 channels)",
			pred.N, pred.C, pred.H, pred.W, target.N, target.C, target.H, target.W, len(pred.Pix), len(target.Pix)))
	}
	return frechet(frdFeaturesOf(pred), frdFeaturesOf(target))
}

// frechet is the Fréchet distance between Gaussians fitted to two sets of feature
// rows, clamped at 0 (FRD's formula).
func frechet(fp, ft [][]float64) float64 {
	mp, cp := meanCov(fp)
	mt, ct := meanCov(ft)
	d := 0.0
	for i := range mp {
		d += (mp[i] - mt[i]) * (mp[i] - mt[i])
	}
	tr := mat.Trace(cp) + mat.Trace(ct) - 2*traceSqrt(sqrtPSD(cp), ct)
	return max(0, d+tr)
}

// frdFeaturesOf returns the feature network's output for each image, (N, 64).
func frdFeaturesOf(im ext.Images) [][]float64 {
	ws := frdWeights()
	feats := make([][]float64, im.N)
	for n := range feats {
		act := make([]float64, im.Len()) // (C, H, W)
		for i, v := range im.At(n) {
			act[i] = float64(v)
		}
		h, w := im.H, im.W
		for l, wt := range ws {
			act, h, w = convReLU(act, frdChannels[l], h, w, wt, frdChannels[l+1])
		}
		f := make([]float64, frdFeatures)
		for c := range f {
			for _, v := range act[c*h*w : (c+1)*h*w] {
				f[c] += v
			}
			f[c] /= float64(h * w)
		}
		feats[n] = f
	}
	return feats
}

// convReLU is a 3×3 convolution of stride 2 and zero padding 1 without bias,
// then ReLU: in (cin, h, w), wt (cout, cin, 3, 3), out (cout, oh, ow) with
// oh = ⌈h/2⌉, ow = ⌈w/2⌉ and
//
//	out[o][y][x] = max(0, Σ_{i,ky,kx} wt[o][i][ky][kx] · in[i][2y+ky−1][2x+kx−1])
//
// where positions outside in are 0.
func convReLU(in []float64, cin, h, w int, wt []float64, cout int) (out []float64, oh, ow int) {
	oh, ow = (h+1)/2, (w+1)/2
	out = make([]float64, cout*oh*ow)
	for o := range cout {
		for y := range oh {
			for x := range ow {
				s := 0.0
				for i := range cin {
					for ky := range 3 {
						iy := 2*y + ky - 1
						if iy < 0 || iy >= h {
							continue
						}
						for kx := range 3 {
							ix := 2*x + kx - 1
							if ix < 0 || ix >= w {
								continue
							}
							s += wt[((o*cin+i)*3+ky)*3+kx] * in[(i*h+iy)*w+ix]
						}
					}
				}
				out[(o*oh+y)*ow+x] = max(0, s)
			}
		}
	}
	return out, oh, ow
}

// meanCov is the mean and the sample covariance (dividing by N−1) of rows of
// features.
func meanCov(feats [][]float64) ([]float64, *mat.SymDense) {
	n, d := len(feats), len(feats[0])
	mean := make([]float64, d)
	for _, f := range feats {
		for i, v := range f {
			mean[i] += v / float64(n)
		}
	}
	cov := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			s := 0.0
			for _, f := range feats {
				s += (f[i] - mean[i]) * (f[j] - mean[j])
			}
			cov.SetSym(i, j, s/float64(n-1))
		}
	}
	return mean, cov
}

// sqrtPSD is the square root of a symmetric positive semi-definite matrix,
// V·diag(√max(λ, 0))·Vᵀ from its eigendecomposition.
func sqrtPSD(a *mat.SymDense) *mat.Dense {
	var es mat.EigenSym
	if !es.Factorize(a, true) {
		panic("metrics: FRD: the eigendecomposition of a covariance failed")
	}
	vals := es.Values(nil)
	var v mat.Dense
	es.VectorsTo(&v)
	d := len(vals)
	scaled := mat.NewDense(d, d, nil)
	for j, l := range vals {
		s := math.Sqrt(max(l, 0))
		for i := range d {
			scaled.Set(i, j, v.At(i, j)*s)
		}
	}
	var r mat.Dense
	r.Mul(scaled, v.T())
	return &r
}

// traceSqrt is Tr((s·b·s)^½) for symmetric s and b: the sum of √max(λ, 0) over
// the eigenvalues of s·b·s, symmetrized against rounding.
func traceSqrt(s *mat.Dense, b *mat.SymDense) float64 {
	var sb, m mat.Dense
	sb.Mul(s, b)
	m.Mul(&sb, s)
	d, _ := m.Dims()
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, false) {
		panic("metrics: FRD: the eigendecomposition of Σp^½ Σt Σp^½ failed")
	}
	t := 0.0
	for _, l := range es.Values(nil) {
		t += math.Sqrt(max(l, 0))
	}
	return t
}
