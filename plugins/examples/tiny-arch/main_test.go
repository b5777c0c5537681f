package main

import (
	"context"
	"slices"
	"testing"

	"dnw/sdk"
	"dnw/sdk/sdktest"
)

// Conformance checks what the host relies on from every architecture: the Info and
// its options, the graph contract, determinism; through the same gRPC adapters.
func TestConformance(t *testing.T) { sdktest.Conformance(t, Tiny{}) }

// The plugin's own test: shapes at a non-default width, and an option out of reach.
func TestShapes(t *testing.T) {
	a := sdktest.Connect(t, Tiny{}).(sdk.Architecture)
	ctx := context.Background()
	m, err := a.Build(ctx, sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: sdk.Options{"width": int64(32)}})
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := m.Generator.Node("transformer.q"); !slices.Equal(q.Shape, []int{16 * 16, 64}) {
		t.Errorf("attention tokens %v, want (256, 64)", q.Shape)
	}
	if out, _ := m.Discriminator.Node("logits"); !slices.Equal(out.Shape, []int{1, 16, 16}) {
		t.Errorf("logits %v, want (1, 16, 16)", out.Shape)
	}
	_, err = a.Build(ctx, sdk.ArchRequest{ImageSize: 64, Channels: 3, Options: sdk.Options{"width": int64(12)}})
	if err == nil {
		t.Error("width 12 accepted; the group norms need a multiple of 8")
	}
}
