"""Compiled PyTensor functions shared by every trainer whose graph is the same computation.

Each compile of a graph on the Numba backend makes new Numba dispatchers, and Numba keeps
them, with their machine code, for the life of the process (its typing context holds every
dispatcher it has seen): 0.3-0.8 MB per function, even when the very same graph was compiled
before and the code comes from the disk cache. The app builds a new Trainer on every
structural edit, so flipping between two networks grew memory at every flip.

Here a function is compiled with the shared variables it reads (weights, optimizer state,
learning rate, tables) turned into ordinary inputs, and kept in a process-wide LRU. A later
request whose graph is the same computation (same mode, same input types, and PyTensor's
``equal_computations``, which compares ops and constants by value) gets the compiled function
already there; ``SharedFunction`` passes the caller's current shared values on each call.
The cache holds no trainer and no shared variable: dropping a trainer frees its state.

A compiled function must not run on two threads at once, and two live trainers of one network
(a sweep beside the training worker) now share one: each entry has a lock held during calls.

``mode=NUMPY_CODE`` makes no PyTensor function: the graph, after PyTensor's "merge" rewrite,
is written out as one Python function of numpy calls (``numpy_step.NumpyFunction``, the quick
tier's code), for the functions a snapshot calls tens of times a second (evaluation,
prediction, the maps' forward pass): the Python linker spent ~25 us of bookkeeping around
each node's numpy call, most of a small network's evaluation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytensor
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Variable, equal_computations
from pytensor.graph.replace import clone_replace
from pytensor.graph.traversal import graph_inputs

from xorlab.core.first_imports import import_numba_for

# The mode of functions run as generated numpy code (see the module docstring).
NUMPY_CODE = "numpy-code"

# Distinct functions kept. Evicting one frees its Python side only (Numba keeps the machine
# code), so this bounds the cache's own objects; a session rarely uses more than a few nets.
MAX_FUNCTIONS = 64


@dataclass(frozen=True)
class CacheInfo:
    hits: int  # requests served by an already compiled function
    misses: int  # requests that compiled a new one
    size: int  # functions held now
    capacity: int


@dataclass(eq=False)
class _Entry:
    mode: Any
    inputs: tuple[Variable, ...]  # the explicit inputs, then one per shared variable
    outputs: tuple[Variable, ...]
    function: Any  # a pytensor.compile.Function, or a NumpyFunction for NUMPY_CODE
    lock: threading.Lock


class SharedFunction:
    """A cached compiled function bound to one owner's shared variables: calling it with the
    explicit inputs appends the shared variables' current values."""

    def __init__(self, entry: _Entry, shared: Sequence[SharedVariable], single: bool):
        self._entry = entry
        self.shared = tuple(shared)
        self._single = single

    @property
    def function(self) -> Any:
        """The compiled function itself (a pytensor Function, or a NumpyFunction for
        NUMPY_CODE); its inputs are the explicit ones then ``shared``."""
        return self._entry.function

    def rebound(self, mapping: dict[SharedVariable, SharedVariable]) -> SharedFunction:
        """The same compiled function bound to other shared variables (same types): each of
        ``shared`` found in ``mapping`` is replaced by its value there."""
        shared = [mapping.get(var, var) for var in self.shared]
        for old, new in zip(self.shared, shared, strict=True):
            if old.type != new.type:
                raise TypeError(f"cannot rebind {old.name}: {old.type} != {new.type}")
        return SharedFunction(self._entry, shared, self._single)

    def __call__(self, *args: Any) -> Any:
        values = [var.get_value(borrow=True) for var in self.shared]
        entry = self._entry
        if entry.mode == NUMPY_CODE:
            # As a pytensor Function does: each argument converted to its input's type (a
            # wrong number of dimensions or an unsafe cast raises); outputs copied, since
            # the generated code may return a view of an input or a constant it holds.
            args = tuple(var.type.filter(a) for var, a in zip(entry.inputs, args, strict=False))
            with entry.lock:
                results = [np.array(r, copy=True) for r in entry.function(*args, *values)]
        else:
            with entry.lock:
                results = entry.function(*args, *values)
        return results[0] if self._single else results


