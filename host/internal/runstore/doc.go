// Package runstore owns a run directory: its layout, its manifest and its lock.
//
//	RUN_DIR/
//	  config.toml            the resolved experiment (every key), rewritten at each start
//	  manifest.json          versions, machine, seed, times, every stage's state and artifacts
//	  logs/dnw.log           structured log (JSON lines), appended by every session
//	  stages/NAME/...        each stage's artifacts
//	  checkpoints/NAME.ckpt  the last checkpoint of an unfinished stage
//	  .lock                  held (flock) by the dnw process working on the run; its PID,
//	                         and why it failed when manifest.json could not say so
//
// Every file is written with package atomicfile, so a run killed at any instant leaves
// no half-written file; the lock keeps two processes from working on one run.
package runstore
