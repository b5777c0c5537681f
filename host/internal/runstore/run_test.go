package runstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"dnw/host/internal/atomicfile"
	"dnw/host/internal/buildinfo"
)

func mustOpen(t *testing.T, dir string) *Run {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return r
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha(data string) string {
	s := sha256.Sum256([]byte(data))
	return hex.EncodeToString(s[:])
}

func TestOpenCreatesDirWithoutManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs", "exp")
	r := mustOpen(t, dir)
	defer r.Close()
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("run directory not created: %v", err)
	}
	if r.Manifest != nil {
		t.Errorf("Manifest = %+v in a fresh directory, want nil", r.Manifest)
	}
	if r.Dir != dir {
		t.Errorf("Dir = %q, want %q", r.Dir, dir)
	}
	if got, want := r.Path("stages/a/out.txt"), filepath.Join(dir, "stages", "a", "out.txt"); got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
}

func TestOpenFailsOnAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	writeFile(t, file, "x")
	if r, err := Open(file); err == nil {
		r.Close()
		t.Fatal("Open of a regular file succeeded")
	}
}

func TestLockExcludesSecondOpen(t *testing.T) {
	dir := t.TempDir()
	if got := Holder(dir); got != 0 {
		t.Errorf("Holder before any Open = %d, want 0", got)
	}
	first := mustOpen(t, dir)
	if got := Holder(dir); got != os.Getpid() {
		t.Errorf("Holder while open = %d, want %d", got, os.Getpid())
	}

	second, err := Open(dir)
	if err == nil {
		second.Close()
		first.Close()
		t.Fatal("second Open of a locked run succeeded")
	}
	if !errors.Is(err, ErrBusy) {
		t.Errorf("error %v does not wrap ErrBusy", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Errorf("error %q does not name the holder PID %d", err, os.Getpid())
	}
	// The failed Open must not have disturbed the holder's lock or PID.
	if got := Holder(dir); got != os.Getpid() {
		t.Errorf("Holder after a refused Open = %d, want %d", got, os.Getpid())
	}

	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if got := Holder(dir); got != 0 {
		t.Errorf("Holder after Close = %d, want 0", got)
	}
	third := mustOpen(t, dir)
	defer third.Close()
	if got := Holder(dir); got != os.Getpid() {
		t.Errorf("Holder after reopening = %d, want %d", got, os.Getpid())
	}
}

func TestOpenSweepsTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	temps := []string{
		filepath.Join(dir, atomicfile.TempPrefix+"manifest.json-123"),
		filepath.Join(dir, "stages", "fit", atomicfile.TempPrefix+"weights.bin-456"),
		filepath.Join(dir, "checkpoints", atomicfile.TempPrefix+"fit.ckpt-789"),
	}
	keep := []string{
		filepath.Join(dir, "stages", "fit", "weights.bin"),
		filepath.Join(dir, "stages", "fit", "dnw-tmp-lookalike"),
	}
	for _, p := range append(append([]string{}, temps...), keep...) {
		writeFile(t, p, "data")
	}
	r := mustOpen(t, dir)
	defer r.Close()
	for _, p := range temps {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("temporary file %s survived Open (stat: %v)", p, err)
		}
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("ordinary file %s removed by Open: %v", p, err)
		}
	}
}

func sampleManifest() *Manifest {
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	t1 := t0.Add(90 * time.Second)
	return &Manifest{
		Format: ManifestFormat, Experiment: "exp", Pipeline: "selftest", Seed: 42, Device: "cuda:1",
		ConfigSHA256: sha("config"),
		Build:        buildinfo.Info{Version: "1.2.3", GoVersion: "go1.26", OS: "linux", Arch: "amd64", NumCPU: 2},
		Created:      t0, Started: t0, Ended: &t1, Status: Done,
		Sessions: []Session{{PID: 7, Version: "1.2.3", Args: []string{"run", "x.toml"}, Started: t0, Ended: &t1, Status: Done}},
		Stages: []*StageRecord{
			{Name: "sample", Status: Done, Fingerprint: "fp", Started: &t0, Ended: &t1, Seconds: 1.5,
				ResumedAt: 3, Progress: &Progress{Done: 10, Total: 10, Unit: "rows"},
				Artifacts: []Artifact{{Path: "stages/sample/data.bin", Bytes: 4, SHA256: sha("data")}}},
			{Name: "fit", Status: Failed, Error: "boom"},
		},
		Plugins: []Plugin{{ID: "arch.x", Kind: "arch", Version: "1", SHA256: sha("p")}},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := mustOpen(t, dir)
	r.Manifest = sampleManifest()
	if err := r.SaveManifest(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r.Manifest) {
		t.Errorf("ReadManifest = %+v\nwant %+v", got, r.Manifest)
	}
	// Tools read the file itself: the device is recorded under its documented name.
	if data, err := os.ReadFile(filepath.Join(dir, ManifestFile)); err != nil || !strings.Contains(string(data), `"device": "cuda:1"`) {
		t.Errorf("manifest.json does not record the device (%v):\n%s", err, data)
	}
	r.Close()

	// A later Open reads it back too.
	r2 := mustOpen(t, dir)
	defer r2.Close()
	if !reflect.DeepEqual(r2.Manifest, sampleManifest()) {
		t.Errorf("Open's Manifest = %+v\nwant %+v", r2.Manifest, sampleManifest())
	}
}

func TestReadManifestMissing(t *testing.T) {
	_, err := ReadManifest(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadManifest of an empty dir: %v, want fs.ErrNotExist", err)
	}
}

func TestReadManifestRejects(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"other format", `{"format": 7, "experiment": "x"}`, []string{"format 7", fmt.Sprintf("format %d", ManifestFormat)}},
		{"no format", `{"experiment": "x"}`, []string{"format 0", fmt.Sprintf("format %d", ManifestFormat)}},
		{"not json", `{"format": 1,`, []string{ManifestFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, ManifestFile), tt.data)
			m, err := ReadManifest(dir)
			if err == nil {
				t.Fatalf("ReadManifest accepted %s: %+v", tt.data, m)
			}
			if errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v claims the manifest does not exist", err)
			}
			// It is bad input, and says how to recover.
			var me *ManifestError
			if !errors.As(err, &me) || !me.BadInput() {
				t.Errorf("error %v is not a *ManifestError", err)
			}
			for _, w := range append(tt.want, filepath.Join(dir, ManifestFile), "Start a new run directory") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}

			// Open refuses the directory too, and does not keep it locked.
			if r, err := Open(dir); err == nil {
				r.Close()
				t.Fatal("Open accepted a directory with a bad manifest")
			}
			if h := Holder(dir); h != 0 {
				t.Errorf("Holder after a failed Open = %d, want 0 (lock leaked)", h)
			}
		})
	}
}

