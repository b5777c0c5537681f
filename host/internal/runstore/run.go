package runstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/digest"
)

// File names inside a run directory.
const (
	ConfigFile   = "config.toml"
	ManifestFile = "manifest.json"
	LogFile      = "logs/dnw.log"
	lockFile     = ".lock"
)

// ErrBusy means another process holds the run's lock.
var ErrBusy = errors.New("runstore: run directory is in use")

// ManifestError is a manifest.json that cannot be read: cut short, edited into
// invalid JSON, or written by a dnw of another format. Without it dnw cannot tell
// which stages are done, so it refuses the directory; the user recovers by
// starting a new one. It is bad input (dnw exits 2), not a failure of the run.
type ManifestError struct {
	Path string
	Err  error
}

func (e *ManifestError) Error() string {
	dir := filepath.Dir(e.Path)
	return fmt.Sprintf("runstore: %s cannot be read: %v; dnw cannot tell what of this run is done. "+
		"Start a new run directory from its config (dnw run %s --out NEW_DIR), or remove %s and run again",
		e.Path, e.Err, filepath.Join(dir, ConfigFile), dir)
}

func (e *ManifestError) Unwrap() error { return e.Err }

// BadInput marks the error as a problem with what the user gave dnw.
func (e *ManifestError) BadInput() bool { return true }

// Run is an open, locked run directory.
type Run struct {
	Dir      string
	Manifest *Manifest
	// PreviousFailure is what the last session recorded with RecordFailure: why it
	// failed when it could not save the manifest; "" when it recorded nothing.
	PreviousFailure string
	lock            *os.File
}

// Open locks the run directory (creating it if needed), sweeps temporary files left by
// a killed process, and reads the manifest if there is one (Manifest is nil otherwise).
func Open(dir string) (*Run, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runstore: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("runstore: %w", err)
	}
	if err := flockRetrying(lock); err != nil {
		pid, _ := readPID(lock)
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is held by dnw process %d", ErrBusy, dir, pid)
		}
		return nil, fmt.Errorf("runstore: locking %s: %w", dir, err)
	}
	failure := LastFailure(dir) // the last session's, before this one's PID replaces it
	lock.Truncate(0)
	lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)

	r := &Run{Dir: dir, PreviousFailure: failure, lock: lock}
	if err := atomicfile.RemoveTemps(dir); err != nil {
		r.Close()
		return nil, fmt.Errorf("runstore: sweeping temporary files: %w", err)
	}
	m, err := ReadManifest(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.Close()
		return nil, err
	}
	r.Manifest = m
	return r, nil
}

// Close releases the lock.
func (r *Run) Close() error {
	return r.lock.Close() // closing the descriptor releases the flock
}

// Path joins a slash-separated name onto the run directory.
func (r *Run) Path(name string) string { return filepath.Join(r.Dir, filepath.FromSlash(name)) }

// SaveManifest writes manifest.json atomically.
func (r *Run) SaveManifest() error {
	data, err := json.MarshalIndent(r.Manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("runstore: %w", err)
	}
	return atomicfile.WriteFile(r.Path(ManifestFile), append(data, '\n'))
}

// ReadManifest reads RUN_DIR/manifest.json; fs.ErrNotExist means dir holds no run.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ManifestFile)
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &ManifestError{Path: path, Err: err}
	}
	if m.Format != ManifestFormat {
		return nil, &ManifestError{Path: path, Err: fmt.Errorf("it has format %d; this dnw reads format %d", m.Format, ManifestFormat)}
	}
	return &m, nil
}

// lockRetries × lockRetryWait is how long Open waits out a Holder probe: Holder takes
// the lock in shared mode for an instant, which must not make a real Open fail.
const (
	lockRetries   = 20
	lockRetryWait = 5 * time.Millisecond
)

func flockRetrying(f *os.File) error {
	var err error
	for range lockRetries {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		time.Sleep(lockRetryWait)
	}
	return err
}

// Holder returns the PID of the process holding dir's lock, 0 if none does, or -1 if
// one does but has not written its PID yet.
func Holder(dir string) int {
	f, err := os.Open(filepath.Join(dir, lockFile))
	if err != nil {
		return 0
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return 0
	}
	for range lockRetries { // the holder writes its PID just after locking
		if pid, err := readPID(f); err == nil {
			return pid
		}
		time.Sleep(lockRetryWait)
	}
	return -1
}

// readPID reads the PID on the lock file's first line (a failure the session
// recorded may follow it).
func readPID(f *os.File) (int, error) {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}

// Artifacts lists the files under the run-relative directory rel, sorted, with their
// sizes and SHA-256 digests.
func (r *Run) Artifacts(rel string) ([]Artifact, error) {
	var out []Artifact
	root := r.Path(rel)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		a, err := r.hashFile(p)
		if err == nil {
			out = append(out, a)
		}
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	slices.SortFunc(out, func(a, b Artifact) int { return strings.Compare(a.Path, b.Path) })
	return out, err
}

// Intact reports whether the artifact's file still has its recorded size and digest.
func (r *Run) Intact(a Artifact) bool {
	got, err := r.hashFile(r.Path(a.Path))
	return err == nil && got == a
}

func (r *Run) hashFile(p string) (Artifact, error) {
	sum, n, err := digest.File(p)
	if err != nil {
		return Artifact{}, err
	}
	rel, err := filepath.Rel(r.Dir, p)
	if err != nil {
		return Artifact{}, err
	}
	return Artifact{Path: filepath.ToSlash(rel), Bytes: n, SHA256: sum}, nil
}

// OpenLog opens logs/dnw.log for appending; every session adds to it.
func (r *Run) OpenLog() (*os.File, error) {
	p := r.Path(LogFile)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("runstore: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("runstore: %w", err)
	}
	return f, nil
}
