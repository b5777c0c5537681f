package logging

import (
	"fmt"
	"log/slog"
	"strings"
)

// ParseLevel turns "debug", "info", "warn", "error" (case-insensitive) into a slog.Level;
// anything else is an error naming the value and the valid ones. Surrounding spaces are
// ignored, since values often come from config files and environment variables.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("logging: unknown level %q (valid: debug, info, warn, error)", s)
}
