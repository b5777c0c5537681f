package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "a.bin")
	if err := WriteFile(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new contents")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new contents" {
		t.Fatalf("got %q, %v", got, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	assertNoTemps(t, filepath.Dir(path))
}

func TestFailedWriteLeavesOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.txt")
	if err := WriteFile(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old" {
		t.Fatalf("file now %q, want old", got)
	}
	assertNoTemps(t, filepath.Dir(path))
}

func TestUncommittedFileNeverAppears(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.txt")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("target exists before commit: %v", err)
	}
	f.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("target exists after abandon: %v", err)
	}
	assertNoTemps(t, filepath.Dir(path))
}

func TestRemoveTempsSweepsKilledWrites(t *testing.T) {
	dir := t.TempDir()
	// A writer killed before Commit leaves its temporary file behind.
	f, err := Create(filepath.Join(dir, "deep", "x.bin"))
	if err != nil {
		t.Fatal(err)
	}
	f.File.Close()
	keep := filepath.Join(dir, "keep.txt")
	os.WriteFile(keep, []byte("k"), 0o644)

	if err := RemoveTemps(dir); err != nil {
		t.Fatal(err)
	}
	assertNoTemps(t, dir)
	if _, err := os.Stat(keep); err != nil {
		t.Fatalf("RemoveTemps removed a real file: %v", err)
	}
	if err := RemoveTemps(filepath.Join(dir, "missing")); err != nil {
		t.Fatalf("missing root: %v", err)
	}
}

func assertNoTemps(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) >= len(TempPrefix) && d.Name()[:len(TempPrefix)] == TempPrefix {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}
