"""PyTensor and Numba imported by one thread at a time.

Both packages import their own modules in circles, which is fine for one thread. Two threads
importing one of them at once take Python's per-module import locks in opposite orders;
Python breaks that deadlock by handing one thread a half-initialized module, and the thread
fails with "cannot import name ... from partially initialized module" or ``_DeadlockError``.
The window imports neither before its first paint, so the first import happens on whichever
thread needs it first: the worker compiling the first network, a restored Graph or Landscape
tab's runner, the fast loop's background compile, the diagram's line painter. Seen in the
window: the spiral's run ended in a worker error and its diagram's lines never drew, when the
background compile and the painter imported Numba together; the trainer and the graph
builder imported together failed in 2 of 3 tries in a fresh interpreter.

So every thread other than the GUI's imports them through here first: one lock, held while
the package is imported in full (``pytensor.tensor`` brings every PyTensor module the core
imports at module level).
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any

_lock = threading.RLock()  # re-entrant: Numba's set-up imports PyTensor's Numba backend

PYTENSOR = ("pytensor.tensor",)
# What numba_setup reads, what the package's users import last, and PyTensor's Numba backend.
NUMBA = ("numba.core.registry", "numba.np.arrayobj", "pytensor.link.numba.dispatch")
# JAX and PyTensor's JAX backend (the "jax" training loop).
JAX = ("jax", "jax.numpy", "pytensor.link.jax.dispatch")


def _imported(name: str) -> bool:
    module = sys.modules.get(name)
    return module is not None and not getattr(module.__spec__, "_initializing", False)


def _import(names: tuple[str, ...]) -> None:
    if all(_imported(name) for name in names):
        return
    with _lock:
        for name in names:
            importlib.import_module(name)


def import_pytensor() -> ModuleType:
    """PyTensor, fully imported (~0.4 s the first time in a process)."""
    _import(PYTENSOR)
    return sys.modules["pytensor"]


def import_numba() -> ModuleType:
    """Numba, fully imported (~1 s the first time in a process)."""
    _import(PYTENSOR + NUMBA)
    return sys.modules["numba"]


def import_jax() -> ModuleType:
    """JAX, fully imported (~1-2 s the first time in a process)."""
    _import(PYTENSOR + JAX)
    return sys.modules["jax"]


def import_numba_for(mode: Any) -> None:
    """Import Numba first when PyTensor's ``mode`` (a name, a Mode, or None for the default)
    links with it; a mode on the Python linker needs none (the quick tier must not wait ~1 s
    for it)."""
    from pytensor.compile.mode import get_mode
    from pytensor.link.numba.linker import NumbaLinker

    if isinstance(get_mode(mode).linker, NumbaLinker):
        import_numba()
