package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTTY(t *testing.T) (*Reporter, *bytes.Buffer, *fakeClock) {
	t.Helper()
	var out bytes.Buffer
	clk := newClock()
	return New(&out, Options{TTY: true, Now: clk.Now}), &out, clk
}

// frames splits terminal output into what each clear-and-draw put on the line.
func frames(s string) []string {
	parts := strings.Split(s, clearLine)
	return parts[1:]
}

func lastFrame(t *testing.T, s string) string {
	t.Helper()
	f := frames(s)
	if len(f) == 0 {
		t.Fatalf("no frame drawn in %q", s)
	}
	return f[len(f)-1]
}

func TestTTYRateAndETAFromResume(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 1000, "steps", 100)
	if got, want := lastFrame(t, out.String()), "fit  [██░░░░░░░░░░░░░░░░░░]  10%  100/1000 steps"; got != want {
		t.Errorf("first frame:\n got %q\nwant %q", got, want)
	}

	clk.Advance(2 * time.Second)
	b.Set(300)
	// 200 steps in 2s since Start (not 300): 100 steps/s, 700 left: 7s.
	want := "fit  [██████░░░░░░░░░░░░░░]  30%  300/1000 steps  100 steps/s  ETA 7s"
	if got := lastFrame(t, out.String()); got != want {
		t.Errorf("after Set:\n got %q\nwant %q", got, want)
	}
}

func TestTTYAddAccumulates(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 2000, "steps", 0)
	clk.Advance(3 * time.Second)
	b.Add(900)
	b.Add(60) // same instant: throttled, but counted
	clk.Advance(200 * time.Millisecond)
	b.Add(0)
	// 960 in 3.2s = 300 steps/s; 1040 left = 3.47s.
	want := "fit  [██████████░░░░░░░░░░]  48%  960/2000 steps  300 steps/s  ETA 3s"
	if got := lastFrame(t, out.String()); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestTTYThrottlesRedraws(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 1000, "steps", 0)
	if n := len(frames(out.String())); n != 1 {
		t.Fatalf("Start drew %d frames, want 1", n)
	}
	for i := range 99 {
		clk.Advance(time.Millisecond)
		b.Set(int64(i + 1))
	}
	if n := len(frames(out.String())); n != 1 {
		t.Fatalf("99 Sets within 100ms drew %d more frames, want none", n-1)
	}
	clk.Advance(time.Millisecond) // 100ms since the last frame
	b.Set(100)
	if n := len(frames(out.String())); n != 2 {
		t.Fatalf("Set 100ms after a frame: %d frames, want 2", n)
	}
	if got := lastFrame(t, out.String()); !strings.Contains(got, "100/1000") {
		t.Errorf("redraw shows stale count: %q", got)
	}

	// Finish is drawn even right after another frame, so the final count is on screen.
	b.Set(1000)
	b.Finish()
	s := out.String()
	if n := len(frames(s)); n != 3 {
		t.Fatalf("after Finish %d frames, want 3", n)
	}
	want := "fit  [████████████████████]  100%  1000/1000 steps  10000 steps/s  ETA 0s\n"
	if got := lastFrame(t, s); got != want {
		t.Errorf("final frame:\n got %q\nwant %q", got, want)
	}
}

func TestTTYWriteClearsAndRedraws(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 1000, "steps", 0)
	clk.Advance(time.Second)
	b.Set(500)
	frame := lastFrame(t, out.String())
	out.Reset()

	n, err := r.Write([]byte("12:00:00 INFO  checkpoint saved\n"))
	if err != nil || n != len("12:00:00 INFO  checkpoint saved\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	want := clearLine + "12:00:00 INFO  checkpoint saved\n" + clearLine + frame
	if got := out.String(); got != want {
		t.Errorf("Write while live:\n got %q\nwant %q", got, want)
	}

	// Text without a final newline still must not share the bar's line.
	out.Reset()
	if _, err := r.Write([]byte("partial")); err != nil {
		t.Fatal(err)
	}
	if want := clearLine + "partial\n" + clearLine + frame; out.String() != want {
		t.Errorf("partial write:\n got %q\nwant %q", out.String(), want)
	}

	// Once finished, nothing is live: writes pass through untouched.
	b.Finish()
	out.Reset()
	if _, err := r.Write([]byte("after\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "after\n" {
		t.Errorf("Write after Finish = %q, want plain text", out.String())
	}
}

func TestTTYWriteWithoutBarPassesThrough(t *testing.T) {
	r, out, _ := newTTY(t)
	if _, err := r.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\n" {
		t.Errorf("got %q", out.String())
	}
}

func TestTTYUnknownTotal(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("scan", 0, "files", 0)
	if got, want := lastFrame(t, out.String()), "scan  0 files"; got != want {
		t.Errorf("first frame %q, want %q", got, want)
	}
	clk.Advance(2 * time.Second)
	b.Set(960)
	if got, want := lastFrame(t, out.String()), "scan  960 files  480 files/s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTTYStalledShowsZeroRateNoETA(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 10, "", 4)
	clk.Advance(time.Second)
	b.Set(4)
	if got, want := lastFrame(t, out.String()), "fit  [████████░░░░░░░░░░░░]  40%  4/10  0/s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTTYNewBarTakesOverLine(t *testing.T) {
	r, out, clk := newTTY(t)
	a := r.Start("a", 10, "", 0)
	clk.Advance(time.Second)
	b := r.Start("b", 10, "", 0)
	s := out.String()
	if !strings.Contains(s, "a  [") || !strings.HasSuffix(s, clearLine+"b  [░░░░░░░░░░░░░░░░░░░░]  0%  0/10") {
		t.Fatalf("output %q", s)
	}
	if f := frames(s); !strings.HasSuffix(f[len(f)-2], "\n") {
		t.Errorf("superseded bar not left on its own line: %q", s)
	}
	out.Reset()
	clk.Advance(time.Second)
	a.Set(5)
	a.Finish()
	if out.Len() != 0 {
		t.Errorf("superseded bar drew %q", out.String())
	}
	b.Finish()
	if !strings.HasPrefix(lastFrame(t, out.String()), "b  ") {
		t.Errorf("live bar did not finish: %q", out.String())
	}
}

func TestFinishTwiceAndAddAfterFinish(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 10, "", 0)
	b.Finish()
	before := out.String()
	clk.Advance(time.Second)
	b.Add(5)
	b.Finish()
	if out.String() != before {
		t.Errorf("calls after Finish drew %q", strings.TrimPrefix(out.String(), before))
	}
}

func TestConcurrentAdds(t *testing.T) {
	r, out, clk := newTTY(t)
	b := r.Start("fit", 8000, "steps", 0)
	clk.Advance(time.Second)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				b.Add(1)
				_, _ = r.Write([]byte("log\n"))
			}
		})
	}
	wg.Wait()
	b.Finish()
	if got := lastFrame(t, out.String()); !strings.Contains(got, "8000/8000 steps") {
		t.Errorf("final frame %q", got)
	}
}
