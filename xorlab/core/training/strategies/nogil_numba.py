"""PyTensor's Numba backend, with the compiled function releasing the GIL while it runs.

The scan loop runs ~10 ms of training in one call on the worker thread. Compiled as PyTensor
compiles it, that call holds the GIL throughout, so the GUI thread's Python (slots, painting,
timers) stops until the chunk ends, and the app has to pace such a loop to a small share of
the GUI (app/pacing.py). Compiled with ``nogil=True`` the call lets go of the GIL on entry and
takes it back on return, so the window draws while the loop trains on the other core.

Numba's on-disk cache index keys an entry by the function's locator and signature, not by
its flags: a final function compiled holding the GIL and cached under PyTensor's key would be
loaded as is by a ``nogil`` compile of the same graph (and the other way round). So the final
function here is a copy of PyTensor's generated wrapper registered under PyTensor's key plus
``NOGIL_KEY_SUFFIX``: the two kinds never share a cache entry, whoever compiled first.

An op that calls back into Python (``numba.objmode``) would take the GIL back for each call;
none of the training graph's ops does (numpy_tanh.py calls numpy's C loop directly).
"""

from __future__ import annotations

import types
from typing import Any

from pytensor.compile.mode import Mode, get_mode
from pytensor.link.numba.linker import NumbaLinker

NOGIL_KEY_SUFFIX = "_nogil"


class NogilNumbaLinker(NumbaLinker):
    """NumbaLinker whose final (Python-callable) function is compiled with ``nogil=True``."""

    def jit_compile(self, fn_and_cache):
        # Imported here, as PyTensor's own linker does: importing Numba takes ~1 s.
        from pytensor.link.numba.cache import CACHED_SRC_FUNCTIONS
        from pytensor.link.numba.dispatch.basic import numba_njit

        fn, cache_key = fn_and_cache
        py_func = fn.py_func
        key = CACHED_SRC_FUNCTIONS.get(py_func) if cache_key is not None else None
        if key is not None:
            # A new function object over the same code: the cache locator finds it by
            # identity, so it can carry its own key (see the module docstring).
            py_func = types.FunctionType(
                py_func.__code__,
                py_func.__globals__,
                py_func.__name__,
                py_func.__defaults__,
                py_func.__closure__,
            )
            CACHED_SRC_FUNCTIONS[py_func] = f"{key}{NOGIL_KEY_SUFFIX}"
        return numba_njit(py_func, final_function=True, cache=key is not None, nogil=True)


class NogilNumbaMode(Mode):
    """A Mode compiling with NogilNumbaLinker, named stably: Mode's own ``str`` prints its
    rewrite database, which grows as rewrites register, and core/training/function_cache.py
    keys its entries by ``str(mode)`` (a changing name made every compile a miss)."""

    def __init__(self, optimizer, label: str):
        super().__init__(linker=NogilNumbaLinker(), optimizer=optimizer)
        self.label = label

    def __str__(self) -> str:
        return f"NogilNumbaMode({self.label})"

    def clone(self, link_kwargs=None, optimizer="", **kwargs):
        return NogilNumbaMode(self.provided_optimizer if optimizer == "" else optimizer, self.label)


_modes: dict[int, tuple[Mode, NogilNumbaMode]] = {}


def releasing_gil(mode: Any) -> Any:
    """``mode`` itself, or, where it compiles with PyTensor's Numba linker, the same mode
    (same rewrites) compiling with NogilNumbaLinker. One Mode object per original mode, so
    the process-wide function cache (core/training/function_cache.py) matches repeats."""
    chosen = get_mode(mode)
    if type(chosen.linker) is not NumbaLinker:
        return mode
    held = _modes.get(id(chosen))
    if held is None or held[0] is not chosen:
        label = mode if isinstance(mode, str) else "default" if mode is None else hex(id(chosen))
        held = (chosen, NogilNumbaMode(chosen.provided_optimizer, label))
        _modes[id(chosen)] = held
    return held[1]


def runs_without_gil(mode: Any) -> bool:
    """Whether functions compiled in ``mode`` release the GIL while they run."""
    return isinstance(get_mode(mode).linker, NogilNumbaLinker)
