package conceptdirs

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path for reading if it is a regular file, or a symbolic link to
// one: links are followed, so a dataset of links into a photo library loads.
// Anything else (a named pipe, a socket, a device) is refused with an error that
// names path and what it is: opening a named pipe blocks until a writer appears,
// forever if none does, and a device may never end.
//
// The mode is checked before opening, so nothing else is ever opened, and again on
// the open file, so that a file swapped for a pipe in between is refused too; the
// open is non-blocking for that second case (a regular file ignores the flag).
func openRegular(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err // names the path already
	}
	if err := regular(path, info); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if info, err = f.Stat(); err == nil {
		err = regular(path, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// regular returns an error unless info is a regular file's.
func regular(path string, info fs.FileInfo) error {
	m := info.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	case m&fs.ModeDevice != 0:
		what = "a device, not a regular file"
	}
	return fmt.Errorf("%s: %s", path, what)
}

// readRegular reads the whole of the regular file path (see openRegular).
func readRegular(path string) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// ctxReader stops reading once ctx is done, so that a decode in progress ends
// promptly on Ctrl-C; the decoders read through a buffer, so ctx is checked about
// once every 4 KiB.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
