import unittest

from dnw_plugin import Info, Option, resolve
from dnw_plugin.options import WireList, go_format, suggest

SPECS = [Option("dim", "int", 8, min=1, max=64), Option("scale", "float", 1.0, min=0.5),
         Option("norm", "string", "group", enum=["group", "batch"]),
         Option("sizes", "ints", [1, 2], min=1), Option("on", "bool", False)]


def messages(given):
    return [str(e) for e in resolve(SPECS, given)[1]]


class ResolveTest(unittest.TestCase):
    def test_defaults_and_conversions(self):
        got, errors = resolve(SPECS, {"scale": 2, "sizes": WireList([3], "[]int64")})
        self.assertEqual(errors, [])
        self.assertEqual(got, {"dim": 8, "scale": 2.0, "norm": "group", "sizes": [3], "on": False})
        self.assertIsInstance(got["scale"], float)

    def test_messages_are_the_go_sdks(self):
        # The texts sdk/options.go produces for the same values (the Go test of the
        # host compares the two sdks over the wire: pluginhost's python_test.go).
        self.assertEqual(messages({"dim": 0}), ["option dim: 0 is out of range [1, 64]"])
        self.assertEqual(messages({"dim": 2.5}), ["option dim: expected int, got float64 2.5"])
        self.assertEqual(messages({"scale": 0.25}), ["option scale: 0.25 is out of range [0.5, ∞]"])
        self.assertEqual(messages({"norm": "layer"}), ['option norm: "layer" is not one of group, batch'])
        self.assertEqual(messages({"sizes": WireList([2.0], "[]float64")}), ["option sizes: element 0: expected int, got float64 2"])
        self.assertEqual(messages({"sizes": WireList([1, 0], "[]int64")}), ["option sizes: element 1: 0 is out of range [1, ∞]"])
        self.assertEqual(messages({"on": 1}), ["option on: expected bool, got int64 1"])
        self.assertEqual(messages({"dimm": 3, "nrom": "x"}), ["option dimm: unknown option; did you mean dim?",
                                                              "option nrom: unknown option; did you mean norm?"])
        self.assertEqual(messages({"colour": 1}), ["option colour: unknown option"])
        self.assertEqual([str(e) for e in resolve([], {"x": 1})[1]], ["option x: unknown option; this plugin takes no options"])

    def test_go_format(self):
        for v, want in [(3.0, "3"), (1e-05, "1e-05"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
                        (0.1, "0.1"), (True, "true"), (WireList([1, 2], "[]int64"), "[1 2]"), (float("inf"), "+Inf")]:
            self.assertEqual(go_format(v), want)

    def test_suggest(self):
        self.assertEqual(suggest("chnuk", ["chunk", "steps"]), "chunk")  # a transposition is one edit
        self.assertEqual(suggest("wid", ["width"]), "width")  # a prefix of 3 letters
        self.assertEqual(suggest("colour", ["dim"]), "")


class InfoTest(unittest.TestCase):
    def test_bad_infos_say_what_is_wrong(self):
        for info, want in [
            (Info("Text.X", "1"), "is not lowercase KIND.NAME"),
            (Info("model.x", "1"), "unknown kind 'model'"),
            (Info("arch.x", "1"), "the Python sdk serves text and schedule plugins"),
            (Info("text.x", ""), "has no version"),
            (Info("text.x", "1", options=[Option("a", "int", 1), Option("a", "int", 2)]), "declares option a twice"),
            (Info("text.x", "1", options=[Option("a", "int", 1.5)]), "option a: default: expected int, got float64 1.5"),
            (Info("text.x", "1", options=[Option("a", "int", 0, min=1)]), "option a: default: 0 is out of range [1, ∞]"),
            (Info("text.x", "1", options=[Option("a", "number", 0)]), "option a: unknown type 'number'"),
        ]:
            with self.assertRaises(ValueError) as cm:
                info.check()
            self.assertIn(want, str(cm.exception))

    def test_a_good_info_passes(self):
        Info("text.x", "1.0.0", options=SPECS).check()


if __name__ == "__main__":
    unittest.main()
