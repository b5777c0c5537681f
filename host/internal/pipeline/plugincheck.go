package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"dnw/host/internal/lora"
	"dnw/host/internal/stage"
	"dnw/sdk"
	"dnw/sdk/ir"
)

// pluginCheckStage calls every plugin the experiment names, chained the way the
// paper's stages chain them: build the architecture, place LoRA on its generator, lay
// out the LoRA vector in chunks (and check that flattening round-trips exactly),
// compute the noise schedule, embed the experiment's prompt. It writes what they
// returned to plugins.json, so a self-test run shows that an experiment's plugins work
// together.
var pluginCheckStage = stage.Stage{
	Name: "plugins", Doc: "call every plugin the experiment names, chained as the paper's stages chain them",
	Keys: []string{"data.image_size", "model.options", "lora.options", "weightgen.chunk_size",
		"weightgen.timesteps", "weightgen.options", "experiment.name", "experiment.description"},
	Plugins: []string{"model.arch", "lora.placement", "weightgen.chunker", "weightgen.schedule", "weightgen.text_encoder"},
	Outputs: []string{"plugins.json"},
	Run:     runPluginCheck,
}

// PluginCheck is plugins.json: what the experiment's plugins returned.
type PluginCheck struct {
	GeneratorParams     int     `json:"generator_params"`
	DiscriminatorParams int     `json:"discriminator_params"`
	LoRALayers          int     `json:"lora_layers"`
	LoRATensors         int     `json:"lora_tensors"`
	LoRAWeights         int     `json:"lora_weights"`
	Chunks              int     `json:"chunks"`
	ChunkGroups         int     `json:"chunk_groups"`
	AlphaBarFirst       float64 `json:"alpha_bar_first"`
	AlphaBarLast        float64 `json:"alpha_bar_last"`
	EmbeddingDim        int     `json:"embedding_dim"`
}

func runPluginCheck(ctx context.Context, env *stage.Env) error {
	c := env.Config
	var out PluginCheck
	bar := env.Progress(5, "plugins", 0)
	var spent time.Duration
	// call runs one plugin call, timing it: the share of stage time spent at the plugin
	// boundary is logged at the end.
	call := func(key string, f func(p sdk.Plugin, opts sdk.Options) error) error {
		p, opts, err := env.Plugin(ctx, key)
		if err != nil {
			return err
		}
		start := time.Now()
		err = f(p, opts)
		spent += time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		bar.Add(1)
		return nil
	}
	started := time.Now()

	var model ir.Model
	err := call("model.arch", func(p sdk.Plugin, opts sdk.Options) (err error) {
		model, err = buildModel(ctx, c.Model.Arch, p.(sdk.Architecture), c.Data.ImageSize, opts)
		return err
	})
	if err != nil {
		return err
	}
	out.GeneratorParams, out.DiscriminatorParams = model.Generator.NumParams(), model.Discriminator.NumParams()

	var params []sdk.Param
	err = call("lora.placement", func(p sdk.Plugin, opts sdk.Options) error {
		placed, err := p.(sdk.LoRAPlacement).Place(ctx, model.Generator, opts)
		if err != nil {
			return err
		}
		out.LoRALayers = len(placed.Layers)
		params, err = lora.Params(model.Generator, placed)
		return err
	})
	if err != nil {
		return err
	}
	out.LoRATensors, out.LoRAWeights = len(params), lora.Size(params)

	err = call("weightgen.chunker", func(p sdk.Plugin, opts sdk.Options) error {
		layout, err := p.(sdk.Chunker).Layout(ctx, params, c.Weightgen.ChunkSize, opts)
		if err != nil {
			return err
		}
		if err := layout.Validate(params); err != nil {
			return err
		}
		out.Chunks, out.ChunkGroups = len(layout.Chunks), len(layout.Groups)
		return roundTrip(layout, params, rand.New(env.Source("round-trip")))
	})
	if err != nil {
		return err
	}

	err = call("weightgen.schedule", func(p sdk.Plugin, opts sdk.Options) error {
		t, err := p.(sdk.NoiseSchedule).Tables(ctx, c.Weightgen.Timesteps, opts)
		if err != nil {
			return err
		}
		if len(t.AlphaBar) != c.Weightgen.Timesteps {
			return fmt.Errorf("%d table entries for %d timesteps", len(t.AlphaBar), c.Weightgen.Timesteps)
		}
		out.AlphaBarFirst, out.AlphaBarLast = t.AlphaBar[0], t.AlphaBar[len(t.AlphaBar)-1]
		return nil
	})
	if err != nil {
		return err
	}

	err = call("weightgen.text_encoder", func(p sdk.Plugin, opts sdk.Options) error {
		prompt := c.Experiment.Name + " " + c.Experiment.Description
		e, err := p.(sdk.TextEncoder).Encode(ctx, []string{prompt}, opts)
		if err != nil {
			return err
		}
		if len(e.Data) != e.Dim {
			return fmt.Errorf("%d values for one prompt of dim %d", len(e.Data), e.Dim)
		}
		out.EmbeddingDim = e.Dim
		return nil
	})
	if err != nil {
		return err
	}

	env.Log.Info("plugins work together", "lora_weights", out.LoRAWeights, "chunks", out.Chunks,
		"plugin_seconds", fmt.Sprintf("%.3f", spent.Seconds()), "stage_seconds", fmt.Sprintf("%.3f", time.Since(started).Seconds()))
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return env.WriteFile("plugins.json", append(data, '\n'))
}

// roundTrip flattens a random LoRA vector into chunks and back, and fails unless every
// weight comes back exactly.
func roundTrip(layout sdk.ChunkLayout, params []sdk.Param, rng *rand.Rand) error {
	vec := make([][]float32, len(params))
	for i, p := range params {
		vec[i] = make([]float32, p.Size())
		for j := range vec[i] {
			vec[i][j] = float32(rng.NormFloat64())
		}
	}
	chunks := make([]float32, layout.Len())
	layout.Flatten(chunks, vec)
	back := make([][]float32, len(params))
	for i, p := range params {
		back[i] = make([]float32, p.Size())
	}
	layout.Unflatten(back, chunks)
	for i := range vec {
		if !slices.Equal(vec[i], back[i]) {
			return fmt.Errorf("chunk layout does not round-trip parameter %s", params[i].Name)
		}
	}
	return nil
}
