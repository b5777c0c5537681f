package pluginhost

import (
	"bytes"
	"strings"
	"sync"
)

// stderrLines keeps the last lines a plugin wrote to stderr, for error messages.
type stderrLines struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
}

func (s *stderrLines) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.lines = append(s.lines, string(s.partial[:i]))
		s.partial = s.partial[i+1:]
		if len(s.lines) > s.max {
			s.lines = s.lines[len(s.lines)-s.max:]
		}
	}
	return len(p), nil
}

// Tail returns the kept lines, indented for an error message, or "" if none.
func (s *stderrLines) Tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := s.lines
	if len(s.partial) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(s.partial))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n  | " + strings.Join(lines, "\n  | ")
}
