"""Evaluate a PyTensor graph on numpy object arrays of scalars: the training step, gradients
included, unrolled into one scalar expression per weight.

Structural ops (transpose, concatenate, split, indexing) run their own ``perform`` on object
arrays; arithmetic maps each Elemwise scalar op onto a ScalarGraph operation; products and
sums use numpy's object loops, which call Sym's operators. Anything else raises
StrategyUnavailable, so the trainer falls back to a tensor strategy.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import reduce

import numpy as np
from pytensor.graph.basic import Variable
from pytensor.graph.traversal import io_toposort
from pytensor.scalar import basic as ps
from pytensor.scalar import math as psm
from pytensor.tensor import basic as ptb
from pytensor.tensor import subtensor as pts
from pytensor.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from pytensor.tensor.math import Dot
from pytensor.tensor.shape import Reshape, Shape, Shape_i, SpecifyShape

from xorlab.core.training.strategies.base import StrategyUnavailable
from xorlab.core.training.strategies.scalar_graph import ScalarGraph, Value

_NAMED: dict[type, str] = {
    ps.Sub: "sub",
    ps.TrueDiv: "div",
    ps.Pow: "pow",
    ps.Neg: "neg",
    ps.Sqrt: "sqrt",
    ps.Exp: "exp",
    ps.Expm1: "expm1",
    ps.Log: "log",
    ps.Log1p: "log1p",
    ps.Tanh: "tanh",
    ps.Sin: "sin",  # input features sin(x1), sin(x2)
    ps.Abs: "abs",
    ps.Sign: "sign",  # the gradient of abs (L1)
    psm.Sigmoid: "sigmoid",
    psm.Softplus: "softplus",
    ps.Clip: "clip",
    ps.Maximum: "maximum",
    ps.Minimum: "minimum",
    ps.GT: "gt",
    ps.GE: "ge",
    ps.LT: "lt",
    ps.LE: "le",
    ps.EQ: "eq",
    ps.NEQ: "neq",
    ps.AND: "and",
    ps.OR: "or",
    ps.Invert: "not",
    ps.Switch: "switch",
}

# Ops whose own perform() works unchanged on object arrays.
_STRUCTURAL = (
    DimShuffle,
    ptb.Split,
    pts.Subtensor,
    pts.IncSubtensor,
    Reshape,
    SpecifyShape,
)


def scalar_function(graph: ScalarGraph, op: ps.ScalarOp) -> Callable[..., Value]:
    """The ScalarGraph counterpart of one PyTensor scalar op."""
    if isinstance(op, ps.Add):
        return lambda *a: reduce(lambda x, y: graph.apply("add", x, y), a)
    if isinstance(op, ps.Mul):
        return lambda *a: reduce(lambda x, y: graph.apply("mul", x, y), a)
    if isinstance(op, ps.Sqr):
        return lambda a: graph.apply("mul", a, a)
    if isinstance(op, ps.Reciprocal):
        return lambda a: graph.apply("div", 1.0, a)
    if isinstance(op, ps.Second):
        return lambda a, b: b
    if isinstance(op, ps.Identity):
        return lambda a: a
    if isinstance(op, ps.Cast):
        kind = np.dtype(op.o_type.dtype).kind
        if kind == "f":
            return lambda a: graph.apply("float", a)
        if kind == "b":
            return lambda a: graph.apply("bool", a)
        raise StrategyUnavailable(f"cannot unroll a cast to {op.o_type.dtype}")
    if isinstance(op, ps.Composite):
        return lambda *a: _inline_composite(graph, op, a)
    for cls, name in _NAMED.items():
        if type(op) is cls:
            return lambda *a, _n=name: graph.apply(_n, *a)
    raise StrategyUnavailable(f"cannot unroll the scalar op {op}")


def _inline_composite(graph: ScalarGraph, op: ps.Composite, args: Sequence[Value]) -> Value:
    values: dict[Variable, Value] = dict(zip(op.fgraph.inputs, args, strict=True))
    for node in op.fgraph.toposort():
        out = scalar_function(graph, node.op)(*(values[i] for i in node.inputs))
        values[node.outputs[0]] = out
    outs = [values[o] for o in op.fgraph.outputs]
    return outs[0] if len(outs) == 1 else tuple(outs)


def unroll(
    graph: ScalarGraph,
    inputs: Sequence[Variable],
    values: Sequence[np.ndarray],
    outputs: Sequence[Variable],
) -> list[np.ndarray]:
    """Evaluate ``outputs`` given ``inputs`` = ``values`` (numeric or object arrays)."""
    env: dict[Variable, np.ndarray] = dict(zip(inputs, values, strict=True))
    for node in io_toposort(list(inputs), list(outputs)):
        args = []
        for var in node.inputs:
            if var not in env:  # a constant
                env[var] = np.asarray(var.data)
            args.append(env[var])
        results = _evaluate(graph, node, args)
        env.update(zip(node.outputs, results, strict=True))
    return [env[o] if o in env else np.asarray(o.data) for o in outputs]


def _evaluate(graph: ScalarGraph, node, args: list[np.ndarray]) -> list[np.ndarray]:
    op = node.op
    symbolic = any(a.dtype == object for a in args)
    if isinstance(op, Shape):
        return [np.array(args[0].shape, dtype=np.int64)]
    if isinstance(op, Shape_i):
        return [np.array(args[0].shape[op.i], dtype=np.int64)]
    if symbolic and isinstance(op, ptb.Join):  # its perform casts to the output dtype
        axis, *arrays = args
        return [np.concatenate([_objects(a) for a in arrays], axis=int(axis))]
    if not symbolic or isinstance(op, _STRUCTURAL):
        storage = [[None] for _ in node.outputs]
        op.perform(node, args, storage)
        return [np.asarray(s[0]) for s in storage]
    if isinstance(op, Elemwise):
        fn = scalar_function(graph, op.scalar_op)
        ufunc = np.frompyfunc(fn, len(args), len(node.outputs))
        out = ufunc(*(_objects(a) for a in args))
        outs = out if isinstance(out, tuple) else (out,)
        return [np.asarray(o, dtype=object) for o in outs]
    if isinstance(op, Dot):
        return [np.asarray(np.dot(_objects(args[0]), _objects(args[1])), dtype=object)]
    if isinstance(op, CAReduce):
        return [_reduce(graph, op, _objects(args[0]))]
    if isinstance(op, ptb.Alloc):
        value, *shape = args
        full = np.broadcast_to(value, tuple(int(s) for s in shape))
        return [np.array(full, dtype=object)]
    raise StrategyUnavailable(f"cannot unroll {op}")


def _objects(a: np.ndarray) -> np.ndarray:
    # Python floats, not numpy scalars: numpy scalars would swallow Syms in their operators.
    return a if a.dtype == object else a.astype(object)


def _reduce(graph: ScalarGraph, op: CAReduce, a: np.ndarray) -> np.ndarray:
    if isinstance(op.scalar_op, ps.Add):
        combine = operator.add
    else:
        fn = scalar_function(graph, op.scalar_op)
        combine = fn
    axes = range(a.ndim) if op.axis is None else op.axis
    for axis in sorted(axes, reverse=True):
        moved = np.moveaxis(a, axis, 0)
        if moved.shape[0] == 0:
            raise StrategyUnavailable("cannot unroll a reduction over nothing")
        a = reduce(lambda x, y: _combine_arrays(combine, x, y), list(moved))
        a = np.asarray(a, dtype=object)
    return np.asarray(a, dtype=object)


def _combine_arrays(fn: Callable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.frompyfunc(fn, 2, 1)(x, y)
