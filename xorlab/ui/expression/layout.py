"""The expression lab's widgets and their arrangement; expression_tab.py gives them behaviour.

f(x) = [ exp(sin(x**2))                                      ]
                 ^  (a problem, under its column)
at x = [15]   plot x from [14] to [16]
+----------------------------+----------------------------------+
| f(x) plot                  | graph of [f|f'|both] [sym|opt]    |
| f'(x) plot                 | picture                          |
| values at x, FD check      | node details                     |
+----------------------------+----------------------------------+
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xorlab.app.expression_job import PARTS
from xorlab.ui.expression.input_field import ExpressionInput
from xorlab.ui.graph.tab_layout import STYLE as SEGMENT_STYLE
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.graph_canvas import GraphCanvas
from xorlab.ui.widgets.node_details import NodeDetails

LIMIT = 1e6
PLOT_MIN_HEIGHT = 130
CANVAS_MIN_HEIGHT = 220
STAGE_LABELS = {"symbolic": "Symbolic", "optimized": "Optimized"}
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
    return box


def _segments(group: QButtonGroup, prefix: str, labels: dict[str, str], key: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(0)
    for value, label in labels.items():
        button = QToolButton()
        button.setObjectName(f"{prefix}.{value}")
        button.setText(label)
        button.setCheckable(True)
        button.setProperty("segment", True)
        button.setProperty(key, value)
        group.addButton(button)
        row.addWidget(button)
    return row


class ExpressionTabLayout(QWidget):
    def __init__(self, text: str, point: float, x_range: tuple[float, float], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("expression_tab")
        self.setStyleSheet(SEGMENT_STYLE)
        self.input = ExpressionInput(text)
        self.point_box = _spin("expression.point", point, "Where to evaluate f and f′")
        self.min_box = _spin("expression.x_min", x_range[0], "Left end of the plots")
        self.max_box = _spin("expression.x_max", x_range[1], "Right end of the plots")
        self.range_error = QLabel()
        self.range_error.setObjectName("expression.range_error")
        self.range_error.setStyleSheet("color: #C24E00;")
        self.range_error.hide()
        self.status = QLabel()
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
            ("    plot x from", self.min_box),
            ("to", self.max_box),
        ):
            row.addWidget(QLabel(text_))
            row.addWidget(widget)
        row.addWidget(self.range_error)
        row.addStretch(1)
        row.addWidget(self.status)
        top.addLayout(row, 1, 1)
        top.setColumnStretch(1, 1)

        self.f_plot = plot_style.make_plot_widget("f(x)", "x", "f(x)")
        self.f_plot.setObjectName("expression.f_plot")
        self.df_plot = plot_style.make_plot_widget("f′(x)", "x", "f′(x)")
        self.df_plot.setObjectName("expression.df_plot")
        self.df_plot.setXLink(self.f_plot)
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

        values = QFrame()
        values.setObjectName("expression.values")
        values.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(values)
        self.values_title = QLabel("<b>At x</b>")
        self.values_title.setObjectName("expression.values_title")
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
            value.setWordWrap(attr == "formula")
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

        self.part_group = QButtonGroup(self)
        self.stage_group = QButtonGroup(self)
        graph_bar = QHBoxLayout()
        graph_bar.addWidget(QLabel("Graph of"))
        graph_bar.addLayout(_segments(self.part_group, "expression.part", PARTS, "part"))
        graph_bar.addSpacing(8)
        graph_bar.addLayout(_segments(self.stage_group, "expression.stage", STAGE_LABELS, "stage"))
        graph_bar.addStretch(1)
        self.graph_stats = QLabel()
        self.graph_stats.setObjectName("expression.graph_stats")
        graph_bar.addWidget(self.graph_stats)
        self.part_group.buttons()[-1].setChecked(True)  # f and f'
        self.stage_group.buttons()[0].setChecked(True)  # symbolic
        self.canvas = GraphCanvas("expression.canvas")
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
        right_layout.addLayout(graph_bar)
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
