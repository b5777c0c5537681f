package plugins_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dnw/plugins/arch/e2gan"
	pix2pixunet "dnw/plugins/arch/pix2pix-unet"
	"dnw/plugins/chunk/global"
	perlayer "dnw/plugins/chunk/per-layer"
	pertensor "dnw/plugins/chunk/per-tensor"
	allconv "dnw/plugins/lora/all-conv"
	attentiononly "dnw/plugins/lora/attention-only"
	e2ganpaper "dnw/plugins/lora/e2gan-paper"
	"dnw/plugins/schedule/cosine"
	"dnw/plugins/schedule/linear"
	scaledlinear "dnw/plugins/schedule/scaled-linear"
	"dnw/plugins/schedule/sigmoid"
	"dnw/plugins/text/hashgram"
	"dnw/plugins/text/minilm"
	"dnw/sdk"
	"dnw/sdk/sdktest"
)

// bundled are the plugins of this folder, by the package folder that holds each.
var bundled = map[string]sdk.Plugin{
	"arch/e2gan":             e2gan.New(),
	"arch/pix2pix-unet":      pix2pixunet.New(),
	"chunk/global":           global.New(),
	"chunk/per-layer":        perlayer.New(),
	"chunk/per-tensor":       pertensor.New(),
	"lora/all-conv":          allconv.New(),
	"lora/attention-only":    attentiononly.New(),
	"lora/e2gan-paper":       e2ganpaper.New(),
	"schedule/cosine":        cosine.New(),
	"schedule/linear":        linear.New(),
	"schedule/scaled-linear": scaledlinear.New(),
	"schedule/sigmoid":       sigmoid.New(),
	"text/hashgram":          hashgram.New(),
	"text/minilm":            minilm.New(), // needs its model files: make deps
}

// Every bundled plugin keeps the contract of its kind, as sdktest.Conformance checks it.
func TestBundledPluginsConform(t *testing.T) {
	for dir, p := range bundled {
		t.Run(p.Info().ID, func(t *testing.T) {
			if kind, _, _ := strings.Cut(dir, "/"); sdk.Kind(kind) != p.Info().Kind {
				t.Errorf("%s in folder %s", p.Info().ID, dir)
			}
			sdktest.Conformance(t, p)
		})
	}
}

// A new plugin folder gets into the table above: every package of a kind folder with
// a New function is a plugin.
func TestEveryBundledPluginIsChecked(t *testing.T) {
	isPlugin := regexp.MustCompile(`(?m)^func New\(\) `)
	for _, k := range sdk.Kinds {
		dirs, _ := filepath.Glob(filepath.Join(string(k), "*"))
		for _, dir := range dirs {
			files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			found := slices.ContainsFunc(files, func(f string) bool {
				src, err := os.ReadFile(f)
				return err == nil && !strings.HasSuffix(f, "_test.go") && isPlugin.Match(src)
			})
			if _, listed := bundled[filepath.ToSlash(dir)]; found && !listed {
				t.Errorf("plugin %s is not in the conformance table (plugins/conformance_test.go)", dir)
			}
		}
	}
}
