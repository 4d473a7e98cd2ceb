"""Expressions in one variable x: the graph of f (from the safe parser in parser.py), its
derivative by ``pytensor.grad``, and compiled evaluation at a point, over a range, and by
finite differences as an independent check.

Two runs of the same graph: as written (no rewrites, no compile: as_written.py; the values
shown) and compiled (PyTensor's rewrites within a time budget; the graph and formula shown,
and a note where its values differ). Rewrites grow much faster than the expression, so the
optimized one may be partial for a long expression (rewrite_budget.py); the as-written one
takes milliseconds at any length the parser accepts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytensor
import pytensor.scalar as ps
import pytensor.tensor as pt
from pytensor.compile import Function
from pytensor.compile.io import In
from pytensor.compile.maker import FunctionMaker
from pytensor.compile.mode import Mode
from pytensor.compile.ops import DeepCopyOp
from pytensor.graph.basic import Apply
from pytensor.graph.replace import vectorize_graph
from pytensor.graph.rewriting.basic import WalkingGraphRewriter, node_rewriter
from pytensor.graph.rewriting.db import RewriteDatabaseQuery
from pytensor.printing import PPrinter, pp
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.variable import TensorVariable

from xorlab.core import pytensor_setup  # noqa: F401  (settings applied on import)
from xorlab.core.expression import as_written
from xorlab.core.expression.merged_clone import merged_clone
from xorlab.core.expression.parser import (  # noqa: F401  (public names live here too)
    CONSTANTS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    VARIABLE,
    ExpressionError,
    build_graph_of,
)
from xorlab.core.expression.rewrite_budget import BudgetedRewriter, RewriteBudget
from xorlab.core.expression.rewrite_log import rewrite_failures

# numpy ufuncs take at most 32 operands, and the rewrites merge long sums and products
# (x+x+...+x, or the product rule applied many times) into one n-ary node that PerformLinker
# cannot run: split those back into nested nodes of at most 31 inputs.
_UFUNC_MAX_INPUTS = 31


@node_rewriter([Elemwise])
def _split_wide_sums_and_products(fgraph: object, node: Apply) -> list[TensorVariable] | None:
    op = node.op
    if len(node.inputs) <= _UFUNC_MAX_INPUTS or not isinstance(op.scalar_op, ps.Add | ps.Mul):
        return None
    terms = list(node.inputs)
    while len(terms) > _UFUNC_MAX_INPUTS:
        step = _UFUNC_MAX_INPUTS
        chunks = [terms[i : i + step] for i in range(0, len(terms), step)]
        terms = [op(*chunk) if len(chunk) > 1 else chunk[0] for chunk in chunks]
    return [op(*terms)]


# PerformLinker (numpy per op) with the full fast_run rewrites minus elemwise fusion.
# Measured here (2 cores) for tiny graphs such as exp(sin(x**2)) and its gradient:
#   default Numba  cold 0.4-1.3 s per function, warm ~0.03 s; call 4 us, 500 points 20 us
#   CVM (C)        cold 0.5-1.5 s per function (runs g++), warm ~0.03 s; similar calls
#   FAST_COMPILE   ~0.02 s, but no rewrites: no stabilisation, no "optimized" graph to show
#   this mode      0.02-0.1 s (0.13 s for the first); call ~50 us, 1001 points ~3 ms
# A user types a new expression every few seconds and looks at its optimized graph, so
# compile latency matters far more than call speed. Fusion is left out because a fused
# Composite runs element by element in Python with this linker (~12 ms for 500 points)
# and hides the rewritten ops the graph view shows. No C compiler or cache is involved.
class _SplitWhereWide(WalkingGraphRewriter):
    """``_split_wide_sums_and_products`` over the graph, walked only when a node is too wide:
    the walk visits every node (0.035 s of the 100-term quotient's 1,000 ops, after the
    rewrite budget's deadline, since it always runs), and most graphs have none."""

    def apply(self, fgraph, start_from=None):
        if all(len(node.inputs) <= _UFUNC_MAX_INPUTS for node in fgraph.apply_nodes):
            return None
        return super().apply(fgraph, start_from)


COMPILE_MODE = Mode(
    linker="py", optimizer=RewriteDatabaseQuery(include=["fast_run"], exclude=["fusion"])
).register((_SplitWhereWide(_split_wide_sums_and_products), 49.4))  # after merge2, before inplace

# Seconds PyTensor's rewrites may take for one compiled function of an expression, once
# REWRITE_FLOOR node rewrites have run (those always do, so a short expression is rewritten
# fully at any load: see rewrite_budget.py). Quiet, expressions of up to ~25 characters
# finished their rewrites in 0.04-0.3 s; a 100-term quotient takes minutes. The expression
# tab's whole answer (values, plots, both graphs) is meant to come within a second.
REWRITE_BUDGET_S = 0.35
REWRITE_FLOOR = 1000


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed expression: symbolic float64 scalar input `x`, output `f` and derivative `df`.

    Compiled functions are cached on the instance. Its lock also serialises calls, since a
    compiled PyTensor function must not run on two threads at once.
    """

    text: str
    x: TensorVariable
    f: TensorVariable
    df: TensorVariable
    _compiled: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    # Rewrites PyTensor skipped because they failed ("local_pow_to_nested_squaring on
    # Pow(x, inf)"), captured from its log so no traceback reaches stderr.
    rewrite_failures: list[str] = field(default_factory=list, init=False, repr=False)
    # Sentences saying the rewrite budget ran out (RewriteBudget.describe), one per compile.
    rewrite_limits: list[str] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)


def parse_expression(text: str) -> Expression:
    """Parse `text` into an Expression, or raise ExpressionError saying what is wrong."""
    x = pt.dscalar(VARIABLE)
    f = build_graph_of(text, x)
    df = pytensor.grad(f, x, disconnected_inputs="ignore")  # "3" has f' = 0, not an error
    return Expression(text=text, x=x, f=f, df=df)


def rewritten_scalar(expr: Expression, budget: RewriteBudget | None = None) -> FunctionMaker:
    """What PyTensor's compile of x -> [f(x), f'(x)] makes before linking: its ``fgraph`` is
    the optimized graph. Rewritten within ``budget`` (default REWRITE_BUDGET_S);
    `expr.rewrite_limits` says when that stopped the rewrites. Once per expression.

    The graph view, the formula and the optimized values (``evaluate``) need no more than
    this: linking it (``compiled_scalar``) prepares each of its ops once more, a third of the
    100-term quotient's compile."""
    return _rewrite(expr, "scalar", lambda: ([expr.x], [expr.f, expr.df]), budget)


