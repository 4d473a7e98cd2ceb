"""The value of an expression as written, and why it is undefined where it is.

PyTensor's rewrites assume the expression is defined: x/x becomes 1, x*0 becomes 0, so the
optimized graph says (x-x)/(x-x) = 1 at 3 and 0/0 = 1. A lab about differentiation must
show the value of what the learner wrote. Here the graph runs with no rewrites at all
(as_written.py: each op in numpy, in the order written, no compile), every intermediate
value is kept, and the first op that turned finite inputs into nan or inf names the
reason ("0/0", "log of a negative number"). Where the optimized graph's value differs,
a note says so: that difference is itself a lesson about rewrites.

PyTensor's rewriter logs a traceback when a rewrite fails (x**inf makes one call int(inf));
the compile captures those (xorlab.core.expression.rewrite_log) and they become notes here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np
from pytensor.graph.basic import Apply, Constant
from pytensor.graph.traversal import ancestors
from pytensor.tensor.elemwise import Elemwise

from xorlab.core.expression import as_written
from xorlab.core.expression.expression import Expression, evaluate


class Underflow(Enum):
    """What an underflowed value (0 or subnormal, a value on the way fell below double range)
    says about the true value; its ``word`` is shown beside the number."""

    NOT_ZERO = "underflow: the true value is not 0"
    MAY_BE_ZERO = "underflow: may not be 0"
    SUBNORMAL = "underflow: fewer digits are exact"

    @property
    def word(self) -> str:
        return self.value


@dataclass(frozen=True)
class PointValues:
    """f and f' at one x as written, why each is undefined (empty if defined), and notes."""

    at: float
    f: float
    df: float
    f_reason: str
    df_reason: str
    optimized_f: float
    optimized_df: float
    notes: tuple[str, ...]
    # Where f (f') is 0 or subnormal because a value fell below double range on the way:
    # what underflowed, and whether the true value is surely not 0. Empty otherwise.
    f_underflow: str = ""
    df_underflow: str = ""
    # Which kind each underflow is (None: no underflow), for the word beside the value.
    f_underflow_kind: Underflow | None = None
    df_underflow_kind: Underflow | None = None

    @property
    def f_defined(self) -> bool:
        return math.isfinite(self.f)

    @property
    def df_defined(self) -> bool:
        return math.isfinite(self.f) and math.isfinite(self.df)


# --- as written -----------------------------------------------------------------------


def _as_written(expr: Expression) -> list[Apply]:
    """The ops of f and f' in the order they run as written (cached on the expression)."""
    with expr._lock:
        order = expr._compiled.get("as-written")
        if order is None:
            order = expr._compiled["as-written"] = as_written.program(expr.x, [expr.f, expr.df])
        return order


def evaluate_point(expr: Expression, at: float, optimized: bool = True) -> PointValues:
    """f and f' at ``at`` as written, the reasons where undefined, and how the optimized
    graph differs (with ``optimized=False``, not compiled: its values are nan and no note
    compares them; ``beside_optimized`` adds that later). Never raises for a value outside
    the domain."""
    at = float(at)
    order = _as_written(expr)
    known = {var: float(value) for var, value in as_written.run(order, expr.x, at).items()}
    point = _point(expr, at, order, known)
    return beside_optimized(expr, point) if optimized else point


