"""A straight-line graph of float operations, built with common-subexpression elimination
and the folding of constants, zeros and ones.

Unrolling a tiny network's matrix graph gives one scalar per weight and per sample value; for
XOR most sample values are 0 or 1, and the products with them fold away here, which is much of
why the generated loop is fast. ``Sym`` supports + - * / so numpy object arrays of them can be
multiplied, summed and dotted with numpy's own routines.

Folding ``0 * x`` to 0 ignores that x might be inf or NaN; such a step also makes the cost or
a weight non-finite through another path, so divergence is still detected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Union

Value = Union["Sym", float, bool, int]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _softplus(x: float) -> float:
    # PyTensor's piecewise definition, so the folded and the generated code agree with it.
    if x < -37.0:
        return math.exp(x)
    if x < 18.0:
        return math.log1p(math.exp(x))
    if x < 33.3:
        return x + math.exp(-x)
    return x


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else (hi if x > hi else x)


def _maximum(a: float, b: float) -> float:
    return a if a != a or a >= b else b  # NaN propagates, as np.maximum


def _minimum(a: float, b: float) -> float:
    return a if a != a or a <= b else b


def _sign(x: float) -> float:
    return 1.0 if x > 0 else (-1.0 if x < 0 else x)  # 0 stays 0 and NaN NaN, as np.sign


# name -> (Python function for folding constants, Python/Numba source template)
OPS: dict[str, tuple[Callable[..., Value], str]] = {
    "add": (lambda a, b: a + b, "{0} + {1}"),
    "sub": (lambda a, b: a - b, "{0} - {1}"),
    "mul": (lambda a, b: a * b, "{0} * {1}"),
    "div": (lambda a, b: a / b, "{0} / {1}"),
    "pow": (lambda a, b: a**b, "{0} ** {1}"),
    "neg": (lambda a: -a, "-{0}"),
    "sqrt": (math.sqrt, "math.sqrt({0})"),
    "exp": (math.exp, "math.exp({0})"),
    "expm1": (math.expm1, "math.expm1({0})"),
    "log": (math.log, "math.log({0})"),
    "log1p": (math.log1p, "math.log1p({0})"),
    "tanh": (math.tanh, "math.tanh({0})"),
    "sin": (math.sin, "math.sin({0})"),
    "abs": (abs, "abs({0})"),
    "sign": (_sign, "_sign({0})"),
    "sigmoid": (_sigmoid, "_sigmoid({0})"),
    "softplus": (_softplus, "_softplus({0})"),
    "clip": (_clip, "_clip({0}, {1}, {2})"),
    "maximum": (_maximum, "_maximum({0}, {1})"),
    "minimum": (_minimum, "_minimum({0}, {1})"),
    "gt": (lambda a, b: a > b, "{0} > {1}"),
    "ge": (lambda a, b: a >= b, "{0} >= {1}"),
    "lt": (lambda a, b: a < b, "{0} < {1}"),
    "le": (lambda a, b: a <= b, "{0} <= {1}"),
    "eq": (lambda a, b: a == b, "{0} == {1}"),
    "neq": (lambda a, b: a != b, "{0} != {1}"),
    "and": (lambda a, b: bool(a) and bool(b), "{0} and {1}"),
    "or": (lambda a, b: bool(a) or bool(b), "{0} or {1}"),
    "not": (lambda a: not a, "not {0}"),
    "switch": (lambda c, a, b: a if c else b, "{1} if {0} else {2}"),
    "float": (float, "float({0})"),
    "bool": (bool, "bool({0})"),
}

# Helpers the templates call, as source for the generated module.
HELPERS_SOURCE = """
@njit(inline="always")
def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@njit(inline="always")
def _softplus(x):
    if x < -37.0:
        return math.exp(x)
    if x < 18.0:
        return math.log1p(math.exp(x))
    if x < 33.3:
        return x + math.exp(-x)
    return x


@njit(inline="always")
def _clip(x, lo, hi):
    return lo if x < lo else (hi if x > hi else x)


@njit(inline="always")
def _maximum(a, b):
    return a if a != a or a >= b else b


