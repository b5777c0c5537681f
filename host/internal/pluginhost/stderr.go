package pluginhost

import (
	"bytes"
	"encoding/json"
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
		if line, keep := readable(s.partial[:i]); keep {
			s.lines = append(s.lines, line)
		}
		s.partial = s.partial[i+1:]
		if len(s.lines) > s.max {
			s.lines = s.lines[len(s.lines)-s.max:]
		}
	}
	return len(p), nil
}

// readable turns one stderr line into what an error message should quote. go-plugin's
// own structured logs (JSON with "@level") are shortened to "level: message", and
// its debug chatter is dropped; everything else is kept as it is.
func readable(line []byte) (string, bool) {
	var entry struct {
		Level   string `json:"@level"`
		Message string `json:"@message"`
	}
	if bytes.HasPrefix(line, []byte(`{"@`)) && json.Unmarshal(line, &entry) == nil && entry.Level != "" {
		if entry.Level == "debug" || entry.Level == "trace" {
			return "", false
		}
		return entry.Level + ": " + entry.Message, true
	}
	return string(line), true
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
