package stage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/host/internal/stagecache"
)

// Runner executes a pipeline in an open run directory whose manifest the caller has
// prepared (runstore.Run.Manifest non-nil).
type Runner struct {
	Run      *runstore.Run
	Config   *config.Config
	Log      *slog.Logger
	Progress *progress.Reporter  // required: stages report progress through it
	Plugins  *pluginhost.Manager // required by stages that call plugins
	// Extensions opens the WASM metrics and filters the experiment names; required
	// by stages that score or filter.
	Extensions *extensions.Set
	// Cache, when set, restores a stage whose result it holds instead of running
	// it, and keeps every stage that finishes; Build is the dnw build's identity,
	// part of every cache key.
	Cache *stagecache.Cache
	Build string
	Now   func() time.Time // nil means time.Now
	Jobs  int              // how many independent units (concepts) a stage may run at once; < 1 means 1

	digests *dataDigests // the run's record of data-file digests, loaded by the first stage with Data
}

// Execute runs every stage that is not already done with the same fingerprint. It
// stops at the first failure; a stage stopped by ctx is recorded as interrupted.
func (r *Runner) Execute(ctx context.Context, p Pipeline) error {
	if err := p.Check(); err != nil {
		return err
	}
	for i := range p.Stages {
		if err := r.stage(ctx, &p.Stages[i]); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) stage(ctx context.Context, s *Stage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rec := r.Run.Manifest.Stage(s.Name)
	fp, err := r.fingerprint(ctx, s)
	if err != nil {
		return err
	}
	ckPath := r.Run.Path("checkpoints/" + s.Name + ".ckpt")
	if rec.Status == runstore.Done {
		why := r.staleReason(rec, fp)
		if why == "" {
			r.Log.Info("stage up to date", "stage", s.Name)
			os.Remove(ckPath)
			return nil
		}
		r.Log.Info("stage out of date: "+why, "stage", s.Name)
	}

	ck, err := readCheckpoint(ckPath)
	resume := err == nil && ck.Fingerprint == fp
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		r.Log.Warn("unreadable checkpoint; starting the stage afresh", "stage", s.Name, "err", err)
	case !resume:
		r.Log.Info("checkpoint was made with other config or inputs; starting the stage afresh", "stage", s.Name)
	}
	if !resume {
		// Files of an earlier attempt under other settings must not mix with this one's.
		os.Remove(ckPath)
		if err := os.RemoveAll(r.Run.Path("stages/" + s.Name)); err != nil {
			return fmt.Errorf("stage %s: clearing old files: %w", s.Name, err)
		}
		rec.Progress, rec.ResumedAt, rec.Seconds, rec.PluginSecs = nil, 0, 0, 0
		if done, err := r.restore(s, rec, fp); done || err != nil {
			return err
		}
	}
	if err := os.MkdirAll(r.Run.Path("stages/"+s.Name), 0o755); err != nil {
		return fmt.Errorf("stage %s: %w", s.Name, err)
	}

	start := r.now()
	rec.Status, rec.Fingerprint, rec.Started, rec.Ended = runstore.Running, fp, &start, nil
	rec.Error, rec.Artifacts = "", nil
	if err := r.Run.SaveManifest(); err != nil {
		return err
	}
	r.Log.Info("stage started", "stage", s.Name, "resume", resume)
	env := &Env{Config: r.Config, Log: r.Log.With("stage", s.Name), Jobs: max(r.Jobs, 1), stage: s, run: r.Run,
		rec: rec, fingerprint: fp, reporter: r.Progress, plugins: r.Plugins, extensions: r.Extensions, started: time.Now(), before: rec.Seconds}
	spentBefore := r.pluginSpent()
	err = call(ctx, s, env)
	if env.bar != nil && err == nil {
		env.bar.Finish()
		rec.Progress = &runstore.Progress{Done: env.total, Total: env.total, Unit: env.unit}
	}
	end := r.now()
	rec.Seconds = env.before + time.Since(env.started).Seconds()
	rec.PluginSecs += (r.pluginSpent() - spentBefore).Seconds()
	rec.Ended = &end
	if err == nil {
		err = r.finish(s, rec)
	}
	if err != nil {
		rec.Status = runstore.Failed
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			rec.Status = runstore.Interrupted
		}
		rec.Error = err.Error()
		if serr := r.Run.SaveManifest(); serr != nil {
			r.Log.Error("cannot save manifest", "err", serr)
		}
		return fmt.Errorf("stage %s: %w", s.Name, err)
	}
	if err := r.Run.SaveManifest(); err != nil {
		return err
	}
	os.Remove(ckPath)
	r.keep(s, fp)
	r.Log.Info("stage done", "stage", s.Name, "seconds", fmt.Sprintf("%.2f", rec.Seconds),
		"plugin_seconds", fmt.Sprintf("%.3f", rec.PluginSecs),
		"plugin_share", fmt.Sprintf("%.2f%%", 100*rec.PluginSecs/max(rec.Seconds, 1e-9)), "artifacts", len(rec.Artifacts))
	return nil
}

