# SPDX-License-Identifier: Apache-2.0
"""Entering a runc container and locking down there, for SnapStart under runc (docs/cold-starts.md); not for
functions to import.

A template's child enters a restored environment's namespaces (enter) and then takes on, by itself, what runc gives
every process it starts (lock_down): no capabilities (effective, permitted, inheritable, ambient, bounding set),
no_new_privs, not dumpable, and the container's seccomp filter. The filter is built with libseccomp, the library runc
uses for the same JSON rules, so its rules are the ones RuncConfigWriter writes, passed in by the host rather than
listed twice. Both functions must run in a single-threaded process (a forked child): the kernel refuses setns into a
user or mount namespace otherwise, and the seccomp filter is installed for the calling thread only.
"""

import ctypes
import os

# The order matters: the user namespace first (it grants the capabilities the others need), the pid namespace last
# (it only decides where the next fork lands).
NAMESPACES = ("user", "mnt", "net", "ipc", "uts", "cgroup", "pid")

_PR_CAPBSET_DROP = 24
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522

_SCMP_ACT_ALLOW = 0x7FFF0000
_SCMP_CMP_MASKED_EQ = 7


def _scmp_act_errno(errno):
    return 0x00050000 | (errno & 0xFFFF)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


class Rule:
    """One seccomp rule as config.json states it: syscall names, an errno, and optionally one masked-equal
    comparison of an argument (index, mask, value)."""

    def __init__(self, names, errno, masked_arg=None):
        self.names = tuple(names)
        self.errno = errno
        self.masked_arg = masked_arg


def enter(namespace_fds):
    """setns into each namespace of namespace_fds ({"user": fd, ...}; those named in NAMESPACES, in that order),
    then chdir to the new root. The caller forks afterwards for its child to be in the pid namespace."""
    for name in NAMESPACES:
        fd = namespace_fds.get(name)
        if fd is not None:
            os.setns(fd, 0)
    os.chdir("/")


def lock_down(architectures, rules, libc=None):
    """Drops every capability, sets no_new_privs and not-dumpable, and installs a filter that allows every syscall
    except what rules deny. architectures are config.json's names (SCMP_ARCH_X86_64 ...). Raises OSError if any
    step fails: a process that could not lock itself down must not run a function."""
    libc = libc or ctypes.CDLL(None, use_errno=True)
    _drop_capabilities(libc)
    _prctl(libc, _PR_SET_NO_NEW_PRIVS, 1)
    _prctl(libc, _PR_SET_DUMPABLE, 0)
    _install_filter(architectures, rules)


def _prctl(libc, option, arg2, arg3=0):
    if libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "prctl(%d): %s" % (option, os.strerror(errno)))


def _drop_capabilities(libc):
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    # The bounding set first: dropping from it needs CAP_SETPCAP, which capset below removes.
    for cap in range(last + 1):
        _prctl(libc, _PR_CAPBSET_DROP, cap)
    _prctl(libc, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "capset: " + os.strerror(errno))


def _install_filter(architectures, rules):
    seccomp = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    seccomp.seccomp_init.restype = ctypes.c_void_p
    seccomp.seccomp_init.argtypes = [ctypes.c_uint32]
    seccomp.seccomp_arch_resolve_name.restype = ctypes.c_uint32
    seccomp.seccomp_arch_resolve_name.argtypes = [ctypes.c_char_p]
    seccomp.seccomp_arch_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    seccomp.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    seccomp.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                               ctypes.POINTER(_ArgCmp)]
    seccomp.seccomp_load.argtypes = [ctypes.c_void_p]
    seccomp.seccomp_release.argtypes = [ctypes.c_void_p]
    context = seccomp.seccomp_init(_SCMP_ACT_ALLOW)
    if not context:
        raise OSError("seccomp_init failed")
    try:
        for name in architectures:
            arch = seccomp.seccomp_arch_resolve_name(name.removeprefix("SCMP_ARCH_").lower().encode("ascii"))
            if arch == 0:
                raise OSError("unknown seccomp architecture " + name)
            result = seccomp.seccomp_arch_add(context, arch)
            # -EEXIST: the native architecture, already in the filter.
            if result not in (0, -17):
                raise OSError(-result, "seccomp_arch_add(%s): %s" % (name, os.strerror(-result)))
        for rule in rules:
            action = _scmp_act_errno(rule.errno)
            compare = None
            if rule.masked_arg is not None:
                index, mask, value = rule.masked_arg
                compare = (_ArgCmp * 1)(_ArgCmp(index, _SCMP_CMP_MASKED_EQ, mask, value))
            for name in rule.names:
                number = seccomp.seccomp_syscall_resolve_name(name.encode("ascii"))
                if number < 0:
                    continue  # not a syscall of this architecture (runc skips those too)
                result = seccomp.seccomp_rule_add_array(context, action, number, 1 if compare else 0, compare)
                if result != 0:
                    raise OSError(-result, "seccomp rule for %s: %s" % (name, os.strerror(-result)))
        result = seccomp.seccomp_load(context)
        if result != 0:
            raise OSError(-result, "seccomp_load: " + os.strerror(-result))
    finally:
        seccomp.seccomp_release(context)
