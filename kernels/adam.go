package kernels

import "math"

// Adam applies step t (from 1) of Adam (Kingma & Ba 2015) to parameters p with
// gradient g and moments m, v, as torch.optim.Adam without weight decay:
//
//	m = β1·m + (1−β1)·g
//	v = β2·v + (1−β2)·g²
//	p = p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)
//
// m and v start at zero and are updated in place.
func Adam[T Float](p, m, v, g []T, t int, lr, beta1, beta2, eps float64) {
	AdamW(p, m, v, g, t, lr, beta1, beta2, eps, 0)
}

// AdamW is Adam with decoupled weight decay wd (Loshchilov & Hutter 2019), as
// torch.optim.AdamW: before the Adam update, p = p·(1 − lr·wd).
func AdamW[T Float](p, m, v, g []T, t int, lr, beta1, beta2, eps, wd float64) {
	needLen("Adam", "m", len(m), len(p))
	needLen("Adam", "v", len(v), len(p))
	needLen("Adam", "g", len(g), len(p))
	if t < 1 {
		panic("kernels: Adam: step t must be ≥ 1")
	}
	stepSize := T(lr / (1 - math.Pow(beta1, float64(t))))
	invSqrtC2 := T(1 / math.Sqrt(1-math.Pow(beta2, float64(t))))
	b1, b2, e, keep := T(beta1), T(beta2), T(eps), T(1-lr*wd)
	for i, gi := range g {
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		m[i], v[i] = mi, vi
		p[i] = keep*p[i] - stepSize*mi/(T(math.Sqrt(float64(vi)))*invSqrtC2+e)
	}
}
