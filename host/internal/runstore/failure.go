package runstore

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// maxFailure bounds the failure RecordFailure writes, with the PID line, to well
// inside the lock file's first block, which the PID already made the file system
// allocate: so it can be written on a full disk.
const maxFailure = 1024

const failurePrefix = "failed: "

// RecordFailure notes in the lock file, after the PID, that this session failed and
// why. It is for when manifest.json cannot be saved (a full disk): a "running"
// manifest without a lock holder would otherwise read as a killed session.
// The next Open clears it.
func (r *Run) RecordFailure(msg string) error {
	pid, err := readPIDLine(r.lock)
	if err != nil {
		return err
	}
	msg = strings.ReplaceAll(msg, "\n", " ")
	if len(msg) > maxFailure {
		msg = msg[:maxFailure] + "…"
	}
	_, err = r.lock.WriteAt([]byte(failurePrefix+msg+"\n"), int64(len(pid)))
	return err
}

// LastFailure is what the last session recorded with RecordFailure, or "" when it
// recorded nothing (it ended normally, was killed, or is still running).
func LastFailure(dir string) string {
	f, err := os.Open(filepath.Join(dir, lockFile))
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Scan() // the PID
	if s.Scan() {
		if msg, ok := strings.CutPrefix(s.Text(), failurePrefix); ok {
			return msg
		}
	}
	return ""
}

// readPIDLine is the lock file's first line, with its newline.
func readPIDLine(f *os.File) (string, error) {
	buf := make([]byte, 32)
	n, err := f.ReadAt(buf, 0)
	if i := strings.IndexByte(string(buf[:n]), '\n'); i >= 0 {
		return string(buf[:i+1]), nil
	}
	return "", err
}
