// Shared pieces of dnw's CUDA kernels (kernels/cuda/*.cu). Every kernel is
// extern "C" so the driver API finds it by name; sizes are int (every buffer dnw
// allocates holds fewer than 2^31 values: conv chunks its columns to stay below).
#pragma once

// Each thread of a 1-D launch walks the elements i, i + stride, … of [0, n).
#define FOR_EACH(i, n) \
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

// Threads per block of the reductions (one block per row, channel or group).
#define REDUCE_THREADS 256

// block_sum returns the sum of v over the block's threads, in every thread.
// shared holds REDUCE_THREADS doubles; blockDim.x must be REDUCE_THREADS.
__device__ inline double block_sum(double v, double *shared) {
	shared[threadIdx.x] = v;
	__syncthreads();
	for (int s = REDUCE_THREADS / 2; s > 0; s >>= 1) {
		if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
		__syncthreads();
	}
	double total = shared[0];
	__syncthreads(); // shared is reused by the caller's next reduction
	return total;
}

// block_max is block_sum's maximum, over floats.
__device__ inline float block_max(float v, float *shared) {
	shared[threadIdx.x] = v;
	__syncthreads();
	for (int s = REDUCE_THREADS / 2; s > 0; s >>= 1) {
		if (threadIdx.x < s) shared[threadIdx.x] = fmaxf(shared[threadIdx.x], shared[threadIdx.x + s]);
		__syncthreads();
	}
	float m = shared[0];
	__syncthreads();
	return m;
}
