package progress

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// textLogger writes slog text lines without the time, so lines can be compared whole.
func textLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestPlainLinesOnlyEveryInterval(t *testing.T) {
	var out, logs bytes.Buffer
	clk := newClock()
	r := New(&out, Options{Interval: 10 * time.Second, Now: clk.Now, Logger: textLogger(&logs)})
	b := r.Start("fit", 1000, "steps", 100)
	if logs.Len() != 0 {
		t.Fatalf("Start logged %q", logs.String())
	}

	clk.Advance(9 * time.Second)
	b.Set(200)
	if logs.Len() != 0 {
		t.Fatalf("logged before the interval: %q", logs.String())
	}

	clk.Advance(time.Second)
	b.Set(600)
	// 500 steps in 10s = 50 steps/s; 400 left = 8s.
	want := `level=INFO msg=progress stage=fit done=600 total=1000 unit=steps rate="50 steps/s" eta=8s`
	if got := lines(logs.String()); len(got) != 1 || got[0] != want {
		t.Fatalf("after interval:\n got %q\nwant %q", got, want)
	}

	clk.Advance(9 * time.Second)
	b.Add(10)
	if n := len(lines(logs.String())); n != 1 {
		t.Fatalf("second line within the interval: %q", logs.String())
	}
	clk.Advance(time.Second)
	b.Add(10)
	if n := len(lines(logs.String())); n != 2 {
		t.Fatalf("%d lines after two intervals, want 2: %q", n, logs.String())
	}

	clk.Advance(5 * time.Second)
	b.Set(1000)
	b.Finish()
	got := lines(logs.String())
	// 900 steps since Start in 25s = 36 steps/s.
	wantFinal := `level=INFO msg=progress stage=fit done=1000 total=1000 unit=steps elapsed=25s rate="36 steps/s" finished=true`
	if len(got) != 3 || got[2] != wantFinal {
		t.Fatalf("final:\n got %q\nwant %q", got, wantFinal)
	}
	if out.Len() != 0 {
		t.Errorf("non-TTY reporter drew on its output: %q", out.String())
	}
}

func TestPlainDefaultInterval(t *testing.T) {
	var logs bytes.Buffer
	clk := newClock()
	r := New(io.Discard, Options{Now: clk.Now, Logger: textLogger(&logs)})
	b := r.Start("fit", 10, "steps", 0)
	clk.Advance(9999 * time.Millisecond)
	b.Add(1)
	if logs.Len() != 0 {
		t.Fatalf("logged before 10s: %q", logs.String())
	}
	clk.Advance(time.Millisecond)
	b.Add(1)
	if logs.Len() == 0 {
		t.Fatal("no line at 10s")
	}
}

func TestPlainUnknownTotal(t *testing.T) {
	var logs bytes.Buffer
	clk := newClock()
	r := New(nil, Options{Interval: time.Second, Now: clk.Now, Logger: textLogger(&logs)})
	b := r.Start("scan", 0, "files", 0)
	clk.Advance(4 * time.Second)
	b.Set(1)
	want := `level=INFO msg=progress stage=scan done=1 total=0 unit=files rate="0.25 files/s" eta=unknown`
	if got := lines(logs.String()); len(got) != 1 || got[0] != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// lazyWriter lets a logger write into a Reporter created after the logger.
type lazyWriter struct{ r *Reporter }

func (w *lazyWriter) Write(p []byte) (int, error) { return w.r.Write(p) }

// The usual CLI wiring sends log output through the Reporter; a progress line must not
// then deadlock on the Reporter's own mutex.
func TestPlainLoggerWritingThroughReporter(t *testing.T) {
	var out bytes.Buffer
	clk := newClock()
	w := &lazyWriter{}
	r := New(&out, Options{Interval: time.Second, Now: clk.Now, Logger: textLogger(w)})
	w.r = r
	b := r.Start("fit", 10, "steps", 0)
	clk.Advance(time.Second)
	b.Add(5)
	b.Finish()
	if got := lines(out.String()); len(got) != 2 || !strings.Contains(got[1], "finished=true") {
		t.Errorf("got %q", got)
	}
}

func TestPlainNilLoggerUsesDefaultAtLogTime(t *testing.T) {
	var logs bytes.Buffer
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	clk := newClock()
	r := New(nil, Options{Now: clk.Now})
	slog.SetDefault(textLogger(&logs))
	r.Start("fit", 10, "", 0).Finish()
	if !strings.Contains(logs.String(), "stage=fit") {
		t.Errorf("default logger got %q", logs.String())
	}
}
