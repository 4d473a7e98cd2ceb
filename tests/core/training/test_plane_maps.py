"""The worker's batched maps over the plane against an independent numpy forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.map_images import colorize, contour_segments, value_range
from xorlab.core.training.neuron_maps import MAP_RESOLUTION, map_grid
from xorlab.core.training.plane_maps import DECISION_LEVEL, grid_axes, plane_maps
from xorlab.core.training.presets import preset_spec

from ..reference import forward, inscribed_disc

PALETTE = np.random.default_rng(3).integers(0, 256, (256, 4)).astype(np.uint8)
SPECS = {
    "xor-bias": preset_spec("xor-bias"),
    "circle": preset_spec("circle"),
    "spiral": preset_spec("spiral"),
    "deep-relu-no-bias": preset_spec("xor-minimal").with_changes(
        network={"hidden": (4, 3), "activations": ("tanh", "relu"), "bias": False}
    ),
}


def numpy_layers(spec, weights, points):
    acts = [*spec.network.activations, spec.network.output_activation]
    layers, _ = forward(weights, points, acts, spec.network.bias)
    return [a for _, _, a in layers]


def numpy_sums(spec, weights, points):
    """The output neuron's weighted sum (before its activation), numpy's forward pass."""
    acts = [*spec.network.activations, spec.network.output_activation]
    layers, _ = forward(weights, points, acts, spec.network.bias)
    return layers[-1][1][:, 0]


@pytest.mark.parametrize("name", list(SPECS))
@pytest.mark.parametrize("resolution", [32, 64])
def test_one_call_gives_the_decision_map_and_every_neuron_map(trainer_for, name, resolution):
    spec = SPECS[name]
    trainer = trainer_for(spec)
    # Weights that are not the initial ones (set, not trained: no training loop to compile).
    rng = np.random.default_rng(7)
    trainer.set_weights([w + rng.normal(0, 0.5, w.shape) for w in trainer.get_weights()])
    grid, neuron_grid = plane_grid(trainer.dataset, resolution), map_grid(trainer.dataset)
    maps = plane_maps(trainer, grid, neuron_grid, PALETTE)
    weights = trainer.get_weights()
    expected = numpy_layers(spec, weights, grid.points)[-1][:, 0].reshape(resolution, resolution)
    np.testing.assert_allclose(maps.output, expected, rtol=0, atol=1e-12)
    xs, ys = grid_axes(grid)
    # A sigmoid output is traced in its logit (the output sum), others as they are.
    sums = numpy_sums(spec, weights, grid.points).reshape(resolution, resolution)
    sigmoid = spec.network.output_activation == "sigmoid"
    traced = contour_segments(
        sums if sigmoid else expected, xs, ys, 0.0 if sigmoid else DECISION_LEVEL
    )
    np.testing.assert_allclose(maps.contour, traced, rtol=0, atol=1e-9)
    m = MAP_RESOLUTION
    layers = numpy_layers(spec, weights, neuron_grid.points)
    assert len(maps.neurons.layers) == len(layers)
    for got, want in zip(maps.neurons.layers, layers, strict=True):
        np.testing.assert_allclose(got.reshape(m * m, -1), want, rtol=0, atol=1e-12)
    # Pictures: each unit's numpy map, coloured over its activation's range, top row = max y,
    # transparent outside the circle the diagram shows it in.
    acts = ("input", *spec.network.activations, spec.network.output_activation)
    sources = [neuron_grid.points, *layers]
    for layer, (images, values, act) in enumerate(
        zip(maps.neuron_images, sources, acts, strict=True)
    ):
        assert len(images) == values.shape[1]
        for unit, image in enumerate(images):
            if values.shape[1] > 16:
                assert image is None
                continue
            plane = values[:, unit].reshape(m, m)
            low, high = value_range(act, plane)
            want = colorize(plane[::-1], low, high, PALETTE)
            want[..., 3] = np.where(inscribed_disc(m), want[..., 3], 0)  # a round picture
            # The ranges come from the same values up to 1e-12: a colour step at most.
            assert np.abs(image.astype(int) - want.astype(int)).max() <= 1, (layer, unit)
            assert image.flags.c_contiguous and image.dtype == np.uint8
    assert maps.step == trainer.step_count


def test_other_weights_and_the_decision_map_only(trainer_for):
    spec = SPECS["circle"]
    trainer = trainer_for(spec)
    grid = plane_grid(trainer.dataset, 16)
    weights = [w * -0.5 for w in trainer.get_weights()]
    before = trainer.get_weights()
    maps = plane_maps(trainer, grid, weights=weights)
    assert maps.neurons is None and maps.neuron_images is None
    expected = numpy_layers(spec, weights, grid.points)[-1][:, 0].reshape(16, 16)
    np.testing.assert_allclose(maps.output, expected, rtol=0, atol=1e-12)
    for got, want in zip(trainer.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)  # the trainer is not touched


def test_a_wide_net_gets_values_but_no_pictures_for_its_wide_layers(trainer_for):
    spec = preset_spec("circle").with_changes(network={"hidden": (20,), "activations": ("relu",)})
    trainer = trainer_for(spec)
    maps = plane_maps(trainer, plane_grid(trainer.dataset, 8), map_grid(trainer.dataset), PALETTE)
    assert maps.neurons.layers[0].shape[2] == 20
    assert maps.neuron_images[1] == (None,) * 20
    assert all(image is not None for image in maps.neuron_images[0])  # the inputs
    assert all(image is not None for image in maps.neuron_images[2])  # the output


def test_a_sure_networks_contour_traced_in_its_sum_lies_on_its_boundary():
    """Why the sum: a sure network's output (sigmoid of a sum that changes by ~10 a cell)
    is ~0 or ~1 at the coarse grid's points next to the line, so the output's linear guess
    puts the crossing mid-cell (the stair steps); its sum, nearly linear across a cell,
    puts it on the line. Here the sum is 60 (x^2 + y^2 - 0.64): the boundary is the circle
    of radius 0.8."""
    n = 32
    xs = ys = np.linspace(-1.5, 1.5, n)
    x, y = np.meshgrid(xs, ys)
    sums = 60 * (x**2 + y**2 - 0.64)
    output = 1 / (1 + np.exp(-sums))

    def off_circle(segments: np.ndarray) -> float:
        ends = segments.reshape(-1, 2)
        return float(np.abs(np.hypot(ends[:, 0], ends[:, 1]) - 0.8).max())

    from_sums = contour_segments(sums, xs, ys, 0.0)
    from_output = contour_segments(output, xs, ys, DECISION_LEVEL)
    assert len(from_sums) == len(from_output) > 20  # the same cells are crossed
    step = xs[1] - xs[0]
    assert off_circle(from_sums) < 0.05 * step  # on the circle, to a few % of a cell
    assert off_circle(from_output) > 0.2 * step  # the steps
