package logging

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestTeeEachHandlerKeepsItsLevel(t *testing.T) {
	var file, console bytes.Buffer
	h := Tee(NewConsole(&file, slog.LevelDebug), NewConsole(&console, slog.LevelWarn))
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelDebug) {
		t.Error("tee disabled for debug although one handler wants it")
	}

	handle(t, h, record(slog.LevelDebug, "detail"))
	handle(t, h, record(slog.LevelWarn, "careful"))
	if got, want := file.String(), "15:04:05 DEBUG detail\n15:04:05 WARN  careful\n"; got != want {
		t.Errorf("debug handler got %q, want %q", got, want)
	}
	if got, want := console.String(), "15:04:05 WARN  careful\n"; got != want {
		t.Errorf("warn handler got %q, want %q", got, want)
	}
}

func TestTeeEnabled(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	h := Tee(NewConsole(&buf, slog.LevelWarn), NewConsole(&buf, slog.LevelError))
	if h.Enabled(ctx, slog.LevelInfo) {
		t.Error("enabled for info though no handler is")
	}
	if !h.Enabled(ctx, slog.LevelWarn) {
		t.Error("disabled for warn though one handler is enabled")
	}
	if Tee().Enabled(ctx, slog.LevelError) {
		t.Error("empty tee enabled")
	}
	if err := Tee().Handle(ctx, record(slog.LevelError, "m")); err != nil {
		t.Errorf("empty tee Handle: %v", err)
	}
}

func TestTeeWithAttrsAndGroupReachAll(t *testing.T) {
	var a, b bytes.Buffer
	h := Tee(NewConsole(&a, slog.LevelInfo), NewConsole(&b, slog.LevelInfo)).
		WithAttrs([]slog.Attr{slog.String("run", "r1")}).
		WithGroup("g")
	handle(t, h, record(slog.LevelInfo, "m", slog.Int("x", 1)))
	want := "15:04:05 INFO  m run=r1 g.x=1\n"
	if a.String() != want || b.String() != want {
		t.Errorf("got %q and %q, want %q in both", a.String(), b.String(), want)
	}
}

func TestTeeJoinsErrorsAndKeepsGoing(t *testing.T) {
	var buf bytes.Buffer
	h := Tee(NewConsole(failingWriter{}, slog.LevelInfo), NewConsole(&buf, slog.LevelInfo))
	err := h.Handle(context.Background(), record(slog.LevelInfo, "m"))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the failing handler's error", err)
	}
	if buf.String() != "15:04:05 INFO  m\n" {
		t.Errorf("second handler got %q after the first failed", buf.String())
	}
}
