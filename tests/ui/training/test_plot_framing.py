"""The plots keep what the user is looking at in view: the cost plot's axes follow the
current run (earlier runs are overlays, all of them fitted on request), a run that diverged
at once stays drawn, the legends sit outside the plots and name every run, and the outputs
and accuracy plots are titled for what they show."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tests.ui.runtime.test_time_travel import fake_snapshot
from xorlab.core.training.datasets import load_dataset
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import DatasetSpec
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.outputs_plot import (
    ACCURACY_TITLE,
    ERROR_TITLE,
    OUTPUTS_TITLE,
    OutputsPlot,
)
from xorlab.ui.training.run_overlays import RunOverlays

MINIMAL = preset_spec("xor-minimal")


def overlay_plot(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 320)
    plot.show()
    return plot, RunOverlays(plot, lambda: MINIMAL)


def test_the_axes_follow_the_current_run_and_fit_all_runs_on_request(qtbot):
    plot, overlays = overlay_plot(qtbot)
    overlays.add_run(
        MINIMAL.with_changes(network={"seed": 3}), np.arange(5000), np.full(5000, 40.0)
    )
    plot.on_snapshot(fake_snapshot(3))  # epochs 3..7, costs 1
    (x0, x1), (y0, y1) = plot.ranges.view_range()
    assert x1 < 100 and y1 < 5  # the earlier run's 5000 epochs and cost 40 are not the frame
    plot.fit_all_box.setChecked(True)
    (x0, x1), (y0, y1) = plot.ranges.view_range()
    assert x1 >= 4999 and y1 >= 40
    plot.fit_all_box.setChecked(False)
    (x0, x1), (y0, y1) = plot.ranges.view_range()
    assert x1 < 100 and y1 < 5


def test_a_run_that_diverged_at_once_keeps_its_finite_cost_drawn(qtbot):
    plot, overlays = overlay_plot(qtbot)
    snapshot = fake_snapshot(0)
    one_point = replace(snapshot, history_steps=np.array([0]), history_costs=np.array([2.0]))
    plot.on_snapshot(one_point)
    x, y = plot.curve.getData()
    assert list(y) == [2.0] and plot.curve.opts["symbol"] == "o"  # a dot: one point has no line
    run = overlays.add_run(MINIMAL, np.array([0]), np.array([2.0]))
    assert run is not None and run.curve.opts["symbol"] == "o"
    plot.on_snapshot(fake_snapshot(3))  # a longer curve draws a line, without dots
    assert plot.curve.opts["symbol"] is None


def test_a_12_run_sweep_is_listed_whole_in_a_legend_outside_the_plot(qtbot):
    plot, overlays = overlay_plot(qtbot)
    for seed in range(12):
        overlays.add_run(
            MINIMAL.with_changes(network={"seed": seed}),
            np.arange(10),
            np.ones(10),
            name=f"seed {seed}",
        )
    assert overlays.legend.entries == [f"seed {s}" for s in range(12)] + ["this run"]
    qtbot.wait(20)
    legend = overlays.legend.geometry()
    plot_area = plot.plot_widget.geometry()
    assert not legend.intersects(plot_area) and legend.top() >= plot_area.bottom()
    assert plot.plot_widget.height() >= 150


def test_runs_with_the_same_settings_are_told_apart_by_number(qtbot):
    plot, overlays = overlay_plot(qtbot)
    for _ in range(2):
        overlays.on_state_changed("training")
        plot.on_snapshot(fake_snapshot(3))
        overlays.on_run_reset()
    overlays.on_state_changed("training")
    assert overlays.labels() == ["run 1", "run 2"]
    assert overlays.legend.entries == ["run 1", "run 2", "this run (run 3)"]


def shown_outputs_plot(qtbot, dataset_name: str, width: int = 400, height: int = 320):
    """An OutputsPlot of that size on screen, reset for the named dataset: (plot, dataset)."""
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    dataset = load_dataset(DatasetSpec(dataset_name))
    plot.reset(dataset)
    return plot, dataset


def test_3_bit_parity_legend_wraps_under_the_plot(qtbot):
    plot, _ = shown_outputs_plot(qtbot, "parity3", 330, 360)
    assert len(plot.legend.entries) == 8 and plot.plot_item.titleLabel.text == OUTPUTS_TITLE
    qtbot.wait(20)
    assert plot.legend.geometry().right() <= plot.width()
    assert plot.legend.geometry().top() >= plot.layout_widget.geometry().bottom()
    assert plot.layout_widget.height() >= 150


def test_the_accuracy_plot_is_titled_so_and_keeps_its_label_clear_of_the_curve(qtbot):
    plot, dataset = shown_outputs_plot(qtbot, "circle")
    assert plot.mode == "accuracy" and plot.plot_item.titleLabel.text == ACCURACY_TITLE
    snapshot = fake_snapshot(5)
    right = replace(snapshot, outputs=dataset.y.astype(float))
    plot.on_snapshot(right)
    plot.on_snapshot(plot_snapshot_at(right, 10))
    qtbot.wait(20)
    (_x, (y0, y1)) = plot.ranges.view_range()
    line = plot.target_lines[0]
    label = line.label.mapRectToView(line.label.boundingRect())
    # The label is above the 100 % line (where the curve is at its highest) and in view.
    assert min(label.top(), label.bottom()) >= 100 - 1e-9 and max(label.top(), label.bottom()) <= y1


def plot_snapshot_at(snapshot, epoch):
    return replace(snapshot, epoch=epoch, step=epoch)


def test_earlier_runs_are_opaque_faded_segments_kept_as_pictures(qtbot):
    """A dozen earlier runs under the live curve: each is an opaque pen of the faded colour
    (as the translucent one looked on white), stroked as segments and cached by Qt, so a
    repaint of the live curve does not stroke them again. Their points are the run's."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QGraphicsItem

    from xorlab.ui.training.run_overlays import FADED_ALPHA
    from xorlab.ui.widgets import plot_style

    plot, overlays = overlay_plot(qtbot)
    epochs, costs = np.arange(3000), np.linspace(2.0, 0.1, 3000)
    runs = [
        overlays.add_run(MINIMAL.with_changes(network={"seed": k}), epochs, costs)
        for k in range(12)
    ]
    for k, run in enumerate(runs):
        pen = run.curve.opts["pen"]
        assert pen.color().alpha() == 255 and pen.widthF() == 1.6
        palette = QColor(plot_style.PALETTE[1 + k % (len(plot_style.PALETTE) - 1)])
        for got, want in zip(pen.color().getRgb()[:3], palette.getRgb()[:3], strict=True):
            assert abs(got - (FADED_ALPHA * want + (255 - FADED_ALPHA) * 255) / 255) <= 0.5
        assert run.curve.curve.opts["segmentedLineMode"] == "on"
        assert run.curve.opts["autoDownsample"] and run.curve.opts["clipToView"]
        assert run.curve.curve.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
        np.testing.assert_array_equal(run.curve.xData, epochs)
        np.testing.assert_array_equal(run.curve.yData, costs)


def test_the_error_plot_title_fits_where_the_accuracy_title_does(qtbot):
    # Seen cut at the right edge at 1024x700 (regression preset), when it named the error.
    plot, _ = shown_outputs_plot(qtbot, "gaussian-bumps")
    assert plot.mode == "error" and plot.plot_item.titleLabel.text == ERROR_TITLE
    metrics = plot.fontMetrics()
    assert metrics.horizontalAdvance(ERROR_TITLE) <= metrics.horizontalAdvance(ACCURACY_TITLE)
    assert plot.plot_item.getAxis("left").labelText == "mean absolute error"
