"""dnw_plugin: dnw plugins in Python. A plugin is an object with an `info` (Info, its
options declared with Option) and the method of its kind, served by `serve`; see
sdk/README.md, "Plugins in other languages"."""
from .info import KINDS, PROTOCOL_VERSION, Info
from .options import Option, OptionError, resolve
from .serve import check, log, serve

__all__ = ["Info", "Option", "OptionError", "resolve", "serve", "check", "log", "KINDS", "PROTOCOL_VERSION"]