func TestManifestStage(t *testing.T) {
	m := &Manifest{Format: ManifestFormat}
	a := m.Stage("a")
	if a.Name != "a" || a.Status != Pending {
		t.Errorf("new record = %+v, want pending a", a)
	}
	a.Status = Done
	if got := m.Stage("a"); got != a {
		t.Error("second Stage(a) returned another record")
	}
	m.Stage("b")
	if len(m.Stages) != 2 || m.Stages[0].Name != "a" || m.Stages[1].Name != "b" {
		t.Errorf("Stages = %+v, want [a b]", m.Stages)
	}
}

func TestArtifacts(t *testing.T) {
	dir := t.TempDir()
	r := mustOpen(t, dir)
	defer r.Close()
	files := map[string]string{
		"stages/s/b.txt":     "bee",
		"stages/s/a.txt":     "a",
		"stages/s/a/z.bin":   "zzzz",
		"stages/s/empty":     "",
		"stages/other/x.txt": "not mine",
	}
	for p, data := range files {
		writeFile(t, r.Path(p), data)
	}
	got, err := r.Artifacts("stages/s")
	if err != nil {
		t.Fatal(err)
	}
	want := []Artifact{
		{Path: "stages/s/a.txt", Bytes: 1, SHA256: sha("a")},
		{Path: "stages/s/a/z.bin", Bytes: 4, SHA256: sha("zzzz")},
		{Path: "stages/s/b.txt", Bytes: 3, SHA256: sha("bee")},
		{Path: "stages/s/empty", Bytes: 0, SHA256: sha("")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Artifacts =\n%+v\nwant\n%+v", got, want)
	}
	for _, a := range got {
		if !r.Intact(a) {
			t.Errorf("fresh artifact %s not Intact", a.Path)
		}
	}

	none, err := r.Artifacts("stages/missing")
	if err != nil || none != nil {
		t.Errorf("Artifacts of a missing dir = %v, %v; want nil, nil", none, err)
	}
}

func TestIntact(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		intact bool
	}{
		{"untouched", func(*testing.T, string) {}, true},
		{"rewritten identically", func(t *testing.T, p string) { writeFile(t, p, "hello world") }, true},
		{"mtime changed", func(t *testing.T, p string) {
			if err := os.Chtimes(p, time.Unix(1, 0), time.Unix(1, 0)); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"same size, other bytes", func(t *testing.T, p string) { writeFile(t, p, "hello World") }, false},
		{"truncated", func(t *testing.T, p string) { writeFile(t, p, "hello") }, false},
		{"extended", func(t *testing.T, p string) { writeFile(t, p, "hello world!") }, false},
		{"deleted", func(t *testing.T, p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"replaced by a directory", func(t *testing.T, p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOpen(t, t.TempDir())
			defer r.Close()
			writeFile(t, r.Path("stages/s/f.txt"), "hello world")
			arts, err := r.Artifacts("stages/s")
			if err != nil || len(arts) != 1 {
				t.Fatalf("Artifacts = %v, %v", arts, err)
			}
			tt.change(t, r.Path(arts[0].Path))
			if got := r.Intact(arts[0]); got != tt.intact {
				t.Errorf("Intact = %v, want %v", got, tt.intact)
			}
		})
	}
}

func TestOpenLogAppends(t *testing.T) {
	dir := t.TempDir()
	for i, line := range []string{"first session\n", "second session\n"} {
		r := mustOpen(t, dir)
		f, err := r.OpenLog()
		if err != nil {
			t.Fatalf("OpenLog #%d: %v", i+1, err)
		}
		if _, err := f.WriteString(line); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(LogFile)))
	if err != nil {
		t.Fatal(err)
	}
	if want := "first session\nsecond session\n"; string(got) != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}
