"""Generates dnw_plugin/_pb from sdk/proto with grpcio-tools (`make proto` runs it;
tests/test_proto.py checks that the committed stubs are what it generates).

    python gen_proto.py [OUT_DIR]      # default: dnw_plugin/_pb beside this file
"""
import pathlib
import sys
import tempfile

from grpc_tools import protoc

HERE = pathlib.Path(__file__).resolve().parent
PROTO_ROOT = HERE.parent / "proto"
PROTO = "dnw/plugin/v1/plugin.proto"


def generate(out):
    """Writes plugin_pb2.py and plugin_pb2_grpc.py into out."""
    out = pathlib.Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        args = ["protoc", f"-I{PROTO_ROOT}", f"--python_out={tmp}", f"--grpc_python_out={tmp}", str(PROTO_ROOT / PROTO)]
        if protoc.main(args) != 0:
            sys.exit(f"protoc failed on {PROTO_ROOT / PROTO}")
        gen = pathlib.Path(tmp, PROTO).parent
        out.mkdir(parents=True, exist_ok=True)
        (out / "plugin_pb2.py").write_bytes((gen / "plugin_pb2.py").read_bytes())
        # protoc writes an absolute import of the proto's package (dnw.plugin.v1); the
        # stubs live inside dnw_plugin, so import the sibling module instead.
        grpc_py = (gen / "plugin_pb2_grpc.py").read_text()
        grpc_py = grpc_py.replace("from dnw.plugin.v1 import plugin_pb2", "from . import plugin_pb2")
        (out / "plugin_pb2_grpc.py").write_text(grpc_py)


if __name__ == "__main__":
    generate(sys.argv[1] if len(sys.argv) > 1 else HERE / "dnw_plugin" / "_pb")
