// Elementwise kernels: the arithmetic of kernels/elementwise.go and
// kernels/activation.go, the optimizer (kernels/adam.go) and the losses of the
// training loops (tape.Backend.LossTerms).
#include "common.cuh"

extern "C" __global__ void axpy(float *d, float a, const float *x, int n) {
	FOR_EACH(i, n) d[i] += a * x[i];
}

extern "C" __global__ void add(float *d, const float *a, const float *b, int n) {
	FOR_EACH(i, n) d[i] = a[i] + b[i];
}

extern "C" __global__ void mul(float *d, const float *a, const float *b, int n) {
	FOR_EACH(i, n) d[i] = a[i] * b[i];
}

// add_batch: d[i] = x[i] + p[i mod m], a per-sample parameter added to every sample.
extern "C" __global__ void add_batch(float *d, const float *x, const float *p, int n, int m) {
	FOR_EACH(i, n) d[i] = x[i] + p[i % m];
}


// The activations, numbered as tape.Act.
#define ACT_RELU 0
#define ACT_LEAKY 1
#define ACT_GELU 2
#define ACT_SILU 3
#define ACT_TANH 4
#define ACT_SIGMOID 5

__device__ inline float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

extern "C" __global__ void act_forward(int kind, float slope, float *d, const float *x, int n) {
	FOR_EACH(i, n) {
		float v = x[i], y;
		switch (kind) {
		case ACT_RELU: y = v > 0 ? v : 0; break;
		case ACT_LEAKY: y = v > 0 ? v : slope * v; break;
		case ACT_GELU: y = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); break;
		case ACT_SILU: y = v * sigmoidf(v); break;
		case ACT_TANH: y = tanhf(v); break;
		default: y = sigmoidf(v); break;
		}
		d[i] = y;
	}
}

// act_backward: xy is the input x, or the output y for tanh and sigmoid.
extern "C" __global__ void act_backward(int kind, float slope, float *dx, const float *dy, const float *xy, int n) {
	FOR_EACH(i, n) {
		float v = xy[i], g = dy[i], r;
		switch (kind) {
		case ACT_RELU: r = v > 0 ? g : 0; break;
		case ACT_LEAKY: r = v > 0 ? g : slope * g; break;
		case ACT_GELU: {
			float phi = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
			r = g * (phi + v * 0.3989422804014327f * expf(-0.5f * v * v));
			break;
		}
		case ACT_SILU: {
			float s = sigmoidf(v);
			r = g * s * (1.0f + v * (1.0f - s));
			break;
		}
		case ACT_TANH: r = g * (1.0f - v * v); break;
		default: r = g * v * (1.0f - v); break;
		}
		dx[i] = r;
	}
}

// The losses, numbered as tape.Loss: val = w·ℓ(x, y), grad = scale·w·ℓ'(x, y).
#define LOSS_L1 0
#define LOSS_SQUARE 1
#define LOSS_BCE 2

extern "C" __global__ void loss_terms(int kind, float *val, float *grad, const float *x, const float *y,
                                      const float *w, float scale, int n) {
	FOR_EACH(i, n) {
		float v = x[i], t = y[i], l, d;
		switch (kind) {
		case LOSS_L1: {
			float e = v - t;
			l = fabsf(e);
			d = e > 0 ? 1.0f : (e < 0 ? -1.0f : 0.0f);
			break;
		}
		case LOSS_SQUARE: {
			float e = v - t;
			l = e * e;
			d = 2 * e;
			break;
		}
		default: // softplus(x) − y·x, stable: max(x, 0) + log1p(e^−|x|)
			l = (float)(fmax((double)v, 0.0) + log1p(exp(-fabs((double)v)))) - t * v;
			d = (float)(1.0 / (1.0 + exp(-(double)v))) - t;
			break;
		}
		if (w) {
			l *= w[i];
			d *= w[i];
		}
		val[i] = l;
		grad[i] = scale * d;
	}
}

// sum_all: d[0] = Σ x, in double, by one block.
extern "C" __global__ void sum_all(float *d, const float *x, int n) {
	__shared__ double shared[REDUCE_THREADS];
	double s = 0;
	for (int i = threadIdx.x; i < n; i += REDUCE_THREADS) s += x[i];
	s = block_sum(s, shared);
	if (threadIdx.x == 0) d[0] = (float)s;
}

// adamw is kernels.AdamW with its per-step constants computed by the host as it
// computes them: step = lr/(1 − β1ᵗ), inv = 1/√(1 − β2ᵗ), keep = 1 − lr·wd.
extern "C" __global__ void adamw(float *p, float *m, float *v, const float *g, float step, float inv,
                                 float b1, float b2, float eps, float keep, int n) {
	FOR_EACH(i, n) {
		float gi = g[i];
		float mi = b1 * m[i] + (1 - b1) * gi;
		float vi = b2 * v[i] + (1 - b2) * gi * gi;
		m[i] = mi;
		v[i] = vi;
		p[i] = keep * p[i] - step * mi / (__fsqrt_rn(vi) * inv + eps);
	}
}

// ema: a = d·a + (1 − d)·p.
extern "C" __global__ void ema(float *a, const float *p, float d, int n) {
	FOR_EACH(i, n) a[i] = d * a[i] + (1 - d) * p[i];
}

