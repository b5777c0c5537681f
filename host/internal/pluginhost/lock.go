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

// Relock discovers the external plugins, starts each without verification (locking is
// the step where a user says they trust these binaries), checks that it describes
// itself under the id of its file name, and writes their digests to the lock file.
func (m *Manager) Relock() (*Lock, error) {
	exts, err := Discover(m.Dirs)
	if err != nil {
		return nil, err
	}
	lock := &Lock{Format: 1, Plugins: []LockEntry{}}
	for _, e := range exts {
		sum, err := fileSHA256(e.Path)
		if err != nil {
			return nil, fmt.Errorf("pluginhost: %w", err)
		}
		c, err := m.start(e.ID, exec.Command(e.Path), e.Path, sum, nil)
		if err != nil {
			return nil, err
		}
		lock.Plugins = append(lock.Plugins, LockEntry{ID: e.ID, Kind: string(c.Kind), Version: c.Version, Path: e.Path, SHA256: sum})
		c.Kill()
	}
	return lock, lock.Write(m.LockPath)
}
