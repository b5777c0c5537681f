// Package cli is the dnw command line: argument parsing, help texts, exit codes, and
// the wiring of config, run store, logging, progress and the stage runner.
//
// Exit codes: 0 success, 1 failure, 2 user error (a bad experiment file, key, value or
// flag), 130 interrupted.
package cli
