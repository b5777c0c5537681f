package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// timedLockPath is the machine-wide lock that timed fine-tunes hold: every dnw on the
// machine (the trials of a local sweep with --jobs 2, say) takes it, so a method's
// seconds to a target never depend on another fine-tune sharing the cores. A var for
// tests.
var timedLockPath = filepath.Join(os.TempDir(), "dnw-timed-finetune.lock")

// timedLockPoll is how often a waiting fine-tune tries the lock again; flock has no
// wait that a context can cancel.
const timedLockPoll = 50 * time.Millisecond

// timedLockWaitMessage is logged once by a fine-tune that waits for the lock.
const timedLockWaitMessage = "waiting for another timed fine-tune on this machine to finish"

// acquireTimedLock takes the lock of timed fine-tunes, waiting while another holds
// it (logging once that it waits) until ctx is done. The lock is released by the
// returned function, or by the kernel when the process dies, so a killed run never
// leaves it held.
func acquireTimedLock(ctx context.Context, log *slog.Logger) (release func(), err error) {
	f, err := os.OpenFile(timedLockPath, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("the lock that keeps timed fine-tunes apart: %w", err)
	}
	waiting := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing the file releases the lock
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", timedLockPath, err)
		}
		if !waiting && log != nil {
			log.Info(timedLockWaitMessage, "lock", timedLockPath)
			waiting = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(timedLockPoll):
		}
	}
}
