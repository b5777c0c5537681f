package weightgen

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"dnw/host/internal/buildinfo"
	"dnw/host/internal/safetensors"
	"dnw/sdk"
)

// Saved is a trained weight generator as stage weightgen writes it
// (denoiser.safetensors) and dnw predict reads it: everything needed to predict a
// LoRA from a prompt embedding, with no plugin but the text encoder.
type Saved struct {
	Spec    Spec
	Codec   *Codec
	Tables  sdk.ScheduleTables
	Weights map[string]safetensors.Tensor // the denoiser's (averaged) parameters, by IR name
	Info    Info
}

// Info records what the generator was made with and how it predicts by default.
type Info struct {
	TextEncoder string      `json:"text_encoder"` // plugin id; dnw predict embeds prompts with it
	TextOptions sdk.Options `json:"text_options,omitempty"`
	Schedule    string      `json:"schedule"` // plugin id, for the record: the tables are saved
	Sampler     string      `json:"sampler"`  // "one-step" or "ddim"
	TStar       int         `json:"t_star"`
	Guidance    float64     `json:"guidance"` // classifier-free guidance scale (Predictor.Guidance); files from before it read as 1
	DDIMSteps   int         `json:"ddim_steps"`
	Arch        string      `json:"arch"`
	Placement   string      `json:"placement"`
	Steps       int         `json:"steps"`
	FinalLoss   float64     `json:"final_loss"`
	// DrawsPerPair is how often training showed each (concept, chunk) pair
	// (DrawsPerPair; files from before it read as 0).
	DrawsPerPair float64 `json:"draws_per_pair,omitempty"`
}

// Tensor names of the codec and the schedule in the file; IR parameter names cannot
// contain '/', so they never clash with the denoiser's.
const (
	tensorMean  = "weightgen/mean"
	tensorScale = "weightgen/scale"
	tensorAlpha = "weightgen/alpha"
	tensorSigma = "weightgen/sigma"
)

// Save writes s as one safetensors file: the denoiser's parameters, the codec's and
// the schedule's tables as tensors, the spec, layout, parameters and Info as JSON
// metadata.
func (s Saved) Save(path string) error {
	f := safetensors.File{Tensors: maps.Clone(s.Weights), Metadata: map[string]string{"dnw.version": buildinfo.Version}}
	f.Tensors[tensorMean] = safetensors.Tensor{Shape: []int{len(s.Codec.Mean)}, Data: s.Codec.Mean}
	f.Tensors[tensorScale] = safetensors.Tensor{Shape: []int{len(s.Codec.Scale)}, Data: s.Codec.Scale}
	f.Tensors[tensorAlpha] = safetensors.Tensor{Shape: []int{len(s.Tables.Alpha)}, Data: float32s(s.Tables.Alpha)}
	f.Tensors[tensorSigma] = safetensors.Tensor{Shape: []int{len(s.Tables.Sigma)}, Data: float32s(s.Tables.Sigma)}
	for key, v := range map[string]any{"dnw.spec": s.Spec, "dnw.layout": s.Codec.Layout, "dnw.params": s.Codec.Params, "dnw.weightgen": s.Info} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		f.Metadata[key] = string(b)
	}
	return safetensors.WriteFile(path, f)
}

// Load reads a file Save wrote.
func Load(path string) (Saved, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return Saved{}, err
	}
	s := Saved{Codec: &Codec{}, Weights: map[string]safetensors.Tensor{}, Info: Info{Guidance: 1}}
	for key, v := range map[string]any{"dnw.spec": &s.Spec, "dnw.layout": &s.Codec.Layout, "dnw.params": &s.Codec.Params, "dnw.weightgen": &s.Info} {
		text, ok := f.Metadata[key]
		if !ok {
			return Saved{}, fmt.Errorf("%s: no %s metadata: not a weight generator written by dnw", path, key)
		}
		if err := json.Unmarshal([]byte(text), v); err != nil {
			return Saved{}, fmt.Errorf("%s: %s: %w", path, key, err)
		}
	}
	for name, t := range f.Tensors {
		if !strings.HasPrefix(name, "weightgen/") {
			s.Weights[name] = t
		}
	}
	need := func(name string) ([]float32, error) {
		t, ok := f.Tensors[name]
		if !ok {
			return nil, fmt.Errorf("%s: no tensor %s", path, name)
		}
		return t.Data, nil
	}
	var alpha, sigma []float32
	for name, dst := range map[string]*[]float32{tensorMean: &s.Codec.Mean, tensorScale: &s.Codec.Scale, tensorAlpha: &alpha, tensorSigma: &sigma} {
		if *dst, err = need(name); err != nil {
			return Saved{}, err
		}
	}
	s.Tables = sdk.ScheduleTables{Alpha: float64s(alpha), Sigma: float64s(sigma)}
	if err := s.Codec.Layout.Validate(s.Codec.Params); err != nil {
		return Saved{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
