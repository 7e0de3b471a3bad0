# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for SnapStart's isolation under runc (docs/cold-starts.md#snapstart, "Isolation under
runc"): what a template or a restored runtime must not be able to do to its neighbours. Each case is an attack the
security review of SnapStart under runc found possible; the server at NIMBUS_ENDPOINT runs the runc sandbox as root,
and this script looks at the restored containers from the host.

Usage: python snapstart_isolation.py CASE.
"""
import concurrent.futures
import os
import sys
import tempfile
import uuid

import botocore.exceptions

from invoke import LAM, ROLE, invoke, invoke_json, make_zip
from snapstart import RUNTIME, _host_cgroup, wait_version

# Init may arm one attack (by variable); the handler reports what the test needs from inside the restored runtime.
APP = r'''
import os, signal, socket, struct, time
from snapshot_restore_py import register_after_restore

SWAP_TO = os.environ.get("SWAP_TO")
if SWAP_TO:
    # The template's own code, left in the interpreter: once the template listens, its socket is renamed and a
    # symlink to a host path put in its place (the host binds that path into every restored container).
    _listen = socket.socket.listen

    def _swapping_listen(self, *args):
        _listen(self, *args)
        path = self.getsockname()
        if isinstance(path, str) and path.endswith(".sock"):
            os.rename(path, path + ".moved")
            os.symlink(SWAP_TO, path)

    socket.socket.listen = _swapping_listen

if os.environ.get("THREAD_AT_INIT"):
    import threading
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()

if os.environ.get("SKIP_LOCKDOWN"):
    # The template's own code, changed by init: its runtimes would keep every capability in their user namespace
    # and run without the container's seccomp filter.
    import _nimbus_lockdown
    _nimbus_lockdown.lock_down = lambda *args: None

if os.environ.get("STALL_LOCKDOWN"):
    # The template's own code, changed by init: the runtime it forks never finishes locking itself down, so the
    # child that entered the restored container waits for it for ever.
    import _nimbus_lockdown
    _nimbus_lockdown.lock_down = lambda *args: time.sleep(3600)

HELD = None
if os.environ.get("HOLD_SOCKET"):
    # A connection opened at init (as an SDK's keep-alive pool would): the template's own Runtime API.
    host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rpartition(":")
    HELD = socket.create_connection((host, int(port)))

HOOK_CHILD = {}
if os.environ.get("HOOK_CHILD"):
    @register_after_restore
    def start_child():
        pid = os.fork()
        if pid == 0:
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            time.sleep(600)
            os._exit(0)
        HOOK_CHILD["pid"] = pid


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1][0]
    except OSError:
        return None


def _orphan_reaped():
    """A grandchild whose parent exits becomes the pid namespace's init's child: is it reaped once it exited?"""
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        grandchild = os.fork()
        if grandchild == 0:
            os._exit(0)
        os.write(w, str(grandchild).encode())
        os._exit(0)
    os.close(w)
    grandchild = int(os.read(r, 32))
    os.close(r)
    os.waitpid(child, 0)
    deadline = time.time() + 10  # only bounds the failing case: a reaped orphan is gone at once
    while _state(grandchild) is not None and time.time() < deadline:
        time.sleep(0.01)
    return _state(grandchild)


def _ask_for_fork():
    """Asks the template for a runtime, as nimbus-init does, with this environment's namespaces: its answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect("/run/nimbus/snapshot.sock")
    out_r, out_w = os.pipe()
    env_r, env_w = os.pipe()
    names = ("user", "mnt", "net", "ipc", "uts", "cgroup", "pid")
    namespaces = [os.open("/proc/self/ns/" + name, os.O_RDONLY) for name in names]
    try:
        socket.send_fds(s, [struct.pack("<i", 0)], [out_w, out_w] + namespaces + [env_r])
    except OSError as e:
        return "refused: " + type(e).__name__  # the template closed the connection at once
    finally:
        for fd in [out_w, env_r] + namespaces:
            os.close(fd)
    answer = b""
    while not answer.endswith(b"\n"):
        try:
            chunk = s.recv(64)
        except OSError as e:
            return "refused: " + type(e).__name__
        if not chunk:
            break
        answer += chunk
    os.close(env_w)  # a runtime forked anyway gets no environment and ends
    os.close(out_r)
    s.close()
    return answer.decode()


