// Normalization kernels: kernels/norm.go's group norm (layer and instance norm are
// group norms), batch norm in training mode, and their backward passes. Each
// statistic is reduced by one block of REDUCE_THREADS threads, in double, in two
// passes (mean, then the squared deviations), as the CPU kernels compute them.
#include "common.cuh"

// group_norm: one block per (sample, group) of x (n, c, hw); each group is the
// contiguous run of cpg·hw values of channels g·cpg … (g+1)·cpg − 1.
extern "C" __global__ void group_norm(float *d, float *mean, float *rstd, const float *x, const float *gamma,
                                      const float *beta, int c, int hw, int groups, float eps) {
	__shared__ double shared[REDUCE_THREADS];
	int ng = blockIdx.x, cpg = c / groups, size = cpg * hw;
	const float *xs = x + (size_t)ng * size;
	double s = 0;
	for (int i = threadIdx.x; i < size; i += REDUCE_THREADS) s += xs[i];
	double mu = block_sum(s, shared) / size;
	double q = 0;
	for (int i = threadIdx.x; i < size; i += REDUCE_THREADS) {
		double e = xs[i] - mu;
		q += e * e;
	}
	double r = 1 / sqrt(block_sum(q, shared) / size + (double)eps);
	if (threadIdx.x == 0) {
		mean[ng] = (float)mu;
		rstd[ng] = (float)r;
	}
	int c0 = (ng % groups) * cpg;
	float *ds = d + (size_t)ng * size;
	for (int i = threadIdx.x; i < size; i += REDUCE_THREADS) {
		int ch = c0 + i / hw;
		double scale = r * (gamma ? gamma[ch] : 1.0);
		double shift = (beta ? beta[ch] : 0.0) - mu * scale;
		ds[i] = xs[i] * (float)scale + (float)shift;
	}
}

// group_norm_backward_x: one block per (sample, group): with ĝ = γ_c·dy and the
// group's M values, dx = rstd·(ĝ − Σĝ/M − x̂·Σĝx̂/M).
extern "C" __global__ void group_norm_backward_x(float *dx, const float *dy, const float *x, const float *mean,
                                                 const float *rstd, const float *gamma, int c, int hw, int groups) {
	__shared__ double shared[REDUCE_THREADS];
	int ng = blockIdx.x, cpg = c / groups, size = cpg * hw, c0 = (ng % groups) * cpg;
	size_t off = (size_t)ng * size;
	double mu = mean[ng], r = rstd[ng];
	double a = 0, b = 0;
	for (int i = threadIdx.x; i < size; i += REDUCE_THREADS) {
		double g = (gamma ? gamma[c0 + i / hw] : 1.0) * dy[off + i];
		a += g;
		b += g * (x[off + i] - mu) * r;
	}
	a = block_sum(a, shared) / size;
	b = block_sum(b, shared) / size;
	for (int i = threadIdx.x; i < size; i += REDUCE_THREADS) {
		double g = (gamma ? gamma[c0 + i / hw] : 1.0) * dy[off + i];
		double xh = (x[off + i] - mu) * r;
		dx[off + i] = (float)(r * (g - a - xh * b));
	}
}

// norm_param_terms: for each (sample n, channel ch), t[n, ch] = Σ_p dy·x̂ and
// u[n, ch] = Σ_p dy over the hw positions, with x̂ by the statistics of (n, ch's
// group); dgamma and dbeta are then the column sums of t and u over the samples
// (a product with a row of ones). One block per (n, ch), for hw ≥ 32: one block per
// channel over all samples left most of the GPU idle (32 channels of a 256×256 layer).
extern "C" __global__ void norm_param_terms(float *t, float *u, const float *dy, const float *x, const float *mean,
                                            const float *rstd, int c, int hw, int groups) {
	__shared__ double shared[REDUCE_THREADS];
	int nc = blockIdx.x, n = nc / c, ch = nc % c, g = ch / (c / groups);
	double mu = mean[n * groups + g], r = rstd[n * groups + g];
	size_t off = (size_t)nc * hw;
	double s1 = 0, s2 = 0;
	for (int p = threadIdx.x; p < hw; p += REDUCE_THREADS) {
		double v = dy[off + p];
		s1 += v;
		s2 += v * (x[off + p] - mu) * r;
	}
	s1 = block_sum(s1, shared);
	s2 = block_sum(s2, shared);
	if (threadIdx.x == 0) {
		t[nc] = (float)s2;
		u[nc] = (float)s1;
	}
}

