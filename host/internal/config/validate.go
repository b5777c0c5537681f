package config

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"dnw/host/internal/device"
	"dnw/sdk"
)

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	pluginPattern = regexp.MustCompile(`^[a-z][a-z0-9]*\.[a-z0-9][a-z0-9.-]*$`)
)

// validate checks every field's value against its schema tags, then the rules that
// relate several keys. Errors point at where the offending value was set.
func (r *Resolved) validate() Errors {
	var errs Errors
	fail := func(key, hint, format string, args ...any) {
		pos, set := r.origins[key]
		if !set {
			pos = Pos{File: r.File}
			format += " (the default)"
		}
		errs = append(errs, &Error{Pos: pos, Key: key, Msg: fmt.Sprintf(format, args...), Hint: hint})
	}
	c := &r.Config
	for _, s := range sections {
		for _, f := range s.Fields {
			if _, set := r.origins[f.Key]; f.Required && !set {
				errs = append(errs, &Error{Pos: Pos{File: r.File}, Key: f.Key,
					Msg: "missing required key", Hint: fmt.Sprintf("add %s = ... under [%s]", f.Name, f.Section)})
				continue
			}
			checkField(f, f.value(c), fail)
		}
	}
	for _, rule := range rules {
		if key, msg := rule(c); msg != "" {
			fail(key, "", "%s", msg)
		}
	}
	return errs
}

// checkField applies a field's min, max, enum and pattern tags to its value (to every
// element, for arrays).
func checkField(f *Field, v reflect.Value, fail func(key, hint, format string, args ...any)) {
	if v.Kind() == reflect.Slice {
		for i := range v.Len() {
			checkField(f, v.Index(i), func(key, hint, format string, args ...any) {
				fail(key, hint, "element %d: "+format, append([]any{i}, args...)...)
			})
		}
		return
	}
	if d, ok := v.Interface().(Duration); ok {
		checkRange(f, float64(d.Duration), d.String(), fail)
		return
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Float64:
		n := v.Convert(reflect.TypeFor[float64]()).Float()
		if math.IsNaN(n) || math.IsInf(n, 0) {
			// TOML writes nan and inf; no key means either, and neither survives the
			// JSON of a stage's fingerprint or of the results.
			fail(f.Key, "", "%v is not a finite number", n)
			return
		}
		checkRange(f, n, fmt.Sprint(v.Interface()), fail)
	case reflect.String:
		s := v.String()
		if f.Enum != nil && !slices.Contains(f.Enum, s) {
			hint := ""
			if best := sdk.Suggest(s, f.Enum); best != "" {
				hint = "did you mean " + best + "?"
			}
			fail(f.Key, hint, "%q is not one of %s", s, strings.Join(f.Enum, ", "))
		}
		checkPattern(f, s, fail)
	}
}

// checkRange applies a field's min and max to n; shown is n as the user wrote it.
func checkRange(f *Field, n float64, shown string, fail func(key, hint, format string, args ...any)) {
	if f.Min != nil && n < *f.Min || f.Max != nil && n > *f.Max {
		fail(f.Key, "", "%s is out of range (%s)", shown, bounds(f))
	}
}

func checkPattern(f *Field, s string, fail func(key, hint, format string, args ...any)) {
	kind, isPlugin := strings.CutPrefix(f.Pattern, "plugin:")
	switch {
	case f.Pattern == "name" && !namePattern.MatchString(s):
		fail(f.Key, "", "%q is not a valid name (letters, digits, '.', '_', '-'; not empty)", s)
	case isPlugin && (!pluginPattern.MatchString(s) || !strings.HasPrefix(s, kind+".")):
		fail(f.Key, "", "%q is not a %s plugin id (lowercase, like %s.NAME)", s, kind, kind)
	case f.Pattern == "device":
		// Only the name: whether this binary and machine have the device is dnw run's
		// check (device.Check), so that a config validates on a machine without it.
		if _, err := device.Parse(s); err != nil {
			fail(f.Key, "", "%q is not a device (cpu, cuda, or cuda:N for the GPU numbered N = 0, 1, …)", s)
		}
	}
}

// bounds says a field's range as experiments/README.md's table does.
func bounds(f *Field) string {
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("must be between %s and %s", f.bound(*f.Min), f.bound(*f.Max))
	case f.Min != nil:
		return fmt.Sprintf("must be ≥ %s", f.bound(*f.Min))
	default:
		return fmt.Sprintf("must be ≤ %s", f.bound(*f.Max))
	}
}

// Bounds says the field's range ("must be between 1 and 4096"), or "" when it has none.
func (f *Field) Bounds() string {
	if f.Min == nil && f.Max == nil {
		return ""
	}
	return bounds(f)
}

