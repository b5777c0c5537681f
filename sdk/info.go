package sdk

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is one of the five plugin kinds; it is also the prefix of a plugin's id.
type Kind string

const (
	KindArchitecture  Kind = "arch"
	KindLoRAPlacement Kind = "lora"
	KindChunker       Kind = "chunk"
	KindNoiseSchedule Kind = "schedule"
	KindTextEncoder   Kind = "text"
)

// Kinds lists every plugin kind.
var Kinds = []Kind{KindArchitecture, KindLoRAPlacement, KindChunker, KindNoiseSchedule, KindTextEncoder}

// Info describes a plugin: what it is and which options it takes.
type Info struct {
	ID      string       // "<kind>.<name>", lowercase: "schedule.cosine"
	Kind    Kind         // must match the id's prefix
	Version string       // the plugin's own version, e.g. "1.0.0"
	Doc     string       // one paragraph for `dnw plugins describe`
	Options []OptionSpec // the options it accepts, with defaults
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z0-9][a-z0-9.-]*$`)

// Check reports what is wrong with an Info, if anything.
func (in Info) Check() error {
	if !idPattern.MatchString(in.ID) {
		return fmt.Errorf("sdk: plugin id %q is not lowercase KIND.NAME", in.ID)
	}
	if kind, _, _ := strings.Cut(in.ID, "."); Kind(kind) != in.Kind {
		return fmt.Errorf("sdk: plugin id %q does not start with its kind %q", in.ID, in.Kind)
	}
	known := false
	for _, k := range Kinds {
		known = known || k == in.Kind
	}
	if !known {
		return fmt.Errorf("sdk: plugin %s has unknown kind %q", in.ID, in.Kind)
	}
	if in.Version == "" {
		return fmt.Errorf("sdk: plugin %s has no version", in.ID)
	}
	seen := map[string]bool{}
	for _, o := range in.Options {
		if seen[o.Name] {
			return fmt.Errorf("sdk: plugin %s declares option %s twice", in.ID, o.Name)
		}
		seen[o.Name] = true
		if err := o.check(); err != nil {
			return fmt.Errorf("sdk: plugin %s: %w", in.ID, err)
		}
	}
	return nil
}
