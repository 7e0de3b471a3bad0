#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""
Measures a published nimbus-init: plays the host (Unix socket, frames), starts runtime.py as the runtime, runs N
invokes one after another and reports the round trip (Invoke frame sent -> Response frame received, median/p99) and
nimbus-init's CPU per invoke (utime+stime from /proc/PID/stat, and the sum of its threads' schedstat run time),
then the memory of the idle process (VmRSS, Pss, Private from smaps_rollup) and its thread count.

  dotnet publish src/Nimbus.Init/Nimbus.Init.csproj -c Release -r linux-x64 -o /tmp/init-aot
  python3 tests/Nimbus.Init.Tests/Measure/measure.py /tmp/init-aot/nimbus-init [--invokes 5000] [--runs 3]
"""
import argparse
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def frame(ftype, headers=(), body=b""):
    parts = [struct.pack("<BH", ftype, len(headers))]
    for name, value in headers:
        n, v = name.encode(), value.encode()
        parts.append(struct.pack("<H", len(n)) + n + struct.pack("<I", len(v)) + v)
    parts.append(body)
    data = b"".join(parts)
    return struct.pack("<I", len(data)) + data


class Reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, bytearray()

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise EOFError("nimbus-init closed the socket")
            self.buf += chunk

    def read(self):
        self._fill(4)
        (length,) = struct.unpack_from("<I", self.buf)
        self._fill(4 + length)
        data = bytes(self.buf[4:4 + length])
        del self.buf[:4 + length]
        ftype, count = struct.unpack_from("<BH", data)
        offset, headers = 3, []
        for _ in range(count):
            (nl,) = struct.unpack_from("<H", data, offset); offset += 2
            name = data[offset:offset + nl].decode(); offset += nl
            (vl,) = struct.unpack_from("<I", data, offset); offset += 4
            headers.append((name, data[offset:offset + vl].decode())); offset += vl
        return ftype, headers, data[offset:]

    def expect(self, ftype):
        while True:
            t, h, b = self.read()
            if t == 6:  # Log
                continue
            if t != ftype:
                raise RuntimeError(f"expected frame {ftype}, got {t} {h} {b[:200]!r}")
            return h, b


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def run_ns(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return total


def memory(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "Threads:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0])
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Pss", "Private_Clean", "Private_Dirty", "Anonymous"):
                out[k] = int(v.split()[0])
    out["Private"] = out["Private_Clean"] + out["Private_Dirty"]
    return out


def one_run(binary, invokes, warmup, idle_wait):
    directory = tempfile.mkdtemp(prefix="nimbus-measure-")
    path = os.path.join(directory, "host.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    env = {"NIMBUS_INIT_SOCKET": path, "NIMBUS_RUNTIME_API": "127.0.0.1:0", "PATH": os.environ["PATH"]}
    env.update((k, v) for k, v in os.environ.items() if k.startswith("DOTNET_"))  # e.g. DOTNET_GCgen0size to compare
    proc = subprocess.Popen([binary], env=env)
    try:
        conn, _ = listener.accept()
        reader = Reader(conn)
        reader.expect(1)  # Hello
        headers = [("cmd", sys.executable), ("arg", os.path.join(HERE, "runtime.py")), ("cwd", directory),
                   ("env", "PATH=" + os.environ["PATH"])]
        conn.sendall(frame(10, headers))
        reader.expect(2)  # Ready

        def invoke(i):
            conn.sendall(frame(11, [("request-id", f"req-{i:08d}"), ("deadline-ms", "1893456000000"),
                                    ("function-arn", "arn:aws:lambda:us-east-1:123456789012:function:f")], b'{"n":1}'))
            reader.expect(4)  # Response

        # One invocation, then idle: the memory of an environment waiting for its next call.
        invoke(0)
        time.sleep(idle_wait)
        mem_one = memory(proc.pid)

        for i in range(warmup):
            invoke(1 + i)
        ticks0, ns0 = cpu_ticks(proc.pid), run_ns(proc.pid)
        times = []
        for i in range(invokes):
            t0 = time.perf_counter_ns()
            invoke(100000 + i)
            times.append(time.perf_counter_ns() - t0)
        ticks1, ns1 = cpu_ticks(proc.pid), run_ns(proc.pid)
        time.sleep(idle_wait)
        mem_many = memory(proc.pid)
        conn.sendall(frame(12, [("grace-ms", "1000")]))
        try:
            reader.expect(7)
        except EOFError:
            pass
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        listener.close()
        os.unlink(path)
        os.rmdir(directory)

    times.sort()
    return {
        "median_us": times[len(times) // 2] / 1000,
        "p99_us": times[int(len(times) * 0.99)] / 1000,
        "cpu_us_ticks": (ticks1 - ticks0) * 1e6 / TICK / invokes,
        "cpu_us_sched": (ns1 - ns0) / 1000 / invokes,
        "mem_one": mem_one,
        "mem_many": mem_many,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--invokes", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle-wait", type=float, default=1.0)
    args = parser.parse_args()
    results = []
    for r in range(args.runs):
        res = one_run(args.binary, args.invokes, args.warmup, args.idle_wait)
        results.append(res)
        m1, mn = res["mem_one"], res["mem_many"]
        print(f"run {r + 1}: rtt median {res['median_us']:.0f} us p99 {res['p99_us']:.0f} us | init cpu/invoke "
              f"{res['cpu_us_sched']:.0f} us (sched) {res['cpu_us_ticks']:.0f} us (ticks) | idle after 1: "
              f"RSS {m1['VmRSS']} Pss {m1['Pss']} Private {m1['Private']} Anon {m1['Anonymous']} kB threads {m1['Threads']} | "
              f"after {args.invokes}: RSS {mn['VmRSS']} Private {mn['Private']} kB threads {mn['Threads']}", flush=True)
    med = lambda key: statistics.median(r[key] for r in results)
    medm = lambda which, key: statistics.median(r[which][key] for r in results)
    print(f"MEDIAN of {args.runs}: rtt median {med('median_us'):.0f} us p99 {med('p99_us'):.0f} us | init cpu/invoke "
          f"{med('cpu_us_sched'):.0f} us (sched) {med('cpu_us_ticks'):.0f} us (ticks) | idle after 1: RSS "
          f"{medm('mem_one', 'VmRSS'):.0f} Pss {medm('mem_one', 'Pss'):.0f} Private {medm('mem_one', 'Private'):.0f} kB "
          f"threads {medm('mem_one', 'Threads'):.0f} | after many: RSS {medm('mem_many', 'VmRSS'):.0f} Private "
          f"{medm('mem_many', 'Private'):.0f} kB")


if __name__ == "__main__":
    main()