// bound writes one bound in the field's unit: a duration as "24h" or "1m30s", a
// number in full digits (1000000, not 1e+06).
func (f *Field) bound(x float64) string {
	if f.Kind == KindDuration {
		s := time.Duration(x).String() // "24h0m0s": drop the zero units
		if strings.HasSuffix(s, "m0s") {
			s = s[:len(s)-2]
		}
		if strings.HasSuffix(s, "h0m") {
			s = s[:len(s)-2]
		}
		return s
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// rules relate several keys; each returns the key to blame and a message, or "".
var rules = []func(c *Config) (key, msg string){
	func(c *Config) (string, string) {
		if d := c.Extensions.Deadline.Duration; d <= 0 {
			return "extensions.deadline", fmt.Sprintf("%s: a call needs a positive deadline", d)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Data.Source == "folders" && c.Data.Dir == "" {
			return "data.dir", `is required when data.source = "folders"`
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if len(c.Data.Heldout) > 0 && c.Data.Source != "folders" {
			return "data.heldout", `names folder concepts; it needs data.source = "folders" (procedural concepts are drawn: data.heldout_concepts)`
		}
		for i, id := range c.Data.Heldout {
			if slices.Contains(c.Data.Heldout[:i], id) {
				return "data.heldout", fmt.Sprintf("names %q twice", id)
			}
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Data.ImageSize%16 != 0 {
			return "data.image_size", fmt.Sprintf("%d is not a multiple of 16 (the generators downsample by 16)", c.Data.ImageSize)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if n := len(c.Weightgen.Widths); n != 3 {
			return "weightgen.widths", fmt.Sprintf("has %d entries; the 1-D UNet has 3 levels", n)
		}
		if n := len(c.Weightgen.Depths); n != 3 {
			return "weightgen.depths", fmt.Sprintf("has %d entries; the 1-D UNet has 3 levels", n)
		}
		if c.Weightgen.Heads > 0 && c.Weightgen.Widths[2]%c.Weightgen.Heads != 0 {
			return "weightgen.heads", fmt.Sprintf("%d does not divide the middle width %d (weightgen.widths[2])", c.Weightgen.Heads, c.Weightgen.Widths[2])
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Weightgen.Loss == "v" && c.Weightgen.Output != "v" {
			return "weightgen.loss", fmt.Sprintf("v needs weightgen.output = \"v\", not %q; with that output, set loss = \"epsilon\"", c.Weightgen.Output)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Weightgen.TStar > c.Weightgen.Timesteps {
			return "weightgen.t_star", fmt.Sprintf("%d exceeds weightgen.timesteps = %d (set t_star with timesteps; t_star = timesteps predicts from pure noise)", c.Weightgen.TStar, c.Weightgen.Timesteps)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Weightgen.TStarShare > 0 && c.Weightgen.Sampler != "one-step" {
			return "weightgen.t_star_share", fmt.Sprintf("%g trains at t_star, which sampler %q does not read; it needs sampler = \"one-step\"", c.Weightgen.TStarShare, c.Weightgen.Sampler)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Weightgen.DDIMSteps > c.Weightgen.Timesteps {
			return "weightgen.ddim_steps", fmt.Sprintf("%d exceeds weightgen.timesteps = %d", c.Weightgen.DDIMSteps, c.Weightgen.Timesteps)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if need := c.Collect.Checkpoints * c.Collect.Every; need > c.Collect.Steps {
			return "collect.steps", fmt.Sprintf("%d steps cannot hold %d checkpoints %d steps apart (%d)",
				c.Collect.Steps, c.Collect.Checkpoints, c.Collect.Every, need)
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		for section, t := range map[string]Training{"base": c.Base, "collect": c.Collect.Training, "finetune": c.Finetune.Training} {
			if t.EvalEvery > t.Steps {
				return section + ".eval_every", fmt.Sprintf("%d exceeds %s.steps = %d", t.EvalEvery, section, t.Steps)
			}
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if len(c.Finetune.Methods) == 0 {
			return "finetune.methods", "is empty; name at least one initialization"
		}
		for i, m := range c.Finetune.Methods {
			if slices.Contains(c.Finetune.Methods[:i], m) {
				return "finetune.methods", fmt.Sprintf("lists %q twice", m)
			}
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Metrics.Primary == "" {
			return "metrics.primary", "is empty; name the metric that drives convergence"
		}
		return "", ""
	},
	func(c *Config) (string, string) {
		if c.Selftest.Batch > c.Selftest.Samples {
			return "selftest.batch", fmt.Sprintf("%d exceeds selftest.samples = %d", c.Selftest.Batch, c.Selftest.Samples)
		}
		return "", ""
	},
}
