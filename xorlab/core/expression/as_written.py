"""An expression's graph run as written: each op's numpy ``perform`` in graph order, no compile.

Compiling even with no rewrites at all (``Mode(linker="py", optimizer=None)``) clones the
graph and builds a FunctionGraph with its features: 2.9 s for the 1,894 ops of a 100-term
``x**x/x**x/...`` and its derivative (quiet, 2 cores), where running those ops takes ~30 ms.
This walks the original graph instead and calls what the Python linker would call, so the
values are the same to the bit, and it keeps every intermediate value (values.py names the op
that made a nan from them).

The graphs of f and f' are all elementwise ops on 0-d tensors (the parser builds only those,
and their gradients are the same kind), so a vector of points runs through the same nodes,
element by element: no second, vectorized graph to build.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.graph.traversal import io_toposort
from pytensor.tensor.elemwise import Elemwise


def program(x: Variable, outputs: Sequence[Variable]) -> list[Apply]:
    """The ops computing ``outputs`` from ``x``, in an order that runs them."""
    return prepared(io_toposort([x], list(outputs)))


def prepared(order: Sequence[Apply], any_op: bool = False) -> list[Apply]:
    """``order`` (ops in an order that runs them), each prepared to run as the Python linker
    would run it. Elementwise ops only, unless ``any_op``: then another op (the copy PyTensor
    puts on an output that is an input or a constant) is prepared by itself, as the linker
    prepares every op."""
    order = list(order)
    # What the Python linker does before a first call: pick the op's numpy function (set on
    # the op: nfunc or ufunc) and the dtype signature an integer input needs (node.tag.sig).
    # Both follow from the op's kind and the dtypes alone. pytensor.grad makes a new, equal
    # op for every node, and preparing each (a throw-away scalar node each time) was most
    # of this for the 1,894 ops of a 100-term quotient and its derivative: so each kind of
    # op and dtypes is prepared once, and the equal ops of its other nodes get the same
    # function and signature.
    prepared: dict[tuple, Apply] = {}
    for node in order:
        op = node.op
        if not isinstance(op, Elemwise):  # the parser builds none; say so if one appears
            if not any_op:
                raise TypeError(f"cannot run {op} as written: not an elementwise op")
            op.prepare_node(node, None, None, "py")
            continue
        key = (
            op,  # equal ops (same scalar op, no in-place outputs) share a key
            tuple(var.type.dtype for var in node.inputs),
            tuple(var.type.dtype for var in node.outputs),
        )
        first = prepared.get(key)
        if first is None or not node.inputs:  # an op of no inputs keeps its function per node
            op.prepare_node(node, None, None, "py")
            prepared[key] = node
            continue
        if op is not first.op and op.nfunc is None and op.ufunc is None:
            op.nfunc, op.ufunc = first.op.nfunc, first.op.ufunc
        if (sig := vars(first.tag).get("sig")) is not None:  # no AttributeError to make
            node.tag.sig = sig
    return order


def run(order: Sequence[Apply], x: Variable, at: float | np.ndarray) -> dict[Variable, np.ndarray]:
    """Every variable's value (numpy arrays) with ``x`` = ``at`` (a number or a float64 array:
    then each value has its shape, or is a constant's 0-d value)."""
    known: dict[Variable, np.ndarray] = {x: np.asarray(at, dtype=np.float64)}
    with np.errstate(all="ignore"):
        for node in order:
            args = [value_of(var, known) for var in node.inputs]
            outputs = [[None] for _ in node.outputs]
            node.op.perform(node, args, outputs)
            for var, cell in zip(node.outputs, outputs, strict=True):
                known[var] = cell[0]
    return known


def value_of(var: Variable, known: dict[Variable, np.ndarray]) -> np.ndarray:
    if isinstance(var, Constant):
        return np.asarray(var.data)
    return known[var]
