"""A noise-schedule plugin in Python for the plugin manager's tests: testplugin's
twin (testdata/testplugin), written with sdk/python. Its id comes from its file name
(dnw-schedule.NAME) and NAME picks its behaviour: "crash" dies inside a call, "hang"
never answers, "stdout" prints before the handshake, "exit" fails before it;
anything else computes testplugin's linear schedule. Options beyond beta_end are
there for the comparison of the two sdks' option checks."""
import os
import sys
import time

import dnw_plugin as dnw

ID = os.path.basename(sys.argv[0]).removeprefix("dnw-")

if ID.endswith(".stdout"):
    print("hello from the plugin")
if ID.endswith(".exit"):
    sys.exit("cannot load my model on purpose")


class Linear:
    info = dnw.Info(id=ID, version="0.0.1", doc="test plugin", options=[
        dnw.Option("beta_end", "float", 0.02, min=0, max=1),
        dnw.Option("warmup", "int", 0, min=0, max=100),
        dnw.Option("shape", "string", "linear", enum=["linear", "cosine"]),
        dnw.Option("clip", "bool", False),
        dnw.Option("milestones", "ints", [], min=1),
        dnw.Option("weights", "floats", [0.5], min=0, max=1),
        dnw.Option("tags", "strings", [], enum=["a", "b"])])

    def tables(self, T, options):
        if ID.endswith(".crash"):
            sys.stderr.write("about to fail on purpose\n")
            sys.stderr.flush()
            os._exit(3)
        if ID.endswith(".hang"):
            sys.stderr.write("hanging on purpose\n")
            sys.stderr.flush()
            time.sleep(3600)
        alpha_bar, ab = [], 1.0
        for i in range(T):
            beta = 1e-4 + (options["beta_end"] - 1e-4) * i / max(T - 1, 1)
            ab *= 1 - beta
            alpha_bar.append(ab)
        return alpha_bar


if __name__ == "__main__":
    dnw.serve(Linear())
