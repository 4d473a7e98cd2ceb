"""The plot views show exactly the numbers real training snapshots carry: cost curve, output
curves, truth table and decision-boundary image (orientation checked against a numpy
forward pass)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QModelIndex, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from xorlab.core.training.datasets import Dataset, load_dataset, plane_grid
from xorlab.core.training.history import CostHistory
from xorlab.core.training.plane_maps import snapshot_with_maps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import DatasetSpec
from xorlab.core.training.trainer import Trainer, TrainingSnapshot
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.cost_plot import IDLE_TEXT, CostPlot
from xorlab.ui.training.outputs_plot import OutputsPlot
from xorlab.ui.training.truth_table import RIGHT_MARK, WRONG_MARK, TruthTable
from xorlab.ui.widgets import plot_style
from xorlab.ui.widgets.dashed_curve import DashedSegmentsCurve

GRID_RESOLUTION = 16
CHUNKS = (0, 300, 1500, 3000, 6000, 12000, 20000)  # epochs run before each snapshot


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def numpy_forward(weights: tuple[np.ndarray, ...], X: np.ndarray) -> np.ndarray:
    """xor-minimal's 2-3-1 sigmoid net without biases, independent of PyTensor."""
    W1, W2 = weights
    return sigmoid(sigmoid(X @ W1) @ W2)


@pytest.fixture(scope="module")
def run():
    """One compiled xor-minimal trainer for the module, and its snapshots along a run."""
    trainer = Trainer(preset_spec("xor-minimal"))
    grid = plane_grid(trainer.dataset, GRID_RESOLUTION)
    snapshots = []
    for epochs in CHUNKS:
        trainer.run_epochs(epochs)
        snapshots.append(snapshot_with_maps(trainer, grid))
    return trainer.dataset, grid, snapshots


def fake_snapshot(epoch: int, outputs: np.ndarray) -> TrainingSnapshot:
    empty = np.empty(0)
    return TrainingSnapshot(epoch, epoch, (), outputs, 0.0, empty.astype(np.int64), empty)


# --- cost ----------------------------------------------------------------------------------


def test_cost_curve_holds_every_cost_point(qtbot, run):
    dataset, _grid, snapshots = run
    plot = CostPlot(capacity=100_000)  # room for every point: no downsampling here
    qtbot.addWidget(plot)
    plot.reset(dataset, cost_label="sum of squared errors")
    for snap in snapshots:
        plot.on_snapshot(snap)
    x, y = plot.curve.xData, plot.curve.yData  # getData() is what is drawn: ~2 per pixel
    expected_x = np.concatenate([s.history_steps for s in snapshots])
    expected_y = np.concatenate([s.history_costs for s in snapshots])
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    # The tutorial's curve, from epoch 0 to about the last (the trainer thins long runs),
    # falling from ~1 to below 0.1.
    assert x[0] == 0 and sum(CHUNKS) - 16 < x[-1] < sum(CHUNKS) and np.all(np.diff(x) > 0)
    assert y[0] > 0.9 and y[-1] < 0.1
    assert plot.readout.text() == "Cost: sum of squared errors. " + IDLE_TEXT
    plot.reset(dataset)
    assert plot.curve.getData()[0] is None or len(plot.curve.getData()[0]) == 0


@pytest.mark.parametrize("capacity", [64, None])
def test_cost_history_stays_flat_and_matches_core_downsampling(qtbot, run, capacity):
    dataset, _grid, snapshots = run
    plot = CostPlot() if capacity is None else CostPlot(capacity=capacity)
    qtbot.addWidget(plot)
    plot.reset(dataset)
    reference = CostHistory() if capacity is None else CostHistory(capacity)
    for snap in snapshots:
        plot.on_snapshot(snap)
        reference.extend(snap.history_steps, snap.history_costs)
    x, y = plot.curve.xData, plot.curve.yData
    assert reference.capacity // 2 <= len(x) <= reference.capacity
    ref_x, ref_y = reference.data()
    np.testing.assert_array_equal(x, ref_x)
    np.testing.assert_array_equal(y, ref_y)


