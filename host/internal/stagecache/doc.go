// Package stagecache keeps finished stages' files by content address, so that runs
// and sweep trials whose stage would compute the same thing reuse it instead.
//
// An entry's key is a hash of the stage's fingerprint (the resolved config keys it
// depends on, the seed, the digests of its inputs, the identities of the plugins
// and extensions it calls: stage.Runner.fingerprint) and the dnw build's identity
// (the executable's SHA-256, which also names every bundled plugin): a rebuilt dnw
// never reuses an older build's results. Entries are published atomically (written
// beside, then renamed into place; a concurrent writer that published first
// wins). Each records the SHA-256 of its files and when it was last used, which
// `dnw cache gc` goes by. Restore copies the files (never hard-links them: a run
// editing a restored file in place would change the cache's copy) and checks each
// against its digest as it copies; an entry that fails is evicted and reported as
// ErrCorrupt, so the stage runs again instead of a damaged result being reused.
package stagecache
