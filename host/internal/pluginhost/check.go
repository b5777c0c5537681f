package pluginhost

import (
	"context"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"dnw/host/internal/config"
	"dnw/host/internal/runstore"
	"dnw/sdk"
)

// Use is one plugin an experiment names.
type Use struct {
	Key        string         // the key naming it: "model.arch"
	Kind       sdk.Kind       // the kind that key expects
	ID         string         // its value: "arch.e2gan"
	OptionsKey string         // the key of its options table: "model.options"
	Options    map[string]any // that table
}

// Uses lists the plugins an experiment names, in schema order.
func Uses(c *config.Config) []Use {
	wgOptions := func(id string) (string, map[string]any) {
		key := "weightgen.options." + toml.Key{id}.String()
		m, _ := c.Weightgen.Options[id].(map[string]any)
		return key, m
	}
	uses := []Use{
		{Key: "model.arch", Kind: sdk.KindArchitecture, ID: c.Model.Arch, OptionsKey: "model.options", Options: c.Model.Options},
		{Key: "lora.placement", Kind: sdk.KindLoRAPlacement, ID: c.LoRA.Placement, OptionsKey: "lora.options", Options: c.LoRA.Options},
		{Key: "weightgen.chunker", Kind: sdk.KindChunker, ID: c.Weightgen.Chunker},
		{Key: "weightgen.schedule", Kind: sdk.KindNoiseSchedule, ID: c.Weightgen.Schedule},
		{Key: "weightgen.text_encoder", Kind: sdk.KindTextEncoder, ID: c.Weightgen.TextEncoder},
	}
	for i := range uses[2:] {
		u := &uses[2+i]
		u.OptionsKey, u.Options = wgOptions(u.ID)
	}
	return uses
}

// IsPluginKey reports whether key is one of the config keys that name a plugin.
func IsPluginKey(key string) bool {
	return slices.ContainsFunc(Uses(&config.Config{}), func(u Use) bool { return u.Key == key })
}

// CheckExperiment checks that every plugin the experiment names exists with the
// expected kind and that its options match the plugin's schema, and returns the
// plugins for the run's manifest. Problems are config.Errors that name the file, line
// and key, like any other mistake in an experiment file.
func (m *Manager) CheckExperiment(ctx context.Context, r *config.Resolved) ([]runstore.Plugin, error) {
	var records []runstore.Plugin
	var errs config.Errors
	fail := func(key, format string, args ...any) { errs = append(errs, r.Errorf(key, format, args...)) }
	uses := Uses(&r.Config)
	for _, u := range uses {
		info, err := m.Describe(ctx, u.ID)
		if err != nil {
			fail(u.Key, "%v", strings.TrimPrefix(err.Error(), "pluginhost: "))
			continue
		}
		if info.Kind != u.Kind {
			fail(u.Key, "%s is a %s plugin, not a %s plugin", u.ID, info.Kind, u.Kind)
			continue
		}
		records = append(records, info.Record())
		_, optErrs := sdk.Resolve(info.Options, u.Options)
		for _, e := range optErrs {
			fail(u.OptionsKey+"."+toml.Key{e.Option}.String(), "plugin %s: %s", u.ID, e.Msg)
		}
	}
	for id := range r.Config.Weightgen.Options {
		if !slices.ContainsFunc(uses[2:], func(u Use) bool { return u.ID == id }) {
			fail("weightgen.options."+toml.Key{id}.String(),
				"options for %s, which this experiment does not use (its weightgen plugins: %s, %s, %s)",
				id, uses[2].ID, uses[3].ID, uses[4].ID)
		}
	}
	if len(errs) == 0 {
		return records, nil
	}
	return nil, errs
}
