// Command dnw is the denoised-neural-weights host: it runs experiments described in
// TOML through a pipeline of resumable stages, and reports on them.
//
// Run `dnw --help` for the commands; experiments/README.md documents the files.
package main
