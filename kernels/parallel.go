package kernels

import (
	"runtime"
	"sync"
)

// The kernels parallelize over independent items (the images of a batch, the
// (batch, head) pairs of attention) rather than inside one matrix product: at the
// engine's sizes one product is too small to keep two cores busy, and the work
// around it (im2col, col2im, softmax) would stay serial. The BLAS backends run one
// thread per call for the same reason (blas_openblas.go).

// workers is how many goroutines a kernel splits n items over: GOMAXPROCS, at most n.
func workers(n int) int { return max(1, min(n, runtime.GOMAXPROCS(0))) }

// forEach calls body(w, i) for every item i in [0, n), on workers(n) goroutines;
// worker w ∈ [0, workers(n)) takes the contiguous block of items w·n/W .. (w+1)·n/W − 1
// in order, so a caller may give each worker its own scratch, and a per-worker sum
// reduced in worker order is the same on every run with the same GOMAXPROCS.
func forEach(n int, body func(w, i int)) {
	forBlocks(n, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			body(w, i)
		}
	})
}

// forBlocks is forEach by whole blocks: body(w, lo, hi) for worker w's items [lo, hi).
func forBlocks(n int, body func(w, lo, hi int)) {
	nw := workers(n)
	if nw == 1 {
		body(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(w, w*n/nw, (w+1)*n/nw)
		}()
	}
	wg.Wait()
}

// scratch returns count slices of length size each, one per worker.
func scratch[T Float](count, size int) [][]T {
	all := make([]T, count*size)
	s := make([][]T, count)
	for w := range s {
		s[w] = all[w*size : (w+1)*size : (w+1)*size]
	}
	return s
}

// parallelMin is the slice length from which forRange splits work over the workers:
// below it, starting goroutines costs about what it saves.
const parallelMin = 1 << 14

// forRange calls body(lo, hi) over blocks covering [0, n): all of it at once when n is
// below parallelMin, else one contiguous block per worker, concurrently.
func forRange(n int, body func(lo, hi int)) {
	if n < parallelMin {
		body(0, n)
		return
	}
	forBlocks(n, func(_, lo, hi int) { body(lo, hi) })
}
