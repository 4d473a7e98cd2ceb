"""Numba imported by one thread at a time.

Numba's package imports its own modules in circles, which is fine for one thread. Two threads
importing it at once (the fast loop's background compile and the diagram's line painter, the
first time both start together) take Python's per-module import locks in opposite orders;
Python then breaks the deadlock by handing one thread a half-initialized module, and that
thread fails with "cannot import name ... from partially initialized module" or
``_DeadlockError`` (seen in the window: the run ended with a worker error, the diagram's
lines never drew). Every xorlab path that may import Numba first on a thread other than the
main one goes through ``import_numba``, which holds one lock while the package and the
modules xorlab and PyTensor use later are imported.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any

_lock = threading.Lock()


def _imported() -> bool:
    module = sys.modules.get("numba.np.arrayobj")
    return module is not None and not getattr(module.__spec__, "_initializing", False)


def import_numba() -> ModuleType:
    """Numba, fully imported (~1 s the first time in a process)."""
    if not _imported():
        with _lock:
            import numba.core.registry  # noqa: F401 - what numba_setup reads
            import numba.np.arrayobj  # noqa: F401 - imported last by the package's users
            import pytensor.link.numba.dispatch  # noqa: F401 - PyTensor's Numba backend
    return sys.modules["numba"]


def import_numba_for(mode: Any) -> None:
    """Import Numba first when PyTensor's ``mode`` (a name, a Mode, or None for the default)
    links with it; a mode on the Python linker needs none (the quick tier must not wait ~1 s
    for it)."""
    from pytensor.compile.mode import get_mode
    from pytensor.link.numba.linker import NumbaLinker

    if isinstance(get_mode(mode).linker, NumbaLinker):
        import_numba()
