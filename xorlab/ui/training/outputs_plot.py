"""Each training sample's network output against epoch, with its target as a dashed line.

Outputs arrive once per snapshot (not per step), so the x values are the snapshots' epochs.
The buffer halves its resolution whenever it fills, so memory stays flat on long runs.
Datasets with many samples get an accuracy curve instead of hundreds of lines.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from xorlab.app.sample_names import sample_label
from xorlab.core.training.datasets import Dataset
from xorlab.ui.training.range_follow import HEADROOM, PAD, RangeFollower
from xorlab.ui.training.truth_table import accuracy, is_binary
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.flow_legend import FlowLegend

if TYPE_CHECKING:
    from xorlab.core.training.trainer import TrainingSnapshot

MAX_CURVES = 16
PLOT_MIN_HEIGHT = 150  # the plot itself, whatever the legend under it needs
OUTPUTS_TITLE = "Outputs during training"
ACCURACY_TITLE = "Accuracy during training"
# Short as the others: "Mean absolute error during training" was cut at the plot's right edge
# at 1024x700 (the y axis's label says which error).
ERROR_TITLE = "Error during training"
ACCURACY_HEADROOM = 112.0  # % at the top of the accuracy plot at least: the label's room
# The "all right" and "no error" labels sit beyond their line, on the side the curve never
# reaches (accuracy <= 100 %, error >= 0), in room measured in pixels: 12 % of a short plot's
# range (1024x700) was 10 px, and the label, 18 px tall, sat on the plot's top frame.
LABEL_GAP_PX = 3  # between the label and the frame
# The range follower pads the data's extent by PAD on one side and up to HEADROOM on the other
# (range_follow.py): the label's share of the view is reserved of that whole height.
FOLLOW_SPAN = 1.0 + PAD + HEADROOM
MAX_LABEL_SHARE = 0.5  # of a plot too short for its label: half its height at most
TITLE_STYLE = {"color": plot_style.FOREGROUND, "size": plot_style.TITLE_SIZE}
DEFAULT_CAPACITY = 2048


class SnapshotSeries:
    """(epoch, row of values) points, keeping every other one whenever ``capacity`` fills."""

    def __init__(self, width: int, capacity: int = DEFAULT_CAPACITY):
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.stride = 1
        self._x = np.empty(capacity, dtype=np.float64)
        self._rows = np.empty((capacity, width), dtype=np.float64)
        self._size = 0
        self._seen = 0

    def __len__(self) -> int:
        return self._size

    def append(self, x: float, row: np.ndarray) -> None:
        keep = self._seen % self.stride == 0
        self._seen += 1
        if not keep:
            return
        if self._size == self.capacity:
            self._x[: self.capacity // 2] = self._x[: self._size : 2]
            self._rows[: self.capacity // 2] = self._rows[: self._size : 2]
            self._size = self.capacity // 2
            self.stride *= 2
            if (self._seen - 1) % self.stride:
                return
        self._x[self._size] = x
        self._rows[self._size] = row
        self._size += 1

    @property
    def x(self) -> np.ndarray:
        return self._x[: self._size].copy()

    def column(self, j: int) -> np.ndarray:
        return self._rows[: self._size, j].copy()


def _percent_right(outputs: np.ndarray, targets: np.ndarray) -> float:
    return 100.0 * accuracy(outputs, targets)


def _mean_abs_error(outputs: np.ndarray, targets: np.ndarray) -> float:
    return float(np.mean(np.abs(outputs - targets)))


class BoundedTicksAxis(pg.AxisItem):
    """An axis that labels no value past ``bounds`` (low, high; None: no bound): the label
    room above 100 % or under 0 error is room, not a value the curve could take (a tick at
    150 % read as an accuracy)."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.bounds: tuple[float | None, float | None] = (None, None)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's name)
        low, high = self.bounds
        levels = super().tickValues(minVal, maxVal, size)
        eps = 1e-9 * max(1.0, abs(maxVal - minVal))
        return [
            (
                spacing,
                [
                    v
                    for v in values
                    if (low is None or v >= low - eps) and (high is None or v <= high + eps)
                ],
            )
            for spacing, values in levels
        ]