@njit(inline="always")
def _minimum(a, b):
    return a if a != a or a <= b else b


@njit(inline="always")
def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else x)
"""


class Sym:
    """A non-constant value in a ScalarGraph."""

    __slots__ = ("graph", "id")

    def __init__(self, graph: ScalarGraph, node_id: int):
        self.graph, self.id = graph, node_id

    def __add__(self, other: Value) -> Value:
        return self.graph.apply("add", self, other)

    def __radd__(self, other: Value) -> Value:
        return self.graph.apply("add", other, self)

    def __sub__(self, other: Value) -> Value:
        return self.graph.apply("sub", self, other)

    def __rsub__(self, other: Value) -> Value:
        return self.graph.apply("sub", other, self)

    def __mul__(self, other: Value) -> Value:
        return self.graph.apply("mul", self, other)

    def __rmul__(self, other: Value) -> Value:
        return self.graph.apply("mul", other, self)

    def __truediv__(self, other: Value) -> Value:
        return self.graph.apply("div", self, other)

    def __rtruediv__(self, other: Value) -> Value:
        return self.graph.apply("div", other, self)

    def __neg__(self) -> Value:
        return self.graph.apply("neg", self)

    def __pow__(self, other: Value) -> Value:
        return self.graph.apply("pow", self, other)

    def __rpow__(self, other: Value) -> Value:
        return self.graph.apply("pow", other, self)

    def __repr__(self) -> str:
        return f"Sym({self.graph.nodes[self.id]})"


def is_const(v: object) -> bool:
    return not isinstance(v, Sym)


class ScalarGraph:
    """Nodes are (op, args) with args constants or earlier Syms: creation order is a
    topological order."""

    def __init__(self) -> None:
        self.nodes: list[tuple[str, tuple]] = []
        self.names: dict[int, str] = {}  # inputs: node id -> the variable name in the source
        self._table: dict[tuple, Sym] = {}

    def input(self, name: str) -> Sym:
        sym = self._new(("input", (name,)))
        self.names[sym.id] = name
        return sym

    def _new(self, node: tuple[str, tuple]) -> Sym:
        sym = Sym(self, len(self.nodes))
        self.nodes.append(node)
        return sym

    def apply(self, op: str, *args: Value) -> Value:
        simpler = _simplify(op, args)
        if simpler is not _NO:
            return simpler
        if all(is_const(a) for a in args):
            try:
                return OPS[op][0](*args)
            except (ArithmeticError, ValueError):
                pass  # e.g. log(0): leave it to the generated code's IEEE semantics
        key = (op, *((a.id, 0) if isinstance(a, Sym) else (a, type(a)) for a in args))
        sym = self._table.get(key)
        if sym is None:
            sym = self._table[key] = self._new((op, args))
        return sym

    def __len__(self) -> int:
        return len(self.nodes)


_NO = object()


def _simplify(op: str, args: tuple) -> object:
    """x+0, x-0, 0-x, x*0, x*1, x/1, --x, constant switches; _NO when nothing applies."""
    if op == "add":
        a, b = args
        if is_const(b) and b == 0 and not isinstance(b, bool):
            return a
        if is_const(a) and a == 0 and not isinstance(a, bool):
            return b
    elif op == "sub":
        a, b = args
        if is_const(b) and b == 0:
            return a
        if is_const(a) and a == 0 and isinstance(b, Sym):
            return b.graph.apply("neg", b)
    elif op == "mul":
        a, b = args
        for x, other in ((a, b), (b, a)):
            if is_const(x) and isinstance(other, Sym):
                if x == 0:
                    return 0.0
                if x == 1 and not isinstance(x, bool):
                    return other
    elif op == "div":
        a, b = args
        if is_const(b) and b == 1:
            return a
    elif op == "neg":
        (a,) = args
        if isinstance(a, Sym) and a.graph.nodes[a.id][0] == "neg":
            return a.graph.nodes[a.id][1][0]
    elif op == "switch":
        c, a, b = args
        if is_const(c):
            return a if c else b
    return _NO
