# SPDX-License-Identifier: Apache-2.0
"""Nimbus's SnapStart template for Python (docs/cold-starts.md#snapstart); not for functions to import.

A SnapStart version's template is this interpreter after its init: the handler imported and the before-snapshot hooks
run. It then waits on a Unix socket; each request comes from nimbus-init of a new environment of the version and
carries the runtime's environment, with the write ends of that environment's stdout and stderr pipes attached
(SCM_RIGHTS). The template forks and answers "pid N": the child takes the two pipes, the environment, fresh random
state and runs the after-restore hooks, then serves invocations like any runtime, adopted by that nimbus-init. The
template reports each child's end ("exit N" / "signal N") and kills the child when its nimbus-init's connection closes.
"""

import ctypes
import gc
import os
import random
import selectors
import signal
import socket
import struct
import sys

import snapshot_restore_py

_PR_SET_PDEATHSIG = 1
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

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(wake_r, selectors.EVENT_READ, "reap")
    requests = {}  # connection -> bytes read so far
    descriptors = {}  # connection -> fds received so far
    running = {}  # connection -> child pid
    owners = {}  # child pid -> connection
    while True:
        for key, _ in selector.select():
            if key.data == "accept":
                connection, _ = listener.accept()
                requests[connection] = b""
                descriptors[connection] = []
                selector.register(connection, selectors.EVENT_READ, "request")
            elif key.data == "reap":
                _reap(wake_r, owners, running, selector)
            else:
                connection = key.fileobj
                try:
                    data, fds, _, _ = socket.recv_fds(connection, 65536, 2)
                except OSError:
                    data, fds = b"", []
                if connection in running:
                    _close_all(fds)
                    if not data:
                        # nimbus-init is gone (its environment ended): so does the child, with its own children.
                        _kill(running[connection])
                        _forget(connection, running, selector)
                    continue
                descriptors[connection].extend(fds)
                if not data:
                    requests.pop(connection, None)
                    _close_all(descriptors.pop(connection, []))
                    _forget(connection, running, selector)
                    continue
                buffer = requests[connection] + data
                requests[connection] = buffer
                if len(buffer) < 4 or len(buffer) < 4 + struct.unpack_from("<i", buffer)[0]:
                    continue
                del requests[connection]
                output = descriptors.pop(connection)
                if len(output) != 2:
                    _close_all(output)
                    _forget(connection, running, selector)
                    continue
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
                    os.close(wake_r)
                    os.close(wake_w)
                    return _become_child(buffer[4:], connection, output)
                _close_all(output)
                running[connection] = pid
                owners[pid] = connection
                try:
                    connection.sendall(b"pid %d\n" % pid)
                except OSError:
                    _kill(pid)


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


def _reap(wake_r, owners, running, selector):
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
        _forget(connection, running, selector)


def _become_child(request, connection, output):
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Its own process group (the template kills it with its children) and death with the template.
    os.setsid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    connection.close()

    # The environment's stdout and stderr pipes, which its nimbus-init reads.
    for fd, target in zip((1, 2), output):
        os.dup2(target, fd)
        os.close(target)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    os.environ.clear()
    for entry in request.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep:
            os.environ[os.fsdecode(name)] = os.fsdecode(value)
    # The template placed the Python SDK on sys.path already; the variable that named it is the platform's own.
    os.environ.pop("_NIMBUS_PYTHON_SDK", None)

    # Uniqueness (as AWS documents for SnapStart): Python's random is seeded again from os.urandom in each environment.
    random.seed()
    try:
        run_after_restore()
    except Exception as e:
        return e
    return None
