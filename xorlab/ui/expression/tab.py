"""The expression lab: type f(x), see f and f' plotted, both at a chosen point with a
finite-difference check beside the symbolic derivative, and the symbolic or optimized
PyTensor graph of f and f':

f(x) = [ exp(sin(x**2))                                      ]
                 ^  (a problem, under its column)
at x = [15]   plot x from [14] to [16]
+----------------------------+----------------------------------+
| f(x) plot                  | graph of [f|f'|both] [sym|opt]    |
| f'(x) plot                 | picture                          |
| values at x, FD check      | node details                     |
+----------------------------+----------------------------------+

Parsing, compiling, evaluating and rendering run on a background runner (merged: of fast
typing only the latest text is computed). A bad expression is marked where it was typed and
everything else keeps showing the last good result.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.expression_job import (
    FORMULA_CHARACTERS,  # of f' as compiled (a 100-term quotient's has 532,337)
    PARTS,
    ExpressionLab,
    ExpressionRequest,
    ExpressionResult,
)
from xorlab.core.files.safe_files import SafeFileError, write_atomically
from xorlab.core.first_imports import import_pytensor
from xorlab.ui.expression.input_field import ExpressionInput
from xorlab.ui.runtime.background import BackgroundRunner
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.graph_canvas import GraphCanvas
from xorlab.ui.widgets.menu_arrow import hidden_indicator, with_arrow
from xorlab.ui.widgets.node_details import NodeDetails
from xorlab.ui.widgets.segments import STYLE as SEGMENT_STYLE
from xorlab.ui.widgets.svg_shapes import shapes_of_svg
from xorlab.ui.widgets.svg_view import ElidedLabel
from xorlab.ui.widgets.wrapped_frame import WrappedFrame
from xorlab.ui.widgets.wrapping_bar import WrappingBar

DEFAULT_EXPRESSION = "exp(sin(x**2))"
DEFAULT_POINT = 15.0
DEFAULT_RANGE = (14.0, 16.0)
DEBOUNCE_MS = 250  # typing pauses this long before the text is computed
JOB = "expression"
# The first answer for an expression not compiled yet: values, plots and the symbolic graph,
# before PyTensor's rewrites (~1 s for a long expression); JOB follows with the rest.
JOB_FIRST = "expression, first answer"
LIMIT = 1e6
PLOT_MIN_HEIGHT = 110
# The plots' half at least: narrower, the page stacks its halves (the plots at 180 pixels
# read poorly and the values wrapped on every line).
PLOTS_MIN_WIDTH = 280
FORMULA_LINES = 2  # of f′ as compiled shown in the values panel
STATS_ROOM = "1894 ops, 2196 values"  # the graph summary's room beside the buttons
CANVAS_MIN_HEIGHT = 220
STAGE_LABELS = {"symbolic": "Symbolic", "optimized": "Optimized"}
SEGMENT_TIPS = {
    "f": "Draw the graph of f alone",
    "df": "Draw the graph of f′ alone, as pytensor.grad built it",
    "both": "Draw f and f′ together: the ops they share are drawn once",
    "symbolic": "The graph as written and differentiated, before PyTensor's rewrites",
    "optimized": "The graph after PyTensor's rewrites: what a compiled function would run",
}
SAVE_TEXT = with_arrow("Save graph…")  # widgets/menu_arrow.py says why
STYLE = SEGMENT_STYLE + hidden_indicator("expression.save_graph")
VALUE_ROWS = (
    ("f_value", "f(x)", "The function's value at x, as written (before PyTensor's rewrites)"),
    ("df_value", "f′(x), symbolic", "PyTensor's derivative, built by differentiating the graph"),
    (
        "fd_value",
        "f′(x), finite difference",
        "From values of f alone: central differences (f(x+h) − f(x−h)) / 2h with steps h and"
        " h/2 (h ≈ 6e-6·max(1, |x|)), Richardson-extrapolated. An independent check.",
    ),
    ("diff_value", "difference", "symbolic − finite difference: small means they agree"),
    ("formula", "f′ as compiled", "The derivative as PyTensor's optimized graph computes it"),
)


def _spin(name: str, value: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(-LIMIT, LIMIT)
    box.setDecimals(4)
    box.setSingleStep(0.1)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(True)
    # At least room for "-1000.0000", not for the range's "-1000000.0000": the three boxes
    # in a row then fit half the tab at 1024x700; a longer value scrolls in its field.
    box.setMinimumWidth(box.minimumSizeHint().width() - box.fontMetrics().horizontalAdvance("000"))
    return box


def _segment_box(row: QHBoxLayout) -> QWidget:
    """The segmented buttons as one widget, which a wrapping bar can move between rows."""
    box = QWidget()
    row.setContentsMargins(0, 0, 0, 0)
    box.setLayout(row)
    return box


def _segments(group: QButtonGroup, prefix: str, labels: dict[str, str], key: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(0)
    for value, label in labels.items():
        button = QToolButton()
        button.setObjectName(f"{prefix}.{value}")
        button.setText(label)
        button.setToolTip(SEGMENT_TIPS[value])
        button.setCheckable(True)
        button.setProperty("segment", True)
        button.setProperty(key, value)
        group.addButton(button)
        row.addWidget(button)
    return row


X_PADDING = 0.02  # share of the plotted range left beside it
TITLE_CHARACTERS = 80  # of the expression, in the values panel's title
# What "Save graph" writes: format -> (menu text, file filter). The DOT source is the whole
# graph, also when only its start is shown (a graph too big to draw).
SAVE_FORMATS = {
    "dot": ("DOT source…", "Graphviz DOT (*.dot *.gv)"),
    "svg": ("SVG picture…", "SVG image (*.svg)"),
}


def format_number(value: float, digits: int = 10, reason: str = "") -> str:
    """'0.3945162777', 'undefined (0/0)', '+inf (overflow: ...)'."""
    if math.isnan(value):
        return f"undefined ({reason or 'nan'})"
    if math.isinf(value):
        sign = "+inf" if value > 0 else "-inf"
        return f"{sign} ({reason})" if reason else sign
    return f"{value:.{digits}g}"


class ExpressionTab(QWidget):
    """The expression lab; ``result_shown`` after a new good result is on screen."""

    result_shown = Signal(object)  # ExpressionResult
    problem_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._build_widgets(DEFAULT_EXPRESSION, DEFAULT_POINT, DEFAULT_RANGE)
        self.result: ExpressionResult | None = None  # the last good result, on screen
        # The picture's clickable shapes are found where Graphviz ran, not on this thread.
        self.lab = ExpressionLab(picture_shapes=shapes_of_svg)
        # What is on screen, so an answer that repeats it (the complete answer after the
        # first: the same plots, often the same graph) does not redraw it.
        self._shown_curves: tuple = ()
        self._shown_picture: tuple = ()
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

    def _build_widgets(self, text: str, point: float, x_range: tuple[float, float]) -> None:
        self.setObjectName("expression_tab")
        self.setStyleSheet(STYLE)
        self.input = ExpressionInput(text)
        self.point_box = _spin("expression.point", point, "Where to evaluate f and f′")
        self.min_box = _spin("expression.x_min", x_range[0], "Left end of the plots")
        self.max_box = _spin("expression.x_max", x_range[1], "Right end of the plots")
        # One line each, cut with "…" (whole in the tooltip) rather than widening the tab: "Still
        # showing f(x) = <a 500-character expression>…" asked its whole width.
        self.range_error = ElidedLabel()
        self.range_error.setObjectName("expression.range_error")
        self.range_error.setStyleSheet("color: #C24E00;")
        self.range_error.hide()
        self.status = ElidedLabel()
        self.status.setObjectName("expression.status")
        self.status.setStyleSheet("color: #57606A;")

        top = QGridLayout()
        top.setHorizontalSpacing(8)
        label = QLabel("f(x) =")
        label.setStyleSheet("font-size: 11pt; font-weight: 600;")
        top.addWidget(label, 0, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.input, 0, 1)
        row = QHBoxLayout()
        for text_, widget in (
            ("at x =", self.point_box),
            ("plot x from", self.min_box),
            ("to", self.max_box),
        ):
            if widget is self.min_box:
                row.addSpacing(12)
            row.addWidget(QLabel(text_))
            row.addWidget(widget)
        row.addWidget(self.range_error, 1)
        row.addWidget(self.status, 1)
        # Under both columns: beside the label column, the row missed 56 pixels at 1024x700.
        top.addLayout(row, 1, 0, 1, 2)
        top.setColumnStretch(1, 1)

        self.f_plot = plot_style.make_plot_widget("f(x)", "x", "f(x)")
        self.f_plot.setObjectName("expression.f_plot")
        self.df_plot = plot_style.make_plot_widget("f′(x)", "x", "f′(x)")
        self.df_plot.setObjectName("expression.df_plot")
        self.df_plot.setXLink(self.f_plot)
        for plot in (self.f_plot, self.df_plot):
            _fix_axis_width(plot.getAxis("left"))
        f_pen, df_pen = (plot_style.curve_pen(plot_style.PALETTE[i]) for i in (0, 1))
        self.f_curve = self.f_plot.plot(pen=f_pen, name="f")
        self.df_curve = self.df_plot.plot(pen=df_pen, name="df")
        marker_pen = pg.mkPen(plot_style.FOREGROUND)
        line_pen = pg.mkPen(plot_style.CROSSHAIR_COLOR, width=1.5, style=Qt.PenStyle.DashLine)
        self.point_line = pg.InfiniteLine(point, angle=90, movable=True, pen=line_pen)
        self.point_line.setHoverPen(pg.mkPen(plot_style.PALETTE[0], width=2))
        self.point_line.setToolTip("Drag to evaluate f and f′ somewhere else")
        self.df_point_line = pg.InfiniteLine(point, angle=90, movable=False, pen=line_pen)
        self.point_line.sigPositionChanged.connect(
            lambda line: self.df_point_line.setValue(line.value())
        )
        self.f_marker = pg.ScatterPlotItem(size=9, pen=marker_pen, brush=plot_style.PALETTE[0])
        self.df_marker = pg.ScatterPlotItem(size=9, pen=marker_pen, brush=plot_style.PALETTE[1])
        for plot, line, marker in (
            (self.f_plot, self.point_line, self.f_marker),
            (self.df_plot, self.df_point_line, self.df_marker),
        ):
            plot.addItem(line, ignoreBounds=True)
            plot.addItem(marker)

        values = WrappedFrame()  # as tall as its values wrapped at its width
        values.setObjectName("expression.values")
        values.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(values)
        grid.setContentsMargins(8, 6, 8, 6)  # tight: at 1024x700 the plots need the height
        grid.setVerticalSpacing(3)
        self.values_title = QLabel("<b>At x</b>")
        self.values_title.setObjectName("expression.values_title")
        # A 500-character expression (or its derivative's formula) has no place to break:
        # these labels take the width they are given instead of widening the window.
        self.values_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addWidget(self.values_title, 0, 0, 1, 2)
        for row_index, (attr, text_, tip) in enumerate(VALUE_ROWS, start=1):
            name = QLabel(text_)
            name.setToolTip(tip)
            value = QLabel("—")
            value.setObjectName(f"expression.{attr}")
            value.setToolTip(tip)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            size = "10pt" if attr == "formula" else "11pt"
            value.setStyleSheet(f"font-family: monospace; font-size: {size};")
            # Wrapped at spaces ("3.17e-11 (relative / 7.3e-12)"): unwrapped, the values held
            # the plots' half 420 pixels wide and the tab stacked its halves at 1024x700.
            value.setWordWrap(True)
            if attr == "formula":
                value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                # Two lines whatever its length (the rest is cut, as the panel cut it before,
                # and selectable): a long f′ would otherwise grow the panel and resize the
                # plots with every answer.
                value.ensurePolished()  # its style sheet's font size
                lines = value.fontMetrics().lineSpacing() * FORMULA_LINES + 2
                value.setFixedHeight(lines)
            if attr == "formula":  # long: under its name, across the panel
                grid.addWidget(name, row_index, 0, 1, 2)
                grid.addWidget(value, row_index + 1, 0, 1, 2)
            else:
                grid.addWidget(name, row_index, 0)
                grid.addWidget(value, row_index, 1)
            setattr(self, attr, value)
        # Where f is undefined, or PyTensor's rewrites change a value: said here in words.
        self.truth_note = QLabel()
        self.truth_note.setObjectName("expression.truth_note")
        self.truth_note.setWordWrap(True)
        self.truth_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.truth_note.setStyleSheet("color: #8a4b00;")
        self.truth_note.hide()
        grid.addWidget(self.truth_note, len(VALUE_ROWS) + 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        # Readable when the page stacks its halves and scrolls (a narrow window).
        for plot in (self.f_plot, self.df_plot):
            plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("expression.plots_splitter")
        for widget in (self.f_plot, self.df_plot, values):
            left.addWidget(widget)
        left.setSizes([260, 260, 230])
        left.setMinimumWidth(PLOTS_MIN_WIDTH)

        self.part_group = QButtonGroup(self)
        self.stage_group = QButtonGroup(self)
        parts = _segment_box(_segments(self.part_group, "expression.part", PARTS, "part"))
        stages = _segment_box(
            _segments(self.stage_group, "expression.stage", STAGE_LABELS, "stage")
        )
        # Takes the room left and ends in "…" when short of it: a label that grew with its
        # text ("1894 ops, 2196 values") widened the graph's half of the window, so both plots
        # were resized and repainted on the GUI thread while the next answer was computing.
        self.graph_stats = ElidedLabel()
        self.graph_stats.setObjectName("expression.graph_stats")
        self.graph_stats.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.save_button = QToolButton()
        self.save_button.setObjectName("expression.save_graph")
        self.save_button.setText(SAVE_TEXT)
        self.save_button.setToolTip("Save the graph shown: its whole DOT source, or the picture")
        self.save_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        save_menu = QMenu(self.save_button)
        self.save_actions = {}
        for fmt, (text_, _) in SAVE_FORMATS.items():
            action = save_menu.addAction(text_)
            action.setObjectName(f"expression.save_graph.{fmt}")
            action.triggered.connect(lambda _=False, f=fmt: self.save_graph_interactively(f))
            self.save_actions[fmt] = action
        self.save_button.setMenu(save_menu)
        self.save_button.setEnabled(False)  # until a graph is shown
        # Two rows when half the tab is narrower than the one (1024x700: 589 px asked).
        # The summary goes on a row of its own rather than end in "…" beside them.
        self.graph_bar = WrappingBar(
            "expression.graph_bar",
            [(QLabel("Graph of"), 0), (parts, 0)],
            [(stages, 0), (self.graph_stats, 1), (self.save_button, 0)],
            spill=self.graph_stats,
            spill_width=self.graph_stats.fontMetrics().horizontalAdvance(STATS_ROOM),
        )
        self.part_group.buttons()[-1].setChecked(True)  # f and f'
        self.stage_group.buttons()[0].setChecked(True)  # symbolic
        # Said where the graph is: a long expression's rewrites were stopped by the budget.
        self.rewrite_note = QLabel()
        self.rewrite_note.setObjectName("expression.rewrite_note")
        self.rewrite_note.setWordWrap(True)
        self.rewrite_note.setStyleSheet("color: #8a4b00;")
        self.rewrite_note.hide()
        self.canvas = GraphCanvas("expression.canvas")
        self.canvas.save_hint = "Save graph… above it saves it whole"
        self.details = NodeDetails(
            "expression.details", empty_text="Click a node in the graph to see what it computes."
        )
        graph_splitter = QSplitter(Qt.Orientation.Vertical)
        graph_splitter.setObjectName("expression.graph_splitter")
        self.canvas.setMinimumHeight(CANVAS_MIN_HEIGHT)
        graph_splitter.addWidget(self.canvas)
        graph_splitter.addWidget(self.details)
        graph_splitter.setSizes([520, 200])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.graph_bar)
        right_layout.addWidget(self.rewrite_note)
        right_layout.addWidget(graph_splitter, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("expression.splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([560, 560])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

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
        if self.lab.optimized_pending(request.text):
            self.runner.submit(JOB_FIRST, self.lab.compute, request, False)
        else:
            self.runner.cancel(JOB_FIRST)
        self.runner.submit(JOB, self.lab.compute, request)

    def save_graph(self, fmt: str, path: str | Path) -> Path:
        """Write the graph shown as ``fmt`` ('dot': the whole DOT source; 'svg': the picture
        as drawn) to ``path``, atomically; SafeFileError says why it could not."""
        graph = self.canvas.graph
        if graph is None:
            raise SafeFileError("there is no graph to save yet")
        if fmt == "dot":
            data = graph.dot
        elif fmt == "svg" and self.canvas.svg is not None:
            data = self.canvas.svg
        elif fmt == "svg":
            raise SafeFileError("this graph is not drawn; save its DOT source instead")
        else:
            raise SafeFileError(f"unknown format {fmt!r}; choose one of {', '.join(SAVE_FORMATS)}")
        write_atomically(path, data.encode("utf-8"))
        return Path(path)

    def save_graph_interactively(self, fmt: str) -> Path | None:
        graph = self.canvas.graph
        if graph is None:
            return None
        name = f"expression-{graph.stage}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the graph", str(Path.home() / name), SAVE_FORMATS[fmt][1]
        )
        if not path:
            return None
        try:
            return self.save_graph(fmt, path)
        except SafeFileError as error:
            QMessageBox.warning(self, "Could not save the graph", str(error))
            return None

    def busy(self) -> bool:
        return (
            self._debounce.isActive() or self.runner.is_busy(JOB) or self.runner.is_busy(JOB_FIRST)
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.result is None and not self.busy() and not self.input.error_column:
            self.compute()  # the first look; nothing is compiled before anyone asks

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        self._debounce.stop()
        stopped = self.runner.shutdown(timeout_ms)
        self.lab.close()  # after the runner: no job asks for a layout any more
        return stopped

    # --- results ------------------------------------------------------------------------------

    @Slot(str, object)
    def _on_job_finished(self, _kind: str, result: ExpressionResult) -> None:
        self.input.clear_error()
        if result.complete:
            self.result = result
        request = result.request
        xs = result.xs
        curves = (xs, result.fs, result.dfs)
        if not _same_objects(curves, self._shown_curves):  # the same arrays: drawn already
            self._shown_curves = curves
            self.f_curve.setData(xs, _finite(result.fs), connect="finite")
            self.df_curve.setData(xs, _finite(result.dfs), connect="finite")
        self.point_line.setValue(request.at)
        self.df_point_line.setValue(request.at)
        # The plotted range is the one asked for: a point outside it is not drawn there (its
        # values are in the table) rather than stretching the axis to reach it.
        inside = request.x_min <= request.at <= request.x_max
        for plot, marker, values, value in (
            (self.f_plot, self.f_marker, result.fs, result.f),
            (self.df_plot, self.df_marker, result.dfs, result.df),
        ):
            shown = inside and math.isfinite(value)
            marker.setData([request.at] if shown else [], [value] if shown else [])
            _fit_y(plot, values, value if shown else math.nan)
        self.f_plot.getViewBox().enableAutoRange(x=False)
        self.f_plot.setXRange(request.x_min, request.x_max, padding=X_PADDING)
        self._show_values(result)
        if result.graph is not None:
            self._show_graph(result)
        else:
            self.canvas.show_message("Optimizing: PyTensor is rewriting this graph…")
            self.save_button.setEnabled(False)  # the graph it would save is not this one
            self._shown_picture = ()
            self.graph_stats.setText("")
        self.rewrite_note.setText(result.rewrite_limit)
        self.rewrite_note.setVisible(bool(result.rewrite_limit))
        if not result.complete:
            self.status.setText("Optimizing…")
            return
        self.status.setText("")
        self.result_shown.emit(result)

    def _show_graph(self, result: ExpressionResult) -> None:
        picture = (result.graph, result.svg, result.render_problem, result.drawing)
        if _same_objects(picture, self._shown_picture) and self.canvas.graph is result.graph:
            return  # on screen already, and the node the learner picked stays picked
        self._shown_picture = picture
        self.canvas.set_graph(result.graph)
        if result.svg is not None:
            self.canvas.set_svg(result.svg, result.shapes)
        elif not result.drawing:  # while Graphviz is at it the canvas says "Drawing…"
            self.canvas.show_render_problem(result.render_problem or "")
        self.details.show_node(result.graph, None)
        self.save_button.setEnabled(True)
        self.save_actions["svg"].setEnabled(result.svg is not None)
        self.graph_stats.setText(
            f"{result.graph.stats.apply_nodes} ops, {result.graph.stats.variables} values"
        )

    @Slot(str, object)
    def _on_job_failed(self, _kind: str, error: object) -> None:
        import_pytensor()  # this thread too: see core.first_imports
        from xorlab.core.expression.expression import ExpressionError

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
        text = _shortened(result.request.text, TITLE_CHARACTERS)
        self.values_title.setText(f"<b>At x = {at:g}</b> &nbsp; f(x) = {html.escape(text)}")
        point = result.point
        # An underflowed value is a number, but not the truth: said beside it, and why in
        # the note below.
        for label, value, reason, underflow in (
            (self.f_value, result.f, point.f_reason, point.f_underflow),
            (self.df_value, result.df, point.df_reason, point.df_underflow),
        ):
            shown = format_number(value, reason=reason)
            label.setText(f"{shown} (underflow: see below)" if underflow else shown)
        notes = [*point.notes, result.range_note] if result.range_note else point.notes
        self.truth_note.setText("\n".join(notes))
        self.truth_note.setVisible(bool(notes))
        no_f = "" if point.f_defined else "f is not finite here"
        fd = format_number(result.fd, reason=no_f)
        # Differences of values that underflowed check nothing (0 - 0 agrees with any 0).
        self.fd_value.setText(f"{fd} (of f values that underflow)" if point.f_underflow else fd)
        formula = _shortened(
            result.formula, FORMULA_CHARACTERS, " (the optimized graph has it all)"
        )
        self.formula.setText(formula if result.complete else "optimizing…")
        difference = result.difference
        if point.f_underflow or point.df_underflow:
            self.diff_value.setText("— (underflow: no check here)")
        elif math.isfinite(difference):
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


def _shortened(text: str, limit: int, more: str = "") -> str:
    """``text``, or its first ``limit`` characters, an ellipsis and ``more``."""
    return text if len(text) <= limit else f"{text[:limit]}…{more}"


def _same_objects(these: tuple, those: tuple) -> bool:
    return len(these) == len(those) and all(a is b for a, b in zip(these, those, strict=True))


# The widest tick label the left axes make room for: pyqtgraph writes large and small ticks
# as %g ('-1.5e+16', '0.000125'), round numbers of a step.
WIDEST_TICK = "-1.5e+16"
# Beside the tick text: the tick marks, their offset and the axis title (pyqtgraph's own sum).
AXIS_EXTRA_PX = 24


def _fix_axis_width(axis: pg.AxisItem) -> None:
    """One width for the left axis whatever its ticks: sized by their text, the axis grew or
    shrank as each answer's values were first painted, relaid the plot out and painted it
    again, and f′'s plot, linked to f's x range by pixel, moved its range to match (8 repaints
    of the two plots after the 100-term quotient's first answer, 4 with this). Both plots
    having one width, their x axes line up."""
    font = axis.style["tickFont"] or axis.font()
    axis.setWidth(QFontMetrics(font).horizontalAdvance(WIDEST_TICK) + AXIS_EXTRA_PX)


def _fit_y(plot: pg.PlotWidget, values: np.ndarray, marker: float) -> None:
    """The y range of ``plot``: its finite ``values`` and the ``marker`` (nan: none), set
    once. pyqtgraph's auto range would get there a step per repaint: a curve clips its points
    to 1e6 view heights of the range shown (dynamicRangeLimit), so the 100-term quotient's
    f (0 to 6e14) took 9 repaints of the two plots after its first answer, each on the GUI
    thread while the runner computed the rest."""
    finite = np.asarray(values)[np.isfinite(values)]
    if math.isfinite(marker):
        finite = np.append(finite, marker)
    if finite.size:  # else the range shown stays
        plot.setYRange(float(finite.min()), float(finite.max()))


def _finite(values: np.ndarray) -> np.ndarray:
    """inf -> nan, so the curve breaks there instead of drawing a spike off the chart."""
    out = np.array(values, dtype=np.float64, copy=True)
    out[~np.isfinite(out)] = np.nan
    return out