def handler(event, context):
    result = {"pid": os.getpid(), "pid_namespace": os.readlink("/proc/self/ns/pid"), "hostname": os.uname().nodename}
    with open("/proc/self/status") as f:
        result["status"] = {k: v.strip() for k, _, v in (line.partition(":") for line in f)
                            if k in ("CapEff", "CapBnd", "NoNewPrivs", "Seccomp")}
    if "pid" in HOOK_CHILD:
        result["hook_child"] = HOOK_CHILD["pid"]
    if HELD is not None:
        try:
            HELD.settimeout(10)
            HELD.sendall(b"GET /nimbus-isolation-test HTTP/1.1\r\nHost: x\r\n\r\n")
            data = HELD.recv(64)
            result["held"] = "answered" if data else "closed"
        except socket.timeout:
            result["held"] = "silent"
        except OSError as e:
            result["held"] = "dead: " + type(e).__name__
    if event.get("ask_fork"):
        result["fork_answer"] = _ask_for_fork()
    if event.get("orphan"):
        result["orphan_state"] = _orphan_reaped()
        # SIGINT from inside to the container's PID 1 (the reaper): it must neither end nor stop reaping.
        os.kill(1, signal.SIGINT)
        result["second_orphan_state"] = _orphan_reaped()
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return result
'''


def create(variables=None, **extra):
    name = f"snapiso-{uuid.uuid4().hex[:10]}"
    args = dict(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="app.handler",
                Code={"ZipFile": make_zip({"app.py": APP})}, SnapStart={"ApplyOn": "PublishedVersions"}, **extra)
    if variables:
        args["Environment"] = {"Variables": variables}
    LAM.create_function(**args)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return name


def publish(name, state="Active"):
    version = LAM.publish_version(FunctionName=name)["Version"]
    return version, wait_version(name, version, state)


def _host_pid(namespace, inner_pid):
    """The host pid of the process that is inner_pid in the pid namespace namespace."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != namespace:
                continue
            with open(f"/proc/{pid}/status") as f:
                if int([line.split()[-1] for line in f if line.startswith("NSpid:")][0]) == inner_pid:
                    return int(pid)
        except (OSError, IndexError, ValueError):
            continue
    return None


def _memory_cgroup(pid):
    with open(f"/proc/{pid}/cgroup") as f:
        for line in f.read().splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers in ("", "memory") or "memory" in controllers.split(","):
                return path
    return None


def _cgroup_processes(path):
    """Host pids whose memory cgroup is path."""
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if _memory_cgroup(pid) == path:
                found.add(int(pid))
        except OSError:
            continue
    return found


def case_template_cannot_choose_the_bind_source():
    # Finding 1: the host bound the template's socket by its path in the template's writable directory; the template
    # put a symlink there and the host bound its target (any host path) into restored containers. The version must
    # not get restored environments from such a template.
    marker = tempfile.NamedTemporaryFile("w", delete=False, prefix="host-secret-")
    marker.write("host secret")
    marker.close()
    os.chmod(marker.name, 0o644)
    name = create(variables={"SWAP_TO": marker.name})
    version = LAM.publish_version(FunctionName=name)["Version"]
    config = wait_version(name, version, state="Failed")
    assert config["StateReasonCode"] == "InternalError", config
    assert "socket" in config["StateReason"], config


def case_template_with_threads_fails():
    # Finding 4 (in part): under runc the template runs nothing of the function's once it serves; a thread init left
    # running would, as the uid that owns every restored environment's user namespace. Such a version fails.
    name = create(variables={"THREAD_AT_INIT": "1"})
    version = LAM.publish_version(FunctionName=name)["Version"]
    config = wait_version(name, version, state="Failed")
    assert config["StateReasonCode"] == "FunctionError", config
    assert "init left 1 threads running" in config["StateReason"], config


def case_runtime_not_locked_down_is_refused():
    # The template is the function's interpreter: init's code can skip the lockdown of the runtimes it forks. The
    # host checks each forked runtime (uid, capabilities, no_new_privs, seccomp) before it joins its container; one
    # that fails it fails that environment's start, spare or not: no environment with such a runtime is handed out
    # (not even as one that then reports its runtime gone), and the invoke is refused with SnapStartException.
    name = create(variables={"SKIP_LOCKDOWN": "1"})
    version, _ = publish(name)
    for _ in range(2):  # the first may find the version's spare ready, the second never does
        _expect_restore_refused(name, version)


def case_stuck_entering_child_fails_the_restore():
    # The template's child that entered a restored container waits for the runtime it forked there to lock itself
    # down; one that never does must not hang the template (and every restore of the version behind it): the
    # template gives up on it, and that restore fails with SnapStartException instead of never answering.
    name = create(variables={"STALL_LOCKDOWN": "1"})
    version, _ = publish(name)
    _expect_restore_refused(name, version)


def _expect_restore_refused(name, version):
    try:
        response, body = invoke(name, {}, Qualifier=version)
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "SnapStartException", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        return
    raise AssertionError(f"the restore was not refused: {response}, {body!r}")


def case_restored_code_cannot_order_forks():
    # Finding 2: function code in a restored environment asking the template for one more runtime is refused, and
    # nothing more appears in the template's cgroup.
    name = create(Timeout=60)
    version, _ = publish(name)
    first = invoke_json(name, {}, Qualifier=version)
    # The runtime's parent on the host is its template (a child subreaper): its cgroup is the template's.
    runtime = _host_pid(first["pid_namespace"], first["pid"])
    with open(f"/proc/{runtime}/status") as f:
        template = int([line.split()[-1] for line in f if line.startswith("PPid:")][0])
    template_cgroup = _memory_cgroup(template)
    before = _cgroup_processes(template_cgroup)
    result = invoke_json(name, {"ask_fork": True}, Qualifier=version)
    assert result["pid_namespace"] == first["pid_namespace"], (first, result)  # the same environment
    # Refused: the connection closed without an answer (before or after the request was sent).
    assert result["fork_answer"] == "" or result["fork_answer"].startswith("refused: "), result
    assert _cgroup_processes(template_cgroup) <= before, (template_cgroup, before)


def case_hook_processes_in_the_restored_cgroup():
    # Finding 3: a process an after-restore hook starts is in the restored container's cgroup, not the template's,
    # with or without a spare (three environments at once: at most one of them has the version's spare).
    name = create(variables={"HOOK_CHILD": "1"}, Timeout=60)
    version, _ = publish(name)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: invoke_json(name, {"sleep": 3}, Qualifier=version), range(3)))
    for result in results:
        runtime = _host_cgroup(result["pid_namespace"], result["pid"])
        child = _host_cgroup(result["pid_namespace"], result["hook_child"])
        assert runtime is not None and runtime.rsplit("/", 1)[-1].startswith(result["hostname"]), (runtime, result)
        assert child == runtime, (child, runtime, result)


def case_init_sockets_dead_after_restore():
    # Finding 5: a connection init opened (to the template's own Runtime API) is not usable in a restored runtime:
    # the restored environments would share it, and it reaches the template's network.
    name = create(variables={"HOLD_SOCKET": "1"})
    version, _ = publish(name)
    result = invoke_json(name, {}, Qualifier=version)
    assert result["held"].startswith("dead: "), result


def case_orphans_reaped():
    # Finding 6: the container's PID 1 (the reaper) reaps orphans, and a SIGINT from inside neither ends it nor
    # stops it reaping.
    name = create(Timeout=60)
    version, _ = publish(name)
    result = invoke_json(name, {"orphan": True}, Qualifier=version)
    assert result["orphan_state"] is None, result
    assert result["second_orphan_state"] is None, result


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
