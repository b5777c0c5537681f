package kernels

import (
	"fmt"
	"math"

	"dnw/kernels/internal/vector"
)

// Normalization layers: group norm (and through it instance norm and layer norm over
// (C, H, W)), token layer norm over the last dimension, and batch norm in training mode.
//
// All of them compute, over a set S of elements that share statistics,
//
//	μ = (1/|S|) Σ_S x            σ² = (1/|S|) Σ_S (x − μ)²   (biased, as torch)
//	rstd = 1/√(σ² + eps)         x̂ = (x − μ)·rstd
//	y = γ_c·x̂ + β_c              (per-channel affine)
//
// and save μ and rstd for the backward pass, which is, with M = |S| and ĝ = γ_c·dy,
//
//	dx = rstd·(ĝ − mean_S(ĝ) − x̂·mean_S(ĝ·x̂))
//	dγ_c = Σ dy·x̂                dβ_c = Σ dy                 (over every element of channel c)
//
// gorgonia lacks LayerNorm and InstanceNorm, its GroupNorm backward logs the whole
// gradient on every step, and its InverseSqrt gradient is wrong, so a hand-built
// layer norm trains wrong (see docs/dependencies.md): these kernels replace all three.
//
// Statistics are accumulated in float64 whatever T is. gamma and beta may be nil
// (torch's affine=False: γ = 1, β = 0); in the backward passes a nil gamma means
// γ = 1 and a nil dgamma or dbeta is not computed. dgamma and dbeta are overwritten,
// not accumulated.

// needLenOrNil is needLen for an optional slice: nil (length 0) passes.
func needLenOrNil(kernel, arg string, got, want int) {
	if got != 0 {
		needLen(kernel, arg, got, want)
	}
}

// GroupNorm normalizes x over groups of channels, as torch.nn.GroupNorm
// (Wu & He, "Group Normalization", ECCV 2018):
//
//	x, dst: (N, C, HW)   gamma, beta: (C) or nil   mean, rstd: (N, G)
//	for n, g: S = channels g·C/G ..(g+1)·C/G − 1 of sample n, all HW positions
//	  mean[n,g] = μ_S, rstd[n,g] = 1/√(σ²_S + eps)   (biased variance)
//	  dst[n,c,p] = (x[n,c,p] − mean[n,g])·rstd[n,g]·gamma[c] + beta[c]
//
// It serves the IR's group_norm. The host maps instance norm (the IR's instance_norm,
// torch.nn.InstanceNorm2d with affine=True) to groups = C, and layer norm
// over (C, H, W) of each sample (torch.nn.GroupNorm(1, C), per-channel affine) to
// groups = 1. C must be divisible by groups. dst may be x.
func GroupNorm[T Float](dst, mean, rstd, x, gamma, beta []T, n, c, hw, groups int, eps T) {
	groupNorm("GroupNorm", dst, mean, rstd, x, gamma, beta, n, c, hw, groups, eps)
}

// GroupNormBackward is the backward pass of GroupNorm given the upstream gradient
// dy (N, C, HW), the input x and the saved mean, rstd (N, G):
//
//	x̂ = (x − mean[n,g])·rstd[n,g]   ĝ = gamma[c]·dy   M = HW·C/G
//	dx[n,c,p] = rstd[n,g]·(ĝ − (1/M)Σ_S ĝ − x̂·(1/M)Σ_S ĝ·x̂)
//	dgamma[c] = Σ_{n,p} dy·x̂        dbeta[c] = Σ_{n,p} dy
//
// dx may be dy.
func GroupNormBackward[T Float](dx, dgamma, dbeta, dy, x, mean, rstd, gamma []T, n, c, hw, groups int) {
	groupNormBackward("GroupNormBackward", dx, dgamma, dbeta, dy, x, mean, rstd, gamma, n, c, hw, groups)
}

// LayerNorm normalizes each row of x over its last dimension, as torch.nn.LayerNorm(d)
// (Ba et al., "Layer Normalization", 2016) on tokens:
//
//	x, dst: (rows, d)   gamma, beta: (d) or nil   mean, rstd: (rows)
//	mean[r] = (1/d) Σ_j x[r,j]   rstd[r] = 1/√((1/d) Σ_j (x[r,j] − mean[r])² + eps)
//	dst[r,j] = (x[r,j] − mean[r])·rstd[r]·gamma[j] + beta[j]
//
// It serves the IR's layer_norm; it is GroupNorm with n = rows, c = d, hw = 1,
// groups = 1. dst may be x.
func LayerNorm[T Float](dst, mean, rstd, x, gamma, beta []T, rows, d int, eps T) {
	groupNorm("LayerNorm", dst, mean, rstd, x, gamma, beta, rows, d, 1, 1, eps)
}

