"""The expression lab: type f(x), see f and f' plotted, both at a chosen point with a
finite-difference check beside the symbolic derivative, and the symbolic or optimized
PyTensor graph of f and f'.

Parsing, compiling, evaluating and rendering run on a background runner (merged: of fast
typing only the latest text is computed). A bad expression is marked where it was typed and
everything else keeps showing the last good result.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from xorlab.app.expression_job import ExpressionLab, ExpressionRequest, ExpressionResult
from xorlab.core.expression.expression import ExpressionError
from xorlab.ui.expression.layout import ExpressionTabLayout
from xorlab.ui.runtime.background import BackgroundRunner

DEFAULT_EXPRESSION = "exp(sin(x**2))"
DEFAULT_POINT = 15.0
DEFAULT_RANGE = (14.0, 16.0)
DEBOUNCE_MS = 250  # typing pauses this long before the text is computed
JOB = "expression"
X_PADDING = 0.02  # share of the plotted range left beside it


def format_number(value: float, digits: int = 10, reason: str = "") -> str:
    """'0.3945162777', 'undefined (0/0)', '+inf (overflow: ...)'."""
    if math.isnan(value):
        return f"undefined ({reason or 'nan'})"
    if math.isinf(value):
        sign = "+inf" if value > 0 else "-inf"
        return f"{sign} ({reason})" if reason else sign
    return f"{value:.{digits}g}"


class ExpressionTab(ExpressionTabLayout):
    """The expression lab; ``result_shown`` after a new good result is on screen."""

    result_shown = Signal(object)  # ExpressionResult
    problem_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(DEFAULT_EXPRESSION, DEFAULT_POINT, DEFAULT_RANGE, parent)
        self.result: ExpressionResult | None = None  # the last good result, on screen
        self.lab = ExpressionLab()
        self.runner = BackgroundRunner("xorlab-expression", self)
        self.runner.job_finished.connect(self._on_job_finished)
        self.runner.job_failed.connect(self._on_job_failed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.compute)

        self.input.text_edited.connect(lambda _: self._debounce.start())
        self.input.submitted.connect(self.compute)
        for box in (self.point_box, self.min_box, self.max_box):
            box.valueChanged.connect(lambda _=0.0: self._debounce.start())
        for group in (self.part_group, self.stage_group):
            group.buttonClicked.connect(lambda _=None: self.compute())
        self.point_line.sigPositionChangeFinished.connect(self._on_point_dragged)
        self.canvas.node_selected.connect(self._on_node_selected)
        self.details.node_link_activated.connect(self._on_link_activated)

    # --- public API ---------------------------------------------------------------------------

    def set_expression(self, text: str) -> None:
        self.input.set_text(text)
        self.compute()

    def set_point(self, value: float) -> None:
        self.point_box.setValue(value)
        self.compute()

    def set_range(self, x_min: float, x_max: float) -> None:
        self.min_box.setValue(x_min)
        self.max_box.setValue(x_max)
        self.compute()

    def request(self) -> ExpressionRequest:
        return ExpressionRequest(
            text=self.input.text(),
            at=self.point_box.value(),
            x_min=self.min_box.value(),
            x_max=self.max_box.value(),
            part=self.part_group.checkedButton().property("part"),
            stage=self.stage_group.checkedButton().property("stage"),
        )

    def compute(self) -> None:
        """Compute the current fields now (in the background)."""
        self._debounce.stop()
        request = self.request()
        if not request.x_min < request.x_max:
            self.range_error.setText("The plot range needs from < to; showing the last range.")
            self.range_error.show()
            return
        self.range_error.hide()
        self.status.setText("Computing…")
        self.runner.submit(JOB, self.lab.compute, request)

    def busy(self) -> bool:
        return self._debounce.isActive() or self.runner.is_busy(JOB)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.result is None and not self.busy() and not self.input.error_column:
            self.compute()  # the first look; nothing is compiled before anyone asks

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        self._debounce.stop()
        return self.runner.shutdown(timeout_ms)

    # --- results ------------------------------------------------------------------------------

    @Slot(str, object)
    def _on_job_finished(self, _kind: str, result: ExpressionResult) -> None:
        self.input.clear_error()
        self.result = result
        request = result.request
        xs = result.xs
        self.f_curve.setData(xs, _finite(result.fs), connect="finite")
        self.df_curve.setData(xs, _finite(result.dfs), connect="finite")
        self.point_line.setValue(request.at)
        self.df_point_line.setValue(request.at)
        # The plotted range is the one asked for: a point outside it is not drawn there (its
        # values are in the table) rather than stretching the axis to reach it.
        inside = request.x_min <= request.at <= request.x_max
        for marker, value in ((self.f_marker, result.f), (self.df_marker, result.df)):
            shown = inside and math.isfinite(value)
            marker.setData([request.at] if shown else [], [value] if shown else [])
        self.f_plot.getViewBox().enableAutoRange(x=False)
        self.f_plot.setXRange(request.x_min, request.x_max, padding=X_PADDING)
        self._show_values(result)
        self.canvas.set_graph(result.graph)
        if result.svg is not None:
            self.canvas.set_svg(result.svg)
        else:
            self.canvas.show_render_problem(result.render_problem or "")
        self.details.show_node(result.graph, None)
        self.graph_stats.setText(
            f"{result.graph.stats.apply_nodes} ops, {result.graph.stats.variables} values"
        )
        self.status.setText("")
        self.result_shown.emit(result)

    @Slot(str, object)
    def _on_job_failed(self, _kind: str, error: object) -> None:
        if isinstance(error, ExpressionError):
            self.input.show_error(error.message, error.column)
        else:
            self.input.show_error(f"{type(error).__name__}: {error}", None)
        kept = self.result.request.text if self.result is not None else None
        self.status.setText(
            f"Still showing f(x) = {kept}, the last expression that worked." if kept else ""
        )
        self.problem_shown.emit(self.input.message.text())

    def _show_values(self, result: ExpressionResult) -> None:
        at = result.request.at
        self.values_title.setText(f"<b>At x = {at:g}</b> &nbsp; f(x) = {result.request.text}")
        point = result.point
        self.f_value.setText(format_number(result.f, reason=point.f_reason))
        self.df_value.setText(format_number(result.df, reason=point.df_reason))
        self.truth_note.setText("\n".join(point.notes))
        self.truth_note.setVisible(bool(point.notes))
        no_f = "" if point.f_defined else "f is not finite here"
        self.fd_value.setText(format_number(result.fd, reason=no_f))
        self.formula.setText(result.formula)
        difference = result.difference
        if math.isfinite(difference):
            scale = max(abs(result.df), 1e-300)
            self.diff_value.setText(
                f"{difference:.3g} (relative {abs(difference) / scale:.2g})"
                if difference
                else "0 (identical)"
            )
        else:
            self.diff_value.setText("— (not defined here)")

    # --- slots --------------------------------------------------------------------------------

    @Slot(object)
    def _on_point_dragged(self, line: pg.InfiniteLine) -> None:
        self.point_box.setValue(round(float(line.value()), 4))
        self.compute()

    @Slot(str)
    def _on_node_selected(self, node_id: str) -> None:
        self.details.show_node(self.canvas.graph, node_id or None)

    @Slot(str)
    def _on_link_activated(self, node_id: str) -> None:
        self.canvas.select(node_id)
        self.details.show_node(self.canvas.graph, node_id)


def _finite(values: np.ndarray) -> np.ndarray:
    """inf -> nan, so the curve breaks there instead of drawing a spike off the chart."""
    out = np.array(values, dtype=np.float64, copy=True)
    out[~np.isfinite(out)] = np.nan
    return out
