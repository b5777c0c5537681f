package conceptdirs

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder with image.Decode
	_ "image/png"  // registers the PNG decoder with image.Decode
	"io"
	"os"
	"runtime"
	"sync"

	"dnw/host/internal/imaging"
)

// pairJob is one pair to decode: its paths in, its Size×Size images or its problems
// out.
type pairJob struct {
	name         string
	aPath, bPath string
	src, tgt     *imaging.Image
	errs         []error // nil when src and tgt are set
}

// decodeAll decodes the jobs on GOMAXPROCS goroutines; each writes only its job.
func decodeAll(jobs []*pairJob, size int) {
	next := make(chan *pairJob)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for j := range next {
				j.load(size)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

func (j *pairJob) load(size int) {
	a, aErr := decodeFile(j.aPath)
	b, bErr := decodeFile(j.bPath)
	j.errs = nonNil(aErr, bErr)
	if j.errs != nil {
		return
	}
	if as, bs := a.Bounds().Size(), b.Bounds().Size(); as != bs {
		j.errs = []error{fmt.Errorf("%s is %d×%d but its partner %s is %d×%d",
			j.aPath, as.X, as.Y, j.bPath, bs.X, bs.Y)}
		return
	}
	j.src, j.tgt = square(a, size), square(b, size)
}

// decodeFile decodes a PNG or JPEG file; the error names the file.
func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the path already
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	switch {
	case errors.Is(err, image.ErrFormat):
		return nil, fmt.Errorf("%s: not a PNG or JPEG file (%w)", path, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("%s: truncated image (%w)", path, err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	case m.Bounds().Empty():
		return nil, fmt.Errorf("%s: empty image", path)
	}
	return m, nil
}

func nonNil(errs ...error) []error {
	var out []error
	for _, err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}
