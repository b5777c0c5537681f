//go:build openblas && cgo

package kernels

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import (
	"strings"
	"unsafe"
)

// The OpenBLAS backend (build tag `openblas`; Debian's libopenblas-dev, which the
// Makefile installs): about 115 GFLOP/s for 64×288 · 288×1024 on 2 cores here, 34×
// the reference Gemm. Its own thread pool is turned off: the kernels call it from
// several goroutines at once (parallel.go), and idle pool threads spin on the cores
// those goroutines need (a third of a GAN step's CPU time was spent spinning before).

func init() { C.openblas_set_num_threads(1) }

// blasName is "OpenBLAS VERSION" (the first two words of its build configuration).
func blasName() string {
	words := strings.Fields(C.GoString(C.openblas_get_config()))
	return strings.Join(words[:min(2, len(words))], " ")
}

func sgemm(transA, transB bool, m, n, k int, alpha float32, a, b []float32, beta float32, c []float32) {
	C.cblas_sgemm(C.CblasRowMajor, cblasTrans(transA), cblasTrans(transB),
		C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(unsafe.Pointer(&a[0])), C.blasint(lead(transA, m, k)),
		(*C.float)(unsafe.Pointer(&b[0])), C.blasint(lead(transB, k, n)),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(n))
}

func cblasTrans(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}