// LayerNormBackward is the backward pass of LayerNorm (dy, x: (rows, d)):
//
//	x̂ = (x[r,j] − mean[r])·rstd[r]   ĝ = gamma[j]·dy[r,j]
//	dx[r,j] = rstd[r]·(ĝ − (1/d)Σ_j ĝ − x̂·(1/d)Σ_j ĝ·x̂)
//	dgamma[j] = Σ_r dy[r,j]·x̂        dbeta[j] = Σ_r dy[r,j]
//
// dx may be dy.
func LayerNormBackward[T Float](dx, dgamma, dbeta, dy, x, mean, rstd, gamma []T, rows, d int) {
	groupNormBackward("LayerNormBackward", dx, dgamma, dbeta, dy, x, mean, rstd, gamma, rows, d, 1, 1)
}

// groupNorm is GroupNorm; kernel names the exported caller in panics.
func groupNorm[T Float](kernel string, dst, mean, rstd, x, gamma, beta []T, n, c, hw, groups int, eps T) {
	if n < 0 || c < 0 || hw < 0 || groups <= 0 || c%groups != 0 {
		panic(fmt.Sprintf("kernels: %s: n=%d c=%d hw=%d groups=%d: need groups > 0 dividing c", kernel, n, c, hw, groups))
	}
	needLen(kernel, "x", len(x), n*c*hw)
	needLen(kernel, "dst", len(dst), n*c*hw)
	needLen(kernel, "mean", len(mean), n*groups)
	needLen(kernel, "rstd", len(rstd), n*groups)
	needLenOrNil(kernel, "gamma", len(gamma), c)
	needLenOrNil(kernel, "beta", len(beta), c)

	cpg := c / groups
	size := cpg * hw // elements per (n, g); each (n, g) is independent, so they split over the workers
	forEach(n*groups, func(_, ng int) {
		xs := x[ng*size : (ng+1)*size]
		mu, r := normMoments(xs, float64(eps))
		mean[ng], rstd[ng] = T(mu), T(r)
		c0 := (ng % groups) * cpg
		for j := 0; j < cpg; j++ {
			scale, shift := r, 0.0
			if gamma != nil {
				scale *= float64(gamma[c0+j])
			}
			if beta != nil {
				shift = float64(beta[c0+j])
			}
			// y = x·scale + (shift − μ·scale)
			shift -= mu * scale
			off := ng*size + j*hw
			affine(dst[off:off+hw], x[off:off+hw], scale, shift)
		}
	})
}

// affine writes dst[i] = x[i]·scale + shift. For float32 it computes in float32, as
// torch's GroupNorm does; the float64 round trip per value was most of GroupNorm's
// time in the weight generator's prediction.
func affine[T Float](dst, x []T, scale, shift float64) {
	if d, x, ok := float32s(dst, x); ok {
		s, b := float32(scale), float32(shift)
		d = d[:len(x)]
		for i := vector.Affine(d, x, s, b); i < len(x); i++ {
			d[i] = x[i]*s + b
		}
		return
	}
	for i, v := range x {
		dst[i] = T(float64(v)*scale + shift)
	}
}

// normMoments returns the mean of xs and 1/√(biased variance + eps), two-pass in
// float64. The passes were the largest part of GroupNorm's time in the weight
// generator's prediction (docs/benchmarks.md): for float32, vector instructions
// (internal/vector) widen and add eight values at a time; elsewhere each pass keeps
// four running sums, whose additions overlap where one sum's would wait on each other.
func normMoments[T Float](xs []T, eps float64) (mu, rstd float64) {
	if len(xs) == 0 {
		return 0, 1 / math.Sqrt(eps)
	}
	n := float64(len(xs))
	value := func(v float64) float64 { return v }
	squaredDev := func(v float64) float64 { return (v - mu) * (v - mu) }
	if x32, _, ok := float32s(xs, xs); ok {
		s, k := vector.Sum(x32)
		mu = (s + sum4(x32[k:], value)) / n
		q, k := vector.SumSquaredDev(x32, mu)
		return mu, 1 / math.Sqrt((q+sum4(x32[k:], squaredDev))/n+eps)
	}
	mu = sum4(xs, value) / n
	return mu, 1 / math.Sqrt(sum4(xs, squaredDev)/n+eps)
}

