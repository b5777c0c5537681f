package logging

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

var recordTime = time.Date(2024, 3, 9, 15, 4, 5, 999, time.UTC)

func record(level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(recordTime, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

func handle(t *testing.T, h slog.Handler, r slog.Record) {
	t.Helper()
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleLineFormat(t *testing.T) {
	var buf bytes.Buffer
	h := NewConsole(&buf, slog.LevelDebug)
	handle(t, h, record(slog.LevelInfo, "message",
		slog.String("key", "value"), slog.String("key2", "quoted value")))
	if got, want := buf.String(), "15:04:05 INFO  message key=value key2=\"quoted value\"\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestConsoleLevels(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "15:04:05 DEBUG m\n"},
		{slog.LevelInfo, "15:04:05 INFO  m\n"},
		{slog.LevelWarn, "15:04:05 WARN  m\n"},
		{slog.LevelError, "15:04:05 ERROR m\n"},
		{slog.LevelInfo + 2, "15:04:05 INFO+2 m\n"},
	} {
		var buf bytes.Buffer
		handle(t, NewConsole(&buf, slog.LevelDebug), record(tc.level, "m"))
		if buf.String() != tc.want {
			t.Errorf("level %v: got %q, want %q", tc.level, buf.String(), tc.want)
		}
	}
}

type stringer struct{}

func (stringer) String() string { return "a b" }

type lazy struct{}

func (lazy) LogValue() slog.Value { return slog.IntValue(42) }

func TestConsoleValues(t *testing.T) {
	for _, tc := range []struct {
		attr slog.Attr
		want string
	}{
		{slog.String("s", "plain"), " s=plain"},
		{slog.String("s", ""), ` s=""`},
		{slog.String("s", "a=b"), ` s="a=b"`},
		{slog.String("s", `say "hi"`), ` s="say \"hi\""`},
		{slog.String("s", "two\nlines"), ` s="two\nlines"`},
		{slog.String("s", "tab\there"), ` s="tab\there"`},
		{slog.String("path", "/tmp/ü.txt"), " path=/tmp/ü.txt"},
		{slog.Int("n", -3), " n=-3"},
		{slog.Uint64("u", 7), " u=7"},
		{slog.Float64("f", 0.25), " f=0.25"},
		{slog.Bool("ok", true), " ok=true"},
		{slog.Duration("d", 1500*time.Millisecond), " d=1.5s"},
		{slog.Time("t", time.Date(2024, 3, 9, 15, 4, 5, 0, time.UTC)), " t=2024-03-09T15:04:05Z"},
		{slog.Any("err", errors.New("boom")), " err=boom"},
		{slog.Any("err", errors.New("file not found")), ` err="file not found"`},
		{slog.Any("st", stringer{}), ` st="a b"`},
		{slog.Any("lazy", lazy{}), " lazy=42"},
		{slog.String("my key", "v"), ` "my key"=v`},
		{slog.Attr{}, ""},
		{slog.Group("req", slog.Int("id", 7), slog.String("path", "/x")), " req.id=7 req.path=/x"},
		{slog.Group("", slog.Int("inline", 1)), " inline=1"},
		{slog.Group("empty"), ""},
	} {
		var buf bytes.Buffer
		handle(t, NewConsole(&buf, slog.LevelInfo), record(slog.LevelInfo, "m", tc.attr))
		if got, want := buf.String(), "15:04:05 INFO  m"+tc.want+"\n"; got != want {
			t.Errorf("%v:\n got %q\nwant %q", tc.attr, got, want)
		}
	}
}

func TestConsoleZeroTimeOmitted(t *testing.T) {
	var buf bytes.Buffer
	handle(t, NewConsole(&buf, nil), slog.NewRecord(time.Time{}, slog.LevelInfo, "m", 0))
	if buf.String() != "INFO  m\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestConsoleLevelFiltering(t *testing.T) {
	var buf bytes.Buffer
	h := NewConsole(&buf, slog.LevelWarn)
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) {
		t.Error("warn handler enabled for info")
	}
	if !h.Enabled(ctx, slog.LevelWarn) || !h.Enabled(ctx, slog.LevelError) {
		t.Error("warn handler disabled for warn or error")
	}
	l := slog.New(h)
	l.Info("hidden")
	l.Warn("shown")
	if got := buf.String(); len(got) < 9 || got[9:] != "WARN  shown\n" {
		t.Errorf("got %q", got)
	}

	// A LevelVar is read at each call, so the CLI can change the level later.
	var lv slog.LevelVar
	lv.Set(slog.LevelError)
	h = NewConsole(&buf, &lv)
	if h.Enabled(ctx, slog.LevelWarn) {
		t.Error("error-level handler enabled for warn")
	}
	lv.Set(slog.LevelDebug)
	if !h.Enabled(ctx, slog.LevelDebug) {
		t.Error("level change not seen")
	}
}

func TestConsoleWithAttrsAndGroups(t *testing.T) {
	var buf bytes.Buffer
	base := NewConsole(&buf, slog.LevelInfo)
	h := base.WithAttrs([]slog.Attr{slog.String("run", "r1")}).
		WithGroup("stage").
		WithAttrs([]slog.Attr{slog.String("name", "fit")})
	handle(t, h, record(slog.LevelInfo, "m", slog.Int("step", 3), slog.Group("g", slog.Int("x", 1))))
	if got, want := buf.String(), "15:04:05 INFO  m run=r1 stage.name=fit stage.step=3 stage.g.x=1\n"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	// Derived handlers do not leak into each other or into their parent.
	buf.Reset()
	a := base.WithAttrs([]slog.Attr{slog.Int("a", 1)})
	b := base.WithAttrs([]slog.Attr{slog.Int("b", 2)})
	handle(t, a, record(slog.LevelInfo, "m"))
	handle(t, b, record(slog.LevelInfo, "m"))
	handle(t, base.WithGroup(""), record(slog.LevelInfo, "m", slog.Int("c", 3)))
	want := "15:04:05 INFO  m a=1\n15:04:05 INFO  m b=2\n15:04:05 INFO  m c=3\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

// countingWriter records each Write call separately.
type countingWriter struct{ writes []string }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestConsoleOneWritePerRecord(t *testing.T) {
	var w countingWriter
	h := NewConsole(&w, slog.LevelInfo).WithAttrs([]slog.Attr{slog.Int("a", 1)})
	handle(t, h, record(slog.LevelInfo, "first", slog.String("k", "v w")))
	handle(t, h, record(slog.LevelError, "second"))
	want := []string{
		"15:04:05 INFO  first a=1 k=\"v w\"\n",
		"15:04:05 ERROR second a=1\n",
	}
	if len(w.writes) != len(want) {
		t.Fatalf("%d writes, want %d: %q", len(w.writes), len(want), w.writes)
	}
	for i := range want {
		if w.writes[i] != want[i] {
			t.Errorf("write %d = %q, want %q", i, w.writes[i], want[i])
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestConsoleReportsWriteError(t *testing.T) {
	err := NewConsole(failingWriter{}, nil).Handle(context.Background(), record(slog.LevelInfo, "m"))
	if err == nil {
		t.Error("write error lost")
	}
}
