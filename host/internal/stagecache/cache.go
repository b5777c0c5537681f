package stagecache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// metaFile is each entry's description, beside its files.
const metaFile = ".entry.json"

// Cache is a directory of entries, one per (stage, key).
type Cache struct{ Dir string }

// Open makes the cache directory if needed.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("stage cache %s: %w", dir, err)
	}
	return &Cache{Dir: dir}, nil
}

// Key is the cache key of a stage's result: its fingerprint and the build's identity.
func Key(stage, fingerprint, build string) string {
	sum := sha256.Sum256([]byte(stage + "\x00" + fingerprint + "\x00" + build))
	return hex.EncodeToString(sum[:])
}

// Entry describes one cached stage result.
type Entry struct {
	Stage      string    `json:"stage"`
	Key        string    `json:"key"`
	Experiment string    `json:"experiment"` // of the run that computed it
	Created    time.Time `json:"created"`
	LastUsed   time.Time `json:"last_used"`
	Bytes      int64     `json:"bytes"`
	Files      int       `json:"files"`
	// Digests are the SHA-256 of each file (slash-separated path relative to the
	// entry) as Put stored it; Restore checks them.
	Digests map[string]string `json:"digests"`
}

func (c *Cache) entryDir(stage, key string) string { return filepath.Join(c.Dir, stage+"-"+key[:24]) }

// ErrCorrupt marks a Restore that found an entry whose files no longer match the
// digests recorded when it was stored; Restore has evicted it.
var ErrCorrupt = errors.New("stage cache: corrupt entry")

// Restore copies the entry's files into dst (a stage's directory, which must be
// empty or absent) and reports whether there was an entry. It checks every file
// against the digest recorded by Put while copying it: an entry that fails (a file
// edited, truncated, missing or added since) is never trusted. Restore then removes
// dst, evicts the entry and returns an error wrapping ErrCorrupt that names the
// file; the caller runs the stage, and its Put stores a sound entry again.
func (c *Cache) Restore(stage, key, dst string) (bool, error) {
	src := c.entryDir(stage, key)
	e, err := readEntry(src)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil || e.Key != key {
		return false, nil // unreadable or another key's: a miss, and Put will replace it
	}
	bad, err := restoreFiles(src, dst, e.Digests)
	if err != nil || bad != "" {
		os.RemoveAll(dst)
	}
	if err != nil {
		return false, fmt.Errorf("stage cache: restoring %s: %w", src, err)
	}
	if bad != "" {
		evictErr := os.RemoveAll(src)
		if evictErr != nil {
			return false, fmt.Errorf("%w %s: %s; evicting it: %v", ErrCorrupt, src, bad, evictErr)
		}
		return false, fmt.Errorf("%w %s: %s; evicted", ErrCorrupt, src, bad)
	}
	e.LastUsed = time.Now().UTC()
	writeEntry(src, e) // best effort: the last-used time only guides gc
	return true, nil
}

// restoreFiles copies the files of the entry directory src into dst, checking each
// against digests (slash-separated path → SHA-256). bad says what does not match,
// "" when all do; err is a failure to read or write.
func restoreFiles(src, dst string, digests map[string]string) (bad string, err error) {
	if digests == nil {
		return "no digests recorded", nil // stored by a build that did not record them
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || bad != "" {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		slash := filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case isMeta(d.Name()) && filepath.Dir(rel) == ".":
			return nil
		}
		want, ok := digests[slash]
		if !ok {
			bad = slash + " was not in the entry when it was stored"
			return nil
		}
		seen[slash] = true
		got, err := copyFile(p, to)
		if err == nil && got != want {
			bad = fmt.Sprintf("%s has SHA-256 %s, stored as %s", slash, got[:16], want[:16])
		}
		return err
	})
	if err == nil && bad == "" {
		for _, name := range slices.Sorted(maps.Keys(digests)) {
			if !seen[name] {
				return name + " is missing", nil
			}
		}
	}
	return bad, err
}

// Put publishes the files of src (a finished stage's directory) under the key. It
// writes a temporary copy in the cache and renames it into place; when an entry for
// the key is already there (another process published first), it keeps that one.
func (c *Cache) Put(stage, key, experiment, src string) error {
	dst := c.entryDir(stage, key)
	if _, err := os.Stat(filepath.Join(dst, metaFile)); err == nil {
		return nil
	}
	tmp, err := os.MkdirTemp(c.Dir, ".put-"+stage+"-")
	if err != nil {
		return fmt.Errorf("stage cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	e := Entry{Stage: stage, Key: key, Experiment: experiment, Created: time.Now().UTC(), Digests: map[string]string{}}
	e.LastUsed = e.Created
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		// The cache owns its copies, and records what it copied: whatever happens
		// to the files later, Restore hands out only what was stored here.
		digest, err := copyFile(p, to)
		if err != nil {
			return err
		}
		e.Bytes += info.Size()
		e.Files++
		e.Digests[filepath.ToSlash(rel)] = digest
		return nil
	})
	if err == nil {
		err = writeEntry(tmp, e)
	}
	if err != nil {
		return fmt.Errorf("stage cache: storing %s: %w", src, err)
	}
	os.RemoveAll(dst) // an unreadable or half-removed entry of the same name
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(filepath.Join(dst, metaFile)); statErr == nil {
			return nil // another writer published the same key first
		}
		return fmt.Errorf("stage cache: publishing %s: %w", dst, err)
	}
	return nil
}

// List returns the entries, most recently used first.
func (c *Cache) List() ([]Entry, error) {
	dirs, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, d := range dirs {
		if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		if e, err := readEntry(filepath.Join(c.Dir, d.Name())); err == nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return b.LastUsed.Compare(a.LastUsed) })
	return out, nil
}

// GC removes the entries not used since before, and the leftovers of writers that
// died mid-put; it returns what it removed.
func (c *Cache) GC(before time.Time) ([]Entry, error) {
	entries, err := c.List()
	if err != nil {
		return nil, err
	}
	var removed []Entry
	for _, e := range entries {
		if e.LastUsed.Before(before) {
			if err := os.RemoveAll(c.entryDir(e.Stage, e.Key)); err != nil {
				return removed, err
			}
			removed = append(removed, e)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(c.Dir, ".put-*"))
	for _, l := range leftovers {
		if info, err := os.Stat(l); err == nil && info.ModTime().Before(before) {
			os.RemoveAll(l)
		}
	}
	return removed, nil
}

func readEntry(dir string) (Entry, error) {
	var e Entry
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return e, err
	}
	err = json.Unmarshal(data, &e)
	return e, err
}

// writeEntry replaces dir's description through a temporary file of its own, so
// that two runs restoring one entry at once cannot interleave their writes.
func writeEntry(dir string, e Entry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, metaFile+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, metaFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// isMeta reports whether an entry's top-level file is its description (or a
// temporary file of a description being written), not one of the stage's files.
func isMeta(name string) bool { return strings.HasPrefix(name, metaFile) }

// copyFile copies from to to and returns the SHA-256 of what it copied. Restore
// copies rather than hard-linking: a run may edit its files in place (a user
// truncating a checkpoint, a tool rewriting one), and through a link that edit
// would reach the cache and every later run restored from it.
func copyFile(from, to string) (string, error) {
	in, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
