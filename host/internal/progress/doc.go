// Package progress shows how far a long stage (a training loop, a sweep) has got.
//
// On a terminal a [Reporter] keeps one live bar on its line, with a rate and an ETA,
// redrawn at most about ten times a second so that a tight loop calling [Bar.Add]
// does not spend its time repainting. Where output is not a terminal (CI, log files)
// carriage returns and escape codes would garble the log, so the same updates become
// plain log/slog lines, at most one per interval per bar.
//
// Rate and ETA count only progress made since [Reporter.Start]: a resumed stage that
// starts at step 5000 would otherwise report a burst of thousands of steps a second.
//
// A Reporter is also an [io.Writer]. Route log output through it (for instance as the
// writer of the console log handler) and, while a bar is live on a terminal, each write
// first clears the bar, prints the text and then redraws the bar below it, so log lines
// and the bar never share a line.
//
// All time comes from an injectable clock, so tests can check rate, ETA and throttling
// without sleeping.
package progress
