// Package atomicfile writes files so that a reader, or a process started after a crash,
// sees either the old file or the complete new one, never a part.
//
// A write goes to a temporary file in the same directory, is fsynced, renamed over the
// target (rename is atomic within a POSIX file system), and the directory is fsynced so
// the rename itself survives a power cut. A process killed mid-write leaves only a
// temporary file, named with [TempPrefix], which [RemoveTemps] sweeps away.
package atomicfile
