# SPDX-License-Identifier: Apache-2.0
"""What keeps a SnapStart template's neighbours apart (docs/cold-starts.md#snapstart, "Isolation under runc"); used by
_nimbus_snapstart, not for functions to import.

- check_single_threaded: under runc nothing of the function's may run in the template once it serves.
- peer_pid_namespace: who asks the template for a runtime (one per restored pid namespace, for the first to ask).
- kill_inherited_sockets: a restored runtime keeps none of the template's connections.
"""

import os
import socket
import stat
import struct


def check_single_threaded(socket_path):
    """Under runc (seccomp rules beside the socket) the template must run nothing of the function's once it serves:
    a thread init left would run on beside the forks, as the uid that owns every restored environment's user
    namespace (docs/cold-starts.md#snapstart, "What it costs in isolation"). Such an init fails."""
    if not os.path.exists(os.path.join(os.path.dirname(socket_path), "seccomp.json")):
        return
    threads = len(os.listdir("/proc/self/task"))
    if threads > 1:
        raise RuntimeError("SnapStart under the runc sandbox: init left %d threads running; a snapshot is made of a "
                           "single-threaded interpreter (stop or join them in a before-snapshot hook)" % (threads - 1))


def peer_pid_namespace(connection):
    """The inode of the connecting process's pid namespace (SO_PEERCRED, then its /proc entry); None if unknown."""
    try:
        pid = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]
        return os.stat("/proc/%d/ns/pid" % pid).st_ino if pid > 0 else None
    except OSError:
        return None


def kill_inherited_sockets():
    """Every socket the template left open (its Runtime API connection, what init connected: an SDK's keep-alive
    pool) is shared by every restored environment and belongs to the template's network: each becomes a socket
    whose peer is gone (sends fail, reads end, it cannot be connected again), as connections do not survive a
    restore on AWS either. The process's own descriptors (its output pipes, its environment's pipe) are not sockets."""
    dead, peer = socket.socketpair()
    peer.close()
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd < 3 or fd == dead.fileno():
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(dead.fileno(), fd, inheritable=False)
            except OSError:
                pass  # the directory's own descriptor, closed by now
    finally:
        dead.close()
