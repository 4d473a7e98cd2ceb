"""The train/test split in the views: the test cost curve, the test accuracy, hollow test
points on the map, the table's choice of set, and the builder's split and Regenerate; every
number is the trainer's, checked against numpy."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui.windows import wait_for_state
from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.spec import ExperimentSpec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.builder.panel import BuilderPanel
from xorlab.ui.training.boundary import BoundaryView
from xorlab.ui.training.cost_plot import CostPlot
from xorlab.ui.training.outputs_plot import OutputsPlot
from xorlab.ui.training.truth_table import TruthTable

# Small enough for the fused loop (compiles in well under a second), big enough (30 training
# samples) for the outputs plot to show accuracy.
SPLIT = ExperimentSpec.from_dict(
    {
        "dataset": {
            "name": "gaussians",
            "size": 40,
            "noise": 0.4,
            "seed": 2,
            "test_fraction": 0.25,
        },
        "network": {"hidden": [2], "activations": ["tanh"], "bias": True, "seed": 3},
        "training": {"cost": "bce", "optimizer": "adam", "learning_rate": 0.05, "epochs": 400},
    }
)


@pytest.fixture(scope="module")
def run():
    trainer = Trainer(SPLIT)
    grid = plane_grid(trainer.full_dataset, 16)
    snapshots = [trainer.snapshot(grid)]
    for steps in (7, 50, 143, 200):
        trainer.run(steps)
        snapshots.append(trainer.snapshot(grid))
    return trainer, grid, snapshots


def numpy_outputs(weights, X):
    W1, W2 = weights
    h = np.tanh(np.hstack([X, np.ones((len(X), 1))]) @ W1)
    return 1 / (1 + np.exp(-(np.hstack([h, np.ones((len(h), 1))]) @ W2)))


def test_cost_plot_draws_every_test_point(qtbot, run):
    trainer, _, snapshots = run
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.reset(trainer.dataset, "binary cross-entropy", SPLIT.training.epochs)
    assert "Dashed: the held-out test samples" in plot.readout.text()
    for snap in snapshots:
        plot.on_snapshot(snap)
    epochs, costs, _ = trainer.test_history.data()
    shown_x, shown_y = plot.test_curve.getData()
    np.testing.assert_array_equal(shown_x, epochs)
    np.testing.assert_array_equal(shown_y, costs)
    last = snapshots[-1]
    out = numpy_outputs(last.weights, trainer.test_dataset.X)
    y = trainer.test_dataset.y
    bce = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    assert costs[-1] == pytest.approx(bce, abs=1e-12)
    assert f"test cost {costs[-1]:.6g}" in plot.show_readout_at(float(epochs[-1]))


def test_outputs_plot_shows_training_and_test_accuracy(qtbot, run):
    trainer, _, snapshots = run
    plot = OutputsPlot()
    qtbot.addWidget(plot)
    plot.reset(trainer.dataset, SPLIT.training.epochs)
    assert plot.mode == "accuracy" and len(plot.curves) == 2
    for snap in snapshots:
        plot.on_snapshot(snap)
    test = trainer.test_dataset
    expected = [
        100 * np.mean((numpy_outputs(s.weights, test.X) >= 0.5) == (test.y >= 0.5))
        for s in snapshots
    ]
    np.testing.assert_allclose(plot.curves[1].getData()[1], expected, rtol=0, atol=1e-12)
    assert "30 training samples" in plot.note.text() and "10 held-out" in plot.note.text()


def test_truth_table_lists_either_set(qtbot, run):
    trainer, _, snapshots = run
    table = TruthTable()
    qtbot.addWidget(table)
    table.reset(trainer.dataset)
    assert not table.set_combo.isHidden()
    table.on_snapshot(snapshots[-1])
    assert table.model.rowCount() == 30
    table.set_shown_set("test")
    assert table.model.dataset is trainer.test_dataset and table.model.rowCount() == 10
    np.testing.assert_array_equal(table.model.outputs, snapshots[-1].test_outputs)
    right = int(((snapshots[-1].test_outputs >= 0.5) == (trainer.test_dataset.y >= 0.5)).sum())
    assert f"test accuracy: {right} of 10 right" in table.summary()
    table.on_snapshot(snapshots[-2])  # a new snapshot keeps the chosen set
    np.testing.assert_array_equal(table.model.outputs, snapshots[-2].test_outputs)
    table.reset(Trainer(SPLIT.with_changes(dataset={"test_fraction": 0.0})).dataset)
    assert table.set_combo.isHidden() and table.model.rowCount() == 40


def test_boundary_draws_test_points_hollow_behind_a_toggle(qtbot, run):
    trainer, grid, _ = run
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(trainer.dataset, grid)
    x, y = view.test_points.getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), trainer.test_dataset.X)
    assert view.test_points.opts["brush"].color().alpha() == 0  # hollow
    assert len(view.points.getData()[0]) == 30
    assert view.test_points.isVisible()
    view.show_test_box.setChecked(False)
    assert not view.test_points.isVisible()


def test_builder_split_field_and_regenerate(qtbot):
    panel = BuilderPanel(spec=SPLIT)
    qtbot.addWidget(panel)
    panel.show()
    field = panel.fields["dataset.test_fraction"]
    assert field.isVisible() and panel.regenerate_button.isVisible()
    with qtbot.waitSignal(panel.spec_changed) as signal:
        panel.regenerate_button.click()
    assert signal.args[0].dataset.seed == SPLIT.dataset.seed + 1
    assert panel.spec().dataset.test_fraction == 0.25
    panel.fields["dataset.name"].set_value("xor")
    assert not field.isVisible() and not panel.regenerate_button.isVisible()
    panel.set_spec(SPLIT)
    editor = panel.field_editor("dataset.test_fraction")
    editor.selectAll()
    qtbot.keyClicks(editor, "0.95")
    # Typed key by key, "0.9" was the last valid value on the way.
    assert "dataset.test_fraction" in panel._errors
    assert panel.spec() == SPLIT.with_changes(dataset={"test_fraction": 0.9})


def test_window_trains_a_split_and_shows_the_test_curve(make_window, qtbot):
    window = make_window(SPLIT)
    window.actions.train.trigger()
    wait_for_state(qtbot, window, "done")
    epochs, costs = window.cost_plot.test_data()
    assert epochs[-1] == SPLIT.training.epochs and epochs[0] == 0
    out = numpy_outputs(window.last_snapshot.weights, window.boundary.dataset.test.X)
    y = window.boundary.dataset.test.y
    bce = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    assert costs[-1] == pytest.approx(bce, abs=1e-12)
