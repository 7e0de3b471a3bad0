#!/usr/bin/env python3
"""Measure the warm invocation path of the Python runtime against the fake Runtime API.

Usage: python3 tests/runtimes/measure_warm.py [-n N] [-r ROUNDS] [--python PATH] [--bootstrap PATH]

For each round one runtime process (no-op handler) is started, warmed up with 50
invocations, then N invocations are run back to back. Reported per round and overall:
  * latency: from the fake API taking the event off its queue (to answer GET /next)
    to the runtime's POST .../response being received (median, p99), in microseconds;
  * runtime CPU: utime+stime of the runtime process (/proc/PID/stat) over the N
    invocations, divided by N, in microseconds.
The fake API (http.server) runs in this process, so its own cost is part of the latency
and the same for any runtime.

By default the fake API's replies are buffered so that each goes out in one write, as
nimbus-init's Runtime API does (HttpResponse: "one write, so Nagle never splits them").
With --split-writes the harness is used as-is: it writes the header block and the body
separately, and without TCP_NODELAY; a client that delays its ACK then waits ~40 ms per
/next for the body (Nagle + delayed ACK), which swamps everything else.
"""

import argparse
import glob
import os
import queue
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FIXTURES, RUNTIMES, FakeRuntimeApi, RuntimeProcess  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


class StampedQueue(queue.Queue):
    """Invocation queue that records when the fake API hands an event out."""

    def __init__(self):
        queue.Queue.__init__(self)
        self.handed_out = []

    def get(self, *a, **kw):
        item = queue.Queue.get(self, *a, **kw)
        self.handed_out.append(time.perf_counter())
        return item


class StampedResults(queue.Queue):
    def __init__(self):
        queue.Queue.__init__(self)
        self.received = []

    def put(self, item, *a, **kw):
        self.received.append(time.perf_counter())
        queue.Queue.put(self, item, *a, **kw)


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])   # utime, stime (fields 14, 15)


def default_python():
    paths = sorted(glob.glob("/root/.pyenv/versions/3.11.*/bin/python3.11"))
    return os.path.realpath(paths[-1]) if paths else sys.executable


def one_round(python, bootstrap, n, warmup=50, split_writes=False):
    api = FakeRuntimeApi()
    if not split_writes:
        # http.server flushes wfile after each request: one write per reply.
        api.server.RequestHandlerClass.wbufsize = 65536
    api.invocations = StampedQueue()
    api.results = StampedResults()
    rt = RuntimeProcess([python, "-u", bootstrap], os.path.join(FIXTURES, "python"),
                        "noop.handler", api)
    try:
        for _ in range(warmup):
            api.invoke(b"{}")
        del api.invocations.handed_out[:]
        del api.results.received[:]
        c0 = cpu_ticks(rt.proc.pid)
        for _ in range(n):
            r = api.invoke(b"{}", request_id="8f4c2a1e-1111-2222-3333-444455556666")
            if r.kind != "response":
                raise RuntimeError("unexpected %r" % r)
        c1 = cpu_ticks(rt.proc.pid)
        lat = [(b - a) * 1e6 for a, b in zip(api.invocations.handed_out, api.results.received)]
        per = [(y - x) / CLK_TCK / n * 1e6 for x, y in zip(c0, c1)]
        return lat, per[0] + per[1], per[0]
    finally:
        rt.stop()
        api.close()


def p99(values):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("--python", default=default_python())
    ap.add_argument("--split-writes", action="store_true")
    ap.add_argument("--bootstrap", default=os.path.join(RUNTIMES, "python", "bootstrap.py"))
    args = ap.parse_args()
    args.bootstrap = os.path.abspath(args.bootstrap)   # the runtime's cwd is the task root
    all_lat, cpus, users, meds, p99s = [], [], [], [], []
    for i in range(args.rounds):
        lat, cpu, user = one_round(args.python, args.bootstrap, args.n, split_writes=args.split_writes)
        all_lat += lat
        cpus.append(cpu)
        users.append(user)
        meds.append(statistics.median(lat))
        p99s.append(p99(lat))
        print("round %d: latency median %.0f us, p99 %.0f us; runtime CPU %.0f us/invoke (user %.0f)"
              % (i + 1, meds[-1], p99s[-1], cpu, user))
    print("%s %s%s: N=%d x %d rounds: latency median %.0f us (median of round medians %.0f), "
          "p99 %.0f us (median of round p99s %.0f); runtime CPU median %.0f us/invoke (min %.0f, max %.0f; user median %.0f)"
          % (os.path.basename(args.python), args.bootstrap,
             " (split writes)" if args.split_writes else "", args.n, args.rounds,
             statistics.median(all_lat), statistics.median(meds), p99(all_lat),
             statistics.median(p99s), statistics.median(cpus), min(cpus), max(cpus),
             statistics.median(users)))


if __name__ == "__main__":
    main()
