# SPDX-License-Identifier: Apache-2.0
"""Nimbus's SnapStart template for Python (docs/cold-starts.md#snapstart); not for functions to import.

A SnapStart version's template is this interpreter after its init: the handler imported and the before-snapshot hooks
run. It then waits on a Unix socket; each request comes from nimbus-init of a new environment of the version and
carries the runtime's environment, with the write ends of that environment's stdout and stderr pipes attached
(SCM_RIGHTS). The template forks and answers "pid N": the child takes the two pipes, the environment, fresh random
state and runs the after-restore hooks, then serves invocations like any runtime, adopted by that nimbus-init. The
template reports each child's end ("exit N" / "signal N") and kills the child when its nimbus-init's connection closes.

Under the runc sandbox (a seccomp.json beside the socket, written by the host) the request also carries the new
environment's namespaces (user, mnt, net, ipc, uts, cgroup, pid; nimbus-init's own). The child enters them and forks
once more: the grandchild is the runtime, in the new container's pid namespace, and locks itself down there
(_nimbus_lockdown: no capabilities, no_new_privs, not dumpable, the container's seccomp rules). The child exits at
once; the template is a child subreaper, so it stays the runtime's parent and reaps it. The answer's pid is the
runtime's pid inside its container, where nimbus-init signals it.
"""

import ctypes
import gc
import json
import os
import random
import select
import selectors
import signal
import socket
import struct
import sys
import time

import snapshot_restore_py
from _nimbus_isolation import check_single_threaded, kill_inherited_sockets, peer_pid_namespace  # noqa: F401

# How long the template waits for a child that enters a restored container to report its runtime locked down. It
# takes milliseconds; one that never reports (init's code changed what it runs) would otherwise hold the template,
# and every restore of the version behind it, for ever. The restore phase's own limit (AWS's 10 s init limit).
ENTER_LIMIT_SECONDS = 10.0
# The restored environment's abstract Runtime API socket (_restore takes it from the environment), else None.
runtime_api_socket = None
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_OUTPUT_FDS = 2
_NAMESPACE_FDS = 7  # _nimbus_lockdown.NAMESPACES, in that order, after the two pipes
_MAX_FDS = _OUTPUT_FDS + _NAMESPACE_FDS + 1  # and, when nimbus-init forks its runtime ahead, its environment's pipe
_libc = ctypes.CDLL(None, use_errno=True)
# Looked up in the template, once: a child only calls it.
_prctl = _libc.prctl


def run_before_snapshot():
    hooks = snapshot_restore_py.get_before_snapshot()
    while hooks:
        func, args, kwargs = hooks.pop()  # the last registered first
        func(*args, **kwargs)


def run_after_restore():
    for func, args, kwargs in snapshot_restore_py.get_after_restore():
        func(*args, **kwargs)


