package stage

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/digest"
)

// DataRecordFile, in the run directory, keeps the size, modification time and
// SHA-256 of every data file a stage read from outside the run (Stage.Data), so
// that a later session re-hashes only the files whose size or time changed.
const DataRecordFile = "data-digests.json"

// racyWindow: a file modified less than this long before it was hashed may be
// modified again without its modification time changing (file systems keep times
// at a granularity: a clock tick on ext4, 2 s on FAT), so its record is not
// trusted and the file is hashed again next time. Git treats its index the same
// way ("racily clean" entries).
const racyWindow = 2 * time.Second

// fileDigest is what the record keeps of one data file.
type fileDigest struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Hashed  int64  `json:"hashed_ns"` // when hashing began
	SHA256  string `json:"sha256"`
}

// Digests of data files that cannot be read: stable words rather than error
// texts, so that the fingerprint changes when the file does and the stage's own
// loader reports the problem (naming the file) when it runs.
const (
	digestMissing    = "missing"
	digestIrregular  = "not a regular file" // a FIFO or device: never opened, it could block forever
	digestUnreadable = "unreadable"
)

// dataDigests is the record of one run directory, loaded once per Runner.
type dataDigests struct {
	path  string
	files map[string]fileDigest // by absolute path
	seen  map[string]bool       // looked up by this session: what save keeps
	dirty bool
}

// loadDataDigests reads the record at path; a missing or damaged record only
// means hashing every file again.
func loadDataDigests(path string) *dataDigests {
	d := &dataDigests{path: path, files: map[string]fileDigest{}, seen: map[string]bool{}}
	if data, err := os.ReadFile(path); err == nil {
		if json.Unmarshal(data, &d.files) != nil {
			d.files = map[string]fileDigest{}
		}
	}
	return d
}

// digestAll returns the digest of each name under root, by name.
func (d *dataDigests) digestAll(ctx context.Context, root string, names []string) (map[string]string, error) {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	out := make(map[string]string, len(names))
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[name] = d.digest(filepath.Join(root, filepath.FromSlash(name)))
	}
	return out, nil
}

// digest returns the SHA-256 of the file at path (absolute), from the record when
// its size and modification time are those recorded and it was last modified
// well before it was hashed; otherwise it hashes the file and records it.
func (d *dataDigests) digest(path string) string {
	d.seen[path] = true
	info, err := os.Stat(path) // follows a link: the content is the target's
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return digestMissing
	case err != nil:
		return digestUnreadable
	case !info.Mode().IsRegular():
		return digestIrregular
	}
	mtime := info.ModTime().UnixNano()
	if r, ok := d.files[path]; ok && r.Size == info.Size() && r.ModTime == mtime && mtime < r.Hashed-racyWindow.Nanoseconds() {
		return r.SHA256
	}
	hashed := time.Now().UnixNano()
	sum, err := hashFile(path)
	if err != nil {
		return digestUnreadable
	}
	d.files[path] = fileDigest{Size: info.Size(), ModTime: mtime, Hashed: hashed, SHA256: sum}
	d.dirty = true
	return sum
}

// save writes the record of the files this session looked up (so files no
// longer in the data set drop out), when anything changed.
func (d *dataDigests) save() error {
	keep := maps.Clone(d.files)
	maps.DeleteFunc(keep, func(p string, _ fileDigest) bool { return !d.seen[p] })
	if !d.dirty && len(keep) == len(d.files) {
		return nil
	}
	data, err := json.MarshalIndent(keep, "", " ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(d.path, data); err != nil {
		return err
	}
	d.dirty = false
	return nil
}

func hashFile(path string) (string, error) {
	sum, _, err := digest.File(path)
	return sum, err
}
