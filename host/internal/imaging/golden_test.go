package imaging

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// goldenHash is the FNV-1a hash of the float bits of 20 scenes (64×64, seed 2024) and
// of every edit, at 0.7 of its parameters' ranges, applied to each of them. It pins
// the exact pixels the data stage produces, so runs stay reproducible across versions.
// Changing the scene generator or any edit changes it ON PURPOSE: check the contact
// sheet (TestContactSheet), then paste the new value printed by the failure here.
const goldenHash = 0x532f008301f4741

func TestGoldenHash(t *testing.T) {
	// Go may fuse a·b + c into one rounding on arm64, ppc64 and s390x, and math has
	// assembly on some architectures, so the last bits differ there; the value is
	// pinned on amd64, the machines dnw runs its data stage on.
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden hash pinned on amd64, not %s", runtime.GOARCH)
	}
	h := fnv.New64a()
	write := func(m *Image) {
		var buf [4]byte
		for _, v := range m.Pix {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			h.Write(buf[:])
		}
	}
	rng := rand.New(rand.NewPCG(2024, 0))
	for range 20 {
		src := Scene(rng, 64)
		write(src)
		for _, s := range Specs() {
			out, err := Apply(src, []Step{stepAt(s, 0.7)})
			if err != nil {
				t.Fatal(err)
			}
			write(out)
		}
	}
	if got := h.Sum64(); got != goldenHash {
		t.Errorf("hash of scenes and edits is %#x, want %#x; if the change was meant, paste it into goldenHash", got, uint64(goldenHash))
	}
}