// restore fills the stage from the cache when it holds the stage's result, and
// reports whether it did.
func (r *Runner) restore(s *Stage, rec *runstore.StageRecord, fp string) (bool, error) {
	if r.Cache == nil {
		return false, nil
	}
	key := stagecache.Key(s.Name, fp, r.Build)
	hit, err := r.Cache.Restore(s.Name, key, r.Run.Path("stages/"+s.Name))
	switch {
	case errors.Is(err, stagecache.ErrCorrupt):
		r.Log.Warn("stage cache entry was corrupt and is evicted; running the stage", "stage", s.Name, "err", err)
		return false, nil
	case err != nil:
		r.Log.Warn("stage cache unreadable; running the stage", "stage", s.Name, "err", err)
		return false, nil
	}
	if !hit {
		r.Log.Info("stage cache miss", "stage", s.Name, "key", key[:16])
		return false, nil
	}
	now := r.now()
	rec.Status, rec.Fingerprint, rec.Started, rec.Ended, rec.Error, rec.FromCache = runstore.Running, fp, &now, &now, "", key
	if err := r.finish(s, rec); err != nil {
		return false, fmt.Errorf("stage %s: restored from the cache (%s): %w", s.Name, r.Cache.Dir, err)
	}
	if err := r.Run.SaveManifest(); err != nil {
		return false, err
	}
	r.Log.Info("stage restored from the cache", "stage", s.Name, "key", key[:16], "artifacts", len(rec.Artifacts))
	return true, nil
}

// keep publishes a finished stage to the cache; a failure only warns.
func (r *Runner) keep(s *Stage, fp string) {
	if r.Cache == nil {
		return
	}
	key := stagecache.Key(s.Name, fp, r.Build)
	if err := r.Cache.Put(s.Name, key, r.Config.Experiment.Name, r.Run.Path("stages/"+s.Name)); err != nil {
		r.Log.Warn("could not keep the stage in the cache", "stage", s.Name, "err", err)
	}
}

// pluginSpent is the plugin manager's Spent (zero without a manager).
func (r *Runner) pluginSpent() time.Duration {
	if r.Plugins == nil {
		return 0
	}
	return r.Plugins.Spent()
}

// call runs the stage, turning a panic into an error so the manifest still records it.
func call(ctx context.Context, s *Stage, env *Env) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return s.Run(ctx, env)
}

// finish checks the declared outputs and records the stage's artifacts.
func (r *Runner) finish(s *Stage, rec *runstore.StageRecord) error {
	for _, out := range s.Outputs {
		if _, err := os.Stat(r.Run.Path("stages/" + s.Name + "/" + out)); err != nil {
			return fmt.Errorf("did not write its declared output %s", out)
		}
	}
	arts, err := r.Run.Artifacts("stages/" + s.Name)
	if err != nil {
		return err
	}
	rec.Status, rec.Artifacts = runstore.Done, arts
	return nil
}

