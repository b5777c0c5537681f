//go:build dnw_cuda

package cuda

import (
	"embed"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"gorgonia.org/cu"
)

//go:embed ptx/*.ptx
var ptx embed.FS

// Count is the number of CUDA devices the driver sees.
func Count() (int, error) { return cu.NumDevices() }

// device is one GPU's primary context and the kernels loaded into it, shared by
// every Stream on it.
type device struct {
	ordinal int
	name    string
	ctx     cu.CUContext
	fns     map[string]cu.Function
}

var (
	devicesMu sync.Mutex
	devices   = map[int]*device{}
)

// openDevice retains the primary context of GPU ordinal (the one the CUDA runtime,
// and so cuBLAS, uses too) and loads every embedded PTX module into it, once per
// process.
func openDevice(ordinal int) (*device, error) {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	if d, ok := devices[ordinal]; ok {
		return d, nil
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, fmt.Errorf("cuda: device %d: %w", ordinal, err)
	}
	ctx, err := dev.RetainPrimaryCtx()
	if err != nil {
		return nil, fmt.Errorf("cuda: device %d: primary context: %w", ordinal, err)
	}
	d := &device{ordinal: ordinal, ctx: ctx, fns: map[string]cu.Function{}}
	d.name, _ = dev.Name()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cu.SetCurrentContext(ctx); err != nil {
		return nil, err
	}
	files, _ := ptx.ReadDir("ptx")
	for _, f := range files {
		src, err := ptx.ReadFile("ptx/" + f.Name())
		if err != nil {
			return nil, err
		}
		mod, err := cu.LoadData(string(src) + "\x00")
		if err != nil {
			return nil, fmt.Errorf("cuda: loading %s: %w", f.Name(), err)
		}
		for _, name := range kernelNames[f.Name()] {
			fn, err := mod.Function(name)
			if err != nil {
				return nil, fmt.Errorf("cuda: %s has no kernel %s: %w", f.Name(), name, err)
			}
			d.fns[name] = fn
		}
	}
	devices[ordinal] = d
	return d, nil
}

// kernelNames are the kernels of each PTX file, the extern "C" functions of its .cu.
var kernelNames = map[string][]string{
	"elementwise.ptx": {"axpy", "add", "mul", "add_batch", "act_forward", "act_backward", "loss_terms",
		"sum_all", "adamw", "ema", "transpose", "upsample", "upsample_backward", "avg_pool", "avg_pool_backward",
		"copy_channels", "batch_norm_update", "batch_norm_eval"},
	"norm.ptx": {"group_norm", "group_norm_backward_x", "norm_param_terms", "norm_param_terms_small", "batch_norm",
		"batch_norm_backward"},
	"conv.ptx":    {"im2col", "col2im", "from_columns", "to_columns"},
	"softmax.ptx": {"softmax", "softmax_backward"},
}

// Buffer is an array of float32 in device memory.
type Buffer struct {
	ptr cu.DevicePtr
	n   int
}

// Len is the number of values.
func (b *Buffer) Len() int { return b.n }

// at is the address of value i.
func (b *Buffer) at(i int) cu.DevicePtr { return b.ptr + cu.DevicePtr(4*i) }

// Stream is a queue of work on a GPU: kernels, products and copies run on it in
// order, asynchronously to the caller, until Download or Sync waits for them. One
// goroutine uses a Stream at a time; open one per training loop.
type Stream struct {
	d      *device
	s      cu.Stream
	blas   blas
	err    error // the first failure, reported by Sync
	work   [6]*Buffer
	args   [20]uint64
	params [20]unsafe.Pointer
}

// Open returns a new stream on GPU ordinal. DNW_TF32=1 lets its matrix products
// use TF32 tensor cores (faster, with 10-bit mantissas in the products).
func Open(ordinal int) (*Stream, error) {
	d, err := openDevice(ordinal)
	if err != nil {
		return nil, err
	}
	s := &Stream{d: d}
	for i := range s.params {
		s.params[i] = unsafe.Pointer(&s.args[i])
	}
	defer s.bind()()
	if s.s, err = cu.MakeStream(cu.NonBlocking); err != nil {
		return nil, fmt.Errorf("cuda: stream: %w", err)
	}
	if s.blas, err = newBLAS(s.s, os.Getenv("DNW_TF32") == "1"); err != nil {
		return nil, err
	}
	return s, nil
}

