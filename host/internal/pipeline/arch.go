package pipeline

import (
	"context"
	"fmt"

	"dnw/host/internal/config"
	"dnw/host/internal/stage"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// buildArch asks the experiment's architecture plugin (model.arch) for the generator
// and discriminator at data.image_size, with the experiment's options for it.
func buildArch(ctx context.Context, env *stage.Env) (ir.Model, sdk.Options, error) {
	plugin, opts, err := env.Plugin(ctx, "model.arch")
	if err != nil {
		return ir.Model{}, nil, err
	}
	model, err := buildModel(ctx, env.Config.Model.Arch, plugin.(sdk.Architecture), env.Config.Data.ImageSize, opts)
	return model, opts, err
}

// buildModel asks the architecture plugin id for its model at imageSize and checks the
// IR it returned. Errors name the plugin: an invalid IR is its author's to fix.
func buildModel(ctx context.Context, id string, arch sdk.Architecture, imageSize int, opts sdk.Options) (ir.Model, error) {
	model, err := arch.Build(ctx, sdk.ArchRequest{ImageSize: imageSize, Channels: 3, Options: opts})
	if err != nil {
		return ir.Model{}, fmt.Errorf("%s: %w", id, err)
	}
	if err := model.Validate(); err != nil {
		return ir.Model{}, fmt.Errorf("%s returned an invalid model: %w", id, err)
	}
	return model, nil
}

// placeLoRA asks the experiment's placement plugin (lora.placement) where LoRA goes
// in the generator.
func placeLoRA(ctx context.Context, env *stage.Env, g ir.Graph) (sdk.Placement, error) {
	plugin, opts, err := env.Plugin(ctx, "lora.placement")
	if err != nil {
		return sdk.Placement{}, err
	}
	return place(ctx, env.Config, plugin.(sdk.LoRAPlacement), g, opts)
}

// place asks the placement plugin of c (lora.placement) where LoRA goes in g. The
// experiment's lora.rank and lora.alpha then apply to every placed layer: they are
// the keys the paper's ablations vary.
func place(ctx context.Context, c *config.Config, pl sdk.LoRAPlacement, g ir.Graph, opts sdk.Options) (sdk.Placement, error) {
	p, err := pl.Place(ctx, g, opts)
	if err != nil { // the plugin host's errors name the plugin
		return sdk.Placement{}, fmt.Errorf("LoRA on the %s of %s: %w", g.Name, c.Model.Arch, err)
	}
	for i := range p.Layers {
		p.Layers[i].Rank, p.Layers[i].Alpha = c.LoRA.Rank, c.LoRA.Alpha
	}
	return p, nil
}

// loraModel is buildArch and placeLoRA together: the architecture and where the
// experiment's LoRA goes in its generator, as every stage after base needs them.
func loraModel(ctx context.Context, env *stage.Env) (ir.Model, sdk.Placement, error) {
	model, _, err := buildArch(ctx, env)
	if err != nil {
		return ir.Model{}, sdk.Placement{}, err
	}
	placement, err := placeLoRA(ctx, env, model.Generator)
	return model, placement, err
}
