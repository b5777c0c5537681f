package imaging

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSceneIsDeterministic(t *testing.T) {
	a := Scene(rand.New(rand.NewPCG(3, 4)), 48)
	b := Scene(rand.New(rand.NewPCG(3, 4)), 48)
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("the same seed drew different scenes")
	}
	c := Scene(rand.New(rand.NewPCG(3, 5)), 48)
	if slices.Equal(a.Pix, c.Pix) {
		t.Error("different seeds drew the same scene")
	}
}

// TestScenesAreVaried: scenes keep to [-1, 1], have content (a spread of values, not
// one flat colour), differ from each other, and SceneTo overwrites a reused image
// completely (drawing into a used image gives what a fresh one gets).
func TestScenesAreVaried(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	reused := New(40, 56)
	var means []float64
	for range 200 {
		state := rng.Uint64()
		SceneTo(reused, rand.New(rand.NewPCG(state, 1)))
		fresh := New(40, 56)
		SceneTo(fresh, rand.New(rand.NewPCG(state, 1)))
		if !slices.Equal(reused.Pix, fresh.Pix) {
			t.Fatal("SceneTo into a used image differs from a fresh one")
		}
		var sum, sq float64
		for _, v := range fresh.Pix {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("scene value %v", v)
			}
			sum += float64(v)
			sq += float64(v) * float64(v)
		}
		n := float64(len(fresh.Pix))
		mean := sum / n
		if sd := math.Sqrt(sq/n - mean*mean); sd < 0.05 {
			t.Errorf("a scene with standard deviation %.3f: nearly flat", sd)
		}
		means = append(means, mean)
	}
	slices.Sort(means)
	if spread := means[len(means)*9/10] - means[len(means)/10]; spread < 0.3 {
		t.Errorf("scene means between the 10th and 90th percentile span only %.3f", spread)
	}
}

// TestShapesCover: the distance functions put the shapes where they belong: a pixel
// at an ellipse's, box's, triangle's centre is painted, one far outside is not, and a
// ring leaves its middle alone.
func TestShapesCover(t *testing.T) {
	for _, c := range []struct {
		name    string
		s       shape
		in, out [2]int
	}{
		{"ellipse", ellipse(16, 16, 8, 4, 0.3), [2]int{15, 15}, [2]int{2, 2}},
		{"box", box(16, 16, 6, 3, 1), [2]int{15, 15}, [2]int{2, 30}},
		{"triangle", triangle(4, 4, 28, 6, 10, 28), [2]int{13, 12}, [2]int{28, 28}},
		{"triangle, other winding", triangle(4, 4, 10, 28, 28, 6), [2]int{13, 12}, [2]int{28, 28}},
		{"ring", ring(16, 16, 10, 3), [2]int{25, 15}, [2]int{15, 15}},
	} {
		m := New(32, 32)
		for i := range m.Pix {
			m.Pix[i] = -1
		}
		fill(m, c.s, flat(1, 1, 1))
		if v := m.At(0, c.in[0], c.in[1]); v != 1 {
			t.Errorf("%s: inside pixel %v is %v", c.name, c.in, v)
		}
		if v := m.At(0, c.out[0], c.out[1]); v != -1 {
			t.Errorf("%s: outside pixel %v is %v", c.name, c.out, v)
		}
	}
}