// Name is the GPU's name, as the driver gives it.
func (s *Stream) Name() string { return fmt.Sprintf("cuda:%d (%s)", s.d.ordinal, s.d.name) }

// bind makes the device's context current on this goroutine's thread, for the
// driver calls that follow, and returns what undoes the pinning to the thread.
func (s *Stream) bind() func() {
	runtime.LockOSThread()
	if err := cu.SetCurrentContext(s.d.ctx); err != nil {
		s.fail(err)
	}
	return runtime.UnlockOSThread
}

func (s *Stream) fail(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// Sync waits for everything queued and returns the first failure since the last
// Sync, if any.
func (s *Stream) Sync() error {
	defer s.bind()()
	s.wait()
	err := s.err
	s.err = nil
	return err
}

// Close waits for the stream and frees its scratch space and cuBLAS handle.
func (s *Stream) Close() {
	defer s.bind()()
	s.fail(s.s.Synchronize())
	for i, w := range s.work {
		if w != nil {
			s.fail(cu.MemFree(w.ptr))
			s.work[i] = nil
		}
	}
	s.blas.close()
	s.fail(s.s.Destroy())
}

// Alloc returns n zeros in device memory.
func (s *Stream) Alloc(n int) *Buffer {
	defer s.bind()()
	b := &Buffer{n: n}
	if n == 0 {
		return b
	}
	var err error
	if b.ptr, err = cu.MemAlloc(int64(4 * n)); err != nil {
		s.fail(fmt.Errorf("cuda: allocating %d values: %w", n, err))
		return b
	}
	s.fail(cu.MemsetD32Async(b.ptr, 0, int64(n), s.s))
	return b
}

// Free releases a buffer's memory (after the work queued before it).
func (s *Stream) Free(b *Buffer) {
	if b == nil || b.ptr == 0 {
		return
	}
	defer s.bind()()
	s.fail(s.s.Synchronize())
	s.fail(cu.MemFree(b.ptr))
	b.ptr, b.n = 0, 0
}

// Upload copies src into dst (len(src) = dst.Len()); src may be reused at once.
func (s *Stream) Upload(dst *Buffer, src []float32) {
	need("Upload", len(src), dst.n)
	if len(src) == 0 {
		return
	}
	defer s.bind()()
	// From pageable memory (the Go heap) the driver stages the copy before the call
	// returns (CUDA's "API synchronization behavior"), so src may change at once.
	s.fail(cu.MemcpyHtoDAsync(dst.ptr, unsafe.Pointer(&src[0]), int64(4*len(src)), s.s))
	counters.uploads.Add(1)
}

// Download copies src into dst after the queued work, and waits for it.
func (s *Stream) Download(dst []float32, src *Buffer) {
	need("Download", len(dst), src.n)
	if len(dst) == 0 {
		return
	}
	defer s.bind()()
	start := time.Now()
	// A copy to pageable memory (the Go heap) returns when it is done, after the
	// work queued before it: this is where the host waits for the GPU.
	s.fail(cu.MemcpyDtoHAsync(unsafe.Pointer(&dst[0]), src.ptr, int64(4*len(dst)), s.s))
	s.fail(s.s.Synchronize())
	s.waited(start)
}

// wait blocks until the stream is idle.
func (s *Stream) wait() {
	start := time.Now()
	s.fail(s.s.Synchronize())
	s.waited(start)
}

// waited counts a wait that began at start in Counters.
func (s *Stream) waited(start time.Time) {
	counters.syncs.Add(1)
	counters.waited.Add(int64(time.Since(start)))
}

// Copy copies src into dst[off : off+src.Len()] on the device.
func (s *Stream) Copy(dst *Buffer, off int, src *Buffer) {
	if off < 0 || off+src.n > dst.n {
		panic(fmt.Sprintf("cuda: Copy of %d values at %d into %d", src.n, off, dst.n))
	}
	if src.n == 0 {
		return
	}
	defer s.bind()()
	s.fail(cu.MemcpyDtoDAsync(dst.at(off), src.ptr, int64(4*src.n), s.s))
}

// Fill sets every value of dst to v.
func (s *Stream) Fill(dst *Buffer, v float32) {
	if dst.n == 0 {
		return
	}
	defer s.bind()()
	s.fail(cu.MemsetD32Async(dst.ptr, uint(math.Float32bits(v)), int64(dst.n), s.s))
}

// scratch returns work buffer i with at least n values, growing it when needed
// (0: a convolution's columns, 1: its product, 2: attention's score gradients,
// 3: the ones of column sums, 4 and 5: per-sample partial sums; each call's use
// ends before the next call's).
func (s *Stream) scratch(i, n int) *Buffer {
	if w := s.work[i]; w != nil && w.n >= n {
		return w
	}
	if w := s.work[i]; w != nil {
		s.Free(w)
	}
	s.work[i] = s.Alloc(n)
	return s.work[i]
}

// need panics unless a length is what a kernel needs (a programmer error, as in
// package kernels).
func need(kernel string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("cuda: %s: %d values, want %d", kernel, got, want))
	}
}

