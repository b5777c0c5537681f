// Convolution by columns: im2col over a chunk of samples into a (C·KH·KW, nc·OH·OW)
// matrix, one matrix product with the weight (cuBLAS), and a permute from
// (F, nc·OH·OW) into the (N, F, OH, OW) output; backward, the same in reverse
// (kernels/conv.go does the same per sample on the CPU).
#include "common.cuh"

// im2col: col[(c·KH + ki)·KW + kj][b·OH·OW + oh·OW + ow] = x[b, c, oh·SH − PH + ki, ow·SW − PW + kj],
// zero outside x; x points at the chunk's first sample.
extern "C" __global__ void im2col(float *col, const float *x, int nc, int c, int h, int w, int kh, int kw, int sh,
                                  int sw, int ph, int pw, int oh, int ow) {
	int cols = nc * oh * ow;
	FOR_EACH(i, c * kh * kw * cols) {
		int q = i % cols, row = i / cols;
		int ox = q % ow, oy = (q / ow) % oh, b = q / (ow * oh);
		int kj = row % kw, ki = (row / kw) % kh, ch = row / (kw * kh);
		int y = oy * sh - ph + ki, xx = ox * sw - pw + kj;
		col[i] = (y >= 0 && y < h && xx >= 0 && xx < w) ? x[(((size_t)b * c + ch) * h + y) * w + xx] : 0.0f;
	}
}

// col2im: dx[b, c, y, x] = Σ of the column entries im2col read it into, one thread per
// element of dx (a gather: no atomics, deterministic).
extern "C" __global__ void col2im(float *dx, const float *col, int nc, int c, int h, int w, int kh, int kw, int sh,
                                  int sw, int ph, int pw, int oh, int ow) {
	int cols = nc * oh * ow;
	FOR_EACH(i, nc * c * h * w) {
		int xx = i % w, y = (i / w) % h, ch = (i / (w * h)) % c, b = i / (w * h * c);
		float s = 0;
		for (int ki = 0; ki < kh; ki++) {
			int ty = y + ph - ki;
			if (ty < 0 || ty % sh) continue;
			int oy = ty / sh;
			if (oy >= oh) continue;
			for (int kj = 0; kj < kw; kj++) {
				int tx = xx + pw - kj;
				if (tx < 0 || tx % sw) continue;
				int ox = tx / sw;
				if (ox >= ow) continue;
				s += col[(size_t)((ch * kh + ki) * kw + kj) * cols + (b * oh + oy) * ow + ox];
			}
		}
		dx[i] = s;
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
