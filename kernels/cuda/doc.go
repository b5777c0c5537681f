// Package cuda runs dnw's kernels on an NVIDIA GPU: the functions of package
// kernels, with the same names and semantics, over buffers in device memory.
// It is built only with the cuda build tag (make cuda), so that the default build
// needs neither a GPU nor the CUDA driver; without the tag this package is empty.
//
// The kernels are CUDA C in this folder (*.cu). make ptx compiles them with nvcc
// to PTX for the virtual architecture compute_80, which the driver compiles at load
// for the GPU it finds (sm_90 on an H200); the PTX is committed in ptx/ and
// embedded in the binary, so building dnw never needs nvcc. Everything goes through
// the CUDA driver API by gorgonia.org/cu: a stream per Stream, kernel launches, and
// copies only where the caller asks for them. Matrix products go through cuBLAS,
// found at run time by dlopen of whichever libcublas.so.N the machine has (13, 12 or
// 11; DNW_CUBLAS names a file), so one binary runs on any CUDA 11 to 13 install.
package cuda