def test_log_toggle(qtbot, run):
    dataset, _grid, snapshots = run
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.reset(dataset)
    plot.on_snapshot(snapshots[1])
    box = plot.findChild(type(plot.log_y_box), "cost.log_y")
    assert box is plot.log_y_box and not box.isChecked()
    box.click()
    assert plot.is_log_y() and plot.curve.opts["logMode"] == [False, True]
    plot.set_log_y(False)
    assert not box.isChecked() and plot.curve.opts["logMode"] == [False, False]
    plot.set_log_y(True)
    assert box.isChecked() and plot.plot_item.getAxis("left").logMode
    # The curve keeps the raw costs and draws their logarithms.
    np.testing.assert_array_equal(plot.curve.yData, snapshots[1].history_costs)
    np.testing.assert_allclose(plot.curve.getData()[1], np.log10(snapshots[1].history_costs))


def test_log_axis_labels_only_1_2_5_of_each_decade(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    axis = plot.plot_item.getAxis("left")
    values = list(np.log10([0.1, 0.2, 0.3, 0.5, 0.9, 1.0, 2.0, 7.0]))
    labels = axis.logTickStrings(values, 1.0, None)
    assert [bool(text) for text in labels] == [True, True, False, True, False, True, True, False]


def test_hover_reads_out_the_nearest_point(qtbot, run):
    dataset, _grid, snapshots = run
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 420)
    plot.show()
    qtbot.waitExposed(plot)
    plot.reset(dataset)
    for snap in snapshots[:4]:  # 4800 epochs: every epoch is still kept
        plot.on_snapshot(snap)
    costs = np.concatenate([s.history_costs for s in snapshots[:4]])
    assert plot.show_readout_at(1234.4) == f"epoch 1,234   cost {costs[1234]:.6g}"
    assert plot.readout.text() == f"epoch 1,234   cost {costs[1234]:.6g}"
    assert plot.v_line.value() == 1234 and plot.h_line.value() == pytest.approx(costs[1234])
    # Through the mouse: the scene position of epoch 20000 on the curve.
    view_box = plot.plot_item.getViewBox()
    plot.plot_item.setXRange(0, 4000, padding=0)
    scene_pos = view_box.mapViewToScene(QPointF(2000, costs[2000]))
    plot.plot_widget.scene().sigMouseMoved.emit(scene_pos)
    epoch = int(plot.v_line.value())
    assert abs(epoch - 2000) <= 4000 / view_box.width() + 1  # within a pixel
    assert plot.readout.text() == f"epoch {epoch:,}   cost {costs[epoch]:.6g}"
    plot.set_log_y(True)
    plot.show_readout_at(100)
    assert plot.h_line.value() == pytest.approx(np.log10(costs[100]))
    plot.plot_widget.scene().sigMouseMoved.emit(QPointF(-50, -50))  # outside the plot
    assert plot.readout.text() == IDLE_TEXT and not plot.v_line.isVisible()


# --- outputs -------------------------------------------------------------------------------


def test_output_curves_follow_each_sample(qtbot, run):
    dataset, _grid, snapshots = run
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.reset(dataset)
    for snap in snapshots:
        plot.on_snapshot(snap)
    assert plot.mode == "outputs" and len(plot.curves) == 4
    epochs = [s.epoch for s in snapshots]
    assert epochs == list(np.cumsum(CHUNKS))
    for i, curve in enumerate(plot.curves):
        x, y = curve.getData()
        np.testing.assert_array_equal(x, epochs)
        np.testing.assert_array_equal(y, [s.outputs[i, 0] for s in snapshots])
    labels = plot.legend.entries
    assert labels == ["1,0 → 1", "0,0 → 0", "0,1 → 1", "1,1 → 0"]  # the tutorial's order
    assert sorted(line.value() for line in plot.target_lines) == [0.0, 1.0]
    # After 43800 epochs the net is close to the tutorial's answers.
    np.testing.assert_allclose(plot.curves[0].getData()[1][-1], 0.92, atol=0.05)


