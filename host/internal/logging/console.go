package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// console is the handler behind NewConsole. Handlers derived by WithAttrs and
// WithGroup share mu, because they share w, and w need not be safe for concurrent use.
type console struct {
	mu     *sync.Mutex
	w      io.Writer
	level  slog.Leveler
	attrs  []byte // attrs from WithAttrs, already formatted, each with a leading space
	prefix string // open groups as "a.b.", prepended to later keys
}

// NewConsole returns a compact human handler: one line per record,
//
//	15:04:05 INFO  message key=value key2="quoted value"
//
// The level is padded to five characters so messages line up. Attrs from WithAttrs
// come before record attrs; groups prefix keys with "group."; strings with spaces,
// quotes, = or unprintable characters are quoted with strconv.Quote; durations print
// with their String method and times as RFC 3339. A record with a zero time has no time
// column. A nil level means info. Each record is written with a single Write call.
func NewConsole(w io.Writer, level slog.Leveler) slog.Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &console{mu: new(sync.Mutex), w: w, level: level}
}

func (h *console) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *console) Handle(_ context.Context, r slog.Record) error {
	buf := make([]byte, 0, 128)
	if !r.Time.IsZero() {
		// Time of day only: a person at a terminal knows the date, and the run's
		// files keep full timestamps.
		buf = r.Time.AppendFormat(buf, "15:04:05")
		buf = append(buf, ' ')
	}
	buf = fmt.Appendf(buf, "%-5s ", r.Level.String())
	buf = append(buf, r.Message...)
	buf = append(buf, h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		buf = appendAttr(buf, h.prefix, a)
		return true
	})
	buf = append(buf, '\n')

	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(buf)
	return err
}

func (h *console) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	h2 := *h
	// A fresh slice, so sibling handlers derived from h never share a backing array.
	h2.attrs = append([]byte(nil), h.attrs...)
	for _, a := range as {
		h2.attrs = appendAttr(h2.attrs, h.prefix, a)
	}
	return &h2
}

func (h *console) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

// appendAttr appends " key=value" for a, flattening groups into dotted keys. Empty
// attrs are dropped and groups with an empty key are inlined, as slog.Handler asks.
func appendAttr(buf []byte, prefix string, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return buf
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			buf = appendAttr(buf, prefix, ga)
		}
		return buf
	}
	buf = append(buf, ' ')
	buf = appendString(buf, prefix+a.Key)
	buf = append(buf, '=')
	return appendValue(buf, a.Value)
}

func appendValue(buf []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendString(buf, v.String())
	case slog.KindDuration:
		return append(buf, v.Duration().String()...)
	case slog.KindTime:
		return v.Time().AppendFormat(buf, time.RFC3339)
	case slog.KindAny:
		// Errors, Stringers and the rest: their text may contain anything.
		return appendString(buf, fmt.Sprint(v.Any()))
	default: // int, uint, float, bool: never need quotes
		return append(buf, v.String()...)
	}
}

// appendString appends s, quoted when it would otherwise be ambiguous to read back:
// empty, or containing spaces, quotes, '=' or characters that are not printable.
func appendString(buf []byte, s string) []byte {
	if needsQuote(s) {
		return strconv.AppendQuote(buf, s)
	}
	return append(buf, s...)
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r == ' ' || r == '"' || r == '=' || r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
	}
	return false
}
