// The softmax of attention's scores, row by row (kernels/softmax.go), and its
// backward pass. One block per row.
#include "common.cuh"

// softmax: d[r, :] = softmax(x[r, :]), stable (the row maximum subtracted); d may be x.
extern "C" __global__ void softmax(float *d, const float *x, int cols) {
	__shared__ double sums[REDUCE_THREADS];
	__shared__ float maxes[REDUCE_THREADS];
	const float *xr = x + (size_t)blockIdx.x * cols;
	float *dr = d + (size_t)blockIdx.x * cols;
	float m = -INFINITY;
	for (int j = threadIdx.x; j < cols; j += REDUCE_THREADS) m = fmaxf(m, xr[j]);
	m = block_max(m, maxes);
	double s = 0;
	for (int j = threadIdx.x; j < cols; j += REDUCE_THREADS) {
		float e = expf(xr[j] - m);
		dr[j] = e;
		s += e;
	}
	float inv = (float)(1 / block_sum(s, sums));
	for (int j = threadIdx.x; j < cols; j += REDUCE_THREADS) dr[j] *= inv;
}

// softmax_backward: dx = y ⊙ (dy − Σ_j dy·y) per row, times scale; dx may be dy.
extern "C" __global__ void softmax_backward(float *dx, const float *dy, const float *y, int cols, float scale) {
	__shared__ double sums[REDUCE_THREADS];
	size_t off = (size_t)blockIdx.x * cols;
	double s = 0;
	for (int j = threadIdx.x; j < cols; j += REDUCE_THREADS) s += (double)dy[off + j] * y[off + j];
	float dot = (float)block_sum(s, sums);
	for (int j = threadIdx.x; j < cols; j += REDUCE_THREADS) dx[off + j] = scale * y[off + j] * (dy[off + j] - dot);
}
