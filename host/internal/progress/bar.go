package progress

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// Bar tracks one unit of work started with [Reporter.Start]. Its methods share the
// Reporter's mutex, so any goroutine may call them.
type Bar struct {
	r         *Reporter
	name      string
	unit      string
	total     int64 // <= 0: unknown
	done      int64
	startDone int64     // done at Start; rate counts only what came after
	start     time.Time // clock at Start
	lastDraw  time.Time // last terminal frame, for throttling
	lastLog   time.Time // last plain line (Start before the first), for the interval
	finished  bool
}

// Start begins a bar for one unit of work. total <= 0 means unknown total (show count
// and rate, no percent/ETA). done is where the work starts (a resumed stage starts past
// 0); rate and ETA are computed only from progress made since Start, so a resume does
// not report a fake burst.
//
// On a terminal the new bar is drawn at once and takes over the line; a bar still live
// from an earlier Start is drawn once more, left on its own line, and draws no more.
func (r *Reporter) Start(name string, total int64, unit string, done int64) *Bar {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	b := &Bar{
		r:         r,
		name:      name,
		unit:      unit,
		total:     total,
		done:      done,
		startDone: done,
		start:     now,
		lastDraw:  now,
		lastLog:   now,
	}
	if r.tty {
		if r.live != nil {
			r.draw(r.live.render(now), true)
		}
		r.live = b
		r.draw(b.render(now), false)
	}
	return b
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	b.update(func() { b.done += n })
}

// Set records that done units are done in all (counting from 0, not from Start).
func (b *Bar) Set(done int64) {
	b.update(func() { b.done = done })
}

// update applies change and then redraws or logs if it is time to. The slog call is
// made after the mutex is released: the logger's handler may well write through this
// very Reporter, whose Write takes the same mutex.
func (b *Bar) update(change func()) {
	r := b.r
	r.mu.Lock()
	if b.finished {
		r.mu.Unlock()
		return
	}
	change()
	now := r.now()
	var attrs []slog.Attr
	switch {
	case r.tty:
		if r.live == b && now.Sub(b.lastDraw) >= redrawEvery {
			b.lastDraw = now
			r.draw(b.render(now), false)
		}
	case now.Sub(b.lastLog) >= r.interval:
		b.lastLog = now
		attrs = b.progressAttrs(now)
	}
	r.mu.Unlock()
	if attrs != nil {
		r.log(attrs)
	}
}

// Finish ends the bar. On a terminal the final state is drawn, whatever the throttle,
// and left on screen followed by a newline; otherwise one last "progress" line carries
// finished=true, the elapsed time and the mean rate. Later calls to the bar do nothing.
func (b *Bar) Finish() {
	r := b.r
	r.mu.Lock()
	if b.finished {
		r.mu.Unlock()
		return
	}
	b.finished = true
	now := r.now()
	var attrs []slog.Attr
	if r.tty {
		if r.live == b {
			r.draw(b.render(now), true)
			r.live = nil
		}
	} else {
		attrs = b.finishAttrs(now)
	}
	r.mu.Unlock()
	if attrs != nil {
		r.log(attrs)
	}
}

func (r *Reporter) log(attrs []slog.Attr) {
	l := r.logger
	if l == nil {
		// Looked up at log time, not in New, so a default installed later still applies.
		l = slog.Default()
	}
	l.LogAttrs(context.Background(), slog.LevelInfo, "progress", attrs...)
}

// rate is units per second since Start; ok is false when no time has passed yet.
// Going backwards (a Set below the start) counts as no progress, not a negative rate.
func (b *Bar) rate(now time.Time) (rate float64, ok bool) {
	elapsed := now.Sub(b.start)
	if elapsed <= 0 {
		return 0, false
	}
	progress := b.done - b.startDone
	if progress < 0 {
		progress = 0
	}
	return float64(progress) / elapsed.Seconds(), true
}

// eta is the time left at rate; ok is false when the total is unknown or nothing is
// moving, where any number would be invented.
func (b *Bar) eta(rate float64) (time.Duration, bool) {
	if b.total <= 0 || rate <= 0 {
		return 0, false
	}
	left := b.total - b.done
	if left <= 0 {
		return 0, true
	}
	return time.Duration(float64(left) / rate * float64(time.Second)), true
}

// render is the bar's terminal line, without clearing or newline:
//
//	fit  [██████████░░░░░░░░░░]  48%  960/2000 steps  312 steps/s  ETA 3s
//	scan  960 files  312 files/s
func (b *Bar) render(now time.Time) string {
	parts := make([]string, 0, 6)
	if b.name != "" {
		parts = append(parts, b.name)
	}
	count := formatInt(b.done)
	if b.total > 0 {
		parts = append(parts,
			"["+renderBar(b.done, b.total, barWidth)+"]",
			formatInt(percent(b.done, b.total))+"%")
		count += "/" + formatInt(b.total)
	}
	if b.unit != "" {
		count += " " + b.unit
	}
	parts = append(parts, count)
	if rate, ok := b.rate(now); ok {
		parts = append(parts, formatRate(rate, b.unit))
		if eta, ok := b.eta(rate); ok {
			parts = append(parts, "ETA "+formatDuration(eta))
		}
	}
	return strings.Join(parts, "  ")
}

// unknown stands in for a rate or ETA that cannot be computed, so plain lines always
// carry the same keys.
const unknown = "unknown"

func (b *Bar) progressAttrs(now time.Time) []slog.Attr {
	rate, eta := unknown, unknown
	if r, ok := b.rate(now); ok {
		rate = formatRate(r, b.unit)
		if d, ok := b.eta(r); ok {
			eta = formatDuration(d)
		}
	}
	return []slog.Attr{
		slog.String("stage", b.name),
		slog.Int64("done", b.done),
		slog.Int64("total", b.total),
		slog.String("unit", b.unit),
		slog.String("rate", rate),
		slog.String("eta", eta),
	}
}

func (b *Bar) finishAttrs(now time.Time) []slog.Attr {
	rate := unknown
	if r, ok := b.rate(now); ok {
		rate = formatRate(r, b.unit)
	}
	return []slog.Attr{
		slog.String("stage", b.name),
		slog.Int64("done", b.done),
		slog.Int64("total", b.total),
		slog.String("unit", b.unit),
		slog.String("elapsed", formatDuration(now.Sub(b.start))),
		slog.String("rate", rate),
		slog.Bool("finished", true),
	}
}
