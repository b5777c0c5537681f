package sweep

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// Failure policies.
const (
	FailFast = "fail-fast" // the first failed trial stops the others (they checkpoint) and no new one starts
	Continue = "continue"  // every trial runs; the failed ones are listed at the end
)

// Local is the local backend: trials run as child processes, Jobs at once, each
// writing its output to trial.log in its run directory.
type Local struct {
	Jobs      int
	OnFailure string
	// Command makes the child process of a trial: dnw trial SWEEP_DIR INDEX.
	Command func(ctx context.Context, t PlanTrial) *exec.Cmd
	Log     *slog.Logger
}

// Run runs the trials and returns the indices of those that failed. Cancelling
// ctx interrupts the running children (SIGINT: they save a checkpoint and stop)
// and starts no more.
func (l Local) Run(ctx context.Context, p *Plan, todo []PlanTrial) ([]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu     sync.Mutex
		failed []int
		done   int
		wg     sync.WaitGroup
	)
	slots := make(chan struct{}, max(l.Jobs, 1))
	for _, t := range todo {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			start := time.Now()
			l.Log.Info("trial started", "trial", t.Index, "name", t.Name)
			err := l.runOne(ctx, p, t)
			mu.Lock()
			defer mu.Unlock()
			done++
			if err != nil {
				if ctx.Err() == nil {
					failed = append(failed, t.Index)
					l.Log.Error("trial failed", "trial", t.Index, "name", t.Name, "err", err,
						"log", filepath.Join(p.RunDir(t), "trial.log"))
					if l.OnFailure == FailFast {
						cancel()
					}
				}
				return
			}
			l.Log.Info("trial done", "trial", t.Index, "name", t.Name, "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()),
				"done", done, "of", len(todo))
		}()
	}
	wg.Wait()
	return failed, nil
}

// runOne runs one trial's child with its output in trial.log.
func (l Local) runOne(ctx context.Context, p *Plan, t PlanTrial) error {
	logPath := filepath.Join(p.RunDir(t), "trial.log")
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := l.Command(ctx, t)
	cmd.Stdout, cmd.Stderr = out, out
	// Interrupted, a trial saves its checkpoint and exits; a stuck one is killed.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", cmd.String(), err)
	}
	return nil
}
