# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for the runc sandbox: each function tries to break one of Lambda's limits.

Usage: python isolation.py CASE [ARGS]. The server at NIMBUS_ENDPOINT must run with the runc backend.
"""
import json
import os
import sys
import time
import uuid

from invoke import LAM, deploy, invoke, invoke_json

PROBE = r'''
import json, os, socket, subprocess, sys, time
INVOCATIONS = [0]

def handler(event, context):
    kind = event["kind"]
    if kind == "identity":
        status = open("/proc/self/status").read()
        caps = {line.split(":")[0]: line.split(":")[1].strip() for line in status.splitlines() if line.startswith("Cap")}
        pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        return {"uid": os.getuid(), "gid": os.getgid(), "caps": caps, "pids": pids, "hostname": socket.gethostname(),
                "cwd": os.getcwd(), "task_root": os.environ["LAMBDA_TASK_ROOT"]}
    if kind == "write":
        results = {}
        for path in event["paths"]:
            try:
                with open(path, "w") as f:
                    f.write("x")
                results[path] = "written"
            except OSError as error:
                results[path] = error.strerror
        return results
    if kind == "fill_tmp":
        written = 0
        chunk = b"\0" * (1024 * 1024)
        try:
            with open("/tmp/fill.bin", "wb") as f:
                while written < event["mb"]:
                    f.write(chunk)
                    f.flush()
                    written += 1
            error = None
        except OSError as e:
            error = e.strerror
        finally:
            os.remove("/tmp/fill.bin")
        return {"written_mb": written, "error": error}
    if kind == "allocate":
        blocks = []
        for _ in range(event["mb"]):
            blocks.append(bytearray(1024 * 1024))
        return len(blocks)
    if kind == "spin":
        # Burns cpu_seconds of CPU time; returns the share of the wall-clock time it got (at most the quota).
        cpu_start, wall_start = time.process_time(), time.monotonic()
        while time.process_time() - cpu_start < event["cpu_seconds"]:
            pass
        return {"share": (time.process_time() - cpu_start) / (time.monotonic() - wall_start)}
    if kind == "connect":
        try:
            socket.create_connection((event["host"], event["port"]), timeout=2).close()
            return "connected"
        except OSError as error:
            return type(error).__name__ + ": " + str(error)
    if kind == "tmp_marker":
        mine = "/tmp/marker-" + event["marker"]
        open(mine, "w").close()
        time.sleep(event.get("sleep", 0))
        return sorted(name for name in os.listdir("/tmp") if name.startswith("marker-"))
    if kind == "pid_namespace":
        return os.readlink("/proc/self/ns/pid")
    if kind == "default_route":
        with open("/proc/net/route") as routes:
            return [line.split()[0] for line in routes.read().splitlines()[1:] if line.split()[1] == "00000000"]
    if kind == "runtime_connection":
        # The runtime client's own sockets: over a Unix socket (nimbus-init's abstract one), none over TCP.
        inodes = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                link = os.readlink("/proc/self/fd/" + fd)
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])

        def listed(path, column):
            try:
                with open(path) as f:
                    return {line.split()[column] for line in f.read().splitlines()[1:]}
            except OSError:
                return set()

        tcp = listed("/proc/net/tcp", 9) | listed("/proc/net/tcp6", 9)
        INVOCATIONS[0] += 1
        return {"unix": len(inodes & listed("/proc/net/unix", 6)), "tcp": len(inodes & tcp),
                "variable": "_NIMBUS_RUNTIME_API_SOCKET" in os.environ, "invocation": INVOCATIONS[0]}
    if kind == "platform":
        import boto3
        return boto3.client("lambda").get_function_configuration(FunctionName=context.function_name)["FunctionName"]
    raise ValueError(kind)
'''


def deploy_probe(**extra):
    extra.setdefault("Timeout", 60)
    return deploy({"app.py": PROBE}, **extra)


def case_identity_and_filesystem():
    name = deploy_probe()
    me = invoke_json(name, {"kind": "identity"})
    assert me["uid"] != 0 and me["gid"] != 0, me
    assert all(value == "0000000000000000" for key, value in me["caps"].items() if key in ("CapEff", "CapPrm", "CapBnd", "CapAmb")), me["caps"]
    assert me["task_root"] == "/var/task" and me["cwd"] == "/var/task", me
    assert len(me["pids"]) <= 5, f"/proc must show only the environment's processes: {me['pids']}"
    written = invoke_json(name, {"kind": "write", "paths": ["/var/task/new.txt", "/new.txt", "/etc/new.txt", "/tmp/ok.txt"]})
    assert written["/tmp/ok.txt"] == "written", written
    for path in ("/var/task/new.txt", "/new.txt", "/etc/new.txt"):
        assert written[path] in ("Read-only file system", "Permission denied"), written


def case_tmp_is_limited():
    name = deploy_probe(MemorySize=1024, EphemeralStorage={"Size": 512})
    result = invoke_json(name, {"kind": "fill_tmp", "mb": 600})
    assert result["error"] == "No space left on device", result
    assert 500 <= result["written_mb"] <= 512, result


def case_memory_limit():
    name = deploy_probe(MemorySize=128)
    response, body = invoke(name, {"kind": "allocate", "mb": 400})
    error = json.loads(body)
    assert response.get("FunctionError") == "Unhandled" and error["errorType"] == "Runtime.OutOfMemory", (response, error)
    assert error["errorMessage"].endswith("Error: Runtime exited with error: signal: killed"), error
    assert invoke_json(name, {"kind": "allocate", "mb": 10}) == 10, "the next invoke gets a new, working environment"


def cpu_quota_on_host(function_name):
    """The CPU quota (microseconds per 100 ms) of the function's environment, read on the host from the cgroup of a
    process in the environment's pid namespace (which the function names; /proc/PID/environ would not do: a stem
    cell's runtime got its function's environment after it started)."""
    namespace = invoke_json(function_name, {"kind": "pid_namespace"})
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != namespace:
                continue
            with open(f"/proc/{pid}/cgroup") as cgroup:
                lines = [line.split(":", 2) for line in cgroup.read().splitlines()]
        except OSError:
            continue
        for _, controllers, path in lines:
            if "cpu" in controllers.split(","):  # cgroup v1: the cpu controller's own hierarchy
                with open(f"/sys/fs/cgroup/{controllers}{path}/cpu.cfs_quota_us") as quota:
                    return int(quota.read())
        for _, controllers, path in lines:
            if controllers == "":  # cgroup v2
                with open(f"/sys/fs/cgroup{path}/cpu.max") as quota:
                    value = quota.read().split()[0]
                    return -1 if value == "max" else int(value)
    raise AssertionError(f"no process of {function_name} on this host")


def case_cpu_follows_memory():
    # Lambda's share: MemorySize / 1,769 MB of one vCPU per 100 ms period (128 MB: 7,235.7 us, rounded up).
    small = deploy_probe(MemorySize=128)
    large = deploy_probe(MemorySize=1769)
    invoke_json(small, {"kind": "spin", "cpu_seconds": 0})
    invoke_json(large, {"kind": "spin", "cpu_seconds": 0})
    assert cpu_quota_on_host(small) == 7236, cpu_quota_on_host(small)
    assert cpu_quota_on_host(large) == 100000, cpu_quota_on_host(large)
    # The kernel holds the small one to its quota: over 50 ms of CPU time (several periods) it gets at most about
    # 7% of the wall clock. A loaded machine only lowers the share, so the bound holds there too.
    share = invoke_json(small, {"kind": "spin", "cpu_seconds": 0.05})["share"]
    assert share < 0.2, f"128 MB got {share:.0%} of a CPU"


def case_network():
    name = deploy_probe()
    port = int(sys.argv[2])
    result = invoke_json(name, {"kind": "connect", "host": "127.0.0.1", "port": port})
    assert result != "connected", "the host's loopback services must not be reachable"
    result = invoke_json(name, {"kind": "connect", "host": "10.0.2.2", "port": port})
    assert result != "connected", "the host's loopback must not be reachable through the NAT either"
    assert invoke_json(name, {"kind": "platform"}) == name, "Nimbus's own API is reachable at AWS_ENDPOINT_URL"


def case_outbound_network_per_function():
    # The NAT gives a sandbox a default route (tap0); without it there is only loopback. No traffic is sent.
    probe = {"kind": "default_route"}
    with_nat = deploy_probe()
    assert invoke_json(with_nat, probe) == ["tap0"], invoke_json(with_nat, probe)
    without = deploy_probe(Tags={"nimbus:outbound-network": "false"})
    assert invoke_json(without, probe) == [], "a function tagged nimbus:outbound-network=false has no route out"
    # Removing the tag takes effect for new environments.
    LAM.untag_resource(Resource=f"arn:aws:lambda:us-east-1:000000000000:function:{without}", TagKeys=["nimbus:outbound-network"])
    assert invoke_json(without, probe) == ["tap0"]


def case_runtime_api_over_a_unix_socket():
    name = deploy_probe()
    for invocation in (1, 2):
        # The first invocation is nimbus-init's, the second the server's on the connection handed over: the same
        # environment (a handover that failed would end it, and the second would find a new one).
        connection = invoke_json(name, {"kind": "runtime_connection"})
        assert connection["unix"] >= 1 and connection["tcp"] == 0 and not connection["variable"], connection
        assert connection["invocation"] == invocation, connection


def case_tmp_is_private():
    import concurrent.futures
    name = deploy_probe()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        # 5 s each: concurrent only if the other request reaches the server inside it (plus a cold start); one late past it
        # would reuse the first environment and see its marker.
        seen = list(pool.map(lambda marker: invoke_json(name, {"kind": "tmp_marker", "marker": marker, "sleep": 5}), ["a", "b"]))
    assert sorted(seen) == [["marker-a"], ["marker-b"]], seen


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
