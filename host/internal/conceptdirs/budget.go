package conceptdirs

import (
	"context"
	"sync"
)

// pixelBudget bounds the pixels that the decoding goroutines hold at once, so that
// memory does not grow with GOMAXPROCS: with budget Options.MaxPixels, GOMAXPROCS
// small photos decode side by side while the largest allowed one decodes alone.
type pixelBudget struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int64 // pixels in all
	used int64
}

func newPixelBudget(size int64) *pixelBudget {
	b := &pixelBudget{size: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n pixels fit in the budget, or ctx is done (then the error is
// ctx's). n over the whole budget waits for all of it. The caller must have
// registered wakeOnDone for ctx.
func (b *pixelBudget) acquire(ctx context.Context, n int64) error {
	n = min(n, b.size)
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+n > b.size && ctx.Err() == nil {
		b.cond.Wait()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.used += n
	return nil
}

// release returns n pixels taken by acquire.
func (b *pixelBudget) release(n int64) {
	b.mu.Lock()
	b.used -= min(n, b.size)
	b.mu.Unlock()
	b.cond.Broadcast()
}

// wakeOnDone wakes the waiters of acquire when ctx is done, so that they return;
// the returned function unregisters it.
func (b *pixelBudget) wakeOnDone(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.mu.Unlock()
		b.cond.Broadcast()
	})
}
