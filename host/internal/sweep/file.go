package sweep

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"dnw/host/internal/config"
)

// File is a sweep file, read and checked.
type File struct {
	Path        string
	Base        string // the base experiment's path, relative to the working directory
	Name        string
	Description string
	Combine     string // "grid", "zip" or "random"
	Draws       int    // random: how many trials to draw (sweep.trials)
	Seed        uint64 // random: the draw's seed
	Jobs        int    // trials at once (local backend)
	OnFailure   string // FailFast or Continue
	Backend     string // "local" or "slurm"
	Slurm       SlurmResources
	Axes        []Axis
}

// Axis is one [[ablation]]: the values it takes, each a variant setting one key
// or several.
type Axis struct {
	Name     string // the key's last part, or the axis's own name
	Variants []Variant
}

// Variant is one value of an axis: its value in results (a key's value, or the
// variant's name), its label in trial names, and the keys it sets.
type Variant struct {
	Value string // "128", "cosine"
	Label string // "chunk_size=128", "cosine"
	Sets  []config.Set
}

// Combinations of axes.
const (
	Grid   = "grid"
	Zip    = "zip"
	Random = "random"
)

// IsSweep reports whether a TOML file is a sweep file (it has a [sweep] table) and
// not an experiment.
func IsSweep(path string) bool {
	var probe struct {
		Sweep map[string]toml.Primitive `toml:"sweep"`
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	_, err = toml.Decode(string(data), &probe)
	return err == nil && probe.Sweep != nil
}

// reader decodes a sweep file's parts, collecting problems with their lines.
type reader struct {
	path string
	md   toml.MetaData
	errs config.Errors
}

func (r *reader) errorf(p *toml.Primitive, key, format string, args ...any) {
	pos := config.Pos{File: r.path}
	if p != nil {
		pos.Line = config.PrimitiveLine(r.md, *p)
	}
	r.errs = append(r.errs, &config.Error{Pos: pos, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// decode decodes the primitive at key of table t into v, if present; it reports
// a value of the wrong type.
func (r *reader) decode(t map[string]toml.Primitive, key, name string, v any) bool {
	p, ok := t[key]
	if !ok {
		return false
	}
	if err := r.md.PrimitiveDecode(p, v); err != nil {
		r.errorf(&p, name, "%v", err)
		return false
	}
	return true
}

// unknown reports keys of table t outside known.
func (r *reader) unknown(t map[string]toml.Primitive, prefix string, known ...string) {
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if !slices.Contains(known, k) {
			p := t[k]
			r.errorf(&p, prefix+k, "unknown key (known here: %s)", strings.Join(known, ", "))
		}
	}
}

// Load reads and checks a sweep file. Problems are config.Errors naming the file,
// line and key.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, config.Errors{&config.Error{Pos: config.Pos{File: path, Line: pe.Position.Line}, Msg: pe.Message}}
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &reader{path: path, md: md}
	f := &File{Path: path, Combine: Grid, Seed: 1, Jobs: 1, OnFailure: FailFast, Backend: "local"}
	r.unknown(top, "", "base", "sweep", "ablation")
	var base string
	if !r.decode(top, "base", "base", &base) || base == "" {
		r.errorf(nil, "base", "missing: the experiment every trial starts from, e.g. base = \"../quickstart.toml\"")
	} else {
		f.Base = filepath.Join(filepath.Dir(path), base)
		if filepath.IsAbs(base) {
			f.Base = base
		}
	}
	var sweep map[string]toml.Primitive
	r.decode(top, "sweep", "sweep", &sweep)
	r.unknown(sweep, "sweep.", "name", "description", "combine", "trials", "seed", "jobs", "on_failure", "backend", "slurm")
	if r.decode(sweep, "backend", "sweep.backend", &f.Backend) && f.Backend != "local" && f.Backend != "slurm" {
		p := sweep["backend"]
		r.errorf(&p, "sweep.backend", "%q is neither \"local\" nor \"slurm\"", f.Backend)
	}
	var slurm map[string]toml.Primitive
	r.decode(sweep, "slurm", "sweep.slurm", &slurm)
	r.unknown(slurm, "sweep.slurm.", "partition", "cpus_per_task", "mem", "time")
	r.decode(slurm, "partition", "sweep.slurm.partition", &f.Slurm.Partition)
	var cpus int64
	if r.decode(slurm, "cpus_per_task", "sweep.slurm.cpus_per_task", &cpus) {
		f.Slurm.CPUsPerTask = int(cpus)
	}
	r.decode(slurm, "mem", "sweep.slurm.mem", &f.Slurm.Mem)
	r.decode(slurm, "time", "sweep.slurm.time", &f.Slurm.Time)
	if !r.decode(sweep, "name", "sweep.name", &f.Name) || f.Name == "" {
		r.errorf(nil, "sweep.name", "missing: the sweep's name, e.g. name = \"chunk-size\"")
	}
	r.decode(sweep, "description", "sweep.description", &f.Description)
	if r.decode(sweep, "combine", "sweep.combine", &f.Combine) && !slices.Contains([]string{Grid, Zip, Random}, f.Combine) {
		p := sweep["combine"]
		r.errorf(&p, "sweep.combine", "%q is none of grid, zip, random", f.Combine)
	}
	var jobs int64
	if r.decode(sweep, "jobs", "sweep.jobs", &jobs) {
		if f.Jobs = int(jobs); f.Jobs < 1 {
			p := sweep["jobs"]
			r.errorf(&p, "sweep.jobs", "%d: at least one trial must run at a time", jobs)
		}
	}
	if r.decode(sweep, "on_failure", "sweep.on_failure", &f.OnFailure) && f.OnFailure != FailFast && f.OnFailure != Continue {
		p := sweep["on_failure"]
		r.errorf(&p, "sweep.on_failure", "%q is neither %q nor %q", f.OnFailure, FailFast, Continue)
	}
	var trials, seed int64
	if r.decode(sweep, "trials", "sweep.trials", &trials) {
		f.Draws = int(trials)
	}
	if r.decode(sweep, "seed", "sweep.seed", &seed) {
		f.Seed = uint64(seed)
	}
	if f.Combine == Random && f.Draws < 1 {
		p := sweep["combine"]
		r.errorf(&p, "sweep.trials", "combine = \"random\" needs trials = N ≥ 1, the number to draw")
	}
	var axes []map[string]toml.Primitive
	r.decode(top, "ablation", "ablation", &axes)
	if len(axes) == 0 {
		r.errorf(nil, "ablation", "no [[ablation]] axes: a sweep needs at least one")
	}
	for i, t := range axes {
		if a, ok := r.axis(t, fmt.Sprintf("ablation[%d].", i+1)); ok {
			f.Axes = append(f.Axes, a)
		}
	}
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return f, nil
}

// axis reads one [[ablation]]: key and values, or name and variants.
func (r *reader) axis(t map[string]toml.Primitive, prefix string) (Axis, bool) {
	r.unknown(t, prefix, "key", "values", "name", "variant")
	var a Axis
	var key string
	_, hasVariants := t["variant"]
	switch {
	case r.decode(t, "key", prefix+"key", &key):
		if hasVariants {
			p := t["variant"]
			r.errorf(&p, prefix+"variant", "an axis has either key and values or variants, not both")
			return a, false
		}
		var values []toml.Primitive
		if !r.decode(t, "values", prefix+"values", &values) || len(values) == 0 {
			p := t["key"]
			r.errorf(&p, prefix+"values", "missing: the values of %s, e.g. values = [128, 256]", key)
			return a, false
		}
		a.Name = key[strings.LastIndex(key, ".")+1:]
		r.decode(t, "name", prefix+"name", &a.Name)
		for _, p := range values {
			var v any
			if err := r.md.PrimitiveDecode(p, &v); err != nil {
				r.errorf(&p, prefix+"values", "%v", err)
				return a, false
			}
			pos := config.Pos{File: r.path, Line: config.PrimitiveLine(r.md, p)}
			a.Variants = append(a.Variants, Variant{Value: label(v), Label: a.Name + "=" + label(v), Sets: []config.Set{{Key: key, Value: v, Pos: pos}}})
		}
	case hasVariants:
		if !r.decode(t, "name", prefix+"name", &a.Name) || a.Name == "" {
			p := t["variant"]
			r.errorf(&p, prefix+"name", "missing: an axis of variants needs a name")
		}
		var vs []map[string]toml.Primitive
		r.decode(t, "variant", prefix+"variant", &vs)
		for j, vt := range vs {
			vp := fmt.Sprintf("%svariant[%d].", prefix, j+1)
			r.unknown(vt, vp, "name", "set")
			var v Variant
			if !r.decode(vt, "name", vp+"name", &v.Label) || v.Label == "" {
				r.errorf(nil, vp+"name", "missing: a variant needs a name")
			}
			v.Value = v.Label
			var set map[string]toml.Primitive
			if !r.decode(vt, "set", vp+"set", &set) || len(set) == 0 {
				r.errorf(nil, vp+"set", "missing: the keys the variant sets, e.g. set = { \"weightgen.t_star\" = 900 }")
			}
			for _, k := range slices.Sorted(maps.Keys(set)) {
				p := set[k]
				var val any
				if err := r.md.PrimitiveDecode(p, &val); err != nil {
					r.errorf(&p, vp+"set", "%v", err)
					continue
				}
				v.Sets = append(v.Sets, config.Set{Key: k, Value: val, Pos: config.Pos{File: r.path, Line: config.PrimitiveLine(r.md, p)}})
			}
			a.Variants = append(a.Variants, v)
		}
	default:
		r.errorf(nil, prefix+"key", "an axis needs key and values, or name and [[ablation.variant]] tables")
		return a, false
	}
	return a, len(a.Variants) > 0
}

// label writes a value for a trial's name: TOML's spelling, bare strings.
func label(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var b strings.Builder
	if err := toml.NewEncoder(&b).Encode(map[string]any{"v": v}); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(strings.TrimPrefix(b.String(), "v = "))
}
