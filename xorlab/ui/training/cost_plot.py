"""Cost against epoch, live: one curve fed from the snapshots' cost points, with a log-scale
toggle and a crosshair that reads out the nearest recorded point."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from xorlab.core.training.datasets import Dataset
from xorlab.core.training.history import DEFAULT_CAPACITY, CostHistory
from xorlab.ui.training.range_follow import RangeFollower
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.flow_legend import FlowLegend

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

IDLE_TEXT = "Hover over the curve to read a point."
TEST_COLOR = plot_style.PALETTE[1]
PLOT_MIN_HEIGHT = 150
SHORT_CURVE = 3  # a curve with fewer points is drawn with dots: one point has no line


def mark_short_curve(curve: pg.PlotDataItem, points: int) -> None:
    """Dots on a curve of one or two points (a run that diverged at once), none on longer
    curves, whose thousands of dots would cost every repaint."""
    symbol = "o" if 0 < points < SHORT_CURVE else None
    if curve.opts["symbol"] != symbol:
        curve.setSymbol(symbol)
        if symbol:
            curve.setSymbolSize(6)
            curve.setSymbolPen(curve.opts["pen"])
            curve.setSymbolBrush(curve.opts["pen"].color())


def idle_text(cost_label: str | None, test: bool = False) -> str:
    text = f"Cost: {cost_label}. {IDLE_TEXT}" if cost_label else IDLE_TEXT
    return f"{text} Dashed: the held-out test samples." if test else text


class CostPlot(QWidget):
    """How far the network's outputs are from the targets, epoch by epoch."""

    def __init__(self, parent: QWidget | None = None, capacity: int = DEFAULT_CAPACITY):
        super().__init__(parent)
        self.setObjectName("cost")
        self._capacity = capacity
        self.history = CostHistory(capacity)
        self._epochs = np.empty(0, dtype=np.int64)
        self._costs = np.empty(0, dtype=np.float64)
        self._cost_label: str | None = None
        self._has_test = False
        self._framing_all = False  # the axes last took in the earlier runs too

        self.plot_widget = plot_style.make_plot_widget(
            "Cost during training",
            "epoch",
            "cost",
            axis_items={"left": plot_style.LogReadableAxis("left")},
        )
        self.plot_widget.setObjectName("cost.plot")

        self.plot_item = self.plot_widget.getPlotItem()
        self.curve = self.plot_item.plot(
            pen=plot_style.curve_pen(plot_style.PALETTE[0]), antialias=True, name="cost"
        )
        plot_style.thin_to_pixels(self.curve)  # long runs have more points than pixels
        plot_style.stroke_as_segments(self.curve)
        self.ranges = RangeFollower(self.plot_item)  # auto-range, in steps
        # Other curves the view keeps in sight (earlier runs, see run_overlays.py).
        self.kept_in_view: list[pg.PlotDataItem] = []
        # The held-out samples' cost (a train/test split only), dashed in another colour: a
        # test curve turning up while the training curve falls is overfitting.
        self.test_history = CostHistory(capacity)
        self._test_epochs = np.empty(0, dtype=np.int64)
        self._test_costs = np.empty(0, dtype=np.float64)
        self.test_curve = self.plot_item.plot(
            pen=plot_style.curve_pen(TEST_COLOR, dashed=True), antialias=True, name="test cost"
        )
        self.test_curve.setClipToView(True)
        plot_style.stroke_as_segments(self.test_curve)  # dashed: cut into its dashes

        line_pen = pg.mkPen(plot_style.CROSSHAIR_COLOR, width=1, style=pg.QtCore.Qt.DashLine)
        self.v_line = pg.InfiniteLine(angle=90, movable=False, pen=line_pen)
        self.h_line = pg.InfiniteLine(angle=0, movable=False, pen=line_pen)
        self.marker = pg.ScatterPlotItem(
            size=8, pen=pg.mkPen(plot_style.FOREGROUND), brush=pg.mkBrush(plot_style.PALETTE[1])
        )
        for item in (self.v_line, self.h_line, self.marker):
            item.setVisible(False)
            self.plot_item.addItem(item, ignoreBounds=True)
        # The cost right after each weight edit made in the network diagram (the status bar
        # shows the same number): a point off the curve, until the run starts afresh.
        self.edit_points = pg.ScatterPlotItem(
            size=11,
            symbol="star",
            pen=pg.mkPen(plot_style.FOREGROUND),
            brush=pg.mkBrush(plot_style.PALETTE[1]),
        )
        self.edit_points.setVisible(False)  # drawn (and painted) only once there is an edit
        self.plot_item.addItem(self.edit_points, ignoreBounds=True)
        self.edits: list[tuple[float, float]] = []  # (epoch, cost) of each edit
        self._edit_expected = False

        self.log_y_box = QCheckBox("log scale")
        self.log_y_box.setObjectName("cost.log_y")
        self.log_y_box.setToolTip(
            "Show the cost on a logarithmic axis. Late in training the cost keeps falling by "
            "factors of ten while the linear plot looks flat; a log axis shows that progress."
        )
        self.log_y_box.toggled.connect(self._on_log_y_toggled)
        self.fit_all_box = QCheckBox("all runs")
        self.fit_all_box.setObjectName("cost.fit_all")
        self.fit_all_box.setToolTip(
            "Fit the axes to every run on the plot. Off: the axes follow the current run and "
            "earlier runs are drawn within its frame."
        )
        self.fit_all_box.toggled.connect(lambda _on: self.refit())
        # Earlier runs and sweeps (run_overlays.py) are named here, under the plot, never
        # over it.
        self.legend = FlowLegend("cost.legend")
        self.legend.hide()
        self.readout = QLabel(IDLE_TEXT)
        self.readout.setObjectName("cost.readout")
        self.readout.setToolTip(
            "The cost after each epoch (one pass over the training set) measures how far the "
            "outputs are from the targets; training is gradient descent on it. Hover over the "
            "curve to read the recorded point nearest the pointer."
        )
        self.readout.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(self.readout, 1)
        bar.addWidget(self.fit_all_box)
        bar.addWidget(self.log_y_box)
        self.plot_widget.setMinimumHeight(PLOT_MIN_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.legend)
        layout.addLayout(bar)

        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # --- public API ------------------------------------------------------------------------

    def reset(
        self,
        dataset: Dataset | None = None,
        cost_label: str | None = None,
        epochs: int | None = None,
    ) -> None:
        """Forget the curve for a new run; ``cost_label`` names the cost on the y axis;
        ``epochs``, the run's epoch limit, bounds how far ahead the x axis grows."""
        self.history = CostHistory(self._capacity)
        self._epochs = np.empty(0, dtype=np.int64)
        self._costs = np.empty(0, dtype=np.float64)
        self.curve.setData([], [])
        self.test_history = CostHistory(self._capacity)
        self._test_epochs = np.empty(0, dtype=np.int64)
        self._test_costs = np.empty(0, dtype=np.float64)
        self.test_curve.setData([], [])
        self._has_test = dataset is not None and dataset.test is not None
        mark_short_curve(self.curve, 0)
        self.edits, self._edit_expected = [], False
        self.edit_points.setData([], [])
        self.edit_points.setVisible(False)
        if cost_label:
            # Named under the plot: a long name in the title or on the axis widens the plot
            # past what a narrow window gives it.
            self._cost_label = cost_label
        self._hide_crosshair()
        self.readout.setText(idle_text(self._cost_label, self._has_test))
        self.ranges.reset(epochs)

    def expect_edit(self) -> None:
        """A weight was just edited: the next snapshot's cost is the cost after the edit."""
        self._edit_expected = True

    def _mark_edit(self, epoch: float, cost: float) -> None:
        self.edits.append((epoch, cost))
        xs, ys = np.array(self.edits).T
        if self.is_log_y():
            with np.errstate(divide="ignore", invalid="ignore"):
                ys = np.log10(ys)
        finite = np.isfinite(ys)
        self.edit_points.setData(xs[finite], ys[finite])
        self.edit_points.setVisible(bool(finite.any()))
        self.readout.setText(f"After the weight edit: cost {cost:.6g} (the star).")

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if self._edit_expected:
            self._edit_expected = False
            self._mark_edit(float(snapshot.epoch), float(snapshot.cost))
        new_test = snapshot.test_steps.size > 0
        if new_test:
            self.test_history.extend(snapshot.test_steps, snapshot.test_costs)
            self._test_epochs, self._test_costs = self.test_history.data()
            self.test_curve.setData(self._test_epochs, self._test_costs)
        if snapshot.history_steps.size == 0 and not new_test:
            return
        if snapshot.history_steps.size:
            self.history.extend(snapshot.history_steps, snapshot.history_costs)
            self._epochs, self._costs = self.history.data()
            self.curve.setData(self._epochs, self._costs)
            mark_short_curve(self.curve, self._epochs.size)
        self._follow()

    def test_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The test curve's points (epochs, costs); empty without a train/test split."""
        return self._test_epochs.copy(), self._test_costs.copy()

    def fits_all_runs(self) -> bool:
        """The axes take in every run: asked for, or the current run has no points yet."""
        return self.fit_all_box.isChecked() or self._epochs.size == 0

    def _follow(self) -> None:
        # The test curve (a train/test split) is part of the current run.
        epochs = np.concatenate([self._epochs, self._test_epochs])
        costs = np.concatenate([self._costs, self._test_costs])
        framing_all = bool(self.kept_in_view) and self.fits_all_runs()
        if framing_all != self._framing_all:
            # The follower only widens its frame: start afresh from the new set of curves.
            self._framing_all = framing_all
            self.ranges.reset(self.ranges.x_limit)
        if framing_all:
            kept = [(item.xData, item.yData) for item in self.kept_in_view]  # not clipped
            epochs = np.concatenate([epochs, *(x for x, _ in kept if x is not None)])
            costs = np.concatenate([costs, *(y for _, y in kept if y is not None)])
        if epochs.size == 0:
            return
        if self.is_log_y():
            with np.errstate(divide="ignore", invalid="ignore"):
                costs = np.log10(costs)
        costs = costs[np.isfinite(costs)]
        if costs.size:
            self.ranges.follow(float(epochs.min()), float(epochs.max()), costs.min(), costs.max())

    def refit(self) -> None:
        """Fit the view afresh to the curves (after curves kept in view came or went)."""
        self.ranges.reset(self.ranges.x_limit)
        self._follow()

    def set_log_y(self, on: bool) -> None:
        """Show the cost axis logarithmically (keeps the checkbox in step)."""
        if self.log_y_box.isChecked() != on:
            self.log_y_box.setChecked(on)  # comes back through _on_log_y_toggled
            return
        self.plot_item.setLogMode(x=False, y=on)
        if self.edits:  # a scatter's points are set in view coordinates: set them afresh
            edits, self.edits = self.edits, []
            for epoch, cost in edits:
                self._mark_edit(epoch, cost)
        self.ranges.refit_y()
        self._follow()
        self._hide_crosshair()

    def is_log_y(self) -> bool:
        return self.log_y_box.isChecked()

    def show_readout_at(self, epoch: float) -> str:
        """Move the crosshair to the recorded point nearest ``epoch``; returns the readout."""
        if self._epochs.size == 0:
            self._hide_crosshair()
            self.readout.setText(idle_text(self._cost_label, self._has_test))
            return self.readout.text()
        i = int(np.searchsorted(self._epochs, epoch))
        if i == self._epochs.size or (
            i > 0 and epoch - self._epochs[i - 1] <= self._epochs[i] - epoch
        ):
            i -= 1
        x, cost = int(self._epochs[i]), float(self._costs[i])
        y = cost
        if self.is_log_y():
            y = math.log10(cost) if cost > 0 else float("nan")
        self.v_line.setPos(x)
        self.marker.setData([x], [y])
        if math.isfinite(y):
            self.h_line.setPos(y)
        for item in (self.v_line, self.h_line, self.marker):
            item.setVisible(math.isfinite(y) or item is self.v_line)
        text = f"epoch {x:,}   cost {cost:.6g}"
        if self._test_epochs.size:
            j = int(np.abs(self._test_epochs - epoch).argmin())
            text += f"   test cost {self._test_costs[j]:.6g} (epoch {int(self._test_epochs[j]):,})"
        self.readout.setText(text)
        return text

    # --- slots -----------------------------------------------------------------------------

    @Slot(bool)
    def _on_log_y_toggled(self, on: bool) -> None:
        self.set_log_y(on)

    @Slot(object)
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        view_box = self.plot_item.getViewBox()
        if not view_box.sceneBoundingRect().contains(scene_pos):
            self._hide_crosshair()
            self.readout.setText(idle_text(self._cost_label, self._has_test))
            return
        self.show_readout_at(view_box.mapSceneToView(scene_pos).x())

    def _hide_crosshair(self) -> None:
        for item in (self.v_line, self.h_line, self.marker):
            item.setVisible(False)
