package config

import (
	"strings"

	"dnw/sdk"
)

// hintFor explains an unknown key: where a key of an earlier version went (moved),
// the nearest sibling, or the same name in another
// section ("seed" at the top level → "experiment.seed").
func hintFor(section, name string) string {
	if where, ok := moved[section+"."+name]; ok {
		return where
	}
	if section == "" {
		var names []string
		for _, s := range sections {
			names = append(names, s.Name)
		}
		names = append(names, "include")
		if s := sdk.Suggest(name, names); s != "" {
			return "did you mean " + s + "?"
		}
	} else if s, ok := sectionNamed(section); ok {
		var names []string
		for _, f := range s.Fields {
			names = append(names, f.Name)
		}
		if best := sdk.Suggest(name, names); best != "" {
			return "did you mean " + best + "?"
		}
	}
	var elsewhere []string
	for _, s := range sections {
		for _, f := range s.Fields {
			if f.Name == name && s.Name != section {
				elsewhere = append(elsewhere, f.Key)
			}
		}
	}
	if len(elsewhere) > 0 {
		return "did you mean " + strings.Join(elsewhere, " or ") + "?"
	}
	return ""
}

func sectionNamed(name string) (Section, bool) {
	for _, s := range sections {
		if s.Name == name {
			return s, true
		}
	}
	return Section{}, false
}

// moved maps keys that earlier versions of dnw read to where their setting lives now,
// so that an experiment or a run directory written for them says what to change.
var moved = map[string]string{
	"collect.epsilon": "it is now the converged filter's option: [extensions.options.converged] epsilon = …",
}
