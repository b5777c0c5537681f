// Package stage runs a pipeline of named stages inside a run directory, so that a run
// killed at any instant can be resumed with nothing lost and nothing done twice.
//
// Each [Stage] declares the config keys it depends on, the artifacts of earlier stages
// it reads and the files it writes. Its fingerprint hashes those key values, the seed,
// the device (a GPU's results differ from the CPU's by rounding), the digests of its
// inputs and those of the data files it reads from outside the run (Stage.Data; a
// record in the run directory spares re-hashing unchanged files). The [Runner] skips
// a stage that is done with the same fingerprint and untouched artifacts; reruns it
// (and, through the input digests, what depends on it) when its config, inputs or
// data files changed; and resumes an unfinished stage from its last checkpoint when
// the fingerprint still matches. A stage writes its files and checkpoints through
// [Env], which makes every write atomic.
package stage
