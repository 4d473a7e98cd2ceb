"""A PyTensor graph as one straight-line Python function of numpy calls, made in milliseconds.

PyTensor's Python linker runs each node through its op's ``perform``: an Elemwise's costs
~25 us of bookkeeping (broadcast checks, ``np.errstate``, output storage cells) around a
numpy call of ~1 us on a 32 x 16 batch, so a spiral step of ~160 nodes took ~3.7 ms where the
same numpy calls take a tenth of that. Here each node becomes one line of generated source,
``v12 = np_multiply(v3, v7)``, for the ops a training step is made of; any other op runs its
own ``perform`` through a thunk, exactly as the Python linker would. Nodes whose inputs are
all constants are computed once, when the function is made.

No C, no Numba and no disk cache: making the function costs well under a second whatever
the caches hold. The numbers are the ops' own numpy computations, so they match the Python
linker's (the tier tests compare them with a numpy oracle to 1e-12).

The generated code never writes into an array it did not create, so the inputs (the
trainer's weights, borrowed) are never changed; an output may be a view of an input or the
same array at every call (a folded constant), so callers copy what they keep. Calls
of ``fn`` itself must be made under ``np.errstate(all="ignore")``, as ``perform`` makes its
ufunc calls: an overflow to inf or a nan is a result (a diverging network), not a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.special  # noqa: F401  (sigmoid's numpy function is scipy.special.expit)
from pytensor.compile.mode import optdb
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.rewriting.db import RewriteDatabaseQuery
from pytensor.scalar import basic as ps
from pytensor.scalar import math as psm
from pytensor.tensor.basic import (
    Alloc,
    Join,
    MakeVector,
    ScalarFromTensor,
    Split,
    TensorFromScalar,
)
from pytensor.tensor.elemwise import CAReduce, DimShuffle, Elemwise
from pytensor.tensor.math import Dot
from pytensor.tensor.shape import Shape, Shape_i
from pytensor.tensor.subtensor import IncSubtensor, Subtensor
from pytensor.tensor.utils import import_func_from_string

# Ops whose generated line is ``a = f(b, c)``; each returns the expression or None (then the
# op's perform runs). ``env`` collects the objects the source names.
# ``consts`` maps the positions of the inputs known now (constants, folded nodes) to values.
_Line = Callable[[Apply, list[str], dict, dict], "str | None"]


def _clip(x, lo, hi):
    # PyTensor's Clip is "x < lo ? lo : x > hi ? hi : x" (NaN stays NaN; np.clip differs
    # when lo > hi).
    return np.where(x < lo, lo, np.where(x > hi, hi, x))


def _softplus(x):
    # PyTensor's scalar softplus, branch for branch, on whole arrays.
    return np.where(
        x < -37.0,
        np.exp(x),
        np.where(x < 18.0, np.log1p(np.exp(x)), np.where(x < 33.3, x + np.exp(-x), x)),
    )


def _fill(model, value, dtype):
    # Second/fill: ``value`` broadcast to the shape of ``model`` (and of ``value``).
    out = np.empty(np.broadcast_shapes(np.shape(model), np.shape(value)), dtype=dtype)
    out[...] = value
    return out


def _fill_like(model, value, dtype):
    # fill where ``value`` is broadcastable in every axis: the shape is ``model``'s.
    out = np.empty(np.shape(model), dtype=dtype)
    out[...] = value
    return out


def _split(x, sizes, axis):
    # Split's parts by slicing (views of x, as np.split gives, without its ~10 us of Python).
    index = [slice(None)] * x.ndim
    parts, start = [], 0
    for size in sizes.tolist():
        index[axis] = slice(start, start + size)
        parts.append(x[tuple(index)])
        start += size
    if start != x.shape[axis]:
        raise ValueError(f"split sizes sum to {start}; expected {x.shape[axis]}")
    return parts


def _inc_part(x, y, index):
    out = x.copy()
    out[index] += y
    return out


def _set_part(x, y, index):
    out = x.copy()
    out[index] = y
    return out


def _alloc(value, shape, dtype):
    out = np.empty(tuple(int(s) for s in shape), dtype=dtype)
    out[...] = value
    return out


# Scalar ops with no numpy function of their own (``nfunc_spec``), vectorized here.
_VECTORIZED: dict[type, Callable] = {ps.Clip: _clip, psm.Softplus: _softplus}


def _name(env: dict, value, prefix: str) -> str:
    key = f"{prefix}{len(env)}"
    env[key] = value
    return key


def _elemwise(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    scalar = node.op.scalar_op
    if len(node.outputs) != 1:
        return None
    out_type = node.outputs[0].type
    out_dtype = out_type.dtype
    spec = getattr(scalar, "nfunc_spec", None)
    dtype = _name(env, np.dtype(out_dtype), "d")
    if isinstance(scalar, ps.Second):
        model, value = node.inputs
        if all(value.type.broadcastable) and model.type.ndim >= value.type.ndim:
            return f"fill_like({ins[0]}, {ins[1]}, {dtype})"
        return f"fill({ins[0]}, {ins[1]}, {dtype})"
    if isinstance(scalar, ps.Cast):
        return f"asarray({ins[0]}, dtype={dtype})"
    if isinstance(scalar, ps.Identity):
        return ins[0]
    dtypes = [i.type.dtype for i in node.inputs]
    if out_dtype.startswith("float"):
        # A constant of another dtype (an int8 1 in ``1 - y``) cast to the output's now:
        # numpy casts it to the common dtype before computing anyway, and the result then
        # needs no cast.
        for k, value in consts.items():
            cast = np.asarray(value, dtype=out_dtype)
            if dtypes[k] != out_dtype and np.array_equal(cast, value):
                ins[k], dtypes[k] = _name(env, cast, "c"), out_dtype
    if isinstance(scalar, ps.Clip) and 1 in consts and 2 in consts and consts[1] <= consts[2]:
        # x < lo ? lo : x > hi ? hi : x, for constant bounds in order (NaN stays NaN)
        expr = f"minimum(maximum({ins[0]}, {ins[1]}), {ins[2]})"
    elif type(scalar) in _VECTORIZED:
        expr = f"{_name(env, _VECTORIZED[type(scalar)], 'f')}({', '.join(ins)})"
    elif isinstance(scalar, ps.Add | ps.Mul) and len(ins) > 2:
        # n-ary sum/product, left to right as the scalar op computes it
        f = _name(env, np.add if isinstance(scalar, ps.Add) else np.multiply, "f")
        expr = ins[0]
        for other in ins[1:]:
            expr = f"{f}({expr}, {other})"
    elif spec and spec[1] == len(ins) and spec[2] == 1:
        expr = f"{_name(env, import_func_from_string(spec[0]), 'f')}({', '.join(ins)})"
    else:
        return None
    same = all(d == out_dtype for d in dtypes) or (out_dtype == "bool" and len(set(dtypes)) == 1)
    if out_type.ndim == 0 or not same:
        # numpy's dtype promotion can differ from PyTensor's (int inputs), and a 0-d result
        # comes back as a numpy scalar: make it the output's type, as perform does.
        return f"asarray({expr}, dtype={dtype})"
    return expr


def _dimshuffle(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    op = node.op
    order = tuple(op.new_order)
    if order == (1, 0):
        return f"{ins[0]}.T"
    kept = [i for i in order if i != "x"]
    if not op.drop and kept == sorted(kept):
        # only new broadcastable axes: index with None where they go
        index = ", ".join("None" if i == "x" else ":" for i in order)
        return f"{ins[0]}[{index},]" if order else ins[0]
    return None


def _dot(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    return f"dot({ins[0]}, {ins[1]})"


def _shape(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    return f"asarray({ins[0]}.shape, dtype=int64)"


def _shape_i(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    return f"asarray({ins[0]}.shape[{int(node.op.i)}], dtype=int64)"


def _index(idx_list, given: list[str], by_position: bool) -> str | None:
    """The index tuple's source: ``idx_list`` holds slices and ints, and an int (a slice
    bound) stands for an index input: by its position (Subtensor's reading) or the next one
    in order (IncSubtensor's)."""
    order = iter(given)

    def take(entry) -> str:
        return given[entry] if by_position else next(order)

    parts = []
    for entry in idx_list:
        if isinstance(entry, slice):
            ends = (entry.start, entry.stop, entry.step)
            bounds = ["None" if b is None else take(b) for b in ends]
            parts.append(f"slice({', '.join(bounds)})")
        elif isinstance(entry, int):
            parts.append(take(entry))
        else:
            return None
    return f"({', '.join(parts)},)"


def _subtensor(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    index = _index(node.op.idx_list, ins[1:], by_position=True)
    return None if index is None else f"asarray({ins[0]}[{index}])"


def _inc_subtensor(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    index = _index(node.op.idx_list, ins[2:], by_position=False)
    if index is None or node.op.inplace:
        return None
    helper = "set_part" if node.op.set_instead_of_inc else "inc_part"
    return f"{helper}({ins[0]}, {ins[1]}, {index})"


def _join(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    if 0 not in consts:
        return None
    dtype = _name(env, np.dtype(node.outputs[0].type.dtype), "d")
    return f"concatenate(({', '.join(ins[1:])},), axis={int(consts[0])}, dtype={dtype})"


def _split_line(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    if 1 not in consts:
        return None
    return f"split({ins[0]}, {ins[2]}, {int(consts[1])})"


def _make_vector(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    dtype = _name(env, np.dtype(node.outputs[0].type.dtype), "d")
    return f"asarray(({', '.join(ins)}{',' if len(ins) == 1 else ''}), dtype={dtype})"


def _alloc_line(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    dtype = _name(env, np.dtype(node.outputs[0].type.dtype), "d")
    return f"alloc({ins[0]}, ({', '.join(ins[1:])}{',' if len(ins) == 2 else ''}), {dtype})"


def _scalar_from_tensor(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    return f"{ins[0]}[()]"


def _tensor_from_scalar(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    return f"asarray({ins[0]})"


def _careduce(node: Apply, ins: list[str], env: dict, consts: dict) -> str | None:
    op = node.op
    out_dtype = node.outputs[0].type.dtype
    acc = _name(env, np.dtype(op.acc_dtype or out_dtype), "d")
    axis = None if op.axis is None else tuple(op.axis)
    reduce = _name(env, op.ufunc.reduce, "f")
    out = _name(env, np.dtype(out_dtype), "d")
    return f"asarray({reduce}({ins[0]}, axis={axis!r}, dtype={acc}), dtype={out})"


_LINES: dict[type, _Line] = {
    Elemwise: _elemwise,
    DimShuffle: _dimshuffle,
    Dot: _dot,
    Shape: _shape,
    Shape_i: _shape_i,
    Subtensor: _subtensor,
    IncSubtensor: _inc_subtensor,
    Join: _join,
    Split: _split_line,
    MakeVector: _make_vector,
    Alloc: _alloc_line,
    ScalarFromTensor: _scalar_from_tensor,
    TensorFromScalar: _tensor_from_scalar,
}


def _line_for(node: Apply) -> _Line | None:
    for kind in type(node.op).__mro__:
        if kind in _LINES:
            return _LINES[kind]
    if isinstance(node.op, CAReduce):
        return _careduce
    return None


# The rewrites run before a graph is written out: "merge" alone, which computes once what the
# graph builds twice (the forward pass under both the output and the cost). PyTensor's
# canonicalize took ~0.3 s on a spiral step and saved 5 of ~150 lines; FAST_RUN's ~1 s.
# Constants are folded by NumpyFunction itself.
REWRITES = RewriteDatabaseQuery(include=["merge"])


def numpy_code(
    inputs: Sequence[Variable], outputs: Sequence[Variable], name: str, *, clone: bool = True
) -> NumpyFunction:
    """``outputs`` of ``inputs`` after REWRITES, as one generated function. ``clone``: rewrite
    a copy of the graph (for a caller that keeps the original to compare it later)."""
    graph = FunctionGraph(list(inputs), list(outputs), clone=clone)
    optdb.query(REWRITES).rewrite(graph)
    return NumpyFunction(graph, name)


class NumpyFunction:
    """``fgraph``'s outputs from its inputs, by one generated Python function.

    ``ops_by_perform`` counts the nodes (by op) that run their op's ``perform`` because no
    numpy line is written for them: each costs the Python linker's ~25 us a call.
    """

    def __init__(self, fgraph: FunctionGraph, name: str = "numpy_step"):
        self.fgraph = fgraph
        env: dict = {
            "asarray": np.asarray,
            "dot": np.dot,
            "concatenate": np.concatenate,
            "split": _split,
            "fill_like": _fill_like,
            "minimum": np.minimum,
            "maximum": np.maximum,
            "int64": np.int64,
            "fill": _fill,
            "alloc": _alloc,
            "inc_part": _inc_part,
            "set_part": _set_part,
        }
        names: dict[Variable, str] = {}
        folded: dict[Variable, object] = {}  # computed once, here: all-constant nodes
        self.ops_by_perform: dict[str, int] = {}

        def ref(var: Variable) -> str:
            if var not in names:
                if isinstance(var, Constant):
                    names[var] = _name(env, var.data, "c")
                elif var in folded:
                    names[var] = _name(env, folded[var], "c")
                else:
                    names[var] = f"v{len(names)}"
            return names[var]

        args = [ref(v) for v in fgraph.inputs]
        lines = []
        for node in fgraph.toposort():
            if all(isinstance(i, Constant) or i in folded for i in node.inputs):
                with np.errstate(all="ignore"):
                    values = _perform(node)([_value(i, folded) for i in node.inputs])
                folded.update(zip(node.outputs, values, strict=True))
                continue
            ins = [ref(i) for i in node.inputs]
            outs = [ref(o) for o in node.outputs]
            writer = _line_for(node)
            consts = {
                k: _value(i, folded)
                for k, i in enumerate(node.inputs)
                if isinstance(i, Constant) or i in folded
            }
            expr = writer(node, ins, env, consts) if writer is not None else None
            if expr is None:  # the op's perform returns the list of its outputs
                run = _name(env, _perform(node), "p")
                kind = type(node.op).__name__
                self.ops_by_perform[kind] = self.ops_by_perform.get(kind, 0) + 1
                lines.append(f"{', '.join(outs)}, = {run}([{', '.join(ins)}])")
            else:  # a written line returns the output, or the sequence of several
                lines.append(f"{', '.join(outs)}{',' if len(outs) > 1 else ''} = {expr}")
        results = ", ".join(ref(v) for v in fgraph.outputs)
        self.source = (
            f"def {name}({', '.join(args)}):\n"
            + "".join(f"    {line}\n" for line in lines)
            + f"    return ({results}{',' if len(fgraph.outputs) == 1 else ''})\n"
        )
        exec(compile(self.source, f"<{name}>", "exec"), env)  # noqa: S102 (our own source)
        self.fn: Callable[..., tuple] = env[name]

    def __call__(self, *inputs) -> tuple:
        with np.errstate(all="ignore"):  # inf and nan are results, as in perform
            return self.fn(*inputs)


def _value(var: Variable, folded: dict):
    return var.data if isinstance(var, Constant) else folded[var]


def _perform(node: Apply) -> Callable[[Sequence], list]:
    """The node's outputs from its input values, by its op's Python ``perform`` (through a
    thunk, as PyTensor's Python linker runs it: prepared node, op parameters)."""
    inputs = [[None] for _ in node.inputs]
    outputs = [[None] for _ in node.outputs]
    storage = dict(zip(node.inputs, inputs, strict=True))
    storage.update(zip(node.outputs, outputs, strict=True))
    computed = {v: [False] for v in storage}
    thunk = node.op.make_thunk(node, storage, computed, [], impl="py")

    def run(values: Sequence) -> list:
        for cell, value in zip(inputs, values, strict=True):
            cell[0] = value
        thunk()
        return [cell[0] for cell in outputs]

    return run
