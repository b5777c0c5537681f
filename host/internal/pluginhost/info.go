package pluginhost

import (
	"context"
	"slices"
	"strings"

	"dnw/host/internal/runstore"
	"dnw/sdk"
)

// Listing is one row of `dnw plugins list`.
type Listing struct {
	ID, Kind, Version string
	Source            string // "bundled" or the binary's path
	SHA256            string
	State             string // "ok", or "refused: " and why dnw would not run it
}

// List describes every bundled and external plugin without running any external
// binary: an external plugin's kind and version come from its pin in the lock file.
// It lists every plugin it can; if some would be refused (not locked, changed since,
// found twice, shadowing a bundled id) it returns them all and a *RefusedError too.
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
	exts, refused, err := Discover(m.Dirs)
	if err != nil {
		return nil, err
	}
	lock, err := ReadLock(m.LockPath)
	if err != nil {
		return nil, err
	}
	for _, r := range refused {
		exts = append(exts, External{ID: r.ID, Path: r.Path})
	}
	slices.SortStableFunc(exts, func(a, b External) int { return strings.Compare(a.ID, b.ID) })
	why := map[string]string{}
	for _, r := range refused {
		why[r.Path] = r.Reason
	}
	var bad []Refused
	for _, e := range exts {
		sum, err := fileSHA256(e.Path)
		if err != nil {
			return nil, err
		}
		l := Listing{ID: e.ID, Source: e.Path, SHA256: sum, State: "ok"}
		pin, pinned := lock.Entry(e.ID)
		if pinned {
			l.Kind, l.Version = pin.Kind, pin.Version
		}
		reason := why[e.Path]
		switch {
		case reason != "":
		case !pinned:
			reason = "not pinned in " + m.LockPath
		case pin.SHA256 != sum:
			reason = "binary changed since it was locked"
		}
		if reason != "" {
			l.State = "refused: " + reason
			bad = append(bad, Refused{ID: e.ID, Path: e.Path, Reason: reason})
		}
		out = append(out, l)
	}
	if len(bad) > 0 {
		return out, &RefusedError{Refused: bad, Hint: "run 'dnw plugins lock' to pin the binaries you trust"}
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
