package stagecache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
}

func (c *Cache) entryDir(stage, key string) string { return filepath.Join(c.Dir, stage+"-"+key[:24]) }

// Restore copies the entry's files into dst (a stage's directory, which must be
// empty or absent) and reports whether there was an entry.
func (c *Cache) Restore(stage, key, dst string) (bool, error) {
	src := c.entryDir(stage, key)
	e, err := readEntry(src)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil || e.Key != key {
		return false, nil // unreadable or another key's: a miss, and Put will replace it
	}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case rel == metaFile:
			return nil
		default:
			return linkOrCopy(p, to)
		}
	})
	if err != nil {
		os.RemoveAll(dst)
		return false, fmt.Errorf("stage cache: restoring %s: %w", src, err)
	}
	e.LastUsed = time.Now().UTC()
	writeEntry(src, e) // best effort: the last-used time only guides gc
	return true, nil
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
	e := Entry{Stage: stage, Key: key, Experiment: experiment, Created: time.Now().UTC()}
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
		e.Bytes += info.Size()
		e.Files++
		return copyFile(p, to) // the cache owns its copies: nothing a run does later reaches them
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

func writeEntry(dir string, e Entry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, metaFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, metaFile))
}

// linkOrCopy hard-links from to to, or copies where a link is impossible (another
// file system). A run never writes into a restored stage's files: a stage that
// runs again first removes its directory.
func linkOrCopy(from, to string) error {
	if err := os.Link(from, to); err == nil {
		return nil
	}
	return copyFile(from, to)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
