"""Plugin options: their declaration (Option) and the checking of the values an
experiment gives (resolve), with the same rules and the same messages as the Go
sdk (sdk/options.go): types, ranges, allowed strings, defaults, and a suggestion for
a misspelt name."""
import json
import math
from dataclasses import dataclass, field

SCALARS = ("int", "float", "bool", "string")
LISTS = ("ints", "floats", "strings")
TYPES = SCALARS + LISTS


@dataclass
class Option:
    """One option of a plugin: name, type (one of TYPES), default (required), doc,
    bounds of numbers (of each element of lists) and allowed strings."""

    name: str
    type: str
    default: object
    doc: str = ""
    min: float | None = None
    max: float | None = None
    enum: list[str] = field(default_factory=list)

    def check(self):
        """Raises ValueError if the declaration is unusable; returns the default
        converted to the option's type (an int default of a float option is a float)."""
        if not self.name:
            raise ValueError("an option has no name")
        if self.type not in TYPES:
            raise ValueError(f"option {self.name}: unknown type {self.type!r}; one of {', '.join(TYPES)}")
        value, msg = convert(self, self.default)
        if msg:
            raise ValueError(f"option {self.name}: default: {msg}")
        return value


class OptionError(ValueError):
    """A problem with one option value."""

    def __init__(self, option, msg):
        super().__init__(f"option {option}: {msg}")
        self.option, self.msg = option, msg


class WireList(list):
    """A list as it arrived over the wire, which knows its Go type ([]int64, …) for
    the messages."""

    def __init__(self, values, go_type):
        super().__init__(values)
        self.go_type = go_type


def resolve(specs, given):
    """Checks given (name → value) against specs and returns every option's value,
    defaults filled in and values converted to their declared types, and the list of
    OptionErrors (sorted by option name, like the Go sdk's)."""
    by_name = {s.name: s for s in specs}
    out = {s.name: convert(s, s.default)[0] for s in specs}
    errors = []
    for name in sorted(given):
        spec = by_name.get(name)
        if spec is None:
            msg = "unknown option"
            best = suggest(name, list(by_name))
            if best:
                msg += f"; did you mean {best}?"
            elif not specs:
                msg += "; this plugin takes no options"
            errors.append(OptionError(name, msg))
            continue
        value, msg = convert(spec, given[name])
        if msg:
            errors.append(OptionError(name, msg))
        else:
            out[name] = value
    return out, errors


def convert(spec, v):
    """Returns (the value in the option's type, "") or (None, what is wrong)."""
    if spec.type in SCALARS:
        x, ok = _scalar(spec.type, v)
        if not ok:
            return None, f"expected {spec.type}, got {go_type(v)} {go_format(v)}"
        return x, _check_value(spec, x)
    if not isinstance(v, (list, tuple)):
        return None, f"expected {spec.type}, got {go_type(v)} {go_format(v)}"
    elem, out = spec.type[:-1], []
    for i, e in enumerate(v):
        x, ok = _scalar(elem, e)
        if not ok:
            return None, f"element {i}: expected {elem}, got {go_type(e)} {go_format(e)}"
        msg = _check_value(spec, x)
        if msg:
            return None, f"element {i}: {msg}"
        out.append(x)
    return out, ""


def _scalar(t, v):
    if t == "int":
        return v, isinstance(v, int) and not isinstance(v, bool)
    if t == "float":
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        return (float(v) if ok else None), ok
    if t == "bool":
        return v, isinstance(v, bool)
    return v, isinstance(v, str)


def _check_value(spec, x):
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        if spec.min is not None and x < spec.min or spec.max is not None and x > spec.max:
            return f"{go_format(x)} is out of range [{_bound(spec.min, '-∞')}, {_bound(spec.max, '∞')}]"
    if isinstance(x, str) and spec.enum and x not in spec.enum:
        return f"{json.dumps(x, ensure_ascii=False)} is not one of {', '.join(spec.enum)}"
    return ""


def _bound(b, inf):
    return inf if b is None else go_format(float(b))


def go_type(v):
    """The Go type name the Go sdk would print for a value of this kind."""
    if isinstance(v, WireList):
        return v.go_type
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    return type(v).__name__


def go_format(v):
    """v as Go's %v prints it: 3 for 3.0, 1e-05, 1e+21, [1 2], true."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "+Inf" if v > 0 else "-Inf"
        if v == int(v) and abs(v) < 1e21:  # Go's %v switches to an exponent at 1e21, Python's repr at 1e16
            return str(int(v))
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_format(e) for e in v) + "]"
    return str(v)


def suggest(word, candidates):
    """The candidate nearest to word, or "" when none is a plausible typo: within an
    edit distance of a third of the word (at least 1), or starting with the word (3
    letters or more). Case differences are free. (sdk/suggest.go.)"""
    best, best_dist = "", -1
    w = word.lower()
    limit = max(1, len(w) // 3)
    for c in candidates:
        d = _edit_distance(w, c.lower())
        if len(w) >= 3 and c.lower().startswith(w):
            d = min(d, 1)
        if d <= limit and (best_dist < 0 or d < best_dist):
            best, best_dist = c, d
    return best


def _edit_distance(a, b):
    """Levenshtein distance, an adjacent transposition counting as one edit."""
    prev2, prev = [0] * (len(b) + 1), list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]