// norm_param_terms_small is norm_param_terms for hw < 32 (layer norm's hw = 1): one
// thread per (n, ch), over n·c of them.
extern "C" __global__ void norm_param_terms_small(float *t, float *u, const float *dy, const float *x,
                                                  const float *mean, const float *rstd, int n, int c, int hw,
                                                  int groups) {
	FOR_EACH(nc, n * c) {
		int b = nc / c, g = (nc % c) / (c / groups);
		double mu = mean[b * groups + g], r = rstd[b * groups + g];
		size_t off = (size_t)nc * hw;
		double s1 = 0, s2 = 0;
		for (int p = 0; p < hw; p++) {
			double v = dy[off + p];
			s1 += v;
			s2 += v * (x[off + p] - mu) * r;
		}
		t[nc] = (float)s2;
		u[nc] = (float)s1;
	}
}

// batch_norm: one block per channel of x (n, c, hw), statistics over (n, hw).
extern "C" __global__ void batch_norm(float *d, float *mean, float *rstd, const float *x, const float *gamma,
                                      const float *beta, int n, int c, int hw, float eps) {
	__shared__ double shared[REDUCE_THREADS];
	int ch = blockIdx.x, m = n * hw;
	double s = 0;
	for (int i = threadIdx.x; i < m; i += REDUCE_THREADS) s += x[((size_t)(i / hw) * c + ch) * hw + i % hw];
	double mu = block_sum(s, shared) / m;
	double q = 0;
	for (int i = threadIdx.x; i < m; i += REDUCE_THREADS) {
		double e = x[((size_t)(i / hw) * c + ch) * hw + i % hw] - mu;
		q += e * e;
	}
	double r = 1 / sqrt(block_sum(q, shared) / m + (double)eps);
	if (threadIdx.x == 0) {
		mean[ch] = (float)mu;
		rstd[ch] = (float)r;
	}
	double scale = r * (gamma ? gamma[ch] : 1.0);
	double shift = (beta ? beta[ch] : 0.0) - mu * scale;
	for (int i = threadIdx.x; i < m; i += REDUCE_THREADS) {
		size_t k = ((size_t)(i / hw) * c + ch) * hw + i % hw;
		d[k] = (float)(x[k] * scale + shift);
	}
}

// batch_norm_backward: one block per channel: s1 = Σ dy, s2 = Σ dy·x̂ (dbeta and
// dgamma, either may be null), dx = γ·rstd·(dy − s1/M − x̂·s2/M).
extern "C" __global__ void batch_norm_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *x,
                                               const float *mean, const float *rstd, const float *gamma, int n, int c,
                                               int hw) {
	__shared__ double shared[REDUCE_THREADS];
	int ch = blockIdx.x, m = n * hw;
	double mu = mean[ch], r = rstd[ch];
	double s1 = 0, s2 = 0;
	for (int i = threadIdx.x; i < m; i += REDUCE_THREADS) {
		size_t k = ((size_t)(i / hw) * c + ch) * hw + i % hw;
		s1 += dy[k];
		s2 += dy[k] * (x[k] - mu);
	}
	s1 = block_sum(s1, shared);
	s2 = block_sum(s2, shared) * r;
	if (threadIdx.x == 0) {
		if (dgamma) dgamma[ch] = (float)s2;
		if (dbeta) dbeta[ch] = (float)s1;
	}
	double gm = gamma ? gamma[ch] : 1.0, a = s1 / m, b = s2 / m;
	for (int i = threadIdx.x; i < m; i += REDUCE_THREADS) {
		size_t k = ((size_t)(i / hw) * c + ch) * hw + i % hw;
		double xh = (x[k] - mu) * r;
		dx[k] = (float)(gm * r * (dy[k] - a - xh * b));
	}
}
