//go:build dnw_cuda

package cuda

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// The few cuBLAS entry points dnw uses, declared here (cuBLAS's own header is not
// needed): a handle is a pointer, enums are ints, status 0 is success.
typedef int (*create_t)(void **);
typedef int (*destroy_t)(void *);
typedef int (*set_stream_t)(void *, void *);
typedef int (*set_math_t)(void *, int);
typedef int (*sgemm_t)(void *, int, int, int, int, int, const float *, const float *, int, const float *, int,
                       const float *, float *, int);
typedef int (*sgemm_batched_t)(void *, int, int, int, int, int, const float *, const float *, int, long long,
                               const float *, int, long long, const float *, float *, int, long long, int);

static void *lib;
static create_t p_create;
static destroy_t p_destroy;
static set_stream_t p_set_stream;
static set_math_t p_set_math;
static sgemm_t p_sgemm;
static sgemm_batched_t p_sgemm_batched;

// dnw_cublas_open loads cuBLAS from path (or the first of the sonames that loads)
// and returns NULL, or the loader's message.
static const char *dnw_cublas_open(const char *path) {
	const char *names[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"};
	if (path) {
		lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	} else {
		for (int i = 0; i < 4 && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	}
	if (!lib) return dlerror();
	p_create = (create_t)dlsym(lib, "cublasCreate_v2");
	p_destroy = (destroy_t)dlsym(lib, "cublasDestroy_v2");
	p_set_stream = (set_stream_t)dlsym(lib, "cublasSetStream_v2");
	p_set_math = (set_math_t)dlsym(lib, "cublasSetMathMode");
	p_sgemm = (sgemm_t)dlsym(lib, "cublasSgemm_v2");
	p_sgemm_batched = (sgemm_batched_t)dlsym(lib, "cublasSgemmStridedBatched");
	if (!p_create || !p_destroy || !p_set_stream || !p_set_math || !p_sgemm || !p_sgemm_batched) return "a cuBLAS entry point is missing";
	return NULL;
}

static int dnw_cublas_create(void **h) { return p_create(h); }
static int dnw_cublas_destroy(void *h) { return p_destroy(h); }
static int dnw_cublas_set_stream(void *h, void *s) { return p_set_stream(h, s); }
static int dnw_cublas_set_math(void *h, int mode) { return p_set_math(h, mode); }

static int dnw_sgemm(void *h, int ta, int tb, int m, int n, int k, float alpha, unsigned long long a, int lda,
                     unsigned long long b, int ldb, float beta, unsigned long long c, int ldc) {
	return p_sgemm(h, ta, tb, m, n, k, &alpha, (const float *)a, lda, (const float *)b, ldb, &beta, (float *)c, ldc);
}

static int dnw_sgemm_batched(void *h, int ta, int tb, int m, int n, int k, float alpha, unsigned long long a, int lda,
                             long long sa, unsigned long long b, int ldb, long long sb, float beta,
                             unsigned long long c, int ldc, long long sc, int count) {
	return p_sgemm_batched(h, ta, tb, m, n, k, &alpha, (const float *)a, lda, sa, (const float *)b, ldb, sb, &beta,
	                       (float *)c, ldc, sc, count);
}
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// cuBLAS's math modes: exact FP32, or TF32 tensor cores (10-bit mantissas in the products).
const (
	mathDefault = 0
	mathTF32    = 3
)

var (
	blasOnce sync.Once
	blasErr  error
)

// loadBLAS dlopens cuBLAS once per process.
func loadBLAS() error {
	blasOnce.Do(func() {
		var path *C.char
		if p := os.Getenv("DNW_CUBLAS"); p != "" {
			path = C.CString(p)
			defer C.free(unsafe.Pointer(path))
		}
		if msg := C.dnw_cublas_open(path); msg != nil {
			blasErr = fmt.Errorf("cuda: loading cuBLAS (libcublas.so.13, .12 or .11 on the library path, or DNW_CUBLAS=FILE): %s", C.GoString(msg))
		}
	})
	return blasErr
}

// blas is a cuBLAS handle bound to a stream.
type blas struct{ h unsafe.Pointer }

// newBLAS creates a handle on the current context that queues on stream s; tf32
// lets the products use TF32 tensor cores.
func newBLAS(s cu.Stream, tf32 bool) (blas, error) {
	var b blas
	if err := loadBLAS(); err != nil {
		return b, err
	}
	if st := C.dnw_cublas_create(&b.h); st != 0 {
		return b, fmt.Errorf("cuda: cublasCreate: status %d", int(st))
	}
	// cu.Stream holds one CUstream and no other field: its bits are the handle.
	raw := *(*unsafe.Pointer)(unsafe.Pointer(&s))
	if st := C.dnw_cublas_set_stream(b.h, raw); st != 0 {
		return b, fmt.Errorf("cuda: cublasSetStream: status %d", int(st))
	}
	mode := mathDefault
	if tf32 {
		mode = mathTF32
	}
	if st := C.dnw_cublas_set_math(b.h, C.int(mode)); st != 0 {
		return b, fmt.Errorf("cuda: cublasSetMathMode: status %d", int(st))
	}
	return b, nil
}

// close releases the handle.
func (b blas) close() { C.dnw_cublas_destroy(b.h) }

func op(t bool) C.int {
	if t {
		return 1 // CUBLAS_OP_T
	}
	return 0 // CUBLAS_OP_N
}

// gemm is C = α·op(A)·op(B) + β·C on row-major matrices: op(A) is m×k, op(B) k×n,
// C m×n, and lda, ldb, ldc the row strides of A, B and C as stored. cuBLAS is
// column-major, where a row-major matrix is its transpose, so it computes
// Cᵀ = op(B)ᵀ·op(A)ᵀ: the operands swap, and so do m and n.
func (b blas) gemm(ta, tb bool, m, n, k int, alpha float32, a cu.DevicePtr, lda int, bm cu.DevicePtr, ldb int,
	beta float32, c cu.DevicePtr, ldc int) error {
	if st := C.dnw_sgemm(b.h, op(tb), op(ta), C.int(n), C.int(m), C.int(k), C.float(alpha), C.ulonglong(bm), C.int(ldb),
		C.ulonglong(a), C.int(lda), C.float(beta), C.ulonglong(c), C.int(ldc)); st != 0 {
		return fmt.Errorf("cuda: cublasSgemm: status %d", int(st))
	}
	return nil
}

// gemmBatched is gemm over count matrices, the i-th at A + i·sa, B + i·sb, C + i·sc.
func (b blas) gemmBatched(ta, tb bool, m, n, k int, alpha float32, a cu.DevicePtr, lda, sa int, bm cu.DevicePtr,
	ldb, sb int, beta float32, c cu.DevicePtr, ldc, sc, count int) error {
	if st := C.dnw_sgemm_batched(b.h, op(tb), op(ta), C.int(n), C.int(m), C.int(k), C.float(alpha), C.ulonglong(bm),
		C.int(ldb), C.longlong(sb), C.ulonglong(a), C.int(lda), C.longlong(sa), C.float(beta), C.ulonglong(c),
		C.int(ldc), C.longlong(sc), C.int(count)); st != 0 {
		return fmt.Errorf("cuda: cublasSgemmStridedBatched: status %d", int(st))
	}
	return nil
}
