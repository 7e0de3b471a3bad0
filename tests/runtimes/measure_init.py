#!/usr/bin/env python3
"""Measure runtime init time: from spawning the runtime process to its first GET /next.

Usage: python3 tests/runtimes/measure_init.py [runs]
The figure covers exec of the interpreter, interpreter start-up (site, etc.), loading the
bootstrap, importing the no-op handler module, and opening the TCP connection + sending the
first /next request. It excludes process teardown and any invocation.
NODE_EXTRA_CA_CERTS is removed from the environment (it adds ~70 ms to node start here).
"""

import glob
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FIXTURES, RUNTIMES, FakeRuntimeApi, RuntimeProcess  # noqa: E402


def measure(argv, root, handler, runs):
    times = []
    for _ in range(runs):
        api = FakeRuntimeApi()
        rt = RuntimeProcess(argv, root, handler, api)
        try:
            if not api.first_next_event.wait(10):
                raise RuntimeError("no /next from %r: %s %s" % (argv, rt.stdout, rt.stderr))
            times.append((api.first_next - rt.started) * 1000)
        finally:
            rt.stop()
            api.close()
    return times


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    os.environ.pop("NODE_EXTRA_CA_CERTS", None)
    targets = []
    for minor in (9, 11, 13):
        paths = sorted(glob.glob("/root/.pyenv/versions/3.%d.*/bin/python3.%d" % (minor, minor)))
        if paths:
            targets.append(("python3.%d" % minor,
                            [os.path.realpath(paths[-1]), "-u", os.path.join(RUNTIMES, "python", "bootstrap.py")],
                            os.path.join(FIXTURES, "python"), "noop.handler"))
    node = "/usr/bin/node" if os.path.exists("/usr/bin/node") else shutil.which("node")
    if node:
        targets.append(("node " + os.popen(node + " --version").read().strip(),
                        [node, os.path.join(RUNTIMES, "nodejs", "index.mjs")],
                        os.path.join(FIXTURES, "nodejs"), "noop.handler"))
    for label, argv, root, handler in targets:
        # baseline: the bare interpreter doing nothing
        t = measure(argv, root, handler, runs)
        print("%-14s init (spawn -> first /next): median %.1f ms, min %.1f ms, max %.1f ms (%d runs)"
              % (label, statistics.median(t), min(t), max(t), len(t)))


if __name__ == "__main__":
    main()
