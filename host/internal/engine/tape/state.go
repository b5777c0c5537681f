package tape

import (
	"fmt"
	"maps"
	"slices"

	"dnw/host/internal/safetensors"
)

// Tensors returns copies of the model's state under engine.Model.Tensors' names:
// base parameters by IR name, LoRA tensors by theirs, and each batch_norm layer's
// running statistics as NODE.running_mean and NODE.running_var. It waits for the
// queued work.
func (m *Model) Tensors() map[string]safetensors.Tensor {
	ts := map[string]safetensors.Tensor{}
	for name, t := range m.tensors() {
		ts[name] = safetensors.Tensor{Shape: slices.Clone(t.Shape), Data: download(m.prog.be, t.Data)}
	}
	return ts
}

// Load sets the model's state from tensors named as Tensors names them, with
// engine.Model.Load's checks: every tensor of the model with its shape and nothing
// else, except that a LoRA model may load a base checkpoint (its LoRA tensors keep
// their values).
func (m *Model) Load(ts map[string]safetensors.Tensor) error {
	want := m.tensors()
	shapes, lora := map[string][]int{}, map[string]bool{}
	for name, t := range want {
		shapes[name] = t.Shape
		_, lora[name] = m.LoRA[name]
	}
	if err := CheckState(shapes, lora, ts); err != nil {
		return err
	}
	for name, t := range want {
		if v, ok := ts[name]; ok {
			m.prog.be.Upload(t.Data, v.Data)
		}
	}
	return nil
}

// CheckState checks tensors a model is to load against the shapes of the model's
// (both engines' Model.Load): every tensor of the model with its shape, and nothing
// else, except that the optional ones (a LoRA model's adapters, when it loads a
// base checkpoint) may be absent. The error names the first difference.
func CheckState(want map[string][]int, optional map[string]bool, ts map[string]safetensors.Tensor) error {
	for _, name := range slices.Sorted(maps.Keys(ts)) {
		if _, ok := want[name]; !ok {
			return fmt.Errorf("engine: tensor %s is not part of this model", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		t, ok := ts[name]
		if !ok && optional[name] {
			continue
		}
		if !ok {
			return fmt.Errorf("engine: tensor %s is missing", name)
		}
		if !slices.Equal(t.Shape, want[name]) || len(t.Data) != size(want[name]) {
			return fmt.Errorf("engine: tensor %s has shape %v, the model's is %v", name, t.Shape, want[name])
		}
	}
	return nil
}

// tensors maps every name Tensors returns to the model's tensor.
func (m *Model) tensors() map[string]*Tensor {
	out := map[string]*Tensor{}
	maps.Copy(out, m.Params)
	maps.Copy(out, m.LoRA)
	for name, st := range m.BatchNorm {
		out[name+".running_mean"], out[name+".running_var"] = st.Mean, st.Var
	}
	return out
}
