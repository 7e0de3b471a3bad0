#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reads `perf script -F pid,tid,time,event,trace` of one client invoking a warm function and prints where each
round trip's time went: the hand-offs (from a send to its receiver getting a CPU) and the stretches of work between
the client's request and its answer.

usage: analyze.py SCRIPT_OUTPUT TASKS CLIENT_PID SERVER_PID RUNTIME_PID
TASKS: lines "TID WHO" (WHO client, server or runtime) for every thread of the three, taken while they ran.

A send is write(2) by the client (wrk) and the runtime (Python's os.write, Node's writev), sendto(2)/sendmsg(2) by
the server (its sockets; its own write(2)s wake its threads through an eventfd and are not sends). A receiver "got a
CPU" when the thread that makes the next send was last switched in; a thread already running when the data came
waited for nothing (its hand-off counts 0).
"""
import re
import statistics
import sys

STEPS = [
    "client -> server (the request's hand-off)",
    "server: request -> event written",
    "server -> runtime (the event's hand-off)",
    "runtime: event -> result written",
    "runtime -> server (the result's hand-off)",
    "server: result -> answer written",
    "server -> client (the answer's hand-off)",
]
SENDS = {
    "client": ("syscalls:sys_enter_write:",),
    "runtime": ("syscalls:sys_enter_write:", "syscalls:sys_enter_writev:", "syscalls:sys_enter_sendto:",
                "syscalls:sys_enter_sendmsg:"),
    "server": ("syscalls:sys_enter_sendto:", "syscalls:sys_enter_sendmsg:"),
}
LINE = re.compile(r"^\s*(\d+)/(\d+)\s+([\d.]+):\s+(\S+)\s*(.*)$")
NEXT = re.compile(r"next_pid=(\d+)")


def main():
    path, tasks_path = sys.argv[1], sys.argv[2]
    roles = {int(sys.argv[3]): "client", int(sys.argv[4]): "server", int(sys.argv[5]): "runtime"}
    tasks = {}
    for line in open(tasks_path):
        tid, who = line.split()
        tasks[int(tid)] = who

    last_on = {}  # tid -> when it last got a CPU
    order = ["client", "server", "runtime", "server"]  # whose send comes next in a round trip
    points, cycles, step = [], [], 0
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        pid, tid, time, event = int(m.group(1)), int(m.group(2)), float(m.group(3)), m.group(4)
        if event == "sched:sched_switch:":
            n = NEXT.search(m.group(5))
            if n and int(n.group(1)) in tasks:
                last_on[int(n.group(1))] = time
            continue
        who = roles.get(pid)
        if who is None or event not in SENDS[who]:
            continue
        if who == "client":
            if step == len(order):
                # The answer's hand-off ends when the client got a CPU to read it (and then sent the next request).
                points.append(max(points[-1], last_on.get(tid, points[-1])))
                cycles.append([b - a for a, b in zip(points, points[1:])])
            points, step = [time], 1
            continue
        if step == 0 or step == len(order) or order[step] != who:
            continue  # not the send this round trip waits for (e.g. a second write of the same answer)
        points.append(max(points[-1], last_on.get(tid, points[-1])))
        points.append(time)
        step += 1
    if not cycles:
        sys.exit("no complete round trip found (are the pids right?)")
    print("%d round trips; microseconds, median (p90):" % len(cycles))
    for i, name in enumerate(STEPS):
        values = sorted(c[i] * 1e6 for c in cycles)
        print("  %-44s %7.1f  (%7.1f)" % (name, statistics.median(values), values[int(len(values) * 0.9)]))
    totals = sorted(sum(c) * 1e6 for c in cycles)
    print("  %-44s %7.1f  (%7.1f)" % ("round trip", statistics.median(totals), totals[int(len(totals) * 0.9)]))


if __name__ == "__main__":
    main()
