package imaging

import "testing"

func TestGoRoundTrip(t *testing.T) {
	m := New(2, 3)
	for i := range m.Pix {
		m.Pix[i] = float32(i%11)/5 - 1
	}
	back := FromGo(m.ToGo())
	for i := range m.Pix {
		if d := back.Pix[i] - m.Pix[i]; d > 1.0/255+1e-6 || d < -1.0/255-1e-6 { // half a step of 2/255
			t.Fatalf("value %d: %v after a round trip through 8 bits, was %v", i, back.Pix[i], m.Pix[i])
		}
	}
	if err := m.CheckSize(2, 3); err != nil {
		t.Error(err)
	}
	if err := m.CheckSize(3, 3); err == nil {
		t.Error("wrong size accepted")
	}
}
