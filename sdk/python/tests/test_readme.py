import pathlib
import re
import unittest

import dnw_plugin as dnw

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


class ReadmeTest(unittest.TestCase):
    def test_the_readmes_python_plugin_works(self):
        # sdk/README.md, "The Python sdk": the example as written.
        block = re.search(r"### The Python sdk.*?```python\n(.*?)```", README.read_text(), re.S).group(1)
        scope = {"__name__": "readme"}
        exec(block, scope)
        plugin = scope["Letters"]()
        dnw.check(plugin)
        options, errors = dnw.resolve(plugin.info.options, {})
        self.assertEqual(errors, [])
        rows = plugin.encode(["abc", "zz"], options)
        self.assertEqual((len(rows), len(rows[0])), (2, 26))
        self.assertEqual((rows[0][:3], rows[1][25]), ([1, 1, 1], 2))


if __name__ == "__main__":
    unittest.main()