def serve(socket_path, announce_ready):
    """Serves fork requests for ever; returns only in a forked child, with its environment in place: None, or the
    exception an after-restore hook raised."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(socket_path)
    except FileNotFoundError:
        pass
    listener.bind(socket_path)
    listener.listen(128)
    lockdown = _runc_lockdown(socket_path)
    # The runtimes forked under runc are the template's grandchildren: this keeps them its children once their
    # parent (which only entered the container's namespaces) exits.
    _prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    # What init made is moved out of the collector's reach (Python's advice for fork without exec): a collection in a
    # child never walks it, so its pages stay shared with the template instead of being copied at the first write.
    gc.collect()
    gc.freeze()
    announce_ready()

    own_namespace = os.stat("/proc/self/ns/pid").st_ino
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(wake_r, selectors.EVENT_READ, "reap")
    requests = {}  # connection -> bytes read so far
    peers = {}  # connection -> the asking process's pid namespace (runc)
    # Pid namespaces (inode numbers) a runtime was forked into (runc), once each, with the fd of each held open while
    # its connection lasts: a namespace's inode number is free for the kernel to reuse once the namespace is gone,
    # and the next restored container would then be refused as one already served.
    forked_for = {}
    held = {}  # connection -> the namespace it was served for

    def forget(connection):
        namespace = held.pop(connection, None)
        if namespace is not None:
            os.close(forked_for.pop(namespace))
        _forget(connection, running, selector)

    descriptors = {}  # connection -> fds received so far
    running = {}  # connection -> child pid
    owners = {}  # child pid -> connection
    while True:
        for key, _ in selector.select():
            if key.data == "accept":
                connection, _ = listener.accept()
                if lockdown:
                    # Under runc one runtime per restored container, for the first to ask: its nimbus-init, at its
                    # start, before any of the function's code runs there. Anything else is refused.
                    namespace = peer_pid_namespace(connection)
                    if namespace is None or namespace in forked_for or namespace == own_namespace:
                        connection.close()
                        continue
                    peers[connection] = namespace
                requests[connection] = b""
                descriptors[connection] = []
                selector.register(connection, selectors.EVENT_READ, "request")
            elif key.data == "reap":
                _reap(wake_r, owners, running, forget)
            else:
                connection = key.fileobj
                try:
                    data, fds, _, _ = socket.recv_fds(connection, 65536, _MAX_FDS)
                except OSError:
                    data, fds = b"", []
                if connection in running:
                    _close_all(fds)
                    if not data:
                        # nimbus-init is gone (its environment ended): so does the child, with its own children.
                        _kill(running[connection])
                        forget(connection)
                    continue
                descriptors[connection].extend(fds)
                if not data:
                    requests.pop(connection, None)
                    peers.pop(connection, None)
                    _close_all(descriptors.pop(connection, []))
                    forget(connection)
                    continue
                buffer = requests[connection] + data
                requests[connection] = buffer
                if len(buffer) < 4 or len(buffer) < 4 + struct.unpack_from("<i", buffer)[0]:
                    continue
                del requests[connection]
                received = descriptors.pop(connection)
                output, namespaces = received[:_OUTPUT_FDS], received[_OUTPUT_FDS:_OUTPUT_FDS + _NAMESPACE_FDS]
                environment_pipe = received[_MAX_FDS - 1:]
                namespace = peers.pop(connection, None)
                if len(output) != _OUTPUT_FDS or (lockdown and len(namespaces) != _NAMESPACE_FDS) or \
                        (environment_pipe and not lockdown) or \
                        (lockdown and (namespace in forked_for or os.fstat(namespaces[-1]).st_ino != namespace)):
                    # Under runc the pid namespace sent must be the asker's own, not yet given a runtime.
                    _close_all(received)
                    forget(connection)
                    continue
                if lockdown:
                    forked_for[namespace] = os.dup(namespaces[-1])  # held while its connection lasts (above)
                    held[connection] = namespace
                if not lockdown:
                    # The process sandbox: nimbus-init's namespaces are the host's, nothing to enter.
                    _close_all(namespaces)
                    namespaces = []
                report_r, report_w = os.pipe() if lockdown else (-1, -1)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    listener.close()
                    for other in list(requests) + list(running):
                        other.close()
                    for other in descriptors.values():
                        _close_all(other)
                    _close_all(list(forked_for.values()))  # other environments' pid namespaces: none of its business
                    os.close(wake_r)
                    os.close(wake_w)
                    if lockdown:
                        os.close(report_r)
                        return _become_entered_child(buffer[4:], connection, output, namespaces + environment_pipe,
                                                     report_w, lockdown)
                    return _become_child(buffer[4:], connection, output)
                _close_all(output)
                _close_all(namespaces)
                _close_all(environment_pipe)
                inner = pid
                if lockdown:
                    pid, inner = _entered_runtime(pid, report_r, report_w)
                    if pid is None:
                        try:
                            # Why, for nimbus-init's error (anything but "pid N" fails its start).
                            connection.sendall(inner.encode("ascii", "replace") + b"\n")
                        except OSError:
                            pass
                        forget(connection)
                        continue
                running[connection] = pid
                owners[pid] = connection
                try:
                    connection.sendall(b"pid %d\n" % inner)
                except OSError:
                    _kill(pid)


def _runc_lockdown(socket_path):
    """(architectures, rules) of the container's seccomp filter when the host wrote them beside the socket (runc);
    None under the process sandbox."""
    path = os.path.join(os.path.dirname(socket_path), "seccomp.json")
    try:
        with open(path) as f:
            seccomp = json.load(f)
    except FileNotFoundError:
        return None
    import _nimbus_lockdown

    # Loaded here once: a restored runtime loads nothing more (its mount namespace is the new container's by then).
    ctypes.CDLL("libseccomp.so.2", use_errno=True)
    rules = []
    for syscall in seccomp["syscalls"]:
        masked = None
        for arg in syscall.get("args", []):
            masked = (arg["index"], arg["value"], arg["valueTwo"])  # SCMP_CMP_MASKED_EQ, the only form written
        rules.append(_nimbus_lockdown.Rule(syscall["names"], syscall["errnoRet"], masked))
    return seccomp["architectures"], rules


def _entered_runtime(child, report_r, report_w):
    """The template's side of a fork under runc: the child entered the namespaces, forked the runtime, wrote its pid
    (as the template sees it) once the runtime locked itself down, and exited. Returns (pid here, pid inside its
    container), or (None, why not). A child that has not reported within ENTER_LIMIT_SECONDS is killed; the runtime
    it forked, if any, dies with its container (the host ends it when this restore fails)."""
    os.close(report_w)
    data = b""
    deadline = time.monotonic() + ENTER_LIMIT_SECONDS
    poller = select.poll()
    poller.register(report_r, select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            os.close(report_r)
            os.kill(child, signal.SIGKILL)  # the child alone: its process group is the template's
            os.waitpid(child, 0)
            return None, "error: the runtime did not enter the environment within %g s" % ENTER_LIMIT_SECONDS
        chunk = os.read(report_r, 64)
        if not chunk:
            break
        data += chunk
    os.close(report_r)
    os.waitpid(child, 0)  # reaped here, before the loop's SIGCHLD handling could
    if not data.strip():
        return None, "error: the runtime could not enter the environment or lock itself down"
    pid = int(data)
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return pid, int(line.split()[-1])
    except OSError:
        pass
    _kill(pid)
    return None, "error: the runtime ended before it was reported"


def _close_all(fds):
    for fd in fds:
        os.close(fd)


def _kill(pid):
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
            return
        except OSError:
            pass


def _forget(connection, running, selector):
    running.pop(connection, None)
    try:
        selector.unregister(connection)
    except (KeyError, ValueError):
        pass
    connection.close()


def _reap(wake_r, owners, running, forget):
    try:
        while os.read(wake_r, 512):
            pass
    except BlockingIOError:
        pass
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = owners.pop(pid, None)
        if connection is None or running.get(connection) != pid:
            continue
        if os.WIFSIGNALED(status):
            answer = "signal %d\n" % os.WTERMSIG(status)
        else:
            answer = "exit %d\n" % os.waitstatus_to_exitcode(status)
        try:
            connection.sendall(answer.encode("ascii"))
        except OSError:
            pass
        forget(connection)


def _become_entered_child(request, connection, output, namespaces, report_w, lockdown):
    """Under runc: enters the new container's namespaces and forks the runtime there; only the runtime returns."""
    import _nimbus_lockdown

    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connection.close()
    cwd = os.getcwd()
    environment_pipe = namespaces[_NAMESPACE_FDS:]
    namespaces = namespaces[:_NAMESPACE_FDS]
    try:
        _nimbus_lockdown.enter(dict(zip(_nimbus_lockdown.NAMESPACES, namespaces)))
        _close_all(namespaces)
        locked_r, locked_w = os.pipe()
        pid = os.fork()
    except BaseException as e:  # noqa: BLE001 - nothing may run on in a half-entered process
        _write_output(output, "SnapStart: entering the environment failed: %r\n" % (e,))
        os._exit(70)
    if pid:
        # The runtime's pid is reported once it is locked down: the host checks it then (RuncLockdownCheck).
        os.close(locked_w)
        if os.read(locked_r, 1) == b"l":
            os.write(report_w, b"%d" % pid)
        os._exit(0)
    os.close(report_w)
    os.close(locked_r)
    # Its own process group (nimbus-init kills it with its children). It dies with its container's pid namespace,
    # which the template's container's contains, rather than by PR_SET_PDEATHSIG (its parent here is about to exit).
    os.setsid()
    _take_output(output)
    try:
        _nimbus_lockdown.lock_down(*lockdown)
        os.chdir(cwd)
    except BaseException as e:  # noqa: BLE001 - a runtime that could not lock itself down must not run a function
        os.write(2, ("SnapStart: locking the restored runtime down failed: %r\n" % (e,)).encode())
        os._exit(71)
    os.write(locked_w, b"l")
    os.close(locked_w)
    if environment_pipe:
        # Forked ahead (a spare environment): the environment comes when the environment is taken; nothing of the
        # function runs before. End of file without it: the environment went unused.
        request = _read_all(environment_pipe[0])[4:]
        os.close(environment_pipe[0])
        if not request:
            os._exit(0)
    return _restore(request)


