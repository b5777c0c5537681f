package conceptdirs

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCtxReaderStopsOnCancel(t *testing.T) {
	// A decode in progress reads through ctxReader: once ctx is done, the next
	// read fails with ctx's error and the decoder gives up.
	ctx, cancel := context.WithCancel(context.Background())
	r := ctxReader{ctx, strings.NewReader("abcdef")}
	buf := make([]byte, 3)
	if n, err := r.Read(buf); n != 3 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	cancel()
	if _, err := io.ReadAll(r); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v, want context.Canceled", err)
	}
}