// threads is the block size of the elementwise kernels.
const threads = 256

// launch queues kernel name over n elements (a grid-stride loop: FOR_EACH in
// common.cuh) with args: *Buffer (its address, or null for nil), int, float32, float64.
func (s *Stream) launch(name string, n int, args ...any) {
	if n <= 0 {
		return
	}
	blocks := min((n+threads-1)/threads, 1<<20)
	s.launchGrid(name, [3]int{blocks, 1, 1}, [3]int{threads, 1, 1}, args...)
}

// launchGrid queues kernel name on a grid of blocks.
func (s *Stream) launchGrid(name string, grid, block [3]int, args ...any) {
	fn, ok := s.d.fns[name]
	if !ok {
		panic("cuda: no kernel " + name)
	}
	if len(args) > len(s.args) {
		panic("cuda: too many kernel arguments")
	}
	for i, a := range args {
		switch v := a.(type) {
		case *Buffer:
			s.args[i] = 0
			if v != nil {
				s.args[i] = uint64(v.ptr)
			}
		case cu.DevicePtr:
			s.args[i] = uint64(v)
		case int: // an int parameter reads the low 4 bytes, a two's complement int32
			s.args[i] = uint64(int64(v))
		case float32:
			s.args[i] = uint64(math.Float32bits(v))
		case float64:
			s.args[i] = math.Float64bits(v)
		default:
			panic(fmt.Sprintf("cuda: kernel argument of type %T", a))
		}
	}
	defer s.bind()()
	defer s.profile(name)()
	s.fail(fn.Launch(grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, s.s, s.params[:len(args)]))
	counters.launches.Add(1)
}

// counters count, over every stream of the process, what the host asks of the GPU
// and how long it waits for it: the split between the GPU's work and the host's.
var counters struct {
	launches, products, uploads, syncs atomic.Int64
	waited                             atomic.Int64 // nanoseconds in Synchronize
}

// Counters is a snapshot of the process's GPU traffic since it started.
type Counters struct {
	Launches int64         // kernel launches
	Products int64         // cuBLAS calls
	Uploads  int64         // host-to-device copies
	Syncs    int64         // waits for a stream (Download, Sync)
	Waited   time.Duration // time spent in those waits: the GPU still working
}

// Snapshot returns the counters.
func Snapshot() Counters {
	return Counters{Launches: counters.launches.Load(), Products: counters.products.Load(), Uploads: counters.uploads.Load(),
		Syncs: counters.syncs.Load(), Waited: time.Duration(counters.waited.Load())}
}

// profiling is DNW_PROFILE=1: every kernel and product then waits for the GPU, and
// its time is added to its name's in Profile (a step runs slower, but each
// kernel's share is measured).
var profiling = os.Getenv("DNW_PROFILE") == "1"

var (
	profileMu sync.Mutex
	profile   = map[string]*ProfileEntry{}
)

// ProfileEntry is the time of one kernel (or cuBLAS call shape) under DNW_PROFILE=1.
type ProfileEntry struct {
	Name  string
	Calls int
	Time  time.Duration
}

// profile returns what ends the timing of one call named name (nothing unless profiling).
func (s *Stream) profile(name string) func() {
	if !profiling {
		return func() {}
	}
	s.fail(s.s.Synchronize())
	start := time.Now()
	return func() {
		s.fail(s.s.Synchronize())
		profileMu.Lock()
		defer profileMu.Unlock()
		e := profile[name]
		if e == nil {
			e = &ProfileEntry{Name: name}
			profile[name] = e
		}
		e.Calls++
		e.Time += time.Since(start)
	}
}

// Profile returns the time of every kernel and product since the last call, the
// longest first, and starts over.
func Profile() []ProfileEntry {
	profileMu.Lock()
	defer profileMu.Unlock()
	var out []ProfileEntry
	for _, e := range profile {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time > out[j].Time })
	profile = map[string]*ProfileEntry{}
	return out
}