def compiled_scalar(expr: Expression, budget: RewriteBudget | None = None) -> Function:
    """The compiled function x -> [f(x), f'(x)] (Python linker) of ``rewritten_scalar``'s
    graph; its `maker.fgraph` is the optimized graph. Linked once per expression."""
    return _linked(expr, "scalar", rewritten_scalar(expr, budget))


def is_rewritten(expr: Expression) -> bool:
    """Whether ``rewritten_scalar(expr)`` is ready (it returns at once)."""
    with expr._lock:
        return "scalar" in expr._compiled


def compiled_vector(expr: Expression, budget: RewriteBudget | None = None) -> Function:
    """The compiled function xs -> [f(xs), f'(xs)] on a float64 vector, element by element."""

    def build() -> tuple[list[TensorVariable], list[TensorVariable]]:
        xs = pt.dvector("xs")
        # f and f' are scalar graphs of x, so both map over a vector element by element: no
        # second gradient to build (it doubled a long expression's time). Adding zeros gives a
        # constant (f of "3", or its f') the length of xs.
        fs, dfs = vectorize_graph([expr.f, expr.df], {expr.x: xs})
        return [xs], [fs + pt.zeros_like(xs), dfs + pt.zeros_like(xs)]

    return _linked(expr, "vector", _rewrite(expr, "vector", build, budget))


