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

The output types themselves are remembered too (a TensorType is an immutable value that
variables share, as PyTensor's own ``dscalar`` is), so a node no longer builds one per output;
and a scalar op's output types (``ScalarOp.output_types``: its dtype preference applied to its
input types, upcasting) once per preference and input types: ``pytensor.grad`` makes every
derivative as a graph of scalar ops first. Together a quarter of the 100-term quotient's
``pytensor.grad`` (fresh processes, 2 cores at load 6-7: see xorlab/core/expression).
"""

from __future__ import annotations

from typing import Any

import pytensor.scalar.basic as scalar_basic
from pytensor.configdefaults import config
from pytensor.graph.basic import Apply
from pytensor.tensor.basic import as_tensor_variable
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.type import TensorType

# Enough for every op and type combination a session meets (a graph of scalars uses a few
# dozen); fused Composite ops are new objects per graph, so the table is bounded.
MAX_ENTRIES = 4096

_original_get_output_info = Elemwise.get_output_info
_original_make_node = Elemwise.make_node
_original_output_types = scalar_basic.ScalarOp.output_types
# (op, floatX, cast_policy, *input types) -> (output dtypes, output static shapes, types)
_known: dict[tuple, tuple[tuple[str, ...], tuple[tuple[Any, ...], ...], tuple]] = {}
# (dtype preference, outputs, floatX, cast_policy, *input types) -> output scalar types
_scalar_known: dict[tuple, tuple] = {}


def _broadcast(inputs: tuple) -> list:
    """``inputs`` left-padded with broadcastable dimensions to the same ndim (PyTensor's)."""
    ndim = max(i.type.ndim for i in inputs)
    return [
        i
        if i.type.ndim == ndim
        else i.dimshuffle(["x"] * (ndim - i.type.ndim) + list(range(i.type.ndim)))
        for i in inputs
    ]


def _output_info(self: Elemwise, inputs: tuple) -> tuple[tuple, list]:
    """(what is remembered for ``inputs``, the inputs broadcast to one number of dims)."""
    key = (self, config.floatX, config.cast_policy, *(i.type for i in inputs))
    known = _known.get(key)
    if known is not None:
        return known, _broadcast(inputs)
    dtypes, shapes, broadcast = _original_get_output_info(self, *inputs)
    if len(_known) >= MAX_ENTRIES:
        _known.clear()
    shapes = tuple(tuple(shape) for shape in shapes)
    types = tuple(TensorType(dtype=d, shape=s) for d, s in zip(dtypes, shapes, strict=True))
    known = _known[key] = (tuple(dtypes), shapes, types)
    return known, broadcast


def _get_output_info_once(self: Elemwise, *inputs: Any) -> tuple[list, list, list]:
    (dtypes, shapes, _), broadcast = _output_info(self, inputs)
    return list(dtypes), [list(shape) for shape in shapes], broadcast


def _make_node_once(self: Elemwise, *inputs: Any) -> Apply:
    """Elemwise.make_node, each output of a type already made for these op and inputs."""
    inputs = tuple(as_tensor_variable(i) for i in inputs)
    if type(self).get_output_info is not _get_output_info_once:  # a subclass's own rule
        return _original_make_node(self, *inputs)
    (_, _, types), broadcast = _output_info(self, inputs)
    return Apply(self, broadcast, [output_type() for output_type in types])


def _output_types_once(self: scalar_basic.ScalarOp, types: Any) -> list:
    """ScalarOp.output_types, remembered by the op's dtype preference and input types."""
    preference = self.output_types_preference
    if preference is None:  # raises NotImplementedError, as PyTensor's does
        return _original_output_types(self, types)
    key = (preference, self.nout, config.floatX, config.cast_policy, *types)
    known = _scalar_known.get(key)
    if known is None:
        known = tuple(_original_output_types(self, types))  # checks them, or raises
        if len(_scalar_known) >= MAX_ENTRIES:
            _scalar_known.clear()
        _scalar_known[key] = known
    return list(known)


def install() -> None:
    """Remember Elemwise and scalar op output types (idempotent)."""
    Elemwise.get_output_info = _get_output_info_once
    Elemwise.make_node = _make_node_once
    scalar_basic.ScalarOp.output_types = _output_types_once


def uninstall() -> None:
    """PyTensor's own ``get_output_info``, ``make_node`` and ``output_types`` again (tests
    compare the two)."""
    Elemwise.get_output_info = _original_get_output_info
    Elemwise.make_node = _original_make_node
    scalar_basic.ScalarOp.output_types = _original_output_types
    _known.clear()
    _scalar_known.clear()
