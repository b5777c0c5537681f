package conceptdirs

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestPixelBudgetWaitsForRoom(t *testing.T) {
	b := newPixelBudget(10)
	ctx := context.Background()
	if err := b.acquire(ctx, 6); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- b.acquire(ctx, 6) }()
	select {
	case err := <-got:
		t.Fatalf("a second 6 of 10 did not wait (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.release(6)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// More than the whole budget waits for all of it, then proceeds alone.
	b.release(6)
	if err := b.acquire(ctx, 1000); err != nil || b.used != 10 {
		t.Fatalf("acquire(1000) = %v, used %d; want nil, 10", err, b.used)
	}
}

func TestPixelBudgetWakesOnCancel(t *testing.T) {
	b := newPixelBudget(10)
	ctx, cancel := context.WithCancel(context.Background())
	defer b.wakeOnDone(ctx)()
	if err := b.acquire(ctx, 10); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- b.acquire(ctx, 1) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-got:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("acquire = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiting acquire did not return on cancel")
	}
}

func TestDecodeAllStopsBetweenFiles(t *testing.T) {
	// Cancelled before it starts, decodeAll touches no job.
	dir := t.TempDir()
	var jobs []*pairJob
	for range 100 {
		jobs = append(jobs, &pairJob{aPath: filepath.Join(dir, "missing.png"), bPath: filepath.Join(dir, "missing.png")})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &decoder{size: 4, maxPixels: DefaultMaxPixels, budget: newPixelBudget(DefaultMaxPixels)}
	if err := d.decodeAll(ctx, jobs); !errors.Is(err, context.Canceled) {
		t.Errorf("decodeAll = %v, want context.Canceled", err)
	}
	for i, j := range jobs {
		if j.errs != nil {
			t.Fatalf("job %d was attempted after the cancel: %v", i, j.errs)
		}
	}
}