class OutputsPlot(QWidget):
    """The network's output for every training sample as training goes on."""

    def __init__(self, parent: QWidget | None = None, capacity: int = DEFAULT_CAPACITY):
        super().__init__(parent)
        self.setObjectName("outputs")
        self._capacity = capacity
        self.dataset: Dataset | None = None
        self.mode = "empty"  # "outputs" or "accuracy" once a dataset is set
        self.series: SnapshotSeries | None = None
        self.curves: list[pg.PlotDataItem] = []
        self.curve_keys: list[tuple[int, int]] = []  # (sample, output) of each curve
        self.target_lines: list[pg.GraphicsObject] = []
        self._targets: list[float] = []
        self._y_extent = (math.inf, -math.inf)  # of every value shown, targets included
        self._x_extent: tuple[float, float] | None = None  # the epochs shown

        self.layout_widget = pg.GraphicsLayoutWidget()
        self.layout_widget.setBackground(plot_style.BACKGROUND)
        self.layout_widget.setObjectName("outputs.plot")
        self.value_axis = BoundedTicksAxis("left")
        self.plot_item = self.layout_widget.addPlot(
            row=0, col=0, enableMenu=False, axisItems={"left": self.value_axis}
        )  # enableMenu: as styled
        plot_style.style_plot_item(
            self.plot_item, "Outputs during training", "epoch", "network output"
        )
        # Under the plot, in lines that wrap: it never hides a curve nor runs past the edge,
        # and the plot keeps a readable height (3-bit parity has eight entries).
        self.ranges = RangeFollower(self.plot_item)  # auto-range, in steps
        # A new height changes the label's room in view units: the range is fitted again.
        self.plot_item.getViewBox().sigResized.connect(self._on_view_resized)
        self.layout_widget.setMinimumHeight(PLOT_MIN_HEIGHT)
        self.legend = FlowLegend("outputs.legend")
        self.note = QLabel("Start training to see how each sample's output moves.")
        self.note.setObjectName("outputs.note")
        self.note.setWordWrap(True)
        self.note.setToolTip(
            "Each curve is the network's output for one training sample, and the dashed lines "
            "the targets: training pulls every curve towards its target. With many samples "
            "the plot shows the share classified right instead: output on the same side of "
            "0.5 as the 0/1 target."
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.layout_widget, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)

    def reset(self, dataset: Dataset, epochs: int | None = None) -> None:
        """Build the curves for a new run on ``dataset``; no data until the first snapshot.
        ``epochs``, the run's epoch limit, bounds how far ahead the x axis grows."""
        for item in [*self.curves, *self.target_lines]:
            self.plot_item.removeItem(item)
        self.curves, self.curve_keys, self.target_lines = [], [], []
        self.dataset = dataset
        n_curves = dataset.n_samples * dataset.n_outputs
        binary = is_binary(dataset.y)
        if n_curves > MAX_CURVES and binary:
            self._build_accuracy_curve(dataset)
        elif n_curves > MAX_CURVES:
            self._build_error_curve(dataset)
        else:
            self._build_output_curves(dataset, n_curves)
        self.series = SnapshotSeries(len(self.curves), self._capacity)
        self._targets = [float(line.value()) for line in self.target_lines]
        self._y_extent = (math.inf, -math.inf)  # of every value shown, targets included
        self._x_extent = None
        self.ranges.reset(epochs)

    def _build_output_curves(self, dataset: Dataset, n_curves: int) -> None:
        self.mode = "outputs"
        self.value_axis.bounds = (None, None)
        self.plot_item.setLabel("left", "network output")
        keys = [(i, j) for i in range(dataset.n_samples) for j in range(dataset.n_outputs)]
        keys = keys[:MAX_CURVES]
        self.plot_item.setTitle(OUTPUTS_TITLE, **TITLE_STYLE)
        entries = []
        targets = np.array([dataset.y[i, j] for i, j in keys])
        shared_targets = len(np.unique(targets)) <= 4
        for k, (i, j) in enumerate(keys):
            color = plot_style.palette_color(k)
            # Past 8 curves the palette repeats; a dotted pen keeps the second round distinct.
            pen = plot_style.curve_pen(color)
            if k >= len(plot_style.PALETTE):
                pen.setStyle(pg.QtCore.Qt.PenStyle.DashDotLine)
            curve = self.plot_item.plot(pen=pen, antialias=True)
            plot_style.thin_to_pixels(curve)
            plot_style.stroke_as_segments(curve)
            entries.append((sample_label(dataset, i, j), pen))
            self.curves.append(curve)
            if not shared_targets:
                self._add_target_line(targets[k], color)
        if shared_targets:
            for value in np.unique(targets):
                self._add_target_line(
                    value, plot_style.TARGET_PEN_COLOR, f"target {value:g}", below=value > 0.5
                )
        self.curve_keys = keys
        self.legend.set_entries(entries)
        if n_curves > MAX_CURVES:
            self.note.setText(f"The first {MAX_CURVES} of {dataset.n_samples} samples.")
        else:
            self.note.setText("One curve per sample (inputs → target); dashed: targets.")

    def _build_error_curve(self, dataset: Dataset) -> None:
        """Real-valued targets (regression): accuracy means nothing; the mean absolute error
        of the outputs says how far off they are, training and test samples alike."""
        self.mode = "error"
        self.value_axis.bounds = (0.0, None)
        self.plot_item.setLabel("left", "mean absolute error")
        self.plot_item.setTitle(ERROR_TITLE, **TITLE_STYLE)
        pen = plot_style.curve_pen(plot_style.PALETTE[2])
        curve = self.plot_item.plot(pen=pen, antialias=True)
        plot_style.thin_to_pixels(curve)
        plot_style.stroke_as_segments(curve)
        self.curves.append(curve)
        # Under the 0 line, where the error never goes: above it, the label sat on the curve.
        self._add_target_line(0.0, plot_style.TARGET_PEN_COLOR, "no error", below=True)
        if dataset.test is None:
            self.legend.set_entries([])
            self.note.setText(f"{dataset.n_samples} samples: how far the outputs are, on average.")
            return
        test_pen = plot_style.curve_pen(plot_style.PALETTE[1], dashed=True)
        test_curve = self.plot_item.plot(pen=test_pen, antialias=True)
        plot_style.thin_to_pixels(test_curve)
        plot_style.stroke_as_segments(test_curve)  # dashed: cut into its dashes
        self.curves.append(test_curve)
        self.legend.set_entries([("training samples", pen), ("test samples", test_pen)])
        self.note.setText(
            f"How far the outputs are from the targets, on average: {dataset.n_samples} "
            f"training samples, and dashed, {dataset.test.n_samples} held-out test samples."
        )

    def _build_accuracy_curve(self, dataset: Dataset) -> None:
        self.mode = "accuracy"
        self.value_axis.bounds = (None, 100.0)
        self.plot_item.setLabel("left", "accuracy (%)")
        self.plot_item.setTitle(ACCURACY_TITLE, **TITLE_STYLE)
        pen = plot_style.curve_pen(plot_style.PALETTE[2])
        curve = self.plot_item.plot(pen=pen, antialias=True)
        plot_style.thin_to_pixels(curve)
        plot_style.stroke_as_segments(curve)
        self.curves.append(curve)
        # The label sits above the 100 % line, in headroom the curve never reaches.
        self._add_target_line(100.0, plot_style.TARGET_PEN_COLOR, "all right", below=False)
        if dataset.test is None:
            self.legend.set_entries([])  # one curve, named by the axis and the title
            self.note.setText(f"{dataset.n_samples} samples: the share classified right.")
            return
        # Beside it, the held-out samples': a gap between the two is what overfitting costs.
        test_pen = plot_style.curve_pen(plot_style.PALETTE[1], dashed=True)
        test_curve = self.plot_item.plot(pen=test_pen, antialias=True)
        plot_style.thin_to_pixels(test_curve)
        plot_style.stroke_as_segments(test_curve)  # dashed: cut into its dashes
        self.curves.append(test_curve)
        self.legend.set_entries(
            [
                ("training samples classified right", pen),
                ("test samples classified right", test_pen),
            ]
        )
        self.note.setText(
            f"The share classified right: {dataset.n_samples} training samples, and dashed, "
            f"{dataset.test.n_samples} held-out test samples."
        )

    def _add_target_line(
        self, value: float, color: str, label: str | None = None, below: bool = False
    ) -> None:
        # A label under the top line and over the bottom one stays inside the plot.
        anchor = (0, 0) if below else (0, 1)
        line = pg.InfiniteLine(
            pos=float(value),
            angle=0,
            movable=False,
            pen=plot_style.curve_pen(color, width=1.2, dashed=True),
            label=label,
            labelOpts={
                "position": 0.01,
                "color": plot_style.FOREGROUND,
                "anchors": [anchor, anchor],
            },
        )
        self.plot_item.addItem(line)
        self.target_lines.append(line)

    @Slot(object)
    def on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if self.series is None or self.dataset is None:
            return
        outputs = np.asarray(snapshot.outputs)
        if outputs.shape != self.dataset.y.shape:
            return  # a snapshot from a previous run still in flight
        if self.mode in ("accuracy", "error"):
            score = _percent_right if self.mode == "accuracy" else _mean_abs_error
            row = np.array([score(outputs, self.dataset.y)])
            test = self.dataset.test
            if test is not None:
                test_outputs = snapshot.test_outputs
                value = (
                    score(test_outputs, test.y)
                    if test_outputs is not None and test_outputs.shape == test.y.shape
                    else np.nan
                )
                row = np.append(row, value)
        else:
            row = np.array([outputs[i, j] for i, j in self.curve_keys])
        self.series.append(float(snapshot.epoch), row)
        x = self.series.x
        for k, curve in enumerate(self.curves):
            curve.setData(x, self.series.column(k))
        finite = row[np.isfinite(row)]
        self._y_extent = (
            min(self._y_extent[0], *finite, *self._targets),
            max(self._y_extent[1], *finite, *self._targets),
        )
        self._x_extent = (float(x[0]), float(x[-1]))
        self._follow()

    def _follow(self) -> None:
        """Hand the follower the data's extent, with the label's room beyond its line."""
        if self._x_extent is None:
            return
        low, high = self._y_extent
        if self.mode == "accuracy":  # "all right" above the 100 % line
            share = self._label_share()
            high = max(ACCURACY_HEADROOM, (high - share * low) / (1.0 - share))
        elif self.mode == "error":  # "no error" under the 0 line
            share = self._label_share()
            low = min(low, (low - share * high) / (1.0 - share))
        self.ranges.follow(*self._x_extent, low, high)

    def _label_share(self) -> float:
        """The share of the extent handed to the follower that the target line's label needs
        beyond the line, so that it sits inside the frame after the follower's padding."""
        height = self.plot_item.getViewBox().height()
        if not self.target_lines or height <= 0:
            return 0.0
        label = self.target_lines[0].label
        need = (label.boundingRect().height() + LABEL_GAP_PX) / height * FOLLOW_SPAN
        return min(need, MAX_LABEL_SHARE)

    @Slot()
    def _on_view_resized(self) -> None:
        if self.mode in ("accuracy", "error") and self._x_extent is not None:
            self.ranges.refit_y()
            self._follow()
