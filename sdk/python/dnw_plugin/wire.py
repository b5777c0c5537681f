"""Conversions between the proto's messages (sdk/proto) and Python values."""
from ._pb import plugin_pb2 as pb
from .info import PROTOCOL_VERSION
from .options import WireList

_LIST_TYPES = {"ints": "[]int64", "floats": "[]float64", "strings": "[]string"}


def value_from_pb(v):
    """An option value as Python sees it; lists keep their Go type for messages."""
    kind = v.WhichOneof("kind")
    if kind in _LIST_TYPES:
        return WireList(getattr(v, kind).values, _LIST_TYPES[kind])
    return getattr(v, kind) if kind else None


def value_to_pb(option_type, x):
    """The default x of an option of option_type (already converted to it)."""
    if option_type in _LIST_TYPES:
        msg = {"ints": pb.Ints, "floats": pb.Floats, "strings": pb.Strings}[option_type](values=x)
        return pb.Value(**{option_type: msg})
    return pb.Value(**{option_type: x})


def options_from_pb(options):
    return {name: value_from_pb(v) for name, v in options.items()}


def info_to_pb(info):
    out = pb.Info(id=info.id, kind=info.kind, version=info.version, doc=info.doc,
                  protocol_version=PROTOCOL_VERSION)
    for o in info.options:
        spec = pb.OptionSpec(name=o.name, type=o.type, default=value_to_pb(o.type, o.check()),
                             doc=o.doc, enum=list(o.enum))
        if o.min is not None:
            spec.min = float(o.min)
        if o.max is not None:
            spec.max = float(o.max)
        out.options.append(spec)
    return out
