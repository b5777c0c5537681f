package progress

import "os"

// IsTerminal reports whether f is a character device, the standard-library stand-in for
// "is a terminal". It is true for /dev/null as well; that only costs a few escape codes
// nobody sees, and it keeps the package free of dependencies.
func IsTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}
