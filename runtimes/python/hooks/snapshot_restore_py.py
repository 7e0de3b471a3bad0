# SPDX-License-Identifier: Apache-2.0
"""Runtime hooks for Lambda SnapStart, as AWS's Python runtimes offer them (module snapshot_restore_py).

register_before_snapshot(func, *args, **kwargs) and register_after_restore(func, *args, **kwargs) register a callable,
directly or as a decorator (@register_before_snapshot). Before a version's snapshot is taken, the before-snapshot
hooks run, the last registered first; in every environment started from the snapshot the after-restore hooks run, in
the order they were registered, before its first invocation.
"""

_before_snapshot = []
_after_restore = []


def _register(hooks, func, args, kwargs):
    hooks.append((func, args, kwargs))
    return func


def register_before_snapshot(func, *args, **kwargs):
    """Runs func(*args, **kwargs) before the snapshot is taken; returns func, so it also works as a decorator."""
    return _register(_before_snapshot, func, args, kwargs)


def register_after_restore(func, *args, **kwargs):
    """Runs func(*args, **kwargs) in each environment restored from the snapshot; returns func (a decorator too)."""
    return _register(_after_restore, func, args, kwargs)


def get_before_snapshot():
    return _before_snapshot


def get_after_restore():
    return _after_restore
