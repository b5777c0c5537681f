package extensions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/sys"

	"dnw/sdk/ext"
)

// Why a call failed. Every error of this package wraps one of them, after the
// extension's name and file.
var (
	ErrDeadline = errors.New("exceeded its deadline")
	ErrMemory   = errors.New("ran out of memory")
	ErrTrap     = errors.New("trapped")
	ErrExit     = errors.New("exited")
	ErrGuest    = errors.New("reported an error")
	ErrProtocol = errors.New("broke the ABI")
	ErrKind     = errors.New("is the wrong kind")
	ErrOptions  = errors.New("invalid options")
)

// errorf prefixes an error with the extension's name and file.
func (e *Extension) errorf(format string, args ...any) error {
	return fmt.Errorf("extension %s (%s): %w", e.Name(), e.Path, fmt.Errorf(format, args...))
}

// describe turns what a call returned into an error that says what happened: the
// guest's own error, a deadline, running out of memory, an exit or a trap; with
// the guest's last output where it left any. A cancelled run stays a cancellation.
func (e *Extension) describe(ctx context.Context, err error, in *instance) error {
	var guest *ext.GuestError
	var exit *sys.ExitError
	if errors.As(err, &guest) {
		return e.errorf("%w: %s", ErrGuest, guest.Msg)
	}
	if errors.Is(err, ErrProtocol) {
		return e.errorf("%w", err)
	}
	if errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled {
		return e.errorf("%w", context.Canceled)
	}
	if errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded {
		return e.errorf("%w of %s per call (extensions.deadline)", ErrDeadline, e.rt.cfg.Deadline)
	}
	capped := fmt.Sprintf("its memory is capped at %d MiB (extensions.memory_pages = %d)", e.rt.cfg.MemoryPages/16, e.rt.cfg.MemoryPages)
	if errors.Is(err, ErrMemory) { // dnw_alloc failed
		return e.errorf("%w; %s", err, capped)
	}
	said := ""
	if reason := in.out.Reason(); reason != "" {
		said = "; it said: " + reason
	} else if out := in.out.String(); out != "" {
		said = "; its last output: " + lastLines(out, 3)
	}
	if in.outOfMemory(e.rt.cfg.MemoryPages) {
		return e.errorf("%w: %s%s", ErrMemory, capped, said)
	}
	if errors.As(err, &exit) {
		return e.errorf("%w with code %d%s", ErrExit, exit.ExitCode(), said)
	}
	return e.errorf("%w: %s%s", ErrTrap, firstLine(err.Error()), said)
}

// outOfMemory reports an instance that failed with its memory at the cap (within
// 1 MiB, the largest step a Go runtime grows by), or that said so itself: Go's
// runtime prints "fatal error: out of memory" when the cap refuses memory.grow.
func (in *instance) outOfMemory(capPages uint32) bool {
	if strings.Contains(in.out.Reason(), "out of memory") || strings.Contains(in.out.String(), "out of memory") {
		return true
	}
	if in.mod == nil {
		return false
	}
	return uint64(in.mod.Memory().Size())+1<<20 >= uint64(capPages)<<16
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
