"""Which grid a snapshot's maps use: fine when settled or cheap, coarse while training when
the fine one would cost over the budget; the values are the network's at those points."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.app.live_maps import LiveMaps
from xorlab.core.training.datasets import plane_grid
from xorlab.core.training.plane_maps import plane_maps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.trainer import Trainer

from ..core.reference import forward

PALETTE = np.zeros((256, 4), dtype=np.uint8)


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    return Trainer(preset_spec("circle"))


def numpy_output(trainer, points):
    net = trainer.spec.network
    acts = [*net.activations, net.output_activation]
    return forward(trainer.get_weights(), points, acts, net.bias)[1][:, 0]


def test_fine_when_settled_coarse_while_training_over_budget(trainer):
    maps = LiveMaps(coarse_resolution=16, budget=1e-3)
    fine = plane_grid(trainer.dataset, 48)
    maps.new_run(trainer.dataset, fine)
    assert maps.coarse.resolution == 16 and maps.neuron_grid.resolution == 24
    maps.seconds_per_point = 1e-6  # 48 x 48 points: 2.3 ms, over the 1 ms budget
    assert maps.grid_for(settled=True) is fine
    assert maps.grid_for(settled=False) is maps.coarse
    maps.seconds_per_point = 1e-7  # 0.23 ms: fine fits
    assert maps.grid_for(settled=False) is fine
    maps.want_neuron_maps(PALETTE)  # 576 more points: 0.28 ms, still fits
    assert maps.grid_for(settled=False) is fine
    maps.seconds_per_point = 3.5e-7  # 0.8 ms without the neuron maps, 1.01 ms with them
    assert maps.grid_for(settled=False) is maps.coarse
    maps.want_neuron_maps(None)
    assert maps.grid_for(settled=False) is fine


def test_coarse_maps_are_the_networks_outputs_at_the_coarse_points(trainer):
    maps = LiveMaps(coarse_resolution=16, budget=0.0)  # never fine while training
    maps.new_run(trainer.dataset, plane_grid(trainer.dataset, 64))
    maps.want_neuron_maps(PALETTE)
    maps.compute(trainer, settled=True)
    assert maps.last_seconds is None  # a trainer's first maps compile: not timed
    live = maps.compute(trainer, settled=False)
    assert live.grid is maps.coarse and live.output.shape == (16, 16)
    np.testing.assert_allclose(
        live.output.ravel(), numpy_output(trainer, maps.coarse.points), rtol=0, atol=1e-12
    )
    assert live.neurons is not None and live.neuron_images is not None
    assert maps.last_seconds > 0 and maps.seconds_per_point > 0
    settled = maps.compute(trainer, settled=True)
    assert settled.grid is maps.fine and settled.output.shape == (64, 64)
    np.testing.assert_array_equal(
        settled.output, plane_maps(trainer, maps.fine).output
    )  # the same forward pass, with or without the neuron maps beside it


def test_no_grid_no_maps(trainer):
    maps = LiveMaps()
    maps.new_run(trainer.dataset, None)
    assert maps.compute(trainer, settled=True) is None and maps.neuron_grid is None


def test_a_run_at_rest_gets_the_detailed_map_of_the_networks_outputs(trainer):
    maps = LiveMaps(coarse_resolution=16, budget=0.0, detail_resolution=80)
    fine = plane_grid(trainer.dataset, 48)
    maps.new_run(trainer.dataset, fine)
    assert maps.detail.resolution == 80
    assert (maps.detail.x_range, maps.detail.y_range) == (fine.x_range, fine.y_range)
    assert maps.grid_for(settled=True, at_rest=True) is maps.detail
    assert maps.grid_for(settled=True) is fine  # a milestone: the fine grid, not the detail
    assert maps.grid_for(settled=False) is maps.coarse
    maps.compute(trainer, settled=True)  # the first maps compile: not timed
    rest = maps.compute(trainer, settled=True, at_rest=True)
    assert rest.grid is maps.detail and rest.output.shape == (80, 80)
    assert maps.last_seconds is None  # not what the next live maps will cost
    assert maps.seconds_per_point > 0  # but the cost per point is learned from it
    np.testing.assert_allclose(
        rest.output.ravel(), numpy_output(trainer, maps.detail.points), rtol=0, atol=1e-12
    )
    # A detail no finer than the fine grid is the fine grid itself.
    maps = LiveMaps(detail_resolution=32)
    maps.new_run(trainer.dataset, fine)
    assert maps.detail is fine


def test_maps_of_given_weights_read_those_not_the_live_ones():
    # The snapshot thread draws the maps of a snapshot's copied weights while the trainer
    # trains on (app/snapshot_pipeline.py): the maps are those weights' and that step's.
    trainer = Trainer(preset_spec("circle"))
    maps = LiveMaps(coarse_resolution=16, budget=0.0)
    maps.new_run(trainer.dataset, plane_grid(trainer.dataset, 32))
    assert not maps.warm_for(trainer)
    maps.compute(trainer, settled=True)  # the first maps compile the forward pass
    assert maps.warm_for(trainer)
    copied = tuple(w.copy() for w in trainer.get_weights())
    trainer.set_weights([w * 1.5 for w in copied])  # the live weights move on
    maps.want_neuron_maps(PALETTE)
    drawn = maps.compute(trainer, settled=False, weights=copied, step=7)
    assert drawn.step == 7 and drawn.neurons.step == 7 and drawn.grid is maps.coarse
    net = trainer.spec.network
    acts = [*net.activations, net.output_activation]
    expected = forward(list(copied), maps.coarse.points, acts, net.bias)[1][:, 0]
    np.testing.assert_allclose(drawn.output.ravel(), expected, rtol=0, atol=1e-12)
    assert not np.allclose(expected, numpy_output(trainer, maps.coarse.points))


def test_a_wide_nets_live_neuron_maps_share_the_coarse_grid_with_the_networks_values():
    # 2-20-1: the 20 hidden neurons are drawn without pictures (wider than MAX_MAP_UNITS),
    # so a live snapshot's neuron maps come from the decision map's own points.
    spec = preset_spec("circle").with_changes(network={"hidden": (20,), "activations": ("tanh",)})
    trainer = Trainer(spec)
    maps = LiveMaps(coarse_resolution=16, budget=0.0)
    maps.new_run(trainer.dataset, plane_grid(trainer.dataset, 32))
    maps.want_neuron_maps(PALETTE)
    settled = maps.compute(trainer, settled=True)
    assert settled.neurons.grid is maps.neuron_grid  # at rest: their own 24 x 24 grid
    live = maps.compute(trainer, settled=False)
    assert live.grid is maps.coarse and live.neurons.grid is maps.coarse
    net = trainer.spec.network
    acts = [*net.activations, net.output_activation]
    layers, out = forward(trainer.get_weights(), maps.coarse.points, acts, net.bias)
    hidden = live.neurons.layers[0]
    assert hidden.shape == (16, 16, 20) and live.neurons.layers[1].shape == (16, 16, 1)
    np.testing.assert_allclose(hidden.reshape(-1, 20), layers[0][2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(live.neurons.layers[1].ravel(), out[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(live.output.ravel(), out[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(live.neurons.inputs.reshape(-1, 2), maps.coarse.points)
    assert [len(layer) for layer in live.neuron_images] == [2, 20, 1]
    assert live.neuron_images[1] == (None,) * 20  # not pictured
    assert live.neuron_images[2][0].shape == (16, 16, 4)
    # Timed as one pass over the coarse points, not those and the neuron grid's.
    assert maps.seconds_per_point == pytest.approx(maps.last_seconds / 256)


def test_a_net_whose_neurons_are_pictured_keeps_the_neuron_grid_while_training(trainer):
    maps = LiveMaps(coarse_resolution=16, budget=0.0)  # circle: 2-4-1, all pictured
    maps.new_run(trainer.dataset, plane_grid(trainer.dataset, 32))
    maps.want_neuron_maps(PALETTE)
    maps.compute(trainer, settled=True)
    live = maps.compute(trainer, settled=False)
    assert live.grid is maps.coarse and live.neurons.grid is maps.neuron_grid
    maps.share_coarse_grid = False  # as before round 11, for bench/gui.py's comparison
    wide = Trainer(
        preset_spec("circle").with_changes(network={"hidden": (20,), "activations": ("tanh",)})
    )
    assert maps.neuron_grid_for(wide, maps.coarse) is maps.neuron_grid
