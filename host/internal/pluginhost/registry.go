package pluginhost

import (
	"fmt"
	"slices"

	"dnw/sdk"
)

// bundled maps the ids of the plugins compiled into dnw to their constructors.
var bundled = map[string]func() sdk.Plugin{}

// register adds a bundled plugin. An empty or duplicate id is a programmer error.
func register(newPlugin func() sdk.Plugin) {
	p := newPlugin()
	id := p.Info().ID
	if id == "" {
		panic(fmt.Sprintf("pluginhost: %T has an empty id", p))
	}
	if _, dup := bundled[id]; dup {
		panic("pluginhost: plugin registered twice: " + id)
	}
	if err := sdk.Check(p); err != nil {
		panic(err)
	}
	bundled[id] = newPlugin
}

// Bundled returns the plugin compiled into dnw under id.
func Bundled(id string) (sdk.Plugin, error) {
	newPlugin, ok := bundled[id]
	if !ok {
		return nil, notRegistered(id, nil)
	}
	return newPlugin(), nil
}

// BundledIDs lists the bundled plugins' ids, sorted.
func BundledIDs() []string {
	ids := make([]string, 0, len(bundled))
	for id := range bundled {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
