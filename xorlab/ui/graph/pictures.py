"""Drawing GraphViews into canvases: DOT -> SVG and the SVG's clickable shapes on a background
runner, never on the GUI thread, with the pictures cached by their DOT text so switching back
is instant."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from xorlab.core.graphs import render
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.widgets.graph_canvas import GraphCanvas
from xorlab.ui.widgets.svg_shapes import Shape, shapes_of_svg

if TYPE_CHECKING:
    from xorlab.core.graphs.build import GraphView

CACHE_SIZE = 24


@dataclass(frozen=True)
class RenderOutcome:
    dot: str
    svg: str | None
    problem: str | None  # why there is no SVG (no renderer, Graphviz failed)
    shapes: dict[str, Shape] | None = None  # the SVG's nodes and edges, where a click lands


def render_dot(dot: str) -> RenderOutcome:
    """Runs on the background thread; a renderer's failure is an outcome, not an error."""
    try:
        svg = render.render_svg(dot)
    except render.RenderError as exc:
        return RenderOutcome(dot, None, str(exc))
    return RenderOutcome(dot, svg, None, shapes_of_svg(svg))


class GraphPictures(QObject):
    """Keeps each canvas's picture in step with its graph; ``drawn(key)`` when a canvas shows
    its picture (or the reason it has none)."""

    drawn = Signal(str)

    def __init__(self, canvases: dict[str, GraphCanvas], name: str, parent: QObject):
        super().__init__(parent)
        self.canvases = canvases
        self.render_problem: str | None = None  # the last render's problem, if it failed
        self._cache: OrderedDict[str, RenderOutcome] = OrderedDict()
        self._shown_dot: dict[str, str] = {}
        # Graphviz only: the graphs are built on the training worker.
        self.runner = BackgroundRunner(name, self, imports_pytensor=False)
        self.runner.job_finished.connect(self._on_job_finished)
        self.runner.job_failed.connect(self._on_job_failed)

    def show(self, key: str, graph: GraphView) -> None:
        """Give canvas ``key`` this graph; render its picture unless it is already drawn
        (a refresh of the same graph with new weight values redraws nothing)."""
        canvas = self.canvases[key]
        canvas.set_graph(graph)
        if self._shown_dot.get(key) == graph.dot:
            return
        self._shown_dot[key] = graph.dot
        drawn = self._cache.get(graph.dot)
        if drawn is not None:
            self._picture(key, drawn)
        else:
            self.runner.submit(key, render_dot, graph.dot)

    def busy(self) -> bool:
        return self.runner.is_busy()

    @Slot(str, object)
    def _on_job_finished(self, key: str, outcome: RenderOutcome) -> None:
        if outcome.svg is not None:
            self._cache[outcome.dot] = outcome
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        self._picture(key, outcome)

    @Slot(str, object)
    def _on_job_failed(self, key: str, error: object) -> None:
        self.render_problem = f"{type(error).__name__}: {error}"
        self.canvases[key].show_render_problem(self.render_problem)
        self._shown_dot.pop(key, None)  # try again next time
        self.drawn.emit(key)

    def _picture(self, key: str, outcome: RenderOutcome) -> None:
        canvas = self.canvases[key]
        if canvas.graph is None or canvas.graph.dot != outcome.dot:
            return  # drawn for a graph no longer shown
        if outcome.svg is not None:
            canvas.set_svg(outcome.svg, outcome.shapes)
            self.render_problem = None
        else:
            self.render_problem = outcome.problem
            canvas.show_render_problem(outcome.problem or "")
        self.drawn.emit(key)
