package extensions

import (
	"bytes"
	"strings"
	"sync"
)

// tail keeps the last max bytes written to it: a guest's output, quoted in errors,
// that a chatty or hostile guest cannot grow without bound. It also keeps the
// last line in which the guest's runtime said why it crashed, which the stack
// trace printed after it would push out of the last bytes.
type tail struct {
	mu     sync.Mutex
	max    int
	b      []byte
	line   []byte // the line being written, its first maxLine bytes
	reason string
}

// maxLine bounds a line that may be a crash's reason.
const maxLine = 256

// crashPrefixes start the line in which a guest's runtime says why it crashed:
// Go's fatal errors ("fatal error: stack overflow", "fatal error: out of memory")
// and unrecovered panics.
var crashPrefixes = []string{"fatal error: ", "panic: "}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	for rest := p; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		t.line = append(t.line, rest[:min(i, maxLine-len(t.line))]...)
		if i == len(rest) {
			break
		}
		for _, prefix := range crashPrefixes {
			if bytes.HasPrefix(t.line, []byte(prefix)) {
				t.reason = string(t.line)
			}
		}
		t.line, rest = t.line[:0], rest[i+1:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// Reason is the last line in which the guest's runtime said why it crashed, or "".
func (t *tail) Reason() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reason
}
