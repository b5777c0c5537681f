import pathlib
import tempfile
import unittest

import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import gen_proto  # noqa: E402

STUBS = pathlib.Path(gen_proto.HERE, "dnw_plugin", "_pb")


class ProtoTest(unittest.TestCase):
    def test_committed_stubs_are_generated_from_sdk_proto(self):
        # A change to sdk/proto/dnw/plugin/v1/plugin.proto must be followed by `make proto`.
        with tempfile.TemporaryDirectory() as out:
            gen_proto.generate(out)
            for name in ("plugin_pb2.py", "plugin_pb2_grpc.py"):
                self.assertEqual((STUBS / name).read_text(), pathlib.Path(out, name).read_text(),
                                 f"{STUBS / name} is stale: run make proto")


if __name__ == "__main__":
    unittest.main()
