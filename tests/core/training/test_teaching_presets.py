"""The new presets teach what they say: overfitting shows a test cost that turns up while
the training cost falls; one linear neuron on x1², x2² separates the circle; the regression
preset is a regression."""

from __future__ import annotations

import numpy as np

from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import validate
from xorlab.core.training.trainer import Trainer


def test_overfitting_preset_test_cost_turns_up_while_training_cost_falls():
    t = Trainer(preset_spec("overfitting"))
    t.run(t.total_steps)
    epochs, test_costs, test_accuracy = t.test_history.data()
    _, train_costs = t.history.data()
    best = int(test_costs.argmin())
    assert 0 < epochs[best] < 500  # early, then
    assert test_costs[-1] > 4 * test_costs[best]  # the test cost climbs
    assert train_costs[-1] < train_costs[epochs[best]] / 50  # while training keeps falling
    assert test_accuracy.max() > test_accuracy[-1] and t.evaluate()[1] < 1e-3


def test_circle_from_squares_with_one_linear_neuron():
    spec = preset_spec("circle-features")
    assert spec.network.hidden == (1,) and spec.network.activations == ("linear",)
    t = Trainer(spec)
    t.run(t.total_steps)
    outputs, _ = t.evaluate()
    assert np.mean((outputs >= 0.5) == (t.dataset.y >= 0.5)) == 1.0


def test_regression_preset_is_a_regression_with_a_split():
    spec = preset_spec("regression")
    assert validate(spec) == [] and spec.network.output_activation == "linear"
    assert spec.training.cost == "mse" and spec.dataset.test_fraction > 0
