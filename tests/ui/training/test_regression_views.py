"""Regression in the views: the map shows predicted values on the targets' scale with the
points coloured by target and no 0.5 line; the table shows each error."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.plane_maps import snapshot_with_maps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer
from xorlab.ui.training.boundary import TARGET_COLORS, BoundaryView
from xorlab.ui.training.truth_table import TruthTable

SPEC = preset_spec("regression").with_changes(
    dataset={"size": 40}, network={"hidden": (2,), "activations": ("tanh",)}
)


def test_map_of_predicted_values_and_table_of_errors(qtbot):
    trainer = Trainer(SPEC)
    trainer.run(50)
    grid = plane_grid(trainer.full_dataset, 8)
    snapshot = snapshot_with_maps(trainer, grid)
    view = BoundaryView()
    qtbot.addWidget(view)
    view.reset(trainer.dataset, grid)
    view.on_snapshot(snapshot)
    every = np.vstack([trainer.dataset.y, trainer.test_dataset.y])[:, 0]
    assert view.regression and view.levels == (every.min(), every.max())
    assert tuple(view.image.getLevels()) == view.levels
    x, _ = view.contour.getData()
    assert x is None or len(x) == 0  # no 0.5 boundary for a value
    lo, hi = view.levels
    t = trainer.dataset.y[0, 0]
    brush = view.points.data["brush"][0]
    assert brush.color() == TARGET_COLORS.map((t - lo) / (hi - lo), mode="qcolor")
    table = TruthTable()
    qtbot.addWidget(table)
    table.reset(trainer.dataset)
    table.on_snapshot(snapshot)
    model = table.model
    assert model.headerData(4, Qt.Orientation.Horizontal) == "error"
    error = snapshot.outputs[0, 0] - trainer.dataset.y[0, 0]
    assert model.data(model.index(0, 4)) == f"{error:+.4f}"
    mae = np.abs(snapshot.outputs - trainer.dataset.y).mean()
    assert f"training {mae:.4f}" in table.summary()
