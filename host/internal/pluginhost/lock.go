package pluginhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"

	"dnw/host/internal/atomicfile"
)

// DefaultLockFile is the lock file's name in the working directory; $DNW_PLUGIN_LOCK
// overrides it.
const DefaultLockFile = "plugins.lock"

// LockFile returns the lock file's path.
func LockFile() string {
	if p := os.Getenv("DNW_PLUGIN_LOCK"); p != "" {
		return p
	}
	return DefaultLockFile
}

// Lock pins each trusted external plugin to the SHA-256 of its binary.
type Lock struct {
	Format  int         `json:"format"`
	Plugins []LockEntry `json:"plugins"`
}

// LockEntry is one pinned plugin.
type LockEntry struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Version string `json:"version"`
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
}

// ReadLock reads a lock file; a missing file is an empty lock.
func ReadLock(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Lock{Format: 1}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pluginhost: %w", err)
	}
	var l Lock
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("pluginhost: %s: %w", path, err)
	}
	if l.Format != 1 {
		return nil, fmt.Errorf("pluginhost: %s has format %d; this dnw reads format 1", path, l.Format)
	}
	return &l, nil
}

// Write saves the lock atomically.
func (l *Lock) Write(path string) error {
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'))
}

// Entry returns the pin of id.
func (l *Lock) Entry(id string) (LockEntry, bool) {
	for _, e := range l.Plugins {
		if e.ID == id {
			return e, true
		}
	}
	return LockEntry{}, false
}

// RefusedError reports the binaries that Relock or List would not accept. It is bad
// input: the user's binaries to rename, rebuild or remove.
type RefusedError struct {
	Refused []Refused
	Hint    string // what to do next, if anything
}

func (e *RefusedError) Error() string {
	msg := "pluginhost: refusing these plugin binaries:"
	for _, r := range e.Refused {
		msg += "\n  " + r.String()
	}
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

// BadInput marks a refusal as the user's to fix (the cli exits 2).
func (e *RefusedError) BadInput() bool { return true }

// Relock discovers the external plugins, starts each without verification (locking is
// the step where a user says they trust these binaries), checks that it describes
// itself under the id of its file name, and writes the digests of those that pass to
// the lock file. A binary that fails (it does not start, or names another id) is left
// out and reported in a *RefusedError, after the others are locked: one bad binary
// must not block the rest.
func (m *Manager) Relock() (*Lock, error) {
	exts, refused, err := Discover(m.Dirs)
	if err != nil {
		return nil, err
	}
	lock := &Lock{Format: 1, Plugins: []LockEntry{}}
	for _, e := range exts {
		sum, err := fileSHA256(e.Path)
		if err != nil {
			refused = append(refused, Refused{ID: e.ID, Path: e.Path, Reason: err.Error()})
			continue
		}
		c, err := m.start(e.ID, exec.Command(e.Path), e.Path, sum, nil)
		if err != nil {
			reason := err.Error()
			var se *startError
			if errors.As(err, &se) {
				reason = se.Reason
			}
			refused = append(refused, Refused{ID: e.ID, Path: e.Path, Reason: reason})
			continue
		}
		lock.Plugins = append(lock.Plugins, LockEntry{ID: e.ID, Kind: string(c.Kind), Version: c.Version, Path: e.Path, SHA256: sum})
		c.Kill()
	}
	if err := lock.Write(m.LockPath); err != nil {
		return nil, err
	}
	if len(refused) > 0 {
		return lock, &RefusedError{Refused: refused}
	}
	return lock, nil
}
