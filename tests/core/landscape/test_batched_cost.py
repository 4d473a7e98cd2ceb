"""Every landscape value is the real total cost: checked against the independent numpy
network (tests/core/reference.py) and against the trainer's own reported cost."""

from __future__ import annotations

import numpy as np
import pytest

from xorlab.core.landscape import batched_cost
from xorlab.core.landscape.batched_cost import gradient
from xorlab.core.landscape.surface import plane_costs
from xorlab.core.training import function_cache
from xorlab.core.training.model import init_weights
from xorlab.core.training.presets import preset_spec

from ..reference import cost_and_grads
from .conftest import functions_for, variant_spec

CASES = [
    "xor-minimal",
    "xor-bias",
    "parity3",
    "momentum-mse-tanh",
    "adam-bce-minibatch-l2",
    "sgd-sse-linear-output-per-sample",
]


def _reference(spec, ds, weights):
    acts = [*spec.network.activations, spec.network.output_activation]
    return cost_and_grads(
        weights, ds.X, ds.y, acts, spec.network.bias, spec.training.cost, spec.training.l2
    )


@pytest.mark.parametrize("name", CASES)
def test_every_point_equals_the_numpy_cost(name):
    spec = variant_spec(name)
    functions, ds = functions_for(spec)
    centre = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    rng = np.random.default_rng(1)
    directions = [[rng.standard_normal(w.shape) for w in centre] for _ in range(2)]
    coords = rng.uniform(-2, 2, (30, 2))
    got = plane_costs(functions, ds.X, ds.y, centre, directions, coords)
    for (a, b), value in zip(coords, got, strict=True):
        weights = [w + a * d1 + b * d2 for w, d1, d2 in zip(centre, *directions, strict=True)]
        expected, _ = _reference(spec, ds, weights)
        assert value == pytest.approx(expected, rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("name", CASES)
def test_gradient_equals_the_numpy_gradient(name):
    spec = variant_spec(name)
    functions, ds = functions_for(spec)
    weights = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    _, expected = _reference(spec, ds, weights)
    for got, want in zip(gradient(functions, ds.X, ds.y, weights), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["xor-minimal", "adam-bce-minibatch-l2"])
def test_the_centre_is_the_cost_the_trainer_reports(name, trainer_for):
    spec = variant_spec(name)
    trainer = trainer_for(spec)
    trainer.run(37)
    functions, ds = functions_for(spec)
    weights = trainer.get_weights()
    centre = plane_costs(functions, ds.X, ds.y, weights, [weights], np.zeros((1, 1)))[0]
    assert centre == pytest.approx(trainer.snapshot().cost, rel=1e-12)


def test_blocks_change_nothing(monkeypatch):
    spec = variant_spec("xor-bias")
    functions, ds = functions_for(spec)
    centre = init_weights(spec.network, ds.n_inputs, ds.n_outputs)
    coords = np.random.default_rng(2).uniform(-1, 1, (50, 2))
    directions = [centre, [np.ones_like(w) for w in centre]]
    whole = plane_costs(functions, ds.X, ds.y, centre, directions, coords)
    monkeypatch.setattr(batched_cost, "BLOCK_BYTES", 1)  # one weight set per call
    assert batched_cost.block_size(ds.n_samples, functions.widest) == 1
    split = plane_costs(functions, ds.X, ds.y, centre, directions, coords)
    np.testing.assert_array_equal(whole, split)


def test_one_compiled_function_per_network():
    spec = variant_spec("xor-minimal")
    functions, ds = functions_for(spec)
    args = (spec.network, spec.training, ds.n_inputs, ds.n_outputs)
    assert batched_cost.cost_functions(*args) is batched_cost.cost_functions(*args)  # memo
    first = batched_cost.cost_functions(*args)
    before = function_cache.cache_info()
    rebuilt = batched_cost.cost_functions.__wrapped__(*args)  # the graph built again
    after = function_cache.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1
    assert rebuilt.batched.function is first.batched.function


# What issue 14 added to the training cost: the landscape's cost is the same total cost, and
# its centre the number the Training tab shows (the snapshot's cost, on the training part of
# a train/test split; the test cost on the held-out part).
L1_L2 = variant_spec("adam-bce-minibatch-l2").with_changes(training={"l1": 0.02})
FEATURES = ("x1", "x2^2", "x1*x2", "sin(x2)")
WITH_FEATURES = preset_spec("circle-features").with_changes(
    network={"features": FEATURES, "hidden": (3,), "activations": ("tanh",)}
)
GROWN = {"l1-l2": L1_L2, "features": WITH_FEATURES, "regression-split": preset_spec("regression")}


def _numpy_inputs(spec, X):
    """The first layer's inputs, written out independently of core.training.features."""
    if spec.network.features != FEATURES:
        return X
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2 * x2, x1 * x2, np.sin(x2)])


def _grown_reference(spec, X, y, weights):
    acts = [*spec.network.activations, spec.network.output_activation]
    tr = spec.training
    return cost_and_grads(
        weights, _numpy_inputs(spec, X), y, acts, spec.network.bias, tr.cost, tr.l2, tr.l1
    )[0]


@pytest.mark.parametrize("name", GROWN)
def test_l1_features_and_regression_are_in_the_landscape(name, trainer_for):
    spec = GROWN[name]
    trainer = trainer_for(spec)
    rng = np.random.default_rng(3)
    # Weights away from the initial ones, without compiling a training loop (slow here).
    trainer.set_weights([w + rng.standard_normal(w.shape) * 0.5 for w in trainer.get_weights()])
    ds = trainer.dataset  # the training part of a split
    functions = batched_cost.cost_functions(spec.network, spec.training, ds.n_inputs, ds.n_outputs)
    centre = trainer.get_weights()
    directions = [[rng.standard_normal(w.shape) * 0.3 for w in centre] for _ in range(2)]
    coords = np.vstack([[0.0, 0.0], rng.uniform(-1, 1, (6, 2))])
    got = plane_costs(functions, ds.X, ds.y, centre, directions, coords)
    for (a, b), value in zip(coords, got, strict=True):
        weights = [w + a * d1 + b * d2 for w, d1, d2 in zip(centre, *directions, strict=True)]
        assert value == pytest.approx(_grown_reference(spec, ds.X, ds.y, weights), rel=1e-10)
    snapshot = trainer.snapshot()
    assert got[0] == pytest.approx(snapshot.cost, rel=1e-12)  # the Training tab's cost
    assert (ds.test is not None) == (name == "regression-split")
    if ds.test is not None:
        test = plane_costs(functions, ds.test.X, ds.test.y, centre, directions, coords[:1])[0]
        assert test == pytest.approx(snapshot.test_cost, rel=1e-12)
        assert test == pytest.approx(
            _grown_reference(spec, ds.test.X, ds.test.y, centre), rel=1e-10
        )
        assert ds.n_samples + ds.test.n_samples == trainer.full_dataset.n_samples
