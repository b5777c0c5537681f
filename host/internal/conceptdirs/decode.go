package conceptdirs

import (
	"context"
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

// DefaultMaxPixels is Options.MaxPixels when it is 0, and data.max_pixels's default:
// 64 megapixels (8000×8000) is above every common camera or phone photo (24–61 MP),
// and that many decoded pixels take 96 MB as a JPEG (YCbCr 4:2:0) and 512 MB at
// most, as a 16-bit RGBA PNG (an interlaced one briefly half as much again).
const DefaultMaxPixels = 64_000_000

// pairJob is one pair to decode: its paths in, its Size×Size images or its problems
// out.
type pairJob struct {
	name         string
	aPath, bPath string
	w, h         int // the images' size, once read from their headers
	src, tgt     *imaging.Image
	errs         []error // nil when src and tgt are set
}

// decoder decodes pairs, holding at most its budget of full-size pixels at once.
type decoder struct {
	size      int   // side of the output images
	maxPixels int64 // per image
	budget    *pixelBudget
}

// decodeAll decodes the jobs on GOMAXPROCS goroutines; each writes only its job. It
// stops between files once ctx is done, and then returns ctx's error.
func (d *decoder) decodeAll(ctx context.Context, jobs []*pairJob) error {
	defer d.budget.wakeOnDone(ctx)()
	next := make(chan *pairJob)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for j := range next {
				if ctx.Err() == nil {
					d.load(ctx, j)
				}
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// load reads both headers first, so that an image over the limit or a mismatched
// pair costs no decoding, then decodes and shrinks one image at a time.
func (d *decoder) load(ctx context.Context, j *pairJob) {
	a, aErr := d.open(j.aPath)
	if a != nil {
		defer a.f.Close()
	}
	b, bErr := d.open(j.bPath)
	if b != nil {
		defer b.f.Close()
	}
	if j.errs = nonNil(aErr, bErr); j.errs != nil {
		return
	}
	if a.cfg.Width != b.cfg.Width || a.cfg.Height != b.cfg.Height {
		j.errs = []error{fmt.Errorf("%s is %d×%d but its partner %s is %d×%d",
			j.aPath, a.cfg.Width, a.cfg.Height, j.bPath, b.cfg.Width, b.cfg.Height)}
		return
	}
	j.w, j.h = a.cfg.Width, a.cfg.Height
	src, err := d.square(ctx, a)
	var tgt *imaging.Image
	if err == nil {
		tgt, err = d.square(ctx, b)
	}
	if err != nil {
		j.errs = []error{err}
		return
	}
	j.src, j.tgt = src, tgt
}

// imageFile is an open image whose header has been read.
type imageFile struct {
	path string
	f    *os.File
	cfg  image.Config
}

// open opens path (a regular file only) and reads its header.
func (d *decoder) open(path string) (*imageFile, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeConfig(f, path, d.maxPixels)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &imageFile{path, f, cfg}, nil
}

// square decodes m within the pixel budget and returns its Size×Size square; the
// full-size image is garbage as soon as it returns.
func (d *decoder) square(ctx context.Context, m *imageFile) (*imaging.Image, error) {
	n := int64(m.cfg.Width) * int64(m.cfg.Height)
	if err := d.budget.acquire(ctx, n); err != nil {
		return nil, err
	}
	defer d.budget.release(n)
	img, err := decodeImage(ctxReader{ctx, m.f}, m.path, m.cfg)
	if err != nil {
		return nil, err
	}
	return square(img, d.size), nil
}

// decodeConfig reads the header of a PNG or JPEG image and checks its size: an
// image is refused before any pixel memory is allocated when it is empty or holds
// more than maxPixels pixels, since the decoders allocate the whole image that the
// header claims (a 69-byte PNG can claim 65535×65535 at 16 bits: 34 GB). The error
// names path.
func decodeConfig(r io.Reader, path string, maxPixels int64) (image.Config, error) {
	cfg, _, err := image.DecodeConfig(r)
	switch {
	case err != nil:
		return cfg, describe(path, err)
	case cfg.Width <= 0 || cfg.Height <= 0:
		return cfg, fmt.Errorf("%s: empty image (%d×%d)", path, cfg.Width, cfg.Height)
	case int64(cfg.Width)*int64(cfg.Height) > maxPixels:
		return cfg, fmt.Errorf("%s: %d×%d is %d pixels, more than the limit of %d (data.max_pixels)",
			path, cfg.Width, cfg.Height, int64(cfg.Width)*int64(cfg.Height), maxPixels)
	}
	return cfg, nil
}

// decodeImage decodes the image whose header decodeConfig read as cfg, from its
// start. The error names path.
func decodeImage(r io.Reader, path string, cfg image.Config) (image.Image, error) {
	m, _, err := image.Decode(r)
	if err != nil {
		return nil, describe(path, err)
	}
	if s := m.Bounds().Size(); s.X != cfg.Width || s.Y != cfg.Height {
		// Never expected; checked so that the limit holds whatever a decoder does.
		return nil, fmt.Errorf("%s: decoded %d×%d, but its header says %d×%d", path, s.X, s.Y, cfg.Width, cfg.Height)
	}
	return m, nil
}

// describe names path in a decoding error and says what the common ones mean.
func describe(path string, err error) error {
	switch {
	case errors.Is(err, image.ErrFormat):
		return fmt.Errorf("%s: not a PNG or JPEG file (%w)", path, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%s: truncated image (%w)", path, err)
	}
	return fmt.Errorf("%s: %w", path, err)
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