// staleReason says why a done stage must run again, or "" if it need not.
func (r *Runner) staleReason(rec *runstore.StageRecord, fp string) string {
	if rec.Fingerprint != fp {
		return "its config keys, inputs or data files changed"
	}
	for _, a := range rec.Artifacts {
		if !r.Run.Intact(a) {
			return "artifact " + a.Path + " is missing or was modified"
		}
	}
	return ""
}

// pluginIdentity is "id version sha256" as the manifest records the plugin, or the bare
// id if the run did not record it.
func (r *Runner) pluginIdentity(id string) string {
	for _, p := range r.Run.Manifest.Plugins {
		if p.ID == id {
			return p.ID + " " + p.Version + " " + p.SHA256
		}
	}
	return id
}

// extensionIdentities are "key ref sha256" of the extensions named under the
// stage's keys, as the manifest records them: a rebuilt .wasm reruns the stages that
// use it.
func (r *Runner) extensionIdentities(s *Stage) []string {
	var ids []string
	for _, e := range r.Run.Manifest.Extensions {
		if slices.ContainsFunc(s.Keys, func(k string) bool { return e.Key == k || strings.HasPrefix(e.Key, k+".") }) {
			ids = append(ids, e.Key+" "+e.Ref+" "+e.SHA256)
		}
	}
	return ids
}

// fingerprint hashes what a stage's result depends on: the values of its config keys,
// the seed and the device, the digests of its inputs and of its data files, and the
// identity of the plugins it calls.
func (r *Runner) fingerprint(ctx context.Context, s *Stage) (string, error) {
	inputs := map[string]string{}
	for _, in := range s.Inputs {
		up, _, _ := strings.Cut(in, "/")
		digest := ""
		for _, a := range r.Run.Manifest.Stage(up).Artifacts {
			if a.Path == "stages/"+in {
				digest = a.SHA256
			}
		}
		if digest == "" {
			return "", fmt.Errorf("stage %s: input %s was not recorded by stage %s", s.Name, in, up)
		}
		inputs[in] = digest
	}
	var plugins []string
	for _, u := range pluginhost.Uses(r.Config) {
		if slices.Contains(s.Plugins, u.Key) {
			plugins = append(plugins, r.pluginIdentity(u.ID))
		}
	}
	data, err := r.dataDigests(ctx, s)
	if err != nil {
		return "", err
	}
	blob, err := json.Marshal(struct {
		Stage      string
		Config     map[string]any
		Inputs     map[string]string
		Plugins    []string
		Extensions []string          `json:",omitempty"`
		Data       map[string]string `json:",omitempty"` // absent without data files: older fingerprints stay valid
	}{s.Name, s.configValues(r.Config), inputs, plugins, r.extensionIdentities(s), data})
	if err != nil {
		return "", fmt.Errorf("stage %s: fingerprint: %w", s.Name, err)
	}
	sum := sha256.Sum256(blob)
	return hex.EncodeToString(sum[:]), nil
}

// dataDigests are the digests of the stage's data files by name, nil when it has
// none. Only files whose size or modification time changed since the run last
// hashed them are read (see DataRecordFile).
func (r *Runner) dataDigests(ctx context.Context, s *Stage) (map[string]string, error) {
	if s.Data == nil {
		return nil, nil
	}
	root, names := s.Data(r.Config)
	if len(names) == 0 {
		return nil, nil
	}
	if r.digests == nil {
		r.digests = loadDataDigests(r.Run.Path(DataRecordFile))
	}
	sums, err := r.digests.digestAll(ctx, root, names)
	if err != nil {
		return nil, fmt.Errorf("stage %s: digesting its data files: %w", s.Name, err)
	}
	if err := r.digests.save(); err != nil {
		r.Log.Warn("could not save the record of data-file digests; the next session hashes them again", "err", err)
	}
	return sums, nil
}