// sum4 is Σ f(x) in float64 over four running sums.
func sum4[T Float](xs []T, f func(float64) float64) float64 {
	var s [4]float64
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		s[0] += f(float64(xs[i]))
		s[1] += f(float64(xs[i+1]))
		s[2] += f(float64(xs[i+2]))
		s[3] += f(float64(xs[i+3]))
	}
	for ; i < len(xs); i++ {
		s[0] += f(float64(xs[i]))
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// groupNormBackward is GroupNormBackward; kernel names the exported caller in panics.
func groupNormBackward[T Float](kernel string, dx, dgamma, dbeta, dy, x, mean, rstd, gamma []T, n, c, hw, groups int) {
	if n < 0 || c < 0 || hw < 0 || groups <= 0 || c%groups != 0 {
		panic(fmt.Sprintf("kernels: %s: n=%d c=%d hw=%d groups=%d: need groups > 0 dividing c", kernel, n, c, hw, groups))
	}
	needLen(kernel, "x", len(x), n*c*hw)
	needLen(kernel, "dy", len(dy), n*c*hw)
	needLen(kernel, "dx", len(dx), n*c*hw)
	needLen(kernel, "mean", len(mean), n*groups)
	needLen(kernel, "rstd", len(rstd), n*groups)
	needLenOrNil(kernel, "gamma", len(gamma), c)
	needLenOrNil(kernel, "dgamma", len(dgamma), c)
	needLenOrNil(kernel, "dbeta", len(dbeta), c)

	clear(dgamma)
	clear(dbeta)
	cpg := c / groups
	size := cpg * hw
	for ng := 0; ng < n*groups; ng++ {
		mu, r := float64(mean[ng]), float64(rstd[ng])
		c0 := (ng % groups) * cpg
		// Per channel: s1 = Σ dy, s2 = Σ dy·x̂; per group: a = Σ γ·s1, b = Σ γ·s2.
		a, b := 0.0, 0.0
		for j := 0; j < cpg; j++ {
			off := ng*size + j*hw
			s1, s2 := 0.0, 0.0
			for p := off; p < off+hw; p++ {
				g := float64(dy[p])
				s1 += g
				s2 += g * (float64(x[p]) - mu)
			}
			s2 *= r
			if dgamma != nil {
				dgamma[c0+j] += T(s2)
			}
			if dbeta != nil {
				dbeta[c0+j] += T(s1)
			}
			gm := 1.0
			if gamma != nil {
				gm = float64(gamma[c0+j])
			}
			a += gm * s1
			b += gm * s2
		}
		if size == 0 {
			continue
		}
		a /= float64(size)
		b /= float64(size)
		for j := 0; j < cpg; j++ {
			gm := 1.0
			if gamma != nil {
				gm = float64(gamma[c0+j])
			}
			off := ng*size + j*hw
			for p := off; p < off+hw; p++ {
				xh := (float64(x[p]) - mu) * r
				dx[p] = T(r * (gm*float64(dy[p]) - a - xh*b))
			}
		}
	}
}

// BatchNorm normalizes x per channel over the batch and the spatial positions, as
// torch.nn.BatchNorm2d in training mode (Ioffe & Szegedy, "Batch Normalization", 2015):
//
//	x, dst: (N, C, HW)   gamma, beta: (C) or nil   mean, rstd: (C)
//	mean[c] = (1/(N·HW)) Σ_{n,p} x[n,c,p]
//	rstd[c] = 1/√((1/(N·HW)) Σ_{n,p} (x[n,c,p] − mean[c])² + eps)   (biased variance)
//	dst[n,c,p] = (x[n,c,p] − mean[c])·rstd[c]·gamma[c] + beta[c]
//
// It serves the IR's batch_norm. Running statistics are the host's state, not this
// kernel's: in training the host updates its momentum averages from mean and from the
// variance 1/rstd² − eps (torch averages the unbiased variance, ×N·HW/(N·HW − 1)); in
// eval mode it applies (x − running_mean)/√(running_var + eps)·γ + β itself. dst may be x.
func BatchNorm[T Float](dst, mean, rstd, x, gamma, beta []T, n, c, hw int, eps T) {
	const kernel = "BatchNorm"
	if n < 0 || c < 0 || hw < 0 {
		panic(fmt.Sprintf("kernels: %s: negative size n=%d c=%d hw=%d", kernel, n, c, hw))
	}
	needLen(kernel, "x", len(x), n*c*hw)
	needLen(kernel, "dst", len(dst), n*c*hw)
	needLen(kernel, "mean", len(mean), c)
	needLen(kernel, "rstd", len(rstd), c)
	needLenOrNil(kernel, "gamma", len(gamma), c)
	needLenOrNil(kernel, "beta", len(beta), c)

	count := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		s := 0.0
		for i := 0; i < n; i++ {
			for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				s += float64(v)
			}
		}
		mu := 0.0
		if count > 0 {
			mu = s / count
		}
		q := 0.0
		for i := 0; i < n; i++ {
			for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				d := float64(v) - mu
				q += d * d
			}
		}
		v := 0.0
		if count > 0 {
			v = q / count
		}
		r := 1 / math.Sqrt(v+float64(eps))
		mean[ch], rstd[ch] = T(mu), T(r)
		scale, shift := r, 0.0
		if gamma != nil {
			scale *= float64(gamma[ch])
		}
		if beta != nil {
			shift = float64(beta[ch])
		}
		shift -= mu * scale
		for i := 0; i < n; i++ {
			for p := (i*c + ch) * hw; p < (i*c+ch+1)*hw; p++ {
				dst[p] = T(float64(x[p])*scale + shift)
			}
		}
	}
}

