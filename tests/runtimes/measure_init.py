#!/usr/bin/env python3
"""Measure runtime init time: from spawning the runtime process to its first GET /next.

Usage: python3 tests/runtimes/measure_init.py [--bootstrap PATH] [--python LABEL=PATH ...] [runs]
(--python: measure only the given interpreters, e.g. a venv's bin/python to see start-up
without the main site-packages' .pth hooks.)
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


def cpu_ms(pid):
    """CPU time the process has used so far (ms), from /proc/PID/schedstat (ns resolution)."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return float("nan")


def measure(argv, root, handler, runs, cpu=None):
    times = []
    for _ in range(runs):
        api = FakeRuntimeApi()
        rt = RuntimeProcess(argv, root, handler, api)
        try:
            if not api.first_next_event.wait(10):
                raise RuntimeError("no /next from %r: %s %s" % (argv, rt.stdout, rt.stderr))
            times.append((api.first_next - rt.started) * 1000)
            if cpu is not None:
                # The runtime now blocks waiting for an event: its CPU time is its init cost
                # (less noisy than wall time on a busy machine).
                cpu.append(cpu_ms(rt.proc.pid))
        finally:
            rt.stop()
            api.close()
    return times


def main():
    args = sys.argv[1:]
    bootstrap = os.path.join(RUNTIMES, "python", "bootstrap.py")
    pythons = []   # --python LABEL=PATH (repeatable): measure only these interpreters
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--bootstrap":
            bootstrap = os.path.abspath(args.pop(0))
        elif opt == "--python":
            label, _, path = args.pop(0).partition("=")
            pythons.append((label, path))
        else:
            sys.exit("unknown option %s" % opt)
    runs = int(args[0]) if args else 15
    os.environ.pop("NODE_EXTRA_CA_CERTS", None)
    targets = []
    if pythons:
        # e.g. a venv's python (not resolved: the venv is what differs)
        for label, path in pythons:
            targets.append((label, [path, "-u", bootstrap], os.path.join(FIXTURES, "python"),
                            "noop.handler"))
    for minor in (9, 11, 13) if not pythons else ():
        paths = sorted(glob.glob("/root/.pyenv/versions/3.%d.*/bin/python3.%d" % (minor, minor)))
        if paths:
            targets.append(("python3.%d" % minor,
                            [os.path.realpath(paths[-1]), "-u", bootstrap],
                            os.path.join(FIXTURES, "python"), "noop.handler"))
    node = "/usr/bin/node" if os.path.exists("/usr/bin/node") else shutil.which("node")
    if node and not pythons:
        targets.append(("node " + os.popen(node + " --version").read().strip(),
                        [node, os.path.join(RUNTIMES, "nodejs", "index.cjs")],
                        os.path.join(FIXTURES, "nodejs"), "noop.handler"))
    for label, argv, root, handler in targets:
        # baseline: the bare interpreter doing nothing
        cpu = []
        t = measure(argv, root, handler, runs, cpu)
        print("%-14s init (spawn -> first /next): median %.1f ms, min %.1f ms, max %.1f ms (%d runs);"
              " process CPU until then: median %.1f ms, min %.1f ms"
              % (label, statistics.median(t), min(t), max(t), len(t), statistics.median(cpu), min(cpu)))


if __name__ == "__main__":
    main()
