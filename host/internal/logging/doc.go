// Package logging provides the log/slog handlers the dnw command line uses.
//
// [NewConsole] is a compact handler for people at a terminal: one line per record,
// time of day, a padded level, the message and flat key=value pairs. Each record goes
// out in a single Write, so a writer that must keep lines whole (the progress
// Reporter, which clears and redraws its bar around each write) sees whole lines.
// [Tee] sends records to several handlers, each with its own level, for instance the
// console at info and a run's log file at debug. [ParseLevel] reads --log-level.
package logging
