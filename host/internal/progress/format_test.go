package progress

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{400 * time.Millisecond, "0s"},
		{2600 * time.Millisecond, "3s"},
		{59 * time.Second, "59s"},
		{60 * time.Second, "1m00s"},
		{4*time.Minute + 5*time.Second, "4m05s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{time.Hour, "1h00m"},
		{time.Hour + 2*time.Minute + 59*time.Second, "1h02m"},
		{100 * time.Hour, "100h00m"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		unit string
		want string
	}{
		{312.4, "steps", "312 steps/s"},
		{12345.6, "steps", "12346 steps/s"},
		{42.49, "steps", "42 steps/s"},
		{4.21, "steps", "4.2 steps/s"},
		{1, "steps", "1.0 steps/s"},
		{0.3141, "steps", "0.31 steps/s"},
		{0.031, "steps", "0.031 steps/s"},
		{0, "steps", "0 steps/s"},
		{312, "", "312/s"},
	} {
		if got := formatRate(tc.rate, tc.unit); got != tc.want {
			t.Errorf("formatRate(%v, %q) = %q, want %q", tc.rate, tc.unit, got, tc.want)
		}
	}
}

func TestRenderBarAndPercent(t *testing.T) {
	for _, tc := range []struct {
		done, total int64
		bar         string
		pct         int64
	}{
		{0, 100, "░░░░░░░░░░░░░░░░░░░░", 0},
		{-5, 100, "░░░░░░░░░░░░░░░░░░░░", 0},
		{960, 2000, "██████████░░░░░░░░░░", 48},
		{999, 1000, "███████████████████░", 99}, // rounds to full, but not done yet
		{1000, 1000, "████████████████████", 100},
		{1500, 1000, "████████████████████", 100},
	} {
		if got := renderBar(tc.done, tc.total, barWidth); got != tc.bar {
			t.Errorf("renderBar(%d, %d) = %q, want %q", tc.done, tc.total, got, tc.bar)
		}
		if got := percent(tc.done, tc.total); got != tc.pct {
			t.Errorf("percent(%d, %d) = %d, want %d", tc.done, tc.total, got, tc.pct)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(nil) {
		t.Error("nil file is a terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("regular file is a terminal")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if IsTerminal(pw) {
		t.Error("pipe is a terminal")
	}
}
