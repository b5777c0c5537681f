// Convolution by columns: im2col over a chunk of samples into a (C·KH·KW, nc·OH·OW)
// matrix, one matrix product with the weight (cuBLAS), and a permute from
// (F, nc·OH·OW) into the (N, F, OH, OW) output; backward, the same in reverse
// (kernels/conv.go does the same per sample on the CPU).
#include "common.cuh"

// im2col: col[(c·KH + ki)·KW + kj][b·OH·OW + oh·OW + ow] = x[b, c, oh·SH − PH + ki, ow·SW − PW + kj],
// zero outside x; x points at the chunk's first sample. Launched on a grid of
// (⌈OH·OW/256⌉, C·KH·KW, nc) blocks: a block's row of the column matrix and sample
// are its y and z, so each thread divides only to find its output pixel (a kernel
// that decoded all six indices from a flat one spent 40% of a 256×256 GAN step in
// integer division).
extern "C" __global__ void im2col(float *col, const float *x, int nc, int c, int h, int w, int kh, int kw, int sh,
                                  int sw, int ph, int pw, int oh, int ow) {
	int ohw = oh * ow, row = blockIdx.y, b = blockIdx.z;
	int kj = row % kw, ki = (row / kw) % kh, ch = row / (kw * kh);
	const float *xs = x + ((size_t)b * c + ch) * h * w;
	float *dst = col + (size_t)row * nc * ohw + (size_t)b * ohw;
	for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < ohw; p += blockDim.x * gridDim.x) {
		int oy = p / ow, ox = p - oy * ow;
		int y = oy * sh - ph + ki, xx = ox * sw - pw + kj;
		dst[p] = (y >= 0 && y < h && xx >= 0 && xx < w) ? xs[y * w + xx] : 0.0f;
	}
}

// col2im: dx[b, c, y, x] = Σ of the column entries im2col read it into (a gather:
// no atomics, deterministic). Launched on (⌈H·W/256⌉, C, nc) blocks.
extern "C" __global__ void col2im(float *dx, const float *col, int nc, int c, int h, int w, int kh, int kw, int sh,
                                  int sw, int ph, int pw, int oh, int ow) {
	int ch = blockIdx.y, b = blockIdx.z;
	size_t cols = (size_t)nc * oh * ow;
	const float *cb = col + (size_t)b * oh * ow;
	float *dst = dx + ((size_t)b * c + ch) * h * w;
	for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < h * w; p += blockDim.x * gridDim.x) {
		int y = p / w, xx = p - y * w;
		float s = 0;
		for (int ki = 0; ki < kh; ki++) {
			int ty = y + ph - ki;
			if (ty < 0) break; // ty only falls as ki grows
			int oy = ty / sh;
			if (oy * sh != ty || oy >= oh) continue;
			for (int kj = 0; kj < kw; kj++) {
				int tx = xx + pw - kj;
				if (tx < 0) break;
				int ox = tx / sw;
				if (ox * sw != tx || ox >= ow) continue;
				s += cb[(size_t)((ch * kh + ki) * kw + kj) * cols + oy * ow + ox];
			}
		}
		dst[p] = s;
	}
}

// from_columns: y[b, f, p] = t[f, b·hw + p] + bias[f] (bias may be null); y points at
// the chunk's first sample.
extern "C" __global__ void from_columns(float *y, const float *t, const float *bias, int nc, int f, int hw) {
	FOR_EACH(i, nc * f * hw) {
		int p = i % hw, ch = (i / hw) % f, b = i / (hw * f);
		y[i] = t[(size_t)ch * nc * hw + b * hw + p] + (bias ? bias[ch] : 0.0f);
	}
}

// to_columns: t[f, b·hw + p] = dy[b, f, p], from_columns' adjoint without the bias.
extern "C" __global__ void to_columns(float *t, const float *dy, int nc, int f, int hw) {
	FOR_EACH(i, nc * f * hw) {
		int p = i % hw, ch = (i / hw) % f, b = i / (hw * f);
		t[(size_t)ch * nc * hw + b * hw + p] = dy[i];
	}
}
