"""Regression: the two point sets against their formulas, a linear output trained on MSE
against numpy, cross-entropy refused, and the CLI's test error."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.training.datasets import gaussian_bumps, plane
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import validate
from xorlab.core.training.trainer import Trainer

from ..reference import forward, train_reference
from .cli_run import train_spec_json

SPEC = preset_spec("regression").with_changes(
    dataset={"size": 60},
    network={"hidden": (3,), "activations": ("tanh",)},
    training={"epochs": 200},
)


def test_plane_and_bumps_follow_their_formulas():
    ds = plane(50, 0.0, 1)
    np.testing.assert_allclose(ds.y[:, 0], (ds.X[:, 0] + ds.X[:, 1]) / 2, atol=1e-15)
    bumps = gaussian_bumps(50, 0.0, 1)
    centres = [(-4, 2.5), (0, 2.5), (4, 2.5), (-4, -2.5), (0, -2.5), (4, -2.5)]
    expected = np.zeros(50)
    for (cx, cy), sign in zip(centres, (-1, 1, -1, 1, -1, 1), strict=True):
        d2 = (bumps.X[:, 0] - cx / 6) ** 2 + (bumps.X[:, 1] - cy / 6) ** 2
        expected += sign * np.exp(-d2 / (2 * 0.25**2))
    np.testing.assert_allclose(bumps.y[:, 0], expected, atol=1e-12)
    assert np.abs(bumps.X).max() <= 1 and not np.isin(bumps.y, (0, 1)).all()


@pytest.mark.parametrize("strategy", ["scan"])
def test_linear_output_mse_matches_numpy(strategy):
    t = Trainer(SPEC, strategy=strategy)
    t.run(t.total_steps)
    weights0 = init_weights(SPEC.network, 2, 1)
    weights, costs = train_reference(
        SPEC, t.dataset.X, t.dataset.y, weights0, t.total_steps, t.batches
    )
    np.testing.assert_allclose(t.history.data()[1], costs, rtol=0, atol=1e-12)
    _, out = forward(weights, t.test_dataset.X, ["tanh", "linear"], True)
    mse = float(((out - t.test_dataset.y) ** 2).mean())
    _, test_cost, test_accuracy = t.evaluate_test()
    assert test_cost == pytest.approx(mse, abs=1e-12) and np.isnan(test_accuracy)


def test_cross_entropy_is_refused_for_regression():
    spec = SPEC.with_changes(network={"output_activation": "sigmoid"}, training={"cost": "bce"})
    assert [e.field for e in validate(spec)] == ["training.cost"]


def test_cli_reports_the_test_error(tmp_path):
    data, doc = train_spec_json(tmp_path, SPEC, save=True)
    assert "test_accuracy" not in data
    weights = [np.array(w["data"]).reshape(w["shape"]) for w in doc["weights"]]
    t = Trainer(SPEC)
    _, out = forward(weights, t.test_dataset.X, ["tanh", "linear"], True)
    assert data["test_error"] == pytest.approx(np.abs(out - t.test_dataset.y).mean(), abs=1e-12)
