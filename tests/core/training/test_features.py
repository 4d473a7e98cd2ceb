"""Input features: their values against plain numpy formulas, every loop that can be picked
trains on them as the numpy oracle does on the feature matrix, the exported script and the
neuron maps use them, and the default leaves the tutorials' graphs as they were."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.exported import assert_script_reproduces
from xorlab.core.training.features import feature_values
from xorlab.core.training.model import init_weights, layer_shapes
from xorlab.core.training.neuron_maps import neuron_maps
from xorlab.core.training.presets import preset_spec
from xorlab.core.training.spec import FEATURES, SpecError, validate
from xorlab.core.training.trainer import Trainer

from ..reference import train_reference
from .loops import LOOPS, trainer_on

ALL = FEATURES
# XOR quadrants, small enough for the fused loop, with every feature.
SPEC = preset_spec("xor-minimal").with_changes(
    dataset={"name": "xor-quadrants", "size": 8, "noise": 0.1, "seed": 4},
    network={"features": ALL, "hidden": (2,), "activations": ("tanh",), "bias": True},
    training={"cost": "mse", "learning_rate": 0.05, "epochs": 500},
)


def plain_features(X: np.ndarray) -> np.ndarray:
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])


def test_feature_values_match_the_formulas():
    X = np.random.default_rng(0).normal(size=(50, 2))
    np.testing.assert_allclose(feature_values(X, ALL), plain_features(X), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(feature_values(X, ("x2^2",)), X[:, 1:2] ** 2)


@pytest.mark.parametrize("strategy", LOOPS)
def test_loops_train_on_the_features_like_numpy(strategy):
    t = trainer_on(SPEC, strategy)
    assert [w.shape for w in t.get_weights()] == [(8, 2), (3, 1)]
    t.run(t.total_steps)
    F = plain_features(t.dataset.X)
    weights0 = init_weights(SPEC.network, 2, 1)
    weights, costs = train_reference(SPEC, F, t.dataset.y, weights0, t.total_steps, t.batches)
    np.testing.assert_allclose(t.history.data()[1], costs, rtol=0, atol=1e-12)
    for a, b in zip(t.get_weights(), weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_neuron_maps_show_each_feature_over_the_plane():
    t = Trainer(SPEC)
    maps = neuron_maps(t)
    assert maps.inputs.shape[2] == len(ALL)
    expected = plain_features(maps.grid.points).reshape(maps.inputs.shape)
    np.testing.assert_allclose(maps.inputs, expected, rtol=0, atol=1e-15)


def test_exported_script_computes_the_features(tmp_path):
    spec = SPEC.with_changes(network={"features": ("x1*x2", "sin(x1)", "x2^2")})
    t = Trainer(spec)
    t.run(t.total_steps)
    assert_script_reproduces(tmp_path, t)


def test_feature_choices_are_checked():
    base = preset_spec("circle")
    for features, message in (
        ((), "at least one"),
        (("x3",), "'x3' is not one of"),
        (("x1", "x1"), "twice"),
    ):
        errors = validate(base.with_changes(network={"features": features}))
        assert [e.field for e in errors] == ["network.features"]
        assert message in errors[0].message
    parity = preset_spec("parity3").with_changes(network={"features": ("x1^2",)})
    assert "two inputs" in validate(parity)[0].message
    assert validate(preset_spec("parity3")) == []  # the default means the raw inputs


def test_csv_with_more_inputs_refuses_features(tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n1,2,3,1\n0,1,0,0\n")
    spec = preset_spec("circle").with_changes(
        dataset={"name": "csv", "path": str(path)}, network={"features": ("x1^2",)}
    )
    with pytest.raises(SpecError, match="features need two inputs; 'three' has 3"):
        Trainer(spec)


def test_default_features_keep_the_tutorial_shapes():
    net = preset_spec("xor-minimal").network
    assert layer_shapes(net, 2, 1) == [(2, 3), (3, 1)]
    assert layer_shapes(preset_spec("parity3").network, 3, 1)[0] == (4, 6)


def test_the_graph_shows_the_feature_computation():
    from pytensor.graph.traversal import ancestors

    output = Trainer(SPEC).symbolic.output
    ops = {
        type(v.owner.op.scalar_op).__name__
        for v in ancestors([output])
        if v.owner is not None and hasattr(v.owner.op, "scalar_op")
    }
    assert {"Sin", "Mul"} <= ops  # sin(x1), sin(x2), the squares and the product
