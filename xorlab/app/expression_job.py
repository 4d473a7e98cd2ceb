"""The expression lab's computation, run on the background runner's thread: parse, compile,
evaluate at a point and over a range, check f' by finite differences, build and render the
chosen graph. Plain Python (no Qt): the tab sends an ExpressionRequest, gets a result.

Parsed expressions and rendered pictures are cached, so moving the point or switching the
graph does not recompile or re-render what is already known.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xorlab.core.graphs import render

if TYPE_CHECKING:
    from xorlab.core.expression.expression import Expression
    from xorlab.core.expression.rewrite_budget import RewriteBudget
    from xorlab.core.expression.values import PointValues
    from xorlab.core.graphs.build import GraphView

PARTS = {"f": "f(x)", "df": "f′(x)", "both": "f and f′"}
STAGES = ("symbolic", "optimized")
PLOT_POINTS = 1001
CACHE_SIZE = 16
PART_WORDS = {"f": "f", "df": "f′", "both": "f and f′"}  # graphs.EXPRESSION_PARTS
# Graphs with more ops are not laid out: Graphviz took 0.85 s for 374 ops and 3.3 s for 754
# (with dot.py's quick layout, quiet), and the whole answer is meant to come within a second.
# They are shown as text, with a word saying why.
MAX_DRAWN_OPS = 400
# Layout time also depends on the graph's shape: a 249-op product with 742 edges (83 factors
# of (x+1), optimized) took 7-17 s at load 3, a 262-op tanh chain 3 s. Past this the graph
# is shown as text, and the verdict is remembered for that graph.
LAYOUT_TIMEOUT_S = 1.5
# Graphviz runs as a process of its own, so a layout thread only waits for it: two let the
# optimized graph's layout start as soon as its graph is built, beside the symbolic one's
# (queued behind it, the 10 nested compositions' optimized picture came ~0.3 s later).
LAYOUT_THREADS = 2
# The complete answer to a new expression is due this long after it was first asked for:
# PyTensor's rewrites get what is left of that once the first answer is out (counted from
# before the graph is copied for them), less AFTER_REWRITES_S for what follows them; at
# least MIN_REWRITE_S, at most what any compile gets (expression.REWRITE_BUDGET_S). A short
# expression is rewritten fully whatever is left (the budget's floor of node rewrites always
# runs).
ANSWER_DUE_S = 1.0
# Of f' as compiled, the characters a result holds: the tab shows them; a 100-term quotient's
# whole formula (532,337 characters) took ~0.1 s to print, and the optimized graph has it all.
FORMULA_CHARACTERS = 600
# What follows the rewrites, up to the optimized graph on screen: the rewrites' last pass
# (0.05 s past their deadline for the 100-term quotient), its values, view and formula
# (~0.1 s of CPU for the quotient), and for a graph that is drawn Graphviz's layout (the 10
# nested compositions' 132 ops: 0.05 s of CPU, 0.2 s at load 5), its clickable shapes
# (0.035 s) and the GUI thread's drawing (0.02-0.05 s). With 0.3 (round 10) the quotient
# completed at 0.98-1.15 s and that picture came at 0.80-1.15 s: the deadline left no room.
AFTER_REWRITES_S = 0.45
MIN_REWRITE_S = 0.05


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
    # f' as the compiled graph computes it: its first FORMULA_CHARACTERS characters and "…"
    # where it is longer
    formula: str
    point: PointValues  # reasons where undefined; notes where rewrites change a value
    # '' or a sentence: the rewrite budget stopped PyTensor's rewrites (a long expression), so
    # the optimized graph and the formula are partly optimized.
    rewrite_limit: str = ""
    # False for a first answer, computed before the optimized compile: formula '' and no
    # optimized graph or notes on its values; the complete answer follows.
    complete: bool = True
    # The picture's clickable elements, found on the layout thread by the lab's
    # ``picture_shapes`` (None: none given, or no picture): the view need not parse the SVG.
    shapes: object = None
    # '' or a sentence: where on the plots f or f' is 0 (or subnormal) by underflow.
    range_note: str = ""

    @property
    def difference(self) -> float:
        return self.df - self.fd

    @property
    def drawing(self) -> bool:
        """Graphviz is still laying out ``graph``: a first answer does not wait for it; the
        complete answer brings the picture, or the reason there is none."""
        return self.graph is not None and self.svg is None and self.render_problem is None


class ExpressionLab:
    """Holds the caches; ``compute`` runs on one background thread at a time."""

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        picture_shapes: Callable[[str], object] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self.clock = clock  # a fake one in tests
        # SVG -> what the view needs to make the picture clickable, run on the layout thread
        # right after Graphviz (the tab passes one: finding the 1,057 elements of the nested
        # compositions' picture took 0.16 s of CPU, on the GUI thread when done there).
        self.picture_shapes = picture_shapes
        self._expressions: OrderedDict[str, Expression] = OrderedDict()
        self._asked: dict[str, float] = {}  # text -> when it was first asked for (parsed)
        # DOT -> its layout, a future of (SVG, None, its shapes) or (None, why not, None)
        self._pictures: OrderedDict[str, Future] = OrderedDict()
        # Layouts in order, LAYOUT_THREADS at a time; a new expression drops the ones not
        # started.
        self._layouts = ThreadPoolExecutor(
            LAYOUT_THREADS, thread_name_prefix="xorlab-expression-layout"
        )
        self._last_text: str | None = None
        # The values as written of the last request (and its point beside the optimized
        # graph's values, once compiled): the complete answer reuses the first's.
        self._written: tuple[tuple, tuple, PointValues | None] | None = None

    def expression(self, text: str) -> Expression:
        """The parsed expression (cached by text); raises ExpressionError for bad text."""
        from xorlab.core.expression.expression import parse_expression

        with self._lock:
            if text in self._expressions:
                self._expressions.move_to_end(text)
                return self._expressions[text]
        asked = self.clock()
        expr = parse_expression(text)
        with self._lock:
            self._expressions[text] = expr
            self._asked[text] = asked
            while len(self._expressions) > CACHE_SIZE:
                del self._asked[self._expressions.popitem(last=False)[0]]
        return expr

    def rewrite_budget(self, text: str) -> RewriteBudget:
        """The time PyTensor's rewrites of ``text`` get: what is left before its complete
        answer is due (ANSWER_DUE_S after it was first asked for)."""
        from xorlab.core.expression import expression as expression_module
        from xorlab.core.expression.rewrite_budget import RewriteBudget

        with self._lock:
            asked = self._asked.get(text)
        now = self.clock()
        left = ANSWER_DUE_S - (now - (now if asked is None else asked)) - AFTER_REWRITES_S
        # Never more than any compile gets (expression.REWRITE_BUDGET_S).
        seconds = min(expression_module.REWRITE_BUDGET_S, max(MIN_REWRITE_S, left))
        # Counted from now, on the lab's clock: copying the graph before the first rewrite is
        # part of the rewrites' time, not added after it.
        return RewriteBudget(
            seconds, self.clock, min_attempts=expression_module.REWRITE_FLOOR, started_at=now
        )

    def optimized_pending(self, text: str) -> bool:
        """Whether ``text`` still needs its optimized compile: then ``compute(request,
        optimized=False)`` answers first (a long expression's compile takes ~1 s)."""
        with self._lock:
            expr = self._expressions.get(text)
        if expr is None:
            return True
        # Imported only here: the tab asks this on the GUI thread, which must not be the one
        # to import PyTensor (a parsed expression means the runner already has).
        from xorlab.core.expression.expression import is_rewritten

        return not is_rewritten(expr)

    def compute(self, request: ExpressionRequest, optimized: bool = True) -> ExpressionResult:
        """Everything the tab shows; with ``optimized=False``, all but what needs PyTensor's
        rewrites (the formula, the optimized graph, the notes comparing its values)."""
        from xorlab.core.expression.expression import (
            derivative_formula,
            is_rewritten,
            rewritten_scalar,
        )
        from xorlab.core.graphs.build import graph_of_expression

        expr = self.expression(request.text)
        if request.text != self._last_text:
            self._last_text = request.text
            self._drop_waiting_layouts()
        if optimized and not is_rewritten(expr):
            rewritten_scalar(expr, self.rewrite_budget(request.text))
        # The tab shows the picture, or the DOT source: never debugprint's text. A first
        # answer has the symbolic graph; the complete one has both (switching costs nothing).
        if optimized:
            stages = sorted(STAGES, key=lambda stage: stage != request.stage)  # asked first
        else:
            stages = ["symbolic"] if request.stage == "symbolic" else []
        # Each layout starts as soon as its view is built, before any is waited for and before
        # the values: Graphviz runs in its own process (on the other core) meanwhile.
        views, layouts = {}, {}
        for stage in stages:
            views[stage] = graph_of_expression(expr, request.part, stage, with_text=False)
            layouts[stage] = self._layout(views[stage])
        # The expression as written: PyTensor's rewrites would make 0/0 equal 1.
        point, fd, xs, fs, dfs, range_note = self._as_written(expr, request, optimized)
        f, df = point.f, point.df if point.df_defined else float("nan")
        # Printed while Graphviz lays out, not after waiting for it.
        formula = derivative_formula(expr, FORMULA_CHARACTERS) if optimized else ""
        graph, svg, problem, shapes = views.get(request.stage), None, None, None
        if graph is not None and (optimized or layouts[request.stage].done()):
            # A first answer does not wait for Graphviz; the complete one brings the picture.
            svg, problem, shapes = layouts[request.stage].result()
            if graph.stats.apply_nodes > MAX_DRAWN_OPS:
                problem += _smaller_views(expr, request, views)
        limit = " ".join(expr.rewrite_limits)
        return ExpressionResult(
            request,
            f,
            df,
            fd,
            xs,
            fs,
            dfs,
            graph,
            svg,
            problem,
            formula,
            point,
            limit,
            optimized,
            shapes,
            range_note,
        )

    def _as_written(self, expr: Expression, request: ExpressionRequest, optimized: bool) -> tuple:
        """(point, fd, xs, fs, dfs, range_note) as written; the last request's are reused (the
        complete answer follows the first with the same text, point and range, and the
        optimized graph's button the complete answer)."""
        from xorlab.core.expression.expression import finite_difference
        from xorlab.core.expression.values import (
            beside_optimized,
            describe_range_underflow,
            evaluate_point_and_range,
        )

        key = (request.text, request.at, request.x_min, request.x_max, request.points)
        with self._lock:
            last = self._written if self._written and self._written[0] == key else None
        if last is not None:
            _, known, compared = last
            if not optimized:
                return known
            if compared is None:  # the point's values, now beside the optimized graph's
                compared = beside_optimized(expr, known[0])
                with self._lock:
                    self._written = (key, known, compared)
            return (compared, *known[1:])
        xs = np.linspace(request.x_min, request.x_max, request.points)
        point, (fs, dfs, f_under, df_under) = evaluate_point_and_range(expr, request.at, xs)
        if optimized:  # compiles (rewrites) once, and compares
            point = beside_optimized(expr, point)
        try:
            # Differences of the optimized f would invent a slope where f is undefined.
            fd = finite_difference(expr, request.at) if point.f_defined else float("nan")
        except ValueError:  # a point so large that no step changes it
            fd = float("nan")
        known = (point, fd, xs, fs, dfs, describe_range_underflow(xs, f_under, df_under))
        with self._lock:
            self._written = (key, known, point if optimized else None)
        return known

    def _layout(self, graph: GraphView) -> Future:
        """``graph``'s picture: a future of (SVG, None, its clickable shapes or None) or
        (None, why there is none, None). A known
        one is remembered; a new layout is queued for the lab's layout thread, where Graphviz
        runs as a separate process (the other core) while this thread goes on."""
        if graph.stats.apply_nodes > MAX_DRAWN_OPS:
            too_big: Future = Future()
            too_big.set_result(
                (
                    None,
                    f"it has {graph.stats.apply_nodes} ops, too many to lay out within a second "
                    f"(at most {MAX_DRAWN_OPS} are drawn)",
                    None,
                )
            )
            return too_big
        dot = graph.dot
        with self._lock:
            known = self._pictures.get(dot)
            if known is not None and not known.cancelled():
                self._pictures.move_to_end(dot)
                return known
            layout = self._pictures[dot] = self._layouts.submit(self._lay_out, dot)
            while len(self._pictures) > CACHE_SIZE:
                self._pictures.popitem(last=False)
        return layout

    def _drop_waiting_layouts(self) -> None:
        """Layouts not started yet are of graphs the learner typed past: they never run
        (one that runs finishes; the Graphviz timeout bounds it)."""
        with self._lock:
            for layout in self._pictures.values():
                layout.cancel()

    def _lay_out(self, dot: str) -> tuple[str | None, str | None, object]:
        try:
            svg = render.render_svg(dot, timeout=LAYOUT_TIMEOUT_S)
        except render.RenderUnavailable as exc:  # nothing installed: not remembered
            with self._lock:
                self._pictures.pop(dot, None)
            return None, str(exc), None
        except Exception as exc:  # too slow or failed: remembered, not tried again
            return None, str(exc), None
        return svg, None, self.picture_shapes(svg) if self.picture_shapes is not None else None

    def close(self) -> None:
        """Drop the layouts not started; the one running finishes on its own (bounded by
        LAYOUT_TIMEOUT_S) and its thread then ends."""
        self._layouts.shutdown(wait=False, cancel_futures=True)


def _smaller_views(expr: Expression, request: ExpressionRequest, views: dict) -> str:
    """Which other view of ``expr`` can be drawn, for a message about one too big to draw:
    only views whose size is known to fit are named, so the advice is never a guess."""
    from xorlab.core.graphs.build import expression_op_count

    fitting, too_big = [], []
    if request.part != "f":
        # Counted, not built: a view of f alone is built when it is asked for.
        alone = expression_op_count(expr, "f", request.stage)
        (fitting if alone <= MAX_DRAWN_OPS else too_big).append(
            (f"the {request.stage} graph of f alone", alone)
        )
    # The optimized view is known only in a complete answer (a first one has not rewritten).
    if request.stage == "symbolic" and "optimized" in views:
        optimized = views["optimized"].stats.apply_nodes
        (fitting if optimized <= MAX_DRAWN_OPS else too_big).append(
            (f"the optimized graph of {PART_WORDS[request.part]}", optimized)
        )
    if fitting:
        return "; " + " and ".join(f"{name} ({ops} ops)" for name, ops in fitting) + " can be drawn"
    if len(too_big) == 2:
        (first, n), (second, m) = too_big
        return f"; neither {first} ({n} ops) nor {second} ({m} ops) is small enough"
    if too_big:
        ((name, ops),) = too_big
        return f"; {name} ({ops} ops) is too big as well"
    return ""
