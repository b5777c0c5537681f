package conceptdirs

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
)

// HostilePNG is the 69-byte PNG of issue 19: its header claims 65535×65535 RGBA at
// 16 bits (34 GB decoded), followed by 12 bytes of image data and the end.
func HostilePNG() []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 65535)
	binary.BigEndian.PutUint32(ihdr[4:], 65535)
	ihdr[8], ihdr[9] = 16, 6 // bit depth, colour type RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x62, 0xa0, 3, 0, 4, 0, 0, 0xff, 0xff, 0})...)
	return append(out, pngChunk("IEND", nil)...)
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(append(out, typ...), data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

func encoded(t testing.TB, m image.Image, asJPEG bool) []byte {
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, m, nil)
	} else {
		err = png.Encode(&b, m)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzDecode feeds the image decoders arbitrary bytes through decodeConfig,
// decodeImage and square, as Load does: none may panic or allocate for more than
// maxPixels pixels, every error names the file, and every image that decodes is
// the size its header claimed and converts to values in [-1, 1]. Plain `go test`
// runs the seeds; `go test -fuzz FuzzDecode` explores.
func FuzzDecode(f *testing.F) {
	const maxPixels = 1 << 16
	rgba := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 17)
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 2, 2))
	deep.SetRGBA64(1, 1, color.RGBA64{65535, 0, 1234, 65535})
	pal := image.NewPaletted(image.Rect(0, 0, 4, 1), color.Palette{color.Black, color.White})
	pal.Pix[2] = 1
	good := encoded(f, rgba, false)
	for _, seed := range [][]byte{
		good,
		encoded(f, deep, false),
		encoded(f, pal, false),
		encoded(f, rgba, true),
		encoded(f, image.NewGray(image.Rect(0, 0, 300, 300)), true), // over maxPixels
		HostilePNG(),
		good[:len(good)/2], // truncated
		good[:8],           // the signature alone
		[]byte("not an image"),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "A/0001.png"
		named := func(err error) {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Errorf("error does not name the file: %v", err)
			}
		}
		cfg, err := decodeConfig(bytes.NewReader(data), path, maxPixels)
		if err != nil {
			named(err)
			return
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
			t.Fatalf("decodeConfig accepted %d×%d", cfg.Width, cfg.Height)
		}
		m, err := decodeImage(bytes.NewReader(data), path, cfg)
		if err != nil {
			named(err)
			return
		}
		if s := m.Bounds().Size(); s.X != cfg.Width || s.Y != cfg.Height {
			t.Fatalf("decoded %v, header said %d×%d", s, cfg.Width, cfg.Height)
		}
		for _, v := range square(m, 4).Pix {
			if math.IsNaN(float64(v)) || v < -1 || v > 1 {
				t.Fatalf("pixel value %v outside [-1, 1]", v)
			}
		}
	})
}

func TestHostilePNGIs69Bytes(t *testing.T) {
	data := HostilePNG()
	if len(data) != 69 {
		t.Errorf("%d bytes, want 69", len(data))
	}
	// The header is valid: it is the size, not the format, that must be refused.
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 65535 || cfg.Height != 65535 {
		t.Errorf("DecodeConfig = %+v, %v", cfg, err)
	}
}