// BatchNormBackward is the backward pass of BatchNorm in training mode (the statistics
// depend on x), given dy (N, C, HW), x and the saved mean, rstd (C):
//
//	x̂ = (x[n,c,p] − mean[c])·rstd[c]   M = N·HW
//	dbeta[c] = Σ_{n,p} dy   dgamma[c] = Σ_{n,p} dy·x̂
//	dx[n,c,p] = gamma[c]·rstd[c]·(dy − dbeta[c]/M − x̂·dgamma[c]/M)
//
// dx may be dy.
func BatchNormBackward[T Float](dx, dgamma, dbeta, dy, x, mean, rstd, gamma []T, n, c, hw int) {
	const kernel = "BatchNormBackward"
	if n < 0 || c < 0 || hw < 0 {
		panic(fmt.Sprintf("kernels: %s: negative size n=%d c=%d hw=%d", kernel, n, c, hw))
	}
	needLen(kernel, "x", len(x), n*c*hw)
	needLen(kernel, "dy", len(dy), n*c*hw)
	needLen(kernel, "dx", len(dx), n*c*hw)
	needLen(kernel, "mean", len(mean), c)
	needLen(kernel, "rstd", len(rstd), c)
	needLenOrNil(kernel, "gamma", len(gamma), c)
	needLenOrNil(kernel, "dgamma", len(dgamma), c)
	needLenOrNil(kernel, "dbeta", len(dbeta), c)

	count := float64(n * hw)
	for ch := 0; ch < c; ch++ {
		mu, r := float64(mean[ch]), float64(rstd[ch])
		s1, s2 := 0.0, 0.0
		for i := 0; i < n; i++ {
			for p := (i*c + ch) * hw; p < (i*c+ch+1)*hw; p++ {
				g := float64(dy[p])
				s1 += g
				s2 += g * (float64(x[p]) - mu)
			}
		}
		s2 *= r
		if dgamma != nil {
			dgamma[ch] = T(s2)
		}
		if dbeta != nil {
			dbeta[ch] = T(s1)
		}
		if count == 0 {
			continue
		}
		gm := 1.0
		if gamma != nil {
			gm = float64(gamma[ch])
		}
		a, b := s1/count, s2/count
		for i := 0; i < n; i++ {
			for p := (i*c + ch) * hw; p < (i*c+ch+1)*hw; p++ {
				xh := (float64(x[p]) - mu) * r
				dx[p] = T(gm * r * (float64(dy[p]) - a - xh*b))
			}
		}
	}
}
