"""How the scan loop is compiled on Numba: settings that cut its compile time, not its numbers.

The mode: PyTensor's default rewrites without ``scan_make_inplace``. That rewrite lets the
scan write its results into the buffers of its initial values, saving one copy of the
weights and optimizer state per call (per chunk of thousands of steps, not per step); to
decide, it tries each carried value in turn, rebuilding the scan op and re-inferring its
shapes at each try: ~40% of PyTensor's rewriting of the spiral's loop (22 -> 13 s at load
8.4, same process), the largest part of the compile left once Numba's code comes from its
cache. The numbers are the same: only where the results are written changes.

The Numba set-up, applied before the loop's first compile:

Numba compiles the error message of every array slice assignment whose shapes it checks at
run time (``a[...] = b``: PyTensor's Alloc, reductions, scan buffers) as native code: an
f-string over both shapes, ``str.join`` and integer formatting, through its unicode
machinery. That is compiled once per process and per tuple length, and it is not in the disk
cache, so every cold scan loop paid for it: a function's first two slice assignments (1-D,
2-D) compiled in 46-58 s, against 2.5-4.3 s with a fixed message (load 8.4, fresh process
each; ~7 s of a 47 s cold spiral compile at load 2). Numba's own "generic" target implements
the same check with a fixed message, and its docs invite targets to choose their message;
the CPU target gets that one here. The check itself is unchanged: only the message loses the shapes,
and PyTensor's generated code never assigns mismatched shapes.
"""

from __future__ import annotations

import threading
from typing import Any

from pytensor.compile.mode import Mode, get_mode

from xorlab.core.first_imports import import_numba

_lock = threading.Lock()
_done = False
_modes: dict[Any, Mode] = {}


def scan_mode(mode: str | None) -> Mode:
    """The scan loop's mode for a Numba ``mode`` name (None: the default). One object per
    name, so core.function_cache recognises the loops compiled in it as the same."""
    with _lock:
        if mode not in _modes:
            _modes[mode] = get_mode(mode).excluding("scan_make_inplace")
        return _modes[mode]


def prepare_numba() -> None:
    """Idempotent; imports Numba (~1 s), so callers run it where they compile."""
    global _done
    with _lock:
        if _done:
            return
        import_numba()  # on the compile's thread, under first_imports' lock
        from numba.core.registry import cpu_target
        from numba.np import arrayobj

        typing = cpu_target.typing_context
        typing.refresh()  # installs the registered overloads, as a first compile would
        fnty = typing.resolve_value_type(arrayobj.raise_with_shape_context)
        for template in fnty.templates:
            if template._overload_func is arrayobj.ol_raise_with_shape_context_cpu:
                template._overload_func = staticmethod(arrayobj.ol_raise_with_shape_context_generic)
        _done = True
