package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dnw/host/internal/safetensors"
	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// crossCheckScript is bench/torch/crosscheck.py, from this package's directory.
const crossCheckScript = "../../../bench/torch/crosscheck.py"

// Tolerances of the cross-check, float32 on both sides with different summation
// orders: measured distances are ≤ 4e-6 (docs/benchmarks.md), and a later step's
// losses follow Adam's first updates, about lr·sign(gradient), which amplify the
// rounding of gradients near zero, so crossCheckTol leaves a margin of 25.
// Some gradients are zero in exact arithmetic (the attention's key bias: softmax
// ignores a shift shared by every key) and only rounding on either side, ~1e-9;
// zeroFloor is the root mean square below which a difference counts as zero.
const (
	crossCheckTol = 1e-4 // relative, each loss and gradient tensor (‖a−b‖/‖b‖)
	zeroFloor     = 1e-7 // absolute, per element (root mean square of a − b)
)

// TestLossesAndGradientsAgreeWithPyTorch runs the GAN step (gan.go) and PyTorch's
// reading of it (bench/torch/gan_step.py through crosscheck.py) from the same weights
// on the same batch: three steps' losses and the first step's gradients of every
// generator and discriminator parameter must agree. It covers three architectures
// and both losses: E2GAN with group norm and attention, E2GAN with batch norm, and
// the pix2pix U-Net with instance norm (its dropout off: the masks come from
// different streams). It needs Debian's python3-torch (make test installs it); it
// skips without it unless DNW_REQUIRE_TORCH is set.
func TestLossesAndGradientsAgreeWithPyTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PyTorch")
	}
	python := torchPython(t)
	cases := []struct {
		name, loss string
		build      func() (ir.Model, error)
	}{
		{"e2gan-group", "lsgan", func() (ir.Model, error) {
			return e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
				Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8)}})
		}},
		{"e2gan-batch", "bce", func() (ir.Model, error) {
			return e2gan.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
				Options: sdk.Options{"width": int64(8), "res_blocks": int64(1), "heads": int64(2), "disc_width": int64(8), "norm": "batch"}})
		}},
		{"unet-instance", "lsgan", func() (ir.Model, error) {
			return pix2pixunet.New().Build(context.Background(), sdk.ArchRequest{ImageSize: 16, Channels: 3,
				Options: sdk.Options{"width": int64(8), "norm": "instance", "disc_width": int64(8), "disc_layers": int64(2)}})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			model, err := c.build()
			if err != nil {
				t.Fatal(err)
			}
			withoutDropout(&model)
			ours, in := dnwSteps(t, model, c.loss)
			theirs := torchSteps(t, python, model, c.loss, in)
			compareCrossCheck(t, ours, theirs)
		})
	}
}

// crossCheckSteps is how many steps the cross-check runs.
const crossCheckSteps = 3

// dnwSteps runs crossCheckSteps GAN steps on one batch and returns their losses as
// loss/<step>/<name> and the first step's gradients as grad/gen|disc/<param>, plus
// the input crosscheck.py needs: the initial weights and the batch.
func dnwSteps(t *testing.T, model ir.Model, loss string) (out, in map[string]safetensors.Tensor) {
	t.Helper()
	const batch = 2
	g, err := NewGAN(model, nil, GANConfig{Loss: loss, LambdaL1: 100, LR: 2e-4, Batch: batch}, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	in = map[string]safetensors.Tensor{}
	for prefix, m := range map[string]*Model{"gen/": g.Gen, "disc/": g.Disc} {
		for name, n := range m.Params {
			in[prefix+name] = safetensors.Tensor{Shape: ints(n.Shape()), Data: clone(n.Value().Data().([]float32))}
		}
	}
	shape := append([]int{batch}, model.Generator.Inputs[0].Shape...)
	rng := rand.New(rand.NewPCG(3, 4))
	src, tgt := make([]float32, batch*3*16*16), make([]float32, batch*3*16*16)
	for i := range src {
		src[i] = float32(rng.Float64()*2 - 1)
		tgt[i] = float32(0.6*rng.Float64() - 0.5*float64(src[i]))
	}
	in["source"] = safetensors.Tensor{Shape: shape, Data: src}
	in["target"] = safetensors.Tensor{Shape: shape, Data: tgt}

	out = map[string]safetensors.Tensor{}
	for step := range crossCheckSteps {
		l, err := g.Step(src, tgt)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]float32{"L1": l.L1, "GenAdv": l.GenAdv, "Disc": l.Disc} {
			out[fmt.Sprintf("loss/%d/%s", step, name)] = safetensors.Tensor{Shape: []int{1}, Data: []float32{v}}
		}
		if step > 0 {
			continue
		}
		// After Adam's first step its first moment is (1 − β1)·gradient, exactly
		// (β1 = 0.5): the gradients without a hook in the step.
		for prefix, opt := range map[string]*Adam{"grad/gen/": g.genOpt, "grad/disc/": g.discOpt} {
			m := map[string]*Model{"grad/gen/": g.Gen, "grad/disc/": g.Disc}[prefix]
			for name, n := range m.Params {
				grad := clone(opt.moments[n][0])
				for i := range grad {
					grad[i] /= float32(1 - opt.Beta1)
				}
				out[prefix+name] = safetensors.Tensor{Shape: ints(n.Shape()), Data: grad}
			}
		}
	}
	return out, in
}