def test_output_buffer_stays_flat(qtbot, run):
    dataset, _grid, snapshots = run
    plot = OutputsPlot(capacity=8)
    qtbot.addWidget(plot)
    plot.reset(dataset)
    outputs = [np.full((4, 1), k / 100) for k in range(100)]
    for k, out in enumerate(outputs):
        plot.on_snapshot(fake_snapshot(k, out))
    x, y = plot.curves[0].getData()
    assert 4 <= len(x) <= 8
    assert x[0] == 0 and np.all(np.diff(x) > 0)
    np.testing.assert_allclose(y, x / 100)  # kept points are real snapshots, not averages


def test_many_samples_show_accuracy_instead(qtbot):
    dataset = load_dataset(DatasetSpec("circle", size=200, noise=0.1, seed=0))
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.reset(dataset)
    assert plot.mode == "accuracy" and len(plot.curves) == 1
    assert "200 samples" in plot.note.text()
    rng = np.random.default_rng(0)
    expected = []
    for k in range(5):
        out = rng.uniform(0, 1, (200, 1))
        plot.on_snapshot(fake_snapshot(10 * k, out))
        expected.append(100 * np.mean((out[:, 0] >= 0.5) == (dataset.y[:, 0] == 1)))
    x, y = plot.curves[0].getData()
    np.testing.assert_array_equal(x, [0, 10, 20, 30, 40])
    np.testing.assert_allclose(y, expected)


def test_many_non_binary_samples_show_the_mean_absolute_error(qtbot):
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.linspace(0, 2, 20).reshape(20, 1)
    dataset = Dataset("ramp", X, y, ("a", "b"), ("y",))
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.reset(dataset)
    assert plot.mode == "error" and len(plot.curves) == 1  # regression: error, not accuracy
    assert "on average" in plot.note.text()
    out = np.linspace(1, 3, 20).reshape(20, 1) + np.sin(np.arange(20)).reshape(20, 1)
    plot.on_snapshot(fake_snapshot(5, out))
    np.testing.assert_allclose(plot.curves[0].getData()[1], [np.abs(out - y).mean()], atol=1e-15)


# --- truth table ---------------------------------------------------------------------------


