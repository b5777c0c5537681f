package logging

import (
	"context"
	"errors"
	"log/slog"
)

// tee is the handler behind Tee.
type tee []slog.Handler

// Tee fans every record out to all handlers whose Enabled says yes; Enabled is true if
// any is. Each handler decides for itself, so a debug log file and an info console can
// share one logger. Errors from the handlers are joined; one failing handler does not
// stop the others.
func Tee(handlers ...slog.Handler) slog.Handler {
	return tee(append([]slog.Handler(nil), handlers...))
}

func (t tee) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t tee) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range t {
		if !h.Enabled(ctx, r.Level) {
			continue
		}
		// A clone each, because a handler may keep or modify the record.
		if err := h.Handle(ctx, r.Clone()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (t tee) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (t tee) WithGroup(name string) slog.Handler {
	out := make(tee, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}
