package stage

import (
	"context"
	"dnw/host/internal/config"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dataStage is a stage that concatenates the files of root it is told it reads.
func dataStage(c *counts, root string, names ...string) Stage {
	return Stage{Name: "data", Outputs: []string{"out.txt"},
		Data: func(*config.Config) (string, []string) { return root, names },
		Run: func(ctx context.Context, env *Env) error {
			c.hit("data")
			var b strings.Builder
			for _, n := range names {
				data, _ := os.ReadFile(filepath.Join(root, n))
				b.Write(data)
			}
			return env.WriteFile("out.txt", []byte(b.String()))
		}}
}

// A stage's data files are part of its fingerprint: editing one in place (same
// size, right after it was written), adding or removing one reruns the stage.
func TestDataFilesRerunTheStage(t *testing.T) {
	h := newHarness(t)
	c := newCounts()
	root := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.png", "aaaa")
	write("b.png", "bbbb")
	p := Pipeline{Name: "d", Stages: []Stage{dataStage(c, root, "a.png", "b.png")}}
	h.mustExecute(p)
	h.mustExecute(p)
	if c.runs["data"] != 1 {
		t.Fatalf("ran %d times over unchanged data, want 1", c.runs["data"])
	}
	write("a.png", "AAAA") // same size, and quite likely the same modification time
	h.log.Reset()
	h.mustExecute(p)
	if c.runs["data"] != 2 || h.read("stages/data/out.txt") != "AAAAbbbb" {
		t.Fatalf("after editing a.png: ran %d times, out %q", c.runs["data"], h.read("stages/data/out.txt"))
	}
	if !strings.Contains(h.log.String(), "data files changed") {
		t.Errorf("log does not say why the stage reran:\n%s", h.log.String())
	}
	os.Remove(filepath.Join(root, "b.png"))
	h.mustExecute(p)
	if c.runs["data"] != 3 {
		t.Errorf("removing b.png did not rerun the stage")
	}
}

// The record of digests spares re-reading files whose size and modification time
// are unchanged, but only when they were modified well before they were hashed: a
// file changed in the same clock tick as its last hash is hashed again.
func TestDataDigestRecord(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.png")
	record := filepath.Join(dir, DataRecordFile)
	old := time.Now().Add(-time.Hour)
	set := func(body string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(file, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	session := func() string { // a new session: the record comes from disk
		t.Helper()
		d := loadDataDigests(record)
		sum := d.digest(file)
		if err := d.save(); err != nil {
			t.Fatal(err)
		}
		return sum
	}
	set("one", old)
	first := session()
	if len(first) != 64 {
		t.Fatalf("digest %q", first)
	}
	// Same size and time: the record is trusted, the file not re-read (this edit,
	// which restores the time, goes unseen: the quick check is size and time).
	set("two", old)
	if got := session(); got != first {
		t.Errorf("an unchanged size and time re-hashed the file")
	}
	// A new time: hashed again.
	set("two", old.Add(time.Second))
	second := session()
	if second == first {
		t.Errorf("a new modification time did not re-hash the file")
	}
	// Modified just now: the record is not trusted even when size and time match.
	now := time.Now()
	set("333", now)
	third := session()
	set("444", now)
	if got := session(); got == third {
		t.Errorf("a file modified in the clock tick of its last hash was trusted from the record")
	}
	// Files no longer looked up drop out of the record.
	d := loadDataDigests(record)
	if _, ok := d.files[file]; !ok || len(d.files) != 1 {
		t.Errorf("record holds %v, want only %s", d.files, file)
	}
	// What cannot be hashed gets a stable word, and a FIFO is never opened (it
	// would block): the stage's loader reports either when it runs.
	if got := d.digest(filepath.Join(dir, "gone.png")); got != digestMissing {
		t.Errorf("a missing file digests as %q", got)
	}
	fifo := filepath.Join(dir, "fifo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if got := d.digest(fifo); got != digestIrregular {
		t.Errorf("a FIFO digests as %q", got)
	}
}