// transpose swaps the last two axes of (batch, rows, cols): d[b, j, i] = x[b, i, j],
// through a 32×32 tile in shared memory so that both reads and writes coalesce.
// Launched on (⌈cols/32⌉, ⌈rows/32⌉, batch) blocks of 32×8 threads.
extern "C" __global__ void transpose(float *d, const float *x, int rows, int cols) {
	__shared__ float tile[32][33];
	const float *xb = x + (size_t)blockIdx.z * rows * cols;
	float *db = d + (size_t)blockIdx.z * rows * cols;
	int c = blockIdx.x * 32 + threadIdx.x;
	for (int k = threadIdx.y; k < 32; k += 8) {
		int r = blockIdx.y * 32 + k;
		if (r < rows && c < cols) tile[k][threadIdx.x] = xb[(size_t)r * cols + c];
	}
	__syncthreads();
	int r = blockIdx.y * 32 + threadIdx.x;
	for (int k = threadIdx.y; k < 32; k += 8) {
		int cc = blockIdx.x * 32 + k;
		if (r < rows && cc < cols) db[(size_t)cc * rows + r] = tile[threadIdx.x][k];
	}
}

// upsample: nearest neighbour, x (NC, h, w) → d (NC, h·sh, w·sw), one thread per output.
extern "C" __global__ void upsample(float *d, const float *x, int nc, int h, int w, int sh, int sw) {
	int oh = h * sh, ow = w * sw;
	FOR_EACH(i, nc * oh * ow) {
		int j = i % ow, r = (i / ow) % oh, p = i / (ow * oh);
		d[i] = x[((size_t)p * h + r / sh) * w + j / sw];
	}
}

// upsample_backward: dx[p, r, j] = Σ of dy over its sh×sw children, one thread per input.
extern "C" __global__ void upsample_backward(float *dx, const float *dy, int nc, int h, int w, int sh, int sw) {
	int ow = w * sw;
	FOR_EACH(i, nc * h * w) {
		int j = i % w, r = (i / w) % h, p = i / (w * h);
		const float *src = dy + ((size_t)p * h * sh + r * sh) * ow + j * sw;
		float s = 0;
		for (int a = 0; a < sh; a++)
			for (int b = 0; b < sw; b++) s += src[a * ow + b];
		dx[i] = s;
	}
}

// avg_pool: d[p, r, j] = mean of x over its s×s window, one thread per output.
extern "C" __global__ void avg_pool(float *d, const float *x, int nc, int h, int w, int s) {
	int oh = h / s, ow = w / s;
	FOR_EACH(i, nc * oh * ow) {
		int j = i % ow, r = (i / ow) % oh, p = i / (ow * oh);
		const float *src = x + ((size_t)p * h + r * s) * w + j * s;
		float t = 0;
		for (int a = 0; a < s; a++)
			for (int b = 0; b < s; b++) t += src[a * w + b];
		d[i] = t / (float)(s * s);
	}
}

// avg_pool_backward: dx[p, r, j] = dy[p, r/s, j/s]/s², one thread per input.
extern "C" __global__ void avg_pool_backward(float *dx, const float *dy, int nc, int h, int w, int s) {
	int oh = h / s, ow = w / s;
	float inv = 1.0f / (float)(s * s);
	FOR_EACH(i, nc * h * w) {
		int j = i % w, r = (i / w) % h, p = i / (w * h);
		dx[i] = dy[((size_t)p * oh + r / s) * ow + j / s] * inv;
	}
}

// copy_channels copies channels [0, c) of src (n, sc, hw) from channel so to
// channels [do, do + c) of dst (n, dc, hw): concat's parts and their gradients.
extern "C" __global__ void copy_channels(float *dst, const float *src, int n, int c, int hw, int dc, int dofs,
                                         int sc, int sofs) {
	FOR_EACH(i, n * c * hw) {
		int p = i % hw, ch = (i / hw) % c, b = i / (hw * c);
		dst[((size_t)b * dc + dofs + ch) * hw + p] = src[((size_t)b * sc + sofs + ch) * hw + p];
	}
}

// batch_norm_update moves running statistics toward a batch's, in double, as
// ops.BatchNormState's update: var = 1/rstd² − eps, unbiased by count/(count − 1).
extern "C" __global__ void batch_norm_update(float *rm, float *rv, const float *mean, const float *rstd, int c,
                                             double momentum, double eps, int count) {
	FOR_EACH(ch, c) {
		double r = rstd[ch];
		double var = 1 / (r * r) - eps;
		if (count > 1) var *= (double)count / (double)(count - 1);
		rm[ch] = (float)((1 - momentum) * (double)rm[ch] + momentum * (double)mean[ch]);
		rv[ch] = (float)((1 - momentum) * (double)rv[ch] + momentum * var);
	}
}

// batch_norm_eval: d = (x − rm)/√(rv + eps)·γ + β per channel of (n, c, hw).
extern "C" __global__ void batch_norm_eval(float *d, const float *x, const float *rm, const float *rv,
                                           const float *gamma, const float *beta, int n, int c, int hw, float eps) {
	FOR_EACH(i, n * c * hw) {
		int ch = (i / hw) % c;
		float r = (float)(1 / sqrt((double)rv[ch] + (double)eps));
		float a = r * gamma[ch];
		d[i] = x[i] * a + (beta[ch] - rm[ch] * a);
	}
}
