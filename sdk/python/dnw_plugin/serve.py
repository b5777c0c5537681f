"""serve: a plugin's main. It speaks hashicorp/go-plugin's side of the handshake
(the contract: sdk/README.md, "Plugins in other languages"), serves dnw's plugin
proto over gRPC on a Unix socket, and answers go-plugin's health check and
shutdown request."""
import logging
import math
import os
import sys
import tempfile
import threading
import traceback
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from ._pb import plugin_pb2 as pb
from ._pb import plugin_pb2_grpc as pb_grpc
from .info import KINDS, PROTOCOL_VERSION
from .options import resolve
from .wire import info_to_pb, options_from_pb

# The go-plugin handshake shared with the host (sdk.Handshake in the Go sdk). The
# cookie is not a secret: it only stops a plugin from being run by hand by mistake.
MAGIC_COOKIE_KEY = "DNW_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "denoised-neural-weights"
CORE_PROTOCOL_VERSION = 1  # go-plugin's own protocol (plugin.CoreProtocolVersion)

# gRPC's 4 MiB default is raised to the Go sdk's sdk.MaxMessageBytes on both sides.
MAX_MESSAGE_BYTES = 256 << 20

# log is the plugin's logger: to stderr, each line prefixed with the plugin's id once
# serve has started; dnw shows a plugin's last stderr lines with its errors.
log = logging.getLogger("dnw_plugin")


def serve(plugin):
    """Serves plugin until the host disconnects or asks it to stop. plugin has an
    `info` (an Info) and the method of its kind: `encode(prompts, options)` for a
    text encoder, `tables(timesteps, options)` for a noise schedule. Nothing else may
    write to stdout before this call; after it, print() goes to stderr, which dnw
    shows with the plugin's errors."""
    try:
        check(plugin)
    except ValueError as e:
        sys.exit(str(e))
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=f"{plugin.info.id}: %(levelname)s %(message)s")
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.exit("This is a dnw plugin; it is not meant to be run by hand. dnw starts it: "
                 "put it on the plugin path and run `dnw plugins lock`.")
    handshake, sys.stdout = sys.stdout, sys.stderr

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=[
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    pb_grpc.add_PluginServicer_to_server(_Describe(plugin), server)
    _KIND_SERVICERS[plugin.info.kind](plugin, server)
    status = health.HealthServicer()
    status.set("plugin", health_pb2.HealthCheckResponse.SERVING)  # the service go-plugin asks after
    health_pb2_grpc.add_HealthServicer_to_server(status, server)
    server.add_generic_rpc_handlers([_controller(server)])

    with tempfile.TemporaryDirectory(prefix="dnw-plugin-") as sockets:  # mode 0700: only this user connects
        address = os.path.join(sockets, "plugin.sock")
        server.add_insecure_port("unix:" + address)
        server.start()
        handshake.write(f"{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{address}|grpc\n")
        handshake.flush()
        try:
            server.wait_for_termination()
        except KeyboardInterrupt:
            server.stop(0)


def check(plugin):
    """Raises ValueError if plugin's Info is invalid or it lacks its kind's method."""
    info = getattr(plugin, "info", None)
    if info is None:
        raise ValueError(f"dnw_plugin: {type(plugin).__name__} has no `info`")
    info.check()
    method = KINDS[info.kind]
    if not callable(getattr(plugin, method, None)):
        raise ValueError(f"dnw_plugin: plugin {info.id} is a {info.kind} plugin but has no method {method}(…)")


def _controller(server):
    """go-plugin's GRPCController: the host's Shutdown (an empty message both ways)
    stops the server, and with it serve(), before the host resorts to killing."""
    def shutdown(_request, _context):
        threading.Thread(target=server.stop, args=(1,), daemon=True).start()
        return b""

    return grpc.method_handlers_generic_handler("plugin.GRPCController", {
        "Shutdown": grpc.unary_unary_rpc_method_handler(
            shutdown, request_deserializer=lambda b: b, response_serializer=lambda _: b"")})


class _Call:
    """Runs the author's method one call at a time (few Python models are safe to
    share between threads), with the options resolved first and errors turned into
    gRPC statuses the host reports with the plugin's id."""

    def __init__(self, plugin):
        self.plugin, self.lock = plugin, threading.Lock()

    def __call__(self, context, method, options, *args):
        info = self.plugin.info
        resolved, errors = resolve(info.options, options_from_pb(options))
        if errors:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{info.id}: " + "; ".join(str(e) for e in errors))
        try:
            with self.lock:
                return getattr(self.plugin, method)(*args, resolved)
        except Exception as e:  # the author's error: its traceback to stderr, its message to the host
            traceback.print_exc(file=sys.stderr)
            context.abort(grpc.StatusCode.UNKNOWN, f"{info.id}: {e}")


class _Describe(pb_grpc.PluginServicer):
    def __init__(self, plugin):
        self.info = info_to_pb(plugin.info)

    def Describe(self, request, context):
        return self.info


class _TextEncoder(pb_grpc.TextEncoderServicer):
    def __init__(self, plugin):
        self.call = _Call(plugin)

    def Encode(self, request, context):
        prompts = list(request.prompts)
        rows = self.call(context, "encode", request.options, prompts)
        dim = rows.shape[1] if hasattr(rows, "shape") and len(rows.shape) == 2 else None
        rows = rows.tolist() if hasattr(rows, "tolist") else [list(r) for r in rows]
        if len(rows) != len(prompts):
            context.abort(grpc.StatusCode.INTERNAL, f"{self.call.plugin.info.id}: encode returned {len(rows)} embeddings for {len(prompts)} prompts")
        dim = dim if dim is not None else (len(rows[0]) if rows else 0)
        data = []
        for i, r in enumerate(rows):
            if len(r) != dim:
                context.abort(grpc.StatusCode.INTERNAL, f"{self.call.plugin.info.id}: embedding {i} has {len(r)} values, embedding 0 {dim}")
            if not all(math.isfinite(x) for x in r):
                context.abort(grpc.StatusCode.INTERNAL, f"{self.call.plugin.info.id}: embedding {i} ({prompts[i]!r}) is not finite")
            data.extend(r)
        return pb.Embeddings(dim=dim, data=data)


class _NoiseSchedule(pb_grpc.NoiseScheduleServicer):
    def __init__(self, plugin):
        self.call = _Call(plugin)

    def Tables(self, request, context):
        alpha_bar = [float(a) for a in self.call(context, "tables", request.options, request.timesteps)]
        if len(alpha_bar) != request.timesteps or not all(0 < a <= 1 for a in alpha_bar):
            context.abort(grpc.StatusCode.INTERNAL, f"{self.call.plugin.info.id}: tables must return {request.timesteps} values ᾱ_t in (0, 1]; got {len(alpha_bar)}")
        return pb.ScheduleTables(alpha_bar=alpha_bar, alpha=[math.sqrt(a) for a in alpha_bar],
                                 sigma=[math.sqrt(1 - a) for a in alpha_bar])


_KIND_SERVICERS = {
    "text": lambda p, s: pb_grpc.add_TextEncoderServicer_to_server(_TextEncoder(p), s),
    "schedule": lambda p, s: pb_grpc.add_NoiseScheduleServicer_to_server(_NoiseSchedule(p), s),
}