def _read_all(fd):
    data = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk


def _write_output(output, message):
    try:
        os.write(output[1], message.encode())
    except OSError:
        pass


def _take_output(output):
    """The environment's stdout and stderr pipes, which its nimbus-init reads."""
    for fd, target in zip((1, 2), output):
        os.dup2(target, fd)
        os.close(target)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)


def _become_child(request, connection, output):
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Its own process group (the template kills it with its children) and death with the template.
    os.setsid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    connection.close()
    _take_output(output)
    return _restore(request)


def after_restore_in_spare():
    """A pre-initialized spare was taken: what a restore does besides the environment; the hooks' error, if any."""
    # Each spare ran its own init, so its random state is its own already; seeded again all the same, as after a restore.
    random.seed()
    try:
        run_after_restore()
    except Exception as e:
        return e
    return None


def _restore(request):
    kill_inherited_sockets()
    os.environ.clear()
    for entry in request.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep:
            os.environ[os.fsdecode(name)] = os.fsdecode(value)
    # The template placed the Python SDK on sys.path already; the variable that named it is the platform's own.
    os.environ.pop("_NIMBUS_PYTHON_SDK", None)
    # The restored environment's Runtime API socket, for bootstrap.py's client; not the hooks' to see.
    global runtime_api_socket
    runtime_api_socket = os.environ.pop("_NIMBUS_RUNTIME_API_SOCKET", None)

    # Uniqueness (as AWS documents for SnapStart): Python's random is seeded again from os.urandom in each environment.
    random.seed()
    try:
        run_after_restore()
    except Exception as e:
        return e
    return None