def cell(table: TruthTable, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return table.model.data(table.model.index(row, column), role)


def test_truth_table_shows_outputs_and_accuracy(qtbot, run):
    dataset, _grid, snapshots = run
    table = TruthTable()
    qtbot.addWidget(table)
    table.reset(dataset)
    model = table.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["x1", "x2", "target", "output", "right?"]
    assert [cell(table, 0, c) for c in range(5)] == ["1", "0", "1", "", ""]
    for snap in (snapshots[0], snapshots[-1]):
        table.on_snapshot(snap)
        right = (snap.outputs[:, 0] >= 0.5) == (dataset.y[:, 0] == 1)
        for row in range(4):
            assert cell(table, row, 3) == f"{snap.outputs[row, 0]:.4f}"
            assert cell(table, row, 4) == (RIGHT_MARK if right[row] else WRONG_MARK)
            color = cell(table, row, 4, Qt.ItemDataRole.ForegroundRole).color().name()
            assert color == ("#007a5a" if right[row] else "#c24e00")
        count = int(right.sum())
        assert table.accuracy_label.text() == (
            f"Accuracy: {count} of 4 right ({100 * count / 4:.1f}%)"
        )
    # The trained net gets all four right; the tutorial prints these outputs.
    assert table.accuracy_label.text() == "Accuracy: 4 of 4 right (100.0%)"


def test_truth_table_serves_big_datasets_from_a_model(qtbot):
    n = 100_000
    X = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    y = (np.arange(n) % 2).astype(float).reshape(n, 1)
    dataset = Dataset("big", X, y, ("a", "b"), ("y",))
    table = TruthTable()
    qtbot.addWidget(table)
    table.resize(500, 300)
    table.show()
    table.reset(dataset)
    outputs = np.full((n, 1), 0.75)
    table.on_snapshot(fake_snapshot(1, outputs))
    assert table.model.rowCount(QModelIndex()) == n
    assert cell(table, n - 1, 3) == "0.7500" and cell(table, n - 1, 4) == RIGHT_MARK
    assert cell(table, n - 2, 4) == WRONG_MARK
    assert table.accuracy_label.text() == "Accuracy: 50,000 of 100,000 right (50.0%)"
    assert table.view.indexWidget(table.model.index(0, 0)) is None


def test_truth_table_without_binary_targets_reports_error(qtbot):
    dataset = Dataset("ramp", np.array([[0.0], [1.0]]), np.array([[0.2], [0.8]]), ("x",), ("y",))
    table = TruthTable()
    qtbot.addWidget(table)
    table.reset(dataset)
    assert table.model.columnCount(QModelIndex()) == 4  # an error column, no right? column
    table.on_snapshot(fake_snapshot(1, np.array([[0.3], [0.5]])))
    assert table.accuracy_label.text() == "Mean absolute error: 0.2000"
    assert cell(table, 0, 3) == "+0.1000" and cell(table, 1, 3) == "-0.3000"


# --- boundary ------------------------------------------------------------------------------


def test_boundary_image_is_the_grid_in_the_right_place(qtbot, run):
    dataset, grid, snapshots = run
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(dataset, grid)
    assert view.stack.currentIndex() == 0
    np.testing.assert_array_equal(view.points.getData()[0], dataset.X[:, 0])
    np.testing.assert_array_equal(view.points.getData()[1], dataset.X[:, 1])
    snap = snapshots[-1]
    view.on_snapshot(snap)
    np.testing.assert_array_equal(view.image.image, snap.grid_outputs)
    assert view.image.levels is not None and list(view.image.levels) == [0.0, 1.0]
    # Every grid point lands in the pixel holding the network's output at that point.
    for ix, iy in ((0, 0), (3, 11), (12, 2), (15, 15)):
        x, y = grid.points[iy * GRID_RESOLUTION + ix]
        pixel = view.image.mapFromParent(QPointF(x, y))
        col, row = int(pixel.x()), int(pixel.y())
        assert (col, row) == (ix, iy)
        assert pixel.x() - col == pytest.approx(0.5) and pixel.y() - row == pytest.approx(0.5)
        expected = numpy_forward(snap.weights, np.array([[x, y]]))[0, 0]
        assert view.image.image[row, col] == pytest.approx(expected, abs=1e-9)
    # The trained net: near 1 at (1, 0), near 0 at (1, 1) - not a transposed picture.
    assert numpy_forward(snap.weights, np.array([[1.0, 0.0]]))[0, 0] > 0.8
    # The contour is the worker's segments, drawn as they came: pairs of points.
    x, y = view.contour.getData()
    np.testing.assert_array_equal(x, snap.plane.contour[:, [0, 2]].ravel())
    np.testing.assert_array_equal(y, snap.plane.contour[:, [1, 3]].ravel())
    assert len(x) > 0 and not view.contour.boundingRect().isEmpty()


def test_boundary_samples_are_not_redrawn_at_each_snapshot(qtbot, run):
    dataset, grid, snapshots = run
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(dataset, grid)
    view.resize(400, 400)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    painted = {"points": 0, "image": 0}

    def counting(item, name):
        paint = item.paint

        def counted(*args):
            painted[name] += 1
            return paint(*args)

        return counted

    view.points.paint = counting(view.points, "points")
    view.image.paint = counting(view.image, "image")
    for snap in snapshots:
        view.on_snapshot(snap)
        view.plot_widget.viewport().repaint()
    assert painted["image"] == len(snapshots)  # every new map is drawn
    assert painted["points"] <= 1  # the samples, which do not move, come from Qt's cache
    np.testing.assert_array_equal(view.image.image, snapshots[-1].grid_outputs)


def test_boundary_ignores_snapshots_without_a_grid(qtbot, run):
    dataset, grid, snapshots = run
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(dataset, grid)
    view.on_snapshot(snapshots[-1])
    no_grid = TrainingSnapshot(1, 1, (), snapshots[0].outputs, 0.0, np.empty(0), np.empty(0))
    view.on_snapshot(no_grid)
    np.testing.assert_array_equal(view.image.image, snapshots[-1].grid_outputs)


def test_boundary_explains_when_it_cannot_draw(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    parity = load_dataset(DatasetSpec("parity3"))
    view.reset(parity, None)
    assert view.stack.currentIndex() == 1
    assert "two inputs" in view.placeholder.text() and "has 3" in view.placeholder.text()
    xor = load_dataset(DatasetSpec("xor"))
    view.reset(xor, plane_grid(xor, 8))
    assert view.stack.currentIndex() == 0


@pytest.mark.parametrize("binary", [True, False])
def test_truth_table_fits_its_columns_as_measuring_every_row_would(qtbot, binary):
    # Numbers of every look: signs, magnitudes, exponents (%.4g), the marks in bold.
    rng = np.random.default_rng(5 + binary)
    X = rng.normal(scale=30, size=(300, 2))
    X[::7] *= 1e-7
    y = (rng.random((300, 1)) > 0.5).astype(float) if binary else rng.normal(size=(300, 1))
    table = TruthTable()
    qtbot.addWidget(table)
    table.show()
    table.reset(Dataset("mixed", X, y, ("x1", "x2"), ("y",)))
    outputs = rng.random((300, 1)) if binary else rng.normal(scale=20, size=(300, 1))
    table.on_snapshot(fake_snapshot(1, outputs))
    view = table.view
    for column in range(table.model.columnCount()):
        # Qt's own measure, of every row, against the few rows the table has measured.
        assert view.sizeHintForColumn(column) == QTableView.sizeHintForColumn(view, column)
        assert len(table.model.widest_rows(column, 1000)) < 30


def test_boundary_points_of_a_colour_share_one_brush(qtbot):
    spiral = load_dataset(preset_spec("spiral").dataset)
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(spiral, plane_grid(spiral, 8))
    brushes = view.points.data["brush"]
    # pyqtgraph draws a symbol per brush object: two classes, two symbols, not 512.
    assert len({id(brush) for brush in brushes}) == 2
    expected = [QColor(plot_style.CLASS_COLORS[int(t >= 0.5)]).name() for t in spiral.y[:, 0]]
    assert [brush.color().name() for brush in brushes] == expected


# --- drawing cost --------------------------------------------------------------------------


def test_solid_curves_are_stroked_as_segments_and_dashed_ones_cut_into_dashes(qtbot, run):
    """Wide antialiased paths go through Qt's slow stroker; solid curves are drawn as line
    segments (the same points), dashed ones as their dashes (dashed_curve.py)."""
    dataset, grid, snapshots = run
    cost, outputs, boundary = CostPlot(), OutputsPlot(), BoundaryView()
    for view in (cost, outputs, boundary):
        qtbot.addWidget(view)
    cost.reset(dataset)
    outputs.reset(dataset)
    boundary.reset(dataset, grid)
    for snap in snapshots:
        cost.on_snapshot(snap)
        outputs.on_snapshot(snap)
        boundary.on_snapshot(snap)
    solid = [cost.curve.curve, *(c.curve for c in outputs.curves), boundary.contour]
    assert all(item.opts["segmentedLineMode"] == "on" for item in solid)
    assert cost.test_curve.curve.opts["segmentedLineMode"] != "on"  # dashed:
    assert isinstance(cost.test_curve.curve, DashedSegmentsCurve)  # cut into its dashes
    # The points drawn are the data: the cost history and the worker's contour segments.
    epochs, costs = cost.history.data()
    np.testing.assert_array_equal(cost.curve.xData, epochs)
    np.testing.assert_array_equal(cost.curve.yData, costs)
    x, _y = boundary.contour.getData()
    np.testing.assert_array_equal(x, snapshots[-1].plane.contour[:, [0, 2]].ravel())


def test_stroke_as_segments_keeps_a_path_only_for_translucent_pens(qtbot):
    dashed = plot_style.curve_pen("#000000", dashed=True)
    faint = plot_style.curve_pen("#000000")
    faint.setColor(QColor(0, 0, 0, 128))
    for pen, mode in ((plot_style.curve_pen("#000000"), "on"), (dashed, "auto"), (faint, "auto")):
        curve = pg.PlotDataItem([0, 1, 2], [1, 0, 1], pen=pen)
        plot_style.stroke_as_segments(curve)
        assert curve.curve.opts["segmentedLineMode"] == mode
        cut = isinstance(curve.curve, DashedSegmentsCurve) and curve.curve.cuts_dashes()
        assert cut == (pen is dashed)  # a translucent pen keeps pyqtgraph's path


def test_boundary_map_is_painted_smooth_between_grid_points(qtbot, run):
    """Blocks of a 64 x 64 map on a large plot read as a mosaic; the map item blends between
    grid points when painted, and its data stays the grid's values."""
    from unittest import mock

    from PySide6.QtGui import QPainter

    dataset, grid, snapshots = run
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(dataset, grid)
    view.on_snapshot(snapshots[-1])
    np.testing.assert_array_equal(view.image.image, snapshots[-1].grid_outputs)
    painter = mock.MagicMock()
    view.image.paint(painter)
    hints = [c.args for c in painter.setRenderHint.call_args_list]
    assert (QPainter.RenderHint.SmoothPixmapTransform, True) in hints
    names = [c[0] for c in painter.method_calls]
    assert names.index("setRenderHint") < names.index("drawImage") < names.index("restore")


def test_boundary_map_picture_is_pyqtgraphs_own(qtbot):
    """The map's picture is made in numpy (32-bit pixels), not by pyqtgraph's slower path:
    every pixel is the colour pyqtgraph gives the same values, levels and lookup table, on
    the classes' range and a regression's; NaN (a diverged net) is transparent in both."""
    from PySide6.QtGui import QImage

    from xorlab.ui.training.boundary import SmoothMap

    def pixels(item: pg.ImageItem) -> np.ndarray:
        item.render()
        image = item.qimage.convertToFormat(QImage.Format.Format_ARGB32)
        return np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1).copy()

    values = np.random.default_rng(3).normal(0.5, 0.6, (24, 32))  # past both ends too
    for levels in ((0.0, 1.0), (-0.7, 1.9)):
        ours, reference = SmoothMap(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
        for item in (ours, reference):
            item.setColorMap(plot_style.boundary_colormap())
            item.setImage(values, autoLevels=False, levels=levels)
        got, expected = pixels(ours), pixels(reference)
        assert ours.qimage.format() == QImage.Format.Format_ARGB32_Premultiplied  # our path
        assert got.shape == (24, 32)
        np.testing.assert_array_equal(got, expected)
        holed = values.copy()
        holed[5, 7] = np.nan
        for item in (ours, reference):
            item.setImage(holed, autoLevels=False, levels=levels)
        got, expected = pixels(ours), pixels(reference)
        assert got[5, 7] >> 24 == expected[5, 7] >> 24 == 0  # transparent
        got[5, 7] = expected[5, 7]
        np.testing.assert_array_equal(got, expected)
