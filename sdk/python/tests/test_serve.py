"""serve, as the host sees it: a real plugin process, its handshake line, and calls
over the Unix socket it names."""
import os
import subprocess
import sys
import unittest

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dnw_plugin._pb import plugin_pb2 as pb
from dnw_plugin._pb import plugin_pb2_grpc as pb_grpc
from dnw_plugin.serve import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE

PLUGIN = os.path.join(os.path.dirname(__file__), "plugin_for_tests.py")


def start(env=None):
    return subprocess.Popen([sys.executable, PLUGIN], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, **(env or {})})


class ServeTest(unittest.TestCase):
    def setUp(self):
        self.proc = start()
        self.addCleanup(self.stop)
        line = self.proc.stdout.readline().strip()
        core, app, network, address, protocol = line.split("|")
        self.assertEqual((core, app, network, protocol), ("1", "1", "unix", "grpc"), line)
        self.channel = grpc.insecure_channel("unix:" + address)
        self.addCleanup(self.channel.close)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def encode(self, prompts, **options):
        values = {k: pb.Value(**{"int" if isinstance(v, int) else "float" if isinstance(v, float) else "string": v})
                  for k, v in options.items()}
        return pb_grpc.TextEncoderStub(self.channel).Encode(pb.EncodeRequest(prompts=prompts, options=values), timeout=10)

    def test_describe_encode_and_health(self):
        info = pb_grpc.PluginStub(self.channel).Describe(pb.Empty(), timeout=10)
        self.assertEqual((info.id, info.kind, info.version, info.protocol_version), ("text.letters", "text", "0.0.1", 1))
        self.assertEqual([o.name for o in info.options], ["dim", "scale", "case", "weights"])
        self.assertEqual((info.options[0].default.int, info.options[0].min, info.options[0].max), (4, 1, 26))
        self.assertEqual(info.options[1].default.float, 1.0)  # declared as 1: a float option's default is a float
        self.assertFalse(info.options[1].HasField("max"))

        got = self.encode(["abba", "cab"], dim=3, scale=0.5)
        self.assertEqual((got.dim, list(got.data)), (3, [1, 1, 0, 0.5, 0.5, 0.5]))
        self.assertEqual(self.encode(["a"]).dim, 4)  # the default

        check = health_pb2_grpc.HealthStub(self.channel).Check(health_pb2.HealthCheckRequest(service="plugin"), timeout=10)
        self.assertEqual(check.status, health_pb2.HealthCheckResponse.SERVING)

    def test_bad_options_and_errors_name_the_plugin(self):
        with self.assertRaises(grpc.RpcError) as cm:
            self.encode(["a"], dim=40, sacle=2.0)
        self.assertEqual(cm.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(cm.exception.details(), "text.letters: option dim: 40 is out of range [1, 26]; "
                                                 "option sacle: unknown option; did you mean scale?")
        with self.assertRaises(grpc.RpcError) as cm:
            self.encode(["fail"])
        self.assertEqual(cm.exception.details(), "text.letters: asked to fail")
        self.proc.kill()
        stderr = self.proc.stderr.read()
        self.assertIn("RuntimeError: asked to fail", stderr)  # the traceback, on stderr
        self.assertIn("text.letters: WARNING failing on request", stderr)  # dnw.log

    def test_shutdown_ends_the_process(self):
        self.channel.unary_unary("/plugin.GRPCController/Shutdown", request_serializer=lambda b: b,
                                 response_deserializer=lambda b: b)(b"", timeout=10)
        self.assertEqual(self.proc.wait(timeout=10), 0)


class RunByHandTest(unittest.TestCase):
    def test_without_the_cookie_it_says_what_it_is(self):
        proc = subprocess.run([sys.executable, PLUGIN], capture_output=True, text=True, timeout=30,
                              env={k: v for k, v in os.environ.items() if k != MAGIC_COOKIE_KEY})
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("This is a dnw plugin; it is not meant to be run by hand", proc.stderr)


if __name__ == "__main__":
    unittest.main()
