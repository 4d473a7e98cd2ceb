"""Per-neuron maps over the input plane against the independent numpy forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.reference import forward
from xorlab.core.training.datasets import DatasetError, plane_grid
from xorlab.core.training.neuron_maps import MAP_RESOLUTION, layer_activations, neuron_maps
from xorlab.core.training.presets import preset_spec

SPECS = {
    "xor-bias": preset_spec("xor-bias"),
    "circle": preset_spec("circle"),
    "deep-no-bias": preset_spec("xor-minimal").with_changes(
        network={"hidden": (4, 3), "activations": ("tanh", "relu"), "bias": False}
    ),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_maps_equal_a_numpy_forward_pass_on_the_grid(trainer_for, name):
    spec = SPECS[name]
    trainer = trainer_for(spec)
    trainer.run(30)  # weights that are not the initial ones
    maps = neuron_maps(trainer)
    grid = plane_grid(trainer.dataset, MAP_RESOLUTION)
    np.testing.assert_array_equal(maps.grid.points, grid.points)
    acts = [*spec.network.activations, spec.network.output_activation]
    layers, _ = forward(trainer.get_weights(), grid.points, acts, spec.network.bias)
    res = MAP_RESOLUTION
    assert len(maps.layers) == len(layers)
    for got, (_, _, a) in zip(maps.layers, layers, strict=True):
        assert got.shape == (res, res, a.shape[1])
        np.testing.assert_allclose(got.reshape(res * res, -1), a, rtol=1e-12, atol=1e-12)
    # [y row, x column]: x grows along a row, y down the rows, as on the boundary plot.
    np.testing.assert_array_equal(maps.inputs[0, :, 0], grid.points[:res, 0])
    np.testing.assert_array_equal(maps.inputs[:, 0, 1], grid.points[::res, 1])
    # The output layer's map is the network's output there.
    np.testing.assert_allclose(
        maps.layers[-1][:, :, 0].ravel(), trainer.evaluate(grid.points)[0][:, 0], atol=1e-12
    )
    assert maps.step == trainer.step_count


def test_maps_read_the_live_weights(trainer_for):
    trainer = trainer_for(SPECS["xor-bias"])
    before = neuron_maps(trainer).layers[0].copy()
    weights = trainer.get_weights()
    weights[0][:, 0] = 0.0  # neuron 1 now outputs sigmoid(0) everywhere
    trainer.set_weights(weights)
    after = neuron_maps(trainer).layers[0]
    np.testing.assert_allclose(after[:, :, 0], 0.5, atol=1e-15)
    np.testing.assert_array_equal(after[:, :, 1:], before[:, :, 1:])


def test_maps_of_other_weights_leave_the_trainer_alone(trainer_for):
    spec = SPECS["xor-bias"]
    trainer = trainer_for(spec)
    live = trainer.get_weights()
    past = [w * 0.5 - 0.1 for w in live]
    grid = plane_grid(trainer.dataset, 5)
    maps = neuron_maps(trainer, grid, past)
    acts = [*spec.network.activations, spec.network.output_activation]
    _, out = forward(past, grid.points, acts, spec.network.bias)
    np.testing.assert_allclose(maps.layers[-1].reshape(25, 1), out, atol=1e-12)
    for now, before in zip(trainer.get_weights(), live, strict=True):
        np.testing.assert_array_equal(now, before)
    with pytest.raises(ValueError, match="shapes"):
        neuron_maps(trainer, grid, [past[0]])


def test_bad_input_is_explained(trainer_for):
    trainer = trainer_for(SPECS["xor-bias"])
    with pytest.raises(ValueError, match="takes 2 inputs"):
        layer_activations(trainer, np.zeros((4, 3)))
    parity = trainer_for(preset_spec("parity3"))
    with pytest.raises(DatasetError, match="exactly two inputs"):
        neuron_maps(parity)
    acts = layer_activations(parity, parity.dataset.X)  # any input count works here
    np.testing.assert_allclose(acts[-1], parity.evaluate()[0], atol=1e-12)
