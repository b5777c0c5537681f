// Package stagecache keeps finished stages' files by content address, so that runs
// and sweep trials whose stage would compute the same thing reuse it instead.
//
// An entry's key is a hash of the stage's fingerprint (the resolved config keys it
// depends on, the seed, the digests of its inputs, the identities of the plugins
// and extensions it calls: stage.Runner.fingerprint) and the dnw build's identity
// (the executable's SHA-256, which also names every bundled plugin): a rebuilt dnw
// never reuses an older build's results. Entries are published atomically (written
// beside, then renamed into place; a concurrent writer that published first
// wins), restored by hard link (or copy across file systems), and each records
// when it was last used, which `dnw cache gc` goes by.
package stagecache