_entries: OrderedDict[tuple, list[_Entry]] = OrderedDict()  # bucket -> entries, LRU order
_lock = threading.Lock()
_hits = 0
_misses = 0


def compile_shared(
    inputs: Sequence[Variable],
    outputs: Variable | Sequence[Variable],
    mode: Any = None,
    name: str | None = None,
) -> SharedFunction:
    """Like ``pytensor.function(inputs, outputs, mode=mode)`` without updates, but compiled
    once per distinct computation in the process (see the module docstring). The shared
    variables the outputs read are found in the graph and bound to the returned function."""
    global _hits, _misses
    single = isinstance(outputs, Variable)
    outs = [outputs] if single else list(outputs)
    shared = [v for v in graph_inputs(outs) if isinstance(v, SharedVariable)]
    stand_ins = [var.type(name=var.name) for var in shared]
    # Clone with the shared variables replaced: the cache must not keep any owner's state.
    cloned = clone_replace(outs, replace=dict(zip(shared, stand_ins, strict=True)))
    all_inputs = (*inputs, *stand_ins)
    key = (str(mode), tuple(str(v.type) for v in all_inputs), len(outs))
    with _lock:
        for entry in _entries.get(key, ()):
            if _same_computation(entry, mode, all_inputs, cloned):
                _hits += 1
                _entries.move_to_end(key)
                return SharedFunction(entry, shared, single)
    if mode == NUMPY_CODE:
        function = _numpy_function(all_inputs, cloned, name or "numpy_code")
    else:
        import_numba_for(mode)
        function = pytensor.function(
            list(all_inputs), cloned, mode=mode, name=name, on_unused_input="ignore"
        )
    entry = _Entry(mode, all_inputs, tuple(cloned), function, threading.Lock())
    with _lock:
        _misses += 1
        _entries.setdefault(key, []).append(entry)
        _entries.move_to_end(key)
        while sum(len(bucket) for bucket in _entries.values()) > MAX_FUNCTIONS:
            oldest = next(iter(_entries))
            _entries[oldest].pop(0)
            if not _entries[oldest]:
                del _entries[oldest]
    return SharedFunction(entry, shared, single)


def _numpy_function(inputs: Sequence[Variable], outputs: Sequence[Variable], name: str):
    """``outputs`` of ``inputs`` as the quick tier's generated numpy code, on a copy of the
    graph: the entry keeps its own to compare later requests with."""
    from xorlab.core.training.numpy_step import numpy_code

    # The name goes into the generated source: letters, digits and underscores only.
    return numpy_code(inputs, outputs, "fn_" + "".join(c if c.isalnum() else "_" for c in name))


def _same_computation(
    entry: _Entry, mode: Any, inputs: Sequence[Variable], outputs: Sequence[Variable]
) -> bool:
    return entry.mode == mode and same_graph(entry.inputs, entry.outputs, inputs, outputs)


def same_graph(
    known_inputs: Sequence[Variable],
    known_outputs: Sequence[Variable],
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
) -> bool:
    """Whether ``outputs`` of ``inputs`` compute what ``known_outputs`` of ``known_inputs``
    do, so a function compiled for the one serves the other."""
    if len(known_inputs) != len(inputs) or len(known_outputs) != len(outputs):
        return False
    # Exact types, static shapes included: rewrites may have specialized on them, and
    # equal_computations only checks that input types are of the same kind.
    if any(a.type != b.type for a, b in zip(known_inputs, inputs, strict=True)):
        return False
    return equal_computations(list(outputs), list(known_outputs), list(inputs), list(known_inputs))


def cache_info() -> CacheInfo:
    with _lock:
        size = sum(len(bucket) for bucket in _entries.values())
        return CacheInfo(_hits, _misses, size, MAX_FUNCTIONS)


def clear_cache() -> None:
    """Forget every compiled function (tests; the machine code stays with Numba)."""
    global _hits, _misses
    with _lock:
        _entries.clear()
        _hits = _misses = 0
