package pipeline

import (
	"context"
	"fmt"

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
	model, err := plugin.(sdk.Architecture).Build(ctx, sdk.ArchRequest{ImageSize: env.Config.Data.ImageSize, Channels: 3, Options: opts})
	if err != nil {
		return ir.Model{}, nil, fmt.Errorf("%s: %w", env.Config.Model.Arch, err)
	}
	return model, opts, model.Validate()
}

// placeLoRA asks the experiment's placement plugin (lora.placement) where LoRA goes
// in the generator. The experiment's lora.rank and lora.alpha then apply to every
// placed layer: they are the keys the paper's ablations vary.
func placeLoRA(ctx context.Context, env *stage.Env, g ir.Graph) (sdk.Placement, error) {
	plugin, opts, err := env.Plugin(ctx, "lora.placement")
	if err != nil {
		return sdk.Placement{}, err
	}
	p, err := plugin.(sdk.LoRAPlacement).Place(ctx, g, opts)
	if err != nil {
		return sdk.Placement{}, fmt.Errorf("%s: %w", env.Config.LoRA.Placement, err)
	}
	for i := range p.Layers {
		p.Layers[i].Rank, p.Layers[i].Alpha = env.Config.LoRA.Rank, env.Config.LoRA.Alpha
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
