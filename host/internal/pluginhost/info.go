package pluginhost

import (
	"context"

	"dnw/host/internal/runstore"
	"dnw/sdk"
)

// Listing is one row of `dnw plugins list`.
type Listing struct {
	ID, Kind, Version string
	Source            string // "bundled" or the binary's path
	SHA256            string
	State             string // "ok", or why an external plugin would be refused
}

// List describes every bundled and external plugin without running any external
// binary: an external plugin's kind and version come from its pin in the lock file.
func (m *Manager) List() ([]Listing, error) {
	var out []Listing
	exeSum, err := m.exeSHA256()
	if err != nil {
		return nil, err
	}
	for _, id := range BundledIDs() {
		info := bundled[id]().Info()
		out = append(out, Listing{ID: id, Kind: string(info.Kind), Version: info.Version,
			Source: "bundled", SHA256: exeSum, State: "ok"})
	}
	exts, err := Discover(m.Dirs)
	if err != nil {
		return nil, err
	}
	lock, err := ReadLock(m.LockPath)
	if err != nil {
		return nil, err
	}
	for _, e := range exts {
		sum, err := fileSHA256(e.Path)
		if err != nil {
			return nil, err
		}
		l := Listing{ID: e.ID, Source: e.Path, SHA256: sum, State: "unlocked: run 'dnw plugins lock'"}
		if pin, ok := lock.Entry(e.ID); ok {
			l.Kind, l.Version, l.State = pin.Kind, pin.Version, "ok"
			if pin.SHA256 != sum {
				l.State = "refused: binary changed since it was locked"
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// Described is a plugin's Info with where it comes from.
type Described struct {
	sdk.Info
	Source string // "bundled" or the external binary's path
	SHA256 string // of the binary serving it
}

// Record is the plugin as a run manifest lists it.
func (d Described) Record() runstore.Plugin {
	return runstore.Plugin{ID: d.ID, Kind: string(d.Kind), Version: d.Version, SHA256: d.SHA256}
}

// Describe returns plugin id's Info: in process for a bundled plugin, by starting a
// (locked) external one.
func (m *Manager) Describe(ctx context.Context, id string) (Described, error) {
	if p, err := Bundled(id); err == nil {
		sum, err := m.exeSHA256()
		return Described{Info: p.Info(), Source: "bundled", SHA256: sum}, err
	}
	c, err := m.Start(ctx, id)
	if err != nil {
		return Described{}, err
	}
	defer c.Kill()
	return Described{Info: c.Plugin.Info(), Source: c.Source, SHA256: c.SHA256}, nil
}
