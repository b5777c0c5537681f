package pipeline

import (
	"context"
	"testing"

	"dnw/plugins/arch/e2gan"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// wrongWeight is arch.e2gan with one mistake in the IR it returns: the first
// convolution's weight has twice the output channels the node declares.
type wrongWeight struct{ *e2gan.E2GAN }

func (a wrongWeight) Build(ctx context.Context, req sdk.ArchRequest) (ir.Model, error) {
	m, err := a.E2GAN.Build(ctx, req)
	for i, p := range m.Generator.Params {
		if p.Name == "down1.weight" {
			m.Generator.Params[i].Shape = append([]int{2 * p.Shape[0]}, p.Shape[1:]...)
		}
	}
	return m, err
}

// An invalid IR is reported with the plugin that returned it, and the shape the
// weight should have comes from the channels the node declares (64 at the default
// width), not from the wrong weight.
func TestBuildModelNamesThePluginOfAnInvalidIR(t *testing.T) {
	_, err := buildModel(context.Background(), "arch.wrong", wrongWeight{e2gan.New()}, 16, nil)
	want := "arch.wrong returned an invalid model: ir: graph generator: node down1: conv2d: weight has shape [128 32 3 3], " +
		"want [64 32 3 3]: F = 64, the output features of the node's declared shape [64 8 8]"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
