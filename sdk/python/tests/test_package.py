import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

HERE = pathlib.Path(__file__).resolve().parents[1]


class PackageTest(unittest.TestCase):
    def test_pip_builds_a_complete_package(self):
        # What `pip install ./sdk/python` installs: the package, its stubs included.
        if not (HERE / "build").exists():  # setuptools builds in the source folder
            self.addCleanup(shutil.rmtree, HERE / "build", ignore_errors=True)
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--wheel-dir", out, str(HERE)], check=True, capture_output=True, cwd=out)
            wheel, = pathlib.Path(out).glob("dnw_plugin-*.whl")
            names = set(zipfile.ZipFile(wheel).namelist())
        for module in ("__init__", "info", "options", "serve", "wire", "_pb/plugin_pb2", "_pb/plugin_pb2_grpc"):
            self.assertIn(f"dnw_plugin/{module}.py", names)


if __name__ == "__main__":
    unittest.main()
