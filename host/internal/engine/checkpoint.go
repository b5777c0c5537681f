package engine

import (
	"encoding/json"
	"fmt"
	"maps"

	"dnw/host/internal/buildinfo"
	"dnw/host/internal/safetensors"
)

// Metadata keys of a dnw checkpoint; safetensors metadata maps strings to strings.
const (
	metaArch    = "dnw.arch"    // the architecture plugin id
	metaOptions = "dnw.options" // its options, as JSON
	metaVersion = "dnw.version" // the dnw that wrote the file
)

// Checkpoint is a model's parameters and what is needed to rebuild the model.
type Checkpoint struct {
	Params  map[string]safetensors.Tensor
	Arch    string
	Options map[string]any
	Version string            // dnw's version; filled in by Save
	Extra   map[string]string // more metadata (step, concept, …); keys must not start with "dnw."
}

// SaveCheckpoint writes c as a safetensors file, atomically. PyTorch users open it with
// safetensors.torch.load_file and find the architecture in its metadata.
func SaveCheckpoint(path string, c Checkpoint) error {
	opts, err := json.Marshal(c.Options)
	if err != nil {
		return fmt.Errorf("engine: checkpoint options: %w", err)
	}
	meta := map[string]string{}
	for k, v := range c.Extra {
		if len(k) >= 4 && k[:4] == "dnw." {
			return fmt.Errorf("engine: checkpoint metadata key %q is reserved", k)
		}
		meta[k] = v
	}
	meta[metaArch], meta[metaOptions], meta[metaVersion] = c.Arch, string(opts), buildinfo.Version
	return safetensors.WriteFile(path, safetensors.File{Tensors: c.Params, Metadata: meta})
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint.
func LoadCheckpoint(path string) (Checkpoint, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return Checkpoint{}, err
	}
	c := Checkpoint{Params: f.Tensors, Arch: f.Metadata[metaArch], Version: f.Metadata[metaVersion]}
	if c.Arch == "" {
		return Checkpoint{}, fmt.Errorf("engine: %s is not a dnw checkpoint (no %s metadata)", path, metaArch)
	}
	if err := json.Unmarshal([]byte(f.Metadata[metaOptions]), &c.Options); err != nil {
		return Checkpoint{}, fmt.Errorf("engine: %s: options: %w", path, err)
	}
	c.Extra = maps.Clone(f.Metadata)
	for _, k := range []string{metaArch, metaOptions, metaVersion} {
		delete(c.Extra, k)
	}
	return c, nil
}
