"""Work out an Elemwise node's output types once per op and input types, not once per node.

PyTensor 3.0.7's ``Elemwise.make_node`` asks ``get_output_info`` for the outputs' dtypes and
static shapes, and that first builds a throw-away scalar node of the op's scalar op (scalar
variables, the scalar op's own ``make_node``, dtype upcasting) only to read its output
dtypes. ``pytensor.grad`` makes an Elemwise node for every scalar op of every derivative: the
100-term ``x**x/x**x/...`` gets 1,695 of them, nearly all from a few ops on float64 scalars,
and the throw-away nodes were a quarter to a third of its ``pytensor.grad`` (0.37-0.49 s ->
0.22-0.38 s CPU, 2 cores at load 3, fresh processes back to back).

What ``get_output_info`` returns depends only on the op (its scalar op and in-place
pattern), its inputs' types (dtype and static shape) and the two settings dtype upcasting
reads (``floatX``, ``cast_policy``): so the dtypes and shapes are remembered under those,
and each call still returns its own inputs, broadcast (DimShuffled) to the same number of
dimensions as PyTensor does. An op that refuses its inputs raises as before (a failure is
never remembered).
"""

from __future__ import annotations

from typing import Any

from pytensor.configdefaults import config
from pytensor.tensor.elemwise import Elemwise

# Enough for every op and type combination a session meets (a graph of scalars uses a few
# dozen); fused Composite ops are new objects per graph, so the table is bounded.
MAX_ENTRIES = 4096

_original_get_output_info = Elemwise.get_output_info
# (op, floatX, cast_policy, *input types) -> (output dtypes, output static shapes)
_known: dict[tuple, tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]] = {}


def _broadcast(inputs: tuple) -> list:
    """``inputs`` left-padded with broadcastable dimensions to the same ndim (PyTensor's)."""
    ndim = max(i.type.ndim for i in inputs)
    return [
        i
        if i.type.ndim == ndim
        else i.dimshuffle(["x"] * (ndim - i.type.ndim) + list(range(i.type.ndim)))
        for i in inputs
    ]


def _get_output_info_once(self: Elemwise, *inputs: Any) -> tuple[list, list, list]:
    key = (self, config.floatX, config.cast_policy, *(i.type for i in inputs))
    known = _known.get(key)
    if known is None:
        dtypes, shapes, broadcast = _original_get_output_info(self, *inputs)
        if len(_known) >= MAX_ENTRIES:
            _known.clear()
        _known[key] = (tuple(dtypes), tuple(tuple(shape) for shape in shapes))
        return dtypes, shapes, broadcast
    dtypes, shapes = known
    return list(dtypes), [list(shape) for shape in shapes], _broadcast(inputs)


def install() -> None:
    """Remember Elemwise output types (idempotent)."""
    Elemwise.get_output_info = _get_output_info_once


def uninstall() -> None:
    """PyTensor's own ``get_output_info`` again (tests compare the two)."""
    Elemwise.get_output_info = _original_get_output_info
    _known.clear()
