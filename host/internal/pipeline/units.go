package pipeline

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"

	"dnw/host/internal/stage"
)

// doneUnits is the checkpoint of a stage made of independent units (a concept's
// fine-tune, a method's run on a held-out concept): those whose results are complete
// on disk, so a rerun continues with the next unfinished one.
type doneUnits struct {
	Done []string
}

// runUnits runs work for every unit in order, jobs at a time, skipping those the
// stage's checkpoint lists as done, and shows them on a progress bar counting unit.
// work writes its unit's result to its own file under partial/ before it returns; only
// then does the checkpoint name the unit done, so an interruption loses at most the
// units in flight. The announce function work returns (nil: none) is called after
// that, so that what it logs is on disk for good. The first failure stops the others;
// ctx's cancellation returns ctx.Err() once the units in flight have stopped.
func runUnits(ctx context.Context, env *stage.Env, jobs int, units []string, unit string, work func(ctx context.Context, id string) (announce func(), err error)) error {
	var st doneUnits
	if _, err := env.LoadCheckpoint(&st); err != nil {
		return err
	}
	if err := os.MkdirAll(env.Path("partial"), 0o755); err != nil {
		return err
	}
	var pending []string
	for _, u := range units {
		if !slices.Contains(st.Done, u) {
			pending = append(pending, u)
		}
	}
	bar := env.Progress(int64(len(units)), unit, int64(len(st.Done)))

	var (
		mu       sync.Mutex // guards st, firstErr and the bar
		firstErr error
		next     = make(chan string)
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(max(jobs, 1), max(len(pending), 1)) {
		wg.Go(func() {
			for u := range next {
				if ctx.Err() != nil {
					continue // interrupted, or failed elsewhere: left for the rerun
				}
				announce, err := work(ctx, u)
				mu.Lock()
				if err == nil {
					st.Done = append(st.Done, u)
					if err = env.SaveCheckpoint(&st, int64(len(st.Done))); err == nil {
						bar.Set(int64(len(st.Done)))
						if announce != nil {
							announce()
						}
					}
				}
				if err != nil {
					if firstErr == nil && ctx.Err() == nil {
						firstErr = fmt.Errorf("%s: %w", u, err)
					}
					cancel()
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, u := range pending {
		select {
		case next <- u:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
