package runstore

import (
	"os"
	"strings"
	"testing"
)

// A session that cannot save its manifest records its failure in the lock file;
// the holder's PID still reads, the next reader sees the failure, and the next
// session's Open hands it over and clears it.
func TestRecordFailureSurvivesTheSession(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	msg := "stage base: write manifest.json: no space left on device\nsecond line"
	if err := r.RecordFailure(msg); err != nil {
		t.Fatal(err)
	}
	if h := Holder(dir); h != os.Getpid() {
		t.Errorf("Holder after RecordFailure = %d, want this process's %d", h, os.Getpid())
	}
	r.Close()
	want := strings.ReplaceAll(msg, "\n", " ")
	if got := LastFailure(dir); got != want {
		t.Errorf("LastFailure = %q, want %q", got, want)
	}

	r, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.PreviousFailure != want {
		t.Errorf("PreviousFailure = %q, want %q", r.PreviousFailure, want)
	}
	r.Close()
	if got := LastFailure(dir); got != "" {
		t.Errorf("LastFailure after a session that recorded none = %q, want none", got)
	}
}

// A long failure is cut to stay inside the lock file's first block.
func TestRecordFailureIsBounded(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.RecordFailure(strings.Repeat("x", 10000)); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(r.Path(lockFile)); err != nil || info.Size() > 2048 {
		t.Errorf("lock file %v bytes (%v), want at most 2048", info.Size(), err)
	}
}