// torchSteps runs crosscheck.py on the same model, weights and batch.
func torchSteps(t *testing.T, python string, model ir.Model, loss string, in map[string]safetensors.Tensor) map[string]safetensors.Tensor {
	t.Helper()
	dir := t.TempDir()
	js, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	irPath, inPath, outPath := filepath.Join(dir, "model.json"), filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := os.WriteFile(irPath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := safetensors.WriteFile(inPath, safetensors.File{Tensors: in}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, crossCheckScript, "--ir", irPath, "--in", inPath, "--out", outPath,
		"--steps", fmt.Sprint(crossCheckSteps), "--loss", loss)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", crossCheckScript, err, msg)
	}
	f, err := safetensors.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	return f.Tensors
}

// compareCrossCheck checks every tensor of ours against theirs: the same names, the
// values within crossCheckTol.
func compareCrossCheck(t *testing.T, ours, theirs map[string]safetensors.Tensor) {
	t.Helper()
	if len(ours) != len(theirs) {
		t.Errorf("dnw gave %d tensors, PyTorch %d", len(ours), len(theirs))
	}
	worst := map[bool]float64{}
	for name, a := range ours {
		b, ok := theirs[name]
		if !ok {
			t.Errorf("%s: missing from PyTorch's output", name)
			continue
		}
		first := strings.HasPrefix(name, "grad/") || strings.HasPrefix(name, "loss/0/")
		d := relativeDistance(a.Data, b.Data)
		if rms := rmsDifference(a.Data, b.Data); rms <= zeroFloor {
			d = 0 // both zero but for rounding
		}
		worst[first] = math.Max(worst[first], d)
		if !(d <= crossCheckTol) {
			t.Errorf("%s: relative distance %.3g (dnw %v, PyTorch %v), want ≤ %g", name, d, head(a.Data), head(b.Data), crossCheckTol)
		}
	}
	t.Logf("worst relative distance: first step %.2g, later losses %.2g (%d tensors)", worst[true], worst[false], len(ours))
}

// relativeDistance is ‖a − b‖/‖b‖ (‖a − b‖ when b is zero); NaN or Inf anywhere makes it
// NaN, which no tolerance accepts.
func relativeDistance(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	var diff, norm float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return math.NaN()
		}
		diff += (x - y) * (x - y)
		norm += y * y
	}
	if norm == 0 {
		return math.Sqrt(diff)
	}
	return math.Sqrt(diff / norm)
}

// rmsDifference is the root mean square of a − b (NaN when the lengths differ or a
// value is not finite).
func rmsDifference(a, b []float32) float64 {
	var sum float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		sum += d * d
	}
	if len(a) != len(b) || len(a) == 0 {
		return math.NaN()
	}
	return math.Sqrt(sum / float64(len(a)))
}

// withoutDropout sets every dropout node's rate to 0 in both graphs.
func withoutDropout(m *ir.Model) {
	for _, g := range []*ir.Graph{&m.Generator, &m.Discriminator} {
		for i := range g.Nodes {
			if g.Nodes[i].Op == ir.OpDropout {
				g.Nodes[i].Attrs.Rate = 0
			}
		}
	}
}

// torchPython is Debian's python3 when it imports torch; the test skips without it
// unless DNW_REQUIRE_TORCH is set (make test sets it after installing python3-torch).
func torchPython(t *testing.T) string {
	t.Helper()
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		if os.Getenv("DNW_REQUIRE_TORCH") != "" {
			t.Fatalf("%s cannot import torch (%v): make test installs Debian's python3-torch", python, err)
		}
		t.Skipf("%s cannot import torch (%v); Debian's python3-torch provides it", python, err)
	}
	return python
}

func ints(s []int) []int { return append([]int(nil), s...) }

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

func head(x []float32) []float32 { return x[:min(len(x), 4)] }
