"""Numba set-up that cuts a cold compile of the scan loop, applied before its first compile.

Numba compiles the error message of every array slice assignment whose shapes it checks at
run time (``a[...] = b``: PyTensor's Alloc, reductions, scan buffers) as native code: an
f-string over both shapes, ``str.join`` and integer formatting, through its unicode
machinery. That is compiled once per process and per tuple length, and it is not in the disk
cache, so a cold scan loop paid for it every time: ~7 s of a 47 s cold spiral compile here
(load ~2; bench figures in the README). Numba's own "generic" target implements the same
check with a fixed message, and its docs invite targets to choose their message; the CPU
target gets that one here. The check itself is unchanged: only the message loses the shapes,
and PyTensor's generated code never assigns mismatched shapes.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_done = False


def prepare_numba() -> None:
    """Idempotent; imports Numba (~1 s), so callers run it where they compile."""
    global _done
    with _lock:
        if _done:
            return
        from numba.core.registry import cpu_target
        from numba.np import arrayobj

        typing = cpu_target.typing_context
        typing.refresh()  # installs the registered overloads, as a first compile would
        fnty = typing.resolve_value_type(arrayobj.raise_with_shape_context)
        for template in fnty.templates:
            if template._overload_func is arrayobj.ol_raise_with_shape_context_cpu:
                template._overload_func = staticmethod(
                    arrayobj.ol_raise_with_shape_context_generic
                )
        _done = True
