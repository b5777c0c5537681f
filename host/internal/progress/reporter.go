package progress

import (
	"io"
	"log/slog"
	"sync"
	"time"
)

// Options configures a [Reporter].
type Options struct {
	TTY      bool             // draw a live bar on Out; false: periodic slog lines
	Interval time.Duration    // period of plain lines when !TTY; 0 means 10s
	Now      func() time.Time // clock; nil means time.Now (tests inject a fake)
	Logger   *slog.Logger     // where plain lines go when !TTY; nil means slog.Default()
}

const (
	// defaultInterval keeps plain logs readable: a line every few steps would bury
	// everything else in a CI log.
	defaultInterval = 10 * time.Second
	// redrawEvery caps terminal redraws at about ten a second; faster is invisible
	// to a person and costs the loop being measured.
	redrawEvery = 100 * time.Millisecond
	// clearLine returns to column 0 and erases to the end of the line, so a shorter
	// frame leaves no leftovers of a longer one.
	clearLine = "\r\x1b[K"
)

// Reporter owns an output and the bar, if any, drawn on it. It is safe for use from
// several goroutines: one mutex guards all of its bars and its writes.
type Reporter struct {
	mu       sync.Mutex
	out      io.Writer
	tty      bool
	interval time.Duration
	now      func() time.Time
	logger   *slog.Logger
	live     *Bar // the bar now on screen; only ever set when tty
}

// New returns a Reporter that draws on out (when opts.TTY) or logs through
// opts.Logger (otherwise). A nil out discards the drawing.
func New(out io.Writer, opts Options) *Reporter {
	r := &Reporter{
		out:      out,
		tty:      opts.TTY,
		interval: opts.Interval,
		now:      opts.Now,
		logger:   opts.Logger,
	}
	if r.out == nil {
		r.out = io.Discard
	}
	if r.interval <= 0 {
		r.interval = defaultInterval
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Write writes p to the output. While a bar is live on a terminal it first clears the
// bar's line, then writes p, then redraws the bar, all in one write to the output, so
// the text never lands in the middle of the bar. Text that does not end in a newline
// gets one in that case, because the bar needs a line of its own.
func (r *Reporter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live == nil || len(p) == 0 {
		return r.out.Write(p)
	}
	frame := r.live.render(r.now())
	buf := make([]byte, 0, 2*len(clearLine)+len(p)+1+len(frame))
	buf = append(buf, clearLine...)
	buf = append(buf, p...)
	if p[len(p)-1] != '\n' {
		buf = append(buf, '\n')
	}
	buf = append(buf, clearLine...)
	buf = append(buf, frame...)
	if _, err := r.out.Write(buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// draw writes frame over the current line. Errors are dropped on purpose: progress is
// a courtesy, and a broken terminal must not stop a training run.
func (r *Reporter) draw(frame string, newline bool) {
	s := clearLine + frame
	if newline {
		s += "\n"
	}
	_, _ = io.WriteString(r.out, s)
}