def _program_of_f(expr: Expression) -> list:
    """The ops of f alone as written (as_written.py: no rewrites, no compile), once."""
    with expr._lock:
        order = expr._compiled.get("as-written f")
        if order is None:
            order = expr._compiled["as-written f"] = as_written.program(expr.x, [expr.f])
    return order


def evaluate(expr: Expression, at: float) -> tuple[float, float]:
    """(f(at), f'(at)) as PyTensor's optimized graph computes them; outside the domain
    (log(-1)) nan, never an error.

    The rewritten graph runs op by op in its own order (which puts every reader of a value
    before an op that overwrites it in place), each op's ``perform`` called as the Python
    linker calls it: the same numbers, to the bit, as ``compiled_scalar``'s function, with no
    link step (tests/core/expression/test_expression.py compares the two)."""
    fgraph = rewritten_scalar(expr).fgraph
    with expr._lock:
        order = expr._compiled.get("optimized order")
        if order is None:
            order = as_written.prepared(fgraph.toposort(), any_op=True)
            expr._compiled["optimized order"] = order
        known = as_written.run(order, fgraph.inputs[0], float(at))
    f, df = (float(as_written.value_of(out, known)) for out in fgraph.outputs)
    return f, df


def evaluate_range(expr: Expression, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(xs), f'(xs)) in one compiled call; both have the shape of `xs`."""
    points = np.asarray(xs, dtype=np.float64)
    fn = compiled_vector(expr)
    with expr._lock, np.errstate(all="ignore"):
        f, df = fn(points.ravel())
    # Copies, so a caller never holds storage that a later call could reuse.
    return np.array(f).reshape(points.shape), np.array(df).reshape(points.shape)


def finite_difference(expr: Expression, at: float, h: float | None = None) -> float:
    """f'(at) from values of f as written alone: an independent check of the symbolic
    derivative, and one that needs no rewrites (they take minutes for a long expression).

    Central differences D(h) = (f(at+h) - f(at-h)) / 2h with steps h and h/2, combined by
    Richardson extrapolation, (4 D(h/2) - D(h)) / 3, which cancels the h**2 error term. A
    plain D(h) is off by 1e-5 for exp(sin(x**2)) at 15, which oscillates fast there.
    """
    at = float(at)
    if h is None:
        # cbrt(machine epsilon) balances truncation error against rounding error.
        h = float(np.cbrt(np.finfo(np.float64).eps)) * max(1.0, abs(at))
    half, whole = _representable(at, h / 2), _representable(at, h)
    # The four values of f in one run of its graph (numpy computes each element of an array
    # as it computes that number alone: the same values as four runs, in a quarter the calls).
    points = np.array([at + half, at - half, at + whole, at - whole])
    known = as_written.run(_program_of_f(expr), expr.x, points)
    values = np.broadcast_to(as_written.value_of(expr.f, known), 4)
    f_half_up, f_half_down, f_up, f_down = (float(value) for value in values)
    d_half = (f_half_up - f_half_down) / (2.0 * half)
    d_whole = (f_up - f_down) / (2.0 * whole)
    return (4.0 * d_half - d_whole) / 3.0


def _representable(at: float, h: float) -> float:
    """The step actually representable around ``at`` for a step of about ``h``."""
    h = (at + h) - at
    if h == 0.0:
        raise ValueError(f"step h is too small to change x = {at}")
    return h


def derivative_formula(expr: Expression, limit: int | None = None) -> str:
    """f' as PyTensor prints its optimized graph: Mul(2.0, Exp(Sin(Sqr(x))), Cos(Sqr(x)), x).
    Printed once per expression (0.1 s for a 1,000-op graph).

    With ``limit``, a formula longer than ``limit`` characters is its first ``limit``
    characters and "…", the same characters the whole one begins with, printed without
    printing the rest (the 100-term quotient's formula has 532,337 characters; a view
    shows a few hundred)."""
    output = rewritten_scalar(expr).fgraph.outputs[1]
    key = "formula" if limit is None else f"formula, first {limit}"
    with expr._lock:
        formula = expr._compiled.get("formula") or expr._compiled.get(key)
    if formula is None:
        if output.owner is not None and isinstance(output.owner.op, DeepCopyOp):
            output = output.owner.inputs[0]  # a constant or input output is wrapped in a copy
        formula = str(pp(output)) if limit is None else _PrefixPrinter(limit + 1).process(output)
        with expr._lock:
            expr._compiled[key] = formula
    if limit is not None and len(formula) > limit:
        return formula[:limit] + "…"
    return formula


class _PrefixPrinter(PPrinter):
    """PyTensor's ``pp``, keeping only the first ``keep`` characters of what it prints for
    each variable. Every one of pp's printers writes a node as fixed text around its inputs'
    texts, in input order (``Mul(a, b)``, ``(a / b)``): so the first ``keep`` characters of a
    node's text depend only on the first ``keep`` of each input's, and are pp's own. The
    whole text of a merged graph doubles with each level that reuses a subexpression; this
    one stays within a few times ``keep`` per node."""

    def __init__(self, keep: int):
        super().__init__()
        self.printers = list(pp.printers)
        self.printers_dict = dict(pp.printers_dict)
        self.keep = keep

    def process(self, r, pstate=None) -> str:
        return super().process(r, pstate)[: self.keep]


def describe_error(text: str, error: ExpressionError) -> str:
    """Three lines for a terminal: the expression, a caret under the column, the message."""
    # Tabs stay tabs so the caret lines up however wide the terminal draws them.
    pad = "".join("\t" if char == "\t" else " " for char in text[: error.column - 1])
    return f"{text}\n{pad}^\n{error.message}"


def _rewrite(
    expr: Expression,
    key: str,
    build: Callable[[], tuple[list[TensorVariable], list[TensorVariable]]],
    budget: RewriteBudget | None,
) -> FunctionMaker:
    with expr._lock:
        if key not in expr._compiled:
            inputs, outputs = build()
            budget = budget or RewriteBudget(REWRITE_BUDGET_S, min_attempts=REWRITE_FLOOR)
            # A freshly queried rewrite sequence (COMPILE_MODE's), run within the budget.
            rewriter = BudgetedRewriter(
                COMPILE_MODE.optimizer, budget, required=[_split_wide_sums_and_products]
            )
            mode = Mode(linker="py", optimizer=rewriter)
            # pytensor.function would copy the graph (its rewrites change what they are given)
            # and then merge repeated subexpressions in its first phase; merged_clone.py does
            # both in one pass, 5-10 times quicker for a long expression's gradient.
            inputs, outputs = merged_clone(inputs, outputs)
            # Constant folding may overflow (9.0**9**9 -> inf): that is the intended value.
            with np.errstate(all="ignore"), rewrite_failures() as failures:
                expr._compiled[key] = mode.function_maker(
                    [In(var) for var in inputs],
                    outputs,
                    mode,
                    on_unused_input="ignore",
                    name=f"{key} f, f' of {expr.text}",
                )
            expr.rewrite_failures.extend(f for f in failures if f not in expr.rewrite_failures)
            limit = budget.describe()
            if limit and limit not in expr.rewrite_limits:
                expr.rewrite_limits.append(limit)
        return expr._compiled[key]


def _linked(expr: Expression, key: str, maker: FunctionMaker) -> Function:
    with expr._lock:
        linked = f"{key}, linked"
        if linked not in expr._compiled:
            with np.errstate(all="ignore"):
                expr._compiled[linked] = maker.create()
        return expr._compiled[linked]
