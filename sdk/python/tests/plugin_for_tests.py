"""A small text encoder the tests serve: dim values per prompt, the i-th the count of
letter i mod 26 (scaled), so that its answers are easy to check."""
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import dnw_plugin as dnw  # noqa: E402


class Letters:
    info = dnw.Info(
        id="text.letters", version="0.0.1", doc="letter counts",
        options=[dnw.Option("dim", "int", 4, min=1, max=26, doc="values per prompt"),
                 dnw.Option("scale", "float", 1, min=0, doc="multiplies every value"),
                 dnw.Option("case", "string", "lower", enum=["lower", "upper"]),
                 dnw.Option("weights", "floats", [], min=0, max=1)])

    def encode(self, prompts, options):
        if "fail" in prompts:
            dnw.log.warning("failing on request")
            raise RuntimeError("asked to fail")
        return [[options["scale"] * p.lower().count(chr(97 + i)) for i in range(options["dim"])] for p in prompts]


if __name__ == "__main__":
    dnw.serve(Letters())