def evaluate_point_and_range(
    expr: Expression, at: float, xs: np.ndarray
) -> tuple[PointValues, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """``evaluate_point(expr, at, optimized=False)`` and ``evaluate_range_with_underflow(expr,
    xs)`` from one run of the graph as written, over the points and ``at`` together: numpy
    computes each element of an array as it computes that number alone (the same loop), so
    the values are the same to the bit (tests/core/expression/test_values.py compares them),
    and each op is called once, not twice (0.06 s of the 100-term quotient's 1,894 ops)."""
    at = float(at)
    points = np.asarray(xs, dtype=np.float64).ravel()
    order = _as_written(expr)
    known = as_written.run(order, expr.x, np.append(points, at))
    # A value computed from constants alone is one 0-d value for every point.
    at_point = {var: float(value[-1] if value.ndim else value) for var, value in known.items()}
    in_range = {var: value[:-1] if value.ndim else value for var, value in known.items()}
    point = _point(expr, at, order, at_point)
    return point, _range_of(expr, xs, order, in_range, underflow=True)


def _point(expr: Expression, at: float, order: list[Apply], known: dict) -> PointValues:
    """The PointValues of ``known`` (every value's number at ``at``), not compared yet."""
    f, df = _value(expr.f, known), _value(expr.df, known)
    f_reason = "" if math.isfinite(f) else _origin(expr.f, order, known)
    if not math.isfinite(f):
        df_reason = "f is not finite here"
    else:
        df_reason = "" if math.isfinite(df) else _origin(expr.df, order, known)
    notes = []
    if not math.isfinite(f) and math.isfinite(df):
        notes.append(
            f"f is not finite at x = {at:g} ({f_reason}), so f′ is undefined there, though "
            f"the formula PyTensor built for f′ gives {df!r}."
        )
    f_kind, f_underflow = _underflow(expr.f, order, known) if math.isfinite(f) else (None, "")
    df_kind, df_underflow = _underflow(expr.df, order, known) if math.isfinite(df) else (None, "")
    for name, value, underflow in (("f", f, f_underflow), ("f′", df, df_underflow)):
        if underflow:
            notes.append(f"{name}({at:g}) is shown as {value!r}, but {underflow}.")
    return PointValues(
        at,
        f,
        df,
        f_reason,
        df_reason,
        math.nan,
        math.nan,
        tuple(notes),
        f_underflow,
        df_underflow,
        f_kind,
        df_kind,
    )


def beside_optimized(expr: Expression, written: PointValues) -> PointValues:
    """``written`` (evaluate_point's, with ``optimized=False``) with the optimized graph's
    values and the notes comparing them: the values as written are not computed again
    (running the 1,894 ops of a 100-term quotient and its derivative once more took ~0.05 s)."""
    with np.errstate(all="ignore"):
        optimized_f, optimized_df = evaluate(expr, written.at)  # compiles (and rewrites) once
    notes = list(written.notes)
    changed = [
        f"{name} = {optimized_value!r} (as written: {_shown(value)})"
        for name, value, optimized_value in (
            ("f", written.f, optimized_f),
            ("f′", written.df, optimized_df),
        )
        if _differs(value, optimized_value)
    ]
    if changed:
        notes.append(
            f"PyTensor's optimized graph gives {' and '.join(changed)}: rewrites such as "
            "x/x → 1 and x*0 → 0 assume the expression is defined, and change its value "
            "where it is not."
        )
    notes += [
        f"A PyTensor rewrite failed and was skipped ({failure}): a constant overflows."
        if "inf" in failure
        else f"A PyTensor rewrite failed and was skipped ({failure})."
        for failure in expr.rewrite_failures
    ]
    return replace(written, optimized_f=optimized_f, optimized_df=optimized_df, notes=tuple(notes))


def evaluate_range_as_written(expr: Expression, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(xs), f'(xs)) as written, element by element; nan or inf where undefined."""
    f, df, _, _ = _range(expr, xs, underflow=False)
    return f, df


def evaluate_range_with_underflow(
    expr: Expression, xs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(f(xs), f'(xs), where f underflowed, where f' did): as evaluate_range_as_written, and
    boolean arrays marking the points whose value is 0 or subnormal because a value on the
    way fell below double range (as ``_underflow`` finds for one point)."""
    return _range(expr, xs, underflow=True)


def _range(expr: Expression, xs: np.ndarray, underflow: bool) -> tuple:
    points = np.asarray(xs, dtype=np.float64).ravel()
    order = _as_written(expr)
    return _range_of(expr, xs, order, as_written.run(order, expr.x, points), underflow)


def _range_of(expr: Expression, xs: np.ndarray, order: list[Apply], known: dict, underflow: bool):
    """(f, f', where f underflowed, where f' did) from ``known``: every value over ``xs``."""
    points = np.asarray(xs, dtype=np.float64).ravel()
    # Copies the length of the points: a constant f ("3") or f' is one 0-d value.
    f, df = (
        np.array(np.broadcast_to(as_written.value_of(var, known), points.shape), dtype=np.float64)
        for var in (expr.f, expr.df)
    )
    df[~np.isfinite(f)] = np.nan  # where f is undefined, so is f'
    f_under = df_under = np.zeros(points.shape, dtype=bool)
    if underflow and (_small(f).any() or _small(df).any()):  # else nothing to look for
        tainted = _underflowed(order, known, points.shape)
        none = np.zeros(points.shape, dtype=bool)
        f_under = tainted.get(expr.f, none) & _small(f)
        df_under = tainted.get(expr.df, none) & _small(df)
    shape = np.shape(xs)
    return f.reshape(shape), df.reshape(shape), f_under.reshape(shape), df_under.reshape(shape)


def _small(values: np.ndarray) -> np.ndarray:
    """0 or subnormal (finite and below the smallest normal double)."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (np.abs(values) < TINY)


def _underflowed(order: list[Apply], known: dict, shape: tuple) -> dict:
    """For each value, the points where it or a value it was computed from fell below double
    range at an op that cannot give 0 exactly from what it was given (_NONZERO_FROM)."""
    tainted: dict = {}
    for node in order:
        out = node.outputs[0]
        marks = [tainted[v] for v in node.inputs if v in tainted]
        name = _op_name(node)
        if name in _NONZERO_FROM:
            args = [np.broadcast_to(as_written.value_of(v, known), shape) for v in node.inputs]
            marks.append(_underflows_here(name, args, np.broadcast_to(known[out], shape)))
        if marks:
            mark = np.logical_or.reduce(marks) if len(marks) > 1 else marks[0]
            if mark.any():
                tainted[out] = mark
    return tainted


def describe_range_underflow(xs: np.ndarray, f_under: np.ndarray, df_under: np.ndarray) -> str:
    """'' or a sentence: where the plotted f (f') is 0 or subnormal by underflow."""
    parts = []
    for name, mask in (("f", f_under), ("f′", df_under)):
        count = int(np.count_nonzero(mask))
        if count:
            where = np.asarray(xs)[mask]
            parts.append(
                f"{name} at {count} of {mask.size} points (x from {where.min():g} to "
                f"{where.max():g})"
            )
    if not parts:
        return ""
    return (
        f"On the plots, {' and '.join(parts)} fell below double range on the way: drawn as 0 "
        "(or a subnormal number), which may not be the true value there."
    )


def describe_value(value: float, reason: str, underflow: Underflow | None = None) -> str:
    """'1.5', or 'undefined (0/0)' for nan, 'inf (overflow: ...)' for an infinity, '0.0
    (underflow: ...)' for a value that fell below double range (``underflow``: its kind)."""
    if underflow is not None and math.isfinite(value):
        return f"{value!r} ({underflow.word})"
    if math.isnan(value):
        return f"undefined ({reason})" if reason else "undefined"
    if math.isinf(value):
        sign = "+inf" if value > 0 else "-inf"
        return f"{sign} ({reason})" if reason else sign
    return repr(value)


# The smallest normal double: below it a float64 keeps fewer digits (subnormal), and below
# ~4.9e-324 it is 0.
TINY = float(np.finfo(np.float64).tiny)
# Ops whose exact result is not 0 when their inputs (those listed) are not 0, so a 0 (or a
# subnormal) they make from such inputs is an underflow, not the true value.
_NONZERO_FROM = {
    "mul": None,  # None: every input
    "true_div": (0,),
    "truediv": (0,),
    "pow": (0,),
    "exp": (),
    "exp2": (),
    "sqr": None,
    "neg": None,
    "sqrt": None,
    "abs": None,
    "reciprocal": (),
}


def _underflows_here(name: str, args: list, result) -> object:
    """Whether an op named ``name`` made ``result`` 0 or subnormal by underflow from
    ``args``: it cannot give 0 exactly from what it was given (_NONZERO_FROM) and they were
    finite. Numbers or arrays alike (a bool, or a bool array over the points); False for an op
    that can make an exact 0 (x - x)."""
    needed = _NONZERO_FROM.get(name, "")
    if needed == "":
        return False
    positions = range(len(args)) if needed is None else needed
    made = _small(result)
    for i, arg in enumerate(args):
        made = made & np.isfinite(arg)
        if i in positions:
            made = made & (arg != 0.0)
    return made


def _underflow(output, order: list[Apply], known: dict) -> tuple[Underflow | None, str]:
    """Why ``output``'s value (0 or subnormal) is not to be taken as the truth: its kind, and
    in words the first op in its graph that made a 0 or a subnormal from inputs that could
    not give one exactly, and whether the true value is surely not 0; (None, '') where
    nothing underflowed (x - x is 0)."""
    value = _value(output, known)
    if not math.isfinite(value) or abs(value) >= TINY:
        return None, ""
    relevant = set(ancestors([output]))
    nodes = [node for node in order if node.outputs[0] in relevant]
    surely_nonzero: dict = {}

    def nonzero(var) -> bool:
        if var in surely_nonzero:
            return surely_nonzero[var]
        return _value(var, known) != 0.0  # a constant, or x

    origin = ""
    for node in nodes:
        out = node.outputs[0]
        result, args = _value(out, known), [_value(v, known) for v in node.inputs]
        name = _op_name(node)
        needed = _NONZERO_FROM.get(name, "")
        if needed == "":  # an op that can make an exact 0 (x - x): trust a normal value
            surely_nonzero[out] = abs(result) >= TINY
            continue
        positions = range(len(node.inputs)) if needed is None else needed
        surely_nonzero[out] = all(nonzero(node.inputs[i]) for i in positions)
        if not origin and _underflows_here(name, args, result):
            where = "below double range" if result == 0.0 else "below the normal range"
            origin = f"{_written(name, args)} = {result:.3g} fell {where}"
    if not origin:
        return None, ""
    if value != 0.0:
        return Underflow.SUBNORMAL, (
            f"it is subnormal (below {TINY:.3g}): {origin}, and a double that small keeps "
            "fewer than 15 exact digits"
        )
    if nonzero(output):
        return (
            Underflow.NOT_ZERO,
            f"its true value is not 0: {origin} (the smallest double is 4.9e-324)",
        )
    return (
        Underflow.MAY_BE_ZERO,
        f"it may not be 0: {origin} on the way (the smallest double is 4.9e-324)",
    )


_INFIX = {"mul": "×", "true_div": "/", "truediv": "/", "pow": "**"}


def _written(name: str, args: list[float]) -> str:
    """'1.25e-300 / 4.38e+17', 'exp(-800)': an op on its values, as a person writes it."""
    if name in _INFIX and len(args) >= 2:
        return f" {_INFIX[name]} ".join(f"{a:.3g}" for a in args)
    return f"{name}({', '.join(f'{a:.3g}' for a in args)})"


def _op_name(node: Apply) -> str:
    op = node.op.scalar_op if isinstance(node.op, Elemwise) else node.op
    return type(op).__name__.lower()


def _value(variable, known: dict) -> float:
    if isinstance(variable, Constant):
        return float(np.asarray(variable.data))
    return known[variable]


def _shown(value: float) -> str:
    return "undefined" if math.isnan(value) else repr(value)


def _differs(written: float, optimized: float) -> bool:
    if math.isnan(written) or math.isnan(optimized):
        return math.isnan(written) != math.isnan(optimized)
    if math.isinf(written) or math.isinf(optimized):
        return written != optimized
    return abs(written - optimized) > 1e-9 * max(1.0, abs(written))


def _origin(output, order: list[Apply], known: dict) -> str:
    """Why ``output`` is nan or inf: the first op in its graph that made a nan from no nan
    (for a nan) or an infinity from finite inputs, and where an infinity it used came from."""
    relevant = set(ancestors([output]))
    nodes = [node for node in order if node.outputs[0] in relevant]

    def first(want_nan: bool) -> str:
        for node in nodes:
            result = _value(node.outputs[0], known)
            args = [_value(v, known) for v in node.inputs]
            if want_nan and math.isnan(result) and not any(math.isnan(a) for a in args):
                reason = _reason(node, args, result)
                if any(math.isinf(a) for a in args) and (source := first(False)):
                    reason += f", after {source}"
                return reason
            if not want_nan and math.isinf(result) and all(math.isfinite(a) for a in args):
                return _reason(node, args, result)
        return ""

    value = _value(output, known)
    found = first(math.isnan(value))
    if found:
        return found
    if isinstance(output, Constant):
        return "a constant beyond double range"
    return "not a finite number"


def _reason(node: Apply, args: list[float], result: float) -> str:
    op = node.op.scalar_op if isinstance(node.op, Elemwise) else node.op
    name = type(op).__name__.lower()
    shown = ", ".join(f"{a:g}" for a in args)
    a = args[0] if args else math.nan
    b = args[1] if len(args) > 1 else math.nan
    if name in ("truediv", "intdiv", "true_divide") and b == 0:
        return "0/0" if a == 0 else f"division by zero ({a:g}/0)"
    if name.startswith("log") and a < 0:
        return f"log of a negative number ({shown})"
    if name.startswith("log") and a == 0:
        return "log of 0"
    if name == "sqrt" and a < 0:
        return f"square root of a negative number ({a:g})"
    if name == "pow":
        if a == 0 and b < 0:
            return f"0 to a negative power ({b:g})"
        if a < 0 and not float(b).is_integer():
            return f"a negative number to a fractional power ({a:g} ** {b:g})"
        if math.isinf(result):
            return f"overflow: {a:g} ** {b:g} is beyond double range"
    if name == "mul" and math.isnan(result):
        return "0 × infinity"
    if name in ("add", "sub") and math.isnan(result):
        return "infinity − infinity"
    if math.isinf(result) and all(math.isfinite(v) for v in args):
        if name in ("exp", "exp2", "cosh", "sinh", "mul", "add", "sub", "sqr", "expm1"):
            return f"overflow: {name}({shown}) is beyond double range"
    if math.isnan(result) and name in ("arcsin", "arccos", "arctanh", "arccosh"):
        return f"{name} outside its domain ({shown})"
    return f"{name}({shown}) = {result!r}"
