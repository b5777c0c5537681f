package stage

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/config"
	"dnw/host/internal/extensions"
	"dnw/host/internal/pluginhost"
	"dnw/host/internal/progress"
	"dnw/host/internal/runstore"
	"dnw/sdk"
)

// Env is what a running stage sees: its configuration, logger, seeded random streams,
// and atomic access to its files and checkpoint. Its errors do not name the stage:
// the runner prefixes whatever the stage returns with "stage NAME:".
type Env struct {
	Config *config.Config
	Log    *slog.Logger
	Jobs   int // how many independent units (concepts) the stage may run at once (dnw run --jobs)

	stage       *Stage
	run         *runstore.Run
	rec         *runstore.StageRecord
	fingerprint string
	reporter    *progress.Reporter
	plugins     *pluginhost.Manager
	extensions  *extensions.Set
	bar         *progress.Bar
	started     time.Time // of this attempt, to keep rec.Seconds current at checkpoints
	before      float64   // rec.Seconds of earlier attempts
	unit        string
	total       int64
}

// Dir is the run-relative directory holding this stage's files.
func (e *Env) Dir() string { return "stages/" + e.stage.Name }

// Path is the file system path of one of this stage's files.
func (e *Env) Path(name string) string { return e.run.Path(path.Join(e.Dir(), name)) }

// Input is the file system path of an artifact of an earlier stage ("stage/file"). The
// stage must declare it in Inputs, so that its digest is part of the fingerprint.
func (e *Env) Input(ref string) string {
	if !slices.Contains(e.stage.Inputs, ref) {
		panic(fmt.Sprintf("stage %s reads %s without declaring it in Inputs", e.stage.Name, ref))
	}
	return e.run.Path("stages/" + ref)
}

// WriteFile atomically writes one of this stage's files.
func (e *Env) WriteFile(name string, data []byte) error {
	return atomicfile.WriteFile(e.Path(name), data)
}

// Write atomically writes one of this stage's files from what fill writes.
func (e *Env) Write(name string, fill func(io.Writer) error) error {
	return atomicfile.Write(e.Path(name), fill)
}

// Source returns a random stream determined by experiment.seed, the stage's name and
// the stream's name. Its state can be saved in a checkpoint (rand.PCG is a
// BinaryMarshaler), so a resumed stage draws exactly what it would have drawn.
func (e *Env) Source(stream string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(e.stage.Name + "/" + stream))
	return rand.NewPCG(uint64(e.Config.Experiment.Seed), h.Sum64())
}

// Plugin returns the plugin that the config key names ("model.arch",
// "weightgen.schedule", …), started on first use and shared by the run's stages, with
// the experiment's options for it. The stage must declare the key in Plugins, so that
// the plugin's identity is part of the fingerprint.
func (e *Env) Plugin(ctx context.Context, key string) (sdk.Plugin, sdk.Options, error) {
	if !slices.Contains(e.stage.Plugins, key) {
		panic(fmt.Sprintf("stage %s calls the plugin of %s without declaring it in Plugins", e.stage.Name, key))
	}
	for _, u := range pluginhost.Uses(e.Config) {
		if u.Key == key {
			c, err := e.plugins.Get(ctx, u.ID)
			if err != nil {
				return nil, nil, err
			}
			return c.Plugin, u.Options, nil
		}
	}
	panic("stage: no plugin key " + key) // Check rejects undeclared keys
}

// Extension returns the WASM extension ref names (a built-in's name or a path),
// opened on first use and shared by the run's stages, with the experiment's
// sandbox and options. The stage must depend on the key that names it
// ("metrics", "filters.pairs", …), so that the extension's checksum is part of
// the fingerprint.
func (e *Env) Extension(ctx context.Context, key, ref string) (*extensions.Extension, error) {
	if !slices.ContainsFunc(e.stage.Keys, func(k string) bool { return key == k || strings.HasPrefix(key, k+".") }) {
		panic(fmt.Sprintf("stage %s calls the extension of %s without depending on that key", e.stage.Name, key))
	}
	if e.extensions == nil {
		return nil, fmt.Errorf("%s = %q: this run has no extension runtime", key, ref)
	}
	x, err := e.extensions.Open(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return x, nil
}

// Progress starts the stage's progress display at done of total units.
func (e *Env) Progress(total int64, unit string, done int64) *progress.Bar {
	e.total, e.unit = total, unit
	e.bar = e.reporter.Start(e.stage.Name, total, unit, done)
	return e.bar
}

// checkpoint is the file format of RUN_DIR/checkpoints/NAME.ckpt.
type checkpoint struct {
	Fingerprint string // a checkpoint is only valid for the config and inputs it was made with
	Done        int64
	State       []byte // gob of the stage's state
}

func (e *Env) checkpointPath() string {
	return e.run.Path("checkpoints/" + e.stage.Name + ".ckpt")
}

// SaveCheckpoint atomically stores state (any gob-encodable value) as the point to
// resume from, records done as the stage's progress in the manifest.
func (e *Env) SaveCheckpoint(state any, done int64) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(state); err != nil {
		return fmt.Errorf("encoding checkpoint: %w", err)
	}
	ck := checkpoint{Fingerprint: e.fingerprint, Done: done, State: buf.Bytes()}
	err := atomicfile.Write(e.checkpointPath(), func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(ck)
	})
	if err != nil {
		return err
	}
	e.rec.Progress = &runstore.Progress{Done: done, Total: e.total, Unit: e.unit}
	e.rec.Seconds = e.before + time.Since(e.started).Seconds()
	return e.run.SaveManifest()
}

// LoadCheckpoint decodes the last checkpoint into state. It reports false, and leaves
// state alone, when there is none; the runner has already discarded checkpoints made
// under another fingerprint.
func (e *Env) LoadCheckpoint(state any) (bool, error) {
	ck, err := readCheckpoint(e.checkpointPath())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := gob.NewDecoder(bytes.NewReader(ck.State)).Decode(state); err != nil {
		return false, fmt.Errorf("decoding checkpoint: %w", err)
	}
	e.rec.ResumedAt = ck.Done
	e.Log.Info("resuming from checkpoint", "done", ck.Done)
	return true, nil
}

func readCheckpoint(p string) (checkpoint, error) {
	var ck checkpoint
	f, err := os.Open(p)
	if err != nil {
		return ck, err
	}
	defer f.Close()
	if err := gob.NewDecoder(f).Decode(&ck); err != nil {
		return ck, fmt.Errorf("reading checkpoint %s: %w", p, err)
	}
	return ck, nil
}
