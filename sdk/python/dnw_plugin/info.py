"""What a plugin is: its id, version, doc line and options, checked like the Go
sdk's Info (sdk/info.go)."""
import re
from dataclasses import dataclass, field

from .options import Option

# PROTOCOL_VERSION is the host–plugin protocol (sdk.ProtocolVersion in the Go sdk).
PROTOCOL_VERSION = 1

# KINDS are the plugin kinds the Python sdk serves, with the method each implements.
# Architectures, LoRA placements and chunkers exchange larger messages (the arch IR);
# they are served from Go today, and the proto (sdk/proto) is their contract.
KINDS = {"text": "encode", "schedule": "tables"}
ALL_KINDS = ("arch", "lora", "chunk", "schedule", "text")

_ID = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9][a-z0-9.-]*$")


@dataclass
class Info:
    """A plugin's description: id "<kind>.<name>" (lowercase), version, one paragraph
    of doc for `dnw plugins describe`, and its options."""

    id: str
    version: str
    doc: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def kind(self):
        return self.id.split(".", 1)[0]

    def check(self):
        """Raises ValueError naming what is wrong with the description."""
        if not _ID.match(self.id):
            raise ValueError(f"dnw_plugin: plugin id {self.id!r} is not lowercase KIND.NAME")
        if self.kind not in ALL_KINDS:
            raise ValueError(f"dnw_plugin: plugin {self.id} has unknown kind {self.kind!r}; one of {', '.join(ALL_KINDS)}")
        if self.kind not in KINDS:
            raise ValueError(f"dnw_plugin: plugin {self.id}: the Python sdk serves {' and '.join(KINDS)} plugins; "
                             f"a {self.kind} plugin is written in Go (sdk/README.md) or on the proto itself")
        if not self.version:
            raise ValueError(f"dnw_plugin: plugin {self.id} has no version")
        seen = set()
        for o in self.options:
            if o.name in seen:
                raise ValueError(f"dnw_plugin: plugin {self.id} declares option {o.name} twice")
            seen.add(o.name)
            try:
                o.check()
            except ValueError as e:
                raise ValueError(f"dnw_plugin: plugin {self.id}: {e}") from None
