package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestTimedLockKeepsHoldersApart: while one holder has the lock, another waits until
// it is released or its context ends.
func TestTimedLockKeepsHoldersApart(t *testing.T) {
	timedLockPath = filepath.Join(t.TempDir(), "timed.lock")
	release, err := acquireTimedLock(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := acquireTimedLock(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second holder while the first holds: %v, want to wait until its deadline", err)
	}
	release()
	again, err := acquireTimedLock(context.Background(), nil)
	if err != nil {
		t.Fatalf("after the release: %v", err)
	}
	again()
}

// TestFinetunesAreTimedOneAtATime runs the fine-tune stage with --jobs 2 while the
// machine's timed lock is held (as another dnw's fine-tune would hold it): the stage
// waits for it, and once it has it, its own fine-tunes and predictions never wait for
// each other, because they run one at a time.
func TestFinetunesAreTimedOneAtATime(t *testing.T) {
	timedLockPath = filepath.Join(t.TempDir(), "timed.lock")
	release, err := acquireTimedLock(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits, done := 0, 0
	err = runPipeline(t, t.TempDir(), finetunePipeline(), 2, func(r slog.Record) bool {
		mu.Lock()
		defer mu.Unlock()
		switch r.Message {
		case timedLockWaitMessage:
			waits++
			if waits == 1 {
				if done > 0 {
					t.Error("a fine-tune finished while another process held the timed lock")
				}
				release()
			}
		case "fine-tune done":
			done++
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	if waits != 1 || done != 5 {
		t.Errorf("%d waits for the timed lock and %d fine-tunes, want 1 (for the outside holder) and 5", waits, done)
	}
}
