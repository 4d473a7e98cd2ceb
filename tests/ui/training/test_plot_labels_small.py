"""The target lines' labels of the accuracy and error plots stay inside the plot and off the
curves on a small screen: at 1024x700 the outputs plot's drawing area is ~150 px tall, and
"all right" sat on the top frame (overfitting preset) and "no error" on the error curve
(regression preset)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from tests.ui.runtime.test_time_travel import fake_snapshot
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.split import split_dataset
from xorlab.ui.training.outputs_plot import OutputsPlot

# The outputs plot's size in the Training tab at 1024x700 and 1366x768 (screenshots), and a
# roomy one.
SIZES = [(330, 235), (330, 250), (600, 420)]


def preset_plot(qtbot, preset: str, size: tuple[int, int]):
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.resize(*size)
    plot.show()
    qtbot.waitExposed(plot)
    spec = preset_spec(preset).dataset
    dataset = split_dataset(load_dataset(spec), spec)  # the preset's held-out half/fifth
    plot.reset(dataset, epochs=2000)
    return plot, dataset


def snapshot(epoch: int, outputs: np.ndarray, test_outputs: np.ndarray | None):
    return replace(
        fake_snapshot(epoch), epoch=epoch, step=epoch, outputs=outputs, test_outputs=test_outputs
    )


def label_rect(plot: OutputsPlot) -> QRectF:
    """The first target line's label, in view (data) coordinates, top < bottom."""
    label = plot.target_lines[0].label
    return label.mapRectToView(label.boundingRect()).normalized()


def curve_points(plot: OutputsPlot) -> list[tuple[float, float]]:
    points = []
    for curve in plot.curves:
        x, y = curve.getData()
        points += [(a, b) for a, b in zip(x, y, strict=True) if np.isfinite(b)]
    return points


def covers_a_point(plot: OutputsPlot, rect: QRectF) -> bool:
    """A curve's point inside the label (its edge on the target line may touch the line)."""
    return any(
        rect.left() <= x <= rect.right() and rect.top() < y < rect.bottom()
        for x, y in curve_points(plot)
    )


def in_view(plot: OutputsPlot, rect: QRectF) -> bool:
    (x0, x1), (y0, y1) = plot.plot_item.getViewBox().viewRange()
    return x0 <= rect.left() and rect.right() <= x1 and y0 <= rect.top() and rect.bottom() <= y1


@pytest.mark.parametrize("size", SIZES)
def test_all_right_sits_above_the_100_line_inside_the_frame(qtbot, size):
    plot, dataset = preset_plot(qtbot, "overfitting", size)
    assert plot.mode == "accuracy"
    wrong = 1.0 - dataset.y.astype(float)  # 0 % right, then 50 %, then all right
    half = np.where(np.arange(len(dataset.y))[:, None] % 2 == 0, dataset.y, wrong)
    for epoch, outputs in ((1, wrong), (200, half), (2000, dataset.y.astype(float))):
        test = dataset.test.y.astype(float)
        plot.on_snapshot(snapshot(epoch, outputs, test))
    qtbot.wait(10)  # the layout settles (no timing asserted)
    rect = label_rect(plot)
    assert in_view(plot, rect), (rect, plot.plot_item.getViewBox().viewRange())
    assert rect.top() >= 100.0 - 1e-9  # above every point the curves can reach
    assert not covers_a_point(plot, rect)


@pytest.mark.parametrize("size", SIZES)
def test_no_error_sits_under_the_0_line_off_the_curve(qtbot, size):
    plot, dataset = preset_plot(qtbot, "regression", size)
    assert plot.mode == "error"
    target = dataset.y.astype(float)
    # Errors falling from 0.4 to 0.015 over the run, as in the preset's screenshot.
    for epoch, error in ((1, 0.4), (100, 0.1), (500, 0.03), (2000, 0.015)):
        test = dataset.test.y + error
        plot.on_snapshot(snapshot(epoch, target + error, test))
    qtbot.wait(10)
    rect = label_rect(plot)
    assert in_view(plot, rect), (rect, plot.plot_item.getViewBox().viewRange())
    assert rect.bottom() <= 0.0 + 1e-9  # under the line: the error is never negative
    assert not covers_a_point(plot, rect)


def test_the_label_room_follows_a_resize(qtbot):
    """Shrinking the window makes the label's room larger in data units, at once (the view
    is fitted again on the resize, not at the next snapshot)."""
    plot, dataset = preset_plot(qtbot, "overfitting", (600, 420))
    test = dataset.test.y.astype(float)
    plot.on_snapshot(snapshot(1, 1.0 - dataset.y.astype(float), test))  # 0 % right
    plot.on_snapshot(snapshot(10, dataset.y.astype(float), test))
    qtbot.wait(10)
    assert in_view(plot, label_rect(plot))
    plot.resize(330, 235)
    qtbot.waitUntil(lambda: plot.layout_widget.height() < 200)
    qtbot.wait(10)
    assert in_view(plot, label_rect(plot))


@pytest.mark.parametrize(
    ("preset", "bounds"), [("overfitting", (None, 100.0)), ("regression", (0.0, None))]
)
def test_the_label_room_has_no_ticks(qtbot, preset, bounds):
    """The room beyond the line is the label's: no tick says 150 % or an error of -0.2."""
    plot, dataset = preset_plot(qtbot, preset, SIZES[0])
    target = dataset.y.astype(float)
    plot.on_snapshot(snapshot(1, 1.0 - target, dataset.test.y.astype(float)))
    plot.on_snapshot(snapshot(50, target + (0.1 if preset == "regression" else 0.0), None))
    qtbot.wait(10)
    _x, (y0, y1) = plot.plot_item.getViewBox().viewRange()
    axis = plot.plot_item.getAxis("left")
    ticks = [v for _spacing, values in axis.tickValues(y0, y1, 200) for v in values]
    low, high = bounds
    assert ticks and (y0 < 0 if low is not None else y1 > 100)  # there is label room
    assert all((low is None or v >= low) and (high is None or v <= high) for v in ticks), ticks
