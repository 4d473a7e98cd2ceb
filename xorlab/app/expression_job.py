"""The expression lab's computation, run on the background runner's thread: parse, compile,
evaluate at a point and over a range, check f' by finite differences, build and render the
chosen graph. Plain Python (no Qt): the tab sends an ExpressionRequest, gets a result.

Parsed expressions and rendered pictures are cached, so moving the point or switching the
graph does not recompile or re-render what is already known.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from xorlab.core.expression.expression import (
    Expression,
    derivative_formula,
    finite_difference,
    is_compiled,
    parse_expression,
)
from xorlab.core.expression.values import (
    PointValues,
    evaluate_point,
    evaluate_range_as_written,
)
from xorlab.core.graphs import render
from xorlab.core.graphs.build import GraphView, graph_of_expression

PARTS = {"f": "f(x)", "df": "f′(x)", "both": "f and f′"}
PLOT_POINTS = 1001
CACHE_SIZE = 16
# Graphs with more ops are not laid out: Graphviz took 0.85 s for 374 ops and 3.3 s for 754
# (with dot.py's quick layout, quiet), and the whole answer is meant to come within a second.
# They are shown as text, with a word saying why.
MAX_DRAWN_OPS = 400
# Layout time also depends on the graph's shape: a 249-op product with 742 edges (83 factors
# of (x+1), optimized) took 7-17 s at load 3, a 262-op tanh chain 3 s. Past this the graph
# is shown as text, and the verdict is remembered for that graph.
LAYOUT_TIMEOUT_S = 1.5


@dataclass(frozen=True)
class ExpressionRequest:
    text: str
    at: float
    x_min: float
    x_max: float
    part: str = "both"  # graphs.EXPRESSION_PARTS
    stage: str = "symbolic"  # graphs.STAGES
    points: int = PLOT_POINTS


@dataclass(frozen=True, eq=False)
class ExpressionResult:
    request: ExpressionRequest
    f: float  # f(at) as written (nan where undefined)
    df: float  # f'(at), symbolic, as written; nan where f is undefined
    fd: float  # central finite difference at ``at``
    xs: np.ndarray
    fs: np.ndarray
    dfs: np.ndarray
    graph: GraphView | None  # None in a first answer (``complete`` False) for the optimized stage
    svg: str | None  # None when nothing could render; ``render_problem`` says why
    render_problem: str | None
    formula: str  # f' as the compiled graph computes it
    point: PointValues  # reasons where undefined; notes where rewrites change a value
    # '' or a sentence: the rewrite budget stopped PyTensor's rewrites (a long expression), so
    # the optimized graph and the formula are partly optimized.
    rewrite_limit: str = ""
    # False for a first answer, computed before the optimized compile: formula '' and no
    # optimized graph or notes on its values; the complete answer follows.
    complete: bool = True

    @property
    def difference(self) -> float:
        return self.df - self.fd


class ExpressionLab:
    """Holds the caches; ``compute`` runs on one background thread at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expressions: OrderedDict[str, Expression] = OrderedDict()
        # DOT -> (SVG, None) or (None, why it could not be drawn)
        self._pictures: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()

    def expression(self, text: str) -> Expression:
        """The parsed expression (cached by text); raises ExpressionError for bad text."""
        with self._lock:
            if text in self._expressions:
                self._expressions.move_to_end(text)
                return self._expressions[text]
        expr = parse_expression(text)
        with self._lock:
            self._expressions[text] = expr
            while len(self._expressions) > CACHE_SIZE:
                self._expressions.popitem(last=False)
        return expr

    def optimized_pending(self, text: str) -> bool:
        """Whether ``text`` still needs its optimized compile: then ``compute(request,
        optimized=False)`` answers first (a long expression's compile takes ~1 s)."""
        with self._lock:
            expr = self._expressions.get(text)
        return expr is None or not is_compiled(expr)

    def compute(self, request: ExpressionRequest, optimized: bool = True) -> ExpressionResult:
        """Everything the tab shows; with ``optimized=False``, all but what needs PyTensor's
        rewrites (the formula, the optimized graph, the notes comparing its values)."""
        expr = self.expression(request.text)
        # The expression as written: PyTensor's rewrites would make 0/0 equal 1.
        point = evaluate_point(expr, request.at, optimized)
        f, df = point.f, point.df if point.df_defined else float("nan")
        try:
            # Differences of the optimized f would invent a slope where f is undefined.
            fd = finite_difference(expr, request.at) if point.f_defined else float("nan")
        except ValueError:  # a point so large that no step changes it
            fd = float("nan")
        xs = np.linspace(request.x_min, request.x_max, request.points)
        fs, dfs = evaluate_range_as_written(expr, xs)
        graph, svg, problem = None, None, None
        if optimized or request.stage == "symbolic":
            # The tab shows the picture, or the DOT source: never debugprint's text.
            graph = graph_of_expression(expr, request.part, request.stage, with_text=False)
            svg, problem = self._picture(graph)
        formula = derivative_formula(expr) if optimized else ""
        limit = " ".join(expr.rewrite_limits)
        return ExpressionResult(
            request, f, df, fd, xs, fs, dfs, graph, svg, problem, formula, point, limit, optimized
        )

    def _picture(self, graph: GraphView) -> tuple[str | None, str | None]:
        if graph.stats.apply_nodes > MAX_DRAWN_OPS:
            return None, (
                f"it has {graph.stats.apply_nodes} ops, too many to lay out within a second "
                f"(at most {MAX_DRAWN_OPS} are drawn); the graph of f alone or the optimized "
                "graph may be small enough"
            )
        dot = graph.dot
        with self._lock:
            known = self._pictures.get(dot)
        if known is not None:
            return known
        try:
            known = render.render_svg(dot, timeout=LAYOUT_TIMEOUT_S), None
        except render.RenderUnavailable as exc:  # nothing installed: not remembered
            return None, str(exc)
        except render.RenderError as exc:  # too slow or failed: remembered, not retried
            known = None, str(exc)
        with self._lock:
            self._pictures[dot] = known
            while len(self._pictures) > CACHE_SIZE:
                self._pictures.popitem(last=False)
        return known
