package logging

import (
	"log/slog"
	"strings"
	"testing"
)

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    slog.Level
		wantErr bool
	}{
		{"debug", slog.LevelDebug, false},
		{"info", slog.LevelInfo, false},
		{"warn", slog.LevelWarn, false},
		{"error", slog.LevelError, false},
		{"DEBUG", slog.LevelDebug, false},
		{"Warn", slog.LevelWarn, false},
		{" info ", slog.LevelInfo, false},
		{"verbose", 0, true},
		{"warning", 0, true},
		{"", 0, true},
	} {
		got, err := ParseLevel(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseLevel(%q) = %v, want error", tc.in, got)
				continue
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "logging: ") || !strings.Contains(msg, `"`+tc.in+`"`) {
				t.Errorf("ParseLevel(%q) error %q does not name the value", tc.in, msg)
			}
			for _, valid := range []string{"debug", "info", "warn", "error"} {
				if !strings.Contains(msg, valid) {
					t.Errorf("ParseLevel(%q) error %q does not list %q", tc.in, msg, valid)
				}
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
